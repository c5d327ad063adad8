# A real SLURM (Debian's munged + slurmctld + two slurmd "nodes" on
# 127.0.0.1, configured here in a temporary directory: proctrack/pgid,
# task/none, no cgroups, run as the current user) runs `srun -N2
# --ntasks-per-node=2 ctk collect` over a script that marks 5 epochs, on the
# fake NVML with 4 GPUs per node (distinct UUIDs per node). Then ctk merge
# must give each GPU once (4 per node, never 8) and the fake's exact energy
# (its curve integrated here in python), and a second job goes through
# slurm.conf's Prolog/Epilog (ctk slurm prolog|epilog) into a spool.
. "$CTK_ROOT/tests/e2e/lib.sh"

for p in /usr/sbin/munged /usr/sbin/slurmctld /usr/sbin/slurmd; do
	[ -x "$p" ] || { skip "real SLURM cluster" "SLURM not installed ($p missing; scripts/deps.sh installs munge, slurmctld, slurmd, slurm-client)"; done_testing; exit; }
done
command -v srun >/dev/null 2>&1 || { skip "real SLURM cluster" "SLURM not installed (no srun; scripts/deps.sh installs slurm-client)"; done_testing; exit; }

T=$(mktemp -d "${TMPDIR:-/tmp}/ctk-slurm.XXXXXX") # short path: munge and slurm sockets
chmod 755 "$T"
W=$PWD
stop_all() {
	for f in "$T"/slurmd-node1.pid "$T"/slurmd-node2.pid "$T"/slurmctld.pid "$T"/munge/pid; do
		[ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	sleep 1
	rm -rf "$T"
}
trap stop_all EXIT

# munge: its own key, socket, log in $T (-f: root or a shared /tmp)
mkdir -p "$T/munge" "$T/state" "$T/log" "$W/spool" && chmod 700 "$T/munge"
head -c 1024 /dev/urandom >"$T/munge/key" && chmod 400 "$T/munge/key"
/usr/sbin/munged -f --socket="$T/munge/sock" --key-file="$T/munge/key" --log-file="$T/munge/log" \
	--pid-file="$T/munge/pid" --seed-file="$T/munge/seed"
is "munged starts" "$?" 0

set -- $(python3 -c "
import socket
s = [socket.socket() for _ in range(3)]
for x in s: x.bind(('127.0.0.1', 0))
print(*[x.getsockname()[1] for x in s])")
U=$(id -un)
S=$(($(date +%s) - 1000))   # the fake's counters count from here (a driver's counter)
FAKE="CTK_NVML_LIB=$CTK_BUILD/fakenvml/libnvidia-ml.so.1 CTK_FAKENVML_DEVICES=4 CTK_FAKENVML_COUNTER_SINCE=$S"
for hook in prolog epilog; do
	cat >"$T/$hook.sh" <<EOF
#!/bin/sh
# slurmd runs this with SLURM_JOB_ID, SLURMD_NODENAME, …; node N's fake GPUs get UUID tag N
export $FAKE CTK_FAKENVML_UUID_TAG=\${SLURMD_NODENAME#node}
exec "$CTK_BIN/ctk" slurm $hook --spool "$W/spool" >>"$T/log/$hook.log" 2>&1
EOF
	chmod 755 "$T/$hook.sh"
done
cat >"$T/slurm.conf" <<EOF
ClusterName=ctktest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$1
SlurmUser=$U
SlurmdUser=$U
AuthType=auth/munge
AuthInfo=socket=$T/munge/sock
CredType=cred/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool-%n
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd-%n.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd-%n.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
SlurmdParameters=config_overrides
ReturnToService=2
MpiDefault=none
Prolog=$T/prolog.sh
Epilog=$T/epilog.sh
NodeName=node1 NodeHostname=localhost NodeAddr=127.0.0.1 Port=$2 CPUs=2 State=UNKNOWN
NodeName=node2 NodeHostname=localhost NodeAddr=127.0.0.1 Port=$3 CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=node[1-2] Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$T/slurm.conf"
/usr/sbin/slurmctld -f "$SLURM_CONF" -i
is "slurmctld starts" "$?" 0
# two slurmd "nodes" on one host (slurmd -N: Debian's slurmd supports it)
/usr/sbin/slurmd -f "$SLURM_CONF" -N node1 && /usr/sbin/slurmd -f "$SLURM_CONF" -N node2
is "two slurmd nodes start" "$?" 0
up=0
for i in $(seq 60); do
	[ "$(sinfo -h -o '%T' -n node1,node2 2>/dev/null | grep -c idle)" -ge 1 ] &&
		[ "$(sinfo -h -N -o '%T' 2>/dev/null | grep -c idle)" -eq 2 ] && { up=1; break; }
	sleep 0.5
done
is "both nodes idle" "$up" 1
[ "$up" = 1 ] || { tail -n 20 "$T"/log/*.log | sed 's/^/# /'; done_testing; exit; }

# the training script: 5 epochs, each marked by the task (rank 1 of each node's markers are ignored)
cat >train.sh <<'EOF'
for i in 1 2 3 4 5; do ctk mark epoch-start $i; sleep 0.4; ctk mark epoch-end; done
EOF
timeout 120 srun -N2 --ntasks-per-node=2 sh -c "export $FAKE CTK_FAKENVML_UUID_TAG=\${SLURMD_NODENAME#node}; exec ctk collect --sources nvml --quiet --db '$W/run-%h.db' -- sh train.sh" >srun.out 2>srun.err
is "srun of ctk collect, 2 nodes x 2 tasks: exit 0" "$?" 0
is "one store per node" "$(ls run-*.db | tr '\n' ' ')" "run-node1.db run-node2.db "
is "the tasks of local rank 1 do not sample, one line each" "$(grep -c 'local rank 1.*not sampling' srun.err)" 2
is "node1's store: 4 GPUs" "$(sql run-node1.db 'SELECT count(*) FROM devices')" 4
is "node1's run records the job's node list" "$(sql run-node1.db "SELECT json_extract(config_json, '$.slurm_job_nodelist') FROM runs")" "node[1-2]"
is "node1's run records the task counts" "$(sql run-node1.db "SELECT json_extract(config_json, '$.slurm_tasks_per_node') FROM runs")" "2(x2)"

ctk merge merged.db run-node1.db run-node2.db >merge.out 2>merge.err
is "ctk merge: exit 0" "$?" 0
is "one merged run" "$(sql merged.db 'SELECT count(*) FROM runs')" 1
is "each GPU once: 8 devices, 8 (host, UUID)" "$(sql merged.db "SELECT count(*) || ',' || count(DISTINCT host || uuid) FROM devices")" "8,8"
is "4 GPUs per node" "$(sql merged.db "SELECT group_concat(n) FROM (SELECT count(*) n FROM devices GROUP BY host ORDER BY host)")" "4,4"
is "5 epochs, from rank 0" "$(sql merged.db "SELECT count(*) FROM windows WHERE kind = 'epoch'")" 5
ok "the clock offset of node2 is estimated from the 5 markers" grep -q "node2, rank 2.*clock offset .* from 5 marker" merge.out
is "the offset is stored" "$(sql merged.db "SELECT markers_matched FROM merge_sources WHERE host = 'node2'")" 5

ctk analyze --db merged.db --json >an.json
is "analyze: exit 0" "$?" 0
is "analyze reports 8 GPUs, 4 per node" "$(python3 -c "
import json; r = json.load(open('an.json'))['runs'][0]
print(len(r['devices']), ','.join('%s:%d' % (n['host'], n['devices']) for n in r['nodes']))")" "8 node1:4,node2:4"
# the fake's exact energy: device i draws curve(t mod 2 s) + 10 i W, curve 0:100,1:300,2:100
# (tests/fakenvml/fakenvml.c), integrated over each device's first..last reading
ctk export samples --db merged.db >s.csv
want=$(python3 - merged.db s.csv <<'PY'
import csv, sqlite3, sys
from fractions import Fraction as F
idx = dict(sqlite3.connect(sys.argv[1]).execute('SELECT device_id, idx FROM devices'))
span = {}
for row in csv.DictReader(open(sys.argv[2])):
    d, t = int(row['device_id']), int(row['t_ns'])
    a, b = span.get(d, (t, t))
    span[d] = (min(a, t), max(b, t))
def prim(t_ns):  # integral of the curve from 0 to t (J), exact
    per = 2 * 10**9
    k, r = divmod(t_ns, per)
    r = F(r, 10**9)
    up = lambda x: 100 * x + 100 * x * x  # 0..1 s: 100 + 200 x
    e = 400 * k
    e += up(min(r, 1))
    if r > 1:
        x = r - 1
        e += 300 * x - 100 * x * x  # 1..2 s: 300 - 200 x
    return e
print(float(sum(prim(b) - prim(a) + 10 * idx[d] * F(b - a, 10**9) for d, (a, b) in span.items())))
PY
)
got=$(python3 -c "import json; print(json.load(open('an.json'))['runs'][0]['energy_j'])")
near "merged energy = the fake's exact integral (0.1 %)" "$got" "$want" 0.001
echo "# merged energy $got J, exact integral $want J"

ctk report --db merged.db --out rep >/dev/null 2>&1
ok "report: the summary says 8 GPUs on 2 nodes" grep -q "8 × Simulated GPU (ctk fakenvml) on 2 nodes" rep/summary.csv
is "report: the epochs table has one column per GPU and node" "$(head -1 rep/epochs.csv | tr ',' '\n' | grep -c '^node[12]/gpu[0-3]_energy_j$')" 8

# a node's store given twice: each GPU still once (never 8 per node), the duplicate reported
ctk merge twice.db run-node1.db run-node2.db run-node1.db >twice.out 2>&1
is "the same store twice: still 8 devices" "$(sql twice.db 'SELECT count(*) FROM devices')" 8
is "… 4 duplicates reported" "$(grep -c '^  duplicate: node1 GPU-' twice.out)" 4

# every job's GPU energy through Prolog/Epilog: a job of 2 nodes that runs 2 s
timeout 60 srun -N2 --ntasks-per-node=1 sleep 2
is "a job through the prolog/epilog: exit 0" "$?" 0
# a fresh cluster numbers jobs 1, 2, …: this one follows the collect job
job=$(($(sql run-node1.db "SELECT json_extract(config_json, '$.slurm_job_id') FROM runs") + 1))
done_both=0
for i in $(seq 60); do  # the epilog runs after the job, asynchronously
	a=$(sql "spool/ctk-node1-$job.db" 'SELECT ended_ns FROM runs' 2>/dev/null)
	b=$(sql "spool/ctk-node2-$job.db" 'SELECT ended_ns FROM runs' 2>/dev/null)
	[ -n "$a" ] && [ -n "$b" ] && { done_both=1; break; }
	sleep 0.5
done
is "one store per node and job in the spool, ended by the epilog" "$done_both" 1
[ "$done_both" = 1 ] || sed 's/^/# /' "$T"/log/prolog.log "$T"/log/epilog.log 2>/dev/null
is "the prolog's run: job id and user" "$(sql "spool/ctk-node1-$job.db" "SELECT json_extract(config_json, '$.slurm_job_id') || ',' || json_extract(config_json, '$.slurm_job_user') FROM runs")" "$job,$U"
ctk merge spool.db spool >spool.out 2>&1
is "ctk merge of the spool directory: exit 0" "$?" 0
r=$(sql spool.db "SELECT run_id FROM runs WHERE json_extract(config_json, '$.slurm_job_id') = '$job'")
is "the job's merged run: 8 GPUs on 2 hosts" "$(sql spool.db "SELECT count(*) || ',' || count(DISTINCT host) FROM devices WHERE run_id = $r")" "8,2"
ctk analyze --db spool.db --run "$r" --json >sp.json
ctk export samples --db spool.db --run "$r" >sp.csv
want=$(python3 - spool.db sp.csv <<'PY'
import csv, sqlite3, sys
from fractions import Fraction as F
idx = dict(sqlite3.connect(sys.argv[1]).execute('SELECT device_id, idx FROM devices'))
span = {}
for row in csv.DictReader(open(sys.argv[2])):
    d, t = int(row['device_id']), int(row['t_ns'])
    a, b = span.get(d, (t, t))
    span[d] = (min(a, t), max(b, t))
def prim(t_ns):
    k, r = divmod(t_ns, 2 * 10**9)
    r = F(r, 10**9)
    e = 400 * k + 100 * min(r, 1) + 100 * min(r, 1) ** 2
    if r > 1:
        e += 300 * (r - 1) - 100 * (r - 1) ** 2
    return e
print(float(sum(prim(b) - prim(a) + 10 * idx[d] * F(b - a, 10**9) for d, (a, b) in span.items())))
PY
)
near "prolog/epilog energy = the fake's exact integral (0.1 %)" "$(python3 -c "import json; print(json.load(open('sp.json'))['runs'][0]['energy_j'])")" "$want" 0.001
ok "the job ran at least 2 s between prolog and epilog" python3 -c "
import json, sys; r = json.load(open('sp.json'))['runs'][0]; sys.exit(0 if (r['ended_ns'] - r['started_ns']) >= 2e9 else 1)"
done_testing
