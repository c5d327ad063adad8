# ctk analyze --zone: CO2 per epoch and per run = Σ E_i × CI(t_i) with step
# semantics, PUE applied once, checked against an independent Python
# computation on the real Electricity Maps DE 2023 hourly file. The trace:
# 2 GPUs at 1 Hz from 2023-06-01 10:30 to 12:45 UTC, power ramping linearly.
. "$CTK_ROOT/tests/e2e/lib.sh"
DE=$CTK_DATA/electricitymaps/DE_2023_hourly.csv

python3 - <<'PY'
from datetime import datetime, timedelta, timezone
t0 = datetime(2023, 6, 1, 10, 30, tzinfo=timezone.utc)
with open("trace.csv", "w") as f:
    f.write("timestamp, index, power.draw [W]\n")
    for s in range(0, 8101):
        t = (t0 + timedelta(seconds=s)).strftime("%Y/%m/%d %H:%M:%S.000")
        f.write("%s, 0, %.2f W\n%s, 1, %.2f W\n" % (t, 100 + s * 0.01, t, 50.0))
with open("epochs.csv", "w") as f:
    f.write("epoch,start,end\n1,2023-06-01T10:40:00Z,2023-06-01T11:20:00Z\n2,2023-06-01T11:20:00Z,2023-06-01T12:40:00Z\n")
PY
ok "import trace" ctk import nvidia-smi trace.csv --db run.db --tz UTC
ok "import epochs" ctk import epochs epochs.csv --db run.db --run 1
ok "import DE 2023 intensity" ctk intensity import "$DE" --db run.db
ok "analyze --zone DE --pue 1.2" ctk analyze --db run.db --zone DE --pue 1.2
ctk analyze --db run.db --zone DE --pue 1.2 --json > an.json
ok "JSON follows the schema" python3 "$CTK_ROOT/tests/e2e/jsonschema.py" "$CTK_ROOT/schemas/analyze.schema.json" an.json

# independent: exact energy of each GPU between a and b (power linear in t),
# priced hour by hour with the LCA column of the raw CSV, times PUE
python3 - "$DE" > ref.txt <<'PY'
import csv, sys
from datetime import datetime, timezone
ci = {}
for row in csv.DictReader(open(sys.argv[1], encoding="utf-8")):
    t = datetime.strptime(row["Datetime (UTC)"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc).timestamp()
    ci[int(t)] = float(row["Carbon Intensity gCO₂eq/kWh (LCA)"])
T0 = datetime(2023, 6, 1, 10, 30, tzinfo=timezone.utc).timestamp()
def energy(a, b):   # J of both GPUs over [a, b] seconds after T0 (P0 = 100 + 0.01 s, P1 = 50)
    return (100 * (b - a) + 0.005 * (b * b - a * a)) + 50 * (b - a)
def co2(a, b):
    g, t = 0.0, a
    while t < b:
        h = int((T0 + t) // 3600 * 3600)
        e = min(b, h + 3600 - T0)
        g += energy(t, e) / 3.6e6 * ci[h]
        t = e
    return g * 1.2
print("%.9f %.9f %.9f" % (co2(0, 8100), co2(600, 3000), co2(3000, 7800)))
PY
set -- $(cat ref.txt)
near "run CO2 = independent step join × PUE" "$(python3 -c "import json; print(json.load(open('an.json'))['runs'][0]['co2_g'])")" "$1" 1e-9
near "epoch 1 CO2" "$(python3 -c "import json; print(json.load(open('an.json'))['runs'][0]['epochs'][0]['co2_g'])")" "$2" 1e-9
near "epoch 2 CO2" "$(python3 -c "import json; print(json.load(open('an.json'))['runs'][0]['epochs'][1]['co2_g'])")" "$3" 1e-9
is "no energy without intensity" "$(python3 -c "import json; print(json.load(open('an.json'))['runs'][0]['co2']['no_intensity_share'])")" "0"
is "run_co2 stored" "$(sql run.db 'select zone||" "||signal||" "||pue from run_co2')" "DE lifecycle 1.2"
is "epoch_co2 stored" "$(sql run.db 'select count(*) from epoch_co2')" 2
near "stored run CO2" "$(sql run.db 'select co2_g from run_co2')" "$1" 1e-9

# the run's zone from its config; a zone without series: a note, no CO2, exit 0
# (issue 12: the PUE 1.2 given once is stored with the run and kept)
ok "config zone" ctk config --db run.db 1 zone=DE
ctk analyze --db run.db --json > an2.json
near "CO2 with the run's own zone, stored PUE 1.2 kept" "$(python3 -c "import json; print(json.load(open('an2.json'))['runs'][0]['co2_g'])")" \
	"$1" 1e-9
ok "config zone without series" ctk config --db run.db 1 zone=FR
ctk analyze --db run.db --json > an3.json
is "no series: co2_g null" "$(python3 -c "import json; print(json.load(open('an3.json'))['runs'][0]['co2_g'])")" "None"
ok "no series: a note says why" python3 -c "import json,sys; sys.exit(0 if 'FR' in json.load(open('an3.json'))['runs'][0]['co2']['note'] else 1)"
ctk analyze --db run.db --zone FR >/dev/null 2>err.txt
is "--zone without series: exit 2" "$?" 2
ctk analyze --db run.db --zone DE --signal lifecycle,marginal >/dev/null 2>err.txt
is "mixing marginal and average: exit 1" "$?" 1
done_testing
