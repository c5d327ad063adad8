/* Tests of the collector's live part: collector/epoch_energy.c (windows'
 * energy from readings as they come, against numbers worked out by hand and
 * against the shared kernel common/energy.c on random readings) and collector/live.c
 * (the default predictor's totals, the budget verdicts and their once-only
 * action). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/energy.h"
#include "collector/epoch_energy.h"
#include "collector/live.h"

#define S INT64_C(1000000000)

static void assert_near(double got, double want, double tol)
{
	if (fabs(got - want) > tol * fmax(1.0, fabs(want)))
		fail_msg("got %.12f, want %.12f", got, want);
}

static struct ctk_reading counter_r(int64_t t, int64_t uj)
{
	struct ctk_reading r = {.t_ns = t, .energy_uj = uj, .has_energy = 1};
	return r;
}

static struct ctk_reading power_r(int64_t t, int64_t mw)
{
	struct ctk_reading r = {.t_ns = t, .power_mw = mw, .has_power = 1};
	return r;
}

/* Device 0: counter, 100 J in 0→1 s, 200 J in 1→2 s, 300 J in 2→3 s.
 * Device 1: power 100 W at 0 s, 200 W at 1 s, 200 W at 2 s, 300 W at 3 s.
 * Window [0.5 s, 2.5 s), opened after the 0 s readings, closed after 2 s:
 *   device 0: E(2.5) − E(0.5) = (300 + 150) − 50 = 400 J;
 *   device 1: 0.5→1: (150+200)/2·0.5 = 87.5; 1→2: 200; 2→2.5: (200+250)/2·0.5
 *             = 112.5  → 400 J;  sum 800 J, 2 s, complete. */
static void test_by_hand(void **state)
{
	struct ctk_epoch_energy ee;
	struct ctk_ee_result r;
	struct ctk_reading a[4] = {counter_r(0, 0), counter_r(S, 100000000), counter_r(2 * S, 300000000),
				   counter_r(3 * S, 600000000)};
	struct ctk_reading b[4] = {power_r(0, 100000), power_r(S, 200000), power_r(2 * S, 200000), power_r(3 * S, 300000)};

	(void)state;
	assert_int_equal(ctk_epoch_energy_init(&ee, 2), 0);
	assert_int_equal(ctk_epoch_energy_close(&ee, 1, S), CTK_EINPUT); /* none open */
	ctk_epoch_energy_add(&ee, 0, &a[0]);
	ctk_epoch_energy_add(&ee, 1, &b[0]);
	assert_int_equal(ctk_epoch_energy_open(&ee, S / 2), 0);
	for (int i = 1; i < 3; i++) {
		ctk_epoch_energy_add(&ee, 0, &a[i]);
		ctk_epoch_energy_add(&ee, 1, &b[i]);
	}
	assert_int_equal(ctk_epoch_energy_close(&ee, 7, 5 * S / 2), 0);
	assert_int_equal(ctk_epoch_energy_next(&ee, &r), 0); /* the end edge waits for the 3 s readings */
	ctk_epoch_energy_add(&ee, 0, &a[3]);
	assert_int_equal(ctk_epoch_energy_next(&ee, &r), 0); /* … of both devices */
	ctk_epoch_energy_add(&ee, 1, &b[3]);
	assert_int_equal(ctk_epoch_energy_next(&ee, &r), 1);
	assert_int_equal(r.idx, 7);
	assert_near(r.energy_j, 800.0, 1e-12);
	assert_near(r.duration_s, 2.0, 1e-12);
	assert_int_equal(r.complete, 1);
	assert_int_equal(ctk_epoch_energy_next(&ee, &r), 0);
	/* whole run: 600 J + (150 + 200 + 250) J */
	assert_near(ctk_epoch_energy_total_j(&ee), 1200.0, 1e-12);
	ctk_epoch_energy_free(&ee);
}

/* Edges before a device's first reading count from 0 (nothing is known
 * before it, as in analyze); two back-to-back windows share an edge; a
 * window a device never read is incomplete; finish() resolves what is left
 * with the last readings. */
static void test_edges(void **state)
{
	struct ctk_epoch_energy ee;
	struct ctk_ee_result r;
	struct ctk_reading c;

	(void)state;
	assert_int_equal(ctk_epoch_energy_init(&ee, 2), 0);
	assert_int_equal(ctk_epoch_energy_open(&ee, 0), 0);     /* epoch 1 at 0 s: no reading yet */
	c = counter_r(S, 5000000000);                           /* device 0 starts at 1 s, counter 5 kJ */
	ctk_epoch_energy_add(&ee, 0, &c);
	c = counter_r(2 * S, 5000000000 + 40000000);            /* +40 J over 1→2 s */
	ctk_epoch_energy_add(&ee, 0, &c);
	assert_int_equal(ctk_epoch_energy_close(&ee, 1, 3 * S / 2), 0); /* already known: 20 J */
	assert_int_equal(ctk_epoch_energy_open(&ee, 3 * S / 2), 0);
	/* device 1 never reads: the end edges wait for finish() */
	assert_int_equal(ctk_epoch_energy_next(&ee, &r), 0);
	c = counter_r(4 * S, 5000000000 + 100000000);           /* +60 J over 2→4 s */
	ctk_epoch_energy_add(&ee, 0, &c);
	assert_int_equal(ctk_epoch_energy_close(&ee, 2, 3 * S), 0);
	ctk_epoch_energy_finish(&ee);
	assert_int_equal(ctk_epoch_energy_next(&ee, &r), 1);
	assert_int_equal(r.idx, 1);
	assert_near(r.energy_j, 20.0, 1e-12);
	assert_int_equal(r.complete, 0);                         /* device 1 has nothing */
	assert_int_equal(ctk_epoch_energy_next(&ee, &r), 1);
	assert_int_equal(r.idx, 2);
	assert_near(r.energy_j, 20.0 + 30.0, 1e-12);            /* 1.5→2: 20 J, 2→3: 30 J */
	assert_near(r.duration_s, 1.5, 1e-12);
	ctk_epoch_energy_free(&ee);

	/* a single device: complete, and a zero-length window is not */
	assert_int_equal(ctk_epoch_energy_init(&ee, 1), 0);
	c = counter_r(0, 0);
	ctk_epoch_energy_add(&ee, 0, &c);
	assert_int_equal(ctk_epoch_energy_open(&ee, S / 4), 0);
	assert_int_equal(ctk_epoch_energy_close(&ee, 1, S / 4), 0);
	c = counter_r(S, 1000000);
	ctk_epoch_energy_add(&ee, 0, &c);
	assert_int_equal(ctk_epoch_energy_next(&ee, &r), 1);
	assert_near(r.energy_j, 0, 1e-12);
	assert_int_equal(r.complete, 0);
	ctk_epoch_energy_free(&ee);
}

/* Random readings (counter, power or both, sometimes a counter reset or a
 * gap) of 3 devices and random back-to-back and separate windows: the live
 * energies equal analyze/integrate.c's over the same readings and windows. */
static void test_against_integrator(void **state)
{
	enum { NDEV = 3, NREAD = 400, NWIN = 12 };
	struct ctk_reading rd[NDEV][NREAD];
	struct ctk_span win[NWIN];
	struct ctk_energy per[NDEV][NWIN];
	struct ctk_epoch_energy ee;
	struct ctk_ee_result r;
	unsigned seed = 12345;

	(void)state;
	memset(per, 0, sizeof per);
	for (int d = 0; d < NDEV; d++) {
		int64_t t = 1700000000 * S + d * 7000000, e = 1000000000;
		for (int i = 0; i < NREAD; i++) {
			t += 50000000 + (int64_t)(rand_r(&seed) % 40000000);
			if (rand_r(&seed) % 50 == 0)
				t += 500000000;  /* a gap */
			e += 1000000 + rand_r(&seed) % 30000000;
			if (d == 2 && i == 200)
				e = 10;          /* counter reset: that segment falls back to power */
			struct ctk_reading x = {.t_ns = t, .energy_uj = e, .power_mw = 50000 + rand_r(&seed) % 250000};
			x.has_energy = d != 1 && rand_r(&seed) % 10 != 0;
			x.has_power = d != 0 || rand_r(&seed) % 2;
			rd[d][i] = x;
		}
	}
	int64_t t = 1700000000 * S + 300000000;
	for (int k = 0; k < NWIN; k++) {
		int64_t len = 500000000 + (int64_t)(rand_r(&seed) % 1500000000);
		win[k].idx = k + 1;
		win[k].start_ns = t;
		win[k].end_ns = t + len;
		t += len + (k % 3 == 0 ? 300000000 : 0); /* some back to back, some apart */
	}
	/* the live order: every reading, and every edge as soon as "now" passes it */
	assert_int_equal(ctk_epoch_energy_init(&ee, NDEV), 0);
	int at[NDEV] = {0}, ko = 0, kc = 0, got = 0;
	for (;;) {
		int d = -1;
		for (int j = 0; j < NDEV; j++)
			if (at[j] < NREAD && (d < 0 || rd[j][at[j]].t_ns < rd[d][at[d]].t_ns))
				d = j;
		int64_t now = d >= 0 ? rd[d][at[d]].t_ns : INT64_MAX;
		/* edges at or before now, in time order (a close before an open at the same time) */
		for (;;) {
			int64_t to = ko < NWIN ? win[ko].start_ns : INT64_MAX;
			int64_t tc = kc < ko ? win[kc].end_ns : INT64_MAX;
			if (tc <= to && tc <= now && tc != INT64_MAX) {
				assert_int_equal(ctk_epoch_energy_close(&ee, win[kc].idx, tc), 0);
				kc++;
			} else if (to < tc && to <= now && to != INT64_MAX && kc == ko) {
				assert_int_equal(ctk_epoch_energy_open(&ee, to), 0);
				ko++;
			} else {
				break;
			}
		}
		if (d < 0)
			break;
		ctk_epoch_energy_add(&ee, d, &rd[d][at[d]]);
		at[d]++;
		while (ctk_epoch_energy_next(&ee, &r)) {
			double want = 0;
			if (got == 0) {
				for (int j = 0; j < NDEV; j++) {
					struct ctk_integrator in;
					ctk_integrator_init(&in, win, NWIN, 0.1, per[j]);
					for (int i = 0; i < NREAD; i++)
						ctk_integrator_add(&in, &rd[j][i]);
				}
			}
			for (int j = 0; j < NDEV; j++)
				want += per[j][got].energy_j;
			assert_int_equal(r.idx, got + 1);
			assert_near(r.energy_j, want, 1e-9);
			assert_near(r.duration_s, (double)(win[got].end_ns - win[got].start_ns) / 1e9, 1e-12);
			got++;
		}
	}
	assert_int_equal(got, NWIN);
	ctk_epoch_energy_free(&ee);
}

/* live.c: energies 100, 200, 300 J of 1 s each, 10 planned. The default
 * predictor "level" takes, without a level shift (none here: 200 and 300
 * differ by more than 8 %), the mean of the last ⌈n/2⌉ epochs:
 *   after 1: 100 + 9·100 = 1000 J;   after 2: 300 + 8·200 = 1900 J;
 *   after 3: 600 + 7·250 = 2350 J; CO2 at 360 g/kWh = 2350/3.6e6·360 = 0.235 g.
 * Budget 0.0005 kWh = 1800 J: ok after 1, over after 2 (act once), over
 * after 3 without a second action. */
static void test_live(void **state)
{
	struct ctk_live_opts o = {.planned = 10, .predict_after = 1, .has_budget_kwh = 1, .budget_kwh = 0.0005,
				  .has_intensity = 1, .intensity_g_per_kwh = 360};
	struct ctk_live l;
	struct ctk_live_step st;
	struct ctk_ee_result r = {.duration_s = 1, .complete = 1};

	(void)state;
	snprintf(o.intensity_src, sizeof o.intensity_src, "--intensity");
	ctk_live_init(&l, &o);
	r.energy_j = 100;
	r.idx = 1;
	assert_int_equal(ctk_live_epoch(&l, &r, 100, &st), 0);
	assert_true(st.predicted);
	assert_near(st.p.energy_j.value, 1000, 1e-12);
	assert_near(st.p.duration_s.value, 10, 1e-12);
	assert_int_equal(st.verdict, CTK_BUDGET_OK);
	assert_false(st.act);
	assert_non_null(strstr(st.line, "after 1/10 epochs (level, 95 % interval)"));
	assert_non_null(strstr(st.line, "km by car"));
	r.energy_j = 200;
	r.idx = 2;
	assert_int_equal(ctk_live_epoch(&l, &r, 300, &st), 0);
	assert_near(st.p.energy_j.value, 1900, 1e-12);
	assert_int_equal(st.verdict, CTK_BUDGET_OVER);
	assert_true(st.act);
	assert_string_equal(st.target, "energy");
	assert_near(st.predicted_total, 1900 / 3.6e6, 1e-12);
	r.energy_j = 300;
	r.idx = 3;
	assert_int_equal(ctk_live_epoch(&l, &r, 600, &st), 0);
	assert_near(st.p.energy_j.value, 2350, 1e-12);
	assert_near(st.p.co2_g.value, 0.235, 1e-12);
	/* 0.235 g / (400 / 1.609344 g/km) = 0.000945…  km */
	assert_non_null(strstr(st.line, "= 0.000945 km by car"));
	assert_non_null(strstr(st.exact, "energy_j=2350"));
	assert_int_equal(st.verdict, CTK_BUDGET_OVER);
	assert_false(st.act);
	ctk_live_free(&l);

	/* --predict-after 2, no intensity: nothing after 1; after 2 energy and
	 * time only, with the note; a CO2 budget without intensity is never checked */
	memset(&o, 0, sizeof o);
	o.planned = 4;
	o.predict_after = 2;
	ctk_live_init(&l, &o);
	r.energy_j = 100;
	r.idx = 1;
	assert_int_equal(ctk_live_epoch(&l, &r, 100, &st), 0);
	assert_false(st.predicted);
	r.idx++;
	assert_int_equal(ctk_live_epoch(&l, &r, 200, &st), 0);
	assert_true(st.predicted);
	assert_false(st.p.co2_g.valid);
	assert_non_null(strstr(st.line, "CO2 needs an intensity"));
	/* more epochs than planned: totals of what was seen, said so */
	for (int k = 0; k < 3; k++) {
		r.idx++;
		assert_int_equal(ctk_live_epoch(&l, &r, 300 + 100 * k, &st), 0);
	}
	assert_near(st.p.energy_j.value, 500, 1e-12);
	assert_non_null(strstr(st.line, "more epochs than --epochs 4"));
	/* an incomplete epoch: no energy from then on */
	r.complete = 0;
	r.idx++;
	assert_int_equal(ctk_live_epoch(&l, &r, 600, &st), 0);
	assert_false(st.p.energy_j.valid);
	assert_true(st.p.duration_s.valid);
	ctk_live_free(&l);
}

/* An epoch number seen again (a resumed run; a Keras ModelCheckpoint line
 * "Epoch 2: saving model" matched by --epoch-regex '^Epoch ([0-9]+)') adds
 * to that epoch: windows 1 (100 J, 1 s), 2 (200 J, 1 s), 2 again (50 J,
 * 1 s) are epochs [100, 250] J and [1, 2] s. "level" (as recent: fewer
 * than 3 epochs show no level) after 2 of 10:
 *   energy 350 + 8·250 = 2350 J; duration 3 + 8·2 = 19 s. */
static void test_live_repeated(void **state)
{
	struct ctk_live_opts o = {.planned = 10, .predict_after = 1};
	struct ctk_live l;
	struct ctk_live_step st;
	struct ctk_ee_result r = {.duration_s = 1, .complete = 1};
	const double ej[] = {100, 200, 50};
	const int64_t ix[] = {1, 2, 2};

	(void)state;
	ctk_live_init(&l, &o);
	for (int k = 0; k < 3; k++) {
		r.idx = ix[k];
		r.energy_j = ej[k];
		assert_int_equal(ctk_live_epoch(&l, &r, 0, &st), 0);
	}
	assert_int_equal(l.n, 2);
	assert_near(st.p.energy_j.value, 2350, 1e-9);
	assert_near(st.p.duration_s.value, 19, 1e-9);
	assert_non_null(strstr(st.line, "after 2/10 epochs"));
	ctk_live_free(&l);
}

/* The live line and the budget use the calibrated interval (issue 15):
 * after one epoch of 100 J of 10 there is no t interval, but a calibrated
 * one, 1000 ± q·1·900 J (q: level, epochs, N = 1; 0.2295 today, so
 * [793.4, 1206.6] J). A budget of 0.0003 kWh = 1080 J lies inside it: at
 * risk (with the t interval it was ok). */
static void test_live_calibrated(void **state)
{
	struct ctk_live_opts o = {.planned = 10, .predict_after = 1, .has_budget_kwh = 1, .budget_kwh = 0.0003};
	struct ctk_live l;
	struct ctk_live_step st;
	struct ctk_ee_result r = {.duration_s = 1, .complete = 1, .energy_j = 100, .idx = 1};
	double q = 0;

	(void)state;
	assert_true(ctk_predict_calib_q(ctk_predictor_default(), CTK_SCOPE_EPOCHS, CTK_CALIB_QUIET, 1, 0.95, &q));
	ctk_live_init(&l, &o);
	assert_int_equal(ctk_live_epoch(&l, &r, 100, &st), 0);
	assert_true(st.predicted);
	assert_false(st.p.energy_j.has_interval);
	assert_near(st.p.energy_cal.hi, 1000 + 900 * q, 1e-9);
	assert_true(1000 + 900 * q > 1080);
	assert_int_equal(st.verdict, CTK_BUDGET_AT_RISK);
	assert_true(st.at_risk);
	assert_non_null(strstr(st.line, "] calibrated"));
	assert_non_null(strstr(st.exact, "energy_j_cal_hi="));
	ctk_live_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_by_hand),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_against_integrator),
		cmocka_unit_test(test_live),
		cmocka_unit_test(test_live_calibrated),
		cmocka_unit_test(test_live_repeated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
