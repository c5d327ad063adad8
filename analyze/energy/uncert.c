/* Uncertainty bounds of an analysed run (see uncert.h): the kernel's terms
 * per device and epoch (common/uncertainty.c) summed as bounds add, CO2
 * from the energy's relative bound, and the UPDATEs that store them beside
 * the figures. */
#include "analyze/energy/uncert.h"

#include <math.h>
#include <string.h>

#include "common/db.h"

double ctk_dev_energy_u_j(const struct ctk_run_result *r, int i, int k, double *gap_s)
{
	const struct ctk_dev_result *d = &r->dev[i];
	struct ctk_uncert u;

	if (k < 0)
		ctk_energy_uncert(&d->in.total, &d->res, d->in.first_ns, d->in.last_ns, &u);
	else
		ctk_energy_uncert(&d->per[k], &d->res, r->win[k].start_ns, r->win[k].end_ns, &u);
	if (gap_s)
		*gap_s = u.gap_s;
	return u.u_j;
}

double ctk_epoch_energy_u_j(const struct ctk_run_result *r, int k, double *gap_s)
{
	double u = 0, g, gap = 0;

	for (int i = 0; i < r->ndev; i++) {
		u += ctk_dev_energy_u_j(r, i, k, &g);
		gap = g > gap ? g : gap;
	}
	if (gap_s)
		*gap_s = gap; /* the longest of any device */
	return u;
}

double ctk_run_energy_u_j(const struct ctk_run_result *r, double *gap_s)
{
	return ctk_epoch_energy_u_j(r, -1, gap_s);
}

double ctk_run_epochs_energy_u_j(const struct ctk_run_result *r)
{
	double u = 0;
	for (int k = 0; k < r->nwin; k++)
		u += ctk_epoch_energy_u_j(r, k, NULL);
	return u;
}

double ctk_run_outside_u_j(const struct ctk_run_result *r)
{
	return ctk_run_energy_u_j(r, NULL) + ctk_run_epochs_energy_u_j(r);
}

double ctk_run_host_energy_u_j(const struct ctk_run_result *r, const char *host)
{
	double u = 0;

	for (int i = 0; i < r->ndev; i++)
		if (!strcmp(r->dev[i].host, host))
			u += ctk_dev_energy_u_j(r, i, -1, NULL);
	return u;
}

double ctk_run_observed_u_j(const struct ctk_run_result *r, int n)
{
	double u = ctk_run_outside_u_j(r);

	for (int k = 0; k < n && k < r->nwin; k++)
		u += ctk_epoch_energy_u_j(r, k, NULL);
	return u;
}

double ctk_epoch_co2_u_g(const struct ctk_run_result *r, const struct ctk_co2_result *c, int k)
{
	if (!c->have || k >= c->nwin)
		return 0;
	return ctk_co2_u_g(c->epoch_g[k], ctk_epoch_energy_j(r, k, NULL), ctk_epoch_energy_u_j(r, k, NULL));
}

void ctk_run_co2_u(const struct ctk_run_result *r, const struct ctk_co2_result *c, struct ctk_co2_u *u)
{
	double e = ctk_run_energy_j(r), ue = ctk_run_energy_u_j(r, NULL);

	u->co2_g = ctk_co2_u_g(c->co2_g, e, ue);
	u->priced_g = ctk_co2_u_g(c->priced_g, e, ue);
	u->epochs_g = 0;
	for (int k = 0; k < r->nwin; k++)
		u->epochs_g += ctk_epoch_co2_u_g(r, c, k);
	u->outside_g = u->co2_g + u->epochs_g;
}

void ctk_run_baseline_u(const struct ctk_run_result *r, const struct ctk_baseline *b, struct ctk_baseline_u *u)
{
	u->idle_w = u->gross_j = 0;
	for (int i = 0; i < r->ndev; i++) {
		const struct ctk_dev_result *d = &r->dev[i];
		struct ctk_uncert x;
		double ub = 0, seen = 0;
		for (int k = 0; k < r->nbase; k++) {
			ctk_energy_uncert(&d->bper[k], &d->res, r->base[k].start_ns, r->base[k].end_ns, &x);
			ub += x.u_j;
			seen += d->bper[k].seen_ns;
		}
		if (seen > 0)
			u->idle_w += ub / (seen * 1e-9);
		int64_t end = d->in.last_ns > b->after_ns ? d->in.last_ns : b->after_ns;
		ctk_energy_uncert(&d->bper[r->nbase], &d->res, b->after_ns, end, &x);
		u->gross_j += x.u_j;
	}
	u->idle_j = u->idle_w * b->span_s;
	u->net_j = u->gross_j + u->idle_j;
}

/* a and b equal to a part in 1e9 (the same sum added in another order) */
static int same(double a, double b)
{
	return fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b)) + 1e-12;
}

int ctk_actual_u(const struct ctk_run_result *r, const struct ctk_co2_result *c, int co2, double actual,
		 double *u)
{
	struct ctk_co2_u cu;

	*u = 0;
	if (co2) {
		if (!c->have)
			return 0;
		ctk_run_co2_u(r, c, &cu);
		if (r->nwin > 0 && same(actual, c->epochs_g))
			return *u = cu.epochs_g, 1;
		if (c->known && same(actual, c->co2_g))
			return *u = cu.co2_g, 1;
		return 0;
	}
	if (r->nwin > 0 && same(actual, ctk_run_epochs_energy_j(r)))
		return *u = ctk_run_epochs_energy_u_j(r), 1;
	if (same(actual, ctk_run_energy_j(r)))
		return *u = ctk_run_energy_u_j(r, NULL), 1;
	return 0;
}

static int store_energy(sqlite3 *db, const struct ctk_run_result *r, struct ctk_error *err)
{
	sqlite3_stmt *ee = NULL, *de = NULL;
	int rc = 0;

	if (ctk_db_prepare(db, "UPDATE epoch_energy SET energy_u_j = ?, gap_s = ? WHERE run_id = ? AND idx = ? "
			   "AND attempt = ? AND device_id = ? AND energy_j IS NOT NULL", &ee, err) ||
	    ctk_db_prepare(db, "UPDATE device_energy SET energy_u_j = ?, "
			   "in_epochs_u_j = CASE WHEN in_epochs_j IS NOT NULL THEN ? END, "
			   "outside_epochs_u_j = CASE WHEN outside_epochs_j IS NOT NULL THEN ? END, "
			   "gap_s = ? WHERE device_id = ? AND energy_j IS NOT NULL", &de, err)) {
		sqlite3_finalize(ee);
		return CTK_EDB;
	}
	for (int i = 0; i < r->ndev && !rc; i++) {
		double in_u = 0, gap, u;
		for (int k = 0; k < r->nwin && !rc; k++) {
			u = ctk_dev_energy_u_j(r, i, k, &gap);
			in_u += u;
			sqlite3_reset(ee);
			sqlite3_bind_double(ee, 1, u);
			sqlite3_bind_double(ee, 2, gap);
			sqlite3_bind_int64(ee, 3, r->run_id);
			sqlite3_bind_int64(ee, 4, r->win[k].idx);
			sqlite3_bind_int(ee, 5, r->win[k].attempt);
			sqlite3_bind_int64(ee, 6, r->dev[i].device_id);
			if (sqlite3_step(ee) != SQLITE_DONE)
				rc = ctk_db_fail(db, err, "store epoch energy uncertainty");
		}
		u = ctk_dev_energy_u_j(r, i, -1, &gap);
		sqlite3_reset(de);
		sqlite3_bind_double(de, 1, u);
		ctk_bind_double_or_null(de, 2, in_u, r->nwin > 0);
		ctk_bind_double_or_null(de, 3, u + in_u, r->nwin > 0);
		sqlite3_bind_double(de, 4, gap);
		sqlite3_bind_int64(de, 5, r->dev[i].device_id);
		if (!rc && sqlite3_step(de) != SQLITE_DONE)
			rc = ctk_db_fail(db, err, "store device energy uncertainty");
	}
	sqlite3_finalize(ee);
	sqlite3_finalize(de);
	return rc;
}

static int store_co2(sqlite3 *db, const struct ctk_run_result *r, const struct ctk_co2_result *c,
		     struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	struct ctk_co2_u u;
	int rc = 0;

	if (!c->have)
		return 0;
	ctk_run_co2_u(r, c, &u);
	if (ctk_db_prepare(db, "UPDATE run_co2 SET co2_u_g = CASE WHEN co2_g IS NULL THEN NULL ELSE ? END, "
			   "priced_co2_u_g = CASE WHEN priced_co2_g IS NULL THEN NULL ELSE ? END, "
			   "epochs_co2_u_g = CASE WHEN epochs_co2_g IS NULL THEN NULL ELSE ? END, "
			   "outside_co2_u_g = CASE WHEN outside_co2_g IS NULL THEN NULL ELSE ? END WHERE run_id = ?",
			   &st, err))
		return CTK_EDB;
	sqlite3_bind_double(st, 1, u.co2_g);
	sqlite3_bind_double(st, 2, u.priced_g);
	sqlite3_bind_double(st, 3, u.epochs_g);
	sqlite3_bind_double(st, 4, u.outside_g);
	sqlite3_bind_int64(st, 5, r->run_id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = ctk_db_fail(db, err, "store CO2 uncertainty");
	sqlite3_finalize(st);
	if (rc || ctk_db_prepare(db, "UPDATE epoch_co2 SET co2_u_g = ? WHERE run_id = ? AND idx = ? AND attempt = ? "
				 "AND co2_g IS NOT NULL", &st, err))
		return rc ? rc : CTK_EDB;
	for (int k = 0; k < r->nwin && k < c->nwin && !rc; k++) {
		sqlite3_reset(st);
		sqlite3_bind_double(st, 1, ctk_epoch_co2_u_g(r, c, k));
		sqlite3_bind_int64(st, 2, r->run_id);
		sqlite3_bind_int64(st, 3, r->win[k].idx);
		sqlite3_bind_int(st, 4, r->win[k].attempt);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = ctk_db_fail(db, err, "store epoch CO2 uncertainty");
	}
	sqlite3_finalize(st);
	return rc;
}

/* predictions.actual_u for the energy and CO2 targets whose actual is a
 * measured total (the epochs', or the run's). */
static int store_actual(sqlite3 *db, const struct ctk_run_result *r, const struct ctk_co2_result *c,
			struct ctk_error *err)
{
	sqlite3_stmt *sel = NULL, *up = NULL;
	int rc = 0;

	if (ctk_db_prepare(db, "SELECT DISTINCT target, actual FROM predictions WHERE run_id = ? AND "
			   "target IN ('energy','co2') AND actual IS NOT NULL", &sel, err) ||
	    ctk_db_prepare(db, "UPDATE predictions SET actual_u = ? WHERE run_id = ? AND target = ? AND actual = ?",
			   &up, err)) {
		sqlite3_finalize(sel);
		return CTK_EDB;
	}
	sqlite3_bind_int64(sel, 1, r->run_id);
	while (!rc && sqlite3_step(sel) == SQLITE_ROW) {
		const char *target = (const char *)sqlite3_column_text(sel, 0);
		double actual = sqlite3_column_double(sel, 1), u;
		if (!target || !ctk_actual_u(r, c, target[0] == 'c', actual, &u))
			continue;
		sqlite3_reset(up);
		sqlite3_bind_double(up, 1, u);
		sqlite3_bind_int64(up, 2, r->run_id);
		sqlite3_bind_text(up, 3, target, -1, SQLITE_TRANSIENT);
		sqlite3_bind_double(up, 4, actual);
		if (sqlite3_step(up) != SQLITE_DONE)
			rc = ctk_db_fail(db, err, "store the uncertainty of the predictions' actual");
	}
	sqlite3_finalize(sel);
	sqlite3_finalize(up);
	return rc;
}

int ctk_uncert_store(sqlite3 *db, const struct ctk_run_result *r, const struct ctk_co2_result *c,
		     struct ctk_error *err)
{
	int rc = store_energy(db, r, err);
	if (!rc)
		rc = store_co2(db, r, c, err);
	if (!rc)
		rc = store_actual(db, r, c, err);
	return rc;
}
