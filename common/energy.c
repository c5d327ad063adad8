/* The shared energy kernel (energy.h). Each pair of consecutive readings is
 * a segment; its energy is spread over the windows it overlaps: uniformly in
 * time for a counter difference (linear interpolation of the counter), as the
 * exact integral of the linear power for the trapezoid. */
#include "energy.h"

#include <string.h>

int ctk_segment_kind(const struct ctk_reading *a, const struct ctk_reading *b, int *counter)
{
	*counter = a->has_energy && b->has_energy && b->energy_uj >= a->energy_uj;
	return b->t_ns > a->t_ns && (*counter || (a->has_power && b->has_power));
}

double ctk_segment_energy_j(const struct ctk_reading *a, const struct ctk_reading *b, int counter,
			    int64_t x, int64_t y)
{
	double dt = (double)(b->t_ns - a->t_ns);
	double fx = (double)(x - a->t_ns) / dt, fy = (double)(y - a->t_ns) / dt;

	if (counter)
		return (double)(b->energy_uj - a->energy_uj) * 1e-6 * (fy - fx);
	double p0 = (double)a->power_mw * 1e-3, p1 = (double)b->power_mw * 1e-3;
	double px = p0 + (p1 - p0) * fx, py = p0 + (p1 - p0) * fy;
	return 0.5 * (px + py) * (double)(y - x) * 1e-9;
}

void ctk_integrator_init(struct ctk_integrator *in, const struct ctk_span *win, int nwin,
			 double period_s, struct ctk_energy *per)
{
	memset(in, 0, sizeof(*in));
	in->win = win;
	in->nwin = nwin;
	in->per = per;
	in->max_gap_ns = period_s > 0 ? 2.0 * period_s * 1e9 : 0;
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
		piece_energy(in, k, x, y, ctk_segment_energy_j(r0, r1, counter, x, y));
}

static void segment(struct ctk_integrator *in, const struct ctk_reading *r0, const struct ctk_reading *r1)
{
	int64_t t0 = r0->t_ns, t1 = r1->t_ns;
	int counter, covered;

	if (!ctk_segment_kind(r0, r1, &counter))
		return; /* no time, or nothing to integrate: the gap shows in coverage */
	covered = in->max_gap_ns <= 0 || (double)(t1 - t0) <= in->max_gap_ns;
	account(&in->total, ctk_segment_energy_j(r0, r1, counter, t0, t1), (double)(t1 - t0), covered, counter);
	while (in->lo < in->nwin && in->win[in->lo].end_ns <= t0)
		in->lo++;
	int64_t cur = t0; /* start of the part not yet handed to on_piece */
	for (int k = in->lo; k < in->nwin && in->win[k].start_ns < t1; k++) {
		int64_t x = in->win[k].start_ns > t0 ? in->win[k].start_ns : t0;
		int64_t y = in->win[k].end_ns < t1 ? in->win[k].end_ns : t1;
		if (y <= x)
			continue;
		double e = ctk_segment_energy_j(r0, r1, counter, x, y);
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
