/* Tests of the CodeCarbon importer's readings on the real
 * ../shared/data/codecarbon/examples_emissions.csv (cumulative energies as a
 * counter from 0 at the run's start) and on a v1.x-style header without
 * component columns or run_id (synthetic, written here). */
#include <math.h>

#include "tests/unit/import_test.h"
#include "tests/unit/readings.h"

static void test_cumulative(void **state)
{
	(void)state;
	sqlite3 *db = test_db("cc.db");
	struct ctk_import_result res;
	struct ctk_error err;
	struct ctk_reading r[32];

	assert_int_equal(test_import(db, "codecarbon", DATA("codecarbon/examples_emissions.csv"), &res, &err), 0);
	int64_t cpu = q_int(db, "SELECT device_id FROM devices d JOIN runs u USING(run_id) WHERE d.kind='cpu' AND u.label LIKE '%%8a1d9822%%'");
	int n = dev_readings(db, cpu, r, 32);
	assert_int_equal(n, 7); /* start + 6 flushes */
	assert_true(r[0].has_energy && r[0].energy_uj == 0 && !r[0].has_power);
	/* last flush (line 13 of the file): 2024-05-31T11:10:56, cpu_energy
	 * 1.581150643351343e-05 kWh, cpu_power 2.9855 W */
	assert_int_equal(r[6].t_ns, INT64_C(1717153856000000000));
	assert_int_equal(r[6].energy_uj, llround(1.581150643351343e-05 * 3.6e12));
	assert_int_equal(r[6].power_mw, 2986);
	/* first flush at 11:09:40, duration 15.812680006027222 s (line 8) */
	assert_int_equal(r[1].t_ns - r[0].t_ns, llround(15.812680006027222 * 1e9));
	ctk_db_close(db);
}

static void test_v1(void **state)
{
	(void)state;
	sqlite3 *db = test_db("cc1.db");
	struct ctk_import_result res;
	struct ctk_error err;
	struct ctk_reading r[8];

	write_file("v1.csv",
		   "timestamp,project_name,duration,emissions,energy_consumed,country_name,country_iso_code,region,on_cloud,cloud_provider\n"
		   "2021-01-01T10:00:10,p,10.0,0.001,0.002,France,FRA,,N,\n"
		   "2021-01-01T10:00:20,p,20.0,0.002,0.004,France,FRA,,N,\n"
		   "2021-01-01T11:00:00,p,5.0,0.0005,0.001,France,FRA,,N,\n");
	assert_int_equal(test_import(db, "codecarbon", "v1.csv", &res, &err), 0);
	/* rows 1-2 share the start 10:00:00; row 3 starts 10:59:55: two runs */
	assert_int_equal(res.runs, 2);
	assert_int_equal(q_int(db, "SELECT count(*) FROM devices WHERE kind='other'"), 2);
	int n = dev_readings(db, q_int(db, "SELECT min(device_id) FROM devices"), r, 8);
	assert_int_equal(n, 3);
	assert_int_equal(r[2].energy_uj, llround(0.004 * 3.6e12));
	assert_near(q_double(db, "SELECT co2_g FROM reported WHERE run_id=(SELECT min(run_id) FROM runs)"), 2.0, 1e-12);
	assert_non_null(strstr(test_warnings, "grouped into runs by their start time"));

	write_file("dec.csv",
		   "timestamp,project_name,run_id,duration,emissions,energy_consumed\n"
		   "2021-01-01T10:00:10,p,r1,10.0,0.001,0.002\n"
		   "2021-01-01T10:00:20,p,r1,20.0,0.002,0.001\n");
	int64_t before = rows_total(db);
	assert_int_equal(test_import(db, "codecarbon", "dec.csv", &res, &err), CTK_EINPUT);
	assert_one_line_at(&err, "'dec.csv' line 3: field 'energy_consumed': cumulative energy decreases");
	write_file("back.csv",
		   "timestamp,project_name,run_id,duration,emissions,energy_consumed\n"
		   "2021-01-01T10:00:20,p,r1,20.0,0.001,0.002\n"
		   "2021-01-01T10:00:10,p,r1,10.0,0.002,0.003\n");
	assert_int_equal(test_import(db, "codecarbon", "back.csv", &res, &err), CTK_EINPUT);
	assert_one_line_at(&err, "'back.csv' line 3: field 'timestamp': time goes backwards");
	assert_int_equal(rows_total(db), before);
	ctk_db_close(db);
}

/* issue 14: the oldest CodeCarbon (1.x, codecarbon/output.py EmissionsData
 * up to v1.2) has no run_id; its experiment_id is a fresh uuid4 for every
 * row it writes (one row per tracker stop), so it keys the runs. These two
 * rows would pass the start-time grouping (starts 10:00:00 and 09:59:59.5,
 * duration growing) but are two tracker runs. */
static void test_v1_experiment_id(void **state)
{
	(void)state;
	sqlite3 *db = test_db("cc1x.db");
	struct ctk_import_result res;
	struct ctk_error err;

	write_file("v1x.csv",
		   "timestamp,experiment_id,project_name,duration,emissions,energy_consumed,country_name,country_iso_code,region,on_cloud,cloud_provider,cloud_region\n"
		   "2021-01-01T10:00:10,6f1d2c3e-1111-4c1a-9d2b-0a1b2c3d4e5f,p,10,0.001,0.002,France,FRA,,N,,\n"
		   "2021-01-01T10:00:20,9a8b7c6d-2222-4e3f-8a1b-5f4e3d2c1b0a,p,20,0.002,0.004,France,FRA,,N,,\n");
	assert_int_equal(test_import(db, "codecarbon", "v1x.csv", &res, &err), 0);
	assert_int_equal(res.runs, 2);
	assert_null(strstr(test_warnings, "grouped into runs by their start time"));
	assert_int_equal(q_int(db, "SELECT count(*) FROM runs WHERE label = 'p/6f1d2c3e-1111-4c1a-9d2b-0a1b2c3d4e5f' AND "
				   "json_extract(config_json, '$.experiment_id') = '6f1d2c3e-1111-4c1a-9d2b-0a1b2c3d4e5f'"), 1);
	assert_near(q_double(db, "SELECT energy_kwh FROM reported r JOIN runs USING(run_id) WHERE label LIKE 'p/9a8b%%'"), 0.004, 1e-12);

	/* run_id "None" (CodeCarbon with API output, its issue #1303) keys
	 * nothing: these two runs start an hour apart and stay apart */
	write_file("none.csv",
		   "timestamp,project_name,run_id,duration,emissions,energy_consumed\n"
		   "2021-01-01T10:00:10,p,None,10.0,0.001,0.002\n"
		   "2021-01-01T11:00:00,p,None,5.0,0.0005,0.001\n");
	assert_int_equal(test_import(db, "codecarbon", "none.csv", &res, &err), 0);
	assert_int_equal(res.runs, 2);
	assert_non_null(strstr(test_warnings, "rows without a run_id (or 'None')"));
	ctk_db_close(db);
}

/* issue 14: CodeCarbon appends to emissions.csv. Importing the grown file
 * does not double the runs already imported: run a (unchanged) is skipped,
 * run b (one more cumulative row) replaces its earlier import, run c is new. */
static void test_grown_file(void **state)
{
	(void)state;
	sqlite3 *db = test_db("ccgrow.db");
	struct ctk_import_result res;
	struct ctk_error err;
	const char *h = "timestamp,project_name,run_id,duration,emissions,energy_consumed\n";
	const char *a = "2021-01-01T10:00:10,p,aaaa,10.0,0.001,0.002\n";
	const char *b1 = "2021-01-01T11:00:10,p,bbbb,10.0,0.001,0.002\n";
	const char *b2 = "2021-01-01T11:00:20,p,bbbb,20.0,0.002,0.004\n";
	const char *c = "2021-01-01T12:00:10,p,cccc,5.0,0.0005,0.001\n";
	char buf[1024];

	snprintf(buf, sizeof buf, "%s%s%s", h, a, b1);
	write_file("emissions.csv", buf);
	assert_int_equal(test_import(db, "codecarbon", "emissions.csv", &res, &err), 0);
	assert_int_equal(res.runs, 2);
	snprintf(buf, sizeof buf, "%s%s%s%s%s", h, a, b1, b2, c);
	write_file("emissions.csv", buf);
	assert_int_equal(test_import(db, "codecarbon", "emissions.csv", &res, &err), 0);
	assert_int_equal(res.runs, 2); /* b again (grown) and c */
	assert_non_null(strstr(test_warnings, "2 run(s) already imported from an earlier version of this log: 1 unchanged"));
	assert_int_equal(q_int(db, "SELECT count(*) FROM runs"), 3);
	assert_int_equal(q_int(db, "SELECT count(*) FROM runs WHERE label = 'p/bbbb'"), 1);
	/* b now ends with its second row: 20 s, 0.004 kWh */
	assert_near(q_double(db, "SELECT duration_s FROM reported JOIN runs USING(run_id) WHERE label = 'p/bbbb'"), 20.0, 1e-12);
	assert_near(q_double(db, "SELECT energy_kwh FROM reported JOIN runs USING(run_id) WHERE label = 'p/bbbb'"), 0.004, 1e-12);
	assert_int_equal(q_int(db, "SELECT count(*) FROM reported"), 3);
	ctk_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cumulative),
		cmocka_unit_test(test_v1),
		cmocka_unit_test(test_v1_experiment_id),
		cmocka_unit_test(test_grown_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
