/* The sampling loop of `ctk collect` (collect_int.h). One thread sleeps in
 * ppoll() until the next absolute deadline (CLOCK_MONOTONIC, start +
 * k·interval, so errors never accumulate into drift; a deadline that passed
 * while a round ran late is counted as missed and skipped), and wakes early
 * for signals (self-pipe), marker requests and --epoch-regex lines. Where
 * the devices keep their own samples it wakes once a second instead and
 * takes the readings since (batches, issue 18; CTK_COLL_BATCH_NS). Every
 * flush interval the buffered readings, the closed windows and the run's end
 * time go to the store in one transaction. */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collector/collect_int.h"
#include "common/db.h"
#include "common/store.h"
#include "common/time.h"

int64_t ctk_coll_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * CTK_NS_PER_S + ts.tv_nsec;
}

double ctk_coll_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --stats: the cost of one ctk_coll_cpu_s() call, to take the
 * instrumentation out of the figures (median of 9 batches of 1000 pairs). */
double ctk_coll_calibrate_clock(void)
{
	double b[9];

	for (int k = 0; k < 9; k++) {
		double t0 = ctk_coll_cpu_s(), t = t0;
		for (int i = 0; i < 1000; i++)
			t = ctk_coll_cpu_s();
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

/* A failed read: back off 1, 2, 4 … rounds (or batches) up to the cap;
 * complain at 1, 2, 4, 8 … failures. */
static void read_failed(struct collector *c, struct ctk_channel *ch, const struct ctk_error *e)
{
	/* the cap is in rounds; with batches the same time in batches */
	int64_t cap = c->backoff_cap;
	if (c->batch && (cap = cap * c->o->interval_ns / CTK_COLL_BATCH_NS) < 1)
		cap = 1;
	ch->fails++;
	int64_t b = ch->fails >= 40 ? cap : INT64_C(1) << (ch->fails - 1);
	ch->skip = (b < cap ? b : cap) - 1;
	if ((ch->fails & (ch->fails - 1)) == 0)
		ctk_coll_warnf(c, "%s (failed %lld time(s) in a row; other devices go on, retrying every %lld %s)",
			       e->msg, (long long)ch->fails, (long long)(ch->skip + 1), c->batch ? "second(s)" : "round(s)");
}

/* A channel read again after failures: say so. */
static void read_ok(struct collector *c, const struct ctk_source *s, struct ctk_channel *ch)
{
	if (ch->fails) {
		ctk_coll_warnf(c, "%s: %s %d reads again after %lld failure(s)", s->ops->name, ch->kind, ch->idx,
			       (long long)ch->fails);
		ch->fails = 0;
	}
}

/* Keep the reading in ch->r of measured channel number dev: store buffer,
 * live energy, the run's first and last times. */
static void keep_reading(struct collector *c, struct ctk_channel *ch, int dev)
{
	struct ctk_error e;

	if (ch->has_last && ch->r.t_ns < ch->last_t_ns)
		ch->r.t_ns = ch->last_t_ns; /* the wall clock was stepped back */
	ch->last_t_ns = ch->r.t_ns;
	ch->has_last = 1;
	if (ctk_sample_append(c->w, ch->device_id, ch->signal, &ch->r, &e)) {
		if (!c->readings_lost++)
			ctk_coll_warnf(c, "reading not stored: %s", e.msg);
		return;
	}
	/* always: the live prediction and the "status" answer use it */
	ctk_epoch_energy_add(&c->ee, dev, &ch->r);
	if (!c->has_first || ch->r.t_ns < c->first_ns)
		c->first_ns = ch->r.t_ns;
	if (ch->r.t_ns > c->last_ns)
		c->last_ns = ch->r.t_ns;
	c->has_first = 1;
}

/* Read channel ch of source s (measured channel number dev) and keep the
 * reading. timed: counted in --stats (the rounds on the deadlines, not at
 * markers). */
static void read_channel(struct collector *c, struct ctk_source *s, struct ctk_channel *ch, int dev, int timed)
{
	struct ctk_error e;
	timed = timed && c->o->stats;
	double r0 = timed ? ctk_coll_cpu_s() : 0;
	int rc = s->ops->read(s, ch, &e);

	if (timed) {
		c->read_cpu_s += ctk_coll_cpu_s() - r0;
		c->reads++;
	}
	if (rc) {
		read_failed(c, ch, &e);
		return;
	}
	read_ok(c, s, ch);
	keep_reading(c, ch, dev);
}

struct emit_ctx {
	struct collector *c;
	int dev;
};

static void on_emit(void *ctx, struct ctk_channel *ch)
{
	struct emit_ctx *x = ctx;

	keep_reading(x->c, ch, x->dev);
}

/* The batch of channel ch (batch mode): the readings since its last batch.
 * Returns how many were kept (0 when the read failed). */
static int batch_channel(struct collector *c, struct ctk_source *s, struct ctk_channel *ch, int dev, int timed)
{
	struct ctk_error e;
	struct emit_ctx x = {c, dev};
	timed = timed && c->o->stats;
	double r0 = timed ? ctk_coll_cpu_s() : 0;
	int n = s->ops->read_batch(s, ch, c->o->interval_ns, on_emit, &x, &e);

	if (timed) {
		c->read_cpu_s += ctk_coll_cpu_s() - r0;
		c->reads++;
	}
	if (n < 0) {
		read_failed(c, ch, &e);
		return 0;
	}
	read_ok(c, s, ch);
	return n;
}

/* Can this collector use batches (sources.h can_batch)? Only for intervals
 * shorter than a batch, and not with --no-batches. */
static int batch_possible(const struct collector *c)
{
	int sampled = 0;

	if (c->o->no_batches || c->o->interval_ns <= 0 || c->o->interval_ns >= CTK_COLL_BATCH_NS)
		return 0;
	for (int i = 0; i < c->nsrc; i++) {
		struct ctk_source *s = (struct ctk_source *)&c->src[i];
		for (int k = 0; k < s->nch; k++) {
			if (!s->ch[k].measured)
				continue;
			int b = s->ops->can_batch && s->ops->read_batch ? s->ops->can_batch(s, &s->ch[k]) : 0;
			if (b <= 0)
				return 0;
			sampled |= b == 2;
		}
	}
	return sampled;
}

/* Every measured channel once: a reading each, or in batch mode the batch
 * of each. marker: at a marker (channels that failed are retried by the
 * deadline rounds only, their back-off). Returns the most readings kept for
 * one device. */
static int64_t read_all(struct collector *c, int marker)
{
	int dev = -1; /* index among measured channels (epoch_energy.h) */
	int64_t most = 0;

	for (int i = 0; i < c->nsrc; i++) {
		struct ctk_source *s = &c->src[i];
		for (int k = 0; k < s->nch; k++) {
			struct ctk_channel *ch = &s->ch[k];
			if (!ch->measured)
				continue;
			dev++;
			if (marker ? ch->skip != 0 || ch->fails != 0 : ch->skip > 0) {
				if (!marker)
					ch->skip--;
				continue;
			}
			int64_t n = 1;
			if (c->batch)
				n = batch_channel(c, s, ch, dev, !marker);
			else
				read_channel(c, s, ch, dev, !marker);
			if (n > most)
				most = n;
		}
	}
	return most;
}

/* A round is one stored reading per device: one per wake-up, or in batch
 * mode as many as the most-read device got from its batch (the reading
 * taken at a marker not counted, as without batches). */
void ctk_coll_round(struct collector *c)
{
	int64_t n = read_all(c, 0);

	c->wakes++;
	c->rounds += c->batch ? n : 1;
}

void ctk_coll_marker_round(struct collector *c)
{
	/* one token per sampling interval, CTK_COLL_MARK_READ_BURST deep */
	c->mark_read.burst = CTK_COLL_MARK_READ_BURST;
	if (c->o->interval_ns <= 0 ||
	    !ctk_mark_bucket_take(&c->mark_read, 1e9 / (double)c->o->interval_ns, ctk_coll_mono_ns())) {
		c->mark_reads_skipped++;
		return;
	}
	c->mark_reads++;
	int64_t n = read_all(c, 1);
	if (c->batch && n > 1)
		c->rounds += n - 1;
}

static void flush_took(struct collector *c, int64_t t0)
{
	int64_t dt = ctk_coll_mono_ns() - t0;

	if (dt > c->flush_max_ns)
		c->flush_max_ns = dt;
}

int ctk_coll_flush(struct collector *c, int final, struct ctk_error *err)
{
	int rc;
	char *cfg = NULL;
	int64_t t0 = ctk_coll_mono_ns();

	ctk_coll_metrics_flush(c, final); /* --metrics-file, whatever the store does */
	if ((rc = ctk_kept_begin(c->db, &c->kept, err)))
		goto fail;
	/* readings and windows stay buffered until the commit: a failed flush loses none */
	if ((rc = ctk_sample_writer_write(c->w, err)) || (rc = ctk_marks_store(&c->marks, c->db, err)))
		goto fail;
	if (final) {
		cfg = ctk_coll_config_json(c, 1);
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
	flush_took(c, t0);
	c->fail_streak = 0;
	return 0;
fail:
	free(cfg);
	ctk_db_rollback(c->db);
	flush_took(c, t0);
	if (++c->fail_streak > c->fail_streak_max)
		c->fail_streak_max = c->fail_streak;
	if (!c->store_failures++ || final)
		ctk_coll_warnf(c, "store: %s (sampling goes on; the command is not affected)", err->msg);
	return rc;
}

static void on_tee_line(void *ctx, const char *line)
{
	struct collector *c = ctx;
	char reply[300];

	c->regex_lines++;
	if (ctk_marks_apply(&c->marks, line, ctk_now_ns(), reply, sizeof reply))
		ctk_coll_warnf(c, "--epoch-regex: %s", reply);
}

/* A deadline came: one round, the live prediction, the next deadline
 * (deadlines that passed meanwhile are counted as missed and skipped). */
static void tick(struct collector *c, int64_t *next)
{
	int64_t interval = c->batch ? CTK_COLL_BATCH_NS : c->o->interval_ns, now;
	double cpu0 = c->o->stats ? ctk_coll_cpu_s() : 0;

	ctk_coll_round(c);
	if (c->o->stats)
		c->round_cpu_s += ctk_coll_cpu_s() - cpu0;
	ctk_coll_live_drain(c);
	*next += interval;
	now = ctk_coll_mono_ns();
	if (now >= *next) {
		int64_t missed = (now - *next) / interval + 1;
		c->misses += missed;
		*next += missed * interval;
	}
}

/* Does the loop end now? After the command ends it waits for its last
 * output lines, but not for a background process that inherited the output
 * (2 s at most). */
static int loop_done(const struct collector *c, enum loop_until until, int64_t until_mono, int64_t now)
{
	switch (until) {
	case UNTIL_TIME:
		return now >= until_mono || c->stop_signal;
	case UNTIL_CHILD:
		return c->child_done && (!c->have_tee || c->tee_eof || now - c->child_done_mono > 2 * CTK_NS_PER_S);
	case UNTIL_SIGNAL:
		return c->stop_signal != 0;
	}
	return 1;
}

/* When to wake at the latest: the next deadline or flush, the end of the
 * wait for output, the end of a --baseline, the budget's grace time. */
static int64_t wake_at(const struct collector *c, enum loop_until until, int64_t until_mono, int64_t next,
		       int64_t next_flush)
{
	int64_t wake = next < next_flush ? next : next_flush;

	if (until == UNTIL_CHILD && c->child_done && wake > c->child_done_mono + 2 * CTK_NS_PER_S)
		wake = c->child_done_mono + 2 * CTK_NS_PER_S;
	if (until == UNTIL_TIME && until_mono < wake)
		wake = until_mono;
	/* a resting marker server is polled again at the end of its rest (issue 18) */
	int64_t rest = ctk_mark_server_rest_until(&c->server);
	if (rest && rest < wake)
		wake = rest;
	return ctk_coll_budget_wake(c, wake);
}

/* Sleep until wake or an event: a signal, a --epoch-regex line, a marker. */
static void wait_events(struct collector *c, int64_t wake)
{
	struct pollfd p[2 + 1 + CTK_MARK_MAX_CLIENTS];
	int n = 0, tee_at = -1;

	p[n].fd = c->sig_pipe[0];
	p[n++].events = POLLIN;
	if (c->have_tee && !c->tee_eof) {
		tee_at = n;
		p[n].fd = c->tee.mark_r;
		p[n++].events = POLLIN;
	}
	int srv_at = n;
	n += ctk_mark_server_pollfds(&c->server, p + n);
	int64_t now = ctk_coll_mono_ns(), dt = wake > now ? wake - now : 0;
	struct timespec ts = {(time_t)(dt / CTK_NS_PER_S), (long)(dt % CTK_NS_PER_S)};
	if (ppoll(p, (nfds_t)n, &ts, NULL) <= 0)
		return;
	if (p[0].revents & POLLIN)
		ctk_coll_signals_read(c);
	int64_t applied = c->marks.applied;
	if (tee_at >= 0 && (p[tee_at].revents & (POLLIN | POLLHUP | POLLERR)))
		c->tee_eof = ctk_tee_read(&c->tee, on_tee_line, c);
	int any = 0;
	for (int k = srv_at; k < n; k++)
		any |= p[k].revents != 0;
	if (any)
		ctk_mark_server_serve(&c->server, &c->marks);
	if (c->marks.applied != applied)
		ctk_coll_marker_round(c);
}

void ctk_coll_loop(struct collector *c, enum loop_until until, int64_t until_mono)
{
	struct ctk_error e;

	c->batch = batch_possible(c);
	c->flush_ns = c->o->flush_ns > 0 ? c->o->flush_ns : c->batch ? CTK_COLL_BATCH_FLUSH_NS : CTK_COLL_FLUSH_NS;
	int64_t t0 = ctk_coll_mono_ns(), next = t0, next_flush = t0 + c->flush_ns;

	for (;;) {
		int64_t now = ctk_coll_mono_ns();
		if (now >= next) {
			tick(c, &next);
			now = ctk_coll_mono_ns();
		}
		ctk_coll_budget_tick(c, now);
		if (now >= next_flush) {
			ctk_coll_flush(c, 0, &e);
			next_flush += c->flush_ns;
			if (next_flush <= now)
				next_flush = now + c->flush_ns;
		}
		if (loop_done(c, until, until_mono, now))
			return;
		wait_events(c, wake_at(c, until, until_mono, next, next_flush));
	}
}
