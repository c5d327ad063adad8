# ctk merge without SLURM daemons: two stores that both measured the same
# (host, UUID) over the same time (two collectors of one job on one node,
# the mistake the Python trackers make per rank) merge into one run that
# counts each GPU once and reports the duplicate with its overlap; a bad
# input store leaves OUT as it was; a run without a job id needs --as-one.
. "$CTK_ROOT/tests/e2e/lib.sh"
export CTK_NVML_LIB="$CTK_BUILD/fakenvml/libnvidia-ml.so.1" CTK_FAKENVML_DEVICES=2

cat >train.sh <<'EOF'
for i in 1 2 3; do ctk mark epoch-start $i; sleep 0.3; ctk mark epoch-end; done
EOF
# two collectors at once, one node, same job: both measure GPU 0 and 1
for r in 0 1; do
	SLURM_JOB_ID=42 SLURM_PROCID=$r SLURMD_NODENAME=n1 ctk collect --sources nvml --quiet --db rank$r.db -- sh train.sh 2>/dev/null &
done
wait
# what else the inputs hold is carried: settings (the reference's win), an
# intensity series both inputs imported (kept once), another tool's numbers
ctk analyze --db rank0.db --pue 1.4 >/dev/null 2>&1
ctk analyze --db rank1.db --pue 1.2 >/dev/null 2>&1
DE=$CTK_DATA/electricitymaps/DE_2023_hourly.csv
for r in 0 1; do ctk intensity import "$DE" --db rank$r.db >/dev/null 2>&1; done
python3 -c "
import sqlite3; c = sqlite3.connect('rank1.db')
c.execute(\"INSERT INTO reported(run_id, tool, what, epochs, energy_kwh, co2_g, note) VALUES (1, 'carbontracker', 'actual', 3, 0.0123, 4.5, 'n1 rank 1')\"); c.commit()"
ctk merge m.db rank0.db rank1.db >out.txt 2>err.txt
is "merge: exit 0" "$?" 0
is "one run, 2 devices (each GPU once)" "$(sql m.db "SELECT count(*) FROM runs")/$(sql m.db "SELECT count(*) FROM devices")" "1/2"
is "2 duplicates stored" "$(sql m.db "SELECT count(*) FROM merge_duplicates")" 2
is "2 duplicates printed, the second copy dropped" "$(grep -c "^  duplicate: n1 GPU-fa4e0000-.*'rank0.db' run 1 and 'rank1.db' run 1 over the same .* s: counted once" out.txt)" 2
# the overlap: the time both copies of GPU 0 have readings, from the readings themselves
ctk export samples --db rank0.db >a.csv && ctk export samples --db rank1.db >b.csv
want=$(python3 - a.csv b.csv <<'PY'
import csv, sys
def span(p):
    t = [int(r['t_ns']) for r in csv.DictReader(open(p)) if r['device_id'] == '1']
    return min(t), max(t)
(a0, a1), (b0, b1) = span(sys.argv[1]), span(sys.argv[2])
print(min(a1, b1) - max(a0, b0))
PY
)
is "the overlap stored is the time both have readings" "$(sql m.db "SELECT overlap_ns FROM merge_duplicates WHERE uuid LIKE '%000000000000'")" "$want"
# counted once: the merged energy is rank 0's alone, not the sum of both
e0=$(ctk analyze --db rank0.db --json | python3 -c "import json,sys; print(json.load(sys.stdin)['runs'][0]['energy_j'])")
e1=$(ctk analyze --db rank1.db --json | python3 -c "import json,sys; print(json.load(sys.stdin)['runs'][0]['energy_j'])")
em=$(ctk analyze --db m.db --json | python3 -c "import json,sys; print(json.load(sys.stdin)['runs'][0]['energy_j'])")
near "merged energy = rank 0's (counted once)" "$em" "$e0" 1e-9
ok "… and not the two copies summed" python3 -c "import sys; sys.exit(0 if abs($em - ($e0 + $e1)) > 0.3 * $e0 else 1)"
is "the merged run's windows are rank 0's 3 epochs" "$(sql m.db "SELECT count(*) FROM windows WHERE kind = 'epoch'")" 3
is "rank 0 is the reference" "$(sql m.db "SELECT source_run_id || path FROM merge_sources WHERE reference = 1")" "1rank0.db"
is "carried: the reference's settings (PUE 1.4, not rank 1's 1.2)" "$(sql m.db "SELECT group_concat(pue) FROM analysis_settings")" "1.4"
is "carried: the intensity series both imported, once, every value" \
	"$(sql m.db "SELECT count(*) FROM intensity_series")/$(sql m.db "SELECT count(*) FROM intensity")" \
	"1/$(sql rank0.db "SELECT count(*) FROM intensity")"
is "… the values themselves (sum of g/kWh)" "$(sql m.db "SELECT total(g_per_kwh) FROM intensity")" "$(sql rank0.db "SELECT total(g_per_kwh) FROM intensity")"
is "carried: rank 1's reported numbers, on the merged run" \
	"$(sql m.db "SELECT run_id || ',' || tool || ',' || what || ',' || epochs || ',' || energy_kwh || ',' || co2_g || ',' || note FROM reported")" \
	"1,carbontracker,actual,3,0.0123,4.5,n1 rank 1"

# bad input: a file that is not a store; OUT untouched, a new OUT not created
printf 'not a database at all, just text\n' >junk.db
cp m.db before.db
ctk merge m.db rank0.db junk.db >/dev/null 2>err2.txt
rc=$?
ok "a bad input store: exit 2 or 3" test "$rc" -eq 2 -o "$rc" -eq 3
is "… one line naming the store" "$(wc -l <err2.txt | tr -d ' '),$(grep -c "junk.db" err2.txt)" "1,1"
ok "… the existing OUT is unchanged" cmp -s m.db before.db
ctk merge new.db rank0.db junk.db >/dev/null 2>&1
ok "… a new OUT is not created" test ! -e new.db
ctk merge rank0.db rank0.db rank1.db >/dev/null 2>err3.txt
is "OUT that is an input: usage error" "$?" 1
# a run without a SLURM job id needs --as-one
ctk collect --sources nvml --quiet --db plain.db -- sleep 0.3 2>/dev/null
ctk merge p.db plain.db rank0.db >/dev/null 2>err4.txt
is "a run without a job id: exit 2" "$?" 2
ok "… the error names the store and --as-one" grep -q "'plain.db' run 1: no SLURM job id.*--as-one" err4.txt
ctk merge p.db plain.db rank0.db --as-one >/dev/null 2>&1
is "--as-one: one run of 2 devices (the same GPUs, at other times, are kept)" "$(sql p.db "SELECT count(*) FROM runs")/$(sql p.db "SELECT count(*) FROM merge_sources")" "1/2"
done_testing
