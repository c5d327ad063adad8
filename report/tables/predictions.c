/* The prediction-evaluation table: every stored prediction (table
 * predictions, written by ctk analyze) with its interval, the measured total
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

enum { P_LABEL, P_N, P_E, P_EIV, P_EERR, P_C, P_CIV, P_CERR, P_NCOL };

/* The paper's table: the default predictor at paper_n(N), one row per run
 * and N with energy and CO2 side by side, intervals and errors. */
static int paper_table(sqlite3 *db, const int64_t *runs, int nruns, struct ctk_table *t, struct ctk_error *err)
{
	static const char *const name[P_NCOL] = {"label", "after_n", "energy_kwh", "energy_interval", "energy_err_pct",
		"co2_g", "co2_interval", "co2_err_pct"};
	static const char *const label[P_NCOL] = {"Run", "N", "Energy (kWh)", "Interval (kWh)", "Error (%)",
		"CO2e (g)", "Interval (g)", "Error (%)"};
	const struct ctk_predictor *def = ctk_predictor_default();
	char title[1024], cover[32] = "";
	sqlite3_stmt *st = NULL;
	struct ctk_table *p;
	int rc = 0;

	if (ctk_db_prepare(db, "SELECT r.label, p.after_n, p.target, p.value, p.lo, p.hi, "
			   "coalesce(p.rel_err, (p.value - p.actual) / nullif(p.actual, 0)), p.coverage_nominal "
			   "FROM predictions p JOIN runs r USING (run_id) WHERE p.run_id = ? AND p.predictor = ? "
			   "AND p.target IN ('energy', 'co2') ORDER BY p.after_n, p.target DESC", &st, err))
		return CTK_EDB;
	p = ctk_table_new("", P_NCOL);
	for (int i = 0; p && i < P_NCOL; i++)
		if (ctk_table_column(p, i, name[i], label[i], i != P_LABEL))
			goto oom;
	if (!p)
		goto oom;
	/* \columnwidth: energy with interval and error, CO2e; the wide one adds CO2e's interval and error */
	ctk_table_view(p, P_LABEL, nruns > 1 ? CTK_VIEW_BOTH : 0);
	ctk_table_view(p, P_CIV, CTK_VIEW_WIDE);
	ctk_table_view(p, P_CERR, CTK_VIEW_WIDE);
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
			}
			int c = co2 ? P_C : P_E;
			if (sqlite3_column_type(st, 3) != SQLITE_NULL)
				ctk_table_set_num(p, row, c, sqlite3_column_double(st, 3) * scale, 3);
			if (sqlite3_column_type(st, 4) != SQLITE_NULL && sqlite3_column_type(st, 5) != SQLITE_NULL) {
				char lo[32], hi[32], iv[80];
				ctk_format_sig(sqlite3_column_double(st, 4) * scale, 3, lo, sizeof lo);
				ctk_format_sig(sqlite3_column_double(st, 5) * scale, 3, hi, sizeof hi);
				snprintf(iv, sizeof iv, "%s\u2013%s", lo, hi);
				ctk_table_set_text(p, row, c + 1, iv);
			}
			if (sqlite3_column_type(st, 6) != SQLITE_NULL)
				ctk_table_set_num(p, row, c + 2, 100.0 * sqlite3_column_double(st, 6), 2);
			if (!cover[0] && sqlite3_column_type(st, 7) != SQLITE_NULL)
				snprintf(cover, sizeof cover, "%.0f %%", 100 * sqlite3_column_double(st, 7));
		}
	}
	sqlite3_finalize(st);
	snprintf(title, sizeof title, "Totals predicted by the %s predictor (%s) after the first N epochs, with their "
		 "%s prediction intervals, and the error against the measured total (predicted / measured - 1) "
		 "where the run is complete.", def->name, def->description, cover[0] ? cover : "stated");
	free(p->title);
	if (!(p->title = strdup(title)))
		goto oom2;
	t->paper = p;
	return 0;
oom:
	sqlite3_finalize(st);
oom2:
	ctk_table_free(p);
	return ctk_failf(err, CTK_ENOMEM, "out of memory");
}

enum { C_RUN, C_LABEL, C_TARGET, C_PRED, C_N, C_UNIT, C_VAL, C_LO, C_HI, C_ACT, C_ERR, NCOL };

int ctk_build_predictions(const struct ctk_report *r, struct ctk_table **out, struct ctk_error *err)
{
	sqlite3 *db = r->db;
	const int64_t *runs = r->runs;
	int nruns = r->nruns;
	static const char *const name[NCOL] = {"run_id", "label", "target", "predictor", "after_n", "unit",
		"predicted", "lo", "hi", "actual", "rel_err_pct"};
	static const char *const label[NCOL] = {"Run", "Label", "Target", "Predictor", "After N epochs", "Unit",
		"Predicted", "Low", "High", "Measured", "Error (%)"};
	struct ctk_table *t = ctk_table_new("Predicted totals of the epochs after N epochs against the measured total "
					    "(error = predicted / measured - 1; CO2 with the run's PUE, as in the summary)", NCOL);
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
	if (ctk_db_prepare(db, "SELECT r.label, p.target, p.predictor, p.after_n, p.value, p.lo, p.hi, p.actual, "
			   "coalesce(p.rel_err, (p.value - p.actual) / nullif(p.actual, 0)) FROM predictions p "
			   "JOIN runs r USING (run_id) WHERE p.run_id = ? ORDER BY p.target, p.predictor, p.after_n", &st, err)) {
		ctk_table_free(t);
		return CTK_EDB;
	}
	for (int i = 0; i < nruns && !rc; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, runs[i]);
		while (sqlite3_step(st) == SQLITE_ROW) {
			int row = ctk_table_add_row(t);
			const char *target = (const char *)sqlite3_column_text(st, 1);
			double scale = 1;
			if (row < 0) {
				rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
				break;
			}
			ctk_table_set_num(t, row, C_RUN, (double)runs[i], 0);
			ctk_table_set_text(t, row, C_LABEL, (const char *)sqlite3_column_text(st, 0));
			ctk_table_set_text(t, row, C_TARGET, target);
			ctk_table_set_text(t, row, C_PRED, (const char *)sqlite3_column_text(st, 2));
			ctk_table_set_num(t, row, C_N, sqlite3_column_double(st, 3), 0);
			if (!strcmp(target, "energy")) {
				scale = 1 / 3.6e6;
				ctk_table_set_text(t, row, C_UNIT, "kWh");
			} else {
				ctk_table_set_text(t, row, C_UNIT, !strcmp(target, "duration") ? "s" : "g");
			}
			for (int c = C_VAL; c <= C_ACT; c++)
				if (sqlite3_column_type(st, 4 + c - C_VAL) != SQLITE_NULL)
					ctk_table_set_num(t, row, c, sqlite3_column_double(st, 4 + c - C_VAL) * scale, 4);
			if (sqlite3_column_type(st, 8) != SQLITE_NULL)
				ctk_table_set_num(t, row, C_ERR, 100.0 * sqlite3_column_double(st, 8), 3);
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
