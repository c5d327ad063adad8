# --epoch-regex never makes the command wait for ctk (issue 18): the command
# stops the collector (SIGSTOP) for 5 s and prints 20,000 matching lines; its
# printing time stays within 10 % of its time without ctk (plus 0.25 s for
# scheduling noise on a loaded machine: the stall itself is 5 s), every line
# reaches the output, and the markers the full pipe could not take are
# counted (markers_dropped) and said at the end: delivered + dropped = 20,000.
. "$CTK_ROOT/tests/e2e/lib.sh"
export CTK_NVML_LIB="$CTK_BUILD/fakenvml/libnvidia-ml.so.1" CTK_SYSFS_ROOT="$PWD/sys" CTK_FAKENVML_DEVICES=1
unset CUDA_VISIBLE_DEVICES NVIDIA_VISIBLE_DEVICES
mkdir -p sys
N=20000
# print.py OUT_TIME: N lines "Epoch i/N", one write each (a progress printer
# flushes), timed inside the program (interpreter start-up left out)
cat > print.py <<'PY'
import sys, time
n = int(sys.argv[2])
t0 = time.monotonic()
for i in range(1, n + 1):
    print(f"Epoch {i}/{n}", flush=True)
open(sys.argv[1], "w").write(f"{time.monotonic() - t0:.6f}\n")
PY
# stall.sh: stop the collector (our parent), resume it 5 s later, then print
cat > stall.sh <<'SH'
kill -STOP "$PPID"
ps -o stat= -p "$PPID" > state.txt
( sleep 5; kill -CONT "$1" ) >/dev/null 2>&1 &
python3 print.py t_ctk.txt "$2"
SH
for i in 1 2 3; do python3 print.py t_base$i.txt $N > base.out; done
base=$(sort -n t_base1.txt t_base2.txt t_base3.txt | sed -n 2p)   # the median of three

ctk collect --interval 50ms --quiet --db r.db --epoch-regex '^Epoch ([0-9]+)/' \
	-- sh -c 'exec sh stall.sh "$PPID" '$N > got.out 2> got.err
is "exit status" $? 0
ok "the collector was stopped while the command printed" grep -q '^T' state.txt
ok "every line reached the output, unchanged" cmp base.out got.out
got=$(cat t_ctk.txt)
if timing; then
	ok "printing took ${got} s with the collector stopped, ${base} s without ctk (<= +10 % + 0.25 s)" \
		python3 -c "import sys; g, b = map(float, sys.argv[1:]); sys.exit(0 if g <= 1.10 * b + 0.25 else 1)" "$got" "$base"
else
	skip "printing time within 10 % of the time without ctk"
fi
dropped=$(sql r.db "SELECT json_extract(config_json, '\$.markers_dropped') FROM runs")
epochs=$(sql r.db "SELECT count(*) FROM windows WHERE kind = 'epoch'")
ok "markers were dropped (the pipe filled while the collector was stopped): $dropped" test "${dropped:-0}" -gt 0
is "delivered + dropped = every matching line" "$((epochs + dropped))" "$N"
ok "the drop is said at the end" grep -q "ctk collect: warning: --epoch-regex: $dropped epoch line(s) dropped" got.err
done_testing
