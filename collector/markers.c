/* Epoch and phase markers (markers.h): request parsing, the windows they
 * make, the non-blocking Unix socket server the sampling loop polls, and
 * the blocking client used by `ctk mark`. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "collector/markers.h"
#include "common/time.h"
#include "common/util.h"

static int push_window(struct ctk_marks *m, const char *kind, const char *name, int64_t idx,
		       int has_idx, int64_t start_ns, int64_t end_ns, int64_t items, int has_items)
{
	if (m->ndone == m->capdone) {
		int cap = m->capdone ? m->capdone * 2 : 16;
		struct ctk_window *w = realloc(m->done, (size_t)cap * sizeof(*w));
		if (!w)
			return CTK_ENOMEM;
		m->done = w;
		m->capdone = cap;
	}
	struct ctk_window *w = &m->done[m->ndone];
	memset(w, 0, sizeof(*w));
	w->run_id = m->run_id;
	w->kind = kind;
	w->name = name ? strdup(name) : NULL;
	if (name && !w->name)
		return CTK_ENOMEM;
	w->idx = idx;
	w->has_idx = has_idx;
	w->start_ns = start_ns;
	w->end_ns = end_ns < start_ns ? start_ns : end_ns;
	w->items = items;
	w->has_items = has_items;
	m->ndone++;
	if (!strcmp(kind, "epoch"))
		m->epochs_closed++;
	return 0;
}

static void epoch_event(struct ctk_marks *m, int start, int64_t t_ns)
{
	if (m->on_epoch)
		m->on_epoch(m->on_epoch_ctx, start, m->epoch_idx, start ? m->epoch_start_ns : t_ns);
}

static int valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '-' || *s == '.' || *s == ':' || *s == '/'))
			return 0;
	return 1;
}

static int reply_err(char *reply, size_t size, const char *msg, const char *arg)
{
	snprintf(reply, size, "error: %s%s%s%s", msg, arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
	return CTK_EINPUT;
}

int ctk_marks_apply(struct ctk_marks *m, const char *line, int64_t t_ns, char *reply, size_t size)
{
	char buf[256], *tok[4] = {NULL, NULL, NULL, NULL}, *p;
	int ntok = 0, more = 0;
	int64_t items = 0, num = 0;
	int has_items = 0, has_num = 0;
	const char *name = NULL;

	snprintf(buf, sizeof buf, "%s", line);
	buf[strcspn(buf, "\r\n")] = '\0';
	/* split on blanks into at most 4 words */
	for (p = buf; *p;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		if (ntok == 4) {
			more = 1;
			break;
		}
		tok[ntok++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	if (ntok == 0)
		return reply_err(reply, size, "empty request", NULL);
	if (more)
		return reply_err(reply, size, "too many words in", line);
	for (int i = 1; i < ntok; i++) {
		if (!strncmp(tok[i], "items=", 6)) {
			if (ctk_parse_int64(tok[i] + 6, &items) || items < 0)
				return reply_err(reply, size, "not an item count:", tok[i]);
			has_items = 1;
		} else if (ctk_parse_int64(tok[i], &num) == 0) {
			if (has_num)
				return reply_err(reply, size, "one epoch number at most, not", tok[i]);
			if (num < 1 || num > CTK_MARK_MAX_EPOCH)
				return reply_err(reply, size, "an epoch number is 1 to 1000000000, not", tok[i]);
			has_num = 1;
		} else if (!name) {
			name = tok[i];
		} else {
			return reply_err(reply, size, "unexpected word", tok[i]);
		}
	}
	if (!strcmp(tok[0], "epoch-start")) {
		if (name || has_items)
			return reply_err(reply, size, "usage: epoch-start [N]", NULL);
		if (m->epoch_open && push_window(m, "epoch", NULL, m->epoch_idx, 1, m->epoch_start_ns, t_ns, 0, 0))
			return reply_err(reply, size, "out of memory", NULL);
		if (m->epoch_open)
			epoch_event(m, 0, t_ns);
		m->epoch_idx = has_num ? num : m->next_epoch > 0 ? m->next_epoch : 1;
		m->next_epoch = m->epoch_idx + 1;
		m->epoch_start_ns = t_ns;
		m->epoch_open = 1;
		epoch_event(m, 1, t_ns);
	} else if (!strcmp(tok[0], "epoch-end")) {
		if (name)
			return reply_err(reply, size, "usage: epoch-end [N] [items=N]", NULL);
		if (!m->epoch_open)
			return reply_err(reply, size, "no epoch is open", NULL);
		if (has_num && num != m->epoch_idx) {
			char want[48];
			snprintf(want, sizeof want, "%lld", (long long)m->epoch_idx);
			return reply_err(reply, size, "epoch-end names another epoch than the open one:", want);
		}
		if (push_window(m, "epoch", NULL, m->epoch_idx, 1, m->epoch_start_ns, t_ns, items, has_items))
			return reply_err(reply, size, "out of memory", NULL);
		m->epoch_open = 0;
		epoch_event(m, 0, t_ns);
	} else if (!strcmp(tok[0], "begin") || !strcmp(tok[0], "end")) {
		int begin = tok[0][0] == 'b', k;
		if (!name || has_num || (begin && has_items))
			return reply_err(reply, size, begin ? "usage: begin NAME" : "usage: end NAME [items=N]", NULL);
		if (!valid_name(name))
			return reply_err(reply, size, "a phase name is 1-63 of [A-Za-z0-9_.:/-], not", name);
		for (k = 0; k < m->nphase && strcmp(m->phase[k].name, name); k++)
			;
		if (begin) {
			if (k < m->nphase)
				return reply_err(reply, size, "phase already open:", name);
			if (m->nphase == CTK_MARK_MAX_PHASES)
				return reply_err(reply, size, "too many open phases", NULL);
			snprintf(m->phase[m->nphase].name, sizeof m->phase[0].name, "%s", name);
			m->phase[m->nphase++].start_ns = t_ns;
		} else {
			if (k == m->nphase)
				return reply_err(reply, size, "no open phase", name);
			if (push_window(m, "phase", name, 0, 0, m->phase[k].start_ns, t_ns, items, has_items))
				return reply_err(reply, size, "out of memory", NULL);
			m->phase[k] = m->phase[--m->nphase];
		}
	} else {
		return reply_err(reply, size, "unknown marker (epoch-start, epoch-end, begin, end):", tok[0]);
	}
	m->applied++;
	snprintf(reply, size, "ok");
	return 0;
}

int ctk_marks_close_all(struct ctk_marks *m, int64_t t_ns)
{
	int n = 0;

	if (m->epoch_open && push_window(m, "epoch", NULL, m->epoch_idx, 1, m->epoch_start_ns, t_ns, 0, 0) == 0)
		n++;
	if (m->epoch_open)
		epoch_event(m, 0, t_ns);
	m->epoch_open = 0;
	for (int k = 0; k < m->nphase; k++)
		if (push_window(m, "phase", m->phase[k].name, 0, 0, m->phase[k].start_ns, t_ns, 0, 0) == 0)
			n++;
	m->nphase = 0;
	return n;
}

int ctk_marks_store(struct ctk_marks *m, sqlite3 *db, struct ctk_error *err)
{
	for (int i = 0; i < m->ndone; i++) {
		int rc = ctk_window_insert_cached(db, &m->ins, &m->done[i], err);
		if (rc)
			return rc;
	}
	return 0;
}

void ctk_marks_committed(struct ctk_marks *m)
{
	for (int i = 0; i < m->ndone; i++)
		free((char *)m->done[i].name);
	m->stored += m->ndone;
	m->ndone = 0;
}

void ctk_marks_release(struct ctk_marks *m)
{
	for (int i = 0; i < m->ndone; i++)
		free((char *)m->done[i].name);
	free(m->done);
	m->done = NULL;
	sqlite3_finalize(m->ins);
	m->ins = NULL;
	m->ndone = m->capdone = 0;
}

/* ---- server ------------------------------------------------------------ */

/* Is the socket at a a leftover nobody listens on (connection refused)? */
static int stale_socket(const struct sockaddr_un *a)
{
	struct stat sb;
	int fd, stale;

	if (lstat(a->sun_path, &sb) || !S_ISSOCK(sb.st_mode))
		return 0;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	stale = connect(fd, (const struct sockaddr *)a, sizeof(*a)) < 0 && errno == ECONNREFUSED;
	close(fd);
	return stale;
}

/* Is dir a directory of ours that nobody else may write to (no group or
 * other write bit), so nobody can take a name in it before us? With
 * strict, also nobody else may enter it (mode 0700 or less: the runtime
 * directory's rule in the XDG Base Directory spec). 0 or CTK_EUSAGE. */
static int private_dir(const char *dir, int strict, struct ctk_error *err)
{
	struct stat sb;

	if (lstat(dir, &sb))
		return ctk_failf(err, CTK_EUSAGE, "marker socket: directory '%s': %s", dir, strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return ctk_failf(err, CTK_EUSAGE, "marker socket: '%s' is not a directory", dir);
	if (sb.st_uid != geteuid())
		return ctk_failf(err, CTK_EUSAGE, "marker socket: directory '%s' belongs to another user (uid %u): "
				 "use a directory of your own", dir, (unsigned)sb.st_uid);
	if (sb.st_mode & (strict ? 077 : 022))
		return ctk_failf(err, CTK_EUSAGE, "marker socket: directory '%s' is shared (mode %03o): another user "
				 "could take the name first; use a private directory (e.g. $XDG_RUNTIME_DIR) or no --socket",
				 dir, (unsigned)(sb.st_mode & 07777));
	return 0;
}

/* Remove the directories (base/ctk-XXXXXX/socket) of our collectors that
 * died without cleaning up: ours, with a socket nobody listens on. */
static void remove_stale_dirs(const char *base)
{
	DIR *d = opendir(base);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		struct sockaddr_un a;
		char dir[160];
		struct stat sb;

		if (strncmp(e->d_name, "ctk-", 4) || strlen(e->d_name) != 10)
			continue;
		snprintf(dir, sizeof dir, "%s/%s", base, e->d_name);
		if (lstat(dir, &sb) || !S_ISDIR(sb.st_mode) || sb.st_uid != geteuid())
			continue;
		memset(&a, 0, sizeof a);
		a.sun_family = AF_UNIX;
		if (snprintf(a.sun_path, sizeof a.sun_path, "%s/socket", dir) >= (int)sizeof a.sun_path)
			continue;
		/* a socket younger than 10 s may be a collector between bind and listen */
		if (lstat(a.sun_path, &sb) || sb.st_uid != geteuid() || time(NULL) - sb.st_mtime < 10 ||
		    !stale_socket(&a))
			continue;
		unlink(a.sun_path);
		rmdir(dir);
	}
	closedir(d);
}

int ctk_mark_server_open(struct ctk_mark_server *s, const char *path, struct ctk_error *err)
{
	struct sockaddr_un a;
	mode_t old;
	int rc;

	memset(s, 0, sizeof(*s));
	s->lfd = -1;
	if (path) {
		char dir[128];
		const char *slash = strrchr(path, '/');
		struct stat sb;
		snprintf(s->path, sizeof s->path, "%s", path);
		if (!slash)
			snprintf(dir, sizeof dir, ".");
		else
			snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
		if ((rc = private_dir(dir, 0, err)))
			return rc;
		if (lstat(path, &sb) == 0 && (!S_ISSOCK(sb.st_mode) || sb.st_uid != geteuid()))
			return ctk_failf(err, CTK_EUSAGE, "marker socket '%s': exists and is not a socket of yours", path);
	} else {
		char rt[64];
		const char *base = getenv("XDG_RUNTIME_DIR");
		if (!base || !*base || strlen(base) > 60 || private_dir(base, 1, NULL)) {
			snprintf(rt, sizeof rt, "/run/user/%u", (unsigned)geteuid());
			base = private_dir(rt, 1, NULL) == 0 && access(rt, W_OK) == 0 ? rt : "/tmp";
			const char *tmp = getenv("TMPDIR");
			if (base != rt && tmp && *tmp && strlen(tmp) <= 60)
				base = tmp;
		}
		remove_stale_dirs(base);
		snprintf(s->dir, sizeof s->dir, "%s/ctk-XXXXXX", base);
		if (!mkdtemp(s->dir)) {
			int e = errno;
			s->dir[0] = '\0';
			return ctk_failf(err, CTK_EDB, "marker socket: cannot make a directory in '%s': %s", base, strerror(e));
		}
		/* mkdtemp made it 0700 and ours; checked anyway before use */
		if ((rc = private_dir(s->dir, 1, err))) {
			s->dir[0] = '\0';
			return rc;
		}
		snprintf(s->path, sizeof s->path, "%s/socket", s->dir);
	}
	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	if (strlen(s->path) >= sizeof a.sun_path)
		return ctk_failf(err, CTK_EUSAGE, "marker socket path '%s' is too long", s->path);
	memcpy(a.sun_path, s->path, strlen(s->path) + 1);
	s->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->lfd < 0)
		return ctk_failf(err, CTK_EDB, "marker socket: %s", strerror(errno));
	old = umask(0177);
	rc = bind(s->lfd, (struct sockaddr *)&a, sizeof a);
	if (rc && errno == EADDRINUSE && path && stale_socket(&a)) {
		unlink(s->path); /* left by a collector that was killed */
		rc = bind(s->lfd, (struct sockaddr *)&a, sizeof a);
	}
	umask(old);
	if (rc || chmod(s->path, 0600) || listen(s->lfd, 16)) {
		int e = errno;
		close(s->lfd);
		s->lfd = -1;
		return ctk_failf(err, CTK_EDB, "marker socket '%s': %s", s->path, strerror(e));
	}
	return 0;
}

static int64_t mono_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * CTK_NS_PER_S + ts.tv_nsec;
}

int64_t ctk_mark_server_rest_until(const struct ctk_mark_server *s)
{
	return s->lfd >= 0 && s->rest_until > mono_now_ns() ? s->rest_until : 0;
}

int ctk_mark_server_pollfds(const struct ctk_mark_server *s, struct pollfd *p)
{
	int n = 0;

	if (s->lfd < 0 || ctk_mark_server_rest_until(s))
		return 0;
	p[n].fd = s->lfd;
	p[n++].events = POLLIN;
	for (int i = 0; i < s->nc; i++) {
		p[n].fd = s->c[i].fd;
		p[n++].events = POLLIN;
	}
	return n;
}

static void drop_client(struct ctk_mark_server *s, int i)
{
	close(s->c[i].fd);
	s->c[i] = s->c[--s->nc];
}

/* Answer without blocking: a client that does not read its answer loses it. */
static void answer(int fd, const char *reply)
{
	char out[300];
	int n = snprintf(out, sizeof out, "%s\n", reply);

	if (send(fd, out, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		/* nothing to do: the marker is applied either way */
	}
}

/* Is this request line "status" (blanks and a final CR allowed)? */
static int is_status(const char *line)
{
	size_t n;

	line += strspn(line, " \t");
	n = strcspn(line, " \t\r");
	return n == 6 && !strncmp(line, "status", 6) && line[n + strspn(line + n, " \t\r")] == '\0';
}

/* Answer a "status" request with the hook's JSON line. The answer may be a
 * few kB (one object per device): sent without blocking like the others,
 * so a client that does not read loses it (a Unix socket buffers far more). */
static void answer_status(int fd, struct ctk_marks *m)
{
	char *json = m->on_status ? m->on_status(m->on_status_ctx) : NULL;
	size_t n, off = 0;

	if (!json) {
		answer(fd, m->on_status ? "error: out of memory" : "error: status is not available");
		return;
	}
	n = strlen(json);
	json[n] = '\n'; /* the hook's string is NUL-terminated: send its bytes plus a newline */
	while (off < n + 1) {
		ssize_t w = send(fd, json + off, n + 1 - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	free(json);
}

int ctk_mark_peer_ok(const struct ucred *peer, uid_t self)
{
	/* the uid only: a peer in another PID namespace has pid 0 */
	return peer && peer->uid == self;
}

int ctk_mark_line_ok(const char *line, size_t len)
{
	if (len && line[len - 1] == '\r')
		len--;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)line[i];
		if ((ch < 0x20 && ch != '\t') || ch >= 0x7f)
			return 0;
	}
	return 1;
}

static void reject(struct ctk_mark_server *s, int i, const char *why)
{
	answer(s->c[i].fd, why);
	s->rejected++;
	drop_client(s, i);
}

/* A new connection: same uid only, and a free slot (one idle for 1 s or
 * more is given up to make room). Returns 1 when it was kept. */
static int admit(struct ctk_mark_server *s, int fd, int64_t now)
{
	struct ucred cr;
	socklen_t len = sizeof cr;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) || len != sizeof cr ||
	    !ctk_mark_peer_ok(&cr, geteuid())) {
		answer(fd, "error: permission denied (another user)");
		close(fd);
		s->rejected++;
		s->rejected_peer++;
		return 0;
	}
	if (s->nc == CTK_MARK_MAX_CLIENTS) {
		int old = 0;
		for (int i = 1; i < s->nc; i++)
			if (s->c[i].seen_ns < s->c[old].seen_ns)
				old = i;
		if (now - s->c[old].seen_ns < CTK_NS_PER_S) {
			answer(fd, "error: too many clients");
			close(fd);
			s->rejected++;
			return 0;
		}
		reject(s, old, "error: idle for too long");
	}
	s->c[s->nc].fd = fd;
	s->c[s->nc].seen_ns = now;
	memset(&s->c[s->nc].rate, 0, sizeof s->c[s->nc].rate); /* a full bucket on first use */
	s->c[s->nc].told = 0;
	s->c[s->nc++].len = 0;
	return 1;
}

int ctk_mark_bucket_take(struct ctk_mark_bucket *b, double rate, int64_t now_ns)
{
	double burst = b->burst > 0 ? b->burst : rate;

	if (b->last_ns == 0) {
		b->tokens = burst; /* a full bucket to start */
	} else if (now_ns > b->last_ns) {
		b->tokens += rate * (double)(now_ns - b->last_ns) / 1e9;
		if (b->tokens > burst)
			b->tokens = burst;
	}
	b->last_ns = now_ns;
	if (b->tokens < 1)
		return 0;
	b->tokens -= 1;
	return 1;
}

/* The answer to a request over a rate limit (limits from markers.h). */
#define RATE_STR2(x) #x
#define RATE_STR(x) RATE_STR2(x)
static const char rate_msg[] = "error: too many markers (rate limit " RATE_STR(CTK_MARK_RATE_CLIENT_N)
			       "/s per client, " RATE_STR(CTK_MARK_RATE_ALL_N) "/s in all): not applied";

void ctk_mark_server_serve(struct ctk_mark_server *s, struct ctk_marks *m)
{
	char reply[300];
	int64_t now = ctk_now_ns();
	int work = 0;

	if (s->lfd < 0)
		return;
	for (int i = 0; i < s->nc && work < CTK_MARK_SERVE_MAX; i++) {
		ssize_t got = recv(s->c[i].fd, s->c[i].buf + s->c[i].len, sizeof s->c[i].buf - 1 - (size_t)s->c[i].len, 0);
		char *nl;
		if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			continue;
		if (got <= 0) {
			drop_client(s, i--);
			continue;
		}
		s->c[i].seen_ns = now = ctk_now_ns();
		s->c[i].len += (int)got;
		s->c[i].buf[s->c[i].len] = '\0';
		int bad = 0;
		/* memchr, not strchr: a NUL byte must not hide the newline */
		while ((nl = memchr(s->c[i].buf, '\n', (size_t)s->c[i].len))) {
			size_t ll = (size_t)(nl - s->c[i].buf);
			if (!ctk_mark_line_ok(s->c[i].buf, ll)) {
				bad = 1;
				break;
			}
			*nl = '\0';
			work++;
			/* a request needs a token of its client and one of all clients */
			if (!ctk_mark_bucket_take(&s->c[i].rate, CTK_MARK_RATE_CLIENT, now) ||
			    !ctk_mark_bucket_take(&s->rate, CTK_MARK_RATE_ALL, now)) {
				s->rejected++;
				s->rate_limited++;
				if (!s->c[i].told)
					answer(s->c[i].fd, rate_msg);
				s->c[i].told = 1;
			} else if (is_status(s->c[i].buf)) {
				answer_status(s->c[i].fd, m);
				s->c[i].told = 0;
			} else {
				if (ctk_marks_apply(m, s->c[i].buf, now, reply, sizeof reply))
					s->rejected++;
				s->c[i].told = 0;
				answer(s->c[i].fd, reply);
			}
			int rest = s->c[i].len - (int)(ll + 1);
			memmove(s->c[i].buf, nl + 1, (size_t)rest + 1);
			s->c[i].len = rest;
		}
		if (bad || !ctk_mark_line_ok(s->c[i].buf, (size_t)s->c[i].len))
			reject(s, i--, "error: not a text request");
		else if (s->c[i].len == (int)sizeof s->c[i].buf - 1)
			reject(s, i--, "error: request too long");
	}
	/* new clients after the reads, which freed the slots of those gone;
	 * within the call's budget: a connection flood cannot spin us */
	for (; work < CTK_MARK_SERVE_MAX; work++) {
		int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			break;
		admit(s, fd, now);
	}
	if (work > 0) /* busy: batch what comes next */
		s->rest_until = mono_now_ns() + CTK_MARK_REST_NS;
}

void ctk_mark_server_close(struct ctk_mark_server *s)
{
	for (int i = 0; i < s->nc; i++)
		close(s->c[i].fd);
	s->nc = 0;
	if (s->lfd >= 0) {
		close(s->lfd);
		unlink(s->path);
	}
	s->lfd = -1;
	if (s->dir[0])
		rmdir(s->dir);
	s->dir[0] = '\0';
}

/* ---- client ------------------------------------------------------------ */

int ctk_mark_send(const char *path, const char *line, int timeout_ms, char *reply, size_t size,
		  struct ctk_error *err)
{
	struct sockaddr_un a;
	struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
	char msg[300];
	size_t got = 0;
	int fd, n;

	reply[0] = '\0';
	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof a.sun_path)
		return ctk_failf(err, CTK_EUSAGE, "CTK_SOCKET '%s': path too long", path);
	memcpy(a.sun_path, path, strlen(path) + 1);
	n = snprintf(msg, sizeof msg, "%s\n", line);
	if (n >= (int)sizeof msg)
		return ctk_failf(err, CTK_EUSAGE, "marker too long");
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ctk_failf(err, CTK_EDEVICE, "socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&a, sizeof a)) {
		int e = errno;
		close(fd);
		return ctk_failf(err, CTK_EDEVICE, "no collector at CTK_SOCKET '%s': %s", path, strerror(e));
	}
	/* before a byte is sent: the listener must run as our own user */
	struct ucred cr;
	socklen_t crlen = sizeof cr;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) || crlen != sizeof cr ||
	    !ctk_mark_peer_ok(&cr, geteuid())) {
		close(fd);
		return ctk_failf(err, CTK_EDEVICE, "CTK_SOCKET '%s': the listener runs as another user (uid %u), "
				 "not your collector: marker not sent", path, crlen == sizeof cr ? (unsigned)cr.uid : 0u);
	}
	if (send(fd, msg, (size_t)n, MSG_NOSIGNAL) != n) {
		int e = errno;
		close(fd);
		return ctk_failf(err, CTK_EDEVICE, "no collector at CTK_SOCKET '%s': %s", path, strerror(e));
	}
	while (got + 1 < size) {
		ssize_t r = recv(fd, reply + got, size - 1 - got, 0);
		if (r <= 0)
			break;
		got += (size_t)r;
		reply[got] = '\0';
		if (strchr(reply, '\n'))
			break;
	}
	close(fd);
	reply[got] = '\0';
	if (got + 1 >= size && !strchr(reply, '\n'))
		return ctk_failf(err, CTK_EDEVICE, "collector at '%s': answer longer than %zu bytes", path, size - 1);
	reply[strcspn(reply, "\n")] = '\0';
	/* "ok" for a marker, one JSON object for "status" */
	if (!strcmp(reply, "ok") || reply[0] == '{')
		return 0;
	if (!strncmp(reply, "error: ", 7))
		return ctk_failf(err, CTK_EINPUT, "collector: %s", reply + 7);
	return ctk_failf(err, CTK_EDEVICE, "collector at '%s' did not answer", path);
}
