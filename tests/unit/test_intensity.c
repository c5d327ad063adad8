/* Unit tests of common/intensity.c, the one intensity rule, on hand-made
 * step functions whose CO2 is
 * worked out by hand in each comment: proportional split across steps,
 * instants, pieces, out-of-order and multi-window streaming, overlap
 * preference (measured over estimated, newer over older), fill policies,
 * the marginal/average rule, and the iterator form. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

/* One series of hourly values starting at t0 (hours), est flags optional. */
static void series(const char *zone, const char *signal, const char *kind, int64_t t0_h, const double *v, int n,
		   const int *est)
{
	struct ctk_ci_opts o = {0};
	struct ctk_ci_key key = {.zone = zone, .signal = signal, .unit = "g/kWh", .kind = kind};
	struct ctk_ci_sink k;

	assert_int_equal(ctk_ci_sink_init(&k, db, &o, "test", "mem", &err), 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(ctk_ci_emit(&k, &key, (t0_h + i) * H, (t0_h + i + 1) * H, 0, v[i], est ? est[i] : 0,
					     "test", &err), 0);
	assert_int_equal(ctk_ci_sink_finish(&k, &err), 0);
	ctk_ci_sink_release(&k);
}

static int setup(void **state)
{
	(void)state;
	unlink("join.db");
	unlink("join.db-wal");
	unlink("join.db-shm");
	return ctk_db_open("join.db", CTK_DB_CREATE, &db, &err);
}

static int teardown(void **state)
{
	(void)state;
	ctk_db_close(db);
	return 0;
}

static struct ctk_join *open_join(const char *zone, const char *signal, enum ctk_fill fill)
{
	struct ctk_join_opts o = {.zone = zone, .signal = signal, .fill = fill};
	struct ctk_join *j = NULL;
	int rc = ctk_join_open(db, &o, &j, &err);
	if (rc)
		fprintf(stderr, "join_open: %s\n", err.msg);
	assert_int_equal(rc, 0);
	return j;
}

/* A: 100 over hour 0, 200 over hour 1. 1 kWh over [0:30, 1:30) → half at
 * each → 50 + 100 = 150 g. An instant of 1 kWh at 1:59:59 → 200 g. */
static void test_split_and_instant(void **state)
{
	static const double v[] = {100, 200};
	struct ctk_join_piece p;
	struct ctk_join_result r;
	struct ctk_join *j;

	(void)state;
	series("A", "lifecycle", "history", 0, v, 2, NULL);
	j = open_join("A", NULL, CTK_FILL_NONE);
	assert_int_equal(ctk_join_add(j, H / 2, H + H / 2, KWH, &p, &err), 0);
	assert_true(fabs(p.co2_g - 150) < 1e-9);
	assert_true(fabs(p.covered_j - KWH) < 1e-6);
	assert_int_equal(ctk_join_add(j, 2 * H - CTK_NS_PER_S, 2 * H - CTK_NS_PER_S, KWH, &p, &err), 0);
	assert_true(fabs(p.co2_g - 200) < 1e-9);
	assert_int_equal(ctk_join_finish(j, &r, &err), 0);
	assert_true(fabs(r.total.co2_g - 350) < 1e-9);
	assert_true(fabs(r.mean_g_per_kwh_energy - 175) < 1e-9);
	{ /* what-if shift: [-0:30, 0:30) looked up one hour later = [0:30, 1:30) → 150 */
		struct ctk_join_opts o = {.zone = "A", .shift_ns = H};
		struct ctk_join *js = NULL;
		struct ctk_join_result rs;
		assert_int_equal(ctk_join_open(db, &o, &js, &err), 0);
		assert_int_equal(ctk_join_add(js, -H / 2, H / 2, KWH, &p, &err), 0);
		assert_true(fabs(p.co2_g - 150) < 1e-9);
		assert_int_equal(ctk_join_finish(js, &rs, &err), 0);
		assert_true(rs.first_ns == H / 2 && rs.last_ns == H + H / 2);
		assert_true(fabs(rs.mean_g_per_kwh_time - 150) < 1e-9);
		ctk_join_free(js);
	}
	/* span [0:30, 1:59:59): 30 min at 100, 59:59 at 200 */
	assert_true(fabs(r.mean_g_per_kwh_time - (1800 * 100.0 + 3599 * 200.0) / 5399) < 1e-9);
	assert_string_equal(r.signal, "lifecycle");
	ctk_join_free(j);
}

/* B: 10 days hourly, value = hour index + 1. Feed 1 kWh per hour from the
 * last hour backwards (forces window reloads): CO2 = Σ (h+1) = 240·241/2. */
static void test_streaming_out_of_order(void **state)
{
	double v[240];
	struct ctk_join_result r;
	struct ctk_join *j;

	(void)state;
	for (int i = 0; i < 240; i++)
		v[i] = i + 1;
	series("B", "direct", "history", 1000, v, 240, NULL);
	j = open_join("B", "direct", CTK_FILL_NONE);
	for (int i = 239; i >= 0; i--)
		assert_int_equal(ctk_join_add(j, (1000 + i) * H, (1001 + i) * H, KWH, NULL, &err), 0);
	/* and one interval over the whole 10 days: mean (1..240) = 120.5 per kWh */
	assert_int_equal(ctk_join_add(j, 1000 * H, 1240 * H, KWH, NULL, &err), 0);
	assert_int_equal(ctk_join_finish(j, &r, &err), 0);
	assert_true(fabs(r.total.co2_g - (240.0 * 241 / 2 + 120.5)) < 1e-6);
	assert_true(fabs(r.mean_g_per_kwh_time - 120.5) < 1e-9);
	assert_true(fabs(r.time_covered_share - 1) < 1e-12);
	ctk_join_free(j);
}

/* C: an old measured series 100 over hours 0-3, a newer estimated one 300
 * over hours 1-2, a newest measured one 50 over hour 2. Hour 0: 100 (only),
 * hour 1: 100 (measured beats estimated), hour 2: 50 (newer measured), hour 3: 100. */
static void test_overlap_preference(void **state)
{
	static const double a[] = {100, 100, 100, 100}, b[] = {300, 300}, c[] = {50};
	static const int est_b[] = {1, 1};
	struct ctk_join_result r;
	struct ctk_join *j;

	(void)state;
	series("C", "lifecycle", "history", 0, a, 4, NULL);
	series("C", "lifecycle", "forecast", 1, b, 2, est_b);
	series("C", "lifecycle", "history", 2, c, 1, NULL);
	j = open_join("C", "lifecycle", CTK_FILL_NONE);
	assert_int_equal(ctk_join_add(j, 0, 4 * H, 4 * KWH, NULL, &err), 0);
	assert_int_equal(ctk_join_finish(j, &r, &err), 0);
	assert_true(fabs(r.total.co2_g - 350) < 1e-9);
	assert_true(fabs(r.total.estimated_j) < 1e-9);
	ctk_join_free(j);
}

/* D: 100 over hour 0, gap of 3 days, 400 over hour 73. 2 kWh over hours
 * 0-2: none → 100 g, 1 kWh missing; previous → 200 g; default (yearly 250
 * stored for D) → 350 g. */
static void test_fill(void **state)
{
	static const double a[] = {100}, b[] = {400}, y[] = {250};
	struct ctk_join_opts o = {.zone = "D", .fill = CTK_FILL_DEFAULT, .has_default = 1, .default_g_per_kwh = 10};
	struct ctk_join_result r;
	struct ctk_join *j;

	(void)state;
	series("D", "lifecycle", "history", 0, a, 1, NULL);
	series("D", "lifecycle", "history", 73, b, 1, NULL);
	j = open_join("D", NULL, CTK_FILL_NONE);
	assert_int_equal(ctk_join_add(j, 0, 2 * H, 2 * KWH, NULL, &err), 0);
	assert_int_equal(ctk_join_finish(j, &r, &err), 0);
	assert_true(fabs(r.total.co2_g - 100) < 1e-9);
	assert_true(fabs(r.missing_share - 0.5) < 1e-12);
	ctk_join_free(j);
	j = open_join("D", NULL, CTK_FILL_PREVIOUS);
	assert_int_equal(ctk_join_add(j, 0, 2 * H, 2 * KWH, NULL, &err), 0);
	assert_int_equal(ctk_join_add(j, 50 * H, 51 * H, KWH, NULL, &err), 0); /* deep in the gap: still 100 */
	assert_int_equal(ctk_join_finish(j, &r, &err), 0);
	assert_true(fabs(r.total.co2_g - 300) < 1e-9);
	assert_true(fabs(r.filled_share - 2.0 / 3) < 1e-12);
	ctk_join_free(j);
	/* no yearly stored yet: default without a value is a usage error */
	o.has_default = 0;
	j = NULL;
	assert_int_equal(ctk_join_open(db, &o, &j, &err), CTK_EUSAGE);
	series("D", "lifecycle", "yearly", -8760, y, 1, NULL); /* a year ending at t = 0: nearest */
	assert_int_equal(ctk_join_open(db, &o, &j, &err), 0);
	assert_int_equal(ctk_join_add(j, 0, 2 * H, 2 * KWH, NULL, &err), 0);
	assert_int_equal(ctk_join_finish(j, &r, &err), 0);
	assert_true(fabs(r.total.co2_g - 350) < 1e-9);
	assert_non_null(strstr(r.fill_note, "yearly"));
	ctk_join_free(j);
	o.has_default = 1; /* a given value wins over the stored yearly one */
	assert_int_equal(ctk_join_open(db, &o, &j, &err), 0);
	assert_int_equal(ctk_join_add(j, 0, 2 * H, 2 * KWH, NULL, &err), 0);
	assert_int_equal(ctk_join_finish(j, &r, &err), 0);
	assert_true(fabs(r.total.co2_g - 110) < 1e-9);
	ctk_join_free(j);
}

/* E: marginal and average in one zone: never mixed. */
static void test_signal_rule(void **state)
{
	static const double a[] = {100}, m[] = {700};
	struct ctk_join_opts o = {.zone = "E", .signal = "lifecycle,marginal"};
	struct ctk_join_result r;
	struct ctk_join *j = NULL;

	(void)state;
	series("E", "lifecycle", "history", 0, a, 1, NULL);
	series("E", "marginal", "history", 0, m, 1, NULL);
	assert_int_equal(ctk_join_open(db, &o, &j, &err), CTK_EUSAGE);
	assert_non_null(strstr(err.msg, "never mix marginal and average"));
	o.signal = "marginal";
	o.fill = CTK_FILL_DEFAULT;
	o.has_default = 1;
	o.default_g_per_kwh = 300;
	assert_int_equal(ctk_join_open(db, &o, &j, &err), CTK_EUSAGE);
	j = open_join("E", "marginal", CTK_FILL_NONE);
	assert_int_equal(ctk_join_add(j, 0, H, KWH, NULL, &err), 0);
	assert_int_equal(ctk_join_finish(j, &r, &err), 0);
	assert_true(fabs(r.total.co2_g - 700) < 1e-9);
	ctk_join_free(j);
	j = open_join("E", NULL, CTK_FILL_NONE); /* NULL: the average signal */
	assert_int_equal(ctk_join_add(j, 0, H, KWH, NULL, &err), 0);
	assert_int_equal(ctk_join_finish(j, &r, &err), 0);
	assert_true(fabs(r.total.co2_g - 100) < 1e-9);
	ctk_join_free(j);
	o = (struct ctk_join_opts){.zone = "nowhere"};
	assert_int_equal(ctk_join_open(db, &o, &j, &err), CTK_EINPUT);
}

struct iter {
	int i;
};

static int next(void *ctx, int64_t *s, int64_t *e, double *ej, struct ctk_error *e2)
{
	struct iter *it = ctx;
	(void)e2;
	if (it->i >= 3600)
		return 0;
	*s = (int64_t)it->i * CTK_NS_PER_S;
	*e = *s + CTK_NS_PER_S;
	*ej = 1000; /* 1 kJ per second for the first hour of A (100 g/kWh) */
	it->i++;
	return 1;
}

static void test_iterator(void **state)
{
	struct ctk_join_opts o = {.zone = "A"};
	struct ctk_join_result r;
	struct iter it = {0};

	(void)state;
	assert_int_equal(ctk_join_run(db, &o, next, &it, &r, &err), 0);
	assert_int_equal(r.intervals, 3600);
	assert_true(fabs(r.total.co2_g - 100) < 1e-9); /* 3.6 MJ = 1 kWh at 100 */
	assert_int_equal(ctk_join_run(db, &o, next, &it, &r, &err), 0); /* exhausted: no intervals */
	assert_int_equal(r.intervals, 0);
	assert_true(isnan(r.mean_g_per_kwh_energy));
}

static int64_t first_series(const char *zone, const char *kind)
{
	sqlite3_stmt *st = NULL;
	int64_t id = -1;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT min(series_id) FROM intensity_series WHERE zone = ? AND kind = ?",
					    -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, zone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

/* The other users of the rule, on the series above. C (hours 0-3: 100
 * measured, hours 1-2 300 forecast, hour 2 50 measured newer): the value at
 * 1:30 is 100 (measured beats the forecast), at 2:30 50 (newer), at 10:00
 * none, or with fill previous the last one before (100 of hour 3, from 3:00).
 * The series that priced most of [0, 4 h) is the first one (3 of 4 kWh);
 * it is also the one to draw. */
static void test_value_at_and_series(void **state)
{
	struct ctk_join_opts o = {.zone = "C"};
	struct ctk_intensity_value v;
	struct ctk_join_result r;
	struct ctk_join *j;
	int64_t sid, a = first_series("C", "history");

	(void)state;
	assert_int_equal(ctk_intensity_at(db, &o, H + H / 2, &v, &err), 0);
	assert_true(v.has && v.g_per_kwh == 100 && !v.estimated && !v.filled && v.series_id == a && v.from_ns == H);
	assert_string_equal(v.source, "test");
	assert_int_equal(ctk_intensity_at(db, &o, 2 * H + H / 2, &v, &err), 0);
	assert_true(v.has && v.g_per_kwh == 50);
	assert_int_equal(ctk_intensity_at(db, &o, 10 * H, &v, &err), 0);
	assert_false(v.has);
	o.fill = CTK_FILL_PREVIOUS;
	assert_int_equal(ctk_intensity_at(db, &o, 10 * H, &v, &err), 0);
	assert_true(v.has && v.filled && v.g_per_kwh == 100 && v.from_ns == 3 * H && v.series_id == a);
	j = open_join("C", "lifecycle", CTK_FILL_NONE);
	assert_int_equal(ctk_join_add(j, 0, 4 * H, 4 * KWH, NULL, &err), 0);
	assert_int_equal(ctk_join_finish(j, &r, &err), 0);
	assert_true(r.main_series_id == a);
	assert_true(r.has_series_span && r.series_first_ns == 0 && r.series_last_ns == 4 * H);
	ctk_join_free(j);
	assert_int_equal(ctk_intensity_series_for(db, "C", NULL, 0, 4 * H, &sid, &err), 0);
	assert_true(sid == a);
	assert_int_equal(ctk_intensity_series_for(db, "nowhere", NULL, 0, 4 * H, &sid, &err), 0);
	assert_true(sid == -1);
}

/* F: 100 measured over hour 0, a forecast 300, 500 over hours 0-1. The
 * forecast over [0, 2 h) counts only hour 1 (hour 0 has a measured value):
 * 500; over [0, 0:30) there is none. */
static void test_forecast(void **state)
{
	static const double m[] = {100}, f[] = {300, 500};
	static const int est[] = {1, 1};
	struct ctk_join *j;
	double g = 0;
	int has = 0;

	(void)state;
	series("F", "lifecycle", "history", 0, m, 1, NULL);
	series("F", "lifecycle", "forecast", 0, f, 2, est);
	j = open_join("F", NULL, CTK_FILL_NONE);
	assert_int_equal(ctk_join_forecast(j, 0, 2 * H, &g, &has, &err), 0);
	assert_true(has && g == 500);
	assert_int_equal(ctk_join_forecast(j, 0, H / 2, &g, &has, &err), 0);
	assert_false(has);
	ctk_join_free(j);
}

/* The words for energy nothing prices. A covers 1970-01-01 00:00-02:00, so
 * a run at 05:00-05:02 is after its end; B starts at hour 1000 (1970-02-11
 * 16:00), so a run at 10:00 is before it. */
static void test_gap_words(void **state)
{
	struct ctk_join_result r;
	struct ctk_join *j;
	char w[256];

	(void)state;
	j = open_join("A", NULL, CTK_FILL_NONE);
	assert_int_equal(ctk_join_add(j, 5 * H, 5 * H + 120 * CTK_NS_PER_S, KWH, NULL, &err), 0);
	assert_int_equal(ctk_join_finish(j, &r, &err), 0);
	assert_true(r.total.missing_j == KWH && r.total.co2_g == 0);
	ctk_join_gap_words(&r, "A", w, sizeof w);
	assert_string_equal(w, "no intensity covers 1970-01-01 05:00–05:02 in zone A; the stored series ends 1970-01-01");
	ctk_join_free(j);
	j = open_join("B", "direct", CTK_FILL_NONE);
	assert_int_equal(ctk_join_add(j, 10 * H, 10 * H + 60 * CTK_NS_PER_S, KWH, NULL, &err), 0);
	assert_int_equal(ctk_join_finish(j, &r, &err), 0);
	ctk_join_gap_words(&r, "B", w, sizeof w);
	assert_string_equal(w, "no intensity covers 1970-01-01 10:00–10:01 in zone B; the stored series starts 1970-02-11");
	ctk_join_free(j);
}

/* PUE: the carbontracker preset is 1.58; a number in [1, 5]; applied once. */
static void test_pue(void **state)
{
	struct ctk_pue p;

	(void)state;
	assert_int_equal(ctk_pue_parse("carbontracker", &p, &err), 0);
	assert_true(p.value == 1.58 && strstr(p.source, "Uptime"));
	assert_int_equal(ctk_pue_parse("1.2", &p, &err), 0);
	assert_true(p.value == 1.2);
	assert_int_equal(ctk_pue_parse("0.9", &p, &err), CTK_EUSAGE);
	assert_int_equal(ctk_pue_parse("x", &p, &err), CTK_EUSAGE);
	assert_true(ctk_pue_apply(10, 1.5) == 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_and_instant),
		cmocka_unit_test(test_streaming_out_of_order),
		cmocka_unit_test(test_overlap_preference),
		cmocka_unit_test(test_fill),
		cmocka_unit_test(test_signal_rule),
		cmocka_unit_test(test_iterator),
		cmocka_unit_test(test_value_at_and_series),
		cmocka_unit_test(test_forecast),
		cmocka_unit_test(test_gap_words),
		cmocka_unit_test(test_pue),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
