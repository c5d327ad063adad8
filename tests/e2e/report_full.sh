# End to end for `ctk report` (issue #8): the bundled demo trace (2 simulated
# A100s, nvidia-smi format) with epochs, a label full of characters special
# to LaTeX/Markdown/CSV, and — inserted with SQL, as the intensity join and
# the predictors would store them — an intensity series, a run_co2 result
# and predictions. Checks report.pdf's text (label, energy and CO2 exactly as
# in the tables, PUE, intensity source), every PNG's size and drawn data,
# escaping, the model card, and sections left out with a note.
. "$CTK_ROOT/tests/e2e/lib.sh"
D=$CTK_ROOT/samples/demo
LABEL='=gpu_run 50% & #1 $x \ {a}'
# sqlw DB STATEMENT: change the store (committed), via python3's sqlite3
sqlw() { python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()" "$1" "$2"; }
ok "import demo trace" ctk import nvidia-smi "$D/gpu-trace.csv" --db run.db --tz UTC --simulated --label "$LABEL"
ok "import epochs" ctk import epochs "$D/epochs.csv" --db run.db --run 1
ok "analyze" ctk analyze --db run.db
# the run lasts 2026-11-23T09:00:00Z + 84 s: three 30-s intensity values, the last estimated
sqlw run.db "update runs set zone='DE' where run_id=1"
python3 - <<'PY'
import sqlite3
c = sqlite3.connect("run.db")
t0 = 1795424400 * 10**9
c.execute("insert into intensity_series(series_id, zone, source, signal, unit, year, created_ns) values (1, 'DE', 'Electricity Maps', 'lifecycle', 'gCO2eq/kWh', 2026, 0)")
for k, (g, est) in enumerate([(350, 0), (420, 0), (380, 1)]):
    c.execute("insert into intensity values (1, ?, ?, ?, ?)", (t0 + k * 30 * 10**9, t0 + (k + 1) * 30 * 10**9, g, est))
c.execute("insert into run_co2(run_id, co2_g, pue, pue_source, zone, source, signal, year, resolution_s, no_intensity_share, series_id) "
          "values (1, 6.54321, 1.58, 'carbontracker preset', 'DE', 'Electricity Maps', 'lifecycle', 2026, 1800, 0.0, 1)")
tot = 33525.332
c.execute("delete from predictions")  # replace what ctk analyze predicted with known rows (level: the default, charted)
for n in range(1, 5):
    for name, bias in (("level", 0.02 / n), ("trend", -0.01 / n)):
        v = tot * (1 + bias)
        c.execute("insert into predictions(run_id, after_n, predictor, target, value, lo, hi, actual, rel_err) values (1, ?, ?, 'energy', ?, ?, ?, ?, ?)", (n, name, v, v * 0.97, v * 1.03, tot, bias))
c.commit()
PY
ok "report" ctk report --db run.db --out rep --title 'Footprint of run_1'
for f in report.pdf summary.csv summary.md summary.tex epochs.csv epochs.md epochs.tex predictions.csv predictions.md \
	predictions.tex methods.md methods.tex ctk.bib model-card.yaml; do
	ok "wrote $f" test -s "rep/$f"
done
for c in power epoch_energy prediction_error intensity; do
	ok "chart $c.pdf is a PDF" sh -c "head -c 5 rep/$c.pdf | grep -q '%PDF-'"
	set -- $(python3 "$CTK_ROOT/tests/e2e/pnginfo.py" "rep/$c.png")
	is "chart $c.png is 990x660 (3.3 in x 2.2 in at 300 dpi)" "$1x$2" "990x660"
	ok "chart $c.png has data drawn in the plot area ($4 coloured pixels)" test "$4" -gt 300
done
ok "no comparison chart for one hardware setup" test ! -e rep/hardware_comparison.png
ok "no comparison table for one hardware setup" test ! -e rep/comparison.csv
ok "no temporary files left" sh -c '! ls rep | grep -q tmp'

pdftotext rep/report.pdf report.txt
flat=$(tr -s ' \n' '  ' < report.txt)
has() { case "$flat" in *"$2"*) is "$1" yes yes ;; *) is "$1" "missing '$2'" yes ;; esac; }
kwh=$(python3 -c "import csv; r=next(csv.DictReader(open('rep/summary.csv'))); print(r['energy_kwh'])")
# a cell of summary.md's first row, by its heading ("0.523 ± 0.005"), and its value alone
md_cell() { awk -F'|' -v h="$1" 'NR == 3 { for (i = 2; i < NF; i++) { g = $i; gsub(/^ +| +$/, "", g); if (g == h) c = i } } NR == 5 { v = $c; gsub(/^ +| +$/, "", v); print v }' rep/summary.md; }
md_col() { md_cell "$1" | sed 's/ *±.*//'; }
md_co2=$(md_col 'CO2e (kg)')
md_pue=$(md_col PUE)
near "summary energy = analysis" "$kwh" "$(python3 -c "print(38778.306/3.6e6)")" 1e-6
is "CO2 in the table (kg, 3 digits: 6.54321 g)" "$md_co2" "0.00654"
is "PUE in the table" "$md_pue" "1.58"
has "report.pdf: run label" "$LABEL"
has "report.pdf: total energy ± bound as in summary.md" "$(md_cell 'Energy (kWh)') kWh"
has "report.pdf: CO2 ± bound as in summary.md" "$(md_cell 'CO2e (kg)') kg CO2e"
has "report.pdf: PUE" "PUE 1.58"
has "report.pdf: intensity source" "Electricity Maps"
has "report.pdf: title" "Footprint of run_1"
has "report.pdf: comparison left out with a note" "Hardware comparison left out"
has "report.pdf: methods paragraph" "a power usage effectiveness (PUE) of 1.58, the preset of carbontracker"
ok "report.pdf embeds its fonts" sh -c "pdffonts rep/report.pdf | awk 'NR>2 && \$5 != \"yes\" {bad=1} END {exit bad}'"
ok "chart PDF embeds its fonts" sh -c "pdffonts rep/power.pdf | awk 'NR>2 && \$5 != \"yes\" {bad=1} END {exit bad}'"

# escaping of the label
ok "tex: label escaped" grep -qF '=gpu\_\allowbreak{}run 50\% \& \#1 \$x \textbackslash{} \{a\}' rep/summary.tex
ok "md: label escaped" grep -qF '=gpu\_run 50% & \#1 \$x \\ {a}' rep/summary.md
ok "csv: label quoted, formula defused" grep -qF "\"'=gpu_run 50% & #1 \$x \\ {a}\"" rep/summary.csv
ok "methods.tex: label escaped" grep -qF '=gpu\_run 50\% \& \#1 \$x \textbackslash{} \{a\}' rep/methods.tex
ok "methods.tex: cites its sources" sh -c "grep -q 'cite{electricitymaps}' rep/methods.tex && grep -q 'cite{epa2023vehicle}' rep/methods.tex"
ok "ctk.bib has every cited key" sh -c "for k in ctk electricitymaps epa2023vehicle anthony2020carbontracker; do grep -q \"{\$k,\" rep/ctk.bib || exit 1; done"
ok "methods.md: no raw label" sh -c '! grep -qF "$0" rep/methods.md' "$LABEL"
is "model card: co2_eq_emissions" "$(python3 -c "
import yaml; m=yaml.safe_load(open('rep/model-card.yaml'))['co2_eq_emissions']
print(m['emissions'], m['geographical_location'], m['hardware_used'], 'Electricity Maps' in m['source'])")" \
	"6.54 Germany (DE) 2 x NVIDIA A100-SXM4-40GB True"
is "predictions table rows" "$(tail -n +2 rep/predictions.csv | wc -l)" 8
near "car equivalent uses EPA 400 g/mile" "$(grep -o 'driving [0-9.]* km' rep/methods.md | cut -d' ' -f2)" \
	"$(python3 -c "print(6.54321/(400/1.609344))")" 0.005

# formats and options
ok "--formats csv writes only CSV" ctk report --db run.db --out only --formats csv
ok "  … summary.csv" test -s only/summary.csv
ok "  … no PDF, PNG, md or tex" sh -c '! ls only | grep -qE "\.(pdf|png|md|tex)$"'
ok "--formats png: PNGs only" sh -c 'ctk report --db run.db --out png --formats png && test -s png/power.png && ! ls png | grep -qE "\.pdf$"'
ok "unknown format refused with exit 1" sh -c 'ctk report --db run.db --out x --formats pdf,gif; test $? -eq 1'

# without intensity, CO2 or predictions: left out with notes, no zeros
sqlw run.db "delete from run_co2"
sqlw run.db "delete from predictions"
sqlw run.db "update runs set zone=NULL"
ok "report without CO2 data" ctk report --db run.db --out bare
ok "report again into the first directory" ctk report --db run.db --out rep
ok "  … stale prediction chart and table removed" sh -c 'test ! -e rep/prediction_error.png && test ! -e rep/predictions.csv && test -s rep/power.png'

pdftotext bare/report.pdf bare.txt
flat=$(tr -s ' \n' '  ' < bare.txt)
has "no CO2: noted" "not available: no stored CO2 result"
has "no PUE: noted" "PUE not applied"
has "no predictions: noted" "Prediction error after N epochs left out"
has "no intensity: noted" "Carbon intensity during the run left out"
is "summary.csv: CO2 empty, not 0" "$(python3 -c "import csv; print(repr(next(csv.DictReader(open('bare/summary.csv')))['co2_kg']))")" "''"
ok "no prediction chart" test ! -e bare/prediction_error.png
ok "model card says emissions are left out" grep -q '# emissions: left out' bare/model-card.yaml

# two hardware setups: the comparison chart and table
T=$CTK_DATA/training-profile-gpu-traces/titanx_power-trace_2gpu_2025-12-10-17-40-10.csv
cat > ep2.csv <<'CSV'
epoch,start,end
1,2025-12-10T17:40:20Z,2025-12-10T17:41:40Z
2,2025-12-10T17:41:40.5Z,2025-12-10T17:43:20Z
3,2025-12-10T17:43:20Z,2025-12-10T17:45:00.250Z
CSV
ok "import a Titan X run" ctk import nvidia-smi "$T" --db run.db --label titan
ok "its epochs" ctk import epochs ep2.csv --db run.db --run titan
ok "analyze both" ctk analyze --db run.db
ok "report both runs" ctk report --db run.db --out two
set -- $(python3 "$CTK_ROOT/tests/e2e/pnginfo.py" two/hardware_comparison.png)
ok "comparison chart has bars" test "$4" -gt 300
ok "per-run charts are named by run" sh -c 'test -s two/power_run1.png && test -s two/power_run2.png'
is "comparison table: two setups" "$(tail -n +2 two/comparison.csv | wc -l)" 2
done_testing
