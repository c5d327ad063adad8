#!/usr/bin/env python3
"""Split-conformal calibration of the prediction intervals (common/predict.c,
ctk_predict_calib[]) from a store that `ctk analyze` filled with predictions
of the calibration corpus (bench/predict_gen.py; bench/predict_eval.sh).

For each predictor, scope (epochs: table predictions, target energy; run:
table run_predictions) and N = 1 .. 10 (N = 10 pools every N >= 10), over
the predictions with a measured total and something left to predict:
  score = |actual - value| / rest,  rest = value - observed
  q     = the ceil((k + 1) * 0.95)-th smallest of the k scores (split
          conformal; the largest when that rank passes k)
so that [value - q*rest, value + q*rest] holds the total in at least 95 % of
exchangeable runs. Prints the C table for common/predict.c; with
--check FILE compares it with the table in FILE and exits 1 when a
constant differs by more than --tol (relative, default 1e-3).
Usage: predict_calibrate.py DB [--check common/predict.c] [--tol X]
"""
import math
import re
import sqlite3
import sys

NCAL = 10
COVERAGE = 0.95


def scores(db):
    out = {}
    q = {
        0: "SELECT predictor, after_n, value, observed, actual FROM predictions "
           "WHERE target = 'energy' AND value IS NOT NULL AND observed IS NOT NULL AND actual IS NOT NULL",
        1: "SELECT predictor, after_n, value, observed_j, actual FROM run_predictions "
           "WHERE value IS NOT NULL AND observed_j IS NOT NULL AND actual IS NOT NULL",
    }
    for scope, sql in q.items():
        for pred, n, value, obs, actual in db.execute(sql):
            rest = value - obs
            if rest <= 0:
                continue
            key = (pred, scope, min(n, NCAL))
            out.setdefault(key, []).append(abs(actual - value) / rest)
    return out


def quantile(s):
    s = sorted(s)
    k = len(s)
    r = math.ceil((k + 1) * COVERAGE)
    return s[min(r, k) - 1]


def table(db):
    sc = scores(db)
    preds = sorted({k[0] for k in sc})
    t = {}
    for p in preds:
        t[p] = [[quantile(sc[(p, s, n)]) if (p, s, n) in sc else 0.0 for n in range(1, NCAL + 1)]
                for s in (0, 1)]
    return t, {k: len(v) for k, v in sc.items()}


def c_table(t):
    lines = ["const struct ctk_predict_calib ctk_predict_calib[] = {"]
    for p, (ep, run) in t.items():
        lines.append(f'\t{{"{p}", {{{{{", ".join(f"{x:.4f}" for x in ep)}}},')
        lines.append(f'\t\t{{{", ".join(f"{x:.4f}" for x in run)}}}}}}},')
    lines.append("\t{NULL, {{0}}},")
    lines.append("};")
    return "\n".join(lines)


def parse_c(path):
    src = open(path).read()
    body = src[src.index("BEGIN ctk_predict_calib"):src.index("END ctk_predict_calib")]
    out = {}
    for m in re.finditer(r'\{"([^"]+)", \{\{([^}]*)\},\s*\{([^}]*)\}\}\}', body):
        out[m.group(1)] = [[float(x) for x in m.group(2).split(",")], [float(x) for x in m.group(3).split(",")]]
    return out


def main():
    args = sys.argv[1:]
    db = sqlite3.connect(args[0])
    t, counts = table(db)
    if "--check" in args:
        tol = float(args[args.index("--tol") + 1]) if "--tol" in args else 1e-3
        have = parse_c(args[args.index("--check") + 1])
        bad = 0
        for p, scopes in t.items():
            for s in (0, 1):
                for n in range(NCAL):
                    want = scopes[s][n]
                    got = have.get(p, [[None] * NCAL] * 2)[s][n]
                    if got is None or abs(got - want) > tol * max(abs(want), 1e-9) + 5e-5:
                        print(f"{p} scope {s} N={n + 1}: table {got}, corpus {want:.4f}")
                        bad += 1
        print(f"{bad} constant(s) differ")
        sys.exit(1 if bad else 0)
    print(f"/* scores per (predictor, scope, N): {min(counts.values())}..{max(counts.values())} */")
    print(c_table(t))


if __name__ == "__main__":
    main()
