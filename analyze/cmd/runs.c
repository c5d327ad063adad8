/* `ctk runs --db DB [--json|--csv]`: one line per run of a store (id,
 * label, source, span, devices, readings, epochs, and the analysis settings
 * stored with it: common/settings.h), so users can find the run id to
 * analyse; --json (schemas/runs.schema.json) and --csv give the same fields
 * for scripts. Unknown values are null in JSON, empty in CSV. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "analyze/cmd/config_json.h"
#include "analyze/commands.h"
#include "common/csvwrite.h"
#include "common/db.h"
#include "common/settings.h"
#include "common/util.h"
#include "common/time.h"

enum runs_fmt { RUNS_TEXT, RUNS_JSON, RUNS_CSV };

#define RUNS_USAGE "usage: ctk runs --db DB [--json|--csv]"

/* "zone DE, pue 1.2, fill none": the settings that are stored, "-" if none. */
static void settings_short(sqlite3 *db, int64_t run_id, char *buf, size_t size)
{
	struct ctk_settings s;
	struct ctk_error e = {0};

	buf[0] = '\0';
	if (ctk_settings_get(db, run_id, &s, &e))
		return;
	if (s.has_zone)
		ctk_appendf(buf, size, "zone %s", s.zone);
	if (s.has_signal)
		ctk_appendf(buf, size, "%s%s", buf[0] ? ", " : "", s.signal);
	if (s.has_pue)
		ctk_appendf(buf, size, "%spue %.3g", buf[0] ? ", " : "", s.pue.value);
	if (s.has_fill)
		ctk_appendf(buf, size, "%sfill %s", buf[0] ? ", " : "", ctk_fill_name(s.fill));
	if (s.has_default)
		ctk_appendf(buf, size, "%sdefault %.6g g/kWh", buf[0] ? ", " : "", s.default_g_per_kwh);
	if (!buf[0])
		snprintf(buf, size, "-");
}

/* One CSV field (the common writer) and its separator. */
static void csv_field(const char *s, int last)
{
	ctk_csv_field(stdout, s);
	putchar(last ? '\n' : ',');
}

/* The run of row st as a JSON object (NULL: out of memory). */
static cJSON *run_json(sqlite3 *db, sqlite3_stmt *st)
{
	cJSON *o = cJSON_CreateObject();
	char start[40];
	int has_span = sqlite3_column_type(st, 3) != SQLITE_NULL && sqlite3_column_type(st, 4) != SQLITE_NULL;

	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "run_id", (double)sqlite3_column_int64(st, 0));
	if (sqlite3_column_type(st, 1) == SQLITE_NULL)
		cJSON_AddNullToObject(o, "label");
	else
		cJSON_AddStringToObject(o, "label", (const char *)sqlite3_column_text(st, 1));
	cJSON_AddStringToObject(o, "source", (const char *)sqlite3_column_text(st, 2));
	if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
		ctk_time_format(sqlite3_column_int64(st, 3), start, sizeof start);
		cJSON_AddStringToObject(o, "started", start);
	} else {
		cJSON_AddNullToObject(o, "started");
	}
	if (has_span)
		cJSON_AddNumberToObject(o, "duration_s",
					(double)(sqlite3_column_int64(st, 4) - sqlite3_column_int64(st, 3)) / 1e9);
	else
		cJSON_AddNullToObject(o, "duration_s");
	cJSON_AddNumberToObject(o, "devices", sqlite3_column_int(st, 6));
	cJSON_AddNumberToObject(o, "readings", (double)sqlite3_column_int64(st, 7));
	cJSON_AddNumberToObject(o, "epochs", sqlite3_column_int(st, 8));
	cJSON_AddBoolToObject(o, "simulated", sqlite3_column_int(st, 5) != 0);
	struct ctk_settings s;
	struct ctk_error e = {0};
	if (ctk_settings_get(db, sqlite3_column_int64(st, 0), &s, &e) == 0) {
		cJSON *j = ctk_settings_json(&s);
		if (j && s.has_zone)
			cJSON_AddStringToObject(j, "zone", s.zone);
		else if (j)
			cJSON_AddNullToObject(j, "zone");
		cJSON_AddItemToObject(o, "settings", j);
	}
	return o;
}

int ctk_cmd_runs(int argc, char **argv, struct ctk_error *err)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'}, {"json", no_argument, NULL, 'j'},
		{"csv", no_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	const char *dbpath = NULL;
	enum runs_fmt fmt = RUNS_TEXT;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	cJSON *root = NULL, *arr = NULL;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hd:", longopts, NULL)) != -1) {
		if (c == 'd')
			dbpath = optarg;
		else if (c == 'j')
			fmt = RUNS_JSON;
		else if (c == 'c')
			fmt = RUNS_CSV;
		else if (c == 'h')
			return printf(RUNS_USAGE "\n\nOne line per run: id, label, source, start (UTC), duration, devices,\n"
				      "readings, epochs. --json: schemas/runs.schema.json; --csv: the same fields.\n"
				      "exit status: 0 ok, 1 usage, 3 I/O or database\n"), 0;
		else
			return ctk_failf(err, CTK_EUSAGE, "bad option (" RUNS_USAGE ")");
	}
	if (optind < argc)
		return ctk_failf(err, CTK_EUSAGE, "unexpected argument '%s' (" RUNS_USAGE ")", argv[optind]);
	if ((rc = ctk_db_open(dbpath, CTK_DB_READONLY, &db, err)))
		return rc;
	if ((rc = ctk_db_prepare(db,
		"SELECT r.run_id, r.label, r.source, r.started_ns, r.ended_ns, r.simulated, "
		"(SELECT count(*) FROM devices d WHERE d.run_id = r.run_id), "
		"(SELECT coalesce(sum(n), 0) FROM sample_chunks s JOIN devices d USING (device_id) WHERE d.run_id = r.run_id), "
		"(SELECT count(*) FROM windows w WHERE w.run_id = r.run_id AND w.kind = 'epoch') "
		"FROM runs r ORDER BY r.run_id", &st, err)))
		goto out;
	if (fmt == RUNS_JSON) {
		root = cJSON_CreateObject();
		if (root)
			cJSON_AddNumberToObject(root, "schema_version", 1);
		arr = root ? cJSON_AddArrayToObject(root, "runs") : NULL;
		if (!arr) {
			rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
			goto out;
		}
	} else if (fmt == RUNS_CSV) {
		printf("run_id,label,source,started,duration_s,devices,readings,epochs,simulated,settings\n");
	} else {
		printf("%-6s %-32s %-22s %-24s %10s %7s %10s %6s  %s\n", "run", "label", "source", "started (UTC)",
		       "duration_s", "devices", "readings", "epochs", "settings");
	}
	while ((c = sqlite3_step(st)) == SQLITE_ROW) {
		char start[40] = "", num[64] = "", set[256];
		const unsigned char *label = sqlite3_column_text(st, 1);
		if (fmt == RUNS_JSON) {
			cJSON *o = run_json(db, st);
			if (!o) {
				rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
				goto out;
			}
			cJSON_AddItemToArray(arr, o);
			continue;
		}
		if (sqlite3_column_type(st, 3) != SQLITE_NULL && sqlite3_column_type(st, 4) != SQLITE_NULL) {
			ctk_time_format(sqlite3_column_int64(st, 3), start, sizeof start);
			snprintf(num, sizeof num, "%.3f",
				 (double)(sqlite3_column_int64(st, 4) - sqlite3_column_int64(st, 3)) / 1e9);
		}
		if (fmt == RUNS_CSV) {
			char n[32];
			snprintf(n, sizeof n, "%lld", (long long)sqlite3_column_int64(st, 0));
			csv_field(n, 0);
			csv_field(label ? (const char *)label : "", 0);
			csv_field((const char *)sqlite3_column_text(st, 2), 0);
			csv_field(start, 0);
			csv_field(num, 0);
			printf("%d,%lld,%d,%s,", sqlite3_column_int(st, 6), (long long)sqlite3_column_int64(st, 7),
			       sqlite3_column_int(st, 8), sqlite3_column_int(st, 5) ? "true" : "false");
			settings_short(db, sqlite3_column_int64(st, 0), set, sizeof set);
			csv_field(strcmp(set, "-") ? set : "", 1);
			continue;
		}
		settings_short(db, sqlite3_column_int64(st, 0), set, sizeof set);
		printf("%-6lld %-32.32s %-22.22s %-24s %10s %7d %10lld %6d  %s%s\n",
		       (long long)sqlite3_column_int64(st, 0), label ? (const char *)label : "",
		       (const char *)sqlite3_column_text(st, 2), start[0] ? start : "-", num[0] ? num : "-",
		       sqlite3_column_int(st, 6), (long long)sqlite3_column_int64(st, 7), sqlite3_column_int(st, 8),
		       set, sqlite3_column_int(st, 5) ? "  [simulated]" : "");
	}
	if (c != SQLITE_DONE) {
		rc = ctk_db_fail(db, err, "runs");
		goto out;
	}
	if (fmt == RUNS_JSON) {
		char *s = cJSON_Print(root);
		if (!s) {
			rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
			goto out;
		}
		printf("%s\n", s);
		cJSON_free(s);
	}
out:
	cJSON_Delete(root);
	sqlite3_finalize(st);
	ctk_db_close(db);
	return rc;
}
