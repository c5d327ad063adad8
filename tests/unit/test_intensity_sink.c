/* Unit tests of the intensity sink (analyze/intensity_formats.c): "until the
 * next value" steps and the last step's length, time-order errors naming the
 * place, one series per (zone, signal), resolution as the most common step,
 * skip_seen for overlapping fetch pages, value checks, and sniffing. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "analyze/intensity/formats.h"
#include "common/db.h"

#define M (60 * CTK_NS_PER_S)

static sqlite3 *db;
static struct ctk_error err;
static struct ctk_ci_opts opts;

static int setup(void **state)
{
	(void)state;
	unlink("sink.db");
	return ctk_db_open("sink.db", CTK_DB_CREATE, &db, &err);
}

static int teardown(void **state)
{
	(void)state;
	ctk_db_close(db);
	return 0;
}

static int64_t q(const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Values at 0, 15, 30, 60 min "until next": ends 15, 30, 60, and the last
 * lasts the most common step (15 min) → 75. Resolution 900 s. */
static void test_until_next(void **state)
{
	struct ctk_ci_key key = {.zone = "Z1", .signal = "lifecycle", .unit = "g/kWh", .kind = "history"};
	struct ctk_ci_sink k;
	static const int64_t t[] = {0, 15, 30, 60};

	(void)state;
	assert_int_equal(ctk_ci_sink_init(&k, db, &opts, "t", "a.csv", &err), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(ctk_ci_emit(&k, &key, t[i] * M, 0, 0, 100 + i, 0, "line", &err), 0);
	assert_int_equal(ctk_ci_sink_finish(&k, &err), 0);
	ctk_ci_sink_release(&k);
	assert_int_equal(q("SELECT end_ns FROM intensity WHERE start_ns = 0"), 15 * M);
	assert_int_equal(q("SELECT end_ns FROM intensity WHERE start_ns = 1800000000000"), 60 * M);
	assert_int_equal(q("SELECT max(end_ns) FROM intensity"), 75 * M);
	assert_int_equal(q("SELECT resolution_s FROM intensity_series WHERE zone = 'Z1'"), 900);
}

/* Out of order: an error naming the place; a second zone is its own series. */
static void test_order_and_zones(void **state)
{
	struct ctk_ci_key a = {.zone = "DK-DK1", .signal = "direct", .unit = "g/kWh", .kind = "history"};
	struct ctk_ci_key b = {.zone = "DK-DK2", .signal = "direct", .unit = "g/kWh", .kind = "history"};
	struct ctk_ci_sink k;

	(void)state;
	assert_int_equal(ctk_ci_sink_init(&k, db, &opts, "t", "b.json", &err), 0);
	assert_int_equal(ctk_ci_emit(&k, &a, 10 * M, 15 * M, 0, 1, 0, "$.records[0]", &err), 0);
	assert_int_equal(ctk_ci_emit(&k, &b, 0, 5 * M, 0, 2, 0, "$.records[1]", &err), 0);
	assert_int_equal(ctk_ci_emit(&k, &a, 12 * M, 17 * M, 0, 1, 0, "$.records[2]", &err), CTK_EINPUT);
	assert_string_equal(err.msg, "'b.json' $.records[2]: time 1970-01-01T00:12:00.000Z is before the end of the "
				     "previous value (1970-01-01T00:15:00.000Z): values must be in time order");
	assert_int_equal(k.ns, 2);
	assert_int_equal(ctk_ci_emit(&k, &a, 20 * M, 25 * M, 0, -5, 0, "$.records[3]", &err), CTK_EINPUT);
	assert_string_equal(err.msg, "'b.json' $.records[3]: -5 g/kWh is not a carbon intensity");
	assert_int_equal(ctk_ci_emit(&k, &a, 20 * M, 25 * M, 0, NAN, 0, "$.records[4]", &err), CTK_EINPUT);
	ctk_ci_sink_release(&k);
}

/* skip_seen: a page repeating the previous page's last value is dropped. */
static void test_skip_seen(void **state)
{
	struct ctk_ci_key key = {.zone = "Z3", .signal = "direct", .unit = "g/kWh", .kind = "history"};
	struct ctk_ci_sink k;

	(void)state;
	assert_int_equal(ctk_ci_sink_init(&k, db, &opts, "t", "url", &err), 0);
	k.skip_seen = 1;
	assert_int_equal(ctk_ci_emit(&k, &key, 0, 30 * M, 0, 1, 0, "p1", &err), 0);
	assert_int_equal(ctk_ci_emit(&k, &key, 30 * M, 60 * M, 0, 2, 0, "p1", &err), 0);
	assert_int_equal(ctk_ci_emit(&k, &key, 30 * M, 60 * M, 0, 2, 0, "p2", &err), 0);
	assert_int_equal(ctk_ci_emit(&k, &key, 60 * M, 90 * M, 0, 3, 0, "p2", &err), 0);
	assert_int_equal(ctk_ci_sink_finish(&k, &err), 0);
	assert_int_equal(k.skipped, 1);
	ctk_ci_sink_release(&k);
	assert_int_equal(q("SELECT count(*) FROM intensity JOIN intensity_series USING (series_id) WHERE zone = 'Z3'"), 3);
}

/* A lone "until next" value with no step known cannot be stored. */
static void test_single_without_end(void **state)
{
	struct ctk_ci_key key = {.zone = "Z4", .signal = "lifecycle", .unit = "g/kWh", .kind = "history"};
	struct ctk_ci_sink k;

	(void)state;
	assert_int_equal(ctk_ci_sink_init(&k, db, &opts, "t", "c.csv", &err), 0);
	assert_int_equal(ctk_ci_emit(&k, &key, 0, 0, 0, 100, 0, "line 2: field 'value'", &err), 0);
	assert_int_equal(ctk_ci_sink_finish(&k, &err), CTK_EINPUT);
	assert_string_equal(err.msg, "'c.csv' line 2: field 'value': a single value without an end: its duration is unknown");
	ctk_ci_sink_release(&k);
}

static void test_sniff(void **state)
{
	static const struct { const char *head, *format; } cases[] = {
		{"Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO\xe2\x82\x82" "eq/kWh (direct)\n", "electricitymaps-csv"},
		{"{\"zone\":\"X\",\"history\":[{\"carbonIntensity\":1,\"datetime\":\"2024-01-01T00:00:00.000Z\"}]}", "electricitymaps-json"},
		{"{\n    \"data\": [\n        {\n            \"from\": \"2023-03-14T00:30Z\",\n \"intensity\": {", "uk-json"},
		{"{\"total\":1,\"dataset\":\"CO2Emis\",\"records\":[{\"PriceArea\":\"DK1\"}]}", "eds-json"},
		{"time,Caiso_North\n2023-06-08 00:00:00,425.0\n", "watttime-csv"},
		{"location,timestamp,duration,value,hist\n", "watttime-csv"},
		{"Time,Carbon Intensity\n2019-12-20 00:00:00,218.29\n", "generic-csv"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct ctk_ci_format *f = ctk_ci_format_sniff(cases[i].head, strlen(cases[i].head));
		assert_non_null(f);
		assert_string_equal(f->name, cases[i].format);
	}
	assert_null(ctk_ci_format_sniff("hello world", 11));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_until_next),
		cmocka_unit_test(test_order_and_zones),
		cmocka_unit_test(test_skip_seen),
		cmocka_unit_test(test_single_without_end),
		cmocka_unit_test(test_sniff),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
