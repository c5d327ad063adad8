# A run's stored CO2 never outlives the intensity data it was priced with
# (schemas/migrate-3.sql intensity_series_*_co2): a second series imported
# for the run's zone drops the run's CO2, its epochs' CO2 and its
# predictions until `ctk analyze` prices them again; a run in another zone
# keeps its own. The second series is the real Electricity Maps DE 2023 file
# with every intensity doubled, so the run priced again by it alone would
# cost exactly twice; the test checks the stored figures, not which series
# the join prefers (docs: common/intensity.c).
. "$CTK_ROOT/tests/e2e/lib.sh"
DE=$CTK_DATA/electricitymaps/DE_2023_hourly.csv
ES=$CTK_DATA/electricitymaps/ES_2023_hourly.csv

python3 - <<'PY'
from datetime import datetime, timedelta, timezone
t0 = datetime(2023, 6, 1, 10, 30, tzinfo=timezone.utc)
for name in ("de", "es"):
    with open(name + ".csv", "w") as f:
        f.write("timestamp, index, power.draw [W]\n")
        for s in range(0, 3601):
            t = (t0 + timedelta(seconds=s)).strftime("%Y/%m/%d %H:%M:%S.000")
            f.write("%s, 0, %.2f W\n" % (t, 200.0 if name == "de" else 150.0))
with open("epochs.csv", "w") as f:
    f.write("epoch,start,end\n1,2023-06-01T10:40:00Z,2023-06-01T11:00:00Z\n2,2023-06-01T11:00:00Z,2023-06-01T11:20:00Z\n")
PY
ok "import the DE run" sh -c 'ctk import nvidia-smi de.csv --db s.db --tz UTC && ctk config --db s.db 1 zone=DE epochs=3'
ok "import the ES run" sh -c 'ctk import nvidia-smi es.csv --db s.db --tz UTC && ctk config --db s.db 2 zone=ES epochs=3'
ok "epochs of both" sh -c 'ctk import epochs epochs.csv --db s.db --run 1 && ctk import epochs epochs.csv --db s.db --run 2'
ok "DE and ES 2023 intensity" sh -c "ctk intensity import '$DE' --db s.db && ctk intensity import '$ES' --db s.db"
ok "analyze" ctk analyze --db s.db
q() { sql s.db "$1"; }
de1=$(q "SELECT co2_g FROM run_co2 WHERE run_id = 1")
es1=$(q "SELECT co2_g FROM run_co2 WHERE run_id = 2")
ok "both runs priced ($de1 g, $es1 g)" test -n "$de1" -a -n "$es1"
ok "predictions with CO2 stored" test "$(q "SELECT count(*) FROM predictions WHERE target = 'co2' AND run_id = 1")" -gt 0

# the DE file with every intensity doubled (both signals), a new series for DE
python3 - "$DE" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
with open("de2.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(rows[0])
    for r in rows[1:]:
        r[4] = f"{2 * float(r[4]):.2f}"; r[5] = f"{2 * float(r[5]):.2f}"
        w.writerow(r)
PY
ok "a second DE series" ctk intensity import de2.csv --db s.db
is "the DE run's CO2 is dropped" "$(q "SELECT count(*) FROM run_co2 WHERE run_id = 1")" 0
is "... its epochs' CO2" "$(q "SELECT count(*) FROM epoch_co2 WHERE run_id = 1")" 0
is "... its predictions" "$(q "SELECT count(*) FROM predictions WHERE run_id = 1")" 0
is "the ES run keeps its CO2" "$(q "SELECT co2_g FROM run_co2 WHERE run_id = 2")" "$es1"
ctk report --db s.db --run 1 --out rep --format md >/dev/null 2>rep.err
ok "a report now does not show the old DE figure" sh -c "! grep -rqF '$(python3 -c "print(f'{$de1:.4g}')")' rep"
ok "analyze again" ctk analyze --db s.db
de2=$(q "SELECT co2_g FROM run_co2 WHERE run_id = 1")
ok "the DE run priced again ($de2 g)" test -n "$de2"
sid=$(q "SELECT series_id FROM run_co2 WHERE run_id = 1")
path=$(q "SELECT path FROM intensity_series WHERE series_id = $sid")
if [ "${path##*/}" = de2.csv ]; then
	near "priced by the doubled series: twice the first figure" "$de2" "$(python3 -c "print(2 * $de1)")" 1e-9
else
	near "priced by the first series: the same figure" "$de2" "$de1" 1e-12
fi
done_testing
