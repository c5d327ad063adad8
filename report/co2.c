/* Reading a run's stored CO2 (run_co2) and finding its intensity series;
 * see co2.h. Nothing here computes CO2: that is the intensity join's job. */
#include "report/co2.h"

#include <stdio.h>
#include <string.h>

#include "common/db.h"
#include "common/intensity.h"

static void col_text(sqlite3_stmt *st, int i, char *buf, size_t size)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	snprintf(buf, size, "%s", s ? (const char *)s : "");
}

/* The bounds stored beside the CO2 figures (schemas/migrate-2.sql). */
static int co2_bounds(sqlite3 *db, int64_t run_id, struct ctk_run_co2 *out, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;

	if (ctk_db_prepare(db, "SELECT co2_u_g, epochs_co2_u_g, outside_co2_u_g FROM run_co2 WHERE run_id = ?", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->has_co2_u = out->has_co2 && sqlite3_column_type(st, 0) != SQLITE_NULL;
		out->co2_u_g = sqlite3_column_double(st, 0);
		out->has_epochs_co2_u = out->has_epochs_co2 && sqlite3_column_type(st, 1) != SQLITE_NULL;
		out->epochs_co2_u_g = sqlite3_column_double(st, 1);
		out->has_outside_co2_u = out->has_outside_co2 && sqlite3_column_type(st, 2) != SQLITE_NULL;
		out->outside_co2_u_g = sqlite3_column_double(st, 2);
	}
	sqlite3_finalize(st);
	return 0;
}

int ctk_run_co2_get(sqlite3 *db, int64_t run_id, struct ctk_run_co2 *out, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;

	memset(out, 0, sizeof(*out));
	if (ctk_db_prepare(db, "SELECT co2_g, pue, pue_source, zone, source, signal, year, resolution_s, "
			   "no_intensity_share, series_id, epochs_co2_g, outside_co2_g, fill, default_g_per_kwh, note "
			   "FROM run_co2 WHERE run_id = ?", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->valid = 1;
		out->has_co2 = sqlite3_column_type(st, 0) != SQLITE_NULL;
		out->co2_g = sqlite3_column_double(st, 0);
		out->has_pue = sqlite3_column_type(st, 1) != SQLITE_NULL;
		out->pue = sqlite3_column_double(st, 1);
		col_text(st, 2, out->pue_source, sizeof out->pue_source);
		col_text(st, 3, out->zone, sizeof out->zone);
		col_text(st, 4, out->source, sizeof out->source);
		col_text(st, 5, out->signal, sizeof out->signal);
		out->has_year = sqlite3_column_type(st, 6) != SQLITE_NULL;
		out->year = sqlite3_column_int(st, 6);
		out->has_resolution = sqlite3_column_type(st, 7) != SQLITE_NULL;
		out->resolution_s = sqlite3_column_double(st, 7);
		out->has_share = sqlite3_column_type(st, 8) != SQLITE_NULL;
		out->no_intensity_share = sqlite3_column_double(st, 8);
		out->has_series = sqlite3_column_type(st, 9) != SQLITE_NULL;
		out->series_id = sqlite3_column_int64(st, 9);
		out->has_epochs_co2 = sqlite3_column_type(st, 10) != SQLITE_NULL;
		out->epochs_co2_g = sqlite3_column_double(st, 10);
		out->has_outside_co2 = sqlite3_column_type(st, 11) != SQLITE_NULL;
		out->outside_co2_g = sqlite3_column_double(st, 11);
		col_text(st, 12, out->fill, sizeof out->fill);
		out->has_default = sqlite3_column_type(st, 13) != SQLITE_NULL;
		out->default_g_per_kwh = sqlite3_column_double(st, 13);
		col_text(st, 14, out->note, sizeof out->note);
	}
	sqlite3_finalize(st);
	return out->valid ? co2_bounds(db, run_id, out, err) : 0;
}

int ctk_run_intensity_series(sqlite3 *db, int64_t run_id, int64_t t0_ns, int64_t t1_ns,
			     int64_t *series_id, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	struct ctk_run_co2 co2;
	char zone[64] = "";
	int rc;

	*series_id = -1;
	if ((rc = ctk_run_co2_get(db, run_id, &co2, err)))
		return rc;
	if (co2.has_series) {
		*series_id = co2.series_id;
		return 0;
	}
	if (co2.zone[0]) {
		snprintf(zone, sizeof zone, "%s", co2.zone);
	} else {
		if (ctk_db_prepare(db, "SELECT zone FROM runs WHERE run_id = ?", &st, err))
			return CTK_EDB;
		sqlite3_bind_int64(st, 1, run_id);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
			snprintf(zone, sizeof zone, "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	/* the series the one intensity rule picks there */
	return ctk_intensity_series_for(db, zone, co2.signal[0] ? co2.signal : NULL, t0_ns, t1_ns, series_id, err);
}

int ctk_run_flat_intensity(sqlite3 *db, int64_t run_id, double *g_per_kwh, int *found, struct ctk_error *err)
{
	struct ctk_run_co2 co2;
	sqlite3_stmt *st = NULL;
	double kwh = 0;
	int rc;

	*found = 0;
	*g_per_kwh = 0;
	if ((rc = ctk_run_co2_get(db, run_id, &co2, err)))
		return rc;
	if (!co2.valid || !co2.has_co2 || !co2.source[0])
		return 0;
	if (ctk_db_prepare(db, "SELECT sum(energy_j) FROM device_energy WHERE run_id = ?", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		kwh = sqlite3_column_double(st, 0) / 3.6e6;
	sqlite3_finalize(st);
	double priced = kwh * (co2.has_pue ? co2.pue : 1) * (co2.has_share ? 1 - co2.no_intensity_share : 1);
	if (priced > 0) {
		*g_per_kwh = co2.co2_g / priced;
		*found = 1;
	}
	return 0;
}
