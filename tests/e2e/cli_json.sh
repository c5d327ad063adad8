# Issue 19: every listing command (runs, intensity list, evaluate, compare,
# config) has --json with its shape in schemas/, and runs has --csv with the
# same fields. The values are checked against the store read by python3's
# sqlite3 (independent of ctk), the CSV parsed by python3's csv module.
. "$CTK_ROOT/tests/e2e/lib.sh"
export CTK_NVML_LIB="$CTK_BUILD/fakenvml/libnvidia-ml.so.1" CTK_SYSFS_ROOT="$PWD/sys" CTK_FAKENVML_DEVICES=2
unset CUDA_VISIBLE_DEVICES NVIDIA_VISIBLE_DEVICES CTK_SOCKET
mkdir -p sys
S=$CTK_ROOT/schemas
valid() { python3 "$CTK_ROOT/tests/e2e/jsonschema.py" "$S/$1.schema.json" "$2"; }
for l in "a,b" "plain"; do
	ctk collect --db s.db --quiet --interval 10ms --epochs 3 --label "$l" -- \
		sh -c 'for e in 1 2 3; do ctk mark epoch-start $e; sleep 0.08; ctk mark epoch-end; done' 2>/dev/null
done
ctk config --db s.db 2 gpu=A100 batch=256 >/dev/null
ctk intensity import "$CTK_DATA/electricitymaps/DE_2023_hourly.csv" --db s.db >/dev/null 2>&1
ctk intensity default --zone DE --db s.db --store >/dev/null
ctk analyze --db s.db >/dev/null 2>&1

ctk runs --db s.db --json > runs.json
is "runs --json: exit 0" "$?" 0
ok "runs --json follows schemas/runs.schema.json" valid runs runs.json
is "runs --json: ids, labels, epochs, readings as in the store" \
	"$(python3 -c 'import json; print(";".join("%d|%s|%d|%d|%s" % (r["run_id"], r["label"], r["epochs"], r["readings"], r["simulated"]) for r in json.load(open("runs.json"))["runs"]))')" \
	"$(python3 -c 'import sqlite3; c = sqlite3.connect("s.db")
print(";".join("%d|%s|%d|%d|True" % r for r in c.execute("SELECT run_id, label, (SELECT count(*) FROM windows w WHERE w.run_id = r.run_id AND kind = \"epoch\"), (SELECT sum(n) FROM sample_chunks JOIN devices d USING (device_id) WHERE d.run_id = r.run_id) FROM runs r ORDER BY run_id")))')"
near "runs --json: duration_s = ended - started" \
	"$(python3 -c 'import json; print(json.load(open("runs.json"))["runs"][0]["duration_s"])')" \
	"$(sql s.db "SELECT (ended_ns - started_ns) / 1e9 FROM runs WHERE run_id = 1")" 1e-9
ctk runs --db s.db --csv > runs.csv
is "runs --csv: the JSON's rows and fields (a label with a comma quoted)" \
	"$(python3 -c 'import csv; print(";".join("%s|%s|%s|%s" % (r["run_id"], r["label"], r["epochs"], r["readings"]) for r in csv.DictReader(open("runs.csv"))))')" \
	"$(python3 -c 'import json; print(";".join("%d|%s|%d|%d" % (r["run_id"], r["label"], r["epochs"], r["readings"]) for r in json.load(open("runs.json"))["runs"]))')"
is "runs --csv: header" "$(head -1 runs.csv)" "run_id,label,source,started,duration_s,devices,readings,epochs,simulated,settings"

ctk config --db s.db 2 --json > config.json
ok "config --json follows schemas/config.schema.json" valid config config.json
is "config --json: label and the keys set" \
	"$(python3 -c 'import json; d = json.load(open("config.json")); print(d["label"], d["epochs"], d["zone"], d["config"]["gpu"], d["config"]["batch"])')" \
	"plain 3 None A100 256"
ctk config --db s.db 2 --json gpu=H100 2>err.txt
is "config --json with key=value: exit 1" "$?" 1

ctk intensity list --db s.db --json > il.json
ok "intensity list --json follows schemas/intensity-list.schema.json" valid intensity-list il.json
is "intensity list --json: one entry per series" \
	"$(python3 -c 'import json; print(len(json.load(open("il.json"))["series"]))')" "$(sql s.db "SELECT count(*) FROM intensity_series")"
ctk evaluate --db s.db --json > ev.json
ok "evaluate --json follows schemas/evaluate.schema.json" valid evaluate ev.json
ok "evaluate --json has rows" python3 -c 'import json, sys; sys.exit(0 if json.load(open("ev.json"))["rows"] else 1)'
ctk compare --db s.db --by label --json > cmp.json
ok "compare --json follows schemas/compare.schema.json" valid compare cmp.json
is "compare --json: one group per label" \
	"$(python3 -c 'import json; print(",".join(sorted(g["group"] for g in json.load(open("cmp.json"))["groups"])))')" "a,b,plain"
# a schema check that cannot fail is no check: a broken document is refused
python3 -c 'import json; d = json.load(open("runs.json")); del d["runs"][0]["epochs"]; json.dump(d, open("bad.json", "w"))'
ok "a document missing a required key is refused" sh -c '! python3 "$0" "$1" bad.json' "$CTK_ROOT/tests/e2e/jsonschema.py" "$S/runs.schema.json"
done_testing
