#!/usr/bin/env python3
"""Summarise the predictions `ctk analyze` stored for the evaluation corpus
(bench/predict_eval.sh): per scenario (the part of a run's label before
'/'), the default predictor's mean absolute error after 1, 2 and 3 epochs
(whole run and epochs only, energy), the achieved coverage of its 95 %
intervals (calibrated and t, pooled over N = 1 .. 10) and the median
half-width of the whole run's calibrated interval; then every
predictor's score, which picks the default: the mean over scenarios (each
weighted equally) of the whole-run energy MAPE and the epochs' duration
MAPE, each averaged over N = 1 .. 5. With STEPS (predict_gen.py's
steps.csv) the lr-change runs' predictions are also shown split into those
made before the step (no changed epoch observed) and after it, and
"course kept" is every prediction but those made before a step: what the
calibrated interval claims (docs/PREDICTION.md).
Usage: predict_summary.py DB DEFAULT_PREDICTOR [STEPS]"""
import csv
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
default = sys.argv[2]
STEP = {}
if len(sys.argv) > 3:
    with open(sys.argv[3]) as f:
        STEP = {r["label"]: int(r["first_changed_epoch"]) for r in csv.DictReader(f)}
ROWS = """
SELECT substr(r.label, 1, instr(r.label, '/') - 1) AS sc, 'epochs' AS scope, p.predictor, p.target, p.after_n,
       p.rel_err, p.actual, p.lo, p.hi, p.cal_lo, p.cal_hi, r.label
  FROM predictions p JOIN runs r USING (run_id) WHERE p.rel_err IS NOT NULL
UNION ALL
SELECT substr(r.label, 1, instr(r.label, '/') - 1), 'run', p.predictor, p.target, p.after_n,
       p.rel_err, p.actual, p.t_lo, p.t_hi, p.lo, p.hi, r.label
  FROM run_predictions p JOIN runs r USING (run_id) WHERE p.rel_err IS NOT NULL
"""
rows = db.execute(ROWS).fetchall()
scen = sorted({r[0] for r in rows}, key=lambda s: (s == "real-ct", s))
BEFORE, AFTER, KEPT = "  before step", "  after step", "course kept"


def phase(r):
    """' before step' / ' after step' for a run with a step, else None."""
    if r[11] not in STEP:
        return None
    return BEFORE if r[4] < STEP[r[11]] else AFTER


def match(r, sc):
    if sc in (BEFORE, AFTER):
        return phase(r) == sc
    if sc == KEPT:
        return phase(r) != BEFORE
    return sc is None or r[0] == sc


def sel(sc=None, scope=None, pred=None, target="energy", n=None, nmax=None):
    return [r for r in rows if match(r, sc) and (scope is None or r[1] == scope)
            and (pred is None or r[2] == pred) and r[3] == target and (n is None or r[4] == n)
            and (nmax is None or r[4] <= nmax)]


def mape(rs):
    return 100 * sum(abs(r[5]) for r in rs) / len(rs) if rs else float("nan")


def cover(rs, cal):
    i, j = (9, 10) if cal else (7, 8)
    w = [r for r in rs if r[i] is not None]
    if not w:
        return "-"
    return f"{sum(r[i] <= r[6] <= r[j] for r in w) / len(w):.3f} ({len(w)})"


def halfwidth(rs):
    """median calibrated half-width, % of the measured total"""
    w = sorted(100 * (r[10] - r[9]) / 2 / r[6] for r in rs if r[9] is not None and r[6])
    return f"{w[len(w) // 2]:.1f}" if w else "-"


print(f"default predictor `{default}`: energy MAPE (%) after N epochs, whole run | epochs only;")
print("achieved coverage of the 95 % intervals over N = 1..10 (predictions with one), calibrated | t;")
print("median half-width of the whole run's calibrated interval, % of the measured total (N = 1..10):")
print()
print(f"  {'scenario':11s} {'runs':>4s}  {'run N=1':>8s} {'N=2':>6s} {'N=3':>6s}  {'ep N=1':>7s} {'N=2':>6s} {'N=3':>6s}"
      f"  {'run cal':>13s} {'run t':>13s}  {'ep cal':>13s} {'ep t':>13s}  {'run cal ½w %':>12s}")
table = [x for sc in scen for x in ([sc, BEFORE, AFTER] if sc == "lr-change" and STEP else [sc])]
for sc in table + ([KEPT] if STEP else []) + [None]:
    if sc in (BEFORE, AFTER, KEPT):
        runs = len({r[11] for r in sel(sc)})
    elif sc:
        runs = db.execute("SELECT count(*) FROM runs WHERE label LIKE ? || '/%'", (sc,)).fetchone()[0]
    else:
        runs = db.execute("SELECT count(*) FROM runs").fetchone()[0]
    line = f"  {sc or 'all':11s} {runs:4d}  "
    line += " ".join(f"{mape(sel(sc, 'run', default, n=n)):{w}.2f}" for n, w in ((1, 8), (2, 6), (3, 6)))
    line += "  " + " ".join(f"{mape(sel(sc, 'epochs', default, n=n)):{w}.2f}" for n, w in ((1, 7), (2, 6), (3, 6)))
    for scope in ("run", "epochs"):
        rs = sel(sc, scope, default, nmax=10)
        line += f"  {cover(rs, True):>13s} {cover(rs, False):>13s}"
    line += f"  {halfwidth(sel(sc, 'run', default, nmax=10)):>12s}"
    print(line)
print()
print("calibrated coverage of the default predictor's 95 % intervals per N (course kept), whole run | epochs:")
every = KEPT if STEP else None
print("  " + "  ".join(f"N={n}: {cover(sel(every, 'run', default, n=n), True).split()[0]}"
                       f" | {cover(sel(every, 'epochs', default, n=n), True).split()[0]}" for n in range(1, 11)))
print()
print("score (mean over scenarios of whole-run energy MAPE and epochs' duration MAPE, N <= 5; lower is better):")
preds = sorted({r[2] for r in rows})
score = {}
for p in preds:
    per = []
    for sc in scen:
        e = sum(mape(sel(sc, "run", p, n=n)) for n in range(1, 6)) / 5
        d = sum(mape(sel(sc, "epochs", p, "duration", n=n)) for n in range(1, 6)) / 5
        per.append((e, d))
    score[p] = (sum(e for e, _ in per) / len(per), sum(d for _, d in per) / len(per))
print(f"  {'predictor':12s} {'score':>7s} {'run energy':>11s} {'duration':>9s}  run-energy MAPE N<=5 per scenario")
print(f"  {'':12s} {'':7s} {'':11s} {'':9s}  " + " ".join(f"{s:>10s}" for s in scen))
for p, (e, d) in sorted(score.items(), key=lambda x: sum(x[1])):
    per = " ".join(f"{sum(mape(sel(sc, 'run', p, n=n)) for n in range(1, 6)) / 5:10.2f}" for sc in scen)
    print(f"  {p:12s} {(e + d) / 2:7.3f} {e:11.3f} {d:9.3f}  {per}")
