/* Tests of the carbontracker importer and ctk_carbontracker_recompute on the
 * real logs in ../shared/data/carbontracker-logs (1 and 8 GPUs, with exact
 * per-epoch truth) and on the synthetic v1.x log in tests/data. Expected
 * numbers are the raw printed values or worked out by hand in comments. */
#include <math.h>
#include <sys/stat.h>

#include "tests/unit/import_test.h"

#include "analyze/energy/ct_compare.h"
#include "common/samples.h"

struct truth {
	int n;
	double start[64], end[64], energy_j[64];
};

static void read_truth(const char *path, struct truth *t)
{
	FILE *f = fopen(path, "r");
	char line[512];
	assert_non_null(f);
	t->n = 0;
	assert_non_null(fgets(line, sizeof line, f)); /* header */
	while (fgets(line, sizeof line, f)) {
		int ep, gpus;
		assert_int_equal(sscanf(line, "%d,%lf,%lf,%lf,%d", &ep, &t->start[t->n], &t->end[t->n],
					&t->energy_j[t->n], &gpus), 5);
		assert_int_equal(ep, t->n + 1);
		t->n++;
	}
	fclose(f);
}

/* 1 GPU: devices, epochs, readings and the two printed blocks as printed. */
static void test_1gpu_import(void **state)
{
	(void)state;
	sqlite3 *db = test_db("ct1.db");
	struct ctk_import_result res;
	struct ctk_error err;

	assert_int_equal(test_import(db, "carbontracker", DATA("carbontracker-logs/1gpu"), &res, &err), 0);
	assert_int_equal(res.runs, 1);
	assert_int_equal(res.devices, 1);
	assert_int_equal(res.windows, 12);
	assert_int_equal(res.samples, 24);   /* 2 readings x 12 epochs */
	assert_int_equal(q_int(db, "SELECT count(*) FROM devices WHERE kind='gpu' AND name='FakeNVML GPU' AND flags IS NULL"), 1);
	assert_int_equal(q_int(db, "SELECT planned_epochs FROM runs"), 12);
	/* epoch 1 line at 22:05:51 UTC, duration 5.00 s: [22:05:46, 22:05:51] */
	assert_int_equal(q_int(db, "SELECT start_ns FROM windows WHERE idx=1"), INT64_C(1795471546000000000));
	assert_int_equal(q_int(db, "SELECT end_ns FROM windows WHERE idx=12"), INT64_C(1795471606000000000));
	/* printed in the output log */
	assert_near(q_double(db, "SELECT energy_kwh FROM reported WHERE what='predicted'"), 0.006320906796, 1e-12);
	assert_near(q_double(db, "SELECT co2_g FROM reported WHERE what='predicted'"), 3.040356168636, 1e-12);
	assert_near(q_double(db, "SELECT distance_km FROM reported WHERE what='predicted'"), 0.028282382964, 1e-12);
	assert_int_equal(q_int(db, "SELECT epochs FROM reported WHERE what='predicted'"), 12);
	assert_near(q_double(db, "SELECT duration_s FROM reported WHERE what='predicted'"), 60, 0);
	assert_near(q_double(db, "SELECT energy_kwh FROM reported WHERE what='actual'"), 0.007899138660, 1e-12);
	assert_near(q_double(db, "SELECT co2_g FROM reported WHERE what='actual'"), 3.799485695361, 1e-12);
	assert_near(q_double(db, "SELECT distance_km FROM reported WHERE what='actual'"), 0.035344052980, 1e-12);
	assert_near(q_double(db, "SELECT pue FROM reported WHERE what='actual'"), 1.58, 0);
	assert_near(q_double(db, "SELECT g_per_kwh FROM reported WHERE what='actual'"), 481, 0);
	assert_non_null(strstr(test_warnings, "assumed UTC"));
	assert_non_null(strstr(test_warnings, "epoch times rebuilt"));
	assert_null(strstr(test_warnings, "averaged"));
	ctk_db_close(db);
}

/* Import path with o.replace set as --replace does (one transaction). */
static int import_replace(sqlite3 *db, const char *path, int replace, struct ctk_import_result *res,
			  struct ctk_error *err)
{
	struct ctk_tz tz;
	struct ctk_import_opts o = {.warn = test_warn, .replace = replace, .tz = &tz};
	int rc;

	test_warnings[0] = '\0';
	memset(res, 0, sizeof(*res));
	memset(err, 0, sizeof(*err));
	assert_int_equal(ctk_tz_parse("UTC", &tz, err), 0);
	assert_int_equal(ctk_db_begin(db, err), 0);
	rc = ctk_importer_find("carbontracker")->import(db, path, &o, res, err);
	if (rc == 0)
		rc = ctk_db_commit(db, err);
	if (rc)
		ctk_db_rollback(db);
	return rc;
}

static void copy_file(const char *from, const char *to, long cut);

/* Logs imported before (same SHA-256), issue 14: a directory that gained a
 * stem imports only the new one and skips the other, saying so with the
 * --replace hint; --replace deletes the earlier runs and imports again (same
 * rows, new run ids). A path whose every log was imported before is imported
 * in full and left to cmd/import.c, which undoes it or replaces the earlier
 * runs like for every importer (tests/e2e/import_reimport.sh). */
static void test_reimport(void **state)
{
	(void)state;
	sqlite3 *db = test_db("ctre.db");
	struct ctk_import_result res;
	struct ctk_error err;
	const char *one = "carbontracker-logs/1gpu/8593.204938_2026-11-23T220546Z_carbontracker";
	const char *eight = "carbontracker-logs/8gpu/8633.650725_2026-11-23T220850Z_carbontracker";
	char from[512];

	mkdir("grown", 0755);
	snprintf(from, sizeof from, "%s.log", one);
	copy_file(DATA(from), "grown/a_carbontracker.log", -1);
	snprintf(from, sizeof from, "%s_output.log", one);
	copy_file(DATA(from), "grown/a_carbontracker_output.log", -1);
	/* first import: the 1-GPU run, under another name (same bytes) */
	assert_int_equal(import_replace(db, DATA("carbontracker-logs/1gpu"), 0, &res, &err), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM runs"), 1);
	int64_t rows1 = rows_total(db);
	/* the directory gains the 8-GPU stem */
	snprintf(from, sizeof from, "%s.log", eight);
	copy_file(DATA(from), "grown/b_carbontracker.log", -1);
	snprintf(from, sizeof from, "%s_output.log", eight);
	copy_file(DATA(from), "grown/b_carbontracker_output.log", -1);
	assert_int_equal(import_replace(db, "grown", 0, &res, &err), 0);
	assert_int_equal(res.runs, 1);
	assert_int_equal(q_int(db, "SELECT count(*) FROM runs"), 2);
	assert_int_equal(q_int(db, "SELECT count(*) FROM runs WHERE source_path = 'grown/a_carbontracker.log'"), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM runs WHERE source_path = 'grown/b_carbontracker.log'"), 1);
	assert_non_null(strstr(test_warnings, "'grown/a_carbontracker.log': already imported (same SHA-256) as run 1; "
				 "skipped (--replace imports it again)"));
	int64_t rows2 = rows_total(db);
	assert_true(rows2 > rows1);
	/* --replace: both earlier runs deleted, both imported again */
	assert_int_equal(import_replace(db, "grown", 1, &res, &err), 0);
	assert_int_equal(res.runs, 2);
	assert_int_equal(q_int(db, "SELECT count(*) FROM runs"), 2);
	assert_int_equal(q_int(db, "SELECT min(run_id) FROM runs"), 3);
	assert_int_equal(rows_total(db), rows2);
	assert_non_null(strstr(test_warnings, "imported before as run 1; replaced (--replace)"));
	assert_non_null(strstr(test_warnings, "imported before as run 2; replaced (--replace)"));
	/* every log imported before, no --replace: imported in full (the
	 * savepoint of cmd/import.c undoes it), nothing skipped here */
	assert_int_equal(import_replace(db, "grown", 0, &res, &err), 0);
	assert_int_equal(res.runs, 2);
	assert_null(strstr(test_warnings, "skipped"));
	ctk_db_close(db);
}

/* Recomputed per-epoch energies vs truth.csv; actual with --pue 1.58. */
static void test_1gpu_compare(void **state)
{
	(void)state;
	sqlite3 *db = test_db("ct1c.db");
	struct ctk_import_result res;
	struct ctk_error err;
	struct ctk_ct_compare c;
	struct truth t;
	double sum_truth = 0;

	assert_int_equal(test_import(db, "carbontracker", DATA("carbontracker-logs/1gpu"), &res, &err), 0);
	read_truth(DATA("carbontracker-logs/1gpu/truth.csv"), &t);
	assert_int_equal(ctk_carbontracker_recompute(db, res.run_id, 1.58, &c, &err), 0);
	assert_int_equal(c.epochs, 12);
	assert_int_equal(t.n, 12);
	for (int i = 0; i < 12; i++) {
		/* log: 240 W (odd epochs) / 360 W (even) x 5.00 s */
		double want = (i % 2 == 0 ? 240.0 : 360.0) * 5.0;
		assert_near(c.epoch[i].energy_j, want, 1e-9);
		/* 1 Hz sampling vs the exact counter: within 12 % per epoch,
		 * and off by more than 5 % (the sampling error shows) */
		double rel = (c.epoch[i].energy_j - t.energy_j[i]) / t.energy_j[i];
		assert_true(fabs(rel) < 0.12);
		assert_true(fabs(rel) > 0.05);
		sum_truth += t.energy_j[i];
	}
	/* the errors cancel over pairs: 18000 J vs 17998.3 J */
	assert_near(c.energy_j, 18000.0, 1e-9);
	assert_near(c.energy_j, sum_truth, 0.001);
	/* --pue 1.58: 18000 J x 1.58 / 3.6e6 = 0.0079 kWh vs printed 0.007899138660 */
	assert_near(c.energy_kwh, 0.0079, 1e-9);
	assert_near(c.energy_kwh, 0.007899138660, 0.001);
	assert_true(c.has_actual);
	assert_true(c.causes & CTK_CT_PUE);
	assert_false(c.causes & CTK_CT_V2_AVERAGED);
	assert_false(c.causes & CTK_CT_EPOCH_LABEL);
	ctk_ct_compare_release(&c);
	/* PUE 1.0 (the default) differs from the printed value by the PUE */
	assert_int_equal(ctk_carbontracker_recompute(db, res.run_id, 0, &c, &err), 0);
	assert_near(c.energy_kwh, 0.005, 1e-9);
	char buf[4096];
	ctk_ct_compare_format(&c, buf, sizeof buf);
	assert_non_null(strstr(buf, "PUE of 1.58"));
	ctk_ct_compare_release(&c);
	ctk_db_close(db);
}

/* 8 GPUs: the v2 averaging bug is detected, warned about and corrected:
 * the readings stored are the sum, carbontracker's figure stays as logged. */
static void test_8gpu(void **state)
{
	(void)state;
	sqlite3 *db = test_db("ct8.db");
	struct ctk_import_result res;
	struct ctk_error err;
	struct ctk_ct_compare c;
	struct truth t;

	assert_int_equal(test_import(db, "carbontracker", DATA("carbontracker-logs/8gpu"), &res, &err), 0);
	assert_non_null(strstr(test_warnings, "averaged the 8 gpu devices"));
	assert_int_equal(res.devices, 1);
	assert_int_equal(q_int(db, "SELECT count(*) FROM devices WHERE flags='ct-v2-averaged'"), 1);
	/* stored as the sum: epoch 1 logged "for gpu: 400.0", an average of
	 * 8 GPUs, so its readings are 8 x 400 W = 3200 W (issue 12) */
	{
		struct ctk_sample_reader *rd = NULL;
		struct ctk_reading rr;
		const char *sig;
		int64_t dev = q_int(db, "SELECT device_id FROM devices WHERE flags='ct-v2-averaged'");
		assert_int_equal(ctk_sample_reader_new(db, dev, &rd, &err), 0);
		assert_int_equal(ctk_sample_next(rd, &rr, &sig, &err), 1);
		assert_true(rr.has_power);
		assert_int_equal(rr.power_mw, 3200000);
		assert_string_equal(sig, "imported");
		ctk_sample_reader_free(rd);
	}
	/* epoch 7 printed 0:00:04.99 */
	assert_int_equal(q_int(db, "SELECT end_ns - start_ns FROM windows WHERE idx=7"), INT64_C(4990000000));
	read_truth(DATA("carbontracker-logs/8gpu/truth.csv"), &t);
	assert_int_equal(ctk_carbontracker_recompute(db, res.run_id, 1.58, &c, &err), 0);
	assert_true(c.causes & CTK_CT_V2_AVERAGED);
	assert_true(c.causes & CTK_CT_PUE);
	assert_int_equal(c.averaged_devices, 8);
	/* as logged: 6 x 400 W x 5 s + 6 x 200 W x 5 s - 400 W x 0.01 s = 17996 J */
	assert_near(c.energy_j, 17996.0, 1e-9);
	assert_near(c.energy_kwh, 0.007898031819, 0.001);
	assert_near(c.corrected_j, 8 * 17996.0, 1e-9);
	for (int i = 0; i < 12; i++) {
		/* corrected (x8) vs exact counters of all 8 GPUs: the square
		 * wave's phase error only, within 7 %; uncorrected is 1/8 */
		assert_near(c.epoch[i].corrected_j, t.energy_j[i], 0.07);
		assert_true(c.epoch[i].energy_j < 0.2 * t.energy_j[i]);
	}
	ctk_ct_compare_release(&c);
	ctk_db_close(db);
}

/* Synthetic v1.x log: per-device arrays, wrapped array, None, stop() label,
 * no PUE line (see tests/data/carbontracker-v1/README for the numbers). */
static void test_v1_arrays(void **state)
{
	(void)state;
	sqlite3 *db = test_db("ctv1.db");
	struct ctk_import_result res;
	struct ctk_error err;
	struct ctk_ct_compare c;

	assert_int_equal(test_import(db, "carbontracker", ROOT("tests/data/carbontracker-v1"), &res, &err), 0);
	assert_int_equal(res.devices, 4);
	assert_int_equal(q_int(db, "SELECT count(*) FROM devices WHERE kind='gpu' AND name='Tesla V100-SXM2-16GB'"), 2);
	assert_int_equal(q_int(db, "SELECT count(*) FROM devices WHERE kind='cpu'"), 2);
	assert_int_equal(q_int(db, "SELECT count(*) FROM devices WHERE flags IS NOT NULL"), 0);
	assert_int_equal(q_int(db, "SELECT planned_epochs FROM runs"), 10);
	/* epoch 2 (line 12:03:30, 110.50 s) would start before epoch 1 ends at
	 * 12:01:40: laid end to end, 12:01:40 .. 12:03:30.5 */
	assert_int_equal(q_int(db, "SELECT start_ns FROM windows WHERE idx=2"), INT64_C(1588334500000000000));
	assert_int_equal(q_int(db, "SELECT end_ns FROM windows WHERE idx=3"), INT64_C(1588334615490000000));
	assert_int_equal(q_int(db, "SELECT count(*) FROM reported WHERE pue IS NULL"), 2);
	assert_near(q_double(db, "SELECT g_per_kwh FROM reported WHERE what='predicted'"), 250, 0);
	assert_near(q_double(db, "SELECT g_per_kwh FROM reported WHERE what='actual'"), 200, 0);
	assert_int_equal(q_int(db, "SELECT epochs FROM reported WHERE what='actual'"), 2);
	assert_non_null(strstr(test_warnings, "'None' for cpu"));
	assert_int_equal(ctk_carbontracker_recompute(db, res.run_id, 1.59, &c, &err), 0);
	assert_near(c.epoch[0].energy_j, 24181.0, 1e-9);
	assert_near(c.epoch[1].energy_j, 33205.25, 1e-9); /* cpu None: not interpolated */
	assert_near(c.epoch[2].energy_j, 1596.8, 1e-9);
	assert_near(c.energy_j, 58983.05, 1e-9);
	assert_near(c.energy_kwh, 0.026050847083, 0.001);
	assert_true(c.causes & CTK_CT_EPOCH_LABEL);
	assert_true(c.causes & CTK_CT_PUE);
	assert_true(c.causes & CTK_CT_MISSING_POWER);
	assert_false(c.causes & CTK_CT_V2_AVERAGED);
	ctk_ct_compare_release(&c);
	ctk_db_close(db);
}

static void copy_file(const char *from, const char *to, long cut)
{
	FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
	int ch;
	long n = 0;
	assert_non_null(a);
	assert_non_null(b);
	while ((ch = fgetc(a)) != EOF && (cut < 0 || n < cut)) {
		fputc(ch, b);
		n++;
	}
	fclose(a);
	fclose(b);
}

/* Unpaired and truncated runs import as far as they go, with warnings. */
static void test_unpaired_truncated(void **state)
{
	(void)state;
	sqlite3 *db = test_db("ctu.db");
	struct ctk_import_result res;
	struct ctk_error err;

	mkdir("only-std", 0755);
	copy_file(DATA("carbontracker-logs/1gpu/8593.204938_2026-11-23T220546Z_carbontracker.log"),
		  "only-std/8593.204938_2026-11-23T220546Z_carbontracker.log", -1);
	assert_int_equal(test_import(db, "carbontracker", "only-std", &res, &err), 0);
	assert_non_null(strstr(test_warnings, "no output log"));
	assert_int_equal(res.windows, 12);
	assert_int_equal(q_int(db, "SELECT count(*) FROM reported"), 0);

	/* standard log cut in the middle of epoch 5's power line
	 * ("...for gpu: 2"), output log cut inside the actual block */
	mkdir("cut", 0755);
	FILE *f = fopen(DATA("carbontracker-logs/1gpu/8593.204938_2026-11-23T220546Z_carbontracker.log"), "r");
	char buf[8192];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strstr(buf, "22:06:06 - Average power usage (W) for gpu: 3");
	assert_non_null(p);
	copy_file(DATA("carbontracker-logs/1gpu/8593.204938_2026-11-23T220546Z_carbontracker.log"),
		  "cut/x_carbontracker.log", (long)(p - buf) + (long)strlen("22:06:06 - Average power usage (W) for gpu: 3"));
	copy_file(DATA("carbontracker-logs/1gpu/8593.204938_2026-11-23T220546Z_carbontracker_output.log"),
		  "cut/x_carbontracker_output.log", 780);
	assert_int_equal(test_import(db, "carbontracker", "cut/x_carbontracker.log", &res, &err), 0);
	assert_non_null(strstr(test_warnings, "cut short"));
	/* epochs 1-4 kept; epoch 4 has no power (its line was cut) */
	assert_int_equal(res.windows, 4);
	assert_non_null(strstr(test_warnings, "epoch 4 has no power line for gpu"));
	assert_int_equal(q_int(db, "SELECT count(*) FROM reported WHERE run_id=%lld", (long long)res.run_id), 1);

	/* empty files are ignored, as carbontracker's parser does */
	mkdir("empty", 0755);
	write_file("empty/e_carbontracker.log", "");
	write_file("empty/e_carbontracker_output.log", "");
	int64_t before = rows_total(db);
	assert_int_equal(test_import(db, "carbontracker", "empty", &res, &err), 0);
	assert_non_null(strstr(test_warnings, "empty; ignored"));
	assert_int_equal(rows_total(db), before);
	ctk_db_close(db);
}

/* Bad input: one-line error naming file, line and field; nothing written. */
static void bad_log(const char *name, const char *body, const char *needle)
{
	sqlite3 *db = test_db("ctbad.db");
	struct ctk_import_result res;
	struct ctk_error err;
	int64_t before;

	assert_int_equal(test_import(db, "carbontracker", ROOT("tests/data/carbontracker-v1"), &res, &err), 0);
	before = rows_total(db);
	mkdir("bad", 0755);
	write_file(name, body);
	assert_int_equal(test_import(db, "carbontracker", name, &res, &err), CTK_EINPUT);
	assert_one_line_at(&err, needle);
	assert_non_null(strstr(err.msg, name));
	assert_int_equal(rows_total(db), before);
	ctk_db_close(db);
	remove(name);
}

static void test_bad_input(void **state)
{
	(void)state;
	bad_log("bad/nan_carbontracker.log",
		"2020-05-01 12:00:00 - Monitoring thread started.\n"
		"2020-05-01 12:00:05 - Epoch 1:\n"
		"2020-05-01 12:00:05 - Duration: 0:00:05.00\n"
		"2020-05-01 12:00:05 - Average power usage (W) for gpu: nan\n"
		"2020-05-01 12:00:06 - Monitoring thread ended.\n",
		"line 4: field 'Average power usage (W) for gpu': not a number");
	bad_log("bad/neg_carbontracker.log",
		"2020-05-01 12:00:05 - Epoch 1:\n"
		"2020-05-01 12:00:05 - Duration: 0:00:05.00\n"
		"2020-05-01 12:00:05 - Average power usage (W) for gpu: [10. -3.]\n",
		"line 3: field 'Average power usage (W) for gpu': negative power");
	bad_log("bad/back_carbontracker.log",
		"2020-05-01 12:00:05 - Epoch 1:\n"
		"2020-05-01 12:00:04 - Duration: 0:00:05.00\n"
		"2020-05-01 12:00:05 - Average power usage (W) for gpu: 10.0\n",
		"line 2: field 'timestamp': time goes backwards");
	bad_log("bad/dur_carbontracker.log",
		"2020-05-01 12:00:05 - Epoch 1:\n"
		"2020-05-01 12:00:05 - Duration: five seconds\n"
		"2020-05-01 12:00:05 - Average power usage (W) for gpu: 10.0\n",
		"line 2: field 'Duration'");
	bad_log("bad/out_carbontracker_output.log",
		"2020-05-01 12:00:05 - CarbonTracker: \n"
		"Actual consumption for 1 epoch(s):\n"
		"\tTime:\t0:00:05\n"
		"\tEnergy:\tNaN kWh\n"
		"\tCO2eq:\t1.0 g\n"
		"2020-05-01 12:00:06 - CarbonTracker: Finished monitoring.\n",
		"line 4: field 'Energy'");
	{
		sqlite3 *db = test_db("ctbad2.db");
		struct ctk_import_result res;
		struct ctk_error err;
		write_file("notct.log", "hello\n");
		assert_int_equal(test_import(db, "carbontracker", "notct.log", &res, &err), CTK_EINPUT);
		assert_non_null(strstr(err.msg, "not a carbontracker log"));
		ctk_db_close(db);
	}
}

/* CLI mode ("Actual consumption:" without an epoch count), 27-hour Time,
 * 2.4's gCO2eq/kWh, --tz, and sniffing. */
static void test_cli_variant(void **state)
{
	(void)state;
	sqlite3 *db = test_db("ctcli.db");
	struct ctk_import_result res;
	struct ctk_error err;

	mkdir("cli", 0755);
	write_file("cli/2023-01-01T10:00Z_carbontracker_output.log",
		   "2023-01-01 10:00:00 - CarbonTracker: Current carbon intensity is 120.50 gCO2eq/kWh at detected location: X.\n"
		   "2023-01-02 13:03:10 - CarbonTracker: \n"
		   "Actual consumption:\n"
		   "\tTime:\t27:03:10\n"
		   "\tEnergy:\t12.500000000000 kWh\n"
		   "\tCO2eq:\t1506.250000000000 g\n");
	assert_int_equal(ctk_importer_find("carbontracker")->sniff("cli"), 95);
	assert_int_equal(test_import_tz(db, "carbontracker", "cli", "L", "+01:00", &res, &err), 0);
	assert_non_null(strstr(test_warnings, "no standard log"));
	assert_int_equal(q_int(db, "SELECT count(*) FROM runs WHERE label='L' AND tz='+01:00'"), 1);
	assert_int_equal(q_int(db, "SELECT epochs IS NULL FROM reported"), 1);
	assert_near(q_double(db, "SELECT duration_s FROM reported"), 27 * 3600 + 3 * 60 + 10, 0);
	assert_near(q_double(db, "SELECT g_per_kwh FROM reported"), 120.5, 0);
	/* 10:00 at +01:00 = 09:00 UTC */
	assert_int_equal(q_int(db, "SELECT started_ns FROM runs"), INT64_C(1672563600000000000));
	ctk_db_close(db);
}

/* Stem forms: {prefix_}{pid}.{rand}_{date}, {pid}_{date}; two stems in one
 * directory are two runs, labelled L/stem under --label L. */
static void test_stems(void **state)
{
	(void)state;
	sqlite3 *db = test_db("cts.db");
	struct ctk_import_result res;
	struct ctk_error err;
	const char *src = "carbontracker-logs/1gpu/8593.204938_2026-11-23T220546Z_carbontracker";
	char from[512];

	mkdir("stems", 0755);
	snprintf(from, sizeof from, "%s.log", src);
	copy_file(DATA(from), "stems/my_exp_8593.204938_2026-11-23T220546Z_carbontracker.log", -1);
	snprintf(from, sizeof from, "%s_output.log", src);
	copy_file(DATA(from), "stems/my_exp_8593.204938_2026-11-23T220546Z_carbontracker_output.log", -1);
	copy_file(DATA(from), "stems/8593_2026-11-23T220546Z_carbontracker_output.log", -1);
	snprintf(from, sizeof from, "%s.log", src);
	copy_file(DATA(from), "stems/8593_2026-11-23T220546Z_carbontracker.log", -1);
	assert_int_equal(test_import_tz(db, "carbontracker", "stems", "L", "Europe/Copenhagen", &res, &err), 0);
	assert_int_equal(res.runs, 2);
	assert_int_equal(q_int(db, "SELECT count(*) FROM runs WHERE label='L/my_exp_8593.204938_2026-11-23T220546Z'"), 1);
	assert_int_equal(q_int(db, "SELECT count(*) FROM runs WHERE label='L/8593_2026-11-23T220546Z'"), 1);
	assert_int_equal(q_int(db, "SELECT count(*) FROM reported"), 4);
	/* 22:05:46 in Copenhagen (UTC+1 in November) = 21:05:46 UTC */
	assert_int_equal(q_int(db, "SELECT min(start_ns) FROM windows"), INT64_C(1795471546000000000) - INT64_C(3600000000000));
	ctk_db_close(db);
}

/* The first reading of device dev: its power in mW (-1 when none). */
static int64_t first_power_mw(sqlite3 *db, int64_t dev)
{
	struct ctk_sample_reader *rd = NULL;
	struct ctk_reading rr;
	struct ctk_error err = {0};
	const char *sig;
	int64_t mw = -1;

	assert_int_equal(ctk_sample_reader_new(db, dev, &rd, &err), 0);
	if (ctk_sample_next(rd, &rr, &sig, &err) == 1 && rr.has_power)
		mw = rr.power_mw;
	ctk_sample_reader_free(rd);
	return mw;
}

/* Apple silicon (issue 14): "GPU with device(s) GPU, ANE" logs one power that
 * is already GPU + ANE: ONE device, its power as logged (no x 2 for an
 * averaging carbontracker never did), said in flags and config_json.
 * Numbers: tests/data/carbontracker-apple/README. */
static void test_apple_silicon(void **state)
{
	(void)state;
	sqlite3 *db = test_db("ctapple.db");
	struct ctk_import_result res;
	struct ctk_error err;
	struct ctk_ct_compare c;

	assert_int_equal(test_import(db, "carbontracker", ROOT("tests/data/carbontracker-apple"), &res, &err), 0);
	assert_int_equal(res.devices, 2);
	assert_null(strstr(test_warnings, "averaged"));
	assert_int_equal(q_int(db, "SELECT count(*) FROM devices WHERE flags = 'ct-v2-averaged'"), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM devices WHERE kind = 'gpu' AND vendor = 'apple' AND "
				   "name = 'GPU + ANE' AND flags = 'ct-apple-gpu-ane' AND idx = 0"), 1);
	assert_int_equal(q_int(db, "SELECT count(*) FROM devices WHERE kind = 'cpu' AND name = 'CPU' AND flags IS NULL"), 1);
	/* epoch 1 logged "for gpu: 12.5": stored 12.5 W, not 2 x 12.5 */
	assert_int_equal(first_power_mw(db, q_int(db, "SELECT device_id FROM devices WHERE kind = 'gpu'")), 12500);
	assert_int_equal(first_power_mw(db, q_int(db, "SELECT device_id FROM devices WHERE kind = 'cpu'")), 4250);
	assert_int_equal(q_int(db, "SELECT json_extract(config_json, '$.components.gpu.count') FROM runs"), 1);
	assert_int_equal(q_int(db, "SELECT json_extract(config_json, '$.components.gpu.values') = 'summed' FROM runs"), 1);
	assert_int_equal(q_int(db, "SELECT json_extract(config_json, '$.components.gpu.stored') LIKE "
				   "'one device: Apple silicon GPU and ANE%%' FROM runs"), 1);
	assert_int_equal(q_int(db, "SELECT planned_epochs FROM runs"), 3);
	assert_int_equal(ctk_carbontracker_recompute(db, res.run_id, 1.58, &c, &err), 0);
	assert_false(c.causes & CTK_CT_V2_AVERAGED);
	assert_true(c.causes & CTK_CT_PUE);
	/* 60 x 16.75 + 60.5 x 19 + 59.75 x 13.5 = 2961.125 J, both as logged and as stored */
	assert_near(c.energy_j, 2961.125, 1e-9);
	assert_near(c.corrected_j, 2961.125, 1e-9);
	assert_near(c.epoch[1].energy_j, 1149.5, 1e-9);
	/* printed actual 0.001299604861 kWh (12 decimals) = 2961.125 x 1.58 / 3.6e6 */
	assert_near(c.energy_kwh, 0.001299604861, 1e-9);
	assert_near(q_double(db, "SELECT energy_kwh FROM reported WHERE what = 'actual'"), 0.001299604861, 1e-12);
	ctk_ct_compare_release(&c);
	ctk_db_close(db);
}

/* monitor_epochs=-1 (issue 14): the log's "interrupted before all -1 epochs"
 * line is recognised and never refused; planned epochs come from the
 * prediction block (5), never -1, and are NULL without one. */
static void test_monitor_all(void **state)
{
	(void)state;
	sqlite3 *db = test_db("ctall.db");
	struct ctk_import_result res;
	struct ctk_error err;
	struct ctk_ct_compare c;

	assert_int_equal(test_import(db, "carbontracker", ROOT("tests/data/carbontracker-monitor-all"), &res, &err), 0);
	assert_int_equal(res.windows, 3);
	assert_int_equal(q_int(db, "SELECT planned_epochs FROM runs"), 5);
	assert_int_equal(q_int(db, "SELECT json_extract(config_json, '$.interrupted') FROM runs"), 0);
	assert_int_equal(q_int(db, "SELECT json_extract(config_json, '$.monitor_epochs') LIKE 'all (-1)%%' FROM runs"), 1);
	assert_int_equal(ctk_carbontracker_recompute(db, res.run_id, 1.58, &c, &err), 0);
	/* 58.2 x 250 + 61.4 x 262.5 + 59.9 x 240.75 = 45088.425 J; printed
	 * 0.019788808750 kWh for "2 epoch(s)" (stop() counts one less) */
	assert_near(c.energy_j, 45088.425, 1e-9);
	assert_near(c.energy_kwh, 0.019788808750, 1e-9);
	assert_true(c.causes & CTK_CT_EPOCH_LABEL);
	ctk_ct_compare_release(&c);

	/* no prediction block (epochs_before_pred=0) and no output log: unknown */
	mkdir("all", 0755);
	write_file("all/x_carbontracker.log",
		   "2025-02-10 14:00:00 - Monitoring thread started.\n"
		   "2025-02-10 14:01:00 - Epoch 1:\n"
		   "2025-02-10 14:01:00 - Duration: 0:00:58.20\n"
		   "2025-02-10 14:01:00 - Average power usage (W) for gpu: 250.0\n"
		   "2025-02-10 14:01:03 - Training was interrupted before all -1 epochs were monitored.\n"
		   "2025-02-10 14:01:03 - Monitoring thread ended.\n");
	assert_int_equal(test_import(db, "carbontracker", "all", &res, &err), 0);
	assert_int_equal(q_int(db, "SELECT planned_epochs IS NULL FROM runs WHERE run_id = %lld", (long long)res.run_id), 1);
	/* a count that is neither -1 nor >= 0 is still an error */
	write_file("all/x_carbontracker.log",
		   "2025-02-10 14:01:03 - Training was interrupted before all -2 epochs were monitored.\n");
	assert_int_equal(test_import(db, "carbontracker", "all", &res, &err), CTK_EINPUT);
	assert_one_line_at(&err, "line 1: field 'interrupted': not an epoch count ('-2')");
	ctk_db_close(db);
}

/* A repeated epoch number (issue 12 item 7): two sessions appended to one
 * log, numbering from 1 again, are kept as further attempts of epochs 1
 * and 2, never refused. Numbers: tests/data/carbontracker-resumed/README. */
static void test_resumed(void **state)
{
	(void)state;
	sqlite3 *db = test_db("ctres.db");
	struct ctk_import_result res;
	struct ctk_error err;
	struct ctk_ct_compare c;

	assert_int_equal(test_import(db, "carbontracker", ROOT("tests/data/carbontracker-resumed"), &res, &err), 0);
	assert_int_equal(res.windows, 5);
	assert_int_equal(res.devices, 1);
	/* 2 per window, and one without power between the sessions, at
	 * 12:00:49, halfway from 12:00:43 (session 1's end) to 12:00:55 */
	assert_int_equal(res.samples, 11);
	{
		struct ctk_sample_reader *rd = NULL;
		struct ctk_reading rr;
		const char *sig;
		int seen = 0;
		assert_int_equal(ctk_sample_reader_new(db, q_int(db, "SELECT device_id FROM devices"), &rd, &err), 0);
		while (ctk_sample_next(rd, &rr, &sig, &err) == 1)
			if (!rr.has_power) {
				seen++;
				assert_int_equal(rr.t_ns, INT64_C(1588334449000000000));
			}
		ctk_sample_reader_free(rd);
		assert_int_equal(seen, 1);
	}
	assert_non_null(strstr(test_warnings, "line 13: 2 epoch(s) repeat an earlier epoch number (2 monitoring session(s)"));
	assert_int_equal(q_int(db, "SELECT count(*) FROM runs"), 1);
	/* windows in time order: idx.attempt */
	{
		sqlite3_stmt *st = NULL;
		char got[128] = "";
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT group_concat(a, ',') FROM (SELECT idx || '.' || attempt AS a "
						    "FROM windows ORDER BY start_ns)", -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		snprintf(got, sizeof got, "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		assert_string_equal(got, "1.1,2.1,1.2,2.2,3.1");
	}
	/* epoch 1's second attempt: 12:00:55 .. 12:01:15 UTC (1588334455 s) */
	assert_int_equal(q_int(db, "SELECT start_ns FROM windows WHERE idx = 1 AND attempt = 2"), INT64_C(1588334455000000000));
	assert_int_equal(q_int(db, "SELECT end_ns FROM windows WHERE idx = 1 AND attempt = 2"), INT64_C(1588334475000000000));
	assert_int_equal(q_int(db, "SELECT json_extract(config_json, '$.sessions') FROM runs"), 2);
	assert_int_equal(q_int(db, "SELECT json_extract(config_json, '$.repeated_epochs') FROM runs"), 2);
	assert_int_equal(ctk_carbontracker_recompute(db, res.run_id, 1.0, &c, &err), 0);
	assert_int_equal(c.epochs, 5);
	assert_near(c.epoch[2].energy_j, 4960.0, 1e-9); /* 20 s x 248.0 W */
	assert_near(c.energy_j, 26033.75, 1e-9);
	ctk_ct_compare_release(&c);
	ctk_db_close(db);
}

/* carbontracker of May 2020 wrote "Duration:" once per component: the same
 * value again is taken once; a different one is an error naming the line. */
static void test_duration_per_component(void **state)
{
	(void)state;
	sqlite3 *db = test_db("ctdur.db");
	struct ctk_import_result res;
	struct ctk_error err;
	static const char head[] =
		"2020-05-12 10:00:00 - The following components were found: GPU with device(s) Tesla T4. CPU with device(s) cpu:0.\n"
		"2020-05-12 10:00:10 - Epoch 1:\n"
		"2020-05-12 10:00:10 - Duration: 0:00:10\n"
		"2020-05-12 10:00:10 - Average power usage (W) for gpu: [70.]\n";
	char body[1024];

	mkdir("dur", 0755);
	snprintf(body, sizeof body, "%s%s", head,
		 "2020-05-12 10:00:10 - Duration: 0:00:10\n"
		 "2020-05-12 10:00:10 - Average power usage (W) for cpu: [30.]\n");
	write_file("dur/d_carbontracker.log", body);
	assert_int_equal(test_import(db, "carbontracker", "dur", &res, &err), 0);
	assert_int_equal(res.windows, 1);
	assert_int_equal(q_int(db, "SELECT end_ns - start_ns FROM windows"), INT64_C(10000000000));
	{
		struct ctk_ct_compare c;
		assert_int_equal(ctk_carbontracker_recompute(db, res.run_id, 1.0, &c, &err), 0);
		assert_near(c.energy_j, 1000.0, 1e-9); /* (70 + 30) W x 10 s */
		ctk_ct_compare_release(&c);
	}
	snprintf(body, sizeof body, "%s%s", head,
		 "2020-05-12 10:00:10 - Duration: 0:00:11\n"
		 "2020-05-12 10:00:10 - Average power usage (W) for cpu: [30.]\n");
	write_file("dur/e_carbontracker.log", body);
	assert_int_equal(test_import(db, "carbontracker", "dur/e_carbontracker.log", &res, &err), CTK_EINPUT);
	assert_one_line_at(&err, "'dur/e_carbontracker.log' line 5: field 'Duration': second, different duration for epoch 1");
	ctk_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_1gpu_import),
		cmocka_unit_test(test_1gpu_compare),
		cmocka_unit_test(test_8gpu),
		cmocka_unit_test(test_v1_arrays),
		cmocka_unit_test(test_unpaired_truncated),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_cli_variant),
		cmocka_unit_test(test_stems),
		cmocka_unit_test(test_reimport),
		cmocka_unit_test(test_apple_silicon),
		cmocka_unit_test(test_monitor_all),
		cmocka_unit_test(test_resumed),
		cmocka_unit_test(test_duration_per_component),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
