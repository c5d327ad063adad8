# The collector's last flush waits for a concurrent writer: a `ctk analyze`
# (or any writer) holding the store's write lock when the command ends must
# not cost the run its last readings and windows. While sampling the
# collector waits at most 100 ms for the lock (rounds stay on time); the last
# flush waits as long as any ctk command (5 s). Here a writer takes the lock
# just before the command exits and holds it 1.5 s.
. "$CTK_ROOT/tests/e2e/lib.sh"
export CTK_NVML_LIB="$CTK_BUILD/fakenvml/libnvidia-ml.so.1" CTK_SYSFS_ROOT="$PWD/sys" CTK_FAKENVML_DEVICES=2
unset CUDA_VISIBLE_DEVICES NVIDIA_VISIBLE_DEVICES CTK_FAKENVML_SAMPLES_MS
mkdir -p sys
cat > lock.py <<'PY'
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
c.execute("BEGIN IMMEDIATE")
open("locked", "w").close()
time.sleep(1.5)
c.execute("COMMIT")
PY
ctk collect --db run.db --interval 20ms --quiet -- sh -c '
	ctk mark epoch-start 1; sleep 0.3; ctk mark epoch-end
	ctk mark epoch-start 2; sleep 0.3; ctk mark epoch-end
	python3 lock.py run.db & while [ ! -e locked ]; do sleep 0.01; done' 2>err.txt
is "collect exits 0" "$?" 0
ok "no 'store failed at the end' warning" sh -c '! grep -q "store failed at the end" err.txt'
sleep 1.6 # the locker ends
is "both epochs stored" "$(sql run.db "SELECT count(*) FROM windows WHERE kind = 'epoch'")" 2
is "the run's final record: readings_lost 0" "$(sql run.db "SELECT json_extract(config_json, '\$.readings_lost') FROM runs")" 0
is "the run has its end time" "$(sql run.db "SELECT ended_ns IS NOT NULL FROM runs")" 1
done_testing
