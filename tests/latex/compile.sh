#!/bin/sh
# Compile the LaTeX that `ctk report` writes (every table DIR/*.tex except
# methods.tex, then methods.tex) inside a minimal document with booktabs, to
# prove it is valid LaTeX with every user string escaped. Needs pdflatex;
# prints "skip" and exits 0 without it (tests do not require TeX). printf, not
# echo: dash's echo turns the \b of \begin into a backspace.
# usage: tests/latex/compile.sh REPORT_DIR   exit: 0 ok or skipped, 1 a file failed
dir=$(cd "$1" && pwd) || exit 1  # absolute: pdflatex runs in a temporary directory
if ! command -v pdflatex >/dev/null 2>&1; then
	echo "skip: no pdflatex"
	exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
{
	printf '%s\n' '\documentclass{article}'
	printf '%s\n' '\usepackage[T1]{fontenc}'
	printf '%s\n' '\usepackage[utf8]{inputenc}'
	printf '%s\n' '\usepackage{booktabs}'
	printf '%s\n' '\usepackage{graphicx}'
	printf '%s\n' '\begin{document}'
	for t in "$dir"/*.tex; do
		[ "$(basename "$t")" = methods.tex ] && continue
		printf '%s\n' "\\input{$t}"
	done
	[ -f "$dir/methods.tex" ] && printf '%s\n' "\\input{$dir/methods.tex}"
	printf '%s\n' '\end{document}'
} > "$work/all.tex"
if (cd "$work" && pdflatex -interaction=nonstopmode -halt-on-error all.tex >log.txt 2>&1); then
	echo "ok: $(ls "$dir"/*.tex | wc -l) files compiled"
	exit 0
fi
tail -n 30 "$work/log.txt"
exit 1
