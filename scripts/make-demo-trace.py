#!/usr/bin/env python3
"""Generate the bundled demo run (samples/demo/): a *simulated* 2-GPU training
run written in nvidia-smi's CSV format (`--query-gpu=timestamp,index,name,
pci.bus_id,power.draw,utilization.gpu --format=csv -lms 100`) plus its
epochs.csv. It is simulated (no licence-free real trace was available to
bundle); every ctk output labels it so. Deterministic: same bytes every run.

Shape: 5 s idle, then 5 epochs (the first 20 % longer: warm-up), each followed
by 3 s of validation at lower power, 10 Hz sampling with ±2 ms jitter."""
import random
from datetime import datetime, timedelta, timezone

rng = random.Random(20261123)
t0 = datetime(2026, 11, 23, 9, 0, 0, tzinfo=timezone.utc)
gpus = [("NVIDIA A100-SXM4-40GB", "00000000:07:00.0", 1.00), ("NVIDIA A100-SXM4-40GB", "00000000:0F:00.0", 0.96)]
phases = [("idle", 5.0, 58.0, 0)]
for e in range(1, 6):
    phases.append(("epoch%d" % e, 14.4 if e == 1 else 12.0, 285.0 if e > 1 else 240.0, 97))
    phases.append(("val", 3.0, 150.0, 40))
phases.append(("idle", 2.0, 60.0, 0))

rows, epochs, t = [], [], 0.0
for name, dur, watts, util in phases:
    start = t
    while t < start + dur - 1e-9:
        for i, (gname, bus, scale) in enumerate(gpus):
            ts = t0 + timedelta(seconds=t + i * 0.002 + rng.uniform(0, 0.002))
            p = watts * scale + rng.gauss(0, 6 if util else 1.5)
            u = max(0, min(100, util + rng.randint(-3, 3))) if util else 0
            rows.append("%s, %d, %s, %s, %.2f W, %d %%" % (
                ts.strftime("%Y/%m/%d %H:%M:%S.") + "%03d" % (ts.microsecond // 1000), i, gname, bus, p, u))
        t = round(t + 0.1, 6)
    if name.startswith("epoch"):
        epochs.append((int(name[5:]), start, t))

with open("samples/demo/gpu-trace.csv", "w") as f:
    f.write("timestamp, index, name, pci.bus_id, power.draw [W], utilization.gpu [%]\n")
    f.write("\n".join(rows) + "\n")
with open("samples/demo/epochs.csv", "w") as f:
    f.write("epoch,start,end\n")
    for n, a, b in epochs:
        iso = lambda s: (t0 + timedelta(seconds=s)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        f.write("%d,%s,%s\n" % (n, iso(a), iso(b)))
