# Issue 19: the README's examples run as written. tests/readme_commands.py
# extracts every ctk command line of its ```sh blocks; each runs here, in
# order, in one directory holding the inputs they name (a train.py that
# marks epochs, the sample nvidia-smi trace, real carbontracker logs and
# Electricity Maps data), and must exit 0. The fake NVML stands in for the
# GPU; only lines that need the network are skipped, and said so (a saved
# Prometheus response is the DCGM fixture of tests/data/prometheus).
. "$CTK_ROOT/tests/e2e/lib.sh"
export CTK_NVML_LIB="$CTK_BUILD/fakenvml/libnvidia-ml.so.1" CTK_SYSFS_ROOT="$PWD/sys" CTK_FAKENVML_DEVICES=2
export PYTHONPATH="$CTK_ROOT/contrib/python"
unset CUDA_VISIBLE_DEVICES NVIDIA_VISIBLE_DEVICES CTK_SOCKET
mkdir -p sys bin build logs
# `python` as the README writes it, wherever only python3 exists
command -v python >/dev/null 2>&1 || ln -s "$(command -v python3)" bin/python
PATH="$PWD/bin:$PATH"
ln -s "$CTK_BUILD/fakenvml" build/fakenvml
cat > train.py <<'PY'
import time, ctk_mark
for e in range(1, 4):
    with ctk_mark.epoch(e, items=1000):
        time.sleep(0.15)
PY
cat > keras_train.py <<'PY'
import time
for e in range(1, 4):
    print("Epoch %d/3" % e, flush=True)
    time.sleep(0.15)
PY
cp "$CTK_ROOT/samples/demo/gpu-trace.csv" "$CTK_ROOT/samples/demo/epochs.csv" .
cp "$CTK_DATA"/carbontracker-logs/1gpu/* logs/
cp "$CTK_DATA/electricitymaps/DE_2023_hourly.csv" .
python3 "$CTK_ROOT/tests/readme_commands.py" "$CTK_ROOT/README.md" > cmds.txt
n_cmds=$(wc -l < cmds.txt)
ok "the README has ctk examples ($n_cmds)" test "$n_cmds" -ge 15
i=0
while IFS= read -r line; do
	i=$((i + 1))
	case "$line" in
	*"intensity fetch"* | *"import prometheus"*"--url "*) skip "README $i: $line" "needs the network"; continue ;;
	*"import prometheus"*"--file saved-query_range.json"*)
		cp "$CTK_ROOT/tests/data/prometheus/dcgm-query_range.json" saved-query_range.json
		sh -c "$line" </dev/null >out.$i 2>err.$i
		rc=$? ;;
	"MARKS "*)
		marks=${line#MARKS }
		ctk collect --db marks.db --quiet -- sh -c "$marks" </dev/null >out.$i 2>err.$i
		rc=$? ;;
	*)
		sh -c "$line" </dev/null >out.$i 2>err.$i
		rc=$? ;;
	esac
	if [ "$rc" -eq 0 ]; then
		echo "ok $((n + 1)) - README $i: $line"
		n=$((n + 1))
	else
		n=$((n + 1)); failed=$((failed + 1))
		echo "not ok $n - README $i: $line (exit $rc): $(tail -n 2 err.$i | tr '\n' ' ')"
	fi
done < cmds.txt
done_testing
