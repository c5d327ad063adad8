# The report's what-if page (issue 17): a 6-hour run priced at every hour of
# the Electricity Maps 2023 files of DE and NO (its zone DE): the table in
# report.pdf (pdftotext) and whatif.csv carry the very numbers of
# `ctk whatif --json` (same engine, common/whatif.c); both charts are drawn.
. "$CTK_ROOT/tests/e2e/lib.sh"
EM=$CTK_DATA/electricitymaps

python3 - <<'PY'
import math
from datetime import datetime, timedelta, timezone
t0 = datetime(2023, 3, 1, 0, 0, tzinfo=timezone.utc)
with open("six.csv", "w") as f:
    f.write("timestamp, index, power.draw [W]\n")
    for s in range(0, 6 * 3600 + 1, 60):
        t = (t0 + timedelta(seconds=s)).strftime("%Y/%m/%d %H:%M:%S.000")
        f.write("%s, 0, %.2f W\n" % (t, 150 + 100 * math.sin(s / 3600.0)))
PY
ok "import the 6-hour run" ctk import nvidia-smi six.csv --db w.db --tz UTC
ok "import DE and NO 2023" ctk intensity import "$EM/DE_2023_hourly.csv" "$EM/NO_2023_hourly.csv" --db w.db
ok "analyze in DE" ctk analyze --db w.db --zone DE
ok "ctk whatif --json" sh -c "ctk whatif --db w.db --run 1 --json > w.json"
ok "report" ctk report --db w.db --out rep
ok "the what-if table" test -s rep/whatif.csv
ok "the distribution chart" test -s rep/whatif_distribution.pdf
ok "the heat map" test -s rep/whatif_heatmap.pdf
pdftotext -layout rep/report.pdf rep.txt
ok "report.pdf has the what-if page" grep -q "What if the run had started at another hour or in another zone" rep.txt
ok "report.pdf has the heat map's title" grep -q "What if: CO2 by start hour and day in the run's zone" rep.txt

# whatif.csv: every number as ctk whatif --json gives it (the CSV writes 10 significant digits)
python3 - "$CTK_ROOT" > cmp.txt <<'PY'
import csv, json, sys
w = {z["zone"]: z for z in json.load(open("w.json"))["zones"]}
rows = list(csv.DictReader(open("rep/whatif.csv")))
bad = []
for r in rows:
    z = w[r["zone"]]
    for k in ("min_g", "p10_g", "median_g", "p90_g", "max_g", "actual_g", "saving_g"):
        a = z[k]
        b = r[k]
        if a is None:
            if b != "":
                bad.append((r["zone"], k, a, b))
        elif abs(float(b) - a) > 1e-8 * abs(a) + 1e-9:
            bad.append((r["zone"], k, a, b))
    if int(r["starts"]) != z["starts"]:
        bad.append((r["zone"], "starts", z["starts"], r["starts"]))
print(len(rows), len(bad), bad[:3])
PY
is "whatif.csv: two zones, every number equal to ctk whatif --json" "$(cat cmp.txt)" "2 0 []"

# report.pdf: the table's numbers are ctk whatif --json's, rounded to 4 significant digits
python3 - > pdf.txt <<'PY'
import json, math, re
def rounded_to_4(tok, v):
    # tok is v rounded to 4 significant digits (as ctk_format_sig prints it)
    try:
        t = float(tok)
    except ValueError:
        return False
    return abs(t - v) <= 0.5 * 10 ** (math.floor(math.log10(abs(v))) - 3) * (1 + 1e-9)
w = json.load(open("w.json"))
txt = open("rep.txt").read()
missing = []
for z in w["zones"]:
    line = [l for l in txt.splitlines() if re.match(r"^\s*six\.csv\s+%s\s" % z["zone"], l)]
    if not line:
        missing.append(z["zone"] + ": no row"); continue
    toks = line[0].split()
    for k in ("min_g", "p10_g", "median_g", "p90_g", "max_g"):
        if not any(rounded_to_4(t, z[k]) for t in toks):
            missing.append("%s %s %s" % (z["zone"], k, z[k]))
print(missing)
PY
is "report.pdf: min, p10, median, p90, max of DE and NO as ctk whatif --json (4 digits)" "$(cat pdf.txt)" "[]"
near "the DE actual in whatif.csv is analyze's CO2" "$(python3 -c "import csv; print([r['actual_g'] for r in csv.DictReader(open('rep/whatif.csv')) if r['zone']=='DE'][0])")" "$(sql w.db 'select co2_g from run_co2 where run_id = 1')" 1e-9
done_testing
