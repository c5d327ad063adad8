/* The ctk store: opening, creating and migrating the SQLite file, and the
 * transaction helpers every writer uses so that an import or an analysis is
 * all-or-nothing. The schema itself lives in schemas/schema.sql. */
#ifndef CTK_DB_H
#define CTK_DB_H

#include <sqlite3.h>
#include <stdint.h>

#include "err.h"

#define CTK_SCHEMA_VERSION 3

enum ctk_db_flags {
	CTK_DB_READONLY = 1, /* open an existing store without writing */
	CTK_DB_CREATE = 2,   /* create the file and schema if missing */
};

/* Open path, create or migrate it, and set WAL, foreign keys and a busy
 * timeout. An existing file is checked read-only first: a foreign SQLite
 * file or a store from a newer schema is refused with CTK_EDB and left
 * byte-for-byte unchanged; opening for writing runs PRAGMA quick_check and
 * refuses a corrupt store (CTK_EDB). On success *out owns the connection
 * (close with ctk_db_close). */
int ctk_db_open(const char *path, int flags, sqlite3 **out, struct ctk_error *err);
void ctk_db_close(sqlite3 *db);
/* Wait for another writer as long as every ctk command does (5 s, or
 * CTK_BUSY_TIMEOUT_MS): for a writer that used a short wait so far (the
 * collector while sampling) and now has nothing to protect but its data. */
void ctk_db_wait_patiently(sqlite3 *db);
/* A command that may create its store asks ctk_db_missing(path) before
 * ctk_db_open and, when it fails, calls ctk_db_discard(path) after closing
 * if the file was missing: a failed first import leaves no empty store. */
int ctk_db_missing(const char *path);
void ctk_db_discard(const char *path);

/* CTK_EDB with a message when SQLite reported corruption (SQLITE_CORRUPT,
 * SQLITE_NOTADB) anywhere in this process since the first ctk_db_open, else
 * 0: a tool's main calls it before exiting 0, so a read loop cut short by
 * a damaged page never passes for an empty store. */
int ctk_db_corrupt(struct ctk_error *err);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK with messages naming the DB. */
int ctk_db_begin(sqlite3 *db, struct ctk_error *err);
int ctk_db_commit(sqlite3 *db, struct ctk_error *err);
void ctk_db_rollback(sqlite3 *db);

/* Run one or more statements with no result rows. */
int ctk_db_exec(sqlite3 *db, const char *sql, struct ctk_error *err);

/* Run one statement with a single integer parameter (e.g. DELETE … WHERE
 * run_id = ?) to completion. */
int ctk_db_exec_id(sqlite3 *db, const char *sql, int64_t id, struct ctk_error *err);

/* Prepare a statement; on failure fill err with sqlite's message. */
int ctk_db_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, struct ctk_error *err);

/* Fail with sqlite's current message, prefixed by what we were doing. */
int ctk_db_fail(sqlite3 *db, struct ctk_error *err, const char *what);

/* SQL: the sum of column COL over the rows grouped, NULL (not known) unless
 * every row's COL is known; SQL's own sum() would skip the unknown ones. */
#define CTK_SQL_SUM_KNOWN(col) "CASE WHEN count(" col ") = count(*) THEN sum(" col ") END"

/* Bind helpers that store NULL for a missing value (valid == 0). */
int ctk_bind_text_or_null(sqlite3_stmt *st, int i, const char *s);
int ctk_bind_double_or_null(sqlite3_stmt *st, int i, double v, int valid);
int ctk_bind_int64_or_null(sqlite3_stmt *st, int i, int64_t v, int valid);

/* Resolve a --run argument (a run_id or a label; a label must be unique). */
int ctk_db_find_run(sqlite3 *db, const char *spec, int64_t *run_id, struct ctk_error *err);

/* Count rows of a table (used by tests and by "nothing half-written" checks). */
int64_t ctk_db_count(sqlite3 *db, const char *table);

#endif
