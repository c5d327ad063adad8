/* CPU package and DRAM energy through the Linux powercap interface (Intel
 * RAPL, and AMD's RAPL-compatible counters), under $CTK_SYSFS_ROOT or /sys.
 * Zones are rows of a table (control type, which zone names count, device
 * kind): packages and their dram subzones of every socket are measured;
 * psys (the whole SoC), core and uncore (parts of a package) are skipped so
 * nothing is counted twice, and an intel-rapl-mmio package is used only when
 * the MSR interface lacks it. energy_uj wraps at max_energy_range_uj; the
 * stored counter is unwrapped with ctk_counter_delta(). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collector/sources.h"
#include "common/time.h"
#include "common/util.h"

/* Which zones are read, as data. A zone path is <ctl>:<a> or <ctl>:<a>:<b>. */
struct zone_rule {
	const char *ctl;      /* control type directory prefix */
	int depth;            /* 1: top-level zone, 2: subzone */
	const char *name;     /* zone name prefix ('package-', 'dram') */
	const char *kind;     /* device kind in the store */
	int fallback;         /* 1: only if no non-fallback zone has the same socket and kind */
};

static const struct zone_rule rules[] = {
	{"intel-rapl", 1, "package-", "cpu", 0},
	{"intel-rapl", 2, "dram", "dram", 0},
	{"intel-rapl", 1, "dram", "dram", 0},   /* some servers list dram at the top */
	{"intel-rapl-mmio", 1, "package-", "cpu", 1},
	{NULL, 0, NULL, NULL, 0},
};

struct zone {
	const struct zone_rule *rule;
	char path[512];       /* zone directory */
	int a, b;             /* zone numbers */
	int socket;
	uint64_t max_uj;      /* 0 when unknown */
};

struct rapl_ch {
	int fd;               /* energy_uj, kept open */
	uint64_t max_uj;
	uint64_t last_raw;
	uint64_t total_uj;    /* unwrapped counter */
	int has_last;
};

/* Parse "<ctl>:<a>" or "<ctl>:<a>:<b>" exactly; returns depth or 0. */
static int zone_numbers(const char *entry, const char *ctl, int *a, int *b)
{
	size_t n = strlen(ctl);
	int used = 0;

	if (strncmp(entry, ctl, n) || entry[n] != ':')
		return 0;
	if (sscanf(entry + n, ":%d%n", a, &used) == 1 && !entry[n + (size_t)used] && *a >= 0)
		return 1;
	if (sscanf(entry + n, ":%d:%d%n", a, b, &used) == 2 && !entry[n + (size_t)used] && *a >= 0 && *b >= 0)
		return 2;
	return 0;
}

static int zone_cmp(const void *x, const void *y)
{
	const struct zone *p = x, *q = y;

	if (p->socket != q->socket)
		return p->socket < q->socket ? -1 : 1;
	return strcmp(p->rule->kind, q->rule->kind);
}

/* Collect matching zones of the tree into *zs (grown with realloc). */
static int scan(const char *root, struct zone **zs, int *nz, struct ctk_error *err)
{
	char dir[512], name[64];
	DIR *d;
	struct dirent *e;
	int cap = 0;

	snprintf(dir, sizeof dir, "%s/class/powercap", root);
	if (!(d = opendir(dir)))
		return 0; /* no powercap: nothing to measure */
	while ((e = readdir(d))) {
		for (const struct zone_rule *r = rules; r->ctl; r++) {
			int a = -1, b = -1, depth = zone_numbers(e->d_name, r->ctl, &a, &b);
			char path[512], np[600];
			if (depth != r->depth)
				continue;
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			snprintf(np, sizeof np, "%s/name", path);
			if (ctk_read_line(np, name, sizeof name) || strncmp(name, r->name, strlen(r->name)))
				continue;
			if (*nz == cap) {
				cap = cap ? cap * 2 : 8;
				struct zone *z = realloc(*zs, (size_t)cap * sizeof(*z));
				if (!z) {
					closedir(d);
					return ctk_failf(err, CTK_ENOMEM, "out of memory");
				}
				*zs = z;
			}
			struct zone *z = &(*zs)[(*nz)++];
			memset(z, 0, sizeof(*z));
			z->rule = r;
			z->a = a;
			z->b = b;
			snprintf(z->path, sizeof z->path, "%s", path);
			/* socket: package-N names it; a dram subzone belongs to its parent */
			int pkg;
			if (!strncmp(name, "package-", 8) && sscanf(name + 8, "%d", &pkg) == 1)
				z->socket = pkg;
			else
				z->socket = a;
			snprintf(np, sizeof np, "%s/max_energy_range_uj", path);
			if (ctk_read_u64_path(np, &z->max_uj))
				z->max_uj = 0;
		}
	}
	closedir(d);
	return 0;
}

static int rapl_open(struct ctk_source *s, const struct ctk_source_opts *o, struct ctk_error *err)
{
	struct zone *zs = NULL;
	int nz = 0, rc, denied = 0;
	char first_denied[600] = "";

	if ((rc = scan(o->sysfs_root, &zs, &nz, err))) {
		free(zs);
		return rc;
	}
	if (nz > 1)
		qsort(zs, (size_t)nz, sizeof(*zs), zone_cmp);
	for (int i = 0; i < nz; i++) {
		struct zone *z = &zs[i];
		int dup = 0;
		for (int k = 0; k < nz; k++)
			if (k != i && zs[k].socket == z->socket && !strcmp(zs[k].rule->kind, z->rule->kind) &&
			    (zs[k].rule->fallback < z->rule->fallback ||
			     (zs[k].rule->fallback == z->rule->fallback && k < i)))
				dup = 1;
		if (dup)
			continue;
		struct ctk_channel *ch = ctk_source_add(s);
		struct rapl_ch *rc2 = calloc(1, sizeof(*rc2));
		char ep[600];
		if (!ch || !rc2) {
			free(rc2);
			free(zs);
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		}
		ch->priv = rc2;
		snprintf(ch->kind, sizeof ch->kind, "%s", z->rule->kind);
		snprintf(ch->vendor, sizeof ch->vendor, "rapl");
		snprintf(ch->name, sizeof ch->name, "%s %s-%d", ctk_basename(z->path),
			 !strcmp(z->rule->kind, "cpu") ? "package" : "dram", z->socket);
		ch->idx = z->socket;
		rc2->max_uj = z->max_uj;
		snprintf(ep, sizeof ep, "%s/energy_uj", z->path);
		rc2->fd = open(ep, O_RDONLY | O_CLOEXEC);
		uint64_t v;
		int e = rc2->fd < 0 ? -errno : ctk_read_u64_fd(rc2->fd, &v);
		if (e == -EACCES || e == -EPERM) {
			if (!denied++)
				snprintf(first_denied, sizeof first_denied, "%s", ep);
			ch->measured = 0;
			snprintf(ch->flags, sizeof ch->flags, "not-measured");
		} else if (e) {
			ch->measured = 0;
			snprintf(ch->flags, sizeof ch->flags, "not-measured");
			ctk_source_warn(s, "rapl: '%s': %s: %s not measured", ep, strerror(-e), ch->name);
		} else if (!z->max_uj) {
			ctk_source_warn(s, "rapl: '%s/max_energy_range_uj' unreadable: a wrap of %s will read as a reset",
					z->path, ch->name);
		}
		if (!ch->measured && rc2->fd >= 0) {
			close(rc2->fd);
			rc2->fd = -1;
		}
	}
	free(zs);
	if (denied)
		ctk_source_warn(s, "rapl: cannot read '%s': permission denied: CPU and DRAM energy NOT measured "
				"(recorded as not measured, not 0). Fix: sudo chmod a+r %s/class/powercap/intel-rapl:*/energy_uj "
				"%s/class/powercap/intel-rapl:*/*/energy_uj, or a udev rule: "
				"ACTION==\"add\", SUBSYSTEM==\"powercap\", RUN+=\"/bin/chmod a+r /sys%%p/energy_uj\"",
				first_denied, o->sysfs_root, o->sysfs_root);
	return 0;
}

static int rapl_read(struct ctk_source *s, struct ctk_channel *ch, struct ctk_error *err)
{
	struct rapl_ch *c = ch->priv;
	uint64_t raw;
	int e;

	(void)s;
	e = ctk_read_u64_fd(c->fd, &raw);
	ch->r.t_ns = ctk_now_ns();
	if (e)
		return ctk_failf(err, CTK_EDEVICE, "rapl: %s: energy_uj: %s", ch->name, strerror(-e));
	if (c->has_last)
		c->total_uj += ctk_counter_delta(c->last_raw, raw, c->max_uj);
	else
		c->total_uj = raw;
	c->last_raw = raw;
	c->has_last = 1;
	ch->r.energy_uj = (int64_t)c->total_uj;
	ch->r.has_energy = 1;
	ch->r.has_power = 0;
	ch->signal = "counter";
	return 0;
}

/* A counter: read once per batch (ctk_source_batch_once). */
static int rapl_can_batch(struct ctk_source *s, struct ctk_channel *ch)
{
	(void)s;
	(void)ch;
	return 1;
}

static void rapl_close(struct ctk_source *s)
{
	for (int i = 0; i < s->nch; i++) {
		struct rapl_ch *c = s->ch[i].priv;
		if (c && c->fd >= 0)
			close(c->fd);
		if (c)
			c->fd = -1;
	}
}

const struct ctk_source_ops ctk_source_rapl = {
	.name = "rapl",
	.summary = "CPU packages and DRAM: powercap energy_uj (wrap-corrected)",
	.open = rapl_open,
	.read = rapl_read,
	.can_batch = rapl_can_batch,
	.read_batch = ctk_source_batch_once,
	.close = rapl_close,
};
