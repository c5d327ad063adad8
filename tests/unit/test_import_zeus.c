/* Tests of the Zeus window importer's readings on the real
 * ../shared/data/zeus/profile_data_V100+resnet50+gpu0.csv: each window's
 * mean power (gpu0_energy / elapsed_time, computed here from the raw CSV)
 * stored at both ends, so the trapezoid gives back Zeus's energy, and one
 * reading without power in each gap between windows (not measured). */
#include <math.h>

#include "tests/unit/import_test.h"
#include "tests/unit/readings.h"

static void test_windows(void **state)
{
	(void)state;
	sqlite3 *db = test_db("zeus.db");
	struct ctk_import_result res;
	struct ctk_error err;
	struct ctk_reading r[64];
	double start[16], elapsed[16], joules[16], total = 0;
	char line[512], name[128];
	int nw = 0;

	FILE *f = fopen(DATA("zeus/profile_data_V100+resnet50+gpu0.csv"), "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f));
	while (fgets(line, sizeof line, f) && nw < 16) {
		assert_int_equal(sscanf(line, "%lf,%127[^,],%lf,%lf", &start[nw], name, &elapsed[nw], &joules[nw]), 4);
		total += joules[nw];
		nw++;
	}
	fclose(f);
	assert_int_equal(nw, 7);

	assert_int_equal(test_import(db, "zeus", DATA("zeus/profile_data_V100+resnet50+gpu0.csv"), &res, &err), 0);
	assert_non_null(strstr(test_warnings, "monotonic"));
	assert_non_null(strstr(test_warnings, "6 gap(s) between windows"));
	int n = dev_readings(db, q_int(db, "SELECT device_id FROM devices"), r, 64);
	/* every window gives 2 readings, every gap between two windows 1 */
	assert_int_equal(n, 2 * nw + (nw - 1));
	double e = 0;
	for (int i = 0; i < nw; i++) {
		const struct ctk_reading *a = &r[3 * i], *b = &r[3 * i + 1];
		int64_t want_mw = llround(joules[i] / elapsed[i] * 1000.0);
		assert_int_equal(a->power_mw, want_mw);
		assert_int_equal(b->power_mw, want_mw);
		assert_near((double)a->t_ns / 1e9, start[i], 1e-12);
		assert_near((double)(b->t_ns - a->t_ns) / 1e9, elapsed[i], 1e-9);
		if (i + 1 < nw) {
			const struct ctk_reading *g = &r[3 * i + 2];
			assert_false(g->has_power);
			assert_false(g->has_energy);
			assert_true(g->t_ns > b->t_ns);
			assert_true((double)g->t_ns / 1e9 < start[i + 1]);
		}
	}
	/* the trapezoid over all readings skips the gaps: mW rounding only, within
	 * 1e-6 of Zeus's total 37461.5 J */
	e = trapezoid_j(r, n);
	assert_near(e, total, 1e-6);
	assert_int_equal(q_int(db, "SELECT count(*) FROM devices WHERE flags = 'window-means'"), 1);
	ctk_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_windows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
