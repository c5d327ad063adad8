/* Inputs the fuzzers (fuzz/) once broke ctk with, replayed through the same
 * code under the suite's sanitizers: tests/data/fuzz/json/ (runs.config_json
 * of a carbontracker run read by ctk_carbontracker_recompute: a device count
 * of 1e300 was cast to int, UB) and tests/data/fuzz/intensity/ (every
 * intensity format: a time in year 9999 overflowed int64 nanoseconds, UB). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/energy/ct_compare.h"
#include "analyze/intensity/formats.h"
#include "common/db.h"
#include "common/store.h"
#include "common/time.h"

static void quiet(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)len + 1);
	if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[len] = '\0';
	fclose(f);
	return buf;
}

static void json_config_counts(void **state)
{
	char dir[4096];
	const char *root = getenv("CTK_ROOT");
	DIR *d;
	struct dirent *e;
	int seen = 0;

	(void)state;
	snprintf(dir, sizeof dir, "%s/tests/data/fuzz/json", root ? root : ".");
	assert_non_null(d = opendir(dir));
	while ((e = readdir(d))) {
		char path[4200];
		sqlite3 *db = NULL;
		struct ctk_error err;
		int64_t run_id, dev;
		struct ctk_ct_compare c;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		char *text = slurp(path);
		assert_non_null(text);
		assert_int_equal(ctk_db_open(":memory:", CTK_DB_CREATE, &db, &err), 0);
		struct ctk_run run = {.source = "import:carbontracker", .config_json = text};
		assert_int_equal(ctk_run_insert(db, &run, &run_id, &err), 0);
		struct ctk_device g = {.run_id = run_id, .kind = "gpu", .flags = "ct-v2-averaged", .has_idx = 1};
		struct ctk_device p = {.run_id = run_id, .kind = "cpu", .flags = "ct-v2-averaged", .has_idx = 1};
		assert_int_equal(ctk_device_insert(db, &g, &dev, &err), 0);
		assert_int_equal(ctk_device_insert(db, &p, &dev, &err), 0);
		assert_int_equal(ctk_carbontracker_recompute(db, run_id, 1.58, &c, &err), 0);
		/* an implausible count is no count: each device counts once */
		assert_int_equal(c.averaged_devices, 1);
		ctk_ct_compare_release(&c);
		ctk_db_close(db);
		free(text);
		seen++;
	}
	closedir(d);
	assert_true(seen >= 2);
}

/* times outside int64 nanoseconds are an error, not an overflow */
static void time_range(void **state)
{
	struct ctk_error err;
	int64_t t;

	(void)state;
	assert_int_equal(ctk_time_parse("9999-12-31T00:30Z", NULL, &t, &err), CTK_EINPUT);
	assert_non_null(strstr(err.msg, "out of range"));
	assert_int_equal(ctk_time_parse("0001-01-01T00:00Z", NULL, &t, &err), CTK_EINPUT);
	assert_int_equal(ctk_time_parse("2262-04-12T00:00Z", NULL, &t, &err), CTK_EINPUT);
	assert_int_equal(ctk_time_parse("2261-12-31T23:59:59.999999999Z", NULL, &t, &err), 0);
	assert_int_equal(ctk_time_parse("1678-01-01T00:00Z", NULL, &t, &err), 0);
	assert_true(t < 0);
}

/* every intensity format (and sniffing) on the saved inputs: an error or
 * a result, never UB (the suite runs under UBSan) */
static void intensity_inputs(void **state)
{
	char dir[4096];
	const char *root = getenv("CTK_ROOT");
	DIR *d;
	struct dirent *e;
	int seen = 0;
	struct ctk_tz tz;
	struct ctk_error err;

	(void)state;
	assert_int_equal(ctk_tz_parse("UTC", &tz, &err), 0);
	snprintf(dir, sizeof dir, "%s/tests/data/fuzz/intensity", root ? root : ".");
	assert_non_null(d = opendir(dir));
	while ((e = readdir(d))) {
		char path[4200];
		sqlite3 *db = NULL;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		assert_int_equal(ctk_db_open(":memory:", CTK_DB_CREATE, &db, &err), 0);
		for (int z = 0; z < 2; z++) {
			struct ctk_ci_opts o = {.tz = &tz, .warn = quiet, .zone = z ? "DE" : NULL};
			for (int i = -1; i < 0 || ctk_ci_formats[i]; i++) {
				int64_t points = 0;
				int series = 0;
				const struct ctk_ci_format *used = NULL;
				assert_int_equal(ctk_db_begin(db, &err), 0);
				ctk_ci_import_path(db, i < 0 ? NULL : ctk_ci_formats[i], path, &o, &used, &points, &series, &err);
				ctk_db_rollback(db);
			}
		}
		ctk_db_close(db);
		seen++;
	}
	closedir(d);
	assert_true(seen >= 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_config_counts),
		cmocka_unit_test(time_range),
		cmocka_unit_test(intensity_inputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
