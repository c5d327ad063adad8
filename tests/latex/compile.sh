#!/bin/sh
# Compile the LaTeX that `ctk report` writes as a paper author would: every
# table DIR/*.tex and methods.tex \input into a two-column 10pt article and a
# one-column one (natbib, plainnat), ctk.bib through bibtex. Fails on any
# error, overfull box over 1 pt, float too large, bibtex warning, or
# undefined citation or reference. Prints "skip" and exits 0 without pdflatex.
# usage: tests/latex/compile.sh REPORT_DIR   exit: 0 ok or skipped, 1 a check failed
dir=$(cd "$1" && pwd) || exit 1  # absolute: pdflatex runs in a temporary directory
if ! command -v pdflatex >/dev/null 2>&1 || ! command -v bibtex >/dev/null 2>&1; then
	echo "skip: no pdflatex or bibtex"
	exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$dir/ctk.bib" "$work/" 2>/dev/null
fail=0

# doc NAME CLASS-OPTIONS: write NAME.tex (printf, not echo: dash's echo turns "\b" into a backspace)
doc() {
	{
		printf '%s\n' "\\documentclass[$2]{article}"
		printf '%s\n' '\usepackage[T1]{fontenc}' '\usepackage[utf8]{inputenc}' '\usepackage{times}'
		printf '%s\n' '\usepackage{booktabs,tabularx,graphicx}' '\usepackage{natbib}' '\usepackage[hyphens]{url}'
		printf '%s\n' '\begin{document}' 'Text before the tables.'
		for t in "$dir"/*.tex; do
			[ "$(basename "$t")" = methods.tex ] && continue
			# a float at the top level, referred to by its label
			label=$(sed -n 's/^\\label{\(.*\)}$/\1/p' "$t")
			printf '%s\n' "\\input{$t}"
			[ -n "$label" ] && printf '%s\n' "See Table~\\ref{$label}."
		done
		if [ -f "$dir/methods.tex" ]; then
			printf '%s\n' '\section{Methods}' "\\input{$dir/methods.tex}"
		fi
		[ -f "$work/ctk.bib" ] && printf '%s\n' '\bibliographystyle{plainnat}' '\bibliography{ctk}'
		printf '%s\n' '\end{document}'
	} > "$work/$1.tex"
}

# check NAME: compile, bibtex, compile twice; grep the logs
check() {
	name=$1
	(
		cd "$work" || exit 1
		pdflatex -interaction=nonstopmode -halt-on-error "$name.tex" >"$name.out1" 2>&1 || exit 1
		if [ -f ctk.bib ]; then bibtex "$name" >"$name.bibout" 2>&1 || exit 2; fi
		pdflatex -interaction=nonstopmode -halt-on-error "$name.tex" >/dev/null 2>&1 || exit 1
		pdflatex -interaction=nonstopmode -halt-on-error "$name.tex" >/dev/null 2>&1 || exit 1
	)
	case $? in
	0) ;;
	2) echo "$name: bibtex failed:"; cat "$work/$name.bibout"; fail=1; return ;;
	*) echo "$name: pdflatex failed:"; tail -n 30 "$work/$name.log"; fail=1; return ;;
	esac
	log=$work/$name.log
	# "Overfull \hbox (12.3pt too wide)": over 1 pt fails
	over=$(sed -n 's/^Overfull \\[hv]box (\([0-9.]*\)pt too [a-z]*).*/\1/p' "$log" | awk '$1 > 1' | head -n 3)
	[ -n "$over" ] && { echo "$name: overfull boxes (pt):" $over; grep -A2 '^Overfull' "$log" | head -n 12; fail=1; }
	grep -q 'Float too large' "$log" && { echo "$name: float too large:"; grep 'Float too large' "$log"; fail=1; }
	grep -E "(Citation|Reference) .* undefined|There were undefined" "$log" && { echo "$name: undefined citation or reference"; fail=1; }
	grep -E '^(LaTeX|Package) .*(Error|Warning)' "$log" | grep -v 'Font Warning' && { echo "$name: LaTeX warnings above"; fail=1; }
	if [ -f "$work/$name.blg" ] && grep -E '^Warning--|error message' "$work/$name.blg"; then
		echo "$name: bibtex warnings above"
		fail=1
	fi
}

doc twocol 'twocolumn,10pt'
doc onecol '10pt'
check twocol
check onecol
if [ "$fail" = 0 ]; then
	echo "ok: $(ls "$dir"/*.tex | wc -l) files compiled in two- and one-column articles with natbib (plainnat)"
	exit 0
fi
exit 1
