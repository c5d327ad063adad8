/* Kept statements of the collector's flush (kept.h): prepared on first use,
 * stepped and reset on every later one, finalized once at the end. */
#include "collector/kept.h"

#include <stddef.h>

#include "common/db.h"

/* Prepare sql into *st the first time; step it once; reset it. */
static int step_kept(sqlite3 *db, sqlite3_stmt **st, const char *sql, const char *what, struct ctk_error *err)
{
	int rc;

	if (!*st && ctk_db_prepare(db, sql, st, err))
		return CTK_EDB;
	rc = sqlite3_step(*st);
	sqlite3_reset(*st);
	return rc == SQLITE_DONE ? 0 : ctk_db_fail(db, err, what);
}

int ctk_kept_begin(sqlite3 *db, struct ctk_kept *k, struct ctk_error *err)
{
	return step_kept(db, &k->begin, "BEGIN IMMEDIATE", "begin", err);
}

int ctk_kept_commit(sqlite3 *db, struct ctk_kept *k, struct ctk_error *err)
{
	return step_kept(db, &k->commit, "COMMIT", "commit", err);
}

int ctk_kept_run_going(sqlite3 *db, struct ctk_kept *k, int64_t run_id, int64_t ended_ns, struct ctk_error *err)
{
	if (!k->update_run &&
	    ctk_db_prepare(db, "UPDATE runs SET ended_ns = ?, exit_status = NULL WHERE run_id = ?", &k->update_run, err))
		return CTK_EDB;
	sqlite3_bind_int64(k->update_run, 1, ended_ns);
	sqlite3_bind_int64(k->update_run, 2, run_id);
	return step_kept(db, &k->update_run, NULL, "update run", err);
}

void ctk_kept_release(struct ctk_kept *k)
{
	sqlite3_finalize(k->begin);
	sqlite3_finalize(k->commit);
	sqlite3_finalize(k->update_run);
	k->begin = k->commit = k->update_run = NULL;
}
