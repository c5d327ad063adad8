/* The prediction-evaluation table: every stored prediction (table
 * predictions, written by ctk analyze) with its interval, the measured total
 * and the relative error. Energies are stored in J and shown in kWh,
 * durations in s, CO2 in g (the run's CO2 join with its PUE: the measured
 * CO2 is run_co2.epochs_co2_g). Empty when nothing was predicted (the report
 * then leaves the table out with a note). */
#include <stdio.h>
#include <string.h>

#include "common/db.h"
#include "report/builders.h"

enum { C_RUN, C_LABEL, C_TARGET, C_PRED, C_N, C_UNIT, C_VAL, C_LO, C_HI, C_ACT, C_ERR, NCOL };

int ctk_build_predictions(sqlite3 *db, const int64_t *runs, int nruns, struct ctk_table **out,
			  struct ctk_error *err)
{
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
	if (rc) {
		ctk_table_free(t);
		return rc;
	}
	*out = t;
	return 0;
}
