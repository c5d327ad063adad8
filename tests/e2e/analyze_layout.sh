# analyze/ has rooms and the collector has no 200-line functions (issue 12:
# analyze/ was one flat room of 52 files; ctk_collect and cmd_collect were
# ~200-line functions). Rooms: only main.c and commands.h at the top, then
# cmd/ import/ intensity/ energy/; every subcommand of the table in
# analyze/main.c is analyze/cmd/<name>.c; every importer of importers.c is
# analyze/import/<name>.c. Function sizes: tests/e2e/funcsize.py.
. "$CTK_ROOT/tests/e2e/lib.sh"
A=$CTK_ROOT/analyze
is "analyze/: main.c, commands.h and the rooms" "$(ls "$A" | tr '\n' ' ')" "cmd commands.h energy import intensity main.c "
cmds=$(sed -n 's/^	{"\([a-z]*\)", ctk_cmd_.*/\1/p' "$A/main.c" | sort)
ok "subcommands found in analyze/main.c" test -n "$cmds"
missing=""
for c in $cmds; do [ -f "$A/cmd/$c.c" ] || missing="$missing $c"; done
is "every subcommand is analyze/cmd/<name>.c" "$missing" ""
imps=$(sed -n 's/^	&ctk_importer_\([a-z_0-9]*\),*/\1/p' "$A/import/importers.c" | sort)
ok "importers found in importers.c" test -n "$imps"
missing=""
for i in $imps; do [ -f "$A/import/$i.c" ] || missing="$missing $i"; done
is "every importer is analyze/import/<name>.c" "$missing" ""
C=$CTK_ROOT/collector
python3 "$CTK_ROOT/tests/e2e/funcsize.py" "$C"/collect.c "$C"/loop.c "$C"/child.c "$C"/budget.c "$C"/main.c > sizes.txt
ok "the scan finds ctk_collect" grep -q '^ctk_collect ' sizes.txt
is "collector: no function longer than 80 lines" "$(awk '$2 > 80 {print $1 " " $2 " lines"}' sizes.txt)" ""
done_testing
