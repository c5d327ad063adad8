/* The collection itself (collect.h): sources → sampling loop → store.
 * One thread. The loop sleeps in ppoll() until the next absolute deadline
 * (CLOCK_MONOTONIC, start + k·interval, so errors never accumulate into
 * drift; a deadline that passed while a round ran late is counted as missed
 * and skipped), and wakes early for signals (self-pipe), marker requests and
 * --epoch-regex lines. Readings carry UTC wall-clock time, one per device
 * and round. Every flush interval the buffered readings, the closed windows
 * and the run's end time go to the store in one transaction, so a collector
 * killed with SIGKILL leaves a consistent store holding everything older
 * than about one flush interval. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "collector/collect.h"
#include "collector/epoch_energy.h"
#include "collector/live.h"
#include "collector/kept.h"
#include "collector/markers.h"
#include "collector/sources.h"
#include "collector/tee.h"
#include "common/db.h"
#include "common/samples.h"
#include "common/store.h"
#include "common/time.h"
#include "common/util.h"

#define MAX_SOURCES 8

struct collector {
	const struct ctk_collect_opts *o;
	struct ctk_source src[MAX_SOURCES];
	int nsrc;
	struct ctk_source_opts sopts;
	struct ctk_gpusel sel;
	sqlite3 *db;
	struct ctk_sample_writer *w;
	int64_t run_id;
	struct ctk_marks marks;
	struct ctk_kept kept;    /* issue 18: the flush's statements, compiled once */
	struct ctk_mark_server server;
	struct ctk_tee tee;
	int have_tee;
	regex_t re;
	int have_re;
	int simulated;
	/* loop state */
	int64_t rounds, misses, store_failures, readings_lost;
	int64_t flush_max_ns;    /* longest flush (store transaction), for config_json */
	int64_t fail_streak, fail_streak_max; /* flushes failed in a row (readings kept back) */
	int64_t first_ns, last_ns;
	int has_first;
	int64_t backoff_cap;     /* ticks */
	pid_t child;
	int child_done, child_status;
	int64_t child_end_ns;
	int64_t child_done_mono; /* when the command ended (CLOCK_MONOTONIC) */
	int stop_signal;         /* attach/baseline: a stop was asked */
	int tee_eof;
	double round_cpu_s;      /* --stats: CPU time spent in rounds */
	double read_cpu_s;       /* --stats: … of which inside the sources' read calls */
	double clock_s;          /* --stats: cost of one CPU-clock read (calibrated) */
	int64_t reads;           /* --stats: read calls made */
	/* live prediction (live.h) */
	int live_on;
	struct ctk_epoch_energy ee;
	struct ctk_live live;
	int budget_stop;         /* SIGTERM sent for the budget */
	int budget_killed;       /* … and SIGKILL after the grace time */
	int64_t budget_stop_mono;
	const char *budget_key;  /* config_json key of budget_event */
	cJSON *budget_event;
};

static int sig_w = -1;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	unsigned char msg[2];
	int e = errno;

	(void)uc;
	msg[0] = (unsigned char)sig;
	/* 1: sent to us by a process (kill, scancel, a service manager);
	 * 0: made by the kernel (the terminal's ^C reaches the command too) */
	msg[1] = si && si->si_code != SI_KERNEL;
	if (write(sig_w, msg, sizeof msg) < 0) {
		/* the pipe is full: the loop wakes up anyway */
	}
	errno = e;
}

/* Messages go to the caller (main prints them); ctx is the collector. */
static void say(const struct collector *c, const char *kind, const char *msg)
{
	char line[1300];

	if (!c->o->log)
		return;
	snprintf(line, sizeof line, "%s%s", kind, msg);
	c->o->log(c->o->log_ctx, line);
}

static void warn(void *ctx, const char *msg)
{
	say(ctx, "warning: ", msg);
}

static void warnf(const struct collector *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warnf(const struct collector *c, const char *fmt, ...)
{
	char msg[1200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	say(c, "warning: ", msg);
}

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * CTK_NS_PER_S + ts.tv_nsec;
}

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --stats: the cost of one cpu_s() call, to take the instrumentation out
 * of the figures (median of 9 batches of 1000 pairs). */
static double calibrate_clock(void)
{
	double b[9];

	for (int k = 0; k < 9; k++) {
		double t0 = cpu_s(), t = t0;
		for (int i = 0; i < 1000; i++)
			t = cpu_s();
		b[k] = (t - t0) / 1000;
	}
	for (int i = 1; i < 9; i++)
		for (int j = i; j > 0 && b[j] < b[j - 1]; j--) {
			double x = b[j];
			b[j] = b[j - 1];
			b[j - 1] = x;
		}
	return b[4];
}

int ctk_collect_db_path(const char *spec, char *out, size_t size, struct ctk_error *err)
{
	size_t n = 0;
	char host[256];

	for (const char *p = spec; *p; p++) {
		const char *add = NULL;
		char one[2] = {*p, '\0'};
		if (*p != '%') {
			add = one;
		} else if (p[1] == '%') {
			add = "%";
			p++;
		} else if (p[1] == 'h') {
			ctk_hostname(host, sizeof host);
			add = host;
			p++;
		} else if (p[1] == 'j') {
			add = getenv("SLURM_JOB_ID");
			if (!add || !*add)
				return ctk_failf(err, CTK_EUSAGE, "--db '%s': %%j needs SLURM_JOB_ID, which is not set", spec);
			p++;
		} else {
			return ctk_failf(err, CTK_EUSAGE, "--db '%s': unknown '%%%c' (use %%h, %%j or %%%%)", spec,
					 p[1] ? p[1] : ' ');
		}
		size_t l = strlen(add);
		if (n + l + 1 > size)
			return ctk_failf(err, CTK_EUSAGE, "--db '%s': path too long", spec);
		memcpy(out + n, add, l);
		n += l;
	}
	out[n] = '\0';
	return 0;
}

static int source_wanted(const char *list, const char *name)
{
	size_t n = strlen(name);

	if (!list)
		return 1;
	for (const char *p = list; *p;) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);
		if (l == n && !strncmp(p, name, n))
			return 1;
		p += l + (c ? 1 : 0);
	}
	return 0;
}

static int check_sources_list(const char *list, struct ctk_error *err)
{
	if (!list)
		return 0;
	for (const char *p = list; *p;) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);
		int ok = 0;
		for (int i = 0; ctk_sources[i]; i++)
			ok |= strlen(ctk_sources[i]->name) == l && !strncmp(p, ctk_sources[i]->name, l);
		if (!ok)
			return ctk_failf(err, CTK_EUSAGE, "--sources: unknown source '%.*s' (nvml, rapl, hwmon)", (int)l, p);
		p += l + (c ? 1 : 0);
	}
	return 0;
}

static int open_sources(struct collector *c, struct ctk_error *err)
{
	const char *root = getenv("CTK_SYSFS_ROOT");
	int rc;

	if ((rc = check_sources_list(c->o->sources, err)))
		return rc;
	if ((rc = ctk_gpusel_resolve(c->o->gpus, &c->sel, err)))
		return rc;
	c->sopts.gpus = &c->sel;
	c->sopts.sysfs_root = root && *root ? root : "/sys";
	c->sopts.warn = warn;
	c->sopts.warn_ctx = c;
	for (int i = 0; ctk_sources[i] && c->nsrc < MAX_SOURCES; i++) {
		if (!source_wanted(c->o->sources, ctk_sources[i]->name))
			continue;
		struct ctk_source *s = &c->src[c->nsrc++];
		s->ops = ctk_sources[i];
		s->opts = &c->sopts;
		if ((rc = s->ops->open(s, &c->sopts, err)))
			return rc;
		c->simulated |= s->simulated;
	}
	return 0;
}

static void close_sources(struct collector *c)
{
	for (int i = 0; i < c->nsrc; i++) {
		c->src[i].ops->close(&c->src[i]);
		ctk_source_release(&c->src[i]);
	}
	c->nsrc = 0;
}

/* The run's config: what comparisons group by, and how it was sampled. */
static char *config_json(struct collector *c, int final)
{
	cJSON *j = cJSON_CreateObject();
	const char *gpu_model = NULL;
	int ngpu = 0, ncpu = 0;
	char *s;
	static const char *const slurm[][2] = {
		{"SLURM_JOB_ID", "slurm_job_id"}, {"SLURM_STEP_ID", "slurm_step_id"},
		{"SLURM_PROCID", "slurm_procid"}, {"SLURM_JOB_NAME", "slurm_job_name"},
		{"SLURM_NODEID", "slurm_nodeid"}, {NULL, NULL}};

	if (!j)
		return NULL;
	for (int i = 0; i < c->nsrc; i++)
		for (int k = 0; k < c->src[i].nch; k++) {
			const struct ctk_channel *ch = &c->src[i].ch[k];
			if (!strcmp(ch->kind, "gpu")) {
				ngpu++;
				if (!gpu_model)
					gpu_model = ch->name;
				else if (strcmp(gpu_model, ch->name))
					gpu_model = "mixed";
			} else if (!strcmp(ch->kind, "cpu")) {
				ncpu++;
			}
		}
	if (gpu_model)
		cJSON_AddStringToObject(j, "gpu", gpu_model);
	cJSON_AddNumberToObject(j, "gpus", ngpu);
	cJSON_AddNumberToObject(j, "cpu_packages", ncpu);
	cJSON_AddNumberToObject(j, "interval_ms", (double)c->o->interval_ns / 1e6);
	for (int i = 0; slurm[i][0]; i++) {
		const char *v = getenv(slurm[i][0]);
		if (v && *v)
			cJSON_AddStringToObject(j, slurm[i][1], v);
	}
	if (c->simulated)
		cJSON_AddStringToObject(j, "simulated", "simulated device (tests/fakenvml)");
	if (c->budget_event)
		cJSON_AddItemToObject(j, c->budget_key, cJSON_Duplicate(c->budget_event, 1));
	if (final) {
		cJSON_AddNumberToObject(j, "rounds", (double)c->rounds);
		cJSON_AddNumberToObject(j, "deadline_misses", (double)c->misses);
		cJSON_AddNumberToObject(j, "markers_rejected", (double)c->server.rejected);
		cJSON_AddNumberToObject(j, "markers_rate_limited", (double)c->server.rate_limited); /* issue 18 */
		if (c->have_tee) /* issue 18: the regex helper never waits; what it dropped */
			cJSON_AddNumberToObject(j, "markers_dropped", (double)c->tee.dropped);
		cJSON_AddNumberToObject(j, "flush_max_ms", (double)c->flush_max_ns / 1e6);
		cJSON_AddNumberToObject(j, "store_failures", (double)c->store_failures);
		cJSON_AddNumberToObject(j, "store_failures_in_a_row", (double)c->fail_streak_max);
		cJSON_AddNumberToObject(j, "readings_lost", (double)c->readings_lost);
	}
	s = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	return s;
}

static char *join_command(char **cmd)
{
	size_t n = 1;
	char *s, *p;

	for (int i = 0; cmd && cmd[i]; i++)
		n += strlen(cmd[i]) * 4 + 3;
	if (!(s = malloc(n)))
		return NULL;
	p = s;
	for (int i = 0; cmd && cmd[i]; i++) {
		int plain = cmd[i][0] != '\0' && strspn(cmd[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+%@") == strlen(cmd[i]);
		if (i)
			*p++ = ' ';
		if (plain) {
			memcpy(p, cmd[i], strlen(cmd[i]));
			p += strlen(cmd[i]);
			continue;
		}
		*p++ = '\'';
		for (const char *q = cmd[i]; *q; q++) {
			if (*q == '\'') {
				memcpy(p, "'\\''", 4);
				p += 4;
			} else {
				*p++ = *q;
			}
		}
		*p++ = '\'';
	}
	*p = '\0';
	return s;
}

/* Create the run and its devices in one transaction. */
static int store_run(struct collector *c, struct ctk_error *err)
{
	char host[256];
	char *cmd = join_command(c->o->cmd), *cfg = config_json(c, 0);
	struct ctk_run r = {0};
	int rc;

	ctk_hostname(host, sizeof host);
	r.label = c->o->label;
	r.host = host;
	r.command = c->o->attach ? NULL : cmd;
	r.zone = c->o->zone;
	r.config_json = cfg;
	r.source = "collector";
	r.started_ns = ctk_now_ns();
	r.has_started = 1;
	r.planned_epochs = c->o->epochs;
	r.simulated = c->simulated;
	if ((rc = ctk_db_begin(c->db, err)))
		goto out;
	if ((rc = ctk_run_insert(c->db, &r, &c->run_id, err)))
		goto fail;
	for (int i = 0; i < c->nsrc; i++)
		for (int k = 0; k < c->src[i].nch; k++) {
			struct ctk_channel *ch = &c->src[i].ch[k];
			struct ctk_device d = {
				.run_id = c->run_id, .host = host, .kind = ch->kind, .vendor = ch->vendor,
				.name = ch->name[0] ? ch->name : NULL, .uuid = ch->uuid[0] ? ch->uuid : NULL,
				.bus_id = ch->bus_id[0] ? ch->bus_id : NULL, .flags = ch->flags[0] ? ch->flags : NULL,
				.idx = ch->idx, .has_idx = 1, .power_limit_w = ch->power_limit_w,
				.has_power_limit = ch->has_power_limit,
			};
			if ((rc = ctk_device_insert(c->db, &d, &ch->device_id, err)))
				goto fail;
		}
	rc = ctk_db_commit(c->db, err);
	if (rc)
		goto fail;
	c->marks.run_id = c->run_id;
	goto out;
fail:
	ctk_db_rollback(c->db);
out:
	free(cmd);
	free(cfg);
	return rc;
}

/* One sample round: read every channel that is not backing off. */
static void round_once(struct collector *c)
{
	struct ctk_error e;
	int dev = -1; /* index among measured channels (epoch_energy.h) */

	for (int i = 0; i < c->nsrc; i++) {
		struct ctk_source *s = &c->src[i];
		for (int k = 0; k < s->nch; k++) {
			struct ctk_channel *ch = &s->ch[k];
			if (!ch->measured)
				continue;
			dev++;
			if (ch->skip > 0) {
				ch->skip--;
				continue;
			}
			double r0 = c->o->stats ? cpu_s() : 0;
			int rc = s->ops->read(s, ch, &e);
			if (c->o->stats) {
				c->read_cpu_s += cpu_s() - r0;
				c->reads++;
			}
			if (rc) {
				ch->fails++;
				/* back off 1, 2, 4 … rounds up to the cap; complain at 1, 2, 4, 8 … failures */
				int64_t b = ch->fails >= 40 ? c->backoff_cap : INT64_C(1) << (ch->fails - 1);
				ch->skip = (b < c->backoff_cap ? b : c->backoff_cap) - 1;
				if ((ch->fails & (ch->fails - 1)) == 0)
					warnf(c, "%s (failed %lld time(s) in a row; other devices go on, retrying every %lld round(s))",
					      e.msg, (long long)ch->fails, (long long)(ch->skip + 1));
				continue;
			}
			if (ch->fails) {
				warnf(c, "%s: %s %d reads again after %lld failure(s)", s->ops->name, ch->kind, ch->idx,
				      (long long)ch->fails);
				ch->fails = 0;
			}
			if (ch->has_last && ch->r.t_ns < ch->last_t_ns)
				ch->r.t_ns = ch->last_t_ns; /* the wall clock was stepped back */
			ch->last_t_ns = ch->r.t_ns;
			ch->has_last = 1;
			if (ctk_sample_append(c->w, ch->device_id, ch->signal, &ch->r, &e)) {
				if (!c->readings_lost++)
					warnf(c, "reading not stored: %s", e.msg);
				continue;
			}
			if (c->live_on)
				ctk_epoch_energy_add(&c->ee, dev, &ch->r);
			if (!c->has_first || ch->r.t_ns < c->first_ns)
				c->first_ns = ch->r.t_ns;
			if (ch->r.t_ns > c->last_ns)
				c->last_ns = ch->r.t_ns;
			c->has_first = 1;
		}
	}
	c->rounds++;
}

/* Store buffered readings and windows in one transaction. */
static int flush(struct collector *c, int final, struct ctk_error *err)
{
	int rc;
	char *cfg = NULL;
	int64_t t0 = mono_ns();

	if ((rc = ctk_kept_begin(c->db, &c->kept, err)))
		goto fail;
	/* readings and windows stay buffered until the commit: a failed flush loses none */
	if ((rc = ctk_sample_writer_write(c->w, err)) || (rc = ctk_marks_store(&c->marks, c->db, err)))
		goto fail;
	if (final) {
		cfg = config_json(c, 1);
		rc = ctk_run_finish(c->db, c->run_id, c->child_end_ns ? c->child_end_ns : ctk_now_ns(),
				    c->child_status, c->child_done && !c->o->attach, cfg, err);
	} else if (c->has_first) {
		rc = ctk_kept_run_going(c->db, &c->kept, c->run_id, c->last_ns, err);
	}
	if (rc || (rc = ctk_kept_commit(c->db, &c->kept, err)))
		goto fail;
	ctk_sample_writer_committed(c->w);
	ctk_marks_committed(&c->marks);
	free(cfg);
	if (mono_ns() - t0 > c->flush_max_ns)
		c->flush_max_ns = mono_ns() - t0;
	c->fail_streak = 0;
	return 0;
fail:
	free(cfg);
	ctk_db_rollback(c->db);
	if (mono_ns() - t0 > c->flush_max_ns)
		c->flush_max_ns = mono_ns() - t0;
	if (++c->fail_streak > c->fail_streak_max)
		c->fail_streak_max = c->fail_streak;
	if (!c->store_failures++ || final)
		warnf(c, "store: %s (sampling goes on; the command is not affected)", err->msg);
	return rc;
}

static void on_tee_line(void *ctx, const char *line)
{
	struct collector *c = ctx;
	char reply[300];

	if (ctk_marks_apply(&c->marks, line, ctk_now_ns(), reply, sizeof reply))
		warnf(c, "--epoch-regex: %s", reply);
}

static void reap_child(struct collector *c)
{
	int st;
	pid_t p;

	if (c->child <= 0 || c->child_done)
		return;
	while ((p = waitpid(c->child, &st, WNOHANG)) < 0 && errno == EINTR)
		;
	if (p != c->child)
		return;
	c->child_done = 1;
	c->child_end_ns = ctk_now_ns();
	c->child_done_mono = mono_ns();
	c->child_status = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 1;
}

/* ---- live prediction and budgets ------------------------------------------ */

static void on_epoch_mark(void *ctx, int start, int64_t idx, int64_t t_ns)
{
	struct collector *c = ctx;
	int rc = start ? ctk_epoch_energy_open(&c->ee, t_ns) : ctk_epoch_energy_close(&c->ee, idx, t_ns);

	if (rc == CTK_ENOMEM && c->live_on) {
		warnf(c, "out of memory: live prediction off");
		c->live_on = 0;
	}
}

/* Remember what the budget did, for runs.config_json (key: why). */
static void budget_record(struct collector *c, const char *key, const struct ctk_live_step *st, const char *action)
{
	cJSON *j = cJSON_CreateObject();

	if (!j)
		return;
	cJSON_AddStringToObject(j, "action", action);
	cJSON_AddStringToObject(j, "target", st->target);
	cJSON_AddStringToObject(j, "verdict", ctk_budget_verdict_name(st->verdict));
	cJSON_AddNumberToObject(j, !strcmp(st->target, "energy") ? "budget_kwh" : "budget_g", st->budget);
	cJSON_AddNumberToObject(j, !strcmp(st->target, "energy") ? "predicted_kwh" : "predicted_g", st->predicted_total);
	cJSON_AddNumberToObject(j, !strcmp(st->target, "energy") ? "used_kwh" : "used_g", st->used);
	cJSON_AddNumberToObject(j, "after_epochs", c->live.n);
	cJSON_AddNumberToObject(j, "planned_epochs", c->live.o.planned);
	cJSON_AddStringToObject(j, "predictor", ctk_predictor_default()->name);
	cJSON_AddNumberToObject(j, "at_ns", (double)ctk_now_ns());
	cJSON_Delete(c->budget_event);
	c->budget_event = j;
	c->budget_key = key;
}

static void budget_stop(struct collector *c, const struct ctk_live_step *st, const char *how)
{
	char grace[32];

	budget_record(c, "stopped_by_budget", st, how);
	if (c->budget_event)
		cJSON_AddStringToObject(c->budget_event, "signal", "SIGTERM");
	snprintf(grace, sizeof grace, "%.3g s", (double)c->live.o.grace_ns / 1e9);
	warnf(c, "budget: %s: stopping the command (SIGTERM, SIGKILL after %s)", st->why, grace);
	if (c->child > 0 && !c->child_done)
		kill(c->child, SIGTERM);
	c->budget_stop = 1;
	c->budget_stop_mono = mono_ns();
}

/* Take every epoch the energy tracker finished: predict, print, check the
 * budgets (no action once the command has ended). */
static void live_drain(struct collector *c)
{
	struct ctk_ee_result r;
	struct ctk_live_step st;

	while (c->live_on && ctk_epoch_energy_next(&c->ee, &r)) {
		if (ctk_live_epoch(&c->live, &r, ctk_epoch_energy_total_j(&c->ee), &st)) {
			warnf(c, "out of memory: live prediction off");
			c->live_on = 0;
			return;
		}
		if (st.predicted && !c->o->no_predict)
			say(c, "", st.line);
		if (st.predicted && c->o->stats)
			say(c, "", st.exact);
		if (st.at_risk)
			warnf(c, "budget: %s", st.why);
		if (!st.act || c->child_done || c->child <= 0)
			continue;
		switch (c->live.o.on_budget) {
		case CTK_ON_BUDGET_WARN:
			warnf(c, "budget: %s (--on-budget warn: the run goes on)", st.why);
			budget_record(c, "budget_warning", &st, "warn");
			break;
		case CTK_ON_BUDGET_STOP:
			budget_stop(c, &st, "stop");
			break;
		case CTK_ON_BUDGET_ASK: {
			char q[600];
			int a = -1;
			snprintf(q, sizeof q, "ctk collect: budget: %s. Continue? [y/n] ", st.why);
			if (c->o->ask)
				a = c->o->ask(c->o->log_ctx, q);
			if (a < 0) {
				warnf(c, "budget: %s (--on-budget ask: no terminal to ask on (/dev/tty): warning only, the run goes on)",
				      st.why);
				budget_record(c, "budget_warning", &st, "ask: no terminal, warned");
			} else if (a == 0) {
				budget_stop(c, &st, "ask: answered no");
			} else {
				warnf(c, "budget: the user chose to go on");
				budget_record(c, "budget_warning", &st, "ask: answered yes");
			}
			break;
		}
		}
	}
}

/* The intensity for the live CO2: --intensity, else the latest value of
 * --zone's series in the store (average signals before marginal; the value
 * holding now, else the newest one). */
static void live_intensity(struct collector *c)
{
	sqlite3_stmt *st = NULL;
	struct ctk_live_opts *lo = &c->live.o;

	if (lo->has_intensity) {
		snprintf(lo->intensity_src, sizeof lo->intensity_src, "--intensity");
		return;
	}
	if (!c->o->zone || sqlite3_prepare_v2(c->db,
		"SELECT i.g_per_kwh, s.source, i.start_ns FROM intensity i JOIN intensity_series s USING (series_id) "
		"WHERE s.zone = ? ORDER BY s.signal = 'marginal', i.start_ns <= ? DESC, i.start_ns DESC LIMIT 1",
		-1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, c->o->zone, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, ctk_now_ns());
	if (sqlite3_step(st) == SQLITE_ROW) {
		char when[40];
		const unsigned char *src = sqlite3_column_text(st, 1);
		lo->intensity_g_per_kwh = sqlite3_column_double(st, 0);
		lo->has_intensity = 1;
		ctk_time_format(sqlite3_column_int64(st, 2), when, sizeof when);
		snprintf(lo->intensity_src, sizeof lo->intensity_src, "zone %s, %s, value from %s", c->o->zone,
			 src ? (const char *)src : "?", when);
	}
	sqlite3_finalize(st);
}

enum loop_until { UNTIL_TIME, UNTIL_CHILD, UNTIL_SIGNAL };

/* Sample until the condition holds. The first round is immediate. */
static void loop(struct collector *c, int sig_r, enum loop_until until, int64_t until_mono)
{
	int64_t interval = c->o->interval_ns, t0 = mono_ns(), next = t0, next_flush = t0 + c->o->flush_ns;
	struct pollfd p[2 + 1 + CTK_MARK_MAX_CLIENTS];
	struct ctk_error e;

	for (;;) {
		int64_t now = mono_ns();
		if (now >= next) {
			double cpu0 = c->o->stats ? cpu_s() : 0;
			round_once(c);
			if (c->o->stats)
				c->round_cpu_s += cpu_s() - cpu0;
			live_drain(c);
			next += interval;
			now = mono_ns();
			if (now >= next) {
				int64_t missed = (now - next) / interval + 1;
				c->misses += missed;
				next += missed * interval;
			}
		}
		/* a command stopped for the budget that outlives --grace */
		if (c->budget_stop && !c->budget_killed && !c->child_done && c->child > 0 &&
		    now >= c->budget_stop_mono + c->live.o.grace_ns) {
			warnf(c, "budget: the command did not end within the grace time: SIGKILL");
			kill(c->child, SIGKILL);
			c->budget_killed = 1;
			if (c->budget_event)
				cJSON_ReplaceItemInObject(c->budget_event, "signal", cJSON_CreateString("SIGKILL"));
		}
		if (now >= next_flush) {
			flush(c, 0, &e);
			next_flush += c->o->flush_ns;
			if (next_flush <= now)
				next_flush = now + c->o->flush_ns;
		}
		if (until == UNTIL_TIME && now >= until_mono)
			return;
		/* after the command ends, wait for its last output lines, but not
		 * for a background process that inherited the output (2 s at most) */
		if (until == UNTIL_CHILD && c->child_done &&
		    (!c->have_tee || c->tee_eof || now - c->child_done_mono > 2 * CTK_NS_PER_S))
			return;
		if (until == UNTIL_SIGNAL && c->stop_signal)
			return;
		if ((until == UNTIL_TIME && c->stop_signal))
			return;

		int n = 0;
		p[n].fd = sig_r;
		p[n++].events = POLLIN;
		int tee_at = -1;
		if (c->have_tee && !c->tee_eof) {
			tee_at = n;
			p[n].fd = c->tee.mark_r;
			p[n++].events = POLLIN;
		}
		int srv_at = n;
		n += ctk_mark_server_pollfds(&c->server, p + n);
		int64_t wake = next < next_flush ? next : next_flush;
		if (until == UNTIL_CHILD && c->child_done && wake > c->child_done_mono + 2 * CTK_NS_PER_S)
			wake = c->child_done_mono + 2 * CTK_NS_PER_S;
		if (until == UNTIL_TIME && until_mono < wake)
			wake = until_mono;
		/* issue 18: a resting marker server is polled again at the end of its rest */
		if (ctk_mark_server_rest_until(&c->server) && ctk_mark_server_rest_until(&c->server) < wake)
			wake = ctk_mark_server_rest_until(&c->server);
		if (c->budget_stop && !c->budget_killed && c->budget_stop_mono + c->live.o.grace_ns < wake)
			wake = c->budget_stop_mono + c->live.o.grace_ns;
		now = mono_ns();
		int64_t dt = wake > now ? wake - now : 0;
		struct timespec ts = {(time_t)(dt / CTK_NS_PER_S), (long)(dt % CTK_NS_PER_S)};
		int rc = ppoll(p, (nfds_t)n, &ts, NULL);
		if (rc <= 0)
			continue;
		if (p[0].revents & POLLIN) {
			unsigned char msg[64];
			ssize_t got = read(sig_r, msg, sizeof msg);
			for (ssize_t k = 0; k + 1 < got; k += 2) {
				int sig = msg[k], sent = msg[k + 1];
				if (sig == SIGCHLD) {
					reap_child(c);
				} else if (c->child > 0 && !c->child_done) {
					if (sent)
						kill(c->child, sig);
				} else {
					c->stop_signal = sig;
				}
			}
		}
		if (tee_at >= 0 && (p[tee_at].revents & (POLLIN | POLLHUP | POLLERR)))
			c->tee_eof = ctk_tee_read(&c->tee, on_tee_line, c);
		int any = 0;
		for (int k = srv_at; k < n; k++)
			any |= p[k].revents != 0;
		if (any)
			ctk_mark_server_serve(&c->server, &c->marks);
	}
}

extern char **environ;

/* The command's environment: ours plus CTK_SOCKET (and PYTHONUNBUFFERED=1
 * with --epoch-regex), built before fork so the child only calls
 * async-signal-safe functions. Free with free() (the strings are owned
 * by environ or by *own). */
static char **child_env(struct collector *c, char **own)
{
	size_t n = 0;
	char **env;
	int unbuffered = c->have_tee && !getenv("PYTHONUNBUFFERED");

	while (environ[n])
		n++;
	if (!(env = calloc(n + 3, sizeof(*env))))
		return NULL;
	*own = NULL;
	if (c->server.lfd >= 0) {
		size_t len = strlen(c->server.path) + sizeof "CTK_SOCKET=";
		if (!(*own = malloc(len))) {
			free(env);
			return NULL;
		}
		snprintf(*own, len, "CTK_SOCKET=%s", c->server.path);
	}
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "CTK_SOCKET=", 11))
			env[k++] = environ[i];
	if (*own)
		env[k++] = *own;
	if (unbuffered)
		env[k++] = (char *)"PYTHONUNBUFFERED=1"; /* epoch lines on time, not at exit */
	env[k] = NULL;
	return env;
}

static void write_str(const char *s)
{
	if (write(2, s, strlen(s)) < 0) {
		/* nothing more to do in a failing child */
	}
}

static int start_child(struct collector *c, const sigset_t *oldmask, struct ctk_error *err)
{
	char *own = NULL, **env = child_env(c, &own);
	pid_t pid;

	if (!env)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	pid = fork();
	if (pid < 0) {
		free(env);
		free(own);
		return ctk_failf(err, CTK_EDB, "cannot start '%s': %s", c->o->cmd[0], strerror(errno));
	}
	if (pid == 0) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = SIG_DFL;
		int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGPIPE, SIGXFSZ};
		for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
			sigaction(sigs[i], &sa, NULL);
		sigprocmask(SIG_SETMASK, oldmask, NULL);
		if (c->have_tee) {
			dup2(c->tee.out_w, 1);
			dup2(c->tee.err_w, 2);
		}
		execvpe(c->o->cmd[0], c->o->cmd, env);
		int e = errno;
		write_str("ctk collect: cannot run '");
		write_str(c->o->cmd[0]);
		write_str("': ");
		write_str(strerror(e));
		write_str("\n");
		_exit(e == ENOENT ? 127 : 126);
	}
	free(env);
	free(own);
	c->child = pid;
	return 0;
}

static int64_t count_devices(const struct collector *c, int measured_only)
{
	int64_t n = 0;

	for (int i = 0; i < c->nsrc; i++)
		for (int k = 0; k < c->src[i].nch; k++)
			n += !measured_only || c->src[i].ch[k].measured;
	return n;
}

int ctk_collect(const struct ctk_collect_opts *o, struct ctk_collect_result *res, struct ctk_error *err)
{
	struct collector *c = calloc(1, sizeof(*c));
	char dbpath[4096];
	int sp[2] = {-1, -1}, rc;
	struct sigaction sa, old[5], xfsz, old_xfsz;
	const int sigs[5] = {SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGPIPE};
	sigset_t oldmask;
	int handlers = 0;

	int *status = &res->status;

	memset(res, 0, sizeof(*res));
	if (!c)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	/* a file-size limit (a full disk) is an error the store reports, not
	 * the collector's death (the command gets SIG_DFL back) */
	memset(&xfsz, 0, sizeof xfsz);
	xfsz.sa_handler = SIG_IGN;
	sigaction(SIGXFSZ, &xfsz, &old_xfsz);
	c->o = o;
	c->server.lfd = -1;
	c->child = -1;
	sigprocmask(SIG_SETMASK, NULL, &oldmask);
	if (o->stats)
		c->clock_s = calibrate_clock();
	c->backoff_cap = o->interval_ns > 0 ? (10 * CTK_NS_PER_S) / o->interval_ns : 1;
	if (c->backoff_cap < 1)
		c->backoff_cap = 1;
	if ((rc = ctk_collect_db_path(o->db_spec, dbpath, sizeof dbpath, err)))
		goto out;
	if (o->epoch_regex) {
		if ((rc = ctk_tee_compile(o->epoch_regex, &c->re, err)))
			goto out;
		c->have_re = 1;
	}
	/* the output helper first, while this process has no threads (a driver
	 * may start some) and no store open, so it inherits neither */
	if (c->have_re && !o->attach) {
		if ((rc = ctk_tee_start(&c->tee, &c->re, err)))
			goto out;
		c->have_tee = 1;
	}
	if ((rc = open_sources(c, err)))
		goto out;
	if (o->epochs > 0 && !o->attach) {
		struct ctk_live_opts lo = o->live;
		lo.planned = o->epochs;
		ctk_live_init(&c->live, &lo);
		if (ctk_epoch_energy_init(&c->ee, (int)count_devices(c, 1))) {
			rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
			goto out;
		}
		c->live_on = 1;
		c->marks.on_epoch = on_epoch_mark;
		c->marks.on_epoch_ctx = c;
	}
	if (count_devices(c, 1) == 0)
		warnf(c, "no device can be measured: the run is recorded without readings");
	if (c->simulated)
		warnf(c, "measuring a SIMULATED device (fake NVML, tests/fakenvml): the numbers are not real");
	/* the socket next (not inherited by the helper; a bad --socket fails
	 * before anything is stored), then the store */
	if ((rc = ctk_mark_server_open(&c->server, o->socket_path, err)))
		goto out;
	if ((rc = ctk_db_open(dbpath, CTK_DB_CREATE, &c->db, err)))
		goto out;
	/* never wait long for another writer: readings stay buffered and the
	 * next flush tries again, so sampling goes on */
	sqlite3_busy_timeout(c->db, (int)(o->interval_ns / 2000000 < 100 ? o->interval_ns / 2000000 + 1 : 100));
	if (c->live_on) {
		live_intensity(c);
		if (c->live.o.has_budget_g && !c->live.o.has_intensity) {
			rc = ctk_failf(err, CTK_EUSAGE, "--budget-g needs an intensity: --intensity G, or --zone Z "
				       "with an intensity series in the store%s%s%s", o->zone ? " (none for '" : "",
				       o->zone ? o->zone : "", o->zone ? "')" : "");
			goto out;
		}
	}
	if ((rc = store_run(c, err)))
		goto out;
	if ((rc = ctk_sample_writer_new(c->db, 0, &c->w, err)))
		goto out;
	if (o->attach) {
		char note[300];
		snprintf(note, sizeof note, "run %lld: sampling until SIGINT/SIGTERM; markers: CTK_SOCKET=%s",
			 (long long)c->run_id, c->server.path);
		say(c, "", note);
	}

	if (pipe2(sp, O_CLOEXEC | O_NONBLOCK)) {
		rc = ctk_failf(err, CTK_EDB, "pipe: %s", strerror(errno));
		goto out;
	}
	sig_w = sp[1];
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 4; i++)
		sigaction(sigs[i], &sa, &old[i]);
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	sigaction(SIGPIPE, &sa, &old[4]);
	handlers = 1;

	if (o->baseline_ns > 0) {
		int64_t b0 = ctk_now_ns();
		loop(c, sp[0], UNTIL_TIME, mono_ns() + o->baseline_ns);
		char reply[300];
		ctk_marks_apply(&c->marks, "begin baseline", b0, reply, sizeof reply);
		ctk_marks_apply(&c->marks, "end baseline", ctk_now_ns(), reply, sizeof reply);
		c->marks.done[c->marks.ndone - 1].kind = "baseline";
		if (c->stop_signal) {
			*status = 128 + c->stop_signal;
			c->child_end_ns = ctk_now_ns();
			flush(c, 1, err);
			warnf(c, "stopped by signal %d during the baseline: the command was not started", c->stop_signal);
			goto summary;
		}
	}
	if (o->attach) {
		loop(c, sp[0], UNTIL_SIGNAL, 0);
		c->child_end_ns = ctk_now_ns();
	} else {
		if ((rc = start_child(c, &oldmask, err)))
			goto out;
		if (c->have_tee)
			ctk_tee_parent_close(&c->tee);
		loop(c, sp[0], UNTIL_CHILD, 0);
		*status = c->child_status;
	}
	round_once(c); /* a last reading after the end, so every window is covered */
	/* with --epoch-regex the last epoch ends with the command: no news */
	int expected = c->have_tee && c->marks.epoch_open;
	int closed = ctk_marks_close_all(&c->marks, c->child_end_ns) - expected;
	if (closed > 0)
		warnf(c, "%d epoch/phase window(s) still open at the end: closed at %s", closed,
		      o->attach ? "the stop" : "the command's exit");
	if (c->live_on) {
		ctk_epoch_energy_finish(&c->ee);
		live_drain(c);
	}
	if (c->budget_stop) {
		/* documented: 128+SIGTERM whatever the command made of the signal
		 * (its own status stays in runs.exit_status) */
		*status = 128 + SIGTERM;
		res->budget_stopped = 1;
	}
	if (c->have_tee && c->tee.dropped) /* issue 18 */
		warnf(c, "--epoch-regex: %lld epoch line(s) dropped while the collector was behind (the command "
		      "never waited; markers_dropped in the run's config)", (long long)c->tee.dropped);
	if (c->server.rejected)
		warnf(c, "%lld marker request(s) refused, %lld of them from another user (markers_rejected in the run's config)",
		      (long long)c->server.rejected, (long long)c->server.rejected_peer);
	if (flush(c, 1, err)) {
		rc = 0; /* already reported; the command's status wins */
		warnf(c, "the store failed at the end: %lld buffered reading(s) not stored, %lld dropped before (buffer full)",
		      (long long)ctk_sample_writer_pending(c->w), (long long)c->readings_lost);
	}
summary:
	res->run_id = c->run_id;
	res->simulated = c->simulated;
	res->devices = count_devices(c, 0);
	res->channels = count_devices(c, 1);
	res->readings = ctk_sample_writer_count(c->w);
	res->windows = c->marks.stored;
	res->rounds = c->rounds;
	res->misses = c->misses;
	snprintf(res->db_path, sizeof res->db_path, "%s", dbpath);
	if (o->stats) {
		struct rusage ru;
		double rounds = c->rounds ? (double)c->rounds : 1;
		getrusage(RUSAGE_SELF, &ru);
		res->clock_us = c->clock_s * 1e6;
		/* the instrumentation's clock reads are taken out: a measured read
		 * spans one clock call, a measured round two per read plus one */
		res->reads_us = (c->read_cpu_s - (double)c->reads * c->clock_s) * 1e6 / rounds;
		res->round_us = (c->round_cpu_s - (double)(2 * c->reads + c->rounds) * c->clock_s) * 1e6 / rounds;
		res->own_us = res->round_us - res->reads_us;
		res->total_cpu_s = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
				   (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
		res->maxrss_kib = ru.ru_maxrss;
	}
out:
	if (c->have_tee) {
		if (c->child <= 0)
			ctk_tee_parent_close(&c->tee);
		ctk_tee_finish(&c->tee);
	}
	sigaction(SIGXFSZ, &old_xfsz, NULL);
	if (handlers)
		for (int i = 0; i < 5; i++)
			sigaction(sigs[i], &old[i], NULL);
	sig_w = -1;
	if (sp[0] >= 0) {
		close(sp[0]);
		close(sp[1]);
	}
	ctk_mark_server_close(&c->server);
	ctk_marks_release(&c->marks);
	ctk_kept_release(&c->kept);
	ctk_epoch_energy_free(&c->ee);
	ctk_live_free(&c->live);
	cJSON_Delete(c->budget_event);
	ctk_sample_writer_free(c->w);
	ctk_db_close(c->db);
	close_sources(c);
	if (c->have_re)
		regfree(&c->re);
	free(c);
	return rc;
}
