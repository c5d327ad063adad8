/* `ctk import prometheus`: readings from a Prometheus range query, either
 * fetched from the HTTP API (GET /api/v1/query_range, through common/http.h)
 * or read from a saved response (--file / PATH). The unit of a series comes
 * from its metric name (table below: DCGM exporter's energy counter and
 * power, ctk's own --metrics-file names) or from --unit; devices are keyed
 * by their labels (Hostname/host/instance, UUID/uuid, gpu/device, kind).
 * "NaN" values are gaps, never 0: a power gap is a reading without a value;
 * a counter's NaN is no reading (its next value holds the energy between). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "common/http.h"
#include "analyze/import/importers.h"
#include "analyze/import/util.h"
#include "common/store.h"
#include "common/util.h"

/* Prometheus refuses a range query of more than 11,000 points per series
 * (prometheus/web/api/v1/api.go, "exceeded maximum resolution of 11,000
 * points per timeseries"): longer ranges are asked for page by page. */
#define PROM_MAX_POINTS 11000
#define PROM_MAX_BODY (256u << 20)

/* What a series measures, by metric name or --unit. */
struct prom_unit {
	const char *name;      /* metric name (__name__) or unit name for --unit */
	int energy;            /* 1: a cumulative counter; 0: power */
	double scale;          /* to µJ (energy) or to W (power) */
	const char *signal;    /* samples.h signal of the readings */
	const char *vendor;    /* devices' vendor, or NULL */
};

/* Metric names: DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION is "Total energy
 * consumption for the GPU in mJ since the driver was last reloaded" and
 * DCGM_FI_DEV_POWER_USAGE "Power draw for the device in W" (NVIDIA DCGM,
 * dcgm_fields.h, fields 156 and 155; dcgm-exporter exports them under these
 * names). The power is NVML's nvmlDeviceGetPowerUsage, nvidia-smi's
 * power.draw: stored as 'power_draw' so analyze treats its averaging lag as
 * it does for nvidia-smi. ctk's own names are collector/metrics.c's. */
static const struct prom_unit metric_units[] = {
	{"DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", 1, 1e3, "counter", "nvidia"},
	{"DCGM_FI_DEV_POWER_USAGE", 0, 1.0, "power_draw", "nvidia"},
	{"ctk_energy_joules_total", 1, 1e6, "counter", NULL},
	{"ctk_power_watts", 0, 1.0, "imported", NULL},
	{NULL, 0, 0, NULL, NULL},
};

/* --unit: counters in J, mJ, kJ, Wh or kWh (1 Wh = 3600 J), power in W, mW or kW. */
static const struct prom_unit given_units[] = {
	{"J", 1, 1e6, "counter", NULL},     {"mJ", 1, 1e3, "counter", NULL},
	{"kJ", 1, 1e9, "counter", NULL},    {"Wh", 1, 3.6e9, "counter", NULL},
	{"kWh", 1, 3.6e12, "counter", NULL}, {"W", 0, 1.0, "imported", NULL},
	{"mW", 0, 1e-3, "imported", NULL},  {"kW", 0, 1e3, "imported", NULL},
	{NULL, 0, 0, NULL, NULL},
};

struct prom_dev {
	char host[256], uuid[96], name[96], kind[8];
	int idx, has_idx;
	const char *vendor;
	int64_t device_id;
};

struct prom_point {
	int dev;
	int energy;            /* 1: v is µJ of a counter; 0: v is W */
	int gap;               /* "NaN": no value */
	const char *signal;
	int64_t t_ns;
	double v;
	int series;            /* 1-based, for messages */
};

struct prom {
	const char *name;      /* file or URL, for messages */
	const struct ctk_import_opts *o;
	const struct prom_unit *unit; /* --unit, or NULL */
	struct prom_dev *dev;
	int ndev, capdev;
	struct prom_point *pt;
	int64_t npt, cappt;
	int series;            /* series seen so far (all pages) */
	int pages;
};

static const struct prom_unit *find_unit(const struct prom_unit *t, const char *name)
{
	for (int i = 0; t[i].name; i++)
		if (!strcmp(t[i].name, name))
			return &t[i];
	return NULL;
}

static const char *label(const cJSON *metric, const char *a, const char *b, const char *c)
{
	const char *names[] = {a, b, c};
	for (int i = 0; i < 3; i++) {
		const cJSON *v = names[i] ? cJSON_GetObjectItemCaseSensitive(metric, names[i]) : NULL;
		if (cJSON_IsString(v) && v->valuestring[0])
			return v->valuestring;
	}
	return NULL;
}

/* The device of a series' labels, added when new: its index in p->dev. */
static int find_dev(struct prom *p, const cJSON *metric, const struct prom_unit *u, int *out, struct ctk_error *err)
{
	struct prom_dev d = {0};
	const char *host = label(metric, "Hostname", "host", "instance"), *uuid = label(metric, "UUID", "uuid", NULL),
		   *gpu = label(metric, "gpu", "device", NULL), *kind = label(metric, "kind", NULL, NULL),
		   *model = label(metric, "modelName", "name", NULL);
	int64_t idx;

	snprintf(d.host, sizeof d.host, "%s", host ? host : "");
	snprintf(d.uuid, sizeof d.uuid, "%s", uuid ? uuid : "");
	snprintf(d.name, sizeof d.name, "%s", model ? model : "");
	snprintf(d.kind, sizeof d.kind, "%s", kind && (!strcmp(kind, "cpu") || !strcmp(kind, "dram")) ? kind : "gpu");
	/* DCGM's "device" label is "nvidia0", ctk's a number: only numbers index */
	if (gpu && !ctk_parse_int64(gpu, &idx) && idx >= 0 && idx <= 1000000) {
		d.idx = (int)idx;
		d.has_idx = 1;
	}
	if (!d.uuid[0] && !d.has_idx)
		return ctk_failf(err, CTK_EINPUT, "'%s': series %d: no UUID/uuid or gpu/device label to tell its device "
				 "(an aggregation drops them: query the per-device series)", p->name, p->series);
	d.vendor = u->vendor;
	for (int i = 0; i < p->ndev; i++) {
		struct prom_dev *e = &p->dev[i];
		if (!strcmp(e->host, d.host) && !strcmp(e->kind, d.kind) &&
		    (d.uuid[0] || e->uuid[0] ? !strcmp(e->uuid, d.uuid) : e->idx == d.idx)) {
			if (!e->name[0] && d.name[0])
				snprintf(e->name, sizeof e->name, "%s", d.name);
			if (!e->has_idx && d.has_idx) {
				e->idx = d.idx;
				e->has_idx = 1;
			}
			*out = i;
			return 0;
		}
	}
	if (p->ndev == p->capdev) {
		int cap = p->capdev ? 2 * p->capdev : 16;
		struct prom_dev *nd = realloc(p->dev, (size_t)cap * sizeof(*nd));
		if (!nd)
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		p->dev = nd;
		p->capdev = cap;
	}
	p->dev[p->ndev] = d;
	*out = p->ndev++;
	return 0;
}

static int add_point(struct prom *p, const struct prom_point *pt, struct ctk_error *err)
{
	if (p->npt == p->cappt) {
		int64_t cap = p->cappt ? 2 * p->cappt : 4096;
		struct prom_point *np = realloc(p->pt, (size_t)cap * sizeof(*np));
		if (!np)
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		p->pt = np;
		p->cappt = cap;
	}
	p->pt[p->npt++] = *pt;
	return 0;
}

/* One [time, "value"] pair of a series. */
static int one_value(struct prom *p, const cJSON *pair, const char *metric, const struct prom_unit *u, int dev,
		     struct ctk_error *err)
{
	const cJSON *t = cJSON_GetArrayItem(pair, 0), *v = cJSON_GetArrayItem(pair, 1);
	struct prom_point pt = {.dev = dev, .energy = u->energy, .signal = u->signal, .series = p->series};
	double x;

	if (!cJSON_IsArray(pair) || cJSON_GetArraySize(pair) != 2 || !cJSON_IsNumber(t) || !cJSON_IsString(v) ||
	    !isfinite(t->valuedouble) || fabs(t->valuedouble) > 4e9)
		return ctk_failf(err, CTK_EINPUT, "'%s': series %d ('%s'): a value is not [unix_seconds, \"number\"]",
				 p->name, p->series, metric);
	/* the API's times are Unix seconds with millisecond resolution */
	pt.t_ns = llround(t->valuedouble * 1e3) * INT64_C(1000000);
	if (!strcmp(v->valuestring, "NaN")) {
		pt.gap = 1;
		return add_point(p, &pt, err);
	}
	if (ctk_parse_double(v->valuestring, &x))
		return ctk_failf(err, CTK_EINPUT, "'%s': series %d ('%s'): value '%.40s' at %.3f: not a number",
				 p->name, p->series, metric, v->valuestring, t->valuedouble);
	if (u->energy) {
		pt.v = x * u->scale;
		if (!(pt.v >= 0) || pt.v > (double)CTK_READING_MAX_UJ)
			return ctk_failf(err, CTK_EINPUT, "'%s': series %d ('%s'): value '%.40s' at %.3f: not an energy "
					 "counter (negative or beyond 2.3e12 J)", p->name, p->series, metric,
					 v->valuestring, t->valuedouble);
	} else {
		pt.v = x * u->scale;
		if (!(pt.v >= 0) || pt.v > CTK_IMP_MAX_W)
			return ctk_failf(err, CTK_EINPUT, "'%s': series %d ('%s'): value '%.40s' at %.3f: %g W is not a "
					 "plausible power of one device (0 to %g W)", p->name, p->series, metric,
					 v->valuestring, t->valuedouble, pt.v, CTK_IMP_MAX_W);
	}
	return add_point(p, &pt, err);
}

/* One response body: checked as the API documents it, its series added. */
static int parse_body(struct prom *p, const char *body, size_t n, struct ctk_error *err)
{
	cJSON *root = cJSON_ParseWithLength(body, n);
	const cJSON *status, *data, *type, *result, *s, *warnings;
	int rc = 0;

	if (!root)
		return ctk_failf(err, CTK_EINPUT, "'%s': not JSON (a Prometheus API response is a JSON object)", p->name);
	status = cJSON_GetObjectItemCaseSensitive(root, "status");
	if (!cJSON_IsString(status)) {
		rc = ctk_failf(err, CTK_EINPUT, "'%s': no \"status\": not a Prometheus API response", p->name);
		goto out;
	}
	if (strcmp(status->valuestring, "success")) {
		const char *et = label(root, "errorType", NULL, NULL), *e = label(root, "error", NULL, NULL);
		rc = ctk_failf(err, CTK_EINPUT, "'%s': Prometheus answered status '%.20s'%s%.40s%s%s%.300s", p->name,
			       status->valuestring, et ? " (" : "", et ? et : "", et ? ")" : "", e ? ": " : "", e ? e : "");
		goto out;
	}
	warnings = cJSON_GetObjectItemCaseSensitive(root, "warnings");
	if (cJSON_IsArray(warnings))
		cJSON_ArrayForEach(s, warnings)
			if (cJSON_IsString(s))
				ctk_import_warn(p->o, "'%s': Prometheus warns: %.300s", p->name, s->valuestring);
	data = cJSON_GetObjectItemCaseSensitive(root, "data");
	type = cJSON_GetObjectItemCaseSensitive(data, "resultType");
	result = cJSON_GetObjectItemCaseSensitive(data, "result");
	if (!cJSON_IsObject(data) || !cJSON_IsString(type) || !cJSON_IsArray(result)) {
		rc = ctk_failf(err, CTK_EINPUT, "'%s': no data.resultType and data.result: not a query response", p->name);
		goto out;
	}
	if (strcmp(type->valuestring, "matrix")) {
		rc = ctk_failf(err, CTK_EINPUT, "'%s': resultType '%.20s', not 'matrix': save a range query "
			       "(/api/v1/query_range), not an instant query", p->name, type->valuestring);
		goto out;
	}
	cJSON_ArrayForEach(s, result) {
		const cJSON *metric = cJSON_GetObjectItemCaseSensitive(s, "metric"),
			    *values = cJSON_GetObjectItemCaseSensitive(s, "values"), *pair;
		const char *name = label(metric, "__name__", NULL, NULL);
		const struct prom_unit *u = p->unit;
		int dev;

		p->series++;
		if (!cJSON_IsObject(metric) || !cJSON_IsArray(values)) {
			rc = ctk_failf(err, CTK_EINPUT, "'%s': series %d: no \"metric\" object or \"values\" array",
				       p->name, p->series);
			goto out;
		}
		if (!u && !(u = name ? find_unit(metric_units, name) : NULL)) {
			rc = ctk_failf(err, CTK_EINPUT, name ? "'%s': series %d: metric '%.100s' has no known unit (known: "
				       "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION, DCGM_FI_DEV_POWER_USAGE, "
				       "ctk_energy_joules_total, ctk_power_watts): give --unit"
				       : "'%s': series %d: no metric name (an expression drops it)%.0s: give --unit",
				       p->name, p->series, name ? name : "");
			goto out;
		}
		if ((rc = find_dev(p, metric, u, &dev, err)))
			goto out;
		cJSON_ArrayForEach(pair, values)
			if ((rc = one_value(p, pair, name ? name : "expression", u, dev, err)))
				goto out;
	}
	p->pages++;
out:
	cJSON_Delete(root);
	return rc;
}

static int cmp_point(const void *a, const void *b)
{
	const struct prom_point *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->t_ns != y->t_ns)
		return x->t_ns < y->t_ns ? -1 : 1;
	if (x->energy != y->energy)
		return x->energy < y->energy ? -1 : 1;
	return x->series < y->series ? -1 : x->series > y->series;
}

/* The devices and their readings into run_id: points of one device at one
 * time (its counter and its power) become one reading; a counter that goes
 * down was reset (exporter or driver restart, a new ctk run): counting goes
 * on from the last value, as Prometheus' increase() does. */
static int store(sqlite3 *db, struct prom *p, int64_t run_id, struct ctk_import_result *res, struct ctk_error *err)
{
	struct ctk_sample_writer *w = NULL;
	int rc, resets = 0;

	for (int i = 0; i < p->ndev; i++) {
		struct prom_dev *d = &p->dev[i];
		struct ctk_device cd = {.run_id = run_id, .host = d->host[0] ? d->host : NULL, .kind = d->kind,
					.vendor = d->vendor, .name = d->name[0] ? d->name : NULL,
					.uuid = d->uuid[0] ? d->uuid : NULL, .idx = d->idx, .has_idx = d->has_idx};
		if ((rc = ctk_device_insert(db, &cd, &d->device_id, err)))
			return rc;
		res->devices++;
	}
	qsort(p->pt, (size_t)p->npt, sizeof(*p->pt), cmp_point);
	if ((rc = ctk_sample_writer_new(db, 0, &w, err)))
		return rc;
	double offset_uj = 0, last_uj = -1;
	for (int64_t i = 0; i < p->npt;) {
		const struct prom_point *a = &p->pt[i];
		struct ctk_reading r = {.t_ns = a->t_ns};
		const char *signal = "imported";
		int counter_gap = 0;
		if (i == 0 || p->pt[i - 1].dev != a->dev)
			offset_uj = 0, last_uj = -1;
		for (; i < p->npt && p->pt[i].dev == a->dev && p->pt[i].t_ns == a->t_ns; i++) {
			const struct prom_point *q = &p->pt[i];
			if (q->gap) {
				counter_gap |= q->energy;
				continue;
			}
			if ((q->energy && r.has_energy) || (!q->energy && r.has_power)) {
				rc = ctk_failf(err, CTK_EINPUT, "'%s': series %d and another one are the same device (%s %s) "
					       "at the same time: the query selects a device twice", p->name, q->series,
					       p->dev[q->dev].host, p->dev[q->dev].uuid[0] ? p->dev[q->dev].uuid : p->dev[q->dev].kind);
				goto out;
			}
			if (q->energy) {
				if (last_uj >= 0 && q->v < last_uj) {
					offset_uj += last_uj;
					resets++;
				}
				last_uj = q->v;
				r.energy_uj = llround(offset_uj + q->v);
				r.has_energy = 1;
				signal = "counter";
			} else {
				r.power_mw = ctk_w_to_mw(q->v);
				r.has_power = 1;
				if (!r.has_energy)
					signal = q->signal;
			}
		}
		/* NaN: power's is a gap (a reading without a value: nothing is
		 * integrated across it); a counter's is no reading (its next value
		 * holds the energy of the time between) */
		if (!r.has_energy && !r.has_power && counter_gap)
			continue;
		if ((rc = ctk_sample_append(w, p->dev[a->dev].device_id, signal, &r, err))) {
			ctk_error_prefix(err, "'%s': ", p->name);
			goto out;
		}
		res->samples++;
	}
	if (resets)
		ctk_import_warn(p->o, "'%s': %d counter reset(s) (a value lower than the one before: exporter, driver "
				"or collector restarted); counted on from the last value", p->name, resets);
	rc = ctk_sample_writer_flush(w, err);
out:
	ctk_sample_writer_free(w);
	return rc;
}

/* The run: its span, one host when every device has the same, the query. */
static int finish(sqlite3 *db, struct prom *p, const char *source_path, const char *sha, const char *query,
		  struct ctk_import_result *res, struct ctk_error *err)
{
	int64_t run_id, t0 = INT64_MAX, t1 = INT64_MIN;
	const char *host = p->ndev ? p->dev[0].host : NULL;
	char *cfg = NULL;
	int rc;

	if (!p->npt)
		return ctk_failf(err, CTK_EINPUT, "'%s': the query returned no values (%d series)", p->name, p->series);
	for (int64_t i = 0; i < p->npt; i++) {
		t0 = p->pt[i].t_ns < t0 ? p->pt[i].t_ns : t0;
		t1 = p->pt[i].t_ns > t1 ? p->pt[i].t_ns : t1;
	}
	for (int i = 1; i < p->ndev && host; i++)
		if (strcmp(host, p->dev[i].host))
			host = NULL;
	cJSON *c = cJSON_CreateObject();
	if (c) {
		cJSON_AddStringToObject(c, "tool", "prometheus");
		if (query)
			cJSON_AddStringToObject(c, "query", query);
		if (p->unit)
			cJSON_AddStringToObject(c, "unit", p->unit->name);
		cJSON_AddNumberToObject(c, "series", p->series);
		cfg = cJSON_PrintUnformatted(c);
		cJSON_Delete(c);
	}
	if (!cfg)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	char label[300];
	snprintf(label, sizeof label, "prometheus %.280s", query ? query : ctk_basename(source_path));
	struct ctk_run run = {.label = p->o->label ? p->o->label : label, .host = host && *host ? host : NULL,
			      .source = "import:prometheus", .source_path = source_path, .source_sha256 = sha,
			      .config_json = cfg, .simulated = p->o->simulated};
	rc = ctk_run_insert(db, &run, &run_id, err);
	free(cfg);
	if (rc || (rc = store(db, p, run_id, res, err)) || (rc = ctk_run_set_span(db, run_id, t0, t1, err)))
		return rc;
	res->run_id = run_id;
	res->runs++;
	return 0;
}

static void prom_free(struct prom *p)
{
	free(p->dev);
	free(p->pt);
}

static int set_unit(struct prom *p, const struct ctk_import_opts *o, struct ctk_error *err)
{
	if (o->prom_unit && !(p->unit = find_unit(given_units, o->prom_unit)))
		return ctk_failf(err, CTK_EUSAGE, "--unit '%s': not J, mJ, kJ, Wh, kWh (a counter) or W, mW, kW (power)",
				 o->prom_unit);
	return 0;
}

/* "1700000000.250": Unix seconds with milliseconds, as the API takes them
 * (t_ns >= 0: fetch() refuses earlier times). */
static void unix_s(int64_t t_ns, char *buf, size_t size)
{
	int64_t ms = t_ns / 1000000;
	snprintf(buf, size, "%lld.%03lld", (long long)(ms / 1000), (long long)(ms % 1000));
}

/* --url: GET query_range page by page (at most PROM_MAX_POINTS steps each). */
static int fetch(sqlite3 *db, const struct ctk_import_opts *o, struct prom *p, struct ctk_import_result *res,
		 struct ctk_error *err)
{
	struct ctk_http_retry retry = {.warn = o->warn, .warn_ctx = o->warn_ctx};
	struct ctk_http_body b = {0};
	struct ctk_sha256_ctx sha;
	char base[1024], host[256], url[2048], full[8192], fa[32], fb[32], fs[32], hex[65];
	char *q = NULL;
	CURL *c = NULL;
	int local = 0, rc, retries = 0;
	int64_t step = o->prom_step_ns;

	if (!o->prom_query || !*o->prom_query || !o->prom_has_range)
		return ctk_failf(err, CTK_EUSAGE, "--url needs --query Q, --from T and --to T");
	if (o->prom_to_ns <= o->prom_from_ns || o->prom_from_ns < 0)
		return ctk_failf(err, CTK_EUSAGE, "--from must be before --to, and not before 1970");
	if (step <= 0) { /* default: 1 s, or more so that one page holds the range */
		step = CTK_NS_PER_S;
		while ((o->prom_to_ns - o->prom_from_ns) / step >= PROM_MAX_POINTS)
			step += CTK_NS_PER_S;
	}
	if (step % 1000000)
		return ctk_failf(err, CTK_EUSAGE, "--step: the API takes whole milliseconds");
	if ((rc = ctk_http_check_url(o->prom_url, "--url", base, sizeof base, &local, host, sizeof host, err)))
		return rc;
	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		return ctk_failf(err, CTK_EDB, "cannot initialise libcurl");
	if (!(c = ctk_http_easy(local, 60, "ctk-import/1", &b, PROM_MAX_BODY)) ||
	    !(q = curl_easy_escape(c, o->prom_query, 0))) {
		rc = ctk_failf(err, CTK_ENOMEM, "cannot start libcurl");
		goto out;
	}
	snprintf(fs, sizeof fs, "%.3f", (double)step / 1e9);
	ctk_sha256_init(&sha);
	for (int64_t a = o->prom_from_ns; a <= o->prom_to_ns; a += PROM_MAX_POINTS * step) {
		int64_t e = a + (PROM_MAX_POINTS - 1) * step < o->prom_to_ns ? a + (PROM_MAX_POINTS - 1) * step : o->prom_to_ns;
		long status = 0;
		unix_s(a, fa, sizeof fa);
		unix_s(e, fb, sizeof fb);
		if ((size_t)snprintf(full, sizeof full, "%s/api/v1/query_range?query=%s&start=%s&end=%s&step=%s", base, q,
				     fa, fb, fs) >= sizeof full) {
			rc = ctk_failf(err, CTK_EUSAGE, "--query: too long for a URL");
			goto out;
		}
		/* messages name the request without the (long) query */
		snprintf(url, sizeof url, "%s/api/v1/query_range?start=%s&end=%s&step=%s", base, fa, fb, fs);
		p->name = url;
		if ((rc = ctk_http_get(c, &retry, full, &b, &status, &retries, err)))
			goto out;
		/* a 4xx answer carries the API's error document: parse_body says it */
		if ((rc = parse_body(p, b.p, b.n, err)))
			goto out;
		if (status != 200) {
			rc = ctk_failf(err, CTK_EINPUT, "'%s': HTTP %ld", url, status);
			goto out;
		}
		ctk_sha256_update(&sha, b.p, b.n);
	}
	ctk_sha256_hex(&sha, hex);
	snprintf(url, sizeof url, "%s/api/v1/query_range", base);
	p->name = url;
	rc = finish(db, p, url, hex, o->prom_query, res, err);
out:
	curl_free(q);
	free(b.p);
	if (c)
		curl_easy_cleanup(c);
	curl_global_cleanup();
	return rc;
}

static int prom_import(sqlite3 *db, const char *path, const struct ctk_import_opts *o, struct ctk_import_result *res,
		       struct ctk_error *err)
{
	struct prom p = {.name = path, .o = o};
	char *body = NULL, sha[65];
	size_t n = 0;
	int rc;

	if ((rc = set_unit(&p, o, err)))
		return rc;
	if (o->prom_url) {
		rc = fetch(db, o, &p, res, err);
	} else if (!(rc = ctk_imp_slurp(path, &body, &n, err)) && !(rc = parse_body(&p, body, n, err)) &&
		   !(rc = ctk_sha256_file(path, sha, err))) {
		rc = finish(db, &p, path, sha, o->prom_query, res, err);
	}
	free(body);
	prom_free(&p);
	return rc;
}

/* A saved API response: a JSON object with "status" and data.resultType. */
static int prom_sniff(const char *path)
{
	char line[4096];

	if (ctk_imp_first_line(path, line, sizeof line))
		return 0;
	return line[0] == '{' && strstr(line, "\"status\"") && strstr(line, "\"resultType\"") ? 85 : 0;
}

const struct ctk_importer ctk_importer_prometheus = {
	.name = "prometheus",
	.summary = "Prometheus range query: --url URL --query Q --from T --to T, or a saved response",
	.sniff = prom_sniff,
	.import = prom_import,
};
