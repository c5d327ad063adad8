# Bad input gets a one-line error naming file, line and field, exit 2 (3 for
# the store), and leaves the store exactly as it was (row counts compared
# before and after; several files in one command are all-or-nothing).
. "$CTK_ROOT/tests/e2e/lib.sh"
TITAN=$CTK_DATA/training-profile-gpu-traces/titanx_power-trace_2gpu_2025-12-10-17-40-10.csv

ctk import nvidia-smi "$TITAN" --db run.db >/dev/null 2>&1
counts() { sql run.db "select (select count(*) from runs)||'/'||(select count(*) from devices)||'/'||(select count(*) from sample_chunks)||'/'||(select count(*) from windows)"; }
before=$(counts)

# expect NAME WANT_EXIT WANT_SUBSTRING CMD…: exit code, one line on stderr, message, store unchanged
expect() {
	name=$1; want=$2; text=$3; shift 3
	"$@" >out.txt 2>err.txt
	rc=$?
	is "$name: exit $want" "$rc" "$want"
	is "$name: one-line error" "$(grep -vc 'warning:' err.txt)" 1
	ok "$name: message has '$text'" grep -q -- "$text" err.txt
	is "$name: store unchanged" "$(counts)" "$before"
}

head -5 "$TITAN" > trunc.csv
printf '2025/12/10 17:40:11.001, 18.1' >> trunc.csv
expect "truncated row" 2 "'trunc.csv' line 6: 2 field(s)" ctk import nvidia-smi trunc.csv --db run.db

head -5 "$TITAN" > cut.csv
printf '2025/12/10 17:40:11.001, 18.14 W, 0 %%, 1 Mi' >> cut.csv
expect "row cut inside a value" 2 "'cut.csv' line 6: field 'memory.used \[MiB\]'" ctk import nvidia-smi cut.csv --db run.db

sed '1s/power.draw \[W\]/power.draw [kW]/' "$TITAN" > unit.csv
expect "unknown unit" 2 "'unit.csv' line 1: field 'power.draw \[kW\]': unknown unit 'kW'" ctk import nvidia-smi unit.csv --db run.db

printf 'timestamp, index, power.draw [W]\n2025/12/10 17:40:10.000, 0, 18.00 W\n2025/12/10 17:40:10.100, 0, 19.00 W\n2025/12/10 17:40:09.900, 0, 18.50 W\n' > back.csv
expect "time going backwards" 2 "'back.csv' line 4: field 'timestamp': time goes backwards" ctk import nvidia-smi back.csv --db run.db

printf 'timestamp, index, power.draw [W]\n2025/12/10 17:40:10.000, 0, 18.00 W\n2025/12/10 17:40:10.100, 0, nan W\n' > nan.csv
expect "NaN power" 2 "'nan.csv' line 3: field 'power.draw \[W\]': not a number ('nan W')" ctk import nvidia-smi nan.csv --db run.db

printf 'timestamp, index, power.draw [W]\n2025/12/10 17:40:10.000, 0, -18.00 W\n' > neg.csv
expect "negative power" 2 "'neg.csv' line 2: field 'power.draw \[W\]': negative power" ctk import nvidia-smi neg.csv --db run.db

printf '\177ELF\002\001\001\000\000\000binary junk\000\001\002\n\003\004' > junk.bin
# issue 14: a NUL byte is an error naming its line (before, C strings ended there)
expect "not a CSV" 2 "'junk.bin' line 1: NUL byte (binary data)" ctk import nvidia-smi junk.bin --db run.db

# a good file then a bad one: the good one is not kept either
expect "all-or-nothing over files" 2 "'nan.csv' line 3" ctk import nvidia-smi "$TITAN" nan.csv --db run.db

printf 'epoch,start_s,end_s\n1,1765388420,1765388500\n2,1765388499,1765388600\n' > ep_back.csv
expect "epochs overlapping" 2 "'ep_back.csv' line 3: field 'start_s': time goes backwards" ctk import epochs ep_back.csv --db run.db --run 1
printf 'epoch,start_s,end_s\n1,1765388420,1765388400\n' > ep_neg.csv
expect "epoch ending before start" 2 "'ep_neg.csv' line 2: field 'end_s': epoch 1 ends before it starts" ctk import epochs ep_neg.csv --db run.db --run 1
printf 'epoch,start_s,end_s\n1,17653884xx,1765388500\n' > ep_nan.csv
expect "epoch time not a number" 2 "'ep_nan.csv' line 2: field 'start_s'" ctk import epochs ep_nan.csv --db run.db --run 1

# a store from a newer ctk: refused (exit 3), untouched
cp run.db newer.db
python3 -c "import sqlite3; c=sqlite3.connect('newer.db'); c.execute('PRAGMA user_version=99'); c.commit()"
sum_before=$(cksum < newer.db)
ctk analyze --db newer.db >out.txt 2>err.txt
is "newer schema: exit 3" "$?" 3
ok "newer schema: says so" grep -q "'newer.db': store has schema version 99, newer than this ctk understands (2)" err.txt
ctk import nvidia-smi "$TITAN" --db newer.db >out.txt 2>err.txt
is "newer schema: import refused" "$?" 3
is "newer schema: file unchanged" "$(cksum < newer.db)" "$sum_before"

# usage errors: exit 1
ctk analyze >/dev/null 2>&1
is "analyze without --db: exit 1" "$?" 1
ctk import nosuchformat x --db run.db >/dev/null 2>&1
is "unknown format: exit 1" "$?" 1
ctk import nvidia-smi "$TITAN" --db run.db --tz Mars/Base >/dev/null 2>&1
is "unknown --tz: exit 1" "$?" 1
is "store unchanged after all of it" "$(counts)" "$before"
done_testing
