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
#include "analyze/energy/analysis.h"
#include "analyze/intensity/defaults.h"
#include "common/csvwrite.h"
#include "common/db.h"
#include "common/intensity.h"
#include "common/settings.h"
#include "common/time.h"
#include "common/util.h"

#define HOUR_NS (3600 * CTK_NS_PER_S)
#define J_PER_KWH 3.6e6
#define MAX_ZONES 64

enum fmt { FMT_TEXT, FMT_JSON, FMT_CSV };

/* carbon-aware scheduling with a deadline: the delays of the issue (0, 6, 24, 72 h) */
static const int delays_h[] = {0, 6, 24, 72};
#define NDELAY ((int)(sizeof delays_h / sizeof delays_h[0]))

struct opts {
	const char *db, *run, *zones, *signal;
	int64_t from_ns, to_ns, step_ns;
	int has_from, has_to;
	struct ctk_pue pue;
	int has_pue;
	enum fmt fmt;
};

struct zone_result {
	char zone[64], signal[16], note[256];
	int64_t nstarts, not_covered;
	int64_t first_start, last_start;
	double min_g, p10_g, median_g, p90_g, max_g;
	int64_t best_start;
	int has_actual;
	int64_t actual_start;        /* where the actual was priced (maybe another year) */
	double actual_g;
	int has_within[NDELAY];
	int64_t within_start[NDELAY];
	double within_g[NDELAY];
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

/* Every piece of the run's energy (every device, inside epochs or not)
 * goes straight into the cumulative profile. */
static int on_piece(void *ctx, int k, int64_t start_ns, int64_t end_ns, double energy_j, struct ctk_error *err)
{
	(void)k;
	return ctk_profile_add(ctx, start_ns, end_ns, energy_j, err);
}

static int load_profile(sqlite3 *db, int64_t run_id, struct ctk_profile *prof, struct ctk_error *err)
{
	struct ctk_run_result r;
	int rc;

	memset(&r, 0, sizeof(r));
	if (!(rc = ctk_analysis_load(db, run_id, &r, err)) && !(rc = ctk_analysis_integrate(db, &r, on_piece, prof, err)))
		rc = ctk_profile_finish(prof, err);
	ctk_run_result_free(&r);
	if (!rc && (!prof->n || !(prof->energy_j > 0)))
		rc = ctk_failf(err, CTK_EINPUT, "no measured energy (nothing to shift)");
	return rc;
}

static int year_of(int64_t t_ns)
{
	time_t t = (time_t)(t_ns / CTK_NS_PER_S - (t_ns % CTK_NS_PER_S < 0));
	struct tm tm;
	gmtime_r(&t, &tm);
	return tm.tm_year + 1900;
}

/* The same month, day and time of day in year y (29 February becomes
 * 1 March in a common year). */
static int64_t same_time_in_year(int64_t t_ns, int y)
{
	int64_t s = t_ns / CTK_NS_PER_S - (t_ns % CTK_NS_PER_S < 0), sub = t_ns - s * CTK_NS_PER_S;
	time_t t = (time_t)s;
	struct tm tm;
	gmtime_r(&t, &tm);
	int64_t days = ctk_days_from_civil(y, tm.tm_mon + 1, tm.tm_mday);
	return (days * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec) * CTK_NS_PER_S + sub;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Quantile q of sorted v[0..n) with linear interpolation between closest
 * ranks (Hyndman & Fan 1996, definition 7; numpy's and R's default). */
static double quantile(const double *v, int64_t n, double q)
{
	double h = (double)(n - 1) * q;
	int64_t i = (int64_t)floor(h);
	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (h - (double)i) * (v[i + 1] - v[i]);
}

/* CO2 (g, PUE applied) of the run started at start_ns; 0 when not wholly priced. */
static int price_at(const struct ctk_steps *st, const struct ctk_profile *p, int64_t start_ns, double pue, double *g)
{
	double co2, missing;
	ctk_steps_price(st, p, start_ns - p->start_ns, &co2, &missing);
	if (missing > 0)
		return 0;
	*g = ctk_pue_apply(co2, pue);
	return 1;
}

static int do_zone(sqlite3 *db, const struct opts *o, const char *zone, const struct ctk_settings *set,
		   const struct ctk_profile *p, double pue, struct zone_result *z, struct ctk_error *err)
{
	struct ctk_join_opts jo = {.zone = zone, .signal = o->signal ? o->signal : set->has_signal ? set->signal : NULL};
	struct ctk_steps st;
	int64_t dur = p->end_ns - p->start_ns, from, to, cap;
	double *v = NULL;
	int rc;

	memset(z, 0, sizeof(*z));
	snprintf(z->zone, sizeof z->zone, "%s", zone);
	{ /* location only: the bundled yearly average of the zone (its country), the run's year */
		struct ctk_error yerr = {0};
		if (!ctk_ci_default_lookup(zone, year_of(p->start_ns), &z->yearly, &yerr)) {
			z->has_yearly = 1;
			z->yearly_co2_g = ctk_pue_apply(p->energy_j / J_PER_KWH * z->yearly.g_per_kwh, pue);
		}
	}
	rc = ctk_steps_load(db, &jo, INT64_MIN, INT64_MAX, &st, err);
	if (rc == CTK_EINPUT || (rc == CTK_EUSAGE && !jo.signal)) {
		/* a zone without a series (or only a marginal one, not asked
		 * for): not estimated, said in words */
		snprintf(z->signal, sizeof z->signal, "%s", jo.signal ? jo.signal : rc == CTK_EINPUT ? "lifecycle" : "marginal");
		if (rc == CTK_EINPUT)
			snprintf(z->note, sizeof z->note, "no stored %s series", z->signal);
		else
			snprintf(z->note, sizeof z->note, "%s", err->msg);
		z->min_g = z->p10_g = z->median_g = z->p90_g = z->max_g = NAN;
		memset(err, 0, sizeof(*err));
		return 0;
	}
	if (rc)
		return rc;
	snprintf(z->signal, sizeof z->signal, "%s", st.signal);
	if (!st.has_span) {
		snprintf(z->note, sizeof z->note, "no stored %s series", st.signal);
		ctk_steps_release(&st);
		return 0;
	}
	from = st.series_first_ns;
	to = st.series_last_ns - dur;
	if (o->has_from) {
		from = o->from_ns;
		to = o->to_ns;
		int ys = year_of(st.series_first_ns);
		if (year_of(from) != ys && (from >= st.series_last_ns || o->to_ns <= st.series_first_ns)) {
			snprintf(z->note, sizeof z->note, "series of %d: the same hours of %d used", ys, ys);
			from = same_time_in_year(from, ys);
			to = same_time_in_year(o->to_ns, ys);
		}
	}
	z->min_g = z->p10_g = z->median_g = z->p90_g = z->max_g = NAN;
	cap = to >= from ? (to - from) / o->step_ns + 1 : 0;
	if (cap > 10 * 1000 * 1000) { /* ~19 years of minutes: a window or step that is surely a typo */
		ctk_steps_release(&st);
		return ctk_failf(err, CTK_EUSAGE, "zone '%s': %lld start times; give a shorter window or a longer --step",
				 zone, (long long)cap);
	}
	if (cap > 0 && !(v = malloc((size_t)cap * sizeof(*v)))) {
		ctk_steps_release(&st);
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	}
	for (int64_t k = 0; k < cap; k++) {
		int64_t s = from + k * o->step_ns;
		double g;
		if (!price_at(&st, p, s, pue, &g)) {
			z->not_covered++;
			continue;
		}
		if (!z->nstarts || g < z->min_g) {
			z->min_g = g;
			z->best_start = s;
		}
		if (!z->nstarts)
			z->first_start = s;
		z->last_start = s;
		v[z->nstarts++] = g;
	}
	if (z->nstarts) {
		qsort(v, (size_t)z->nstarts, sizeof(*v), cmp_double);
		z->p10_g = quantile(v, z->nstarts, 0.10);
		z->median_g = quantile(v, z->nstarts, 0.50);
		z->p90_g = quantile(v, z->nstarts, 0.90);
		z->max_g = v[z->nstarts - 1];
	} else if (!z->note[0]) {
		snprintf(z->note, sizeof z->note, "no start in the window has the whole run covered by the series");
	}
	free(v);
	/* the actual: the run's own zone; its own time, else the same hour of the series' year */
	if (set->has_zone && !strcmp(set->zone, zone)) {
		int64_t a = p->start_ns;
		if (a + dur > st.series_last_ns || a < st.series_first_ns) {
			int ys = year_of(st.series_first_ns);
			a = same_time_in_year(a, ys);
			size_t len = strlen(z->note);
			snprintf(z->note + len, sizeof z->note - len, "%sseries of %d, the run of %d: the actual is the same "
				 "hour of %d", len ? "; " : "", ys, year_of(p->start_ns), ys);
		}
		z->actual_start = a;
		z->has_actual = price_at(&st, p, a, pue, &z->actual_g);
		for (int d = 0; d < NDELAY && z->has_actual; d++) {
			for (int64_t s = a; s <= a + delays_h[d] * HOUR_NS; s += o->step_ns) {
				double g;
				if (price_at(&st, p, s, pue, &g) && (!z->has_within[d] || g < z->within_g[d])) {
					z->has_within[d] = 1;
					z->within_g[d] = g;
					z->within_start[d] = s;
				}
			}
		}
	}
	ctk_steps_release(&st);
	return 0;
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
		cJSON_AddStringToObject(zj, "zone", z->zone);
		cJSON_AddStringToObject(zj, "signal", z->signal);
		cJSON_AddNumberToObject(zj, "starts", (double)z->nstarts);
		cJSON_AddNumberToObject(zj, "starts_not_covered", (double)z->not_covered);
		json_time(zj, "first_start", z->first_start, z->nstarts > 0);
		json_time(zj, "last_start", z->last_start, z->nstarts > 0);
		json_num(zj, "actual_g", z->actual_g, z->has_actual);
		json_time(zj, "actual_start", z->actual_start, z->has_actual);
		json_num(zj, "min_g", z->min_g, z->nstarts > 0);
		json_num(zj, "p10_g", z->p10_g, z->nstarts > 0);
		json_num(zj, "median_g", z->median_g, z->nstarts > 0);
		json_num(zj, "p90_g", z->p90_g, z->nstarts > 0);
		json_num(zj, "max_g", z->max_g, z->nstarts > 0);
		json_time(zj, "best_start", z->best_start, z->nstarts > 0);
		json_num(zj, "saving_g", z->actual_g - z->min_g, z->has_actual && z->nstarts > 0);
		json_num(zj, "saving_pct", 100 * (z->actual_g - z->min_g) / z->actual_g,
			 z->has_actual && z->nstarts > 0 && z->actual_g > 0);
		w = cJSON_AddArrayToObject(zj, "within");
		for (int d = 0; w && d < NDELAY && z->has_actual; d++) {
			cJSON *e = cJSON_CreateObject();
			if (!e)
				break;
			cJSON_AddItemToArray(w, e);
			cJSON_AddNumberToObject(e, "delay_h", delays_h[d]);
			json_time(e, "start", z->within_start[d], z->has_within[d]);
			json_num(e, "co2_g", z->within_g[d], z->has_within[d]);
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
		if (z->note[0])
			cJSON_AddStringToObject(zj, "note", z->note);
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
		int has = z->nstarts > 0;
		ctk_csv_field(stdout, z->zone);
		printf(",");
		ctk_csv_field(stdout, z->signal);
		printf(",%lld,%lld", (long long)z->nstarts, (long long)z->not_covered);
		csv_num(z->actual_g, z->has_actual);
		csv_time(z->actual_start, z->has_actual);
		csv_num(z->min_g, has);
		csv_num(z->p10_g, has);
		csv_num(z->median_g, has);
		csv_num(z->p90_g, has);
		csv_num(z->max_g, has);
		csv_time(z->best_start, has);
		csv_num(z->actual_g - z->min_g, has && z->has_actual);
		for (int d = 0; d < NDELAY; d++)
			csv_num(z->within_g[d], z->has_actual && z->has_within[d]);
		printf(",");
		if (z->has_yearly)
			ctk_csv_field(stdout, z->yearly.zone);
		csv_num(z->yearly.year, z->has_yearly);
		csv_num(z->yearly.g_per_kwh, z->has_yearly);
		csv_num(z->yearly_co2_g, z->has_yearly);
		printf(",");
		ctk_csv_field(stdout, z->note);
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
		printf("\nzone %s (%s):", z->zone, z->signal);
		if (!z->nstarts) {
			printf(" not estimated by start time (%s)\n", z->note);
			print_yearly(z);
			continue;
		}
		fmt_time(z->first_start, b, sizeof b);
		fmt_time(z->last_start, b2, sizeof b2);
		printf(" %lld start(s) %s to %s", (long long)z->nstarts, b, b2);
		if (z->not_covered)
			printf(", %lld left out (not wholly covered)", (long long)z->not_covered);
		printf("\n");
		if (z->note[0])
			printf("  note: %s\n", z->note);
		print_yearly(z);
		printf("  CO2 g: min %.6g, p10 %.6g, median %.6g, p90 %.6g, max %.6g\n", z->min_g, z->p10_g, z->median_g,
		       z->p90_g, z->max_g);
		fmt_time(z->best_start, b, sizeof b);
		printf("  best start %s: %.6g g", b, z->min_g);
		if (z->has_actual)
			printf(" (saves %.6g g, %.3g%% of the actual)", z->actual_g - z->min_g,
			       z->actual_g > 0 ? 100 * (z->actual_g - z->min_g) / z->actual_g : 0.0);
		printf("\n");
		if (!z->has_actual)
			continue;
		fmt_time(z->actual_start, b, sizeof b);
		printf("  actual (started %s): %.6g g\n", b, z->actual_g);
		for (int d = 0; d < NDELAY; d++) {
			if (!z->has_within[d]) {
				printf("  best within %dh: not covered\n", delays_h[d]);
				continue;
			}
			fmt_time(z->within_start[d], b, sizeof b);
			printf("  best within %dh: %s, %.6g g\n", delays_h[d], b, z->within_g[d]);
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
	if ((rc = load_profile(db, run_id, &prof, err))) {
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
