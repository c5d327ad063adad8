#!/usr/bin/env python3
"""Summarise `ctk evaluate --csv` (stdin) per target and predictor: MAPE
averaged over N = 1..5 and N = 1..10 (each N weighted equally), the pooled
row (every (run, N) weighted equally), worst case, bias and interval
coverage; then the score that picks the default predictor: the mean of the
energy and duration MAPE over N = 1..5."""
import csv
import sys

rows = list(csv.DictReader(sys.stdin))
score = {}
for t in ("energy", "duration"):
    print(f"  {t}")
    print(f"  {'predictor':12s} {'MAPE N<=5':>10s} {'MAPE N<=10':>11s} {'pooled MAPE':>12s} {'worst':>8s} "
          f"{'bias':>8s} {'coverage':>9s} {'nominal':>8s}")
    for p in sorted({r["predictor"] for r in rows if r["target"] == t}):
        sel = [r for r in rows if r["predictor"] == p and r["target"] == t]
        per = {int(r["after_n"]): float(r["mape_pct"]) for r in sel if r["after_n"]}
        e5 = [v for n, v in per.items() if n <= 5]
        e10 = [v for n, v in per.items() if n <= 10]
        a = [r for r in sel if not r["after_n"]][0]
        score[p] = score.get(p, 0) + sum(e5) / len(e5) / 2
        print(f"  {p:12s} {sum(e5)/len(e5):10.3f} {sum(e10)/len(e10):11.3f} {float(a['mape_pct']):12.3f} "
              f"{float(a['worst_pct']):8.3f} {float(a['bias_pct']):+8.3f} {a['coverage']:>9s} {a['coverage_nominal']:>8s}")
print("  score (mean of energy and duration MAPE over N <= 5, lower is better):")
for p, s in sorted(score.items(), key=lambda x: x[1]):
    print(f"    {p:12s} {s:7.3f}")
