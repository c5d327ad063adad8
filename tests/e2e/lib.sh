# Helpers for end-to-end tests: TAP output and assertions. Source it, then
# call `ok NAME CMD…`, `is NAME GOT WANT`, `near NAME GOT WANT RELTOL`, and
# end with `done_testing`. $CTK_BIN holds the built tools, $CTK_DATA the
# shared data, $CTK_ROOT the repository.
n=0
failed=0
PATH="$CTK_BIN:$PATH"
export PATH

ok() {
	name=$1; shift
	n=$((n + 1))
	if "$@" >/dev/null 2>&1; then echo "ok $n - $name"; else echo "not ok $n - $name"; failed=$((failed + 1)); fi
}

is() {
	n=$((n + 1))
	if [ "$2" = "$3" ]; then echo "ok $n - $1"; else echo "not ok $n - $1: got '$2', want '$3'"; failed=$((failed + 1)); fi
}

# near NAME GOT WANT RELTOL: |got-want| <= reltol*|want|
near() {
	n=$((n + 1))
	if python3 -c "import sys; g,w,t=map(float,sys.argv[1:]); sys.exit(0 if abs(g-w)<=t*abs(w) else 1)" "$2" "$3" "$4"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1: got $2, want $3 (rel tol $4)"; failed=$((failed + 1))
	fi
}

# sql DB QUERY: one value from the store, via python3's sqlite3 (independent of ctk)
sql() {
	python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); r=c.execute(sys.argv[2]).fetchone(); print('' if r is None or r[0] is None else r[0])" "$1" "$2"
}

# timing: true when wall-clock assertions are meaningful (not under valgrind,
# which slows every program 20-50x; make check-full sets CTK_VALGRIND=1)
timing() { [ "${CTK_VALGRIND:-}" != 1 ]; }

# skip NAME [WHY]: an assertion that does not apply in this run; tests/run.sh
# counts it as a skip, never as a pass
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP ${2:-timing under valgrind}"
}

done_testing() {
	echo "1..$n"
	[ "$failed" -eq 0 ]
}
