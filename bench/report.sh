#!/bin/sh
# Benchmark: `ctk report` on a week-long 8-GPU run at 10 Hz (48.4 M readings,
# written straight into a store by bench/gen_report through common/samples.h),
# every format (report.pdf, 5 charts as PDF + PNG, tables, methods). Target:
# under 5 s. Prints a Markdown block for bench/RESULTS.md ("report").
# usage: bench/report.sh BUILD [GPUS] [DAYS]
set -e
build=$1
gpus=${2:-8}
days=${3:-7}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=${TMPDIR:-/tmp}/ctk-bench-report.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
m() { /usr/bin/python3 "$root/bench/measure.py" "$@"; }
gen=$(m "$root/$build/bench/gen_report" "$tmp/b.db" "$gpus" "$days")
n=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select sum(n) from sample_chunks').fetchone()[0])" "$tmp/b.db")
ana=$(m "$root/$build/bin/ctk-analyze" analyze --db "$tmp/b.db")
cold=$(m "$root/$build/bin/ctk-report" report --db "$tmp/b.db" --out "$tmp/r1")
warm=$(m "$root/$build/bin/ctk-report" report --db "$tmp/b.db" --out "$tmp/r2")
tables=$(m "$root/$build/bin/ctk-report" report --db "$tmp/b.db" --out "$tmp/r3" --formats csv,md,tex)
set -- $gen; gw=$1
set -- $ana; aw=$1; arss=$3
set -- $cold; cw=$1; crss=$3
set -- $warm; ww=$1; wrss=$3
set -- $tables; tw=$1
echo "### report: $gpus GPUs, 10 Hz, $days days, $n readings"
echo "| step | wall s | peak RSS MB |"
echo "|---|---:|---:|"
echo "| gen_report (write the store through samples.h) | $gw | – |"
echo "| ctk analyze | $aw | $arss |"
echo "| ctk report, all formats (first run) | $cw | $crss |"
echo "| ctk report, all formats (again) | $ww | $wrss |"
echo "| ctk report --formats csv,md,tex (no charts) | $tw | – |"
echo
echo "Target: ctk report under 5 s. $(ls "$tmp/r2" | wc -l) files written; the power chart streams every reading once into min/max envelopes."
