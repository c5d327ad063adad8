/* `ctk whatif --db DB --run R [--zones Z1,…] [--from T --to T] [--step D]
 * [--pue P] [--signal S] [--json|--csv]`: the CO2 the run's measured
 * energy profile (every piece of the analysis, not an average) would have
 * caused had it started at each start time of a window, in each zone with a
 * stored series; per zone the actual, the distribution over starts, the best
 * start and the best start within a deadline. Priced by the one rule of
 * common/intensity.h (ctk_steps_*: the join's choice of value, prefix sums). */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze/commands.h"
#include "analyze/intensity/defaults.h"
#include "common/csvwrite.h"
#include "common/db.h"
#include "common/intensity.h"
#include "common/settings.h"
#include "common/time.h"
#include "common/util.h"
#include "common/whatif.h"

#define HOUR_NS (3600 * CTK_NS_PER_S)
#define J_PER_KWH 3.6e6
#define MAX_ZONES 64

enum fmt { FMT_TEXT, FMT_JSON, FMT_CSV };


struct opts {
	const char *db, *run, *zones, *signal;
	int64_t from_ns, to_ns, step_ns;
	int has_from, has_to;
	struct ctk_pue pue;
	int has_pue;
	enum fmt fmt;
};

struct zone_result {
	struct ctk_whatif_zone w;    /* by start time (common/whatif.h) */
	int has_yearly;              /* the bundled yearly table has the zone (or its country) */
	struct ctk_ci_default yearly;
	double yearly_co2_g;         /* the whole run at that yearly average, PUE applied */
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ctk whatif --db DB --run R [--zones Z1,Z2,…] [--from T --to T]\n"
		"                  [--step D] [--pue P] [--signal S] [--json|--csv]\n\n"
		"CO2 of the run's measured energy profile had it started at every start\n"
		"time of a window (every --step, default 1h) in each zone with a stored\n"
		"intensity series (--zones, default: all), with the same rule as\n"
		"`ctk analyze` (step semantics, measured before estimated, PUE once).\n"
		"Per zone: the actual (the run's own zone and start, when covered; the\n"
		"same hour of the year when the series is of another year, said so), min,\n"
		"p10, median, p90, max over the starts, the best start and its saving, and\n"
		"the best start within a delay of 0, 6, 24 and 72 h after the actual one.\n"
		"A start whose run is not wholly covered by the series is left out (counted).\n"
		"Without --from/--to the window is each zone's stored series; given --from\n"
		"and --to of another year than a zone's series, the same hours of the\n"
		"series' year are used and said so. Each zone also gets the bundled yearly\n"
		"average (data/intensity-yearly.csv, of its country), labelled as such.\n"
		"--pue P: a number or carbontracker\n"
		"(default: the run's stored PUE, else 1.0).\n"
		"exit status: 0 ok, 1 usage, 2 bad input, 3 I/O or database\n");
}

static int parse_opts(int argc, char **argv, struct opts *o, struct ctk_error *err)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'}, {"run", required_argument, NULL, 'r'},
		{"zones", required_argument, NULL, 'z'}, {"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'}, {"step", required_argument, NULL, 's'},
		{"pue", required_argument, NULL, 'p'}, {"signal", required_argument, NULL, 'g'},
		{"json", no_argument, NULL, 'j'}, {"csv", no_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	struct ctk_tz utc = {.kind = CTK_TZ_FIXED, .name = "UTC"};
	int c, rc;

	optind = 1;
	o->step_ns = HOUR_NS;
	while ((c = getopt_long(argc, argv, "hd:r:z:f:t:s:p:g:jc", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'r': o->run = optarg; break;
		case 'z': o->zones = optarg; break;
		case 'g': o->signal = optarg; break;
		case 'f':
			if ((rc = ctk_time_parse(optarg, &utc, &o->from_ns, err)))
				return ctk_error_prefix(err, "--from: ");
			o->has_from = 1;
			break;
		case 't':
			if ((rc = ctk_time_parse(optarg, &utc, &o->to_ns, err)))
				return ctk_error_prefix(err, "--to: ");
			o->has_to = 1;
			break;
		case 's':
			if ((rc = ctk_duration_parse(optarg, &o->step_ns, err)))
				return CTK_EUSAGE;
			if (o->step_ns < 60 * CTK_NS_PER_S)
				return ctk_failf(err, CTK_EUSAGE, "--step '%s': at least 1m", optarg);
			break;
		case 'p':
			if ((rc = ctk_pue_parse(optarg, &o->pue, err)))
				return rc;
			o->has_pue = 1;
			break;
		case 'j': o->fmt = FMT_JSON; break;
		case 'c': o->fmt = FMT_CSV; break;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return ctk_failf(err, CTK_EUSAGE, "bad option");
		}
	}
	if ((rc = ctk_cmd_args_end(argc, argv, o->db, err)))
		return rc;
	if (!o->run)
		return ctk_failf(err, CTK_EUSAGE, "no run given (use --run R)");
	if (o->has_from != o->has_to)
		return ctk_failf(err, CTK_EUSAGE, "--from and --to go together");
	if (o->has_from && o->to_ns <= o->from_ns)
		return ctk_failf(err, CTK_EUSAGE, "--to must be after --from");
	return 0;
}

static int do_zone(sqlite3 *db, const struct opts *o, const char *zone, const struct ctk_settings *set,
		   const struct ctk_profile *p, double pue, struct zone_result *z, struct ctk_error *err)
{
	struct ctk_whatif_opts wo = {.signal = o->signal ? o->signal : set->has_signal ? set->signal : NULL,
				     .has_window = o->has_from, .from_ns = o->from_ns, .to_ns = o->to_ns,
				     .step_ns = o->step_ns};
	int rc;

	memset(z, 0, sizeof(*z));
	{ /* location only: the bundled yearly average of the zone (its country), the run's year */
		struct ctk_error yerr = {0};
		if (!ctk_ci_default_lookup(zone, ctk_whatif_year_of(p->start_ns), &z->yearly, &yerr)) {
			z->has_yearly = 1;
			z->yearly_co2_g = ctk_pue_apply(p->energy_j / J_PER_KWH * z->yearly.g_per_kwh, pue);
		}
	}
	rc = ctk_whatif_zone_price(db, &wo, zone, set->has_zone ? set->zone : NULL, p, pue, &z->w, err);
	ctk_whatif_zone_release(&z->w);
	return rc;
}

/* Every zone with a stored (non-yearly) series, or those of --zones. */
static int zone_list(sqlite3 *db, const char *zones, char names[][64], int *n, struct ctk_error *err)
{
	*n = 0;
	if (zones) {
		const char *p = zones;
		while (*p) {
			size_t len = strcspn(p, ",");
			if (!len || len >= 64)
				return ctk_failf(err, CTK_EUSAGE, "--zones '%s': not a list of zones", zones);
			if (*n == MAX_ZONES)
				return ctk_failf(err, CTK_EUSAGE, "--zones: more than %d zones", MAX_ZONES);
			snprintf(names[(*n)++], 64, "%.*s", (int)len, p);
			p += len + (p[len] == ',');
		}
		return 0;
	}
	sqlite3_stmt *st = NULL;
	if (ctk_db_prepare(db, "SELECT DISTINCT zone FROM intensity_series WHERE kind != 'yearly' ORDER BY zone", &st, err))
		return CTK_EDB;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < MAX_ZONES)
		snprintf(names[(*n)++], 64, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return ctk_db_fail(db, err, "list zones");
	if (!*n)
		return ctk_failf(err, CTK_EINPUT, "no intensity series stored (ctk intensity import|fetch first)");
	return 0;
}

static void fmt_time(int64_t t, char *buf, size_t size)
{
	ctk_time_format(t, buf, size);
}

static void json_num(cJSON *o, const char *k, double v, int valid)
{
	if (valid && isfinite(v))
		cJSON_AddNumberToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static void json_time(cJSON *o, const char *k, int64_t t, int valid)
{
	char b[40];
	if (!valid) {
		cJSON_AddNullToObject(o, k);
		return;
	}
	fmt_time(t, b, sizeof b);
	cJSON_AddStringToObject(o, k, b);
}

static int print_json(int64_t run_id, const struct ctk_profile *p, double pue, const char *pue_source,
		      const struct opts *o, const struct zone_result *zs, int nz, struct ctk_error *err)
{
	cJSON *root = cJSON_CreateObject(), *arr;
	char *s;

	if (!root)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	cJSON_AddNumberToObject(root, "schema_version", 1);
	cJSON_AddNumberToObject(root, "run_id", (double)run_id);
	cJSON_AddNumberToObject(root, "energy_j", p->energy_j);
	cJSON_AddNumberToObject(root, "duration_s", (double)(p->end_ns - p->start_ns) / 1e9);
	json_time(root, "start", p->start_ns, 1);
	cJSON_AddNumberToObject(root, "pue", pue);
	cJSON_AddStringToObject(root, "pue_source", pue_source);
	cJSON_AddNumberToObject(root, "step_s", (double)o->step_ns / 1e9);
	arr = cJSON_AddArrayToObject(root, "zones");
	for (int i = 0; arr && i < nz; i++) {
		const struct zone_result *z = &zs[i];
		cJSON *zj = cJSON_CreateObject(), *w;
		if (!zj)
			break;
		cJSON_AddItemToArray(arr, zj);
		cJSON_AddStringToObject(zj, "zone", z->w.zone);
		cJSON_AddStringToObject(zj, "signal", z->w.signal);
		cJSON_AddNumberToObject(zj, "starts", (double)z->w.nstarts);
		cJSON_AddNumberToObject(zj, "starts_not_covered", (double)z->w.not_covered);
		json_time(zj, "first_start", z->w.first_start, z->w.nstarts > 0);
		json_time(zj, "last_start", z->w.last_start, z->w.nstarts > 0);
		json_num(zj, "actual_g", z->w.actual_g, z->w.has_actual);
		json_time(zj, "actual_start", z->w.actual_start, z->w.has_actual);
		json_num(zj, "min_g", z->w.min_g, z->w.nstarts > 0);
		json_num(zj, "p10_g", z->w.p10_g, z->w.nstarts > 0);
		json_num(zj, "median_g", z->w.median_g, z->w.nstarts > 0);
		json_num(zj, "p90_g", z->w.p90_g, z->w.nstarts > 0);
		json_num(zj, "max_g", z->w.max_g, z->w.nstarts > 0);
		json_time(zj, "best_start", z->w.best_start, z->w.nstarts > 0);
		json_num(zj, "saving_g", z->w.actual_g - z->w.min_g, z->w.has_actual && z->w.nstarts > 0);
		json_num(zj, "saving_pct", 100 * (z->w.actual_g - z->w.min_g) / z->w.actual_g,
			 z->w.has_actual && z->w.nstarts > 0 && z->w.actual_g > 0);
		w = cJSON_AddArrayToObject(zj, "within");
		for (int d = 0; w && d < CTK_WHATIF_NDELAY && z->w.has_actual; d++) {
			cJSON *e = cJSON_CreateObject();
			if (!e)
				break;
			cJSON_AddItemToArray(w, e);
			cJSON_AddNumberToObject(e, "delay_h", ctk_whatif_delays_h[d]);
			json_time(e, "start", z->w.within_start[d], z->w.has_within[d]);
			json_num(e, "co2_g", z->w.within_g[d], z->w.has_within[d]);
		}
		if (z->has_yearly) {
			cJSON *y = cJSON_AddObjectToObject(zj, "yearly");
			if (y) {
				cJSON_AddStringToObject(y, "zone", z->yearly.zone);
				cJSON_AddNumberToObject(y, "year", z->yearly.year);
				cJSON_AddNumberToObject(y, "g_per_kwh", z->yearly.g_per_kwh);
				cJSON_AddStringToObject(y, "source", z->yearly.source);
				cJSON_AddNumberToObject(y, "co2_g", z->yearly_co2_g);
			}
		} else {
			cJSON_AddNullToObject(zj, "yearly");
		}
		if (z->w.note[0])
			cJSON_AddStringToObject(zj, "note", z->w.note);
		else
			cJSON_AddNullToObject(zj, "note");
	}
	if (!(s = cJSON_Print(root))) {
		cJSON_Delete(root);
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	}
	puts(s);
	free(s);
	cJSON_Delete(root);
	return 0;
}

static void csv_num(double v, int valid)
{
	if (valid && isfinite(v))
		printf(",%.10g", v);
	else
		printf(",");
}

static void csv_time(int64_t t, int valid)
{
	char b[40];
	printf(",");
	if (valid) {
		fmt_time(t, b, sizeof b);
		ctk_csv_field(stdout, b);
	}
}

static void print_csv(const struct zone_result *zs, int nz)
{
	static const char *const head[] = {"zone", "signal", "starts", "starts_not_covered", "actual_g", "actual_start",
					   "min_g", "p10_g", "median_g", "p90_g", "max_g", "best_start", "saving_g",
					   "best_0h_g", "best_6h_g", "best_24h_g", "best_72h_g", "yearly_zone",
					   "yearly_year", "yearly_g_per_kwh", "yearly_co2_g", "note"};
	ctk_csv_row(stdout, head, (int)(sizeof head / sizeof head[0]));
	for (int i = 0; i < nz; i++) {
		const struct zone_result *z = &zs[i];
		int has = z->w.nstarts > 0;
		ctk_csv_field(stdout, z->w.zone);
		printf(",");
		ctk_csv_field(stdout, z->w.signal);
		printf(",%lld,%lld", (long long)z->w.nstarts, (long long)z->w.not_covered);
		csv_num(z->w.actual_g, z->w.has_actual);
		csv_time(z->w.actual_start, z->w.has_actual);
		csv_num(z->w.min_g, has);
		csv_num(z->w.p10_g, has);
		csv_num(z->w.median_g, has);
		csv_num(z->w.p90_g, has);
		csv_num(z->w.max_g, has);
		csv_time(z->w.best_start, has);
		csv_num(z->w.actual_g - z->w.min_g, has && z->w.has_actual);
		for (int d = 0; d < CTK_WHATIF_NDELAY; d++)
			csv_num(z->w.within_g[d], z->w.has_actual && z->w.has_within[d]);
		printf(",");
		if (z->has_yearly)
			ctk_csv_field(stdout, z->yearly.zone);
		csv_num(z->yearly.year, z->has_yearly);
		csv_num(z->yearly.g_per_kwh, z->has_yearly);
		csv_num(z->yearly_co2_g, z->has_yearly);
		printf(",");
		ctk_csv_field(stdout, z->w.note);
		printf("\n");
	}
}

static void print_yearly(const struct zone_result *z)
{
	if (z->has_yearly)
		printf("  yearly average, not by hour (%s %d, %s): %.6g g/kWh, %.6g g for any start\n", z->yearly.zone,
		       z->yearly.year, z->yearly.source, z->yearly.g_per_kwh, z->yearly_co2_g);
	else
		printf("  yearly average: not in the bundled table\n");
}

static void print_text(int64_t run_id, const struct ctk_profile *p, double pue, const char *pue_source,
		       const struct opts *o, const struct zone_result *zs, int nz)
{
	char b[40];

	fmt_time(p->start_ns, b, sizeof b);
	printf("run %lld: started %s, %.4g h, %.6g kWh; PUE %.3g (%s); a start every %.4g h\n", (long long)run_id, b,
	       (double)(p->end_ns - p->start_ns) / 3.6e12, p->energy_j / J_PER_KWH, pue, pue_source,
	       (double)o->step_ns / 3.6e12);
	for (int i = 0; i < nz; i++) {
		const struct zone_result *z = &zs[i];
		char b2[40];
		printf("\nzone %s (%s):", z->w.zone, z->w.signal);
		if (!z->w.nstarts) {
			printf(" not estimated by start time (%s)\n", z->w.note);
			print_yearly(z);
			continue;
		}
		fmt_time(z->w.first_start, b, sizeof b);
		fmt_time(z->w.last_start, b2, sizeof b2);
		printf(" %lld start(s) %s to %s", (long long)z->w.nstarts, b, b2);
		if (z->w.not_covered)
			printf(", %lld left out (not wholly covered)", (long long)z->w.not_covered);
		printf("\n");
		if (z->w.note[0])
			printf("  note: %s\n", z->w.note);
		print_yearly(z);
		printf("  CO2 g: min %.6g, p10 %.6g, median %.6g, p90 %.6g, max %.6g\n", z->w.min_g, z->w.p10_g, z->w.median_g,
		       z->w.p90_g, z->w.max_g);
		fmt_time(z->w.best_start, b, sizeof b);
		printf("  best start %s: %.6g g", b, z->w.min_g);
		if (z->w.has_actual)
			printf(" (saves %.6g g, %.3g%% of the actual)", z->w.actual_g - z->w.min_g,
			       z->w.actual_g > 0 ? 100 * (z->w.actual_g - z->w.min_g) / z->w.actual_g : 0.0);
		printf("\n");
		if (!z->w.has_actual)
			continue;
		fmt_time(z->w.actual_start, b, sizeof b);
		printf("  actual (started %s): %.6g g\n", b, z->w.actual_g);
		for (int d = 0; d < CTK_WHATIF_NDELAY; d++) {
			if (!z->w.has_within[d]) {
				printf("  best within %dh: not covered\n", ctk_whatif_delays_h[d]);
				continue;
			}
			fmt_time(z->w.within_start[d], b, sizeof b);
			printf("  best within %dh: %s, %.6g g\n", ctk_whatif_delays_h[d], b, z->w.within_g[d]);
		}
	}
}

int ctk_cmd_whatif(int argc, char **argv, struct ctk_error *err)
{
	struct opts o = {0};
	struct ctk_settings set;
	struct ctk_profile prof = {0};
	struct zone_result *zs = NULL;
	char (*names)[64] = NULL;
	sqlite3 *db = NULL;
	int64_t run_id;
	int nz = 0, rc;
	double pue = 1.0;
	const char *pue_source = "default 1.0 (own hardware)";

	if ((rc = parse_opts(argc, argv, &o, err)))
		return rc > 0 ? 0 : rc;
	if ((rc = ctk_db_open(o.db, CTK_DB_READONLY, &db, err)))
		return rc;
	if ((rc = ctk_db_find_run(db, o.run, &run_id, err)) || (rc = ctk_settings_get(db, run_id, &set, err)))
		goto out;
	if (o.has_pue) {
		pue = o.pue.value;
		pue_source = o.pue.source;
	} else if (set.has_pue) {
		pue = set.pue.value;
		pue_source = set.pue.source;
	}
	if ((rc = ctk_whatif_profile_load(db, run_id, &prof, err))) {
		ctk_error_prefix(err, "run '%s': ", o.run);
		goto out;
	}
	if (!(names = calloc(MAX_ZONES, sizeof(*names))) || !(zs = calloc(MAX_ZONES, sizeof(*zs)))) {
		rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = zone_list(db, o.zones, names, &nz, err)))
		goto out;
	for (int i = 0; i < nz; i++)
		if ((rc = do_zone(db, &o, names[i], &set, &prof, pue, &zs[i], err)))
			goto out;
	if (o.fmt == FMT_JSON)
		rc = print_json(run_id, &prof, pue, pue_source, &o, zs, nz, err);
	else if (o.fmt == FMT_CSV)
		print_csv(zs, nz);
	else
		print_text(run_id, &prof, pue, pue_source, &o, zs, nz);
out:
	ctk_profile_release(&prof);
	free(names);
	free(zs);
	ctk_db_close(db);
	return rc;
}
