# ctk collect end to end on the fake NVML: exit status and signals of the
# command, CTK_SOCKET, --attach, --baseline, GPU selection errors, SLURM
# ids and %h/%j, and a GPU lost mid-run while the command goes on.
. "$CTK_ROOT/tests/e2e/lib.sh"
export CTK_NVML_LIB="$CTK_BUILD/fakenvml/libnvidia-ml.so.1" CTK_SYSFS_ROOT="$PWD/sys" CTK_FAKENVML_DEVICES=2
unset CUDA_VISIBLE_DEVICES NVIDIA_VISIBLE_DEVICES SLURM_JOB_ID SLURM_STEP_ID SLURM_PROCID
mkdir -p sys
C="ctk collect --interval 10ms --quiet"

$C --db a.db -- sh -c 'exit 3' 2>/dev/null; is "exit status of the command" $? 3
is "stored exit status" "$(sql a.db 'SELECT exit_status FROM runs')" 3
is "run is simulated" "$(sql a.db 'SELECT simulated FROM runs')" 1
is "two fake GPUs" "$(sql a.db "SELECT count(*) FROM devices WHERE kind='gpu' AND name LIKE 'Simulated%'")" 2
$C --db a.db -- sh -c 'kill -KILL $$' 2>/dev/null; is "killed command: 128+9" $? 137
$C --db a.db -- /nonexistent/cmd 2>/dev/null; is "missing command: 127" $? 127
is "three runs" "$(sql a.db 'SELECT count(*) FROM runs')" 3

$C --db b.db -- sh -c 'stat -c %a "$CTK_SOCKET"' > mode.txt 2>/dev/null
is "CTK_SOCKET is mode 0600" "$(cat mode.txt)" 600

# SIGTERM sent to the collector reaches the command, whose status wins
$C --db c.db -- sh -c 'trap "exit 7" TERM; touch term-ready; while :; do sleep 0.02; done' 2>/dev/null &
pid=$!
# signal once the command runs with its trap (under valgrind the start takes
# seconds: a SIGTERM during the start was lost and the test hung)
i=0; while [ ! -e term-ready ] && [ $i -lt 500 ]; do sleep 0.02; i=$((i + 1)); done
kill -TERM $pid
wait $pid; is "SIGTERM forwarded, command's status returned" $? 7
is "stored status after SIGTERM" "$(sql c.db 'SELECT exit_status FROM runs')" 7

# --attach: sample until SIGINT, markers from outside through --socket
$C --db d.db --attach --socket "$PWD/m.sock" 2>/dev/null &
pid=$!
i=0; while [ ! -S m.sock ] && [ $i -lt 100 ]; do sleep 0.02; i=$((i + 1)); done
CTK_SOCKET=$PWD/m.sock ctk mark begin warmup
sleep 0.1
CTK_SOCKET=$PWD/m.sock ctk mark end warmup; is "mark end over --socket" $? 0
kill -INT $pid
wait $pid; is "attach ends 0 on SIGINT" $? 0
is "attach: phase window" "$(sql d.db "SELECT count(*) FROM windows WHERE kind='phase' AND name='warmup'")" 1
is "attach: no command, no exit status" "$(sql d.db 'SELECT coalesce(command, exit_status, 0) FROM runs')" 0
ok "attach: readings stored" test "$(sql d.db 'SELECT sum(n) FROM sample_chunks')" -gt 10
ok "socket removed" test ! -e m.sock
# a socket left by a killed collector is replaced; a live one is not taken over
python3 -c 'import socket; s = socket.socket(socket.AF_UNIX); s.bind("m.sock")'
$C --db d2.db --socket "$PWD/m.sock" -- true 2>/dev/null; is "stale socket replaced" $? 0
python3 -c 'import socket, time; s = socket.socket(socket.AF_UNIX); s.bind("live.sock"); s.listen(1); time.sleep(3)' &
lpid=$!
i=0; while [ ! -S live.sock ] && [ $i -lt 100 ]; do sleep 0.02; i=$((i + 1)); done
$C --db d2.db --socket "$PWD/live.sock" -- touch took.txt 2>/dev/null; is "live socket: refused (exit 3)" $? 3
ok "... before starting the command" test ! -e took.txt
is "... and before storing a run" "$(sql d2.db 'SELECT count(*) FROM runs')" 1
kill $lpid 2>/dev/null; wait $lpid 2>/dev/null

# ctk mark's exit statuses: refused 2, no CTK_SOCKET 1, no collector 4
$C --db b2.db -- sh -c 'ctk mark end nope 2>/dev/null; echo $? > refused.txt'
is "mark refused: exit 2" "$(cat refused.txt)" 2
env -u CTK_SOCKET ctk mark epoch-start 2>/dev/null; is "mark without CTK_SOCKET: exit 1" $? 1
CTK_SOCKET=$PWD/none.sock ctk mark epoch-start 2>/dev/null; is "mark without a collector: exit 4" $? 4

# --baseline: an idle window before the command starts
$C --db e.db --baseline 200ms -- sh -c 'date +%s%N > started.txt' 2>/dev/null
is "baseline window" "$(sql e.db "SELECT count(*) FROM windows WHERE kind='baseline'")" 1
ok "baseline lasts 200 ms" test "$(sql e.db "SELECT (end_ns - start_ns) / 1000000 FROM windows WHERE kind='baseline'")" -ge 195
ok "baseline ends before the command" test "$(sql e.db "SELECT end_ns FROM windows WHERE kind='baseline'")" -le "$(cat started.txt)"

# another writer holding the store for 1.5 s: readings wait in memory, none is lost
# (the lock is taken once the command runs: under valgrind the start takes seconds)
ready() { i=0; while [ ! -e "$1" ] && [ $i -lt 1500 ]; do sleep 0.02; i=$((i + 1)); done; }
$C --db busy.db -- sh -c 'touch busy-started; sleep 3' 2>busy.err &
pid=$!
ready busy-started
sleep 0.3
python3 -c 'import sqlite3, time
c = sqlite3.connect("busy.db", isolation_level=None); c.execute("BEGIN IMMEDIATE"); time.sleep(1.5); c.execute("COMMIT")'
wait $pid; is "locked store: command unaffected" $? 0
ok "locked store: warned" grep -q "database is locked" busy.err
n=$(sql busy.db 'SELECT sum(n) FROM sample_chunks WHERE device_id = 1')
if timing; then
	ok "locked store: readings kept ($n of ~300)" test "$n" -ge 240
else
	skip "locked store: readings kept ($n of ~300)"
fi

# SIGTERM during the baseline: the command never starts, the baseline is kept
$C --db e2.db --baseline 5s -- touch never.txt 2>/dev/null &
pid=$!
# once the run is recorded (the baseline runs then; under valgrind seconds after the start)
i=0
while [ "$(sql e2.db 'SELECT count(*) FROM runs' 2>/dev/null)" != 1 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.3
kill -TERM $pid
wait $pid; is "SIGTERM during the baseline: 128+15" $? 143
ok "... the command was not started" test ! -e never.txt
is "... the partial baseline is stored" "$(sql e2.db "SELECT count(*) FROM windows WHERE kind='baseline'")" 1

# GPU selection: an unparseable value is an error, never all GPUs
CUDA_VISIBLE_DEVICES=0,gpu1 $C --db f.db -- touch ran.txt 2>err.txt; is "bad CUDA_VISIBLE_DEVICES: exit 2" $? 2
ok "... the command did not run" test ! -e ran.txt
ok "... the message names the variable" grep -q "CUDA_VISIBLE_DEVICES='0,gpu1'" err.txt
$C --db f.db --gpus 5 -- true 2>/dev/null; is "absent GPU: exit 4" $? 4
CUDA_VISIBLE_DEVICES=1 $C --db g.db -- true 2>/dev/null
is "CUDA_VISIBLE_DEVICES=1 selects one GPU" "$(sql g.db 'SELECT group_concat(idx) FROM devices')" 1
NVIDIA_VISIBLE_DEVICES=none $C --db g2.db -- true 2>/dev/null
is "NVIDIA_VISIBLE_DEVICES=none: no GPU" "$(sql g2.db 'SELECT count(*) FROM devices')" 0

# SLURM: one file per node and the job's ids in the run
SLURM_JOB_ID=77 SLURM_STEP_ID=0 SLURM_PROCID=3 $C --db 'n-%h-%j.db' -- true 2>/dev/null
f="n-$(hostname)-77.db"
ok "%h and %j in --db" test -f "$f"
is "slurm job id" "$(sql "$f" "SELECT json_extract(config_json, '$.slurm_job_id') || '/' || json_extract(config_json, '$.slurm_procid') FROM runs")" 77/3

# a GPU lost mid-run: logged, the others go on, the command is untouched
CTK_FAKENVML_LOST=1@150 ctk collect --interval 10ms --db h.db -- sh -c 'sleep 0.5; exit 0' 2>err2.txt
is "command unaffected by a lost GPU" $? 0
ok "lost GPU logged" grep -q "GPU is lost" err2.txt
ok "logged a few times, not every round" test "$(grep -c 'GPU is lost' err2.txt)" -le 8
n0=$(sql h.db 'SELECT sum(n) FROM sample_chunks WHERE device_id = 1')
n1=$(sql h.db 'SELECT coalesce(sum(n), 0) FROM sample_chunks WHERE device_id = 2')
ok "GPU 0 sampled the whole run ($n0)" test "$n0" -ge 30
ok "GPU 1 stopped when lost ($n1)" test "$n1" -lt 25
ok "summary labels the simulated device" grep -q "(simulated device)" err2.txt
# … and a GPU that comes back is read again
# (lost 100-200 ms after nvmlInit: under valgrind that is over before the first round)
if timing; then
	CTK_FAKENVML_LOST=1@100 CTK_FAKENVML_RECOVER_MS=100 ctk collect --interval 10ms --db h2.db -- sleep 0.8 2>err3.txt
	ok "lost GPU read again after it recovers" grep -q "gpu 1 reads again" err3.txt
	ok "... and has readings after its loss" test "$(sql h2.db 'SELECT max(last_ns) - min(first_ns) FROM sample_chunks WHERE device_id = 2')" -gt 500000000
else
	skip "lost GPU read again after it recovers"
	skip "... and has readings after its loss"
fi
done_testing
