# SIGKILL of `ctk import` in the middle of a large file leaves the store
# exactly as it was (one transaction; SQLite's WAL rolls the rest back) and
# the store still passes PRAGMA integrity_check. Ten kills at varied moments.
. "$CTK_ROOT/tests/e2e/lib.sh"
"$CTK_BUILD/bench/gen_nvsmi" 8 2 > big.csv   # 576,000 rows: about half a second to import
ctk import nvidia-smi "$CTK_ROOT/samples/demo/gpu-trace.csv" --db run.db --tz UTC >/dev/null 2>&1
counts() { sql run.db "select (select count(*) from runs)||'/'||(select count(*) from devices)||'/'||(select count(*) from sample_chunks)"; }
before=$(counts)
for i in 1 2 3 4 5 6 7 8 9 10; do
	ctk-analyze import nvidia-smi big.csv --db run.db --tz UTC >/dev/null 2>&1 &
	pid=$!
	sleep "0.0$i"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	is "kill $i: killed while importing" "$?" 137
	is "kill $i: store unchanged" "$(counts)" "$before"
done
is "integrity_check after the kills" "$(sql run.db 'pragma integrity_check')" ok
ok "store still writable" ctk import epochs "$CTK_ROOT/samples/demo/epochs.csv" --db run.db --run 1
done_testing
