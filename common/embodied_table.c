/* Loading data/embodied.csv (see embodied.h): one sourced manufacturing
 * footprint a row, checked field by field (errors name file, line and
 * field); every source key must be one of ctk_embodied_sources[]. Kept apart
 * from embodied.c so that tools that only use the rule need no libcsv. */
#include "common/embodied.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/csvread.h"
#include "common/datafile.h"
#include "common/util.h"

#define NCOL 8
static const char *const COLS[NCOL] = {"pattern", "kg_co2e", "covers", "lifetime_years",
				       "utilisation", "source", "year", "note"};

struct loader {
	struct ctk_embodied_table *t;
	int header, cols[NCOL], cap;
};

static int bad(const struct loader *l, int64_t line, const char *field, const char *v, const char *what,
	       struct ctk_error *err)
{
	return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': %s ('%s')", l->t->path, (long long)line,
			 field, what, v);
}

/* an optional number: "" leaves *has 0 */
static int opt_num(const struct loader *l, int64_t line, const char *field, const char *v, double lo, double hi,
		   double *out, int *has, struct ctk_error *err)
{
	*has = 0;
	if (!*v)
		return 0;
	if (ctk_parse_double(v, out) || !isfinite(*out) || !(*out > lo) || *out > hi)
		return bad(l, line, field, v, "not a number in range", err);
	*has = 1;
	return 0;
}

static int on_row(void *ctx, char **f, int n, int64_t line, struct ctk_error *err)
{
	struct loader *l = ctx;
	struct ctk_embodied_row r = {0};
	int64_t year;
	int has;

	if (!l->header) {
		for (int i = 0; i < NCOL; i++)
			if ((l->cols[i] = ctk_csv_find(f, n, COLS[i])) < 0)
				return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: no '%s' column", l->t->path,
						 (long long)line, COLS[i]);
		l->header = 1;
		return 0;
	}
	if (n != NCOL)
		return ctk_csv_width_error(l->t->path, line, n, NCOL, err);
	const char *pat = f[l->cols[0]];
	if (!*pat || strlen(pat) >= sizeof r.pattern)
		return bad(l, line, "pattern", pat, "not a device-name pattern", err);
	snprintf(r.pattern, sizeof r.pattern, "%s", pat);
	if (opt_num(l, line, "kg_co2e", f[l->cols[1]], 0, 1e7, &r.kg_co2e, &has, err))
		return CTK_EINPUT;
	if (!has)
		return bad(l, line, "kg_co2e", f[l->cols[1]], "no footprint (a row needs its sourced value)", err);
	snprintf(r.covers, sizeof r.covers, "%s", f[l->cols[2]]);
	if (!*r.covers)
		return bad(l, line, "covers", "", "say what the footprint covers", err);
	if (opt_num(l, line, "lifetime_years", f[l->cols[3]], 0, 100, &r.lifetime_years, &r.has_lifetime, err) ||
	    opt_num(l, line, "utilisation", f[l->cols[4]], 0, 1, &r.utilisation, &r.has_utilisation, err))
		return CTK_EINPUT;
	const char *src = f[l->cols[5]];
	if (!ctk_embodied_source(src))
		return bad(l, line, "source", src, "not a known source key (common/embodied.c)", err);
	snprintf(r.source, sizeof r.source, "%s", src);
	if (ctk_parse_int64(f[l->cols[6]], &year) || year < 1990 || year > 2100)
		return bad(l, line, "year", f[l->cols[6]], "not a year", err);
	r.year = (int)year;
	snprintf(r.note, sizeof r.note, "%s", f[l->cols[7]]);
	if (l->t->n == l->cap) {
		int cap = l->cap ? 2 * l->cap : 16;
		struct ctk_embodied_row *p = realloc(l->t->rows, (size_t)cap * sizeof(*p));
		if (!p)
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		l->t->rows = p;
		l->cap = cap;
	}
	l->t->rows[l->t->n++] = r;
	return 0;
}

int ctk_embodied_table_load(const char *path, struct ctk_embodied_table *t, struct ctk_error *err)
{
	struct loader l = {.t = t};
	int rc;

	memset(t, 0, sizeof(*t));
	if (path)
		snprintf(t->path, sizeof t->path, "%s", path);
	else if ((rc = ctk_data_file("embodied.csv", "the embodied-emissions table", t->path, sizeof t->path, err)))
		return rc;
	if ((rc = ctk_csv_read_file(t->path, ',', on_row, &l, err))) {
		ctk_embodied_table_free(t);
		return rc;
	}
	return 0;
}

void ctk_embodied_table_free(struct ctk_embodied_table *t)
{
	free(t->rows);
	t->rows = NULL;
	t->n = 0;
}

static int contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++) {
		size_t i = 0;
		while (i < n && hay[i] && tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return 1;
	}
	return 0;
}

const struct ctk_embodied_row *ctk_embodied_match(const struct ctk_embodied_table *t, const char *device_name,
						  const char *source)
{
	for (int i = 0; device_name && i < t->n; i++)
		if (contains_ci(device_name, t->rows[i].pattern) && (!source || !strcmp(source, t->rows[i].source)))
			return &t->rows[i];
	return NULL;
}
