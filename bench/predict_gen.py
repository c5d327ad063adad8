#!/usr/bin/env python3
"""The evaluation corpus of the predictors (bench/predict_eval.sh): runs
written as nvidia-smi CSV traces (one GPU, 1 Hz) plus epoch CSVs, so they
enter the store through the CLI like any import.

A run is a timeline of constant-power segments, each inside an epoch or
outside every epoch (start-up, gaps, validation, the tail). Durations are
whole seconds, so epoch edges fall on samples; an epoch's last sample is
repeated at its end (the step to what follows lies in the next second,
outside it), so the trapezoid measures each epoch's energy exactly up to
nvidia-smi's 0.01 W rounding. Scenarios (each seeded):
  steady      noise only (epoch energy CV 0.5-3 %), 1-2 s idle gaps
  warmup      1-3 warm-up epochs, 1.1-1.6x slower at 0.6-0.9x power
              (cuDNN autotuning, compilation, cold caches)
  lr-change   a step in epoch cost at an epoch in the middle half of the run
              (learning-rate schedule, curriculum or progressive resizing):
              cost x0.7-0.85 or x1.2-1.5
  validation  a validation phase after every 1st, 2nd or 5th epoch (8-25 %
              of an epoch's time at 0.5-0.8x power) and a final validation
              plus checkpoint as the tail
  thermal     power falls by 3-10 % and epochs grow by half that, with a
              time constant of 2-6 epochs (clocks throttled as the GPU warms)
  stalls      each epoch stalls with probability 0.25 for 5-40 % of its
              time at 60-90 W (data loader waiting on storage)
  mixed       warm-up, validation, thermal drift and stalls together
  real-ct     the two real carbontracker runs with exact per-epoch energies
              (../shared/data/carbontracker-logs/*/truth.csv, 12 epochs of 5 s)
Usage: predict_gen.py OUTDIR DATA_DIR [RUNS_PER_SCENARIO] [SEED] [--no-real]
(prints one line per run: trace.csv epochs.csv label; label = scenario/name;
OUTDIR/steps.csv: label,first_changed_epoch of each lr-change run, so the
calibration and the summary know which predictions came before the step)
"""
import csv
import math
import os
import random
import sys
from datetime import datetime, timedelta, timezone

SCENARIOS = ("steady", "warmup", "lr-change", "validation", "thermal", "stalls", "mixed")
BASE = datetime(2026, 1, 1, tzinfo=timezone.utc)


def write_run(outdir, name, segments, t0):
    """segments: list of (seconds, watts, epoch or None). Returns the paths
    and the run's length in s."""
    fname = name.replace("/", "_")
    trace = os.path.join(outdir, fname + ".csv")
    eps = os.path.join(outdir, fname + "_epochs.csv")
    rows, windows = [], {}
    t = t0
    for j, (secs, watts, ep) in enumerate(segments):
        for i in range(secs):
            rows.append((t + i, watts))
        if ep is not None:
            a, _ = windows.get(ep, (t, t))
            windows[ep] = (a, t + secs)
        t += secs
        if ep is not None and j + 1 < len(segments) and segments[j + 1][2] != ep:
            # the edge sample: the epoch's power up to its end, so the
            # trapezoid gives the epoch its energy; the step to the next
            # segment's power falls in the second after it (outside)
            rows.append((t, watts))
            t += 1
    rows.append((t, segments[-1][1]))   # the closing sample
    with open(trace, "w") as f:
        f.write("timestamp, index, name, pci.bus_id, power.draw [W]\n")
        for ts, p in rows:
            stamp = (BASE + timedelta(seconds=ts)).strftime("%Y/%m/%d %H:%M:%S.000")
            f.write(f"{stamp}, 0, Simulated GPU, 00000000:01:00.0, {p:.2f} W\n")
    b = int(BASE.timestamp())
    with open(eps, "w") as f:
        f.write("epoch,start_s,end_s\n")
        for k in sorted(windows):
            a, e = windows[k]
            f.write(f"{k},{b + a},{b + e}\n")
    return trace, eps, t - t0


def epoch_segments(k, d, p, stall, rnd):
    """An epoch of d s at p W, with a data-loader stall when stall."""
    if stall and d >= 4:
        s = max(1, round(d * rnd.uniform(0.05, 0.40)))
        return [(d, p, k), (s, rnd.uniform(60, 90), k)]
    return [(d, p, k)]


def synth_run(scenario, rnd):
    """A run's segments and its first epoch (1-based) after a step in cost
    (None without one)."""
    ne = rnd.choice((10, 20, 40))
    p0 = rnd.uniform(150, 400)
    d0 = rnd.randint(15, 45)
    cv = rnd.choice((0.005, 0.01, 0.03))
    idle = rnd.uniform(50, 70)
    mixed = scenario == "mixed"
    warm = rnd.choice((1, 2, 3)) if scenario == "warmup" or (mixed and rnd.random() < 0.7) else 0
    step_at, step = None, 1.0
    if scenario == "lr-change":
        step_at = rnd.randint(ne // 4, 3 * ne // 4)
        step = rnd.uniform(0.7, 0.85) if rnd.random() < 0.5 else rnd.uniform(1.2, 1.5)
    val_every, val_frac, val_pow = 0, 0, 0
    if scenario == "validation" or mixed:
        val_every = rnd.choice((1, 2, 5))
        val_frac = rnd.uniform(0.08, 0.25)
        val_pow = rnd.uniform(0.5, 0.8)
    therm, tau = 0.0, 1.0
    if scenario == "thermal" or mixed:
        therm = rnd.uniform(0.03, 0.10)
        tau = rnd.uniform(2, 6)
    stall_p = 0.25 if scenario in ("stalls", "mixed") else 0.0
    segs = [(rnd.randint(2, 10), idle, None)]            # start-up
    for k in range(ne):
        f = 1 - therm * (1 - math.exp(-k / tau))
        g = 1 + therm / 2 * (1 - math.exp(-k / tau))
        c = step if step_at is not None and k >= step_at else 1.0
        d = d0 * c * g * rnd.gauss(1, cv / 2)
        p = p0 * f * rnd.gauss(1, cv)
        if k < warm:
            d *= rnd.uniform(1.1, 1.6)
            p *= rnd.uniform(0.6, 0.9)
        segs += epoch_segments(k + 1, max(1, round(d)), p, rnd.random() < stall_p, rnd)
        if val_every and (k + 1) % val_every == 0 and k + 1 < ne:
            segs.append((max(1, round(d0 * val_frac * rnd.gauss(1, cv))), p0 * val_pow, None))
        elif k + 1 < ne:
            segs.append((rnd.randint(1, 2), idle, None))
    if val_every:                                         # final validation + checkpoint
        segs.append((max(1, round(d0 * val_frac)), p0 * val_pow, None))
        segs.append((rnd.randint(3, 10), idle * 1.5, None))
    else:
        segs.append((rnd.randint(1, 3), idle, None))
    return segs, (step_at + 1 if step_at is not None else None)


def truth_runs(data):
    out = []
    for g in ("1gpu", "8gpu"):
        path = os.path.join(data, "carbontracker-logs", g, "truth.csv")
        with open(path) as f:
            r = list(csv.DictReader(f))
        segs = [(2, 50.0, None)]
        for x in r:
            d = round(float(x["end_unix_s"]) - float(x["start_unix_s"]))
            segs.append((d, float(x["exact_energy_j_all_gpus"]) / d, int(x["epoch"])))
            segs.append((1, 50.0, None))
        out.append(("real-ct/truth-" + g, segs, None))
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    outdir, data = args[0], args[1]
    n = int(args[2]) if len(args) > 2 else 20
    seed = int(args[3]) if len(args) > 3 else 7
    os.makedirs(outdir, exist_ok=True)
    runs = [] if "--no-real" in sys.argv else truth_runs(data)
    for si, sc in enumerate(SCENARIOS):
        rnd = random.Random(seed * 1000 + si)
        for i in range(n):
            runs.append((f"{sc}/s{seed}-{i:02d}",) + synth_run(sc, rnd))
    with open(os.path.join(outdir, "steps.csv"), "w") as f:
        f.write("label,first_changed_epoch\n")
        for name, _, step in runs:
            if step is not None:
                f.write(f"{name},{step}\n")
    t0 = 0
    for name, segs, _ in runs:
        trace, eps, length = write_run(outdir, name, segs, t0)
        t0 += length + 100
        print(trace, eps, name)


if __name__ == "__main__":
    main()
