#!/usr/bin/env python3
"""Split-conformal calibration of the prediction intervals (common/predict.c,
ctk_predict_calib[]) from a store that `ctk analyze` filled with predictions
of the calibration corpus (bench/predict_gen.py; bench/predict_eval.sh).

For each predictor, scope (epochs: table predictions, target energy; run:
table run_predictions), group (below) and N = 1 .. 10 (N = 10 pools every N >= 10), over
the predictions with a measured total and something left to predict:
  score = |actual - value| / (scale * rest),  rest = value - observed,
          scale = the run's own spread: the coefficient of variation
          (sample sd / mean) of its first N epoch energies (devices and
          attempts summed, table epoch_energy), at least FLOOR; 1 for N = 1
          (common/predict.c, ctk_predict_calib_scale)
  group = busy (1) when that CV reaches FLOOR, else quiet (0; N = 1 too)
          (ctk_predict_calib_group)
  q     = the ceil((k + 1) * 0.95)-th smallest of the k scores of that
          group (Mondrian split conformal with normalized scores; the
          largest when that rank passes k; 0 when the group had none)
so that value -/+ q*scale*rest holds the total in at least 95 % of
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
FLOOR = 0.02  # CTK_CALIB_SCALE_FLOOR of common/predict.h (--check compares them)


def epochs(db):
    out = {}
    for rid, e in db.execute("SELECT run_id, sum(energy_j) FROM epoch_energy GROUP BY run_id, idx "
                             "ORDER BY run_id, idx"):
        out.setdefault(rid, []).append(e)
    return out


def cv(x):
    n = len(x)
    if n < 2:
        return None
    mean = sum(x) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in x) / (n - 1))
    return sd / mean if mean > 0 else None


def scale(x):
    c = cv(x)
    return 1.0 if c is None else max(FLOOR, c)


def group(x):
    c = cv(x)
    return 1 if c is not None and c >= FLOOR else 0


def scores(db):
    out = {}
    ep = epochs(db)
    q = {
        0: "SELECT run_id, predictor, after_n, value, observed, actual FROM predictions "
           "WHERE target = 'energy' AND value IS NOT NULL AND observed IS NOT NULL AND actual IS NOT NULL",
        1: "SELECT run_id, predictor, after_n, value, observed_j, actual FROM run_predictions "
           "WHERE value IS NOT NULL AND observed_j IS NOT NULL AND actual IS NOT NULL",
    }
    for scope, sql in q.items():
        for rid, pred, n, value, obs, actual in db.execute(sql):
            rest = value - obs
            if rest <= 0:
                continue
            x = ep[rid][:n]
            key = (pred, scope, group(x), min(n, NCAL))
            out.setdefault(key, []).append(abs(actual - value) / (scale(x) * rest))
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
        t[p] = [[[quantile(sc[(p, s, g, n)]) if (p, s, g, n) in sc else 0.0 for n in range(1, NCAL + 1)]
                 for g in (0, 1)] for s in (0, 1)]
    return t, {k: len(v) for k, v in sc.items()}


def c_table(t):
    lines = ["const struct ctk_predict_calib ctk_predict_calib[] = {"]
    def row(v):
        return "{" + ", ".join(f"{x:.4f}" for x in v) + "}"
    for p, (ep, run) in t.items():
        lines.append(f'\t{{"{p}", {{{{{row(ep[0])},')
        lines.append(f'\t\t{row(ep[1])}}},')
        lines.append(f'\t       {{{row(run[0])},')
        lines.append(f'\t\t{row(run[1])}}}}}}},')
    lines.append("\t{NULL, {{{0}}}},")
    lines.append("};")
    return "\n".join(lines)


def parse_c(path):
    src = open(path).read()
    body = src[src.index("BEGIN ctk_predict_calib"):src.index("END ctk_predict_calib")]
    out = {}
    for m in re.finditer(r'\{"([^"]+)", \{\{\{([^}]*)\},\s*\{([^}]*)\}\},\s*\{\{([^}]*)\},\s*\{([^}]*)\}\}\}\}', body):
        v = [[float(x) for x in m.group(k).split(",")] for k in range(2, 6)]
        out[m.group(1)] = [[v[0], v[1]], [v[2], v[3]]]
    return out


def main():
    args = sys.argv[1:]
    db = sqlite3.connect(args[0])
    t, counts = table(db)
    if "--check" in args:
        tol = float(args[args.index("--tol") + 1]) if "--tol" in args else 1e-3
        cpath = args[args.index("--check") + 1]
        have = parse_c(cpath)
        bad = 0
        hdr = open(cpath[:-2] + ".h").read()
        m = re.search(r"#define CTK_CALIB_SCALE_FLOOR ([0-9.eE+-]+)", hdr)
        if not m or float(m.group(1)) != FLOOR:
            print(f"CTK_CALIB_SCALE_FLOOR {m.group(1) if m else None}, script {FLOOR}")
            bad += 1
        for p, scopes in t.items():
            for s in (0, 1):
                for g in (0, 1):
                    for n in range(NCAL):
                        want = scopes[s][g][n]
                        got = have.get(p, [[[None] * NCAL] * 2] * 2)[s][g][n]
                        if got is None or abs(got - want) > tol * max(abs(want), 1e-9) + 5e-5:
                            print(f"{p} scope {s} group {g} N={n + 1}: table {got}, corpus {want:.4f}")
                            bad += 1
        print(f"{bad} constant(s) differ")
        sys.exit(1 if bad else 0)
    print(f"/* scores per (predictor, scope, group, N): {min(counts.values())}..{max(counts.values())} */")
    print(c_table(t))


if __name__ == "__main__":
    main()
