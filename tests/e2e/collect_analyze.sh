# The collector and analyze together (issue #4 acceptance): a run collected
# on the fake NVML (exact energy counter of a scripted power curve) with
# epochs marked by `ctk mark`; `ctk analyze --json` per-epoch energy, summed
# over 1 and over 8 GPUs (never averaged), matches the curve's exact
# integral — computed here in Python from the curve — within 0.1 %.
. "$CTK_ROOT/tests/e2e/lib.sh"
export CTK_NVML_LIB="$CTK_BUILD/fakenvml/libnvidia-ml.so.1" CTK_SYSFS_ROOT="$PWD/emptysys"
mkdir -p emptysys
CURVE="0:100,0.5:400,1.2:250,2:100"
export CTK_FAKENVML_CURVE=$CURVE

for g in 1 8; do
	export CTK_FAKENVML_DEVICES=$g
	ok "$g GPU(s): collect 3 marked epochs" ctk collect --db run$g.db --label "fake $g" --epochs 3 --interval 20ms -- sh -c '
		for e in 1 2 3; do ctk mark epoch-start $e; sleep 0.7; ctk mark epoch-end; sleep 0.2; done'
	is "$g GPU(s): simulated device recorded" "$(sql run$g.db 'select simulated from runs')" 1
	is "$g GPU(s): devices" "$(sql run$g.db "select count(*) from devices where kind='gpu'")" "$g"
	ctk analyze --db run$g.db --json > an$g.json
	ok "$g GPU(s): analyze JSON follows the schema" python3 "$CTK_ROOT/tests/e2e/jsonschema.py" "$CTK_ROOT/schemas/analyze.schema.json" an$g.json
	python3 - "$CURVE" "$g" an$g.json > cmp$g.txt <<'PY'
import json, sys
pts = [tuple(map(float, p.split(":"))) for p in sys.argv[1].split(",")]
period, ngpu = pts[-1][0], int(sys.argv[2])
def F(t):   # exact integral of the periodic curve from 0 to t (t in s, exact decimal via ns ints)
    whole, r = divmod(t, period)
    one = sum((b[0] - a[0]) * (a[1] + b[1]) / 2 for a, b in zip(pts, pts[1:]))
    acc = whole * one
    for a, b in zip(pts, pts[1:]):
        if r <= a[0]:
            break
        x = min(r, b[0])
        px = a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0])
        acc += (x - a[0]) * (a[1] + px) / 2
    return acc
base = 1700000000  # keep times small so doubles stay exact
run = json.load(open(sys.argv[3]))["runs"][0]
for e in run["epochs"]:
    a = (e["start_ns"] - base * 10**9) / 1e9
    b = (e["end_ns"] - base * 10**9) / 1e9
    # the curve is on UTC time mod period; base is a multiple of the period (2 s)
    want = sum(F(b) - F(a) + 10 * i * (b - a) for i in range(ngpu))
    print(e["idx"], e["energy_j"], want, e["devices"][0]["method"])
PY
	is "$g GPU(s): three epochs analysed" "$(wc -l < cmp$g.txt)" 3
	while read -r idx got want method; do
		near "$g GPU(s): epoch $idx energy = exact integral (0.1 %)" "$got" "$want" 1e-3
		is "$g GPU(s): epoch $idx from the energy counter" "$method" counter
	done < cmp$g.txt
done
done_testing
