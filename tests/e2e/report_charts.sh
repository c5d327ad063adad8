# The chart rules of a report for print: a chart without data is left out
# with a note; a run priced with one yearly value shows it as a flat line;
# more than 4 GPUs are drawn as the total and a min-max band; baseline and
# phases are drawn; the hardware comparison groups by --by like ctk compare,
# with n = runs and the groups' names on the axis. Expected numbers are
# computed here from the inputs (Python), not read from ctk.
. "$CTK_ROOT/tests/e2e/lib.sh"
D=$CTK_ROOT/samples/demo
cat > png.py <<'PY'
import sys
src = open(sys.argv[1]).read().split("\nw, h, bpp, rows")[0]   # decode() of pnginfo.py
exec(src)
w, h, bpp, rows = decode(sys.argv[2])
want = tuple(int(sys.argv[3][i:i + 2], 16) for i in (0, 2, 4))
best = 0
for r in rows:   # the longest share of one row in the colour (a horizontal line)
    n = sum(1 for x in range(w) if all(abs(r[x * bpp + k] - want[k]) <= 12 for k in range(3)))
    best = max(best, n)
print("%.2f" % (best / w))
PY
pdf_has() { pdftotext "$2" - | tr -s ' \n' '  ' | grep -qF -- "$3"; }

# 1. yearly intensity: a flat reddish-purple (#CC79A7, Okabe-Ito) line
ok "demo import" ctk import nvidia-smi "$D/gpu-trace.csv" --db y.db --tz UTC --simulated --label demo
ok "demo epochs" ctk import epochs "$D/epochs.csv" --db y.db --run 1
ok "yearly DE" ctk intensity default --zone DE --store --db y.db
ok "analyze (fill default)" ctk analyze --db y.db --zone DE --fill default
ok "report" ctk report --db y.db --out y
share=$(python3 png.py "$CTK_ROOT/tests/e2e/pnginfo.py" y/intensity.png cc79a7)
ok "intensity.png: a flat line over most of the width ($share of a row)" python3 -c "import sys; sys.exit(not $share > 0.6)"
share=$(python3 png.py "$CTK_ROOT/tests/e2e/pnginfo.py" y/power.png cc79a7)
ok "power.png: the yearly value as a dashed flat line ($share of a row)" python3 -c "import sys; sys.exit(not $share > 0.3)"
g=$(python3 -c "
import sqlite3; c = sqlite3.connect('y.db')
co2 = c.execute('select co2_g from run_co2').fetchone()[0]; e = c.execute('select sum(energy_j) from device_energy').fetchone()[0]
print('%.0f' % (co2 / (e / 3.6e6)))")
ok "intensity caption: one value, $g g CO2/kWh" pdf_has x y/report.pdf "one value, $g g CO2/kWh"
ok "every chart names its run" pdf_has x y/epoch_energy.pdf 'Run “demo” (simulated device)'
ok "simulated: flagged in the model card" grep -q '# WARNING: 1 of the 1 runs were measured on a simulated device' y/model-card.yaml
ok "… and in its source" grep -q 'source: "ctk (SIMULATED device energy' y/model-card.yaml
ok "… and in the summary table's caption" grep -q 'Measured on a simulated device, not real hardware: demo' y/summary.tex
ok "model card: the zone by name" grep -q 'geographical_location: "Germany (DE)"' y/model-card.yaml
ok "methods: the zone by name" grep -q 'for Germany (DE) (one value per year, data of 2024)' y/methods.md

# 2. left out when empty: epochs where there are no readings have no energy
python3 - <<'PY'
open("late.csv", "w").write("epoch,start,end\n1,2026-11-24T09:00:00Z,2026-11-24T09:01:00Z\n2,2026-11-24T09:01:00Z,2026-11-24T09:02:00Z\n")
PY
ok "import" ctk import nvidia-smi "$D/gpu-trace.csv" --db e.db --tz UTC --label late
ok "epochs a day after the readings" ctk import epochs late.csv --db e.db --run 1
ctk analyze --db e.db >/dev/null 2>&1
ok "report" ctk report --db e.db --out e
ok "epoch_energy left out" test ! -e e/epoch_energy.png
ok "… with a note in report.pdf" pdf_has x e/report.pdf "no epoch of run 1 has measured energy"

# 3. eight GPUs: the total and the devices' min-max band, no per-device lines
python3 - <<'PY'
from datetime import datetime, timedelta
t0 = datetime(2026, 3, 1, 12, 0, 0)
with open("g8.csv", "w") as f:
    f.write("timestamp, index, name, power.draw [W]\n")
    for s in range(121):
        for g in range(8):
            f.write("%s, %d, NVIDIA H100 80GB HBM3, %.2f W\n" % ((t0 + timedelta(seconds=s)).strftime("%Y/%m/%d %H:%M:%S.000"), g, 300 + 10 * g))
open("g8_ep.csv", "w").write("epoch,start,end\n1,2026-03-01T12:00:10Z,2026-03-01T12:01:00Z\n2,2026-03-01T12:01:00Z,2026-03-01T12:01:50Z\n")
PY
ok "import 8 GPUs" ctk import nvidia-smi g8.csv --db g8.db --tz UTC --label eight
ok "epochs" ctk import epochs g8_ep.csv --db g8.db --run 1
ok "analyze" ctk analyze --db g8.db
# 4. a baseline and a phase, stored as windows (as the collector's markers do)
ok "baseline and phase windows" python3 -c "
import sqlite3; c = sqlite3.connect('g8.db')
c.execute(\"insert into windows(run_id, kind, name, start_ns, end_ns) values (1, 'baseline', 'idle', 1772366401000000000, 1772366408000000000)\")
c.execute(\"insert into windows(run_id, kind, name, start_ns, end_ns) values (1, 'phase', 'warmup', 1772366410000000000, 1772366450000000000)\")
c.commit()"
ok "analyze again" ctk analyze --db g8.db
ok "report" ctk report --db g8.db --out g8
ok "power: total of 8 in the legend" pdf_has x g8/power.pdf "total of 8"
ok "power: the devices' min-max band in the legend" pdf_has x g8/power.pdf "device min–max"
ok "power: no line per device" sh -c '! pdftotext g8/power.pdf - | grep -q gpu5'
ok "epoch energy: one bar, the sum of 8" pdf_has x g8/epoch_energy.pdf "total of 8 devices"
ok "power: the phase is drawn, by name" pdf_has x g8/power.pdf "warmup"
ok "power: the baseline in the legend" pdf_has x g8/power.pdf "baseline"
ok "caption says both" pdf_has x g8/report.pdf "the idle baseline in light blue, marked phases bracketed along the top"

# 5. hardware comparison by --by: 4 runs of one GPU model, 2 in bf16, 2 in fp32
i=0
for spec in "bf16 250 30 32" "bf16 260 31 33" "fp32 400 50 52" "fp32 420 49 51"; do
	set -- $spec
	i=$((i + 1))
	python3 "$CTK_ROOT/tests/e2e/const_trace.py" "r$i" "NVIDIA A40" "$2" "2026-02-0${i}T00:00:00+00:00" "$3" "$4"
	ctk import nvidia-smi "r$i.csv" --db c.db --tz UTC --label "r$i" >/dev/null 2>&1 || echo "# import r$i failed"
	ctk import epochs "r${i}_epochs.csv" --db c.db --run "$i" >/dev/null 2>&1 || echo "# epochs r$i failed"
	ctk config --db c.db "$i" "precision=$1" >/dev/null 2>&1 || echo "# config r$i failed"
done
ok "analyze" ctk analyze --db c.db
ok "report --by gpu: one group" ctk report --db c.db --out one --by gpu
ok "… no comparison chart" test ! -e one/hardware_comparison.png
ok "report --by gpu,precision" ctk report --db c.db --out two --by gpu,precision
ok "… a comparison chart" test -s two/hardware_comparison.png
# independent: a run's mean epoch energy = P x mean duration; the group's mean over its 2 runs with a
# t interval over runs (df 1: t = tan(pi (0.975 - 1/2)))
cat > cmp.py <<'PY'
import csv, math, statistics
runs = {"A40, bf16": [250 * 31, 260 * 32], "A40, fp32": [400 * 51, 420 * 50]}
got = {r["group"]: r for r in csv.DictReader(open("two/comparison.csv"))}
t = math.tan(math.pi * (0.975 - 0.5))
bad = []
for g, xs in runs.items():
    m, half = statistics.mean(xs), t * statistics.stdev(xs) / math.sqrt(2)
    r = got[g]
    if int(r["runs"]) != 2:
        bad.append(f"{g} runs {r['runs']}")
    for k, v in (("run_mean_epoch_energy_kwh", m), ("run_ci95_lo_kwh", m - half), ("run_ci95_hi_kwh", m + half)):
        if abs(float(r[k]) * 3.6e6 - v) > 1e-6 * abs(v):
            bad.append(f"{g} {k} {float(r[k]) * 3.6e6} want {v}")
print("; ".join(bad) or "ok")
PY
is "comparison.csv: groups by gpu,precision, n = 2 runs, mean and interval over runs" "$(python3 cmp.py)" ok
ok "chart: group names on the axis" pdf_has x two/hardware_comparison.pdf "A40, bf16"
ok "chart: n = runs under each bar (twice n = 2)" sh -c "test \$(pdftotext two/hardware_comparison.pdf - | grep -Ec '^n ?= ?2$') = 2"
done_testing
