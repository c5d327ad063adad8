/* The prediction-evaluation table: every stored prediction (tables
 * predictions and run_predictions, written by ctk analyze: the epochs only
 * and the whole run) with its t and calibrated intervals, the measured total
 * and the relative error. Energies are stored in J and shown in kWh,
 * durations in s, CO2 in g (the run's CO2 join with its PUE: the measured
 * CO2 is run_co2.epochs_co2_g). Empty when nothing was predicted (the report
 * then leaves the table out with a note). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/predict.h"
#include "report/builders.h"

/* N shown in papers: 1, 2, 3, 5, then 10, 20, 50, 100, 200, 500, … */
static int paper_n(int n)
{
	if (n == 3)
		return 1;
	while (n >= 10 && n % 10 == 0)
		n /= 10;
	return n == 1 || n == 2 || n == 5;
}

enum { P_LABEL, P_N, P_E, P_EIV, P_EERR, P_R, P_RIV, P_RERR, P_C, P_CIV, P_CERR, P_NCOL };

static void set_interval(struct ctk_table *p, int row, int col, double lo, double hi, double scale)
{
	char a[32], b[32], iv[80];
	ctk_format_sig(lo * scale, 3, a, sizeof a);
	ctk_format_sig(hi * scale, 3, b, sizeof b);
	snprintf(iv, sizeof iv, "%s\u2013%s", a, b);
	ctk_table_set_text(p, row, col, iv);
}

/* The whole run's prediction after n epochs (run_predictions: value, the
 * calibrated interval lo/hi, error) into the row's P_R columns. */
static void whole_run_cells(sqlite3_stmt *rs, int64_t run, const char *pred, int n, struct ctk_table *p, int row)
{
	sqlite3_reset(rs);
	sqlite3_bind_int64(rs, 1, run);
	sqlite3_bind_text(rs, 2, pred, -1, SQLITE_STATIC);
	sqlite3_bind_int(rs, 3, n);
	if (sqlite3_step(rs) != SQLITE_ROW)
		return;
	if (sqlite3_column_type(rs, 0) != SQLITE_NULL)
		ctk_table_set_num(p, row, P_R, sqlite3_column_double(rs, 0) / 3.6e6, 3);
	if (sqlite3_column_type(rs, 1) != SQLITE_NULL && sqlite3_column_type(rs, 2) != SQLITE_NULL)
		set_interval(p, row, P_RIV, sqlite3_column_double(rs, 1), sqlite3_column_double(rs, 2), 1 / 3.6e6);
	if (sqlite3_column_type(rs, 3) != SQLITE_NULL)
		ctk_table_set_num(p, row, P_RERR, 100.0 * sqlite3_column_double(rs, 3), 2);
}

/* The paper's table: the default predictor at paper_n(N), one row per run
 * and N with the epochs' energy (t interval), the whole run's energy
 * (calibrated interval) and CO2 side by side, intervals and errors. */
static int paper_table(sqlite3 *db, const int64_t *runs, int nruns, struct ctk_table *t, struct ctk_error *err)
{
	static const char *const name[P_NCOL] = {"label", "after_n", "energy_kwh", "energy_interval", "energy_err_pct",
		"run_energy_kwh", "run_energy_interval", "run_energy_err_pct", "co2_g", "co2_interval", "co2_err_pct"};
	static const char *const label[P_NCOL] = {"Run", "N", "Epochs (kWh)", "Interval (kWh)", "Error (%)",
		"Whole run (kWh)", "Cal. interval (kWh)", "Error (%)", "CO2e (g)", "Interval (g)", "Error (%)"};
	const struct ctk_predictor *def = ctk_predictor_default();
	char title[1024], cover[32] = "";
	sqlite3_stmt *st = NULL, *rs = NULL;
	struct ctk_table *p;
	int rc = 0;

	if (ctk_db_prepare(db, "SELECT value, lo, hi, coalesce(rel_err, (value - actual) / nullif(actual, 0)) "
			   "FROM run_predictions WHERE run_id = ? AND predictor = ? AND after_n = ?", &rs, err))
		return CTK_EDB;
	if (ctk_db_prepare(db, "SELECT r.label, p.after_n, p.target, p.value, p.lo, p.hi, "
			   "coalesce(p.rel_err, (p.value - p.actual) / nullif(p.actual, 0)), p.coverage_nominal "
			   "FROM predictions p JOIN runs r USING (run_id) WHERE p.run_id = ? AND p.predictor = ? "
			   "AND p.target IN ('energy', 'co2') ORDER BY p.after_n, p.target DESC", &st, err)) {
		sqlite3_finalize(rs);
		return CTK_EDB;
	}
	p = ctk_table_new("", P_NCOL);
	for (int i = 0; p && i < P_NCOL; i++)
		if (ctk_table_column(p, i, name[i], label[i], i != P_LABEL))
			goto oom;
	if (!p)
		goto oom;
	/* \columnwidth: the epochs' energy, the whole run's with its calibrated
	 * interval, CO2e; the wide one adds the errors. The t intervals of the
	 * epochs' energy and CO2e (they under-cover: docs/PREDICTION.md) are in
	 * predictions.csv only: with them the wide table overflows a one-column
	 * page. */
	ctk_table_view(p, P_LABEL, nruns > 1 ? CTK_VIEW_BOTH : 0);
	ctk_table_view(p, P_CIV, 0);
	ctk_table_view(p, P_CERR, CTK_VIEW_WIDE);
	ctk_table_view(p, P_RERR, CTK_VIEW_WIDE);
	ctk_table_view(p, P_EERR, CTK_VIEW_WIDE);
	ctk_table_view(p, P_EIV, 0);
	for (int i = 0; i < nruns && !rc; i++) {
		int row = -1, last_n = -1;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, runs[i]);
		sqlite3_bind_text(st, 2, def->name, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
			int n = sqlite3_column_int(st, 1), co2 = !strcmp((const char *)sqlite3_column_text(st, 2), "co2");
			double scale = co2 ? 1 : 1 / 3.6e6;
			if (!paper_n(n))
				continue;
			if (n != last_n) {
				if ((row = ctk_table_add_row(p)) < 0)
					goto oom;
				last_n = n;
				ctk_table_set_text(p, row, P_LABEL, (const char *)sqlite3_column_text(st, 0));
				ctk_table_set_num(p, row, P_N, n, 0);
				whole_run_cells(rs, runs[i], def->name, n, p, row);
			}
			int c = co2 ? P_C : P_E;
			if (sqlite3_column_type(st, 3) != SQLITE_NULL)
				ctk_table_set_num(p, row, c, sqlite3_column_double(st, 3) * scale, 3);
			if (sqlite3_column_type(st, 4) != SQLITE_NULL && sqlite3_column_type(st, 5) != SQLITE_NULL)
				set_interval(p, row, c + 1, sqlite3_column_double(st, 4), sqlite3_column_double(st, 5), scale);
			if (sqlite3_column_type(st, 6) != SQLITE_NULL)
				ctk_table_set_num(p, row, c + 2, 100.0 * sqlite3_column_double(st, 6), 2);
			if (!cover[0] && sqlite3_column_type(st, 7) != SQLITE_NULL)
				snprintf(cover, sizeof cover, "%.0f %%", 100 * sqlite3_column_double(st, 7));
		}
	}
	sqlite3_finalize(st);
	sqlite3_finalize(rs);
	snprintf(title, sizeof title, "Totals predicted by the %s predictor (%s) after the first N epochs: the epochs "
		 "only, and the whole run (the epochs and what lies outside them) with its calibrated %s interval "
		 "(achieved coverage %.1f %% on ctk's evaluation corpus of %d runs while the epoch cost kept its "
		 "observed course, see methods); errors against the "
		 "measured totals (predicted / measured - 1) where the run is complete.", def->name, def->description, cover[0] ? cover : "95 %",
		 100 * CTK_CALIB_ACHIEVED_RUN, CTK_CALIB_EVAL_RUNS);
	free(p->title);
	if (!(p->title = strdup(title)))
		goto oom2;
	t->paper = p;
	return 0;
oom:
	sqlite3_finalize(st);
	sqlite3_finalize(rs);
oom2:
	ctk_table_free(p);
	return ctk_failf(err, CTK_ENOMEM, "out of memory");
}

enum { C_RUN, C_LABEL, C_SCOPE, C_TARGET, C_PRED, C_N, C_UNIT, C_VAL, C_LO, C_HI, C_CLO, C_CHI, C_ACT, C_ERR, NCOL };

int ctk_build_predictions(const struct ctk_report *r, struct ctk_table **out, struct ctk_error *err)
{
	sqlite3 *db = r->db;
	const int64_t *runs = r->runs;
	int nruns = r->nruns;
	static const char *const name[NCOL] = {"run_id", "label", "scope", "target", "predictor", "after_n", "unit",
		"predicted", "lo", "hi", "cal_lo", "cal_hi", "actual", "rel_err_pct"};
	static const char *const label[NCOL] = {"Run", "Label", "Scope", "Target", "Predictor", "After N epochs", "Unit",
		"Predicted", "Low (t)", "High (t)", "Low (cal.)", "High (cal.)", "Measured", "Error (%)"};
	struct ctk_table *t = ctk_table_new("Predicted totals after N epochs against the measured total: scope epochs is "
					    "the sum of the epochs, run the whole run (the epochs and what lies outside "
					    "them); low/high (t): the t interval, which assumes independent epochs; "
					    "(cal.): the calibrated 95 % interval (error = predicted / measured - 1; CO2 "
					    "with the run's PUE, as in the summary)", NCOL);
	sqlite3_stmt *st = NULL;
	int rc = 0;

	*out = NULL;
	for (int i = 0; t && i < NCOL; i++)
		if (ctk_table_column(t, i, name[i], label[i], i == C_RUN || i == C_N || i >= C_VAL))
			break;
	if (!t || !t->col[NCOL - 1]) {
		ctk_table_free(t);
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	}
	if (ctk_db_prepare(db, "SELECT r.label, 'epochs' AS scope, p.target, p.predictor, p.after_n, p.value, p.lo, "
			   "p.hi, p.cal_lo, p.cal_hi, p.actual, coalesce(p.rel_err, (p.value - p.actual) / nullif(p.actual, 0)) "
			   "FROM predictions p JOIN runs r USING (run_id) WHERE p.run_id = ?1 "
			   "UNION ALL SELECT r.label, 'run', q.target, q.predictor, q.after_n, q.value, q.t_lo, q.t_hi, q.lo, "
			   "q.hi, q.actual, coalesce(q.rel_err, (q.value - q.actual) / nullif(q.actual, 0)) "
			   "FROM run_predictions q JOIN runs r USING (run_id) WHERE q.run_id = ?1 "
			   "ORDER BY 2, 3, 4, 5", &st, err)) {
		ctk_table_free(t);
		return CTK_EDB;
	}
	for (int i = 0; i < nruns && !rc; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, runs[i]);
		while (sqlite3_step(st) == SQLITE_ROW) {
			int row = ctk_table_add_row(t);
			const char *target = (const char *)sqlite3_column_text(st, 2);
			double scale = 1;
			if (row < 0) {
				rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
				break;
			}
			ctk_table_set_num(t, row, C_RUN, (double)runs[i], 0);
			ctk_table_set_text(t, row, C_LABEL, (const char *)sqlite3_column_text(st, 0));
			ctk_table_set_text(t, row, C_SCOPE, (const char *)sqlite3_column_text(st, 1));
			ctk_table_set_text(t, row, C_TARGET, target);
			ctk_table_set_text(t, row, C_PRED, (const char *)sqlite3_column_text(st, 3));
			ctk_table_set_num(t, row, C_N, sqlite3_column_double(st, 4), 0);
			if (!strcmp(target, "energy")) {
				scale = 1 / 3.6e6;
				ctk_table_set_text(t, row, C_UNIT, "kWh");
			} else {
				ctk_table_set_text(t, row, C_UNIT, !strcmp(target, "duration") ? "s" : "g");
			}
			for (int c = C_VAL; c <= C_ACT; c++)
				if (sqlite3_column_type(st, 5 + c - C_VAL) != SQLITE_NULL)
					ctk_table_set_num(t, row, c, sqlite3_column_double(st, 5 + c - C_VAL) * scale, 4);
			if (sqlite3_column_type(st, 11) != SQLITE_NULL)
				ctk_table_set_num(t, row, C_ERR, 100.0 * sqlite3_column_double(st, 11), 3);
		}
	}
	sqlite3_finalize(st);
	if (!rc && t->nrows)
		rc = paper_table(db, runs, nruns, t, err);
	if (rc) {
		ctk_table_free(t);
		return rc;
	}
	*out = t;
	return 0;
}
