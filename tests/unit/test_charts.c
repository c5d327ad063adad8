/* Tests for the report's charts and drawing helpers: nice ticks, time axes,
 * min/max envelopes that keep a one-reading peak among a million, YAML
 * escaping (the comparison's t quantiles: test_stats.c), and every chart of the chart
 * table rendered from a small store (two devices, epochs, an intensity
 * series, predictions, two hardware setups), read back with
 * cairo_image_surface_create_from_png: right size, data drawn in the plot
 * area. A chart without its data is skipped with a note, not drawn empty. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/energy/analysis.h"
#include "common/db.h"
#include "common/samples.h"
#include "common/store.h"
#include "report/charts.h"
#include "report/compare.h"
#include "report/plot.h"
#include "report/text.h"

#define S INT64_C(1000000000)
#define T0 INT64_C(1782864000000000000)

static void test_axis_nice(void **state)
{
	struct ctk_axis a = {0};
	(void)state;
	ctk_axis_nice(&a, 0, 587, 6, 1);
	assert_true(a.step == 200 && a.hi == 600 && a.lo == 0 && a.decimals == 0);
	memset(&a, 0, sizeof a);
	ctk_axis_nice(&a, 0, 0.587, 6, 1);
	assert_true(fabs(a.step - 0.2) < 1e-12 && fabs(a.hi - 0.6) < 1e-12 && a.decimals == 1);
	memset(&a, 0, sizeof a);
	ctk_axis_nice(&a, -3.2, 4.1, 6, 1);
	assert_true(a.step == 2 && a.lo == -4 && a.hi == 6);
	memset(&a, 0, sizeof a);
	ctk_axis_nice(&a, 5, 5, 6, 1); /* a flat series still gets a range */
	assert_true(a.hi > a.lo);
	char buf[32];
	ctk_tick_format(-1e-17, 1, buf, sizeof buf);
	assert_string_equal(buf, "0.0");
}

static void test_axis_time(void **state)
{
	struct ctk_axis a = {0};
	(void)state;
	ctk_axis_time(&a, 84, "Time");
	assert_string_equal(a.label, "Time (s)");
	assert_true(a.scale == 1 && a.step == 20);
	memset(&a, 0, sizeof a);
	ctk_axis_time(&a, 7 * 86400, "Time");
	assert_string_equal(a.label, "Time (d)");
	assert_true(fabs(a.hi - 7) < 1e-9 && a.step == 2);
	memset(&a, 0, sizeof a);
	ctk_axis_time(&a, 5400, "Time");
	assert_string_equal(a.label, "Time (min)");
}

static void test_envelope_keeps_peak(void **state)
{
	struct ctk_envelope e;
	int64_t n = 1000000, total = 0;
	int spike_col = -1;
	(void)state;
	assert_int_equal(ctk_envelope_init(&e, 400, T0, T0 + (n - 1) * (S / 10)), 0);
	for (int64_t k = 0; k < n; k++)
		ctk_envelope_add(&e, T0 + k * (S / 10), k == 654321 ? 900.0 : 300.0 + (double)(k % 7));
	for (int i = 0; i < e.n; i++) {
		total += e.cnt[i];
		if (e.max[i] == 900.0)
			spike_col = i;
		else
			assert_true(e.max[i] <= 306.0);
		assert_true(e.min[i] >= 300.0);
	}
	assert_int_equal(total, n);
	assert_int_equal(spike_col, (int)(654321.0 / (double)(n - 1) * 400));
	ctk_envelope_release(&e);
}

static void test_yaml(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	(void)state;
	ctk_yaml_str(f, "a \"b\" \\ c\nd: #e");
	fclose(f);
	assert_string_equal(buf, "\"a \\\"b\\\" \\\\ c\\x0ad: #e\"");
	free(buf);
}

/* A run of two GPUs of one model: 10 Hz for 120 s, four 25-s epochs. */
static int64_t add_run(sqlite3 *db, const char *gpu, double base_w, int64_t t0)
{
	struct ctk_error err = {0};
	struct ctk_sample_writer *w = NULL;
	struct ctk_run run = {.label = gpu, .source = "collector", .zone = "DK-DK1", .started_ns = t0, .has_started = 1,
			      .ended_ns = t0 + 120 * S, .has_ended = 1};
	int64_t run_id, dev[2];

	assert_int_equal(ctk_db_begin(db, &err), 0);
	assert_int_equal(ctk_run_insert(db, &run, &run_id, &err), 0);
	for (int g = 0; g < 2; g++) {
		struct ctk_device d = {.run_id = run_id, .kind = "gpu", .name = gpu, .idx = g, .has_idx = 1};
		assert_int_equal(ctk_device_insert(db, &d, &dev[g], &err), 0);
	}
	for (int k = 0; k < 4; k++) {
		struct ctk_window win = {.run_id = run_id, .kind = "epoch", .idx = k + 1, .has_idx = 1,
					 .start_ns = t0 + (10 + 25 * k) * S, .end_ns = t0 + (33 + 25 * k) * S};
		assert_int_equal(ctk_window_insert(db, &win, &err), 0);
	}
	assert_int_equal(ctk_sample_writer_new(db, 0, &w, &err), 0);
	for (int64_t k = 0; k <= 1200; k++)
		for (int g = 0; g < 2; g++) {
			double p = base_w + 100 * g + 30 * sin((double)k / 40) + (k % 97 == 0 ? 200 : 0);
			struct ctk_reading r = {.t_ns = t0 + k * (S / 10), .power_mw = ctk_w_to_mw(p), .has_power = 1};
			assert_int_equal(ctk_sample_append(w, dev[g], "power_instant", &r, &err), 0);
		}
	assert_int_equal(ctk_sample_writer_flush(w, &err), 0);
	ctk_sample_writer_free(w);
	assert_int_equal(ctk_db_commit(db, &err), 0);
	return run_id;
}

static void analyse(sqlite3 *db, int64_t run_id)
{
	struct ctk_error err = {0};
	struct ctk_run_result res;
	assert_int_equal(ctk_analysis_run(db, run_id, &res, &err), 0);
	assert_int_equal(ctk_db_begin(db, &err), 0);
	assert_int_equal(ctk_analysis_store(db, &res, &err), 0);
	assert_int_equal(ctk_db_commit(db, &err), 0);
	ctk_run_result_free(&res);
}

/* Non-white pixels of a PNG inside the box (x 20..90 %, y 15..80 %) that are
 * coloured (not grey): data, not grid or text. */
static int coloured_pixels(const char *path, int *w, int *h)
{
	cairo_surface_t *s = cairo_image_surface_create_from_png(path);
	int n = 0;

	assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	cairo_surface_flush(s);
	*w = cairo_image_surface_get_width(s);
	*h = cairo_image_surface_get_height(s);
	int stride = cairo_image_surface_get_stride(s);
	const unsigned char *d = cairo_image_surface_get_data(s);
	for (int y = *h * 15 / 100; y < *h * 80 / 100; y++)
		for (int x = *w * 20 / 100; x < *w * 90 / 100; x++) {
			uint32_t px;
			memcpy(&px, d + y * stride + 4 * x, 4);
			int r = (px >> 16) & 255, g = (px >> 8) & 255, b = px & 255;
			int mx = r > g ? (r > b ? r : b) : (g > b ? g : b), mn = r < g ? (r < b ? r : b) : (g < b ? g : b);
			n += mx - mn > 40;
		}
	cairo_surface_destroy(s);
	return n;
}

static void test_render_all(void **state)
{
	struct ctk_error err = {0};
	sqlite3 *db = NULL;
	int64_t runs[2];
	(void)state;

	assert_int_equal(ctk_db_open("charts.db", CTK_DB_CREATE, &db, &err), 0);
	runs[0] = add_run(db, "NVIDIA A100-SXM4-40GB", 200, T0);
	runs[1] = add_run(db, "NVIDIA H100 80GB HBM3", 320, T0 + 3600 * S);
	analyse(db, runs[0]);
	analyse(db, runs[1]);

	/* a report over run 1 only: no comparison, and no intensity/predictions yet */
	struct ctk_report r = {.db = db, .runs = runs, .nruns = 1, .out = ".", .formats = "pdf,png", .title = "t"};
	struct ctk_figure fig;
	assert_int_equal(ctk_chart_render(&r, &ctk_charts[2], runs[0], &fig, &err), 0); /* prediction_error */
	assert_null(fig.rec);
	assert_int_equal(ctk_chart_render(&r, &ctk_charts[4], runs[0], &fig, &err), 0); /* intensity */
	assert_null(fig.rec);
	assert_int_equal(r.nnotes, 2);
	assert_non_null(strstr(r.notes[1], "no carbon-intensity series covers run 1 in zone DK-DK1"));

	assert_int_equal(ctk_db_exec(db,
		"INSERT INTO intensity_series(series_id, zone, source, signal, unit, created_ns) VALUES "
		"(7, 'DK-DK1', 'Energi Data Service', 'direct', 'g/kWh', 0);"
		"INSERT INTO intensity VALUES (7, 1782863700000000000, 1782864000000000000, 150, 0),"
		"(7, 1782864000000000000, 1782864060000000000, 180, 0), (7, 1782864060000000000, 1782864300000000000, 120, 1);"
		"DELETE FROM predictions;" /* level: the default predictor, the one charted */
		"INSERT INTO predictions(run_id, after_n, predictor, target, value, lo, hi, actual, rel_err) VALUES (1, 1, 'level', 'energy', 110, 100, 120, 100, 0.10),"
		"(1, 2, 'level', 'energy', 104, 98, 110, 100, NULL), (1, 3, 'level', 'energy', 101, 99, 103, 100, 0.01),"
		"(1, 1, 'trend', 'energy', 90, 70, 110, 100, -0.10), (1, 2, 'trend', 'energy', 97, 90, 104, 100, -0.03);", &err), 0);

	r.nruns = 2;
	r.nnotes = 0;
	for (int c = 0; ctk_charts[c].name; c++) {
		char path[64];
		int w, h;
		assert_int_equal(ctk_chart_render(&r, &ctk_charts[c], ctk_charts[c].per_run ? runs[0] : -1, &fig, &err), 0);
		if (!fig.rec && !strcmp(ctk_charts[c].name, "whatif_heatmap")) {
			/* 10 minutes of series: no day to map (rendered in test_whatif_report.c) */
			assert_non_null(strstr(r.notes[r.nnotes - 1], "span less than a day"));
			r.nnotes--;
			continue;
		}
		if (!fig.rec)
			fail_msg("chart %s skipped: %s", ctk_charts[c].name, r.notes[0]);
		snprintf(path, sizeof path, "%s.png", ctk_charts[c].name);
		assert_int_equal(ctk_figure_png(&fig, path, &err), 0);
		snprintf(path, sizeof path, "%s.pdf", ctk_charts[c].name);
		assert_int_equal(ctk_figure_pdf(&fig, path, &err), 0);
		snprintf(path, sizeof path, "%s.png", ctk_charts[c].name);
		int n = coloured_pixels(path, &w, &h);
		assert_int_equal(w, 990); /* 3.3 in x 300 dpi */
		assert_int_equal(h, 660); /* 2.2 in x 300 dpi */
		if (n < 200)
			fail_msg("chart %s: only %d coloured pixels in the plot area", ctk_charts[c].name, n);
		assert_non_null(strchr(fig.caption, '.'));
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
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_axis_nice),   cmocka_unit_test(test_axis_time), cmocka_unit_test(test_envelope_keeps_peak),
		         cmocka_unit_test(test_yaml),      cmocka_unit_test(test_render_all),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
