# Marker floods (issue 18): 24,000 markers/s for 10 s (8 connections that
# never read their answers, plus fresh connections) while ctk samples every
# 20 ms. Sampling deadlines hold (misses < 1 % of rounds), requests over the
# rate limits are refused and counted (markers_rate_limited, inside
# markers_rejected), the store gets no more windows than the global limit
# lets through, and the memory stays bounded.
. "$CTK_ROOT/tests/e2e/lib.sh"
export CTK_NVML_LIB="$CTK_BUILD/fakenvml/libnvidia-ml.so.1" CTK_SYSFS_ROOT="$PWD/sys" CTK_FAKENVML_DEVICES=2
unset CUDA_VISIBLE_DEVICES NVIDIA_VISIBLE_DEVICES
mkdir -p sys
if ! timing; then
	skip "marker flood" "a rate test under valgrind measures valgrind"
	done_testing; exit
fi
cat > flood.py <<'PY'
import os, socket, sys, time
rate, secs = 24000, 10.0
path = os.environ["CTK_SOCKET"]
conns = [socket.socket(socket.AF_UNIX) for _ in range(8)]
for c in conns:
    c.connect(path)
line = b"epoch-start\n"
sent = fresh = 0
t0 = time.monotonic()
while True:
    el = time.monotonic() - t0
    if el >= secs:
        break
    due = int(rate * el) - sent
    if due <= 0:
        time.sleep(0.002)
        continue
    # one in twelve batches over a fresh connection, the rest spread over the 8
    if (sent // 240) % 12 == 0:
        try:
            f = socket.socket(socket.AF_UNIX); f.connect(path); f.sendall(line * min(due, 16)); f.close()
            fresh += 1
        except OSError:
            pass
        sent += min(due, 16)
        continue
    per = max(1, due // len(conns))
    for c in conns:
        c.sendall(line * per)
        sent += per
el = time.monotonic() - t0
open("flood.txt", "w").write(f"{sent} {el:.3f} {fresh}\n")
PY
ctk collect --interval 20ms --quiet --db f.db -- python3 flood.py 2>err.txt
is "exit status" $? 0
read sent secs fresh < flood.txt
ok "the flood ran 10 s at >= 90 % of 24,000 markers/s (sent $sent in $secs s, $fresh fresh connections)" \
	python3 -c "import sys; n, s = int(sys.argv[1]), float(sys.argv[2]); sys.exit(0 if s >= 10 and n / s >= 0.9 * 24000 else 1)" "$sent" "$secs"
j() { sql f.db "SELECT json_extract(config_json, '\$.$1') FROM runs"; }
rounds=$(j rounds); misses=$(j deadline_misses); limited=$(j markers_rate_limited); rejected=$(j markers_rejected)
# under AddressSanitizer (make check's second suite) every request costs a
# few times more CPU: the bound is widened to 5 % there
pct=1
if ldd "$CTK_BIN/ctk-collect" 2>/dev/null | grep -q libasan; then pct=5; fi
ok "deadline misses < $pct % of rounds ($misses of $rounds)" test "$((misses * 100))" -lt "$((pct * rounds))"
ok "rate-limited requests counted ($limited)" test "${limited:-0}" -gt 0
ok "rate-limited requests are inside markers_rejected ($rejected)" test "$rejected" -ge "$limited"
# the global limit (collector/markers.h): 200/s plus a one-second burst
windows=$(sql f.db "SELECT count(*) FROM windows")
dur=$(sql f.db "SELECT (ended_ns - started_ns) / 1000000000.0 FROM runs")
ok "windows stored ($windows) within the global rate limit" \
	python3 -c "import sys; w, d = int(sys.argv[1]), float(sys.argv[2]); sys.exit(0 if w <= 200 * d + 200 else 1)" "$windows" "$dur"
# readings at markers (issue 15): one extra round per 20 ms interval at most, burst 4 (collect_int.h)
mreads=$(j marker_reads)
ok "the flood read the devices at most once per interval more ($mreads extra rounds in $dur s)" \
	python3 -c "import sys; r, d = int(sys.argv[1]), float(sys.argv[2]); sys.exit(0 if 0 < r <= d / 0.020 + 4 else 1)" "$mreads" "$dur"
ok "the end says requests were refused" grep -q "marker request(s) refused" err.txt
done_testing
