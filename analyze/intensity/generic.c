/* Generic two-column `time,value` CSV (FORMATS.md §2, e.g. lets-wait-awhile's
 * `Time,Carbon Intensity`): the zone is not in the file (--zone), zone-less
 * times are read in --tz (UTC assumed with a warning), spacing may be
 * irregular: a value holds until the next one, the last for the step before
 * it. Values are g/kWh (or --unit lbs/MWh, converted); signal lifecycle
 * unless --signal says otherwise. An optional header row is skipped. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "analyze/intensity/formats.h"
#include "common/csvread.h"
#include "common/util.h"

struct gen {
	struct ctk_ci_sink *k;
	struct ctk_tz *tz;
	struct ctk_ci_key key;
	double scale;
	int64_t rows;
	int seen_first;
	char h0[64], h1[64];
};

static int on_row(void *ctx, char **f, int n, int64_t line, struct ctk_error *err)
{
	struct gen *g = ctx;
	struct ctk_error ignore;
	char where[160];
	int64_t t;
	double v;

	if (n != 2)
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: %d field(s), want 2 (time,value)", g->k->name,
				 (long long)line, n);
	if (!g->seen_first) {
		g->seen_first = 1;
		snprintf(g->h0, sizeof g->h0, "%s", f[0]);
		snprintf(g->h1, sizeof g->h1, "%s", f[1]);
		if (ctk_time_parse(f[0], g->tz, &t, &ignore))
			return 0; /* a header row */
		snprintf(g->h0, sizeof g->h0, "time");
		snprintf(g->h1, sizeof g->h1, "value");
	}
	if (ctk_time_parse(f[0], g->tz, &t, err))
		return ctk_error_prefix(err, "'%s' line %lld: field '%s': ", g->k->name, (long long)line, g->h0);
	if (ctk_parse_double(f[1], &v))
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': not a number ('%s')", g->k->name,
				 (long long)line, g->h1, f[1]);
	snprintf(where, sizeof where, "line %lld: field '%s'", (long long)line, g->h1);
	g->rows++;
	return ctk_ci_emit(g->k, &g->key, t, 0, 0, v * g->scale, 0, where, err);
}

static int gen_import(struct ctk_ci_sink *k, const char *path, struct ctk_error *err)
{
	struct ctk_tz utc = {.kind = CTK_TZ_FIXED, .name = "UTC"};
	struct gen g = {.k = k, .scale = 1.0, .key = {.unit = "g/kWh", .kind = "history"}};
	int rc;

	if ((rc = ctk_ci_zone(k, NULL, "", &g.key.zone, err)))
		return rc;
	g.key.signal = ctk_ci_signal(k, "lifecycle");
	if (k->o && k->o->unit && !strcasecmp(k->o->unit, "lbs/MWh")) {
		g.scale = CTK_LB_PER_MWH_TO_G_PER_KWH;
		g.key.unit = "lbs/MWh";
	} else if (k->o && k->o->unit && strcasecmp(k->o->unit, "g/kWh")) {
		return ctk_failf(err, CTK_EUSAGE, "--unit %s: not g/kWh or lbs/MWh", k->o->unit);
	}
	g.tz = k->o && k->o->tz && k->o->tz->kind != CTK_TZ_NONE ? k->o->tz : &utc;
	if ((rc = ctk_csv_read_file(path, ',', on_row, &g, err)))
		return rc;
	if (g.tz == &utc && g.rows)
		ctk_ci_warn(k, "'%s': times carry no zone; assumed UTC (pass --tz)", path);
	return 0;
}

static int gen_sniff(const char *head, size_t n)
{
	const char *nl = memchr(head, '\n', n);
	int commas = 0;

	for (const char *p = head; p < (nl ? nl : head + n); p++)
		commas += *p == ',';
	return commas == 1 ? 20 : 0;
}

const struct ctk_ci_format ctk_ci_format_generic = {
	.name = "generic-csv",
	.summary = "two-column time,value CSV (g/kWh; needs --zone)",
	.sniff = gen_sniff,
	.import_file = gen_import,
};
