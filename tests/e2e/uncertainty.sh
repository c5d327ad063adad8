# Uncertainty of every energy and CO2 figure (issue 15, common/uncertainty.h).
# (b) 1 Hz nvidia-smi samples of square waves (100/300 W, periods 2 s and
# 3 s, nine phases each; instantaneous power.draw of a V100): for every
# epoch (edges on and between samples) and the whole run, the stated bound
# covers the true error against the wave's exact integral (computed here).
# (c) a trace with a 12 s hole: the figures say so (gap_s, text), and the
# bound holds gap x the power limit. Every energy and CO2 number in
# `analyze --json` has its bound beside it (walked in Python), on these runs
# and on a priced run with a baseline window (real Titan X trace, DE 2023).
. "$CTK_ROOT/tests/e2e/lib.sh"
python3 - <<'PY'
from datetime import datetime, timezone
import json
T0 = 1767225600  # 2026-01-01 00:00:00 UTC
def square(t, period, phase):
    return 300.0 if (t + phase) % period < period / 2 else 100.0
def exact(a, b, period, phase):  # integral over [a, b] from the wave's edges
    e, t = 0.0, a
    while t < b:
        u = (t + phase) % period
        hi = u < period / 2
        nxt = min(b, t + (period / 2 - u if hi else period - u))
        e += (300.0 if hi else 100.0) * (nxt - t)
        t = nxt
    return e
def line(t, w, name="Tesla V100-SXM2-16GB"):
    d = datetime.fromtimestamp(T0 + t, timezone.utc)
    return "%s.000, %s, 0, %.2f W, 350.00 W\n" % (d.strftime("%Y/%m/%d %H:%M:%S"), name, w)
runs, epochs = [], [(0.0, 7.0), (7.5, 19.25), (20.0, 40.0)]
for period in (2.0, 3.0):
    for f in range(1, 10):
        phase = period * f / 10 + 0.013
        fn = "sq_%g_%d.csv" % (period, f)
        with open(fn, "w") as o:
            o.write("timestamp, name, index, power.draw [W], power.limit [W]\n")
            for t in range(41):
                o.write(line(t, square(t, period, phase)))
        runs.append({"file": fn, "run": exact(0, 40, period, phase),
                     "epochs": [exact(a, b, period, phase) for a, b in epochs]})
json.dump(runs, open("exact.json", "w"))
with open("epochs.csv", "w") as o:
    o.write("epoch,start_s,end_s\n")
    for k, (a, b) in enumerate(epochs):
        o.write("%d,%.3f,%.3f\n" % (k + 1, T0 + a, T0 + b))
# the gap: 200 W at 0..9 s and 21..30 s, nothing between
with open("gap.csv", "w") as o:
    o.write("timestamp, name, index, power.draw [W], power.limit [W]\n")
    for t in list(range(10)) + list(range(21, 31)):
        o.write(line(t, 200.0))
PY
# one store per trace (the period-2 s traces repeat each other's samples:
# one store would keep one copy of identical files)
imported=0
for f in sq_*.csv; do
	b=${f%.csv}
	ctk import nvidia-smi "$f" --db "$b.db" --tz UTC > /dev/null 2>&1 &&
		ctk import epochs epochs.csv --db "$b.db" --run 1 > /dev/null &&
		ctk analyze --db "$b.db" --json > "$b.json" && imported=$((imported + 1))
done
is "18 square-wave traces imported and analysed" "$imported" 18
python3 - > cover.txt <<'PY'
import json
for r in json.load(open("exact.json")):
    run = json.load(open(r["file"][:-4] + ".json"))["runs"][0]
    print(r["file"], "run", run["energy_j"], r["run"], run["energy_u_j"])
    for e, w in zip(run["epochs"], r["epochs"]):
        print(r["file"], "epoch%d" % e["idx"], e["energy_j"], w, e["energy_u_j"])
PY
is "every run and epoch compared (18 x 4)" "$(wc -l < cover.txt)" 72
bad=$(awk '{ d = $3 - $4; if (d < 0) d = -d; if (!(d <= $5)) print }' cover.txt | wc -l)
is "the bound covers the true error for every phase, epoch and run" "$bad" 0
# by hand, period 2 s, phase 0.213 s: the samples alternate 300/100 W, so
# each of the 40 one-second segments adds 1 s x 200 W / 2 = 100 J; the
# power step (gcd 100 W, capped at 1 W) x 40 s adds 40 J: 4040 J
is "period 2 s, phase 0.213 s: run bound 4040 J" "$(awk '$1 == "sq_2_1.csv" && $2 == "run" { print $5 }' cover.txt)" 4040
loose=$(awk '!($5 < $3)' cover.txt | wc -l)
is "every bound below its figure" "$loose" 0
err=$(awk '{ d = $3 - $4; if (d < 0) d = -d; if (d > m) m = d } END { print m + 0 }' cover.txt)
ok "some epoch is off at all (${err} J), so the check bites" python3 -c "import sys; sys.exit(not $err > 1)"

# (c) the gap
ok "import the trace with a hole" ctk import nvidia-smi gap.csv --db gap.db --tz UTC
ctk analyze --db gap.db --json > gap.json
g() { python3 -c "import json; r=json.load(open('gap.json'))['runs'][0]; print($1)"; }
# readings at 0..9 s and 21..30 s, 1 s apart: 9 -> 21 s is one 12 s gap
near "the run's figure has a 12 s gap" "$(g "r['gap_s']")" 12 1e-9
near "the device's figure too" "$(g "r['devices'][0]['gap_s']")" 12 1e-9
# 12 s x the 350 W limit = 4200 J; + the power step (200 W capped at 1 W) x
# 30 s = 30 J; constant power: no sampling term: 4230 J
near "bound = 12 s x 350 W + 1 W x 30 s" "$(g "r['energy_u_j']")" 4230 1e-9
ok "text says so" sh -c 'ctk analyze --db gap.db | grep -q "gap: 12.0 s without readings"'

# every energy and CO2 figure has its bound: the square waves, the gap,
# and a priced run with a baseline window
python3 "$CTK_ROOT/tests/e2e/titanx_2023.py" "$CTK_DATA/training-profile-gpu-traces/titanx_power-trace_2gpu_2025-12-10-17-40-10.csv" trace.csv
printf 'epoch,start,end\n1,2023-06-01T10:57:20Z,2023-06-01T10:58:40Z\n2,2023-06-01T10:58:41Z,2023-06-01T11:00:30Z\n' > tepochs.csv
ok "import the Titan X trace" ctk import nvidia-smi trace.csv --db de.db --tz UTC --label titanx
ok "its epochs" ctk import epochs tepochs.csv --db de.db --run 1
ok "DE 2023 intensity" ctk intensity import "$CTK_DATA/electricitymaps/DE_2023_hourly.csv" --db de.db
python3 -c "import sqlite3; c=sqlite3.connect('de.db'); c.execute(\"insert into windows(run_id, kind, name, start_ns, end_ns) values (1, 'baseline', 'baseline', 1685617031000000000, 1685617036000000000)\"); c.commit()"
ctk analyze --db de.db --zone DE --wue 1.8 --water-intensity 3.1 --json > de.json
is "analyze the priced run: exit 0" "$?" 0
cat > walk.py <<'PY'
import json, sys
# a figure: a number whose key ends in an energy, CO2 or power unit; its
# bound is the key with _u before the unit. Not figures: intensities
# (g_per_kwh), other tools' own numbers (reported_*), the carbontracker
# recomputation (its method, not a measurement), embodied CO2 (a source's
# footprint share: its co2_u_g is null with a note, checked below). Water
# litres (_l) carry the energy's relative bound. A whole-run prediction's
# parts still to come (*_rest_j) are predictions: their uncertainty is the
# row's interval (lo/hi, t_lo/t_hi), not a measurement bound.
UNITS = ("_j", "_kwh", "_g", "_w", "_l")
checked, missing = 0, []
def figure(k, path):
    return (k.endswith(UNITS) and "_u_" not in k and "per_kwh" not in k and not k.startswith("reported_")
            and not path.endswith(".embodied") and ".embodied." not in path and not k.endswith("_rest_j"))
def walk(o, path):
    global checked
    if isinstance(o, dict):
        for k, v in o.items():
            if k == "carbontracker":
                continue
            if figure(k, path) and isinstance(v, (int, float)) and not isinstance(v, bool):
                i = k.rindex("_")
                u = o.get(k[:i] + "_u" + k[i:])
                checked += 1
                if not isinstance(u, (int, float)) or u < 0:
                    missing.append(path + "." + k)
            walk(v, path + "." + k)
        if o.get("target") in ("energy", "co2") and isinstance(o.get("actual"), (int, float)):
            checked += 1
            if not isinstance(o.get("actual_u"), (int, float)):
                missing.append(path + ".actual")
    elif isinstance(o, list):
        for i, v in enumerate(o):
            walk(v, "%s[%d]" % (path, i))
for f in sys.argv[1:]:
    walk(json.load(open(f)), f)
print(checked, " ".join(missing[:5]))
PY
set -- $(python3 walk.py sq_*.json gap.json de.json)
ok "the walk saw many figures ($1)" test "$1" -gt 400
is "every energy and CO2 figure has its bound" "${2:-none}" none
d() { python3 -c "import json; r=json.load(open('de.json'))['runs'][0]; print($1)"; }
ok "the priced run has CO2, baseline and predictions" python3 -c "
import json; r=json.load(open('de.json'))['runs'][0]
assert r['co2_g'] and r['baseline'] and r['predictions'] and r['co2']['epochs_co2_g']"
near "CO2 bound = the energy's relative bound" "$(d "r['co2_u_g']")" "$(d "r['co2_g'] * r['energy_u_j'] / r['energy_j']")" 1e-9
near "epochs' bounds add" "$(d "r['epochs_energy_u_j']")" "$(d "sum(e['energy_u_j'] for e in r['epochs'])")" 1e-12
near "devices' bounds add" "$(d "r['energy_u_j']")" "$(d "sum(x['energy_u_j'] for x in r['devices'])")" 1e-12
for k in it_energy_kwh onsite_l offsite_l total_l; do
	u=$(echo $k | sed 's/_\([a-z]*\)$/_u_\1/')
	near "water: $u = the energy's relative bound x $k" "$(d "r['water']['$u']")" "$(d "r['water']['$k'] * r['energy_u_j'] / r['energy_j']")" 1e-9
done
is "embodied CO2 has no bound, said in words" "$(d "r['embodied']['co2_u_g'], r['embodied']['co2_u_note'][:14]")" "None not estimated:"
near "whole-run prediction after 1 epoch: observed bound = epoch 1's + the outside bound" \
	"$(d "[x for x in r['run_predictions'] if x['after_n'] == 1][0]['observed_u_j']")" \
	"$(d "r['epochs'][0]['energy_u_j'] + r['outside_epochs_u_j']")" 1e-9
near "whole-run prediction: actual's bound = the run's" \
	"$(d "r['run_predictions'][0]['actual_u']")" "$(d "r['energy_u_j']")" 1e-12
ok "the CO2 says the intensity's own uncertainty is not included" sh -c "grep -q 'own uncertainty is not included' de.json"
ok "JSON follows the schema" python3 "$CTK_ROOT/tests/e2e/jsonschema.py" "$CTK_ROOT/schemas/analyze.schema.json" de.json
ok "JSON follows the schema (gap)" python3 "$CTK_ROOT/tests/e2e/jsonschema.py" "$CTK_ROOT/schemas/analyze.schema.json" gap.json
done_testing
