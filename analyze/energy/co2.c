/* Pricing an analysis with the intensity join (see co2.h). The integration
 * hands over pieces of energy in time order per device; each goes through
 * ctk_join_add, its CO2 lands in its epoch (k >= 0) and in the run total. */
#include "analyze/energy/co2.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/db.h"

static int run_zone(sqlite3 *db, int64_t run_id, char *zone, size_t size, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;

	zone[0] = '\0';
	if (ctk_db_prepare(db, "SELECT zone FROM runs WHERE run_id = ?", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(zone, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return 0;
}

int ctk_co2_begin(sqlite3 *db, int64_t run_id, int nwin, const struct ctk_co2_opts *o,
		  struct ctk_co2_result *c, struct ctk_error *err)
{
	struct ctk_join_opts jo = {0};
	int rc;

	memset(c, 0, sizeof(*c));
	c->series_id = -1;
	if (o->zone)
		snprintf(c->zone, sizeof c->zone, "%s", o->zone);
	else if ((rc = run_zone(db, run_id, c->zone, sizeof c->zone, err)))
		return rc;
	if (!c->zone[0]) {
		snprintf(c->note, sizeof c->note, "no CO2: the run has no zone (give --zone Z, or ctk config R zone=Z)");
		return 0;
	}
	c->nwin = nwin;
	c->epoch_g = calloc((size_t)(nwin ? nwin : 1), sizeof(*c->epoch_g));
	c->epoch_missing_j = calloc((size_t)(nwin ? nwin : 1), sizeof(*c->epoch_missing_j));
	if (!c->epoch_g || !c->epoch_missing_j)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	jo.zone = c->zone;
	jo.signal = o->signal;
	jo.fill = o->fill;
	jo.default_g_per_kwh = o->default_g_per_kwh;
	jo.has_default = o->has_default;
	rc = ctk_join_open(db, &jo, &c->join, err);
	if (rc == CTK_EINPUT && !o->zone) {
		/* the run's own zone without a stored series: no CO2, say why */
		snprintf(c->note, sizeof c->note, "no CO2: %s", err->msg);
		return 0;
	}
	if (rc)
		return rc;
	c->have = 1;
	return 0;
}

int ctk_co2_piece(void *ctx, int k, int64_t start_ns, int64_t end_ns, double energy_j,
		  struct ctk_error *err)
{
	struct ctk_co2_result *c = ctx;
	struct ctk_join_piece p;
	int rc;

	if (!c->have)
		return 0;
	if ((rc = ctk_join_add(c->join, start_ns, end_ns, energy_j, &p, err)))
		return rc;
	if (k >= 0 && k < c->nwin) {
		c->epoch_g[k] += p.co2_g;
		c->epoch_missing_j[k] += p.missing_j;
	}
	return 0;
}

/* The series of the zone and signal imported last, a time series before a
 * yearly fallback (which is what priced the energy when there is no other). */
static void describe_series(sqlite3 *db, struct ctk_co2_result *c)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, "SELECT series_id, source, year, resolution_s FROM intensity_series "
			       "WHERE zone = ? AND signal = ? ORDER BY kind = 'yearly', series_id DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, c->zone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c->res.signal, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		c->series_id = sqlite3_column_int64(st, 0);
		snprintf(c->source, sizeof c->source, "%s", (const char *)sqlite3_column_text(st, 1));
		c->year = sqlite3_column_int(st, 2);
		c->resolution_s = sqlite3_column_double(st, 3);
	}
	sqlite3_finalize(st);
}

int ctk_co2_finish(sqlite3 *db, struct ctk_co2_result *c, const struct ctk_co2_opts *o,
		   struct ctk_error *err)
{
	int rc;

	if (!c->have)
		return 0;
	if ((rc = ctk_join_finish(c->join, &c->res, err)))
		return rc;
	c->co2_g = c->res.total.co2_g * o->pue;
	for (int k = 0; k < c->nwin; k++)
		c->epoch_g[k] *= o->pue;
	describe_series(db, c);
	if (!c->year && c->res.intervals > 0) {
		time_t t = (time_t)(c->res.first_ns / 1000000000);
		struct tm tm;
		gmtime_r(&t, &tm);
		c->year = tm.tm_year + 1900;
	}
	return 0;
}

int ctk_co2_store(sqlite3 *db, int64_t run_id, const struct ctk_span *win, const struct ctk_co2_result *c,
		  const struct ctk_co2_opts *o, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = ctk_db_exec_id(db, "DELETE FROM run_co2 WHERE run_id = ?", run_id, err)) ||
	    (rc = ctk_db_exec_id(db, "DELETE FROM epoch_co2 WHERE run_id = ?", run_id, err)))
		return rc;
	if (!c->have)
		return 0;
	if (ctk_db_prepare(db, "INSERT INTO run_co2(run_id, co2_g, pue, pue_source, zone, source, signal, year, "
			   "resolution_s, no_intensity_share, series_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_double(st, 2, c->co2_g);
	sqlite3_bind_double(st, 3, o->pue);
	ctk_bind_text_or_null(st, 4, o->pue_source);
	sqlite3_bind_text(st, 5, c->zone, -1, SQLITE_STATIC);
	ctk_bind_text_or_null(st, 6, c->source[0] ? c->source : NULL);
	ctk_bind_text_or_null(st, 7, c->res.signal[0] ? c->res.signal : NULL);
	ctk_bind_int64_or_null(st, 8, c->year, c->year > 0);
	ctk_bind_double_or_null(st, 9, c->resolution_s, c->resolution_s > 0);
	sqlite3_bind_double(st, 10, c->res.missing_share);
	ctk_bind_int64_or_null(st, 11, c->series_id, c->series_id >= 0);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ctk_db_fail(db, err, "store CO2");
	if (ctk_db_prepare(db, "INSERT INTO epoch_co2(run_id, idx, co2_g, missing_j, attempt) VALUES (?,?,?,?,?)", &st, err))
		return CTK_EDB;
	for (int k = 0; k < c->nwin; k++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, run_id);
		sqlite3_bind_int64(st, 2, win[k].idx);
		sqlite3_bind_double(st, 3, c->epoch_g[k]);
		sqlite3_bind_double(st, 4, c->epoch_missing_j[k]);
		sqlite3_bind_int(st, 5, win[k].attempt);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_finalize(st);
			return ctk_db_fail(db, err, "store epoch CO2");
		}
	}
	sqlite3_finalize(st);
	return 0;
}

void ctk_co2_release(struct ctk_co2_result *c)
{
	ctk_join_free(c->join);
	free(c->epoch_g);
	free(c->epoch_missing_j);
	memset(c, 0, sizeof(*c));
}
