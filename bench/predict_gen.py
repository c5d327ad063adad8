#!/usr/bin/env python3
"""Runs for the prediction evaluation (bench/predict_eval.sh), written as
nvidia-smi CSV traces plus epoch CSVs so they enter the store through the CLI.

Each run is a list of epochs (energy J, duration s). A trace samples one GPU
at 1 Hz; inside epoch k the power is constant at E_k / d_k (so the trapezoid
gives E_k up to nvidia-smi's 0.01 W rounding), and 1 s gaps at 50 W separate
epochs. Durations are whole seconds so epoch edges fall on samples.

Sets:
  truth   the per-epoch exact energies of the two real carbontracker runs in
          ../shared/data/carbontracker-logs/*/truth.csv (12 epochs of 5 s)
  synth   N seeded synthetic runs: 10/20/50 epochs; noise CV 0.5-5 %; 70 %
          with 1-2 warm-up epochs (duration x1.1-1.6, power x0.6-0.9); 30 %
          with a linear drift of -8..+8 % over the run
Usage: predict_gen.py OUTDIR DATA_DIR [N_SYNTH] [SEED]  (prints one line per
run: trace.csv epochs.csv label)
"""
import csv
import os
import random
import sys
from datetime import datetime, timedelta, timezone


def write_run(outdir, name, epochs, t0):
    trace = os.path.join(outdir, name + ".csv")
    eps = os.path.join(outdir, name + "_epochs.csv")
    t = t0
    rows, windows = [], []
    # 2 s idle before the first epoch
    for _ in range(2):
        rows.append((t, 50.0))
        t += 1
    for k, (e, d) in enumerate(epochs):
        p = e / d
        start = t
        for i in range(d):
            rows.append((t + i, p))
        t += d
        windows.append((k + 1, start, t))
        rows.append((t, p))   # the edge sample: power constant up to the end
        t += 1
        rows.append((t, 50.0))
        t += 1
    base = datetime(2026, 1, 1, tzinfo=timezone.utc)
    with open(trace, "w") as f:
        f.write("timestamp, index, name, pci.bus_id, power.draw [W]\n")
        for ts, p in rows:
            stamp = (base + timedelta(seconds=ts)).strftime("%Y/%m/%d %H:%M:%S.000")
            f.write(f"{stamp}, 0, Simulated GPU, 00000000:01:00.0, {p:.2f} W\n")
    with open(eps, "w") as f:
        f.write("epoch,start_s,end_s\n")
        for k, a, b in windows:
            f.write(f"{k},{int(base.timestamp()) + a},{int(base.timestamp()) + b}\n")
    return trace, eps


def truth_runs(data):
    out = []
    for g in ("1gpu", "8gpu"):
        path = os.path.join(data, "carbontracker-logs", g, "truth.csv")
        with open(path) as f:
            r = list(csv.DictReader(f))
        ep = [(float(x["exact_energy_j_all_gpus"]), round(float(x["end_unix_s"]) - float(x["start_unix_s"])))
              for x in r]
        out.append(("truth-" + g, ep))
    return out


def synth_runs(n, seed):
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        ne = rnd.choice((10, 20, 50))
        p0 = rnd.uniform(150, 400)
        d0 = rnd.randint(30, 90)
        cv = rnd.choice((0.005, 0.02, 0.05))
        warm = rnd.choice((1, 2)) if rnd.random() < 0.7 else 0
        drift = rnd.uniform(-0.08, 0.08) if rnd.random() < 0.3 else 0.0
        ep = []
        for k in range(ne):
            f = 1 + drift * k / max(ne - 1, 1)
            d = d0 * rnd.gauss(1, cv / 2)
            p = p0 * f * rnd.gauss(1, cv)
            if k < warm:
                d *= rnd.uniform(1.1, 1.6)
                p *= rnd.uniform(0.6, 0.9)
            d = max(1, round(d))
            ep.append((p * d, d))
        tag = f"synth{i:02d}-e{ne}-w{warm}-cv{cv}-drift{drift:+.3f}"
        out.append((tag, ep))
    return out


def main():
    outdir, data = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 7
    os.makedirs(outdir, exist_ok=True)
    t0 = 0
    for name, ep in truth_runs(data) + synth_runs(n, seed):
        trace, eps = write_run(outdir, name, ep, t0)
        t0 += sum(d for _, d in ep) + 2 * len(ep) + 100
        print(trace, eps, name)


if __name__ == "__main__":
    main()
