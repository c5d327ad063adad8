/* Unit tests of the what-if fast path of common/intensity.c (ctk_steps_*,
 * ctk_profile_*): known answers worked out by hand in the comments, and
 * equality with the join itself (ctk_join_add with shift_ns) on the same
 * pieces and series, overlaps (measured before estimated) and gaps
 * included, so the rule "which intensity applies" stays in one place. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "analyze/intensity/formats.h"
#include "common/intensity.h"
#include "common/db.h"

#define H (3600 * CTK_NS_PER_S)
#define KWH 3.6e6

static sqlite3 *db;
static struct ctk_error err;

/* One series of hourly values starting at hour t0_h. */
static void series(const char *zone, int64_t t0_h, const double *v, int n, int est)
{
	struct ctk_ci_opts o = {0};
	struct ctk_ci_key key = {.zone = zone, .signal = "lifecycle", .unit = "g/kWh", .kind = "history"};
	struct ctk_ci_sink k;

	assert_int_equal(ctk_ci_sink_init(&k, db, &o, "test", "mem", &err), 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(ctk_ci_emit(&k, &key, (t0_h + i) * H, (t0_h + i + 1) * H, 0, v[i], est, "test", &err), 0);
	assert_int_equal(ctk_ci_sink_finish(&k, &err), 0);
	ctk_ci_sink_release(&k);
}

static int setup(void **state)
{
	(void)state;
	unlink("steps.db");
	unlink("steps.db-wal");
	unlink("steps.db-shm");
	return ctk_db_open("steps.db", CTK_DB_CREATE, &db, &err);
}

static int teardown(void **state)
{
	(void)state;
	ctk_db_close(db);
	return 0;
}

/* Zone A: 100, 200, 300 g/kWh over hours 0, 1, 2; an estimated series of
 * 900 over hour 1 is beaten by the measured 200. 1 kWh spent over
 * [0:30, 1:30): as run 0.5 × 100 + 0.5 × 200 = 150 g; one hour later
 * 0.5 × 200 + 0.5 × 300 = 250 g; two hours later half lies after the
 * series: 0.5 × 300 = 150 g with 0.5 kWh missing. */
static void test_known_answers(void **state)
{
	static const double v[] = {100, 200, 300}, est[] = {900};
	const int64_t s[] = {H / 2}, e[] = {H + H / 2};
	const double j[] = {KWH};
	struct ctk_join_opts o = {.zone = "A"};
	struct ctk_steps st;
	struct ctk_profile p;
	double co2, missing;

	(void)state;
	series("A", 0, v, 3, 0);
	series("A", 1, est, 1, 1);
	assert_int_equal(ctk_steps_load(db, &o, INT64_MIN, INT64_MAX, &st, &err), 0);
	assert_true(st.has_span && st.series_first_ns == 0 && st.series_last_ns == 3 * H);
	assert_string_equal(st.signal, "lifecycle");
	assert_int_equal(ctk_profile_build(s, e, j, 1, &p, &err), 0);
	assert_true(fabs(ctk_profile_at(&p, H) - KWH / 2) < 1e-6);
	ctk_steps_price(&st, &p, 0, &co2, &missing);
	assert_true(fabs(co2 - 150) < 1e-9 && missing == 0);
	ctk_steps_price(&st, &p, H, &co2, &missing);
	assert_true(fabs(co2 - 250) < 1e-9 && missing == 0);
	ctk_steps_price(&st, &p, 2 * H, &co2, &missing);
	assert_true(fabs(co2 - 150) < 1e-9 && fabs(missing - KWH / 2) < 1e-6);
	ctk_steps_price(&st, &p, 10 * H, &co2, &missing);
	assert_true(co2 == 0 && fabs(missing - KWH) < 1e-6);
	ctk_profile_release(&p);
	ctk_steps_release(&st);
	/* contiguous pieces share one event: 1 kWh over hour 0, 3 kWh over hour 1
	 * → 1 kWh before 1:00, 1 + 1.5 = 2.5 kWh before 1:30, 4 kWh in all */
	{
		const int64_t cs[] = {0, H}, ce[] = {H, 2 * H};
		const double cj[] = {KWH, 3 * KWH};
		assert_int_equal(ctk_profile_build(cs, ce, cj, 2, &p, &err), 0);
		assert_int_equal(p.n, 3);
		assert_true(fabs(ctk_profile_at(&p, H) - KWH) < 1e-6);
		assert_true(fabs(ctk_profile_at(&p, H + H / 2) - 2.5 * KWH) < 1e-6);
		assert_true(fabs(p.energy_j - 4 * KWH) < 1e-6);
		ctk_profile_release(&p);
	}
	/* a piece that ends before it starts is bad input */
	const int64_t bs[] = {H}, be[] = {0};
	assert_int_equal(ctk_profile_build(bs, be, j, 1, &p, &err), CTK_EINPUT);
}

/* The fast path equals the join on the same data: zone B has 48 hourly
 * values with a 3-hour gap (hours 20–22), an estimated series over hours
 * 10–29 that wins only in the gap, and two devices of overlapping pieces,
 * contiguous within a device (one with instants); every shift k × 17 min
 * gives the join's CO2 and missing energy. */
static void test_equals_join(void **state)
{
	double v[48], est[20];
	enum { N = 400 };
	int64_t s[N], e[N];
	double j[N];
	struct ctk_join_opts o = {.zone = "B"};
	struct ctk_steps st;
	struct ctk_profile p;

	(void)state;
	for (int i = 0; i < 48; i++)
		v[i] = 50 + (i * 37 % 23) * 10;
	for (int i = 0; i < 20; i++)
		est[i] = 700 + i;
	series("B", 0, v, 20, 0);
	series("B", 23, v + 23, 25, 0);
	series("B", 10, est, 20, 1);
	srand(17);
	for (int i = 0; i < N; i++) {
		int dev = i >= N / 2; /* device by device, each in time order, as the analysis hands them over */
		int64_t t = (int64_t)(i % (N / 2)) * 61 * CTK_NS_PER_S + dev * 7 * CTK_NS_PER_S;
		s[i] = t;
		e[i] = dev && i % 10 == 1 ? t : t + 61 * CTK_NS_PER_S;   /* some instants */
		j[i] = 100.0 + rand() % 1000;
	}
	assert_int_equal(ctk_steps_load(db, &o, INT64_MIN, INT64_MAX, &st, &err), 0);
	assert_int_equal(ctk_profile_build(s, e, j, N, &p, &err), 0);
	for (int k = -3; k < 48 * 60 / 17 + 3; k++) {
		struct ctk_join_opts jo = {.zone = "B", .shift_ns = (int64_t)k * 17 * 60 * CTK_NS_PER_S};
		struct ctk_join *jn = NULL;
		struct ctk_join_result r;
		double co2, missing;
		assert_int_equal(ctk_join_open(db, &jo, &jn, &err), 0);
		for (int i = 0; i < N; i++)
			assert_int_equal(ctk_join_add(jn, s[i], e[i], j[i], NULL, &err), 0);
		assert_int_equal(ctk_join_finish(jn, &r, &err), 0);
		ctk_join_free(jn);
		ctk_steps_price(&st, &p, jo.shift_ns, &co2, &missing);
		if (fabs(co2 - r.total.co2_g) > 1e-9 * (r.total.co2_g + 1))
			fprintf(stderr, "k %d: steps %.12g missing %.12g, join %.12g missing %.12g\n", k, co2, missing, r.total.co2_g, r.total.missing_j);
		assert_true(fabs(co2 - r.total.co2_g) <= 1e-9 * (r.total.co2_g + 1));
		assert_true(fabs(missing - r.total.missing_j) <= 1e-6 * r.energy_j);
		assert_true(fabs(p.energy_j - r.energy_j) <= 1e-9 * r.energy_j);
	}
	ctk_profile_release(&p);
	ctk_steps_release(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_equals_join),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
