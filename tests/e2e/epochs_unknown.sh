# Unknown stays unknown (NULL, in words), never 0: a GPU whose readings end
# before the epochs begin has no energy in them, so its energy in epochs,
# the epochs' total and what lies outside them are not known: NULL in the
# store (device_energy, with their bounds), null in JSON, "not known" in the
# text, a dash in the report; the other GPU's figures stay (100 W x 600 s in
# the epochs = 60000 J, computed by hand).
. "$CTK_ROOT/tests/e2e/lib.sh"
python3 - <<'PY'
from datetime import datetime, timedelta, timezone
t0 = datetime(2023, 6, 1, 10, 0, tzinfo=timezone.utc)
with open("t.csv", "w") as f:
    f.write("timestamp, index, power.draw [W]\n")
    for s in range(0, 1201):
        t = (t0 + timedelta(seconds=s)).strftime("%Y/%m/%d %H:%M:%S.000")
        f.write("%s, 0, %.2f W\n" % (t, 100.0))
        if s <= 300:                      # GPU 1 stops at 10:05
            f.write("%s, 1, %.2f W\n" % (t, 50.0))
with open("e.csv", "w") as f:
    f.write("epoch,start,end\n1,2023-06-01T10:10:00Z,2023-06-01T10:15:00Z\n2,2023-06-01T10:15:00Z,2023-06-01T10:20:00Z\n")
PY
ok "import" sh -c 'ctk import nvidia-smi t.csv --db d.db --tz UTC && ctk import epochs e.csv --db d.db --run 1'
ctk analyze --db d.db > a.txt
is "analyze: exit 0" "$?" 0
is "GPU 0 in epochs: 100 W x 600 s" "$(sql d.db "SELECT in_epochs_j FROM device_energy WHERE device_id = 1")" 60000.0
is "GPU 1 in epochs: NULL, and its bound" "$(sql d.db "SELECT coalesce(in_epochs_j, 'NULL') || ',' || coalesce(in_epochs_u_j, 'NULL') FROM device_energy WHERE device_id = 2")" "NULL,NULL"
is "GPU 1 outside epochs: NULL" "$(sql d.db "SELECT coalesce(outside_epochs_j, 'NULL') FROM device_energy WHERE device_id = 2")" NULL
is "GPU 1's whole energy is known: 50 W x 300 s" "$(sql d.db "SELECT energy_j FROM device_energy WHERE device_id = 2")" 15000.0
ok "text: the epochs' total not known, in words" grep -q "in 2 epoch(s): not known (a device has no energy in an epoch" a.txt
ctk analyze --db d.db --json > a.json
is "JSON: epochs_energy_j, outside_epochs_j and their bounds null; energy_j 135000" \
	"$(python3 -c "import json; r = json.load(open('a.json'))['runs'][0]; print([r[k] for k in ('epochs_energy_j', 'epochs_energy_u_j', 'outside_epochs_j', 'outside_epochs_u_j', 'energy_j')])")" \
	"[None, None, None, None, 135000]"
ok "report" ctk report --db d.db --out rep --format md,csv
is "summary.csv: in/outside epochs and their bounds empty (not known), energy 0.0375 kWh" \
	"$(python3 -c "import csv; r = next(csv.DictReader(open('rep/summary.csv'))); print([v for k, v in r.items() if 'epochs' in k.lower() or k.lower().startswith('outside')], r[[k for k in r if k.lower().startswith('energy') and 'kwh' in k.lower()][0]])")" \
	"['', '', '', ''] 0.0375"
done_testing
