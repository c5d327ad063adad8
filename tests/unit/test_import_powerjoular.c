/* Tests of the PowerJoular importer on synthetic files in tests/data/
 * powerjoular (no real PowerJoular output exists in ../shared/data);
 * expected energies are worked out in tests/data/powerjoular/README. */
#include <math.h>

#include "tests/unit/import_test.h"
#include "tests/unit/readings.h"

static void test_good(void **state)
{
	(void)state;
	sqlite3 *db = test_db("pj.db");
	struct ctk_import_result res;
	struct ctk_error err;
	struct ctk_reading r[16];

	assert_int_equal(test_import_tz(db, "powerjoular", ROOT("tests/data/powerjoular/powerjoular.csv"), "pj",
					"+02:00", &res, &err), 0);
	assert_int_equal(res.devices, 2);
	int64_t cpu = q_int(db, "SELECT device_id FROM devices WHERE kind='cpu'");
	int64_t gpu = q_int(db, "SELECT device_id FROM devices WHERE kind='gpu'");
	int n = dev_readings(db, cpu, r, 16);
	assert_int_equal(n, 3);
	assert_near(trapezoid_j(r, n), 43.0, 1e-12);
	/* 2024-05-03 09:07:05 at +02:00 = 07:07:05 UTC */
	assert_int_equal(r[0].t_ns, INT64_C(1714720025000000000));
	n = dev_readings(db, gpu, r, 16);
	assert_near(trapezoid_j(r, n), 72.5, 1e-12);
	assert_int_equal(q_int(db, "SELECT count(*) FROM runs WHERE label='pj' AND tz='+02:00'"), 1);

	assert_int_equal(test_import(db, "powerjoular", ROOT("tests/data/powerjoular/powerjoular-ms.csv"), &res, &err), 0);
	assert_int_equal(res.devices, 1); /* GPU Power always 0: no GPU device */
	n = dev_readings(db, q_int(db, "SELECT max(device_id) FROM devices"), r, 16);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].t_ns, INT64_C(1714727225005000000)); /* 09:07:05.005 UTC */
	assert_int_equal(r[1].t_ns, INT64_C(1714727226120000000));
	ctk_db_close(db);
}

static void test_bad(void **state)
{
	(void)state;
	sqlite3 *db = test_db("pjbad.db");
	struct ctk_import_result res;
	struct ctk_error err;
	const char *h = "Date,CPU Utilization,Total Power,CPU Power,GPU Power\n";
	char buf[1024];

	snprintf(buf, sizeof buf, "%s2024-05-03 09:07:05,0.1,1,nan,0\n", h);
	write_file("nan.csv", buf);
	assert_int_equal(test_import(db, "powerjoular", "nan.csv", &res, &err), CTK_EINPUT);
	assert_one_line_at(&err, "'nan.csv' line 2: field 'CPU Power': not a number");
	snprintf(buf, sizeof buf, "%s2024-05-03 09:07:05,0.1,1,1,0\n2024-05-03 09:07:04,0.1,1,1,0\n", h);
	write_file("back.csv", buf);
	assert_int_equal(test_import(db, "powerjoular", "back.csv", &res, &err), CTK_EINPUT);
	assert_one_line_at(&err, "'back.csv' line 3: field 'Date': time goes backwards");
	snprintf(buf, sizeof buf, "%s2024-05-03 09:07:05,0.1,1,1,0\n2024-05-03 09:07:06,0.1\n", h);
	write_file("cut.csv", buf);
	assert_int_equal(test_import(db, "powerjoular", "cut.csv", &res, &err), CTK_EINPUT);
	assert_one_line_at(&err, "'cut.csv' line 3:");
	snprintf(buf, sizeof buf, "%s2024-05-03 09:07:05,0.1,1,1,0\n2024-05-03 09:07:06,0.1,1,1,2", h);
	write_file("cut2.csv", buf); /* the last value may be 2 W or 25 W: cut short */
	assert_int_equal(test_import(db, "powerjoular", "cut2.csv", &res, &err), CTK_EINPUT);
	assert_one_line_at(&err, "'cut2.csv' line 3: no line end: the file was cut short");
	snprintf(buf, sizeof buf, "%s2024-05-03 09:07:05,0.1,1,-1,0\n", h);
	write_file("neg.csv", buf);
	assert_int_equal(test_import(db, "powerjoular", "neg.csv", &res, &err), CTK_EINPUT);
	assert_one_line_at(&err, "'neg.csv' line 2: field 'CPU Power': negative");
	write_file("hdr.csv", "Time,Power\n1,2\n");
	assert_int_equal(test_import(db, "powerjoular", "hdr.csv", &res, &err), CTK_EINPUT);
	assert_one_line_at(&err, "'hdr.csv' line 1: not a PowerJoular CSV");
	assert_int_equal(rows_total(db), 0);
	ctk_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
