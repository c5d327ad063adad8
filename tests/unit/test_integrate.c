/* Tests for the energy kernel (common/energy.c, reached through
 * common/integrate.h) against exact integrals worked out by hand:
 * the trapezoid over a piecewise-linear power trace sampled at its corners
 * is exact (1e-9 relative), a linear counter interpolated at window edges is
 * exact, gaps lower coverage, and a device with both signals says 'mixed'. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "common/integrate.h"

#define S INT64_C(1000000000)
#define T0 INT64_C(1700000000000000000)

static void assert_rel(double got, double want, double tol)
{
	if (fabs(got - want) > tol * fabs(want))
		fail_msg("got %.12f, want %.12f", got, want);
}

/* Power: 100 W at t=0 rising to 300 W at t=10 s, flat to 20 s, falling to
 * 0 W at 25 s. Readings every 0.5 s (corners included). Exact energies:
 *   [0,10]  = 10 * (100+300)/2 = 2000 J
 *   [10,20] = 3000 J,  [20,25] = 5 * 300/2 = 750 J,  total 5750 J
 *   window [3.25, 12.75]: P(3.25)=165, P(10)=300 → 6.75*(165+300)/2
 *     = 1569.375, plus 2.75*300 = 825 → 2394.375 J */
static int64_t power_at_mw(double t)
{
	double p = t <= 10 ? 100 + 20 * t : t <= 20 ? 300 : 300 - 60 * (t - 20);
	return (int64_t)llround(p * 1000);
}

static void test_trapezoid_exact(void **state)
{
	struct ctk_span win[] = {{1, T0, T0 + 10 * S, 1, 1}, {2, T0 + 10 * S, T0 + 20 * S, 1, 1}, {3, T0 + 20 * S, T0 + 25 * S, 1, 1},
				 {4, T0 + 3250000000, T0 + 12750000000, 1, 1}};
	struct ctk_energy per[4];
	struct ctk_integrator in;
	(void)state;

	memset(per, 0, sizeof per);
	/* window 4 overlaps the others: integrate it separately (windows sorted by start) */
	ctk_integrator_init(&in, win, 3, 0.5, per);
	for (int i = 0; i <= 50; i++) {
		struct ctk_reading r = {.t_ns = T0 + i * (S / 2), .power_mw = power_at_mw(i * 0.5), .has_power = 1};
		ctk_integrator_add(&in, &r);
	}
	assert_rel(in.total.energy_j, 5750, 1e-9);
	assert_rel(per[0].energy_j, 2000, 1e-9);
	assert_rel(per[1].energy_j, 3000, 1e-9);
	assert_rel(per[2].energy_j, 750, 1e-9);
	assert_string_equal(ctk_energy_method(&per[0]), "trapezoid");
	assert_rel(ctk_energy_coverage(&per[1], win[1].start_ns, win[1].end_ns), 1.0, 1e-12);

	struct ctk_energy one = {0};
	ctk_integrator_init(&in, &win[3], 1, 0.5, &one);
	for (int i = 0; i <= 50; i++) {
		struct ctk_reading r = {.t_ns = T0 + i * (S / 2), .power_mw = power_at_mw(i * 0.5), .has_power = 1};
		ctk_integrator_add(&in, &r);
	}
	assert_rel(one.energy_j, 2394.375, 1e-9);
}

/* A counter rising 250 J/s read every 1.0 s (with 0.1 s jitter): energy of
 * any window inside the readings is exactly 250 J/s × its length. */
static void test_counter_exact(void **state)
{
	struct ctk_span win[] = {{1, T0 + 1234567890, T0 + 7654321098, 1, 1}, {2, T0 + 7654321098, T0 + 9 * S + 1, 1, 1}};
	struct ctk_energy per[2];
	struct ctk_integrator in;
	(void)state;

	memset(per, 0, sizeof per);
	ctk_integrator_init(&in, win, 2, 1.0, per);
	for (int i = 0; i <= 10; i++) {
		int64_t t = i * S + (i % 2) * (S / 10);
		/* power readings deliberately wrong: the counter must win */
		struct ctk_reading r = {.t_ns = T0 + t, .energy_uj = 250 * t / 1000, .has_energy = 1,
					.power_mw = 1, .has_power = 1};
		ctk_integrator_add(&in, &r);
	}
	assert_rel(per[0].energy_j, 250.0 * (7654321098 - 1234567890) / 1e9, 1e-9);
	assert_rel(per[1].energy_j, 250.0 * (9 * S + 1 - 7654321098) / 1e9, 1e-9);
	assert_string_equal(ctk_energy_method(&per[0]), "counter");
	assert_rel(in.total.energy_j, 250.0 * 10, 1e-12);
}

/* 1 s readings with a 10 s hole: the hole is integrated (linearly) but not
 * covered; a window entirely outside the readings has no energy at all. */
static void test_gaps_and_mixed(void **state)
{
	struct ctk_span win[] = {{1, T0, T0 + 20 * S, 1, 1}, {2, T0 + 100 * S, T0 + 110 * S, 1, 1}};
	struct ctk_energy per[2];
	struct ctk_integrator in;
	int64_t ts[] = {0, 1, 2, 3, 4, 5, 15, 16, 17, 18, 19, 20};
	(void)state;

	memset(per, 0, sizeof per);
	ctk_integrator_init(&in, win, 2, 1.0, per);
	for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
		struct ctk_reading r = {.t_ns = T0 + ts[i] * S, .power_mw = 100000, .has_power = 1,
					.energy_uj = ts[i] * 100000000, .has_energy = ts[i] >= 15};
		if (!r.has_energy) r.energy_uj = 0;
		ctk_integrator_add(&in, &r);
	}
	assert_rel(per[0].energy_j, 2000, 1e-12);
	assert_rel(ctk_energy_coverage(&per[0], win[0].start_ns, win[0].end_ns), 10.0 / 20.0, 1e-12);
	assert_string_equal(ctk_energy_method(&per[0]), "mixed");
	assert_string_equal(ctk_energy_method(&per[1]), "none");
	assert_rel(ctk_energy_coverage(&per[1], win[1].start_ns, win[1].end_ns) + 1.0, 1.0, 1e-12);
}

struct pieces {
	double in[4], out, span_ns;
	int64_t last_end;
	int ordered;
};

static int on_piece(void *ctx, int k, int64_t a, int64_t b, double e, struct ctk_error *err)
{
	struct pieces *p = ctx;
	(void)err;
	if (k >= 0)
		p->in[k] += e;
	else
		p->out += e;
	p->span_ns += (double)(b - a);
	if (a < p->last_end)
		p->ordered = 0;
	p->last_end = b;
	return 0;
}

/* The pieces handed to the CO2 hook partition the run: they are in time
 * order, cover first→last reading exactly once, and add up per window. */
static void test_pieces_partition(void **state)
{
	struct ctk_span win[] = {{1, T0 + 1 * S, T0 + 4 * S, 1, 1}, {2, T0 + 6 * S, T0 + 6 * S + S / 3, 1, 1},
				 {3, T0 + 8 * S, T0 + 30 * S, 1, 1}};
	struct ctk_energy per[3];
	struct ctk_integrator in;
	struct pieces p = {.ordered = 1, .last_end = T0};
	(void)state;

	memset(per, 0, sizeof per);
	ctk_integrator_init(&in, win, 3, 0.5, per);
	ctk_integrator_hook(&in, on_piece, &p, NULL);
	for (int i = 0; i <= 50; i++) {
		struct ctk_reading r = {.t_ns = T0 + i * (S / 2), .power_mw = power_at_mw(i * 0.5), .has_power = 1};
		ctk_integrator_add(&in, &r);
	}
	assert_true(p.ordered);
	assert_rel(p.span_ns, 25e9, 1e-12);
	assert_rel(p.in[0] + p.in[1] + p.in[2] + p.out, 5750, 1e-12);
	for (int k = 0; k < 3; k++)
		assert_rel(p.in[k], per[k].energy_j, 1e-12);
	/* window 3 runs past the last reading (25 s): only [8, 25] counts,
	 * 2 s at 300 W flat … exact: 2*(260+300)/2 + 10*300 + 750 = 4310 J */
	assert_rel(per[2].energy_j, 4310, 1e-9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trapezoid_exact), cmocka_unit_test(test_counter_exact),
		cmocka_unit_test(test_gaps_and_mixed), cmocka_unit_test(test_pieces_partition),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
