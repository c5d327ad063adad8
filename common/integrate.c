/* Streaming energy integration of stored readings (see integrate.h): the
 * device's sampling period from its chunks, then every reading through the
 * shared integrator of common/energy.c, with the device's name and each
 * reading's signal (the lag of averaged power is removed there). */
#include "common/integrate.h"

#include <stdlib.h>
#include <string.h>

#include "common/db.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int ctk_device_period(sqlite3 *db, int64_t device_id, double *period_s, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	double *v = NULL;
	size_t n = 0, cap = 0;

	*period_s = 0;
	if (ctk_db_prepare(db, "SELECT CAST(last_ns - first_ns AS REAL) / (n - 1) FROM sample_chunks "
			   "WHERE device_id = ? AND n > 1", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, device_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			size_t c = cap ? cap * 2 : 64;
			double *nv = realloc(v, c * sizeof(*nv));
			if (!nv) {
				free(v);
				sqlite3_finalize(st);
				return ctk_failf(err, CTK_ENOMEM, "out of memory");
			}
			v = nv;
			cap = c;
		}
		v[n++] = sqlite3_column_double(st, 0);
	}
	sqlite3_finalize(st);
	if (n > 0) {
		qsort(v, n, sizeof(*v), cmp_double);
		*period_s = (n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2])) * 1e-9;
	}
	free(v);
	return 0;
}

/* A device flagged 'window-means' holds one mean power per measured window
 * of a window tool (Zeus), its unmeasured gaps marked by readings without
 * power: it has no sampling period, and every segment with power on both
 * ends was measured. */
static int window_means(sqlite3 *db, int64_t device_id)
{
	sqlite3_stmt *st = NULL;
	int yes = 0;

	if (ctk_db_prepare(db, "SELECT 1 FROM devices WHERE device_id = ? AND instr(flags, 'window-means') > 0",
			   &st, NULL))
		return 0;
	sqlite3_bind_int64(st, 1, device_id);
	yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return yes;
}

/* The device's name (malloc'ed, NULL when none is stored): it tells
 * whether its power.draw is an average (common/energy.h). */
static int device_name(sqlite3 *db, int64_t device_id, char **name, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;

	*name = NULL;
	if (ctk_db_prepare(db, "SELECT name FROM devices WHERE device_id = ?", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, device_id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
		*name = strdup((const char *)sqlite3_column_text(st, 0));
		if (!*name) {
			sqlite3_finalize(st);
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		}
	}
	sqlite3_finalize(st);
	return 0;
}

int ctk_integrate_device(sqlite3 *db, int64_t device_id, const struct ctk_span *win, int nwin,
			 struct ctk_integrator *in, struct ctk_energy *per, struct ctk_error *err)
{
	struct ctk_sample_reader *rd = NULL;
	struct ctk_reading r;
	double period = 0;
	int rc;

	if (!window_means(db, device_id) && (rc = ctk_device_period(db, device_id, &period, err)))
		return rc;
	ctk_piece_fn fn = in->on_piece;
	void *ctx = in->piece_ctx;
	struct ctk_error *perr = in->piece_err;
	struct ctk_integrator *also = in->also;
	ctk_integrator_init(in, win, nwin, period, per);
	ctk_integrator_hook(in, fn, ctx, perr);
	in->also = also;
	if (also)
		also->max_gap_ns = in->max_gap_ns;
	char *name = NULL;
	if ((rc = device_name(db, device_id, &name, err)))
		return rc;
	in->device_name = name;
	if ((rc = ctk_sample_reader_new(db, device_id, &rd, err))) {
		in->device_name = NULL;
		free(name);
		return rc;
	}
	const char *sig = NULL;
	while ((rc = ctk_sample_next(rd, &r, &sig, err)) > 0 && !in->piece_rc)
		ctk_integrator_add_signal(in, &r, sig);
	ctk_sample_reader_free(rd);
	in->device_name = NULL;
	free(name);
	return rc < 0 ? rc : in->piece_rc;
}
