/* Yearly fallback intensities from the table bundled with ctk (see
 * intensity_defaults.h and data/ATTRIBUTION.md): finds the table next to the
 * installed or built binary, and looks a zone and year up in it. */
#include "analyze/intensity/defaults.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/csvread.h"
#include "common/datafile.h"
#include "common/util.h"

#define TABLE "intensity-yearly.csv"

/* The table's path: common/datafile.h's rule, shared with the report's zone names. */
int ctk_ci_defaults_path(char *buf, size_t size, struct ctk_error *err)
{
	return ctk_data_file(TABLE, "the yearly intensity table", buf, size, err);
}

struct lookup {
	const char *zone;
	int year;
	struct ctk_ci_default best;
	int found, header;
	int cols[4];
};

static const char *source_label(const char *id)
{
	if (!strcmp(id, "ember"))
		return "Ember yearly average via co2.js, CC BY-SA 4.0";
	if (!strcmp(id, "owid"))
		return "Our World in Data via carbontracker, CC BY 4.0";
	return id;
}

/* Is candidate year c a better pick for want than the current best b? */
static int better(int want, int c, int b, int have)
{
	if (!have)
		return 1;
	if (want == 0)
		return c > b;
	if (c == want || b == want)
		return c == want && b != want;
	if (c < want && b < want)
		return c > b;
	if (c < want || b < want)
		return c < want;
	return c < b;
}

static int on_row(void *ctx, char **f, int n, int64_t line, struct ctk_error *err)
{
	struct lookup *l = ctx;
	double g;
	int64_t y;

	if (!l->header) {
		const char *names[4] = {"zone", "year", "g_per_kwh", "source"};
		for (int i = 0; i < 4; i++)
			if ((l->cols[i] = ctk_csv_find(f, n, names[i])) < 0)
				return ctk_failf(err, CTK_EINPUT, "line 1: no '%s' column", names[i]);
		l->header = 1;
		return 0;
	}
	if (n < 4)
		return ctk_failf(err, CTK_EINPUT, "line %lld: %d field(s), want 4", (long long)line, n);
	if (strcasecmp(f[l->cols[0]], l->zone))
		return 0;
	if (ctk_parse_int64(f[l->cols[1]], &y) || y < 1900 || y > 2200)
		return ctk_failf(err, CTK_EINPUT, "line %lld: field 'year': not a year ('%s')", (long long)line, f[l->cols[1]]);
	if (ctk_parse_double(f[l->cols[2]], &g) || g < 0)
		return ctk_failf(err, CTK_EINPUT, "line %lld: field 'g_per_kwh': not a number ('%s')", (long long)line,
				 f[l->cols[2]]);
	if (better(l->year, (int)y, l->best.year, l->found)) {
		snprintf(l->best.zone, sizeof l->best.zone, "%s", f[l->cols[0]]);
		l->best.year = (int)y;
		l->best.g_per_kwh = g;
		snprintf(l->best.source, sizeof l->best.source, "%s", source_label(f[l->cols[3]]));
		l->found = 1;
	}
	return 0;
}

int ctk_ci_default_lookup(const char *zone, int year, struct ctk_ci_default *out, struct ctk_error *err)
{
	struct lookup l = {.zone = zone, .year = year};
	char country[16];
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = ctk_ci_defaults_path(out->path, sizeof out->path, err)))
		return rc;
	if ((rc = ctk_csv_read_file(out->path, ',', on_row, &l, err)))
		return ctk_error_prefix(err, "'%s' ", out->path);
	if (!l.found && strchr(zone, '-') && strchr(zone, '-') - zone < (long)sizeof country) {
		snprintf(country, sizeof country, "%.*s", (int)(strchr(zone, '-') - zone), zone);
		l.zone = country;
		if ((rc = ctk_csv_read_file(out->path, ',', on_row, &l, err)))
			return ctk_error_prefix(err, "'%s' ", out->path);
	}
	if (!l.found)
		return ctk_failf(err, CTK_EINPUT, "zone '%s': not in the yearly intensity table '%s' (zones are ISO country codes like DE)",
				 zone, out->path);
	snprintf(l.best.path, sizeof l.best.path, "%s", out->path);
	*out = l.best;
	return 0;
}
