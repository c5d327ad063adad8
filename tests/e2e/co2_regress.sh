# Regressions of issue 12 ("one number, one rule"), one block per bullet,
# each failing on the main of before the issue:
#  A. `analyze --zone DE` priced the run but the predictions said "the run has
#     no zone"; with a yearly series stored first, the predictions' measured
#     CO2 came from the yearly value, not from the join that made run_co2;
#  B. a later plain `ctk analyze` forgot --zone, --pue and --fill;
#  C. the predictions table's measured CO2 was without PUE, the summary's with;
#  D. a series that does not cover the run gave "CO2 0.000 g", `emissions: 0`
#     and "0 kg CO2e … year 2026" (the data being from 2023).
# Data: the real Titan X nvidia-smi trace moved to 2023-06-01 10:57 UTC (as
# in consistency.sh), the bundled demo trace (2026-11-23), and the real
# Electricity Maps DE 2023 hourly series. Expected values by hand/python3.
. "$CTK_ROOT/tests/e2e/lib.sh"
DE=$CTK_DATA/electricitymaps/DE_2023_hourly.csv
TITAN=$CTK_DATA/training-profile-gpu-traces/titanx_power-trace_2gpu_2025-12-10-17-40-10.csv
D=$CTK_ROOT/samples/demo

python3 "$CTK_ROOT/tests/e2e/titanx_2023.py" "$TITAN" trace.csv
# two epochs that cover the whole run (first to last reading): no outside part
cat > epochs.csv <<'CSV'
epoch,start,end
1,2023-06-01T10:57:10.592Z,2023-06-01T11:00:00Z
2,2023-06-01T11:00:00Z,2023-06-01T11:02:54.242Z
CSV

# A: a yearly DE value stored before the hourly series, the zone given only as a flag
ok "A: import trace" ctk import nvidia-smi trace.csv --db a.db --tz UTC
ok "A: import epochs" ctk import epochs epochs.csv --db a.db --run 1
ok "A: store a yearly DE value first" ctk intensity default --zone DE --year 2023 --db a.db --store
ok "A: then the hourly DE 2023 series" ctk intensity import "$DE" --db a.db
ok "A: analyze --zone DE --pue 1.5" ctk analyze --db a.db --zone DE --pue 1.5
is "A: the yearly series is the older one" "$(sql a.db "select kind from intensity_series order by series_id limit 1")" "yearly"
is "A: predictions carry CO2 (no NULL value or measured total)" \
	"$(sql a.db "select count(*) from predictions where target='co2' and (value is null or actual is null)")" 0
ok "A: … and there are co2 rows" test "$(sql a.db "select count(*) from predictions where target='co2'")" -gt 0
near "A: predictions' measured CO2 = run_co2 (epochs cover the run)" \
	"$(sql a.db "select max(actual) from predictions where target='co2'")" "$(sql a.db 'select co2_g from run_co2')" 1e-12
# independent: both hours of the hourly series (not the yearly value), × 1.5
python3 "$CTK_ROOT/tests/e2e/trapz.py" trace.csv 2 0 1685617200 1685617200 9999999999 > tr.txt
want=$(python3 - "$DE" <<'PY'
import csv, sys
ci = {r["Datetime (UTC)"]: float(r["Carbon Intensity gCO₂eq/kWh (LCA)"]) for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
a = sum(float(l.split()[1]) for l in open("tr.txt")); b = sum(float(l.split()[2]) for l in open("tr.txt"))
print("%.12g" % ((a * ci["2023-06-01 10:00:00"] + b * ci["2023-06-01 11:00:00"]) / 3.6e6 * 1.5))
PY
)
near "A: run_co2 = python's hourly join x 1.5" "$(sql a.db 'select co2_g from run_co2')" "$want" 1e-9

# B: a later analyze without flags keeps zone, PUE and fill
ok "B: analyze without flags" ctk analyze --db a.db
near "B: same CO2 as with the flags" "$(sql a.db 'select co2_g from run_co2')" "$want" 1e-9
is "B: zone and PUE kept" "$(sql a.db "select zone||' '||pue||' '||pue_source from run_co2")" "DE 1.5 given with --pue"
ok "B: analyze --fill previous" ctk analyze --db a.db --fill previous
ok "B: analyze again without flags" ctk analyze --db a.db
is "B: fill kept, with zone and PUE" "$(sql a.db "select zone||' '||pue||' '||fill from run_co2")" "DE 1.5 previous"
ok "B: a flag overrides the stored PUE" ctk analyze --db a.db --pue 1.2
near "B: … and the CO2 follows it" "$(sql a.db 'select co2_g from run_co2')" "$(python3 -c "print($want / 1.5 * 1.2)")" 1e-9
ok "B: back to 1.5" ctk analyze --db a.db --pue 1.5

# C: the predictions table's measured CO2 is the summary's (PUE 1.5 in both)
ok "C: report" ctk report --db a.db --out rep
s_co2=$(python3 -c "import csv; print(float(next(csv.DictReader(open('rep/summary.csv')))['co2_kg']) * 1000)")
p_co2=$(python3 -c "import csv; print([r for r in csv.DictReader(open('rep/predictions.csv')) if r['target']=='co2'][0]['actual'])")
near "C: predictions.csv measured CO2 (g) = summary.csv CO2 (kg x 1000)" "$p_co2" "$s_co2" 1e-9
near "C: … = the independent figure with PUE 1.5" "$p_co2" "$want" 1e-9

# D: a series that does not cover the run: unknown, said in words, never 0
ok "D: import demo trace (2026)" ctk import nvidia-smi "$D/gpu-trace.csv" --db d.db --tz UTC --simulated
ok "D: import demo epochs" ctk import epochs "$D/epochs.csv" --db d.db --run 1
ok "D: import DE 2023" ctk intensity import "$DE" --db d.db
ctk analyze --db d.db --zone DE > d.txt
is "D: analyze exit 0" "$?" 0
ctk analyze --db d.db --json > d.json
is "D: JSON co2_g null" "$(python3 -c "import json; print(json.load(open('d.json'))['runs'][0]['co2_g'])")" "None"
is "D: JSON note in words" "$(python3 -c "import json; print(json.load(open('d.json'))['runs'][0]['co2']['note'])")" \
	"no intensity covers 2026-11-23 09:00–09:01 in zone DE; the stored series ends 2023-12-31"
ok "D: analyze text says it" grep -q 'CO2 not known: no intensity covers 2026-11-23 09:00–09:01 in zone DE; the stored series ends 2023-12-31' d.txt
ok "D: analyze text never says 0.000 g" sh -c "! grep -q 'CO2: 0.000 [g±]' d.txt"
is "D: run_co2.co2_g NULL, note stored" "$(sql d.db "select coalesce(co2_g, 'NULL')||' '||(note like 'no intensity covers%') from run_co2")" "NULL 1"
is "D: epoch CO2 NULL, not 0" "$(sql d.db "select count(*) from epoch_co2 where co2_g is not null")" 0
is "D: predictions' CO2 NULL" "$(sql d.db "select count(*) from predictions where target='co2' and (value is not null or actual is not null)")" 0
ok "D: report" ctk report --db d.db --out drep
ok "D: model card has no emissions line" sh -c "! grep -q '^  emissions:' drep/model-card.yaml"
ok "D: … and says why it is left out" grep -q '# emissions: left out' drep/model-card.yaml
ok "D: methods say it in words" grep -q 'no intensity covers 2026-11-23 09:00–09:01 in zone DE' drep/methods.md
ok "D: methods give no 0 kg CO2e" sh -c "! grep -q ' 0 kg CO2e' drep/methods.md"
ok "D: methods give no year 2026 for the data" sh -c "! grep -q 'year 2026' drep/methods.md"
is "D: summary.csv CO2 empty, not 0" "$(python3 -c "import csv; print(repr(next(csv.DictReader(open('drep/summary.csv')))['co2_kg']))")" "''"
pdftotext drep/report.pdf d.pdf.txt 2>/dev/null || : > d.pdf.txt
ok "D: report.pdf says not known" grep -q 'not known' d.pdf.txt
done_testing
