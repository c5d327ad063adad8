/* `ctk intensity default --zone Z [--year Y] [--json] [--db DB --store]`:
 * the bundled yearly average of a zone (analyze/intensity/defaults.h), in
 * words or as JSON (cJSON), and with --store kept as a 'yearly' series. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "analyze/cmd/intensity.h"
#include "analyze/intensity/defaults.h"
#include "analyze/intensity/formats.h"
#include "common/db.h"
#include "common/time.h"
#include "common/util.h"

enum { O_ZONE = 256, O_YEAR, O_JSON, O_DB, O_STORE };

struct args {
	const char *zone, *db;
	int year, json, store;
};

static int on_opt(void *ctx, int opt, const char *arg, struct ctk_error *err)
{
	struct args *a = ctx;
	int64_t n;

	switch (opt) {
	case O_ZONE: a->zone = arg; break;
	case O_DB: a->db = arg; break;
	case O_JSON: a->json = 1; break;
	case O_STORE: a->store = 1; break;
	case O_YEAR:
		if (ctk_parse_int64(arg, &n) || n < 1900 || n > 2200)
			return ctk_failf(err, CTK_EUSAGE, "--year '%s': not a year", arg);
		a->year = (int)n;
		break;
	}
	return 0;
}

/* Store d as one 'yearly' value over its calendar year (one transaction). */
static int store_default(const char *dbpath, const char *zone, const struct ctk_ci_default *d,
			 struct ctk_error *err)
{
	struct ctk_ci_opts o = {.source = d->source};
	struct ctk_ci_key key = {.zone = zone, .signal = "lifecycle", .unit = "gCO2/kWh", .kind = "yearly",
				 .year = d->year};
	struct ctk_ci_sink k;
	sqlite3 *db = NULL;
	char where[160];
	int rc, made = ctk_db_missing(dbpath);

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
	if (rc && made)
		ctk_db_discard(dbpath);
	return rc;
}

/* The value as one JSON object on stdout (strings escaped by cJSON). */
static int print_json(const struct args *a, const struct ctk_ci_default *d, struct ctk_error *err)
{
	cJSON *j = cJSON_CreateObject();

	if (j && !(cJSON_AddStringToObject(j, "zone", a->zone) && cJSON_AddStringToObject(j, "table_zone", d->zone) &&
		   cJSON_AddNumberToObject(j, "year", d->year) && cJSON_AddNumberToObject(j, "g_per_kwh", d->g_per_kwh) &&
		   cJSON_AddStringToObject(j, "source", d->source))) {
		cJSON_Delete(j);
		j = NULL;
	}
	return ctk_intensity_put_json(j, err);
}

static void print_text(const struct args *a, const struct ctk_ci_default *d)
{
	int other = strcasecmp(d->zone, a->zone) != 0;

	printf("%s %d: %.10g gCO2/kWh (yearly average; %s%s%s)\n", d->zone, d->year, d->g_per_kwh, d->source,
	       other ? "; country of " : "", other ? a->zone : "");
	if (a->year && a->year != d->year)
		printf("note: no value for %d; the nearest year in the table is %d\n", a->year, d->year);
}

static int run(int argc, char **argv, struct ctk_error *err)
{
	struct args a = {0};
	struct ctk_ci_default d;
	int first, rc;

	if ((rc = ctk_intensity_opts(&ctk_intensity_default, argc, argv, on_opt, &a, &first, err)))
		return rc;
	if (first < argc)
		return ctk_failf(err, CTK_EUSAGE, "default: unexpected argument '%s'", argv[first]);
	if (!a.zone)
		return ctk_failf(err, CTK_EUSAGE, "default: need --zone Z (an ISO country code like DE)");
	if (a.store && !a.db)
		return ctk_failf(err, CTK_EUSAGE, "--store needs --db FILE");
	if (a.db && !a.store)
		return ctk_failf(err, CTK_EUSAGE, "default: --db is only for --store");
	if ((rc = ctk_ci_default_lookup(a.zone, a.year, &d, err)))
		return rc;
	if (a.json)
		rc = print_json(&a, &d, err);
	else
		print_text(&a, &d);
	return !rc && a.store ? store_default(a.db, a.zone, &d, err) : rc;
}

static const struct option opts[] = {
	{"zone", required_argument, NULL, O_ZONE}, {"year", required_argument, NULL, O_YEAR},
	{"json", no_argument, NULL, O_JSON}, {"db", required_argument, NULL, O_DB},
	{"store", no_argument, NULL, O_STORE}, {NULL, 0, NULL, 0},
};

const struct ctk_intensity_verb ctk_intensity_default = {
	.name = "default",
	.usage = "default --zone Z [--year Y] [--json] [--db DB --store]",
	.notes = "--zone Z    ISO country code (a sub-zone like DK-DK1 falls back to its country)\n"
		 "--year Y    year of the value (default: the latest in the table; else the nearest earlier)\n"
		 "--store     also store the yearly value as a 'yearly' series in --db\n",
	.opts = opts,
	.run = run,
};
