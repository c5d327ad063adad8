/* Tests for common/predict.c against numbers worked out by hand (the
 * comments show the arithmetic; t quantiles are tested in test_stats.c):
 * each predictor's value and interval on small series, the warm-up rule,
 * CO2 by persistence and by a forecast callback, and bad input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/predict.h"

static void assert_near(double got, double want, double tol)
{
	if (fabs(got - want) > tol * fmax(1.0, fabs(want)))
		fail_msg("got %.12f, want %.12f", got, want);
}

static struct ctk_prediction run(const char *name, const double *e, const double *d, int n, int planned)
{
	struct ctk_predict_input in = {.energy_j = e, .duration_s = d, .n = n, .planned = planned};
	struct ctk_prediction p;
	struct ctk_error err = {0};
	const struct ctk_predictor *pr = ctk_predictor_find(name);

	assert_non_null(pr);
	assert_int_equal(ctk_predict(pr, &in, &p, &err), 0);
	return p;
}

/* x = 10, 12, 11, 13 (n = 4), planned 10, so m = 6 epochs to come.
 * mean 11.5, s = sqrt(5/3); observed sum 46.
 * ct-mean: 46 + 6·11.5 = 115; half = t(.975,3)·s·sqrt(6 + 36/4) = 3.182446305·5
 * median: 11.5 → 115; half = 3.182446305·s·sqrt(6 + 36·(π/2)/4) = 18.43676181
 * trend: b = Sxy/Sxx = 4/5 = 0.8, a = 11.5 − 0.8·1.5 = 10.3; Σi (4..9) = 39;
 *   rest = 6·10.3 + 0.8·39 = 93 → 139; SSE = 1.8, σ² = 0.9,
 *   var = 0.9·(6 + 36/4 + (39 − 6·1.5)²/5) = 175.5; half = 4.30265273·sqrt(175.5) = 57.0 */
static void test_predictors_small_series(void **state)
{
	const double x[] = {10, 12, 11, 13};
	struct ctk_prediction p;
	(void)state;

	p = run("ct-mean", x, NULL, 4, 10);
	assert_near(p.energy_j.value, 115, 1e-12);
	assert_true(p.energy_j.has_interval);
	assert_near(p.energy_j.lo, 115 - 15.912231525, 1e-8);
	assert_near(p.energy_j.hi, 115 + 15.912231525, 1e-8);
	assert_near(p.coverage, 0.95, 0);
	assert_false(p.duration_s.valid);
	assert_false(p.co2_g.valid);

	p = run("median", x, NULL, 4, 10);
	assert_near(p.energy_j.value, 115, 1e-12);
	assert_near(p.energy_j.hi - p.energy_j.value, 18.43676181, 1e-8);

	p = run("trend", x, NULL, 4, 10);
	assert_near(p.energy_j.value, 139, 1e-12);
	assert_near(p.energy_j.hi - 139, 57.0, 1e-8);
	assert_near(139 - p.energy_j.lo, 57.0, 1e-8);
	assert_int_equal(p.used_energy, 4);

	/* recent keeps the last ceil(4/2) = 2: 11, 13 → 46 + 6·12 = 118 */
	p = run("recent", x, NULL, 4, 10);
	assert_near(p.energy_j.value, 118, 1e-12);
	assert_int_equal(p.used_energy, 2);
}

/* x = 20, 10, 10.2, 9.8, 10: epoch 1 is warm-up. k = 0: the rest have median
 * 10 and MAD 0.1, tolerance max(0.5, 3·1.4826·0.1) = 0.5 < |20 − 10| → drop.
 * k = 1: rest 10.2, 9.8, 10 → median 10, MAD 0.2, tolerance 0.889 ≥ 0 → keep.
 * skip-warmup: 60 + 5·10 = 110 (ct-mean says 60 + 5·12 = 120);
 * half = t(.975,3)·s·sqrt(5 + 25/4), s = sqrt(0.08/3) → 1.74309763 */
static void test_skip_warmup(void **state)
{
	const double x[] = {20, 10, 10.2, 9.8, 10};
	const double steady[] = {10, 10.2, 9.8, 10, 10.1};
	const double two[] = {14, 10};
	const double three[] = {14, 10, 10.1};
	struct ctk_prediction p;
	(void)state;

	assert_int_equal(ctk_warmup_epochs(x, 5), 1);
	assert_int_equal(ctk_warmup_epochs(steady, 5), 0);
	assert_int_equal(ctk_warmup_epochs(two, 2), 0);   /* two epochs: which one is odd? */
	assert_int_equal(ctk_warmup_epochs(three, 3), 1);
	assert_int_equal(ctk_warmup_epochs(two, 1), 0);
	p = run("skip-warmup", x, NULL, 5, 10);
	assert_near(p.energy_j.value, 110, 1e-12);
	assert_int_equal(p.used_energy, 4);
	assert_near(p.energy_j.hi - 110, 1.74309763, 1e-7);
	p = run("ct-mean", x, NULL, 5, 10);
	assert_near(p.energy_j.value, 120, 1e-12);
	/* two epochs 40 % apart: both kept (ct-mean, 24 + 3·12 = 60). Three, the
	 * first off (|14 − 10.05| > max(0.5025, 3·1.4826·0.05)): the mean of
	 * 10 and 10.1 for the 2 to come → 34.1 + 20.1 = 54.2 */
	p = run("skip-warmup", two, NULL, 2, 5);
	assert_near(p.energy_j.value, 60, 1e-12);
	p = run("skip-warmup", three, NULL, 3, 5);
	assert_near(p.energy_j.value, 54.2, 1e-12);
	assert_int_equal(p.used_energy, 2);
	assert_true(p.energy_j.has_interval);
}

/* One epoch: a value, no interval (no spread yet). All epochs observed: the
 * exact totals with a zero-width interval. Duration uses the same rule. */
static void test_edges(void **state)
{
	const double e[] = {100, 120, 110};
	const double d[] = {10, 9, 8};
	struct ctk_prediction p;
	(void)state;

	for (int i = 0; ctk_predictors[i].name; i++) {
		p = run(ctk_predictors[i].name, e, d, 1, 12);
		assert_near(p.energy_j.value, 1200, 1e-12);
		assert_false(p.energy_j.has_interval);
		assert_near(p.duration_s.value, 120, 1e-12);
		p = run(ctk_predictors[i].name, e, d, 3, 3);
		assert_near(p.energy_j.value, 330, 1e-12);
		assert_near(p.energy_j.lo, 330, 1e-12);
		assert_near(p.energy_j.hi, 330, 1e-12);
		assert_near(p.duration_s.value, 27, 1e-12);
	}
	/* trend on durations 10, 9, 8 (slope −1): epochs 4, 5 → 7 + 6 = 13; a
	 * perfect line has a zero-width interval */
	p = run("trend", e, d, 3, 5);
	assert_near(p.duration_s.value, 27 + 13, 1e-12);
	assert_near(p.duration_s.lo, 40, 1e-9);
	assert_near(p.duration_s.hi, 40, 1e-9);
	/* a falling trend never predicts below zero */
	const double fall[] = {30, 20, 10};
	p = run("trend", fall, NULL, 3, 10);
	assert_true(p.energy_j.value >= 60);
	assert_true(p.energy_j.lo >= 0);
	assert_non_null(ctk_predictor_default());
	assert_string_equal(ctk_predictor_default()->name, CTK_PREDICT_DEFAULT);
	assert_null(ctk_predictor_find("nope"));
}

static int64_t seen_from, seen_to;

static int forecast_100(void *ctx, int64_t from_ns, int64_t to_ns, double *g)
{
	(void)ctx;
	seen_from = from_ns;
	seen_to = to_ns;
	*g = 100;
	return 0;
}

static int forecast_none(void *ctx, int64_t from_ns, int64_t to_ns, double *g)
{
	(void)ctx, (void)from_ns, (void)to_ns, (void)g;
	return -1;
}

/* Two epochs of 1 kWh (3.6 MJ) and 10 s each, 4 planned: 4 kWh. At 200 g/kWh
 * so far and persistence: 800 g. With a forecast of 100 g/kWh for the rest:
 * 2·200 + 2·100 = 600 g, asked for [now, now + 20 s]. */
static void test_co2(void **state)
{
	const double e[] = {3.6e6, 3.6e6}, d[] = {10, 10};
	struct ctk_predict_input in = {.energy_j = e, .duration_s = d, .n = 2, .planned = 4};
	struct ctk_prediction p;
	struct ctk_error err = {0};
	(void)state;

	in.ci.has_mean = 1;
	in.ci.mean_g_per_kwh = 200;
	assert_int_equal(ctk_predict(ctk_predictor_find("ct-mean"), &in, &p, &err), 0);
	assert_true(p.co2_g.valid);
	assert_near(p.co2_g.value, 800, 1e-12);
	assert_false(p.co2_forecast);
	in.ci.forecast = forecast_100;
	in.ci.now_ns = INT64_C(1700000000000000000);
	assert_int_equal(ctk_predict(ctk_predictor_find("ct-mean"), &in, &p, &err), 0);
	assert_near(p.co2_g.value, 600, 1e-12);
	assert_true(p.co2_forecast);
	assert_true(seen_from == in.ci.now_ns);
	assert_true(seen_to == in.ci.now_ns + 20 * INT64_C(1000000000));
	/* observed CO2 given exactly (450 g), forecast unavailable: the rest at
	 * the mean so far (200) → 450 + 400 */
	in.ci.forecast = forecast_none;
	in.ci.has_observed_co2 = 1;
	in.ci.observed_co2_g = 450;
	assert_int_equal(ctk_predict(ctk_predictor_find("ct-mean"), &in, &p, &err), 0);
	assert_near(p.co2_g.value, 850, 1e-12);
	/* no mean: the rest at the observed epochs' implied 225 g/kWh → 900 */
	in.ci.has_mean = 0;
	assert_int_equal(ctk_predict(ctk_predictor_find("ct-mean"), &in, &p, &err), 0);
	assert_near(p.co2_g.value, 900, 1e-12);
}

static void test_bad_input(void **state)
{
	const double e[] = {1, NAN};
	struct ctk_predict_input in = {.energy_j = e, .n = 2, .planned = 1};
	struct ctk_prediction p;
	struct ctk_error err = {0};
	(void)state;

	assert_int_equal(ctk_predict(ctk_predictor_find("ct-mean"), &in, &p, &err), CTK_EINPUT);
	assert_non_null(strstr(err.msg, "fewer than observed"));
	in.planned = 5;
	assert_int_equal(ctk_predict(ctk_predictor_find("ct-mean"), &in, &p, &err), CTK_EINPUT);
	in.n = 0;
	assert_int_equal(ctk_predict(ctk_predictor_find("ct-mean"), &in, &p, &err), CTK_EINPUT);
	in.n = 1;
	in.coverage = 1.5;
	assert_int_equal(ctk_predict(ctk_predictor_find("ct-mean"), &in, &p, &err), CTK_EUSAGE);
	assert_int_equal(ctk_predict(NULL, &in, &p, &err), CTK_EUSAGE);
}

/* Budgets: 100 J measured so far, prediction 900 [800, 1100]. */
static void test_budget_and_format(void **state)
{
	struct ctk_estimate e = {.value = 900, .lo = 800, .hi = 1100, .valid = 1, .has_interval = 1};
	const double en[] = {3.6e6, 3.6e6}, d[] = {600, 600};
	struct ctk_predict_input in = {.energy_j = en, .duration_s = d, .n = 2, .planned = 4};
	struct ctk_prediction p;
	struct ctk_error err = {0};
	char buf[512];
	(void)state;

	assert_int_equal(ctk_budget_check(&e, 100, 2000), CTK_BUDGET_OK);
	assert_int_equal(ctk_budget_check(&e, 100, 1000), CTK_BUDGET_AT_RISK);
	assert_int_equal(ctk_budget_check(&e, 100, 850), CTK_BUDGET_OVER);
	assert_int_equal(ctk_budget_check(&e, 100, 50), CTK_BUDGET_EXCEEDED);
	e.valid = 0;
	assert_int_equal(ctk_budget_check(&e, 100, 50), CTK_BUDGET_EXCEEDED);
	assert_int_equal(ctk_budget_check(&e, 100, 500), CTK_BUDGET_OK);
	assert_string_equal(ctk_budget_verdict_name(CTK_BUDGET_AT_RISK), "at-risk");

	/* 2 kWh observed, two more at 1 kWh; 20 min so far, 40 min in all; 200 g/kWh */
	in.ci.has_mean = 1;
	in.ci.mean_g_per_kwh = 200;
	assert_int_equal(ctk_predict(ctk_predictor_find("ct-mean"), &in, &p, &err), 0);
	ctk_prediction_format(buf, sizeof buf, ctk_predictor_find("ct-mean"), &in, &p);
	/* energy and CO2 with the calibrated interval: equal epochs have CV 0,
	 * so the group is quiet and the scale the floor 0.02; rest 2 kWh:
	 * 4 ± q·0.02·2 kWh, CO2 800 ± 200·q·0.02·2 g (q = ct-mean's epochs
	 * constant for quiet runs at N = 2); the duration keeps
	 * its t interval (equal epochs: zero width) */
	double q = 0;
	char want[512];
	assert_true(ctk_predict_calib_q(ctk_predictor_find("ct-mean"), CTK_SCOPE_EPOCHS, CTK_CALIB_QUIET, 2, 0.95, &q));
	double h = q * 0.02 * 2;
	snprintf(want, sizeof want, "after 2/4 epochs (ct-mean, 95 %% interval): energy 4.0000 kWh [%.4f, %.4f] calibrated, "
		 "duration 0:40:00 [0:40:00, 0:40:00], CO2 800.00 g [%.2f, %.2f] calibrated", 4 - h, 4 + h,
		 800 - 200 * h, 800 + 200 * h);
	assert_string_equal(buf, want);
	/* the budget verdicts use that interval: 4 + h/2 kWh is inside it */
	assert_int_equal(ctk_budget_check(ctk_prediction_energy(&p), 2 * 3.6e6, (4 + h / 2) * 3.6e6), CTK_BUDGET_AT_RISK);
	assert_int_equal(ctk_budget_check(&p.energy_j, 2 * 3.6e6, (4 + h / 2) * 3.6e6), CTK_BUDGET_OK);
	in.n = 1;
	in.duration_s = NULL;
	in.ci.has_mean = 0;
	assert_int_equal(ctk_predict(ctk_predictor_find("ct-mean"), &in, &p, &err), 0);
	ctk_prediction_format(buf, sizeof buf, ctk_predictor_find("ct-mean"), &in, &p);
	/* one epoch: no t interval, but a calibrated one (scale 1): rest 3 kWh,
	 * 4 ± 3·q(N = 1) (0.2295 today: [3.3115, 4.6885]) */
	assert_true(ctk_predict_calib_q(ctk_predictor_find("ct-mean"), CTK_SCOPE_EPOCHS, CTK_CALIB_QUIET, 1, 0.95, &q));
	snprintf(want, sizeof want, "after 1/4 epochs (ct-mean, 95 %% interval): energy 4.0000 kWh [%.4f, %.4f] calibrated",
		 4 - 3 * q, 4 + 3 * q);
	assert_string_equal(buf, want);
	assert_false(p.energy_j.has_interval);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_predictors_small_series),
		cmocka_unit_test(test_skip_warmup),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_co2),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_budget_and_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
