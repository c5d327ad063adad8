#!/bin/sh
# Collector cost: 8 fake GPUs (tests/fakenvml) + 2 CPU packages and their
# DRAM (fake powercap tree) sampled with `ctk collect --attach --stats` at
# 10 Hz and 100 Hz. Prints the thread CPU time of a sample round, split into
# the sources' read calls (driver or sysfs: here the fake library and
# pread() of the fake tree) and the collector's own work (timestamps,
# back-off, encoding), with the cost of the instrumentation's clock reads
# taken out; the process's whole CPU share (rounds, wake-ups, one commit a
# second); peak RSS; deadline misses; drift (phase of the last scheduled
# reading against start + k·interval) and the worst lateness of a reading;
# encoded bytes per stored reading. Usage: bench/collector.sh [BUILD] [SECONDS]
build=${1:-build}
secs=${2:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
case "$build" in /*) b=$build ;; *) b=$root/$build ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pc=$tmp/sys/class/powercap
for s in 0 1; do
	mkdir -p "$pc/intel-rapl:$s" "$pc/intel-rapl:$s:0"
	echo "package-$s" > "$pc/intel-rapl:$s/name"
	echo dram > "$pc/intel-rapl:$s:0/name"
	for z in "intel-rapl:$s" "intel-rapl:$s:0"; do
		echo 262143328850 > "$pc/$z/max_energy_range_uj"
		echo 123456789 > "$pc/$z/energy_uj"
	done
done
export CTK_NVML_LIB="$b/fakenvml/libnvidia-ml.so.1" CTK_SYSFS_ROOT="$tmp/sys" CTK_FAKENVML_DEVICES=8
unset CUDA_VISIBLE_DEVICES NVIDIA_VISIBLE_DEVICES
echo "### collector: 8 GPUs + 2 packages + 2 DRAM, ${secs} s per rate, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
echo
echo "| rate | rounds | CPU µs/round | … in driver/sysfs reads | … collector's own | process CPU % | peak RSS MiB | deadline misses | drift ms | max lateness ms | data bytes/reading |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for hz in 10 100; do
	ms=$((1000 / hz))
	db=$tmp/b$hz.db
	"$b/bin/ctk-collect" collect --attach --stats --quiet --interval ${ms}ms --db "$db" 2> "$tmp/err$hz" &
	pid=$!
	sleep "$secs"
	kill -INT $pid
	wait $pid
	line=$(grep 'stats:' "$tmp/err$hz")
	get() { echo "$line" | sed -n "s/.* $1 \([0-9.-]*\).*/\1/p"; }
	python3 - "$db" "$ms" "$hz" "$(get rounds)" "$(get per_round_us)" "$(get reads_us)" "$(get own_us)" \
		"$(get total_cpu_s)" "$(get maxrss_kib)" "$(get misses)" "$secs" <<'PY'
import sqlite3, sys
db, ms, hz, rounds, us, reads, own, cpu, rss, misses, secs = sys.argv[1:]
def times(c, dev):
    """reading times of a device (schemas/samples-encoding.md, times only)"""
    out = []
    for first_ns, n, b in c.execute("SELECT first_ns, n, data FROM sample_chunks WHERE device_id=? ORDER BY first_ns", (dev,)):
        pos, t, dt = 1, first_ns, 0
        for i in range(n):
            flags = b[pos]; pos += 1
            vals = []
            for k in range((1 if i > 0 else 0) + (flags & 1) + ((flags >> 1) & 1)):
                v = s = 0
                while True:
                    x = b[pos]; pos += 1; v |= (x & 0x7f) << s; s += 7
                    if x < 0x80: break
                vals.append((v >> 1) ^ -(v & 1))
            if i > 0:
                dt += vals[0]; t += dt
            out.append(t)
    return out
c = sqlite3.connect(db)
t = times(c, 1)[:-1]          # the last reading is the extra one taken at the stop
iv = int(ms) * 1000000
late = [((x - t[0]) - round((x - t[0]) / iv) * iv) / 1e6 for x in t]
data, n = c.execute("SELECT sum(length(data)), sum(n) FROM sample_chunks").fetchone()
print(f"| {hz} Hz | {rounds} | {float(reads) + float(own):.1f} | {float(reads):.1f} | {float(own):.1f} | "
      f"{100 * float(cpu) / float(secs):.2f} | {int(rss) / 1024:.1f} | {misses} | {late[-1]:+.3f} | "
      f"{max(abs(x) for x in late):.3f} | {data / n:.1f} |")
PY
done
