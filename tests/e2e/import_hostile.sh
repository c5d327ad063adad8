# issue 14: hostile bytes, numbers and inputs. Each case is a file written to
# its tool's real format with one defect: text that is not UTF-8 (a cp1252
# '®' in CodeCarbon's cpu_model), a 2,000-byte GPU name, 1e16 W, a hex float,
# a NUL byte, data after a JSON document; and inputs that are not files:
# /dev/zero (refused within 2 s), pipes and /dev/stdin (read once, hashed
# while read) for nvidia-smi, intensity import and zeus-summary.
. "$CTK_ROOT/tests/e2e/lib.sh"
py() { python3 -c "$@"; }
smi_hdr='timestamp, name, index, power.draw [W]'
printf '%s\n2025/12/10 17:40:10.000, A, 0, 18.00 W\n2025/12/10 17:40:11.000, A, 0, 19.00 W\n2025/12/10 17:40:12.000, A, 0, 20.00 W\n' "$smi_hdr" > smi.csv

# -- text: invalid UTF-8 and a long multibyte name --------------------------
# CodeCarbon 2.4 row (header and first row of the real examples_emissions.csv),
# its cpu_model written in cp1252: 'Intel(R) Xeon(R) Gold 6248' with 0xAE (®)
py 'import csv,sys
rows=list(csv.reader(open(sys.argv[1], encoding="utf-8")))
h,r=rows[0],rows[1]
i=h.index("cpu_model")
out=open("cc.csv","wb")
out.write((",".join(h)+"\n").encode())
cells=[c.encode("utf-8") for c in r]
cells[i]=b"Intel\xae Xeon\xae Gold 6248"
out.write(b",".join(cells)+b"\n")' "$CTK_DATA/codecarbon/examples_emissions.csv"
ctk import codecarbon cc.csv --db t.db > out.txt 2> err.txt
is "non-UTF-8 cpu_model: import exits 0" "$?" 0
ok "said once, naming the file" sh -c "grep -c 'not valid UTF-8' err.txt | grep -qx 1 && grep -q \"'cc.csv'\" err.txt"
is "stored with U+FFFD for each bad byte" \
	"$(sql t.db "select name from devices where kind='cpu'")" "Intel� Xeon� Gold 6248"
# 1000 x 'é' (2 bytes) after 'NVIDIA ' = 2,007 bytes: kept up to 256 bytes on a
# character boundary: 'NVIDIA ' (7) + 124 x é (248) = 255 bytes
name="NVIDIA $(py 'print("é"*1000)')"
printf '%s\n2025/12/10 17:40:10.000, %s, 0, 18.00 W\n2025/12/10 17:40:11.000, %s, 0, 19.00 W\n' "$smi_hdr" "$name" "$name" > long.csv
ctk import nvidia-smi long.csv --db t.db --tz UTC > out.txt 2> err.txt
is "2,000-byte GPU name: import exits 0" "$?" 0
is "name cut to 255 bytes on a character boundary" \
	"$(py 'import sqlite3,sys; v=sqlite3.connect(sys.argv[1]).execute("select cast(name as blob) from devices d join runs r using(run_id) where r.source=\"import:nvidia-smi\"").fetchone()[0]; v.decode("utf-8"); print(len(v))' t.db)" 255
ok "said once" grep -q "cut to their length limit" err.txt
ctk analyze --db t.db > /dev/null 2>&1
ctk report --db t.db --out rep --formats md,csv > out.txt 2> err.txt
is "ctk report on that store exits 0" "$?" 0

# -- numbers -----------------------------------------------------------------
# fails FILE LINE FIELD-TEXT: import exits 2 naming file and line, nothing stored
fails() {
	rm -f f.db
	ctk import "$1" "$2" --db f.db --tz UTC > out.txt 2> err.txt
	is "$2: exit 2" "$?" 2
	ok "$2: one line naming file, line and field" sh -c "[ \$(wc -l < err.txt) -eq 1 ] && grep -q \"'$2' line $3: .*$4\" err.txt"
	ok "$2: nothing stored (no store file left)" test ! -e f.db
}
printf '%s\n2025/12/10 17:40:10.000, A, 0, 18.00 W\n2025/12/10 17:40:11.000, A, 0, 1e16 W\n' "$smi_hdr" > huge.csv
fails nvidia-smi huge.csv 3 "power.draw \[W\].*10000 W per device"
printf '%s\n2025/12/10 17:40:10.000, A, 0, 0x1p4 W\n' "$smi_hdr" > hex.csv
fails nvidia-smi hex.csv 2 "power.draw"
printf '%s\n2025/12/10 17:40:10.000, A, 0, -3.00 W\n' "$smi_hdr" > neg.csv
fails nvidia-smi neg.csv 2 "negative power"
printf '%s\n2025/12/10 17:40:10.000, A, 0, 18.00 W\n2025/12/10 17:40:11.000, A, 0, 19\000.00 W\n' "$smi_hdr" > nul.csv
fails nvidia-smi nul.csv 3 "NUL byte"
# CodeCarbon's cpu_energy of 1e9 kWh = 3.6e21 uJ: beyond the store's counter (2^61 uJ = 2.3e18)
py 'import csv,sys
rows=list(csv.reader(open(sys.argv[1], encoding="utf-8")))
h,r=rows[0],rows[1]
r[h.index("cpu_energy")]="1e9"
w=csv.writer(open("ccbig.csv","w",newline=""), lineterminator="\n")
w.writerow(h); w.writerow(r)' "$CTK_DATA/codecarbon/examples_emissions.csv"
fails codecarbon ccbig.csv 2 "cpu_energy.*more than the store holds"
# experiment-impact-tracker data.json: one JSON object per line, garbage after one
head -n 2 "$CTK_ROOT/tests/data/eit/impacttracker/data.json" > data.json
sed -i '2s/$/ trailing/' data.json
fails eit data.json 2 ""
# an Energi Data Service JSON document with data after its end
cp "$CTK_ROOT/tests/data/eds-co2emis-synthetic.json" eds.json
printf '\n{"more": 1}\n' >> eds.json
ctk intensity import eds.json --db j.db > out.txt 2> err.txt
is "JSON with data after the document: exit 2" "$?" 2
ok "names the byte" grep -q "'eds.json' byte [0-9]*: data after the end of the JSON document" err.txt

# -- inputs that are not files -----------------------------------------------
t0=$(py 'import time; print(time.monotonic())')
ctk import nvidia-smi /dev/zero --db z.db > out.txt 2> err.txt
rc=$?
t1=$(py 'import time; print(time.monotonic())')
is "/dev/zero: exit 2" "$rc" 2
# (the point: it refuses at once instead of reading forever; valgrind's own
# start-up takes seconds, so there the limit is 30 s)
lim=2
timing || lim=30
ok "/dev/zero: within $lim s" py "import sys; sys.exit(0 if $t1 - $t0 < $lim else 1)"
ok "/dev/zero: says it is a device" grep -q "'/dev/zero': a device, not a file or a pipe" err.txt
sha=$(sha256sum smi.csv | cut -d' ' -f1)
good=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	rm -f p.db
	cat smi.csv | ctk import nvidia-smi /dev/stdin --db p.db --tz UTC > /dev/null 2>&1 &&
		[ "$(sql p.db 'select count(*) from devices')" = 1 ] &&
		[ "$(sql p.db 'select sum(n) from sample_chunks')" = 3 ] &&
		[ "$(sql p.db 'select source_sha256 from runs')" = "$sha" ] && good=$((good + 1))
done
is "nvidia-smi from a pipe: 10 of 10 imports whole, hashed as read" "$good" 10
ok "the same file by name is then a re-import (same hash)" sh -c "ctk import nvidia-smi smi.csv --db p.db --tz UTC | grep -q '^skipped'"
z=$CTK_DATA/zeus/nsdi23_summary_power_p100.csv
cat "$z" | ctk import zeus-summary /dev/stdin --db zs.db > /dev/null 2>&1
is "zeus-summary from a pipe: exit 0" "$?" 0
is "zeus-summary from a pipe: one run per row" "$(sql zs.db 'select count(*) from runs')" "$(($(wc -l < "$z") - 1))"
em=$CTK_DATA/electricitymaps/DE_2023_hourly.csv
head -n 49 "$em" | ctk intensity import /dev/stdin --db ci.db > /dev/null 2>&1
is "intensity import from a pipe: exit 0" "$?" 0
is "intensity import from a pipe: 48 values" "$(sql ci.db 'select count(*) from intensity')" 48
head -c 3000000 /dev/zero | CTK_INPUT_MAX_BYTES=1000000 ctk import nvidia-smi /dev/stdin --db l.db > out.txt 2> err.txt
is "a pipe above the size limit: exit 2" "$?" 2
ok "says the limit" grep -q "more than 1000000 bytes from a pipe" err.txt
done_testing
