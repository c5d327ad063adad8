/* Streaming energy integration (see integrate.h). Each pair of consecutive
 * readings is a segment; its energy is spread over the windows it overlaps:
 * uniformly in time for a counter difference (linear interpolation of the
 * counter), as the exact integral of the linear power for the trapezoid. */
#include "analyze/energy/integrate.h"

#include <stdlib.h>
#include <string.h>

#include "common/db.h"

void ctk_integrator_init(struct ctk_integrator *in, const struct ctk_span *win, int nwin,
			 double period_s, struct ctk_energy *per)
{
	memset(in, 0, sizeof(*in));
	in->win = win;
	in->nwin = nwin;
	in->per = per;
	in->max_gap_ns = period_s > 0 ? 2.0 * period_s * 1e9 : 0;
}

/* Energy (J) of the segment r0→r1 between times x and y (t0 <= x <= y <= t1). */
static double part_energy(const struct ctk_reading *r0, const struct ctk_reading *r1, int counter,
			  int64_t x, int64_t y)
{
	double dt = (double)(r1->t_ns - r0->t_ns);
	double fx = (double)(x - r0->t_ns) / dt, fy = (double)(y - r0->t_ns) / dt;

	if (counter)
		return (double)(r1->energy_uj - r0->energy_uj) * 1e-6 * (fy - fx);
	double p0 = (double)r0->power_mw * 1e-3, p1 = (double)r1->power_mw * 1e-3;
	double px = p0 + (p1 - p0) * fx, py = p0 + (p1 - p0) * fy;
	return 0.5 * (px + py) * (double)(y - x) * 1e-9;
}

static void account(struct ctk_energy *e, double joules, double ns, int covered, int counter)
{
	e->energy_j += joules;
	e->seen_ns += ns;
	if (covered)
		e->covered_ns += ns;
	if (counter)
		e->used_counter = 1;
	else
		e->used_power = 1;
}

/* Hand a piece of energy to the on_piece hook; keep its first error. */
static void piece_energy(struct ctk_integrator *in, int k, int64_t x, int64_t y, double e)
{
	if (in->on_piece && !in->piece_rc)
		in->piece_rc = in->on_piece(in->piece_ctx, k, x, y, e, in->piece_err);
}

static void piece(struct ctk_integrator *in, int k, const struct ctk_reading *r0,
		  const struct ctk_reading *r1, int counter, int64_t x, int64_t y)
{
	if (in->on_piece && !in->piece_rc)
		piece_energy(in, k, x, y, part_energy(r0, r1, counter, x, y));
}

static void segment(struct ctk_integrator *in, const struct ctk_reading *r0, const struct ctk_reading *r1)
{
	int64_t t0 = r0->t_ns, t1 = r1->t_ns;
	int counter = r0->has_energy && r1->has_energy && r1->energy_uj >= r0->energy_uj;
	int power = r0->has_power && r1->has_power;
	int covered;

	if (t1 <= t0 || (!counter && !power))
		return; /* no time, or nothing to integrate: the gap shows in coverage */
	covered = in->max_gap_ns <= 0 || (double)(t1 - t0) <= in->max_gap_ns;
	account(&in->total, part_energy(r0, r1, counter, t0, t1), (double)(t1 - t0), covered, counter);
	while (in->lo < in->nwin && in->win[in->lo].end_ns <= t0)
		in->lo++;
	int64_t cur = t0; /* start of the part not yet handed to on_piece */
	for (int k = in->lo; k < in->nwin && in->win[k].start_ns < t1; k++) {
		int64_t x = in->win[k].start_ns > t0 ? in->win[k].start_ns : t0;
		int64_t y = in->win[k].end_ns < t1 ? in->win[k].end_ns : t1;
		if (y <= x)
			continue;
		double e = part_energy(r0, r1, counter, x, y);
		account(&in->per[k], e, (double)(y - x), covered, counter);
		if (x > cur)
			piece(in, -1, r0, r1, counter, cur, x);
		piece_energy(in, k, x, y, e);
		cur = y > cur ? y : cur;
	}
	if (t1 > cur)
		piece(in, -1, r0, r1, counter, cur, t1);
}

void ctk_integrator_add(struct ctk_integrator *in, const struct ctk_reading *r)
{
	if (in->also)
		ctk_integrator_add(in->also, r);
	if (in->has_prev)
		segment(in, &in->prev, r);
	if (in->readings == 0)
		in->first_ns = r->t_ns;
	in->last_ns = r->t_ns;
	in->readings++;
	in->prev = *r;
	in->has_prev = 1;
}

void ctk_integrator_hook(struct ctk_integrator *in, ctk_piece_fn fn, void *ctx, struct ctk_error *err)
{
	in->on_piece = fn;
	in->piece_ctx = ctx;
	in->piece_err = err;
	in->piece_rc = 0;
}

const char *ctk_energy_method(const struct ctk_energy *e)
{
	if (e->used_counter && e->used_power)
		return "mixed";
	if (e->used_counter)
		return "counter";
	if (e->used_power)
		return "trapezoid";
	return "none";
}

double ctk_energy_coverage(const struct ctk_energy *e, int64_t start_ns, int64_t end_ns)
{
	if (end_ns <= start_ns)
		return e->used_counter || e->used_power ? 1.0 : 0.0;
	double c = e->covered_ns / (double)(end_ns - start_ns);
	return c > 1.0 ? 1.0 : c;
}

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
	if ((rc = ctk_sample_reader_new(db, device_id, &rd, err)))
		return rc;
	while ((rc = ctk_sample_next(rd, &r, NULL, err)) > 0 && !in->piece_rc)
		ctk_integrator_add(in, &r);
	ctk_sample_reader_free(rd);
	return rc < 0 ? rc : in->piece_rc;
}
