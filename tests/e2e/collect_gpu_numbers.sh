# Which GPUs ctk collect measures when the variable that names them counts
# differently from NVML (fake NVML, CTK_FAKENVML_MINORS = each visible GPU's
# /dev/nvidiaN): SLURM_STEP_GPUS / SLURM_JOB_GPUS and NVIDIA_VISIBLE_DEVICES
# name device minor numbers, which a cgroup or container keeps while NVML
# renumbers what it sees from 0; CUDA_VISIBLE_DEVICES and --gpus are NVML's
# indices. The fake's UUID ends in the GPU's minor number, so the stored UUID
# says which physical GPU was measured.
. "$CTK_ROOT/tests/e2e/lib.sh"
export CTK_NVML_LIB="$CTK_BUILD/fakenvml/libnvidia-ml.so.1"
unset CUDA_VISIBLE_DEVICES NVIDIA_VISIBLE_DEVICES SLURM_STEP_GPUS SLURM_JOB_GPUS SLURM_JOB_ID SLURM_STEP_ID CTK_SOCKET
C="ctk collect --interval 20ms --quiet"
# the minor numbers (last UUID field) and NVML indices of a store's GPUs
gpus() { sql "$1" "SELECT group_concat(CAST(substr(uuid, -12) AS INTEGER) || '@' || idx, ' ') FROM (SELECT * FROM devices ORDER BY idx)"; }

# a SLURM job given GPUs 2 and 3 of a 4-GPU node with ConstrainDevices: NVML sees 2 GPUs, 0 and 1
export CTK_FAKENVML_DEVICES=2 CTK_FAKENVML_MINORS=2,3
SLURM_JOB_ID=7 SLURM_STEP_GPUS=2,3 $C --db a.db -- true 2>err.txt
is "cgroup job, SLURM_STEP_GPUS=2,3: exit 0" "$?" 0
is "… both GPUs measured (minor@NVML index)" "$(gpus a.db)" "2@0 3@1"
SLURM_JOB_ID=7 SLURM_JOB_GPUS=3 $C --db b.db -- true 2>/dev/null
is "cgroup job, SLURM_JOB_GPUS=3: /dev/nvidia3 only, NVML's GPU 1" "$(gpus b.db)" "3@1"
SLURM_JOB_ID=7 SLURM_STEP_GPUS=5 $C --db c.db -- true 2>err.txt
is "a GPU the job cannot see: exit 4 (device unavailable)" "$?" 4
ok "… the message names the variable and the device" grep -q "SLURM_STEP_GPUS: GPU /dev/nvidia5 not found (NVML sees 2 GPU(s))" err.txt
ok "… and no store" test ! -e c.db
CUDA_VISIBLE_DEVICES=1 $C --db d.db -- true 2>/dev/null
is "CUDA_VISIBLE_DEVICES=1 is NVML's GPU 1 (here /dev/nvidia3)" "$(gpus d.db)" "3@1"
$C --gpus 0 --db e.db -- true 2>/dev/null
is "--gpus 0 is NVML's GPU 0 (here /dev/nvidia2)" "$(gpus e.db)" "2@0"

# a container started with --gpus device=2 (NVIDIA_VISIBLE_DEVICES=2): one GPU, NVML's 0
CTK_FAKENVML_DEVICES=1 CTK_FAKENVML_MINORS=2 NVIDIA_VISIBLE_DEVICES=2 $C --db f.db -- true 2>/dev/null
is "container, NVIDIA_VISIBLE_DEVICES=2: the GPU measured" "$(gpus f.db)" "2@0"

# a bare host whose NVML order differs from the minor numbers (seen on some AMD hosts)
export CTK_FAKENVML_DEVICES=4 CTK_FAKENVML_MINORS=1,0,3,2
SLURM_JOB_ID=8 SLURM_STEP_GPUS=0,3 $C --db g.db -- true 2>/dev/null
is "reordered host, SLURM_STEP_GPUS=0,3: /dev/nvidia0 and /dev/nvidia3" "$(gpus g.db)" "0@1 3@2"
SLURM_JOB_ID=8 SLURM_JOB_GPUS=0,3 ctk slurm prolog --spool sp >/dev/null 2>&1
is "… the SLURM prolog measures the same GPUs" "$(gpus sp/ctk-$(hostname)-8.db 2>/dev/null || ls sp)" "0@1 3@2"

# a driver without nvmlDeviceGetMinorNumber: the numbers are taken as NVML's indices
CTK_NVML_LIB="$CTK_BUILD/fakenvml/old/libnvidia-ml.so.1" SLURM_JOB_ID=9 SLURM_STEP_GPUS=0,3 $C --db h.db -- true 2>/dev/null
is "no minor numbers: SLURM_STEP_GPUS=0,3 as NVML's 0 and 3" "$(gpus h.db)" "1@0 2@3"
done_testing
