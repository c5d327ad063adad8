# SIGKILL of the collector mid-run: the store opens, passes
# PRAGMA integrity_check and holds every reading older than 2 s; the
# command keeps running (also with --epoch-regex, where its output goes
# through a helper that outlives the collector); then 20 trials killed at
# random moments.
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
cnt=$(sql k.db 'SELECT sum(n) FROM sample_chunks WHERE device_id = 1')
# every 20 ms round is there (80 %: a loaded machine may skip a deadline)
ok "no reading lost before that ($cnt readings over $(( (last - first) / 1000000 )) ms at 20 ms)" \
	test "$cnt" -ge $(( (last - first) / 25000000 ))
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

# 20 trials killed at random moments (half in 0-1 s: while the store is
# created, before the first flush; half in 2.0-2.8 s: between flushes or
# during one), 5 at a time: each store opens and passes
# integrity_check, holds the readings of every flush older than 1.5 s before
# the kill, and each command keeps running
delays=$(python3 -c 'import random; print(" ".join("%.3f" % random.uniform(*((0, 1) if i % 2 else (2.0, 2.8))) for i in range(20)))')
# CTK_KILL_DELAYS="d1 d2 …" replays a failed draw
delays=${CTK_KILL_DELAYS:-$delays}
echo "# kill delays: $delays"
trial=0
for d in $delays; do
	trial=$((trial + 1))
	(
		ctk collect --interval 20ms --quiet --db t$trial.db -- sh -c "sleep 3.5; echo alive > alive$trial.txt" 2>/dev/null &
		p=$!
		sleep "$d"
		date +%s%N > kill$trial.txt
		kill -KILL $p
		wait $p 2>/dev/null
	) &
	[ $((trial % 5)) -eq 0 ] && wait
done
wait
sleep 1.2
# one python for every check (a python start per query would take seconds)
python3 - $delays > trials.txt <<'EOF'
import os, sqlite3, sys, time
bad, lag, dead, fresh = [], [], [], []
checked = 0
def is_alive(i):
    return os.path.exists("alive%d.txt" % i) and open("alive%d.txt" % i).read().strip() == "alive"
for i, d in enumerate(sys.argv[1:], 1):
    tag = "%d@%s" % (i, d)
    if not os.path.exists("t%d.db" % i):
        continue  # killed before the store was made: the command never started
    t_kill = int(open("kill%d.txt" % i).read())
    try:
        c = sqlite3.connect("t%d.db" % i)
        if c.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            bad.append(tag)
            continue
        tables = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        if "runs" not in tables:
            # killed while the schema was created (one transaction): nothing of it
            if tables:
                bad.append(tag + ":half a schema")
            fresh.append(str(i))
            continue
        r = c.execute("SELECT started_ns FROM runs").fetchone()
        last = c.execute("SELECT min(m) FROM (SELECT max(last_ns) AS m FROM sample_chunks GROUP BY device_id)").fetchone()[0]
    except sqlite3.Error as e:
        bad.append(tag + ":" + str(e))
        continue
    # the command starts right after the run is stored and sleeps 3.5 s: give
    # a loaded (sanitized) machine until 8 s after the start to finish it
    alive = is_alive(i)
    while r and not alive and time.time_ns() - r[0] < 8000000000:
        time.sleep(0.1)
        alive = is_alive(i)
    if r and t_kill - r[0] >= 200000000 and not alive:
        dead.append(tag)
    # a flush happened 1 s after the start: from 1.5 s on, readings must be there
    if r and t_kill - r[0] >= 1500000000:
        checked += 1
        if last is None or t_kill - last > 2000000000:
            lag.append(tag)
print(" ".join(bad))
print(" ".join(lag))
print(" ".join(dead))
print(checked)
print(" ".join(fresh))
EOF
is "20 random kills: every store passes integrity_check" "$(sed -n 1p trials.txt)" ""
is "20 random kills: readings of every flush older than 1.5 s there" "$(sed -n 2p trials.txt)" ""
is "20 random kills: every command kept running" "$(sed -n 3p trials.txt)" ""
ok "20 random kills: $(sed -n 4p trials.txt) killed after a flush" test "$(sed -n 4p trials.txt)" -ge 5
# a store killed while its schema was made is empty: ctk opens and uses it
fresh_bad=""
for f in $(sed -n 5p trials.txt); do
	ctk analyze --db t$f.db >/dev/null 2>&1 || fresh_bad="$fresh_bad $f"
done
is "20 random kills: stores killed at creation open with ctk ($(sed -n 5p trials.txt))" "$fresh_bad" ""
done_testing
