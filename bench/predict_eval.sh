#!/bin/sh
# Prediction accuracy of every predictor (common/predict.h) after N epochs,
# on the two real carbontracker runs with known per-epoch energies and on
# seeded synthetic warm-up/drift runs (bench/predict_gen.py), all brought in
# through the CLI: import → analyze (stores predictions) → evaluate.
# Usage: bench/predict_eval.sh [BUILD] [N_SYNTH] [SEED]; prints Markdown.
set -e
build=${1:-build}
nsynth=${2:-100}
seed=${3:-7}
root=$(cd "$(dirname "$0")/.." && pwd)
ctk="$root/$build/bin/ctk"
data=${CTK_DATA:-$root/../shared/data}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$root/bench/predict_gen.py" "$tmp/runs" "$data" "$nsynth" "$seed" > "$tmp/list"
i=0
while read -r trace eps name; do
	i=$((i + 1))
	"$ctk" import nvidia-smi "$trace" --db "$tmp/p.db" --tz UTC --label "$name" >/dev/null
	"$ctk" import epochs "$eps" --db "$tmp/p.db" --run "$i" >/dev/null
done < "$tmp/list"
"$ctk" analyze --db "$tmp/p.db" >/dev/null
echo "### prediction: energy error after N epochs ($i runs: 2 carbontracker truth + $nsynth synthetic, seed $seed)"
echo
echo '```'
"$ctk" evaluate --db "$tmp/p.db" --target energy --max-n 5
echo '```'
echo
echo "all runs: MAPE (%) averaged over N, pooled over (run, N), worst, bias, coverage:"
echo '```'
"$ctk" evaluate --db "$tmp/p.db" --csv | python3 "$root/bench/predict_summary.py"
echo '```'
echo
echo "carbontracker truth runs only (runs 1-2, 12 epochs each), energy:"
echo '```'
"$ctk" evaluate --db "$tmp/p.db" --runs 1,2 --target energy --csv | python3 "$root/bench/predict_summary.py" | sed -n 2,8p
echo '```'
echo
echo "duration, all runs, N <= 3:"
echo '```'
"$ctk" evaluate --db "$tmp/p.db" --target duration --max-n 3
echo '```'
