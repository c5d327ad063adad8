#!/bin/sh
# Whole-process collector cost (issue 18): CPU time of the whole ctk-collect
# process (/proc/PID/schedstat: user + kernel time on CPU, all threads)
# over SECONDS of steady state (after 5 s of start-up), divided by the
# rounds, at 10 Hz and 100 Hz with 8 fake GPUs (tests/fakenvml): flushes
# (one a second) and wake-ups included. For scale, the same for a bare loop
# that only sleeps in ppoll() at the same rate (this machine's cost of one
# wake-up), and ctk with flushes put off (--flush 1h) to show their share.
# carbontracker's sampler thread costs 304 µs per round for 8 GPUs on this
# machine kind (issue 18's red-team measurement).
# Usage: bench/collector_cpu.sh [BUILD] [SECONDS]
build=${1:-build}
secs=${2:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
case "$build" in /*) b=$build ;; *) b=$root/$build ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/sys"
export CTK_NVML_LIB="$b/fakenvml/libnvidia-ml.so.1" CTK_SYSFS_ROOT="$tmp/sys" CTK_FAKENVML_DEVICES=8
unset CUDA_VISIBLE_DEVICES NVIDIA_VISIBLE_DEVICES
cat > "$tmp/wake.c" <<'C'
#define _GNU_SOURCE
#include <poll.h>
#include <stdlib.h>
#include <time.h>
int main(int argc, char **argv)
{
	long ns = atol(argv[1]);
	struct timespec ts = {ns / 1000000000L, ns % 1000000000L};
	for (;;)
		ppoll(NULL, 0, &ts, NULL);
}
C
${CC:-cc} -O2 -o "$tmp/wake" "$tmp/wake.c" || exit 1
# per_round PID HZ: CPU µs per round over $secs s after 5 s
per_round() {
	sleep 5
	a=$(cut -d' ' -f1 /proc/$1/schedstat)
	sleep "$secs"
	z=$(cut -d' ' -f1 /proc/$1/schedstat)
	echo "$a $z $2 $secs" | awk '{ printf "%.1f", ($2 - $1) / 1000 / ($3 * $4) }'
}
echo "### whole-process CPU per round: 8 fake GPUs, ${secs} s steady state, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
echo
echo "| rate | ctk µs/round (flushes included) | ctk, flushes put off | bare ppoll wake-up | carbontracker sampler |"
echo "|---|---:|---:|---:|---:|"
for hz in 10 100; do
	ms=$((1000 / hz))
	"$b/bin/ctk-collect" collect --attach --quiet --interval ${ms}ms --db "$tmp/a$hz.db" 2>/dev/null &
	p=$!
	full=$(per_round $p $hz)
	kill -INT $p; wait $p
	"$b/bin/ctk-collect" collect --attach --quiet --interval ${ms}ms --flush 1h --db "$tmp/n$hz.db" 2>/dev/null &
	p=$!
	noflush=$(per_round $p $hz)
	kill -INT $p; wait $p
	"$tmp/wake" $((ms * 1000000)) &
	p=$!
	wake=$(per_round $p $hz)
	kill $p; wait $p 2>/dev/null
	echo "| $hz Hz | $full | $noflush | $wake | 304 |"
done
