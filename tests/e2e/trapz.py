#!/usr/bin/env python3
"""Independent reference for the nvidia-smi path (plain Python, no ctk code):
reads an nvidia-smi CSV, assigns rows to GPUs (index column, else row order
modulo the GPU count), and integrates power with the trapezoid rule over the
whole trace and over windows, interpolating power linearly at window edges.

usage: trapz.py FILE NGPUS [START_S END_S]...   (times: UTC Unix seconds)
prints one line per GPU: total_j w1_j w2_j ..."""
import sys
from datetime import datetime, timedelta, timezone

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
BASE_US = 1700000000 * 10**6  # times are kept relative to this to stay exact in doubles


def load(path, ngpus):
    with open(path) as f:
        head = [h.strip() for h in f.readline().split(",")]
        ti = head.index("timestamp")
        pi = [i for i, h in enumerate(head) if h.split(" [")[0] == "power.draw"][0]
        xi = head.index("index") if "index" in head else None
        per = {}
        for n, line in enumerate(f):
            cells = [c.strip() for c in line.split(",")]
            d = datetime.strptime(cells[ti], "%Y/%m/%d %H:%M:%S.%f").replace(tzinfo=timezone.utc)
            t = (d - EPOCH) // timedelta(microseconds=1) - BASE_US  # exact integer us
            t = t / 1e6  # small numbers: seconds since BASE, no precision lost
            g = int(cells[xi]) if xi is not None else n % ngpus
            per.setdefault(g, []).append((t, float(cells[pi].split()[0])))
    return per


def integrate(pts, a=None, b=None):
    e = 0.0
    for (t0, p0), (t1, p1) in zip(pts, pts[1:]):
        x = t0 if a is None else max(a, t0)
        y = t1 if b is None else min(b, t1)
        if y <= x or t1 <= t0:
            continue
        px = p0 + (p1 - p0) * (x - t0) / (t1 - t0)
        py = p0 + (p1 - p0) * (y - t0) / (t1 - t0)
        e += (y - x) * (px + py) / 2
    return e


def main():
    per = load(sys.argv[1], int(sys.argv[2]))
    rel = lambda v: (round(float(v) * 1e6) - BASE_US) / 1e6
    wins = [(rel(sys.argv[i]), rel(sys.argv[i + 1])) for i in range(3, len(sys.argv), 2)]
    for g in sorted(per):
        vals = [integrate(per[g])] + [integrate(per[g], a, b) for a, b in wins]
        print(" ".join("%.9f" % v for v in vals))


main()
