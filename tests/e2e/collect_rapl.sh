# powercap end to end: a fake tree whose package counter wraps every 100 ms
# while ctk collect samples it (stored counter = unwrapped energy), and a
# package whose energy_uj cannot be read (recorded as not measured, with a
# warning naming the fix, never as 0).
. "$CTK_ROOT/tests/e2e/lib.sh"
export CTK_SYSFS_ROOT="$PWD/sys"
unset CUDA_VISIBLE_DEVICES NVIDIA_VISIBLE_DEVICES
pc=sys/class/powercap
mkdir -p $pc/intel-rapl:0 $pc/intel-rapl:1 $pc/intel-rapl:0:0 $pc/intel-rapl:0:1 $pc/intel-rapl:2
echo package-0 > $pc/intel-rapl:0/name
echo package-1 > $pc/intel-rapl:1/name
echo core > $pc/intel-rapl:0:0/name
echo dram > $pc/intel-rapl:0:1/name
echo psys > $pc/intel-rapl:2/name
for z in intel-rapl:0 intel-rapl:1 intel-rapl:0:0 intel-rapl:0:1 intel-rapl:2; do
	echo 4999999 > $pc/$z/max_energy_range_uj
	printf '%020d\n' 1000 > $pc/$z/energy_uj
done
chmod 000 $pc/intel-rapl:1/energy_uj
# package 0 draws 50 W: its counter (range 5 J) wraps every 100 ms; the
# writer stops by itself, after the collector, and records what it wrote
cat > writer.py <<'PY'
import os, time
fd = os.open("sys/class/powercap/intel-rapl:0/energy_uj", os.O_WRONLY)
t0 = time.time()
while time.time() - t0 < 1.6:
    e = int(50e6 * (time.time() - t0))          # uJ since t0
    os.pwrite(fd, b"%020d\n" % (e % 5000000), 0)
    if not os.path.exists("started"):
        open("started", "w").close()
    time.sleep(0.0005)
PY
python3 writer.py &
wpid=$!
i=0; while [ ! -e started ] && [ $i -lt 200 ]; do sleep 0.01; i=$((i + 1)); done
if [ "$(id -u)" = 0 ]; then drop="setpriv --bounding-set=-dac_override,-dac_read_search"; else drop=""; fi
$drop ctk-collect collect --interval 10ms --quiet --sources rapl --db r.db -- sleep 1.0 2>err.txt
is "collect exit status" $? 0
wait $wpid
is "package-0, dram-0, package-1 (psys and core skipped)" \
	"$(sql r.db "SELECT group_concat(kind || idx) FROM (SELECT kind, idx FROM devices ORDER BY device_id)")" cpu0,dram0,cpu1
is "unreadable package recorded as not measured" "$(sql r.db "SELECT flags FROM devices WHERE kind='cpu' AND idx=1")" not-measured
is "... with no reading at all (not 0)" "$(sql r.db "SELECT count(*) FROM sample_chunks c JOIN devices d USING (device_id) WHERE d.kind='cpu' AND d.idx=1")" 0
ok "warning says permission denied" grep -q "permission denied" err.txt
ok "warning names the fix" grep -q "chmod a+r" err.txt
# energy over the run from the stored counter, read with a tiny independent
# decoder of schemas/samples-encoding.md
cat > decode.py <<'PY'
import sqlite3, sys
def unzz(u): return (u >> 1) ^ -(u & 1)
def readings(db, dev):
    """(t_ns, energy_uj) of a device, decoding schemas/samples-encoding.md"""
    out = []
    for first_ns, n, data in db.execute("SELECT first_ns, n, data FROM sample_chunks WHERE device_id=? ORDER BY first_ns", (dev,)):
        pos, t, dt, p, e, de, have_e = 1, first_ns, 0, 0, 0, 0, False
        b = data
        for i in range(n):
            flags = b[pos]; pos += 1
            def nxt():
                nonlocal pos
                v = s = 0
                while True:
                    x = b[pos]; pos += 1; v |= (x & 0x7f) << s; s += 7
                    if x < 0x80: return v
            if i > 0:
                dt += unzz(nxt()); t += dt
            if flags & 1:
                p += unzz(nxt())
            if flags & 2:
                de += unzz(nxt()); e = e + de if have_e else de; have_e = True
                out.append((t, e))
    return out
db = sqlite3.connect(sys.argv[1])
r = readings(db, 1)
print(len(r), r[-1][1] - r[0][1], r[-1][0] - r[0][0])
PY
set -- $(python3 decode.py r.db)
ok "package 0 sampled ($1 readings)" test "$1" -ge 60
# 50 W over the span of the readings (the writer's 0.5 ms steps: < 1 %)
if timing; then
	near "unwrapped energy = 50 W x time (${2} uJ over ${3} ns)" "$2" "$(python3 -c "print(50 * $3 / 1000)")" 0.01
	ok "it did wrap (more than 5 J > range)" test "$2" -gt 5000000
else
	skip "unwrapped energy = 50 W x time"
	skip "it did wrap"
fi
done_testing
