# Library code never prints (STYLE.md §6): outside the tools' main.c and
# the command front-ends of analyze/cmd/, no file of common/, collector/,
# analyze/ or report/ writes to stdout or stderr, and no library header
# offers a "print to this FILE" function (results go back to the caller,
# which prints). Regression for issue 12: report.c printed "wrote …" and
# predict_eval.c printed the prediction table.
. "$CTK_ROOT/tests/e2e/lib.sh"
here=$(mktemp -d)
cd "$CTK_ROOT" || exit 1
lib=$(ls common/*.c collector/*.c collector/*/*.c analyze/*/*.c report/*.c report/*/*.c 2>/dev/null |
	grep -v '/main\.c$' | grep -v '^analyze/cmd/')
hdr=$(ls common/*.h collector/*.h collector/*/*.h analyze/*/*.h report/*.h report/*/*.h 2>/dev/null |
	grep -v '^analyze/cmd/')
ok "the library file list is not empty" test -n "$lib"
ok "it holds the files that printed before" sh -c "echo '$lib' | grep -q report/report.c && echo '$lib' | grep -q analyze/energy/predict_eval.c"
# comments are skipped: lines whose first non-blank characters are /* or *;
# so are lines that only flush or test stdout (common/cli.c: the front-ends'
# exit check writes nothing)
hits=$(grep -nE '(^|[^a-z_.>])(printf|puts|perror|putchar|vprintf)[[:space:]]*\(|\b(stdout|stderr)\b' $lib |
	grep -vE '^[^:]*:[0-9]+:[[:space:]]*(/?\*|//)' |
	grep -vE '^[^:]*:[0-9]+:[^"]*\b(fflush|ferror)\(stdout\)[^"]*$')
is "no printf/puts/perror or stdout/stderr in library code" "$hits" ""
hits=$(grep -nE '_print[[:space:]]*\([[:space:]]*FILE' $hdr)
is "no library function prints to a FILE handed in" "$hits" ""
# the checker itself: a planted print is found
printf 'static void f(void)\n{\n\tprintf("x");\n}\n' > "$here/x.c"
ok "a planted printf is found" sh -c "grep -qE '(^|[^a-z_.>])(printf|puts|perror|putchar|vprintf)[[:space:]]*\\(' '$here/x.c'"
rm -rf "$here"
done_testing
