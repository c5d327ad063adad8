# Store safety (issue 18): a store from a newer ctk in rollback-journal mode
# and SQLite files that are not ctk stores are refused by every command that
# takes --db, and stay byte-for-byte unchanged (sha256 before and after each
# command); a store with a corrupted page of `runs` gives exit 3 with a
# message that says so, never "no runs" and exit 0.
. "$CTK_ROOT/tests/e2e/lib.sh"
TITAN=$CTK_DATA/training-profile-gpu-traces/titanx_power-trace_2gpu_2025-12-10-17-40-10.csv
export CTK_NVML_LIB="$CTK_BUILD/fakenvml/libnvidia-ml.so.1" CTK_FAKENVML_DEVICES=1 CTK_SYSFS_ROOT="$PWD/sys"
mkdir -p sys

ctk import nvidia-smi "$TITAN" --db run.db >/dev/null 2>&1
is "a ctk store to start from" "$(sql run.db 'SELECT count(*) FROM runs')" 1

# newer: a ctk store (its application_id kept) from schema version 99, switched
# back to the rollback journal as an older SQLite or another ctk would leave it
cp run.db newer.db
python3 -c "
import sqlite3; c=sqlite3.connect('newer.db', isolation_level=None)
c.execute('PRAGMA journal_mode=DELETE'); c.execute('PRAGMA user_version=99'); c.close()"
is "newer store is in rollback-journal mode" "$(sql newer.db 'PRAGMA journal_mode')" delete
# foreign: another application's SQLite file (its own application_id)
python3 -c "
import sqlite3; c=sqlite3.connect('foreign.db', isolation_level=None)
c.execute('PRAGMA application_id=1179403647'); c.execute('PRAGMA user_version=1')
c.execute('CREATE TABLE notes(t TEXT)'); c.execute(\"INSERT INTO notes VALUES ('mine')\"); c.close()"
# plain: a SQLite file with a version number but no ctk tables and no application_id
python3 -c "
import sqlite3; c=sqlite3.connect('plain.db', isolation_level=None)
c.execute('PRAGMA user_version=1'); c.execute('CREATE TABLE runs_of_something_else(x)'); c.close()"
# text: not SQLite at all
printf 'not a database\n' >text.db

sha() { sha256sum "$1" | cut -d' ' -f1; }
for f in newer.db foreign.db plain.db text.db; do
	before=$(sha $f)
	for cmd in "runs --db $f" "analyze --db $f" "import nvidia-smi $TITAN --db $f" \
		"export samples --db $f" "evaluate --db $f" "compare --db $f --by label" \
		"config --db $f 1 zone=DE" "intensity list --db $f" \
		"intensity default --zone DE --year 2020 --db $f --store" "report --db $f --out rep-$f" \
		"collect --db $f --interval 50ms -- true"; do
		# shellcheck disable=SC2086
		ctk $cmd >out.txt 2>err.txt
		rc=$?
		name="$f: ctk ${cmd%% --db*}"
		ok "$name: refused (exit $rc)" test "$rc" -ne 0
		is "$name: byte-for-byte unchanged" "$(sha $f)" "$before"
	done
	ok "$f: no journal or WAL left beside it" test ! -e $f-wal -a ! -e $f-journal
done
ctk runs --db foreign.db >out.txt 2>err.txt
is "foreign: exit 3" "$?" 3
ok "foreign: says it is not a ctk store" grep -q "'foreign.db': not a ctk store" err.txt
ctk analyze --db plain.db >out.txt 2>err.txt
ok "plain: says it is not a ctk store" grep -q "'plain.db': not a ctk store" err.txt
ctk import nvidia-smi "$TITAN" --db newer.db >out.txt 2>err.txt
is "newer: exit 3" "$?" 3
ok "newer: says so" grep -q "'newer.db': store has schema version 99, newer than this ctk" err.txt

# corruption: overwrite the root page of `runs` (a leaf: one run) with a
# byte pattern that is no b-tree page; page size and root page from SQLite
cp run.db bad.db
python3 -c "
import sqlite3,sys
c=sqlite3.connect('bad.db'); ps=c.execute('PRAGMA page_size').fetchone()[0]
root=c.execute(\"SELECT rootpage FROM sqlite_schema WHERE name='runs'\").fetchone()[0]; c.close()
f=open('bad.db','r+b'); f.seek((root-1)*ps); f.write(b'\x55'*ps); f.close()"
for cmd in runs analyze report; do
	extra=; [ $cmd = report ] && extra="--out rep-bad"
	# shellcheck disable=SC2086
	ctk $cmd --db bad.db $extra >out.txt 2>err.txt
	is "corrupt runs page: ctk $cmd exits 3" "$?" 3
	ok "corrupt runs page: ctk $cmd says the store is damaged" grep -Eq "corrupt|malformed" err.txt
	ok "corrupt runs page: ctk $cmd never says 'no runs'" sh -c '! grep -q "no runs" out.txt'
done
done_testing
