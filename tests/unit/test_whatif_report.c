/* Tests for the report's what-if page (report/whatif_zones.c, the table
 * "whatif", the charts "whatif_distribution" and "whatif_heatmap") on the
 * common engine: a 1-hour run at a constant 200 W (0.2 kWh) and 60 days of
 * hourly intensity 100 + (hour of day) g/kWh, so every start's CO2 is
 * 0.2 x (100 + its hour): known answers worked out by hand below. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/db.h"
#include "common/samples.h"
#include "common/store.h"
#include "report/builders.h"
#include "report/charts.h"
#include "report/whatif_zones.h"

#define S INT64_C(1000000000)
#define H (3600 * S)
#define T0 INT64_C(1685577600000000000) /* 2023-06-01T00:00:00Z */
#define DAYS 60

static int64_t make_store(sqlite3 *db)
{
	struct ctk_error err = {0};
	struct ctk_sample_writer *w = NULL;
	struct ctk_run run = {.label = "flat", .source = "collector", .zone = "XX", .started_ns = T0, .has_started = 1,
			      .ended_ns = T0 + H, .has_ended = 1};
	struct ctk_device d = {.kind = "gpu", .idx = 0, .has_idx = 1};
	sqlite3_stmt *st = NULL;
	int64_t run_id, dev;

	assert_int_equal(ctk_db_begin(db, &err), 0);
	assert_int_equal(ctk_run_insert(db, &run, &run_id, &err), 0);
	d.run_id = run_id;
	assert_int_equal(ctk_device_insert(db, &d, &dev, &err), 0);
	assert_int_equal(ctk_sample_writer_new(db, 0, &w, &err), 0);
	for (int64_t k = 0; k <= 360; k++) { /* every 10 s for 1 h at 200 W: 720 kJ = 0.2 kWh */
		struct ctk_reading r = {.t_ns = T0 + k * 10 * S, .power_mw = ctk_w_to_mw(200), .has_power = 1};
		assert_int_equal(ctk_sample_append(w, dev, "power_instant", &r, &err), 0);
	}
	assert_int_equal(ctk_sample_writer_flush(w, &err), 0);
	ctk_sample_writer_free(w);
	assert_int_equal(ctk_db_exec(db, "INSERT INTO intensity_series(series_id, zone, source, signal, unit, created_ns) "
				     "VALUES (1, 'XX', 'test', 'lifecycle', 'g/kWh', 0)", &err), 0);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO intensity VALUES (1, ?, ?, ?, 0)", -1, &st, NULL), SQLITE_OK);
	for (int64_t k = 0; k < DAYS * 24; k++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, T0 + k * H);
		sqlite3_bind_int64(st, 2, T0 + (k + 1) * H);
		sqlite3_bind_double(st, 3, 100.0 + (double)(k % 24));
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	}
	sqlite3_finalize(st);
	assert_int_equal(ctk_db_commit(db, &err), 0);
	return run_id;
}

/* Coloured (not grey) pixels of a PNG inside x 12..90 %, y 15..80 %. */
static int coloured_pixels(const char *path)
{
	cairo_surface_t *s = cairo_image_surface_create_from_png(path);
	int n = 0, w, h, stride;
	const unsigned char *d;

	assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	cairo_surface_flush(s);
	w = cairo_image_surface_get_width(s);
	h = cairo_image_surface_get_height(s);
	stride = cairo_image_surface_get_stride(s);
	d = cairo_image_surface_get_data(s);
	for (int y = h * 15 / 100; y < h * 80 / 100; y++)
		for (int x = w * 12 / 100; x < w * 90 / 100; x++) {
			uint32_t px;
			memcpy(&px, d + y * stride + 4 * x, 4);
			int r = (px >> 16) & 255, g = (px >> 8) & 255, b = px & 255;
			int mx = r > g ? (r > b ? r : b) : (g > b ? g : b), mn = r < g ? (r < b ? r : b) : (g < b ? g : b);
			n += mx - mn > 40;
		}
	cairo_surface_destroy(s);
	return n;
}

static void test_whatif_page(void **state)
{
	struct ctk_error err = {0};
	struct ctk_report_whatif w;
	struct ctk_table *t = NULL;
	sqlite3 *db = NULL;
	int64_t run;
	(void)state;

	unlink("wr.db");
	assert_int_equal(ctk_db_open("wr.db", CTK_DB_CREATE, &db, &err), 0);
	run = make_store(db);

	/* by hand: starts T0 .. T0 + 1439 h (the run must end by the series' end): 1440 starts, the
	 * start at hour k costs 0.2 x (100 + k mod 24) g; sorted, each of the 24 values 60 times;
	 * quantiles of definition 7: p10 at rank 143.9 -> 0.2 x 102 = 20.4, median at 719.5 -> between
	 * 0.2 x 111 and 0.2 x 112 = 22.3, p90 at 1295.1 -> 0.2 x 121 = 24.2; min 20, max 0.2 x 123 = 24.6;
	 * the actual (zone XX, start T0, hour 0) = 20 */
	assert_int_equal(ctk_report_whatif_get(db, run, NULL, 1, &w, &err), 0);
	assert_int_equal(w.nz, 1);
	assert_string_equal(w.z[0].zone, "XX");
	assert_int_equal(w.z[0].nstarts, DAYS * 24);
	assert_int_equal(w.z[0].nkept, DAYS * 24);
	assert_true(fabs(w.z[0].min_g - 20.0) < 1e-9);
	assert_true(fabs(w.z[0].p10_g - 20.4) < 1e-9);
	assert_true(fabs(w.z[0].median_g - 22.3) < 1e-9);
	assert_true(fabs(w.z[0].p90_g - 24.2) < 1e-9);
	assert_true(fabs(w.z[0].max_g - 24.6) < 1e-9);
	assert_true(w.z[0].has_actual && fabs(w.z[0].actual_g - 20.0) < 1e-9);
	for (int64_t k = 0; k < w.z[0].nkept; k++) /* the series itself: E x CI(h) */
		assert_true(fabs(w.z[0].kept_g[k] - 0.2 * (100.0 + (double)(k % 24))) < 1e-9);
	ctk_report_whatif_release(&w);

	/* the table: the same numbers */
	struct ctk_report r = {.db = db, .runs = &run, .nruns = 1, .out = ".", .formats = "pdf,png", .title = "t"};
	assert_int_equal(ctk_build_whatif(&r, &t, &err), 0);
	assert_int_equal(t->nrows, 1);
	assert_true(fabs(t->cells[5].num - 20.0) < 1e-9);   /* min_g */
	assert_true(fabs(t->cells[7].num - 22.3) < 1e-9);   /* median_g */
	assert_true(fabs(t->cells[9].num - 24.6) < 1e-9);   /* max_g */
	assert_true(fabs(t->cells[10].num - 20.0) < 1e-9);  /* actual_g */
	assert_true(fabs(t->cells[12].num - 0.0) < 1e-9);   /* saving: the actual is the best */
	assert_string_equal(t->col[7], "median_g");
	ctk_table_free(t);

	/* both charts render with data in the plot area */
	for (int c = 0; ctk_charts[c].name; c++) {
		struct ctk_figure fig;
		char path[64];
		if (strncmp(ctk_charts[c].name, "whatif_", 7))
			continue;
		assert_int_equal(ctk_chart_render(&r, &ctk_charts[c], run, &fig, &err), 0);
		if (!fig.rec)
			fail_msg("chart %s skipped: %s", ctk_charts[c].name, r.notes[0]);
		snprintf(path, sizeof path, "%s.png", ctk_charts[c].name);
		assert_int_equal(ctk_figure_png(&fig, path, &err), 0);
		if (coloured_pixels(path) < 200)
			fail_msg("chart %s: blank plot area", ctk_charts[c].name);
		cairo_surface_destroy(fig.rec);
	}
	assert_int_equal(r.nnotes, 0);
	ctk_db_close(db);
}

static int teardown(void **state)
{
	(void)state;
	cairo_debug_reset_static_data();
	FcFini();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_whatif_page)};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
