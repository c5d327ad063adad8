# One set of epochs, one interval: `ctk compare` (JSON and CSV) and the
# report's comparison table (comparison.csv) give the same mean and 95 %
# t interval of the energy per epoch, and both equal Python's, whose t
# quantile comes from a Simpson integration of the t density (no table, no
# scipy). Two setups: 3 epochs (df 2) and 36 epochs (df 35), where a 3-decimal
# t table (4.303, and 2.021 for df 31-40) gives a different interval.
# Each run is a constant-power nvidia-smi trace (const_trace.py), so epoch
# energy = P x duration.
. "$CTK_ROOT/tests/e2e/lib.sh"
python3 - "$CTK_ROOT/tests/e2e/const_trace.py" <<'PY'
import json, subprocess, sys
setups = [("NVIDIA A40", 250.0, [30.0, 36.5, 33.0]),
          ("Tesla V100-SXM2-32GB", 180.0, [20.0 + (k * 7 % 11) * 0.75 for k in range(36)])]
for i, (name, p, durs) in enumerate(setups, 1):
    subprocess.run([sys.executable, sys.argv[1], f"run{i}", name, str(p),
                    "2026-02-01T00:00:00+00:00"] + [str(d) for d in durs], check=True)
json.dump([{"gpu": name, "e": [p * d for d in durs]} for name, p, durs in setups], open("setups.json", "w"))
PY
for i in 1 2; do
	ctk import nvidia-smi "run$i.csv" --db c.db --tz UTC --label "run$i" >/dev/null 2>&1 || echo "# import run$i failed"
	ctk import epochs "run${i}_epochs.csv" --db c.db --run "$i" >/dev/null 2>&1 || echo "# epochs run$i failed"
done
is "39 epochs" "$(sql c.db "select count(*) from windows where kind='epoch'")" 39
ok "analyze" ctk analyze --db c.db
ok "report (csv)" ctk report --db c.db --out rep --formats csv
ok "compare --json" sh -c 'ctk compare --db c.db --by gpu --json > cmp.json'
ok "compare --csv" sh -c 'ctk compare --db c.db --by gpu --csv > cmp.csv'

cat > check.py <<'PY'
import csv, json, math, statistics, sys
def pdf(x, v):
    return math.exp(math.lgamma((v + 1) / 2) - math.lgamma(v / 2) - 0.5 * math.log(v * math.pi)
                    - (v + 1) / 2 * math.log1p(x * x / v))
def cdf(t, v, n=2000):   # Simpson's rule on [0, t]
    h = t / n
    s = pdf(0, v) + pdf(t, v) + sum((4 if i % 2 else 2) * pdf(i * h, v) for i in range(1, n))
    return 0.5 + s * h / 3
def tq(q, v):
    lo, hi = 0.0, 16.0
    for _ in range(60):
        m = (lo + hi) / 2
        lo, hi = (m, hi) if cdf(m, v) < q else (lo, m)
    return (lo + hi) / 2
want = {}
for s in json.load(open("setups.json")):
    e = s["e"]
    m = statistics.mean(e)
    half = tq(0.975, len(e) - 1) * statistics.stdev(e) / math.sqrt(len(e))
    want[s["gpu"]] = (len(e), m, m - half, m + half)
cj = {g["group"]: g for g in json.load(open("cmp.json"))["groups"]}
cc = {r["group"]: r for r in csv.DictReader(open("cmp.csv"))}
rep = {}
for r in csv.DictReader(open("rep/comparison.csv")):
    gpu = r["hardware"].split("\u00d7 ", 1)[1]
    rep[gpu] = r
def close(a, b, tol):
    return abs(a - b) <= tol * abs(b)
what = sys.argv[1]
bad = []
for gpu, (n, m, lo, hi) in want.items():
    j, c, r = cj[gpu]["energy_j_per_epoch"], cc[gpu], rep[gpu]
    got = {
        "compare json": (j["n"], j["mean"], j["lo"], j["hi"]),
        "compare csv": (int(c["epochs"]), float(c["energy_j_per_epoch"]), float(c["energy_lo"]), float(c["energy_hi"])),
        "report": (int(r["epochs"]), float(r["epoch_energy_kwh"]) * 3.6e6, float(r["ci95_lo_kwh"]) * 3.6e6,
                   float(r["ci95_hi_kwh"]) * 3.6e6),
    }
    if what == "python":   # each output against Python's interval
        for k, v in got.items():
            if v[0] != n or not all(close(a, b, 1e-8) for a, b in zip(v[1:], (m, lo, hi))):
                bad.append(f"{k} {gpu} {v} want {(n, m, lo, hi)}")
    else:                  # the same number in two outputs: equal
        a, b = got["compare csv"], got["report"]
        if a[0] != b[0] or not all(close(x, y, 2e-9) for x, y in zip(a[1:], b[1:])):
            bad.append(f"{gpu} compare {a} report {b}")
print("; ".join(bad) or "ok")
PY
is "comparison table has both setups" "$(tail -n +2 rep/comparison.csv | wc -l | tr -d ' ')" 2
is "compare and report: same mean and interval (df 2 and df 35)" "$(python3 check.py same)" ok
is "compare (json, csv) and report = Python's t interval" "$(python3 check.py python)" ok
done_testing
