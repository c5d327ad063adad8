#!/bin/sh
# make demo: the whole path on the bundled sample run (samples/demo, a
# simulated 2-GPU trace in nvidia-smi format; see scripts/make-demo-trace.py):
# import → epochs → analyze → report. Outputs go to demo-out/.
set -e
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
ctk="$root/$build/bin/ctk"
out=$root/demo-out
rm -rf "$out"
mkdir -p "$out"
db=$out/demo.db
echo "== import the sample nvidia-smi trace (simulated device) and its epochs"
"$ctk" import nvidia-smi "$root/samples/demo/gpu-trace.csv" --db "$db" --tz UTC --simulated \
	--label "demo: 2x A100 (simulated trace)"
"$ctk" import epochs "$root/samples/demo/epochs.csv" --db "$db" --run 1
echo "== analyze"
"$ctk" analyze --db "$db"
"$ctk" analyze --db "$db" --json > "$out/analyze.json"
echo "== report"
"$ctk" report --db "$db" --out "$out/report"
echo
echo "demo outputs:"
echo "  store:        $db"
echo "  JSON:         $out/analyze.json"
echo "  tables:       $out/report/{summary,epochs}.{csv,md,tex}"
