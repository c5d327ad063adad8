# issue 14: nvidia-smi logs written with `--format=csv,nounits` (the header
# keeps "[W]", the values are bare numbers) and logs with a name column but no
# index column (GPUs told apart by row order: each keeps its own name and
# power limit). Files written here to nvidia-smi's rules; energies by hand.
. "$CTK_ROOT/tests/e2e/lib.sh"

printf 'timestamp, name, index, power.draw [W], utilization.gpu [%%]\n' > nounits.csv
for t in '10:60.00:70.00' '11:100.00:80.00' '12:120.00:90.00'; do
	IFS=: read s p0 p1 <<-E
	$t
	E
	printf '2025/12/10 17:40:%s.000, NVIDIA A100-SXM4-40GB, 0, %s, 50\n' $s $p0 >> nounits.csv
	printf '2025/12/10 17:40:%s.000, NVIDIA A100-SXM4-40GB, 1, %s, 60\n' $s $p1 >> nounits.csv
done
ok "nounits: imported" ctk import nvidia-smi nounits.csv --db n.db --tz UTC
is "nounits: 2 GPUs, 6 readings" "$(sql n.db "select count(*)||'/'||(select sum(n) from sample_chunks) from devices")" "2/6"
ok "nounits: analyze" ctk analyze --db n.db
# GPU 0: (60+100)/2*1 + (100+120)/2*1 = 190 J; GPU 1: (70+80)/2 + (80+90)/2 = 160 J
near "nounits: GPU 0 energy 190 J" "$(sql n.db 'select energy_j from device_energy e join devices d using(device_id) where d.idx=0')" 190 1e-9
near "nounits: GPU 1 energy 160 J" "$(sql n.db 'select energy_j from device_energy e join devices d using(device_id) where d.idx=1')" 160 1e-9

sed '3s/70\.00/70.00 W/' nounits.csv > late_unit.csv
ctk import nvidia-smi late_unit.csv --db x.db --tz UTC 2> err.txt
is "nounits then a unit: exit 2" $? 2
ok "nounits then a unit: names line 3 and the field" grep -q "'late_unit.csv' line 3: field 'power.draw \[W\]': '70.00 W' carries a unit" err.txt
sed '2s/, 50$/, 50 %/' nounits.csv > mixed.csv
ctk import nvidia-smi mixed.csv --db x.db --tz UTC 2> err.txt
is "units in one column only: exit 2" $? 2
ok "units in one column only: says neither csv nor csv,nounits" grep -q "'mixed.csv' line 2: field 'power.draw \[W\]': .*neither --format=csv nor csv,nounits" err.txt
printf 'timestamp, index, power.draw [W]\n2025/12/10 17:40:10.000, 0, 18.00 W\n2025/12/10 17:40:11.000, 0, 19.00\n' > lost_unit.csv
ctk import nvidia-smi lost_unit.csv --db x.db --tz UTC 2> err.txt
is "units then none: exit 2" $? 2
ok "units then none: names line 3 and the unit" grep -q "'lost_unit.csv' line 3: field 'power.draw \[W\]': '19.00' lacks the unit 'W'" err.txt
is "nothing stored by the bad files" "$(sql x.db 'select count(*) from runs' 2>/dev/null || echo 0)" 0

# no index column: two different GPUs, rows 1 ms apart within a 1 s tick
{
	printf 'timestamp, name, power.draw [W], enforced.power.limit [W]\n'
	for s in 10 11 12; do
		printf '2025/12/10 17:40:%s.000, NVIDIA A100-SXM4-40GB, 60.00 W, 400.00 W\n' $s
		printf '2025/12/10 17:40:%s.001, NVIDIA H100 80GB HBM3, 70.00 W, 700.00 W\n' $s
	done
} > noidx.csv
ok "no index: imported" ctk import nvidia-smi noidx.csv --db i.db --tz UTC
is "no index: each GPU keeps its name and limit" "$(sql i.db "select group_concat(idx||'='||name||'@'||power_limit_w, ';') from (select * from devices order by idx)")" \
	"0=NVIDIA A100-SXM4-40GB@400.0;1=NVIDIA H100 80GB HBM3@700.0"
done_testing
