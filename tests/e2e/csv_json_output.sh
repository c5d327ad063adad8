# Hostile strings in ctk's CSV and JSON output: labels and config values with
# quotes, commas, line breaks, backslashes, control characters, non-ASCII and
# formulas go through the one CSV field writer and through cJSON, and come
# back unchanged when python3's csv and json modules read the output (a
# formula comes back with its defusing ' in front). Regressions: a quote in a
# config value gave a 19-field row under an 18-field header (compare --csv);
# `intensity default --zone 'DK-"x' --json` printed invalid JSON.
. "$CTK_ROOT/tests/e2e/lib.sh"
python3 - "$CTK_ROOT/tests/e2e/const_trace.py" <<'PY'
import json, subprocess, sys
# (label, batch): the values the outputs must give back
hostile = [('a"b,c', 'a"b,c'), ("=1+2", "=HYPERLINK(\"http://x\")"), ("line\nbreak \\ end", "back\\slash\n\"q\""),
           ("caf\u00e9 \u20ac\u00a0\x01ctl", " lead,trail ")]
json.dump(hostile, open("hostile.json", "w"))
for i, (label, batch) in enumerate(hostile, 1):
    subprocess.run([sys.executable, sys.argv[1], f"run{i}", "NVIDIA A40", str(100 + 10 * i), "2026-03-01T00:00:00+00:00",
                    str(10.0 + i), str(11.0 + i), str(12.5 + i)], check=True)
    open(f"label{i}", "w").write(label)
    open(f"batch{i}", "w").write(batch)
PY
for i in 1 2 3 4; do
	ctk import nvidia-smi "run$i.csv" --db c.db --tz UTC --label "$(cat label$i)" >/dev/null 2>&1 || echo "# import run$i failed"
	ctk import epochs "run${i}_epochs.csv" --db c.db --run "$i" >/dev/null 2>&1 || echo "# epochs run$i failed"
	ctk config --db c.db "$i" "batch=$(cat batch$i)" epochs=3 >/dev/null 2>&1 || echo "# config run$i failed"
done
is "labels stored as given" "$(python3 -c "
import json, sqlite3
h = json.load(open('hostile.json'))
c = sqlite3.connect('c.db')
print([r[0] for r in c.execute('select label from runs order by run_id')] == [x[0] for x in h])")" True
ok "analyze" ctk analyze --db c.db

cat > check.py <<'PY'
import csv, io, json, sys
h = json.load(open("hostile.json"))
def defused(s):
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s
kind, path = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8", newline="").read()
if kind == "compare-csv":   # --by batch,label: group = batch + "," + label
    rows = list(csv.reader(io.StringIO(text, newline="")))
    widths = sorted({len(r) for r in rows})
    got = sorted(r[0] for r in rows[1:])
    want = sorted(defused(b + "," + l) for l, b in h)
    print("widths", widths, "groups ok" if got == want else f"groups {got!r} want {want!r}")
elif kind == "compare-json":
    got = sorted(g["group"] for g in json.loads(text)["groups"])
    want = sorted(b + "," + l for l, b in h)
    print("ok" if got == want else f"{got!r} want {want!r}")
elif kind == "summary-csv":
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    got = sorted(r["label"] for r in rows)
    want = sorted(defused(l) for l, b in h)
    print("ok" if got == want else f"{got!r} want {want!r}")
elif kind == "analyze-json":
    j = json.loads(text)
    runs = j["runs"] if isinstance(j, dict) and "runs" in j else j
    got = sorted(r["label"] for r in runs)
    want = sorted(l for l, b in h)
    print("ok" if got == want else f"{got!r} want {want!r}")
elif kind == "evaluate-csv":
    rows = list(csv.reader(io.StringIO(text, newline="")))
    widths = sorted({len(r) for r in rows})
    print("widths", widths, "hostile" if any(r[0] == defused(sys.argv[3]) for r in rows) else "no hostile row")
elif kind == "zone-json":
    print(json.loads(text)["zone"] == sys.argv[3])
PY
ctk compare --db c.db --by batch,label --csv > cmp.csv
is "compare --csv: every row 18 fields, groups read back (formula defused)" "$(python3 check.py compare-csv cmp.csv)" \
	"widths [18] groups ok"
ctk compare --db c.db --by batch,label --json > cmp.json
is "compare --json: groups read back exactly" "$(python3 check.py compare-json cmp.json)" ok
ok "report --formats csv" ctk report --db c.db --out rep --formats csv
is "report summary.csv: labels read back" "$(python3 check.py summary-csv rep/summary.csv)" ok
ctk analyze --db c.db --json > an.json 2>/dev/null
is "analyze --json: labels read back" "$(python3 check.py analyze-json an.json)" ok

# a predictor name no ctk predictor has, written into the store by hand
python3 - <<'PY'
import sqlite3
c = sqlite3.connect("c.db")
cols = [r[1] for r in c.execute("pragma table_info(predictions)")]
sel = ", ".join("?" if k == "predictor" else k for k in cols)
c.execute(f"insert into predictions ({', '.join(cols)}) select {sel} from predictions "
          "where rel_err is not null limit 1", ('=x,"y"\n',))
c.commit()
PY
is "a hostile prediction row is in the store" "$(sql c.db "select count(*) from predictions where predictor like '=x%'")" 1
ctk evaluate --db c.db --csv > ev.csv
is "evaluate --csv: every row 13 fields, hostile predictor read back" "$(python3 check.py evaluate-csv ev.csv '=x,"y"
')" "widths [13] hostile"
ctk evaluate --db c.db --json > ev.json
is "evaluate --json: hostile predictor read back" "$(python3 -c "
import json; print(sum(r['predictor'] == '=x,\"y\"\n' for r in json.load(open('ev.json'))['rows']) > 0)")" True
ctk export samples --db c.db > ex.csv
is "export samples: every row 6 fields" "$(python3 -c "
import csv; print(sorted({len(r) for r in csv.reader(open('ex.csv', newline=''))}))")" "[6]"

for z in 'DK-"x' 'DE-\u' "$(printf 'DK-\001\303\274')"; do
	ctk intensity default --zone "$z" --json > zone.json
	printf '%s' "$z" > zone.txt
	is "intensity default --json: zone '$z' read back" \
		"$(python3 -c "
import json
try:
    print(json.load(open('zone.json'))['zone'] == open('zone.txt').read())
except ValueError as e:
    print('invalid JSON:', e)")" True
done
ok "intensity default --store with a hostile zone" ctk intensity default --zone "$(printf 'DK-"\\\001\303\274')" --store --db c.db
is "intensity list --json: the zone read back" "$(ctk intensity list --db c.db --json | python3 -c "
import json, sys; print([s['zone'] for s in json.load(sys.stdin)['series']] == ['DK-\"\\\\\x01\u00fc'])")" True
done_testing
