/* The shared energy kernel (energy.h). Each pair of consecutive readings is
 * a segment; its energy is spread over the windows it overlaps: uniformly in
 * time for a counter difference (linear interpolation of the counter), as the
 * exact integral of the linear power for the trapezoid. Averaged power is
 * moved to the middle of its averaging window first (energy.h). */
#include "energy.h"

#include <ctype.h>
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
	in->u_chain = 1;
}

/* Shift uncertainty (s) of averaged power (common/uncertainty.h): NVML says
 * only "averaged over 1 sec", so the window w = 1 s is taken as known to
 * +-50 %: the removed lag w/2 is uncertain by w/4 = 0.25 s; not shifted
 * (unknown generation): it may lag by the whole w/2 = 0.5 s. */
static double lag_u_s(int lag)
{
	return lag == CTK_LAG_REMOVED ? 0.25 : lag == CTK_LAG_UNKNOWN ? 0.5 : 0;
}

/* The uncertainty terms of the piece [x, y] of the segment r0 -> r1 (see
 * common/uncertainty.h for what they mean and how they add). */
static void uncert_terms(struct ctk_integrator *in, struct ctk_energy *e, const struct ctk_reading *r0,
			 const struct ctk_reading *r1, int counter, int64_t x, int64_t y, int covered, int lag)
{
	double dt = (double)(r1->t_ns - r0->t_ns);
	int whole = x == r0->t_ns && y == r1->t_ns;

	if (counter) {
		double de = (double)(r1->energy_uj - r0->energy_uj) * 1e-6;
		if (e->u_chain != in->u_chain) { /* a new difference of two readings */
			e->u_counter_ends++;
			e->u_chain = in->u_chain;
		}
		/* an edge inside the segment: the counter there lies between the
		 * two readings, the interpolated value too */
		double fx = (double)(x - r0->t_ns) / dt, fy = (double)(y - r0->t_ns) / dt, b = 0;
		if (x > r0->t_ns) {
			b += (fx > 0.5 ? fx : 1 - fx) * de;
			e->u_interp_ns += (double)(fx < 0.5 ? x - r0->t_ns : r1->t_ns - x);
		}
		if (y < r1->t_ns) {
			b += (fy > 0.5 ? fy : 1 - fy) * de;
			e->u_interp_ns += (double)(fy < 0.5 ? y - r0->t_ns : r1->t_ns - y);
		}
		e->u_interp_j += b < de ? b : de;
		return;
	}
	double p0 = (double)r0->power_mw * 1e-3, p1 = (double)r1->power_mw * 1e-3, dp = p1 > p0 ? p1 - p0 : p0 - p1;
	double len = (double)(y - x);
	e->u_power_s += len * 1e-9;
	if (!covered)
		e->u_gap_ns += len;
	else
		e->u_var_j += (whole ? 0.5 : 1.0) * dp * len * 1e-9;
	if (lag != CTK_LAG_NONE) {
		double py = p0 + (p1 - p0) * (double)(y - r0->t_ns) / dt;
		if (!e->u_has_edge)
			e->u_edge0_w = p0 + (p1 - p0) * (double)(x - r0->t_ns) / dt;
		e->u_edge1_w = py;
		e->u_has_edge = 1;
		if (lag_u_s(lag) > e->u_lag_s)
			e->u_lag_s = lag_u_s(lag);
	}
}

static void account(struct ctk_energy *e, double joules, double ns, int covered, int counter, int lag)
{
	if (!counter && lag == CTK_LAG_REMOVED)
		e->lag_removed = 1;
	if (!counter && lag == CTK_LAG_UNKNOWN)
		e->lag_unknown = 1;
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

static void segment(struct ctk_integrator *in, const struct ctk_reading *r0, const struct ctk_reading *r1,
		    int lag)
{
	int64_t t0 = r0->t_ns, t1 = r1->t_ns;
	int counter, covered;

	if (!ctk_segment_kind(r0, r1, &counter)) {
		in->u_chain++;
		return; /* no time, or nothing to integrate: the gap shows in coverage */
	}
	covered = in->max_gap_ns <= 0 || (double)(t1 - t0) <= in->max_gap_ns;
	if (!counter)
		in->u_chain++; /* a counter difference after this one is a new one */
	else if ((double)(r1->energy_uj - r0->energy_uj) / (double)(t1 - t0) * 1e3 > in->max_power_w)
		in->max_power_w = (double)(r1->energy_uj - r0->energy_uj) / (double)(t1 - t0) * 1e3;
	account(&in->total, ctk_segment_energy_j(r0, r1, counter, t0, t1), (double)(t1 - t0), covered, counter, lag);
	uncert_terms(in, &in->total, r0, r1, counter, t0, t1, covered, lag);
	while (in->lo < in->nwin && in->win[in->lo].end_ns <= t0)
		in->lo++;
	int64_t cur = t0; /* start of the part not yet handed to on_piece */
	for (int k = in->lo; k < in->nwin && in->win[k].start_ns < t1; k++) {
		int64_t x = in->win[k].start_ns > t0 ? in->win[k].start_ns : t0;
		int64_t y = in->win[k].end_ns < t1 ? in->win[k].end_ns : t1;
		if (y <= x)
			continue;
		double e = ctk_segment_energy_j(r0, r1, counter, x, y);
		account(&in->per[k], e, (double)(y - x), covered, counter, lag);
		uncert_terms(in, &in->per[k], r0, r1, counter, x, y, covered, lag);
		if (x > cur)
			piece(in, -1, r0, r1, counter, cur, x);
		piece_energy(in, k, x, y, e);
		cur = y > cur ? y : cur;
	}
	if (t1 > cur)
		piece(in, -1, r0, r1, counter, cur, t1);
}

/* Ampere and newer, by the product names NVIDIA gives them (device names
 * as nvidia-smi and NVML print them; each product's GPU architecture as on
 * NVIDIA's datasheet), except GA100 parts: 1; a known older generation: 0;
 * unrecognised: -1. Matched on words of the name. */
static int ampere_or_newer(const char *name)
{
	static const char *const newer[] = {
		"H100", "H200", "H800", "H20", "GH200", "B100", "B200", "GB200", "B300", "GB300", /* Hopper, Blackwell */
		"A10", "A10G", "A16", "A2", "A40", "L4", "L20", "L40", "L40S", /* Ampere GA10x, Ada */
		"A2000", "A4000", "A4500", "A5000", "A5500", "A6000", "ADA", NULL};
	/* GA100 (A100, A30, A800) and Volta, Turing, Pascal, Maxwell, Kepler */
	static const char *const older[] = {"A100", "A30", "A800", "V100", "V100S", "T4", "P100", "P40", "P4",
					    "K80", "K40", "M60", "M40", "TITAN", "GV100", "QUADRO", NULL};
	char w[32];
	int verdict = -1;

	if (!name)
		return -1;
	for (const char *p = name; *p;) {
		size_t n = 0;
		while (*p && !isalnum((unsigned char)*p))
			p++;
		while (isalnum((unsigned char)*p) || *p == '-') {
			if (n + 1 < sizeof w)
				w[n++] = (char)toupper((unsigned char)*p);
			p++;
		}
		w[n] = '\0';
		char *dash = strchr(w, '-'); /* "A100-SXM4-80GB": the model is before the dash */
		if (dash)
			*dash = '\0';
		for (int i = 0; older[i]; i++)
			if (!strcmp(w, older[i]))
				return 0;
		for (int i = 0; newer[i]; i++)
			if (!strcmp(w, newer[i]))
				verdict = 1;
		/* GeForce RTX 30xx/40xx/50xx (Ampere, Ada, Blackwell); 10xx, 20xx are older */
		if (n == 4 && strspn(w, "0123456789") == 4) {
			if (w[0] >= '3' && w[0] <= '5')
				verdict = 1;
			else if (w[0] == '1' || w[0] == '2')
				return 0;
		}
	}
	return verdict;
}

int64_t ctk_power_window_ns(const char *signal, const char *device_name, enum ctk_lag *lag)
{
	*lag = CTK_LAG_NONE;
	if (!signal)
		return 0;
	if (!strcmp(signal, "power_avg_1s")) {
		*lag = CTK_LAG_REMOVED;
		return INT64_C(1000000000); /* 1 s: NVML reference, see energy.h */
	}
	if (strcmp(signal, "power_draw"))
		return 0;
	switch (ampere_or_newer(device_name)) {
	case 1:
		*lag = CTK_LAG_REMOVED;
		return INT64_C(1000000000);
	case 0:
		return 0;
	default:
		*lag = CTK_LAG_UNKNOWN;
		return 0;
	}
}

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

static void add_reading(struct ctk_integrator *in, const struct ctk_reading *r, int lag)
{
	if (in->also)
		add_reading(in->also, r, lag);
	if (r->has_energy && r->energy_uj > 0)
		in->gcd_uj = gcd_u64(in->gcd_uj, (uint64_t)r->energy_uj);
	if (r->has_power && r->power_mw != 0)
		in->gcd_mw = gcd_u64(in->gcd_mw, (uint64_t)(r->power_mw < 0 ? -r->power_mw : r->power_mw));
	if (r->has_power && (double)r->power_mw * 1e-3 > in->max_power_w)
		in->max_power_w = (double)r->power_mw * 1e-3;
	if (in->has_prev)
		segment(in, &in->prev, r, lag != CTK_LAG_NONE ? lag : in->prev_lag);
	if (in->readings == 0)
		in->first_ns = r->t_ns;
	in->last_ns = r->t_ns;
	in->readings++;
	in->prev = *r;
	in->prev_lag = lag;
	in->has_prev = 1;
}

void ctk_integrator_add(struct ctk_integrator *in, const struct ctk_reading *r)
{
	add_reading(in, r, CTK_LAG_NONE);
}

void ctk_integrator_add_signal(struct ctk_integrator *in, const struct ctk_reading *r, const char *signal)
{
	enum ctk_lag lag;
	int64_t w = ctk_power_window_ns(signal, in->device_name, &lag);
	struct ctk_reading m = *r;

	if (r->has_energy) /* the counter decides its segments: no shift */
		lag = CTK_LAG_NONE, w = 0;
	m.t_ns -= w / 2;
	if (in->has_prev && m.t_ns < in->prev.t_ns)
		m.t_ns = in->prev.t_ns;
	add_reading(in, &m, lag);
}

void ctk_integrator_hook(struct ctk_integrator *in, ctk_piece_fn fn, void *ctx, struct ctk_error *err)
{
	in->on_piece = fn;
	in->piece_ctx = ctx;
	in->piece_err = err;
	in->piece_rc = 0;
}

const char *ctk_energy_lag(const struct ctk_energy *e)
{
	return e->lag_unknown ? "unknown" : e->lag_removed ? "removed" : NULL;
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
