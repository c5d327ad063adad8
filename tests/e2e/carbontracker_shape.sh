# The carbontracker importer matches the messages of a log through a table
# (pattern -> handler) and keeps its functions short. Regression for issue
# 12: std_message was a 194-line if-chain (cyclomatic complexity about 79).
# Function sizes are measured here with a small Python scan (top-level
# functions: lines from the signature to the closing brace; complexity = 1
# + if/for/while/case/&&/||/?, strings and comments removed).
. "$CTK_ROOT/tests/e2e/lib.sh"
F=$CTK_ROOT/analyze/import/carbontracker.c
scan() { python3 "$CTK_ROOT/tests/e2e/funcsize.py" "$F"; }
scan > sizes.txt
ok "the scan finds the importer's functions" grep -q '^ct_import ' sizes.txt
is "no function longer than 80 lines" "$(awk '$2 > 80 {print $1 " " $2 " lines"}' sizes.txt)" ""
is "no function with complexity above 25" "$(awk '$3 > 25 {print $1 " complexity " $3}' sizes.txt)" ""
is "std_message: a lookup, not a chain (at most 15 lines)" "$(awk '$1 == "std_message" {print ($2 <= 15) ? "short" : $2 " lines"}' sizes.txt)" short
ok "the standard log's messages are a table" grep -q '^} std_messages\[\] = {' "$F"
# every message FORMATS.md lists for the standard log has a row
for m in "carbontracker version " "multiplied by a PUE coefficient of " "The following components were found:" \
	"Monitoring thread started." "Monitoring thread ended." '"Epoch "' '"Duration:"' "Average power usage (W) for " \
	"Training was interrupted before all " "Training was interrupted before all -1 epochs were monitored." "Carbon intensities (gCO2" "Average carbon intensity during training was "; do
	ok "table row: $m" grep -qF "$m" "$F"
done
ok "the consumption block's lines are a table" grep -q '^} blk_lines\[\] = {' "$F"
done_testing
