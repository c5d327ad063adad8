#!/bin/sh
# ctk merge speed and memory (issue 16): the stores of a 64-node job, each
# node 4 GPUs read at 10 Hz for 24 h (energy counter + power, one epoch an
# hour; bench/gen_merge.c), merged into one run. Time and peak RSS from
# /usr/bin/time -v. Usage: bench/merge.sh [BUILD] [NODES] [HOURS]; prints Markdown.
set -e
build=${1:-build}
nodes=${2:-64}
hours=${3:-24}
root=$(cd "$(dirname "$0")/.." && pwd)
ctk="$root/$build/bin/ctk"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
i=0
readings=0
while [ "$i" -lt "$nodes" ]; do
	n=$("$root/$build/bench/gen_merge" "$tmp/node$i.db" "$i" 4 "$hours")
	readings=$((readings + n))
	i=$((i + 1))
done
in_bytes=$(cat "$tmp"/node*.db | wc -c)
/usr/bin/time -v "$ctk" merge "$tmp/out.db" "$tmp"/node*.db >"$tmp/merge.out" 2>"$tmp/time.txt"
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp/time.txt")
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time.txt")
cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$tmp/time.txt")
devs=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM devices').fetchone()[0])" "$tmp/out.db")
echo "### ctk merge: $nodes node stores x 4 GPUs, ${hours} h at 10 Hz"
echo
echo "| inputs | readings | input MB | devices merged | wall | CPU s | peak RSS MB |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
echo "| $nodes | $readings | $((in_bytes / 1000000)) | $devs | $wall | $cpu | $(awk "BEGIN {printf \"%.1f\", $rss / 1024}") |"
