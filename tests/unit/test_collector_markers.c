/* Unit tests of the collector's small parsers: GPU selection values
 * (--gpus, CUDA_VISIBLE_DEVICES, NVIDIA_VISIBLE_DEVICES), the marker
 * protocol and the windows it makes, the --epoch-regex output helper's
 * pass-through and epoch lines, and %h/%j in --db. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collector/collect.h"
#include "collector/gpusel.h"
#include "collector/markers.h"
#include "collector/tee.h"
#include "common/db.h"
#include "common/store.h"
#include "common/util.h"

static void gpusel_values(void **state)
{
	struct ctk_gpusel s;
	struct ctk_error err;

	(void)state;
	assert_int_equal(ctk_gpusel_parse("0, 2,3", "X", &s, &err), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.item[1].index, 2);
	assert_int_equal(ctk_gpusel_parse("all", "X", &s, &err), 0);
	assert_true(s.all);
	assert_int_equal(ctk_gpusel_parse("", "X", &s, &err), 0);
	assert_false(s.all);
	assert_int_equal(s.n, 0);
	assert_int_equal(ctk_gpusel_parse("-1", "X", &s, &err), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(ctk_gpusel_parse("NoDevFiles", "X", &s, &err), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(ctk_gpusel_parse("GPU-8a1b,1", "X", &s, &err), 0);
	assert_int_equal(s.item[0].index, -1);
	assert_string_equal(s.item[0].uuid, "GPU-8a1b");
	assert_int_equal(ctk_gpusel_parse("MIG-GPU-8a1b-22/1/0", "X", &s, &err), 0);
	assert_string_equal(s.item[0].uuid, "GPU-8a1b-22");
	assert_true(s.item[0].mig);
	assert_int_equal(ctk_gpusel_parse("MIG-3c2f7e5a-1b2c-5d6e-8f90-a1b2c3d4e5f6", "X", &s, &err), 0);
	assert_true(s.item[0].mig);
	/* never silently "all GPUs" */
	assert_int_equal(ctk_gpusel_parse("0,gpu1", "CUDA_VISIBLE_DEVICES", &s, &err), CTK_EINPUT);
	assert_string_equal(err.msg, "CUDA_VISIBLE_DEVICES='0,gpu1': 'gpu1' is not a GPU index, GPU-UUID or MIG-UUID");
	assert_int_equal(ctk_gpusel_parse("0,,1", "X", &s, &err), CTK_EINPUT);
	assert_int_equal(ctk_gpusel_parse("GPU-xyz", "X", &s, &err), CTK_EINPUT);
	assert_int_equal(ctk_gpusel_parse("MIG-GPU-8a1b/1", "X", &s, &err), CTK_EINPUT);

	/* precedence: --gpus, then CUDA_, then NVIDIA_ */
	setenv("CUDA_VISIBLE_DEVICES", "1", 1);
	setenv("NVIDIA_VISIBLE_DEVICES", "2", 1);
	assert_int_equal(ctk_gpusel_resolve("3", &s, &err), 0);
	assert_int_equal(s.item[0].index, 3);
	assert_int_equal(ctk_gpusel_resolve(NULL, &s, &err), 0);
	assert_int_equal(s.item[0].index, 1);
	unsetenv("CUDA_VISIBLE_DEVICES");
	assert_int_equal(ctk_gpusel_resolve(NULL, &s, &err), 0);
	assert_int_equal(s.item[0].index, 2);
	unsetenv("NVIDIA_VISIBLE_DEVICES");
	assert_int_equal(ctk_gpusel_resolve(NULL, &s, &err), 0);
	assert_true(s.all);
	assert_int_equal(ctk_gpusel_resolve("x", &s, &err), CTK_EUSAGE);
}

/* Issue 18: exactly one optional epoch number, 1 to 10^9; a refused marker
 * leaves the state as it was (the open epoch keeps its number). */
static void marker_epoch_numbers(void **state)
{
	struct ctk_marks m = {.run_id = 1};
	char r[300];

	(void)state;
	assert_int_equal(ctk_marks_apply(&m, "epoch-start 1 2 3", 10, r, sizeof r), CTK_EINPUT);
	assert_string_equal(r, "error: one epoch number at most, not '2'");
	assert_int_equal(m.epoch_open, 0);
	assert_int_equal(ctk_marks_apply(&m, "epoch-start 9223372036854775807", 10, r, sizeof r), CTK_EINPUT);
	assert_string_equal(r, "error: an epoch number is 1 to 1000000000, not '9223372036854775807'");
	assert_int_equal(ctk_marks_apply(&m, "epoch-start 0", 10, r, sizeof r), CTK_EINPUT);
	assert_int_equal(ctk_marks_apply(&m, "epoch-start -4", 10, r, sizeof r), CTK_EINPUT);
	assert_int_equal(ctk_marks_apply(&m, "epoch-start 1000000001", 10, r, sizeof r), CTK_EINPUT);
	assert_int_equal(m.epoch_open, 0);
	/* the bounds themselves are epochs */
	assert_int_equal(ctk_marks_apply(&m, "epoch-start 1000000000", 20, r, sizeof r), 0);
	assert_int_equal(m.epoch_idx, 1000000000);
	assert_int_equal(ctk_marks_apply(&m, "epoch-end 1000000000 5", 30, r, sizeof r), CTK_EINPUT);
	assert_int_equal(m.epoch_open, 1);
	assert_int_equal(ctk_marks_apply(&m, "epoch-start 1", 40, r, sizeof r), 0);
	assert_int_equal(m.epoch_idx, 1);
	assert_int_equal(m.ndone, 1);
	ctk_marks_release(&m);
}

/* The token bucket of the marker rate limits: full at first (rate tokens),
 * one token per 1/rate s after that, never more than rate. */
static void marker_rate_bucket(void **state)
{
	struct ctk_mark_bucket b = {0};
	int64_t t = 1000000000; /* 1 s, any non-zero start */
	int n = 0;

	(void)state;
	while (ctk_mark_bucket_take(&b, 100.0, t))
		n++;
	assert_int_equal(n, 100);                                  /* the burst: one second's worth */
	assert_int_equal(ctk_mark_bucket_take(&b, 100.0, t + 5000000), 0);  /* 5 ms: half a token */
	assert_int_equal(ctk_mark_bucket_take(&b, 100.0, t + 10000000), 1); /* 10 ms: one */
	assert_int_equal(ctk_mark_bucket_take(&b, 100.0, t + 10000000), 0);
	n = 0;
	while (ctk_mark_bucket_take(&b, 100.0, t + 60 * 1000000000LL))  /* a minute idle: still 100 */
		n++;
	assert_int_equal(n, 100);
	/* a bucket with its own burst (the collector's reads at markers: one per
	 * 20 ms sampling interval, 4 deep): 4 at once, then one per 20 ms */
	struct ctk_mark_bucket r = {.burst = 4};
	n = 0;
	while (ctk_mark_bucket_take(&r, 50.0, t))
		n++;
	assert_int_equal(n, 4);
	assert_int_equal(ctk_mark_bucket_take(&r, 50.0, t + 19000000), 0);  /* 19 ms: 0.95 token */
	assert_int_equal(ctk_mark_bucket_take(&r, 50.0, t + 20000000), 1);  /* 20 ms: one */
	n = 0;
	while (ctk_mark_bucket_take(&r, 50.0, t + 10 * 1000000000LL))       /* idle: still 4 */
		n++;
	assert_int_equal(n, 4);
}

static void marker_protocol(void **state)
{
	struct ctk_marks m = {.run_id = 7};
	char r[300];

	(void)state;
	assert_int_equal(ctk_marks_apply(&m, "epoch-start", 100, r, sizeof r), 0);
	assert_string_equal(r, "ok");
	assert_int_equal(ctk_marks_apply(&m, "epoch-end items=64", 200, r, sizeof r), 0);
	assert_int_equal(ctk_marks_apply(&m, "epoch-end", 250, r, sizeof r), CTK_EINPUT);
	assert_string_equal(r, "error: no epoch is open");
	/* numbering goes on from the last epoch; a new start closes the open one */
	assert_int_equal(ctk_marks_apply(&m, "epoch-start", 300, r, sizeof r), 0);
	assert_int_equal(ctk_marks_apply(&m, "epoch-start 10", 400, r, sizeof r), 0);
	assert_int_equal(ctk_marks_apply(&m, "begin eval", 450, r, sizeof r), 0);
	assert_int_equal(ctk_marks_apply(&m, "begin eval", 451, r, sizeof r), CTK_EINPUT);
	assert_int_equal(ctk_marks_apply(&m, "end eval items=3", 470, r, sizeof r), 0);
	assert_int_equal(ctk_marks_apply(&m, "end nope", 480, r, sizeof r), CTK_EINPUT);
	assert_int_equal(ctk_marks_apply(&m, "begin bad name", 480, r, sizeof r), CTK_EINPUT);
	assert_int_equal(ctk_marks_apply(&m, "begin", 480, r, sizeof r), CTK_EINPUT);
	assert_int_equal(ctk_marks_apply(&m, "epoch-end 9", 480, r, sizeof r), CTK_EINPUT);
	assert_int_equal(ctk_marks_apply(&m, "launch", 480, r, sizeof r), CTK_EINPUT);
	assert_int_equal(ctk_marks_apply(&m, "  ", 480, r, sizeof r), CTK_EINPUT);
	assert_string_equal(r, "error: empty request");
	assert_int_equal(ctk_marks_apply(&m, "end a b c d", 480, r, sizeof r), CTK_EINPUT);
	assert_string_equal(r, "error: too many words in 'end a b c d'");
	assert_int_equal(ctk_marks_apply(&m, "begin ckpt", 490, r, sizeof r), 0);
	assert_int_equal(ctk_marks_close_all(&m, 500), 2);
	assert_int_equal(m.ndone, 5);
	struct { const char *kind, *name; int64_t idx, a, b, items; } want[] = {
		{"epoch", NULL, 1, 100, 200, 64}, {"epoch", NULL, 2, 300, 400, -1},
		{"phase", "eval", -1, 450, 470, 3}, {"epoch", NULL, 10, 400, 500, -1},
		{"phase", "ckpt", -1, 490, 500, -1}};
	for (int i = 0; i < 5; i++) {
		const struct ctk_window *w = &m.done[i];
		assert_string_equal(w->kind, want[i].kind);
		if (want[i].name)
			assert_string_equal(w->name, want[i].name);
		else
			assert_null(w->name);
		assert_int_equal(w->has_idx, want[i].idx >= 0);
		if (want[i].idx >= 0)
			assert_int_equal(w->idx, want[i].idx);
		assert_int_equal(w->start_ns, want[i].a);
		assert_int_equal(w->end_ns, want[i].b);
		assert_int_equal(w->has_items, want[i].items >= 0);
		if (want[i].items >= 0)
			assert_int_equal(w->items, want[i].items);
		assert_int_equal(w->run_id, 7);
	}
	ctk_marks_release(&m);
}

static void marker_socket_roundtrip(void **state)
{
	struct ctk_mark_server srv;
	struct ctk_marks m = {.run_id = 1};
	struct ctk_error err;
	struct stat sb;
	pid_t pid;

	(void)state;
	assert_int_equal(ctk_mark_server_open(&srv, NULL, &err), 0);
	assert_int_equal(stat(srv.path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	pid = fork();
	if (pid == 0) {
		char reply[300];
		struct ctk_error e2;
		int a = ctk_mark_send(srv.path, "epoch-start 4", 2000, reply, sizeof reply, &e2);
		int b = ctk_mark_send(srv.path, "epoch-end 5", 2000, reply, sizeof reply, &e2);
		_exit(a == 0 && b == CTK_EINPUT && strstr(e2.msg, "another epoch") ? 0 : 1);
	}
	int st = -1;
	for (int i = 0; i < 400 && waitpid(pid, &st, WNOHANG) == 0; i++) {
		struct pollfd p[1 + CTK_MARK_MAX_CLIENTS];
		int n = ctk_mark_server_pollfds(&srv, p);
		poll(p, (nfds_t)n, 10);
		ctk_mark_server_serve(&srv, &m);
	}
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_true(m.epoch_open);
	assert_int_equal(m.epoch_idx, 4);
	char path[sizeof srv.path];
	snprintf(path, sizeof path, "%s", srv.path);
	ctk_mark_server_close(&srv);
	assert_int_not_equal(access(path, F_OK), 0); /* removed */
	char reply[300];
	assert_int_equal(ctk_mark_send(path, "epoch-end", 200, reply, sizeof reply, &err), CTK_EDEVICE);
	ctk_marks_release(&m);
}

/* SO_PEERCRED check with fake credentials, and what counts as text */
static void marker_peer_and_text(void **state)
{
	struct ucred me = {.pid = 42, .uid = 1000, .gid = 1000};
	struct ucred other = {.pid = 42, .uid = 65534, .gid = 65534};
	struct ucred root = {.pid = 42, .uid = 0, .gid = 0};
	struct ucred nopid = {.pid = 0, .uid = 1000, .gid = 1000};

	(void)state;
	assert_true(ctk_mark_peer_ok(&me, 1000));
	assert_false(ctk_mark_peer_ok(&other, 1000));
	assert_false(ctk_mark_peer_ok(&root, 1000)); /* not even root */
	assert_false(ctk_mark_peer_ok(&me, 0));
	assert_true(ctk_mark_peer_ok(&root, 0));
	assert_true(ctk_mark_peer_ok(&nopid, 1000)); /* another PID namespace: same user */
	assert_false(ctk_mark_peer_ok(NULL, 1000));

	assert_true(ctk_mark_line_ok("epoch-start 1", 13));
	assert_true(ctk_mark_line_ok("begin\tx\r", 8));
	assert_true(ctk_mark_line_ok("", 0));
	assert_false(ctk_mark_line_ok("epoch\0start", 11));
	assert_false(ctk_mark_line_ok("begin \x1b[2J", 10));
	assert_false(ctk_mark_line_ok("begin caf\xc3\xa9", 11));
	assert_false(ctk_mark_line_ok("a\rb", 3));
	assert_false(ctk_mark_line_ok("\x7f", 1));
}

/* The server against junk from a real client: each refusal is counted,
 * the connection closed, and a good marker after it still applied. */
static void marker_server_counts_junk(void **state)
{
	struct ctk_mark_server srv;
	struct ctk_marks m = {.run_id = 1};
	struct ctk_error err;
	pid_t pid;

	(void)state;
	assert_int_equal(ctk_mark_server_open(&srv, NULL, &err), 0);
	pid = fork();
	if (pid == 0) {
		static const char *const junk[] = {"epoch-start\0x\n", "\x01\x02\xff\n", "nope\n", NULL};
		static const size_t len[] = {14, 4, 5};
		char big[1000], reply[300];
		struct ctk_error e2;
		int bad = 0;
		for (int i = 0; junk[i]; i++) {
			int fd = socket(AF_UNIX, SOCK_STREAM, 0);
			struct sockaddr_un a = {.sun_family = AF_UNIX};
			snprintf(a.sun_path, sizeof a.sun_path, "%s", srv.path);
			if (connect(fd, (struct sockaddr *)&a, sizeof a) || send(fd, junk[i], len[i], MSG_NOSIGNAL) < 0)
				bad = 1;
			ssize_t r = recv(fd, reply, sizeof reply - 1, 0);
			if (r <= 0 || strncmp(reply, "error: ", 7))
				bad = 1;
			close(fd);
		}
		memset(big, 'x', sizeof big);
		big[sizeof big - 1] = '\0';
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		struct sockaddr_un a = {.sun_family = AF_UNIX};
		snprintf(a.sun_path, sizeof a.sun_path, "%s", srv.path);
		if (connect(fd, (struct sockaddr *)&a, sizeof a))
			bad = 1;
		if (send(fd, big, sizeof big - 1, MSG_NOSIGNAL) < 0) {
			/* closed while sending: fine */
		}
		ssize_t r = recv(fd, reply, sizeof reply - 1, 0);
		if (r <= 0 || strncmp(reply, "error: request too long", 23))
			bad = 1;
		close(fd);
		bad |= ctk_mark_send(srv.path, "epoch-start 2", 2000, reply, sizeof reply, &e2) != 0;
		_exit(bad);
	}
	int st = -1;
	for (int i = 0; i < 400 && waitpid(pid, &st, WNOHANG) == 0; i++) {
		struct pollfd p[1 + CTK_MARK_MAX_CLIENTS];
		int np = ctk_mark_server_pollfds(&srv, p);
		poll(p, (nfds_t)np, 10);
		ctk_mark_server_serve(&srv, &m);
	}
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_int_equal(srv.rejected, 4);
	assert_int_equal(srv.rejected_peer, 0);
	assert_true(m.epoch_open);
	assert_int_equal(m.epoch_idx, 2);
	ctk_mark_server_close(&srv);
	ctk_marks_release(&m);
}

/* Windows stored in a flush that is rolled back are kept for the next one */
static void marker_store_until_commit(void **state)
{
	struct ctk_marks m = {0};
	struct ctk_error err;
	struct ctk_run run = {.source = "collector"};
	sqlite3 *db = NULL;
	char reply[300];

	(void)state;
	assert_int_equal(ctk_db_open(":memory:", CTK_DB_CREATE, &db, &err), 0);
	assert_int_equal(ctk_run_insert(db, &run, &m.run_id, &err), 0);
	assert_int_equal(ctk_marks_apply(&m, "epoch-start", 100, reply, sizeof reply), 0);
	assert_int_equal(ctk_marks_apply(&m, "epoch-end items=3", 200, reply, sizeof reply), 0);
	assert_int_equal(ctk_db_begin(db, &err), 0);
	assert_int_equal(ctk_marks_store(&m, db, &err), 0);
	ctk_db_rollback(db); /* the commit failed */
	assert_int_equal(m.ndone, 1);
	assert_int_equal(ctk_db_count(db, "windows"), 0);
	assert_int_equal(ctk_db_begin(db, &err), 0);
	assert_int_equal(ctk_marks_store(&m, db, &err), 0);
	assert_int_equal(ctk_db_commit(db, &err), 0);
	ctk_marks_committed(&m);
	assert_int_equal(m.ndone, 0);
	assert_int_equal(m.stored, 1);
	assert_int_equal(ctk_db_count(db, "windows"), 1);
	ctk_marks_release(&m);
	ctk_db_close(db);
}

static void tee_passes_through(void **state)
{
	regex_t re;
	int in_o[2], in_e[2], out_o[2], out_e[2], mk[2];
	const char *text = "Using GPU\nEpoch 1/3\n 10/10 [====] loss: 0.3\rEpoch 2/3\r\nbatch\nEpoch 3/3";
	const char *etext = "warning: Epoch x\n";
	char got[1024], marks[256];
	ssize_t n;

	(void)state;
	assert_int_equal(ctk_tee_compile("^Epoch ([0-9]+)/", &re, NULL), 0);
	assert_int_equal(pipe(in_o) | pipe(in_e) | pipe(out_o) | pipe(out_e) | pipe(mk), 0);
	assert_int_equal(write(in_o[1], text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(write(in_e[1], etext, strlen(etext)), (ssize_t)strlen(etext));
	close(in_o[1]);
	close(in_e[1]);
	ctk_tee_pump(in_o[0], in_e[0], out_o[1], out_e[1], mk[1], &re);
	close(out_o[1]);
	close(out_e[1]);
	close(mk[1]);
	n = read(out_o[0], got, sizeof got - 1);
	got[n > 0 ? n : 0] = '\0';
	assert_string_equal(got, text); /* unchanged, byte for byte */
	n = read(out_e[0], got, sizeof got - 1);
	got[n > 0 ? n : 0] = '\0';
	assert_string_equal(got, etext);
	n = read(mk[0], marks, sizeof marks - 1);
	marks[n > 0 ? n : 0] = '\0';
	assert_string_equal(marks, "epoch-start 1\nepoch-start 2\nepoch-start 3\n");
	close(out_o[0]);
	close(out_e[0]);
	close(mk[0]);
	regfree(&re);
	struct ctk_error err;
	assert_int_equal(ctk_tee_compile("([", &re, &err), CTK_EUSAGE);
}

static void db_path_expansion(void **state)
{
	char out[256], host[256], want[300];
	struct ctk_error err;

	(void)state;
	ctk_hostname(host, sizeof host);
	setenv("SLURM_JOB_ID", "4242", 1);
	assert_int_equal(ctk_collect_db_path("run-%h-%j-100%%.db", out, sizeof out, &err), 0);
	snprintf(want, sizeof want, "run-%s-4242-100%%.db", host);
	assert_string_equal(out, want);
	unsetenv("SLURM_JOB_ID");
	assert_int_equal(ctk_collect_db_path("run-%j.db", out, sizeof out, &err), CTK_EUSAGE);
	assert_int_equal(ctk_collect_db_path("run-%x.db", out, sizeof out, &err), CTK_EUSAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gpusel_values),
		cmocka_unit_test(marker_protocol),
		cmocka_unit_test(marker_epoch_numbers),
		cmocka_unit_test(marker_rate_bucket),
		cmocka_unit_test(marker_socket_roundtrip),
		cmocka_unit_test(marker_peer_and_text),
		cmocka_unit_test(marker_server_counts_junk),
		cmocka_unit_test(marker_store_until_commit),
		cmocka_unit_test(tee_passes_through),
		cmocka_unit_test(db_path_expansion),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
