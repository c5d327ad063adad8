# ctk intensity default: the bundled yearly table (data/intensity-yearly.csv,
# built from co2js/average-intensities.json (Ember) and carbontracker's OWID
# tables): value, source and year; --store as a 'yearly' series; found next
# to an installed binary (../share/ctk) and through CTK_DATA_DIR.
. "$CTK_ROOT/tests/e2e/lib.sh"
# sqlite3's shell when present (python3 starts slowly on a loaded machine), else lib.sh's sql
if command -v sqlite3 >/dev/null 2>&1; then sql() { sqlite3 -batch -noheader "$1" "$2"; }; fi
# independent: Ember via co2.js for DEU
want=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1]))['DEU']; print(d['year'], d['emissions_intensity_gco2_per_kwh'])" "$CTK_DATA/co2js/average-intensities.json")
set -- $want
is "DE: latest year, Ember value, source" "$(ctk intensity default --zone DE)" "DE $1: $2 gCO2/kWh (yearly average; Ember yearly average via co2.js, CC BY-SA 4.0)"
# OWID via carbontracker's 2022-12 export for France 2019
want=$(python3 -c "
import csv,sys
print([r for r in csv.DictReader(open(sys.argv[1])) if r['Code']=='FRA' and r['Year']=='2019'][0]['Carbon intensity of electricity (gCO2/kWh)'])" "$CTK_DATA/carbontracker/carbon-intensity-electricity_owid_2022-12.csv")
is "FR 2019: OWID value" "$(python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(d['year'], d['g_per_kwh'], d['source'])" "$(ctk intensity default --zone FR --year 2019 --json)")" "2019 $(python3 -c "print(float('$want'))") Our World in Data via carbontracker, CC BY 4.0"
ok "year not in the table: nearest earlier, said so" sh -c "ctk intensity default --zone DE --year 2009 | grep -q 'note: no value for 2009; the nearest year in the table is 2010'"
ok "DK-DK1 falls back to DK" sh -c "ctk intensity default --zone DK-DK1 | grep -q '; country of DK-DK1)'"
ctk intensity default --zone QQ >/dev/null 2>err.txt
is "unknown zone: exit 2" "$?" "2"
ctk intensity default --zone DE --year 2023 --store --db y.db >/dev/null
is "stored: one yearly value over 2023" "$(sql y.db "SELECT kind||' '||year||' '||zone||' '||g_per_kwh||' '||start_ns||' '||end_ns FROM intensity JOIN intensity_series USING(series_id)")" \
	"yearly 2023 DE $(python3 -c "
import csv,sys
print([r for r in csv.DictReader(open(sys.argv[1])) if r['alpha-2']=='DE'][0]['Carbon intensity of electricity (gCO2/kWh)'])" "$CTK_DATA/carbontracker/carbon-intensities.csv") 1672531200000000000 1704067200000000000"
ok "stored: source and table recorded" sh -c "test \"\$(python3 -c \"import sqlite3; print(sqlite3.connect('y.db').execute('select source, path like \\'%intensity-yearly.csv\\' from intensity_series').fetchone())\")\" = \"('Our World in Data via carbontracker, CC BY 4.0', 1)\""
# installed layout: bin/ and share/ctk/ side by side, no repo around
mkdir -p inst/bin inst/share/ctk
cp "$CTK_BIN/ctk" "$CTK_BIN/ctk-analyze" inst/bin/
cp "$CTK_ROOT/data/intensity-yearly.csv" inst/share/ctk/
ok "installed: table found in ../share/ctk" sh -c "inst/bin/ctk intensity default --zone DE | grep -q '^DE '"
mkdir alt && printf 'zone,year,g_per_kwh,source\nDE,2024,1.5,test\n' > alt/intensity-yearly.csv
is "CTK_DATA_DIR overrides" "$(CTK_DATA_DIR=$PWD/alt ctk intensity default --zone DE)" "DE 2024: 1.5 gCO2/kWh (yearly average; test)"
done_testing
