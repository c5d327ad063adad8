# The carbontracker importer matches the messages of a log through a table
# (pattern -> handler) and keeps its functions short. Regression for issue
# 12: std_message was a 194-line if-chain (cyclomatic complexity about 79).
# Function sizes are measured here with a small Python scan (top-level
# functions: lines from the signature to the closing brace; complexity = 1
# + if/for/while/case/&&/||/?, strings and comments removed).
. "$CTK_ROOT/tests/e2e/lib.sh"
F=$CTK_ROOT/analyze/import/carbontracker.c
scan() {
	python3 - "$F" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().split("\n")
i = 0
while i < len(lines):
    if lines[i] == "{":
        k = i - 1
        while k > 0 and not re.match(r"^[a-z]", lines[k]):
            k -= 1
        m = re.search(r"(\w+)\s*\(", lines[k])
        j = i + 1
        while j < len(lines) and lines[j] != "}" and not lines[j].startswith("};"):
            j += 1
        body = "\n".join(lines[i + 1:j])
        body = re.sub(r'"(\\.|[^"\\])*"', '""', body)
        body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
        cc = 1 + len(re.findall(r"\b(if|for|while|case)\b|&&|\|\||\?", body))
        print(m.group(1) if m else "?", j - k + 1, cc)
        i = j
    i += 1
PY
}
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
