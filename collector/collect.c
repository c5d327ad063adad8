/* `ctk collect` (collect.h): sources → sampling loop → store, one thread.
 * This file sets the collection up (sources, output helper, marker socket,
 * store, the run and its devices), runs the baseline and the command, and
 * ends it (windows still open, last flush, the summary). The loop is
 * loop.c, the command and signals child.c, live prediction and budgets
 * budget.c (collect_int.h). Readings carry UTC wall-clock time, one per
 * device and round; a collector killed with SIGKILL leaves a consistent
 * store holding everything older than about one flush interval. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "collector/collect_int.h"
#include "collector/slurm.h"
#include "collector/status.h"
#include "common/db.h"
#include "common/intensity.h"
#include "common/store.h"
#include "common/time.h"
#include "common/util.h"

/* Messages go to the caller (main prints them). */
void ctk_coll_say(const struct collector *c, const char *kind, const char *msg)
{
	char line[1300];

	if (!c->o->log)
		return;
	snprintf(line, sizeof line, "%s%s", kind, msg);
	c->o->log(c->o->log_ctx, line);
}

static void warn(void *ctx, const char *msg)
{
	ctk_coll_say(ctx, "warning: ", msg);
}

void ctk_coll_warnf(const struct collector *c, const char *fmt, ...)
{
	char msg[1200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ctk_coll_say(c, "warning: ", msg);
}

int ctk_collect_db_path(const char *spec, char *out, size_t size, struct ctk_error *err)
{
	return ctk_collect_expand_path("--db", spec, out, size, err);
}

int ctk_collect_expand_path(const char *opt, const char *spec, char *out, size_t size, struct ctk_error *err)
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
			ctk_slurm_host(host, sizeof host); /* SLURMD_NODENAME in a job */
			add = host;
			p++;
		} else if (p[1] == 'j') {
			add = getenv("SLURM_JOB_ID");
			if (!add || !*add)
				return ctk_failf(err, CTK_EUSAGE, "%s '%s': %%j needs SLURM_JOB_ID, which is not set", opt, spec);
			p++;
		} else {
			return ctk_failf(err, CTK_EUSAGE, "%s '%s': unknown '%%%c' (use %%h, %%j or %%%%)", opt, spec,
					 p[1] ? p[1] : ' ');
		}
		size_t l = strlen(add);
		if (n + l + 1 > size)
			return ctk_failf(err, CTK_EUSAGE, "%s '%s': path too long", opt, spec);
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
char *ctk_coll_config_json(struct collector *c, int final)
{
	cJSON *j = cJSON_CreateObject();
	const char *gpu_model = NULL;
	int ngpu = 0, ncpu = 0;
	char *s;

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
	ctk_slurm_config(j); /* job, step, nodes, tasks, GPUs, CPU share (slurm.c) */
	if (c->sel.from[0] && strcmp(c->sel.from, "default"))
		cJSON_AddStringToObject(j, "gpus_from", c->sel.from);
	if (c->simulated)
		cJSON_AddStringToObject(j, "simulated", "simulated device (tests/fakenvml)");
	if (c->budget_event)
		cJSON_AddItemToObject(j, c->budget_key, cJSON_Duplicate(c->budget_event, 1));
	if (final) {
		cJSON_AddNumberToObject(j, "rounds", (double)c->rounds);
		cJSON_AddNumberToObject(j, "deadline_misses", (double)c->misses);
		/* issue 18: woken once per batch (1 s) instead of once per round */
		cJSON_AddNumberToObject(j, "wakes", (double)c->wakes);
		cJSON_AddBoolToObject(j, "batches", c->batch);
		cJSON_AddNumberToObject(j, "markers_rejected", (double)c->server.rejected);
		cJSON_AddNumberToObject(j, "markers_rate_limited", (double)c->server.rate_limited);
		cJSON_AddNumberToObject(j, "marker_reads", (double)c->mark_reads);
		cJSON_AddNumberToObject(j, "marker_reads_skipped", (double)c->mark_reads_skipped);
		if (c->have_tee) /* the regex helper never waits; what it dropped */
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
	char *cmd = join_command(c->o->cmd), *cfg = ctk_coll_config_json(c, 0);
	struct ctk_run r = {0};
	int rc;

	ctk_slurm_host(host, sizeof host);
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
/* The intensity for the live CO2: --intensity, else the value the one
 * intensity rule (common/intensity.h) gives for --zone now: the covering
 * value, else the latest one before now (fill previous). */
static void live_intensity(struct collector *c)
{
	struct ctk_live_opts *lo = &c->live.o;
	struct ctk_join_opts jo = {.zone = c->o->zone, .fill = CTK_FILL_PREVIOUS};
	struct ctk_intensity_value v;
	struct ctk_error e = {0};

	if (lo->has_intensity) {
		snprintf(lo->intensity_src, sizeof lo->intensity_src, "--intensity");
		return;
	}
	if (!c->o->zone || ctk_intensity_at(c->db, &jo, ctk_now_ns(), &v, &e) || !v.has)
		return;
	char when[40];
	lo->intensity_g_per_kwh = v.g_per_kwh;
	lo->has_intensity = 1;
	ctk_time_format(v.from_ns, when, sizeof when);
	snprintf(lo->intensity_src, sizeof lo->intensity_src, "zone %s, %s, value from %s%s", c->o->zone,
		 v.source[0] ? v.source : "?", when, v.filled ? ", the latest before now" : "");
}
static int64_t count_devices(const struct collector *c, int measured_only)
{
	int64_t n = 0;

	for (int i = 0; i < c->nsrc; i++)
		for (int k = 0; k < c->src[i].nch; k++)
			n += !measured_only || c->src[i].ch[k].measured;
	return n;
}

/* A fresh collector for o (the parts that must not be 0 set). */
static struct collector *coll_new(const struct ctk_collect_opts *o)
{
	struct collector *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->o = o;
	c->server.lfd = -1;
	c->child = -1;
	c->sig_pipe[0] = c->sig_pipe[1] = -1;
	sigprocmask(SIG_SETMASK, NULL, &c->oldmask);
	if (o->stats)
		c->clock_s = ctk_coll_calibrate_clock();
	c->backoff_cap = o->interval_ns > 0 ? (10 * CTK_NS_PER_S) / o->interval_ns : 1;
	if (c->backoff_cap < 1)
		c->backoff_cap = 1;
	return c;
}

/* --epoch-regex and its output helper, first, while this process has no
 * threads (a driver may start some) and no store open, so it inherits
 * neither. */
static int open_regex(struct collector *c, struct ctk_error *err)
{
	int rc;

	if (!c->o->epoch_regex)
		return 0;
	if ((rc = ctk_tee_compile(c->o->epoch_regex, &c->re, err)))
		return rc;
	c->have_re = 1;
	if (c->o->attach)
		return 0;
	if ((rc = ctk_tee_start(&c->tee, &c->re, err)))
		return rc;
	c->have_tee = 1;
	return 0;
}

/* The answer to a "status" request on the marker socket (status.h): this
 * collector's figures so far. Malloc'ed JSON line, NULL when out of memory. */
static char *status_reply(void *ctx)
{
	struct collector *c = ctx;
	struct ctk_status_dev *dev = calloc((size_t)(c->ee.ndev ? c->ee.ndev : 1), sizeof(*dev));
	struct ctk_status_view v = {.run_id = c->run_id, .db_path = c->dbpath, .now_ns = ctk_now_ns(),
				    .started_ns = c->has_first ? c->first_ns : 0, .simulated = c->simulated, .dev = dev,
				    .epochs_done = c->marks.epochs_closed, .epoch_open = c->marks.epoch_open,
				    .epoch_current = c->marks.epoch_idx, .planned_epochs = c->o->epochs};
	char *s;

	if (!dev)
		return NULL;
	for (int i = 0; i < c->nsrc; i++)
		for (int k = 0; k < c->src[i].nch; k++) {
			const struct ctk_channel *ch = &c->src[i].ch[k];
			if (!ch->measured || v.ndev >= c->ee.ndev)
				continue;
			const struct ctk_ee_dev *e = &c->ee.dev[v.ndev];
			dev[v.ndev++] = (struct ctk_status_dev){.kind = ch->kind, .name = ch->name, .uuid = ch->uuid,
				.idx = ch->idx, .device_id = ch->device_id, .energy_j = e->last_j,
				.readings = e->nread, .last_ns = e->last.t_ns};
		}
	if (c->live_on && c->live.has_last) {
		v.has_prediction = 1;
		v.prediction = c->live.last;
		v.prediction_after_n = c->live.last_after_n;
		v.prediction_planned = c->live.last_planned;
		v.predictor = ctk_predictor_default()->name;
		v.has_intensity = c->live.o.has_intensity;
		v.intensity_g_per_kwh = c->live.o.intensity_g_per_kwh;
	}
	s = ctk_status_json(&v);
	free(dev);
	return s;
}

/* The energy tracker (always: the "status" answer reads it) and, with
 * --epochs and a command, the live prediction on its epoch windows. */
static int open_live(struct collector *c, struct ctk_error *err)
{
	const struct ctk_collect_opts *o = c->o;

	if (ctk_epoch_energy_init(&c->ee, (int)count_devices(c, 1)))
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	c->marks.on_status = status_reply;
	c->marks.on_status_ctx = c;
	if (o->epochs <= 0 || o->attach)
		return 0;
	struct ctk_live_opts lo = o->live;
	lo.planned = o->epochs;
	ctk_live_init(&c->live, &lo);
	c->live_on = 1;
	c->marks.on_epoch = ctk_coll_on_epoch_mark;
	c->marks.on_epoch_ctx = c;
	return 0;
}

/* The store: opened with a short busy wait (never wait long for another
 * writer: readings stay buffered and the next flush tries again), the live
 * intensity looked up, the run and its devices created. */
static int open_store(struct collector *c, struct ctk_error *err)
{
	const struct ctk_collect_opts *o = c->o;
	int rc;

	if ((rc = ctk_db_open(c->dbpath, CTK_DB_CREATE, &c->db, err)))
		return rc;
	sqlite3_busy_timeout(c->db, (int)(o->interval_ns / 2000000 < 100 ? o->interval_ns / 2000000 + 1 : 100));
	if (c->live_on) {
		live_intensity(c);
		if (c->live.o.has_budget_g && !c->live.o.has_intensity)
			return ctk_failf(err, CTK_EUSAGE, "--budget-g needs an intensity: --intensity G, or --zone Z "
					 "with an intensity series in the store%s%s%s", o->zone ? " (none for '" : "",
					 o->zone ? o->zone : "", o->zone ? "')" : "");
	}
	if ((rc = store_run(c, err)) || (rc = ctk_sample_writer_new(c->db, 0, &c->w, err)))
		return rc;
	return 0;
}

/* Everything before the first reading. */
static int coll_open(struct collector *c, struct ctk_error *err)
{
	int rc;

	if ((rc = ctk_collect_db_path(c->o->db_spec, c->dbpath, sizeof c->dbpath, err)) ||
	    (rc = open_regex(c, err)) || (rc = open_sources(c, err)) || (rc = open_live(c, err)) ||
	    (rc = ctk_coll_metrics_open(c, err)))
		return rc;
	if (count_devices(c, 1) == 0)
		ctk_coll_warnf(c, "no device can be measured: the run is recorded without readings");
	double share;
	long alloc, total;
	if (ctk_slurm_cpu_share(&share, &alloc, &total)) {
		char note[200];
		snprintf(note, sizeof note, "shared node: the job holds %ld of %ld CPUs; its CPU/DRAM share (%.3f) is an "
			 "estimate by cores (cpu_share in the run's config)", alloc, total, share);
		ctk_coll_say(c, "", note);
	}
	if (c->simulated)
		ctk_coll_warnf(c, "measuring a SIMULATED device (fake NVML, tests/fakenvml): the numbers are not real");
	/* the socket next (not inherited by the helper; a bad --socket fails
	 * before anything is stored), then the store */
	if ((rc = ctk_mark_server_open(&c->server, c->o->socket_path, err)) || (rc = open_store(c, err)))
		return rc;
	if (c->o->attach) {
		char note[300];
		snprintf(note, sizeof note, "run %lld: sampling until SIGINT/SIGTERM; markers: CTK_SOCKET=%s",
			 (long long)c->run_id, c->server.path);
		ctk_coll_say(c, "", note);
	}
	return 0;
}

/* --baseline: sample idle before the command, stored as a 'baseline'
 * window. Returns 1 when a signal stopped it (the command never starts). */
static int coll_baseline(struct collector *c, int *status, struct ctk_error *err)
{
	char reply[300];
	int64_t b0 = ctk_now_ns();

	ctk_coll_loop(c, UNTIL_TIME, ctk_coll_mono_ns() + c->o->baseline_ns);
	ctk_marks_apply(&c->marks, "begin baseline", b0, reply, sizeof reply);
	ctk_marks_apply(&c->marks, "end baseline", ctk_now_ns(), reply, sizeof reply);
	c->marks.done[c->marks.ndone - 1].kind = "baseline";
	if (!c->stop_signal)
		return 0;
	*status = 128 + c->stop_signal;
	c->child_end_ns = ctk_now_ns();
	ctk_coll_flush(c, 1, err);
	ctk_coll_warnf(c, "stopped by signal %d during the baseline: the command was not started", c->stop_signal);
	return 1;
}

/* Sample while the command runs (or until a stop with --attach). */
static int coll_run(struct collector *c, int *status, struct ctk_error *err)
{
	int rc;

	if (c->o->attach) {
		ctk_coll_loop(c, UNTIL_SIGNAL, 0);
		c->child_end_ns = ctk_now_ns();
		return 0;
	}
	if ((rc = ctk_coll_start_child(c, err)))
		return rc;
	if (c->have_tee)
		ctk_tee_parent_close(&c->tee);
	ctk_coll_loop(c, UNTIL_CHILD, 0);
	*status = c->child_status;
	return 0;
}

/* The end: a last reading, windows still open closed, the live prediction's
 * last epochs, the warnings that only the end can give, the last flush. */
static void coll_finish(struct collector *c, struct ctk_collect_result *res, struct ctk_error *err)
{
	const struct ctk_collect_opts *o = c->o;

	ctk_coll_round(c); /* a last reading after the end, so every window is covered */
	/* with --epoch-regex the last epoch ends with the command: no news */
	int expected = c->have_tee && c->marks.epoch_open;
	int closed = ctk_marks_close_all(&c->marks, c->child_end_ns) - expected;
	if (closed > 0)
		ctk_coll_warnf(c, "%d epoch/phase window(s) still open at the end: closed at %s", closed,
			       o->attach ? "the stop" : "the command's exit");
	if (c->have_tee && c->regex_lines == 0)
		ctk_coll_warnf(c, "--epoch-regex '%s' never matched a line of the command's output: no epochs "
			       "were recorded from it (check the pattern against the output; the command's "
			       "output may be block-buffered when not on a terminal)", o->epoch_regex);
	if (c->live_on) {
		ctk_epoch_energy_finish(&c->ee);
		ctk_coll_live_drain(c);
	}
	if (c->budget_stop) {
		/* documented: 128+SIGTERM whatever the command made of the signal
		 * (its own status stays in runs.exit_status) */
		res->status = 128 + SIGTERM;
		res->budget_stopped = 1;
	}
	if (c->have_tee && c->tee.dropped)
		ctk_coll_warnf(c, "--epoch-regex: %lld epoch line(s) dropped while the collector was behind (the command "
			       "never waited; markers_dropped in the run's config)", (long long)c->tee.dropped);
	if (c->server.rejected)
		ctk_coll_warnf(c, "%lld marker request(s) refused, %lld of them from another user (markers_rejected in the run's config)",
			       (long long)c->server.rejected, (long long)c->server.rejected_peer);
	/* the sampling is over: the last flush waits for a concurrent writer (an
	 * `ctk analyze` of the live run) as long as any command would, instead of
	 * the short wait that kept the rounds on time, so the last readings and
	 * windows are not lost to a busy store */
	ctk_db_wait_patiently(c->db);
	if (ctk_coll_flush(c, 1, err)) /* already reported; the command's status wins */
		ctk_coll_warnf(c, "the store failed at the end: %lld buffered reading(s) not stored, %lld dropped before (buffer full)",
			       (long long)ctk_sample_writer_pending(c->w), (long long)c->readings_lost);
}

/* What the collection did, for main's summary line and --stats. */
static void coll_result(const struct collector *c, struct ctk_collect_result *res)
{
	res->run_id = c->run_id;
	res->simulated = c->simulated;
	res->devices = count_devices(c, 0);
	res->channels = count_devices(c, 1);
	res->readings = ctk_sample_writer_count(c->w);
	res->windows = c->marks.stored;
	res->rounds = c->rounds;
	res->misses = c->misses;
	snprintf(res->db_path, sizeof res->db_path, "%s", c->dbpath);
	if (!c->o->stats)
		return;
	struct rusage ru;
	double rounds = c->rounds ? (double)c->rounds : 1;
	getrusage(RUSAGE_SELF, &ru);
	res->clock_us = c->clock_s * 1e6;
	/* the instrumentation's clock reads are taken out: a measured read
	 * spans one clock call, a measured round two per read plus one */
	res->reads_us = (c->read_cpu_s - (double)c->reads * c->clock_s) * 1e6 / rounds;
	res->round_us = (c->round_cpu_s - (double)(2 * c->reads + c->wakes) * c->clock_s) * 1e6 / rounds;
	res->own_us = res->round_us - res->reads_us;
	res->total_cpu_s = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
			   (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	res->maxrss_kib = ru.ru_maxrss;
}

static void coll_free(struct collector *c)
{
	if (c->have_tee) {
		if (c->child <= 0)
			ctk_tee_parent_close(&c->tee);
		ctk_tee_finish(&c->tee);
	}
	ctk_coll_signals_restore(c);
	ctk_mark_server_close(&c->server);
	ctk_marks_release(&c->marks);
	ctk_kept_release(&c->kept);
	ctk_epoch_energy_free(&c->ee);
	ctk_metrics_release(&c->metrics);
	ctk_live_free(&c->live);
	cJSON_Delete(c->budget_event);
	ctk_sample_writer_free(c->w);
	ctk_db_close(c->db);
	close_sources(c);
	if (c->have_re)
		regfree(&c->re);
	free(c);
}

int ctk_collect(const struct ctk_collect_opts *o, struct ctk_collect_result *res, struct ctk_error *err)
{
	struct collector *c = coll_new(o);
	int rc;

	memset(res, 0, sizeof(*res));
	if (!c)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	ctk_coll_ignore_xfsz(c);
	if ((rc = coll_open(c, err)) || (rc = ctk_coll_signals_install(c, err)))
		goto out;
	if (o->baseline_ns > 0 && coll_baseline(c, &res->status, err)) {
		coll_result(c, res);
		goto out;
	}
	if ((rc = coll_run(c, &res->status, err)))
		goto out;
	coll_finish(c, res, err);
	coll_result(c, res);
out:
	coll_free(c);
	return rc;
}
