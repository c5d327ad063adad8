#!/usr/bin/env python3
"""Split-conformal calibration of the prediction intervals (common/predict.c,
ctk_predict_calib[]) from a store that `ctk analyze` filled with predictions
of the calibration corpus (bench/predict_gen.py; bench/predict_eval.sh).

For each predictor, scope (epochs: table predictions, target energy; run:
table run_predictions), group and N = 1 .. 10 (N = 10 pools every N >= 10), over
the predictions with a measured total and something left to predict:
  score = |actual - value| / (cal_scale * rest),  rest = value - observed
  cal_scale, cal_group: stored by `ctk analyze` beside each prediction (the
          rule lives once, in common/predict.c ctk_predict_calib_scale,
          _run_scale, _group); this script only ranks scores
  q     = the ceil((k + 1) * 0.95)-th smallest of the k scores of that
          group and N (Mondrian split conformal with normalized scores; the
          largest when that rank passes k; 0 when the group had none). The
          groups shift and jump are few at any one N: one q over all N.
Predictions made before an unannounced step in the epoch cost (--steps
FILE from predict_gen.py: label,first_changed_epoch; after_n below it) are
left out: the interval claims 95 % for runs whose cost keeps the course the
observed epochs show, and no interval built from those epochs can see a
step coming (bench/RESULTS.md "prediction").
Prints the C table for common/predict.c; with --check FILE compares it with
the table in FILE and exits 1 when a constant differs by more than --tol
(relative, default 1e-3).
Usage: predict_calibrate.py DB [--steps steps.csv] [--check common/predict.c] [--tol X]
"""
import csv
import math
import re
import sqlite3
import sys

NCAL = 10
COVERAGE = 0.95
GROUPS = ("quiet", "busy", "shift", "jump")  # ctk_calib_group_names, in order
POOLED = ("shift", "jump")                   # one q for every N


def steps(path):
    if not path:
        return {}
    with open(path) as f:
        return {r["label"]: int(r["first_changed_epoch"]) for r in csv.DictReader(f)}


def scores(db, step):
    out = {}
    label = dict(db.execute("SELECT run_id, label FROM runs"))
    q = {
        0: "SELECT run_id, predictor, after_n, value, observed, actual, cal_group, cal_scale FROM predictions "
           "WHERE target = 'energy' AND value IS NOT NULL AND observed IS NOT NULL AND actual IS NOT NULL",
        1: "SELECT run_id, predictor, after_n, value, observed_j, actual, cal_group, cal_scale FROM run_predictions "
           "WHERE value IS NOT NULL AND observed_j IS NOT NULL AND actual IS NOT NULL",
    }
    for scope, sql in q.items():
        for rid, pred, n, value, obs, actual, group, scale in db.execute(sql):
            rest = value - obs
            if rest <= 0 or n < step.get(label[rid], 0) or not scale:
                continue
            key = (pred, scope, group, 0 if group in POOLED else min(n, NCAL))
            out.setdefault(key, []).append(abs(actual - value) / (scale * rest))
    return out


def quantile(s):
    s = sorted(s)
    k = len(s)
    r = math.ceil((k + 1) * COVERAGE)
    return s[min(r, k) - 1]


def table(db, step):
    sc = scores(db, step)
    preds = sorted({k[0] for k in sc})
    t = {}
    for p in preds:
        t[p] = [[[quantile(sc[key]) if (key := (p, s, g, 0 if g in POOLED else n)) in sc else 0.0
                  for n in range(1, NCAL + 1)] for g in GROUPS] for s in (0, 1)]
    return t, {k: len(v) for k, v in sc.items()}


def c_table(t):
    lines = ["const struct ctk_predict_calib ctk_predict_calib[] = {"]

    def row(v):
        return "{" + ", ".join(f"{x:.4f}" for x in v) + "}"
    for p, scopes in t.items():
        lines.append(f'\t{{"{p}", {{')
        for s, groups in enumerate(scopes):
            body = ",\n\t\t ".join(row(g) for g in groups)
            lines.append(f"\t\t{{{body}}}{',' if s == 0 else ''}")
        lines.append("\t}},")
    lines.append("\t{NULL, {{{0}}}},")
    lines.append("};")
    return "\n".join(lines)


def parse_c(path):
    src = open(path).read()
    body = src[src.index("BEGIN ctk_predict_calib"):src.index("END ctk_predict_calib")]
    out = {}
    for m in re.finditer(r'\{"([^"]+)", \{(.*?)\n\t\}\},', body, re.S):
        rows = [[float(x) for x in r.split(",")] for r in re.findall(r"\{([-0-9., ]+)\}", m.group(2))]
        g = len(GROUPS)
        out[m.group(1)] = [rows[:g], rows[g:2 * g]]
    return out


def main():
    args = sys.argv[1:]
    db = sqlite3.connect(args[0])
    step = steps(args[args.index("--steps") + 1] if "--steps" in args else None)
    t, counts = table(db, step)
    if "--check" in args:
        tol = float(args[args.index("--tol") + 1]) if "--tol" in args else 1e-3
        have = parse_c(args[args.index("--check") + 1])
        bad = 0
        for p, scopes in t.items():
            for s in (0, 1):
                for g in range(len(GROUPS)):
                    for n in range(NCAL):
                        want = scopes[s][g][n]
                        try:
                            got = have[p][s][g][n]
                        except (KeyError, IndexError):
                            got = None
                        if got is None or abs(got - want) > tol * max(abs(want), 1e-9) + 5e-5:
                            print(f"{p} scope {s} group {GROUPS[g]} N={n + 1}: table {got}, corpus {want:.4f}")
                            bad += 1
        print(f"{bad} constant(s) differ")
        sys.exit(1 if bad else 0)
    print(f"/* scores per (predictor, scope, group, N): {min(counts.values())}..{max(counts.values())} */")
    print(c_table(t))


if __name__ == "__main__":
    main()
