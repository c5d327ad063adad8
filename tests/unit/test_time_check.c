/* Tests for ctk_run_time_check (analyze/energy/analysis.c): epoch windows
 * and readings that do not overlap, or overlap less than half, give a
 * warning with the offset and its likely cause; readings that cover the
 * epochs give none. Readings: 100 W every 1 s from T0 to T0 + 100 s; the
 * shares below are worked out by hand from those spans. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "analyze/energy/analysis.h"

#define S INT64_C(1000000000)
#define T0 INT64_C(1765388410000000000)

/* Check run 7 with epochs [a0, a1) and [b0, b1) (s after T0) and zone tz. */
static int check(double a0, double a1, double b0, double b1, const char *tz, int readings, char *msg, size_t size)
{
	struct ctk_span win[2] = {{1, T0 + (int64_t)(a0 * 1e9), T0 + (int64_t)(a1 * 1e9), 1, 1},
				  {2, T0 + (int64_t)(b0 * 1e9), T0 + (int64_t)(b1 * 1e9), 1, 1}};
	struct ctk_energy per[2];
	struct ctk_dev_result d;
	struct ctk_run_result r;

	memset(&r, 0, sizeof r);
	memset(&d, 0, sizeof d);
	memset(per, 0, sizeof per);
	r.run_id = 7;
	snprintf(r.tz, sizeof r.tz, "%s", tz);
	r.nwin = 2;
	r.win = win;
	r.ndev = 1;
	r.dev = &d;
	d.per = per;
	ctk_integrator_init(&d.in, win, 2, 1.0, per);
	for (int i = 0; i <= 100 && readings; i++) {
		struct ctk_reading x = {.t_ns = T0 + i * S, .power_mw = 100000, .has_power = 1};
		ctk_integrator_add(&d.in, &x);
	}
	msg[0] = '\0';
	return ctk_run_time_check(&r, msg, size);
}

static void test_time_check(void **state)
{
	char m[700];

	(void)state;
	/* inside the readings: no warning */
	assert_int_equal(check(10, 50, 50, 90, "UTC", 1, m, sizeof m), 0);
	/* exactly half covered (epochs 50..150: 50 of 100 s) is not "less than half" */
	assert_int_equal(check(50, 100, 100, 150, "UTC", 1, m, sizeof m), 0);
	/* no readings: nothing to compare */
	assert_int_equal(check(10, 50, 50, 90, "UTC", 0, m, sizeof m), 0);
	/* epochs 1 h later than the readings (read with --tz Europe/Copenhagen):
	 * offset −(3600 + 20) s, within 5 min of −1 h */
	assert_int_equal(check(3620, 3660, 3660, 3700, "Europe/Copenhagen", 1, m, sizeof m), 1);
	assert_non_null(strstr(m, "run 7: the epochs and the readings do not overlap (0%"));
	assert_non_null(strstr(m, "the readings start 1 h 0 min 20 s before the epochs"));
	assert_non_null(strstr(m, "about 1 h, as when times without a zone are read in another zone"));
	assert_non_null(strstr(m, "with --tz 'Europe/Copenhagen'"));
	/* Nepal, UTC+5:45, times read as UTC: the readings 5 h 45 min after */
	assert_int_equal(check(-20700, -20680, -20680, -20660, "", 1, m, sizeof m), 1);
	assert_non_null(strstr(m, "start 5 h 45 min 0 s after the epochs"));
	assert_non_null(strstr(m, "about 5 h 45 min"));
	assert_non_null(strstr(m, "read as UTC"));
	/* epochs 60..200 s: 40 of 140 s covered = 28.6 %, offset −60 s: no zone */
	assert_int_equal(check(60, 100, 100, 200, "UTC", 1, m, sizeof m), 1);
	assert_non_null(strstr(m, "overlap less than half (29%"));
	assert_non_null(strstr(m, "start 1 min 0 s before the epochs"));
	assert_non_null(strstr(m, "may belong to another run"));
	assert_null(strstr(m, "another zone"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
