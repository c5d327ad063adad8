/* The output helper of --epoch-regex (tee.h): a forked process that copies
 * the command's output through unchanged and reports epoch lines without
 * ever waiting for the collector (a full pipe drops markers; they are
 * counted and the count is sent when the command is done). Lines end
 * at '\n' or '\r' (progress bars), so "Epoch 3/90" is seen as soon as it is
 * printed; a line longer than the buffer is matched on its first part. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collector/markers.h"
#include "collector/tee.h"
#include "common/util.h"

int ctk_tee_compile(const char *re, regex_t *out, struct ctk_error *err)
{
	int rc = regcomp(out, re, REG_EXTENDED | REG_NEWLINE);

	if (rc) {
		char msg[256];
		regerror(rc, out, msg, sizeof msg);
		return ctk_failf(err, CTK_EUSAGE, "--epoch-regex '%s': %s", re, msg);
	}
	return 0;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* reader gone: drop, like a closed terminal */
		p += w;
		n -= (size_t)w;
	}
}

struct linebuf {
	char b[1024];
	size_t n;
	int overlong;  /* the current line was already matched on its first part */
};

/* The hand-off to the collector: mark_w is non-blocking, so a stopped or
 * slow collector never holds up the command's output. A marker that does
 * not fit in the pipe is dropped and counted (a line under PIPE_BUF is
 * written whole or not at all), and the count is sent at the end. */
struct handoff {
	int fd;
	int ok;          /* 0 once the collector is gone */
	int64_t dropped; /* markers the full pipe did not take */
};

static void match_line(const char *line, const regex_t *re, struct handoff *h)
{
	regmatch_t m[2];
	char out[64];
	int n;

	if (regexec(re, line, 2, m, 0))
		return;
	if (m[1].rm_so >= 0) {
		char num[32];
		int64_t v;
		snprintf(num, sizeof num, "%.*s", (int)(m[1].rm_eo - m[1].rm_so), line + m[1].rm_so);
		if (ctk_parse_int64(num, &v) == 0 && v >= 1 && v <= CTK_MARK_MAX_EPOCH)
			n = snprintf(out, sizeof out, "epoch-start %lld\n", (long long)v);
		else
			n = snprintf(out, sizeof out, "epoch-start\n");
	} else {
		n = snprintf(out, sizeof out, "epoch-start\n");
	}
	if (!h->ok)
		return;
	for (;;) {
		ssize_t w = write(h->fd, out, (size_t)n);
		if (w == n)
			return;
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			h->dropped++; /* the collector is behind: never wait for it */
		else
			h->ok = 0;    /* collector gone: keep passing output through */
		return;
	}
}

static void scan(struct linebuf *lb, const char *p, size_t n, const regex_t *re, struct handoff *h)
{
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (c == '\n' || c == '\r') {
			lb->b[lb->n] = '\0';
			if (!lb->overlong && lb->n)
				match_line(lb->b, re, h);
			lb->n = 0;
			lb->overlong = 0;
			continue;
		}
		if (lb->n + 1 < sizeof lb->b) {
			lb->b[lb->n++] = c;
		} else if (!lb->overlong) {
			lb->b[lb->n] = '\0';
			match_line(lb->b, re, h);
			lb->overlong = 1;
		}
	}
}

void ctk_tee_pump(int in_out, int in_err, int fd_out, int fd_err, int mark_w, const regex_t *re)
{
	struct linebuf lb[2];
	struct pollfd p[2] = {{in_out, POLLIN, 0}, {in_err, POLLIN, 0}};
	int dst[2] = {fd_out, fd_err}, open_n = 2;
	struct handoff h = {mark_w, 1, 0};
	char buf[8192];

	memset(lb, 0, sizeof lb);
	fcntl(mark_w, F_SETFL, fcntl(mark_w, F_GETFL) | O_NONBLOCK);
	while (open_n > 0) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int k = 0; k < 2; k++) {
			if (p[k].fd < 0 || !(p[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t n = read(p[k].fd, buf, sizeof buf);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				if (lb[k].n && !lb[k].overlong) {
					lb[k].b[lb[k].n] = '\0';
					match_line(lb[k].b, re, &h);
				}
				close(p[k].fd);
				p[k].fd = -1;
				open_n--;
				continue;
			}
			write_all(dst[k], buf, (size_t)n);
			scan(&lb[k], buf, (size_t)n, re, &h);
		}
	}
	if (h.dropped && h.ok) {
		/* the command is done: now the count may wait for the collector */
		char out[48];
		int len = snprintf(out, sizeof out, "dropped %lld\n", (long long)h.dropped);
		fcntl(mark_w, F_SETFL, fcntl(mark_w, F_GETFL) & ~O_NONBLOCK);
		write_all(mark_w, out, (size_t)len);
	}
}

int ctk_tee_start(struct ctk_tee *t, const regex_t *re, struct ctk_error *err)
{
	int po[2] = {-1, -1}, pe[2] = {-1, -1}, pm[2] = {-1, -1};

	memset(t, 0, sizeof(*t));
	t->pid = -1;
	t->out_w = t->err_w = t->mark_r = -1;
	if (pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC) || pipe2(pm, O_CLOEXEC))
		goto fail;
	t->pid = fork();
	if (t->pid < 0)
		goto fail;
	if (t->pid == 0) {
		/* the helper: outlive a killed collector, stop only at EOF */
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = SIG_IGN;
		sigaction(SIGPIPE, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		close(po[1]);
		close(pe[1]);
		close(pm[0]);
		ctk_tee_pump(po[0], pe[0], 1, 2, pm[1], re);
		_exit(0);
	}
	close(po[0]);
	close(pe[0]);
	close(pm[1]);
	t->out_w = po[1];
	t->err_w = pe[1];
	t->mark_r = pm[0];
	fcntl(t->mark_r, F_SETFL, O_NONBLOCK);
	return 0;
fail:;
	int e = errno;
	for (int i = 0; i < 2; i++) {
		if (po[i] >= 0) close(po[i]);
		if (pe[i] >= 0) close(pe[i]);
		if (pm[i] >= 0) close(pm[i]);
	}
	return ctk_failf(err, CTK_EDB, "--epoch-regex: cannot start the output helper: %s", strerror(e));
}

void ctk_tee_parent_close(struct ctk_tee *t)
{
	if (t->out_w >= 0)
		close(t->out_w);
	if (t->err_w >= 0)
		close(t->err_w);
	t->out_w = t->err_w = -1;
}

int ctk_tee_read(struct ctk_tee *t, void (*fn)(void *ctx, const char *line), void *ctx)
{
	for (;;) {
		ssize_t n = read(t->mark_r, t->buf + t->len, sizeof t->buf - 1 - (size_t)t->len);
		char *nl;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return 0;
		if (n == 0)
			return 1;
		t->len += (int)n;
		t->buf[t->len] = '\0';
		while ((nl = strchr(t->buf, '\n'))) {
			int64_t v;
			*nl = '\0';
			if (!strncmp(t->buf, "dropped ", 8) && ctk_parse_int64(t->buf + 8, &v) == 0)
				t->dropped += v; /* the helper's count, not a marker */
			else
				fn(ctx, t->buf);
			int rest = t->len - (int)(nl + 1 - t->buf);
			memmove(t->buf, nl + 1, (size_t)rest + 1);
			t->len = rest;
		}
		if (t->len == (int)sizeof t->buf - 1)
			t->len = 0;
	}
}

void ctk_tee_finish(struct ctk_tee *t)
{
	ctk_tee_parent_close(t);
	if (t->mark_r >= 0)
		close(t->mark_r);
	t->mark_r = -1;
	if (t->pid > 0)
		while (waitpid(t->pid, NULL, 0) < 0 && errno == EINTR)
			;
	t->pid = -1;
}
