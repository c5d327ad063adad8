# The time join Σ E_i × CI(t_i) (analyze/join.c through `ctk intensity
# join`): a synthetic energy series against the real DE_2023_hourly.csv,
# checked against an independent python3 computation from the raw file;
# gaps and fill policies, overlap preference (actual over forecast, newer
# over older), and the marginal/average rule.
. "$CTK_ROOT/tests/e2e/lib.sh"
# sqlite3's shell when present (python3 starts slowly on a loaded machine), else lib.sh's sql
if command -v sqlite3 >/dev/null 2>&1; then sql() { sqlite3 -batch -noheader "$1" "$2"; }; fi
# near and arithmetic with awk (doubles, strtod) for the same reason
near() {
	n=$((n + 1))
	if awk -v g="$2" -v w="$3" -v t="$4" 'BEGIN { d = g - w; if (d < 0) d = -d; a = w < 0 ? -w : w; exit !(d <= t * a) }'; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1: got $2, want $3 (rel tol $4)"; failed=$((failed + 1))
	fi
}
calc() { awk "BEGIN { printf \"%.17g\n\", $1 }"; }
# g FIELD: a field of got.json (flat object of numbers and strings), without python
g() { tr ',{}' '\n\n\n' < got.json | sed -n "s/^\"$1\":\"\{0,1\}\([^\"]*\)\"\{0,1\}\$/\1/p"; }
EM=$CTK_DATA/electricitymaps
UK=$CTK_DATA/uk-carbon-intensity-api/nmpowell-national-pt24h

ctk intensity import "$EM/DE_2023_hourly.csv" --db de.db >/dev/null 2>&1

# Synthetic energy: 37 h from 2023-03-25T21:07:13Z, intervals of 7 min 30 s
# (not aligned with the hours), power 300 + 200·sin(i/10) W, plus one
# instant (zero-length) interval with 500 J at 2023-03-26T05:30:00Z.
python3 - "$EM/DE_2023_hourly.csv" <<'PY'
import csv, math, sys, datetime as dt
ci = {}
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")):
    t = int(dt.datetime.strptime(r["Datetime (UTC)"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.timezone.utc).timestamp())
    ci[t] = float(r["Carbon Intensity gCO₂eq/kWh (LCA)"])
t0 = int(dt.datetime(2023, 3, 25, 21, 7, 13, tzinfo=dt.timezone.utc).timestamp())
iv = []
t = t0
for i in range(int(37 * 3600 / 450)):
    p = 300 + 200 * math.sin(i / 10)
    iv.append((t, t + 450, p * 450))
    t += 450
inst = int(dt.datetime(2023, 3, 26, 5, 30, tzinfo=dt.timezone.utc).timestamp())
iv.append((inst, inst, 500.0))
co2 = 0.0
E = 0.0
for s, e, en in iv:
    E += en
    if s == e:
        co2 += en / 3.6e6 * ci[s - s % 3600]
        continue
    h = s - s % 3600
    while h < e:
        a, b = max(s, h), min(e, h + 3600)
        co2 += en * (b - a) / (e - s) / 3.6e6 * ci[h]
        h += 3600
first, last = t0, t
tm = 0.0
h = first - first % 3600
while h < last:
    a, b = max(first, h), min(last, h + 3600)
    tm += ci[h] * (b - a)
    h += 3600
with open("energy.csv", "w") as f:
    f.write("start,end,energy_j\n")
    for s, e, en in iv:
        f.write(f"{s},{e},{en!r}\n")
with open("want.txt", "w") as f:
    f.write(f"{co2!r} {E!r} {co2 / (E / 3.6e6)!r} {tm / (last - first)!r}\n")
PY
ctk intensity join energy.csv --db de.db --zone DE --json > got.json
set -- $(cat want.txt)
near "DE 2023: CO2 = python's sum over hours" "$(g co2_g)" "$1" 1e-9
near "DE 2023: energy" "$(g energy_j)" "$2" 1e-12
near "DE 2023: energy-weighted mean intensity" "$(g mean_g_per_kwh_energy)" "$3" 1e-9
near "DE 2023: plain time mean over the run span" "$(g mean_g_per_kwh_time)" "$4" 1e-9
is "DE 2023: no energy without intensity" "$(g missing_share)" "0"
is "DE 2023: lifecycle picked" "$(g signal)" "lifecycle"
ok "text output names both means" sh -c "ctk intensity join energy.csv --db de.db --zone DE | grep -q 'g/kWh energy-weighted, .* g/kWh plain time mean'"

# Gap past the end of 2023: 1 kWh over 2023-12-31T22:00Z..2024-01-01T02:00Z.
# Stored: 22:00 188.8, 23:00 192.64 (last two rows of the file).
printf 'start,end,energy_j\n2023-12-31T22:00:00Z,2024-01-01T02:00:00Z,3600000\n' > gap.csv
ctk intensity join gap.csv --db de.db --zone DE --json > got.json
near "gap: CO2 of the covered half" "$(g co2_g)" "$(calc '0.25*188.8+0.25*192.64')" 1e-12
is "gap: half the energy has no intensity" "$(g missing_share)" "0.5"
ctk intensity join gap.csv --db de.db --zone DE --fill previous --json > got.json
near "fill previous: rest at 192.64" "$(g co2_g)" "$(calc '0.25*188.8+0.25*192.64+0.5*192.64')" 1e-12
is "fill previous: filled share, nothing missing" "$(g filled_share) $(g missing_share)" "0.5 0"
ok "fill previous: says so" sh -c "ctk intensity join gap.csv --db de.db --zone DE --fill previous | grep -q 'priced by --fill previous: 50%'"
ctk intensity join gap.csv --db de.db --zone DE --fill default 2>/dev/null >/dev/null
is "fill default without a yearly value: usage error" "$?" "1"
ctk intensity default --zone DE --year 2024 --store --db de.db >/dev/null
ctk intensity join gap.csv --db de.db --zone DE --fill default --json > got.json
near "fill default: stored yearly DE 2024 (Ember 342.06)" "$(g co2_g)" "$(calc '0.25*188.8+0.25*192.64+0.5*342.06')" 1e-12
ctk intensity join gap.csv --db de.db --zone DE --fill default --default 400 --json > got.json
near "fill default --default 400" "$(g co2_g)" "$(calc '0.25*188.8+0.25*192.64+0.5*400')" 1e-12
near "time mean ignores fill" "$(g mean_g_per_kwh_time)" "$(calc '(188.8+192.64)/2')" 1e-12

# Overlap: nmpowell files 1 and 2 both hold 2023-03-15T00:00Z; file 1 has
# only the forecast 185, file 2 the actual 184. Actual wins in either order.
printf 'start,end,energy_j\n2023-03-15T00:00:00Z,2023-03-15T00:30:00Z,3600000\n' > ovl.csv
ctk intensity import "$UK/2023-03-16T0001Z.json" "$UK/2023-03-15T0031Z.json" --db uk.db >/dev/null 2>&1
ctk intensity join ovl.csv --db uk.db --zone GB --json > got.json
is "overlap: actual 184 beats the newer forecast 185" "$(g co2_g)" "184"
is "overlap: nothing estimated" "$(g estimated_j)" "0"
# the gap 2023-03-17T00:00Z..00:30Z, with the previous value 91 (forecast, last of file 3)
ctk intensity import "$UK/2023-03-17T0001Z.json" "$UK/2023-03-18T0031Z.json" --db uk.db >/dev/null 2>&1
printf 'start,end,energy_j\n2023-03-16T23:30:00Z,2023-03-17T01:00:00Z,5400000\n' > ukgap.csv
ctk intensity join ukgap.csv --db uk.db --zone GB --json > got.json
near "uk gap: a third of the energy without intensity" "$(g missing_share)" "$(calc '1/3')" 1e-12
near "uk gap: CO2 = 0.5 kWh x 91 (forecast) + 0.5 kWh x 84 (actual)" "$(g co2_g)" "87.5" 1e-12
near "uk gap: estimated energy = the forecast half-hour" "$(g estimated_j)" "1800000" 1e-12
# newer over older: two measured generic series for zone X, the later import wins
printf 'time,value\n2023-01-01T00:00Z,100\n2023-01-01T01:00Z,100\n2023-01-01T02:00Z,100\n' > old.csv
printf 'time,value\n2023-01-01T01:00Z,300\n2023-01-01T02:00Z,300\n' > new.csv
ctk intensity import old.csv --db x.db --zone X >/dev/null 2>&1
ctk intensity import new.csv --db x.db --zone X >/dev/null 2>&1
printf 'start,end,energy_j\n2023-01-01T00:00:00Z,2023-01-01T03:00:00Z,10800000\n' > x.csv
ctk intensity join x.csv --db x.db --zone X --json > got.json
near "newer series wins: 100 + 300 + 300" "$(g co2_g)" "700" 1e-12

# Never mix marginal and average
ctk intensity import "$CTK_DATA/watttime-vessim/watttime2023_caiso-north_actual.csv" --db x.db --zone X --unit g/kWh --tz UTC >/dev/null 2>&1
ctk intensity join x.csv --db x.db --zone X --signal lifecycle,marginal 2>err.txt >/dev/null
is "mixing marginal and average: usage error" "$?" "1"
ok "mixing: message" grep -q "never mix marginal and average signals in one number" err.txt
ctk intensity join x.csv --db x.db --zone X --signal marginal --fill default --default 300 2>err.txt >/dev/null
is "marginal with a yearly-average fill: refused" "$?" "1"
ctk intensity join x.csv --db x.db --zone X --json > got.json
is "average picked by default even with marginal stored" "$(g signal)" "lifecycle"
ctk intensity import "$CTK_DATA/watttime-vessim/watttime2023_caiso-north_actual.csv" --db m.db --unit g/kWh --tz UTC >/dev/null 2>&1
ctk intensity join x.csv --db m.db --zone CAISO_NORTH 2>err.txt >/dev/null
is "only marginal stored: must be asked for" "$?" "1"
printf 'start,end,energy_j\n2023-06-08T00:00:00Z,2023-06-08T00:10:00Z,3600000\n' > m.csv
ctk intensity join m.csv --db m.db --zone CAISO_NORTH --signal marginal --json > got.json
near "marginal: two 5-min values" "$(g co2_g)" "$(calc '(425.01605069+432.27352861)/2')" 1e-12
done_testing
