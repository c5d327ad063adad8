# Issue 12, "every figure agrees with itself": import → intensity import →
# analyze --zone DE --pue 1.3 (once) → analyze again with no flags → evaluate
# → report, then the run's energy, CO2 and PUE are read back from every
# output (analyze text and JSON, run_co2, predictions, evaluate, summary and
# predictions tables, methods, report.pdf, model card, ctk runs, ctk config)
# and must be one number each. Data: the real 2-GPU Titan X nvidia-smi trace
# (../shared/data/training-profile-gpu-traces) with its dates moved to
# 2023-06-01 10:57 UTC so that it crosses an hour of the real Electricity
# Maps DE 2023 hourly series; the CO2 is recomputed independently in Python
# (tests/e2e/trapz.py per GPU, the CSV's LCA column hour by hour, × 1.3).
. "$CTK_ROOT/tests/e2e/lib.sh"
DE=$CTK_DATA/electricitymaps/DE_2023_hourly.csv
TITAN=$CTK_DATA/training-profile-gpu-traces/titanx_power-trace_2gpu_2025-12-10-17-40-10.csv

python3 "$CTK_ROOT/tests/e2e/titanx_2023.py" "$TITAN" trace.csv
cat > epochs.csv <<'CSV'
epoch,start,end
1,2023-06-01T10:57:20Z,2023-06-01T10:58:40Z
2,2023-06-01T10:58:41Z,2023-06-01T11:00:30Z
3,2023-06-01T11:00:30Z,2023-06-01T11:02:30Z
CSV
ok "import the trace" ctk import nvidia-smi trace.csv --db r.db --tz UTC --label titanx
ok "import epochs" ctk import epochs epochs.csv --db r.db --run 1
ok "import DE 2023 intensity" ctk intensity import "$DE" --db r.db
ctk analyze --db r.db --zone DE --pue 1.3 --json > a1.json
is "analyze --zone DE --pue 1.3: exit 0" "$?" 0
ctk analyze --db r.db > a2.txt
is "analyze again, no flags: exit 0" "$?" 0
ctk analyze --db r.db --json > a2.json
ok "JSON follows the schema" python3 "$CTK_ROOT/tests/e2e/jsonschema.py" "$CTK_ROOT/schemas/analyze.schema.json" a2.json
ctk evaluate --db r.db --target co2 --csv > ev.csv
is "evaluate: exit 0" "$?" 0
ok "report" ctk report --db r.db --out rep
pdftotext rep/report.pdf rep.txt 2>/dev/null || : > rep.txt
j() { python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['runs'][0]; print(eval(sys.argv[2]))" "$@"; }

# independent CO2: energy per GPU and interval by trapz.py, split at 11:00
H=1685617200   # 2023-06-01T11:00:00Z
python3 "$CTK_ROOT/tests/e2e/trapz.py" trace.csv 2 0 $H $H 9999999999 \
	1685617040 1685617120 1685617121 $H $H 1685617230 1685617230 1685617350 > tr.txt
python3 - "$DE" > ref.txt <<'PY'
import csv, sys
from datetime import datetime, timezone
ci = {}
for row in csv.DictReader(open(sys.argv[1], encoding="utf-8")):
    t = datetime.strptime(row["Datetime (UTC)"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc).timestamp()
    ci[int(t)] = float(row["Carbon Intensity gCO₂eq/kWh (LCA)"])
H = 1685617200
cols = [sum(float(l.split()[i]) for l in open("tr.txt")) for i in range(7)]
# cols: 0 total, 1 run before H, 2 run after H, 3 epoch 1, 4 epoch 2 before H, 5 epoch 2 after H, 6 epoch 3
g = lambda e, h: e / 3.6e6 * ci[h] * 1.3
run = g(cols[1], H - 3600) + g(cols[2], H)
e1, e2, e3 = g(cols[3], H - 3600), g(cols[4], H - 3600) + g(cols[5], H), g(cols[6], H)
print("%.12g %.12g %.12g %.12g %.12g" % (cols[0], run, e1, e2, e3))
PY
set -- $(cat ref.txt)
E=$1 CO2=$2
near "energy: analyze JSON = independent trapezoid" "$(j a2.json "r['energy_j']")" "$E" 1e-9
near "CO2: analyze JSON = independent step join x 1.3" "$(j a2.json "r['co2_g']")" "$CO2" 1e-9
near "epoch 1 CO2 = independent" "$(j a2.json "r['epochs'][0]['co2_g']")" "$3" 1e-9
near "epoch 2 CO2 (across 11:00) = independent" "$(j a2.json "r['epochs'][1]['co2_g']")" "$4" 1e-9
near "epoch 3 CO2 = independent" "$(j a2.json "r['epochs'][2]['co2_g']")" "$5" 1e-9

# one CO2: every output
co2=$(j a2.json "r['co2_g']")
near "CO2: first analyze (flags) = second (no flags)" "$(j a1.json "r['co2_g']")" "$co2" 1e-12
near "CO2: run_co2" "$(sql r.db 'select co2_g from run_co2')" "$co2" 1e-12
# "v ± u": v to u's last digit, u rounded up to one significant digit
pm() { python3 -c "
import sys; v, u, want, want_u = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
unit = 10.0 ** -(len(u.split('.')[1]) if '.' in u else 0)
ok = abs(float(v) - want) <= unit / 2 + 1e-12 and want_u <= float(u) + 1e-12 and float(u) - want_u < unit + 1e-12
sys.exit(not ok)" "$@"; }
set -- $(sed -n 's/^  CO2: \([0-9.]*\) ± \([0-9.]*\) g at PUE.*/\1 \2/p' a2.txt)
ok "CO2 ± bound: analyze text ($1 ± $2 g) = JSON" pm "$1" "$2" "$co2" "$(j a2.json "r['co2_u_g']")"
near "CO2: summary.csv" "$(python3 -c "import csv; print(float(next(csv.DictReader(open('rep/summary.csv')))['co2_kg']) * 1000)")" "$co2" 1e-9
# people's outputs show 3 significant digits: within half a unit of the third (5e-3 relative)
near "CO2: methods.md (3 digits)" "$(sed -n 's/.*The run emitted \([0-9.e-]*\) kg CO2e.*/\1/p' rep/methods.md | head -1 | awk '{print $1 * 1000}')" "$co2" 5e-3
set -- $(tr -s ' \n' '  ' < rep.txt | sed -n 's/.* \([0-9.]*\) ± \([0-9.]*\) kg CO2e (PUE applied).*/\1 \2/p')
ok "CO2 ± bound: report.pdf ($1 ± $2 kg) = JSON" pm "$1" "$2" "$(python3 -c "print($co2 / 1000)")" "$(python3 -c "print($(j a2.json "r['co2_u_g']") / 1000)")"
near "CO2: model card emissions (g, 3 digits)" "$(sed -n 's/^  emissions: //p' rep/model-card.yaml)" "$co2" 5e-3
near "CO2: epochs + outside = the whole run" "$(j a2.json "r['co2']['epochs_co2_g'] + r['co2']['outside_co2_g']")" "$co2" 1e-12
near "CO2: epochs = sum of the epochs' CO2" "$(j a2.json "sum(e['co2_g'] for e in r['epochs'])")" "$(j a2.json "r['co2']['epochs_co2_g']")" 1e-12

# predictions: CO2 whenever run_co2 has it, measured = the epochs' CO2 with the same PUE
epco2=$(sql r.db 'select epochs_co2_g from run_co2')
is "predictions carry CO2 (every co2 row has a value and a measured total)" \
	"$(sql r.db "select count(*) from predictions where target='co2' and (value is null or actual is null)")" 0
ok "predictions: there are co2 rows" test "$(sql r.db "select count(*) from predictions where target='co2'")" -gt 0
near "predictions' measured CO2 = run_co2.epochs_co2_g" "$(sql r.db "select min(actual) from predictions where target='co2'")" "$epco2" 1e-12
near "… (max)" "$(sql r.db "select max(actual) from predictions where target='co2'")" "$epco2" 1e-12
near "predictions.csv measured CO2 = run_co2.epochs_co2_g" \
	"$(python3 -c "import csv; print([r for r in csv.DictReader(open('rep/predictions.csv')) if r['target']=='co2'][0]['actual'])")" "$epco2" 1e-9
near "evaluate grades against it: ct-mean co2 after 1 = |rel_err| (6 decimals)" \
	"$(python3 -c "import csv; print([r for r in csv.DictReader(open('ev.csv')) if r['predictor']=='ct-mean' and r['after_n']=='1'][0]['mape_pct'])")" \
	"$(python3 -c "import sqlite3; v,a=sqlite3.connect('r.db').execute(\"select value, actual from predictions where target='co2' and predictor='ct-mean' and after_n=1\").fetchone(); print(abs(v-a)/$epco2*100)")" 1e-7

# one energy
near "energy: first analyze = second" "$(j a1.json "r['energy_j']")" "$E" 1e-9
near "energy: device_energy" "$(sql r.db 'select sum(energy_j) from device_energy')" "$E" 1e-9
near "energy: summary.csv" "$(python3 -c "import csv; print(next(csv.DictReader(open('rep/summary.csv')))['energy_j'])")" "$E" 1e-9
near "energy: methods.md (kWh, 3 digits)" "$(sed -n 's/.*The devices used \([0-9.e-]*\) kWh.*/\1/p' rep/methods.md | awk '{print $1 * 3.6e6}')" "$E" 5e-3
set -- $(tr -s ' \n' '  ' < rep.txt | sed -n 's/.* \([0-9.]*\) ± \([0-9.]*\) kWh (devices summed.*/\1 \2/p')
ok "energy ± bound: report.pdf ($1 ± $2 kWh) = JSON" pm "$1" "$2" "$(python3 -c "print($E / 3.6e6)")" "$(python3 -c "print($(j a2.json "r['energy_u_j']") / 3.6e6)")"
near "energy: predictions' measured total = epochs' energy" "$(sql r.db "select min(actual) from predictions where target='energy'")" \
	"$(j a2.json "r['epochs_energy_j']")" 1e-12

# one bound (issue 15): each energy and CO2 figure's uncertainty is the same
# number in every output that shows it
U=$(j a2.json "r['energy_u_j']") CU=$(j a2.json "r['co2_u_g']")
ok "energy bound is a number > 0 ($U J)" python3 -c "import sys; sys.exit(not $U > 0)"
near "energy bound: first analyze = second" "$(j a1.json "r['energy_u_j']")" "$U" 1e-12
near "energy bound: device_energy (bounds add)" "$(sql r.db 'select sum(energy_u_j) from device_energy')" "$U" 1e-12
near "energy bound: summary.csv" "$(python3 -c "import csv; print(next(csv.DictReader(open('rep/summary.csv')))['energy_u_j'])")" "$U" 1e-9
near "in-epochs bound: summary.csv = JSON" "$(python3 -c "import csv; print(float(next(csv.DictReader(open('rep/summary.csv')))['in_epochs_u_kwh']) * 3.6e6)")" "$(j a2.json "r['epochs_energy_u_j']")" 1e-9
near "outside-epochs bound: summary.csv = JSON" "$(python3 -c "import csv; print(float(next(csv.DictReader(open('rep/summary.csv')))['outside_epochs_u_kwh']) * 3.6e6)")" "$(j a2.json "r['outside_epochs_u_j']")" 1e-9
# summary.md: "v ± u" (kWh, u to its first significant digit, rounded up; v to the same place)
md_pm() { python3 -c "
lines=open('rep/summary.md').read().splitlines(); i=[k for k, x in enumerate(lines) if x.startswith('| Run ')][0]
h=[x.strip() for x in lines[i].split('|')]; c=[x.strip() for x in lines[i + 2].split('|')]; print(c[h.index('$1')].replace(' ± ', ' '))"; }
set -- $(md_pm 'Energy (kWh)')
ok "energy ± bound: summary.md ($1 ± $2 kWh) = JSON" pm "$1" "$2" "$(python3 -c "print($E / 3.6e6)")" "$(python3 -c "print($U / 3.6e6)")"
set -- $(md_pm 'CO2e (kg)')
ok "CO2 ± bound: summary.md ($1 ± $2 kg) = JSON" pm "$1" "$2" "$(python3 -c "print($co2 / 1000)")" "$(python3 -c "print($CU / 1000)")"
near "energy bound: methods.md (kWh, 3 digits)" "$(sed -n 's/.*worst-case bound (\([0-9.e-]*\) kWh for the whole run).*/\1/p' rep/methods.md | head -1 | awk '{print $1 * 3.6e6}')" "$U" 5e-3
set -- $(sed -n 's/^  whole run: \([0-9.]*\) ± \([0-9.]*\) J = .*/\1 \2/p' a2.txt)
ok "energy ± bound: analyze text ($1 ± $2 J) = JSON" pm "$1" "$2" "$E" "$U"
near "CO2 bound: first analyze = second" "$(j a1.json "r['co2_u_g']")" "$CU" 1e-12
near "CO2 bound: run_co2" "$(sql r.db 'select co2_u_g from run_co2')" "$CU" 1e-12
near "CO2 bound: JSON co2 object" "$(j a2.json "r['co2']['co2_u_g']")" "$CU" 1e-12
near "CO2 bound: summary.csv" "$(python3 -c "import csv; print(float(next(csv.DictReader(open('rep/summary.csv')))['co2_u_kg']) * 1000)")" "$CU" 1e-9
near "CO2 bound: methods.md (3 digits)" "$(sed -n 's/.*(± \([0-9.e-]*\) kg: the energy.s relative bound.*/\1/p' rep/methods.md | head -1 | awk '{print $1 * 1000}')" "$CU" 5e-3
near "CO2 bound: model card (g, 3 digits)" "$(sed -n 's/^  # emissions bound: ± \([0-9.e-]*\) g .*/\1/p' rep/model-card.yaml)" "$CU" 5e-3
near "CO2 bound = the energy's relative bound" "$CU" "$(j a2.json "r['co2_g'] * r['energy_u_j'] / r['energy_j']")" 1e-9
for k in 0 1 2; do
	near "epoch $((k + 1)) energy bound: epochs.csv = JSON" \
		"$(python3 -c "import csv; print(list(csv.DictReader(open('rep/epochs.csv')))[$k]['total_energy_u_j'])")" \
		"$(j a2.json "r['epochs'][$k]['energy_u_j']")" 1e-9
	near "epoch $((k + 1)) energy bound: epoch_energy (devices add)" \
		"$(sql r.db "select sum(e.energy_u_j) from epoch_energy e join windows w on w.run_id = e.run_id and w.idx = e.idx and w.kind = 'epoch' where w.idx = $((k + 1))")" \
		"$(j a2.json "r['epochs'][$k]['energy_u_j']")" 1e-12
	near "epoch $((k + 1)) CO2 bound: epochs.csv = epoch_co2 = JSON" \
		"$(python3 -c "import csv; print(list(csv.DictReader(open('rep/epochs.csv')))[$k]['co2_u_g'])")" \
		"$(sql r.db "select co2_u_g from epoch_co2 where idx = $((k + 1))")" 1e-9
	near "… JSON" "$(sql r.db "select co2_u_g from epoch_co2 where idx = $((k + 1))")" "$(j a2.json "r['epochs'][$k]['co2_u_g']")" 1e-12
done
near "epochs' bound = sum of the epochs' (JSON)" "$(j a2.json "r['epochs_energy_u_j']")" "$(j a2.json "sum(e['energy_u_j'] for e in r['epochs'])")" 1e-12
near "predictions' measured energy carries the epochs' bound" "$(sql r.db "select min(actual_u) from predictions where target='energy'")" \
	"$(j a2.json "r['epochs_energy_u_j']")" 1e-12
near "predictions' measured CO2 carries the epochs' CO2 bound" "$(sql r.db "select max(actual_u) from predictions where target='co2'")" \
	"$(j a2.json "r['co2']['epochs_co2_u_g']")" 1e-12

# one PUE (given once, with the second analyze without flags)
is "PUE: second analyze's settings" "$(j a2.json "r['settings']['pue']")" "1.3"
is "PUE: run_co2" "$(sql r.db 'select pue from run_co2')" "1.3"
is "PUE: summary.csv" "$(python3 -c "import csv; print(next(csv.DictReader(open('rep/summary.csv')))['pue'])")" "1.3"
ok "PUE: analyze text" grep -q 'CO2: [0-9.]* ± [0-9.]* g at PUE 1.30' a2.txt
ok "PUE: methods.md (in words, no CLI flag)" grep -q 'PUE) of 1.30, as given by the authors' rep/methods.md
ok "PUE: report.pdf" grep -q 'PUE 1.30 (given with --pue)' rep.txt
is "PUE: ctk config" "$(ctk config --db r.db 1 | grep '^pue=')" "pue=1.3"
ok "PUE and zone: ctk runs" sh -c "ctk runs --db r.db | grep -q 'zone DE, pue 1.3'"
ok "methods states the settings: zone (by name) and signal" grep -q 'life-cycle average signal of .* for Germany (DE)' rep/methods.md
ok "… no fill sentence for fill none" sh -c '! grep -q "Where the series had no value" rep/methods.md'
ok "methods gives the data's year, 2023" grep -q 'data of 2023' rep/methods.md
done_testing
