# issue 14: the old electricityMap export (`datetime,…,timestamp,zone_name,
# carbon_intensity_avg,…`) on a file written to the real layout
# (tests/data/electricitymap-export/README): sniffed, hourly values with the
# empty hour left as a gap, life-cycle by default, direct on request,
# malformed cells named. Expected values read by hand from the file.
. "$CTK_ROOT/tests/e2e/lib.sh"
f=$CTK_ROOT/tests/data/electricitymap-export/PL_2021_sample.csv

ok "import (format sniffed)" ctk intensity import "$f" --db e.db
is "zone from zone_name, life-cycle signal" "$(sql e.db 'select zone||","||signal from intensity_series')" "PL,lifecycle"
is "three hours with values (02:00 is empty)" "$(sql e.db 'select count(*) from intensity')" 3
is "values and hour starts (Unix s of 2021-01-01 00:00, 01:00, 03:00 UTC)" \
	"$(sql e.db "select group_concat((start_ns/1000000000)||'='||g_per_kwh, ' ') from (select * from intensity order by start_ns)")" \
	"1609459200=688.68 1609462800=690.1 1609470000=701.5"
is "each value holds one hour" "$(sql e.db 'select min(end_ns-start_ns)||","||max(end_ns-start_ns) from intensity')" "3600000000000,3600000000000"
ctk intensity import "$f" --db d.db --signal direct >/dev/null 2>&1
is "--signal direct takes carbon_intensity_direct_avg" "$(sql d.db "select group_concat(g_per_kwh, ' ') from (select * from intensity order by start_ns)")" "617.78 619.02 630.25"

sed '3s/,690\.1,/,69o.1,/' "$f" > bad.csv
ctk intensity import bad.csv --db x.db 2> err.txt
is "a malformed value: exit 2" $? 2
ok "names line 3 and the field" grep -q "'bad.csv' line 3: field 'carbon_intensity_avg': not a carbon intensity ('69o.1')" err.txt
sed '5s/,PL,/,DE,/' "$f" > zone.csv
ctk intensity import zone.csv --db x.db 2> err.txt
is "a zone change: exit 2" $? 2
ok "names line 5 and zone_name" grep -q "'zone.csv' line 5: field 'zone_name': zone 'DE' differs from 'PL' above" err.txt
ok "nothing stored by the bad files (no store file left)" test ! -e x.db
done_testing
