/* `ctk collect --metrics-file`: the Prometheus text exposition (format
 * 0.0.4, prometheus.io "Exposition formats") of the run's per-device energy
 * counters, power gauges and epoch, written atomically at every flush into a
 * buffer sized at the start (metrics.h), and the collector's hook that fills
 * it from the live energy tracker (collector/epoch_energy.h). */
#include "collector/metrics.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collector/collect_int.h"
#include "collector/slurm.h"
#include "common/time.h"
#include "common/util.h"

/* Longest text of one number: "%.17g" of a double is at most 24 bytes
 * ("-1.2345678901234567e-308"); an int64 at most 20. */
#define NUM_MAX 32
/* Each metric line's fixed text (name, label names, quotes, braces) is
 * under this many bytes; HELP and TYPE lines of all seven metrics under HEAD_MAX. */
#define LINE_FIXED 96
#define HEAD_MAX 1536

size_t ctk_metrics_escape(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (; *s; s++) {
		const char *add;
		char one[2] = {*s, '\0'};
		switch (*s) {
		case '\\': add = "\\\\"; break;
		case '"': add = "\\\""; break;
		case '\n': add = "\\n"; break;
		default: add = one; break;
		}
		for (; *add; add++, n++)
			if (n + 1 < size)
				out[n] = *add;
	}
	if (size)
		out[n < size ? n : size - 1] = '\0';
	return n;
}

size_t ctk_metrics_bound(const struct ctk_metrics_run *run, const struct ctk_metrics_dev *dev, int ndev)
{
	/* five run lines (epoch, epochs, start, running, simulated), two per device */
	size_t host = 2 * strlen(run->host), total = HEAD_MAX + 5 * (LINE_FIXED + host + 2 * NUM_MAX);

	for (int i = 0; i < ndev; i++)
		total += 2 * (LINE_FIXED + host + 2 * strlen(dev[i].uuid) + 2 * strlen(dev[i].kind) + 2 * NUM_MAX);
	return total + 1;
}

/* A growing text in a fixed buffer: appends stop at the end and mark it. */
struct out {
	char *p;
	size_t n, size;
	int full;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (o->full)
		return;
	va_start(ap, fmt);
	k = vsnprintf(o->p + o->n, o->size - o->n, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= o->size - o->n)
		o->full = 1;
	else
		o->n += (size_t)k;
}

/* An escaped label value, appended in place. */
static void put_label(struct out *o, const char *name, const char *v, int last)
{
	if (o->full)
		return;
	put(o, "%s=\"", name);
	if (o->full)
		return;
	size_t k = ctk_metrics_escape(v, o->p + o->n, o->size - o->n);
	if (k >= o->size - o->n) {
		o->full = 1;
		return;
	}
	o->n += k;
	put(o, "\"%s", last ? "}" : ",");
}

/* A double in its shortest form of %.15g or %.17g that reads back equal
 * (Prometheus parses both; 321.09 rather than 321.08999999999997). */
static void put_num(struct out *o, double v)
{
	char b[NUM_MAX];

	snprintf(b, sizeof b, "%.15g", v);
	if (strtod(b, NULL) != v)
		snprintf(b, sizeof b, "%.17g", v);
	put(o, " %s\n", b);
}

static void head(struct out *o, const char *name, const char *type, const char *help)
{
	put(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void dev_labels(struct out *o, const char *name, const struct ctk_metrics_run *run,
		       const struct ctk_metrics_dev *d)
{
	char idx[24];

	snprintf(idx, sizeof idx, "%d", d->idx);
	put(o, "%s{", name);
	put_label(o, "host", run->host, 0);
	put_label(o, "device", idx, 0);
	put_label(o, "uuid", d->uuid, 0);
	put_label(o, "kind", d->kind, 1);
}

static void run_labels(struct out *o, const char *name, const struct ctk_metrics_run *run)
{
	char id[24];

	snprintf(id, sizeof id, "%lld", (long long)run->run_id);
	put(o, "%s{", name);
	put_label(o, "host", run->host, 0);
	put_label(o, "run", id, 1);
}

size_t ctk_metrics_format(char *buf, size_t size, const struct ctk_metrics_run *run,
			  const struct ctk_metrics_dev *dev, int ndev, struct ctk_error *err)
{
	struct out o = {buf, 0, size, size == 0};

	/* a counter appears once the device has a reading; unknown power is
	 * left out (no sample), never written as 0 */
	head(&o, "ctk_energy_joules_total", "counter",
	     "Energy of the device since the run's first reading (ctk collect), joules.");
	for (int i = 0; i < ndev; i++)
		if (dev[i].has_energy) {
			dev_labels(&o, "ctk_energy_joules_total", run, &dev[i]);
			put_num(&o, dev[i].energy_j);
		}
	head(&o, "ctk_power_watts", "gauge", "Latest power of the device (ctk collect), watts.");
	for (int i = 0; i < ndev; i++)
		if (dev[i].has_power) {
			dev_labels(&o, "ctk_power_watts", run, &dev[i]);
			put_num(&o, dev[i].power_w);
		}
	head(&o, "ctk_epoch", "gauge", "Number of the epoch in progress (absent between epochs).");
	if (run->epoch_open) {
		run_labels(&o, "ctk_epoch", run);
		put(&o, " %lld\n", (long long)run->epoch);
	}
	head(&o, "ctk_epochs_completed_total", "counter", "Epochs completed so far in the run.");
	run_labels(&o, "ctk_epochs_completed_total", run);
	put(&o, " %lld\n", (long long)run->epochs_done);
	head(&o, "ctk_run_start_time_seconds", "gauge", "Time of the run's first reading, Unix seconds.");
	if (run->started_ns) {
		run_labels(&o, "ctk_run_start_time_seconds", run);
		put_num(&o, (double)run->started_ns / 1e9);
	}
	head(&o, "ctk_collect_running", "gauge", "1 while ctk collect samples, 0 after the run ended.");
	run_labels(&o, "ctk_collect_running", run);
	put(&o, " %d\n", run->running ? 1 : 0);
	/* simulated runs are marked in every output, this one too */
	head(&o, "ctk_run_simulated", "gauge", "1 when the devices are a test fake (simulated), not real hardware.");
	run_labels(&o, "ctk_run_simulated", run);
	put(&o, " %d\n", run->simulated ? 1 : 0);
	if (o.full) {
		if (size)
			buf[0] = '\0';
		ctk_failf(err, CTK_EINPUT, "metrics text longer than its %zu-byte buffer", size);
		return 0;
	}
	return o.n;
}

int ctk_metrics_open(struct ctk_metrics *m, const char *path, const struct ctk_metrics_run *run,
		     const struct ctk_metrics_dev *dev, int ndev, struct ctk_error *err)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];

	memset(m, 0, sizeof(*m));
	if (!*path || path[strlen(path) - 1] == '/')
		return ctk_failf(err, CTK_EUSAGE, "--metrics-file '%s': not a file name", path);
	if (strlen(path) >= sizeof m->path)
		return ctk_failf(err, CTK_EUSAGE, "--metrics-file: path too long");
	snprintf(m->path, sizeof m->path, "%s", path);
	/* a dot name that does not end in .prom: node_exporter reads *.prom only */
	snprintf(m->tmp, sizeof m->tmp, "%.*s.%s.%ld.tmp", slash ? (int)(slash - path + 1) : 0, path,
		 slash ? slash + 1 : path, (long)getpid());
	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path + (slash == path)) : 1, slash ? path : ".");
	if (access(dir, W_OK | X_OK))
		return ctk_failf(err, CTK_EUSAGE, "--metrics-file '%s': directory '%s' is not writable: %s", path, dir,
				 strerror(errno));
	m->size = ctk_metrics_bound(run, dev, ndev);
	m->buf = malloc(m->size);
	m->dev = calloc((size_t)(ndev > 0 ? ndev : 1), sizeof(*m->dev));
	if (!m->buf || !m->dev) {
		ctk_metrics_release(m);
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	}
	if (ndev > 0)
		memcpy(m->dev, dev, (size_t)ndev * sizeof(*dev));
	m->ndev = ndev;
	return 0;
}

int ctk_metrics_write(struct ctk_metrics *m, const struct ctk_metrics_run *run, struct ctk_error *err)
{
	size_t n = ctk_metrics_format(m->buf, m->size, run, m->dev, m->ndev, err), off = 0;
	int fd;

	if (!n)
		return CTK_EDB;
	fd = open(m->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return ctk_failf(err, CTK_EDB, "--metrics-file '%s': %s", m->tmp, strerror(errno));
	while (off < n) {
		ssize_t k = write(fd, m->buf + off, n - off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			int e = k < 0 ? errno : ENOSPC;
			close(fd);
			unlink(m->tmp);
			return ctk_failf(err, CTK_EDB, "--metrics-file '%s': %s", m->tmp, strerror(e));
		}
		off += (size_t)k;
	}
	if (close(fd) || rename(m->tmp, m->path)) {
		int e = errno;
		unlink(m->tmp);
		return ctk_failf(err, CTK_EDB, "--metrics-file '%s': %s", m->path, strerror(e));
	}
	return 0;
}

void ctk_metrics_release(struct ctk_metrics *m)
{
	free(m->buf);
	free(m->dev);
	m->buf = NULL;
	m->dev = NULL;
	m->ndev = 0;
}

/* The collector's side: the devices in the energy tracker's order (the
 * measured channels), their figures, and the run's. */
static void fill(struct collector *c, struct ctk_metrics_run *run, int final)
{
	int d = 0;

	for (int i = 0; i < c->nsrc; i++)
		for (int k = 0; k < c->src[i].nch; k++) {
			const struct ctk_channel *ch = &c->src[i].ch[k];
			if (!ch->measured || d >= c->metrics.ndev || d >= c->ee.ndev)
				continue;
			const struct ctk_ee_dev *e = &c->ee.dev[d];
			struct ctk_metrics_dev *m = &c->metrics.dev[d++];
			m->has_energy = e->nread > 0;
			m->energy_j = e->last_j;
			m->has_power = e->nread > 0 && e->last.has_power;
			m->power_w = (double)e->last.power_mw / 1e3;
			if (!m->has_power && e->nread > 1 && e->last.t_ns > e->prev.t_ns) {
				/* a counter-only device: the power of its last segment */
				m->power_w = (e->last_j - e->prev_j) / ((double)(e->last.t_ns - e->prev.t_ns) / 1e9);
				m->has_power = 1;
			}
		}
	*run = (struct ctk_metrics_run){.host = c->metrics_host, .run_id = c->run_id,
		.started_ns = c->has_first ? c->first_ns : 0, .epoch = c->marks.epoch_idx,
		.epoch_open = c->marks.epoch_open && !final, .epochs_done = c->marks.epochs_closed,
		.running = !final, .simulated = c->simulated};
}

int ctk_coll_metrics_open(struct collector *c, struct ctk_error *err)
{
	struct ctk_metrics_dev *dev;
	struct ctk_metrics_run run = {.host = c->metrics_host};
	char path[4096];
	int n = 0, rc;

	if (!c->o->metrics_file)
		return 0;
	if ((rc = ctk_collect_expand_path("--metrics-file", c->o->metrics_file, path, sizeof path, err)))
		return rc;
	ctk_slurm_host(c->metrics_host, sizeof c->metrics_host); /* the store's host: SLURMD_NODENAME in a job */
	dev = calloc((size_t)(c->ee.ndev > 0 ? c->ee.ndev : 1), sizeof(*dev));
	if (!dev)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	for (int i = 0; i < c->nsrc; i++)
		for (int k = 0; k < c->src[i].nch; k++) {
			const struct ctk_channel *ch = &c->src[i].ch[k];
			if (ch->measured && n < c->ee.ndev)
				dev[n++] = (struct ctk_metrics_dev){.kind = ch->kind, .uuid = ch->uuid, .idx = ch->idx};
		}
	rc = ctk_metrics_open(&c->metrics, path, &run, dev, n, err);
	free(dev);
	if (!rc)
		c->has_metrics = 1;
	return rc;
}

void ctk_coll_metrics_flush(struct collector *c, int final)
{
	struct ctk_metrics_run run;
	struct ctk_error e;

	if (!c->has_metrics)
		return;
	fill(c, &run, final);
	if (ctk_metrics_write(&c->metrics, &run, &e)) {
		if (!c->metrics_failures++ || final)
			ctk_coll_warnf(c, "%s (sampling goes on)", e.msg);
	} else {
		c->metrics_failures = 0;
	}
}
