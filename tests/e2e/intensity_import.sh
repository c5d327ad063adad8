# ctk intensity import on every real carbon-intensity file in $CTK_DATA
# (FORMATS.md §2): row counts, spans, zones, resolutions and estimated
# counts, computed independently with python3 from the raw files; the gap
# and the overlap of the UK nmpowell files; one-transaction errors.
. "$CTK_ROOT/tests/e2e/lib.sh"
# sqlite3's shell when present (python3 starts slowly on a loaded machine), else lib.sh's sql
if command -v sqlite3 >/dev/null 2>&1; then sql() { sqlite3 -batch -noheader "$1" "$2"; }; fi
D=$CTK_DATA
EM=$D/electricitymaps
UK=$D/uk-carbon-intensity-api/nmpowell-national-pt24h

# All ten portal CSVs in one import; then one python3 run computes, per file,
# rows, estimated rows, LCA sum, zone, span and step from the raw CSV and
# reads the same from the store (python starts slowly here: one run, not 20).
ctk intensity import $(for f in DE_2022 DE_2023 ERCOT_2023 US-CAL-CISO_2022 US-CAL-CISO_2023 BR_2023 ES_2023 NO_2023 GB_2023 GB_2024; do echo "$EM/${f}_hourly.csv"; done) --db em.db >/dev/null 2>&1
is "em csv: ten files in one import" "$?" "0"
python3 - "$EM" em.db > em-checks.txt <<'PY'
import csv, glob, sqlite3, sys, datetime as dt
db = sqlite3.connect(sys.argv[2])
for path in sorted(glob.glob(sys.argv[1] + "/*_hourly.csv")):
    r = list(csv.DictReader(open(path, encoding="utf-8")))
    k = [c for c in r[0] if c.lower().startswith("carbon intensity") and (c.endswith("(LCA)") or c.endswith("(Life cycle)"))][0]
    e = [c for c in r[0] if c.lower() == "data estimated"][0]
    z = [c for c in r[0] if c.lower() == "zone id"][0]
    t = [int(dt.datetime.strptime(x["Datetime (UTC)"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.timezone.utc).timestamp()) for x in r]
    want = f"{len(r)} {sum(x[e] == 'true' for x in r)} {round(sum(float(x[k]) for x in r), 4)} {r[0][z]} {min(t) * 10**9} {(max(t) + 3600) * 10**9} 3600"
    got = db.execute("SELECT count(*), sum(estimated), round(sum(g_per_kwh), 4), s.zone, min(start_ns), max(end_ns), s.resolution_s "
                     "FROM intensity JOIN intensity_series s USING (series_id) WHERE s.path = ?", (path,)).fetchone()
    print(path.split("/")[-1], " ".join(str(x) for x in got), want, sep="\t")
PY
while IFS='	' read -r name got want; do
	is "em csv $name: rows, estimated, LCA sum, zone, span, resolution" "$got" "$want"
done < em-checks.txt
is "em csv: ten files checked" "$(wc -l < em-checks.txt | tr -d ' ')" "10"
is "DE 2023 span" "$(sql em.db "SELECT min(start_ns)||' '||max(end_ns)||' '||resolution_s FROM intensity JOIN intensity_series USING(series_id) WHERE zone='DE' AND path LIKE '%DE_2023%'")" "1672531200000000000 1704067200000000000 3600"
is "GB 2024 leap year rows" "$(sql em.db "SELECT count(*) FROM intensity JOIN intensity_series USING(series_id) WHERE path LIKE '%GB_2024%'")" "8784"
is "ERCOT zone from quoted row" "$(sql em.db "SELECT zone FROM intensity_series WHERE path LIKE '%ERCOT%'")" "US-TEX-ERCO"
is "zones" "$(sql em.db "SELECT group_concat(zone) FROM (SELECT DISTINCT zone FROM intensity_series ORDER BY zone)")" "BR,DE,ES,GB,NO,US-CAL-CISO,US-TEX-ERCO"
is "estimated counts as in SOURCES.md" "$(sql em.db "SELECT group_concat(n) FROM (SELECT sum(estimated) n FROM intensity JOIN intensity_series USING(series_id) GROUP BY series_id ORDER BY series_id)")" "0,3,96,8,3,241,14,4,20,22"
is "no overlap between the DE years" "$(ctk intensity list --db em.db --json | python3 -c "import json,sys; print([(z['zone'],z['gaps'],z['overlaps']) for z in json.load(sys.stdin)['zones'] if z['zone']=='DE'])")" "[('DE', 0, 0)]"
# --signal direct takes the direct column: first DE 2023 value is 152.03
ctk intensity import "$EM/DE_2023_hourly.csv" --db direct.db --signal direct >/dev/null 2>&1
is "DE direct first value" "$(sql direct.db "SELECT g_per_kwh FROM intensity ORDER BY start_ns LIMIT 1")" "152.03"
is "DE direct signal" "$(sql direct.db "SELECT signal FROM intensity_series")" "direct"

# Electricity Maps API v3 history: 24 hourly values, 8 estimated (python)
J=$EM/api-v3-history_US-MIDW-MISO_2024-11-30_zeus-fixture.json
ctk intensity import "$J" --db api.db >/dev/null 2>&1
want=$(python3 -c "import json,sys; h=json.load(open(sys.argv[1]))['history']; print(len(h), sum(x['isEstimated'] for x in h), sum(x['carbonIntensity'] for x in h))" "$J")
is "em json: rows, estimated, sum" "$(sql api.db "SELECT count(*)||' '||sum(estimated)||' '||cast(sum(g_per_kwh) AS INTEGER) FROM intensity")" "$want"
is "em json zone, resolution" "$(sql api.db "SELECT zone||' '||resolution_s||' '||signal FROM intensity_series")" "US-MIDW-MISO 3600 lifecycle"
is "em json span 2024-11-30T06:00Z..2024-12-01T06:00Z" "$(sql api.db "SELECT min(start_ns)||' '||max(end_ns) FROM intensity")" "1732946400000000000 1733032800000000000"
# latest: a single object
python3 -c "import json,sys; h=json.load(open(sys.argv[1]))['history'][5]; json.dump(h,open('latest.json','w'))" "$J"
ctk intensity import latest.json --db latest.db >/dev/null 2>&1
is "em json latest: one value" "$(sql latest.db "SELECT count(*)||' '||g_per_kwh FROM intensity")" "1 $(python3 -c "import json; print(float(json.load(open('latest.json'))['carbonIntensity']))")"

# UK national (nmpowell): 5 x 48 half-hours; actual else forecast (flagged)
ctk intensity import "$UK"/*.json --db uk.db >/dev/null 2>&1
want=$(python3 -c "
import json,glob,sys
v=[x['intensity'] for f in sorted(glob.glob(sys.argv[1]+'/*.json')) for x in json.load(open(f))['data']]
print(len(v), sum(x['actual'] is None for x in v), sum(x['actual'] if x['actual'] is not None else x['forecast'] for x in v))" "$UK")
is "uk national: rows, forecast-flagged, sum" "$(sql uk.db "SELECT count(*)||' '||sum(estimated)||' '||cast(sum(g_per_kwh) AS INTEGER) FROM intensity")" "$want"
is "uk national: 5 series, zone GB, 30 min" "$(sql uk.db "SELECT count(*)||' '||min(zone)||' '||max(resolution_s) FROM intensity_series")" "5 GB 1800"
ctk intensity list --db uk.db --json > list.json
is "list: one gap 2023-03-17T00:00Z..00:30Z" "$(python3 -c "import json; z=json.load(open('list.json'))['zones'][0]; print(z['gaps'], z['gap_list'][0]['from'], z['gap_list'][0]['to'])")" "1 2023-03-17T00:00:00.000Z 2023-03-17T00:30:00.000Z"
is "list: one overlap 2023-03-15T00:00Z..00:30Z" "$(python3 -c "import json; z=json.load(open('list.json'))['zones'][0]; print(z['overlaps'], z['overlap_list'][0]['from'], z['overlap_list'][0]['to'], z['overlap_seconds'])")" "1 2023-03-15T00:00:00.000Z 2023-03-15T00:30:00.000Z 1800"
is "list: span and estimated share" "$(python3 -c "import json; z=json.load(open('list.json'))['zones'][0]; print(z['from'], z['to'], z['values'], round(z['estimated_share'],6))")" "2023-03-14T00:30:00.000Z 2023-03-19T00:30:00.000Z 240 $(python3 -c 'print(round(4/240,6))')"
is "list: per-file span, count, 30 min, forecast share (python from the files)" \
	"$(python3 -c "
import json
for x in json.load(open('list.json'))['series']: print(x['from'][:16]+'Z', x['to'][:16]+'Z', x['values'], x['resolution_s'], round(x['estimated_share'],6), x['gaps'], x['overlaps'])")" \
	"$(python3 -c "
import json,glob,sys
for f in sorted(glob.glob(sys.argv[1]+'/*.json')):
    d=json.load(open(f))['data']
    print(d[0]['from'], d[-1]['to'], len(d), 1800, round(sum(x['intensity']['actual'] is None for x in d)/len(d),6) or 0, 0, 0)" "$UK")"
is "list --zone GB: only GB" "$(ctk intensity list --db em.db --zone GB --json | python3 -c "import json,sys; d=json.load(sys.stdin); print(sorted({x['zone'] for x in d['series']}), len(d['series']), len(d['zones']))")" "['GB'] 2 1"
ok "list text names the gap" sh -c "ctk intensity list --db uk.db | grep -q 'gap     2023-03-17T00:00:00.000Z .. 2023-03-17T00:30:00.000Z'"

# UK API bodies recorded in the vcr cassettes (read out by the test server's YAML reader)
python3 -B -c "
import sys; sys.path.insert(0, sys.argv[1])
from intensity_server import BODIES
for k in ('uk', 'uk-region13', 'uk-EN2', 'uk-now'): open(k + '.json', 'wb').write(BODIES[k])" "$CTK_ROOT/tests"
ctk intensity import uk.json uk-region13.json uk-EN2.json uk-now.json --db cas.db >/dev/null 2>&1
is "cassettes: zones, kinds, values, forecast-flagged" "$(sql cas.db "SELECT group_concat(zone||':'||kind||':'||n||':'||e, ' ') FROM (SELECT zone, kind, count(*) n, sum(estimated) e FROM intensity JOIN intensity_series USING(series_id) GROUP BY series_id ORDER BY series_id)")" "GB:history:96:0 GB-R13:forecast:96:96 GB-R10:forecast:96:96 GB:history:1:1"
want=$(python3 -c "
import json; d=json.load(open('uk-region13.json'))['data']['data']; print(len(d), sum(x['intensity']['forecast'] for x in d), d[0]['from'])")
is "regional London: count, forecast sum, first period" "$(sql cas.db "SELECT count(*)||' '||cast(sum(g_per_kwh) AS INTEGER) FROM intensity JOIN intensity_series USING(series_id) WHERE zone='GB-R13'") 2019-12-31T23:30Z" "$want"
is "uk now: actual null → forecast 255, flagged" "$(sql cas.db "SELECT g_per_kwh||' '||estimated FROM intensity JOIN intensity_series USING(series_id) WHERE series_id=4")" "255.0 1"

# WattTime: marginal, lbs/MWh converted by default; --unit g/kWh keeps values
W=$D/watttime-vessim/watttime2023_caiso-north_actual.csv
ctk intensity import "$W" --db wt.db >/dev/null 2>&1
want=$(python3 -c "import csv,sys; r=list(csv.reader(open(sys.argv[1])))[1:]; print(len(r), round(sum(float(x[1]) for x in r)*0.45359237,3))" "$W")
is "watttime 5-min: rows, converted sum" "$(sql wt.db "SELECT count(*)||' '||round(sum(g_per_kwh),3) FROM intensity")" "$want"
is "watttime: zone, signal, unit, step" "$(sql wt.db "SELECT zone||' '||signal||' '||unit||' '||resolution_s FROM intensity_series")" "CAISO_NORTH marginal lbs/MWh 300"
is "watttime: span 2023-06-08 00:00 .. 2023-07-09 00:00 (last + 5 min)" "$(sql wt.db "SELECT min(start_ns)||' '||max(end_ns) FROM intensity")" "1686182400000000000 1688860800000000000"
Z=$D/zeus/watttime_carbon_hist_MISO_MASON_CITY_2022-10.csv
ctk intensity import "$Z" --db wt2.db --unit g/kWh >/dev/null 2>&1
want=$(python3 -c "import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); print(len(r), round(sum(float(x['value']) for x in r),6))" "$Z")
is "watttime long form: rows, sum in g/kWh" "$(sql wt2.db "SELECT count(*)||' '||round(sum(g_per_kwh),6) FROM intensity")" "$want"
is "watttime long form: zone, duration 30 min" "$(sql wt2.db "SELECT zone||' '||resolution_s||' '||unit FROM intensity_series")" "MISO_MASON_CITY 1800 g/kWh"
is "watttime long form: span 06:20Z .. last 17:20Z + 30 min" "$(sql wt2.db "SELECT min(start_ns)||' '||max(end_ns) FROM intensity")" "1666246800000000000 1666547400000000000"
ctk intensity import "$W" --db wt3.db --signal lifecycle >/dev/null 2>&1
is "watttime refuses an average signal (usage)" "$?" "1"

# generic time,value (lets-wait-awhile): needs --zone; until-next steps
G=$D/lets-wait-awhile/ger_ci.csv
ctk intensity import "$G" --db gen.db >/dev/null 2>&1
is "generic without --zone: exit 2" "$?" "2"
ctk intensity import "$G" --db gen.db --zone DE --tz UTC >/dev/null 2>&1
want=$(python3 -c "import csv,sys; r=list(csv.reader(open(sys.argv[1])))[1:]; print(len(r), round(sum(float(x[1]) for x in r),4))" "$G")
is "generic: rows, sum" "$(sql gen.db "SELECT count(*)||' '||round(sum(g_per_kwh),4) FROM intensity")" "$want"
is "generic: resolution 15 min, span to last+15 min" "$(sql gen.db "SELECT resolution_s||' '||(SELECT max(end_ns) FROM intensity) FROM intensity_series")" "900 1610234100000000000"
# the two 30-min holes of ger_ci.csv (SOURCES.md) show as irregular steps
is "generic: irregular steps = spacings other than 15 min (python)" "$(ctk intensity list --db gen.db --json | python3 -c "import json,sys; print(json.load(sys.stdin)['series'][0]['irregular_steps'])")" \
	"$(python3 -c "
import csv,sys,datetime
t=[datetime.datetime.fromisoformat(x[0]) for x in list(csv.reader(open(sys.argv[1])))[1:]]
print(sum((b-a).total_seconds()!=900 for a,b in zip(t,t[1:])))" "$G")"
ctk intensity import "$D/lets-wait-awhile/gb_ci.csv" --db gen.db --zone GB --tz UTC >/dev/null 2>&1
is "generic mixed 15/30 min: most common step" "$(sql gen.db "SELECT resolution_s FROM intensity_series WHERE zone='GB'")" \
	"$(python3 -c "
import csv,sys,datetime,collections
t=[datetime.datetime.fromisoformat(x[0]) for x in list(csv.reader(open(sys.argv[1])))[1:]]
print(int(collections.Counter((b-a).total_seconds() for a,b in zip(t,t[1:])).most_common(1)[0][0]))" "$D/lets-wait-awhile/gb_ci.csv")"

# Energi Data Service (synthetic fixture, see tests/data/README.md): DK1 and DK2 apart
ctk intensity import "$CTK_ROOT/tests/data/eds-co2emis-synthetic.json" --db eds.db >/dev/null 2>&1
is "eds: two zones, sorted, 5 min" "$(sql eds.db "SELECT group_concat(zone||':'||resolution_s) FROM (SELECT * FROM intensity_series ORDER BY zone)")" "DK-DK1:300,DK-DK2:300"
is "eds: DK1 values in time order" "$(sql eds.db "SELECT group_concat(cast(g_per_kwh AS INTEGER)) FROM (SELECT g_per_kwh FROM intensity JOIN intensity_series USING(series_id) WHERE zone='DK-DK1' ORDER BY start_ns)")" "110,120,130,140,150,160"

# Bad input: one-line error naming file, line and field; exit 2; store unchanged
before=$(sql em.db "SELECT count(*) FROM intensity")
head -100 "$EM/DE_2023_hourly.csv" > bad.csv
sed -n 101p "$EM/DE_2023_hourly.csv" | sed 's/,199\.[0-9]*,/,abc,/; s/^\(2023-01-05 03:00:00,Germany,Germany,DE,[0-9.]*\),[0-9.]*,/\1,abc,/' >> bad.csv
ctk intensity import "$EM/NO_2023_hourly.csv" bad.csv --db em.db 2>err.txt >/dev/null
is "bad csv: exit 2" "$?" "2"
ok "re-importing the same bytes warns" grep -q "NO_2023_hourly.csv': the same file is already stored (series 8); storing it again as a newer, overlapping series" err.txt
is "bad csv: message" "$(tail -1 err.txt)" "ctk intensity: nothing imported (all 2 files roll back together): 'bad.csv' line 101: field 'Carbon Intensity gCO₂eq/kWh (LCA)': not a number ('abc')"
is "bad csv: store unchanged (NO not kept either)" "$(sql em.db "SELECT count(*) FROM intensity")" "$before"
python3 -c "
import json; d=json.load(open('$UK/2023-03-16T0001Z.json')); d['data'][7]['intensity']['actual']='high'; json.dump(d,open('bad.json','w'))"
ctk intensity import bad.json --db uk.db 2>err.txt >/dev/null
is "bad json: exit 2" "$?" "2"
is "bad json: message with JSON path" "$(cat err.txt)" "ctk intensity: 'bad.json' \$.data[7].intensity.actual: not a number"
head -c 2000 "$UK/2023-03-16T0001Z.json" > cut.json
ctk intensity import cut.json --db uk.db --format uk-json 2>err.txt >/dev/null
is "truncated json: exit 2" "$?" "2"
ok "truncated json: message" grep -q "^ctk intensity: 'cut.json' byte [0-9]*: not valid JSON (truncated?)$" err.txt
is "uk store unchanged" "$(sql uk.db "SELECT count(*) FROM intensity")" "240"
printf 'time,value\n2023-01-01 00:00,100\n2023-01-01 00:15,110\n2023-01-01 00:10,120\n' > order.csv
ctk intensity import order.csv --db o.db --zone X 2>err.txt >/dev/null
is "out-of-order: exit 2" "$?" "2"
ok "out-of-order: names line 4" grep -q "'order.csv' line 4: field 'value': time 2023-01-01T00:10:00.000Z is not after" err.txt
# a good file then a bad one: both roll back, and the good one is never
# said to be imported (issue 14: "imported …" for files that were rolled back)
printf 'time,value\n2023-01-01 00:00,100\n2023-01-01 00:15,110\n' > good.csv
ctk intensity import good.csv order.csv --db m.db --zone X >out.txt 2>err.txt
is "multi-file failure: exit 2" "$?" "2"
is "multi-file failure: nothing said imported" "$(cat out.txt)" ""
ok "multi-file failure: says both roll back" grep -q "^ctk intensity: nothing imported (all 2 files roll back together): 'order.csv' line 4" err.txt
ok "multi-file failure: nothing stored (no store file left)" test ! -e m.db
done_testing
