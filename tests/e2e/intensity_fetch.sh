# ctk intensity fetch against tests/intensity_server.py on 127.0.0.1, which
# serves the recorded UK Carbon Intensity API responses (vcr cassettes) and
# the Electricity Maps v3 response from $CTK_DATA, plus failures: 503 then
# OK, 429 then OK, always 500, a body cut mid-transfer, a slow response, and
# a complete response with cut JSON. Retries are bounded and counted by the
# server; nothing else is contacted; the token never shows.
. "$CTK_ROOT/tests/e2e/lib.sh"
# sqlite3's shell when present (python3 starts slowly on a loaded machine), else lib.sh's sql
if command -v sqlite3 >/dev/null 2>&1; then sql() { sqlite3 -batch -noheader "$1" "$2"; }; fi
CAS=$CTK_DATA/uk-carbon-intensity-api/intensegRid-vcr-cassettes
CTK_SERVER_LOG=$PWD/server.log
export CTK_SERVER_LOG
python3 "$CTK_ROOT/tests/intensity_server.py" port 2>server.err &
srv=$!
trap 'kill $srv 2>/dev/null' EXIT
i=0
while [ ! -s port ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
ok "test server started (cassette bodies match their content-length)" test -s port
U=http://127.0.0.1:$(cat port)
F="--from 2020-01-01T00:00Z --to 2020-01-03T00:00Z --backoff 10ms"

# national: the gb_with_dates body, 96 half-hours (python from the cassette)
want=$(python3 -c "
import re,sys
t=open(sys.argv[1]).read()
print(len(re.findall(r'\"from\"', t)))" "$CAS/gb_with_dates.yml")
ctk intensity fetch --source uk --zone GB $F --db uk.db --base-url "$U" >out.txt 2>&1
is "uk: exit 0" "$?" "0"
is "uk: values = periods in the recording" "$(sql uk.db "SELECT count(*) FROM intensity")" "$want"
is "uk: first and last period" "$(sql uk.db "SELECT min(start_ns)||' '||max(end_ns) FROM intensity")" "1577835000000000000 1578007800000000000"
is "uk: zone, source, kind, 30 min" "$(sql uk.db "SELECT zone||' '||source||' '||kind||' '||resolution_s FROM intensity_series")" "GB fetch:uk history 1800"
is "uk: the URL asked" "$(head -1 server.log)" "ok /intensity/2020-01-01T00:00Z/2020-01-03T00:00Z"
# regional by id and by postcode: forecast only
ctk intensity fetch --source uk-regional --zone 13 $F --db uk.db --base-url "$U" >/dev/null 2>&1
ctk intensity fetch --source uk-regional --zone EN2 --from 2019-01-01T00:00Z --to 2019-01-03T00:00Z --db uk.db --base-url "$U" >/dev/null 2>&1
is "uk-regional: London GB-R13, EN2, all forecast" "$(sql uk.db "SELECT group_concat(zone||':'||kind||':'||n||':'||e) FROM (SELECT zone, kind, count(*) n, sum(estimated) e FROM intensity JOIN intensity_series USING(series_id) WHERE zone != 'GB' GROUP BY zone ORDER BY zone)")" "GB-EN2:forecast:96:96,GB-R13:forecast:96:96"
is "uk-regional: first London forecast 199" "$(sql uk.db "SELECT cast(g_per_kwh AS INTEGER) FROM intensity JOIN intensity_series USING(series_id) WHERE zone='GB-R13' ORDER BY start_ns LIMIT 1")" "199"

# long range: 30 days = 3 pages of at most 14 days (the API's limit)
ctk intensity fetch --source uk --zone GB --from 2020-01-01T00:00Z --to 2020-01-31T00:00Z --db pages.db --base-url "$U" >out.txt 2>&1
is "30 days: 3 more requests" "$(grep -c '^ok /intensity/' server.log)" "4"
is "30 days: pages split at 14 days" "$(grep '^ok /intensity/' server.log | tail -3 | tr '\n' ' ')" "ok /intensity/2020-01-01T00:00Z/2020-01-15T00:00Z ok /intensity/2020-01-15T00:00Z/2020-01-29T00:00Z ok /intensity/2020-01-29T00:00Z/2020-01-31T00:00Z "

# Electricity Maps: token from the environment only, sent as a header
ELECTRICITYMAPS_TOKEN= ctk intensity fetch --source electricitymaps --zone US-MIDW-MISO --from 2024-11-30T06:00Z --to 2024-12-01T06:00Z --db em.db --base-url "$U" 2>err.txt >/dev/null
is "em without token: usage error" "$?" "1"
ELECTRICITYMAPS_TOKEN=tok-123 ctk intensity fetch --source electricitymaps --zone US-MIDW-MISO --from 2024-11-30T06:00Z --to 2024-12-01T06:00Z --db em.db --base-url "$U" >out.txt 2>&1
is "em: exit 0" "$?" "0"
is "em: 24 values, 8 estimated" "$(sql em.db "SELECT count(*)||' '||sum(estimated) FROM intensity")" "24 8"
ok "em: token not in output" sh -c "! grep -q tok-123 out.txt err.txt"
ok "em: token not in the store" sh -c "! grep -qa tok-123 em.db"
ok "em: token not in the URL" sh -c "! grep -q tok-123 server.log"
ELECTRICITYMAPS_TOKEN=wrong ctk intensity fetch --source electricitymaps --zone US-MIDW-MISO --from 2024-11-30T06:00Z --to 2024-12-01T06:00Z --db em.db --base-url "$U" 2>err.txt >/dev/null
is "em bad token: exit 3" "$?" "3"
ok "em bad token: says HTTP 401" grep -q "HTTP 401 (check ELECTRICITYMAPS_TOKEN)" err.txt
ok "em bad token: wrong token not shown" sh -c "! grep -q wrong err.txt"

# eds (synthetic records, see tests/data/README.md): --zone picks the price area
ctk intensity fetch --source eds --zone DK2 --from 2023-03-14T00:00Z --to 2023-03-14T00:30Z --db eds.db --base-url "$U" >/dev/null 2>&1
is "eds: DK2 only" "$(sql eds.db "SELECT zone||' '||count(*)||' '||cast(sum(g_per_kwh) AS INTEGER) FROM intensity JOIN intensity_series USING(series_id)")" "DK-DK2 6 555"

# failures and retries
ctk intensity fetch --source uk --zone GB $F --db r.db --base-url "$U/m/flaky" >/dev/null 2>err.txt
is "503 twice then OK: exit 0 after 2 retries" "$? $(grep -c 'HTTP 503; retrying' err.txt)" "0 2"
ctk intensity fetch --source uk --zone GB $F --db r.db --base-url "$U/m/r429" >/dev/null 2>err.txt
is "429 then OK" "$? $(grep -c 'HTTP 429; retrying' err.txt)" "0 1"
before=$(sql r.db "SELECT count(*) FROM intensity")
ctk intensity fetch --source uk --zone GB $F --db r.db --base-url "$U/m/e500" --retries 2 >/dev/null 2>err.txt
is "always 500: exit 3" "$?" "3"
is "always 500: 3 requests, no more" "$(grep -c '^e500 ' server.log)" "3"
ok "always 500: gave up" grep -q "HTTP 500 (gave up after 3 tries)" err.txt
ctk intensity fetch --source uk --zone GB $F --db r.db --base-url "$U/m/trunc" --retries 1 >/dev/null 2>err.txt
is "body cut mid-transfer: exit 3 after 2 tries" "$? $(grep -c '^trunc ' server.log)" "3 2"
ctk intensity fetch --source uk --zone GB $F --db r.db --base-url "$U/m/badjson" >/dev/null 2>err.txt
is "complete response, cut JSON: exit 2" "$?" "2"
ok "cut JSON: message names the URL" grep -q "^ctk intensity: '$U/m/badjson/intensity/2020-01-01T00:00Z/2020-01-03T00:00Z' byte [0-9]*: not valid JSON (truncated?)$" err.txt
ctk intensity fetch --source uk --zone GB $F --db r.db --base-url "$U/m/slow" --timeout 500ms --retries 1 >/dev/null 2>err.txt
is "slow response: timeout, exit 3" "$?" "3"
ok "slow response: says timeout" grep -q "Timeout was reached (gave up after 2 tries)" err.txt
is "failures left the store unchanged" "$(sql r.db "SELECT count(*) FROM intensity")" "$before"
ctk intensity fetch --source uk --zone GB $F --db r.db --base-url "http://example.com" 2>err.txt >/dev/null
is "plain http to another host: refused before connecting" "$?" "1"
ctk intensity fetch --source uk --zone GB $F --db r.db --base-url "$U/m/e404" 2>err.txt >/dev/null
is "404: exit 3, no retry" "$? $(grep -c '^e404 ' server.log)" "3 1"
done_testing
