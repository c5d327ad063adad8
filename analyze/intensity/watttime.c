/* WattTime marginal emission rate (MOER) CSVs (FORMATS.md §2), two shapes:
 * `time,<REGION>` (5-minute rows, zone-less times: --tz) and
 * `location,timestamp,duration,value,hist` (ISO times, duration in minutes).
 * The signal is always marginal. The files do not state their unit: lbs/MWh
 * (WattTime's API unit) is assumed and converted × 0.45359237 to g/kWh unless
 * --unit g/kWh says otherwise; the unit used is stored with the series. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/intensity/formats.h"
#include "common/csvread.h"
#include "common/util.h"

struct wt {
	struct ctk_ci_sink *k;
	char **hdr;
	int nf;
	int shape;            /* 1: time,<REGION>; 2: location,timestamp,duration,value */
	int t, loc, dur, val;
	double scale;
	const char *unit;
	struct ctk_tz *tz;
	char zone[64];
	int64_t rows;
};

static int header(struct wt *w, char **f, int n, struct ctk_error *err)
{
	if (!(w->hdr = calloc((size_t)n, sizeof(*w->hdr))))
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	w->nf = n;
	for (int i = 0; i < n; i++)
		if (!(w->hdr[i] = strdup(f[i])))
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
	if (n == 2 && !strcasecmp(f[0], "time")) {
		w->shape = 1;
		w->t = 0;
		w->val = 1;
		w->loc = -1;
		w->dur = -1;
		if (!*f[1])
			return ctk_failf(err, CTK_EINPUT, "'%s' line 1: field 2: empty region name", w->k->name);
		const char *zone;
		char up[64];
		size_t i;
		for (i = 0; f[1][i] && i < sizeof up - 1; i++)
			up[i] = (char)toupper((unsigned char)f[1][i]);
		up[i] = '\0';
		int rc = ctk_ci_zone(w->k, w->k->o && w->k->o->zone ? w->k->o->zone : up, "line 1", &zone, err);
		if (rc)
			return rc;
		snprintf(w->zone, sizeof w->zone, "%s", zone);
		return 0;
	}
	w->t = ctk_csv_find(f, n, "timestamp");
	w->loc = ctk_csv_find(f, n, "location");
	w->dur = ctk_csv_find(f, n, "duration");
	w->val = ctk_csv_find(f, n, "value");
	if (w->t < 0 || w->val < 0)
		return ctk_failf(err, CTK_EINPUT, "'%s' line 1: neither 'time,<REGION>' nor 'location,timestamp,duration,value' "
				 "(no '%s' column): not a WattTime CSV", w->k->name, w->t < 0 ? "timestamp" : "value");
	w->shape = 2;
	return 0;
}

static int on_row(void *ctx, char **f, int n, int64_t line, struct ctk_error *err)
{
	struct wt *w = ctx;
	struct ctk_ci_key key = {.signal = "marginal", .kind = "history"};
	char where[160];
	int64_t t, end = 0;
	double v, d;
	int rc;

	if (!w->hdr)
		return header(w, f, n, err);
	if (n != w->nf)
		return ctk_csv_width_error(w->k->name, line, n, w->nf, err);
	if (ctk_time_parse(f[w->t], w->tz, &t, err))
		return ctk_error_prefix(err, "'%s' line %lld: field '%s': ", w->k->name, (long long)line, w->hdr[w->t]);
	if (ctk_parse_double(f[w->val], &v))
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': not a number ('%s')", w->k->name,
				 (long long)line, w->hdr[w->val], f[w->val]);
	if (w->dur >= 0) {
		if (ctk_parse_double(f[w->dur], &d) || d <= 0 || d > 1440)
			return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': not a duration in minutes ('%s')",
					 w->k->name, (long long)line, w->hdr[w->dur], f[w->dur]);
		end = t + (int64_t)(d * 60.0 * 1e9 + 0.5);
	}
	if (w->shape == 2 && w->rows == 0) {
		const char *zone;
		snprintf(where, sizeof where, "line %lld: field 'location'", (long long)line);
		if ((rc = ctk_ci_zone(w->k, w->loc >= 0 ? f[w->loc] : NULL, where, &zone, err)))
			return rc;
		snprintf(w->zone, sizeof w->zone, "%s", zone);
	} else if (w->shape == 2 && w->loc >= 0 && strcmp(f[w->loc], w->zone) && !(w->k->o && w->k->o->zone)) {
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field 'location': '%s' differs from '%s' above",
				 w->k->name, (long long)line, f[w->loc], w->zone);
	}
	w->rows++;
	key.zone = w->zone;
	key.unit = w->unit;
	snprintf(where, sizeof where, "line %lld: field '%s'", (long long)line, w->hdr[w->val]);
	return ctk_ci_emit(w->k, &key, t, end, 0, v * w->scale, 0, where, err);
}

static int wt_import(struct ctk_ci_sink *k, const char *path, struct ctk_error *err)
{
	struct ctk_tz utc = {.kind = CTK_TZ_FIXED, .name = "UTC"};
	struct wt w = {.k = k, .scale = CTK_LB_PER_MWH_TO_G_PER_KWH, .unit = "lbs/MWh"};
	const char *sig = ctk_ci_signal(k, "marginal");
	int rc;

	if (strcmp(sig, "marginal"))
		return ctk_failf(err, CTK_EUSAGE, "--signal %s: WattTime files hold the marginal signal only", sig);
	if (k->o && k->o->unit && !strcasecmp(k->o->unit, "g/kWh")) {
		w.scale = 1.0;
		w.unit = "g/kWh";
	} else if (k->o && k->o->unit && strcasecmp(k->o->unit, "lbs/MWh")) {
		return ctk_failf(err, CTK_EUSAGE, "--unit %s: not g/kWh or lbs/MWh", k->o->unit);
	} else if (!(k->o && k->o->unit)) {
		ctk_ci_warn(k, "'%s': WattTime files do not state their unit: assumed lbs/MWh, converted to g/kWh (pass --unit g/kWh if not)",
			    path);
	}
	w.tz = k->o && k->o->tz && k->o->tz->kind != CTK_TZ_NONE ? k->o->tz : &utc;
	rc = ctk_csv_read_file(path, ',', on_row, &w, err);
	if (!rc && w.shape == 1 && w.tz == &utc)
		ctk_ci_warn(k, "'%s': times carry no zone; assumed UTC (pass --tz)", path);
	if (!rc && !w.hdr)
		rc = ctk_failf(err, CTK_EINPUT, "'%s': empty file", path);
	if (w.hdr)
		for (int i = 0; i < w.nf; i++)
			free(w.hdr[i]);
	free(w.hdr);
	return rc;
}

static int wt_sniff(const char *head, size_t n)
{
	const char *nl = memchr(head, '\n', n);
	size_t len = nl ? (size_t)(nl - head) : n;

	if (!strncmp(head, "location,timestamp,duration,value", 33))
		return 90;
	/* time,<REGION>: one comma, lower-case "time", a region name that is not "value" */
	if (len > 5 && !strncmp(head, "time,", 5) && !memchr(head + 5, ',', len - 5) &&
	    strncasecmp(head + 5, "value", 5) && !strcasestr(head + 5, "intensity"))
		return 40;
	return 0;
}

const struct ctk_ci_format ctk_ci_format_watttime = {
	.name = "watttime-csv",
	.summary = "WattTime MOER CSV (time,<REGION> or location,timestamp,duration,value); marginal",
	.sniff = wt_sniff,
	.import_file = wt_import,
};
