/* The old electricityMap data export (sold as CSV until about 2022, e.g. the
 * Poland 2021 file in zemdom/carbon-aware-scheduling): one row per hour,
 * `datetime,created_at,updated_at,timestamp,zone_name,carbon_intensity_avg,
 * carbon_intensity_direct_avg,…` with `datetime` an ISO hour start with its
 * offset, `timestamp` the same instant in Unix seconds and `zone_name` the
 * zone key ("PL"). carbon_intensity_avg is the life-cycle value (the direct
 * one has its own column), gCO2eq/kWh. An hour without a value (empty cell)
 * is a gap, counted and said once; a cell that is not a number is an error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/intensity/formats.h"
#include "common/csvread.h"
#include "common/util.h"

#define HOUR_NS (3600 * CTK_NS_PER_S)

struct emold {
	struct ctk_ci_sink *k;
	char **hdr;
	int nf;
	int dt, ts, zone, value;
	const char *signal;
	struct ctk_tz utc;
	char zone_buf[64];
	int64_t rows, empty, first_empty_line;
};

static int header(struct emold *e, char **f, int n, struct ctk_error *err)
{
	if (!(e->hdr = calloc((size_t)n, sizeof(*e->hdr))))
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	e->nf = n;
	for (int i = 0; i < n; i++)
		if (!(e->hdr[i] = strdup(f[i])))
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
	e->dt = ctk_csv_find(f, n, "datetime");
	e->ts = ctk_csv_find(f, n, "timestamp");
	e->zone = ctk_csv_find(f, n, "zone_name");
	if (e->dt < 0 && e->ts < 0)
		return ctk_failf(err, CTK_EINPUT, "'%s' line 1: no 'datetime' or 'timestamp' column: not an electricityMap export",
				 e->k->name);
	e->signal = ctk_ci_signal(e->k, "lifecycle");
	if (!strcmp(e->signal, "lifecycle"))
		e->value = ctk_csv_find(f, n, "carbon_intensity_avg");
	else if (!strcmp(e->signal, "direct"))
		e->value = ctk_csv_find(f, n, "carbon_intensity_direct_avg");
	else
		return ctk_failf(err, CTK_EUSAGE, "--signal %s: electricityMap exports hold lifecycle and direct intensity only",
				 e->signal);
	if (e->value < 0)
		return ctk_failf(err, CTK_EINPUT, "'%s' line 1: no '%s' column", e->k->name,
				 !strcmp(e->signal, "lifecycle") ? "carbon_intensity_avg" : "carbon_intensity_direct_avg");
	return 0;
}

/* The hour's start: whole Unix seconds from `timestamp`, else `datetime`. */
static int hour_start(struct emold *e, char **f, int64_t line, int64_t *t, struct ctk_error *err)
{
	if (e->ts >= 0) {
		int64_t sec;
		if (ctk_parse_int64(f[e->ts], &sec) || sec < 0 || sec > INT64_MAX / CTK_NS_PER_S)
			return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': not a Unix time in seconds ('%s')",
					 e->k->name, (long long)line, e->hdr[e->ts], f[e->ts]);
		*t = sec * CTK_NS_PER_S;
		return 0;
	}
	if (ctk_time_parse(f[e->dt], &e->utc, t, err))
		return ctk_error_prefix(err, "'%s' line %lld: field '%s': ", e->k->name, (long long)line, e->hdr[e->dt]);
	return 0;
}

static int on_row(void *ctx, char **f, int n, int64_t line, struct ctk_error *err)
{
	struct emold *e = ctx;
	struct ctk_ci_key key = {.unit = "gCO2eq/kWh", .kind = "history"};
	char where[160];
	const char *zone;
	double v;
	int64_t t;
	int rc;

	if (!e->hdr)
		return header(e, f, n, err);
	if (n != e->nf)
		return ctk_csv_width_error(e->k->name, line, n, e->nf, err);
	if ((rc = hour_start(e, f, line, &t, err)))
		return rc;
	if (e->zone >= 0 && e->rows + e->empty > 0 && strcmp(f[e->zone], e->zone_buf))
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': zone '%s' differs from '%s' above",
				 e->k->name, (long long)line, e->hdr[e->zone], f[e->zone], e->zone_buf);
	if (e->rows + e->empty == 0) {
		char zw[96];
		snprintf(zw, sizeof zw, "line %lld", (long long)line);
		if ((rc = ctk_ci_zone(e->k, e->zone >= 0 ? f[e->zone] : NULL, zw, &zone, err)))
			return rc;
		snprintf(e->zone_buf, sizeof e->zone_buf, "%s", zone);
	}
	if (!*f[e->value]) {
		if (!e->empty++)
			e->first_empty_line = line;
		return 0;
	}
	if (ctk_parse_double(f[e->value], &v) || v < 0)
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': not a carbon intensity ('%s')", e->k->name,
				 (long long)line, e->hdr[e->value], f[e->value]);
	key.zone = e->zone_buf;
	key.signal = e->signal;
	snprintf(where, sizeof where, "line %lld: field '%s'", (long long)line, e->hdr[e->value]);
	e->rows++;
	return ctk_ci_emit(e->k, &key, t, t + HOUR_NS, 0, v, 0, where, err);
}

static int emold_import(struct ctk_ci_sink *k, const char *path, struct ctk_error *err)
{
	struct emold e = {.k = k, .utc = {.kind = CTK_TZ_FIXED, .name = "UTC"}};
	int rc = ctk_csv_read_file(path, ',', on_row, &e, err);

	if (!rc && !e.hdr)
		rc = ctk_failf(err, CTK_EINPUT, "'%s': empty file", path);
	if (!rc && e.empty)
		ctk_ci_warn(k, "'%s': %lld hour(s) without a value (first: line %lld), left as gaps", path,
			    (long long)e.empty, (long long)e.first_empty_line);
	if (e.hdr)
		for (int i = 0; i < e.nf; i++)
			free(e.hdr[i]);
	free(e.hdr);
	return rc;
}

static int emold_sniff(const char *head, size_t n)
{
	const char *nl = memchr(head, '\n', n);
	size_t len = nl ? (size_t)(nl - head) : n;
	char line[4096];

	snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), head);
	if (!strstr(line, "carbon_intensity_avg") || !strstr(line, "zone_name"))
		return 0;
	return !strncmp(line, "datetime,", 9) ? 90 : strstr(line, "timestamp") ? 70 : 0;
}

const struct ctk_ci_format ctk_ci_format_em_old_csv = {
	.name = "electricitymap-export",
	.summary = "old electricityMap export CSV (datetime,…,timestamp,zone_name,carbon_intensity_avg,…), hourly",
	.sniff = emold_sniff,
	.import_file = emold_import,
};
