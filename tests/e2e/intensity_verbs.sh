# `ctk intensity VERB`: each verb takes only its own options. An option of
# another verb (or of none) is a usage error (exit 1) that names the verb
# and the option, before anything is read or written. Regression for
# issue 12: one option parser for all verbs silently ignored, e.g.,
# `list --store` or `default --tz`.
. "$CTK_ROOT/tests/e2e/lib.sh"
printf 'Time,Carbon Intensity\n2026-11-23 22:00:00,481\n2026-11-23 23:00:00,300\n' > ci.csv
printf 'start,end,energy_j\n2026-11-23T22:10:00Z,2026-11-23T22:20:00Z,3600000\n' > e.csv
ok "import with its own options" ctk intensity import ci.csv --db d.db --zone XX --tz UTC --signal direct
# refused: exit 1, one line naming verb and option
refused() { # NAME WANT-IN-MESSAGE CMD…
	name=$1 want=$2; shift 2
	"$@" > out.txt 2> err.txt; rc=$?
	is "$name: exit 1" "$rc" 1
	ok "$name: says '$want'" grep -qF "$want" err.txt
	is "$name: nothing on stdout" "$(cat out.txt)" ""
}
refused "list --store" "list: option '--store' does not apply (it is an option of default" \
	ctk intensity list --db d.db --store
refused "default --tz" "default: option '--tz' does not apply (it is an option of import" \
	ctk intensity default --zone DE --tz UTC
refused "import --year" "import: option '--year' does not apply" \
	ctk intensity import ci.csv --db d.db --zone YY --year 2020
is "import --year: nothing stored" "$(sql d.db "select count(*) from intensity_series where zone='YY'")" 0
refused "fetch --fill" "fetch: option '--fill' does not apply (it is an option of join" \
	ctk intensity fetch --source uk --zone GB --from 2023-01-01T00:00Z --to 2023-01-02T00:00Z --db f.db --fill previous
ok "fetch --fill: no store created" test ! -e f.db
refused "join --format" "join: option '--format' does not apply (it is an option of import" \
	ctk intensity join e.csv --db d.db --zone XX --format generic-csv
refused "list --unit" "list: option '--unit' does not apply" ctk intensity list --db d.db --unit g/kWh
refused "default --db without --store" "default: --db is only for --store" ctk intensity default --zone DE --db d.db
refused "unknown option" "list: unknown option '--bogus'" ctk intensity list --db d.db --bogus
refused "missing value" "import: option '--zone' needs a value" ctk intensity import ci.csv --db d.db --zone
# each verb's own options still work, and its --help lists only them
ok "list --zone --json" sh -c "ctk intensity list --db d.db --zone XX --json | python3 -c 'import json,sys; assert json.load(sys.stdin)[\"series\"][0][\"zone\"] == \"XX\"'"
ok "join --signal --fill --default --json" sh -c "ctk intensity join e.csv --db d.db --zone XX --signal direct --fill default --default 100 --json > j.json"
# 1 kWh over 22:10-22:20, inside the 22:00 value of 481 g/kWh (step semantics)
near "join: CO2 = 1 kWh x 481 g/kWh" "$(python3 -c "import json; print(json.load(open('j.json'))['co2_g'])")" 481 1e-12
ctk intensity list --help > help.txt
is "list --help: exit 0" $? 0
ok "list --help names --zone" grep -q -- "--zone" help.txt
ok "list --help does not offer --store" sh -c "! grep -q -- '--store' help.txt"
ok "default --json: valid JSON with a quote in the zone" sh -c "ctk intensity default --zone 'DK-\"x' --json | python3 -c 'import json,sys; assert json.load(sys.stdin)[\"zone\"] == \"DK-\\\"x\"'"
done_testing
