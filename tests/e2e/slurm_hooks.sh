# ctk slurm prolog|epilog without SLURM daemons (slurm_cluster.sh runs them
# under a real slurmd): the job's spool store, the GPUs SLURM_JOB_GPUS
# names only, and a failure that never fails the job (SLURM drains a node
# whose Prolog exits non-zero): a warning and exit 0. Then ctk collect in a
# job holding 1 CPU of a shared node: its CPU/DRAM share, an estimate.
. "$CTK_ROOT/tests/e2e/lib.sh"
export CTK_NVML_LIB="$CTK_BUILD/fakenvml/libnvidia-ml.so.1" CTK_FAKENVML_DEVICES=4 CTK_FAKENVML_UUID_TAG=9
export CTK_FAKENVML_COUNTER_SINCE=$(($(date +%s) - 100))
unset CUDA_VISIBLE_DEVICES NVIDIA_VISIBLE_DEVICES SLURM_STEP_GPUS
export SLURM_JOB_ID=31 SLURMD_NODENAME=gpu7 SLURM_JOB_USER=alice SLURM_JOB_GPUS=1,3
ctk slurm prolog --spool sp >out1.txt 2>err1.txt
is "prolog: exit 0" "$?" 0
is "… the node's store for the job" "$(ls sp)" "ctk-gpu7-31.db"
is "… the job's 2 GPUs only (SLURM_JOB_GPUS=1,3)" "$(sql sp/ctk-gpu7-31.db "SELECT group_concat(idx) FROM devices")" "1,3"
is "… host, job, user" "$(sql sp/ctk-gpu7-31.db "SELECT host || ',' || json_extract(config_json, '$.slurm_job_id') || ',' || json_extract(config_json, '$.slurm_job_user') FROM runs")" "gpu7,31,alice"
sleep 1
ctk slurm epilog --spool sp >out2.txt 2>err2.txt
is "epilog: exit 0" "$?" 0
is "… 2 readings per GPU, the run ended" "$(sql sp/ctk-gpu7-31.db "SELECT count(*) FROM sample_chunks")/$(sql sp/ctk-gpu7-31.db "SELECT ended_ns IS NOT NULL FROM runs")" "4/1"
ok "… at least 1 s of energy: more than 2 x 100 W x 1 s" python3 -c "
import json, subprocess, sys
r = json.loads(subprocess.run(['ctk', 'analyze', '--db', 'sp/ctk-gpu7-31.db', '--json'], capture_output=True).stdout)['runs'][0]
sys.exit(0 if r['energy_j'] > 200 else 1)"
CTK_NVML_LIB=/nonexistent/libnvidia-ml.so.1 SLURM_JOB_ID=32 ctk slurm prolog --spool sp >/dev/null 2>err3.txt
is "no NVML: exit 0 (the job is not failed)" "$?" 0
ok "… one warning saying the job is not measured" grep -q "^ctk slurm: warning: prolog: job 32 not measured" err3.txt
ok "… and no store" test ! -e sp/ctk-gpu7-32.db
SLURM_JOB_ID=33 ctk slurm epilog --spool sp >/dev/null 2>err4.txt
is "epilog without the prolog's store: exit 0" "$?" 0
ok "… with a warning naming the store" grep -q "ctk-gpu7-33.db': no store of the prolog" err4.txt
env -u SLURM_JOB_ID ctk slurm prolog --spool sp >/dev/null 2>err5.txt
is "no SLURM_JOB_ID: usage error" "$?" 1

# a shared node: the job holds 1 of the node's CPUs; a fake RAPL package whose counter runs
ncpu=$(python3 -c "import os; print(os.cpu_count())")
if [ "$ncpu" -lt 2 ]; then
	skip "CPU share of a shared node" "one CPU: no node to share"
else
	pc=sys/class/powercap/intel-rapl:0
	mkdir -p $pc && echo package-0 >$pc/name && echo 262143328850 >$pc/max_energy_range_uj
	printf '%020d\n' 0 >$pc/energy_uj
	export CTK_SYSFS_ROOT="$PWD/sys" SLURM_CPUS_ON_NODE=1 SLURM_LOCALID=0
	ctk collect --sources rapl --quiet --db share.db -- python3 -c "
import time
for i in range(1, 21):
    open('$pc/energy_uj', 'w').write('%020d\n' % (i * 1000000))
    time.sleep(0.03)" 2>err6.txt
	is "collect on a shared node: exit 0" "$?" 0
	ok "… says the CPU share is an estimate" grep -q "shared node: the job holds 1 of $ncpu CPUs.*estimate" err6.txt
	ctk analyze --db share.db --json >share.json
	ok "analyze --json follows schemas/analyze.schema.json" python3 "$CTK_ROOT/tests/e2e/jsonschema.py" "$CTK_ROOT/schemas/analyze.schema.json" share.json
	is "analyze: the share is 1/$ncpu of the package's energy" "$(python3 -c "
import json; r = json.load(open('share.json'))['runs'][0]; c = r['cpu_share']
e = sum(d['energy_j'] for d in r['devices'] if d['kind'] in ('cpu', 'dram'))
print(abs(c['share'] - 1 / $ncpu) < 1e-12, abs(c['job_energy_j'] - e / $ncpu) < 1e-9, e > 0)")" "True True True"
	ok "analyze (text) states it as an estimate" sh -c "ctk analyze --db share.db | grep -q 'shared node: the job held .* estimate'"
fi
done_testing
