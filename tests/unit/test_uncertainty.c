/* Known-answer tests of the uncertainty bound (common/uncertainty.h): a
 * counter gives its resolution only; 1 Hz samples of square waves give a
 * bound that covers the true error (the exact integral worked out from the
 * wave's edges here, not by the kernel) for many phases; a gap is counted
 * as gap time x the power bound. Expected numbers in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "common/energy.h"
#include "common/uncertainty.h"

#define S INT64_C(1000000000)

static struct ctk_reading ctr(int64_t t_ns, int64_t uj)
{
	struct ctk_reading r;
	memset(&r, 0, sizeof r);
	r.t_ns = t_ns;
	r.has_energy = 1;
	r.energy_uj = uj;
	return r;
}

static struct ctk_reading pw(int64_t t_ns, int64_t mw)
{
	struct ctk_reading r;
	memset(&r, 0, sizeof r);
	r.t_ns = t_ns;
	r.has_power = 1;
	r.power_mw = mw;
	return r;
}

/* NVML-like counter in mJ (values 1000001, 1100003, 1250007, 1400011 mJ at
 * 1..4 s: their gcd is 1 mJ). Window [1 s, 4 s] begins and ends on readings:
 * the bound is one step, 0.001 J, nothing else; the whole run too. Window
 * [1.5 s, 3 s]: its start is interpolated halfway into a 100.002 J segment,
 * so the counter there is known only to max(0.5, 0.5) x 100.002 = 50.001 J
 * (the highest power seen, 150.004 W, x 0.5 s is more), plus the step:
 * 50.002 J. */
static void counter_resolution_only(void **state)
{
	struct ctk_span win[2] = {{1, 1 * S, 4 * S, 1, 1}, {2, 1 * S + S / 2, 3 * S, 1, 1}};
	struct ctk_energy per[2];
	struct ctk_integrator in;
	struct ctk_resolution res;
	struct ctk_uncert u;
	int64_t mj[4] = {1000001, 1100003, 1250007, 1400011};

	(void)state;
	memset(per, 0, sizeof per);
	/* the two windows overlap: each is integrated on its own integrator */
	ctk_integrator_init(&in, &win[0], 1, 1.0, &per[0]);
	for (int i = 0; i < 4; i++) {
		struct ctk_reading r = ctr((i + 1) * S, mj[i] * 1000);
		ctk_integrator_add_signal(&in, &r, "counter");
	}
	ctk_resolution_of(&in, 0, 0, &res);
	assert_float_equal(res.counter_j, 0.001, 1e-15);
	ctk_energy_uncert(&per[0], &res, win[0].start_ns, win[0].end_ns, &u);
	assert_float_equal(per[0].energy_j, 400.010, 1e-9);
	assert_float_equal(u.u_j, 0.001, 1e-12);
	assert_float_equal(u.counter_j, 0.001, 1e-12);
	assert_float_equal(u.sampling_j + u.interp_j + u.gap_j + u.lag_j + u.resolution_j, 0, 1e-12);
	ctk_energy_uncert(&in.total, &res, in.first_ns, in.last_ns, &u);
	assert_float_equal(u.u_j, 0.001, 1e-12);

	ctk_integrator_init(&in, &win[1], 1, 1.0, &per[1]);
	for (int i = 0; i < 4; i++) {
		struct ctk_reading r = ctr((i + 1) * S, mj[i] * 1000);
		ctk_integrator_add_signal(&in, &r, "counter");
	}
	ctk_resolution_of(&in, 0, 0, &res);
	ctk_energy_uncert(&per[1], &res, win[1].start_ns, win[1].end_ns, &u);
	assert_float_equal(u.interp_j, 50.001, 1e-9);
	assert_float_equal(u.u_j, 50.002, 1e-9);
	/* with a 60 W power limit the edge, 0.5 s from the nearer reading, is
	 * off by at most 60 W x 0.5 s = 30 J: 30.001 J */
	ctk_resolution_of(&in, 60, 1, &res);
	ctk_energy_uncert(&per[1], &res, win[1].start_ns, win[1].end_ns, &u);
	assert_float_equal(u.u_j, 30.001, 1e-9);
}

/* A RAPL-like counter in uJ (odd values): one step is 1 uJ. */
static void counter_microjoule(void **state)
{
	struct ctk_integrator in;
	struct ctk_resolution res;
	struct ctk_uncert u;

	(void)state;
	ctk_integrator_init(&in, NULL, 0, 0.1, NULL);
	for (int i = 0; i < 5; i++) {
		struct ctk_reading r = ctr(i * S / 10, 7000003 + 1234567 * i);
		ctk_integrator_add(&in, &r);
	}
	ctk_resolution_of(&in, 0, 0, &res);
	ctk_energy_uncert(&in.total, &res, in.first_ns, in.last_ns, &u);
	assert_float_equal(u.u_j, 1e-6, 1e-15);
}

/* A square wave between 100 W and 300 W, high for half of each period
 * (high when (t + phase) mod period < period / 2), integrated exactly over
 * [a, b] from its edges. */
static double square_exact_j(double a, double b, double period, double phase)
{
	double e = 0, t = a;

	while (t < b) {
		double u = fmod(t + phase, period), next;
		int high = u < period / 2;
		next = t + (high ? period / 2 - u : period - u);
		if (next > b)
			next = b;
		e += (high ? 300.0 : 100.0) * (next - t);
		t = next;
	}
	return e;
}

static int64_t square_mw(double t, double period, double phase)
{
	return fmod(t + phase, period) < period / 2 ? 300000 : 100000;
}

/* 1 Hz instantaneous samples over 0..30 s of waves of period 2 s and 3 s
 * (at most one edge between two samples: power monotone between them), ten
 * phases each, windows on and between samples: |estimate - exact| <= u. */
static void square_wave_covered(void **state)
{
	const struct ctk_span win[3] = {{1, 0, 5 * S, 1, 1}, {2, 5 * S + S / 4, 11 * S + S / 2, 1, 1},
					{3, 12 * S, 30 * S, 1, 1}};
	const double periods[2] = {2.0, 3.0};
	int checked = 0;

	(void)state;
	for (int p = 0; p < 2; p++)
		for (int f = 0; f < 10; f++) {
			double period = periods[p], phase = period * f / 10.0 + 0.013;
			struct ctk_energy per[3];
			struct ctk_integrator in;
			struct ctk_resolution res;
			memset(per, 0, sizeof per);
			ctk_integrator_init(&in, win, 3, 1.0, per);
			for (int i = 0; i <= 30; i++) {
				struct ctk_reading r = pw(i * S, square_mw(i, period, phase));
				ctk_integrator_add_signal(&in, &r, "power_instant");
			}
			ctk_resolution_of(&in, 0, 0, &res);
			for (int k = 0; k < 3; k++) {
				struct ctk_uncert u;
				double a = (double)win[k].start_ns / 1e9, b = (double)win[k].end_ns / 1e9;
				double exact = square_exact_j(a, b, period, phase);
				ctk_energy_uncert(&per[k], &res, win[k].start_ns, win[k].end_ns, &u);
				assert_true(fabs(per[k].energy_j - exact) <= u.u_j);
				assert_float_equal(u.gap_s, 0, 1e-12);
				checked++;
			}
		}
	assert_int_equal(checked, 60);
}

/* The bound by hand, period 2 s, phase 0.3 s, window [0, 5 s]: samples
 * 300, 100, 300, 100, 300, 100 W alternate, so 5 segments x 1 s x 200 W / 2
 * = 500 J; the power values' gcd is 100 W, capped at 1 W: 1 W x 5 s = 5 J;
 * 505 J. The exact integral is 300 x 2.7 + 100 x 2.3 = 1040 J, the
 * trapezoid 1000 J: off by 40 J. */
static void square_wave_by_hand(void **state)
{
	struct ctk_span win = {1, 0, 5 * S, 1, 1};
	struct ctk_energy per;
	struct ctk_integrator in;
	struct ctk_resolution res;
	struct ctk_uncert u;

	(void)state;
	memset(&per, 0, sizeof per);
	ctk_integrator_init(&in, &win, 1, 1.0, &per);
	for (int i = 0; i <= 5; i++) {
		struct ctk_reading r = pw(i * S, square_mw(i, 2.0, 0.3));
		ctk_integrator_add(&in, &r);
	}
	ctk_resolution_of(&in, 0, 0, &res);
	ctk_energy_uncert(&per, &res, win.start_ns, win.end_ns, &u);
	assert_float_equal(per.energy_j, 1000.0, 1e-9);
	assert_float_equal(square_exact_j(0, 5, 2.0, 0.3), 1040.0, 1e-9);
	assert_float_equal(u.sampling_j, 500.0, 1e-9);
	assert_float_equal(u.resolution_j, 5.0, 1e-9);
	assert_float_equal(u.u_j, 505.0, 1e-9);
}

/* 200 W readings at 0..4 s and 10..14 s, period 1 s: the 6 s between 4 and
 * 10 s is a gap (longer than 2 periods). Window [0, 14 s] with a 300 W power
 * limit: 6 s x 300 W = 1800 J, plus the power step (gcd 200 W, capped at
 * 1 W) x 14 s = 14 J: 1814 J. Without a limit the bound is the highest power
 * seen, 200 W: 1200 + 14 = 1214 J. Window [0, 20 s] has 6 s more without
 * readings: gap 12 s, 12 x 300 + 14 = 3614 J. */
static void gap_counted(void **state)
{
	struct ctk_span win = {1, 0, 14 * S, 1, 1};
	struct ctk_span win20 = {1, 0, 20 * S, 1, 1};
	struct ctk_energy per, per20;
	struct ctk_integrator in, in20;
	struct ctk_resolution res;
	struct ctk_uncert u;

	(void)state;
	memset(&per, 0, sizeof per);
	memset(&per20, 0, sizeof per20);
	ctk_integrator_init(&in, &win, 1, 1.0, &per);
	ctk_integrator_init(&in20, &win20, 1, 1.0, &per20);
	for (int i = 0; i <= 14; i++) {
		if (i > 4 && i < 10)
			continue;
		struct ctk_reading r = pw(i * S, 200000);
		ctk_integrator_add(&in, &r);
		ctk_integrator_add(&in20, &r);
	}
	ctk_resolution_of(&in, 300, 1, &res);
	assert_true(res.bound_is_limit);
	ctk_energy_uncert(&per, &res, win.start_ns, win.end_ns, &u);
	assert_float_equal(u.gap_s, 6.0, 1e-12);
	assert_float_equal(u.u_j, 1814.0, 1e-9);
	ctk_resolution_of(&in, 0, 0, &res);
	assert_false(res.bound_is_limit);
	ctk_energy_uncert(&per, &res, win.start_ns, win.end_ns, &u);
	assert_float_equal(u.u_j, 1214.0, 1e-9);
	ctk_resolution_of(&in20, 300, 1, &res);
	ctk_energy_uncert(&per20, &res, win20.start_ns, win20.end_ns, &u);
	assert_float_equal(u.gap_s, 12.0, 1e-12);
	assert_float_equal(u.u_j, 3614.0, 1e-9);
}

/* Averaged power (power_avg_1s) 100 W then 300 W from 2 s on, readings
 * 0..6 s; the whole run's lag term is 0.25 s x |P(start) - P(end)| where the
 * first and last pieces' power are 100 and 300 W: 50 J. */
static void lag_term(void **state)
{
	struct ctk_integrator in;
	struct ctk_resolution res;
	struct ctk_uncert u;

	(void)state;
	ctk_integrator_init(&in, NULL, 0, 1.0, NULL);
	for (int i = 0; i <= 6; i++) {
		struct ctk_reading r = pw(i * S, i < 2 ? 100000 : 300000);
		ctk_integrator_add_signal(&in, &r, "power_avg_1s");
	}
	ctk_resolution_of(&in, 0, 0, &res);
	ctk_energy_uncert(&in.total, &res, in.first_ns, in.last_ns, &u);
	assert_float_equal(u.lag_j, 50.0, 1e-9);
}

/* "v ± u unit": u rounded up (a bound stays a bound), v to u's place or to
 * the given decimals. */
static void format_pm(void **state)
{
	char buf[96];

	(void)state;
	assert_string_equal(ctk_fmt_pm(buf, sizeof buf, 0.016912, 0.00012, "kWh", -1), "0.0169 \xc2\xb1 0.0002 kWh");
	assert_string_equal(ctk_fmt_pm(buf, sizeof buf, 0.0169, 0.0001, "kWh", -1), "0.0169 \xc2\xb1 0.0001 kWh");
	assert_string_equal(ctk_fmt_pm(buf, sizeof buf, 91970.99667, 4349.38152, "J", 3),
			    "91970.997 \xc2\xb1 4349.382 J");
	assert_string_equal(ctk_fmt_pm(buf, sizeof buf, 12.5, 0, NULL, 1), "12.5 \xc2\xb1 0.0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counter_resolution_only),
		cmocka_unit_test(counter_microjoule),
		cmocka_unit_test(square_wave_covered),
		cmocka_unit_test(square_wave_by_hand),
		cmocka_unit_test(gap_counted),
		cmocka_unit_test(lag_term),
		cmocka_unit_test(format_pm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
