/* Pricing an analysis with the one intensity rule (see co2.h). The
 * integration hands over pieces of energy in time order per device; each
 * goes through ctk_join_add, its CO2 lands in its epoch (k >= 0) or in the
 * outside part, and in the run total; PUE is applied once, at the end. */
#include "analyze/energy/co2.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"

int ctk_co2_begin(sqlite3 *db, int64_t run_id, int nwin, const struct ctk_co2_opts *o,
		  struct ctk_co2_result *c, struct ctk_error *err)
{
	struct ctk_join_opts jo = {0};
	int rc;

	(void)run_id;
	memset(c, 0, sizeof(*c));
	c->series_id = -1;
	c->pue = o->pue > 0 ? o->pue : 1.0;
	if (o->zone)
		snprintf(c->zone, sizeof c->zone, "%s", o->zone);
	if (!c->zone[0]) {
		snprintf(c->note, sizeof c->note, "the run has no zone (give --zone Z once; it is stored with the run)");
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
	if (rc == CTK_EINPUT && !o->zone_from_flag) {
		/* the run's stored zone without a series: no CO2, say why */
		snprintf(c->note, sizeof c->note, "%s", err->msg);
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
		c->epochs_g += p.co2_g;
	} else {
		c->outside_g += p.co2_g;
	}
	return 0;
}

/* Source, year and step of the series that priced most of the energy
 * (the series facts of common/intensity.h: the data's own year). */
static int describe_series(sqlite3 *db, struct ctk_co2_result *c, struct ctk_error *err)
{
	struct ctk_series_info si;
	int rc;

	c->series_id = c->res.main_series_id;
	if (c->series_id < 0)
		return 0;
	if ((rc = ctk_series_info_get(db, c->series_id, &si, err)))
		return rc;
	snprintf(c->source, sizeof c->source, "%s", si.source);
	c->resolution_s = si.resolution_s;
	c->year = si.has_year ? si.year : 0;
	return 0;
}

int ctk_co2_finish(sqlite3 *db, struct ctk_co2_result *c, const struct ctk_co2_opts *o,
		   struct ctk_error *err)
{
	int rc;

	(void)o;
	if (!c->have)
		return 0;
	if ((rc = ctk_join_finish(c->join, &c->res, err)))
		return rc;
	c->priced_g = ctk_pue_apply(c->res.total.co2_g, c->pue);
	c->epochs_g = ctk_pue_apply(c->epochs_g, c->pue);
	c->outside_g = ctk_pue_apply(c->outside_g, c->pue);
	for (int k = 0; k < c->nwin; k++)
		c->epoch_g[k] = ctk_pue_apply(c->epoch_g[k], c->pue);
	c->known = c->res.total.missing_j == 0;
	if (c->known) {
		c->co2_g = c->priced_g;
	} else {
		char words[256];
		ctk_join_gap_words(&c->res, c->zone, words, sizeof words);
		if (c->res.total.covered_j + c->res.total.filled_j > 0)
			snprintf(c->note, sizeof c->note, "%.1f%% of the energy has no intensity value (%s); "
				 "give --fill previous|default", 100.0 * c->res.missing_share, words);
		else
			snprintf(c->note, sizeof c->note, "%s", words);
	}
	return describe_series(db, c, err);
}

int ctk_co2_forecast(void *ctx, int64_t from_ns, int64_t to_ns, double *g_per_kwh)
{
	struct ctk_co2_result *c = ctx;
	struct ctk_error err = {0};
	int has = 0;

	if (!c->have || ctk_join_forecast(c->join, from_ns, to_ns, g_per_kwh, &has, &err) || !has)
		return -1;
	*g_per_kwh = ctk_pue_apply(*g_per_kwh, c->pue);
	return 0;
}

static int store_epochs(sqlite3 *db, int64_t run_id, const struct ctk_span *win, const struct ctk_co2_result *c,
			struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;

	if (ctk_db_prepare(db, "INSERT INTO epoch_co2(run_id, idx, co2_g, missing_j, attempt) VALUES (?,?,?,?,?)", &st, err))
		return CTK_EDB;
	for (int k = 0; k < c->nwin; k++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, run_id);
		sqlite3_bind_int64(st, 2, win[k].idx);
		ctk_bind_double_or_null(st, 3, c->epoch_g[k], c->epoch_missing_j[k] == 0);
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

int ctk_co2_store(sqlite3 *db, int64_t run_id, const struct ctk_span *win, const struct ctk_co2_result *c,
		  const struct ctk_co2_opts *o, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, epochs_known = c->have && c->nwin > 0;

	for (int k = 0; k < c->nwin; k++)
		if (c->epoch_missing_j[k] > 0)
			epochs_known = 0;

	if ((rc = ctk_db_exec_id(db, "DELETE FROM run_co2 WHERE run_id = ?", run_id, err)) ||
	    (rc = ctk_db_exec_id(db, "DELETE FROM epoch_co2 WHERE run_id = ?", run_id, err)))
		return rc;
	if (ctk_db_prepare(db, "INSERT INTO run_co2(run_id, co2_g, pue, pue_source, zone, source, signal, year, "
			   "resolution_s, no_intensity_share, series_id, epochs_co2_g, outside_co2_g, priced_co2_g, fill, "
			   "default_g_per_kwh, note) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	ctk_bind_double_or_null(st, 2, c->co2_g, c->known);
	sqlite3_bind_double(st, 3, c->pue);
	ctk_bind_text_or_null(st, 4, o->pue_source);
	ctk_bind_text_or_null(st, 5, c->zone[0] ? c->zone : NULL);
	ctk_bind_text_or_null(st, 6, c->source[0] ? c->source : NULL);
	ctk_bind_text_or_null(st, 7, c->have && c->res.signal[0] ? c->res.signal : NULL);
	ctk_bind_int64_or_null(st, 8, c->year, c->year > 0);
	ctk_bind_double_or_null(st, 9, c->resolution_s, c->resolution_s > 0);
	ctk_bind_double_or_null(st, 10, c->res.missing_share, c->have);
	ctk_bind_int64_or_null(st, 11, c->series_id, c->series_id >= 0);
	ctk_bind_double_or_null(st, 12, c->epochs_g, epochs_known);
	ctk_bind_double_or_null(st, 13, c->outside_g, c->known && c->nwin > 0);
	ctk_bind_double_or_null(st, 14, c->priced_g, c->have);
	sqlite3_bind_text(st, 15, ctk_fill_name(o->fill), -1, SQLITE_STATIC);
	ctk_bind_double_or_null(st, 16, o->default_g_per_kwh, o->has_default);
	ctk_bind_text_or_null(st, 17, c->note[0] ? c->note : c->res.fill_note[0] ? c->res.fill_note : NULL);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ctk_db_fail(db, err, "store CO2");
	return c->have ? store_epochs(db, run_id, win, c, err) : 0;
}

void ctk_co2_release(struct ctk_co2_result *c)
{
	ctk_join_free(c->join);
	free(c->epoch_g);
	free(c->epoch_missing_j);
	memset(c, 0, sizeof(*c));
}
