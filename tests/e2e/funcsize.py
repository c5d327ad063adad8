# Sizes of the top-level C functions of the files given: one line per function,
# "NAME LINES COMPLEXITY" (lines from the signature to the closing brace;
# complexity = 1 + if/for/while/case/&&/||/?, strings and comments removed).
# Used by the layout tests (carbontracker_shape.sh, analyze_layout.sh).
import re, sys
for path in sys.argv[1:]:
  lines = open(path).read().split("\n")
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
