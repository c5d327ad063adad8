#!/bin/sh
# Run the whole suite for one or more build trees and print one total line
# "N passed, N skipped, N failed" (a TAP "ok … # SKIP" is a skip, never a pass). Unit tests are cmocka programs (TAP output); end-to-end
# tests are tests/e2e/*.sh printing TAP lines through tests/e2e/lib.sh.
# Usage: tests/run.sh BUILD [BUILD…]   Exit status: 0 when nothing failed.
root=$(cd "$(dirname "$0")/.." && pwd)
CTK_DATA=${CTK_DATA:-$root/../shared/data}
export CTK_DATA
pass=0
skip=0
fail=0
log=$(mktemp)
vgdir=""

# count LOG RC: p, s, f of one test program (TAP lines; a non-zero exit
# without a "not ok" line is one failure) added to the totals
count() {
	s=$(grep -ciE '^ok [^#]*#[[:space:]]*skip' "$1")
	p=$(($(grep -c '^ok ' "$1") - s))
	f=$(grep -c '^not ok ' "$1")
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	pass=$((pass + p))
	skip=$((skip + s))
	fail=$((fail + f))
}
skipped() { [ "$s" -eq 0 ] || printf ', %s skipped' "$s"; }
for build in "$@"; do
	case "$build" in /*) b=$build ;; *) b=$root/$build ;; esac
	echo "== suite: $build"
	vg=""
	bindir=$b/bin
	if [ "${CTK_VALGRIND:-}" = 1 ]; then
		# every ctk program under memcheck: errors or definite leaks fail the
		# test. Children are followed (the dispatcher execs the tools) except
		# the training commands' shells and interpreters, whose own `ctk mark`
		# calls go through the wrappers again (never valgrind in valgrind).
		vg="valgrind -q --error-exitcode=99 --child-silent-after-fork=yes --leak-check=full --errors-for-leak-kinds=definite --trace-children=yes --trace-children-skip=*/sh,*/dash,*/bash,*/python3*,*/sleep,*/env,*/setsid,*/prlimit,*/setpriv,*/true,*/false"
		vgdir=$(mktemp -d)
		for p in "$b"/bin/*; do
			printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$vg" "$p" > "$vgdir/$(basename "$p")"
			chmod +x "$vgdir/$(basename "$p")"
		done
		bindir=$vgdir
	fi
	for t in "$b"/tests/test_*; do
		[ -x "$t" ] || continue
		name=$(basename "$t")
		tmp=$(mktemp -d)
		(cd "$tmp" && CMOCKA_MESSAGE_OUTPUT=TAP CTK_BUILD="$b" CTK_ROOT="$root" $vg "$t") >"$log" 2>&1
		rc=$?
		rm -rf "$tmp"
		count "$log" "$rc"
		if [ "$f" -ne 0 ]; then
			echo "FAIL $name (exit $rc)"
			sed 's/^/    /' "$log" | tail -n 40
		else
			echo "ok   $name ($p$(skipped))"
		fi
	done
	for t in "$root"/tests/e2e/*.sh; do
		[ -f "$t" ] || continue
		name=$(basename "$t" .sh)
		[ "$name" = lib ] && continue
		tmp=$(mktemp -d)
		(cd "$tmp" && CTK_BIN="$bindir" CTK_BUILD="$b" CTK_ROOT="$root" sh "$t") >"$log" 2>&1
		rc=$?
		rm -rf "$tmp"
		count "$log" "$rc"
		if [ "$f" -ne 0 ]; then
			echo "FAIL e2e/$name (exit $rc)"
			sed 's/^/    /' "$log" | tail -n 40
		else
			echo "ok   e2e/$name ($p$(skipped))"
		fi
	done
done
rm -f "$log"
[ -n "$vgdir" ] && rm -rf "$vgdir"
echo "$pass passed, $skip skipped, $fail failed"
[ "$fail" -eq 0 ]
