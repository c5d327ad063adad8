# Baseline (idle) windows give gross / idle / net energy (DESIGN.md
# "Measurement rules"). Hand-worked: GPU at 50 W for 0–10 s (the baseline
# window), ramping to 250 W at 11 s, 250 W until 30 s. Idle 50 W; after the
# baseline: gross = 150 J (ramp) + 19 s × 250 W = 4900 J, idle = 50 W × 20 s
# = 1000 J, net 3900 J; epoch 12–22 s: 2500 J, net 2500 − 500 = 2000 J.
. "$CTK_ROOT/tests/e2e/lib.sh"
{
	echo "timestamp, index, power.draw [W]"
	for s in $(seq 0 30); do
		w=250.00; [ "$s" -le 10 ] && w=50.00
		printf '2024/01/01 00:00:%02d.000, 0, %s W\n' "$s" "$w"
	done
} > trace.csv
printf 'epoch,start_s,end_s\n1,1704067212,1704067222\n' > epochs.csv
ok "import" ctk import nvidia-smi trace.csv --db run.db --tz UTC
ok "epochs" ctk import epochs epochs.csv --db run.db --run 1
python3 -c "import sqlite3; c=sqlite3.connect('run.db'); c.execute(\"insert into windows(run_id, kind, name, start_ns, end_ns) values (1, 'baseline', 'baseline', 1704067200000000000, 1704067210000000000)\"); c.commit()"
ctk analyze --db run.db --json > an.json
get() { python3 -c "import json; r=json.load(open('an.json'))['runs'][0]; print($1)"; }
near "idle power" "$(get "r['baseline']['idle_w']")" 50 1e-12
near "gross after the baseline" "$(get "r['baseline']['gross_j']")" 4900 1e-12
near "idle energy" "$(get "r['baseline']['idle_j']")" 1000 1e-12
near "net energy" "$(get "r['baseline']['net_j']")" 3900 1e-12
near "epoch net energy" "$(get "r['epochs'][0]['net_energy_j']")" 2000 1e-12
ok "text output says so" sh -c 'ctk analyze --db run.db | grep -q "baseline: idle 50.0 W"'
ok "JSON follows the schema" python3 "$CTK_ROOT/tests/e2e/jsonschema.py" "$CTK_ROOT/schemas/analyze.schema.json" an.json
done_testing
