#!/bin/sh
# make demo: the whole path on the bundled sample run (samples/demo, a
# simulated 2-GPU trace in nvidia-smi format; see scripts/make-demo-trace.py):
# import → epochs → analyze → report (report.pdf, charts as PDF + PNG, tables,
# methods text, BibTeX, model card). Outputs go to demo-out/. docs/img/power.png
# in the README is demo-out/report/power.png.
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
echo "== carbon intensity: the bundled yearly value for Germany (no hourly data ships for 2026)"
"$ctk" intensity default --zone DE --store --db "$db"
echo "== analyze (zone DE; energy without an hourly value priced with the yearly one, and said so)"
"$ctk" analyze --db "$db" --zone DE --fill default
"$ctk" analyze --db "$db" --zone DE --fill default --json > "$out/analyze.json"
echo "== report"
"$ctk" report --db "$db" --out "$out/report" --title "ctk demo: 2x A100 (simulated trace)"
echo
echo "== the collector: a short marked run (real GPUs when NVML is present, else the fake, labelled simulated)"
make -s -C "$root" BUILD="$build" "$build/fakenvml/libnvidia-ml.so.1" >/dev/null
sh "$root/scripts/demo-collect.sh" "$build" "$out/collect.db"
"$ctk" analyze --db "$out/collect.db"
"$ctk" report --db "$out/collect.db" --out "$out/collect-report" --formats md,csv,png >/dev/null
echo
echo "demo outputs:"
echo "  store:        $db"
echo "  JSON:         $out/analyze.json"
echo "  report:       $out/report/report.pdf"
echo "  charts:       $out/report/*.{pdf,png}"
echo "  tables:       $out/report/{summary,epochs}.{csv,md,tex}"
echo "  collected:    $out/collect.db, report in $out/collect-report/"
echo "  text:         $out/report/methods.{md,tex} ctk.bib model-card.yaml"
