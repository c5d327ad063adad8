#!/bin/sh
# ctk whatif speed (issue 17): a 24-hour run (8 GPUs at 1 Hz, power a
# sine) shifted over every hourly start of a full year in 8 zones (Electricity
# Maps 2023 DE, NO, GB, ES, ERCOT, US-CAL-CISO, BR; lets-wait-awhile FR 2020,
# half-hourly) in one call. Target: under 2 s (prefix sums: a cumulative
# energy profile against the series' steps, not a re-join per start).
# Usage: bench/whatif.sh [BUILD]; prints Markdown.
set -e
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
ctk="$root/$build/bin/ctk"
data=${CTK_DATA:-$root/../shared/data}
em=$data/electricitymaps
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp/run.csv" <<'PY'
import math, sys
from datetime import datetime, timedelta, timezone
t0 = datetime(2023, 3, 1, tzinfo=timezone.utc)
with open(sys.argv[1], "w") as f:
    f.write("timestamp, index, power.draw [W]\n")
    for s in range(24 * 3600 + 1):
        t = (t0 + timedelta(seconds=s)).strftime("%Y/%m/%d %H:%M:%S.000")
        for g in range(8):
            f.write("%s, %d, %.2f W\n" % (t, g, 200 + 100 * math.sin(s / 3600.0 + g)))
PY
"$ctk" import nvidia-smi "$tmp/run.csv" --db "$tmp/w.db" --tz UTC >/dev/null
"$ctk" intensity import "$em/DE_2023_hourly.csv" "$em/NO_2023_hourly.csv" "$em/GB_2023_hourly.csv" \
	"$em/ES_2023_hourly.csv" "$em/ERCOT_2023_hourly.csv" "$em/US-CAL-CISO_2023_hourly.csv" \
	"$em/BR_2023_hourly.csv" --db "$tmp/w.db" >/dev/null
"$ctk" intensity import "$data/lets-wait-awhile/fr_ci.csv" --zone FR --db "$tmp/w.db" >/dev/null 2>&1
"$ctk" config --db "$tmp/w.db" 1 zone=DE >/dev/null
set -- $(python3 "$root/bench/measure.py" "$ctk" whatif --db "$tmp/w.db" --run 1 --json)
starts=$("$ctk" whatif --db "$tmp/w.db" --run 1 --json |
	python3 -c 'import json,sys; z=json.load(sys.stdin)["zones"]; print(len(z), sum(x["starts"] for x in z))')
echo "### whatif: 24-hour run, 8 GPUs at 1 Hz (691,208 readings), every hourly start of a year"
echo
echo "| zones | starts priced | wall s | cpu s | peak RSS MB |"
echo "|---:|---:|---:|---:|---:|"
set -- $starts $1 $2 $3
echo "| $1 | $2 | $3 | $4 | $5 |"
