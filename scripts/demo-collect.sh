#!/bin/sh
# Demo of the collector (for `make demo`): a short "training" of 3 epochs
# marked with `ctk mark`, measured on the real GPUs when NVML is present,
# else on the fake NVML of tests/fakenvml. A run on the fake is labelled
# "simulated device" in every output: the collector sees the fake's
# ctk_fakenvml_simulated symbol and sets runs.simulated = 1, devices.flags
# 'simulated', and says so on stderr. Usage: scripts/demo-collect.sh [BUILD] [DB]
set -e
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
case "$build" in /*) b=$build ;; *) b=$root/$build ;; esac
db=${2:-$root/demo-out/collect.db}
mkdir -p "$(dirname "$db")"
rm -f "$db" "$db-wal" "$db-shm"
PATH="$b/bin:$PATH"
export PATH
label="demo: collector"
if [ -z "${CTK_NVML_LIB:-}" ] && ! { ldconfig -p 2>/dev/null | grep -q 'libnvidia-ml\.so\.1' && nvidia-smi -L >/dev/null 2>&1; }; then
	make -s -C "$root" BUILD="$build" "$build/fakenvml/libnvidia-ml.so.1" >/dev/null
	export CTK_NVML_LIB="$b/fakenvml/libnvidia-ml.so.1" CTK_FAKENVML_DEVICES=${CTK_FAKENVML_DEVICES:-2}
	label="demo: collector (simulated device)"
	echo "== no NVIDIA driver here: measuring the fake NVML (simulated device)"
fi
ctk collect --db "$db" --label "$label" --epochs 3 --interval 50ms --baseline 1s -- sh -c '
	for e in 1 2 3; do
		ctk mark epoch-start $e
		sleep 1
		ctk mark epoch-end
		ctk mark begin checkpoint; sleep 0.2; ctk mark end checkpoint
	done'
python3 - "$db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
label, sim = c.execute("SELECT label, simulated FROM runs").fetchone()
print(f"run: {label}{' [SIMULATED DEVICE]' if sim else ''}")
for kind, name, n in c.execute("SELECT d.kind, d.name, sum(s.n) FROM devices d LEFT JOIN sample_chunks s USING (device_id) GROUP BY d.device_id"):
    print(f"  {kind:4} {name}: {n or 0} readings")
for kind, idx, name, a, b in c.execute("SELECT kind, idx, name, start_ns, end_ns FROM windows ORDER BY start_ns"):
    print(f"  window {kind} {idx if idx is not None else name}: {(b - a) / 1e9:.2f} s")
PY
echo "store: $db  (ctk analyze --db $db for the energy per epoch)"
