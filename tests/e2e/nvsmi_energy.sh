# End to end on the real nvidia-smi traces (../shared/data/training-profile-gpu-traces):
# import → epochs → analyze → report. Device and reading counts come from the
# files' documentation (SOURCES.md: 45,632 rows over 8 GPUs, 6,570 over 2);
# energies are checked against tests/e2e/trapz.py, an independent Python
# trapezoid, to 1e-9 relative.
. "$CTK_ROOT/tests/e2e/lib.sh"
T=$CTK_DATA/training-profile-gpu-traces
H100=$T/h100_power-trace_2025-07-26-23-32-09.csv
TITAN=$T/titanx_power-trace_2gpu_2025-12-10-17-40-10.csv

ok "import both traces" ctk import nvidia-smi "$H100" "$TITAN" --db run.db
is "two runs" "$(sql run.db 'select count(*) from runs')" 2
is "h100: 8 GPUs" "$(sql run.db 'select count(*) from devices where run_id=1')" 8
is "titan x: 2 GPUs" "$(sql run.db 'select count(*) from devices where run_id=2')" 2
is "h100: 45632 readings" "$(sql run.db 'select sum(n) from sample_chunks join devices using(device_id) where run_id=1')" 45632
is "titan x: 6570 readings" "$(sql run.db 'select sum(n) from sample_chunks join devices using(device_id) where run_id=2')" 6570
is "5704 readings per H100" "$(sql run.db 'select min(c)||","||max(c) from (select sum(n) c from sample_chunks join devices using(device_id) where run_id=1 group by device_id)')" "5704,5704"
is "export gives every reading" "$(ctk export samples --db run.db | tail -n +2 | wc -l)" 52202
is "run span from the file" "$(sql run.db 'select started_ns||" "||ended_ns from runs where run_id=1')" "1753572729703000000 1753573428294000000"

# epochs for the Titan X run, in three time notations (s, ms, ISO-8601)
cat > epochs.csv <<'CSV'
epoch,start_ms,end_ms
1,1765388420000,1765388500000
2,1765388500500,1765388600000
3,1765388600000,1765388700250
CSV
ok "import epochs (ms)" ctk import epochs epochs.csv --db run.db --run 2
ok "analyze" ctk analyze --db run.db
ctk analyze --db run.db --json > an.json
ok "analyze JSON parses" python3 -c "import json; json.load(open('an.json'))"
ok "analyze JSON follows schemas/analyze.schema.json" python3 "$CTK_ROOT/tests/e2e/jsonschema.py" "$CTK_ROOT/schemas/analyze.schema.json" an.json
python3 -c "import json; d=json.load(open('an.json')); d['runs'][0]['devices'][0]['method']='guess'; json.dump(d, open('bad.json','w'))"
ok "schema check rejects a wrong method" sh -c "! python3 '$CTK_ROOT/tests/e2e/jsonschema.py' '$CTK_ROOT/schemas/analyze.schema.json' bad.json"

python3 "$CTK_ROOT/tests/e2e/trapz.py" "$H100" 8 > ref_h100.txt
python3 "$CTK_ROOT/tests/e2e/trapz.py" "$TITAN" 2 1765388420 1765388500 1765388500.5 1765388600 1765388600 1765388700.25 > ref_titan.txt
for g in 0 1 2 3 4 5 6 7; do
	want=$(sed -n "$((g + 1))p" ref_h100.txt | cut -d' ' -f1)
	got=$(python3 -c "import json; r=json.load(open('an.json'))['runs'][0]; print(r['devices'][$g]['energy_j'])")
	near "h100 gpu$g energy vs independent trapezoid" "$got" "$want" 1e-9
done
for g in 0 1; do
	for k in 1 2 3; do
		want=$(sed -n "$((g + 1))p" ref_titan.txt | cut -d' ' -f$((k + 1)))
		got=$(python3 -c "import json; r=json.load(open('an.json'))['runs'][1]; print(r['epochs'][$((k - 1))]['devices'][$g]['energy_j'])")
		near "titan x gpu$g epoch $k energy vs independent trapezoid" "$got" "$want" 1e-9
	done
done
tot=$(python3 -c "import json; r=json.load(open('an.json'))['runs'][1]; print(r['energy_j'])")
want=$(awk '{s+=$1} END {printf "%.9f", s}' ref_titan.txt)
near "titan x whole-run energy (GPUs summed)" "$tot" "$want" 1e-9
out=$(python3 -c "import json; r=json.load(open('an.json'))['runs'][1]; print(r['outside_epochs_j'])")
want=$(awk '{s+=$1-$2-$3-$4} END {printf "%.9f", s}' ref_titan.txt)
near "titan x energy outside epochs" "$out" "$want" 1e-9
is "JSON keys of an epoch (issue #3 contract)" "$(python3 -c "import json; e=json.load(open('an.json'))['runs'][1]['epochs'][0]; print(sorted(k for k in e if k in ('idx','start_ns','end_ns','duration_s','energy_j','devices')))")" "['devices', 'duration_s', 'end_ns', 'energy_j', 'idx', 'start_ns']"
is "epoch_energy stored" "$(sql run.db 'select count(*) from epoch_energy')" 6
is "device_energy stored" "$(sql run.db 'select count(*) from device_energy')" 10

# same epochs in ISO-8601 and seconds replace the ms ones and give the same energy
cat > epochs_iso.csv <<'CSV'
epoch,start,end
1,2025-12-10T17:40:20Z,2025-12-10T17:41:40Z
2,2025-12-10T17:41:40.5Z,2025-12-10T17:43:20Z
3,2025-12-10T17:43:20Z,2025-12-10T17:45:00.250Z
CSV
ok "refuses to add epochs twice" sh -c '! ctk import epochs epochs_iso.csv --db run.db --run 2'
ok "import epochs (ISO) with --replace" ctk import epochs epochs_iso.csv --db run.db --run 2 --replace
is "analysis dropped when epochs change" "$(sql run.db 'select count(*) from epoch_energy')" 0
ctk analyze --db run.db --run 2 --json > an2.json
e1=$(python3 -c "import json; print(json.load(open('an.json'))['runs'][1]['epochs'][2]['energy_j'])")
e2=$(python3 -c "import json; print(json.load(open('an2.json'))['runs'][0]['epochs'][2]['energy_j'])")
near "ISO epochs = ms epochs" "$e2" "$e1" 1e-12

ok "report" ctk report --db run.db --out rep
for f in summary.csv summary.md summary.tex epochs.csv epochs.md epochs.tex; do ok "report wrote $f" test -s "rep/$f"; done
csv_total=$(python3 -c "import csv; r=list(csv.DictReader(open('rep/epochs.csv'))); print(r[0]['total_energy_j'])")
want=$(python3 -c "import json; print(json.load(open('an2.json'))['runs'][0]['epochs'][0]['energy_j'])")
near "epochs.csv total = analyze" "$csv_total" "$want" 1e-9
ok "epochs.tex is booktabs" grep -q '\\toprule' rep/epochs.tex
ok "label escaped in LaTeX (summary.tex; epochs.tex of one run has no label column)" grep -q 'titanx\\_' rep/summary.tex
done_testing
