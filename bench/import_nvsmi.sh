#!/bin/sh
# Benchmark: an 8-GPU 10 Hz 24 h nvidia-smi trace (6.9 M rows) — ctk import
# and analyze versus pandas read_csv + numpy trapezoid, in one run on the
# same file. Prints a Markdown block for bench/RESULTS.md.
# usage: bench/import_nvsmi.sh BUILD [HOURS]
set -e
build=$1
hours=${2:-24}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=${TMPDIR:-/tmp}/ctk-bench.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
"$root/$build/bench/gen_nvsmi" 8 "$hours" > "$tmp/trace.csv"
rows=$(($(wc -l < "$tmp/trace.csv") - 1))
bytes=$(wc -c < "$tmp/trace.csv")
m() { /usr/bin/python3 "$root/bench/measure.py" "$@"; }
imp=$(m "$root/$build/bin/ctk-analyze" import nvidia-smi "$tmp/trace.csv" --db "$tmp/b.db" --tz UTC)
ana=$(m "$root/$build/bin/ctk-analyze" analyze --db "$tmp/b.db")
pd=$(m /usr/bin/python3 "$root/bench/pandas_nvsmi.py" "$tmp/trace.csv")
dbbytes=$(($(wc -c < "$tmp/b.db") + $( [ -f "$tmp/b.db-wal" ] && wc -c < "$tmp/b.db-wal" || echo 0)))
set -- $imp; iw=$1; irss=$3
set -- $ana; aw=$1; arss=$3
set -- $pd; pw=$1; prss=$3
python3 - "$rows" "$bytes" "$iw" "$irss" "$aw" "$arss" "$pw" "$prss" "$dbbytes" <<'PY'
import sys
rows, size, iw, irss, aw, arss, pw, prss, db = sys.argv[1:]
rows, size, iw, irss, aw, arss, pw, prss, db = int(rows), int(size), float(iw), float(irss), float(aw), float(arss), float(pw), float(prss), int(db)
print("### import_nvsmi: 8 GPUs, 10 Hz, %d rows, %.0f MB CSV" % (rows, size / 1e6))
print("| step | wall s | rows/s | peak RSS MB | vs pandas |")
print("|---|---:|---:|---:|---:|")
print("| ctk import | %.2f | %.2f M | %.1f | %.1f× faster |" % (iw, rows / iw / 1e6, irss, pw / iw))
print("| ctk analyze (replay of the stored run) | %.2f | %.2f M | %.1f | %.1f× faster |" % (aw, rows / aw / 1e6, arss, pw / aw))
print("| pandas read_csv + numpy trapz | %.2f | %.2f M | %.1f | 1× |" % (pw, rows / pw / 1e6, prss))
print()
print("Store: %d bytes for %d readings = %.2f bytes per reading (target ≤ 20; a plain row of five 8-byte columns ≈ 32)." % (db, rows, db / rows))
PY
