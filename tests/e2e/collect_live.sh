# ctk collect's live prediction and budgets (issue #7, live part) on the fake
# NVML: the prediction printed after K epochs equals what `ctk analyze
# --predict-after K` computes afterwards from the store (same code, same
# epochs, within 1 %); --intensity and a zone's stored series give CO2 and
# km by car; --on-budget stop ends a 10-epoch command after epoch K (exit
# 143, reason in runs.config_json), SIGKILL after --grace; warn prints once
# and lets the run finish; ask without a terminal degrades to warn.
. "$CTK_ROOT/tests/e2e/lib.sh"
export CTK_NVML_LIB="$CTK_BUILD/fakenvml/libnvidia-ml.so.1" CTK_SYSFS_ROOT="$PWD/emptysys" CTK_FAKENVML_DEVICES=2
export CTK_FAKENVML_CURVE="0:150,0.5:250,1:150"
unset CUDA_VISIBLE_DEVICES NVIDIA_VISIBLE_DEVICES
mkdir -p emptysys
C="ctk collect --interval 20ms"
# E epochs of S seconds each, marked with ctk mark; writes finished.txt at the end
epochs() {
	echo "for e in \$(seq 1 $1); do ctk mark epoch-start \$e; sleep $2; done; ctk mark epoch-end; touch finished.txt"
}
# key=value from the exact prediction line after K epochs
exact() { grep "prediction: after_n=$2 " "$1" | head -1 | tr ' ' '\n' | sed -n "s/^$3=//p"; }
# the default predictor's rows from ctk analyze --json: "after_n target value hi" lines
analyzed() {
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
for p in r["runs"][0]["predictions"]:
    if p["predictor"] == r["default_predictor"]:
        print(p["after_n"], p["target"], p["value"], p["hi"])' "$1"
}
# field F (3: value, 4: hi) of analyze's row (K, TARGET) in file
row() { awk -v k="$2" -v t="$3" -v f="$4" '$1 == k && $2 == t { print $f }' "$1"; }

# (1) the live prediction after K = 3 of 6 epochs equals analyze's
$C --db p.db --epochs 6 --predict-after 3 --stats -- sh -c "$(epochs 6 0.15)" 2> p.err
is "collect 6 epochs with --predict-after 3" $? 0
is "no prediction line before epoch 3" "$(grep -c 'predicted total after [12]/' p.err)" 0
is "one line after each epoch from 3 on" "$(grep -c 'predicted total after [3-6]/6 epochs (level, 95 % interval): energy' p.err)" 4
ok "no intensity: CO2 needs one, said once" test "$(grep -c 'CO2 needs an intensity' p.err)" -eq 1
ctk analyze --db p.db --predict-after 3..4 --json > p.json
analyzed p.json > p.rows
for k in 3 4; do
	near "after $k: live energy = ctk analyze's (1 %)" "$(exact p.err $k energy_j)" "$(row p.rows $k energy 3)" 0.01
	near "after $k: live energy interval high end = analyze's" "$(exact p.err $k energy_j_hi)" "$(row p.rows $k energy 4)" 0.01
	near "after $k: live duration = ctk analyze's (1 %)" "$(exact p.err $k duration_s)" "$(row p.rows $k duration 3)" 0.01
	near "after $k: live calibrated high end (line, budget) = analyze's cal_hi" "$(exact p.err $k energy_j_cal_hi)" \
		"$(python3 -c 'import json, sys; r = json.load(open("p.json")); print([p["cal_hi"] for p in r["runs"][0]["predictions"] if p["predictor"] == r["default_predictor"] and p["target"] == "energy" and p["after_n"] == int(sys.argv[1])][0])' $k)" 0.01
done
# 2 GPUs at 150-250 W (mean 200 W, +10 W for GPU 1): predicted energy / time near 410 W
near "predicted energy / predicted time is about 410 W" \
	"$(awk -v e="$(exact p.err 3 energy_j)" -v d="$(exact p.err 3 duration_s)" 'BEGIN { print e / d }')" 410 0.25

# CO2 with --intensity: energy/3.6e6 × 300 g/kWh, and km by car (US EPA 400 g/mile)
$C --db i.db --epochs 3 --intensity 300 --stats -- sh -c "$(epochs 3 0.1)" 2> i.err
e1=$(exact i.err 1 energy_j); g1=$(exact i.err 1 co2_g)
near "CO2 = energy x 300 g/kWh" "$g1" "$(awk -v e="$e1" 'BEGIN { printf "%.17g", e / 3.6e6 * 300 }')" 1e-9
ok "line names the intensity and its source" grep -Eq 'CO2 [0-9.]+ g( \[[0-9., ]+\] calibrated)?; intensity 300 g/kWh \(--intensity\); = [0-9.e-]+ km by car' i.err
# … or the latest value of --zone's series in the store
python3 - i.db <<'PY'
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1])
c.execute("INSERT INTO intensity_series(series_id, zone, source, signal, unit, created_ns) VALUES (77, 'XX', 'test', 'direct', 'g/kWh', 1)")
now = int(time.time()) * 10**9
for k, g in enumerate([100.0, 200.0, 123.0]):
    c.execute("INSERT INTO intensity VALUES (77, ?, ?, ?, 0)", (now - (3 - k) * 3600 * 10**9, now - (2 - k) * 3600 * 10**9, g))
c.commit()
PY
$C --db i.db --epochs 2 --zone XX --stats -- sh -c "$(epochs 2 0.1)" 2> z.err
ok "zone XX: the newest stored value, 123 g/kWh" grep -q 'intensity 123 g/kWh (zone XX, test, value from' z.err
near "zone XX: CO2 = energy x 123 g/kWh" "$(exact z.err 1 co2_g)" "$(awk -v e="$(exact z.err 1 energy_j)" 'BEGIN { printf "%.17g", e / 3.6e6 * 123 }')" 1e-9
$C --db i.db --epochs 2 --zone YY --budget-g 1 -- touch never.txt 2> g.err; is "--budget-g with no intensity: usage error" $? 1
ok "... before the command runs" test ! -e never.txt
$C --db i.db --budget-kwh 1 -- true 2>/dev/null; is "--budget-kwh without --epochs: usage error" $? 1
$C --db i.db --epochs 2 --on-budget stop -- true 2>/dev/null; is "--on-budget without a budget: usage error" $? 1

# (2) --on-budget stop: 10 epochs of 0.3 s planned, predicted ~1.2 kJ, budget 0.0002 kWh = 720 J
rm -f finished.txt
$C --db s.db --epochs 10 --predict-after 2 --budget-kwh 0.0002 --on-budget stop -- sh -c "$(epochs 10 0.3)" 2> s.err
is "budget stop: collector exits 128+15" $? 143
ok "the command did not finish" test ! -e finished.txt
ok "stderr says why" grep -Eq 'budget: energy budget 0.0002 kWh (will be|already) exceeded: .* stopping the command \(SIGTERM' s.err
ok "summary line says stopped by the budget" grep -q 'stopped by the budget (exit 143)' s.err
set -- $(sql s.db "SELECT exit_status || ' ' || json_extract(config_json, '$.stopped_by_budget.action') || ' ' ||
	json_extract(config_json, '$.stopped_by_budget.after_epochs') || ' ' || json_extract(config_json, '$.stopped_by_budget.budget_kwh') || ' ' ||
	(json_extract(config_json, '$.stopped_by_budget.predicted_kwh') > 0.0002) || ' ' ||
	(SELECT count(*) FROM windows WHERE kind = 'epoch') FROM runs")
is "the command died of SIGTERM (stored exit status)" "$1" 143
is "config_json: stopped_by_budget.action" "$2" stop
is "config_json: after epoch K = 2" "$3" 2
is "config_json: budget 0.0002 kWh" "$4" 0.0002
is "config_json: predicted above the budget" "$5" 1
ok "fewer than 10 epochs stored ($6)" test "$6" -ge 2 -a "$6" -le 3
is "config_json: signal SIGTERM" "$(sql s.db "SELECT json_extract(config_json, '$.stopped_by_budget.signal') FROM runs")" SIGTERM

# a command that ignores SIGTERM: SIGKILL after --grace
$C --db k.db --epochs 10 --predict-after 1 --budget-kwh 0.0001 --on-budget stop --grace 300ms -- \
	sh -c "trap '' TERM; $(epochs 10 0.3)" 2> k.err
is "grace: collector exits 143" $? 143
ok "grace: said so" grep -q 'did not end within the grace time: SIGKILL' k.err
is "grace: killed (137), SIGKILL in config_json, fewer than 10 epochs" "$(sql k.db "SELECT exit_status || ' ' ||
	json_extract(config_json, '$.stopped_by_budget.signal') || ' ' || ((SELECT count(*) FROM windows WHERE kind = 'epoch') <= 3) FROM runs")" "137 SIGKILL 1"

# (3) --on-budget warn: once, and the run goes on to the end (~200 J predicted, budget 36 J)
rm -f finished.txt
$C --db w.db --epochs 5 --budget-kwh 0.00001 --on-budget warn -- sh -c "$(epochs 5 0.1)" 2> w.err
is "warn: command's status" $? 0
ok "warn: the command finished" test -e finished.txt
is "warn: printed once" "$(grep -c 'budget: energy budget' w.err)" 1
ok "warn: says the run goes on" grep -q -- '--on-budget warn: the run goes on' w.err
is "warn: 5 epochs stored, budget_warning in config_json, no stop" "$(sql w.db "SELECT (SELECT count(*) FROM windows WHERE kind = 'epoch')
	|| ' ' || json_extract(config_json, '$.budget_warning.action') || ' ' || coalesce(json_extract(config_json, '$.stopped_by_budget'), '-') FROM runs")" "5 warn -"

# (4) --on-budget ask without a terminal (setsid: no controlling tty): a warning
rm -f finished.txt
setsid -w $C --db a.db --epochs 5 --budget-kwh 0.00001 --on-budget ask -- sh -c "$(epochs 5 0.1)" < /dev/null 2> a.err
is "ask, no tty: command's status" $? 0
ok "ask, no tty: the command finished" test -e finished.txt
is "ask, no tty: said once" "$(grep -c 'no terminal to ask on (/dev/tty): warning only' a.err)" 1
is "ask, no tty: 5 epochs stored, recorded" "$(sql a.db "SELECT (SELECT count(*) FROM windows WHERE kind = 'epoch')
	|| ' ' || json_extract(config_json, '$.budget_warning.action') FROM runs")" "5 ask: no terminal, warned"
done_testing
