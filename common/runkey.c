/* The value of a comparison key for a run (see runkey.h), shared by
 * `ctk compare` and `ctk report`. */
#include "common/runkey.h"

#include <stdio.h>

#include "common/db.h"

int ctk_run_key_value(sqlite3 *db, int64_t run_id, const char *key, char *buf, size_t size, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	char path[96];

	snprintf(path, sizeof path, "$.\"%s\"", key);
	if (ctk_db_prepare(db,
		"SELECT CASE ?2 WHEN 'label' THEN label WHEN 'zone' THEN zone WHEN 'epochs' THEN planned_epochs "
		"ELSE coalesce(json_extract(config_json, ?3), CASE ?2 "
		"  WHEN 'gpu' THEN (SELECT name FROM devices d WHERE d.run_id = r.run_id AND kind = 'gpu' ORDER BY idx LIMIT 1) "
		"  WHEN 'gpus' THEN (SELECT nullif(count(*), 0) FROM devices d WHERE d.run_id = r.run_id AND kind = 'gpu') END) END "
		"FROM runs r WHERE run_id = ?1", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, path, -1, SQLITE_TRANSIENT);
	snprintf(buf, size, "-");
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return 0;
}
