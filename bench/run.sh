#!/bin/sh
# make bench: every benchmark under bench/, results printed as Markdown
# (copy them into bench/RESULTS.md with the date and machine).
set -e
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
echo "## $(date -u +%Y-%m-%d) on $(nproc) cores, $(uname -m)"
for b in "$root"/bench/*.sh; do
	[ "$(basename "$b")" = run.sh ] && continue
	sh "$b" "$build"
	echo
done
