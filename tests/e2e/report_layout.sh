# Report files are named after their table entries: every chart of
# ctk_charts[] (report/charts.c) is report/charts/<name>.c, every table of
# builders[] (report/main.c) is report/tables/<name>.c, every writer of
# ctk_table_writers[] is report/writers/<ext>.c, and no other file sits in
# those folders. Regression for issue 12 (chart_compare.c drew the chart
# "hardware_comparison", table_compare.c built "comparison").
. "$CTK_ROOT/tests/e2e/lib.sh"
R=$CTK_ROOT/report
entries() { # FILE ARRAY: the quoted first field of each row of ARRAY[] in FILE
	awk -v a="$2" '$0 ~ a"\\[\\] = \\{" {on=1; next} on && /^\};/ {on=0} on && match($0, /\{"[a-z_]+"/) {print substr($0, RSTART+2, RLENGTH-3)}' "$1" | sort
}
files() { ls "$1" 2>/dev/null | sed -n 's/\.c$//p' | sort; }
charts=$(entries "$R/charts.c" ctk_charts)
tables=$(entries "$R/main.c" builders)
ok "charts found in ctk_charts[]" test -n "$charts"
ok "tables found in builders[]" test -n "$tables"
is "report/charts/ = ctk_charts[]" "$(files "$R/charts")" "$charts"
is "report/tables/ = builders[]" "$(files "$R/tables")" "$tables"
exts=$(grep -ho '\.ext = "[a-z]*"' "$R"/writers/*.c 2>/dev/null | sed 's/.*"\(.*\)"/\1/' | sort -u) # tex.c has two: <name>.tex and <name>-wide.tex
ok "writers found" test -n "$exts"
is "report/writers/<ext>.c for each writer's ext" "$(files "$R/writers")" "$exts"
is "no chart_*.c or table_*.c left in report/" "$(ls "$R" | grep -E '^(chart|table)_.*\.c$')" ""
done_testing
