# Resource faults of ctk collect. When it cannot even start (missing
# directory, a path through a file, a directory it may not write, a
# file-size limit while creating the store): a clear error, exit 3, the
# command not started. When the store fails mid-run (file-size limit = a
# full disk; another writer holding the lock): readings wait in memory and
# the next flush retries, beyond 1024 per device they are dropped and
# counted (runs.config_json "readings_lost"), the store stays intact, and
# the command completes with its exit status passed through.
. "$CTK_ROOT/tests/e2e/lib.sh"
export CTK_NVML_LIB="$CTK_BUILD/fakenvml/libnvidia-ml.so.1" CTK_SYSFS_ROOT="$PWD/sys" CTK_FAKENVML_DEVICES=2
unset CUDA_VISIBLE_DEVICES NVIDIA_VISIBLE_DEVICES
mkdir -p sys
C="ctk collect --interval 10ms --quiet"

$C --db /nonexistent-dir/x.db -- touch started1 2>err.txt; is "missing directory: exit 3" $? 3
ok "... names the file" grep -q "'/nonexistent-dir/x.db'" err.txt
ok "... command not started" test ! -e started1
touch afile
$C --db afile/x.db -- touch started2 2>err.txt; is "path through a file: exit 3" $? 3
ok "... command not started" test ! -e started2
prlimit --fsize=4096 $C --db new.db -- touch started3 2>err.txt; is "file-size limit creating the store: exit 3 (not SIGXFSZ)" $? 3
is "... one line of error after the simulated-device warning" "$(grep -vc SIMULATED err.txt)" 1
ok "... command not started" test ! -e started3

# a directory this user may not write (root may write anywhere: run as nobody)
ro=$(mktemp -d /tmp/ctk-ro-XXXXXX)
chmod 755 "$ro"
if setpriv --reuid=65534 --regid=65534 --clear-groups sh -c "command -v ctk && test -r '$CTK_NVML_LIB'" >/dev/null 2>&1; then
	setpriv --reuid=65534 --regid=65534 --clear-groups env TMPDIR=/tmp $C --db "$ro/x.db" -- sh -c 'echo started' >out.txt 2>err.txt
	is "directory not writable: exit 3" $? 3
	ok "... says it cannot open" grep -q "'$ro/x.db'" err.txt
	is "... command not started" "$(cat out.txt)" ""
else
	echo "ok - # SKIP nobody cannot run the tools here"
fi
rm -rf "$ro"

# a full disk mid-run: the file-size limit leaves room for the run and one flush
$C --db f.db -- true 2>/dev/null
prlimit --fsize=40000 $C --db f.db -- sh -c 'sleep 2.5; exit 4' 2>err.txt
is "full disk mid-run: the command's exit status" $? 4
ok "... warned: store failing, sampling goes on" grep -q "store: .*(sampling goes on; the command is not affected)" err.txt
ok "... warned: readings not stored, counted" grep -qE "[1-9][0-9]* buffered reading\(s\) not stored" err.txt
is "... integrity_check" "$(sql f.db 'PRAGMA integrity_check')" ok
ok "... the readings of the flushes before are there" test "$(sql f.db 'SELECT sum(n) FROM sample_chunks JOIN devices USING (device_id) WHERE run_id = 2')" -gt 0

# another writer holds the lock for 2.5 s at a 2 ms interval: 1250 rounds
# overflow the 1024-reading buffers; the overflow is dropped and counted,
# the rest stored once the lock is gone: stored + lost = every reading
# (the command starts once the run is stored, and ends 1.2 s after the lock
# is gone, so the last flushes succeed whatever the machine's load)
ctk collect --interval 2ms --quiet --db l.db -- sh -c 'touch started
	while [ ! -f released ]; do sleep 0.05; done; sleep 1.2; exit 6' 2>err.txt &
pid=$!
i=0; while [ ! -f started ] && [ $i -lt 200 ]; do sleep 0.02; i=$((i + 1)); done
python3 -c 'import sqlite3, time
c = sqlite3.connect("l.db", isolation_level=None); c.execute("BEGIN IMMEDIATE"); time.sleep(2.5); c.execute("COMMIT")
open("released", "w").close()'
wait $pid; is "locked store mid-run: the command's exit status" $? 6
lost=$(sql l.db "SELECT json_extract(config_json, '$.readings_lost') FROM runs")
rounds=$(sql l.db "SELECT json_extract(config_json, '$.rounds') FROM runs")
stored=$(sql l.db 'SELECT sum(n) FROM sample_chunks')
ok "... readings dropped and counted ($lost)" test "$lost" -gt 0
is "... stored $stored + lost $lost = 2 devices x $rounds rounds" $((stored + lost)) $((2 * rounds))
ok "... store failures counted" test "$(sql l.db "SELECT json_extract(config_json, '$.store_failures') FROM runs")" -gt 0
is "... integrity_check" "$(sql l.db 'PRAGMA integrity_check')" ok
done_testing
