#!/bin/sh
# Soak benchmark (issue 18; bench, not the test suite): 8 fake GPUs
# (tests/fakenvml) sampled at 100 Hz for 10 minutes with `ctk collect
# --attach`. Prints the resident set size every 30 s (VmRSS of
# /proc/PID/status), then the run's deadline misses, rounds, longest flush
# and store failures from runs.config_json, and the whole-process CPU per
# round (/proc/PID/schedstat). SAMPLES_MS: the fake driver's own power
# sample clock (CTK_FAKENVML_SAMPLES_MS; default 10: batches, issue 18; 0: a
# driver without one, polled every round).
# Usage: bench/soak.sh [BUILD] [SECONDS] [HZ] [SAMPLES_MS]
build=${1:-build}
secs=${2:-600}
hz=${3:-100}
export CTK_FAKENVML_SAMPLES_MS=${4:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
case "$build" in /*) b=$build ;; *) b=$root/$build ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/sys"
mkdir -m 700 "$tmp/rt"
export XDG_RUNTIME_DIR="$tmp/rt" # see collector_cpu.sh
export CTK_NVML_LIB="$b/fakenvml/libnvidia-ml.so.1" CTK_SYSFS_ROOT="$tmp/sys" CTK_FAKENVML_DEVICES=8
unset CUDA_VISIBLE_DEVICES NVIDIA_VISIBLE_DEVICES
echo "### soak: 8 fake GPUs at $hz Hz for $secs s, driver samples every ${CTK_FAKENVML_SAMPLES_MS:-0} ms, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg) at the start"
"$b/bin/ctk-collect" collect --attach --quiet --interval $((1000 / hz))ms --db "$tmp/s.db" 2>"$tmp/err" &
pid=$!
sleep 1
cpu0=$(cut -d' ' -f1 /proc/$pid/schedstat)
echo
echo "| t s | RSS KiB |"
echo "|---:|---:|"
t=0
while [ $t -lt "$secs" ]; do
	echo "| $t | $(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' /proc/$pid/status) |"
	step=30; [ $((t + step)) -gt "$secs" ] && step=$((secs - t))
	sleep $step
	t=$((t + step))
done
echo "| $t | $(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' /proc/$pid/status) |"
cpu1=$(cut -d' ' -f1 /proc/$pid/schedstat)
kill -INT $pid
wait $pid
"$b/bin/ctk" export samples --db "$tmp/s.db" > "$tmp/s.csv"
python3 - "$tmp/s.db" "$cpu0" "$cpu1" "$secs" "$hz" "$tmp/s.csv" <<'PY'
import csv, json, sqlite3, sys
db, c0, c1, secs, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
# readings more than 1.5 intervals after the previous one of their device:
# the sampling misses whatever the wake-ups (with batches a late wake-up
# loses nothing while the driver's buffer holds the samples)
last, gaps, big = {}, 0, 0.0
for row in csv.DictReader(open(sys.argv[6])):
    d, t = row["device_id"], int(row["t_ns"])
    if d in last:
        dt = (t - last[d]) / 1e9
        gaps += dt > 1.5 / hz
        big = max(big, dt)
    last[d] = t
print(f"\nreadings more than 1.5 intervals apart: {gaps} (all devices), largest gap {1000 * big:.1f} ms")
cfg = json.loads(sqlite3.connect(db).execute("SELECT config_json FROM runs").fetchone()[0])
r, m, w = cfg["rounds"], cfg["deadline_misses"], cfg["wakes"]
print()
print(f"batches {cfg['batches']}, wake-ups {w}, rounds {r}, deadline misses {m} ({100 * m / max(w, 1):.3f} % of wake-ups), longest flush {cfg['flush_max_ms']:.1f} ms, "
      f"store failures {cfg['store_failures']}, readings lost {cfg['readings_lost']}, "
      f"whole-process CPU {(c1 - c0) / 1e3 / (secs * hz):.1f} µs per round")
PY
