# Embodied emissions and water (issue 17): two A100s for 2 h (BLOOM's 150 kg
# CO2e, 6 years, 85 % use) and an H100 for 1.5 h (no sourced value: "not
# estimated", never 0); known answers by hand (device-hours x factor /
# lifetime), overrides, water (WUE x IT, intensity x IT x PUE), text, JSON,
# store, bad values, ctk config, and the report (summary, methods, ctk.bib).
. "$CTK_ROOT/tests/e2e/lib.sh"

python3 - <<'PY'
from datetime import datetime, timedelta, timezone
t0 = datetime(2023, 3, 1, 0, 0, tzinfo=timezone.utc)
def run(path, name, gpus, seconds, watts):
    with open(path, "w") as f:
        f.write("timestamp, name, index, power.draw [W]\n")
        for s in range(0, seconds + 1, 60):
            t = (t0 + timedelta(seconds=s)).strftime("%Y/%m/%d %H:%M:%S.000")
            for i in range(gpus):
                f.write("%s, %s, %d, %.2f W\n" % (t, name, i, watts[i]))
run("a100.csv", "NVIDIA A100-SXM4-40GB", 2, 7200, [200.0, 100.0])
run("h100.csv", "NVIDIA H100 80GB HBM3", 1, 5400, [300.0])
PY
ok "import the A100 run" ctk import nvidia-smi a100.csv --db e.db --tz UTC
ok "import the H100 run" ctk import nvidia-smi h100.csv --db e.db --tz UTC
ctk analyze --db e.db > an.txt 2>&1
ctk analyze --db e.db --json > an.json 2>&1
ok "analyze JSON follows schemas/analyze.schema.json" python3 "$CTK_ROOT/tests/e2e/jsonschema.py" "$CTK_ROOT/schemas/analyze.schema.json" an.json
j() { python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['runs'][int(sys.argv[2])]; v=eval(sys.argv[3]); print('null' if v is None else v)" "$@"; }

# by hand: each A100 2 h; 150 kg x 2 h / (6 x 8760 h x 0.85) = 300/44676 kg = 6.71502 g; two GPUs 13.43003 g
near "A100 run: embodied = 2 x 150 kg x 2 h / (6 y x 8760 h x 0.85)" "$(j an.json 0 "r['embodied']['co2_g']")" 13.43003 1e-5
near "A100 run: one GPU's share" "$(j an.json 0 "r['embodied']['devices'][0]['co2_g']")" 6.715015 1e-5
near "A100 run: 4 GPU-hours" "$(j an.json 0 "r['embodied']['gpu_hours']")" 4 1e-12
is "A100 run: source is BLOOM's" "$(j an.json 0 "r['embodied']['devices'][1]['source']")" luccioni2023bloom
is "stored: run_footprint.embodied_co2_g" "$(sql e.db "select round(embodied_co2_g, 4) from run_footprint where run_id = 1")" 13.43
is "stored: two device_embodied rows of the A100 run" "$(sql e.db "select count(*) from device_embodied where run_id = 1 and co2_g > 0")" 2
ok "text: embodied CO2 of the A100 run" grep -q "embodied CO2: 13.430 g over 4.000 GPU-hours" an.txt

# the H100 has no sourced value: not estimated in every output, never 0
is "H100 run: JSON embodied co2_g is null" "$(j an.json 1 "r['embodied']['co2_g']")" null
is "H100 run: JSON device co2_g is null" "$(j an.json 1 "r['embodied']['devices'][0]['co2_g']")" null
ok "H100 run: JSON note says not estimated" sh -c "python3 -c \"import json; print(json.load(open('an.json'))['runs'][1]['embodied']['note'])\" | grep -q \"not estimated: no sourced footprint for 'NVIDIA H100 80GB HBM3'\""
ok "H100 run: text says not estimated" grep -q "embodied CO2: not estimated: no sourced footprint for 'NVIDIA H100 80GB HBM3'" an.txt
is "H100 run: stored NULL, not 0" "$(sql e.db "select embodied_co2_g is null from run_footprint where run_id = 2")" 1
is "H100 run: stored device row NULL" "$(sql e.db "select co2_g is null and note like 'not estimated%' from device_embodied where run_id = 2")" 1

# water unknown without values: said so, null
is "water not given: total null" "$(j an.json 0 "r['water']['total_l']")" null
ok "water not given: text says not estimated" grep -q "water: not estimated: on-site water not estimated (no WUE given" an.txt

# overrides: --embodied-kg, --lifetime, --utilisation on the H100; water with PUE
# by hand: 1.5 h x 1000 kg / (4 y x 8760 h x 0.5) = 1500/17520 kg = 85.61644 g
# energy 300 W x 1.5 h = 0.45 kWh; on-site 1.8 x 0.45 = 0.81 L; off-site 3.0 x 0.45 x 1.2 = 1.62 L
ok "analyze the H100 with overrides" sh -c "ctk analyze --db e.db --run 2 --json --embodied-kg 1000 --lifetime 4 --utilisation 0.5 --wue 1.8 --water-intensity 3 --pue 1.2 > o.json"
near "override: 1000 kg x 1.5 h / (4 y x 8760 h x 0.5)" "$(j o.json 0 "r['embodied']['co2_g']")" 85.61644 1e-5
is "override: source is user" "$(j o.json 0 "r['embodied']['devices'][0]['source']")" user
near "water on-site = 1.8 L/kWh x 0.45 kWh" "$(j o.json 0 "r['water']['onsite_l']")" 0.81 1e-9
near "water off-site = 3 L/kWh x 0.45 kWh x PUE 1.2" "$(j o.json 0 "r['water']['offsite_l']")" 1.62 1e-9
near "water total" "$(j o.json 0 "r['water']['total_l']")" 2.43 1e-9
is "overrides stored in analysis_settings" "$(sql e.db "select embodied_kg || ' ' || lifetime_years || ' ' || utilisation || ' ' || wue_l_per_kwh || ' ' || water_l_per_kwh from analysis_settings where run_id = 2")" "1000.0 4.0 0.5 1.8 3.0"
ok "stored overrides reused by a later analyze" sh -c "ctk analyze --db e.db --run 2 --json > o2.json"
near "reused: same embodied" "$(j o2.json 0 "r['embodied']['co2_g']")" 85.61644 1e-5
is "stored water total" "$(sql e.db "select round(water_l, 6) from run_footprint where run_id = 2")" 2.43

# the other source of the table: Chien et al. (318 kg, server share) needs a lifetime and use;
# --embodied-source is stored with the run, so the next analyze uses it too
ok "chien2023hotcarbon without lifetime: not estimated" sh -c "ctk analyze --db e.db --run 1 --embodied-source chien2023hotcarbon | grep -q 'not estimated: the footprint of .NVIDIA A100-SXM4-40GB. comes without a lifetime'"
# by hand: 318 kg x 2 h / (5 y x 8760 h x 0.5) = 636/21900 kg = 29.04110 g per GPU, 58.08219 g both
ok "chien2023hotcarbon with lifetime and use" sh -c "ctk analyze --db e.db --run 1 --lifetime 5 --utilisation 0.5 --json > c.json"
near "chien2023hotcarbon: 2 x 318 kg x 2 h / (5 y x 8760 h x 0.5)" "$(j c.json 0 "r['embodied']['co2_g']")" 58.08219 1e-5

# ctk config shows and sets them (the same checks as the flags)
ok "ctk config shows the stored WUE" sh -c "ctk config --db e.db 2 | grep -qx 'wue=1.8'"
ok "ctk config --json: the stored WUE, and null for what is not set" sh -c "ctk config --db e.db 2 --json > cfg.json && python3 '$CTK_ROOT/tests/e2e/jsonschema.py' '$CTK_ROOT/schemas/config.schema.json' cfg.json && python3 -c \"import json; s=json.load(open('cfg.json'))['settings']; assert s['wue_l_per_kwh'] == 1.8 and s['embodied_source'] is None\""
ok "ctk config clears it" ctk config --db e.db 2 wue=
is "cleared: NULL in the store" "$(sql e.db "select wue_l_per_kwh is null from analysis_settings where run_id = 2")" 1
ctk config --db e.db 2 utilisation=2 2>/dev/null; is "ctk config utilisation=2: exit 2" "$?" 2

# bad values: usage errors naming the option
ctk analyze --db e.db --utilisation 1.5 2> u.err; is "--utilisation 1.5: exit 1" "$?" 1
ok "--utilisation 1.5: message names the option" grep -q "ctk analyze: --utilisation '1.5': not a share in (0, 1]" u.err
ctk analyze --db e.db --lifetime 0 2>/dev/null; is "--lifetime 0: exit 1" "$?" 1
ctk analyze --db e.db --wue -2 2>/dev/null; is "--wue -2: exit 1" "$?" 1

# a missing bundled table: every GPU not estimated, said so (analyze still works)
mkdir nodata
ok "analyze without the bundled table" sh -c "CTK_DATA_DIR=\$PWD/nodata ctk analyze --db e.db --run 1 --embodied-source luccioni2023bloom > m.txt"
ok "without the table: not estimated, said so" grep -q "embodied CO2: not estimated: the bundled embodied table 'embodied.csv' was not found" m.txt
# the report: totals by scope on the summary page, methods, ctk.bib
ok "ctk config clears the H100's overrides" ctk config --db e.db 2 embodied_kg= lifetime= utilisation= water_intensity=
ok "ctk config clears the A100's (back to the table's first row)" ctk config --db e.db 1 embodied_source= lifetime= utilisation=
ok "analyze again" ctk analyze --db e.db
ok "report" ctk report --db e.db --out rep --formats pdf,tex,md
pdftotext -layout rep/report.pdf rep.txt 2>/dev/null
ok "report.pdf: A100 totals by scope with the embodied CO2 in kg" grep -q "Totals by scope *operational CO2 not known, embodied CO2 0.0134 kg CO2e, water not" rep.txt
ok "report.pdf: H100 embodied not estimated, in words" grep -q "Totals by scope *operational CO2 not known, embodied CO2 not estimated, water not estimated" rep.txt
ok "report.pdf: the H100's reason" grep -q "not estimated: no sourced footprint for 'NVIDIA H100 80GB HBM3'" rep.txt
ok "methods: the A100's embodied CO2 with BLOOM's values and citation" grep -q "0.0134 kg CO2e over 4.00 GPU-hours, from 150 kg CO2e per GPU covering GPU board.*a lifetime of 6 years at 85 % use \\[@luccioni2023bloom\\]" rep/methods.md
ok "methods: the H100 not estimated" grep -q "Embodied emissions were not estimated: no sourced footprint for 'NVIDIA H100 80GB HBM3'\. " rep/methods.md
ok "methods: no command-line flag in the embodied and water prose" python3 -c "
import re, sys
t = open('rep/methods.md').read()
s = re.findall(r'(?:Embodied emissions|Water)[^.]*\\.', t)
sys.exit(0 if len(s) == 4 and not any('--' in x for x in s) else 1)"
ok "methods.tex cites the source" grep -q "cite{luccioni2023bloom}" rep/methods.tex
for k in $(python3 -c "import csv; print(' '.join(sorted({r['source'] for r in csv.DictReader(open('$CTK_ROOT/data/embodied.csv'))})))") li2023thirsty; do
	ok "ctk.bib has the table's source '$k'" grep -q "{$k," rep/ctk.bib
done
if command -v pdflatex >/dev/null 2>&1; then
	ok "LaTeX compiles with the new citations" sh "$CTK_ROOT/tests/latex/compile.sh" rep
else
	skip "LaTeX compiles with the new citations" "pdflatex not installed"
fi
done_testing
