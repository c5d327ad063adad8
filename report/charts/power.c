/* Chart "power": power over time of every device of a run and their total,
 * epochs shaded, and the run's carbon intensity on a second axis when the
 * store has a series for its zone. Readings are streamed through
 * ctk_sample_reader into min/max/mean envelopes of about one column per
 * pixel of the 2x PNG, so a week at 10 Hz draws as fast as a minute and a
 * single-reading peak still shows. Devices are streamed in parallel (one
 * read-only connection per thread, at most one thread per core). */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/db.h"
#include "common/samples.h"
#include "common/util.h"
#include "report/charts.h"
#include "report/co2.h"

#define MAX_DEV 16
#define MAX_COLS 400   /* about the plot width of the 2x PNG, in pixels */

/* Stream device_id's readings into e (power in W; from the counter's slope
 * when a reading has no power). */
static int stream_device(sqlite3 *db, int64_t device_id, struct ctk_envelope *e, struct ctk_error *err)
{
	struct ctk_sample_reader *rd = NULL;
	struct ctk_reading r, prev = {0};
	const char *signal;
	int rc, has_prev = 0;

	if ((rc = ctk_sample_reader_new(db, device_id, &rd, err)))
		return rc;
	while ((rc = ctk_sample_next(rd, &r, &signal, err)) == 1) {
		if (r.has_power)
			ctk_envelope_add(e, r.t_ns, (double)r.power_mw / 1000.0);
		else if (r.has_energy && has_prev && prev.has_energy && r.t_ns > prev.t_ns)
			ctk_envelope_add(e, r.t_ns, (double)(r.energy_uj - prev.energy_uj) / 1e6 /
							((double)(r.t_ns - prev.t_ns) / 1e9));
		prev = r;
		has_prev = 1;
	}
	ctk_sample_reader_free(rd);
	return rc < 0 ? rc : 0;
}

/* Devices of one run streamed by up to MAX_THREADS threads; each thread
 * takes the next device index under the lock, on its own connection. */
#define MAX_THREADS 8

struct pool {
	const char *path;
	const int64_t *dev;
	struct ctk_envelope *env;
	int ndev, next, rc;
	struct ctk_error err;
	pthread_mutex_t lock;
};

static void *stream_worker(void *arg)
{
	struct pool *p = arg;
	struct ctk_error err = {0};
	sqlite3 *db = NULL;
	int rc = ctk_db_open(p->path, CTK_DB_READONLY, &db, &err);

	for (;;) {
		int i;
		pthread_mutex_lock(&p->lock);
		i = rc || p->rc ? p->ndev : p->next++;
		pthread_mutex_unlock(&p->lock);
		if (i >= p->ndev)
			break;
		rc = stream_device(db, p->dev[i], &p->env[i], &err);
	}
	ctk_db_close(db);
	if (rc) {
		pthread_mutex_lock(&p->lock);
		if (!p->rc) {
			p->rc = rc;
			p->err = err;
		}
		pthread_mutex_unlock(&p->lock);
	}
	return NULL;
}

/* Stream every device into its envelope; in parallel when the store is a file. */
static int stream_all(sqlite3 *db, const int64_t *dev, struct ctk_envelope *env, int ndev, struct ctk_error *err)
{
	const char *path = sqlite3_db_filename(db, "main");
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int nthr = (int)(cores < ndev ? cores : ndev), started = 0;
	pthread_t thr[MAX_THREADS];
	struct pool p = {.path = path, .dev = dev, .env = env, .ndev = ndev};

	if (nthr > MAX_THREADS)
		nthr = MAX_THREADS;
	if (!path || !path[0] || nthr < 2) {
		for (int i = 0; i < ndev; i++) {
			int rc = stream_device(db, dev[i], &env[i], err);
			if (rc)
				return rc;
		}
		return 0;
	}
	pthread_mutex_init(&p.lock, NULL);
	for (int t = 0; t < nthr; t++)
		if (pthread_create(&thr[t], NULL, stream_worker, &p) == 0)
			started++;
	if (!started) /* no thread could start: stream here */
		stream_worker(&p);
	for (int t = 0; t < started; t++)
		pthread_join(thr[t], NULL);
	pthread_mutex_destroy(&p.lock);
	if (p.rc) {
		*err = p.err;
		return p.rc;
	}
	return 0;
}

struct step {
	int64_t start_ns, end_ns;
	double g_per_kwh;
	int estimated;
};

/* Intensity values of series_id overlapping [t0, t1] (a run's worth: small). */
static int load_intensity(sqlite3 *db, int64_t series_id, int64_t t0, int64_t t1, struct step **out, int *n,
			  struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	struct step *v = NULL;
	int cap = 0;

	*n = 0;
	if (ctk_db_prepare(db, "SELECT start_ns, end_ns, g_per_kwh, estimated FROM intensity WHERE series_id = ? "
			   "AND start_ns < ? AND end_ns > ? ORDER BY start_ns", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, series_id);
	sqlite3_bind_int64(st, 2, t1);
	sqlite3_bind_int64(st, 3, t0);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			struct step *nv = realloc(v, (size_t)cap * sizeof(*nv));
			if (!nv) {
				free(v);
				sqlite3_finalize(st);
				return ctk_failf(err, CTK_ENOMEM, "out of memory");
			}
			v = nv;
		}
		v[*n].start_ns = sqlite3_column_int64(st, 0);
		v[*n].end_ns = sqlite3_column_int64(st, 1);
		v[*n].g_per_kwh = sqlite3_column_double(st, 2);
		v[*n].estimated = sqlite3_column_int(st, 3);
		(*n)++;
	}
	sqlite3_finalize(st);
	*out = v;
	return 0;
}

/* Shade the run's epochs in the plot area, numbering them when room allows. */
static int shade_epochs(sqlite3 *db, struct ctk_plot *p, int64_t run_id, int64_t t0, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	cairo_t *cr = p->cr;
	char buf[32];

	if (ctk_db_prepare(db, "SELECT idx, start_ns, end_ns FROM windows WHERE run_id = ? AND kind = 'epoch' "
			   "ORDER BY start_ns", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	ctk_plot_clip(p);
	ctk_font(cr, CTK_FONT_TICK, 0);
	while (sqlite3_step(st) == SQLITE_ROW) {
		double xa = ctk_plot_px(p, (double)(sqlite3_column_int64(st, 1) - t0) / 1e9);
		double xb = ctk_plot_px(p, (double)(sqlite3_column_int64(st, 2) - t0) / 1e9);
		cairo_set_source_rgb(cr, 0.90, 0.90, 0.90);
		cairo_rectangle(cr, xa, p->y0, xb - xa, p->y1 - p->y0);
		cairo_fill(cr);
		snprintf(buf, sizeof buf, "%lld", (long long)sqlite3_column_int64(st, 0));
		if (xb - xa > ctk_text_width(cr, buf) + 2) {
			cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
			ctk_text(cr, (xa + xb) / 2, p->y1 - 1.5, buf, 0.5, 1);
		}
	}
	cairo_restore(cr);
	sqlite3_finalize(st);
	return 0;
}

/* How many baseline and phase windows run_id has (for the legend). */
static int count_phases(sqlite3 *db, int64_t run_id, int *nbase, int *nphase, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;

	*nbase = *nphase = 0;
	if (ctk_db_prepare(db, "SELECT sum(kind = 'baseline'), sum(kind = 'phase') FROM windows WHERE run_id = ?", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*nbase = sqlite3_column_int(st, 0);
		*nphase = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	return 0;
}

/* Baseline windows in light blue with "baseline", phases as a
 * bracket along the top with their names: what the run did when. */
static int draw_phases(sqlite3 *db, struct ctk_plot *p, int64_t run_id, int64_t t0, int *nbase, int *nphase,
		       struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	cairo_t *cr = p->cr;

	*nbase = *nphase = 0;
	if (ctk_db_prepare(db, "SELECT kind, coalesce(name, kind), start_ns, end_ns FROM windows WHERE run_id = ? "
			   "AND kind IN ('baseline', 'phase') ORDER BY start_ns", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	ctk_plot_clip(p);
	ctk_font(cr, CTK_FONT_TICK, 0);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int base = !strcmp((const char *)sqlite3_column_text(st, 0), "baseline");
		const char *name = (const char *)sqlite3_column_text(st, 1);
		double xa = ctk_plot_px(p, (double)(sqlite3_column_int64(st, 2) - t0) / 1e9);
		double xb = ctk_plot_px(p, (double)(sqlite3_column_int64(st, 3) - t0) / 1e9);
		if (base) {
			(*nbase)++;
			cairo_set_source_rgba(cr, 0.34, 0.71, 0.91, 0.25); /* sky blue, light */
			cairo_rectangle(cr, xa, p->y0, xb - xa, p->y1 - p->y0);
			cairo_fill(cr);
		} else {
			double y = p->y0 + 2 + (*nphase % 2) * (CTK_FONT_TICK + 2);
			(*nphase)++;
			cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
			cairo_set_line_width(cr, 0.6);
			cairo_move_to(cr, xa, y + CTK_FONT_TICK + 1);
			cairo_line_to(cr, xa, y);
			cairo_line_to(cr, xb, y);
			cairo_line_to(cr, xb, y + CTK_FONT_TICK + 1);
			cairo_stroke(cr);
			if (xb - xa > ctk_text_width(cr, name) + 2)
				ctk_text(cr, (xa + xb) / 2, y + 1, name, 0.5, 0);
		}
	}
	cairo_restore(cr);
	sqlite3_finalize(st);
	return 0;
}

int ctk_chart_power(struct ctk_report *r, int64_t run_id, struct ctk_plot *p, cairo_t *cr, char *text,
		    size_t text_size, struct ctk_error *err)
{
	struct ctk_run_info ri;
	struct ctk_envelope env[MAX_DEV], total;
	int64_t dev[MAX_DEV], min_readings = INT64_MAX, series = -1;
	char devname[MAX_DEV][32];
	struct step *iv = NULL;
	sqlite3_stmt *st = NULL;
	int ndev = 0, nint = 0, cols, rc, more = 0, flat = 0, nbase = 0, nphase = 0, many;
	double ymax = 0, span_s, imax = 0, flat_g = 0;
	struct ctk_envelope range;

	memset(env, 0, sizeof env);
	memset(&total, 0, sizeof total);
	memset(&range, 0, sizeof range);
	if ((rc = ctk_run_info_get(r->db, run_id, &ri, err)))
		return rc;
	if (ctk_db_prepare(r->db, "SELECT device_id, kind, idx, coalesce((SELECT readings FROM device_energy e WHERE "
			   "e.device_id = d.device_id), (SELECT sum(n) FROM sample_chunks c WHERE c.device_id = d.device_id)) "
			   "FROM devices d WHERE run_id = ? ORDER BY kind DESC, idx, device_id",
			   &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t nr = sqlite3_column_int64(st, 3);
		if (nr <= 0)
			continue;
		if (ndev == MAX_DEV) {
			more++;
			continue;
		}
		dev[ndev] = sqlite3_column_int64(st, 0);
		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			snprintf(devname[ndev], sizeof devname[0], "%s%d", (const char *)sqlite3_column_text(st, 1),
				 sqlite3_column_int(st, 2));
		else
			snprintf(devname[ndev], sizeof devname[0], "%s#%lld", (const char *)sqlite3_column_text(st, 1),
				 (long long)dev[ndev]);
		if (nr < min_readings)
			min_readings = nr;
		ndev++;
	}
	sqlite3_finalize(st);
	if (ndev == 0 || !ri.has_span || ri.ended_ns <= ri.started_ns) {
		snprintf(text, text_size, "run %lld has no readings", (long long)run_id);
		return CTK_CHART_SKIP;
	}
	/* about two readings per column at least, one column per pixel at most */
	cols = (int)(min_readings / 2 < MAX_COLS ? min_readings / 2 : MAX_COLS);
	if (cols < 8)
		cols = 8;
	for (int i = 0; i < ndev && !rc; i++)
		if (ctk_envelope_init(&env[i], cols, ri.started_ns, ri.ended_ns))
			rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
	if (!rc)
		rc = stream_all(r->db, dev, env, ndev, err);
	if (!rc && (ctk_envelope_init(&total, cols, ri.started_ns, ri.ended_ns) ||
		    ctk_envelope_init(&range, cols, ri.started_ns, ri.ended_ns)))
		rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
	many = ndev > CTK_DEVICE_COLORS; /* more: the total and the devices' min-max band */
	if (rc)
		goto out;
	/* total: per column, the sum of the devices' means (only where all have readings) */
	for (int c = 0; c < cols; c++) {
		double s = 0;
		int all = 1;
		double lo = INFINITY, hi = -INFINITY;
		for (int i = 0; i < ndev; i++) {
			if (!env[i].cnt[c]) {
				all = 0;
				break;
			}
			double m = env[i].sum[c] / (double)env[i].cnt[c];
			s += m;
			lo = fmin(lo, m);
			hi = fmax(hi, m);
			if (env[i].max[c] > ymax)
				ymax = env[i].max[c];
		}
		if (all && many) {
			range.min[c] = lo;
			range.max[c] = hi;
			range.sum[c] = (lo + hi) / 2;
			range.cnt[c] = 1;
		}
		if (all && ndev > 1) {
			total.sum[c] = total.min[c] = total.max[c] = s;
			total.cnt[c] = 1;
			if (s > ymax)
				ymax = s;
		}
	}
	if ((rc = ctk_run_intensity_series(r->db, run_id, ri.started_ns, ri.ended_ns, &series, err)))
		goto out;
	if (series >= 0 && (rc = load_intensity(r->db, series, ri.started_ns, ri.ended_ns, &iv, &nint, err)))
		goto out;
	for (int i = 0; i < nint; i++)
		if (iv[i].g_per_kwh > imax)
			imax = iv[i].g_per_kwh;
	/* priced with one yearly or constant value: a flat line */
	if (!nint && (rc = ctk_run_flat_intensity(r->db, run_id, &flat_g, &flat, err)))
		goto out;
	if (flat)
		imax = flat_g;

	span_s = (double)(ri.ended_ns - ri.started_ns) / 1e9;
	ctk_axis_time(&p->x, span_s, "Time since start");
	p->y.scale = ymax >= 10000 ? 1e-3 : 1;
	snprintf(p->y.label, sizeof p->y.label, "Power (%s)", ymax >= 10000 ? "kW" : "W");
	ctk_axis_nice(&p->y, 0, ymax * p->y.scale * 1.02, 6, 1);
	if (nint || flat) {
		p->has_y2 = 1;
		p->y2.scale = 1;
		snprintf(p->y2.label, sizeof p->y2.label, "Intensity (g CO\u2082/kWh)");
		ctk_axis_nice(&p->y2, 0, imax * 1.02, 6, 1);
	}
	if (many) {
		char name[64];
		ctk_legend_add(&p->legend, "device min\u2013max", ctk_device_color(0), CTK_MARK_BAND);
		snprintf(name, sizeof name, "total of %d", ndev);
		ctk_legend_add(&p->legend, name, -1, CTK_MARK_LINE);
	} else {
		for (int i = 0; i < ndev; i++)
			ctk_legend_add(&p->legend, devname[i], ctk_device_color(i), CTK_MARK_LINE);
		if (ndev > 1)
			ctk_legend_add(&p->legend, "total", -1, CTK_MARK_LINE);
	}
	if (ri.nepochs)
		ctk_legend_add(&p->legend, "epochs", -2, CTK_MARK_BAND);
	if ((rc = count_phases(r->db, run_id, &nbase, &nphase, err)))
		goto out;
	if (nbase)
		ctk_legend_add(&p->legend, "baseline", 1, CTK_MARK_BAND);
	if (nint || flat)
		ctk_legend_add(&p->legend, flat ? "intensity (one value)" : "intensity", CTK_COLOR_INTENSITY, CTK_MARK_DASH);
	ctk_plot_layout(p, cr, CTK_FIG_W_PT, CTK_FIG_H_PT);
	if ((rc = shade_epochs(r->db, p, run_id, ri.started_ns, err)) ||
	    (rc = draw_phases(r->db, p, run_id, ri.started_ns, &nbase, &nphase, err)))
		goto out;
	ctk_plot_clip(p);
	if (many) {
		ctk_envelope_draw(p, &range, ctk_device_color(0), 0, 1, 1, 0);
	} else {
		for (int i = 0; i < ndev; i++)
			ctk_envelope_draw(p, &env[i], ctk_device_color(i), 0, 1, 1, 0.6);
	}
	if (ndev > 1)
		ctk_envelope_draw(p, &total, -1, 0, 1, 0, 0.9);
	if (flat) {
		double d[] = {2.5, 1.5}, y = ctk_plot_py2(p, flat_g);
		ctk_color(cr, CTK_COLOR_INTENSITY, 1);
		cairo_set_line_width(cr, 1.0);
		cairo_set_dash(cr, d, 2, 0);
		cairo_move_to(cr, p->x0, y);
		cairo_line_to(cr, p->x1, y);
		cairo_stroke(cr);
		cairo_set_dash(cr, NULL, 0, 0);
	}
	if (nint) {
		double d[] = {2.5, 1.5};
		ctk_color(cr, CTK_COLOR_INTENSITY, 1);
		cairo_set_line_width(cr, 1.0);
		cairo_set_dash(cr, d, 2, 0);
		for (int i = 0; i < nint; i++) {
			double xa = ctk_plot_px(p, (double)(iv[i].start_ns - ri.started_ns) / 1e9);
			double xb = ctk_plot_px(p, (double)(iv[i].end_ns - ri.started_ns) / 1e9);
			double y = ctk_plot_py2(p, iv[i].g_per_kwh);
			if (i == 0 || iv[i].start_ns != iv[i - 1].end_ns)
				cairo_move_to(cr, xa, y);
			else
				cairo_line_to(cr, xa, y);
			cairo_line_to(cr, xb, y);
		}
		cairo_stroke(cr);
	}
	cairo_restore(cr);
	ctk_plot_axes(p);
	if (many)
		snprintf(text, text_size, "Total power of the %d devices (black) and the range of the devices' powers "
			 "(band: lowest to highest device mean in each of %d time columns)", ndev, cols);
	else
		snprintf(text, text_size,
			 "Power of each device (bands: minimum to maximum of the readings in each of %d time columns; "
			 "lines: column means)%s", cols, ndev > 1 ? " and their total (black)" : "");
	ctk_appendf(text, text_size, "%s%s%s%s%s.", ri.nepochs ? ", epochs shaded and numbered" : "",
		    nbase ? ", the idle baseline in light blue" : "", nphase ? ", marked phases bracketed along the top" : "",
		    nint ? ", and the grid's carbon intensity (dashed, right axis, step values)"
			 : flat ? ", and the one carbon-intensity value the run was priced at (dashed, right axis)" : "",
		    more ? "; only the first 16 devices are drawn and summed" : "");
out:
	for (int i = 0; i < ndev; i++)
		ctk_envelope_release(&env[i]);
	ctk_envelope_release(&total);
	ctk_envelope_release(&range);
	free(iv);
	return rc;
}
