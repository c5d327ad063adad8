/* Acceptance test of the collector against the fake NVML: a run of 1 and
 * of 8 simulated GPUs with epochs marked through `ctk mark`; the energy of
 * each epoch, read back from the store (counter readings interpolated at
 * the window's ends, through common/samples.h), must match the exact
 * integral of the fake's scripted power curve over the window, computed
 * here analytically, within 0.1 %, per device and summed over devices. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "common/db.h"
#include "common/samples.h"
#include "tests/unit/collector_util.h"

/* The scripted curve: period 1 s, 150 W → 250 W → 150 W (piecewise linear);
 * device i draws 10·i W more. */
#define CURVE "0:150,0.5:250,1:150"
static const double ct[] = {0, 0.5, 1}, cw[] = {150, 250, 150};

/* Integral in J of curve + 10·idx from the Unix epoch to t_ns, derived by
 * hand: one period holds (150+250)/2·0.5·2 = 200 J; within a period the
 * trapezoid up to r. */
static long double exact_j(int64_t t_ns, int idx)
{
	int64_t k = t_ns / 1000000000, rn = t_ns % 1000000000;
	double r = (double)rn / 1e9;
	long double e = (long double)k * 200.0L;

	for (int i = 1; i < 3 && r > ct[i - 1]; i++) {
		double b = r < ct[i] ? r : ct[i];
		double wb = cw[i - 1] + (b - ct[i - 1]) / (ct[i] - ct[i - 1]) * (cw[i] - cw[i - 1]);
		e += (long double)(b - ct[i - 1]) * (cw[i - 1] + wb) / 2;
	}
	return e + 10.0L * idx * (long double)t_ns / 1e9L;
}

/* Counter of device_id interpolated at t_ns, in J. */
static double counter_at(sqlite3 *db, int64_t device_id, int64_t t_ns)
{
	struct ctk_sample_reader *rd = NULL;
	struct ctk_reading r, prev = {0};
	const char *sig;
	int have_prev = 0;
	double v = NAN;

	assert_int_equal(ctk_sample_reader_new(db, device_id, &rd, NULL), 0);
	while (ctk_sample_next(rd, &r, &sig, NULL) == 1) {
		assert_string_equal(sig, "counter");
		assert_true(r.has_energy);
		if (r.t_ns >= t_ns) {
			assert_true(have_prev); /* a reading before the window */
			double f = (double)(t_ns - prev.t_ns) / (double)(r.t_ns - prev.t_ns);
			v = ((double)prev.energy_uj + f * (double)(r.energy_uj - prev.energy_uj)) / 1e6;
			break;
		}
		prev = r;
		have_prev = 1;
	}
	ctk_sample_reader_free(rd);
	assert_false(isnan(v));
	return v;
}

static void run_and_check(int ngpus)
{
	char db_path[64], cmd[1024];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int nwin = 0;
	double worst = 0;

	snprintf(db_path, sizeof db_path, "energy%d.db", ngpus);
	tu_env(ngpus, CURVE);
	snprintf(cmd, sizeof cmd,
		 "ctk collect --db %s --interval 10ms --epochs 3 --quiet -- sh -c '"
		 "ctk mark epoch-start 1; sleep 0.3; ctk mark epoch-end; sleep 0.05; "
		 "ctk mark epoch-start 2; sleep 0.35; ctk mark epoch-end; "
		 "ctk mark epoch-start 3; sleep 0.25; ctk mark epoch-end' 2>/dev/null", db_path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ctk_db_open(db_path, CTK_DB_READONLY, &db, NULL), 0);
	assert_int_equal(ctk_db_count(db, "devices"), ngpus);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT idx, start_ns, end_ns FROM windows WHERE kind = 'epoch' ORDER BY idx",
					    -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t a = sqlite3_column_int64(st, 1), b = sqlite3_column_int64(st, 2);
		double sum = 0, want_sum = 0;
		nwin++;
		assert_int_equal(sqlite3_column_int(st, 0), nwin);
		assert_true(b - a > 200000000); /* the sleeps above */
		for (int d = 0; d < ngpus; d++) {
			double got = counter_at(db, d + 1, b) - counter_at(db, d + 1, a);
			double want = (double)(exact_j(b, d) - exact_j(a, d));
			assert_true(fabs(got - want) <= 1e-3 * want);
			if (fabs(got - want) / want > worst)
				worst = fabs(got - want) / want;
			sum += got;
			want_sum += want;
		}
		/* devices are summed: 8 GPUs ≈ 8 × 200 W + 10·(0+…+7) W over the epoch */
		assert_true(fabs(sum - want_sum) <= 1e-3 * want_sum);
		assert_true(want_sum > (double)(b - a) / 1e9 * (150.0 * ngpus));
	}
	sqlite3_finalize(st);
	assert_int_equal(nwin, 3);
	print_message("# %d GPU(s): worst per-epoch relative error %.2e\n", ngpus, worst);
	/* simulated runs are labelled as such */
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT simulated, exit_status, planned_epochs FROM runs", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	assert_int_equal(sqlite3_column_int(st, 1), 0);
	assert_int_equal(sqlite3_column_int(st, 2), 3);
	sqlite3_finalize(st);
	ctk_db_close(db);
}

static void epoch_energy_1_gpu(void **state)
{
	(void)state;
	run_and_check(1);
}

static void epoch_energy_8_gpus_summed(void **state)
{
	(void)state;
	run_and_check(8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(epoch_energy_1_gpu),
		cmocka_unit_test(epoch_energy_8_gpus_summed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
