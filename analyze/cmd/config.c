/* `ctk config --db DB R [key=value …]`: show or set what a run is, after the
 * fact, for `ctk compare --by KEY` and for predictions: `label` and `epochs`
 * (planned epochs) are columns of runs; the analysis settings `zone`,
 * `signal`, `pue`, `fill` and `default_intensity` are stored through
 * common/settings.h (the ones `ctk analyze` reuses); any other key goes into
 * runs.config_json (numbers as numbers, true/false as booleans, else text);
 * `key=` removes it. One transaction; a change of epochs drops the run's
 * stored predictions, a change of a setting its CO2 and predictions too
 * (schema triggers: they were made for the old values). */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "analyze/cmd/config_json.h"
#include "analyze/commands.h"
#include "common/db.h"
#include "common/settings.h"
#include "common/util.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ctk config --db DB RUN [--json] [key=value …]\n\n"
		"Without key=value: print the run's label, planned epochs, analysis settings\n"
		"and config (--json: one object, schemas/config.schema.json).\n"
		"  label=TEXT   epochs=N (planned epochs, for predictions)\n"
		"  analysis settings, reused by every ctk analyze until a flag overrides them:\n"
		"  zone=ZONE   signal=lifecycle|direct|marginal   pue=P|carbontracker\n"
		"  fill=none|previous|default   default_intensity=G (g/kWh, with fill=default)\n"
		"  embodied_kg=KG  embodied_source=KEY  lifetime=Y  utilisation=U  wue=L\n"
		"  water_intensity=L (embodied emissions and water, as ctk analyze's flags)\n"
		"  KEY=VALUE    any other key is stored in the run's config_json, e.g.\n"
		"               gpu=A100 precision=fp16 batch=256 (numbers stay numbers)\n"
		"  KEY=         removes KEY\n"
		"exit status: 0 ok, 1 usage, 2 bad input, 3 I/O or database\n");
}

static int valid_key(const char *k, size_t n)
{
	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)k[i]) && k[i] != '_' && k[i] != '-' && k[i] != '.')
			return 0;
	return 1;
}

static int step_done(sqlite3 *db, sqlite3_stmt *st, struct ctk_error *err)
{
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ctk_db_fail(db, err, "config");
	sqlite3_finalize(st);
	return rc;
}

/* Set one key of run_id from "key=value". */
static int set_one(sqlite3 *db, int64_t run_id, const char *arg, int *dirty, struct ctk_error *err)
{
	const char *eq = strchr(arg, '=');
	char key[80], path[96];
	const char *val;
	sqlite3_stmt *st = NULL;
	double d;
	int64_t v = 0;

	if (!eq || !valid_key(arg, (size_t)(eq - arg)))
		return ctk_failf(err, CTK_EUSAGE, "'%s': not key=value (key: letters, digits, _ - .)", arg);
	snprintf(key, sizeof key, "%.*s", (int)(eq - arg), arg);
	val = eq + 1;
	int rc = ctk_settings_set_key(db, run_id, key, val, err);
	if (rc < 0)
		return rc;
	if (rc > 0)
		return 0;
	if (!strcmp(key, "label")) {
		if (ctk_db_prepare(db, "UPDATE runs SET label = ? WHERE run_id = ?", &st, err))
			return CTK_EDB;
		ctk_bind_text_or_null(st, 1, *val ? val : NULL);
	} else if (!strcmp(key, "epochs") || !strcmp(key, "planned_epochs")) {
		if (*val && (ctk_parse_int64(val, &v) || v < 1 || v > 1000000))
			return ctk_failf(err, CTK_EINPUT, "'%s': not a number of epochs >= 1", arg);
		if (ctk_db_prepare(db, "UPDATE runs SET planned_epochs = ? WHERE run_id = ?", &st, err))
			return CTK_EDB;
		ctk_bind_int64_or_null(st, 1, v, *val != '\0');
		*dirty = 1;
	} else {
		snprintf(path, sizeof path, "$.\"%s\"", key);
		if (!*val) {
			if (ctk_db_prepare(db, "UPDATE runs SET config_json = json_remove(coalesce(config_json, '{}'), ?) "
					   "WHERE run_id = ?", &st, err))
				return CTK_EDB;
			sqlite3_bind_text(st, 1, path, -1, SQLITE_TRANSIENT);
		} else {
			if (ctk_db_prepare(db, "UPDATE runs SET config_json = json_set(coalesce(config_json, '{}'), ?, "
					   "CASE WHEN ?3 IN ('true', 'false') THEN json(?3) ELSE ?4 END) WHERE run_id = ?5",
					   &st, err))
				return CTK_EDB;
			sqlite3_bind_text(st, 1, path, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(st, 3, val, -1, SQLITE_TRANSIENT);
			if (!ctk_parse_int64(val, &v))
				sqlite3_bind_int64(st, 4, v);
			else if (!ctk_parse_double(val, &d))
				sqlite3_bind_double(st, 4, d);
			else
				sqlite3_bind_text(st, 4, val, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(st, 5, run_id);
			return step_done(db, st, err);
		}
	}
	sqlite3_bind_int64(st, 2, run_id);
	return step_done(db, st, err);
}

static int show(sqlite3 *db, int64_t run_id, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;

	if (ctk_db_prepare(db, "SELECT coalesce(label, ''), coalesce(zone, ''), planned_epochs FROM runs WHERE run_id = ?",
			   &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		printf("run=%lld\nlabel=%s\nzone=%s\n", (long long)run_id, sqlite3_column_text(st, 0),
		       sqlite3_column_text(st, 1));
		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			printf("epochs=%d\n", sqlite3_column_int(st, 2));
		else
			printf("epochs=\n");
	}
	sqlite3_finalize(st);
	/* the analysis settings (empty: not set, the built-in default applies) */
	struct ctk_settings s;
	int rc = ctk_settings_get(db, run_id, &s, err);
	if (rc)
		return rc;
	printf("signal=%s\n", s.has_signal ? s.signal : "");
	if (s.has_pue)
		printf("pue=%.6g\npue_source=%s\n", s.pue.value, s.pue.source);
	else
		printf("pue=\npue_source=\n");
	printf("fill=%s\n", s.has_fill ? ctk_fill_name(s.fill) : "");
	if (s.has_default)
		printf("default_intensity=%.6g\n", s.default_g_per_kwh);
	else
		printf("default_intensity=\n");
	/* embodied and water settings: shown when set */
	if (s.fp.has_embodied_kg)
		printf("embodied_kg=%.6g\n", s.fp.embodied_kg);
	if (s.fp.has_embodied_source)
		printf("embodied_source=%s\n", s.fp.embodied_source);
	if (s.fp.has_lifetime)
		printf("lifetime=%.6g\n", s.fp.lifetime_years);
	if (s.fp.has_utilisation)
		printf("utilisation=%.6g\n", s.fp.utilisation);
	if (s.fp.has_wue)
		printf("wue=%.6g\n", s.fp.wue_l_per_kwh);
	if (s.fp.has_water)
		printf("water_intensity=%.6g\n", s.fp.water_l_per_kwh);
	if (ctk_db_prepare(db, "SELECT j.key, CASE j.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE j.value END FROM runs, json_each(coalesce(runs.config_json, '{}')) j "
			   "WHERE run_id = ? ORDER BY j.key", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	while (sqlite3_step(st) == SQLITE_ROW)
		printf("%s=%s\n", sqlite3_column_text(st, 0),
		       sqlite3_column_type(st, 1) == SQLITE_NULL ? "" : (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	return 0;
}

int ctk_cmd_config(int argc, char **argv, struct ctk_error *err)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'},
		{"json", no_argument, NULL, 'j'}, {NULL, 0, NULL, 0},
	};
	const char *dbpath = NULL;
	sqlite3 *db = NULL;
	int64_t run_id;
	int c, rc, dirty = 0, json = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hd:", longopts, NULL)) != -1) {
		if (c == 'd')
			dbpath = optarg;
		else if (c == 'j')
			json = 1;
		else if (c == 'h')
			return usage(stdout), 0;
		else
			return usage(stderr), ctk_failf(err, CTK_EUSAGE, "bad option");
	}
	if (!dbpath)
		return ctk_failf(err, CTK_EUSAGE, "no database given (use --db FILE)");
	if (optind >= argc)
		return ctk_failf(err, CTK_EUSAGE, "no run given (usage: ctk config --db DB RUN [key=value …])");
	if ((rc = ctk_db_open(dbpath, 0, &db, err)))
		return rc;
	if ((rc = ctk_db_find_run(db, argv[optind], &run_id, err)))
		goto out;
	if (optind + 1 == argc) {
		rc = json ? ctk_config_show_json(db, run_id, err) : show(db, run_id, err);
		goto out;
	}
	if (json) {
		rc = ctk_failf(err, CTK_EUSAGE, "--json shows a run's config: not with key=value");
		goto out;
	}
	if ((rc = ctk_db_begin(db, err)))
		goto out;
	for (int i = optind + 1; i < argc && !rc; i++)
		rc = set_one(db, run_id, argv[i], &dirty, err);
	if (!rc && dirty) {
		sqlite3_stmt *st = NULL;
		if (!(rc = ctk_db_prepare(db, "DELETE FROM predictions WHERE run_id = ?", &st, err))) {
			sqlite3_bind_int64(st, 1, run_id);
			rc = step_done(db, st, err);
		}
	}
	if (!rc)
		rc = ctk_db_commit(db, err);
	if (rc)
		ctk_db_rollback(db);
out:
	ctk_db_close(db);
	return rc;
}
