#!/bin/sh
# Prediction accuracy and interval coverage of every predictor
# (common/predict.h) on the evaluation corpus of bench/predict_gen.py: seeded
# scenarios (steady, warm-up, lr-change, validation, thermal, stalls, mixed)
# plus the two real carbontracker runs with exact per-epoch energies, all
# brought in through the CLI: import -> analyze (stores predictions) ->
# evaluate. Two corpora, so nothing is calibrated and graded on the same runs:
#   calibration  CAL_SEED, synthetic only -> bench/predict_calibrate.py
#                (predictions made before a step in epoch cost left out:
#                steps.csv of predict_gen.py)
#                (the table ctk_predict_calib of common/predict.c; checked
#                against the one compiled in)
#   evaluation   SEED, synthetic + real -> ctk evaluate, bench/predict_summary.py
# Usage: bench/predict_eval.sh [BUILD] [RUNS_PER_SCENARIO] [SEED] [CAL_SEED]
# (defaults 40, 7, 101); prints Markdown.
set -e
build=${1:-build}
nrun=${2:-40}
seed=${3:-7}
calseed=${4:-101}
root=$(cd "$(dirname "$0")/.." && pwd)
ctk="$root/$build/bin/ctk"
data=${CTK_DATA:-$root/../shared/data}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# corpus DIR SEED RUNS [--no-real]: generate, import and analyze into DIR/p.db
corpus() {
	python3 "$root/bench/predict_gen.py" "$1/runs" "$data" "$3" "$2" $4 > "$1/list"
	i=0
	while read -r trace eps name; do
		i=$((i + 1))
		"$ctk" import nvidia-smi "$trace" --db "$1/p.db" --tz UTC --label "$name" >/dev/null
		"$ctk" import epochs "$eps" --db "$1/p.db" --run "$i" >/dev/null
	done < "$1/list"
	"$ctk" analyze --db "$1/p.db" >/dev/null
}

mkdir -p "$tmp/cal" "$tmp/ev"
corpus "$tmp/cal" "$calseed" "$nrun" --no-real
corpus "$tmp/ev" "$seed" "$nrun"
def=$(sed -n 's/^#define CTK_PREDICT_DEFAULT "\(.*\)"/\1/p' "$root/common/predict.h")
ncal=$(wc -l < "$tmp/cal/list")
nev=$(wc -l < "$tmp/ev/list")
echo "### prediction: calibration ($ncal synthetic runs, seed $calseed, $nrun per scenario)"
echo
echo '```'
python3 "$root/bench/predict_calibrate.py" "$tmp/cal/p.db" --steps "$tmp/cal/runs/steps.csv"
python3 "$root/bench/predict_calibrate.py" "$tmp/cal/p.db" --steps "$tmp/cal/runs/steps.csv" \
	--check "$root/common/predict.c" || true
echo '```'
echo
echo "### prediction: evaluation ($nev runs: $nrun per scenario, seed $seed, and 2 real carbontracker runs)"
echo
echo '```'
python3 "$root/bench/predict_summary.py" "$tmp/ev/p.db" "$def" "$tmp/ev/runs/steps.csv"
echo '```'
echo
echo "ctk evaluate, whole run, N <= 3:"
echo '```'
"$ctk" evaluate --db "$tmp/ev/p.db" --scope run --max-n 3
echo '```'
