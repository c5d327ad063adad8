/* The methods text's prediction sentences (see predicted.h): read from the
 * stored predictions, numbers formatted as in the predictions table (three
 * significant digits), the achieved coverage from common/predict.h. */
#include "report/predicted.h"

#include <stdio.h>
#include <string.h>

#include "common/db.h"
#include "common/predict.h"
#include "report/table.h"

/* "X kWh" or "X kWh (95 % interval LO–HI kWh)" of a J value and interval. */
static void kwh_words(sqlite3_stmt *st, int v, int lo, int hi, const char *what, char *buf, size_t size)
{
	char a[32], b[32], c[32];
	ctk_format_sig(sqlite3_column_double(st, v) / 3.6e6, 3, a, sizeof a);
	if (sqlite3_column_type(st, lo) == SQLITE_NULL || sqlite3_column_type(st, hi) == SQLITE_NULL) {
		snprintf(buf, size, "%s kWh", a);
		return;
	}
	ctk_format_sig(sqlite3_column_double(st, lo) / 3.6e6, 3, b, sizeof b);
	ctk_format_sig(sqlite3_column_double(st, hi) / 3.6e6, 3, c, sizeof c);
	snprintf(buf, size, "%s kWh (%s %s\u2013%s kWh)", a, what, b, c);
}

int ctk_predicted_words(sqlite3 *db, int64_t run_id, char *buf, size_t size, struct ctk_error *err)
{
	const struct ctk_predictor *def = ctk_predictor_default();
	sqlite3_stmt *st = NULL;
	char whole[160], ep[160] = "", meas[64] = "", q[32], w[32];
	int rc;

	if (size)
		buf[0] = 0;
	if (ctk_db_prepare(db, "SELECT q.after_n, q.planned_epochs, q.value, q.lo, q.hi, q.actual, p.value, p.lo, p.hi "
			   "FROM run_predictions q LEFT JOIN predictions p ON p.run_id = q.run_id AND "
			   "p.after_n = q.after_n AND p.predictor = q.predictor AND p.target = 'energy' "
			   "WHERE q.run_id = ? AND q.predictor = ? AND q.value IS NOT NULL ORDER BY q.after_n LIMIT 1",
			   &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_text(st, 2, def->name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(st);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return ctk_failf(err, CTK_EDB, "reading the predictions: %s", sqlite3_errmsg(db));
	}
	int n = sqlite3_column_int(st, 0), planned = sqlite3_column_int(st, 1);
	kwh_words(st, 2, 3, 4, "calibrated 95 % interval", whole, sizeof whole);
	if (sqlite3_column_type(st, 6) != SQLITE_NULL) {
		char e[128];
		kwh_words(st, 6, 7, 8, "t interval", e, sizeof e);
		snprintf(ep, sizeof ep, " and %s for the epochs only", e);
	}
	if (sqlite3_column_type(st, 5) != SQLITE_NULL) {
		char m[32];
		ctk_format_sig(sqlite3_column_double(st, 5) / 3.6e6, 3, m, sizeof m);
		snprintf(meas, sizeof meas, " (measured: %s kWh)", m);
	}
	sqlite3_finalize(st);
	snprintf(q, sizeof q, "%.1f", 100 * CTK_CALIB_ACHIEVED_RUN);
	snprintf(w, sizeof w, "%.1f", 100 * CTK_CALIB_ACHIEVED_STEP);
	snprintf(buf, size,
		 "After epoch %d of %d the %s predictor (%s) predicted %s for the whole run%s%s; the whole "
		 "run is the energy observed so far, the epochs to come and what lies outside the epochs (validation, "
		 "checkpoints, data loading, the tail), expected like the gaps observed between epochs. The calibrated "
		 "interval is split-conformal: the prediction plus or minus q times the part still to come times the "
		 "run's own spread (the coefficient of variation of the current level's epoch energies, at least %.2g, "
		 "and of the gaps between epochs, at least %.2g), with q fitted on ctk's generated calibration runs "
		 "separately for runs whose epochs agree, vary, have moved to a new level or just jumped. It assumes "
		 "that the epoch cost keeps the course the observed epochs show: on ctk's evaluation corpus (%d runs, "
		 "generated and real) its nominal 95 %% held the measured total in %s %% of the predictions made while "
		 "that held (the epochs only: %.1f %%), and in %s %% of those made before an unannounced step in the "
		 "epoch cost (a learning-rate schedule, a curriculum), which no interval built from the epochs seen "
		 "so far can anticipate; once a step is seen in two epochs the prediction follows the new level. "
		 "The t intervals assume independent epochs.",
		 n, planned, def->name, def->description, whole, meas, ep, CTK_CALIB_SCALE_FLOOR, CTK_CALIB_GAP_FLOOR,
		 CTK_CALIB_EVAL_RUNS, q, 100 * CTK_CALIB_ACHIEVED_EPOCHS, w);
	return 0;
}
