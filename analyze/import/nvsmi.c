/* Importer for nvidia-smi CSV logs (`nvidia-smi --query-gpu=… --format=csv
 * -lms N`, FORMATS.md §1): any column subset and order, units or nounits
 * (`--format=csv,nounits` keeps "[W]" in the header but writes bare numbers:
 * the first row with a value decides, every later row must agree),
 * [N/A]/[Not Supported] as NULL. One run per file, one device per GPU, one
 * reading per row. Without an index/bus-id/uuid column, GPUs are told apart
 * by row order within a tick and their count is inferred from row timing;
 * the name and power limit of each GPU then come from its first row. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/import/util.h"
#include "analyze/import/importers.h"
#include "common/csvread.h"
#include "common/db.h"
#include "common/samples.h"
#include "common/store.h"
#include "common/util.h"

#define MAX_GPUS 1024
#define SNIFF_ROWS 8192 /* rows buffered to infer the GPU count */

struct col {
	int i;            /* field index, -1 if absent */
	char unit[16];    /* unit from "name [unit]", "" if nounits */
};

struct gpu {
	char key[96];
	int64_t device_id;
};

struct pending {          /* a row buffered while the GPU count is unknown */
	int64_t t_ns, line;
	int64_t power_mw;
	int has_power;
};

struct nvsmi {
	sqlite3 *db;
	const char *path;
	const struct ctk_import_opts *o;
	struct ctk_import_result *res;
	struct ctk_sample_writer *w;
	int nfields;
	char **header;     /* copies of header names, for messages */
	char (*units)[16]; /* unit of each column from its header, "" if none */
	struct col time, index, name, bus, uuid, power, limit;
	const char *signal;
	int keyed;         /* 1: GPUs told apart by a column */
	int ngpus_fixed;   /* row-order mode: GPU count (0 until inferred) */
	int64_t rows;      /* data rows seen */
	struct gpu *gpus;
	struct gpu **by_idx;  /* keyed by the index column: GPU of each index */
	int ngpus;
	int64_t run_id, first_ns, last_ns;
	struct pending *pend;
	int npend;
	int units_known;   /* the first value-carrying row has been seen */
	int nounits;       /* 1: values are bare numbers (--format=csv,nounits) */
	char **first_name; /* row-order mode: name column of the first MAX_GPUS rows */
	double *first_limit;
	uint8_t *first_has_limit;
};

static int is_missing(const char *v)
{
	if (*v && *v != '[' && *v != 'N')
		return 0;
	return !strcmp(v, "[N/A]") || !strcmp(v, "[Not Supported]") || !strcmp(v, "N/A") ||
	       !strcmp(v, "[Unknown Error]") || !strcmp(v, "[Insufficient Permissions]") || !*v;
}

/* Split "power.draw [W]" into name and unit. */
static void split_header(const char *h, char *name, size_t nsize, char *unit, size_t usize)
{
	const char *b = strchr(h, '[');
	size_t n = b ? (size_t)(b - h) : strlen(h);

	while (n > 0 && h[n - 1] == ' ')
		n--;
	snprintf(name, nsize, "%.*s", (int)n, h);
	unit[0] = '\0';
	if (b) {
		const char *e = strchr(b, ']');
		snprintf(unit, usize, "%.*s", e ? (int)(e - b - 1) : 0, b + 1);
	}
}

static int fail_at(struct nvsmi *s, int64_t line, int field, struct ctk_error *err, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Fail naming file, line and field, then the formatted detail. */
static int fail_at(struct nvsmi *s, int64_t line, int field, struct ctk_error *err, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': %s", s->path, (long long)line,
			 field >= 0 && field < s->nfields ? s->header[field] : "?", what);
}

static int parse_header(struct nvsmi *s, char **f, int n, struct ctk_error *err)
{
	struct { const char *name; struct col *c; } map[] = {
		{"timestamp", &s->time}, {"index", &s->index}, {"name", &s->name},
		{"pci.bus_id", &s->bus}, {"uuid", &s->uuid}, {"enforced.power.limit", &s->limit},
	};
	struct col draw = {-1, ""}, instant = {-1, ""}, average = {-1, ""}, limit2 = {-1, ""};
	char name[128], unit[16];

	s->time.i = s->index.i = s->name.i = s->bus.i = s->uuid.i = s->power.i = s->limit.i = -1;
	if (!(s->header = calloc((size_t)n, sizeof(*s->header))) || !(s->units = calloc((size_t)n, sizeof(*s->units))))
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	s->nfields = n;
	for (int i = 0; i < n; i++) {
		if (!(s->header[i] = strdup(f[i])))
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		split_header(f[i], name, sizeof name, unit, sizeof unit);
		snprintf(s->units[i], sizeof s->units[i], "%s", unit);
		struct col c = {i, ""};
		snprintf(c.unit, sizeof c.unit, "%s", unit);
		for (size_t k = 0; k < sizeof map / sizeof map[0]; k++)
			if (!strcasecmp(name, map[k].name))
				*map[k].c = c;
		if (!strcasecmp(name, "power.draw")) draw = c;
		if (!strcasecmp(name, "power.draw.instant")) instant = c;
		if (!strcasecmp(name, "power.draw.average")) average = c;
		if (!strcasecmp(name, "power.limit")) limit2 = c;
	}
	if (s->time.i < 0)
		return ctk_failf(err, CTK_EINPUT, "'%s' line 1: not an nvidia-smi CSV (no 'timestamp' column in the header)", s->path);
	/* Prefer the instantaneous reading for the trapezoid; say which we used. */
	if (instant.i >= 0) { s->power = instant; s->signal = "power_instant"; }
	else if (draw.i >= 0) { s->power = draw; s->signal = "power_draw"; }
	else if (average.i >= 0) { s->power = average; s->signal = "power_avg_1s"; }
	else
		return ctk_failf(err, CTK_EINPUT, "'%s' line 1: no power column (power.draw, power.draw.instant or power.draw.average)", s->path);
	if (s->limit.i < 0)
		s->limit = limit2;
	for (int i = 0; i < n; i++) {
		split_header(f[i], name, sizeof name, unit, sizeof unit);
		if (*unit && strcmp(unit, "W") && strcmp(unit, "%") && strcmp(unit, "MiB") &&
		    strcmp(unit, "MHz") && strcmp(unit, "C") && strcmp(unit, "J") && strcmp(unit, "mJ"))
			return ctk_failf(err, CTK_EINPUT, "'%s' line 1: field '%s': unknown unit '%s'", s->path, f[i], unit);
	}
	if (strcmp(s->power.unit, "W") && *s->power.unit)
		return ctk_failf(err, CTK_EINPUT, "'%s' line 1: field '%s': unknown power unit '%s'",
				 s->path, s->header[s->power.i], s->power.unit);
	s->keyed = s->index.i >= 0 || s->bus.i >= 0 || s->uuid.i >= 0;
	s->ngpus_fixed = s->o->gpus;
	return 0;
}

/* Exact milliwatts of a plain decimal "69.32" (at most 3 decimals, no
 * exponent); -1 when the text needs the general parser. */
static int fast_mw(const char *s, size_t len, int64_t *mw)
{
	int64_t ip = 0, frac = 0;
	size_t i = 0;
	int nd = 0, fd = 0;

	for (; i < len && s[i] >= '0' && s[i] <= '9' && nd < 12; i++, nd++)
		ip = ip * 10 + (s[i] - '0');
	if (!nd)
		return -1;
	if (i < len && s[i] == '.')
		for (i++; i < len && s[i] >= '0' && s[i] <= '9' && fd < 3; i++, fd++)
			frac = frac * 10 + (s[i] - '0');
	if (i != len)
		return -1;
	for (; fd < 3; fd++)
		frac *= 10;
	*mw = ip * 1000 + frac;
	return 0;
}

/* Value of a field with its unit suffix checked; 1 = value, 0 = missing. */
static int field_number(struct nvsmi *s, char **f, const struct col *c, int64_t line, double *v,
			int64_t *mw, struct ctk_error *err, int *rc)
{
	char buf[64];
	const char *val = f[c->i];
	size_t len, ul = strlen(c->unit);

	*rc = 0;
	if (is_missing(val))
		return 0;
	len = strlen(val);
	if (ul && !s->nounits) {
		if (len <= ul || strcmp(val + len - ul, c->unit) || val[len - ul - 1] != ' ') {
			*rc = fail_at(s, line, c->i, err, "'%s' lacks the unit '%s' that the earlier rows carry (a row cut short?)",
				      val, c->unit);
			return 0;
		}
		len -= ul + 1;
	}
	if (mw && fast_mw(val, len, mw) == 0) {
		*v = (double)*mw / 1000.0;
		return 1;
	}
	if (len >= sizeof buf) {
		*rc = fail_at(s, line, c->i, err, "not a number ('%.40s…')", val);
		return 0;
	}
	memcpy(buf, val, len);
	buf[len] = '\0';
	if (ctk_parse_double(buf, v)) {
		*rc = fail_at(s, line, c->i, err, "not a number ('%s')", val);
		return 0;
	}
	if (mw)
		*mw = ctk_w_to_mw(*v);
	return 1;
}

static int has_unit(const char *v, const char *unit)
{
	size_t len = strlen(v), ul = strlen(unit);

	return len > ul && !strcmp(v + len - ul, unit) && v[len - ul - 1] == ' ';
}

/* The first row with a value in a column whose header names a unit decides
 * whether values carry units (--format=csv) or not (csv,nounits); the
 * columns of that row must agree. */
static int decide_units(struct nvsmi *s, char **f, int64_t line, struct ctk_error *err)
{
	int with = 0, without = 0, first_with = -1, first_without = -1;

	for (int i = 0; i < s->nfields; i++) {
		if (!*s->units[i] || is_missing(f[i]))
			continue;
		if (has_unit(f[i], s->units[i])) {
			with++;
			first_with = first_with < 0 ? i : first_with;
		} else {
			without++;
			first_without = first_without < 0 ? i : first_without;
		}
	}
	if (with && without)
		return fail_at(s, line, first_without, err, "'%s' has no unit but field '%s' has one ('%s'): "
			       "neither --format=csv nor csv,nounits", f[first_without], s->header[first_with], f[first_with]);
	if (with || without) {
		s->units_known = 1;
		s->nounits = without > 0;
	}
	return 0;
}

/* Check every other unit-carrying field, so a cut-off last row is caught. */
static int check_units(struct nvsmi *s, char **f, int64_t line, struct ctk_error *err)
{
	for (int i = 0; i < s->nfields; i++) {
		const char *unit = s->units[i];
		if (!*unit || is_missing(f[i]))
			continue;
		int carries = has_unit(f[i], unit);
		if (!s->nounits && !carries)
			return fail_at(s, line, i, err, "'%s' lacks the unit '%s' that the earlier rows carry (a row cut short?)",
				       f[i], unit);
		if (s->nounits && carries)
			return fail_at(s, line, i, err, "'%s' carries a unit but the earlier rows have none (csv,nounits)", f[i]);
	}
	return 0;
}

/* Name and power limit of a row, for the device it introduces. */
static int row_identity(struct nvsmi *s, char **f, int64_t line, const char **name, double *limit, int *has_limit,
			struct ctk_error *err)
{
	int rc = 0;

	*name = s->name.i >= 0 && !is_missing(f[s->name.i]) ? f[s->name.i] : NULL;
	*has_limit = s->limit.i >= 0 && field_number(s, f, &s->limit, line, limit, NULL, err, &rc);
	return rc;
}

static int new_device(struct nvsmi *s, const char *key, char **f, const char *name, const double *limit, int idx,
		      int64_t line, struct gpu **out, struct ctk_error *err)
{
	struct ctk_device d = {.run_id = s->run_id, .kind = "gpu", .vendor = "nvidia", .name = name};
	double lim = 0;
	int rc = 0, has_lim = 0;

	if (s->ngpus >= MAX_GPUS)
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: more than %d GPUs", s->path, (long long)line, MAX_GPUS);
	if (limit) {
		d.power_limit_w = *limit;
		d.has_power_limit = 1;
	}
	if (f) {
		d.bus_id = s->bus.i >= 0 && !is_missing(f[s->bus.i]) ? f[s->bus.i] : NULL;
		d.uuid = s->uuid.i >= 0 && !is_missing(f[s->uuid.i]) ? f[s->uuid.i] : NULL;
		if ((rc = row_identity(s, f, line, &d.name, &lim, &has_lim, err)))
			return rc;
		d.power_limit_w = lim;
		d.has_power_limit = has_lim;
	}
	d.idx = idx;
	d.has_idx = 1;
	struct gpu *g = &s->gpus[s->ngpus];
	snprintf(g->key, sizeof g->key, "%s", key);
	if ((rc = ctk_device_insert(s->db, &d, &g->device_id, err)))
		return rc;
	s->ngpus++;
	s->res->devices++;
	*out = g;
	return 0;
}

/* The device a keyed row belongs to (index, else bus id, else uuid). */
static int keyed_device(struct nvsmi *s, char **f, int64_t line, struct gpu **out, struct ctk_error *err)
{
	const struct col *k = s->index.i >= 0 ? &s->index : s->bus.i >= 0 ? &s->bus : &s->uuid;
	const char *key = f[k->i];
	int64_t idx = s->ngpus;

	if (is_missing(key))
		return fail_at(s, line, k->i, err, "missing GPU identifier ('%s')", key);
	if (k == &s->index && (ctk_parse_int64(key, &idx) || idx < 0 || idx >= MAX_GPUS))
		return fail_at(s, line, k->i, err, "not a GPU index ('%s')", key);
	if (k == &s->index) {
		if (!s->by_idx[idx]) {
			int rc = new_device(s, key, f, NULL, NULL, (int)idx, line, &s->by_idx[idx], err);
			if (rc)
				return rc;
		}
		*out = s->by_idx[idx];
		return 0;
	}
	for (int i = 0; i < s->ngpus; i++)
		if (!strcmp(s->gpus[i].key, key)) {
			*out = &s->gpus[i];
			return 0;
		}
	return new_device(s, key, f, NULL, NULL, (int)idx, line, out, err);
}

static int store_reading(struct nvsmi *s, struct gpu *g, int64_t t_ns, int64_t power_mw, int has_power,
			 int64_t line, struct ctk_error *err)
{
	struct ctk_reading r = {.t_ns = t_ns, .power_mw = power_mw, .has_power = (uint8_t)has_power};
	int rc = ctk_sample_append(s->w, g->device_id, s->signal, &r, err);

	if (rc)
		return ctk_error_prefix(err, "'%s' line %lld: field '%s': ", s->path, (long long)line,
					s->header[s->time.i]);
	s->res->samples++;
	return 0;
}

/* GPU count of an index-less file from row timing: rows of one tick come
 * close together, ticks a sampling period apart. N is the count for which
 * gaps before rows 0 mod N are long and all other gaps short. */
static int infer_gpus(const struct pending *p, int n)
{
	int best = 0;

	if (n < 2)
		return n;
	for (int g = 1; g <= 64 && g <= n / 2; g++) {
		double span = (double)(p[n - 1].t_ns - p[0].t_ns);
		double thr = 0.5 * span * g / (double)n;
		int between = 0, nb = 0, within = 0, nw = 0;
		for (int i = 1; i < n; i++) {
			int big = (double)(p[i].t_ns - p[i - 1].t_ns) > thr;
			if (i % g == 0) { nb++; between += big; }
			else { nw++; within += big; }
		}
		if (nb > 0 && between >= 0.8 * nb && (nw == 0 || within <= 0.05 * nw))
			best = g;
	}
	return best;
}

/* Assign a row-order reading (position pos in the file) to its GPU. */
static int ordered_reading(struct nvsmi *s, int64_t pos, const struct pending *p, struct ctk_error *err)
{
	int idx = (int)(pos % s->ngpus_fixed);
	struct gpu *g;
	char key[32];
	int rc;

	if (idx >= s->ngpus) {
		snprintf(key, sizeof key, "%d", idx);
		/* a GPU first appears at row idx < MAX_GPUS: its own name and limit */
		if ((rc = new_device(s, key, NULL, s->first_name[idx], s->first_has_limit[idx] ? &s->first_limit[idx] : NULL,
				     idx, p->line, &g, err)))
			return rc;
	}
	return store_reading(s, &s->gpus[idx], p->t_ns, p->power_mw, p->has_power, p->line, err);
}

static int flush_pending(struct nvsmi *s, struct ctk_error *err)
{
	int rc;

	if (!s->ngpus_fixed) {
		s->ngpus_fixed = infer_gpus(s->pend, s->npend);
		if (!s->ngpus_fixed)
			return ctk_failf(err, CTK_EINPUT, "'%s': no index column and the GPU count cannot be told from row timing: pass --gpus N", s->path);
		if (s->npend > 1)
			ctk_import_warn(s->o, "'%s': no GPU index column; %d GPU(s) inferred from row timing, rows assigned by order within each tick (pass --gpus to override)",
					s->path, s->ngpus_fixed);
	}
	for (int i = 0; i < s->npend; i++)
		if ((rc = ordered_reading(s, i, &s->pend[i], err)))
			return rc;
	s->npend = 0;
	return 0;
}

static int on_row(void *ctx, char **f, int n, int64_t line, struct ctk_error *err)
{
	struct nvsmi *s = ctx;
	struct pending p = {.line = line};
	double w = 0;
	int rc;

	if (!s->header)
		return parse_header(s, f, n, err);
	if (n == s->nfields && !strcmp(f[0], s->header[0]))
		return 0; /* a repeated header: nvidia-smi restarted, appending */
	if (n != s->nfields)
		return ctk_csv_width_error(s->path, line, n, s->nfields, err);
	if (!s->units_known && (rc = decide_units(s, f, line, err)))
		return rc;
	if ((rc = check_units(s, f, line, err)))
		return rc;
	if (ctk_time_parse(f[s->time.i], s->o->tz, &p.t_ns, err))
		return ctk_error_prefix(err, "'%s' line %lld: field '%s': ", s->path, (long long)line,
					s->header[s->time.i]);
	p.has_power = field_number(s, f, &s->power, line, &w, &p.power_mw, err, &rc);
	if (rc)
		return rc;
	if (p.has_power && w < 0)
		return fail_at(s, line, s->power.i, err, "negative power ('%s')", f[s->power.i]);
	if (s->rows == 0 || p.t_ns < s->first_ns)
		s->first_ns = p.t_ns;
	if (s->rows == 0 || p.t_ns > s->last_ns)
		s->last_ns = p.t_ns;
	s->rows++;
	if (s->keyed) {
		struct gpu *g;
		if ((rc = keyed_device(s, f, line, &g, err)))
			return rc;
		return store_reading(s, g, p.t_ns, p.power_mw, p.has_power, line, err);
	}
	if (s->rows <= MAX_GPUS) {
		const char *name;
		int has;
		if ((rc = row_identity(s, f, line, &name, &s->first_limit[s->rows - 1], &has, err)))
			return rc;
		s->first_has_limit[s->rows - 1] = (uint8_t)has;
		if (name && !(s->first_name[s->rows - 1] = strdup(name)))
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
	}
	if (s->ngpus_fixed && s->npend == 0)
		return ordered_reading(s, s->rows - 1, &p, err);
	s->pend[s->npend++] = p;
	return s->npend == SNIFF_ROWS ? flush_pending(s, err) : 0;
}

static int create_run(struct nvsmi *s, struct ctk_error *err)
{
	char tzbuf[160];
	struct ctk_run run = {.source = "import:nvidia-smi", .source_path = s->path};

	run.label = s->o->label ? s->o->label : ctk_basename(s->path);
	if (s->o->tz && s->o->tz->kind != CTK_TZ_NONE)
		snprintf(tzbuf, sizeof tzbuf, "%s", s->o->tz->name);
	else
		snprintf(tzbuf, sizeof tzbuf, "UTC (assumed)");
	run.tz = tzbuf;
	run.simulated = s->o->simulated;
	return ctk_run_insert(s->db, &run, &s->run_id, err);
}

static int nvsmi_import(sqlite3 *db, const char *path, const struct ctk_import_opts *o,
			struct ctk_import_result *res, struct ctk_error *err)
{
	struct ctk_tz utc = {.kind = CTK_TZ_FIXED};
	struct ctk_import_opts opts = *o;
	struct nvsmi s = {.db = db, .path = path, .o = &opts, .res = res};
	struct ctk_hash_job hash;
	int rc;

	if (!o->tz || o->tz->kind == CTK_TZ_NONE) {
		snprintf(utc.name, sizeof utc.name, "UTC");
		opts.tz = &utc;
		ctk_import_warn(o, "'%s': nvidia-smi times carry no zone; assumed UTC (pass --tz)", path);
	}
	s.gpus = calloc(MAX_GPUS, sizeof(*s.gpus));
	s.by_idx = calloc(MAX_GPUS, sizeof(*s.by_idx));
	s.pend = calloc(SNIFF_ROWS, sizeof(*s.pend));
	s.first_name = calloc(MAX_GPUS, sizeof(*s.first_name));
	s.first_limit = calloc(MAX_GPUS, sizeof(*s.first_limit));
	s.first_has_limit = calloc(MAX_GPUS, sizeof(*s.first_has_limit));
	if (!s.gpus || !s.by_idx || !s.pend || !s.first_name || !s.first_limit || !s.first_has_limit) {
		rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
		goto out;
	}
	ctk_sha256_start(&hash, path);
	if ((rc = create_run(&s, err)) || (rc = ctk_sample_writer_new(db, 0, &s.w, err)))
		goto out;
	if ((rc = ctk_csv_read_file(path, ',', on_row, &s, err)))
		goto out;
	if (!s.header) {
		rc = ctk_failf(err, CTK_EINPUT, "'%s': empty file", path);
		goto out;
	}
	if (s.npend && (rc = flush_pending(&s, err)))
		goto out;
	if (s.rows == 0) {
		rc = ctk_failf(err, CTK_EINPUT, "'%s': header only, no readings", path);
		goto out;
	}
	if (!s.keyed && s.rows % s.ngpus_fixed)
		ctk_import_warn(o, "'%s': %lld rows is not a multiple of %d GPUs: the last tick is incomplete",
				path, (long long)s.rows, s.ngpus_fixed);
	if ((rc = ctk_sample_writer_flush(s.w, err)) ||
	    (rc = ctk_run_set_span(db, s.run_id, s.first_ns, s.last_ns, err)) ||
	    (rc = ctk_sha256_join(&hash, err)) ||
	    (rc = ctk_run_set_sha256(db, s.run_id, hash.hex, err)))
		goto out;
	res->run_id = s.run_id;
	res->runs++;
out:
	ctk_sha256_join(&hash, NULL);
	ctk_sample_writer_free(s.w);
	if (s.header)
		for (int i = 0; i < s.nfields; i++)
			free(s.header[i]);
	free(s.header);
	free(s.units);
	free(s.gpus);
	free(s.by_idx);
	free(s.pend);
	if (s.first_name)
		for (int i = 0; i < MAX_GPUS; i++)
			free(s.first_name[i]);
	free(s.first_name);
	free(s.first_limit);
	free(s.first_has_limit);
	return rc;
}

/* Looks like nvidia-smi: a header with 'timestamp' and a power.draw column. */
static int nvsmi_sniff(const char *path)
{
	char line[4096];

	return ctk_imp_first_line(path, line, sizeof line) == 0 && strstr(line, "timestamp") && strstr(line, "power.draw") ? 90 : 0;
}

const struct ctk_importer ctk_importer_nvsmi = {
	.name = "nvidia-smi",
	.summary = "nvidia-smi --query-gpu=… --format=csv log (power → trapezoid)",
	.sniff = nvsmi_sniff,
	.import = nvsmi_import,
};
