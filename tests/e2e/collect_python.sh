# contrib/python/ctk_mark.py: context managers, the Keras and Lightning
# callbacks (driven here by stand-in framework classes) and the no-collector
# case, all against a real `ctk collect`.
. "$CTK_ROOT/tests/e2e/lib.sh"
export CTK_NVML_LIB="$CTK_BUILD/fakenvml/libnvidia-ml.so.1" CTK_SYSFS_ROOT="$PWD/sys" CTK_FAKENVML_DEVICES=1
export PYTHONPATH="$CTK_ROOT/contrib/python"
unset CUDA_VISIBLE_DEVICES NVIDIA_VISIBLE_DEVICES
mkdir -p sys fw/keras fw/lightning/pytorch
# stand-ins for the frameworks' base classes
printf 'from . import callbacks\n' > fw/keras/__init__.py
printf 'class Callback:\n    pass\n' > fw/keras/callbacks.py
printf 'from . import pytorch\n' > fw/lightning/__init__.py
printf 'class Callback:\n    pass\n' > fw/lightning/pytorch/__init__.py
cat > train.py <<'PY'
import sys, time, warnings
sys.path.insert(0, "fw")
import ctk_mark, keras, lightning

for e in (1, 2):
    with ctk_mark.epoch(e, items=32):
        time.sleep(0.05)
with ctk_mark.phase("eval"):
    time.sleep(0.02)

cb = ctk_mark.KerasCallback()
assert isinstance(cb, keras.callbacks.Callback)
for e in range(2):                      # what model.fit does
    cb.on_epoch_begin(e)
    time.sleep(0.03)
    cb.on_epoch_end(e, {"loss": 1.0})

class Trainer:
    def __init__(self, rank):
        self.local_rank, self.current_epoch = rank, 5
lc = ctk_mark.LightningCallback()
assert isinstance(lc, lightning.pytorch.Callback)
lc.on_train_epoch_start(Trainer(1), None)  # other ranks stay silent
lc.on_train_epoch_start(Trainer(0), None)
time.sleep(0.03)
lc.on_train_epoch_end(Trainer(0), None)

with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    assert not ctk_mark.end("never-begun")
    assert any("no open phase" in str(x.message) for x in w)
print("python ok")
PY
ctk collect --interval 10ms --quiet --db p.db -- python3 train.py > out.txt 2>err.txt
is "script ran" "$(cat out.txt)" "python ok"
is "epochs 1,2 (context), 1,2 (Keras), 6 (Lightning)" \
	"$(sql p.db "SELECT group_concat(idx) FROM (SELECT idx FROM windows WHERE kind='epoch' ORDER BY start_ns)")" 1,2,1,2,6
is "items stored" "$(sql p.db "SELECT group_concat(coalesce(items, '-')) FROM (SELECT items FROM windows WHERE kind='epoch' ORDER BY start_ns)")" "32,32,-,-,-"
is "phase" "$(sql p.db "SELECT name FROM windows WHERE kind='phase'")" eval
# without a collector: a no-op with a warning, training goes on
out=$(env -u CTK_SOCKET python3 -c 'import ctk_mark
with ctk_mark.epoch(1): pass
print("fine")' 2>err2.txt)
is "no collector: no exception" "$out" fine
ok "no collector: one warning" grep -q "CTK_SOCKET is not set" err2.txt
out=$(CTK_SOCKET=$PWD/nothing.sock python3 -c 'import ctk_mark; print(ctk_mark.epoch_start(1))' 2>/dev/null)
is "dead socket: False, no exception" "$out" False
done_testing
