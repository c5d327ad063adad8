#!/bin/sh
# Compile the LaTeX that `ctk report` writes (every table DIR/*.tex except
# methods.tex, then methods.tex) inside a minimal document with booktabs, to
# prove it is valid LaTeX with every user string escaped. Needs pdflatex;
# prints "skip" and exits 0 without it (tests do not require TeX).
# usage: tests/latex/compile.sh REPORT_DIR   exit: 0 ok or skipped, 1 a file failed
dir=$1
if ! command -v pdflatex >/dev/null 2>&1; then
	echo "skip: no pdflatex"
	exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
{
	echo '\documentclass{article}'
	echo '\usepackage[T1]{fontenc}'
	echo '\usepackage[utf8]{inputenc}'
	echo '\usepackage{booktabs}'
	echo '\usepackage{graphicx}'
	echo '\begin{document}'
	for t in "$dir"/*.tex; do
		[ "$(basename "$t")" = methods.tex ] && continue
		echo "\\resizebox{\\textwidth}{!}{\\begin{minipage}{2\\textwidth}\\input{$t}\\end{minipage}}"
	done
	[ -f "$dir/methods.tex" ] && echo "\\input{$dir/methods.tex}"
	echo '\end{document}'
} > "$work/all.tex"
if (cd "$work" && pdflatex -interaction=nonstopmode -halt-on-error all.tex >log.txt 2>&1); then
	echo "ok: $(ls "$dir"/*.tex | wc -l) files compiled"
	exit 0
fi
tail -n 30 "$work/log.txt"
exit 1
