/* Embodied emissions and water of one run (see footprint.h): picks each
 * GPU's footprint (flags and stored settings over the bundled table),
 * applies the one rule of common/embodied.c and stores the results in one
 * go with the rest of the analysis. Library code: no printing. */
#include "analyze/energy/footprint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/datafile.h"
#include "common/db.h"

static int table(struct ctk_footprint_ctx *ctx, struct ctk_error *err)
{
	struct ctk_error e = {0};
	char path[4096];
	int rc;

	if (ctx->tried)
		return 0;
	ctx->tried = 1;
	/* a table that is not there is said in words; a broken one is an error */
	if (ctk_data_file("embodied.csv", "the embodied-emissions table", path, sizeof path, &e)) {
		snprintf(ctx->missing, sizeof ctx->missing, "the bundled embodied table 'embodied.csv' was not found");
		return 0;
	}
	if ((rc = ctk_embodied_table_load(path, &ctx->table, err)))
		return rc;
	ctx->found = 1;
	return 0;
}

/* One GPU: the table's row (of the chosen source), the flags over it. */
static int gpu_one(struct ctk_footprint_ctx *ctx, const struct ctk_dev_result *d, const struct ctk_footprint_settings *fs,
		   struct ctk_footprint_dev *g, struct ctk_error *err)
{
	const struct ctk_embodied_row *row = NULL;
	int rc;

	g->device_id = d->device_id;
	snprintf(g->name, sizeof g->name, "%s", *d->name ? d->name : "unnamed GPU");
	g->hours = d->in.readings > 1 ? (double)(d->in.last_ns - d->in.first_ns) / 3.6e12 : 0;
	if ((rc = table(ctx, err)))
		return rc;
	if (ctx->found)
		row = ctk_embodied_match(&ctx->table, d->name, fs->has_embodied_source ? fs->embodied_source : NULL);
	if (row) {
		g->footprint_kg = row->kg_co2e;
		g->has_footprint = 1;
		g->lifetime_years = row->lifetime_years;
		g->has_lifetime = row->has_lifetime;
		g->utilisation = row->utilisation;
		g->has_utilisation = row->has_utilisation;
		snprintf(g->source, sizeof g->source, "%s", row->source);
		snprintf(g->covers, sizeof g->covers, "%s", row->covers);
		g->year = row->year;
	}
	if (fs->has_embodied_kg) {
		g->footprint_kg = fs->embodied_kg;
		g->has_footprint = 1;
		snprintf(g->source, sizeof g->source, "user");
		snprintf(g->covers, sizeof g->covers, "given with --embodied-kg");
		g->year = 0;
	}
	if (fs->has_lifetime) {
		g->lifetime_years = fs->lifetime_years;
		g->has_lifetime = 1;
	}
	if (fs->has_utilisation) {
		g->utilisation = fs->utilisation;
		g->has_utilisation = 1;
	}
	if (!g->has_footprint) {
		if (*ctx->missing)
			snprintf(g->note, sizeof g->note, "not estimated: %s", ctx->missing);
		else if (fs->has_embodied_source)
			snprintf(g->note, sizeof g->note, "not estimated: no footprint of '%s' from source '%s' in '%s'",
				 g->name, fs->embodied_source, ctx->table.path);
		else
			snprintf(g->note, sizeof g->note, "not estimated: no sourced footprint for '%s' (give --embodied-kg)",
				 g->name);
		return 0;
	}
	if (!g->has_lifetime || !g->has_utilisation) {
		snprintf(g->note, sizeof g->note, "not estimated: the footprint of '%s' comes without %s (give %s)", g->name,
			 !g->has_lifetime ? "a lifetime" : "a utilisation",
			 !g->has_lifetime ? "--lifetime" : "--utilisation");
		return 0;
	}
	if (d->in.readings < 2) {
		snprintf(g->note, sizeof g->note, "not estimated: '%s' has no span of readings", g->name);
		return 0;
	}
	if ((rc = ctk_embodied_share_g(g->footprint_kg, g->hours, g->lifetime_years, g->utilisation, &g->co2_g, err)))
		return rc;
	g->known = 1;
	return 0;
}

static void water(const struct ctk_footprint_settings *fs, struct ctk_footprint *f)
{
	f->has_wue = fs->has_wue;
	f->wue_l_per_kwh = fs->wue_l_per_kwh;
	f->has_water = fs->has_water;
	f->water_l_per_kwh = fs->water_l_per_kwh;
	if (f->has_wue)
		f->onsite_l = ctk_water_onsite_l(f->wue_l_per_kwh, f->it_kwh);
	if (f->has_water)
		f->offsite_l = ctk_water_offsite_l(f->water_l_per_kwh, f->it_kwh, f->pue);
	if (f->has_wue && f->has_water)
		f->water_l = f->onsite_l + f->offsite_l;
	if (!f->has_wue || !f->has_water)
		snprintf(f->water_note, sizeof f->water_note, "%s%s%s",
			 !f->has_wue ? "on-site water not estimated (no WUE given: --wue L/kWh)" : "",
			 !f->has_wue && !f->has_water ? "; " : "",
			 !f->has_water ? "off-site water not estimated (no water intensity of electricity given: "
					 "--water-intensity L/kWh)" : "");
}

int ctk_footprint_compute(struct ctk_footprint_ctx *ctx, const struct ctk_run_result *r,
			  const struct ctk_settings *s, double pue, struct ctk_footprint *f, struct ctk_error *err)
{
	int n = 0, rc, unknown = 0, other = 0;
	size_t len;

	memset(f, 0, sizeof(*f));
	f->pue = pue;
	f->it_kwh = ctk_run_energy_j(r) / 3.6e6;
	for (int i = 0; i < r->ndev; i++)
		n += !strcmp(r->dev[i].kind, "gpu");
	if (n && !(f->gpu = calloc((size_t)n, sizeof(*f->gpu))))
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	for (int i = 0; i < r->ndev; i++) {
		if (strcmp(r->dev[i].kind, "gpu")) {
			other++;
			continue;
		}
		struct ctk_footprint_dev *g = &f->gpu[f->ngpu++];
		if ((rc = gpu_one(ctx, &r->dev[i], &s->fp, g, err)))
			return rc;
		f->gpu_hours += g->hours;
		if (g->known)
			f->embodied_g += g->co2_g;
		else
			unknown++;
	}
	f->embodied_known = n > 0 && unknown == 0;
	if (!n)
		snprintf(f->embodied_note, sizeof f->embodied_note, "not estimated: the run has no GPU");
	for (int i = 0; i < f->ngpu && unknown; i++) {
		if (f->gpu[i].known)
			continue;
		len = strlen(f->embodied_note);
		snprintf(f->embodied_note + len, sizeof f->embodied_note - len, "%s%s", len ? "; " : "", f->gpu[i].note);
		break; /* the first one says why; each GPU carries its own note */
	}
	if (f->embodied_known && other) {
		snprintf(f->embodied_note, sizeof f->embodied_note,
			 "GPUs only: %d other device(s) (CPU, memory…) not estimated", other);
	}
	water(&s->fp, f);
	return 0;
}

int ctk_footprint_store(sqlite3 *db, int64_t run_id, const struct ctk_footprint *f, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = ctk_db_exec_id(db, "DELETE FROM device_embodied WHERE run_id = ?", run_id, err)) ||
	    (rc = ctk_db_exec_id(db, "DELETE FROM run_footprint WHERE run_id = ?", run_id, err)))
		return rc;
	if (ctk_db_prepare(db, "INSERT INTO device_embodied(device_id, run_id, hours, footprint_kg, lifetime_years, "
			   "utilisation, co2_g, source, covers, year, note) VALUES (?,?,?,?,?,?,?,?,?,?,?)", &st, err))
		return CTK_EDB;
	for (int i = 0; i < f->ngpu; i++) {
		const struct ctk_footprint_dev *g = &f->gpu[i];
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, g->device_id);
		sqlite3_bind_int64(st, 2, run_id);
		sqlite3_bind_double(st, 3, g->hours);
		ctk_bind_double_or_null(st, 4, g->footprint_kg, g->has_footprint);
		ctk_bind_double_or_null(st, 5, g->lifetime_years, g->has_lifetime);
		ctk_bind_double_or_null(st, 6, g->utilisation, g->has_utilisation);
		ctk_bind_double_or_null(st, 7, g->co2_g, g->known);
		ctk_bind_text_or_null(st, 8, *g->source ? g->source : NULL);
		ctk_bind_text_or_null(st, 9, *g->covers ? g->covers : NULL);
		if (g->year)
			sqlite3_bind_int(st, 10, g->year);
		else
			sqlite3_bind_null(st, 10);
		ctk_bind_text_or_null(st, 11, *g->note ? g->note : NULL);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_finalize(st);
			return ctk_db_fail(db, err, "store the embodied emissions");
		}
	}
	sqlite3_finalize(st);
	if (ctk_db_prepare(db, "INSERT INTO run_footprint(run_id, embodied_co2_g, gpu_hours, embodied_note, "
			   "it_energy_kwh, pue, wue_l_per_kwh, water_l_per_kwh, water_onsite_l, water_offsite_l, water_l, "
			   "water_note) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	ctk_bind_double_or_null(st, 2, f->embodied_g, f->embodied_known);
	sqlite3_bind_double(st, 3, f->gpu_hours);
	ctk_bind_text_or_null(st, 4, *f->embodied_note ? f->embodied_note : NULL);
	sqlite3_bind_double(st, 5, f->it_kwh);
	sqlite3_bind_double(st, 6, f->pue);
	ctk_bind_double_or_null(st, 7, f->wue_l_per_kwh, f->has_wue);
	ctk_bind_double_or_null(st, 8, f->water_l_per_kwh, f->has_water);
	ctk_bind_double_or_null(st, 9, f->onsite_l, f->has_wue);
	ctk_bind_double_or_null(st, 10, f->offsite_l, f->has_water);
	ctk_bind_double_or_null(st, 11, f->water_l, f->has_wue && f->has_water);
	ctk_bind_text_or_null(st, 12, *f->water_note ? f->water_note : NULL);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : ctk_db_fail(db, err, "store the run's footprint");
}

void ctk_footprint_release(struct ctk_footprint *f)
{
	free(f->gpu);
	f->gpu = NULL;
	f->ngpu = 0;
}

void ctk_footprint_ctx_release(struct ctk_footprint_ctx *ctx)
{
	ctk_embodied_table_free(&ctx->table);
}
