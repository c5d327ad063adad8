# Issue #8 acceptance on the real pipeline: a run COLLECTED on the fake NVML
# (epochs marked with ctk mark), an intensity series imported for the hours
# it ran, `ctk analyze --zone` writing the CO2 (run_co2) itself, then
# `ctk report`: report.pdf's text has the run label, the total energy and the
# CO2 exactly as printed in summary.md, the PUE and the intensity source; the
# PNGs have the expected size and data in the plot area.
. "$CTK_ROOT/tests/e2e/lib.sh"
export CTK_NVML_LIB="$CTK_BUILD/fakenvml/libnvidia-ml.so.1" CTK_SYSFS_ROOT="$PWD/emptysys" CTK_FAKENVML_DEVICES=2
mkdir -p emptysys
LABEL='fake_run 50% & #1'
ok "collect" ctk collect --db run.db --label "$LABEL" --epochs 3 --interval 20ms -- sh -c '
	for e in 1 2 3; do ctk mark epoch-start $e; sleep 0.5; ctk mark epoch-end; sleep 0.1; done'
# a 5-minute intensity series around now (generic time,value CSV, UTC)
python3 - <<'PY'
import time
from datetime import datetime, timezone
t = int(time.time()) // 300 * 300 - 3600
with open("ci.csv", "w") as f:
    f.write("Time,Carbon Intensity\n")
    for k in range(25):
        f.write("%s,%d\n" % (datetime.fromtimestamp(t + 300 * k, timezone.utc).strftime("%Y-%m-%d %H:%M:%S"), 200 + 10 * k))
PY
ok "intensity import" ctk intensity import ci.csv --db run.db --zone XX --tz UTC
ok "analyze --zone XX --pue 1.2" ctk analyze --db run.db --zone XX --pue 1.2
is "analyze stored the CO2" "$(sql run.db 'select count(*) from run_co2 where co2_g > 0')" 1
ok "report" ctk report --db run.db --out rep
pdftotext rep/report.pdf report.txt
flat=$(tr -s ' \n' '  ' < report.txt)
has() { case "$flat" in *"$2"*) is "$1" yes yes ;; *) is "$1" "missing '$2'" yes ;; esac; }
# a cell of summary.md's first row, by its heading ("0.523 ± 0.005"), and its value alone
md_cell() { awk -F'|' -v h="$1" 'NR == 3 { for (i = 2; i < NF; i++) { g = $i; gsub(/^ +| +$/, "", g); if (g == h) c = i } } NR == 5 { v = $c; gsub(/^ +| +$/, "", v); print v }' rep/summary.md; }
md_col() { md_cell "$1" | sed 's/ *±.*//'; }
md_co2=$(md_col 'CO2e (kg)')
source=$(sql run.db 'select source from intensity_series')
# summary.md shows 3 significant digits: within half a unit of the third (5e-3 relative)
near "summary CO2 = analyze's (kg)" "$md_co2" "$(python3 -c "print($(sql run.db 'select co2_g from run_co2') / 1000)")" 5e-3
has "report.pdf: run label" "$LABEL"
has "report.pdf: simulated device said" "simulated"
has "report.pdf: total energy ± bound as in summary.md" "$(md_cell 'Energy (kWh)') kWh"
has "report.pdf: CO2 ± bound as in summary.md" "$(md_cell 'CO2e (kg)') kg CO2e"
has "report.pdf: PUE" "PUE 1.20"
has "report.pdf: intensity source" "$source"
for c in power epoch_energy intensity; do
	set -- $(python3 "$CTK_ROOT/tests/e2e/pnginfo.py" "rep/$c.png")
	is "$c.png is 990x660 (3.3 in x 2.2 in at 300 dpi)" "$1x$2" "990x660"
	ok "$c.png has data in the plot area ($4 coloured pixels)" test "$4" -gt 300
done
done_testing
