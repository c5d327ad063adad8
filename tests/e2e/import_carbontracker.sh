# ctk import carbontracker (and auto) through the command line on the real
# logs in $CTK_DATA/carbontracker-logs: exit codes, printed summary,
# warnings, the stored numbers (printed values read back here with awk from
# the raw logs, not from ctk) and a bad log leaving the store unchanged.
. "$CTK_ROOT/tests/e2e/lib.sh"
L=$CTK_DATA/carbontracker-logs
db=ct.db

ctk import carbontracker "$L/1gpu" "$L/8gpu" --db $db > out.txt 2> err.txt; rc=$?
is "import both runs: exit 0" $rc 0
is "summary line per path" "$(grep -c '^imported ' out.txt)" 2
ok "8-GPU averaging warning" grep -q "averaged the 8 gpu devices instead of summing" err.txt
ok "epoch placement is said" grep -q "epoch times rebuilt from the log's 1 s timestamps" err.txt
is "two runs" "$(sql $db 'select count(*) from runs')" 2
for d in 1gpu 8gpu; do
	std=$(ls "$L/$d"/*_carbontracker.log)
	out=$(ls "$L/$d"/*_carbontracker_output.log)
	is "$d: epochs = 'Epoch N:' lines" "$(sql $db "select count(*) from windows w join runs r using(run_id) where r.source_path='$std'")" "$(grep -c ' - Epoch [0-9]*:$' "$std")"
	is "$d: actual kWh as printed" "$(sql $db "select printf('%.12f', energy_kwh) from reported p join runs r using(run_id) where r.source_path='$std' and what='actual'")" \
		"$(awk '/^Actual consumption/{a=1} a && /Energy:/{print $2; exit}' "$out")"
	is "$d: predicted g as printed" "$(sql $db "select printf('%.12f', co2_g) from reported p join runs r using(run_id) where r.source_path='$std' and what='predicted'")" \
		"$(awk '/^Predicted consumption/{a=1} a && /CO2eq:/{print $2; exit}' "$out")"
	# sum of printed durations (H:MM:SS.ss) = sum of window lengths
	near "$d: total epoch time = sum of printed durations" "$(sql $db "select sum(end_ns-start_ns)/1e9 from windows w join runs r using(run_id) where r.source_path='$std'")" \
		"$(awk -F'Duration: ' '/Duration: /{split($2,t,":"); s+=t[1]*3600+t[2]*60+t[3]} END{printf "%.2f", s}' "$std")" 1e-12
done
is "8gpu device flagged" "$(sql $db "select flags from devices where name like '8 x %'")" ct-v2-averaged

ctk import auto "$L/1gpu" --db auto.db > /dev/null 2> err.txt; rc=$?
is "auto: exit 0" $rc 0
ok "auto says which format it chose" grep -q "format carbontracker" err.txt

# a bad log (NaN power): exit 2, one error line with file:line, store unchanged
mkdir bad
sed 's/for gpu: 360.0/for gpu: nan/' "$L/1gpu/8593.204938_2026-11-23T220546Z_carbontracker.log" > bad/run_carbontracker.log
before=$(sql $db "select (select count(*) from runs)+(select count(*) from devices)+(select count(*) from windows)+(select count(*) from reported)+(select count(*) from sample_chunks)")
ctk import carbontracker "$L/1gpu/../8gpu" bad --db $db > /dev/null 2> err.txt; rc=$?
is "NaN power: exit 2" $rc 2
is "NaN power: one error line naming file:line and field" "$(grep -v 'warning:' err.txt | wc -l | tr -d ' '):$(grep -c "'bad/run_carbontracker.log' line 11: field 'Average power usage (W) for gpu': not a number" err.txt)" "1:1"
is "store unchanged (the good dir in the same command is rolled back too)" \
	"$(sql $db "select (select count(*) from runs)+(select count(*) from devices)+(select count(*) from windows)+(select count(*) from reported)+(select count(*) from sample_chunks)")" "$before"
ctk import carbontracker nothing-here --db $db 2> err.txt; rc=$?
is "missing path: exit 2" $rc 2
done_testing
