# Prometheus out and in (issue 16 acceptance): Debian's prometheus on
# 127.0.0.1 (free port, temporary storage, scrape_interval 1s) scrapes the
# --metrics-file of `ctk collect` (fake NVML, 2 GPUs, a scripted power
# curve) through a tiny static exporter served here (python3 http.server);
# then `ctk import prometheus --url … --query ctk_energy_joules_total` gives
# the collector's own per-device energy within the scrape resolution.
# Tolerance: Prometheus first sees the counter at its first scrape after
# the collector's first flush, so the imported energy (the counter's
# increase over the scraped samples) misses at most the energy of the
# first flush interval (0.5 s) plus one scrape interval (1 s) plus 0.5 s of
# scheduling slack: 2 s at the curve's highest power (400 W + 10 W per GPU
# index). What it misses is exactly the first scraped value: that is
# checked to 1e-9, and the last scraped value equals the store's energy.
. "$CTK_ROOT/tests/e2e/lib.sh"
if ! command -v prometheus >/dev/null 2>&1; then
	skip "prometheus round trip" "prometheus is not installed (scripts/deps.sh installs Debian's package)"
	done_testing
	exit
fi
export CTK_NVML_LIB="$CTK_BUILD/fakenvml/libnvidia-ml.so.1" CTK_SYSFS_ROOT="$PWD/emptysys" CTK_FAKENVML_DEVICES=2
export CTK_FAKENVML_CURVE="0:100,0.5:400,1.2:250,2:100"
mkdir -p emptysys textfile tsdb

# the exporter: GET /metrics answers the textfile's current content
cat > exporter.py <<'PY'
import http.server, os, sys
path = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        try:
            b = open(path, "rb").read() if self.path == "/metrics" else None
        except FileNotFoundError:
            b = b""
        if b is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open("exporter.port.tmp", "w").write(str(s.server_address[1]))
os.rename("exporter.port.tmp", "exporter.port")
s.serve_forever()
PY
python3 exporter.py "$PWD/textfile/ctk.prom" 2>exporter.err &
exp=$!
prom=
trap 'kill $exp $prom 2>/dev/null' EXIT
i=0
while [ ! -s exporter.port ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
ok "exporter started" test -s exporter.port
PP=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
cat > prometheus.yml <<Y
global:
  scrape_interval: 1s
  scrape_timeout: 900ms
scrape_configs:
  - job_name: ctk
    static_configs:
      - targets: ['127.0.0.1:$(cat exporter.port)']
Y
prometheus --config.file=prometheus.yml --storage.tsdb.path=tsdb --web.listen-address=127.0.0.1:$PP \
	--log.level=warn >prometheus.log 2>&1 &
prom=$!
up() { python3 -c "import sys,urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" "$1" 2>/dev/null; }
i=0
while ! up "http://127.0.0.1:$PP/-/ready" && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
ok "prometheus ready on 127.0.0.1:$PP" up "http://127.0.0.1:$PP/-/ready"

q() { python3 - "$PP" "$@" <<'PY'
import json, sys, urllib.parse, urllib.request
port, query = sys.argv[1], sys.argv[2]
args = {"query": query}
url = "http://127.0.0.1:%s/api/v1/query?%s" % (port, urllib.parse.urlencode(args))
r = json.load(urllib.request.urlopen(url, timeout=5))["data"]["result"]
print(" ".join(x["value"][1] for x in r))
PY
}
# Prometheus' target discovery hands targets to the scrapers every 5 s:
# wait for the first scrape (up 1) before the run, so it is scraped from its start
i=0
while [ "$(q 'up{job="ctk"}')" != 1 ] && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
is "prometheus scrapes the exporter (up 1)" "$(q 'up{job="ctk"}')" 1
t0=$(date +%s)
ok "collect with --metrics-file" ctk collect --db run.db --metrics-file "$PWD/textfile/ctk.prom" --interval 50ms \
	--flush 500ms -- sh -c 'ctk mark epoch-start 1; sleep 3; ctk mark epoch-end; ctk mark epoch-start 2; sleep 3; ctk mark epoch-end'
ok "the textfile passes promtool's check" sh -c 'promtool check metrics < textfile/ctk.prom'
is "no temp file left beside it" "$(ls -A textfile | tr '\n' ' ')" "ctk.prom "
# wait for a scrape of the file written at the end (running 0)
i=0
while [ "$(q 'ctk_collect_running')" != 0 ] && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done
is "prometheus scraped the final file (ctk_collect_running 0)" "$(q 'ctk_collect_running')" 0
is "epochs completed: 2" "$(q 'ctk_epochs_completed_total')" 2
t1=$(($(date +%s) + 1))

CTK_TEST_HTTP_LOOPBACK=1 ctk import prometheus --db imp.db --url "http://127.0.0.1:$PP" \
	--query 'ctk_energy_joules_total{kind="gpu"}' --from $((t0 - 5)) --to $t1 --step 1s >imp.out 2>imp.err
is "import prometheus --url: exit 0" "$?" 0
is "imported: 2 GPUs" "$(sql imp.db "select count(*) from devices where kind='gpu'")" 2
ctk analyze --db run.db --json > run.json
ctk analyze --db imp.db --json > imp.json
python3 - "$PP" run.json imp.json $((t0 - 5)) $t1 > cmp.txt <<'PY'
import json, sys, urllib.parse, urllib.request
port, runf, impf, a, b = sys.argv[1:]
def dev(f):
    return {d["uuid"]: d for d in json.load(open(f))["runs"][0]["devices"]}
run, imp = dev(runf), dev(impf)
url = "http://127.0.0.1:%s/api/v1/query_range?%s" % (port, urllib.parse.urlencode(
    {"query": 'ctk_energy_joules_total{kind="gpu"}', "start": a, "end": b, "step": "1"}))
series = json.load(urllib.request.urlopen(url, timeout=5))["data"]["result"]
for s in series:
    u = s["metric"]["uuid"]
    v = [float(x[1]) for x in s["values"]]
    print(u, run[u]["idx"], run[u]["energy_j"], imp[u]["energy_j"], v[0], v[-1])
PY
is "both GPUs compared" "$(wc -l < cmp.txt)" 2
while read -r uuid idx store got first last; do
	near "GPU $idx: last scraped counter = the store's energy" "$last" "$store" 1e-9
	near "GPU $idx: imported = last - first scraped value" "$got" "$(python3 -c "print($last - $first)")" 1e-9
	# the tolerance (header): 2 s at the curve's top power for this GPU
	miss=$(python3 -c "print($store - $got)")
	if timing; then
		ok "GPU $idx: imported within the scrape resolution of the store (missed $miss J of $store J, at most $(( (400 + 10 * idx) * 2 )) J)" \
			python3 -c "import sys; sys.exit(0 if 0 <= $miss <= (400 + 10 * $idx) * 2 else 1)"
	else
		skip "GPU $idx: imported within the scrape resolution of the store" "flush times under valgrind"
	fi
done < cmp.txt
done_testing
