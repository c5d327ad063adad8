# Resource faults give a clear one-line error, exit 3, and no partial data:
# a missing directory, a file-size limit hit mid-import (prlimit --fsize, as
# a full disk), and a store locked by another writer's open transaction.
. "$CTK_ROOT/tests/e2e/lib.sh"
TRACE=$CTK_ROOT/samples/demo/gpu-trace.csv

ctk import nvidia-smi "$TRACE" --db /nonexistent-dir/x.db --tz UTC >out.txt 2>err.txt
is "missing directory: exit 3" "$?" 3
ok "missing directory: names the file" grep -q "'/nonexistent-dir/x.db'" err.txt

ctk import nvidia-smi "$TRACE" --db run.db --tz UTC >/dev/null 2>&1
counts() { sql run.db "select (select count(*) from runs)||'/'||(select count(*) from sample_chunks)"; }
before=$(counts)
"$CTK_BUILD/bench/gen_nvsmi" 8 0.2 > big.csv
size=$(($(wc -c < run.db) + $(wc -c < run.db-wal 2>/dev/null || echo 0)))
prlimit --fsize=$((size + 65536)) ctk-analyze import nvidia-smi big.csv --db run.db --tz UTC >out.txt 2>err.txt
is "file-size limit: exit 3" "$?" 3
ok "file-size limit: sqlite says why" grep -qiE "disk|full|large|I/O" err.txt
is "file-size limit: one line" "$(wc -l < err.txt)" 1
is "file-size limit: store unchanged" "$(counts)" "$before"
is "file-size limit: integrity ok" "$(sql run.db 'pragma integrity_check')" ok

python3 - <<'PY' &
import sqlite3, time
c = sqlite3.connect("run.db", isolation_level=None)
c.execute("BEGIN IMMEDIATE")
c.execute("INSERT INTO runs(source, created_ns) VALUES ('lock-holder', 0)")
open("locked", "w").close()
time.sleep(3)
c.execute("ROLLBACK")
PY
holder=$!
while [ ! -f locked ]; do sleep 0.05; done
CTK_BUSY_TIMEOUT_MS=500 ctk import nvidia-smi "$TRACE" --db run.db --tz UTC >out.txt 2>err.txt
is "locked store: exit 3" "$?" 3
ok "locked store: says locked" grep -q "locked" err.txt
wait "$holder"
is "locked store: nothing half-written" "$(counts)" "$before"
done_testing
