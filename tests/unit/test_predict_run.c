/* Tests for the whole-run prediction and the calibrated intervals of
 * common/predict.c against numbers worked out by hand (comments show the
 * arithmetic; t quantiles as in test_stats.c): observed so far, epochs to
 * come, outside to come, the t interval combined in quadrature, the
 * split-conformal interval value ± q·rest with lo at least the observed,
 * and the lookup of q (N past the table, another coverage, no predictor). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "common/predict.h"

static void assert_near(double got, double want, double tol)
{
	if (fabs(got - want) > tol * fmax(1.0, fabs(want)))
		fail_msg("got %.12f, want %.12f", got, want);
}

static const double E[] = {10, 12, 11, 13};
static const double GAP[] = {2, 4, 3};

static struct ctk_prediction run(const char *name, int n, int ngap, int planned, double coverage)
{
	struct ctk_predict_input in = {.energy_j = E, .n = n, .planned = planned, .coverage = coverage,
				       .outside = {.before_j = 5, .gap_j = GAP, .ngap = ngap, .valid = 1}};
	struct ctk_prediction p;
	struct ctk_error err = {0};
	assert_int_equal(ctk_predict(ctk_predictor_find(name), &in, &p, &err), 0);
	return p;
}

static double q_of(const char *name, int scope, int group, int n)
{
	double q = 0;
	assert_true(ctk_predict_calib_q(ctk_predictor_find(name), scope, group, n, 0.95, &q));
	assert_true(q > 0);
	return q;
}

/* ct-mean after 4 of 10, start-up 5 J, gaps 2, 4, 3 J:
 *   observed = 5 + (10 + 12 + 11 + 13) + (2 + 4 + 3) = 60
 *   epochs to come = 6 · 11.5 = 69, t half 3.182446305·sqrt(5/3)·sqrt(6 + 36/4) = 15.912231525
 *   outside to come = 7 gaps (6 after epochs 4..9 and the tail) · mean 3 = 21,
 *     t half = t(.975, 2)·s·sqrt(7 + 49/3) = 4.30265273·1·4.830458915 = 20.783787239
 *   value = 60 + 69 + 21 = 150; t half = sqrt(15.912231525² + 20.783787239²) = 26.175655180
 *   calibrated: group jump (13 is 18 % above the median 11 of 10, 12, 11);
 *     epochs: scale = CV of the epochs = sqrt(5/3) / 11.5 = 0.112260 (above
 *     the 0.02 floor), 115 ± 69·S4·q; whole run: rest 90 = 69 epochs + 21
 *     outside, the gaps' CV (1/3) scales theirs: scale = sqrt((S4·69)² +
 *     (21/3)²) / 90 = sqrt(60 + 49) / 90 = sqrt(109) / 90,
 *     [max(60, 150 − 90·s·q), 150 + 90·s·q] */
#define S4 (1.2909944487358056 / 11.5)
#define SRUN (10.44030650891055 / 90)
static void test_whole_run(void **state)
{
	(void)state;
	struct ctk_prediction p = run("ct-mean", 4, 3, 10, 0);
	assert_near(p.run_observed_j, 60, 1e-12);
	assert_near(p.run_epochs_rest_j, 69, 1e-12);
	assert_near(p.run_outside_rest_j, 21, 1e-12);
	assert_true(p.run_outside_known);
	assert_true(p.run_t.valid && p.run_t.has_interval);
	assert_near(p.run_t.value, 150, 1e-12);
	assert_near(p.run_t.hi, 150 + 26.175655180, 1e-9);
	assert_near(p.run_t.lo, 150 - 26.175655180, 1e-9);
	double q = q_of("ct-mean", CTK_SCOPE_RUN, CTK_CALIB_JUMP, 4);
	assert_int_equal(p.run_cal_group, CTK_CALIB_JUMP);
	assert_near(p.run_cal_scale, SRUN, 1e-12);
	assert_true(p.run_energy_j.valid && p.run_energy_j.has_interval);
	assert_near(p.run_energy_j.value, 150, 1e-12);
	assert_near(p.run_energy_j.hi, 150 + 90 * SRUN * q, 1e-12);
	assert_near(p.run_energy_j.lo, fmax(60, 150 - 90 * SRUN * q), 1e-12);
	/* the epochs-only prediction is unchanged: 46 + 69 = 115, and its
	 * calibrated interval is 115 ± 69·s·q_epochs(4) */
	assert_near(p.energy_j.value, 115, 1e-12);
	double qe = q_of("ct-mean", CTK_SCOPE_EPOCHS, CTK_CALIB_JUMP, 4);
	assert_int_equal(p.cal_group, CTK_CALIB_JUMP);
	assert_near(p.cal_scale, S4, 1e-12);
	assert_true(p.energy_cal.has_interval);
	assert_near(p.energy_cal.hi, 115 + 69 * S4 * qe, 1e-12);
	assert_near(p.energy_cal.lo, fmax(46, 115 - 69 * S4 * qe), 1e-12);
	assert_near(p.energy_cal.value, 115, 1e-12);
}

/* After one epoch no gap has been seen: outside to come is 0 (flagged),
 * observed = 5 + 10, epochs to come = 9 · 10 = 90, value 105; no t
 * interval (one epoch has no spread), the calibrated one rests on rest 90
 * with scale 1 (no spread seen yet). */
static void test_after_one_epoch(void **state)
{
	(void)state;
	struct ctk_prediction p = run("ct-mean", 1, 0, 10, 0);
	assert_near(p.run_observed_j, 15, 1e-12);
	assert_near(p.run_epochs_rest_j, 90, 1e-12);
	assert_near(p.run_outside_rest_j, 0, 0);
	assert_false(p.run_outside_known);
	assert_false(p.run_t.has_interval);
	double q = q_of("ct-mean", CTK_SCOPE_RUN, CTK_CALIB_QUIET, 1);
	assert_near(p.run_energy_j.value, 105, 1e-12);
	assert_near(p.run_energy_j.hi, 105 + 90 * q, 1e-12);
	assert_near(p.run_energy_j.lo, fmax(15, 105 - 90 * q), 1e-12);
}

/* Every epoch seen (4 of 4): only the tail is left, one gap's worth:
 * observed 60, tail 3, value 63; t half 4.30265273·1·sqrt(1 + 1/3) = 4.968275424;
 * calibrated 63 ± 3·s·q with s = the gaps' CV (1/3: only gaps are left,
 * sqrt(0 + (3/3)²) / 3); the epochs' total is exact (46 with lo = hi). */
static void test_all_epochs_seen(void **state)
{
	(void)state;
	struct ctk_prediction p = run("ct-mean", 4, 3, 4, 0);
	assert_near(p.run_epochs_rest_j, 0, 0);
	assert_near(p.run_outside_rest_j, 3, 1e-12);
	assert_near(p.run_t.value, 63, 1e-12);
	assert_near(p.run_t.hi, 63 + 4.968275424, 1e-9);
	double q = q_of("ct-mean", CTK_SCOPE_RUN, CTK_CALIB_JUMP, 4);
	assert_near(p.run_energy_j.hi, 63 + 3 * (1.0 / 3) * q, 1e-12);
	assert_near(p.energy_cal.lo, 46, 0);
	assert_near(p.energy_cal.hi, 46, 0);
}

/* recent on the gaps too: after 4, the gaps' later half {4, 3} (mean 3.5)
 * × 7 = 24.5, the epochs' later half {11, 13} (12) × 6 = 72:
 * 60 + 72 + 24.5 = 156.5. */
static void test_recent_gaps(void **state)
{
	(void)state;
	struct ctk_prediction p = run("recent", 4, 3, 10, 0);
	assert_near(p.run_outside_rest_j, 24.5, 1e-12);
	assert_near(p.run_epochs_rest_j, 72, 1e-12);
	assert_near(p.run_energy_j.value, 156.5, 1e-12);
}

/* The table's lookup: N past the table uses its last column; another
 * coverage or an unknown predictor has no constant (then no calibrated
 * interval, never a zero-width one); without outside data no whole run. */
static void test_calib_lookup(void **state)
{
	(void)state;
	double q10 = q_of("recent", CTK_SCOPE_RUN, CTK_CALIB_BUSY, CTK_CALIB_N), q = 0;
	assert_true(ctk_predict_calib_q(ctk_predictor_find("recent"), CTK_SCOPE_RUN, CTK_CALIB_BUSY, 40, 0.95, &q));
	assert_near(q, q10, 0);
	assert_false(ctk_predict_calib_q(ctk_predictor_find("recent"), CTK_SCOPE_RUN, CTK_CALIB_BUSY, 3, 0.9, &q));
	assert_false(ctk_predict_calib_q(NULL, CTK_SCOPE_RUN, CTK_CALIB_BUSY, 3, 0.95, &q));
	assert_false(ctk_predict_calib_q(ctk_predictor_find("recent"), CTK_SCOPE_RUN, CTK_CALIB_GROUPS, 3, 0.95, &q));
	assert_false(ctk_predict_calib_q(ctk_predictor_find("recent"), CTK_SCOPE_RUN, -1, 3, 0.95, &q));
	/* every predictor, scope and N has a constant for quiet runs, and for
	 * busy ones from N = 2 (one epoch has no spread: never busy); shift and
	 * jump hold one constant for every N */
	for (int i = 0; ctk_predictors[i].name; i++)
		for (int s = 0; s < 2; s++)
			for (int n = 1; n <= CTK_CALIB_N; n++) {
				assert_true(ctk_predict_calib_q(&ctk_predictors[i], s, CTK_CALIB_QUIET, n, 0.95, &q));
				assert_int_equal(ctk_predict_calib_q(&ctk_predictors[i], s, CTK_CALIB_BUSY, n, 0.95, &q), n > 1);
				double qs = 0, qj = 0, q1 = 0;
				assert_true(ctk_predict_calib_q(&ctk_predictors[i], s, CTK_CALIB_SHIFT, n, 0.95, &qs));
				assert_true(ctk_predict_calib_q(&ctk_predictors[i], s, CTK_CALIB_JUMP, n, 0.95, &qj));
				assert_true(ctk_predict_calib_q(&ctk_predictors[i], s, CTK_CALIB_JUMP, 1, 0.95, &q1));
				assert_near(qj, q1, 0);
			}
	struct ctk_prediction p = run("ct-mean", 4, 3, 10, 0.9);
	assert_true(p.run_t.has_interval);
	assert_false(p.run_energy_j.has_interval);
	assert_false(p.energy_cal.has_interval);

	struct ctk_predict_input in = {.energy_j = E, .n = 2, .planned = 4};
	struct ctk_error err = {0};
	assert_int_equal(ctk_predict(ctk_predictor_find("ct-mean"), &in, &p, &err), 0);
	assert_false(p.run_energy_j.valid);
}

/* The per-run scale of the calibrated width: CV of the observed epochs
 * (sample sd / mean), floored at 0.02, 1 with one epoch or no positive mean.
 *   {10, 12, 11, 13}: sqrt(5/3) / 11.5 = 0.1122604
 *   {100, 101}: 0.7071068 / 100.5 = 0.0070359 -> floor 0.02
 *   {2, 4}: 1.4142136 / 3 = 0.4714045 */
static void test_calib_scale(void **state)
{
	(void)state;
	const double quiet[] = {100, 101}, two[] = {2, 4}, zero[] = {0, 0};
	assert_near(ctk_predict_calib_scale(E, 4), 0.1122604, 1e-7);
	assert_near(ctk_predict_calib_scale(quiet, 2), 0.02, 0);
	assert_near(CTK_CALIB_SCALE_FLOOR, 0.02, 0);
	assert_near(ctk_predict_calib_scale(two, 2), 0.4714045, 1e-7);
	assert_near(ctk_predict_calib_scale(E, 1), 1, 0);
	assert_near(ctk_predict_calib_scale(zero, 2), 1, 0);
	/* the group: jump when the last epoch is more than 8 % from the median
	 * of those before (13 vs 11; 4 vs 2), busy when the CV reaches the floor */
	const double busy[] = {10, 10.5, 10, 10.5, 10.2};
	assert_int_equal(ctk_predict_calib_group(E, 4), CTK_CALIB_JUMP);
	assert_int_equal(ctk_predict_calib_group(two, 2), CTK_CALIB_JUMP);
	assert_int_equal(ctk_predict_calib_group(busy, 5), CTK_CALIB_BUSY);   /* CV 0.0245 */
	assert_near(ctk_predict_calib_scale(busy, 5), 0.0245115, 1e-6);
	assert_int_equal(ctk_predict_calib_group(quiet, 2), CTK_CALIB_QUIET);
	assert_int_equal(ctk_predict_calib_group(E, 1), CTK_CALIB_QUIET);
	assert_int_equal(ctk_predict_calib_group(zero, 2), CTK_CALIB_QUIET);
	/* the width follows the run: its CV and its group's constant */
	const double e1[] = {100, 101, 100, 101, 100, 101}, e2[] = {80, 120, 90, 110, 85, 115};
	struct ctk_predict_input a = {.energy_j = e1, .n = 6, .planned = 20}, b = {.energy_j = e2, .n = 6, .planned = 20};
	struct ctk_prediction pa, pb;
	struct ctk_error err = {0};
	assert_int_equal(ctk_predict(ctk_predictor_find("ct-mean"), &a, &pa, &err), 0);
	assert_int_equal(ctk_predict(ctk_predictor_find("ct-mean"), &b, &pb, &err), 0);
	assert_true(pa.energy_cal.has_interval && pb.energy_cal.has_interval);
	/* quiet (CV 0.0055 < 0.02): 14 epochs to come × 100.5 = 1407 J rest,
	 * half-width q_quiet(6)·0.02·1407; jump (115 is 28 % above the median 90
	 * of those before; CV sqrt(290)/100 = 0.170294): rest 1400, half-width
	 * q_jump·0.170294·1400 */
	double qa = q_of("ct-mean", CTK_SCOPE_EPOCHS, CTK_CALIB_QUIET, 6), qb = q_of("ct-mean", CTK_SCOPE_EPOCHS, CTK_CALIB_JUMP, 6);
	assert_near(pa.energy_cal.hi - pa.energy_cal.value, qa * 0.02 * 1407, 1e-9);
	assert_near(pb.energy_cal.hi - pb.energy_cal.value, qb * 0.17029386365926402 * 1400, 1e-6);
}

/* Level shifts (ctk_level_start, CTK_LEVEL_TOL 8 %) and the level predictor:
 *   {10, 10.2, 9.9, 13, 13.1}: 13 and 13.1 agree (0.8 %), 9.9 does not
 *     (24 % below 13.1), median of {10, 10.2, 9.9} = 10 is 31 % below: the
 *     level starts at index 3; level predicts 2 more as 2 · 13.05 = 26.1
 *     (recent: later half {9.9, 13, 13.1} = 12 each, 24)
 *   {10, 10.2, 9.9, 13}: the last two disagree: none (yet), group jump
 *   {10, 10, 13, 10, 10}: a stall: the level {10, 10} is the median's: none
 *   {7, 10, 10.1}: a warm-up epoch: the level starts at 1
 *   fewer than 3 epochs, zeros: none */
static void test_level(void **state)
{
	(void)state;
	const double s[] = {10, 10.2, 9.9, 13, 13.1}, j[] = {10, 10.2, 9.9, 13}, st[] = {10, 10, 13, 10, 10},
		     w[] = {7, 10, 10.1}, z[] = {0, 0, 0};
	assert_int_equal(ctk_level_start(s, 5), 3);
	assert_int_equal(ctk_level_start(j, 4), 0);
	assert_int_equal(ctk_level_start(st, 5), 0);
	assert_int_equal(ctk_level_start(w, 3), 1);
	assert_int_equal(ctk_level_start(s, 2), 0);
	assert_int_equal(ctk_level_start(z, 3), 0);
	assert_int_equal(ctk_predict_calib_group(s, 5), CTK_CALIB_SHIFT);
	assert_int_equal(ctk_predict_calib_group(j, 4), CTK_CALIB_JUMP);
	assert_int_equal(ctk_predict_calib_group(st, 5), CTK_CALIB_BUSY);  /* CV 0.1230 */
	assert_int_equal(ctk_predict_calib_group(z, 3), CTK_CALIB_QUIET);
	/* the shift's scale is its level's CV ({13, 13.1}: 0.0707107 / 13.05 =
	 * 0.0054184), floored at 0.02; all five epochs' CV would be 0.1446 */
	assert_near(ctk_predict_calib_scale(s, 5), 0.02, 0);
	const double s2[] = {10, 10.2, 9.9, 13, 14, 13.5};   /* level {13, 14, 13.5}: CV 0.5 / 13.5 */
	assert_int_equal(ctk_level_start(s2, 6), 3);
	assert_near(ctk_predict_calib_scale(s2, 6), 0.5 / 13.5, 1e-12);
	struct ctk_predict_input in = {.energy_j = s, .n = 5, .planned = 7};
	struct ctk_prediction p;
	struct ctk_error err = {0};
	assert_int_equal(ctk_predict(ctk_predictor_find("level"), &in, &p, &err), 0);
	assert_near(p.energy_j.value, 56.2 + 26.1, 1e-12);
	assert_int_equal(p.used_energy, 2);
	assert_int_equal(ctk_predict(ctk_predictor_find("recent"), &in, &p, &err), 0);
	assert_near(p.energy_j.value, 56.2 + 24, 1e-12);
	in.energy_j = j;
	in.n = 4;
	assert_int_equal(ctk_predict(ctk_predictor_find("level"), &in, &p, &err), 0);
	assert_near(p.energy_j.value, 43.1 + 3 * 11.45, 1e-12);   /* recent's: {9.9, 13} */
}

static void test_bad_outside(void **state)
{
	(void)state;
	const double bad[] = {1, NAN};
	struct ctk_predict_input in = {.energy_j = E, .n = 3, .planned = 4,
				       .outside = {.gap_j = bad, .ngap = 2, .valid = 1}};
	struct ctk_prediction p;
	struct ctk_error err = {0};
	assert_int_equal(ctk_predict(ctk_predictor_find("ct-mean"), &in, &p, &err), CTK_EINPUT);
	in.outside.gap_j = NULL;
	assert_int_equal(ctk_predict(ctk_predictor_find("ct-mean"), &in, &p, &err), CTK_EINPUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_run),
		cmocka_unit_test(test_after_one_epoch),
		cmocka_unit_test(test_all_epochs_seen),
		cmocka_unit_test(test_recent_gaps),
		cmocka_unit_test(test_calib_lookup),
		cmocka_unit_test(test_calib_scale),
		cmocka_unit_test(test_level),
		cmocka_unit_test(test_bad_outside),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
