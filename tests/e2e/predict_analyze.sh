# Predictions end to end on the bundled demo run (samples/demo: 2 simulated
# GPUs, 5 epochs, the first one slower): analyze stores every (N, predictor,
# target) row; the numbers are recomputed here in Python from the epochs'
# energies and durations that analyze reports (ct-mean, median, recent,
# skip-warmup's rule, trend, the t interval); evaluate's summary is recomputed
# from the stored rows; CO2 with a constant intensity; ctk config.
. "$CTK_ROOT/tests/e2e/lib.sh"
ok "import demo trace" ctk import nvidia-smi "$CTK_ROOT/samples/demo/gpu-trace.csv" --db d.db --tz UTC
ok "import demo epochs" ctk import epochs "$CTK_ROOT/samples/demo/epochs.csv" --db d.db --run 1
ctk analyze --db d.db --json > a.json
is "default_predictor in JSON" "$(python3 -c "import json; print(json.load(open('a.json'))['default_predictor'])")" level
is "72 predictions in JSON (N=1..4 x 6 predictors x 3 targets)" "$(python3 -c "import json; print(len(json.load(open('a.json'))['runs'][0]['predictions']))")" 72
is "72 rows stored" "$(sql d.db 'select count(*) from predictions')" 72
is "no CO2 without a zone" "$(sql d.db "select count(*) from predictions where target='co2' and value is not null")" 0

cat > check.py <<'PY'
import json, math, statistics, sys
a = json.load(open(sys.argv[1]))
run = a["runs"][0]
e = [x["energy_j"] for x in run["epochs"]]
d = [x["duration_s"] for x in run["epochs"]]
T = {1: 12.706204736, 2: 4.302652730, 3: 3.182446305, 4: 2.776445105}
P = len(e)
def rest_mean(x, m):  return m * statistics.mean(x)
def warm(x):
    k = 0
    while k < (len(x) - 1) // 2:
        r = x[k + 1:]; med = statistics.median(r); mad = statistics.median([abs(v - med) for v in r])
        if abs(x[k] - med) <= max(0.05 * abs(med), 3 * 1.4826 * mad): break
        k += 1
    return k
def trend(x, m):
    n = len(x)
    if n < 3: return rest_mean(x, m)
    ib = (n - 1) / 2; yb = statistics.mean(x)
    b = sum((i - ib) * (x[i] - yb) for i in range(n)) / sum((i - ib) ** 2 for i in range(n))
    a = yb - b * ib
    return max(0.0, sum(a + b * i for i in range(n, n + m)))
def differs(a, b):
    # the level rule of docs/PREDICTION.md: more than 8 % apart
    return abs(a / b - 1) > 0.08 if b > 0 else a != b
def level(x, m):
    n, k = len(x), len(x) - 2
    if n >= 3 and not differs(x[-1], x[-2]):
        while k > 0 and not differs(x[k - 1], x[-1]):
            k -= 1
        if k > 0 and differs(x[-1], statistics.median(x[:k])):
            return rest_mean(x[k:], m)
    return rest_mean(x[len(x) - (len(x) + 1) // 2:], m)
pred = {
    "ct-mean": lambda x, m: rest_mean(x, m),
    "level": level,
    "median": lambda x, m: m * statistics.median(x),
    "recent": lambda x, m: rest_mean(x[len(x) - (len(x) + 1) // 2:], m),
    "skip-warmup": lambda x, m: rest_mean(x[warm(x):], m),
    "trend": trend,
}
bad = 0
for r in run["predictions"]:
    n, m = r["after_n"], P - r["after_n"]
    if r["target"] == "co2":
        continue
    x = e if r["target"] == "energy" else d
    want = sum(x[:n]) + pred[r["predictor"]](x[:n], m)
    actual = sum(x)
    if abs(r["value"] - want) > 1e-9 * want or abs(r["actual"] - actual) > 1e-9 * actual \
       or abs(r["rel_err"] - (want - actual) / actual) > 1e-9:
        print("mismatch", r, want); bad += 1
    if r["predictor"] == "ct-mean" and n >= 2:
        half = T[n - 1] * statistics.stdev(x[:n]) * math.sqrt(m + m * m / n)
        if abs(r["hi"] - (want + half)) > 1e-7 * want or r["coverage_nominal"] != 0.95:
            print("interval", r, want + half); bad += 1
    if n == 1 and r["lo"] is not None:
        print("interval after one epoch", r); bad += 1
print(bad)
PY
is "every energy/duration prediction, interval and rel_err = Python" "$(python3 check.py a.json)" 0
is "skip-warmup drops the slow first epoch's duration after 3" "$(sql d.db "select used_epochs from predictions where predictor='skip-warmup' and target='duration' and after_n=3")" 2
ctk analyze --db d.db > a.txt
ok "table names the default predictor" grep -q "prediction for 5 epoch(s), predictor level (default), 95% interval" a.txt

ok "--predict-after 2" ctk analyze --db d.db --predict-after 2
is "36 rows for N=1..2" "$(sql d.db 'select count(*)||":"||max(after_n) from predictions')" "36:2"
ok "--predict-after 3..9 (clipped to 4)" ctk analyze --db d.db --predict-after 3..9
is "N=3..4" "$(sql d.db 'select min(after_n)||":"||max(after_n) from predictions')" "3:4"
ok "--epochs 10: predict the unfinished run" ctk analyze --db d.db --epochs 10
is "N=1..5 for 10 planned, no actual" "$(sql d.db 'select max(after_n)||":"||max(planned_epochs)||":"||count(actual) from predictions')" "5:10:0"
want=$(python3 -c "import json; e=[x['energy_j'] for x in json.load(open('a.json'))['runs'][0]['epochs']]; print(sum(e)*2)")
near "ct-mean after 5 of 10 = 2 x measured" "$(sql d.db "select value from predictions where predictor='ct-mean' and target='energy' and after_n=5")" "$want" 1e-12
ok "--epochs below the epochs is refused" sh -c '! ctk analyze --db d.db --epochs 3'
ctk analyze --db d.db --epochs 3 2>/dev/null; is "exit status 1" "$?" 1
ok "--predict-after 0 is refused" sh -c '! ctk analyze --db d.db --predict-after 0'

# planned epochs and zone through ctk config; CO2 with a constant 250 g/kWh
ok "config epochs=5 zone=XX" ctk config --db d.db 1 epochs=5 zone=XX gpu=A100 precision=fp16
is "config shows them" "$(ctk config --db d.db 1 | grep -E '^(epochs|zone|gpu|precision)=' | tr '\n' ' ')" "zone=XX epochs=5 gpu=A100 precision=fp16 "
python3 -c "
import sqlite3; c = sqlite3.connect('d.db')
c.execute(\"insert into intensity_series(series_id, zone, source, signal, unit, created_ns) values (1, 'XX', 'test', 'lifecycle', 'g/kWh', 0)\")
c.execute('insert into intensity values (1, 0, 9000000000000000000, 250, 0)'); c.commit()"
ctk analyze --db d.db --json > c.json
is "72 rows again" "$(sql d.db 'select count(*) from predictions')" 72
e1=$(sql d.db "select value from predictions where predictor='median' and target='energy' and after_n=2")
near "CO2 = energy x 250 g/kWh" "$(sql d.db "select value from predictions where predictor='median' and target='co2' and after_n=2")" "$(python3 -c "print($e1 / 3.6e6 * 250)")" 1e-12
near "actual CO2" "$(sql d.db "select actual from predictions where predictor='median' and target='co2' and after_n=2")" "$(python3 -c "import json; print(sum(x['energy_j'] for x in json.load(open('a.json'))['runs'][0]['epochs']) / 3.6e6 * 250)")" 1e-12

# evaluate: the summary recomputed from the stored rows
ctk evaluate --db d.db --csv > ev.csv
ok "evaluate CSV" test -s ev.csv
want=$(sql d.db "select 100*avg(abs(rel_err)) from predictions where predictor='recent' and target='energy'")
got=$(python3 -c "import csv; print([r['mape_pct'] for r in csv.DictReader(open('ev.csv')) if r['predictor']=='recent' and r['target']=='energy' and r['after_n']==''][0])")
near "evaluate pooled MAPE (recent, energy)" "$got" "$want" 1e-6
want=$(sql d.db "select 100*rel_err from predictions where predictor='trend' and target='duration' and after_n=3")
got=$(python3 -c "import csv; print([r['bias_pct'] for r in csv.DictReader(open('ev.csv')) if r['predictor']=='trend' and r['target']=='duration' and r['after_n']=='3'][0])")
near "evaluate bias (trend, duration, N=3)" "$got" "$want" 1e-6
want=$(sql d.db "select avg(actual between lo and hi) from predictions where predictor='ct-mean' and target='co2' and lo is not null")
got=$(python3 -c "import csv; print([r['coverage'] for r in csv.DictReader(open('ev.csv')) if r['predictor']=='ct-mean' and r['target']=='co2' and r['after_n']==''][0])")
near "evaluate coverage (ct-mean, co2)" "$got" "$want" 1e-3
is "evaluate --json rows (6 predictors x 3 targets x (4 N + all))" "$(ctk evaluate --db d.db --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)['rows']))")" 90
is "evaluate --target --max-n" "$(ctk evaluate --db d.db --csv --target energy --max-n 2 | tail -n +2 | wc -l)" 18
ok "evaluate table" sh -c 'ctk evaluate --db d.db --runs 1 | grep -q "^recent  *energy  *1 "'
ok "evaluate unknown run refused" sh -c '! ctk evaluate --db d.db --runs 7'
ok "config bad key refused" sh -c '! ctk config --db d.db 1 "a b=1"'
ok "config epochs=0 refused" sh -c '! ctk config --db d.db 1 epochs=0'
is "config epochs= dropped predictions" "$(ctk config --db d.db 1 epochs=10 >/dev/null; sql d.db 'select count(*) from predictions')" 0
done_testing
