/* Tests of the eco2AI importer on the synthetic tests/data/eco2ai/emission.csv
 * (no real eco2AI file exists in ../shared/data); expected numbers are worked
 * out by hand in tests/data/eco2ai/README. */
#include <math.h>

#include "tests/unit/import_test.h"
#include "tests/unit/readings.h"

static void test_good(void **state)
{
	(void)state;
	sqlite3 *db = test_db("eco.db");
	struct ctk_import_result res;
	struct ctk_error err;
	struct ctk_reading r[16];

	assert_int_equal(test_import(db, "eco2ai", ROOT("tests/data/eco2ai/emission.csv"), &res, &err), 0);
	assert_int_equal(res.runs, 2);
	assert_int_equal(q_int(db, "SELECT count(*) FROM windows WHERE kind='epoch'"), 3);
	assert_int_equal(q_int(db, "SELECT count(*) FROM windows WHERE kind='phase'"), 1);
	assert_non_null(strstr(test_warnings, "laid end to end"));
	/* epoch 2 starts when epoch 1 ends: 10:00:00 + 60.5 s (UTC assumed) */
	assert_int_equal(q_int(db, "SELECT start_ns FROM windows WHERE kind='epoch' AND idx=2"), INT64_C(1677664860500000000));
	int64_t dev = q_int(db, "SELECT device_id FROM devices d JOIN runs u USING(run_id) WHERE u.label LIKE '%%0001'");
	int n = dev_readings(db, dev, r, 16);
	assert_int_equal(n, 6);
	assert_int_equal(r[0].power_mw, 720000); /* 0.0121 kWh / 60.5 s */
	assert_int_equal(r[2].power_mw, 360000); /* 0.00595 kWh / 59.5 s */
	assert_int_equal(r[4].power_mw, 300000); /* 0.0025 kWh / 30 s */
	/* the readings reproduce eco2AI's energies: 43560 + 21420 + 9000 J,
	 * plus the ramps between windows that touch (zero width) */
	assert_near(trapezoid_j(r, n), (0.0121 + 0.00595 + 0.0025) * 3.6e6, 1e-9);
	assert_near(q_double(db, "SELECT sum(energy_kwh) FROM reported WHERE what='epoch'"), 0.0121 + 0.00595 + 0.0025, 1e-12);
	assert_near(q_double(db, "SELECT co2_g FROM reported WHERE what='actual'"), 200.0, 1e-12);
	assert_int_equal(q_int(db, "SELECT epochs FROM reported WHERE note LIKE 'epoch: 3%%'"), 3);
	assert_int_equal(q_int(db, "SELECT count(*) FROM runs WHERE json_extract(config_json,'$.region')='Russia/Moscow'"), 2);
	ctk_db_close(db);
}

static void test_bad(void **state)
{
	(void)state;
	sqlite3 *db = test_db("ecobad.db");
	struct ctk_import_result res;
	struct ctk_error err;
	const char *hdr = "id,project_name,experiment_description,epoch,start_time,duration(s),power_consumption(kWh),CO2_emissions(kg),CPU_name,GPU_name,OS,region/country,cost\n";
	char buf[2048];
	int64_t before;

	assert_int_equal(test_import(db, "eco2ai", ROOT("tests/data/eco2ai/emission.csv"), &res, &err), 0);
	before = rows_total(db);
	snprintf(buf, sizeof buf, "%sx,p,d,N/A,2023-03-01 10:00:00,nan,0.1,0.1,c,g,o,r,N/A\n", hdr);
	write_file("nan.csv", buf);
	assert_int_equal(test_import(db, "eco2ai", "nan.csv", &res, &err), CTK_EINPUT);
	assert_one_line_at(&err, "'nan.csv' line 2: field 'duration(s)': not a number");
	snprintf(buf, sizeof buf, "%sx,p,d,N/A,2023-03-01 10:00:00,10,-0.1,0.1,c,g,o,r,N/A\n", hdr);
	write_file("neg.csv", buf);
	assert_int_equal(test_import(db, "eco2ai", "neg.csv", &res, &err), CTK_EINPUT);
	assert_one_line_at(&err, "'neg.csv' line 2: field 'power_consumption(kWh)': negative");
	snprintf(buf, sizeof buf, "%sx,p,d,\"epoch: 1, \",2023-03-01 10:00:00,10,0.1,0.1,c,g,o,r,N/A\n"
		 "x,p,d,\"epoch: 2, \",2023-03-01 09:00:00,10,0.1,0.1,c,g,o,r,N/A\n", hdr);
	write_file("back.csv", buf);
	assert_int_equal(test_import(db, "eco2ai", "back.csv", &res, &err), CTK_EINPUT);
	assert_one_line_at(&err, "'back.csv' line 3: field 'start_time': time goes backwards");
	snprintf(buf, sizeof buf, "%sx,p,d,N/A,2023-03-01 10:00:00,10\n", hdr);
	write_file("cut.csv", buf);
	assert_int_equal(test_import(db, "eco2ai", "cut.csv", &res, &err), CTK_EINPUT);
	assert_one_line_at(&err, "'cut.csv' line 2:");
	write_file("hdr.csv", "a,b\n1,2\n");
	assert_int_equal(test_import(db, "eco2ai", "hdr.csv", &res, &err), CTK_EINPUT);
	assert_one_line_at(&err, "'hdr.csv' line 1: not an eco2AI");
	assert_int_equal(rows_total(db), before);
	ctk_db_close(db);
}

/* issue 14: eco2AI appends to emission.csv. The file cut after its second
 * line (the first epoch of the first run) and then the whole file: the
 * runs are those of the whole file once, not doubled, and the warning
 * counts the first run as grown. */
static void test_grown_file(void **state)
{
	(void)state;
	sqlite3 *db = test_db("ecogrow.db");
	struct ctk_import_result res;
	struct ctk_error err;
	char line[2048];
	FILE *in = fopen(ROOT("tests/data/eco2ai/emission.csv"), "r"), *out = fopen("part.csv", "w");

	assert_non_null(in);
	assert_non_null(out);
	for (int i = 0; i < 2 && fgets(line, sizeof line, in); i++)
		fputs(line, out);
	fclose(in);
	fclose(out);
	assert_int_equal(test_import(db, "eco2ai", "part.csv", &res, &err), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM runs"), 1);
	assert_int_equal(test_import(db, "eco2ai", ROOT("tests/data/eco2ai/emission.csv"), &res, &err), 0);
	assert_non_null(strstr(test_warnings, "1 run(s) already imported from an earlier version of this log: 0 unchanged "
				"(skipped), 1 grown"));
	/* the same as importing the whole file into an empty store */
	sqlite3 *ref = test_db("ecoref.db");
	assert_int_equal(test_import(ref, "eco2ai", ROOT("tests/data/eco2ai/emission.csv"), &res, &err), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM runs"), q_int(ref, "SELECT count(*) FROM runs"));
	assert_int_equal(q_int(db, "SELECT count(*) FROM reported"), q_int(ref, "SELECT count(*) FROM reported"));
	assert_int_equal(q_int(db, "SELECT count(*) FROM windows"), q_int(ref, "SELECT count(*) FROM windows"));
	ctk_db_close(ref);
	ctk_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grown_file),
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
