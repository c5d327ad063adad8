/* The collector's "status" answer (collector/status.c) and its path through
 * the marker server (collector/markers.c): the JSON fields and their units,
 * null for what is not known yet (never 0), exact ns integers, the epoch
 * counter, and a server without a status hook refusing the request. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "collector/markers.h"
#include "collector/status.h"

static double num(const cJSON *o, const char *k)
{
	const cJSON *j = cJSON_GetObjectItem(o, k);
	assert_true(cJSON_IsNumber(j));
	return j->valuedouble;
}

static void status_json_fields(void **state)
{
	/* two devices: 1500 J and 2500 J (hand-made), the second not read yet
	 * in the second case below */
	struct ctk_status_dev dev[2] = {
		{.kind = "gpu", .name = "A100", .uuid = "GPU-1", .idx = 0, .device_id = 7, .energy_j = 1500.0,
		 .readings = 10, .last_ns = INT64_C(1796136197800833537)},
		{.kind = "cpu", .name = "package-0", .uuid = "", .idx = 0, .device_id = 8, .energy_j = 2500.0,
		 .readings = 9, .last_ns = INT64_C(1796136197800000001)},
	};
	struct ctk_status_view v = {.run_id = 3, .db_path = "r.db", .now_ns = INT64_C(1796136198000000000),
				    .started_ns = INT64_C(1796136188000000000), .dev = dev, .ndev = 2,
				    .epochs_done = 2, .epoch_open = 1, .epoch_current = 3, .planned_epochs = 10};
	char *s;
	cJSON *o, *d;

	(void)state;
	assert_non_null(s = ctk_status_json(&v));
	assert_null(strchr(s, '\n')); /* one line: the socket protocol is line based */
	/* ns written as exact integers, not rounded through a double */
	assert_non_null(strstr(s, "\"last_reading_ns\":1796136197800833537"));
	assert_non_null(strstr(s, "\"now_ns\":1796136198000000000"));
	assert_non_null(o = cJSON_Parse(s));
	assert_int_equal((int)num(o, "schema_version"), 1);
	assert_int_equal((int)num(o, "run_id"), 3);
	assert_float_equal(num(o, "energy_j"), 4000.0, 1e-9);          /* summed, not averaged */
	assert_float_equal(num(o, "energy_kwh"), 4000.0 / 3.6e6, 1e-15);
	assert_float_equal(num(o, "elapsed_s"), 10.0, 1e-9);
	d = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "devices"), 1);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(d, "kind")), "cpu");
	assert_int_equal((int)num(d, "device_id"), 8);
	assert_float_equal(num(d, "energy_j"), 2500.0, 1e-9);
	d = cJSON_GetObjectItem(o, "epochs");
	assert_int_equal((int)num(d, "completed"), 2);
	assert_int_equal((int)num(d, "current"), 3);
	assert_int_equal((int)num(d, "planned"), 10);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "prediction")));
	cJSON_Delete(o);
	free(s);

	/* nothing known yet: nulls, never 0 */
	dev[1].readings = 0;
	v.started_ns = 0;
	v.epoch_open = 0;
	v.planned_epochs = 0;
	v.has_prediction = 1;
	v.predictor = "recent";
	v.prediction_after_n = 2;
	v.prediction_planned = 10;
	v.prediction.energy_j = (struct ctk_estimate){.value = 9000, .lo = 8000, .hi = 10000, .valid = 1, .has_interval = 1};
	v.prediction.duration_s = (struct ctk_estimate){.value = 60, .valid = 1};
	assert_non_null(s = ctk_status_json(&v));
	assert_non_null(o = cJSON_Parse(s));
	d = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "devices"), 1);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(d, "energy_j")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(d, "last_reading_ns")));
	assert_float_equal(num(o, "energy_j"), 1500.0, 1e-9); /* only what was read */
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "started")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "elapsed_s")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "epochs"), "current")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "epochs"), "planned")));
	d = cJSON_GetObjectItem(o, "prediction");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(d, "predictor")), "recent");
	assert_float_equal(num(cJSON_GetObjectItem(d, "energy_j"), "hi"), 10000.0, 1e-9);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(d, "duration_s"), "lo")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(d, "co2_g")));
	cJSON_Delete(o);
	free(s);
}

static char *fake_status(void *ctx)
{
	struct ctk_marks *m = ctx;
	char buf[64];
	snprintf(buf, sizeof buf, "{\"epochs\":%lld}", (long long)m->epochs_closed);
	return strdup(buf);
}

/* ask "status" from a child while the server runs here; returns the child's verdict */
static int serve_child(struct ctk_mark_server *srv, struct ctk_marks *m, const char *want)
{
	pid_t pid = fork();
	int st = -1;

	if (pid == 0) {
		char reply[256];
		struct ctk_error e = {0};
		int rc = ctk_mark_send(srv->path, "status", 2000, reply, sizeof reply, &e);
		_exit(want ? (rc == 0 && !strcmp(reply, want) ? 0 : 1) : (rc == CTK_EINPUT ? 0 : 1));
	}
	for (int i = 0; i < 400 && waitpid(pid, &st, WNOHANG) == 0; i++) {
		struct pollfd p[1 + CTK_MARK_MAX_CLIENTS];
		int n = ctk_mark_server_pollfds(srv, p);
		poll(p, (nfds_t)n, 10);
		ctk_mark_server_serve(srv, m);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void status_over_the_socket(void **state)
{
	struct ctk_mark_server srv;
	struct ctk_marks m = {.run_id = 1};
	struct ctk_error err;
	char r[300];

	(void)state;
	/* epochs_closed counts closed epoch windows, not phases */
	assert_int_equal(ctk_marks_apply(&m, "epoch-start", 100, r, sizeof r), 0);
	assert_int_equal(ctk_marks_apply(&m, "epoch-start", 200, r, sizeof r), 0); /* closes epoch 1 */
	assert_int_equal(ctk_marks_apply(&m, "epoch-end", 300, r, sizeof r), 0);
	assert_int_equal(ctk_marks_apply(&m, "begin eval", 310, r, sizeof r), 0);
	assert_int_equal(ctk_marks_apply(&m, "end eval", 320, r, sizeof r), 0);
	assert_int_equal(m.epochs_closed, 2);
	/* "status" is not a marker */
	assert_int_equal(ctk_marks_apply(&m, "status", 330, r, sizeof r), CTK_EINPUT);

	assert_int_equal(ctk_mark_server_open(&srv, NULL, &err), 0);
	/* no hook: refused with an error line, the server goes on */
	assert_int_equal(serve_child(&srv, &m, NULL), 0);
	m.on_status = fake_status;
	m.on_status_ctx = &m;
	assert_int_equal(serve_child(&srv, &m, "{\"epochs\":2}"), 0);
	assert_int_equal(srv.rejected, 0);
	ctk_mark_server_close(&srv);
	ctk_marks_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(status_json_fields),
		cmocka_unit_test(status_over_the_socket),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
