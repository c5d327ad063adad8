# ctk compare on runs made from the Zeus NSDI'23 measurements
# (../shared/data/zeus/nsdi23_summary_power_<gpu>.csv: average power and time
# per epoch of CIFAR-100/ShuffleNetV2/Adadelta at the highest power limit,
# batch 1024 and 512): each becomes a 3-epoch nvidia-smi trace at constant
# power (const_trace.py: epoch energy = P x duration exactly) with 50,000
# items per epoch.
# Group means, 95 % t intervals and ratios are recomputed here in Python.
. "$CTK_ROOT/tests/e2e/lib.sh"
cat > gen.py <<'PY'
import csv, subprocess, sys
from datetime import datetime, timezone
names = {"a40": "NVIDIA A40", "v100": "Tesla V100-SXM2-32GB", "p100": "Tesla P100-PCIE-16GB", "rtx6000": "Quadro RTX 6000"}
base = datetime(2026, 1, 1, tzinfo=timezone.utc)
runs = []
for g, name in names.items():
    rows = list(csv.DictReader(open(f"{sys.argv[1]}/nsdi23_summary_power_{g}.csv")))
    for batch in ("1024", "512"):
        sel = [r for r in rows if (r["dataset"], r["network"], r["optimizer"], r["batch_size"]) == ("cifar100", "shufflenetv2", "adadelta", batch)]
        r = max(sel, key=lambda r: float(r["power_limit"]))
        p = round(float(r["average_power"]), 2)
        durs = [round(float(r["time_per_epoch"]) * f, 3) for f in (1.0, 1.02, 0.98)]
        tag = f"{g}-{batch}"
        subprocess.run([sys.executable, sys.argv[2], "--items", "50000", tag, name, f"{p:.2f}",
                        base.isoformat()] + [str(d) for d in durs], check=True)
        runs.append((tag, name, batch, p, durs))
import json
json.dump(runs, open("runs.json", "w"))
for r in runs:
    print(r[0], r[2])
PY
python3 gen.py "$CTK_DATA/zeus" "$CTK_ROOT/tests/e2e/const_trace.py" > list
i=0
while read -r tag batch; do
	i=$((i + 1))
	ctk import nvidia-smi "$tag.csv" --db c.db --tz UTC --label "$tag" >/dev/null 2>&1 || echo "# import $tag failed"
	ctk import epochs "${tag}_epochs.csv" --db c.db --run "$i" >/dev/null 2>&1 || echo "# epochs $tag failed"
	ctk config --db c.db "$i" batch="$batch" >/dev/null 2>&1 || echo "# config $tag failed"
done < list
is "8 runs" "$(sql c.db 'select count(*) from runs')" 8
is "24 epochs" "$(sql c.db "select count(*) from windows where kind='epoch'")" 24

cat > check.py <<'PY'
import json, math, statistics, sys
runs = json.load(open("runs.json"))
out = json.load(open(sys.argv[1]))
by = sys.argv[2].split(",")
T = {2: 4.302652730, 5: 2.570581836, 11: 2.200985160}
def key(r):
    v = {"gpu": r[1], "batch": r[2]}
    return ",".join(v[k] for k in by)
groups = {}
for r in runs:
    g = groups.setdefault(key(r), {"e": [], "d": [], "runs": 0})
    g["runs"] += 1
    g["e"] += [r[3] * d for d in r[4]]
    g["d"] += r[4]
names = sorted(groups)
base = sys.argv[3] if len(sys.argv) > 3 else names[0]
bad = 0
def close(a, b, tol=1e-9):
    return abs(a - b) <= tol * max(1.0, abs(b))
def stat(x):
    m = statistics.mean(x); se = statistics.stdev(x) / math.sqrt(len(x))
    return m, se, T[len(x) - 1] * se
if out["baseline"] != base or [g["group"] for g in out["groups"]] != names:
    print("groups", out["baseline"], [g["group"] for g in out["groups"]]); bad += 1
bm, bse, _ = stat(groups[base]["e"])
for g in out["groups"]:
    x = groups[g["group"]]
    m, se, half = stat(x["e"])
    dm, _, dhalf = stat(x["d"])
    im, _, ihalf = stat([e / 50000 for e in x["e"]])
    r = m / bm
    rhalf = 1.959963985 * r * math.sqrt((se / m) ** 2 + (bse / bm) ** 2)
    checks = [(g["runs"], x["runs"]), (g["epochs"], len(x["e"])),
              (g["energy_j_per_epoch"]["mean"], m), (g["energy_j_per_epoch"]["hi"], m + half),
              (g["energy_j_per_epoch"]["lo"], m - half), (g["time_s_per_epoch"]["mean"], dm),
              (g["time_s_per_epoch"]["hi"], dm + dhalf), (g["energy_j_per_item"]["mean"], im),
              (g["energy_j_per_item"]["hi"], im + ihalf), (g["energy_ratio"]["mean"], r)]
    if g["group"] != base:
        checks.append((g["energy_ratio"]["hi"], r + rhalf))
    for got, want in checks:
        if not close(got, want, 1e-6):
            print(g["group"], got, want); bad += 1
print(bad)
PY
ctk compare --db c.db --by gpu --json > g.json
is "compare --by gpu (GPU name from devices): means, intervals, ratios = Python" "$(python3 check.py g.json gpu)" 0
ctk compare --db c.db --by gpu --baseline "Tesla V100-SXM2-32GB" --json > gv.json
is "compare --baseline" "$(python3 check.py gv.json gpu "Tesla V100-SXM2-32GB")" 0
ctk compare --db c.db --by gpu,batch --json > gb.json
is "compare --by gpu,batch (batch from ctk config)" "$(python3 check.py gb.json gpu,batch)" 0
is "8 groups" "$(python3 -c "import json; print(len(json.load(open('gb.json'))['groups']))")" 8
ctk compare --db c.db --by batch --json > b.json
is "compare --by batch" "$(python3 check.py b.json batch)" 0
ok "compare table" sh -c 'ctk compare --db c.db --by gpu | grep -q "NVIDIA A40.*(baseline)"'
is "compare CSV: header + 4 groups" "$(ctk compare --db c.db --by gpu --csv | wc -l)" 5
ok "unknown baseline refused" sh -c '! ctk compare --db c.db --by gpu --baseline nope'
ok "missing --by refused" sh -c '! ctk compare --db c.db'
is "a key no run has: one group '-'" "$(ctk compare --db c.db --by precision --json | python3 -c "import json,sys; g=json.load(sys.stdin)['groups']; print(len(g), g[0]['group'], g[0]['runs'])")" "1 - 8"
is "--runs limits the runs" "$(ctk compare --db c.db --by gpu --runs 1,2 --json | python3 -c "import json,sys; g=json.load(sys.stdin)['groups']; print(len(g), g[0]['runs'])")" "1 2"
done_testing
