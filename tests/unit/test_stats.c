/* Tests for common/stats.c: t and normal quantiles against values computed
 * independently (python3 mpmath betainc/erfinv at 30 digits, and a Simpson
 * integration of the t density) and against the 3-decimal table of NIST/
 * SEMATECH e-Handbook 1.3.6.7.2; means with t intervals and ratio intervals
 * worked out by hand (comments show the arithmetic); medians. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>

#include "common/stats.h"

static void assert_near(double got, double want, double tol)
{
	if (!(fabs(got - want) <= tol * fmax(1.0, fabs(want))))
		fail_msg("got %.12f, want %.12f", got, want);
}

/* c has a value and an interval with these numbers (lo, hi to 1e-10). */
static void assert_ci(struct ctk_mean_ci c, int64_t n, double mean, double se, double lo, double hi)
{
	assert_true(c.valid && c.has_interval);
	assert_int_equal(c.n, n);
	assert_near(c.mean, mean, 1e-12);
	assert_near(c.se, se, 1e-12);
	assert_near(c.lo, lo, 1e-10);
	assert_near(c.hi, hi, 1e-10);
}

/* Two-sided quantiles, mpmath: findroot(betainc(v/2, 1/2, 0, v/(v+t²))/2 = 1−q). */
static void test_t_quantile(void **state)
{
	(void)state;
	assert_near(ctk_t_quantile(0.975, 1), 12.706204736, 1e-8);
	assert_near(ctk_t_quantile(0.975, 2), 4.302652730, 1e-8);
	assert_near(ctk_t_quantile(0.975, 3), 3.182446305, 1e-8);
	assert_near(ctk_t_quantile(0.975, 4), 2.776445105, 1e-8);
	assert_near(ctk_t_quantile(0.975, 10), 2.228138852, 1e-8);
	assert_near(ctk_t_quantile(0.975, 30), 2.042272456, 1e-8);
	assert_near(ctk_t_quantile(0.975, 35), 2.030107928, 1e-8);
	assert_near(ctk_t_quantile(0.975, 1e6), 1.959966357, 1e-8);
	assert_near(ctk_t_quantile(0.95, 1), 6.313751515, 1e-8);
	assert_near(ctk_t_quantile(0.95, 9), 1.833112933, 1e-8);
	assert_near(ctk_t_quantile(0.995, 5), 4.032142984, 1e-8);
	assert_near(ctk_t_quantile(0.025, 3), -3.182446305, 1e-8);
	assert_near(ctk_t_quantile(0.5, 7), 0, 1e-12);
}

/* What the report's old table (NIST/SEMATECH 1.3.6.7.2, 3 decimals) said:
 * the exact quantile rounds to it. */
static void test_t_quantile_nist_table(void **state)
{
	static const struct {
		int df;
		double t;
	} nist[] = {{1, 12.706}, {2, 4.303}, {4, 2.776}, {10, 2.228}, {20, 2.086}, {30, 2.042}, {40, 2.021},
		    {60, 2.000}, {100, 1.984}};
	(void)state;
	for (size_t i = 0; i < sizeof nist / sizeof nist[0]; i++)
		assert_true(fabs(ctk_t_quantile(0.975, nist[i].df) - nist[i].t) <= 0.0005 + 1e-12);
	assert_true(fabs(ctk_t_quantile(0.975, 1e9) - 1.960) <= 0.0005);
}

static void test_quantile_domain(void **state)
{
	(void)state;
	assert_true(isnan(ctk_t_quantile(0.975, 0)));
	assert_true(isnan(ctk_t_quantile(0.975, -1)));
	assert_true(isnan(ctk_t_quantile(0.975, NAN)));
	assert_true(isnan(ctk_t_quantile(0, 5)));
	assert_true(isnan(ctk_t_quantile(1, 5)));
	assert_true(isnan(ctk_normal_quantile(1.5)));
	assert_true(isnan(ctk_normal_quantile(NAN)));
}

/* mpmath: sqrt(2)·erfinv(2q−1). */
static void test_normal_quantile(void **state)
{
	(void)state;
	assert_near(ctk_normal_quantile(0.975), 1.959963984540, 1e-10);
	assert_near(ctk_normal_quantile(0.95), 1.644853626951, 1e-10);
	assert_near(ctk_normal_quantile(0.025), -1.959963984540, 1e-10);
	assert_near(ctk_normal_quantile(0.5), 0, 1e-12);
}

/* x = 10, 12, 11, 13: mean 11.5, s² = 5/3, se = sqrt(5/12) = 0.6454972244,
 * half = t(.975, 3)·se = 3.182446305·0.6454972244 = 2.0542602568. */
static void test_mean_ci(void **state)
{
	const double x[] = {10, 12, 11, 13};
	struct ctk_mean_ci c;
	double mean, sd;
	(void)state;

	assert_ci(ctk_mean_ci(x, 4, 0.95), 4, 11.5, 0.6454972243679028, 9.445739743239121, 13.554260256760879);
	ctk_mean_sd(x, 4, &mean, &sd);
	assert_near(mean, 11.5, 1e-12);
	assert_near(sd, sqrt(5.0 / 3), 1e-12);

	c = ctk_mean_ci(x, 1, 0.95);   /* one value: a mean, no interval */
	assert_true(c.valid && !c.has_interval);
	assert_near(c.mean, 10, 1e-12);
	assert_true(isnan(c.lo) && isnan(c.hi));
	c = ctk_mean_ci(x, 0, 0.95);   /* none: unknown, not 0 */
	assert_false(c.valid);
	assert_true(isnan(c.mean));
}

/* 1e9 + {1, 2, 3} J, one value at a time: mean 1e9 + 2, s = 1 exactly,
 * se = 1/√3, half = 4.302652730/√3 = 2.4841377. Summing x and x² (the
 * report's former rule) loses s entirely at this magnitude. */
static void test_acc_precision(void **state)
{
	struct ctk_acc a = {0};
	(void)state;

	for (int i = 1; i <= 3; i++)
		ctk_acc_add(&a, 1e9 + i);
	struct ctk_mean_ci c = ctk_acc_mean_ci(&a, 0.95);
	assert_true(c.has_interval);
	assert_near(c.se, 0.5773502691896258, 1e-9);
	assert_near(c.lo, 999999999.5158623, 1e-15);
	assert_near(c.hi, 1000000004.4841377, 1e-15);
}

/* a = 20 ± se 1, b = 10 ± se 0.5: r = 2, se = 2·sqrt(0.05² + 0.05²)
 * = 0.1414213562, half = 1.959963985·0.1414213562 = 0.2771807649. */
static void test_ratio_ci(void **state)
{
	struct ctk_mean_ci a = {.mean = 20, .se = 1, .n = 5, .valid = 1, .has_interval = 1};
	struct ctk_mean_ci b = {.mean = 10, .se = 0.5, .n = 7, .valid = 1, .has_interval = 1};
	struct ctk_mean_ci r;
	(void)state;

	assert_ci(ctk_ratio_ci(&a, &b, 0.95), 5, 2, 0.14142135623730953, 1.7228192351300644, 2.277180764869936);

	b.mean = 0;   /* ratio to nothing: unknown */
	r = ctk_ratio_ci(&a, &b, 0.95);
	assert_false(r.valid);
	assert_true(isnan(r.mean));
	b.mean = 10;
	b.has_interval = 0;   /* a baseline of one epoch: the ratio, no interval */
	r = ctk_ratio_ci(&a, &b, 0.95);
	assert_true(r.valid && !r.has_interval);
	assert_near(r.mean, 2, 1e-12);
	a.valid = 0;
	assert_false(ctk_ratio_ci(&a, &b, 0.95).valid);
}

static void test_median(void **state)
{
	const double odd[] = {3, 1, 2}, even[] = {4, 1, 3, 2};
	double tmp[4];
	(void)state;
	assert_near(ctk_median(odd, 3, tmp), 2, 0);
	assert_near(ctk_median(even, 4, tmp), 2.5, 0);
	assert_true(isnan(ctk_median(odd, 0, tmp)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_t_quantile),    cmocka_unit_test(test_t_quantile_nist_table),
		cmocka_unit_test(test_quantile_domain), cmocka_unit_test(test_normal_quantile),
		cmocka_unit_test(test_mean_ci),       cmocka_unit_test(test_acc_precision),
		cmocka_unit_test(test_ratio_ci),      cmocka_unit_test(test_median),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
