# carbontracker logs that the importer used to refuse or misread (issues 14
# and 12), through ctk import, analyze and report, on the synthetic logs in
# tests/data (their READMEs give the hand-worked numbers): Apple silicon's
# "GPU, ANE" (one value, already the sum: one device, never x 2), a
# monitor_epochs=-1 run (planned epochs from the prediction, never -1), and
# two sessions appended to one log (repeated epoch numbers as attempts, the
# break between sessions not measured). Expected numbers are computed here
# in python3 from the raw log lines, not from ctk.
. "$CTK_ROOT/tests/e2e/lib.sh"
D=$CTK_ROOT/tests/data
db=q.db

# per window of a standard log: session, epoch number, start, end, summed
# logged power (W) -- each epoch ends at its line, laid after the previous one
# when they would overlap (v1 arrays "[250.5]" read as numbers)
cat > model.py <<'PY'
import glob, re, sys
from datetime import datetime, timezone
std = glob.glob(sys.argv[1] + "/*_carbontracker.log")[0]
wins, cur, session = [], None, 0
for line in open(std):
    m = re.match(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) - (.*)$", line.rstrip("\n"))
    t = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc).timestamp()
    msg = m.group(2)
    if msg == "Monitoring thread started.":
        session += 1
    elif re.match(r"Epoch \d+:$", msg):
        cur = {"s": session, "n": int(msg[6:-1]), "line": t, "w": 0.0}
        wins.append(cur)
    elif msg.startswith("Duration: "):
        h, mi, s = msg[10:].split(":")
        cur["dur"] = int(h) * 3600 + int(mi) * 60 + float(s)
    elif msg.startswith("Average power usage (W) for "):
        cur["w"] += sum(float(x) for x in msg.split(": ")[1].strip("[]").split())
prev = None
for w in wins:
    w["start"] = w["line"] - w["dur"]
    if prev and w["start"] < prev["end"]:
        w["start"] = prev["end"]
    w["end"] = w["start"] + w["dur"]
    prev = w
what = sys.argv[2]
if what == "epochs_j":
    print("%.6f" % sum(w["w"] * w["dur"] for w in wins))
elif what == "attempts":
    seen = {}
    out = []
    for w in sorted(wins, key=lambda w: w["start"]):
        seen[w["n"]] = seen.get(w["n"], 0) + 1
        out.append("%d.%d" % (w["n"], seen[w["n"]]))
    print(",".join(out))
elif what == "coverage":
    # span: first session start line to the last epoch; the break between
    # sessions (last epoch of one to the first of the next) is not covered
    first = min(w["start"] for w in wins)
    last = max(w["end"] for w in wins)
    gaps = sum(b["start"] - a["end"] for a, b in zip(wins, wins[1:]) if b["s"] != a["s"])
    print("%.9f" % ((last - first - gaps) / (last - first)))
elif what == "ctmean1":
    # ct-mean after 1 epoch: planned (distinct numbers) x epoch 1's attempts together
    print("%.6f" % (len({w["n"] for w in wins}) * sum(w["w"] * w["dur"] for w in wins if w["n"] == wins[0]["n"])))
PY

for d in apple monitor-all resumed; do
	ctk import carbontracker "$D/carbontracker-$d" --db $db --tz UTC > out.txt 2> err-$d.txt
	is "import $d: exit 0" $? 0
done
apple=$(sql $db "select run_id from runs where source_path like '%carbontracker-apple/%'")
mall=$(sql $db "select run_id from runs where source_path like '%carbontracker-monitor-all/%'")
res=$(sql $db "select run_id from runs where source_path like '%carbontracker-resumed/%'")

# Apple silicon
ok "apple: no averaging warning" sh -c "! grep -q averaged err-apple.txt"
is "apple: one gpu device 'GPU + ANE', vendor apple, flagged" \
	"$(sql $db "select count(*)||' '||name||' '||vendor||' '||flags from devices where run_id=$apple and kind='gpu'")" \
	"1 GPU + ANE apple ct-apple-gpu-ane"
is "apple: config says the value is summed, one device" \
	"$(sql $db "select json_extract(config_json,'\$.components.gpu.values')||' '||json_extract(config_json,'\$.components.gpu.count') from runs where run_id=$apple")" "summed 1"

ctk analyze --db $db > an.txt 2>&1
is "analyze: exit 0" $? 0
near "apple: epochs' energy = duration x (gpu + cpu) as logged, no x 2" \
	"$(sql $db "select sum(energy_j) from epoch_energy where run_id=$apple")" "$(python3 model.py "$D/carbontracker-apple" epochs_j)" 1e-9

# monitor_epochs=-1
is "monitor -1: planned epochs 5 (prediction block), not -1" "$(sql $db "select planned_epochs from runs where run_id=$mall")" 5
is "monitor -1: predictions for 5 epochs" "$(sql $db "select distinct planned_epochs from predictions where run_id=$mall")" 5
is "monitor -1: not called interrupted" "$(sql $db "select json_extract(config_json,'\$.interrupted') from runs where run_id=$mall")" 0

# two sessions in one log
ok "resumed: the import says epochs repeat" grep -q "2 epoch(s) repeat an earlier epoch number (2 monitoring session(s)" err-resumed.txt
is "resumed: windows kept as attempts, in time order" \
	"$(sql $db "select group_concat(a) from (select idx||'.'||attempt as a from windows where run_id=$res order by start_ns)")" \
	"$(python3 model.py "$D/carbontracker-resumed" attempts)"
near "resumed: epochs' energy = every attempt" \
	"$(sql $db "select sum(energy_j) from epoch_energy where run_id=$res")" "$(python3 model.py "$D/carbontracker-resumed" epochs_j)" 1e-9
near "resumed: whole run = the epochs (the break between sessions is not interpolated)" \
	"$(sql $db "select sum(energy_j) from device_energy where run_id=$res")" "$(python3 model.py "$D/carbontracker-resumed" epochs_j)" 1e-9
near "resumed: coverage leaves the break out" \
	"$(sql $db "select coverage from device_energy where run_id=$res")" "$(python3 model.py "$D/carbontracker-resumed" coverage)" 1e-9
near "resumed: ct-mean after 1 = 3 epochs x epoch 1's attempts together" \
	"$(sql $db "select value from predictions where run_id=$res and predictor='ct-mean' and target='energy' and after_n=1")" \
	"$(python3 model.py "$D/carbontracker-resumed" ctmean1)" 1e-9
done_testing
