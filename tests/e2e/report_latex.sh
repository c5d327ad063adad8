# The .tex files of a report compile with pdflatex (tests/latex/compile.sh),
# with a label full of LaTeX specials; skipped where pdflatex is absent.
. "$CTK_ROOT/tests/e2e/lib.sh"
D=$CTK_ROOT/samples/demo
ok "import" ctk import nvidia-smi "$D/gpu-trace.csv" --db run.db --tz UTC --label 'x_1 50% & #2 $y \ {z} ~^'
ok "epochs" ctk import epochs "$D/epochs.csv" --db run.db --run 1
ok "analyze" ctk analyze --db run.db
ok "report (tex)" ctk report --db run.db --out rep --formats tex
if command -v pdflatex >/dev/null 2>&1; then
	ok "the .tex tables and methods compile" sh "$CTK_ROOT/tests/latex/compile.sh" rep
else
	n=$((n + 1))
	echo "ok $n # SKIP pdflatex not installed"
fi
done_testing
