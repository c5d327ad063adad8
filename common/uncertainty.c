/* The uncertainty bound of an energy figure (see uncertainty.h): the terms
 * the energy kernel gathered, times the device's resolutions and power
 * bound. One rule for every tool: analyze stores it, report reads it. */
#include "uncertainty.h"

#include <math.h>
#include <stdio.h>

/* 1e-6 kWh in uJ: the last digit of a counter written in kWh with six
 * decimals (3.6e12 uJ per kWh); larger apparent steps come from few readings. */
#define COUNTER_STEP_CAP_UJ 3.6e6
/* 1 W in mW: power written in whole watts. */
#define POWER_STEP_CAP_MW 1000.0

const char CTK_UNCERT_MEANING[] =
	"a worst-case bound (the true energy lies within +- u of the figure), not a standard deviation: "
	"counter resolution at both ends of each difference, counter interpolated at an edge between readings "
	"(distance to the nearer reading x the power bound), "
	"sampled power dt*|P1-P0|/2 per segment (assumes power moves monotonically between readings: changes "
	"faster than the sampling are not seen) plus the power field's resolution, averaged power's lag shift "
	"(window taken as 1 s +- 50 %), and gaps (time without readings at most 2 periods apart) x the "
	"device's power limit or else the highest power seen; sums add their bounds";
const char CTK_UNCERT_CO2_NOTE[] =
	"the CO2 bound is the energy's relative bound; the carbon intensity's own uncertainty is not included "
	"(no source gives one)";

void ctk_resolution_of(const struct ctk_integrator *in, double power_limit_w, int has_limit,
		       struct ctk_resolution *res)
{
	double cu = in->gcd_uj ? (double)in->gcd_uj : 1.0, pm = in->gcd_mw ? (double)in->gcd_mw : 1.0;

	res->counter_j = (cu < COUNTER_STEP_CAP_UJ ? cu : COUNTER_STEP_CAP_UJ) * 1e-6;
	res->power_w = (pm < POWER_STEP_CAP_MW ? pm : POWER_STEP_CAP_MW) * 1e-3;
	res->bound_is_limit = has_limit && power_limit_w > 0;
	res->bound_w = res->bound_is_limit ? power_limit_w : in->max_power_w;
}

void ctk_energy_uncert(const struct ctk_energy *e, const struct ctk_resolution *res, int64_t start_ns,
		       int64_t end_ns, struct ctk_uncert *u)
{
	double unseen_ns = (double)(end_ns - start_ns) - e->seen_ns, dp = e->u_edge1_w - e->u_edge0_w;

	if (unseen_ns < 0 || end_ns <= start_ns)
		unseen_ns = 0;
	u->counter_j = e->u_counter_ends * res->counter_j;
	/* an edge at distance d from the nearer reading: the counter there is
	 * off by at most bound_w x d, and by at most max(f, 1-f) x the segment's
	 * difference (it lies between the two readings); the smaller sum */
	u->interp_j = e->u_interp_ns * 1e-9 * res->bound_w;
	if (e->u_interp_j < u->interp_j)
		u->interp_j = e->u_interp_j;
	u->sampling_j = e->u_var_j;
	u->resolution_j = e->u_power_s * res->power_w;
	u->lag_j = e->u_has_edge ? e->u_lag_s * (dp < 0 ? -dp : dp) : 0;
	u->gap_s = (e->u_gap_ns + unseen_ns) * 1e-9;
	u->gap_j = u->gap_s * res->bound_w;
	u->u_j = u->counter_j + u->interp_j + u->sampling_j + u->resolution_j + u->lag_j + u->gap_j;
}

double ctk_co2_u_g(double co2_g, double energy_j, double u_j)
{
	return energy_j != 0 ? co2_g * u_j / (energy_j < 0 ? -energy_j : energy_j) : 0;
}

int ctk_pm_decimals(double u)
{
	int d = u > 0 && isfinite(u) ? (int)-floor(log10(u)) : 3;
	return d < 0 ? 0 : d > 9 ? 9 : d;
}

void ctk_fmt_pm_parts(double v, double u, int decimals, char *vbuf, size_t vsize, char *ubuf, size_t usize)
{
	int d = decimals < 0 ? ctk_pm_decimals(u) : decimals > 9 ? 9 : decimals;
	double scale = pow(10.0, d), ur = u > 0 && isfinite(u) ? ceil(u * scale * (1 - 1e-12)) / scale : u;

	snprintf(vbuf, vsize, "%.*f", d, v);
	snprintf(ubuf, usize, "%.*f", d, ur);
}

char *ctk_fmt_pm(char *buf, size_t size, double v, double u, const char *unit, int decimals)
{
	char vb[48], ub[48];

	ctk_fmt_pm_parts(v, u, decimals, vb, sizeof vb, ub, sizeof ub);
	snprintf(buf, size, "%s \xc2\xb1 %s%s%s", vb, ub, unit ? " " : "", unit ? unit : "");
	return buf;
}
