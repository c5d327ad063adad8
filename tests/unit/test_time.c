/* Tests for common/time.c: every time format of FORMATS.md, --tz by IANA
 * name and fixed offset, Unix numbers by suffix and magnitude, and the
 * errors. Expected values are worked out by hand (date -u cross-checked). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "common/time.h"

static int64_t parse(const char *s, const char *tzspec)
{
	struct ctk_tz tz;
	struct ctk_error err = {0};
	int64_t t = 0;

	assert_int_equal(ctk_tz_parse(tzspec, &tz, &err), 0);
	assert_int_equal(ctk_time_parse(s, &tz, &t, &err), 0);
	return t;
}

static void test_iso_forms(void **state)
{
	(void)state;
	/* 2025-07-26T23:32:09Z = 1753572729 (date -u -d @1753572729) */
	assert_int_equal(parse("2025-07-26T23:32:09Z", NULL), INT64_C(1753572729000000000));
	assert_int_equal(parse("2025-07-26 23:32:09.703", "UTC"), INT64_C(1753572729703000000));
	assert_int_equal(parse("2025/07/26 23:32:09.703", "UTC"), INT64_C(1753572729703000000));
	assert_int_equal(parse("2025-07-26T23:32:09.123456789Z", NULL), INT64_C(1753572729123456789));
	assert_int_equal(parse("2025-07-27T01:32:09+02:00", NULL), INT64_C(1753572729000000000));
	assert_int_equal(parse("2025-07-26T18:32:09-0500", NULL), INT64_C(1753572729000000000));
	assert_int_equal(parse("2023-03-14T00:30Z", NULL), INT64_C(1678753800000000000));
	assert_int_equal(parse("2024-11-30T06:00:00.000Z", NULL), INT64_C(1732946400000000000));
	/* carbontracker stem form, compact time; its Z is local, so the
	 * importer passes it without Z and a zone. */
	assert_int_equal(parse("2026-11-23T220546", "UTC"), INT64_C(1795471546000000000));
	assert_int_equal(parse("2024-02-29", "UTC"), INT64_C(1709164800000000000));
}

static void test_tz(void **state)
{
	(void)state;
	/* Copenhagen is UTC+2 in July (CEST) and UTC+1 in January (CET). */
	assert_int_equal(parse("2025-07-26 23:32:09", "Europe/Copenhagen"), INT64_C(1753565529000000000));
	assert_int_equal(parse("2025-01-15 12:00:00", "Europe/Copenhagen"), INT64_C(1736938800000000000));
	assert_int_equal(parse("2025-07-26 23:32:09", "+02:00"), INT64_C(1753565529000000000));
	assert_int_equal(parse("2025-07-26 23:32:09", "UTC-05:30"), INT64_C(1753592529000000000));
	/* New York: 2025-03-09 is the spring-forward day (02:00 EST -> 03:00 EDT) */
	assert_int_equal(parse("2025-03-09 01:30:00", "America/New_York"), INT64_C(1741501800000000000));
	assert_int_equal(parse("2025-03-09 03:30:00", "America/New_York"), INT64_C(1741505400000000000));
	/* a zone in the input wins over --tz */
	assert_int_equal(parse("2025-07-26T23:32:09Z", "Europe/Copenhagen"), INT64_C(1753572729000000000));
}

static void test_tz_errors(void **state)
{
	struct ctk_tz tz;
	struct ctk_error err = {0};
	int64_t t;
	(void)state;

	assert_int_equal(ctk_tz_parse("Mars/Olympus_Mons", &tz, &err), CTK_EUSAGE);
	assert_int_equal(ctk_tz_parse("../../etc/passwd", &tz, &err), CTK_EUSAGE);
	assert_int_equal(ctk_tz_parse("+25:00", &tz, &err), CTK_EUSAGE);
	assert_int_equal(ctk_tz_parse(NULL, &tz, &err), 0);
	assert_int_equal(ctk_time_parse("2025-07-26 23:32:09", &tz, &t, &err), CTK_EINPUT);
	assert_non_null(strstr(err.msg, "no zone"));
}

static void test_bad_times(void **state)
{
	struct ctk_tz tz;
	struct ctk_error err = {0};
	int64_t t;
	const char *bad[] = {"2023-02-29T00:00Z", "2023-13-01T00:00Z", "2023-01-01T25:00Z", "yesterday",
			     "2023-01-01T00:00Zjunk", "2023-01-01T00:61Z", "", "2023/01-01 00:00:00", NULL};
	(void)state;

	ctk_tz_parse("UTC", &tz, &err);
	for (int i = 0; bad[i]; i++)
		assert_int_equal(ctk_time_parse(bad[i], &tz, &t, &err), CTK_EINPUT);
}

static void test_numbers(void **state)
{
	struct ctk_error err = {0};
	int64_t t;
	(void)state;

	assert_int_equal(ctk_time_parse_number("1753572729.703", CTK_TU_AUTO, &t, &err), 0);
	assert_int_equal(t, INT64_C(1753572729703000000));
	assert_int_equal(ctk_time_parse_number("1753572729703", CTK_TU_AUTO, &t, &err), 0);
	assert_int_equal(t, INT64_C(1753572729703000000));
	assert_int_equal(ctk_time_parse_number("1753572729703123", CTK_TU_AUTO, &t, &err), 0);
	assert_int_equal(t, INT64_C(1753572729703123000));
	assert_int_equal(ctk_time_parse_number("1753572729703123456", CTK_TU_AUTO, &t, &err), 0);
	assert_int_equal(t, INT64_C(1753572729703123456));
	assert_int_equal(ctk_time_parse_number("120", CTK_TU_MS, &t, &err), 0);
	assert_int_equal(t, INT64_C(120000000));
	assert_int_equal(ctk_time_parse_number("1.5", CTK_TU_S, &t, &err), 0);
	assert_int_equal(t, INT64_C(1500000000));
	assert_int_equal(ctk_time_parse_number("nan", CTK_TU_S, &t, &err), CTK_EINPUT);
	assert_int_equal(ctk_time_parse_number("12x", CTK_TU_S, &t, &err), CTK_EINPUT);
	assert_int_equal(ctk_time_parse_number("99999999999999999999", CTK_TU_S, &t, &err), CTK_EINPUT);
	assert_int_equal(ctk_time_parse_any("2025-07-26T23:32:09Z", CTK_TU_AUTO, NULL, &t, &err), 0);
	assert_int_equal(t, INT64_C(1753572729000000000));
}

static void test_format_and_duration(void **state)
{
	char buf[40];
	struct ctk_error err = {0};
	int64_t ns;
	(void)state;

	ctk_time_format(INT64_C(1753572729703000000), buf, sizeof buf);
	assert_string_equal(buf, "2025-07-26T23:32:09.703Z");
	ctk_time_format(0, buf, sizeof buf);
	assert_string_equal(buf, "1970-01-01T00:00:00.000Z");
	assert_int_equal(ctk_duration_parse("100ms", &ns, &err), 0);
	assert_int_equal(ns, INT64_C(100000000));
	assert_int_equal(ctk_duration_parse("10s", &ns, &err), 0);
	assert_int_equal(ns, INT64_C(10000000000));
	assert_int_equal(ctk_duration_parse("2m", &ns, &err), 0);
	assert_int_equal(ns, INT64_C(120000000000));
	assert_int_equal(ctk_duration_parse("3 parsecs", &ns, &err), CTK_EUSAGE);
	/* issue 19: a bare number is refused, the message names the fix */
	ns = -7;
	assert_int_equal(ctk_duration_parse("100", &ns, &err), CTK_EUSAGE);
	assert_int_equal(ns, -7);
	assert_non_null(strstr(err.msg, "needs a unit"));
	assert_non_null(strstr(err.msg, "100ms"));
	assert_int_equal(ctk_duration_parse("2.5", &ns, &err), CTK_EUSAGE);
	assert_int_equal(ctk_duration_parse("0", &ns, &err), 0);
	assert_int_equal(ns, 0);
	assert_int_equal(ctk_duration_parse("1.5h", &ns, &err), 0);
	assert_int_equal(ns, INT64_C(5400000000000));
	assert_int_equal(ctk_days_from_civil(2000, 3, 1), 11017);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iso_forms), cmocka_unit_test(test_tz), cmocka_unit_test(test_tz_errors),
		cmocka_unit_test(test_bad_times), cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_format_and_duration),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
