/* The run summary table: one row per run with its span, devices, whole-run
 * energy, the energy in and outside epochs, coverage, and — when the
 * intensity join stored it (run_co2, see co2.h) — PUE, CO2 and zone, from the
 * stored analysis (device_energy). Missing CO2 stays empty, never 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/time.h"
#include "common/util.h"
#include "report/builders.h"
#include "report/co2.h"

int ctk_require_analysis(sqlite3 *db, int64_t run_id, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int missing = 0;

	if (ctk_db_prepare(db, "SELECT count(*) FROM devices d WHERE d.run_id = ? AND NOT EXISTS "
			   "(SELECT 1 FROM device_energy e WHERE e.device_id = d.device_id)", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		missing = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (missing)
		return ctk_failf(err, CTK_EINPUT, "run %lld has not been analysed since its data changed: run 'ctk analyze --db %s' first",
				 (long long)run_id, sqlite3_db_filename(db, "main"));
	return 0;
}

/* in the order of the paper's columns; the CSV has them all in this order */
enum { C_RUN, C_LABEL, C_SOURCE, C_HW, C_START, C_DUR, C_HOURS, C_DEV, C_EJ, C_EKWH, C_IN, C_OUT, C_COV, C_PUE,
       C_CI, C_CO2, C_CISRC, C_ZONE, C_EU_J, C_EU_KWH, C_CO2U, C_IN_U, C_OUT_U, NCOL };

/* Paper views: the \columnwidth table is label, hardware, time, energy,
 * PUE, intensity, CO2e; the wide one adds in/outside epochs, coverage and
 * the intensity's source; the CSV keeps every column. */
static int columns(struct ctk_table *t)
{
	static const char *const name[NCOL] = {"run_id", "label", "source", "hardware", "started_utc", "duration_s",
		"duration_h", "devices", "energy_j", "energy_kwh", "in_epochs_kwh", "outside_epochs_kwh", "coverage_pct",
		"pue", "intensity_g_per_kwh", "co2_kg", "intensity_source", "zone", "energy_u_j", "energy_u_kwh", "co2_u_kg", "in_epochs_u_kwh",
		"outside_epochs_u_kwh"};
	static const char *const label[NCOL] = {"Run", "Run", "Source", "Hardware", "Start (UTC)", "Duration (s)",
		"Time (h)", "Devices", "Energy (J)", "Energy (kWh)", "In epochs (kWh)", "Outside (kWh)", "Coverage (%)",
		"PUE", "Intensity (g/kWh)", "CO2e (kg)", "Intensity source", "Zone", "Energy \u00b1 (J)", "Energy \u00b1 (kWh)",
		"CO2e \u00b1 (kg)", "In epochs \u00b1 (kWh)", "Outside \u00b1 (kWh)"};
	static const unsigned view[NCOL] = {
		[C_LABEL] = CTK_VIEW_BOTH, [C_HW] = CTK_VIEW_BOTH, [C_HOURS] = CTK_VIEW_BOTH, [C_EKWH] = CTK_VIEW_BOTH,
		[C_IN] = CTK_VIEW_WIDE, [C_OUT] = CTK_VIEW_WIDE, [C_PUE] = CTK_VIEW_BOTH,
		[C_CI] = CTK_VIEW_BOTH, [C_CO2] = CTK_VIEW_BOTH};
	for (int i = 0; i < NCOL; i++) {
		int text = i == C_LABEL || i == C_SOURCE || i == C_START || i == C_ZONE || i == C_HW || i == C_CISRC;
		if (ctk_table_column(t, i, name[i], label[i], !text))
			return -1;
		ctk_table_view(t, i, view[i]);
	}
	/* people read "0.0169 ± 0.0001"; the CSV keeps the bounds as columns */
	ctk_table_pm(t, C_EJ, C_EU_J);
	ctk_table_pm(t, C_EKWH, C_EU_KWH);
	ctk_table_pm(t, C_IN, C_IN_U);
	ctk_table_pm(t, C_OUT, C_OUT_U);
	ctk_table_pm(t, C_CO2, C_CO2U);
	return 0;
}

/* "2 × A100-SXM4-80GB, 1 × …": the GPUs (else every device) of a run, the
 * vendor's "NVIDIA " prefix dropped; " on N nodes" for a run merged from
 * several hosts (ctk merge). */
static int hardware(sqlite3 *db, int64_t run_id, char *buf, size_t size, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;

	buf[0] = '\0';
	if (ctk_db_prepare(db, "SELECT coalesce(name, kind), count(*) FROM devices WHERE run_id = ?1 AND "
			   "(kind = 'gpu' OR NOT EXISTS (SELECT 1 FROM devices g WHERE g.run_id = ?1 AND g.kind = 'gpu')) "
			   "GROUP BY 1 ORDER BY 1", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *n = (const char *)sqlite3_column_text(st, 0);
		size_t len = strlen(buf);
		if (!strncmp(n, "NVIDIA ", 7))
			n += 7;
		snprintf(buf + len, size - len, "%s%d \u00d7 %s", len ? ", " : "", sqlite3_column_int(st, 1), n);
	}
	sqlite3_finalize(st);
	if (ctk_db_prepare(db, "SELECT count(DISTINCT coalesce(host, '')) FROM devices WHERE run_id = ?", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 1) {
		size_t len = strlen(buf);
		snprintf(buf + len, size - len, " on %d nodes", sqlite3_column_int(st, 0));
	}
	sqlite3_finalize(st);
	return 0;
}

/* The bounds of the whole-run energy and of its parts in and outside epochs
 * (shown where those are): the devices' bounds summed (bounds add). */
static int energy_bounds(sqlite3 *db, struct ctk_table *t, int row, int64_t run_id, struct ctk_error *err)
{
	const struct ctk_cell *in = &t->cells[row * t->ncols + C_IN];
	sqlite3_stmt *st = NULL;

	if (ctk_db_prepare(db, "SELECT sum(energy_u_j), " CTK_SQL_SUM_KNOWN("in_epochs_u_j") ", "
			   CTK_SQL_SUM_KNOWN("outside_epochs_u_j") " FROM device_energy WHERE run_id = ?", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		ctk_table_set_num(t, row, C_EU_J, sqlite3_column_double(st, 0), 4);
		ctk_table_set_num(t, row, C_EU_KWH, sqlite3_column_double(st, 0) / 3.6e6, 3);
	}
	if (in->valid && sqlite3_column_type(st, 1) != SQLITE_NULL && sqlite3_column_type(st, 2) != SQLITE_NULL) {
		ctk_table_set_num(t, row, C_IN_U, sqlite3_column_double(st, 1) / 3.6e6, 3);
		ctk_table_set_num(t, row, C_OUT_U, sqlite3_column_double(st, 2) / 3.6e6, 3);
	}
	sqlite3_finalize(st);
	return 0;
}

static int add_run(sqlite3 *db, struct ctk_table *t, int64_t run_id, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	char start[40], source[128], hw[256];
	double kwh = -1;
	struct ctk_run_co2 co2;
	int row, rc;

	if ((rc = ctk_require_analysis(db, run_id, err)))
		return rc;
	if (ctk_db_prepare(db,
		"SELECT r.label, r.source, r.started_ns, r.ended_ns, count(e.device_id), sum(e.energy_j), "
		CTK_SQL_SUM_KNOWN("e.in_epochs_j") ", " CTK_SQL_SUM_KNOWN("e.outside_epochs_j") ", min(e.coverage), "
		"(SELECT count(*) FROM windows w WHERE w.run_id = r.run_id AND w.kind = 'epoch'), r.simulated "
		"FROM runs r LEFT JOIN device_energy e ON e.run_id = r.run_id WHERE r.run_id = ?", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	if (sqlite3_step(st) != SQLITE_ROW || (row = ctk_table_add_row(t)) < 0) {
		sqlite3_finalize(st);
		return ctk_failf(err, CTK_EDB, "run %lld: cannot read its analysis", (long long)run_id);
	}
	ctk_table_set_num(t, row, C_RUN, (double)run_id, 0);
	ctk_table_set_text(t, row, C_LABEL, (const char *)sqlite3_column_text(st, 0));
	snprintf(source, sizeof source, "%s%s", (const char *)sqlite3_column_text(st, 1),
		 sqlite3_column_int(st, 10) ? " (simulated device)" : "");
	ctk_table_set_text(t, row, C_SOURCE, source);
	if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
		ctk_time_format(sqlite3_column_int64(st, 2), start, sizeof start);
		ctk_table_set_text(t, row, C_START, start);
		ctk_table_set_num(t, row, C_DUR, (double)(sqlite3_column_int64(st, 3) - sqlite3_column_int64(st, 2)) / 1e9, 4);
		ctk_table_set_num(t, row, C_HOURS, (double)(sqlite3_column_int64(st, 3) - sqlite3_column_int64(st, 2)) / 3.6e12, 3);
	}
	ctk_table_set_num(t, row, C_DEV, sqlite3_column_int(st, 4), 0);
	if (sqlite3_column_type(st, 5) != SQLITE_NULL) {
		ctk_table_set_num(t, row, C_EJ, sqlite3_column_double(st, 5), 4);
		kwh = sqlite3_column_double(st, 5) / 3.6e6;
		ctk_table_set_num(t, row, C_EKWH, kwh, 3);
	}
	if (sqlite3_column_int(st, 9) > 0 && sqlite3_column_type(st, 6) != SQLITE_NULL) {
		ctk_table_set_num(t, row, C_IN, sqlite3_column_double(st, 6) / 3.6e6, 3);
		ctk_table_set_num(t, row, C_OUT, sqlite3_column_double(st, 7) / 3.6e6, 3);
	}
	if (sqlite3_column_type(st, 8) != SQLITE_NULL)
		ctk_table_set_num(t, row, C_COV, 100.0 * sqlite3_column_double(st, 8), 3);
	sqlite3_finalize(st);
	if ((rc = ctk_run_co2_get(db, run_id, &co2, err)))
		return rc;
	if (co2.has_pue)
		ctk_table_set_num(t, row, C_PUE, co2.pue, 3);
	if (co2.has_co2)
		ctk_table_set_num(t, row, C_CO2, co2.co2_g / 1000.0, 3);
	if (co2.has_co2_u)
		ctk_table_set_num(t, row, C_CO2U, co2.co2_u_g / 1000.0, 3);
	if ((rc = energy_bounds(db, t, row, run_id, err)))
		return rc;
	if (co2.zone[0])
		ctk_table_set_text(t, row, C_ZONE, co2.zone);
	/* the intensity the run was priced at: its energy-weighted mean,
	 * stored CO2 / (energy x PUE x share of energy with a value) */
	if (co2.has_co2 && co2.has_pue && kwh > 0) {
		double priced = kwh * co2.pue * (co2.has_share ? 1 - co2.no_intensity_share : 1);
		if (priced > 0)
			ctk_table_set_num(t, row, C_CI, co2.co2_g / priced, 3);
	}
	if (co2.source[0]) {
		char src[200];
		if (co2.has_year)
			snprintf(src, sizeof src, "%s, %s, %d", co2.source, co2.zone[0] ? co2.zone : "zone unknown", co2.year);
		else
			snprintf(src, sizeof src, "%s, %s", co2.source, co2.zone[0] ? co2.zone : "zone unknown");
		ctk_table_set_text(t, row, C_CISRC, src);
	}
	if ((rc = hardware(db, run_id, hw, sizeof hw, err)))
		return rc;
	if (hw[0])
		ctk_table_set_text(t, row, C_HW, hw);
	return 0;
}

/* End the caption with the intensity sources used, each once. */
static int caption_sources(struct ctk_table *t, struct ctk_error *err)
{
	char buf[2048];
	int n = 0;

	snprintf(buf, sizeof buf, "%.*s", (int)strlen(t->title) - 1, t->title); /* without its period */
	for (int r = 0; r < t->nrows; r++) {
		const struct ctk_cell *c = &t->cells[r * t->ncols + C_CISRC], *seen = NULL;
		if (!c->valid)
			continue;
		for (int q = 0; q < r && !seen; q++)
			if (t->cells[q * t->ncols + C_CISRC].valid && !strcmp(t->cells[q * t->ncols + C_CISRC].text, c->text))
				seen = c;
		if (seen)
			continue;
		ctk_appendf(buf, sizeof buf, "%s%s", n++ ? "; " : ". Carbon intensity: ", c->text);
	}
	ctk_appendf(buf, sizeof buf, ".");
	/* simulated data is flagged in every output */
	n = 0;
	for (int r = 0; r < t->nrows; r++) {
		const struct ctk_cell *c = &t->cells[r * t->ncols + C_SOURCE], *l = &t->cells[r * t->ncols + C_LABEL];
		if (c->valid && strstr(c->text, "(simulated device)"))
			ctk_appendf(buf, sizeof buf, "%s%s", n++ ? ", " : " Measured on a simulated device, not real hardware: ",
				    l->valid ? l->text : "a run");
	}
	if (n)
		ctk_appendf(buf, sizeof buf, ".");
	free(t->title);
	if (!(t->title = strdup(buf)))
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	return 0;
}

int ctk_build_summary(const struct ctk_report *r, struct ctk_table **out, struct ctk_error *err)
{
	sqlite3 *db = r->db;
	const int64_t *runs = r->runs;
	int nruns = r->nruns;
	struct ctk_table *t = ctk_table_new("Energy and carbon footprint of each run: energy of the measured devices, summed, from "
		"the first to the last reading; CO2e is that energy times the PUE times the carbon intensity of the grid "
		"at the time (the intensity shown is its energy-weighted mean); \u00b1 is a worst-case bound from the "
		"signal (see methods), without the intensity's own uncertainty; a dash marks what is not known.", NCOL);
	int rc = 0;

	*out = NULL;
	if (!t || columns(t)) {
		ctk_table_free(t);
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	}
	for (int i = 0; i < nruns && !rc; i++)
		rc = add_run(db, t, runs[i], err);
	if (!rc)
		rc = caption_sources(t, err);
	if (rc) {
		ctk_table_free(t);
		return rc;
	}
	*out = t;
	return 0;
}
