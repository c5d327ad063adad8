/* `ctk intensity join CSV --db DB --zone Z [--signal S] [--fill
 * none|previous|default] [--default G] [--json]`: the CO2 of an energy CSV
 * (start,end,energy_j) by the streaming E x CI(t) join of
 * common/intensity.h, read-only on the store. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "analyze/cmd/intensity.h"
#include "common/intensity.h"
#include "common/csvread.h"
#include "common/db.h"
#include "common/time.h"
#include "common/util.h"

enum { O_DB = 256, O_ZONE, O_SIGNAL, O_FILL, O_DEFAULT, O_JSON };

struct args {
	const char *db, *zone, *signal, *fill;
	int fill_mode, has_default, json;
	double default_g;
};

static int on_opt(void *ctx, int opt, const char *arg, struct ctk_error *err)
{
	struct args *a = ctx;

	switch (opt) {
	case O_DB: a->db = arg; break;
	case O_ZONE: a->zone = arg; break;
	case O_SIGNAL: a->signal = arg; return ctk_intensity_signal_check(arg, err);
	case O_JSON: a->json = 1; break;
	case O_FILL:
		a->fill = arg;
		if (!strcmp(arg, "none"))
			a->fill_mode = CTK_FILL_NONE;
		else if (!strcmp(arg, "previous"))
			a->fill_mode = CTK_FILL_PREVIOUS;
		else if (!strcmp(arg, "default"))
			a->fill_mode = CTK_FILL_DEFAULT;
		else
			return ctk_failf(err, CTK_EUSAGE, "--fill '%s': not none, previous or default", arg);
		break;
	case O_DEFAULT:
		if (ctk_parse_double(arg, &a->default_g) || a->default_g < 0 || a->default_g > 10000)
			return ctk_failf(err, CTK_EUSAGE, "--default '%s': not g/kWh", arg);
		a->has_default = 1;
		break;
	}
	return 0;
}

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

static int print_json(const struct args *a, const struct ctk_join_result *r, struct ctk_error *err)
{
	cJSON *j = cJSON_CreateObject();

	if (!j)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	cJSON_AddStringToObject(j, "zone", a->zone);
	cJSON_AddStringToObject(j, "signal", r->signal);
	cJSON_AddNumberToObject(j, "intervals", (double)r->intervals);
	json_num(j, "energy_j", r->energy_j);
	json_num(j, "co2_g", r->total.co2_g);
	json_num(j, "covered_j", r->total.covered_j);
	json_num(j, "filled_j", r->total.filled_j);
	json_num(j, "missing_j", r->total.missing_j);
	json_num(j, "estimated_j", r->total.estimated_j);
	json_num(j, "missing_share", r->missing_share);
	json_num(j, "filled_share", r->filled_share);
	json_num(j, "mean_g_per_kwh_energy", r->mean_g_per_kwh_energy);
	json_num(j, "mean_g_per_kwh_time", r->mean_g_per_kwh_time);
	json_num(j, "time_covered_share", r->time_covered_share);
	cJSON_AddStringToObject(j, "fill_note", r->fill_note);
	return ctk_intensity_put_json(j, err);
}

static void print_text(const struct args *a, const struct ctk_join_result *r)
{
	printf("zone %s, signal %s: %lld interval(s), %.6g kWh\n", a->zone, r->signal, (long long)r->intervals,
	       r->energy_j / 3.6e6);
	printf("CO2: %.6g g\n", r->total.co2_g);
	printf("intensity: %.6g g/kWh energy-weighted, %.6g g/kWh plain time mean over the run span\n",
	       r->mean_g_per_kwh_energy, r->mean_g_per_kwh_time);
	printf("energy without intensity: %.3g%% (not counted)\n", 100 * r->missing_share);
	if (r->total.filled_j > 0)
		printf("energy priced by --fill %s: %.3g%% (%s)\n", a->fill, 100 * r->filled_share, r->fill_note);
}

/* Price the CSV a.path; print the result (text or JSON). */
static int run(int argc, char **argv, struct ctk_error *err)
{
	struct args a = {0};
	struct join_csv c = {.utc = {.kind = CTK_TZ_FIXED, .name = "UTC"}};
	struct ctk_join_result r;
	sqlite3 *db = NULL;
	int first, rc;

	if ((rc = ctk_intensity_opts(&ctk_intensity_join, argc, argv, on_opt, &a, &first, err)))
		return rc;
	if (first + 1 != argc || !a.db || !a.zone)
		return ctk_failf(err, CTK_EUSAGE, "join: need one CSV, --db and --zone");
	struct ctk_join_opts o = {.zone = a.zone, .signal = a.signal, .default_g_per_kwh = a.default_g,
				  .has_default = a.has_default, .fill = a.fill_mode};
	if ((rc = ctk_db_open(a.db, CTK_DB_READONLY, &db, err)))
		return rc;
	if ((rc = ctk_join_open(db, &o, &c.j, err)))
		goto out;
	c.path = argv[first];
	if (!(rc = ctk_csv_read_file(c.path, ',', join_row, &c, err)))
		rc = ctk_join_finish(c.j, &r, err);
	if (!rc && a.json)
		rc = print_json(&a, &r, err);
	else if (!rc)
		print_text(&a, &r);
out:
	ctk_join_free(c.j);
	ctk_db_close(db);
	return rc;
}

static const struct option opts[] = {
	{"db", required_argument, NULL, O_DB}, {"zone", required_argument, NULL, O_ZONE},
	{"signal", required_argument, NULL, O_SIGNAL}, {"fill", required_argument, NULL, O_FILL},
	{"default", required_argument, NULL, O_DEFAULT}, {"json", no_argument, NULL, O_JSON},
	{NULL, 0, NULL, 0},
};

const struct ctk_intensity_verb ctk_intensity_join = {
	.name = "join",
	.usage = "join CSV --db DB --zone Z [--signal S] [--fill none|previous|default]\n"
		 "                          [--default G] [--json]",
	.notes = "CO2 of an energy CSV with columns start,end,energy_j (times ISO-8601 or Unix s):\n"
		 "sum of E x CI(t), step semantics, intervals split in proportion to time;\n"
		 "--fill previous|default prices energy in gaps (default: --default G, else the\n"
		 "zone's stored yearly series) and says so; never mixes marginal and average\n",
	.opts = opts,
	.run = run,
};
