# ctk whatif (issue 17): the run's measured energy profile shifted over every
# hourly start of the stored series, checked against an independent Python
# computation on the real Electricity Maps 2023 hourly files: a synthetic
# 6-hour run (power a sine, readings every minute) in DE (min, p10, median,
# p90, max, the actual = `ctk analyze`'s CO2, the best start within 6/24/72 h),
# a 1-hour constant-power run (CO2 per start = E × CI(h): the series itself),
# and six zones in one call (the ranking of their medians).
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
with open("one.csv", "w") as f:
    f.write("timestamp, index, power.draw [W]\n")
    for s in range(0, 3600 + 1, 10):
        f.write("%s, 0, 200.00 W\n" % (t0 + timedelta(seconds=s)).strftime("%Y/%m/%d %H:%M:%S.000"))
PY
ok "import the 6-hour run" ctk import nvidia-smi six.csv --db w.db --tz UTC
ok "import the 1-hour run" ctk import nvidia-smi one.csv --db w.db --tz UTC
ok "import six zones of 2023" ctk intensity import "$EM/DE_2023_hourly.csv" "$EM/NO_2023_hourly.csv" \
	"$EM/GB_2023_hourly.csv" "$EM/ES_2023_hourly.csv" "$EM/ERCOT_2023_hourly.csv" "$EM/US-CAL-CISO_2023_hourly.csv" --db w.db
ok "the 6-hour run's zone is DE" ctk config --db w.db 1 zone=DE
ok "analyze it (the actual CO2 of the one rule)" ctk analyze --db w.db --run 1

# independent: trapezoid energy of the readings per hour of the run, each
# hour priced with the LCA column of the raw CSV at every hourly start;
# quantiles with linear interpolation (statistics 'inclusive' = type 7)
python3 - "$EM" > ref.txt <<'PY'
import csv, statistics, sys
from datetime import datetime, timezone
def ci(f):
    d = {}
    for row in csv.DictReader(open(sys.argv[1] + "/" + f, encoding="utf-8")):
        t = datetime.strptime(row["Datetime (UTC)"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc).timestamp()
        col = [k for k in row if k.startswith("Carbon") and ("LCA" in k or "Life cycle" in k)][0]
        d[int(t)] = float(row[col])
    return d
def per_hour(p, dt):
    e = {}
    for i in range(len(p) - 1):
        h = int(i * dt // 3600)
        e[h] = e.get(h, 0.0) + (p[i] + p[i + 1]) / 2 * dt
    return [e[h] for h in sorted(e)]
six = per_hour([float(l.split(", ")[2].split()[0]) for l in open("six.csv").read().splitlines()[1:]], 60)
one = per_hour([float(l.split(", ")[2].split()[0]) for l in open("one.csv").read().splitlines()[1:]], 10)
def starts(c, e):
    hs = sorted(c)
    return {s: sum(e[k] / 3.6e6 * c[s + 3600 * k] for k in range(len(e)))
            for s in hs if all(s + 3600 * k in c for k in range(len(e)))}
def stats(v):
    v = sorted(v)
    d = statistics.quantiles(v, n=10, method="inclusive")
    return [v[0], d[0], statistics.median(v), d[8], v[-1]]
de = ci("DE_2023_hourly.csv")
s6 = starts(de, six)
T0 = int(datetime(2023, 3, 1, tzinfo=timezone.utc).timestamp())
within = [min(s6[T0 + 3600 * k] for k in range(d + 1)) for d in (6, 24, 72)]
print(" ".join("%.12g" % x for x in stats(s6.values()) + [s6[T0]] + within))
print(" ".join("%.12g" % x for x in stats(starts(de, one).values()) + [0.2 * v for v in stats(de.values())]))
print(" ".join("%.12g" % (0.2 * de[T0 + 3600 * k]) for k in range(6)))
med = {}
for z, f in [("DE", "DE"), ("NO", "NO"), ("GB", "GB"), ("ES", "ES"), ("US-TEX-ERCO", "ERCOT"), ("US-CAL-CISO", "US-CAL-CISO")]:
    med[z] = statistics.median(starts(ci(f + "_2023_hourly.csv"), six).values())
print(" ".join(sorted(med, key=med.get)))
PY
set -- $(sed -n 1p ref.txt)
ctk whatif --db w.db --run 1 --zones DE --json > six.json
ok "JSON follows the schema" python3 "$CTK_ROOT/tests/e2e/jsonschema.py" "$CTK_ROOT/schemas/whatif.schema.json" six.json
j() { python3 -c "import json,sys; z=json.load(open(sys.argv[1]))['zones'][int(sys.argv[2])]; print(eval(sys.argv[3]))" "$@"; }
is "DE: 8755 hourly starts (8760 h minus 5: the run fits)" "$(j six.json 0 "z['starts']")" 8755
near "DE 6 h: min" "$(j six.json 0 "z['min_g']")" "$1" 1e-9
near "DE 6 h: p10" "$(j six.json 0 "z['p10_g']")" "$2" 1e-9
near "DE 6 h: median" "$(j six.json 0 "z['median_g']")" "$3" 1e-9
near "DE 6 h: p90" "$(j six.json 0 "z['p90_g']")" "$4" 1e-9
near "DE 6 h: max" "$(j six.json 0 "z['max_g']")" "$5" 1e-9
near "DE 6 h: actual" "$(j six.json 0 "z['actual_g']")" "$6" 1e-9
near "actual = ctk analyze's stored CO2 (one rule)" "$(j six.json 0 "z['actual_g']")" "$(sql w.db 'select co2_g from run_co2 where run_id = 1')" 1e-12
near "best within 6 h" "$(j six.json 0 "z['within'][1]['co2_g']")" "$7" 1e-9
near "best within 24 h" "$(j six.json 0 "z['within'][2]['co2_g']")" "$8" 1e-9
near "best within 72 h" "$(j six.json 0 "z['within'][3]['co2_g']")" "$9" 1e-9
near "saving = actual - min" "$(j six.json 0 "z['saving_g']")" "$(python3 -c "print($6 - $1)")" 1e-9
ctk whatif --db w.db --run 1 --zones DE --pue 1.5 --json > pue.json
near "PUE applied once" "$(j pue.json 0 "z['median_g']")" "$(python3 -c "print(1.5 * $3)")" 1e-9

# the 1-hour constant run (200 W, 0.2 kWh) reproduces the series: every
# statistic is 0.2 kWh × the same statistic of the hourly values
set -- $(sed -n 2p ref.txt)
ctk whatif --db w.db --run 2 --zones DE --json > one.json
is "1 h: 8760 starts" "$(j one.json 0 "z['starts']")" 8760
for k in 0 1 2 3 4; do
	eval "want=\${$((k + 6))}"
	near "1 h: stat $k = 0.2 kWh x CI" "$(j one.json 0 "[z['min_g'],z['p10_g'],z['median_g'],z['p90_g'],z['max_g']][$k]")" "$want" 1e-9
done
is "1 h: no actual without a zone (null)" "$(j one.json 0 "z['actual_g']")" None
set -- $(sed -n 3p ref.txt)
ctk whatif --db w.db --run 2 --zones DE --from 2023-03-01T00:00Z --to 2023-03-01T05:00Z --csv > win.csv
near "1 h, 6 starts: min = 0.2 kWh x min CI(h)" "$(python3 -c "import csv; print(next(csv.DictReader(open('win.csv')))['min_g'])")" \
	"$(python3 -c "print(min([$1,$2,$3,$4,$5,$6]))")" 1e-9
near "1 h, 6 starts: max = 0.2 kWh x max CI(h)" "$(python3 -c "import csv; print(next(csv.DictReader(open('win.csv')))['max_g'])")" \
	"$(python3 -c "print(max([$1,$2,$3,$4,$5,$6]))")" 1e-9
is "CSV: 6 starts" "$(python3 -c "import csv; print(next(csv.DictReader(open('win.csv')))['starts'])")" 6
ctk whatif --db w.db --run 2 --zones DE --from 2026-03-01T00:00Z --to 2026-03-01T05:00Z --csv > y26.csv
is "another year: the same hours of the series' year" "$(cut -d, -f7- y26.csv)" "$(cut -d, -f7- win.csv | sed '2s/$/series of 2023: the same hours of 2023 used/')"

# six zones in one call: the ranking of the medians
ctk whatif --db w.db --run 1 --zones DE,NO,GB,ES,US-TEX-ERCO,US-CAL-CISO --json > zones.json
is "six zones: ranking of medians" \
	"$(python3 -c "import json; z=json.load(open('zones.json'))['zones']; print(' '.join(x['zone'] for x in sorted(z, key=lambda x: x['median_g'])))")" \
	"$(sed -n 4p ref.txt)"
ok "text output" sh -c 'ctk whatif --db w.db --run 1 > t.txt && grep -q "best within 24h" t.txt && grep -q "zone US-CAL-CISO" t.txt'
ctk whatif --db w.db --zones DE >/dev/null 2>err.txt
is "no --run: exit 1" "$?" 1
ctk whatif --db w.db --run 9 >/dev/null 2>err.txt
is "unknown run: exit 1 (as ctk analyze)" "$?" 1
ctk whatif --db w.db --run 1 --zones FR --json > fr.json
is "zone without series: not estimated, null" "$(j fr.json 0 "(z['median_g'], z['note'])")" "(None, 'no stored lifecycle series')"
# location only: the bundled yearly average, E × value of data/intensity-yearly.csv
near "FR yearly average: E x the bundled FR 2023 value" "$(j fr.json 0 "z['yearly']['co2_g']")" "$(python3 - "$CTK_ROOT/data/intensity-yearly.csv" <<'PY'
import csv, sys
p = [float(l.split(", ")[2].split()[0]) for l in open("six.csv").read().splitlines()[1:]]
e = sum((p[i] + p[i + 1]) / 2 * 60 for i in range(len(p) - 1))
g = [float(r["g_per_kwh"]) for r in csv.DictReader(open(sys.argv[1])) if r["zone"] == "FR" and r["year"] == "2023"][0]
print(e / 3.6e6 * g)
PY
)" 1e-9
ctk intensity import "$CTK_DATA/watttime-vessim/watttime2023_caiso-north_actual.csv" --db w.db --tz UTC --unit lbs/MWh >/dev/null
ctk whatif --db w.db --run 1 --json > all.json
is "every zone by default; a marginal-only zone is not estimated, in words, never mixed" \
	"$(python3 -c "import json; z=json.load(open('all.json'))['zones']; print(len(z), z[0]['zone'], z[0]['median_g'], 'only marginal' in z[0]['note'])")" \
	"7 CAISO_NORTH None True"
ok "text labels it a yearly average" sh -c 'ctk whatif --db w.db --run 1 --zones FR | grep -q "yearly average, not by hour (FR 2023"'

done_testing
