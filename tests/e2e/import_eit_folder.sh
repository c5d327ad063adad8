# issue 14: experiment-impact-tracker's log folder. Its public source
# (Breakend/experiment-impact-tracker, data_utils.py: BASE_LOG_PATH
# "impacttracker/", DATAPATH data.json, INFOPATH info.pkl) writes two files:
# data.json (JSON lines, read) and info.pkl (a Python pickle, not read: see
# docs/IMPORTERS.md). Naming LOGDIR or LOGDIR/impacttracker imports its data.json.
. "$CTK_ROOT/tests/e2e/lib.sh"
mkdir -p logdir/impacttracker
cp "$CTK_ROOT/tests/data/eit/impacttracker/data.json" logdir/impacttracker/
ok "LOGDIR imports its impacttracker/data.json" ctk import eit logdir --db f.db
is "same readings as the file itself" "$(sql f.db 'select sum(n) from sample_chunks')" \
	"$(ctk import eit "$CTK_ROOT/tests/data/eit/impacttracker/data.json" --db g.db > /dev/null 2>&1; sql g.db 'select sum(n) from sample_chunks')"
is "source_path names the data.json" "$(sql f.db 'select source_path from runs')" "logdir/impacttracker/data.json"
ctk import eit logdir/impacttracker --db f.db > out.txt 2> err.txt
ok "LOGDIR/impacttracker is the same file: skipped" grep -q "^skipped" out.txt
mkdir empty
ctk import eit empty --db f.db > out.txt 2> err.txt
is "a folder without data.json: exit 2" "$?" 2
ok "says what it looked for" grep -q "'empty': a folder without data.json or impacttracker/data.json" err.txt
done_testing
