# --epoch-regex on a Keras-like script: epochs come from its output lines,
# which pass through unchanged (stdout and stderr, progress bars with \r).
. "$CTK_ROOT/tests/e2e/lib.sh"
export CTK_NVML_LIB="$CTK_BUILD/fakenvml/libnvidia-ml.so.1" CTK_SYSFS_ROOT="$PWD/sys" CTK_FAKENVML_DEVICES=1
unset CUDA_VISIBLE_DEVICES NVIDIA_VISIBLE_DEVICES
mkdir -p sys
cat > fit.py <<'PY'
import sys, time
print("Model: sequential")
for e in range(1, 4):
    print(f"Epoch {e}/3")
    for b in range(1, 4):
        sys.stdout.write(f"\r{b}/3 [{'=' * b}{'.' * (3 - b)}] - loss: {1.0 / (e * b):.4f}")
        sys.stdout.flush()
        time.sleep(0.04)
    sys.stdout.write("\n")
    print(f"warning at epoch {e}", file=sys.stderr)
print("done")
PY
python3 fit.py > want.out 2> want.err
ctk collect --interval 10ms --quiet --db r.db --epochs 3 --epoch-regex '^Epoch ([0-9]+)/' -- python3 fit.py > got.out 2> got.err
is "exit status" $? 0
ok "stdout passed through unchanged" cmp want.out got.out
grep -v '^ctk collect: ' got.err > got2.err   # the collector's own "simulated device" line
ok "stderr passed through unchanged" cmp want.err got2.err
is "three epochs" "$(sql r.db "SELECT group_concat(idx) FROM (SELECT idx FROM windows WHERE kind='epoch' ORDER BY start_ns)")" 1,2,3
is "epochs are contiguous" "$(sql r.db "SELECT count(*) FROM windows a JOIN windows b ON b.idx = a.idx + 1 WHERE a.end_ns = b.start_ns")" 2
if timing; then
	ok "each epoch lasts about 120 ms" test "$(sql r.db "SELECT min(end_ns - start_ns) / 1000000 FROM windows")" -ge 100
else
	skip "each epoch lasts about 120 ms"
fi
is "planned epochs" "$(sql r.db 'SELECT planned_epochs FROM runs')" 3
ok "no never-matched warning when it matched" sh -c "! grep -q 'never matched' got.err"
# a pattern that never matches (issue 12): a warning when collect ends, not silence
ctk collect --interval 10ms --quiet --db r2.db --epochs 3 --epoch-regex '^Epch ([0-9]+)/' -- python3 fit.py > /dev/null 2> nm.err
is "never-matching regex: exit status" $? 0
ok "never-matching regex: warned, naming the pattern" grep -q "warning: --epoch-regex '^Epch (\[0-9\]+)/' never matched" nm.err
is "never-matching regex: no epochs" "$(sql r2.db "SELECT count(*) FROM windows WHERE kind='epoch'")" 0
ctk collect --db r.db --epoch-regex '([' -- true 2>/dev/null; is "bad regex is a usage error" $? 1
done_testing
