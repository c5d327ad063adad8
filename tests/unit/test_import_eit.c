/* Tests of the experiment-impact-tracker importer on the synthetic
 * tests/data/eit/impacttracker/data.json (no real EIT log exists in
 * ../shared/data); expected energies are worked out in tests/data/eit/README. */
#include <math.h>

#include "tests/unit/import_test.h"
#include "tests/unit/readings.h"

static void test_good(void **state)
{
	(void)state;
	sqlite3 *db = test_db("eit.db");
	struct ctk_import_result res;
	struct ctk_error err;
	struct ctk_reading r[16];

	assert_int_equal(test_import(db, "eit", ROOT("tests/data/eit/impacttracker/data.json"), &res, &err), 0);
	assert_int_equal(res.devices, 3);
	assert_int_equal(res.samples, 9);
	assert_int_equal(ctk_importer_find("eit")->sniff(ROOT("tests/data/eit/impacttracker/data.json")), 90);
	int64_t g0 = q_int(db, "SELECT device_id FROM devices WHERE kind='gpu' AND bus_id='0'");
	int64_t g1 = q_int(db, "SELECT device_id FROM devices WHERE kind='gpu' AND bus_id='1'");
	int64_t cpu = q_int(db, "SELECT device_id FROM devices WHERE kind='cpu'");
	int n = dev_readings(db, g0, r, 16);
	assert_int_equal(n, 3);
	assert_near(trapezoid_j(r, n), 525.0, 1e-12);
	n = dev_readings(db, g1, r, 16);
	assert_near(trapezoid_j(r, n), 725.0, 1e-12);
	n = dev_readings(db, cpu, r, 16);
	assert_near(trapezoid_j(r, n), 200.0, 1e-12);
	assert_int_equal(q_int(db, "SELECT started_ns FROM runs"), INT64_C(1600000000000000000));
	assert_int_equal(q_int(db, "SELECT ended_ns FROM runs"), INT64_C(1600000003000000000));
	assert_near(q_double(db, "SELECT json_extract(config_json,'$.mean_realtime_carbon_intensity') FROM runs"), 300, 1e-12);
	ctk_db_close(db);
}

static void test_bad(void **state)
{
	(void)state;
	sqlite3 *db = test_db("eitbad.db");
	struct ctk_import_result res;
	struct ctk_error err;

	write_file("cut.json", "{\"timestamp\": 1600000000.0, \"nvidia_draw_absolute\": 300.0}\n{\"timestamp\": 1600000001.0, \"nvidia_dr");
	assert_int_equal(test_import(db, "eit", "cut.json", &res, &err), CTK_EINPUT);
	assert_one_line_at(&err, "'cut.json' line 2: no line end: the file was cut short");
	write_file("badline.json", "{\"timestamp\": 1600000000.0, \"nvidia_draw_absolute\": 300.0}\n{\"timestamp\": 16000\n");
	assert_int_equal(test_import(db, "eit", "badline.json", &res, &err), CTK_EINPUT);
	assert_one_line_at(&err, "'badline.json' line 2: not a JSON object");
	write_file("neg.json", "{\"timestamp\": 1600000000.0, \"nvidia_draw_absolute\": -3}\n");
	assert_int_equal(test_import(db, "eit", "neg.json", &res, &err), CTK_EINPUT);
	assert_one_line_at(&err, "'neg.json' line 1: field 'nvidia_draw_absolute': negative");
	write_file("back.json", "{\"timestamp\": 1600000002.0, \"rapl_power_draw_absolute\": 3}\n"
				"{\"timestamp\": 1600000001.0, \"rapl_power_draw_absolute\": 3}\n");
	assert_int_equal(test_import(db, "eit", "back.json", &res, &err), CTK_EINPUT);
	assert_one_line_at(&err, "'back.json' line 2: field 'timestamp': time goes backwards");
	write_file("str.json", "{\"timestamp\": 1600000002.0, \"rapl_power_draw_absolute\": \"NaN\"}\n");
	assert_int_equal(test_import(db, "eit", "str.json", &res, &err), CTK_EINPUT);
	assert_one_line_at(&err, "'str.json' line 1: field 'rapl_power_draw_absolute': not a number");
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
