/* Tests of the Zeus window importer's readings on the real
 * ../shared/data/zeus/profile_data_V100+resnet50+gpu0.csv: each window's
 * mean power (gpu0_energy / elapsed_time, computed here from the raw CSV)
 * stored at both ends, so the trapezoid gives back Zeus's energy. */
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
	int n = dev_readings(db, q_int(db, "SELECT device_id FROM devices"), r, 64);
	assert_int_equal(n, 2 * nw);
	double e = 0;
	for (int i = 0; i < nw; i++) {
		int64_t want_mw = llround(joules[i] / elapsed[i] * 1000.0);
		assert_int_equal(r[2 * i].power_mw, want_mw);
		assert_int_equal(r[2 * i + 1].power_mw, want_mw);
		assert_near((double)r[2 * i].t_ns / 1e9, start[i], 1e-12);
		assert_near((double)(r[2 * i + 1].t_ns - r[2 * i].t_ns) / 1e9, elapsed[i], 1e-9);
		e += trapezoid_j(&r[2 * i], 2);
	}
	/* mW rounding only: within 1e-6 of Zeus's total 37461.5 J */
	assert_near(e, total, 1e-6);
	ctk_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_windows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
