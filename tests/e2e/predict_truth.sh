# Prediction error vs N on the two real carbontracker runs whose per-epoch
# energies are known exactly (../shared/data/carbontracker-logs/*/truth.csv,
# 12 epochs): bench/predict_gen.py turns them into nvidia-smi traces (power
# constant within each epoch, rounded to 0.01 W like nvidia-smi), analyze
# predicts after N = 1..11, and every ct-mean / recent / median error is
# checked against the one computed here from truth.csv itself.
. "$CTK_ROOT/tests/e2e/lib.sh"
python3 "$CTK_ROOT/bench/predict_gen.py" runs "$CTK_DATA" 0 > list
i=0
while read -r trace eps name; do
	i=$((i + 1))
	ctk import nvidia-smi "$trace" --db t.db --tz UTC --label "$name" >/dev/null 2>&1 || echo "# import $name failed"
	ctk import epochs "$eps" --db t.db --run "$i" >/dev/null 2>&1 || echo "# epochs $name failed"
done < list
is "two runs" "$i" 2
ok "analyze" ctk analyze --db t.db
is "11 N x 6 predictors x 3 targets x 2 runs" "$(sql t.db 'select count(*) from predictions')" 396
cat > check.py <<'PY'
import csv, sqlite3, statistics, sys
c = sqlite3.connect("t.db")
bad = 0
for run, g in ((1, "1gpu"), (2, "8gpu")):
    e = [float(r["exact_energy_j_all_gpus"]) for r in csv.DictReader(open(f"{sys.argv[1]}/carbontracker-logs/{g}/truth.csv"))]
    tot = sum(e)
    for n in range(1, 12):
        x = e[:n]
        want = {"ct-mean": statistics.mean(x) * 12,
                "median": sum(x) + statistics.median(x) * (12 - n),
                "recent": sum(x) + statistics.mean(x[n - (n + 1) // 2:]) * (12 - n)}
        for p, v in want.items():
            got = c.execute("select rel_err from predictions where run_id=? and after_n=? and predictor=? and target='energy'",
                            (run, n, p)).fetchone()[0]
            if abs(got - (v - tot) / tot) > 1e-4:
                print(run, n, p, got, (v - tot) / tot); bad += 1
print(bad)
PY
is "ct-mean, median, recent errors after N = 1..11 = truth.csv's" "$(python3 check.py "$CTK_DATA")" 0
# carbontracker's own rule after one epoch: 12 x epoch 1 (1gpu: 12 x 1342.610 J vs 17997.737 J in all)
near "1gpu: ct-mean error after one epoch" "$(sql t.db "select rel_err from predictions where run_id=1 and after_n=1 and predictor='ct-mean' and target='energy'")" "$(python3 -c "print(12*1342.610/17997.737-1)")" 1e-4
near "8gpu: ct-mean error after one epoch" "$(sql t.db "select rel_err from predictions where run_id=2 and after_n=1 and predictor='ct-mean' and target='energy'")" "$(python3 -c "print(12*15665.718/143965.657-1)")" 1e-4
is "evaluate over both runs: 2 runs per row" "$(ctk evaluate --db t.db --target energy --predictor ct-mean --csv | tail -n +2 | cut -d, -f4 | sort -u)" 2
done_testing
