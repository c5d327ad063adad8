#!/bin/sh
# Whole-process collector cost (issue 18): CPU time of the whole ctk-collect
# process (/proc/PID/schedstat: user + kernel time on CPU, all threads)
# over SECONDS of steady state (after 5 s of start-up), divided by the
# rounds, at 10 Hz and 100 Hz with 8 fake GPUs (tests/fakenvml): flushes
# and wake-ups included. A round is one stored reading per device. Columns:
# batches (the fake driver keeps power samples every 10 ms,
# CTK_FAKENVML_SAMPLES_MS=10: one wake-up a second, flush every 5 s, the
# default then), the same with flushes put off (--flush 1h), polling every
# round (a driver without nvmlDeviceGetSamples: one wake-up per round, flush
# every second), and a bare loop that only sleeps in ppoll() at the round
# rate (this machine's cost of one wake-up). The collectors get a private
# $XDG_RUNTIME_DIR: other collectors starting on the machine probe every
# marker socket they find in /tmp for staleness, which would be charged to
# the one measured.
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
mkdir -m 700 "$tmp/rt"
export XDG_RUNTIME_DIR="$tmp/rt"
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
echo "| rate | ctk batches (flushes included) | batches, flushes put off | ctk polling every round | bare ppoll wake-up per round | carbontracker sampler |"
echo "|---|---:|---:|---:|---:|---:|"
# collector HZ SAMPLES_MS [OPTIONS]: µs per round of one collector
collector() {
	hz=$1 sm=$2
	shift 2
	CTK_FAKENVML_SAMPLES_MS=$sm "$b/bin/ctk-collect" collect --attach --quiet --interval $((1000 / hz))ms \
		--db "$tmp/c$$-$hz-$sm-$#.db" "$@" 2>/dev/null &
	p=$!
	per_round $p $hz
	kill -INT $p
	wait $p
}
for hz in 10 100; do
	batch=$(collector $hz 10)
	noflush=$(collector $hz 10 --flush 1h)
	poll=$(collector $hz 0)
	"$tmp/wake" $((1000000000 / hz)) &
	p=$!
	wake=$(per_round $p $hz)
	kill $p; wait $p 2>/dev/null
	echo "| $hz Hz | $batch | $noflush | $poll | $wake | 304 |"
done
