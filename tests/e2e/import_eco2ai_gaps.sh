# issue 14: eco2AI's per-epoch rows are windows; eco2AI measured nothing
# between one row's end (start + duration) and the next row's start. The
# whole-run energy is the measured sum, coverage says how much was measured,
# and --bridge-gaps integrates across the gaps (like Zeus). The file is
# written here to eco2AI's emission.csv rules (header of eco2AI 0.3,
# FORMATS.md §1; local start times with 1 s resolution); expected numbers
# worked out by hand below.
. "$CTK_ROOT/tests/e2e/lib.sh"
h='id,project_name,experiment_description,epoch,start_time,duration(s),power_consumption(kWh),CO2_emissions(kg),CPU_name,GPU_name,OS,region/country,cost'
{
	echo "$h"
	# 0.001 kWh = 3600 J in 60 s (60 W); 0.002 kWh = 7200 J in 60 s (120 W); 0.0005 kWh = 1800 J in 30 s (60 W)
	echo 'a1,p,d,"epoch: 1, loss: 0.9, ",2023-03-01 10:00:00,60,0.001,0.0004,cpu,gpu,Linux,DE,N/A'
	echo 'a1,p,d,"epoch: 2, loss: 0.5, ",2023-03-01 10:01:05,60,0.002,0.0008,cpu,gpu,Linux,DE,N/A'
	echo 'a1,p,d,"epoch: 3, loss: 0.4, ",2023-03-01 10:02:10,30,0.0005,0.0002,cpu,gpu,Linux,DE,N/A'
} > emission.csv
ctk import eco2ai emission.csv --db e.db --tz UTC > out.txt 2> err.txt
is "import exits 0" "$?" 0
ok "warns: 2 gaps, 10 s, not measured" grep -q "2 gap(s) between epochs, 10.000 s in all: not measured" err.txt
is "readings: 2 per epoch + 1 per gap" "$(sql e.db 'select sum(n) from sample_chunks')" 8
is "config says the gaps were not measured" "$(sql e.db "select json_extract(config_json,'$.gaps') from runs")" "not measured"
ok "analyze" ctk analyze --db e.db
# measured: 3600 + 7200 + 1800 J; span 10:00:00 .. 10:02:40 = 160 s, measured 60 + 60 + 30 = 150 s
near "whole-run energy = measured sum 12600 J" "$(sql e.db 'select energy_j from device_energy')" 12600 1e-9
near "coverage = 150 s / 160 s" "$(sql e.db 'select coverage from device_energy')" 0.9375 1e-9
near "epoch energies unchanged: epoch 2 = 7200 J" "$(sql e.db 'select sum(energy_j) from epoch_energy where idx = 2')" 7200 1e-9
ok "--replace --bridge-gaps" ctk import eco2ai emission.csv --db e.db --tz UTC --replace --bridge-gaps
is "bridged: config says so" "$(sql e.db "select json_extract(config_json,'$.gaps') from runs")" "bridged"
ctk analyze --db e.db > /dev/null 2>&1
# bridged: + trapezoid over each 5 s gap: 0.5*(60+120)*5 + 0.5*(120+60)*5 = 900 J
near "bridged: 12600 + 900 J" "$(sql e.db 'select energy_j from device_energy')" 13500 1e-9
done_testing
