# ctk collect --metrics-file without a Prometheus server: the file follows
# the text exposition format 0.0.4 (checked by a parser written here from
# the format's rules, and by promtool where installed), is there while the
# run goes on (running 1, the open epoch), and at the end holds per device
# exactly the energy `ctk analyze` computes from the store (same readings,
# same segment rule: 1e-9), the store's devices as labels, the epochs
# completed; a directory that cannot be written is refused before the
# command starts.
. "$CTK_ROOT/tests/e2e/lib.sh"
export CTK_NVML_LIB="$CTK_BUILD/fakenvml/libnvidia-ml.so.1" CTK_SYSFS_ROOT="$PWD/emptysys" CTK_FAKENVML_DEVICES=3
export CTK_FAKENVML_CURVE="0:100,0.5:400,1.2:250,2:100"
mkdir -p emptysys out

ok "collect with --metrics-file" ctk collect --db run.db --metrics-file out/ctk.prom --interval 20ms --flush 200ms -- sh -c '
	ctk mark epoch-start 1; sleep 0.6; cp out/ctk.prom during.prom; ctk mark epoch-end
	ctk mark epoch-start 2; sleep 0.4; ctk mark epoch-end; sleep 0.2'
is "only the file is left in its directory" "$(ls -A out | tr '\n' ' ')" "ctk.prom "

cat > parse.py <<'PY'
# The exposition format's rules (prometheus.io, "Exposition formats", text
# 0.0.4): '# HELP name text', '# TYPE name counter|gauge|…' once per name,
# before its samples; a sample is name{label="value",…} value, label values
# escaping only \\, \" and \n. Prints "name labels-json value" per sample.
import json, re, sys
name_re = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
types, helps, seen = {}, {}, set()
for n, line in enumerate(open(sys.argv[1]).read().split("\n"), 1):
    if line == "":
        continue
    m = re.fullmatch(r"# (HELP|TYPE) (%s) (.*)" % name_re, line)
    if m:
        kind, name, rest = m.groups()
        d = helps if kind == "HELP" else types
        assert name not in d, "line %d: second %s for %s" % (n, kind, name)
        assert kind == "HELP" or rest in ("counter", "gauge", "histogram", "summary", "untyped"), line
        assert name not in seen, "line %d: %s after its samples" % (n, kind)
        d[name] = rest
        continue
    m = re.match(r"(%s)(\{(.*)\})? (\S+)$" % name_re, line)
    assert m, "line %d: not a sample: %r" % (n, line)
    name, _, body, value = m.groups()
    labels, i = {}, 0
    while body and i < len(body):
        lm = re.match(r"([a-zA-Z_][a-zA-Z0-9_]*)=\"", body[i:])
        assert lm, "line %d: bad label at %r" % (n, body[i:])
        key, i, v = lm.group(1), i + lm.end(), ""
        while body[i] != '"':
            if body[i] == "\\":
                nxt = body[i + 1]
                assert nxt in '\\"n', "line %d: bad escape" % n
                v += "\n" if nxt == "n" else nxt
                i += 2
            else:
                v += body[i]
                i += 1
        labels[key] = v
        i += 1
        if i < len(body):
            assert body[i] == ",", "line %d: no comma" % n
            i += 1
    float(value)
    assert name in types and name in helps, "line %d: %s without TYPE/HELP before it" % (n, name)
    assert types[name] != "counter" or name.endswith("_total"), name
    seen.add(name)
    print(name, json.dumps(labels, sort_keys=True, separators=(",", ":")), value)
PY
printf '# HELP a x\n# TYPE a gauge\na{x="\\q"} 1\n' > bad.prom
ok "the parser refuses a bad escape (the check can fail)" sh -c '! python3 parse.py bad.prom'
ok "the file during the run parses" python3 parse.py during.prom
ok "the final file parses" python3 parse.py out/ctk.prom
python3 parse.py during.prom > during.txt
python3 parse.py out/ctk.prom > final.txt
if command -v promtool >/dev/null 2>&1; then
	ok "promtool check metrics: final file" sh -c 'promtool check metrics < out/ctk.prom'
else
	skip "promtool check metrics" "promtool (Debian's prometheus package) is not installed"
fi
is "during the run: running 1" "$(awk '$1 == "ctk_collect_running" {print $3}' during.txt)" 1
is "during the run: epoch 1 in progress" "$(awk '$1 == "ctk_epoch" {print $3}' during.txt)" 1
is "at the end: running 0" "$(awk '$1 == "ctk_collect_running" {print $3}' final.txt)" 0
is "at the end: no epoch in progress" "$(awk '$1 == "ctk_epoch"' final.txt)" ""
is "the fake NVML is marked simulated" "$(awk '$1 == "ctk_run_simulated" {print $3}' final.txt)" 1
is "at the end: 2 epochs completed" "$(awk '$1 == "ctk_epochs_completed_total" {print $3}' final.txt)" 2
ctk analyze --db run.db --json > an.json
python3 - an.json final.txt run.db > cmp.txt <<'PY'
import json, sqlite3, sys
run = json.load(open(sys.argv[1]))["runs"][0]
host = sqlite3.connect(sys.argv[3]).execute("select host from runs").fetchone()[0]
got = {}
for line in open(sys.argv[2]):
    name, labels, value = line.split(" ")
    if name == "ctk_energy_joules_total":
        l = json.loads(labels)
        got[(l["host"], l["kind"], l["device"], l["uuid"])] = float(value)
for d in run["devices"]:
    key = (host, d["kind"], str(d["idx"]), d["uuid"] or "")
    print(d["idx"], d["energy_j"], got.pop(key, "missing"))
print("left", len(got))
PY
is "three GPUs and nothing else in the file" "$(tail -n 1 cmp.txt)" "left 0"
while read -r idx want got; do
	[ "$idx" = left ] && continue
	near "GPU $idx: file's counter = analyze's energy from the store" "$got" "$want" 1e-9
done < cmp.txt
ok "power gauges for the 3 GPUs" test "$(grep -c '^ctk_power_watts ' final.txt)" -eq 3

ctk collect --db bad.db --metrics-file /nonexistent-ctk/ctk.prom -- touch ran >/dev/null 2>err.txt
is "unwritable directory: exit 1" "$?" 1
ok "unwritable directory: named" grep -q "'/nonexistent-ctk'" err.txt
ok "unwritable directory: the command never ran" test ! -e ran

# %h and %j expand as in --db (one file per node and job under srun), and the
# file's host label is the store's host (SLURMD_NODENAME inside a job)
SLURM_JOB_ID=4242 SLURMD_NODENAME=nodeA ctk collect --db "job-%j-%h.db" --metrics-file "out/ctk-%j-%h.prom" \
	--interval 20ms -- sleep 0.2 >/dev/null 2>err.txt
is "%j/%h: exit 0" "$?" 0
ok "%j/%h: the file is named for the job and node" test -s out/ctk-4242-nodeA.prom
ok "%j/%h: its host label is the node" grep -q 'host="nodeA"' out/ctk-4242-nodeA.prom
is "%j/%h: the store's devices carry the same host" "$(sql job-4242-nodeA.db "SELECT DISTINCT host FROM devices WHERE kind = 'gpu'")" nodeA
env -u SLURM_JOB_ID ctk collect --db j.db --metrics-file "out/ctk-%j.prom" -- touch ran2 >/dev/null 2>err.txt
is "%j without SLURM_JOB_ID: exit 1" "$?" 1
ok "%j without SLURM_JOB_ID: says so, naming the option" grep -q -- "--metrics-file 'out/ctk-%j.prom': %j needs SLURM_JOB_ID" err.txt
done_testing
