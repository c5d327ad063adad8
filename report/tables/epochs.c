/* The per-epoch table: for every epoch of the selected runs its start,
 * duration, energy per device (one column per device label across runs,
 * e.g. gpu0; node1/gpu0 in a run merged from several nodes) and the total
 * in J and kWh, from the stored analysis (epoch_energy). A device without
 * readings in an epoch is empty, not 0. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/time.h"
#include "report/builders.h"

#define MAX_DEVCOLS 64

struct devcols {
	char name[MAX_DEVCOLS][56];
	int n;
};

/* SQL of the two columns after kind, idx, device_id that dev_label reads:
 * the device's host and how many hosts its run has (ctk merge). */
#define HOST_COLS "coalesce(d.host, ''), (SELECT count(DISTINCT coalesce(x.host, '')) FROM devices x WHERE x.run_id = d.run_id)"

/* "gpu0"; "node1/gpu0" when the run has devices on several hosts. */
static void dev_label(sqlite3_stmt *st, int kind_col, int idx_col, int id_col, int host_col, char *buf, size_t size)
{
	const char *kind = (const char *)sqlite3_column_text(st, kind_col);
	const char *host = (const char *)sqlite3_column_text(st, host_col);
	int multi = sqlite3_column_int(st, host_col + 1) > 1;
	char h[40] = "";

	if (multi && host)
		snprintf(h, sizeof h, "%.30s/", host);
	if (sqlite3_column_type(st, idx_col) != SQLITE_NULL)
		snprintf(buf, size, "%s%s%d", h, kind ? kind : "dev", sqlite3_column_int(st, idx_col));
	else
		snprintf(buf, size, "%s%s#%lld", h, kind ? kind : "dev", (long long)sqlite3_column_int64(st, id_col));
}

static int find_col(const struct devcols *dc, const char *name)
{
	for (int i = 0; i < dc->n; i++)
		if (!strcmp(dc->name[i], name))
			return i;
	return -1;
}

/* Union of device labels over the runs, in order of first appearance. */
static int collect_devices(sqlite3 *db, const int64_t *runs, int nruns, struct devcols *dc, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	char lab[56];

	if (ctk_db_prepare(db, "SELECT d.kind, d.idx, d.device_id, " HOST_COLS " FROM devices d WHERE d.run_id = ? AND EXISTS "
			   "(SELECT 1 FROM windows w WHERE w.run_id = d.run_id AND w.kind = 'epoch') "
			   "ORDER BY d.kind DESC, d.host, d.idx, d.device_id", &st, err))
		return CTK_EDB;
	for (int i = 0; i < nruns; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, runs[i]);
		while (sqlite3_step(st) == SQLITE_ROW) {
			dev_label(st, 0, 1, 2, 3, lab, sizeof lab);
			if (find_col(dc, lab) >= 0)
				continue;
			if (dc->n == MAX_DEVCOLS) {
				sqlite3_finalize(st);
				return ctk_failf(err, CTK_EINPUT, "more than %d distinct devices: select fewer runs", MAX_DEVCOLS);
			}
			snprintf(dc->name[dc->n++], sizeof dc->name[0], "%s", lab);
		}
	}
	sqlite3_finalize(st);
	return 0;
}

enum { C_RUN, C_LABEL, C_EPOCH, C_START, C_DUR, C_DEV0 };

/* Paper views: epoch, duration, energy (kWh), CO2 (g), and the run's label
 * when there are several runs; the wide one adds start, coverage and up to
 * four device columns; the CSV keeps every column. */
static int columns(struct ctk_table *t, const struct devcols *dc, int nruns)
{
	char name[48], label[48];
	int base = C_DEV0 + dc->n;

	if (ctk_table_column(t, C_RUN, "run_id", "Run", 1) || ctk_table_column(t, C_LABEL, "label", "Label", 0) ||
	    ctk_table_column(t, C_EPOCH, "epoch", "Epoch", 1) ||
	    ctk_table_column(t, C_START, "start_s", "Start (s)", 1) ||
	    ctk_table_column(t, C_DUR, "duration_s", "Duration (s)", 1))
		return -1;
	for (int i = 0; i < dc->n; i++) {
		snprintf(name, sizeof name, "%s_energy_j", dc->name[i]);
		snprintf(label, sizeof label, "%s (J)", dc->name[i]);
		if (ctk_table_column(t, C_DEV0 + i, name, label, 1))
			return -1;
	}
	if (ctk_table_column(t, base, "total_energy_j", "Total (J)", 1) ||
	    ctk_table_column(t, base + 1, "total_energy_kwh", "Total (kWh)", 1) ||
	    ctk_table_column(t, base + 2, "coverage_pct", "Coverage (%)", 1) ||
	    ctk_table_column(t, base + 3, "co2_g", "CO2e (g)", 1) ||
	    ctk_table_column(t, base + 4, "total_energy_u_j", "Energy \u00b1 (J)", 1) ||
	    ctk_table_column(t, base + 5, "total_energy_u_kwh", "Energy \u00b1 (kWh)", 1) ||
	    ctk_table_column(t, base + 6, "co2_u_g", "CO2e \u00b1 (g)", 1) ||
	    ctk_table_column(t, base + 7, "start_utc", "Start (UTC)", 0))
		return -1;
	/* people read "v ± u" in the total and CO2 columns; the CSV keeps the bounds */
	ctk_table_pm(t, base, base + 4);
	ctk_table_pm(t, base + 1, base + 5);
	ctk_table_pm(t, base + 3, base + 6);
	ctk_table_view(t, C_RUN, 0);
	ctk_table_view(t, C_LABEL, nruns > 1 ? CTK_VIEW_BOTH : 0);
	ctk_table_grouped(t, C_LABEL);
	/* people read the start as seconds from the run's start (narrow, never
	 * wrapping: a wrapped UTC time doubled every row); the CSV has both */
	ctk_table_view(t, C_START, CTK_VIEW_WIDE);
	ctk_table_view(t, base + 7, 0);
	for (int i = 0; i < dc->n; i++)
		ctk_table_view(t, C_DEV0 + i, dc->n <= 4 ? CTK_VIEW_WIDE : 0);
	ctk_table_view(t, base, 0);
	ctk_table_view(t, base + 2, CTK_VIEW_WIDE);
	return 0;
}

/* An epoch's totals over its devices: energy, its bound (bounds add),
 * coverage; unknown (NaN) when a device had no readings. */
static void epoch_totals(struct ctk_table *t, int row, int base, int complete, double total, double total_u,
			 double cov)
{
	ctk_table_set_num(t, row, base, complete ? total : NAN, 4);
	ctk_table_set_num(t, row, base + 1, complete ? total / 3.6e6 : NAN, 4);
	ctk_table_set_num(t, row, base + 2, 100.0 * cov, 3);
	ctk_table_set_num(t, row, base + 4, complete ? total_u : NAN, 4);
	ctk_table_set_num(t, row, base + 5, complete ? total_u / 3.6e6 : NAN, 3);
}

static int add_run(sqlite3 *db, struct ctk_table *t, const struct devcols *dc, int64_t run_id,
		   struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int base = C_DEV0 + dc->n, row = -1, rc;
	int64_t cur_idx = 0, cur_attempt = 0;
	double total = 0, cov = 1, total_u = 0;
	int complete = 1;
	char start[40], lab[56];

	if ((rc = ctk_require_analysis(db, run_id, err)))
		return rc;
	if (ctk_db_prepare(db,
		"SELECT w.idx, w.start_ns, w.end_ns, d.kind, d.idx, d.device_id, e.energy_j, e.coverage, r.label, w.attempt, "
		"(SELECT c.co2_g FROM epoch_co2 c WHERE c.run_id = w.run_id AND c.idx = w.idx AND c.attempt = w.attempt), "
		"e.energy_u_j, (SELECT c.co2_u_g FROM epoch_co2 c WHERE c.run_id = w.run_id AND c.idx = w.idx AND "
		"c.attempt = w.attempt), " HOST_COLS ", w.start_ns - r.started_ns FROM windows w JOIN runs r ON r.run_id = w.run_id "
		"JOIN epoch_energy e ON e.run_id = w.run_id AND e.idx = w.idx AND e.attempt = w.attempt "
		"JOIN devices d ON d.device_id = e.device_id "
		"WHERE w.run_id = ? AND w.kind = 'epoch' ORDER BY w.start_ns, w.idx, w.attempt, d.kind DESC, d.idx, d.device_id", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t idx = sqlite3_column_int64(st, 0), attempt = sqlite3_column_int64(st, 9);
		if (row < 0 || idx != cur_idx || attempt != cur_attempt) { /* an epoch run again is its own row */
			if (row >= 0)
				epoch_totals(t, row, base, complete, total, total_u, cov);
			if ((row = ctk_table_add_row(t)) < 0)
				break;
			cur_idx = idx;
			cur_attempt = attempt;
			total = total_u = 0;
			cov = 1;
			complete = 1;
			ctk_table_set_num(t, row, C_RUN, (double)run_id, 0);
			ctk_table_set_text(t, row, C_LABEL, (const char *)sqlite3_column_text(st, 8));
			ctk_table_set_num(t, row, C_EPOCH, (double)idx, 0);
			ctk_time_format(sqlite3_column_int64(st, 1), start, sizeof start);
			ctk_table_set_text(t, row, base + 7, start);
			if (sqlite3_column_type(st, 15) != SQLITE_NULL) /* runs.started_ns known */
				ctk_table_set_num(t, row, C_START, (double)sqlite3_column_int64(st, 15) / 1e9, 4);
			ctk_table_set_num(t, row, C_DUR, (double)(sqlite3_column_int64(st, 2) - sqlite3_column_int64(st, 1)) / 1e9, 4);
			if (sqlite3_column_type(st, 10) != SQLITE_NULL)
				ctk_table_set_num(t, row, base + 3, sqlite3_column_double(st, 10), 3);
			if (sqlite3_column_type(st, 10) != SQLITE_NULL && sqlite3_column_type(st, 12) != SQLITE_NULL)
				ctk_table_set_num(t, row, base + 6, sqlite3_column_double(st, 12), 3);
		}
		dev_label(st, 3, 4, 5, 13, lab, sizeof lab); /* 13, 14: HOST_COLS */
		int c = find_col(dc, lab);
		if (sqlite3_column_type(st, 6) == SQLITE_NULL) {
			complete = 0;
		} else {
			total += sqlite3_column_double(st, 6);
			total_u += sqlite3_column_double(st, 11); /* bounds add */
			if (c >= 0)
				ctk_table_set_num(t, row, C_DEV0 + c, sqlite3_column_double(st, 6), 4);
		}
		if (sqlite3_column_double(st, 7) < cov)
			cov = sqlite3_column_double(st, 7);
	}
	if (row >= 0)
		epoch_totals(t, row, base, complete, total, total_u, cov);
	sqlite3_finalize(st);
	return 0;
}

/* A long run's table would not fit a page: the paper table shows the first
 * EPOCH_ROWS_HEAD and the last EPOCH_ROWS_TAIL epochs, the CSV all. */
#define EPOCH_ROWS_HEAD 20
#define EPOCH_ROWS_TAIL 5

static int shorten(struct ctk_table *t, struct ctk_error *err)
{
	int keep[EPOCH_ROWS_HEAD + EPOCH_ROWS_TAIL], n = 0;
	char title[512];

	for (int i = 0; i < EPOCH_ROWS_HEAD; i++)
		keep[n++] = i;
	for (int i = t->nrows - EPOCH_ROWS_TAIL; i < t->nrows; i++)
		keep[n++] = i;
	snprintf(title, sizeof title, "%.*s; the first %d and the last %d of %d epochs are shown (every epoch is in epochs.csv).",
		 (int)strlen(t->title) - 1, t->title, EPOCH_ROWS_HEAD, EPOCH_ROWS_TAIL, t->nrows);
	if (ctk_table_paper_rows(t, keep, n, title))
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	return 0;
}

int ctk_build_epochs(const struct ctk_report *r, struct ctk_table **out, struct ctk_error *err)
{
	sqlite3 *db = r->db;
	const int64_t *runs = r->runs;
	int nruns = r->nruns;
	struct devcols *dc = calloc(1, sizeof(*dc));
	struct ctk_table *t = NULL;
	int rc;

	*out = NULL;
	if (!dc)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	if ((rc = collect_devices(db, runs, nruns, dc, err)))
		goto out;
	t = ctk_table_new("Energy and CO2e of each epoch: energy of the measured devices, summed, "
			  "over the epoch's time (\u00b1: see methods), its start in s from the run's; a dash marks what is "
			  "not known.", C_DEV0 + dc->n + 8);
	if (!t || columns(t, dc, nruns)) {
		rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
		goto out;
	}
	for (int i = 0; i < nruns && !rc; i++)
		rc = add_run(db, t, dc, runs[i], err);
	if (!rc && t->nrows > EPOCH_ROWS_HEAD + EPOCH_ROWS_TAIL + 5)
		rc = shorten(t, err);
	if (!rc) {
		*out = t;
		t = NULL;
	}
out:
	ctk_table_free(t);
	free(dc);
	return rc;
}
