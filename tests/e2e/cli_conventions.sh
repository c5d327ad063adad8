# Issue 19, "no silent surprises": durations need a unit, a failed write on
# stdout is exit 3, and every command's messages read "ctk COMMAND: …"
# (warnings "ctk COMMAND: warning: …"), lowercase, no final period.
. "$CTK_ROOT/tests/e2e/lib.sh"
export CTK_NVML_LIB="$CTK_BUILD/fakenvml/libnvidia-ml.so.1" CTK_SYSFS_ROOT="$PWD/sys" CTK_FAKENVML_DEVICES=1
unset CUDA_VISIBLE_DEVICES NVIDIA_VISIBLE_DEVICES CTK_SOCKET
mkdir -p sys

# --- durations: a bare number is a usage error naming the fix
for opt in --interval --flush --baseline; do
	ctk collect --db d.db $opt 100 -- true 2>err.txt
	is "$opt 100: exit 1" "$?" 1
	ok "$opt 100: the message names the fix (100ms)" grep -q "^ctk collect: $opt '100': a duration needs a unit: 100ms, 100s" err.txt
done
ok "--interval 100: nothing stored" test ! -e d.db
ctk collect --db d.db --quiet --interval 20ms --flush 100ms -- sleep 0.2 2>/dev/null
is "--interval 20ms is 20 ms" "$(sql d.db "SELECT json_extract(config_json, '\$.interval_ms') FROM runs")" 20
ctk intensity fetch --source uk --zone GB --from 2020-01-01T00:00Z --to 2020-01-02T00:00Z --db d.db \
	--base-url http://127.0.0.1:9 --timeout 5 2>err.txt
is "intensity fetch --timeout 5: exit 1" "$?" 1
ok "intensity fetch --timeout 5: names the fix" grep -q "^ctk intensity: --timeout '5': a duration needs a unit: 5ms, 5s" err.txt

# --- stdout is checked at exit: /dev/full is exit 3 with a message
if [ -w /dev/full ]; then
	ctk export samples --db d.db > /dev/full 2>err.txt
	is "export > /dev/full: exit 3" "$?" 3
	ok "export > /dev/full: says why" grep -q "^ctk export: write error on standard output: No space left on device$" err.txt
	ctk runs --db d.db > /dev/full 2>err.txt
	is "runs > /dev/full: exit 3" "$?" 3
	ctk report --help > /dev/full 2>err.txt
	is "report --help > /dev/full: exit 3" "$?" 3
	ctk --help > /dev/full 2>err.txt
	is "ctk --help > /dev/full: exit 3" "$?" 3
	ctk export samples --db d.db > out.csv 2>err.txt
	is "export to a file: exit 0" "$?" 0
else
	skip "export > /dev/full" "no /dev/full"
fi

# --- one message style: every message line of every command starts with
# "ctk CMD: ", the first letter after it is lowercase, no final period
prefix_ok() { # CMD FILE: message lines (not usage text) all "ctk CMD: …"
	python3 - "$1" "$2" <<'PY'
import re, sys
cmd, path = sys.argv[1], sys.argv[2]
lines = [l.rstrip("\n") for l in open(path)]
msgs = [l for l in lines if re.match(r"^[A-Za-z-]+( [a-z]+)?: ", l) and not l.startswith(("usage:", "exit status:"))]
if not msgs:
    sys.exit("no message line in %r" % lines)
for l in msgs:
    if not l.startswith("ctk %s: " % cmd):
        sys.exit("bad prefix: %r" % l)
    body = l[len("ctk %s: " % cmd):]
    if body.startswith("warning: "):
        body = body[len("warning: "):]
    word = re.match(r"[A-Za-z_]*", body).group(0)
    # lowercase, except a name written in capitals (CTK_SOCKET, NVML)
    if (word[:1].isupper() and not word.isupper()) or l.endswith("."):
        sys.exit("style: %r" % l)
PY
}
check() { # CMD WANT_RC ARGS…: run `ctk ARGS…`, check exit status and messages
	cmd=$1; want=$2; shift 2
	ctk "$@" </dev/null >/dev/null 2>err.txt
	rc=$?
	is "ctk $*: exit $want" "$rc" "$want"
	ok "ctk $*: messages read 'ctk $cmd: …'" prefix_ok "$cmd" err.txt
}
check collect 1 collect --db d.db --bogus
check collect 1 collect --db d.db --interval 5 -- true
check mark 1 mark epoch-start
check mark 1 mark launch
check import 1 import --bogus
check import 2 import nvidia-smi missing.csv --db x.db
check analyze 3 analyze --db missing.db
check analyze 1 analyze --bogus
check export 3 export samples --db missing.db
check runs 3 runs --db missing.db
check runs 1 runs --bogus
check intensity 3 intensity list --db missing.db
check intensity 1 intensity frobnicate
check evaluate 3 evaluate --db missing.db
check compare 3 compare --db missing.db --by gpu
check config 3 config --db missing.db 1
check config 1 config --bogus
check report 3 report --db missing.db --out o
check report 1 report --bogus
# --- an error that has a fix names it: no intensity series for the zone →
# the bundled yearly value and how to use it; following it works
ctk import nvidia-smi "$CTK_ROOT/samples/demo/gpu-trace.csv" --db y.db --tz UTC --simulated >/dev/null 2>&1
ctk analyze --db y.db --zone DE >/dev/null 2>err.txt
is "no series for the zone: exit 2" "$?" 2
ok "… names the bundled yearly value and --fill default" \
	grep -q "^ctk analyze: no lifecycle intensity series for zone 'DE': .*ctk intensity default --zone DE --store --db DB, then --fill default" err.txt
ctk intensity default --zone DE --store --db y.db >/dev/null
ctk analyze --db y.db --zone DE --fill default >/dev/null 2>err.txt
is "following the advice: exit 0" "$?" 0
ok "… and the run's CO2 is stored" python3 -c 'import sqlite3, sys; r = sqlite3.connect("y.db").execute("SELECT co2_g FROM run_co2").fetchone(); sys.exit(0 if r and r[0] > 0 else 1)'

ctk frobnicate 2>err.txt
is "unknown command: exit 1" "$?" 1
ok "unknown command: 'ctk: …'" grep -q "^ctk: 'frobnicate' is not a ctk command$" err.txt
ctk-analyze frobnicate 2>err.txt
ok "unknown command of a tool: 'ctk: …'" grep -q "^ctk: 'frobnicate' is not a ctk command$" err.txt
done_testing
