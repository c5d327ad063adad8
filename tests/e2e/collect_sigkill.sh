# SIGKILL of the collector mid-run: the store opens, passes
# PRAGMA integrity_check and holds every reading older than 2 s; the
# command keeps running (also with --epoch-regex, where its output goes
# through a helper that outlives the collector).
. "$CTK_ROOT/tests/e2e/lib.sh"
export CTK_NVML_LIB="$CTK_BUILD/fakenvml/libnvidia-ml.so.1" CTK_SYSFS_ROOT="$PWD/sys" CTK_FAKENVML_DEVICES=2
unset CUDA_VISIBLE_DEVICES NVIDIA_VISIBLE_DEVICES
mkdir -p sys

ctk collect --interval 20ms --quiet --db k.db -- sh -c 'sleep 3; echo alive > alive.txt' 2>/dev/null &
pid=$!
sleep 2.6
t_kill=$(date +%s%N)
kill -KILL $pid
wait $pid 2>/dev/null
is "integrity_check after SIGKILL" "$(sql k.db 'PRAGMA integrity_check')" ok
is "the run is there, unfinished" "$(sql k.db 'SELECT count(*) FROM runs WHERE exit_status IS NULL')" 1
last=$(sql k.db 'SELECT min(m) FROM (SELECT max(last_ns) AS m FROM sample_chunks GROUP BY device_id)')
ok "readings up to 2 s before the kill, every device (lag $(( (t_kill - last) / 1000000 )) ms)" test $((t_kill - last)) -le 2000000000
first=$(sql k.db 'SELECT min(first_ns) FROM sample_chunks')
n=$(sql k.db 'SELECT sum(n) FROM sample_chunks WHERE device_id = 1')
# every 20 ms round is there (80 %: a loaded machine may skip a deadline)
ok "no reading lost before that ($n readings over $(( (last - first) / 1000000 )) ms at 20 ms)" \
	test "$n" -ge $(( (last - first) / 25000000 ))
sleep 1
is "the command kept running" "$(cat alive.txt 2>/dev/null)" alive

# with --epoch-regex the command writes to a pipe: it must survive too
ctk collect --interval 20ms --quiet --db k2.db --epoch-regex '^Epoch ([0-9]+)' -- \
	sh -c 'echo "Epoch 1"; sleep 1.5; echo "Epoch 2"; echo after; echo alive > alive2.txt' > out.txt 2>/dev/null &
pid=$!
sleep 1.2
kill -KILL $pid
wait $pid 2>/dev/null
sleep 0.8
is "command with --epoch-regex kept running" "$(cat alive2.txt 2>/dev/null)" alive
is "its output still passed through" "$(cat out.txt)" "Epoch 1
Epoch 2
after"
is "integrity_check (regex run)" "$(sql k2.db 'PRAGMA integrity_check')" ok
done_testing
