# Schema upgrades: a store made by the previous ctk (schema version 1: only
# schemas/schema.sql, user_version 1) is upgraded in place by the first
# command that writes, keeps its data, and ends with exactly the tables,
# columns and indexes of a store made new (same sqlite_master text).
. "$CTK_ROOT/tests/e2e/lib.sh"
TITAN=$CTK_DATA/training-profile-gpu-traces/titanx_power-trace_2gpu_2025-12-10-17-40-10.csv

python3 - "$CTK_ROOT/schemas/schema.sql" <<'PY'
import sqlite3, sys
c = sqlite3.connect('old.db', isolation_level=None)
c.executescript(open(sys.argv[1]).read())
c.execute("INSERT INTO runs(label, source, created_ns) VALUES ('from v1', 'test', 1)")
c.execute('PRAGMA user_version=1'); c.execute('PRAGMA application_id=1668574001')
c.close()
PY
is "the old store is version 1" "$(sql old.db 'PRAGMA user_version')" 1
ctk import nvidia-smi "$TITAN" --db old.db >out.txt 2>err.txt
is "import into a version-1 store: exit 0" "$?" 0
ctk import nvidia-smi "$TITAN" --db new.db >/dev/null 2>&1
is "upgraded to the current version" "$(sql old.db 'PRAGMA user_version')" "$(sql new.db 'PRAGMA user_version')"
ok "current version is at least 2" test "$(sql new.db 'PRAGMA user_version')" -ge 2
is "the version-1 run is kept" "$(sql old.db "SELECT label FROM runs WHERE run_id=1")" "from v1"
schema() { sql "$1" "SELECT type||' '||name||': '||coalesce(sql,'') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"; }
schema old.db >old.txt
schema new.db >new.txt
ok "upgraded store has the same schema as a new one" cmp -s old.txt new.txt || diff old.txt new.txt | sed 's/^/# /'
is "schema notes name every version up to the current one" "$(sql old.db 'SELECT group_concat(version) FROM schema_notes')" \
	"$(seq -s, 2 "$(sql new.db 'PRAGMA user_version')")"
done_testing
