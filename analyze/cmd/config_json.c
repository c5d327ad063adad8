/* `ctk config --db DB RUN --json`: the run's label, zone, planned epochs and
 * config_json as one JSON object (schemas/config.schema.json), for scripts.
 * Kept apart from config.c, which sets keys; unknown values are null. */
#include <stdio.h>

#include <cjson/cJSON.h>

#include "analyze/cmd/config_json.h"
#include "common/db.h"

static void add_text_or_null(cJSON *o, const char *key, sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddStringToObject(o, key, (const char *)sqlite3_column_text(st, col));
}

int ctk_config_show_json(sqlite3 *db, int64_t run_id, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	cJSON *o = NULL, *cfg = NULL;
	char *s = NULL;
	int rc = 0;

	if ((rc = ctk_db_prepare(db, "SELECT label, zone, planned_epochs, coalesce(config_json, '{}') FROM runs "
				 "WHERE run_id = ?", &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, run_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = ctk_failf(err, CTK_EINPUT, "run %lld: not in the store", (long long)run_id);
		goto out;
	}
	if (!(o = cJSON_CreateObject())) {
		rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
		goto out;
	}
	cJSON_AddNumberToObject(o, "schema_version", 1);
	cJSON_AddNumberToObject(o, "run_id", (double)run_id);
	add_text_or_null(o, "label", st, 0);
	add_text_or_null(o, "zone", st, 1);
	if (sqlite3_column_type(st, 2) == SQLITE_NULL)
		cJSON_AddNullToObject(o, "epochs");
	else
		cJSON_AddNumberToObject(o, "epochs", sqlite3_column_int(st, 2));
	cfg = cJSON_Parse((const char *)sqlite3_column_text(st, 3));
	if (!cfg || !cJSON_IsObject(cfg)) {
		cJSON_Delete(cfg);
		rc = ctk_failf(err, CTK_EINPUT, "run %lld: config_json is not a JSON object", (long long)run_id);
		goto out;
	}
	cJSON_AddItemToObject(o, "config", cfg);
	if (!(s = cJSON_Print(o))) {
		rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
		goto out;
	}
	printf("%s\n", s);
out:
	cJSON_free(s);
	cJSON_Delete(o);
	sqlite3_finalize(st);
	return rc;
}
