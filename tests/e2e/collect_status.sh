# Issue 19: the running collector answers "status" on its marker socket
# (ctk_mark.status() in Python, `ctk mark status --json` in the shell), and
# the Hugging Face Transformers callback marks epochs (a stub Trainer calls
# it as transformers.Trainer does: on_epoch_begin(args, state, control)).
# The energy status() returns is recomputed here from the readings that
# `ctk export samples` later reads from the store (counter difference, in
# python3): equal, and already in the store one flush later.
. "$CTK_ROOT/tests/e2e/lib.sh"
export CTK_NVML_LIB="$CTK_BUILD/fakenvml/libnvidia-ml.so.1" CTK_SYSFS_ROOT="$PWD/sys" CTK_FAKENVML_DEVICES=2
export PYTHONPATH="$CTK_ROOT/contrib/python"
unset CUDA_VISIBLE_DEVICES NVIDIA_VISIBLE_DEVICES CTK_SOCKET
mkdir -p sys fw/transformers
# a stand-in for transformers: TrainerCallback, and a Trainer whose loop
# calls the callbacks as the real one does (state.epoch = fractional progress)
cat > fw/transformers/__init__.py <<'PY'
import time
class TrainerCallback:
    pass
class TrainerState:
    def __init__(self, local_zero):
        self.epoch, self.is_local_process_zero, self.is_world_process_zero = 0.0, local_zero, local_zero
class Trainer:
    def __init__(self, callbacks, local_zero=True, epochs=3, on_epoch=None):
        self.callbacks, self.state, self.epochs, self.on_epoch = callbacks, TrainerState(local_zero), epochs, on_epoch
    def train(self):
        for e in range(self.epochs):
            for cb in self.callbacks:
                cb.on_epoch_begin(None, self.state, None)
            time.sleep(0.12)
            self.state.epoch = float(e + 1)
            for cb in self.callbacks:
                cb.on_epoch_end(None, self.state, None)
            if self.on_epoch:
                self.on_epoch(e + 1)
PY
cat > train.py <<'PY'
import json, os, subprocess, sys, time
sys.path.insert(0, "fw")
import ctk_mark, transformers

cb = ctk_mark.TransformersCallback()
assert isinstance(cb, transformers.TrainerCallback)
transformers.Trainer([ctk_mark.TransformersCallback()], local_zero=False).train()  # other processes: silent
seen = {}
def after(e):
    if e == 2:
        seen["status"] = ctk_mark.status()
        time.sleep(0.4)     # two flush intervals (--flush 200ms): now in the store
        subprocess.run(["ctk", "export", "samples", "--db", "p.db"], stdout=open("mid.csv", "w"), check=True)
transformers.Trainer([cb], epochs=3, on_epoch=after).train()
json.dump(seen["status"], open("status.json", "w"))
subprocess.run(["ctk", "mark", "status", "--json"], stdout=open("shell.json", "w"), check=True)
print("python ok")
PY
ctk collect --interval 10ms --flush 200ms --epochs 3 --quiet --db p.db -- python3 train.py > out.txt 2>err.txt
is "script ran" "$(cat out.txt)" "python ok"
is "Transformers callback: epochs 1,2,3 from the main process only" \
	"$(sql p.db "SELECT group_concat(idx) FROM (SELECT idx FROM windows WHERE kind='epoch' ORDER BY start_ns)")" 1,2,3
ok "status() follows schemas/status.schema.json" python3 "$CTK_ROOT/tests/e2e/jsonschema.py" "$CTK_ROOT/schemas/status.schema.json" status.json
ok "ctk mark status --json follows the schema" python3 "$CTK_ROOT/tests/e2e/jsonschema.py" "$CTK_ROOT/schemas/status.schema.json" shell.json
is "status(): run, 2 devices, 2 epochs completed of 3" \
	"$(python3 -c 'import json; s = json.load(open("status.json")); print(s["run_id"], len(s["devices"]), s["epochs"]["completed"], s["epochs"]["planned"])')" \
	"$(sql p.db "SELECT max(run_id) FROM runs") 2 2 3"
ok "status(): a prediction after the first epochs" python3 -c 'import json, sys; p = json.load(open("status.json"))["prediction"]; sys.exit(0 if p and p["energy_j"]["value"] > 0 and p["planned_epochs"] == 3 else 1)'
ok "shell status: 3 epochs completed" python3 -c 'import json, sys; sys.exit(0 if json.load(open("shell.json"))["epochs"]["completed"] == 3 else 1)'
# per device: the counter's difference over the readings status() counted,
# from the store's readings (mid-run export, and the final store)
cat > check.py <<'PY'
import csv, json, sys
s = json.load(open("status.json"))
rows = list(csv.DictReader(open(sys.argv[1])))
total = 0.0
for d in s["devices"]:
    r = [x for x in rows if int(x["device_id"]) == d["device_id"] and int(x["t_ns"]) <= d["last_reading_ns"]]
    e = float(r[-1]["energy_j"]) - float(r[0]["energy_j"])
    if len(r) != d["readings"] or abs(e - d["energy_j"]) > 1e-6 * max(1.0, e):
        sys.exit("device %d: store %d readings %.9g J, status %d readings %.9g J" % (d["device_id"], len(r), e, d["readings"], d["energy_j"]))
    total += e
if abs(total - s["energy_j"]) > 1e-6 * total or total <= 0:
    sys.exit("total %.9g != %.9g" % (total, s["energy_j"]))
PY
ok "status() energy per device = the store's readings one flush later" python3 check.py mid.csv
ctk export samples --db p.db > final.csv
ok "status() energy per device = the final store's readings up to then" python3 check.py final.csv
ctk analyze --db p.db --json > an.json 2>/dev/null
ok "the whole run (analyze) holds at least the status() energy" python3 -c 'import json, sys
s = json.load(open("status.json"))["energy_j"]; a = json.load(open("an.json"))["runs"][0]["energy_j"]
sys.exit(0 if a >= s > 0 else 1)'
# without a collector: None and one warning, no exception
out=$(python3 -c 'import ctk_mark; print(ctk_mark.status())' 2>err2.txt)
is "status() without a collector: None" "$out" None
ok "… with a warning" grep -q "CTK_SOCKET is not set" err2.txt
ctk mark status 2>err3.txt
is "ctk mark status without a collector: exit 1" "$?" 1
CTK_SOCKET=$PWD/none.sock ctk mark status --json 2>err3.txt
is "ctk mark status, no collector at the socket: exit 4" "$?" 4
done_testing
