/* Tests for analyze/predict_eval.c on a store built through common/store.h
 * and common/samples.h: one GPU whose energy counter is read exactly at the
 * edges of four 10 s epochs of 1800, 1000, 1100 and 900 J (4800 J in all),
 * in zone DK-DK1 with 100 g/kWh measured for [0, 20 s) and a 300 g/kWh
 * forecast for [20 s, 40 s). Every expected number is worked out by hand in
 * the comments. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "analyze/energy/analysis.h"
#include "analyze/energy/predict_eval.h"
#include "common/db.h"
#include "common/samples.h"
#include "common/store.h"

#define S INT64_C(1000000000)
#define T0 INT64_C(1800000000000000000)

static void assert_near(double got, double want, double tol)
{
	if (fabs(got - want) > tol * fmax(1e-9, fabs(want)))
		fail_msg("got %.12f, want %.12f", got, want);
}

/* zone: NULL for none; forecast: 1 → the [20, 40 s) row is flagged estimated. */
static sqlite3 *make_store(const char *path, const char *zone, int forecast)
{
	static const double e[] = {1800, 1000, 1100, 900};
	sqlite3 *db = NULL;
	struct ctk_error err = {0};
	struct ctk_sample_writer *w = NULL;
	struct ctk_run run = {.source = "test", .label = "p", .zone = zone};
	int64_t run_id, dev_id;
	double cum = 0;
	char sql[512];

	unlink(path);
	assert_int_equal(ctk_db_open(path, CTK_DB_CREATE, &db, &err), 0);
	assert_int_equal(ctk_db_begin(db, &err), 0);
	assert_int_equal(ctk_run_insert(db, &run, &run_id, &err), 0);
	struct ctk_device d = {.run_id = run_id, .kind = "gpu", .name = "Test GPU", .uuid = "GPU-1", .idx = 0, .has_idx = 1};
	assert_int_equal(ctk_device_insert(db, &d, &dev_id, &err), 0);
	assert_int_equal(ctk_sample_writer_new(db, 0, &w, &err), 0);
	for (int k = 0; k <= 4; k++) {
		struct ctk_reading r = {.t_ns = T0 + k * 10 * S, .energy_uj = (int64_t)llround(cum * 1e6), .has_energy = 1};
		assert_int_equal(ctk_sample_append(w, dev_id, "counter", &r, &err), 0);
		if (k < 4) {
			struct ctk_window win = {.run_id = run_id, .kind = "epoch", .idx = k + 1, .has_idx = 1,
						 .start_ns = T0 + k * 10 * S, .end_ns = T0 + (k + 1) * 10 * S};
			assert_int_equal(ctk_window_insert(db, &win, &err), 0);
			cum += e[k];
		}
	}
	assert_int_equal(ctk_sample_writer_flush(w, &err), 0);
	ctk_sample_writer_free(w);
	snprintf(sql, sizeof sql,
		 "INSERT INTO intensity_series(series_id, zone, source, signal, unit, created_ns) "
		 "VALUES (1, 'DK-DK1', 'test', 'lifecycle', 'g/kWh', 0);"
		 "INSERT INTO intensity VALUES (1, %lld, %lld, 100, 0), (1, %lld, %lld, 300, %d);",
		 (long long)T0, (long long)(T0 + 20 * S), (long long)(T0 + 20 * S), (long long)(T0 + 40 * S), forecast);
	assert_int_equal(ctk_db_exec(db, sql, &err), 0);
	assert_int_equal(ctk_db_commit(db, &err), 0);
	return db;
}

static const struct ctk_pred_row *row(const struct ctk_run_predictions *p, int n, const char *pred,
				      enum ctk_pred_target t)
{
	for (int i = 0; i < p->nrows; i++)
		if (p->rows[i].after_n == n && !strcmp(p->rows[i].predictor->name, pred) && p->rows[i].target == t)
			return &p->rows[i];
	fail_msg("no row %d %s %d", n, pred, (int)t);
	return NULL;
}

static double q1(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	double v = NAN;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* What ctk analyze does: the run's CO2 join in its zone (runs.zone) at
 * this PUE, then the predictions from that join; everything stored. */
static void predict_pue(sqlite3 *db, const struct ctk_predict_opts *o, double pue, struct ctk_run_predictions *p)
{
	struct ctk_run_result r;
	struct ctk_co2_result c;
	struct ctk_error err = {0};
	sqlite3_stmt *st = NULL;
	char zone[64] = "";
	struct ctk_co2_opts co = {.pue = pue, .pue_source = "test"};

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT zone FROM runs WHERE run_id = 1", -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(zone, sizeof zone, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	co.zone = zone[0] ? zone : NULL;
	assert_int_equal(ctk_db_begin(db, &err), 0);
	assert_int_equal(ctk_analysis_load(db, 1, &r, &err), 0);
	assert_int_equal(ctk_co2_begin(db, 1, r.nwin, &co, &c, &err), 0);
	assert_int_equal(ctk_analysis_integrate(db, &r, c.have ? ctk_co2_piece : NULL, &c, &err), 0);
	assert_int_equal(ctk_co2_finish(db, &c, &co, &err), 0);
	assert_int_equal(ctk_analysis_store(db, &r, &err), 0);
	assert_int_equal(ctk_co2_store(db, 1, r.win, &c, &co, &err), 0);
	assert_int_equal(ctk_predict_run(&r, &c, o, p, &err), 0);
	assert_int_equal(ctk_predict_store(db, p, &err), 0);
	assert_int_equal(ctk_db_commit(db, &err), 0);
	ctk_co2_release(&c);
	ctk_run_result_free(&r);
}

static void predict(sqlite3 *db, const struct ctk_predict_opts *o, struct ctk_run_predictions *p)
{
	predict_pue(db, o, 1.0, p);
}

/* Energy: ct-mean after 1 = 4·1800 = 7200 (rel_err (7200−4800)/4800 = 0.5),
 * after 2 = 2800 + 2·1400 = 5600 (1/6), after 3 = 3900 + 1300 = 5200 (1/12).
 * recent after 3 keeps 1000, 1100 → 3900 + 1050 = 4950 (0.03125); so does
 * skip-warmup (1800 is 750 J from the median 1050 of the rest, tolerance
 * max(52.5, 3·1.4826·50)). Durations are all 10 s: 40 s, error 0.
 * CO2 actual: (1800 + 1000)·100 + (1100 + 900)·300 = 880000 J·g/kWh
 *   / 3.6e6 = 0.2444… g.
 * ct-mean after 1: 1800·100/3.6e6 = 0.05 observed, the rest 5400 J over the
 *   next 30 s at the forecast 300 (the only estimated row there) → 0.45 → 0.5 g.
 * after 2: 0.0777… + 2800·300/3.6e6 = 0.2333… → 0.3111… g. */
static void test_rows_and_store(void **state)
{
	sqlite3 *db = make_store("pe1.db", "DK-DK1", 1);
	struct ctk_predict_opts o = {0};
	struct ctk_run_predictions p;
	(void)state;

	predict(db, &o, &p);
	assert_int_equal(p.planned, 4);
	assert_int_equal(p.nrows, 3 * 6 * 3);
	assert_true(p.has_intensity);
	assert_near(row(&p, 1, "ct-mean", CTK_PT_ENERGY)->est.value, 7200, 1e-9);
	assert_near(row(&p, 2, "ct-mean", CTK_PT_ENERGY)->est.value, 5600, 1e-9);
	assert_near(row(&p, 3, "ct-mean", CTK_PT_ENERGY)->est.value, 5200, 1e-9);
	assert_near(row(&p, 3, "recent", CTK_PT_ENERGY)->est.value, 4950, 1e-9);
	assert_near(row(&p, 3, "skip-warmup", CTK_PT_ENERGY)->est.value, 4950, 1e-9);
	assert_int_equal(row(&p, 3, "skip-warmup", CTK_PT_ENERGY)->used, 2);
	assert_near(row(&p, 2, "median", CTK_PT_DURATION)->est.value, 40, 1e-12);
	assert_near(row(&p, 1, "ct-mean", CTK_PT_CO2)->est.value, 0.5, 1e-9);
	assert_near(row(&p, 2, "ct-mean", CTK_PT_CO2)->est.value, 0.28 / 3.6 + 0.84 / 3.6, 1e-9);
	assert_near(row(&p, 1, "ct-mean", CTK_PT_CO2)->actual, 0.88 / 3.6, 1e-9);
	/* the CO2 row's calibrated interval is the energy's, priced: the observed
	 * 0.28/3.6 g plus (energy bound − 2800 J observed) at the rest's 300 g/kWh */
	const struct ctk_pred_row *pe = row(&p, 2, "ct-mean", CTK_PT_ENERGY), *pc = row(&p, 2, "ct-mean", CTK_PT_CO2);
	assert_true(pe->cal.has_interval && pc->cal.has_interval);
	assert_near(pc->cal.lo, 0.28 / 3.6 + (pe->cal.lo - 2800) * 300 / 3.6e6, 1e-12);
	assert_near(pc->cal.hi, 0.28 / 3.6 + (pe->cal.hi - 2800) * 300 / 3.6e6, 1e-12);

	assert_int_equal((int)q1(db, "SELECT count(*) FROM predictions"), 54);
	assert_near(q1(db, "SELECT rel_err FROM predictions WHERE after_n=1 AND predictor='ct-mean' AND target='energy'"), 0.5, 1e-9);
	assert_near(q1(db, "SELECT rel_err FROM predictions WHERE after_n=2 AND predictor='ct-mean' AND target='energy'"), 1.0 / 6, 1e-9);
	assert_near(q1(db, "SELECT rel_err FROM predictions WHERE after_n=3 AND predictor='recent' AND target='energy'"), 0.03125, 1e-9);
	assert_near(q1(db, "SELECT actual FROM predictions WHERE after_n=3 AND predictor='trend' AND target='energy'"), 4800, 1e-9);
	assert_near(q1(db, "SELECT rel_err FROM predictions WHERE after_n=2 AND predictor='trend' AND target='duration'"), 0, 1e-12);
	assert_near(q1(db, "SELECT rel_err FROM predictions WHERE after_n=1 AND predictor='ct-mean' AND target='co2'"),
		    (0.5 - 0.88 / 3.6) / (0.88 / 3.6), 1e-9);
	assert_near(q1(db, "SELECT cal_hi FROM predictions WHERE after_n=2 AND predictor='ct-mean' AND target='co2'"),
		    pc->cal.hi, 1e-12);
	/* no t interval from one epoch (the calibrated one has its nominal
	 * coverage: value ± q·rest, rest = 7200 − 1800 = 5400, lo >= 1800);
	 * from two, with its nominal coverage */
	assert_true(isnan(q1(db, "SELECT lo FROM predictions WHERE after_n=1 AND predictor='ct-mean' AND target='energy'")));
	assert_true(isnan(q1(db, "SELECT coverage_nominal FROM predictions WHERE after_n=1 AND predictor='ct-mean' AND target='duration'")));
	assert_near(q1(db, "SELECT coverage_nominal FROM predictions WHERE after_n=1 AND predictor='ct-mean' AND target='energy'"), 0.95, 1e-12);
	{
		double q = 0;
		assert_true(ctk_predict_calib_q(ctk_predictor_find("ct-mean"), CTK_SCOPE_EPOCHS, CTK_CALIB_QUIET, 1, 0.95, &q));
		assert_near(q1(db, "SELECT cal_hi FROM predictions WHERE after_n=1 AND predictor='ct-mean' AND target='energy'"),
			    7200 + 5400 * q, 1e-9);
		assert_near(q1(db, "SELECT cal_lo FROM predictions WHERE after_n=1 AND predictor='ct-mean' AND target='energy'"),
			    fmax(1800, 7200 - 5400 * q), 1e-9);
		assert_near(q1(db, "SELECT observed FROM predictions WHERE after_n=1 AND predictor='ct-mean' AND target='energy'"),
			    1800, 1e-9);
	}
	assert_near(q1(db, "SELECT coverage_nominal FROM predictions WHERE after_n=2 AND predictor='ct-mean' AND target='energy'"), 0.95, 1e-12);
	assert_near(q1(db, "SELECT planned_epochs FROM predictions LIMIT 1"), 4, 0);
	ctk_run_predictions_free(&p);

	/* analysing again replaces the rows; --predict-after 2..2 keeps 18 */
	o.from_n = o.to_n = 2;
	predict(db, &o, &p);
	assert_int_equal((int)q1(db, "SELECT count(*) FROM predictions"), 18);
	assert_int_equal((int)q1(db, "SELECT min(after_n) * 10 + max(after_n) FROM predictions"), 22);
	ctk_run_predictions_free(&p);
	ctk_db_close(db);
}

/* No forecast rows: the rest at the energy-weighted mean so far (persistence).
 * After 1: 0.05 + 5400·100/3.6e6 = 0.2 g. After 3: observed (1800+1000)·100
 * + 1100·300 = 610000/3.6e6; mean so far 610000/3900 g/kWh; ct-mean's rest
 * 1300 J → 1300·610000/3900/3.6e6; total 610000·(1 + 1/3)/3.6e6. */
static void test_persistence(void **state)
{
	sqlite3 *db = make_store("pe2.db", "DK-DK1", 0);
	struct ctk_predict_opts o = {0};
	struct ctk_run_predictions p;
	(void)state;

	predict(db, &o, &p);
	assert_near(row(&p, 1, "ct-mean", CTK_PT_CO2)->est.value, 0.2, 1e-9);
	assert_near(row(&p, 3, "ct-mean", CTK_PT_CO2)->est.value, 0.61 / 3.6 * (4.0 / 3), 1e-9);
	ctk_run_predictions_free(&p);
	ctk_db_close(db);
}

/* No zone: CO2 is NULL, energy and duration are there. Planned 8 (--epochs):
 * N = 1..4, no measured total; ct-mean after 4 = 4800·2 = 9600. */
static void test_no_zone_and_planned(void **state)
{
	sqlite3 *db = make_store("pe3.db", NULL, 0);
	struct ctk_predict_opts o = {.planned = 8};
	struct ctk_run_predictions p;
	struct ctk_run_result r;
	struct ctk_error err = {0};
	(void)state;

	predict(db, &o, &p);
	assert_false(p.has_intensity);
	assert_int_equal(p.nrows, 4 * 6 * 3);
	assert_false(row(&p, 1, "median", CTK_PT_CO2)->est.valid);
	assert_near(row(&p, 4, "ct-mean", CTK_PT_ENERGY)->est.value, 9600, 1e-9);
	assert_false(row(&p, 4, "ct-mean", CTK_PT_ENERGY)->has_actual);
	assert_int_equal((int)q1(db, "SELECT count(*) FROM predictions WHERE target='co2' AND value IS NULL"), 24);
	assert_int_equal((int)q1(db, "SELECT count(*) FROM predictions WHERE actual IS NOT NULL OR rel_err IS NOT NULL"), 0);
	ctk_run_predictions_free(&p);

	/* --epochs below the epochs in the store is refused */
	o.planned = 3;
	assert_int_equal(ctk_analysis_run(db, 1, &r, &err), 0);
	assert_int_equal(ctk_predict_run(&r, NULL, &o, &p, &err), CTK_EUSAGE);
	assert_non_null(strstr(err.msg, "already has 4 epochs"));
	ctk_run_predictions_free(&p);
	ctk_run_result_free(&r);
	ctk_db_close(db);
}

/* Regression (issue 12): the predictions' measured CO2 is run_co2's, with
 * the same PUE, even when a yearly series of the zone was stored first (the
 * old lookup took the oldest series: 4800 J at 500 g/kWh = 0.667 g) and the
 * PUE is 1.5: (1800 + 1000)·100 + (1100 + 900)·300 = 880000 J·g/kWh
 * / 3.6e6 × 1.5 = 0.36666… g. The run has no time outside its epochs, so
 * the epochs' CO2 is the whole run's. */
static void test_actual_is_run_co2(void **state)
{
	sqlite3 *db = make_store("pe4.db", "DK-DK1", 1);
	struct ctk_predict_opts o = {0};
	struct ctk_run_predictions p;
	struct ctk_error err = {0};
	(void)state;

	assert_int_equal(ctk_db_exec(db, "INSERT INTO intensity_series(series_id, zone, source, signal, unit, year, kind, "
				     "created_ns) VALUES (0, 'DK-DK1', 'yearly table', 'lifecycle', 'g/kWh', 2027, 'yearly', 0);"
				     "INSERT INTO intensity VALUES (0, 1798761600000000000, 1830297600000000000, 500, 1);", &err), 0);
	predict_pue(db, &o, 1.5, &p);
	assert_true(p.has_intensity);
	assert_near(row(&p, 1, "recent", CTK_PT_CO2)->actual, 1.5 * 0.88 / 3.6, 1e-12);
	assert_near(q1(db, "SELECT co2_g FROM run_co2"), 1.5 * 0.88 / 3.6, 1e-12);
	assert_near(q1(db, "SELECT epochs_co2_g FROM run_co2"), 1.5 * 0.88 / 3.6, 1e-12);
	assert_near(q1(db, "SELECT outside_co2_g FROM run_co2"), 0, 0);
	assert_near(q1(db, "SELECT count(*) FROM predictions WHERE target = 'co2' AND abs(actual - (SELECT co2_g FROM run_co2)) < 1e-12"),
		    54 / 3, 0);
	/* the predicted CO2 carries the PUE too: ct-mean after 1 = 1.5 × 0.5 g */
	assert_near(row(&p, 1, "ct-mean", CTK_PT_CO2)->est.value, 0.75, 1e-9);
	ctk_run_predictions_free(&p);
	ctk_db_close(db);
}

static void test_parse_range(void **state)
{
	struct ctk_error err = {0};
	int a, b;
	(void)state;

	assert_int_equal(ctk_predict_parse_range("5", &a, &b, &err), 0);
	assert_true(a == 1 && b == 5);
	assert_int_equal(ctk_predict_parse_range("2..7", &a, &b, &err), 0);
	assert_true(a == 2 && b == 7);
	assert_int_equal(ctk_predict_parse_range("3-4", &a, &b, &err), 0);
	assert_true(a == 3 && b == 4);
	assert_int_equal(ctk_predict_parse_range("0", &a, &b, &err), CTK_EUSAGE);
	assert_int_equal(ctk_predict_parse_range("5..2", &a, &b, &err), CTK_EUSAGE);
	assert_int_equal(ctk_predict_parse_range("x", &a, &b, &err), CTK_EUSAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_and_store),
		cmocka_unit_test(test_persistence),
		cmocka_unit_test(test_no_zone_and_planned),
		cmocka_unit_test(test_actual_is_run_co2),
		cmocka_unit_test(test_parse_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
