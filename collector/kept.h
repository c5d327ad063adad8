/* The statements of the collector's flush, compiled once and kept for the
 * run (issue 18: a flush a second re-parsed BEGIN, COMMIT and the run's
 * UPDATE, most of its CPU). Each call steps its statement and resets it at
 * once, so no statement holds a lock between flushes. */
#ifndef CTK_COLLECTOR_KEPT_H
#define CTK_COLLECTOR_KEPT_H

#include <sqlite3.h>
#include <stdint.h>

#include "common/err.h"

struct ctk_kept {
	sqlite3_stmt *begin, *commit, *update_run;
};

/* BEGIN IMMEDIATE / COMMIT (rollback stays ctk_db_rollback). */
int ctk_kept_begin(sqlite3 *db, struct ctk_kept *k, struct ctk_error *err);
int ctk_kept_commit(sqlite3 *db, struct ctk_kept *k, struct ctk_error *err);

/* UPDATE runs SET ended_ns for a run still going (no exit status, config
 * unchanged): what every flush but the last writes. */
int ctk_kept_run_going(sqlite3 *db, struct ctk_kept *k, int64_t run_id, int64_t ended_ns, struct ctk_error *err);

/* Finalize them (before the connection is closed). */
void ctk_kept_release(struct ctk_kept *k);

#endif
