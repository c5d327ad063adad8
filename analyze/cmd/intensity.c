/* `ctk intensity import|default|list|fetch`: store carbon-intensity series.
 *   import PATH… --db DB [--format F] [--zone Z] [--tz Z] [--signal S] [--unit U]
 *   default --zone Z [--year Y] [--db DB --store]
 *   list --db DB [--zone Z] [--json]
 *   fetch --source S --zone Z --from T --to T --db DB [--base-url URL]
 *   join CSV --db DB --zone Z [--signal S] [--fill none|previous|default]
 *        [--default G] [--json]   (price an energy CSV start,end,energy_j)
 * Every write is one transaction: a bad file or response leaves the store as
 * it was. Results go to stdout, warnings to stderr; main prints errors. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "analyze/commands.h"
#include "analyze/intensity/defaults.h"
#include "analyze/intensity/fetch.h"
#include "analyze/intensity/formats.h"
#include "analyze/energy/join.h"
#include "common/csvread.h"
#include "common/db.h"
#include "common/time.h"
#include "common/util.h"

static void print_warning(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "ctk intensity: warning: %s\n", msg);
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ctk intensity import PATH… --db DB [--format F] [--zone Z] [--tz Z]\n"
		"                            [--signal lifecycle|direct|marginal] [--unit g/kWh|lbs/MWh]\n"
		"       ctk intensity default --zone Z [--year Y] [--db DB --store]\n"
		"       ctk intensity list --db DB [--zone Z] [--json]\n"
		"       ctk intensity fetch --source uk|uk-regional|electricitymaps|eds --zone Z\n"
		"                           --from T --to T --db DB [--base-url URL] [--timeout T]\n"
		"                           [--retries N] [--backoff T] [--signal S]\n"
		"       ctk intensity join CSV --db DB --zone Z [--signal S] [--fill none|previous|default]\n"
		"                          [--default G] [--json]\n"
		"\nformats (import; default: sniffed):\n");
	for (int i = 0; ctk_ci_formats[i]; i++)
		fprintf(out, "  %-22s %s\n", ctk_ci_formats[i]->name, ctk_ci_formats[i]->summary);
	fprintf(out,
		"\n--zone Z    zone for files that do not name one (checked against files that do);\n"
		"            fetch: GB (uk), region id or postcode (uk-regional), zone (electricitymaps),\n"
		"            DK1 or DK2 (eds)\n"
		"--tz ZONE   zone of zone-less times (IANA name or offset; default UTC, with a warning)\n"
		"--signal S  lifecycle (Electricity Maps default), direct (UK, DK default) or marginal (WattTime)\n"
		"--unit U    unit of files that do not state it (WattTime default lbs/MWh, converted to g/kWh)\n"
		"--store     default: also store the yearly value as a 'yearly' series\n"
		"join        CO2 of an energy CSV with columns start,end,energy_j (times ISO-8601 or Unix s):\n"
		"            sum of E x CI(t), step semantics, intervals split in proportion to time;\n"
		"            --fill previous|default prices energy in gaps (default: --default G, else the\n"
		"            zone's stored yearly series) and says so; never mixes marginal and average\n"
		"--timeout T, --backoff T  durations with a unit (30s, 500ms); --backoff doubles each retry\n"
		"fetch reads the Electricity Maps token from ELECTRICITYMAPS_TOKEN only.\n"
		"Each command is one transaction: on any error nothing is stored.\n"
		"exit status: 0 ok, 1 usage, 2 bad input, 3 I/O, network or database\n");
}

enum { O_DB = 256, O_ZONE, O_TZ, O_SIGNAL, O_UNIT, O_FORMAT, O_YEAR, O_STORE, O_JSON, O_SOURCE, O_FROM,
       O_TO, O_BASE, O_TIMEOUT, O_RETRIES, O_BACKOFF, O_FILL, O_DEFAULT };

struct args {
	const char *db, *zone, *tz, *signal, *unit, *format, *source, *from, *to, *base, *fill;
	int year, store, json, retries, has_default;
	double timeout_s, backoff_s, default_g;
	int first;        /* index of the first operand */
};

static int parse_args(int argc, char **argv, struct args *a, struct ctk_error *err)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, O_DB}, {"zone", required_argument, NULL, O_ZONE},
		{"tz", required_argument, NULL, O_TZ}, {"signal", required_argument, NULL, O_SIGNAL},
		{"unit", required_argument, NULL, O_UNIT}, {"format", required_argument, NULL, O_FORMAT},
		{"year", required_argument, NULL, O_YEAR}, {"store", no_argument, NULL, O_STORE},
		{"json", no_argument, NULL, O_JSON}, {"source", required_argument, NULL, O_SOURCE},
		{"from", required_argument, NULL, O_FROM}, {"to", required_argument, NULL, O_TO},
		{"base-url", required_argument, NULL, O_BASE}, {"timeout", required_argument, NULL, O_TIMEOUT},
		{"retries", required_argument, NULL, O_RETRIES}, {"backoff", required_argument, NULL, O_BACKOFF},
		{"fill", required_argument, NULL, O_FILL}, {"default", required_argument, NULL, O_DEFAULT},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	int64_t n;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_DB: a->db = optarg; break;
		case O_ZONE: a->zone = optarg; break;
		case O_TZ: a->tz = optarg; break;
		case O_SIGNAL: a->signal = optarg; break;
		case O_UNIT: a->unit = optarg; break;
		case O_FORMAT: a->format = optarg; break;
		case O_SOURCE: a->source = optarg; break;
		case O_FROM: a->from = optarg; break;
		case O_TO: a->to = optarg; break;
		case O_BASE: a->base = optarg; break;
		case O_STORE: a->store = 1; break;
		case O_FILL: a->fill = optarg; break;
		case O_DEFAULT:
			if (ctk_parse_double(optarg, &a->default_g) || a->default_g < 0 || a->default_g > 10000)
				return ctk_failf(err, CTK_EUSAGE, "--default '%s': not g/kWh", optarg);
			a->has_default = 1;
			break;
		case O_JSON: a->json = 1; break;
		case O_YEAR:
			if (ctk_parse_int64(optarg, &n) || n < 1900 || n > 2200)
				return ctk_failf(err, CTK_EUSAGE, "--year '%s': not a year", optarg);
			a->year = (int)n;
			break;
		case O_RETRIES:
			if (ctk_parse_int64(optarg, &n) || n < 0 || n > 20)
				return ctk_failf(err, CTK_EUSAGE, "--retries '%s': not 0..20", optarg);
			a->retries = (int)n;
			break;
		case O_TIMEOUT:
		case O_BACKOFF: {
			int64_t v_ns;
			struct ctk_error e = {0};
			if (ctk_duration_parse(optarg, &v_ns, &e))
				return ctk_failf(err, CTK_EUSAGE, "--%s %s", c == O_TIMEOUT ? "timeout" : "backoff", e.msg);
			if (v_ns <= 0 || v_ns > 3600 * CTK_NS_PER_S)
				return ctk_failf(err, CTK_EUSAGE, "--%s '%s': not a duration in (0, 1h]",
						 c == O_TIMEOUT ? "timeout" : "backoff", optarg);
			*(c == O_TIMEOUT ? &a->timeout_s : &a->backoff_s) = (double)v_ns / 1e9;
			break;
		}
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return ctk_failf(err, CTK_EUSAGE, "bad option");
		}
	}
	a->first = optind;
	if (a->signal && strcmp(a->signal, "lifecycle") && strcmp(a->signal, "direct") && strcmp(a->signal, "marginal") &&
	    !strchr(a->signal, ','))
		return ctk_failf(err, CTK_EUSAGE, "--signal '%s': not lifecycle, direct or marginal", a->signal);
	return 0;
}

static int cmd_import(struct args *a, int argc, char **argv, struct ctk_error *err)
{
	struct ctk_ci_opts o = {.zone = a->zone, .signal = a->signal, .unit = a->unit, .warn = print_warning};
	const struct ctk_ci_format *f = NULL;
	struct ctk_tz tz;
	sqlite3 *db = NULL;
	int rc;

	if (a->first >= argc)
		return ctk_failf(err, CTK_EUSAGE, "import: need at least one PATH");
	if (!a->db)
		return ctk_failf(err, CTK_EUSAGE, "no database given (use --db FILE)");
	if (a->format && !(f = ctk_ci_format_find(a->format)))
		return ctk_failf(err, CTK_EUSAGE, "unknown format '%s' (see ctk intensity --help)", a->format);
	if ((rc = ctk_tz_parse(a->tz, &tz, err)))
		return rc;
	o.tz = &tz;
	if ((rc = ctk_db_open(a->db, CTK_DB_CREATE, &db, err)))
		return rc;
	if ((rc = ctk_db_begin(db, err)))
		goto out;
	for (int i = a->first; i < argc && !rc; i++) {
		const struct ctk_ci_format *used = NULL;
		int64_t points = 0;
		int series = 0;
		rc = ctk_ci_import_path(db, f, argv[i], &o, &used, &points, &series, err);
		if (!rc)
			printf("imported '%s' (%s): %d series, %lld value(s)\n", argv[i], used->name, series,
			       (long long)points);
	}
	if (!rc)
		rc = ctk_db_commit(db, err);
	if (rc)
		ctk_db_rollback(db);
out:
	ctk_db_close(db);
	return rc;
}

static int store_default(const char *dbpath, const char *zone, const struct ctk_ci_default *d,
			 struct ctk_error *err)
{
	struct ctk_ci_opts o = {.source = d->source};
	struct ctk_ci_key key = {.zone = zone, .signal = "lifecycle", .unit = "gCO2/kWh", .kind = "yearly",
				 .year = d->year};
	struct ctk_ci_sink k;
	sqlite3 *db = NULL;
	char where[160];
	int rc;

	if ((rc = ctk_db_open(dbpath, CTK_DB_CREATE, &db, err)))
		return rc;
	if ((rc = ctk_db_begin(db, err)))
		goto out;
	snprintf(where, sizeof where, "zone %s year %d", d->zone, d->year);
	if (!(rc = ctk_ci_sink_init(&k, db, &o, d->source, d->path, err))) {
		int64_t from = ctk_days_from_civil(d->year, 1, 1) * 86400 * CTK_NS_PER_S;
		int64_t to = ctk_days_from_civil(d->year + 1, 1, 1) * 86400 * CTK_NS_PER_S;
		rc = ctk_ci_emit(&k, &key, from, to, 0, d->g_per_kwh, 1, where, err);
		if (!rc)
			rc = ctk_ci_sink_finish(&k, err);
		if (!rc)
			printf("stored as series %lld (yearly, %d)\n", (long long)k.s[0].series_id, d->year);
	}
	ctk_ci_sink_release(&k);
	if (!rc)
		rc = ctk_db_commit(db, err);
	if (rc)
		ctk_db_rollback(db);
out:
	ctk_db_close(db);
	return rc;
}

static int cmd_default(struct args *a, struct ctk_error *err)
{
	struct ctk_ci_default d;
	int rc;

	if (!a->zone)
		return ctk_failf(err, CTK_EUSAGE, "default: need --zone Z (an ISO country code like DE)");
	if (a->store && !a->db)
		return ctk_failf(err, CTK_EUSAGE, "--store needs --db FILE");
	if ((rc = ctk_ci_default_lookup(a->zone, a->year, &d, err)))
		return rc;
	if (a->json) {
		printf("{\"zone\":\"%s\",\"table_zone\":\"%s\",\"year\":%d,\"g_per_kwh\":%.10g,\"source\":\"%s\"}\n",
		       a->zone, d.zone, d.year, d.g_per_kwh, d.source);
	} else {
		printf("%s %d: %.10g gCO2/kWh (yearly average; %s%s%s)\n", d.zone, d.year, d.g_per_kwh, d.source,
		       strcasecmp(d.zone, a->zone) ? "; country of " : "",
		       strcasecmp(d.zone, a->zone) ? a->zone : "");
		if (a->year && a->year != d.year)
			printf("note: no value for %d; the nearest year in the table is %d\n", a->year, d.year);
	}
	return a->store ? store_default(a->db, a->zone, &d, err) : 0;
}

/* ---- list ---------------------------------------------------------------- */

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

static int cmd_list(struct args *a, struct ctk_error *err)
{
	sqlite3 *db = NULL;
	cJSON *out = NULL;
	int rc;

	if (!a->db)
		return ctk_failf(err, CTK_EUSAGE, "no database given (use --db FILE)");
	if ((rc = ctk_db_open(a->db, CTK_DB_READONLY, &db, err)))
		return rc;
	if (!(out = cJSON_CreateObject())) {
		rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
		goto out;
	}
	if (!(rc = list_json(db, a->zone, out, err))) {
		if (a->json) {
			char *s = cJSON_PrintUnformatted(out);
			if (s)
				printf("%s\n", s);
			free(s);
		} else {
			print_text(out);
		}
	}
out:
	cJSON_Delete(out);
	ctk_db_close(db);
	return rc;
}

static int cmd_fetch(struct args *a, struct ctk_error *err)
{
	struct ctk_fetch_opts o = {.source = a->source, .zone = a->zone, .base_url = a->base, .signal = a->signal,
				   .timeout_s = a->timeout_s, .max_tries = a->retries ? a->retries + 1 : 0,
				   .backoff_s = a->backoff_s, .warn = print_warning};
	struct ctk_fetch_result res = {0};
	sqlite3 *db = NULL;
	int rc;

	if (!a->source || !a->zone || !a->from || !a->to || !a->db)
		return ctk_failf(err, CTK_EUSAGE, "fetch: need --source, --zone, --from, --to and --db");
	if (ctk_time_parse(a->from, NULL, &o.from_ns, err) || ctk_time_parse(a->to, NULL, &o.to_ns, err)) {
		ctk_error_prefix(err, "--from/--to (ISO-8601 with a zone, e.g. 2024-01-01T00:00Z): ");
		err->code = CTK_EUSAGE;
		return CTK_EUSAGE;
	}
	if (o.to_ns <= o.from_ns)
		return ctk_failf(err, CTK_EUSAGE, "--to must be after --from");
	if ((rc = ctk_db_open(a->db, CTK_DB_CREATE, &db, err)))
		return rc;
	if ((rc = ctk_db_begin(db, err)))
		goto out;
	rc = ctk_ci_fetch(db, &o, &res, err);
	if (!rc)
		rc = ctk_db_commit(db, err);
	if (rc)
		ctk_db_rollback(db);
	else
		printf("fetched %s %s: %d page(s), %d retr%s, %lld value(s)\n", a->source, a->zone, res.pages,
		       res.retries, res.retries == 1 ? "y" : "ies", (long long)res.points);
out:
	ctk_db_close(db);
	return rc;
}

/* ---- join: price an energy CSV ----------------------------------------- */

struct join_csv {
	struct ctk_join *j;
	const char *path;
	int cols[3];
	int header;
	struct ctk_tz utc;
};

static int join_row(void *ctx, char **f, int n, int64_t line, struct ctk_error *err)
{
	struct join_csv *c = ctx;
	static const char *names[3] = {"start", "end", "energy_j"};
	int64_t t[2];
	double e;

	if (!c->header) {
		for (int i = 0; i < 3; i++)
			if ((c->cols[i] = ctk_csv_find(f, n, names[i])) < 0)
				return ctk_failf(err, CTK_EINPUT, "'%s' line 1: no '%s' column (want start,end,energy_j)",
						 c->path, names[i]);
		c->header = 1;
		return 0;
	}
	for (int i = 0; i < 3; i++)
		if (c->cols[i] >= n)
			return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': missing", c->path, (long long)line,
					 names[i]);
	for (int i = 0; i < 2; i++)
		if (ctk_time_parse_any(f[c->cols[i]], CTK_TU_S, &c->utc, &t[i], err))
			return ctk_error_prefix(err, "'%s' line %lld: field '%s': ", c->path, (long long)line, names[i]);
	if (ctk_parse_double(f[c->cols[2]], &e))
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field 'energy_j': not a number ('%s')", c->path,
				 (long long)line, f[c->cols[2]]);
	if (ctk_join_add(c->j, t[0], t[1], e, NULL, err))
		return ctk_error_prefix(err, "'%s' line %lld: ", c->path, (long long)line);
	return 0;
}

static void json_num(cJSON *o, const char *k, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static int cmd_join(struct args *a, int argc, char **argv, struct ctk_error *err)
{
	struct ctk_join_opts o = {.zone = a->zone, .signal = a->signal, .default_g_per_kwh = a->default_g,
				  .has_default = a->has_default};
	struct join_csv c = {.utc = {.kind = CTK_TZ_FIXED, .name = "UTC"}};
	struct ctk_join_result r;
	sqlite3 *db = NULL;
	int rc;

	if (a->first + 1 != argc || !a->db || !a->zone)
		return ctk_failf(err, CTK_EUSAGE, "join: need one CSV, --db and --zone");
	if (!a->fill || !strcmp(a->fill, "none"))
		o.fill = CTK_FILL_NONE;
	else if (!strcmp(a->fill, "previous"))
		o.fill = CTK_FILL_PREVIOUS;
	else if (!strcmp(a->fill, "default"))
		o.fill = CTK_FILL_DEFAULT;
	else
		return ctk_failf(err, CTK_EUSAGE, "--fill '%s': not none, previous or default", a->fill);
	if ((rc = ctk_db_open(a->db, CTK_DB_READONLY, &db, err)))
		return rc;
	if ((rc = ctk_join_open(db, &o, &c.j, err)))
		goto out;
	c.path = argv[a->first];
	if (!(rc = ctk_csv_read_file(c.path, ',', join_row, &c, err)))
		rc = ctk_join_finish(c.j, &r, err);
	if (!rc && a->json) {
		cJSON *j = cJSON_CreateObject();
		char *s;
		cJSON_AddStringToObject(j, "zone", a->zone);
		cJSON_AddStringToObject(j, "signal", r.signal);
		cJSON_AddNumberToObject(j, "intervals", (double)r.intervals);
		json_num(j, "energy_j", r.energy_j);
		json_num(j, "co2_g", r.total.co2_g);
		json_num(j, "covered_j", r.total.covered_j);
		json_num(j, "filled_j", r.total.filled_j);
		json_num(j, "missing_j", r.total.missing_j);
		json_num(j, "estimated_j", r.total.estimated_j);
		json_num(j, "missing_share", r.missing_share);
		json_num(j, "filled_share", r.filled_share);
		json_num(j, "mean_g_per_kwh_energy", r.mean_g_per_kwh_energy);
		json_num(j, "mean_g_per_kwh_time", r.mean_g_per_kwh_time);
		json_num(j, "time_covered_share", r.time_covered_share);
		cJSON_AddStringToObject(j, "fill_note", r.fill_note);
		if ((s = cJSON_PrintUnformatted(j)))
			printf("%s\n", s);
		free(s);
		cJSON_Delete(j);
	} else if (!rc) {
		printf("zone %s, signal %s: %lld interval(s), %.6g kWh\n", a->zone, r.signal, (long long)r.intervals,
		       r.energy_j / 3.6e6);
		printf("CO2: %.6g g\n", r.total.co2_g);
		printf("intensity: %.6g g/kWh energy-weighted, %.6g g/kWh plain time mean over the run span\n",
		       r.mean_g_per_kwh_energy, r.mean_g_per_kwh_time);
		printf("energy without intensity: %.3g%% (not counted)\n", 100 * r.missing_share);
		if (r.total.filled_j > 0)
			printf("energy priced by --fill %s: %.3g%% (%s)\n", a->fill, 100 * r.filled_share, r.fill_note);
	}
out:
	ctk_join_free(c.j);
	ctk_db_close(db);
	return rc;
}

int ctk_cmd_intensity(int argc, char **argv, struct ctk_error *err)
{
	struct args a = {0};
	const char *sub;
	int rc;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? ctk_failf(err, CTK_EUSAGE, "need import, default, list or fetch") : 0;
	}
	sub = argv[1];
	if ((rc = parse_args(argc - 1, argv + 1, &a, err)))
		return rc > 0 ? 0 : rc;
	a.first += 1;
	if (!strcmp(sub, "import"))
		return cmd_import(&a, argc, argv, err);
	if (!strcmp(sub, "join"))
		return cmd_join(&a, argc, argv, err);
	if (a.first < argc)
		return ctk_failf(err, CTK_EUSAGE, "%s: unexpected argument '%s'", sub, argv[a.first]);
	if (!strcmp(sub, "default"))
		return cmd_default(&a, err);
	if (!strcmp(sub, "list"))
		return cmd_list(&a, err);
	if (!strcmp(sub, "fetch"))
		return cmd_fetch(&a, err);
	usage(stderr);
	return ctk_failf(err, CTK_EUSAGE, "'%s': not import, default, list or fetch", sub);
}
