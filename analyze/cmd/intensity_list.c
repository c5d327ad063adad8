/* `ctk intensity list --db DB [--zone Z] [--json]`: the stored series
 * (values, span, step, estimated share, gaps, overlaps, irregular steps)
 * and, per zone and signal, the coverage over all its series: the gaps
 * between files and the overlaps, in a table or as JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "analyze/cmd/intensity.h"
#include "common/db.h"
#include "common/time.h"

enum { O_DB = 256, O_ZONE, O_JSON };

struct args {
	const char *db, *zone;
	int json;
};

static int on_opt(void *ctx, int opt, const char *arg, struct ctk_error *err)
{
	struct args *a = ctx;

	(void)err;
	switch (opt) {
	case O_DB: a->db = arg; break;
	case O_ZONE: a->zone = arg; break;
	case O_JSON: a->json = 1; break;
	}
	return 0;
}

static void fmt_dur(int64_t ns, char *buf, size_t size)
{
	int64_t s = ns / CTK_NS_PER_S;
	if (s % 86400 == 0 && s >= 86400)
		snprintf(buf, size, "%lld d", (long long)(s / 86400));
	else if (s % 3600 == 0 && s >= 3600)
		snprintf(buf, size, "%lld h", (long long)(s / 3600));
	else if (s % 60 == 0 && s >= 60)
		snprintf(buf, size, "%lld min", (long long)(s / 60));
	else
		snprintf(buf, size, "%lld s", (long long)s);
}

struct span_stats {
	int64_t n, est, first, last, gaps, gap_ns, overlaps, overlap_ns;
	int64_t cover_end;
	int64_t cover_series;
};

static void add_point(struct span_stats *s, int64_t a, int64_t b, int est, int64_t series, cJSON *gaps,
		      cJSON *overlaps)
{
	char t1[40], t2[40];

	if (s->n == 0) {
		s->first = a;
		s->cover_end = b;
		s->cover_series = series;
	} else if (a > s->cover_end) {
		s->gaps++;
		s->gap_ns += a - s->cover_end;
		if (gaps) {
			cJSON *g = cJSON_CreateObject();
			ctk_time_format(s->cover_end, t1, sizeof t1);
			ctk_time_format(a, t2, sizeof t2);
			cJSON_AddStringToObject(g, "from", t1);
			cJSON_AddStringToObject(g, "to", t2);
			cJSON_AddNumberToObject(g, "seconds", (double)((a - s->cover_end) / CTK_NS_PER_S));
			cJSON_AddItemToArray(gaps, g);
		}
	} else if (a < s->cover_end) {
		int64_t e = b < s->cover_end ? b : s->cover_end;
		s->overlaps++;
		s->overlap_ns += e - a;
		if (overlaps) {
			cJSON *o = cJSON_CreateObject();
			ctk_time_format(a, t1, sizeof t1);
			ctk_time_format(e, t2, sizeof t2);
			cJSON_AddStringToObject(o, "from", t1);
			cJSON_AddStringToObject(o, "to", t2);
			cJSON_AddNumberToObject(o, "seconds", (double)((e - a) / CTK_NS_PER_S));
			cJSON_AddNumberToObject(o, "series_a", (double)s->cover_series);
			cJSON_AddNumberToObject(o, "series_b", (double)series);
			cJSON_AddItemToArray(overlaps, o);
		}
	}
	if (b > s->cover_end || s->n == 0) {
		s->cover_end = b;
		s->cover_series = series;
	}
	if (b > s->last)
		s->last = b;
	s->n++;
	s->est += est;
}

static void add_stats(cJSON *o, const struct span_stats *s)
{
	char t[40];

	cJSON_AddNumberToObject(o, "values", (double)s->n);
	ctk_time_format(s->first, t, sizeof t);
	cJSON_AddStringToObject(o, "from", t);
	ctk_time_format(s->last, t, sizeof t);
	cJSON_AddStringToObject(o, "to", t);
	cJSON_AddNumberToObject(o, "gaps", (double)s->gaps);
	cJSON_AddNumberToObject(o, "gap_seconds", (double)(s->gap_ns / CTK_NS_PER_S));
	cJSON_AddNumberToObject(o, "overlaps", (double)s->overlaps);
	cJSON_AddNumberToObject(o, "overlap_seconds", (double)(s->overlap_ns / CTK_NS_PER_S));
	cJSON_AddNumberToObject(o, "estimated_share", s->n ? (double)s->est / (double)s->n : 0.0);
}

static int list_json(sqlite3 *db, const char *zone, cJSON *out, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL, *pt = NULL, *zs = NULL;
	cJSON *series = cJSON_AddArrayToObject(out, "series"), *zones = cJSON_AddArrayToObject(out, "zones");
	int rc;

	if ((rc = ctk_db_prepare(db, "SELECT series_id, zone, source, signal, kind, unit, resolution_s, year, path "
				     "FROM intensity_series WHERE ?1 IS NULL OR zone = ?1 ORDER BY zone, signal, series_id", &st, err)) ||
	    (rc = ctk_db_prepare(db, "SELECT start_ns, end_ns, estimated, series_id FROM intensity "
				     "WHERE series_id = ?1 ORDER BY start_ns", &pt, err)) ||
	    (rc = ctk_db_prepare(db, "SELECT i.start_ns, i.end_ns, i.estimated, i.series_id FROM intensity i "
				     "JOIN intensity_series s USING (series_id) WHERE s.zone = ?1 AND s.signal = ?2 "
				     "AND s.kind != 'yearly' ORDER BY i.start_ns, i.end_ns", &zs, err)))
		goto out;
	ctk_bind_text_or_null(st, 1, zone);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct span_stats s = {0};
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(series, o);
		cJSON_AddNumberToObject(o, "series_id", (double)sqlite3_column_int64(st, 0));
		for (int c = 1; c <= 5; c++)
			cJSON_AddStringToObject(o, sqlite3_column_name(st, c), (const char *)sqlite3_column_text(st, c));
		if (sqlite3_column_type(st, 6) == SQLITE_NULL)
			cJSON_AddNullToObject(o, "resolution_s");
		else
			cJSON_AddNumberToObject(o, "resolution_s", (double)sqlite3_column_int64(st, 6));
		if (sqlite3_column_type(st, 7) != SQLITE_NULL)
			cJSON_AddNumberToObject(o, "year", (double)sqlite3_column_int64(st, 7));
		if (sqlite3_column_type(st, 8) != SQLITE_NULL)
			cJSON_AddStringToObject(o, "path", (const char *)sqlite3_column_text(st, 8));
		int64_t res_ns = sqlite3_column_int64(st, 6) * CTK_NS_PER_S, irregular = 0;
		sqlite3_reset(pt);
		sqlite3_bind_int64(pt, 1, sqlite3_column_int64(st, 0));
		while (sqlite3_step(pt) == SQLITE_ROW) {
			int64_t a = sqlite3_column_int64(pt, 0), b = sqlite3_column_int64(pt, 1);
			irregular += b - a != res_ns;
			add_point(&s, a, b, sqlite3_column_int(pt, 2), sqlite3_column_int64(pt, 3), NULL, NULL);
		}
		add_stats(o, &s);
		/* values longer or shorter than the usual step: with "until the next
		 * value" formats (generic CSV) a missing row shows up here, not as a gap */
		cJSON_AddNumberToObject(o, "irregular_steps", (double)irregular);
	}
	/* per zone and signal: coverage over all its series (gaps between files, overlaps) */
	sqlite3_finalize(st);
	st = NULL;
	if ((rc = ctk_db_prepare(db, "SELECT zone, signal, count(*) FROM intensity_series WHERE kind != 'yearly' "
				     "AND (?1 IS NULL OR zone = ?1) GROUP BY zone, signal ORDER BY zone, signal", &st, err)))
		goto out;
	ctk_bind_text_or_null(st, 1, zone);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct span_stats s = {0};
		cJSON *o = cJSON_CreateObject(), *gaps, *ovl;
		cJSON_AddItemToArray(zones, o);
		cJSON_AddStringToObject(o, "zone", (const char *)sqlite3_column_text(st, 0));
		cJSON_AddStringToObject(o, "signal", (const char *)sqlite3_column_text(st, 1));
		cJSON_AddNumberToObject(o, "series", (double)sqlite3_column_int64(st, 2));
		gaps = cJSON_CreateArray();
		ovl = cJSON_CreateArray();
		sqlite3_reset(zs);
		sqlite3_bind_text(zs, 1, (const char *)sqlite3_column_text(st, 0), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(zs, 2, (const char *)sqlite3_column_text(st, 1), -1, SQLITE_TRANSIENT);
		while (sqlite3_step(zs) == SQLITE_ROW)
			add_point(&s, sqlite3_column_int64(zs, 0), sqlite3_column_int64(zs, 1), sqlite3_column_int(zs, 2),
				  sqlite3_column_int64(zs, 3), cJSON_GetArraySize(gaps) < 100 ? gaps : NULL,
				  cJSON_GetArraySize(ovl) < 100 ? ovl : NULL);
		add_stats(o, &s);
		cJSON_AddItemToObject(o, "gap_list", gaps);
		cJSON_AddItemToObject(o, "overlap_list", ovl);
	}
out:
	sqlite3_finalize(st);
	sqlite3_finalize(pt);
	sqlite3_finalize(zs);
	return rc;
}

static void print_text(const cJSON *out)
{
	const cJSON *o;
	char d[32];

	printf("%-6s %-12s %-9s %-8s %-22s %7s %-24s %-24s %-7s %5s %4s %4s %5s\n", "series", "zone", "signal", "kind",
	       "source", "values", "from", "to", "step", "est%", "gaps", "ovl", "irreg");
	cJSON_ArrayForEach(o, cJSON_GetObjectItem(out, "series")) {
		const cJSON *r = cJSON_GetObjectItem(o, "resolution_s");
		if (cJSON_IsNumber(r))
			fmt_dur((int64_t)r->valuedouble * CTK_NS_PER_S, d, sizeof d);
		else
			snprintf(d, sizeof d, "-");
		printf("%-6d %-12s %-9s %-8s %-22.22s %7d %-24s %-24s %-7s %5.1f %4d %4d %5d\n",
		       cJSON_GetObjectItem(o, "series_id")->valueint, cJSON_GetObjectItem(o, "zone")->valuestring,
		       cJSON_GetObjectItem(o, "signal")->valuestring, cJSON_GetObjectItem(o, "kind")->valuestring,
		       cJSON_GetObjectItem(o, "source")->valuestring, cJSON_GetObjectItem(o, "values")->valueint,
		       cJSON_GetObjectItem(o, "from")->valuestring, cJSON_GetObjectItem(o, "to")->valuestring, d,
		       100.0 * cJSON_GetObjectItem(o, "estimated_share")->valuedouble,
		       cJSON_GetObjectItem(o, "gaps")->valueint, cJSON_GetObjectItem(o, "overlaps")->valueint,
		       cJSON_GetObjectItem(o, "irregular_steps")->valueint);
	}
	cJSON_ArrayForEach(o, cJSON_GetObjectItem(out, "zones")) {
		const cJSON *g;
		char d2[32];
		fmt_dur((int64_t)cJSON_GetObjectItem(o, "gap_seconds")->valuedouble * CTK_NS_PER_S, d, sizeof d);
		fmt_dur((int64_t)cJSON_GetObjectItem(o, "overlap_seconds")->valuedouble * CTK_NS_PER_S, d2, sizeof d2);
		printf("zone %s %s: %d series, %s .. %s, %d gap(s) (%s), %d overlap(s) (%s)\n",
		       cJSON_GetObjectItem(o, "zone")->valuestring, cJSON_GetObjectItem(o, "signal")->valuestring,
		       cJSON_GetObjectItem(o, "series")->valueint, cJSON_GetObjectItem(o, "from")->valuestring,
		       cJSON_GetObjectItem(o, "to")->valuestring, cJSON_GetObjectItem(o, "gaps")->valueint, d,
		       cJSON_GetObjectItem(o, "overlaps")->valueint, d2);
		int shown = 0;
		cJSON_ArrayForEach(g, cJSON_GetObjectItem(o, "gap_list"))
			if (shown++ < 10)
				printf("  gap     %s .. %s\n", cJSON_GetObjectItem(g, "from")->valuestring,
			       cJSON_GetObjectItem(g, "to")->valuestring);
		shown = 0;
		cJSON_ArrayForEach(g, cJSON_GetObjectItem(o, "overlap_list"))
			if (shown++ < 10)
				printf("  overlap %s .. %s (series %d and %d)\n", cJSON_GetObjectItem(g, "from")->valuestring,
			       cJSON_GetObjectItem(g, "to")->valuestring, cJSON_GetObjectItem(g, "series_a")->valueint,
			       cJSON_GetObjectItem(g, "series_b")->valueint);
		if (cJSON_GetObjectItem(o, "gaps")->valueint > 10 || cJSON_GetObjectItem(o, "overlaps")->valueint > 10)
			printf("  (first 10 of each shown; --json lists up to 100)\n");
	}
}

static int run(int argc, char **argv, struct ctk_error *err)
{
	struct args a = {0};
	sqlite3 *db = NULL;
	cJSON *out = NULL;
	int first, rc;

	if ((rc = ctk_intensity_opts(&ctk_intensity_list, argc, argv, on_opt, &a, &first, err)))
		return rc;
	if (first < argc)
		return ctk_failf(err, CTK_EUSAGE, "list: unexpected argument '%s'", argv[first]);
	if (!a.db)
		return ctk_failf(err, CTK_EUSAGE, "no database given (use --db FILE)");
	if ((rc = ctk_db_open(a.db, CTK_DB_READONLY, &db, err)))
		return rc;
	if (!(out = cJSON_CreateObject())) {
		rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
		goto out;
	}
	if (!(rc = list_json(db, a.zone, out, err))) {
		if (a.json) {
			rc = ctk_intensity_put_json(out, err);
			out = NULL;
		} else {
			print_text(out);
		}
	}
out:
	cJSON_Delete(out);
	ctk_db_close(db);
	return rc;
}

static const struct option opts[] = {
	{"db", required_argument, NULL, O_DB}, {"zone", required_argument, NULL, O_ZONE},
	{"json", no_argument, NULL, O_JSON}, {NULL, 0, NULL, 0},
};

const struct ctk_intensity_verb ctk_intensity_list = {
	.name = "list",
	.usage = "list --db DB [--zone Z] [--json]",
	.notes = "--zone Z    only the series of zone Z\n"
		 "--json      one JSON object: series[] and zones[] (gap_list, overlap_list: up to 100 each)\n",
	.opts = opts,
	.run = run,
};
