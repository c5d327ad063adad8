# The LaTeX of a report compiles as a paper author uses it (tests/latex/compile.sh:
# two- and one-column natbib articles, ctk.bib through bibtex, no error, no
# overfull box over 1 pt, no float too large, no bibtex warning, nothing
# undefined) on: a label full of LaTeX specials; the demo (simulated, yearly
# intensity); a two-run store priced with the real hourly DE 2023 series.
# Skipped where pdflatex is absent (scripts/deps.sh installs it).
. "$CTK_ROOT/tests/e2e/lib.sh"
D=$CTK_ROOT/samples/demo
compile() {
	if command -v pdflatex >/dev/null 2>&1 && command -v bibtex >/dev/null 2>&1; then
		ok "$1" sh "$CTK_ROOT/tests/latex/compile.sh" "$2"
	else
		n=$((n + 1))
		echo "ok $n # SKIP pdflatex or bibtex not installed"
	fi
}
# rows of the first tabular of a .tex table: lines ending in \\ between \midrule and \bottomrule
rows() { sed -n '/^\\midrule/,/^\\bottomrule/p' "$1" | grep -c '\\\\$'; }

ok "import" ctk import nvidia-smi "$D/gpu-trace.csv" --db run.db --tz UTC --label 'x_1 50% & #2 $y \ {z} ~^'
ok "epochs" ctk import epochs "$D/epochs.csv" --db run.db --run 1
ok "analyze" ctk analyze --db run.db
ok "report (tex)" ctk report --db run.db --out rep --formats tex
compile "specials: the .tex tables and methods compile" rep

# the demo, as scripts/demo.sh makes it
ok "demo import" ctk import nvidia-smi "$D/gpu-trace.csv" --db demo.db --tz UTC --simulated --label "demo: 2x A100 (simulated trace)"
ok "demo epochs" ctk import epochs "$D/epochs.csv" --db demo.db --run 1
ok "demo yearly DE" ctk intensity default --zone DE --store --db demo.db
ok "demo analyze" ctk analyze --db demo.db --zone DE --fill default
ok "demo report" ctk report --db demo.db --out demo --formats tex
compile "demo: compiles" demo
ok "demo: ctk.bib cites ctk with its version" grep -q "version = {$(ctk --version | sed 's/^ctk //')}" demo/ctk.bib
ok "demo: methods say simulated" grep -q 'simulated device, not from real hardware' demo/methods.tex
ok "demo: methods quote with \`\` and ''" grep -q "run \`\`demo: 2x A100 (simulated trace)''" demo/methods.tex
ok "demo: no CLI flag in the prose" sh -c '! grep -q -- " --[a-z]" demo/methods.tex'
ok "demo: summary has a label" grep -q 'label{tab:ctk-summary}' demo/summary.tex
ok "demo: summary-wide is a table*" grep -q 'begin{table\*}' demo/summary-wide.tex

# two runs (A100 x2 with 40 epochs, H100 with 10) on 2023-06-01, priced with DE 2023 hourly
python3 - <<'PY'
from datetime import datetime, timedelta, timezone
def trace(path, t0, seconds, gpus, name, epochs, ep_s, epath):
    with open(path, "w") as f:
        f.write("timestamp, name, index, power.draw [W]\n")
        for s in range(seconds + 1):
            t = (t0 + timedelta(seconds=s)).strftime("%Y/%m/%d %H:%M:%S.000")
            for g in range(gpus):
                f.write("%s, %s, %d, %.2f W\n" % (t, name, g, 200 + 50 * g + (s % 60)))
    with open(epath, "w") as f:
        f.write("epoch,start,end\n")
        for e in range(epochs):
            a, b = t0 + timedelta(seconds=30 + e * ep_s), t0 + timedelta(seconds=30 + (e + 1) * ep_s)
            f.write("%d,%s,%s\n" % (e + 1, a.strftime("%Y-%m-%dT%H:%M:%SZ"), b.strftime("%Y-%m-%dT%H:%M:%SZ")))
trace("a.csv", datetime(2023, 6, 1, 10, 0, tzinfo=timezone.utc), 3700, 2, "NVIDIA A100-SXM4-80GB", 40, 90, "a_ep.csv")
trace("b.csv", datetime(2023, 6, 1, 14, 0, tzinfo=timezone.utc), 1900, 1, "NVIDIA H100 80GB HBM3", 10, 180, "b_ep.csv")
PY
# labels as long as papers use: a label wrapped on every row of the epochs
# table (50 epochs: 20 + 5 shown) made it too tall for a page
ok "two runs: import A" ctk import nvidia-smi a.csv --db two.db --tz UTC --label "ResNet-50 on ImageNet, 2x A100 (bf16, 90 epochs)"
ok "two runs: epochs A" ctk import epochs a_ep.csv --db two.db --run 1
ok "two runs: import B" ctk import nvidia-smi b.csv --db two.db --tz UTC --label "ResNet-50 on ImageNet, 1x H100 (bf16, 90 epochs)"
ok "two runs: epochs B" ctk import epochs b_ep.csv --db two.db --run 2
ok "two runs: DE 2023 hourly" ctk intensity import "$CTK_DATA/electricitymaps/DE_2023_hourly.csv" --db two.db
ok "two runs: analyze" ctk analyze --db two.db --zone DE
ok "two runs: report" ctk report --db two.db --out two --formats tex,csv
compile "two runs: compiles" two
is "two runs: summary.tex has one row per run" "$(rows two/summary.tex)" 2
is "two runs: epochs.csv has every epoch" "$(($(wc -l < two/epochs.csv) - 1))" 50
is "two runs: epochs.tex shows 20 + 5 of them" "$(rows two/epochs.tex)" 25
ok "two runs: … and says so" grep -q 'the first 20 and the last 5 of 50 epochs' two/epochs.tex
is "two runs: epochs.tex names each run once (its first row)" "$(grep -c 'ResNet-\\allowbreak{}50 on ImageNet' two/epochs.tex)" 2
ok "two runs: methods name the hourly data" grep -q 'hourly values, data of 2023' two/methods.tex
ok "two runs: ctk.bib has Electricity Maps with year 2023" sh -c "grep -A5 '@misc{electricitymaps' two/ctk.bib | grep -q 'year = {2023}'"
# predictions: the default predictor at N in {1, 2, 3, 5, 10, 20}: A has 40 epochs (1..39), B 10 (1..9)
is "two runs: predictions.tex rows = N in {1,2,3,5,10,20} for A + {1,2,3,5} for B" "$(rows two/predictions.tex)" 10

# ctk --version on every tool, one version
v=$(ctk --version)
ok "ctk --version prints a version" sh -c "echo '$v' | grep -Eq '^ctk [0-9a-zA-Z]'"
for t in collect analyze report; do is "ctk $t --version" "$(ctk $t --version)" "$v"; done
done_testing
