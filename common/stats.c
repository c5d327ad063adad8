/* This file contains ctk's statistics (see stats.h): the t and normal
 * quantiles by bisection on their distribution functions, means, sample
 * deviations, medians, the t interval of a mean and the delta-method
 * interval of a ratio of means. Every interval ctk prints comes from here. */
#include "common/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Continued fraction of the regularised incomplete beta (modified Lentz;
 * Press et al., Numerical Recipes, 3rd ed., section 6.4). */
static double betacf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1, d = 1 - (a + b) * x / (a + 1), h;

	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	h = d;
	for (int m = 1; m <= 300; m++) {
		double m2 = 2.0 * m, aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
		d = 1 + aa * d;
		d = fabs(d) < tiny ? 1 / tiny : 1 / d;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		d = 1 + aa * d;
		d = fabs(d) < tiny ? 1 / tiny : 1 / d;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		double del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-15)
			break;
	}
	return h;
}

/* I_x(a, b), the regularised incomplete beta function. */
static double betai(double a, double b, double x)
{
	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	double lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
	if (x < (a + 1) / (a + b + 2))
		return exp(lbt) * betacf(a, b, x) / a;
	return 1 - exp(lbt) * betacf(b, a, 1 - x) / b;
}

/* P(T <= t) for Student's t with df degrees of freedom:
 * 1 − I_{df/(df+t²)}(df/2, 1/2)/2 for t >= 0 (Abramowitz & Stegun 26.7.1). */
static double t_cdf(double t, double df)
{
	double tail = 0.5 * betai(df / 2, 0.5, df / (df + t * t));
	return t >= 0 ? 1 - tail : tail;
}

/* P(Z <= z) for the standard normal distribution. */
static double normal_cdf(double z)
{
	return 0.5 * erfc(-z / sqrt(2.0));
}

/* The x > 0 with cdf(x) = q (q > 1/2) by doubling then bisection. */
static double upper_quantile(double (*cdf)(double x, double param), double param, double q)
{
	double lo = 0, hi = 1;

	while (cdf(hi, param) < q && hi < 1e12)
		hi *= 2;
	for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
		double mid = 0.5 * (lo + hi);
		if (cdf(mid, param) < q)
			lo = mid;
		else
			hi = mid;
	}
	return 0.5 * (lo + hi);
}

static double normal_cdf_p(double z, double unused)
{
	(void)unused;
	return normal_cdf(z);
}

double ctk_t_quantile(double q, double df)
{
	if (!(q > 0 && q < 1) || !(df > 0) || isinf(df))
		return NAN;
	if (q == 0.5)
		return 0;
	if (q < 0.5)
		return -ctk_t_quantile(1 - q, df);
	return upper_quantile(t_cdf, df, q);
}

double ctk_normal_quantile(double q)
{
	if (!(q > 0 && q < 1))
		return NAN;
	if (q == 0.5)
		return 0;
	if (q < 0.5)
		return -ctk_normal_quantile(1 - q);
	return upper_quantile(normal_cdf_p, 0, q);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double ctk_median(const double *x, int n, double *tmp)
{
	if (n <= 0)
		return NAN;
	memcpy(tmp, x, (size_t)n * sizeof(*tmp));
	qsort(tmp, (size_t)n, sizeof(*tmp), cmp_double);
	return n % 2 ? tmp[n / 2] : 0.5 * (tmp[n / 2 - 1] + tmp[n / 2]);
}

void ctk_mean_sd(const double *x, int n, double *mean, double *sd)
{
	struct ctk_acc a = {0};

	for (int i = 0; i < n; i++)
		ctk_acc_add(&a, x[i]);
	*mean = n > 0 ? a.mean : NAN;
	*sd = n > 1 ? sqrt(a.m2 / (double)(n - 1)) : 0;
}

/* Welford's update (Knuth, TAOCP vol. 2, 3rd ed., section 4.2.2): no
 * cancellation of sum(x²) − n·mean² when the spread is small against the
 * mean (epoch energies of 1e6 J that differ by a few J). */
void ctk_acc_add(struct ctk_acc *a, double x)
{
	double d = x - a->mean;
	a->n++;
	a->mean += d / (double)a->n;
	a->m2 += d * (x - a->mean);
}

struct ctk_mean_ci ctk_acc_mean_ci(const struct ctk_acc *a, double coverage)
{
	struct ctk_mean_ci s = {.mean = NAN, .se = NAN, .lo = NAN, .hi = NAN, .n = a->n};

	if (a->n < 1)
		return s;
	s.valid = 1;
	s.mean = a->mean;
	if (a->n < 2)
		return s;
	double var = a->m2 > 0 ? a->m2 / (double)(a->n - 1) : 0;
	double half = ctk_t_quantile(0.5 + coverage / 2, (double)(a->n - 1));
	if (isnan(half))
		return s;
	s.se = sqrt(var / (double)a->n);
	half *= s.se;
	s.lo = s.mean - half;
	s.hi = s.mean + half;
	s.has_interval = 1;
	return s;
}

struct ctk_mean_ci ctk_mean_ci(const double *x, int n, double coverage)
{
	struct ctk_acc a = {0};

	for (int i = 0; i < n; i++)
		ctk_acc_add(&a, x[i]);
	return ctk_acc_mean_ci(&a, coverage);
}

struct ctk_mean_ci ctk_ratio_ci(const struct ctk_mean_ci *a, const struct ctk_mean_ci *b, double coverage)
{
	struct ctk_mean_ci r = {.mean = NAN, .se = NAN, .lo = NAN, .hi = NAN, .n = a->n};

	if (!a->valid || !b->valid || b->mean == 0)
		return r;
	r.valid = 1;
	r.mean = a->mean / b->mean;
	double z = ctk_normal_quantile(0.5 + coverage / 2);
	if (!a->has_interval || !b->has_interval || a->mean == 0 || isnan(z))
		return r;
	r.se = fabs(r.mean) * sqrt(pow(a->se / a->mean, 2) + pow(b->se / b->mean, 2));
	r.lo = r.mean - z * r.se;
	r.hi = r.mean + z * r.se;
	r.has_interval = 1;
	return r;
}
