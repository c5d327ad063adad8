# issue 14: every importer recognises a file it has already imported (same
# format, same SHA-256): the second import stores nothing and says so, and
# --replace imports it again in place of the earlier runs (carbontracker
# too, also for a log directory that gained a stem). A failed
# multi-file import prints no "imported" line for the files rolled back.
. "$CTK_ROOT/tests/e2e/lib.sh"
T=$CTK_ROOT/tests/data
Z=$CTK_DATA/zeus
printf 'timestamp, index, power.draw [W]\n2025/12/10 17:40:10.000, 0, 18.00 W\n2025/12/10 17:40:11.000, 0, 19.00 W\n' > smi.csv
counts() { sql r.db "select (select count(*) from runs)||'/'||(select count(*) from devices)||'/'||(select count(*) from sample_chunks)||'/'||(select count(*) from windows)||'/'||(select count(*) from reported)"; }

# FORMAT PATH: import, import again (skipped), import with --replace (same counts, new run ids)
check() {
	fmt=$1; path=$2
	ctk import "$fmt" "$path" --db r.db --tz UTC > out.txt 2> err.txt
	is "$fmt: first import" "$?" 0
	first=$(counts)
	ids=$(sql r.db "select group_concat(run_id) from runs where source = 'import:$fmt'")
	ctk import "$fmt" "$path" --db r.db --tz UTC > out.txt 2> err.txt
	is "$fmt: second import exits 0" "$?" 0
	is "$fmt: second import stores nothing" "$(counts)" "$first"
	ok "$fmt: says skipped on stdout" grep -q "^skipped '.*' ($fmt): already imported as run" out.txt
	ok "$fmt: warns with --replace hint" grep -q "already imported.*--replace imports it again" err.txt
	ctk import "$fmt" "$path" --db r.db --tz UTC --replace > out.txt 2> err.txt
	is "$fmt: --replace exits 0" "$?" 0
	is "$fmt: --replace leaves the same counts" "$(counts)" "$first"
	is "$fmt: --replace gave new runs" "$(sql r.db "select count(*) from runs where source = 'import:$fmt' and run_id in ($ids)")" 0
}
check nvidia-smi smi.csv
check codecarbon "$CTK_DATA/codecarbon/examples_emissions.csv"
check zeus "$Z/profile_data_V100+resnet50+gpu0.csv"
check zeus-summary "$Z/nsdi23_summary_power_p100.csv"
check eco2ai "$T/eco2ai/emission.csv"
check eit "$T/eit/impacttracker/data.json"
check powerjoular "$T/powerjoular/powerjoular.csv"
check powermetrics "$T/powermetrics/powermetrics.txt"
check prometheus "$T/prometheus/dcgm-query_range.json"

check carbontracker "$CTK_DATA/carbontracker-logs/1gpu"

# carbontracker: a log directory that gained a stem since its import (a path
# not all imported before): the stem imported before is skipped with the
# --replace hint, the new one imported; --replace imports both again
mkdir grown
cp "$CTK_DATA"/carbontracker-logs/1gpu/*_carbontracker*.log "$CTK_DATA"/carbontracker-logs/8gpu/*_carbontracker*.log grown/
before=$(counts)
ctk import carbontracker grown --db r.db > out.txt 2> err.txt
is "carbontracker, grown dir: exit 0" "$?" 0
ok "carbontracker, grown dir: the old stem skipped, with the --replace hint" \
	grep -q "_carbontracker.log': already imported (same SHA-256) as run [0-9]*; skipped (--replace imports it again)" err.txt
is "carbontracker, grown dir: one run more (the new stem only)" "$(sql r.db "select count(*) from runs where source = 'import:carbontracker'")" 2
grown=$(counts)
ids=$(sql r.db "select group_concat(run_id) from runs where source = 'import:carbontracker'")
ctk import carbontracker grown --db r.db --replace > out.txt 2> err.txt
is "carbontracker, grown dir --replace: exit 0" "$?" 0
is "carbontracker, grown dir --replace: same counts" "$(counts)" "$grown"
is "carbontracker, grown dir --replace: new runs" "$(sql r.db "select count(*) from runs where source = 'import:carbontracker' and run_id in ($ids)")" 0
is "carbontracker, grown dir --replace: says so twice" "$(grep -c 'replaced (--replace)' err.txt)" 2

# epochs add to an existing run: a second import is refused with the --replace hint
rid=$(sql r.db "select max(run_id) from runs where source = 'import:nvidia-smi'")
ctk import epochs "$CTK_ROOT/samples/demo/epochs.csv" --db r.db --run "$rid" > /dev/null 2>&1
before=$(counts)
ctk import epochs "$CTK_ROOT/samples/demo/epochs.csv" --db r.db --run "$rid" > out.txt 2> err.txt
is "epochs: second import refused (exit 2)" "$?" 2
ok "epochs: says --replace" grep -q "already has 5 epoch(s): pass --replace" err.txt
is "epochs: nothing doubled" "$(counts)" "$before"

# the same bytes under another name are the same file
cp smi.csv copy.csv
before=$(counts)
ctk import nvidia-smi copy.csv --db r.db --tz UTC > out.txt 2> err.txt
is "a copy under another name: skipped" "$(counts)" "$before"

# a failed multi-file import: no "imported" line, and the message says all rolled back
printf 'timestamp, index, power.draw [W]\n2025/12/10 17:40:10.000, 0, nan W\n' > bad.csv
printf 'timestamp, index, power.draw [W]\n2025/12/10 17:40:10.000, 1, 20.00 W\n' > new.csv
before=$(counts)
ctk import nvidia-smi new.csv bad.csv --db r.db --tz UTC > out.txt 2> err.txt
is "multi-file with a bad one: exit 2" "$?" 2
is "no 'imported' line for the rolled-back file" "$(grep -c '^imported' out.txt)" 0
ok "says nothing was imported" grep -q "nothing imported (all 2 files roll back together): 'bad.csv' line 2" err.txt
is "store unchanged" "$(counts)" "$before"
ctk import nvidia-smi new.csv smi.csv --db r.db --tz UTC > out.txt 2> err.txt
is "multi-file, all good: exit 0" "$?" 0
is "one line per file after the commit" "$(awk '{print $1}' out.txt | tr '\n' ' ')" "imported skipped "
done_testing
