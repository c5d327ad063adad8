/* `ctk merge` (merge_job.h): read every input store's runs, devices (with the
 * time span of their readings) and windows; group the runs (SLURM job id or
 * --as-one); keep each (host, UUID) once where two inputs measured it over
 * the same time; estimate clock offsets from matching markers; then write
 * the merged runs, their devices, the readings (stored chunks copied as they
 * are, never decoded), the reference's windows, the merge tables and what
 * merge_carry.c carries (reported numbers, settings, intensity series) into
 * the output store in one transaction. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "analyze/energy/merge_job.h"
#include "analyze/energy/merge_carry.h"
#include "common/db.h"
#include "common/store.h"
#include "common/time.h"

struct m_run {
	int in;                  /* input index */
	int64_t id;              /* run_id in the input */
	char *label, *host, *command, *zone, *config, *tz, *job, *procid;
	int64_t started_ns, ended_ns;
	int has_started, has_ended, exit_status, has_exit, planned, simulated;
	int group;
	int64_t offset_ns;       /* clock offset against the group's reference */
	int has_offset, matched, ndev, ndrop;
	int win_lo, win_hi;      /* its windows: wins[win_lo..win_hi) (loaded run by run) */
};

struct m_dev {
	int run;                 /* index into runs */
	int64_t id;              /* device_id in the input */
	char *host, *kind, *vendor, *name, *uuid, *bus_id, *flags;
	int idx, has_idx, has_plim;
	double plim_w;
	int64_t first_ns, last_ns;
	int has_span;
	int dup_of;              /* -1, else the device kept in its place */
	int64_t overlap_ns;
	int64_t new_id;          /* device_id in out */
};

struct m_win {
	int run;
	char *kind, *name;
	int64_t idx, start_ns, end_ns, items;
	int has_idx, has_items, attempt;
};

struct merge {
	char *const *in;
	int nin;
	struct m_run *runs;
	int nruns, capruns;
	struct m_dev *devs;
	int ndevs, capdevs;
	struct m_win *wins;
	int nwins, capwins;
	int ngroups;
	int *ref;                /* per group: index of its reference run */
	int64_t *new_run;        /* per group: run_id in out */
};

static void *grow(void *p, int *cap, int n, size_t size)
{
	if (n < *cap)
		return p;
	int c = *cap ? *cap * 2 : 16;
	void *q = realloc(p, (size_t)c * size);
	if (q)
		*cap = c;
	return q;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? strdup((const char *)s) : NULL;
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* The job id and rank a run's config_json records (malloc'ed or NULL). */
static void run_slurm(struct m_run *r)
{
	cJSON *j = r->config ? cJSON_Parse(r->config) : NULL;
	const char *v;

	if (!j)
		return;
	if ((v = cJSON_GetStringValue(cJSON_GetObjectItem(j, "slurm_job_id"))))
		r->job = strdup(v);
	if ((v = cJSON_GetStringValue(cJSON_GetObjectItem(j, "slurm_procid"))))
		r->procid = strdup(v);
	cJSON_Delete(j);
}

/* The runs of input in (its index), appended to m->runs. */
static int load_runs(struct merge *m, sqlite3 *db, int in, struct ctk_error *err)
{
	sqlite3_stmt *st;
	int rc, step;

	if ((rc = ctk_db_prepare(db, "SELECT run_id, label, host, command, zone, config_json, tz, started_ns, "
				 "ended_ns, exit_status, planned_epochs, simulated FROM runs ORDER BY run_id", &st, err)))
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct m_run *r;
		if (!(r = grow(m->runs, &m->capruns, m->nruns, sizeof(*r)))) {
			sqlite3_finalize(st);
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		}
		m->runs = r;
		r = &m->runs[m->nruns++];
		memset(r, 0, sizeof(*r));
		r->in = in;
		r->id = sqlite3_column_int64(st, 0);
		r->label = col_dup(st, 1);
		r->host = col_dup(st, 2);
		r->command = col_dup(st, 3);
		r->zone = col_dup(st, 4);
		r->config = col_dup(st, 5);
		r->tz = col_dup(st, 6);
		r->has_started = sqlite3_column_type(st, 7) != SQLITE_NULL;
		r->started_ns = sqlite3_column_int64(st, 7);
		r->has_ended = sqlite3_column_type(st, 8) != SQLITE_NULL;
		r->ended_ns = sqlite3_column_int64(st, 8);
		r->has_exit = sqlite3_column_type(st, 9) != SQLITE_NULL;
		r->exit_status = sqlite3_column_int(st, 9);
		r->planned = sqlite3_column_int(st, 10);
		r->simulated = sqlite3_column_int(st, 11);
		run_slurm(r);
	}
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? 0 : ctk_db_fail(db, err, "reading runs");
}

/* The run of input in with run_id id (index into runs), -1 if none. */
static int run_index(const struct merge *m, int in, int64_t id)
{
	for (int i = m->nruns - 1; i >= 0 && m->runs[i].in == in; i--)
		if (m->runs[i].id == id)
			return i;
	return -1;
}

/* Its devices, each with the first and last time of its readings. */
static int load_devices(struct merge *m, sqlite3 *db, int in, struct ctk_error *err)
{
	sqlite3_stmt *st;
	int rc, step;

	if ((rc = ctk_db_prepare(db, "SELECT d.device_id, d.run_id, d.host, d.kind, d.vendor, d.name, d.uuid, d.bus_id, "
				 "d.idx, d.power_limit_w, d.flags, (SELECT min(first_ns) FROM sample_chunks c WHERE "
				 "c.device_id = d.device_id), (SELECT max(last_ns) FROM sample_chunks c WHERE c.device_id = "
				 "d.device_id) FROM devices d ORDER BY d.run_id, d.device_id", &st, err)))
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct m_dev *d;
		int run = run_index(m, in, sqlite3_column_int64(st, 1));
		if (run < 0)
			continue;
		if (!(d = grow(m->devs, &m->capdevs, m->ndevs, sizeof(*d)))) {
			sqlite3_finalize(st);
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		}
		m->devs = d;
		d = &m->devs[m->ndevs++];
		memset(d, 0, sizeof(*d));
		d->run = run;
		d->dup_of = -1;
		d->id = sqlite3_column_int64(st, 0);
		d->host = col_dup(st, 2);
		d->kind = col_dup(st, 3);
		d->vendor = col_dup(st, 4);
		d->name = col_dup(st, 5);
		d->uuid = col_dup(st, 6);
		d->bus_id = col_dup(st, 7);
		d->has_idx = sqlite3_column_type(st, 8) != SQLITE_NULL;
		d->idx = sqlite3_column_int(st, 8);
		d->has_plim = sqlite3_column_type(st, 9) != SQLITE_NULL;
		d->plim_w = sqlite3_column_double(st, 9);
		d->flags = col_dup(st, 10);
		d->has_span = sqlite3_column_type(st, 11) != SQLITE_NULL;
		d->first_ns = sqlite3_column_int64(st, 11);
		d->last_ns = sqlite3_column_int64(st, 12);
		if (!d->kind) {
			sqlite3_finalize(st);
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		}
		m->runs[run].ndev++;
	}
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? 0 : ctk_db_fail(db, err, "reading devices");
}

/* Its windows (every kind), run by run in time order. */
static int load_windows(struct merge *m, sqlite3 *db, int in, struct ctk_error *err)
{
	sqlite3_stmt *st;
	int rc, step;

	if ((rc = ctk_db_prepare(db, "SELECT run_id, kind, name, idx, start_ns, end_ns, items, attempt FROM windows "
				 "ORDER BY run_id, start_ns, window_id", &st, err)))
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct m_win *w;
		int run = run_index(m, in, sqlite3_column_int64(st, 0));
		if (run < 0)
			continue;
		if (!(w = grow(m->wins, &m->capwins, m->nwins, sizeof(*w)))) {
			sqlite3_finalize(st);
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		}
		m->wins = w;
		if (m->runs[run].win_hi == 0)
			m->runs[run].win_lo = m->nwins;
		m->runs[run].win_hi = m->nwins + 1;
		w = &m->wins[m->nwins++];
		memset(w, 0, sizeof(*w));
		w->run = run;
		w->kind = col_dup(st, 1);
		w->name = col_dup(st, 2);
		w->has_idx = sqlite3_column_type(st, 3) != SQLITE_NULL;
		w->idx = sqlite3_column_int64(st, 3);
		w->start_ns = sqlite3_column_int64(st, 4);
		w->end_ns = sqlite3_column_int64(st, 5);
		w->has_items = sqlite3_column_type(st, 6) != SQLITE_NULL;
		w->items = sqlite3_column_int64(st, 6);
		w->attempt = sqlite3_column_int(st, 7);
		if (!w->kind) {
			sqlite3_finalize(st);
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		}
	}
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? 0 : ctk_db_fail(db, err, "reading windows");
}

/* 0 when path starts with SQLite's header ("SQLite format 3", sqlite.org
 * fileformat2.html), so a file of another kind is refused by name before
 * SQLite reads it. */
static int is_sqlite(const char *path, struct ctk_error *err)
{
	char head[16] = {0};
	FILE *f = fopen(path, "rb");

	if (!f)
		return ctk_failf(err, CTK_EINPUT, "'%s': %s", path, strerror(errno));
	size_t n = fread(head, 1, sizeof head, f);
	fclose(f);
	if (n != sizeof head || memcmp(head, "SQLite format 3", 16))
		return ctk_failf(err, CTK_EINPUT, "'%s': not a ctk store (not an SQLite file)", path);
	return 0;
}

/* Read one input store (checked by ctk_db_open: a ctk store of a version
 * this build knows); an error names the store. */
static int load_input(struct merge *m, int in, struct ctk_error *err)
{
	sqlite3 *db = NULL;
	int rc;

	if ((rc = is_sqlite(m->in[in], err)) || (rc = ctk_db_open(m->in[in], CTK_DB_READONLY, &db, err)))
		return rc;
	if ((rc = load_runs(m, db, in, err)) || (rc = load_devices(m, db, in, err)) ||
	    (rc = load_windows(m, db, in, err))) {
		char msg[sizeof err->msg];
		snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
		ctk_failf(err, rc, "'%s': %s", m->in[in], msg);
	}
	ctk_db_close(db);
	return rc;
}

/* Groups: one per job id (first seen first), or one with as_one. The
 * reference of a group is its rank-0 run, else its first. */
static int make_groups(struct merge *m, const struct ctk_merge_opts *o, struct ctk_error *err)
{
	m->ngroups = 0;
	for (int i = 0; i < m->nruns; i++) {
		struct m_run *r = &m->runs[i];
		if (o->as_one) {
			r->group = 0;
			m->ngroups = 1;
			continue;
		}
		if (!r->job)
			return ctk_failf(err, CTK_EINPUT, "'%s' run %lld: no SLURM job id in its config (merge other runs "
					 "with --as-one)", m->in[r->in], (long long)r->id);
		r->group = -1;
		for (int k = 0; k < i && r->group < 0; k++)
			if (!strcmp(m->runs[k].job, r->job))
				r->group = m->runs[k].group;
		if (r->group < 0)
			r->group = m->ngroups++;
	}
	if (!(m->ref = calloc((size_t)m->ngroups + 1, sizeof(int))) ||
	    !(m->new_run = calloc((size_t)m->ngroups + 1, sizeof(int64_t))))
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	for (int g = 0; g < m->ngroups; g++) {
		m->ref[g] = -1;
		for (int i = 0; i < m->nruns; i++)
			if (m->runs[i].group == g && m->ref[g] < 0)
				m->ref[g] = i;
		for (int i = 0; i < m->nruns; i++)
			if (m->runs[i].group == g && same(m->runs[i].procid, "0")) {
				m->ref[g] = i;
				break;
			}
	}
	return 0;
}

/* One piece of hardware: (host, UUID); without a UUID (RAPL packages, DRAM)
 * (host, kind, index, name). */
static int same_hw(const struct m_dev *a, const struct m_dev *b)
{
	if (!same(a->host, b->host))
		return 0;
	if (a->uuid || b->uuid)
		return same(a->uuid, b->uuid);
	return !strcmp(a->kind, b->kind) && a->has_idx == b->has_idx && a->idx == b->idx && same(a->name, b->name);
}

/* Order of devices in a group: the reference run's first, then input order. */
static int dev_rank(const struct merge *m, const struct m_dev *d)
{
	return d->run == m->ref[m->runs[d->run].group] ? -1 : d->run;
}

/* Devices in the order they are kept: the reference runs' first, then the
 * others in input order. Fills order[0..ndevs). */
static void dev_order(const struct merge *m, int *order)
{
	int n = 0;

	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < m->ndevs; i++)
			if ((dev_rank(m, &m->devs[i]) < 0) == (pass == 0))
				order[n++] = i;
}

/* A device whose hardware a device kept before it (same group, another
 * run) measured over an overlapping time is dropped: dup_of, overlap_ns. */
static int find_duplicates(struct merge *m, struct ctk_error *err)
{
	int *order = malloc(sizeof(int) * ((size_t)m->ndevs + 1));

	if (!order)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	dev_order(m, order);
	for (int a = 0; a < m->ndevs; a++) {
		struct m_dev *d = &m->devs[order[a]];
		for (int b = 0; b < a && d->has_span; b++) {
			const struct m_dev *e = &m->devs[order[b]];
			if (e->dup_of >= 0 || e->run == d->run || !e->has_span ||
			    m->runs[e->run].group != m->runs[d->run].group || !same_hw(d, e))
				continue;
			int64_t lo = d->first_ns > e->first_ns ? d->first_ns : e->first_ns;
			int64_t hi = d->last_ns < e->last_ns ? d->last_ns : e->last_ns;
			if (hi >= lo) {
				d->dup_of = order[b];
				d->overlap_ns = hi - lo;
				m->runs[d->run].ndrop++;
				break;
			}
		}
	}
	free(order);
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Clock offset of each run against its group's reference: the median of
 * the differences between the starts and ends of the windows both have
 * (same kind, number, name and attempt). */
static int clock_offsets(struct merge *m, struct ctk_error *err)
{
	int64_t *d = malloc(sizeof(*d) * 2 * ((size_t)m->nwins + 1));

	if (!d)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	for (int i = 0; i < m->nruns; i++) {
		struct m_run *r = &m->runs[i];
		int ref = m->ref[r->group], n = 0;
		if (i == ref) {
			r->has_offset = 1;
			continue;
		}
		for (int a = r->win_lo; a < r->win_hi; a++) {
			const struct m_win *x = &m->wins[a];
			for (int b = m->runs[ref].win_lo; b < m->runs[ref].win_hi; b++) {
				const struct m_win *y = &m->wins[b];
				if (strcmp(x->kind, y->kind) || x->has_idx != y->has_idx || x->idx != y->idx ||
				    !same(x->name, y->name) || x->attempt != y->attempt)
					continue;
				d[n++] = x->start_ns - y->start_ns;
				d[n++] = x->end_ns - y->end_ns;
				r->matched++;
				break;
			}
		}
		if (n) {
			qsort(d, (size_t)n, sizeof(*d), cmp_i64);
			r->offset_ns = n % 2 ? d[n / 2] : d[n / 2 - 1] + (d[n / 2] - d[n / 2 - 1]) / 2;
			r->has_offset = 1;
		}
	}
	free(d);
	return 0;
}

/* The merged run of group g: the reference's label, command, zone and
 * config (plus what was merged), the span of all, one host if all share it. */
static int write_run(struct merge *m, sqlite3 *db, int g, struct ctk_error *err)
{
	const struct m_run *ref = &m->runs[m->ref[g]];
	struct ctk_run r = {0};
	cJSON *j = ref->config ? cJSON_Parse(ref->config) : NULL, *hosts = cJSON_CreateArray(), *mj;
	int nruns = 0, one_host = 1, rc;
	char label[160], *cfg;

	if (!j)
		j = cJSON_CreateObject();
	if (!j || !hosts || !(mj = cJSON_AddObjectToObject(j, "merged"))) {
		cJSON_Delete(j);
		cJSON_Delete(hosts);
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	}
	r = (struct ctk_run){.label = ref->label, .host = ref->host, .command = ref->command, .zone = ref->zone,
			     .source = "merge", .tz = ref->tz, .planned_epochs = ref->planned,
			     .exit_status = ref->exit_status, .has_exit_status = ref->has_exit};
	for (int i = 0; i < m->nruns; i++) {
		const struct m_run *x = &m->runs[i];
		if (x->group != g)
			continue;
		nruns++;
		r.simulated |= x->simulated;
		if (!r.zone)
			r.zone = x->zone;
		if (x->has_started && (!r.has_started || x->started_ns < r.started_ns))
			r.started_ns = x->started_ns, r.has_started = 1;
		if (x->has_ended && (!r.has_ended || x->ended_ns > r.ended_ns))
			r.ended_ns = x->ended_ns, r.has_ended = 1;
		if (x->has_exit && x->exit_status && !r.exit_status)
			r.exit_status = x->exit_status, r.has_exit_status = 1;
		one_host &= same(x->host, ref->host);
		int seen = 0;
		for (int k = 0; k < i; k++)
			seen |= m->runs[k].group == g && same(m->runs[k].host, x->host);
		if (!seen && x->host)
			cJSON_AddItemToArray(hosts, cJSON_CreateString(x->host));
	}
	if (!one_host)
		r.host = NULL;
	if (!r.label && ref->job) {
		snprintf(label, sizeof label, "slurm-job-%s", ref->job);
		r.label = label;
	}
	cJSON_AddNumberToObject(mj, "runs", nruns);
	cJSON_AddItemToObject(mj, "hosts", hosts);
	cJSON_AddStringToObject(mj, "windows_from", m->in[ref->in]);
	cfg = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (!cfg)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	r.config_json = cfg;
	rc = ctk_run_insert(db, &r, &m->new_run[g], err);
	free(cfg);
	return rc;
}

/* The kept devices into out, in the kept order (new_id set). */
static int write_devices(struct merge *m, sqlite3 *db, struct ctk_error *err)
{
	int *order = malloc(sizeof(int) * ((size_t)m->ndevs + 1)), rc = 0;

	if (!order)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	dev_order(m, order);
	for (int i = 0; i < m->ndevs && !rc; i++) {
		struct m_dev *d = &m->devs[order[i]];
		if (d->dup_of >= 0)
			continue;
		struct ctk_device x = {.run_id = m->new_run[m->runs[d->run].group], .host = d->host,
				       .kind = d->kind, .vendor = d->vendor, .name = d->name, .uuid = d->uuid,
				       .bus_id = d->bus_id, .flags = d->flags, .idx = d->idx, .has_idx = d->has_idx,
				       .power_limit_w = d->plim_w, .has_power_limit = d->has_plim};
		rc = ctk_device_insert(db, &x, &d->new_id, err);
	}
	free(order);
	return rc;
}

/* Copy the stored chunks of input in's kept devices, blob for blob. */
static int copy_chunks(struct merge *m, sqlite3 *out, int in, struct ctk_error *err)
{
	sqlite3 *db = NULL;
	int rc;

	if ((rc = ctk_db_open(m->in[in], CTK_DB_READONLY, &db, err)))
		return rc;
	for (int i = 0; i < m->ndevs && !rc; i++) {
		const struct m_dev *d = &m->devs[i];
		if (m->runs[d->run].in == in && d->dup_of < 0)
			rc = ctk_merge_copy_rows(db, out, "SELECT first_ns, last_ns, n, signal, data FROM sample_chunks "
						 "WHERE device_id = ?1 ORDER BY first_ns, chunk_id",
						 "INSERT INTO sample_chunks(device_id, first_ns, last_ns, n, signal, data) "
						 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", d->id, d->new_id, "copying readings", err);
	}
	ctk_db_close(db);
	return rc;
}

/* The reference runs' windows are the merged runs' (attempts renumbered by store.c). */
static int write_windows(struct merge *m, sqlite3 *db, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	for (int i = 0; i < m->nwins && !rc; i++) {
		const struct m_win *w = &m->wins[i];
		int g = m->runs[w->run].group;
		if (w->run != m->ref[g])
			continue;
		struct ctk_window x = {.run_id = m->new_run[g], .kind = w->kind, .name = w->name, .idx = w->idx,
				       .has_idx = w->has_idx, .start_ns = w->start_ns, .end_ns = w->end_ns,
				       .items = w->items, .has_items = w->has_items};
		rc = ctk_window_insert_cached(db, &st, &x, err);
	}
	sqlite3_finalize(st);
	return rc;
}

/* merge_sources and merge_duplicates rows. */
static int write_notes(struct merge *m, sqlite3 *db, struct ctk_error *err)
{
	sqlite3_stmt *s = NULL, *d = NULL;
	int rc;

	if ((rc = ctk_db_prepare(db, "INSERT INTO merge_sources(run_id, path, source_run_id, host, slurm_job_id, "
				 "slurm_procid, reference, clock_offset_ns, markers_matched, devices, devices_dropped) "
				 "VALUES (?,?,?,?,?,?,?,?,?,?,?)", &s, err)) ||
	    (rc = ctk_db_prepare(db, "INSERT INTO merge_duplicates(run_id, device_id, host, uuid, kept_path, kept_run_id, "
				 "dropped_path, dropped_run_id, overlap_ns) VALUES (?,?,?,?,?,?,?,?,?)", &d, err)))
		goto out;
	for (int i = 0; i < m->nruns && !rc; i++) {
		const struct m_run *r = &m->runs[i];
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, m->new_run[r->group]);
		sqlite3_bind_text(s, 2, m->in[r->in], -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, r->id);
		ctk_bind_text_or_null(s, 4, r->host);
		ctk_bind_text_or_null(s, 5, r->job);
		ctk_bind_text_or_null(s, 6, r->procid);
		sqlite3_bind_int(s, 7, i == m->ref[r->group]);
		ctk_bind_int64_or_null(s, 8, r->offset_ns, r->has_offset);
		sqlite3_bind_int(s, 9, r->matched);
		sqlite3_bind_int(s, 10, r->ndev);
		sqlite3_bind_int(s, 11, r->ndrop);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = ctk_db_fail(db, err, "storing merge_sources");
	}
	for (int i = 0; i < m->ndevs && !rc; i++) {
		const struct m_dev *x = &m->devs[i];
		if (x->dup_of < 0)
			continue;
		const struct m_dev *k = &m->devs[x->dup_of];
		sqlite3_reset(d);
		sqlite3_bind_int64(d, 1, m->new_run[m->runs[x->run].group]);
		sqlite3_bind_int64(d, 2, k->new_id);
		ctk_bind_text_or_null(d, 3, x->host);
		ctk_bind_text_or_null(d, 4, x->uuid);
		sqlite3_bind_text(d, 5, m->in[m->runs[k->run].in], -1, SQLITE_STATIC);
		sqlite3_bind_int64(d, 6, m->runs[k->run].id);
		sqlite3_bind_text(d, 7, m->in[m->runs[x->run].in], -1, SQLITE_STATIC);
		sqlite3_bind_int64(d, 8, m->runs[x->run].id);
		sqlite3_bind_int64(d, 9, x->overlap_ns);
		if (sqlite3_step(d) != SQLITE_DONE)
			rc = ctk_db_fail(db, err, "storing merge_duplicates");
	}
out:
	sqlite3_finalize(s);
	sqlite3_finalize(d);
	return rc;
}

/* Each input's reported numbers, settings and intensity series (merge_carry.h);
 * the reference runs first, so that their settings are the merged runs'. */
static int carry_all(struct merge *m, sqlite3 *out, struct ctk_error *err)
{
	int rc = 0;

	for (int pass = 0; pass < 2 && !rc; pass++)
		for (int in = 0; in < m->nin && !rc; in++) {
			sqlite3 *src = NULL;
			if ((rc = ctk_db_open(m->in[in], CTK_DB_READONLY, &src, err)))
				break;
			for (int i = 0; i < m->nruns && !rc; i++) {
				const struct m_run *r = &m->runs[i];
				if (r->in == in && (i == m->ref[r->group]) == !pass)
					rc = ctk_merge_carry_run(src, out, r->id, m->new_run[r->group], err);
			}
			if (!rc && pass == 1)
				rc = ctk_merge_carry_intensity(src, out, err);
			ctk_db_close(src);
		}
	return rc;
}

static int write_all(struct merge *m, sqlite3 *db, struct ctk_error *err)
{
	int rc = 0;

	for (int g = 0; g < m->ngroups && !rc; g++)
		rc = write_run(m, db, g, err);
	if (!rc)
		rc = write_devices(m, db, err);
	for (int in = 0; in < m->nin && !rc; in++)
		rc = copy_chunks(m, db, in, err);
	if (!rc)
		rc = write_windows(m, db, err);
	if (!rc)
		rc = write_notes(m, db, err);
	if (!rc)
		rc = carry_all(m, db, err);
	return rc;
}

static void merge_free(struct merge *m)
{
	for (int i = 0; i < m->nruns; i++) {
		struct m_run *r = &m->runs[i];
		free(r->label), free(r->host), free(r->command), free(r->zone), free(r->config), free(r->tz);
		free(r->job), free(r->procid);
	}
	for (int i = 0; i < m->ndevs; i++) {
		struct m_dev *d = &m->devs[i];
		free(d->host), free(d->kind), free(d->vendor), free(d->name), free(d->uuid), free(d->bus_id);
		free(d->flags);
	}
	for (int i = 0; i < m->nwins; i++)
		free(m->wins[i].kind), free(m->wins[i].name);
	free(m->runs);
	free(m->devs);
	free(m->wins);
	free(m->ref);
	free(m->new_run);
}

/* out must not be one of the inputs (a merge never writes its input). */
static int check_paths(const char *out, char *const *in, int nin, struct ctk_error *err)
{
	char a[PATH_MAX], b[PATH_MAX];

	if (nin < 1)
		return ctk_failf(err, CTK_EUSAGE, "no input store given");
	if (!realpath(out, a))
		return 0; /* out does not exist yet */
	for (int i = 0; i < nin; i++)
		if (realpath(in[i], b) && !strcmp(a, b))
			return ctk_failf(err, CTK_EUSAGE, "'%s' is both the output and an input", out);
	return 0;
}

int ctk_merge(const char *out, char *const *in, int nin, const struct ctk_merge_opts *o, int64_t **runs,
	      int *nruns, struct ctk_error *err)
{
	struct merge m = {.in = in, .nin = nin};
	sqlite3 *db = NULL;
	int existed = access(out, F_OK) == 0, rc;

	*runs = NULL;
	*nruns = 0;
	if ((rc = check_paths(out, in, nin, err)))
		return rc;
	for (int i = 0; i < nin && !rc; i++)
		rc = load_input(&m, i, err);
	if (!rc && m.nruns == 0)
		rc = ctk_failf(err, CTK_EINPUT, "no run in the input store(s)");
	if (rc || (rc = make_groups(&m, o, err)) || (rc = clock_offsets(&m, err)))
		goto out;
	if ((rc = find_duplicates(&m, err)) || (rc = ctk_db_open(out, CTK_DB_CREATE, &db, err)) || (rc = ctk_db_begin(db, err)))
		goto out;
	if ((rc = write_all(&m, db, err)) || (rc = ctk_db_commit(db, err))) {
		ctk_db_rollback(db);
		goto out;
	}
	if (!(*runs = malloc(sizeof(**runs) * (size_t)m.ngroups))) {
		rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
		goto out;
	}
	memcpy(*runs, m.new_run, sizeof(**runs) * (size_t)m.ngroups);
	*nruns = m.ngroups;
out:
	ctk_db_close(db);
	if (rc && !existed) {
		char side[PATH_MAX + 8];
		unlink(out);
		snprintf(side, sizeof side, "%s-wal", out);
		unlink(side);
		snprintf(side, sizeof side, "%s-shm", out);
		unlink(side);
	}
	merge_free(&m);
	return rc;
}
