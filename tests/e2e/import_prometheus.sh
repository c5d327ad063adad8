# ctk import prometheus on a DCGM-exporter-shaped query_range response
# (tests/data/prometheus/dcgm-query_range.json, synthetic, published API
# format): per-device energy from the mJ counter worked out by hand, a
# counter reset counted on, NaN as a gap (never 0), the API's errors as
# one-line errors with nothing stored, units by metric name or --unit, and
# --url against a local server (loopback http only with the test flag).
. "$CTK_ROOT/tests/e2e/lib.sh"
D=$CTK_ROOT/tests/data/prometheus
J=$D/dcgm-query_range.json

ctk import prometheus --db p.db --file "$J" >out.txt 2>err.txt
is "dcgm response: exit 0" "$?" 0
is "one run, source import:prometheus" "$(sql p.db "select count(*) || ' ' || source from runs")" "1 import:prometheus"
is "run host from the Hostname label" "$(sql p.db 'select host from runs')" node01
is "two devices keyed by UUID, index from the gpu label" \
	"$(sql p.db "select group_concat(idx || '=' || uuid, ' ') from (select * from devices order by idx)")" \
	"0=GPU-8d3b2c5e-0000-4000-8000-00000000a100 1=GPU-8d3b2c5e-0000-4000-8000-00000000a101"
is "device name from modelName, vendor nvidia" "$(sql p.db "select distinct name || '/' || vendor from devices")" "NVIDIA A100-SXM4-40GB/nvidia"
ok "counter reset reported" grep -q "1 counter reset" err.txt
ctk analyze --db p.db --json > an.json
# by hand: GPU 0 counter 1 000 000 000 -> 1 015 000 000 mJ = 15 000 J (its NaN at
# +45 s is no reading: the counter's next value holds that time's energy);
# GPU 1 2 000 000 -> 2 003 000 mJ (3 J), reset to 500 (0.5 J after the
# reset), -> 3 500 -> 6 500 (6 J): 9.5 J
got=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['runs'][0]; print(' '.join('%s:%.6f' % (d['idx'], d['energy_j']) for d in r['devices']), r['devices'][0]['method'])" an.json)
is "energy per GPU from the counters (15000 J, 9.5 J)" "$got" "0:15000.000000 1:9.500000 counter"

ctk import prometheus --db p.db --file "$J" >out2.txt 2>&1
ok "the same response again is skipped" grep -q "already imported" out2.txt
ctk import auto "$J" --db auto.db >/dev/null 2>err.txt
ok "auto: a saved response is recognised" grep -q "format prometheus" err.txt

# NaN in a power-only series is a gap: 100 W at 0,10,_,30,40 s gives
# 100*10 + 100*10 = 2000 J (were NaN 0 W, the trapezoid would give 3000 J)
cat > nan.json <<'J'
{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"DCGM_FI_DEV_POWER_USAGE","gpu":"0","UUID":"GPU-x","Hostname":"h"},"values":[[1700000000,"100"],[1700000010,"100"],[1700000020,"NaN"],[1700000030,"100"],[1700000040,"100"]]}]}}
J
ctk import prometheus --db nan.db --file nan.json >/dev/null 2>&1
ctk analyze --db nan.db --json > nan-an.json
is "NaN power is a gap, not 0 W (2000 J)" "$(python3 -c "import json,sys; print('%.3f' % json.load(open(sys.argv[1]))['runs'][0]['energy_j'])" nan-an.json)" 2000.000

# errors: one line naming the file, exit 2, nothing stored
bad() { # NAME FILE WANT-IN-MESSAGE [OPTIONS]
	name=$1 f=$2 want=$3; shift 3
	rm -f bad.db
	ctk import prometheus --db bad.db --file "$f" "$@" >/dev/null 2>err.txt
	is "$name: exit 2" "$?" 2
	case "$(cat err.txt)" in *"'$f'"*"$want"*) r=ok ;; *) r="$(cat err.txt)" ;; esac
	is "$name: message names the file and the cause" "$r" ok
	is "$name: one line" "$(wc -l < err.txt)" 1
	ok "$name: nothing stored (no store file left)" test ! -e bad.db
}
printf '{"status":"error","errorType":"bad_data","error":"invalid parameter \\"query\\": parse error"}\n' > err.json
bad "status error" err.json "bad_data"
printf '{"status":"success","data":{"resultType":"vector","result":[]}}\n' > vec.json
bad "instant query" vec.json "not 'matrix'"
sed 's/DCGM_FI_DEV_POWER_USAGE/node_hwmon_power_watts/' nan.json > unk.json
bad "unknown metric" unk.json "'node_hwmon_power_watts' has no known unit"
sed 's/"100"/"+Inf"/' nan.json > inf.json
bad "infinite value" inf.json "'+Inf' at 1700000000.000: not a number"
sed 's/"gpu":"0","UUID":"GPU-x",//' nan.json > nolab.json
bad "no device labels" nolab.json "no UUID/uuid or gpu/device label"
python3 -c "
import json; d = json.load(open('nan.json')); r = d['data']['result']; r.append(dict(r[0], metric=dict(r[0]['metric'], instance='b')))
json.dump(d, open('dup.json', 'w'))"
bad "one device in two series" dup.json "the query selects a device twice"
head -c 100 nan.json > cut.json
bad "cut JSON" cut.json "not JSON"
ctk import prometheus --db unit.db --file unk.json --unit W >/dev/null 2>&1
is "--unit W accepts an unknown metric" "$(sql unit.db 'select count(*) from devices')" 1
ctk import prometheus --db unit.db --file unk.json --unit furlong >/dev/null 2>err.txt
is "--unit furlong: usage error" "$?" 1
ctk import nvsmi x.csv --db u.db --unit W >/dev/null 2>err.txt
is "--unit with another format: usage error" "$?" 1

# --url: a local server answering query_range with the same response
cat > srv.py <<'PY'
import http.server, json, sys, urllib.parse
body = open(sys.argv[1], "rb").read()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        with open("requests.log", "a") as f:
            f.write(self.path + "\n")
        if u.path == "/bad/api/v1/query_range":
            b, code = b'{"status":"error","errorType":"bad_data","error":"1:5: parse error"}', 400
        elif u.path == "/api/v1/query_range":
            b, code = body, 200
        elif u.path == "/gen/api/v1/query_range":
            # a 100 W device: ctk_energy_joules_total = 100 J per s since 1700000000
            q = dict(urllib.parse.parse_qsl(u.query))
            a, e, st = float(q["start"]), float(q["end"]), float(q["step"])
            vals, t = [], a
            while t <= e:
                vals.append([t, "%g" % ((t - 1700000000) * 100)])
                t += st
            b = json.dumps({"status": "success", "data": {"resultType": "matrix", "result": [{"metric":
                {"__name__": "ctk_energy_joules_total", "host": "h", "device": "0", "uuid": "GPU-g", "kind": "gpu"},
                "values": vals}]}}).encode()
            code = 200
        else:
            b, code = b"not found", 404
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open("port.tmp", "w").write(str(s.server_address[1]))
import os; os.rename("port.tmp", "port")
s.serve_forever()
PY
python3 srv.py "$J" 2>srv.err &
srv=$!
trap 'kill $srv 2>/dev/null' EXIT
i=0
while [ ! -s port ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
U=http://127.0.0.1:$(cat port)
Q='DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{Hostname="node01"}'
ctk import prometheus --db url.db --url "$U" --query "$Q" --from 2023-11-14T22:13:20Z --to 1700000060 >/dev/null 2>err.txt
is "http without the test flag: usage error" "$?" 1
ok "http without the test flag: says https only" grep -q "only https://" err.txt
export CTK_TEST_HTTP_LOOPBACK=1
ctk import prometheus --db url.db --url "$U" --query "$Q" --from 2023-11-14T22:13:20Z --to 1700000060 --step 15s >/dev/null 2>err.txt
is "--url: exit 0" "$?" 0
is "--url: the request (query escaped, Unix seconds, step)" "$(tail -n 1 requests.log)" \
	"/api/v1/query_range?query=DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION%7BHostname%3D%22node01%22%7D&start=1700000000.000&end=1700000060.000&step=15.000"
is "--url: same energy as the file" "$(sql url.db 'select count(*) from devices')" 2
is "--url: source path is the endpoint, not the query" "$(sql url.db 'select source_path from runs')" "$U/api/v1/query_range"
# --step 1s over 20000 s, 20001 steps: two pages (the API answers at most 11000 points
# a series), no step asked twice, none left out: 20000 s at 100 W = 2 MJ
: > requests.log
ctk import prometheus --db gen.db --url "$U/gen" --query ctk_energy_joules_total --from 1700000000 --to 1700020000 --step 1s >/dev/null 2>&1
is "paged: exit 0" "$?" 0
is "paged: two requests, back to back" "$(sed 's/.*start=\([0-9.]*\)&end=\([0-9.]*\)&step=\(.*\)/\1-\2@\3/' requests.log | tr '\n' ' ')" \
	"1700000000.000-1700010999.000@1.000 1700011000.000-1700020000.000@1.000 "
is "paged: every step once (20001 readings)" "$(sql gen.db "select sum(n) from sample_chunks")" 20001
ctk analyze --db gen.db --json > gen.json
is "paged: energy 2 MJ" "$(python3 -c "import json,sys; print('%.3f' % json.load(open(sys.argv[1]))['runs'][0]['energy_j'])" gen.json)" 2000000.000
# without --step: coarser steps (2 s) so that one request holds the range
: > requests.log
ctk import prometheus --db gen2.db --url "$U/gen" --query ctk_energy_joules_total --from 1700000000 --to 1700020000 >/dev/null 2>&1
is "default step: one request with step 2 s" "$(grep -c 'step=2.000$' requests.log) $(wc -l < requests.log)" "1 1"
ctk import prometheus --db url.db --url "$U/bad" --query 'sum(' --from 1700000000 --to 1700000060 >/dev/null 2>err.txt
is "--url: API error: exit 2" "$?" 2
ok "--url: API error text shown" grep -q "bad_data.*parse error" err.txt
ctk import prometheus --db url.db --url "http://user:pw@127.0.0.1:1" --query x --from 1700000000 --to 1700000060 >/dev/null 2>err.txt
is "--url with user:password: usage error" "$?" 1
ok "--url with user:password: secret not repeated" sh -c '! grep -q pw err.txt'
ctk import prometheus --db url.db --url "$U" --query x >/dev/null 2>err.txt
is "--url without --from/--to: usage error" "$?" 1
ctk import prometheus --db url.db --url "$U" --file "$J" >/dev/null 2>err.txt
is "--url and --file together: usage error" "$?" 1
done_testing
