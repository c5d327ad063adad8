/* The what-if table: per run and zone with a stored intensity series, the
 * CO2 the run's measured energy profile would have caused at every hourly
 * start of the series (common/whatif.h, the engine of `ctk whatif`, same
 * defaults): min, p10, median, p90, max over starts, the actual start and
 * the best start with its saving. A zone that is not estimated shows why. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/time.h"
#include "report/builders.h"
#include "report/whatif_zones.h"

enum { C_RUN, C_LABEL, C_ZONE, C_SIGNAL, C_STARTS, C_MIN, C_P10, C_MED, C_P90, C_MAX, C_ACT, C_BEST, C_SAVE,
       C_W24, C_NOTE, NCOL };

static int columns(struct ctk_table *t)
{
	static const char *const name[NCOL] = {"run_id", "label", "zone", "signal", "starts", "min_g", "p10_g",
		"median_g", "p90_g", "max_g", "actual_g", "best_start_utc", "saving_g", "best_within_24h_g", "note"};
	static const char *const label[NCOL] = {"Run", "Run", "Zone", "Signal", "Starts", "Min (g)", "p10 (g)",
		"Median (g)", "p90 (g)", "Max (g)", "Actual (g)", "Best start (UTC)", "Saving (g)", "Best within 24 h (g)",
		"Note"};
	static const unsigned view[NCOL] = {[C_LABEL] = CTK_VIEW_BOTH, [C_ZONE] = CTK_VIEW_BOTH,
		[C_MIN] = CTK_VIEW_BOTH, [C_P10] = CTK_VIEW_WIDE, [C_MED] = CTK_VIEW_BOTH,
		[C_P90] = CTK_VIEW_WIDE, [C_MAX] = CTK_VIEW_BOTH, [C_ACT] = CTK_VIEW_WIDE, [C_SAVE] = CTK_VIEW_WIDE};
	for (int i = 0; i < NCOL; i++) {
		int text = i == C_LABEL || i == C_ZONE || i == C_SIGNAL || i == C_BEST || i == C_NOTE;
		if (ctk_table_column(t, i, name[i], label[i], !text))
			return -1;
		ctk_table_view(t, i, view[i]);
	}
	return 0;
}

static int add_zone(struct ctk_table *t, const char *label, int64_t run_id, const struct ctk_whatif_zone *z)
{
	int row = ctk_table_add_row(t), has = z->nstarts > 0;
	char b[40];

	if (row < 0)
		return -1;
	ctk_table_set_num(t, row, C_RUN, (double)run_id, 0);
	ctk_table_set_text(t, row, C_LABEL, label);
	ctk_table_set_text(t, row, C_ZONE, z->zone);
	ctk_table_set_text(t, row, C_SIGNAL, z->signal);
	ctk_table_set_num(t, row, C_STARTS, (double)z->nstarts, 0);
	if (has) {
		ctk_table_set_num(t, row, C_MIN, z->min_g, 4);
		ctk_table_set_num(t, row, C_P10, z->p10_g, 4);
		ctk_table_set_num(t, row, C_MED, z->median_g, 4);
		ctk_table_set_num(t, row, C_P90, z->p90_g, 4);
		ctk_table_set_num(t, row, C_MAX, z->max_g, 4);
		ctk_time_format(z->best_start, b, sizeof b);
		ctk_table_set_text(t, row, C_BEST, b);
	}
	if (z->has_actual) {
		ctk_table_set_num(t, row, C_ACT, z->actual_g, 4);
		if (has)
			ctk_table_set_num(t, row, C_SAVE, z->actual_g - z->min_g, 4);
		if (z->has_within[2])
			ctk_table_set_num(t, row, C_W24, z->within_g[2], 4);
	}
	ctk_table_set_text(t, row, C_NOTE, z->note[0] ? z->note : has ? "" : "not estimated");
	return 0;
}

int ctk_build_whatif(const struct ctk_report *r, struct ctk_table **out, struct ctk_error *err)
{
	struct ctk_table *t;
	int rc = 0;

	*out = NULL;
	t = ctk_table_new("What if the run had started at another hour or in another zone: CO2 (g, PUE applied) of "
			  "its measured energy profile at every hourly start of each stored intensity series "
			  "(ctk whatif): min, p10, median, p90 and max over the starts, the actual start and the best "
			  "start with its saving.", NCOL);
	if (!t || columns(t)) {
		ctk_table_free(t);
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	}
	for (int i = 0; i < r->nruns && !rc; i++) {
		struct ctk_report_whatif *w = calloc(1, sizeof(*w));
		char label[256];
		sqlite3_stmt *st = NULL;
		if (!w) {
			rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
			break;
		}
		snprintf(label, sizeof label, "%lld", (long long)r->runs[i]);
		if (sqlite3_prepare_v2(r->db, "SELECT coalesce(label, run_id) FROM runs WHERE run_id = ?", -1, &st, NULL) ==
		    SQLITE_OK) {
			sqlite3_bind_int64(st, 1, r->runs[i]);
			if (sqlite3_step(st) == SQLITE_ROW)
				snprintf(label, sizeof label, "%s", (const char *)sqlite3_column_text(st, 0));
		}
		sqlite3_finalize(st);
		rc = ctk_report_whatif_get(r->db, r->runs[i], NULL, 0, w, err);
		for (int k = 0; !rc && k < w->nz; k++)
			if (add_zone(t, label, r->runs[i], &w->z[k]))
				rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
		ctk_report_whatif_release(w);
		free(w);
	}
	if (rc) {
		ctk_table_free(t);
		return rc;
	}
	*out = t;
	return 0;
}
