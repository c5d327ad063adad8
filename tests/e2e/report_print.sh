# Charts at print quality: PNG at 300 dpi of the chart's 3.3 in width by
# default (>= 990 px), --dpi changes it, and no text in a chart's PDF is
# smaller than 7 pt (pdftotext -bbox: a word's box is 1.163 x the font size
# for DejaVu Sans, ascent 0.928 + descent 0.236 of the em).
. "$CTK_ROOT/tests/e2e/lib.sh"
D=$CTK_ROOT/samples/demo
ok "import" ctk import nvidia-smi "$D/gpu-trace.csv" --db run.db --tz UTC --simulated --label demo
ok "epochs" ctk import epochs "$D/epochs.csv" --db run.db --run 1
ok "yearly DE" ctk intensity default --zone DE --store --db run.db
ok "analyze" ctk analyze --db run.db --zone DE --fill default
ok "report" ctk report --db run.db --out rep
png_w() { python3 -c "import struct,sys; d=open(sys.argv[1],'rb').read(24); print(struct.unpack('>I', d[16:20])[0])" "$1"; }
for f in rep/*.png; do
	w=$(png_w "$f")
	ok "$(basename "$f") is at least 990 px wide (3.3 in at 300 dpi): $w" test "$w" -ge 990
done
# horizontal words only: 3+ characters and wider than tall (a rotated axis
# title's box is as tall as the word is long)
cat > small.py <<'PY'
import re, sys
words = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', sys.stdin.read())
sizes = [((float(y1) - float(y0)) / 1.163, w) for x0, y0, x1, y1, w in words
         if len(w) >= 3 and float(y1) - float(y0) < float(x1) - float(x0)]
print("%.2f %s" % min(sizes) if sizes else "none")
PY
for f in rep/*.pdf; do
	[ "$(basename "$f")" = report.pdf ] && continue
	s=$(pdftotext -bbox "$f" - | python3 small.py)
	ok "$(basename "$f"): smallest text ${s} >= 7 pt" python3 -c "import sys; sys.exit(not float('${s%% *}') >= 6.99)"
done
ok "--dpi 600" ctk report --db run.db --out rep600 --formats png --dpi 600
is "… power.png is 1980 px wide (3.3 in x 600)" "$(png_w rep600/power.png)" 1980
ctk report --db run.db --out bad --dpi 20 2>/dev/null
is "--dpi 20 is a usage error" "$?" 1
done_testing
