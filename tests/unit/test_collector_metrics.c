/* Tests of collector/metrics.c (`ctk collect --metrics-file`): label
 * escaping per the Prometheus text exposition format 0.0.4 (backslash,
 * double quote, newline), the whole text for a run written out by hand,
 * unknown values left out (never 0), the buffer bound on hostile labels, and
 * the atomic file replacement (no temp file left, bad directory refused). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collector/metrics.h"

static void escape_rules(void **state)
{
	char out[64];

	(void)state;
	/* a \ b " c newline d: each special byte becomes two */
	assert_int_equal(ctk_metrics_escape("a\\b\"c\nd", out, sizeof out), 10);
	assert_string_equal(out, "a\\\\b\\\"c\\nd");
	assert_int_equal(ctk_metrics_escape("plain-GPU-1", out, sizeof out), 11);
	assert_string_equal(out, "plain-GPU-1");
	/* too small: truncated, terminated, full length returned */
	assert_int_equal(ctk_metrics_escape("\"\"\"", out, 4), 6);
	assert_string_equal(out, "\\\"\\");
}

static const char want_text[] =
	"# HELP ctk_energy_joules_total Energy of the device since the run's first reading (ctk collect), joules.\n"
	"# TYPE ctk_energy_joules_total counter\n"
	"ctk_energy_joules_total{host=\"n\\\"1\\\\\\n\",device=\"0\",uuid=\"GPU-a\",kind=\"gpu\"} 1234.5\n"
	"ctk_energy_joules_total{host=\"n\\\"1\\\\\\n\",device=\"1\",uuid=\"\",kind=\"cpu\"} 0.25\n"
	"# HELP ctk_power_watts Latest power of the device (ctk collect), watts.\n"
	"# TYPE ctk_power_watts gauge\n"
	"ctk_power_watts{host=\"n\\\"1\\\\\\n\",device=\"0\",uuid=\"GPU-a\",kind=\"gpu\"} 250\n"
	"# HELP ctk_epoch Number of the epoch in progress (absent between epochs).\n"
	"# TYPE ctk_epoch gauge\n"
	"ctk_epoch{host=\"n\\\"1\\\\\\n\",run=\"7\"} 3\n"
	"# HELP ctk_epochs_completed_total Epochs completed so far in the run.\n"
	"# TYPE ctk_epochs_completed_total counter\n"
	"ctk_epochs_completed_total{host=\"n\\\"1\\\\\\n\",run=\"7\"} 2\n"
	"# HELP ctk_run_start_time_seconds Time of the run's first reading, Unix seconds.\n"
	"# TYPE ctk_run_start_time_seconds gauge\n"
	"ctk_run_start_time_seconds{host=\"n\\\"1\\\\\\n\",run=\"7\"} 1700000000.5\n"
	"# HELP ctk_collect_running 1 while ctk collect samples, 0 after the run ended.\n"
	"# TYPE ctk_collect_running gauge\n"
	"ctk_collect_running{host=\"n\\\"1\\\\\\n\",run=\"7\"} 1\n"
	"# HELP ctk_run_simulated 1 when the devices are a test fake (simulated), not real hardware.\n"
	"# TYPE ctk_run_simulated gauge\n"
	"ctk_run_simulated{host=\"n\\\"1\\\\\\n\",run=\"7\"} 1\n";

/* host n"1\<newline>; a GPU with power, a CPU counter without (left out);
 * a third device with no reading yet (no sample at all) */
static const struct ctk_metrics_dev devs[] = {
	{.kind = "gpu", .uuid = "GPU-a", .idx = 0, .energy_j = 1234.5, .has_energy = 1, .power_w = 250, .has_power = 1},
	{.kind = "cpu", .uuid = "", .idx = 1, .energy_j = 0.25, .has_energy = 1},
	{.kind = "gpu", .uuid = "GPU-b", .idx = 2},
};
static const struct ctk_metrics_run run = {.host = "n\"1\\\n", .run_id = 7, .started_ns = INT64_C(1700000000500000000),
					   .epoch = 3, .epoch_open = 1, .epochs_done = 2, .running = 1,
					   .simulated = 1};

static void whole_text(void **state)
{
	size_t size = ctk_metrics_bound(&run, devs, 3);
	char *buf = malloc(size);
	struct ctk_error e = {0};

	(void)state;
	assert_non_null(buf);
	assert_int_equal(ctk_metrics_format(buf, size, &run, devs, 3, &e), strlen(want_text));
	assert_string_equal(buf, want_text);
	/* no epoch open, no reading yet, the file at the end */
	struct ctk_metrics_run r2 = run;
	r2.epoch_open = 0;
	r2.started_ns = 0;
	r2.running = 0;
	assert_true(ctk_metrics_format(buf, size, &r2, devs, 3, &e) > 0);
	assert_null(strstr(buf, "ctk_epoch{"));
	assert_null(strstr(buf, "ctk_run_start_time_seconds{"));
	assert_non_null(strstr(buf, "ctk_collect_running{host=\"n\\\"1\\\\\\n\",run=\"7\"} 0\n"));
	assert_null(strstr(buf, "GPU-b"));
	/* one byte short of the text: refused, nothing half-written */
	assert_int_equal(ctk_metrics_format(buf, strlen(want_text), &run, devs, 3, &e), 0);
	assert_int_equal(e.code, CTK_EINPUT);
	assert_string_equal(buf, "");
	free(buf);
}

/* Labels of nothing but quotes and the longest numbers still fit the bound. */
static void bound_holds(void **state)
{
	char host[256], uuid[96];
	struct ctk_error e = {0};

	(void)state;
	memset(host, '"', sizeof host - 1);
	host[sizeof host - 1] = '\0';
	memset(uuid, '\\', sizeof uuid - 1);
	uuid[sizeof uuid - 1] = '\0';
	struct ctk_metrics_dev d[2] = {
		{.kind = "dram", .uuid = uuid, .idx = -2147483647 - 1, .energy_j = -1.2345678901234567e-300,
		 .has_energy = 1, .power_w = 1.7976931348623157e308, .has_power = 1},
		{.kind = "gpu", .uuid = uuid, .idx = 2147483647, .energy_j = 0.1, .has_energy = 1, .power_w = 1e-310,
		 .has_power = 1},
	};
	struct ctk_metrics_run r = {.host = host, .run_id = INT64_MIN, .started_ns = INT64_MAX, .epoch = INT64_MIN,
				    .epoch_open = 1, .epochs_done = INT64_MAX, .running = 1, .simulated = 1};
	size_t size = ctk_metrics_bound(&r, d, 2);
	char *buf = malloc(size);
	assert_non_null(buf);
	size_t n = ctk_metrics_format(buf, size, &r, d, 2, &e);
	assert_true(n > 0 && n < size);
	free(buf);
}

static void atomic_file(void **state)
{
	char dir[] = "/tmp/ctk-metrics-XXXXXX", path[256], text[4096];
	struct ctk_metrics m;
	struct ctk_error e = {0};
	struct dirent *de;
	int files = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/ctk.prom", dir);
	assert_int_equal(ctk_metrics_open(&m, path, &run, devs, 3, &e), 0);
	assert_int_equal(ctk_metrics_write(&m, &run, &e), 0);
	assert_int_equal(ctk_metrics_write(&m, &run, &e), 0); /* replaces the first */
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(text, 1, sizeof text - 1, f);
	text[n] = '\0';
	fclose(f);
	assert_string_equal(text, want_text);
	DIR *d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)))
		files += de->d_name[0] != '.' || strstr(de->d_name, ".tmp") != NULL;
	closedir(d);
	assert_int_equal(files, 1); /* ctk.prom only: no temp file left */
	ctk_metrics_release(&m);
	unlink(path);
	rmdir(dir);
	/* a directory that does not exist: a usage error before any run */
	assert_int_equal(ctk_metrics_open(&m, "/nonexistent-ctk-dir/x.prom", &run, devs, 3, &e), CTK_EUSAGE);
	assert_non_null(strstr(e.msg, "'/nonexistent-ctk-dir'"));
	assert_int_equal(ctk_metrics_open(&m, "dir/", &run, devs, 3, &e), CTK_EUSAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escape_rules),
		cmocka_unit_test(whole_text),
		cmocka_unit_test(bound_holds),
		cmocka_unit_test(atomic_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
