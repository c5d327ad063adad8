/* The prediction sentences of the methods text: what the default predictor
 * said about a run after its first epochs (the whole run with its calibrated
 * interval, the epochs only with their t interval), how the calibrated
 * interval is made and the coverage it achieved on ctk's evaluation corpus. */
#ifndef CTK_REPORT_PREDICTED_H
#define CTK_REPORT_PREDICTED_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/* A few sentences about run_id's stored predictions (tables predictions and
 * run_predictions, default predictor, its smallest N) into buf; empty when
 * the run has no whole-run prediction. Returns 0 or a negative enum ctk_err. */
int ctk_predicted_words(sqlite3 *db, int64_t run_id, char *buf, size_t size, struct ctk_error *err);

#endif
