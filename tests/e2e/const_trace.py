#!/usr/bin/env python3
"""Test input generator (plain Python, no ctk code): a constant-power
nvidia-smi trace of one GPU with epochs, so every epoch's energy is exactly
power x duration. Epoch k starts 1 s after epoch k-1 ends (the first at 1 s);
readings every 0.5 s until 2 s after the last epoch.

usage: const_trace.py [--items N] PREFIX GPU_NAME POWER_W START_ISO DUR_S...
writes PREFIX.csv (nvidia-smi) and PREFIX_epochs.csv (epoch,start,end[,items])"""
import sys
from datetime import datetime, timedelta

args, items = sys.argv[1:], None
if args[0] == "--items":
    items, args = int(args[1]), args[2:]
prefix, name, power, start = args[0], args[1], float(args[2]), datetime.fromisoformat(args[3])
t, eps = 0.0, []
for k, d in enumerate(map(float, args[4:])):
    eps.append((k + 1, 1.0 + t, 1.0 + t + d))
    t += d + 1.0
with open(prefix + ".csv", "w") as f:
    f.write("timestamp, index, name, pci.bus_id, power.draw [W]\n")
    for j in range(int((t + 2.0) / 0.5) + 1):
        s = (start + timedelta(seconds=j * 0.5)).strftime("%Y/%m/%d %H:%M:%S.%f")[:-3]
        f.write(f"{s}, 0, {name}, 00000000:01:00.0, {power:.2f} W\n")
with open(prefix + "_epochs.csv", "w") as f:
    f.write("epoch,start,end" + (",items" if items else "") + "\n")
    for k, a, b in eps:
        f.write(f"{k},{(start + timedelta(seconds=a)).isoformat()},{(start + timedelta(seconds=b)).isoformat()}"
                + (f",{items}" if items else "") + "\n")
