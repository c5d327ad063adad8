/* The statistics every ctk figure with an interval uses, in one place:
 * Student t and normal quantiles, mean and sample deviation, the mean with
 * its t interval (a running accumulator or an array), and the ratio of two
 * means with a delta-method interval. Pure arithmetic: no I/O, no SQLite.
 * Used by the predictors (predict.c), `ctk compare` and the report's
 * hardware comparison, so one set of epochs gives one interval everywhere. */
#ifndef CTK_STATS_H
#define CTK_STATS_H

#include <stdint.h>

/* Quantile of Student's t with df degrees of freedom (df > 0, real), for
 * 0 < q < 1; NAN otherwise. Exact to ~1e-12 relative (bisection on the
 * regularised incomplete beta), no table. */
double ctk_t_quantile(double q, double df);
/* Quantile of the standard normal distribution, 0 < q < 1; NAN otherwise. */
double ctk_normal_quantile(double q);

/* Median of x[0..n) (copies into tmp, which holds n values); NAN for n < 1. */
double ctk_median(const double *x, int n, double *tmp);
/* Mean and sample standard deviation (n − 1) of x[0..n), n >= 1; sd is 0
 * for n == 1. */
void ctk_mean_sd(const double *x, int n, double *mean, double *sd);

/* A running mean and sum of squared deviations (Welford), for values that
 * arrive one by one (rows of a query). Zero-initialise, then ctk_acc_add. */
struct ctk_acc {
	int64_t n;
	double mean, m2;
};
void ctk_acc_add(struct ctk_acc *a, double x);

/* A mean (or ratio of means) with its interval. valid: there is a value
 * (n >= 1; for a ratio, both means known and the baseline not 0);
 * has_interval: lo/hi/se are set (n >= 2 for a mean). Unknown is never 0:
 * mean, lo, hi and se are NAN when not set. */
struct ctk_mean_ci {
	double mean, se, lo, hi;
	int64_t n;
	int valid, has_interval;
};

/* mean ± t_{(1+coverage)/2, n−1} · s/√n: the Student-t interval of the mean
 * of the values in a (or in x[0..n)). */
struct ctk_mean_ci ctk_acc_mean_ci(const struct ctk_acc *a, double coverage);
struct ctk_mean_ci ctk_mean_ci(const double *x, int n, double coverage);

/* a.mean / b.mean with the first-order delta-method interval
 * r ± z_{(1+coverage)/2} · |r| · √((se_a/a)² + (se_b/b)²) (independent
 * groups, large-sample normal approximation; Casella & Berger, Statistical
 * Inference, 2nd ed., section 5.5.4). Interval only when both have one and
 * a.mean != 0; n is a's. */
struct ctk_mean_ci ctk_ratio_ci(const struct ctk_mean_ci *a, const struct ctk_mean_ci *b, double coverage);

#endif
