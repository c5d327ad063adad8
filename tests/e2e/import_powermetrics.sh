# ctk import powermetrics: Apple powermetrics text output (the lines
# carbontracker's and CodeCarbon's parsers read: 'CPU Power: N mW', 'GPU
# Power: N mW', 'ANE Power: N mW'; sample headers '*** Sampled system
# activity (DATE) (N ms elapsed) ***'). The fixture tests/data/powermetrics/
# powermetrics.txt is written to those rules: three samples, the first two
# back to back (1 s each, ending 10:00:01 and 10:00:02 -07:00), the third
# (2 s) ending 10:00:10, so 10:00:02..10:00:08 was not measured. The GPU power
# is printed twice in the first sample (processor and GPU sections).
# Expected numbers by hand below.
. "$CTK_ROOT/tests/e2e/lib.sh"
f=$CTK_ROOT/tests/data/powermetrics/powermetrics.txt
ctk import auto "$f" --db pm.db > out.txt 2> err.txt
is "auto picks powermetrics, exit 0" "$?" 0
ok "said it chose powermetrics" grep -q "format powermetrics" err.txt
ok "warns: one 6 s gap, not measured" grep -q "1 gap(s) between samples, 6.000 s in all: not measured" err.txt
is "three devices: CPU, GPU, ANE" "$(sql pm.db "select group_concat(kind||':'||name, ',') from devices")" "cpu:CPU,gpu:GPU,other:ANE (Neural Engine)"
# 10:00:00 -07:00 = 17:00:00 UTC on 2026-07-14
is "run starts at the first sample's start" "$(sql pm.db 'select started_ns from runs')" \
	"$(python3 -c 'import datetime as d; print(int(d.datetime(2026,7,14,17,0,0,tzinfo=d.timezone.utc).timestamp())*10**9)')"
is "machine model in config" "$(sql pm.db "select json_extract(config_json,'$.machine_model') from runs")" "Mac14,2"
ok "analyze" ctk analyze --db pm.db
# CPU 1.5 W x 1 s + 3.0 W x 1 s + 1.0 W x 2 s = 6.5 J; GPU 2.5 + 0.5 + 2.0 = 5.0 J; ANE 0.1 + 0 + 1.0 = 1.1 J
near "CPU energy 6.5 J (measured only)" "$(sql pm.db "select energy_j from device_energy join devices using(device_id) where name='CPU'")" 6.5 1e-9
near "GPU energy 5.0 J (first GPU Power of a sample)" "$(sql pm.db "select energy_j from device_energy join devices using(device_id) where name='GPU'")" 5.0 1e-9
near "ANE energy 1.1 J" "$(sql pm.db "select energy_j from device_energy join devices using(device_id) where kind='other'")" 1.1 1e-9
near "coverage 4 s of 10 s" "$(sql pm.db "select coverage from device_energy join devices using(device_id) where name='CPU'")" 0.4 1e-9
ok "--replace --bridge-gaps" ctk import powermetrics "$f" --db pm.db --replace --bridge-gaps
ctk analyze --db pm.db > /dev/null 2>&1
# bridged: + trapezoid over the 6 s gap between 3.0 W and 1.0 W: 12 J
near "bridged CPU energy 6.5 + 12 J" "$(sql pm.db "select energy_j from device_energy join devices using(device_id) where name='CPU'")" 18.5 1e-9
is "bridged: config says so" "$(sql pm.db "select json_extract(config_json,'$.gaps') from runs")" "bridged"
# strict on the numbers it uses
sed 's/^CPU Power: 3000 mW/CPU Power: 3e3x mW/' "$f" > bad.txt
ctk import powermetrics bad.txt --db bad.db > out.txt 2> err.txt
is "a bad CPU Power: exit 2" "$?" 2
ok "names file, line and field" grep -q "'bad.txt' line 33: field 'CPU Power:': not a number" err.txt
sed 's/^ANE Power: 500 mW/ANE Power: 20000000 mW/' "$f" > kw.txt
ctk import powermetrics kw.txt --db bad.db > out.txt 2> err.txt
is "20 kW ANE: exit 2" "$?" 2
ok "names the line and the bound" grep -q "'kw.txt' line 45: field 'ANE Power:': 20000 W is more than 10000 W" err.txt
ok "nothing stored (no store file left)" test ! -e bad.db
done_testing
