# ctk import codecarbon on the real CodeCarbon files in $CTK_DATA/codecarbon:
# run grouping, devices, readings and reported totals, with every expected
# number computed here by python3 from the raw CSV (not from ctk's output).
. "$CTK_ROOT/tests/e2e/lib.sh"
cc=$CTK_DATA/codecarbon
db=cc.db

expect() { # expect FILE KEY: python's independent reading of the CSV
	python3 - "$1" "$2" <<'PY'
import csv, sys, datetime
path, key = sys.argv[1:]
rows = list(csv.DictReader(open(path, encoding='utf-8')))
groups, last_empty = [], None
for r in rows:
    ts = datetime.datetime.fromisoformat(r['timestamp']).replace(tzinfo=datetime.timezone.utc).timestamp()
    d = float(r['duration'])
    rid = r.get('run_id', '')
    if rid:
        g = [x for x in groups if x['id'] == rid]
        if g: g[0]['rows'].append(r); continue
        groups.append({'id': rid, 'rows': [r]}); continue
    if last_empty and groups[-1] is last_empty and abs(ts - d - last_empty['start']) <= 2 and d > float(last_empty['rows'][-1]['duration']):
        last_empty['rows'].append(r)
    else:
        last_empty = {'id': '', 'rows': [r], 'start': ts - d}; groups.append(last_empty)
def devices(g):
    n = 0
    for e, p, m in (('cpu_energy','cpu_power','cpu_model'), ('gpu_energy','gpu_power','gpu_model'), ('ram_energy','ram_power',None)):
        vals = [x for r in g['rows'] for x in (r.get(e, ''), r.get(p, '')) if x != '']
        if not vals: continue
        if e == 'gpu_energy' and not any(float(v) > 0 for v in vals) and not g['rows'][-1].get(m): continue
        n += 1
    return n
if key == 'runs': print(len(groups))
elif key == 'devices': print(sum(devices(g) for g in groups))
elif key == 'readings': print(sum(devices(g) * (len(g['rows']) + 1) for g in groups))
elif key == 'energy_sum': print(repr(sum(float(g['rows'][-1]['energy_consumed']) for g in groups if g['rows'][-1]['energy_consumed'])))
elif key == 'co2_sum_g': print(repr(sum(1000 * float(g['rows'][-1]['emissions']) for g in groups if g['rows'][-1]['emissions'])))
elif key == 'cumulative_runs': print(sum(1 for g in groups if len(g['rows']) > 1))
elif key.startswith('start:'):
    g = [x for x in groups if x['id'] == key[6:]][0]; r = g['rows'][0]
    from decimal import Decimal
    ts = int(datetime.datetime.fromisoformat(r['timestamp']).replace(tzinfo=datetime.timezone.utc).timestamp())
    print(ts * 10**9 - int((Decimal(r['duration']) * 10**9).to_integral_value()))
elif key.startswith('last:'):
    k, rid = key[5:].split('@'); g = [x for x in groups if x['id'] == rid][0]; print(g['rows'][-1][k])
PY
}

ok "import examples_emissions.csv" ctk import codecarbon "$cc/examples_emissions.csv" --db $db
is "runs (run_id groups; rows without run_id grouped by start)" "$(sql $db 'select count(*) from runs')" "$(expect $cc/examples_emissions.csv runs)"
is "runs = 18 (16 run_ids + 2 id-less runs, hand-checked)" "$(sql $db 'select count(*) from runs')" 18
is "cumulative runs (several rows)" "$(sql $db "select count(*) from reported where note like 'last%'")" "$(expect $cc/examples_emissions.csv cumulative_runs)"
is "devices" "$(sql $db 'select count(*) from devices')" "$(expect $cc/examples_emissions.csv devices)"
is "readings (rows + start, per device)" "$(sql $db 'select sum(n) from sample_chunks')" "$(expect $cc/examples_emissions.csv readings)"
near "sum of reported kWh (last row per run)" "$(sql $db 'select sum(energy_kwh) from reported')" "$(expect $cc/examples_emissions.csv energy_sum)" 1e-12
near "sum of reported g CO2" "$(sql $db 'select sum(co2_g) from reported')" "$(expect $cc/examples_emissions.csv co2_sum_g)" 1e-12
id=8a1d9822-56c9-4c52-8497-5a2e32dd5b03
near "run $id: energy of its 6th (last) flush" "$(sql $db "select energy_kwh from reported r join runs u using(run_id) where u.label like '%$id'")" "$(expect $cc/examples_emissions.csv "last:energy_consumed@$id")" 1e-12
is "run $id: start = first timestamp - duration" "$(sql $db "select started_ns from runs where label like '%$id'")" "$(expect $cc/examples_emissions.csv "start:$id")"
is "run $id: last per-component energies in the reported note" "$(sql $db "select note from reported r join runs u using(run_id) where u.label like '%$id'")" \
	"last of the run's cumulative rows; cpu_energy $(expect $cc/examples_emissions.csv "last:cpu_energy@$id") kWh; gpu_energy $(expect $cc/examples_emissions.csv "last:gpu_energy@$id") kWh; ram_energy $(expect $cc/examples_emissions.csv "last:ram_energy@$id") kWh"
is "country kept in config_json" "$(sql $db "select json_extract(config_json,'$.country_iso_code') from runs where label like '%$id'")" FRA
is "signal 'imported'" "$(sql $db "select count(distinct signal) || signal from sample_chunks")" 1imported

ok "import v3 header file" ctk import codecarbon "$cc/test_emissions_valid_headers.csv" --db $db --label v3 --tz Africa/Casablanca
is "v3: one run labelled v3" "$(sql $db "select count(*) from runs where label='v3'")" 1
is "v3: cpu and ram devices, no GPU (0 and no model)" "$(sql $db "select group_concat(kind) from devices d join runs r using(run_id) where r.label='v3'")" "cpu,dram"
near "v3: reported kWh" "$(sql $db "select energy_kwh from reported join runs using(run_id) where label='v3'")" 0.00057442898176 1e-12
near "v3: pue" "$(sql $db "select pue from reported join runs using(run_id) where label='v3'")" 1.0 0
is "v3: tz recorded" "$(sql $db "select tz from runs where label='v3'")" Africa/Casablanca

before=$(sql $db "select (select count(*) from runs)+(select count(*) from devices)+(select count(*) from reported)+(select count(*) from sample_chunks)")
head -c 700 "$cc/examples_emissions.csv" > cut.csv
ctk import codecarbon cut.csv --db $db 2> err.txt; rc=$?
is "truncated file: exit 2" $rc 2
is "truncated file: one error line naming file and line 3" "$(grep -vc 'warning:' err.txt):$(grep -c "'cut.csv' line 3:" err.txt)" "1:1"
printf 'time,duration\n2024-01-01T00:00:00,1\n' > hdr.csv
ctk import codecarbon hdr.csv --db $db 2> err.txt; rc=$?
is "wrong header: exit 2" $rc 2
ok "wrong header: message names line 1" grep -q "'hdr.csv' line 1: not a CodeCarbon" err.txt
sed '3s/,355.46638011932373,/,NaN,/' "$cc/examples_emissions.csv" | sed '2s/,355.46638011932373,/,nan,/' > nan.csv
ctk import codecarbon nan.csv --db $db 2> err.txt; rc=$?
is "NaN duration: exit 2" $rc 2
ok "NaN: names line 2 and field duration" grep -q "'nan.csv' line 2: field 'duration': not a number" err.txt
sed '2s/,3.0,0.0001342166896178,/,3.0,-0.0001342166896178,/' "$cc/examples_emissions.csv" > neg.csv
ctk import codecarbon neg.csv --db $db 2> err.txt; rc=$?
is "negative energy: exit 2" $rc 2
ok "negative: names field cpu_energy" grep -q "'neg.csv' line 2: field 'cpu_energy': negative" err.txt
is "store unchanged after the failures" "$(sql $db "select (select count(*) from runs)+(select count(*) from devices)+(select count(*) from reported)+(select count(*) from sample_chunks)")" "$before"
done_testing
