/* Tests of the PowerJoular importer on files in tests/data/powerjoular,
 * written to PowerJoular's writers (no real PowerJoular output exists in
 * ../shared/data);
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

/* issue 14: PowerJoular 1.x writes its dates with Ada 'Image: a space
 * before every field, nothing padded, and milliseconds as a count after the
 * dot (" 59. 99" is 59.099 s). Expected values: tests/data/powerjoular/README. */
static void test_ada_image(void **state)
{
	(void)state;
	sqlite3 *db = test_db("pjada.db");
	struct ctk_import_result res;
	struct ctk_error err;
	struct ctk_reading r[16];

	assert_int_equal(test_import_tz(db, "powerjoular", ROOT("tests/data/powerjoular/powerjoular-ada-image.csv"), NULL,
					"+01:00", &res, &err), 0);
	assert_int_equal(res.devices, 2);
	int n = dev_readings(db, q_int(db, "SELECT device_id FROM devices WHERE kind='cpu'"), r, 16);
	assert_int_equal(n, 4);
	assert_int_equal(r[0].t_ns, INT64_C(1733224138126000000)); /* 2024-12-03 12:08:58.126 +01:00 */
	assert_int_equal(r[1].t_ns, INT64_C(1733224139099000000)); /* " 59. 99": 99 ms, not 990 */
	assert_int_equal(r[2].t_ns, INT64_C(1733224140104000000)); /* " 9: 0. 104": the minute rolls over */
	assert_int_equal(r[3].t_ns, INT64_C(1733224141005000000)); /* " 1. 5": 5 ms */
	assert_near(trapezoid_j(r, n), 58.029875, 1e-9);
	n = dev_readings(db, q_int(db, "SELECT device_id FROM devices WHERE kind='gpu'"), r, 16);
	assert_near(trapezoid_j(r, n), 66.987, 1e-9);
	ctk_db_close(db);
}

/* issue 14: the current header `Timestamp,CPU Usage,…` with whole Unix
 * seconds (UTC: no zone needed, no warning); two rows in one second are
 * kept and said once. */
static void test_unix_layout(void **state)
{
	(void)state;
	sqlite3 *db = test_db("pjunix.db");
	struct ctk_import_result res;
	struct ctk_error err;
	struct ctk_reading r[16];

	assert_int_equal(ctk_importer_find("powerjoular")->sniff(ROOT("tests/data/powerjoular/powerjoular-unix.csv")), 90);
	assert_int_equal(test_import(db, "powerjoular", ROOT("tests/data/powerjoular/powerjoular-unix.csv"), &res, &err), 0);
	assert_null(strstr(test_warnings, "assumed UTC"));
	assert_non_null(strstr(test_warnings, "1 row(s) in the same whole second"));
	assert_int_equal(q_int(db, "SELECT tz IS NULL FROM runs"), 1);
	int n = dev_readings(db, q_int(db, "SELECT device_id FROM devices WHERE kind='cpu'"), r, 16);
	assert_int_equal(n, 5);
	assert_int_equal(r[0].t_ns, INT64_C(1733227738000000000));
	assert_int_equal(r[4].t_ns, INT64_C(1733227742000000000));
	assert_near(trapezoid_j(r, n), 81.25, 1e-12);
	n = dev_readings(db, q_int(db, "SELECT device_id FROM devices WHERE kind='gpu'"), r, 16);
	assert_near(trapezoid_j(r, n), 73.25, 1e-12);
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
	write_file("ada.csv", "Date,CPU Utilization,Total Power,CPU Power,GPU Power\n"
		   " 2024- 12- 3  12: 8: 58. 1260,0.1,1,1,0\n");
	assert_int_equal(test_import(db, "powerjoular", "ada.csv", &res, &err), CTK_EINPUT);
	assert_one_line_at(&err, "'ada.csv' line 2: field 'Date': not a date");
	write_file("zero.csv", "Timestamp,CPU Usage,Total Power,CPU Power,GPU Power\n1733227738,0.1,1,1,0\n0,0.1,1,1,0\n");
	assert_int_equal(test_import(db, "powerjoular", "zero.csv", &res, &err), CTK_EINPUT);
	assert_one_line_at(&err, "'zero.csv' line 3: field 'Timestamp': not a Unix time");
	write_file("unan.csv", "Timestamp,CPU Usage,Total Power,CPU Power,GPU Power\n1733227738,0.1,nan,nan,0\n");
	assert_int_equal(test_import(db, "powerjoular", "unan.csv", &res, &err), CTK_EINPUT);
	assert_one_line_at(&err, "'unan.csv' line 2: field 'CPU Power': not a number");
	write_file("big.csv", "Timestamp,CPU Usage,Total Power,CPU Power,GPU Power\n1733227738,0.1,10001,1,10000.5\n");
	assert_int_equal(test_import(db, "powerjoular", "big.csv", &res, &err), CTK_EINPUT);
	assert_one_line_at(&err, "'big.csv' line 2: field 'GPU Power': 10000.5 W is more than a device can draw");
	write_file("ovr.csv", "1733227738,0.1250,35.5000,20.5000,15.0000\n");
	assert_int_equal(test_import(db, "powerjoular", "ovr.csv", &res, &err), CTK_EINPUT);
	assert_one_line_at(&err, "'ovr.csv' line 1: a PowerJoular row without a header");
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
		cmocka_unit_test(test_ada_image),
		cmocka_unit_test(test_unix_layout),
		cmocka_unit_test(test_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
