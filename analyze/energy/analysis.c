/* Energy analysis of a run (see analysis.h): loads the run, its epoch
 * windows and devices, integrates every device's readings over the epochs,
 * and stores the results. The sums and coverage helpers keep the "devices
 * are summed, never averaged" rule in one place. */
#include "analyze/energy/analysis.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/time.h"

static void copy_col(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);
	snprintf(dst, size, "%s", s ? (const char *)s : "");
}

static int load_run(sqlite3 *db, int64_t run_id, struct ctk_run_result *r, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (ctk_db_prepare(db, "SELECT label, source, host, tz, started_ns, ended_ns, simulated, "
			   "planned_epochs FROM runs WHERE run_id = ?", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return ctk_failf(err, CTK_EUSAGE, "no run %lld in the store", (long long)run_id);
	}
	r->run_id = run_id;
	copy_col(r->label, sizeof r->label, st, 0);
	copy_col(r->source, sizeof r->source, st, 1);
	copy_col(r->host, sizeof r->host, st, 2);
	copy_col(r->tz, sizeof r->tz, st, 3);
	r->has_span = sqlite3_column_type(st, 4) != SQLITE_NULL && sqlite3_column_type(st, 5) != SQLITE_NULL;
	r->started_ns = sqlite3_column_int64(st, 4);
	r->ended_ns = sqlite3_column_int64(st, 5);
	r->simulated = sqlite3_column_int(st, 6);
	r->planned_epochs = sqlite3_column_int(st, 7);
	sqlite3_finalize(st);
	return 0;
}

static int load_epochs(sqlite3 *db, struct ctk_run_result *r, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int cap = 0;

	/* first: no earlier window (in time) has this epoch number */
	if (ctk_db_prepare(db, "SELECT coalesce(idx, 0), start_ns, end_ns, items, attempt, NOT EXISTS ("
			   "SELECT 1 FROM windows l WHERE l.run_id = w.run_id AND l.kind = 'epoch' AND l.idx = w.idx "
			   "AND (l.start_ns < w.start_ns OR (l.start_ns = w.start_ns AND l.attempt < w.attempt))) "
			   "FROM windows w WHERE run_id = ? AND kind = 'epoch' ORDER BY start_ns, idx, attempt", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, r->run_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (r->nwin == cap) {
			cap = cap ? cap * 2 : 16;
			struct ctk_span *w = realloc(r->win, (size_t)cap * sizeof(*w));
			int64_t *it = w ? realloc(r->items, (size_t)cap * sizeof(*it)) : NULL;
			if (w)
				r->win = w;
			if (!w || !it) {
				sqlite3_finalize(st);
				return ctk_failf(err, CTK_ENOMEM, "out of memory");
			}
			r->items = it;
		}
		r->win[r->nwin].idx = sqlite3_column_int64(st, 0);
		r->win[r->nwin].start_ns = sqlite3_column_int64(st, 1);
		r->win[r->nwin].end_ns = sqlite3_column_int64(st, 2);
		r->items[r->nwin] = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 3);
		r->win[r->nwin].attempt = sqlite3_column_int(st, 4);
		r->win[r->nwin].first = sqlite3_column_int(st, 5);
		r->attempts_repeated += r->win[r->nwin].attempt > 1;
		r->nwin++;
	}
	sqlite3_finalize(st);
	return 0;
}

static int load_baselines(sqlite3 *db, struct ctk_run_result *r, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;

	if (ctk_db_prepare(db, "SELECT coalesce(idx, 0), start_ns, end_ns FROM windows "
			   "WHERE run_id = ? AND kind = 'baseline' AND end_ns > start_ns ORDER BY start_ns", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, r->run_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct ctk_span *b = realloc(r->base, (size_t)(r->nbase + 1) * sizeof(*b));
		if (!b) {
			sqlite3_finalize(st);
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		}
		r->base = b;
		r->base[r->nbase].idx = sqlite3_column_int64(st, 0);
		r->base[r->nbase].start_ns = sqlite3_column_int64(st, 1);
		r->base[r->nbase].end_ns = sqlite3_column_int64(st, 2);
		r->base[r->nbase].attempt = r->base[r->nbase].first = 1;
		r->nbase++;
	}
	sqlite3_finalize(st);
	if (r->nbase) {
		/* one more span, after the last baseline: where gross/net energy is counted */
		struct ctk_span *b = realloc(r->base, (size_t)(r->nbase + 1) * sizeof(*b));
		if (!b)
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		r->base = b;
		r->base[r->nbase] = (struct ctk_span){.idx = -1, .start_ns = r->base[r->nbase - 1].end_ns,
						      .end_ns = INT64_MAX, .attempt = 1, .first = 1};
	}
	return 0;
}

static int load_devices(sqlite3 *db, struct ctk_run_result *r, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int cap = 0;

	if (ctk_db_prepare(db, "SELECT device_id, kind, name, uuid, bus_id, idx, flags, power_limit_w, host FROM devices "
			   "WHERE run_id = ? ORDER BY kind DESC, host, idx, device_id", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, r->run_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (r->ndev == cap) {
			cap = cap ? cap * 2 : 8;
			struct ctk_dev_result *d = realloc(r->dev, (size_t)cap * sizeof(*d));
			if (!d) {
				sqlite3_finalize(st);
				return ctk_failf(err, CTK_ENOMEM, "out of memory");
			}
			r->dev = d;
		}
		struct ctk_dev_result *d = &r->dev[r->ndev];
		memset(d, 0, sizeof(*d));
		d->device_id = sqlite3_column_int64(st, 0);
		copy_col(d->kind, sizeof d->kind, st, 1);
		copy_col(d->name, sizeof d->name, st, 2);
		copy_col(d->uuid, sizeof d->uuid, st, 3);
		copy_col(d->bus_id, sizeof d->bus_id, st, 4);
		d->has_idx = sqlite3_column_type(st, 5) != SQLITE_NULL;
		d->idx = sqlite3_column_int(st, 5);
		copy_col(d->flags, sizeof d->flags, st, 6);
		d->has_power_limit = sqlite3_column_type(st, 7) != SQLITE_NULL;
		d->power_limit_w = sqlite3_column_double(st, 7);
		copy_col(d->host, sizeof d->host, st, 8);
		int seen = 0;
		for (int k = 0; k < r->ndev; k++)
			seen |= !strcmp(r->dev[k].host, d->host);
		r->nhosts += !seen;
		r->ndev++;
	}
	sqlite3_finalize(st);
	return 0;
}

int ctk_analysis_load(sqlite3 *db, int64_t run_id, struct ctk_run_result *r, struct ctk_error *err)
{
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = load_run(db, run_id, r, err)) || (rc = load_epochs(db, r, err)) ||
	    (rc = load_baselines(db, r, err)) || (rc = load_devices(db, r, err)))
		return rc;
	return 0;
}

int ctk_analysis_integrate(sqlite3 *db, struct ctk_run_result *r, ctk_piece_fn fn, void *ctx,
			   struct ctk_error *err)
{
	int rc;

	for (int i = 0; i < r->ndev; i++) {
		struct ctk_dev_result *d = &r->dev[i];
		if (!(d->per = calloc((size_t)(r->nwin ? r->nwin : 1), sizeof(*d->per))) ||
		    !(d->bper = calloc((size_t)r->nbase + 1, sizeof(*d->bper))))
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		ctk_integrator_hook(&d->in, fn, ctx, err);
		if (r->nbase) {
			ctk_integrator_init(&d->bin, r->base, r->nbase + 1, 0, d->bper);
			d->in.also = &d->bin;
		}
		if ((rc = ctk_integrate_device(db, d->device_id, r->win, r->nwin, &d->in, d->per, err)))
			return rc;
		d->period_s = d->in.max_gap_ns / 2e9;
		ctk_resolution_of(&d->in, d->power_limit_w, d->has_power_limit, &d->res);
	}
	return 0;
}

int ctk_analysis_run(sqlite3 *db, int64_t run_id, struct ctk_run_result *r, struct ctk_error *err)
{
	int rc = ctk_analysis_load(db, run_id, r, err);
	return rc ? rc : ctk_analysis_integrate(db, r, NULL, NULL, err);
}

void ctk_run_result_free(struct ctk_run_result *r)
{
	for (int i = 0; i < r->ndev; i++) {
		free(r->dev[i].per);
		free(r->dev[i].bper);
	}
	free(r->dev);
	free(r->base);
	free(r->win);
	free(r->items);
	memset(r, 0, sizeof(*r));
}

int ctk_run_baseline(const struct ctk_run_result *r, struct ctk_baseline *b)
{
	double base_ns = 0, last = 0;

	memset(b, 0, sizeof(*b));
	if (r->nbase == 0 || r->ndev == 0)
		return 0;
	for (int k = 0; k < r->nbase; k++)
		base_ns += (double)(r->base[k].end_ns - r->base[k].start_ns);
	b->after_ns = r->base[r->nbase - 1].end_ns;
	for (int i = 0; i < r->ndev; i++) {
		const struct ctk_dev_result *d = &r->dev[i];
		double e = 0, seen = 0;
		for (int k = 0; k < r->nbase; k++) {
			e += d->bper[k].energy_j;
			seen += d->bper[k].seen_ns;
		}
		if (seen < 0.5 * base_ns)
			return 0; /* a device without readings in the baseline: no idle figure */
		b->idle_w += e / (seen * 1e-9);
		b->gross_j += d->bper[r->nbase].energy_j; /* the span after the baseline */
		if ((double)d->in.last_ns > last)
			last = (double)d->in.last_ns;
	}
	b->baseline_s = base_ns * 1e-9;
	b->span_s = last > (double)b->after_ns ? (last - (double)b->after_ns) * 1e-9 : 0;
	b->idle_j = b->idle_w * b->span_s;
	b->net_j = b->gross_j - b->idle_j;
	return 1;
}

double ctk_run_host_energy_j(const struct ctk_run_result *r, const char *host)
{
	double e = 0;

	for (int i = 0; i < r->ndev; i++)
		if (!strcmp(r->dev[i].host, host))
			e += r->dev[i].in.total.energy_j;
	return e;
}

double ctk_run_energy_j(const struct ctk_run_result *r)
{
	double e = 0;
	for (int i = 0; i < r->ndev; i++)
		e += r->dev[i].in.total.energy_j;
	return e;
}

double ctk_epoch_energy_j(const struct ctk_run_result *r, int k, int *complete)
{
	double e = 0;
	int all = 1;

	for (int i = 0; i < r->ndev; i++) {
		const struct ctk_energy *p = &r->dev[i].per[k];
		if (!p->used_counter && !p->used_power)
			all = 0;
		e += p->energy_j;
	}
	if (complete)
		*complete = all && r->ndev > 0;
	return e;
}

double ctk_run_epochs_energy_j(const struct ctk_run_result *r)
{
	double e = 0;
	for (int k = 0; k < r->nwin; k++)
		e += ctk_epoch_energy_j(r, k, NULL);
	return e;
}

int ctk_run_epochs_known(const struct ctk_run_result *r)
{
	int complete = r->nwin > 0;
	for (int k = 0; k < r->nwin && complete; k++)
		ctk_epoch_energy_j(r, k, &complete);
	return complete;
}

double ctk_epoch_coverage(const struct ctk_run_result *r, int k)
{
	double c = r->ndev ? 1.0 : 0.0;
	for (int i = 0; i < r->ndev; i++) {
		double x = ctk_energy_coverage(&r->dev[i].per[k], r->win[k].start_ns, r->win[k].end_ns);
		if (x < c)
			c = x;
	}
	return c;
}

double ctk_run_coverage(const struct ctk_run_result *r)
{
	double c = r->ndev ? 1.0 : 0.0;
	for (int i = 0; i < r->ndev; i++) {
		const struct ctk_integrator *in = &r->dev[i].in;
		double x = ctk_energy_coverage(&in->total, in->first_ns, in->last_ns);
		if (in->readings < 2)
			x = 0;
		if (x < c)
			c = x;
	}
	return c;
}

/* "1 h 0 min 10 s", "3 min 5 s", "12.3 s": a duration for people. */
static void fmt_span(int64_t ns, char *buf, size_t size)
{
	double s = (double)(ns < 0 ? -ns : ns) / 1e9;
	long long t = (long long)(s + 0.5);

	if (t >= 86400)
		snprintf(buf, size, "%lld d %lld h %lld min", t / 86400, t % 86400 / 3600, t % 3600 / 60);
	else if (t >= 3600)
		snprintf(buf, size, "%lld h %lld min %lld s", t / 3600, t % 3600 / 60, t % 60);
	else if (t >= 60)
		snprintf(buf, size, "%lld min %lld s", t / 60, t % 60);
	else
		snprintf(buf, size, "%.3g s", s);
}

/* Share 0..1 of the epochs' time that has readings (the device that has
 * most in each epoch), and the span of all readings. 0 when there is
 * nothing to compare (no epochs with a length, or no readings). */
static int time_overlap(const struct ctk_run_result *r, double *share, int64_t *first_ns, int64_t *last_ns)
{
	double win_ns = 0, seen_ns = 0;
	int any = 0;

	for (int i = 0; i < r->ndev; i++) {
		const struct ctk_integrator *in = &r->dev[i].in;
		if (in->readings == 0)
			continue;
		*first_ns = any && *first_ns < in->first_ns ? *first_ns : in->first_ns;
		*last_ns = any && *last_ns > in->last_ns ? *last_ns : in->last_ns;
		any = 1;
	}
	for (int k = 0; k < r->nwin; k++) {
		double most = 0;
		win_ns += (double)(r->win[k].end_ns - r->win[k].start_ns);
		for (int i = 0; i < r->ndev; i++)
			most = r->dev[i].per[k].seen_ns > most ? r->dev[i].per[k].seen_ns : most;
		seen_ns += most;
	}
	if (!any || !(win_ns > 0))
		return 0;
	*share = seen_ns / win_ns;
	return 1;
}

int ctk_run_time_check(const struct ctk_run_result *r, char *msg, size_t size)
{
	/* time zones are whole multiples of 15 min (UTC+5:45, +8:45 included,
	 * IANA tz database); an offset within 5 min of one looks like a zone */
	const int64_t quarter_ns = INT64_C(900) * 1000000000, slack_ns = INT64_C(300) * 1000000000;
	double share = 0;
	int64_t rs = 0, re = 0;
	char off[48], zone[48];

	if (r->nwin == 0 || !time_overlap(r, &share, &rs, &re) || share >= 0.5)
		return 0;
	int64_t ws = r->win[0].start_ns, we = r->win[r->nwin - 1].end_ns, offset = rs - ws;
	int64_t q = (offset >= 0 ? offset + quarter_ns / 2 : offset - quarter_ns / 2) / quarter_ns * quarter_ns;
	char t[4][40];
	ctk_time_format(rs, t[0], sizeof t[0]);
	ctk_time_format(re, t[1], sizeof t[1]);
	ctk_time_format(ws, t[2], sizeof t[2]);
	ctk_time_format(we, t[3], sizeof t[3]);
	fmt_span(offset, off, sizeof off);
	int n = snprintf(msg, size, "run %lld: %s (%.0f%% of the epochs' time has readings; readings %s to %s, "
			 "epochs %s to %s): the readings start %s %s the epochs", (long long)r->run_id,
			 share > 0 ? "the epochs and the readings overlap less than half" :
			 "the epochs and the readings do not overlap", 100.0 * share, t[0], t[1], t[2], t[3], off,
			 offset < 0 ? "before" : "after");
	if (n < 0 || (size_t)n >= size)
		return 1;
	if (q != 0 && (offset - q <= slack_ns && q - offset <= slack_ns)) {
		int64_t qm = (q < 0 ? -q : q) / (INT64_C(60) * 1000000000);
		int utc = !*r->tz || !strcmp(r->tz, "UTC");
		if (qm % 60)
			snprintf(zone, sizeof zone, "%lld h %lld min", (long long)(qm / 60), (long long)(qm % 60));
		else
			snprintf(zone, sizeof zone, "%lld h", (long long)(qm / 60));
		snprintf(msg + n, size - (size_t)n, "; about %s, as when times without a zone are read in another "
			 "zone: this run's times were read %s%s%s, check the zone the files were written in (import --tz)",
			 zone, utc ? "as UTC" : "with --tz '", utc ? "" : r->tz, utc ? "" : "'");
	} else {
		snprintf(msg + n, size - (size_t)n, "; the epochs may belong to another run, or the clocks differ "
			 "(check the epochs' times and their zone)");
	}
	return 1;
}

static int store_device(sqlite3 *db, sqlite3_stmt *de, sqlite3_stmt *ee, const struct ctk_run_result *r,
			const struct ctk_dev_result *d, struct ctk_error *err)
{
	const struct ctk_integrator *in = &d->in;
	double in_epochs = 0;
	int every = r->nwin > 0;   /* energy in every epoch: else in/outside epochs are unknown */

	for (int k = 0; k < r->nwin; k++) {
		const struct ctk_energy *p = &d->per[k];
		int any = p->used_counter || p->used_power;
		in_epochs += p->energy_j;
		every &= any;
		sqlite3_reset(ee);
		sqlite3_bind_int64(ee, 1, r->run_id);
		sqlite3_bind_int64(ee, 2, r->win[k].idx);
		sqlite3_bind_int64(ee, 3, d->device_id);
		ctk_bind_double_or_null(ee, 4, p->energy_j, any);
		sqlite3_bind_text(ee, 5, ctk_energy_method(p), -1, SQLITE_STATIC);
		sqlite3_bind_double(ee, 6, ctk_energy_coverage(p, r->win[k].start_ns, r->win[k].end_ns));
		sqlite3_bind_int(ee, 7, r->win[k].attempt);
		if (sqlite3_step(ee) != SQLITE_DONE)
			return ctk_db_fail(db, err, "store epoch energy");
	}
	int any = in->total.used_counter || in->total.used_power;
	sqlite3_reset(de);
	sqlite3_bind_int64(de, 1, d->device_id);
	sqlite3_bind_int64(de, 2, r->run_id);
	ctk_bind_int64_or_null(de, 3, in->first_ns, in->readings > 0);
	ctk_bind_int64_or_null(de, 4, in->last_ns, in->readings > 0);
	sqlite3_bind_int64(de, 5, in->readings);
	ctk_bind_double_or_null(de, 6, in->total.energy_j, any);
	ctk_bind_double_or_null(de, 7, in_epochs, any && every);
	ctk_bind_double_or_null(de, 8, in->total.energy_j - in_epochs, any && every);
	sqlite3_bind_text(de, 9, ctk_energy_method(&in->total), -1, SQLITE_STATIC);
	sqlite3_bind_double(de, 10, in->readings > 1 ? ctk_energy_coverage(&in->total, in->first_ns, in->last_ns) : 0);
	ctk_bind_double_or_null(de, 11, d->period_s, d->period_s > 0);
	if (sqlite3_step(de) != SQLITE_DONE)
		return ctk_db_fail(db, err, "store device energy");
	return 0;
}

int ctk_analysis_store(sqlite3 *db, const struct ctk_run_result *r, struct ctk_error *err)
{
	sqlite3_stmt *de = NULL, *ee = NULL;
	int rc;

	if ((rc = ctk_db_exec_id(db, "DELETE FROM epoch_energy WHERE run_id = ?", r->run_id, err)) ||
	    (rc = ctk_db_exec_id(db, "DELETE FROM device_energy WHERE run_id = ?", r->run_id, err)))
		return rc;
	if (ctk_db_prepare(db, "INSERT INTO device_energy(device_id, run_id, first_ns, last_ns, readings, "
			   "energy_j, in_epochs_j, outside_epochs_j, method, coverage, period_s) "
			   "VALUES (?,?,?,?,?,?,?,?,?,?,?)", &de, err) ||
	    ctk_db_prepare(db, "INSERT INTO epoch_energy(run_id, idx, device_id, energy_j, method, coverage, attempt) "
			   "VALUES (?,?,?,?,?,?,?)", &ee, err)) {
		sqlite3_finalize(de);
		return CTK_EDB;
	}
	for (int i = 0; i < r->ndev && !rc; i++)
		rc = store_device(db, de, ee, r, &r->dev[i], err);
	sqlite3_finalize(de);
	sqlite3_finalize(ee);
	return rc;
}

int ctk_analysis_run_ids(sqlite3 *db, const char *spec, int64_t **ids, int *n, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int cap = 0, rc;

	*ids = NULL;
	*n = 0;
	if (spec) {
		if (!(*ids = malloc(sizeof(**ids))))
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		if ((rc = ctk_db_find_run(db, spec, &(*ids)[0], err))) {
			free(*ids);
			*ids = NULL;
			return rc;
		}
		*n = 1;
		return 0;
	}
	if (ctk_db_prepare(db, "SELECT run_id FROM runs ORDER BY run_id", &st, err))
		return CTK_EDB;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			int64_t *p = realloc(*ids, (size_t)cap * sizeof(*p));
			if (!p) {
				sqlite3_finalize(st);
				return ctk_failf(err, CTK_ENOMEM, "out of memory");
			}
			*ids = p;
		}
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return 0;
}
