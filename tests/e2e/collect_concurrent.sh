# ctk analyze and ctk report in a loop on the store a fake-NVML collection
# (20 ms interval, flush every 1 s, about 4 s) is writing to (WAL): every
# analyze (all runs, the live one included) and every report of the earlier,
# finished run exits 0 on a consistent snapshot, the collector's longest
# flush (config_json "flush_max_ms") stays under one flush interval, at
# most one flush in a row fails ("store_failures_in_a_row"), and no reading
# is lost. (A report of the live run itself is refused by design:
# its analysis is dropped whenever new readings land.)
. "$CTK_ROOT/tests/e2e/lib.sh"
export CTK_NVML_LIB="$CTK_BUILD/fakenvml/libnvidia-ml.so.1" CTK_SYSFS_ROOT="$PWD/sys" CTK_FAKENVML_DEVICES=2
unset CUDA_VISIBLE_DEVICES NVIDIA_VISIBLE_DEVICES
mkdir -p sys

ctk collect --interval 20ms --quiet --db w.db --label first -- sh -c '
	for e in 1 2; do ctk mark epoch-start $e; sleep 0.2; ctk mark epoch-end --items 8; done' 2>/dev/null
ctk analyze --db w.db > /dev/null 2>&1; is "first run analysed" $? 0
ctk collect --interval 20ms --quiet --db w.db --label live -- sh -c '
	for e in 1 2 3 4 5 6 7; do ctk mark epoch-start $e; sleep 0.5; ctk mark epoch-end --items 8; done' 2>col.err &
pid=$!
sleep 1.2
loops=0; afail=0; rfail=0; bad=0
while kill -0 $pid 2>/dev/null; do
	ctk analyze --db w.db --json > a.json 2>>a.err || afail=$((afail + 1))
	# a consistent snapshot: every analysed epoch has a positive energy and
	# no more epochs than the windows stored at that point
	python3 -c 'import json, math, sys
d = json.load(open("a.json"))
runs = d["runs"] if isinstance(d, dict) and "runs" in d else d
for r in runs:
    for e in r.get("epochs", []):
        x = e.get("energy_j")
        if x is not None and not (math.isfinite(x) and x > 0): sys.exit(1)' 2>>a.err || bad=$((bad + 1))
	ctk report --db w.db --run first --out rep --formats csv,md > /dev/null 2>>r.err || rfail=$((rfail + 1))
	loops=$((loops + 1))
done
wait $pid; is "collection completes" $? 0
ok "analyze and report ran $loops times during the collection" test $loops -ge 3
is "every analyze exited 0" $afail 0
is "every analyze output consistent" $bad 0
is "every report exited 0" $rfail 0
flush_ms=$(sql w.db "SELECT json_extract(config_json, '$.flush_max_ms') FROM runs WHERE label = 'live'")
streak=$(sql w.db "SELECT json_extract(config_json, '$.store_failures_in_a_row') FROM runs WHERE label = 'live'")
if timing; then
	ok "longest flush $flush_ms ms < one flush interval (1000 ms)" \
		python3 -c "import sys; sys.exit(0 if float('$flush_ms') < 1000 else 1)"
	ok "no reading held back more than one extra flush (failed flushes in a row: $streak)" test "$streak" -le 1
else
	skip "longest flush $flush_ms ms < one flush interval (1000 ms)"
	skip "no reading held back more than one extra flush (failed flushes in a row: $streak)"
fi
is "integrity_check" "$(sql w.db 'PRAGMA integrity_check')" ok
is "readings_lost 0" "$(sql w.db "SELECT json_extract(config_json, '$.readings_lost') FROM runs WHERE label = 'live'")" 0
dev=$(sql w.db "SELECT min(device_id) FROM devices JOIN runs USING (run_id) WHERE label = 'live'")
first=$(sql w.db "SELECT min(first_ns) FROM sample_chunks WHERE device_id = $dev")
last=$(sql w.db "SELECT max(last_ns) FROM sample_chunks WHERE device_id = $dev")
cnt=$(sql w.db "SELECT sum(n) FROM sample_chunks WHERE device_id = $dev")
if timing; then
	ok "no reading lost ($cnt over $(( (last - first) / 1000000 )) ms at 20 ms)" test "$cnt" -ge $(( (last - first) / 25000000 ))
else
	skip "no reading lost ($cnt over $(( (last - first) / 1000000 )) ms at 20 ms)"
fi
is "seven epochs stored" "$(sql w.db "SELECT count(*) FROM windows JOIN runs USING (run_id) WHERE kind='epoch' AND label = 'live'")" 7
ctk analyze --db w.db > /dev/null 2>&1; is "final analyze" $? 0
is "final analysis has seven epochs" "$(sql w.db "SELECT count(DISTINCT idx) FROM epoch_energy JOIN runs USING (run_id) WHERE label = 'live'")" 7
done_testing
