/* Opening, creating and migrating the ctk store. The schema text is compiled
 * in from schemas/schema.sql (build/gen/schema_sql.c); migrations[] holds the
 * SQL that brings version N-1 to N, so an old store is upgraded in place, in
 * one transaction, and a newer one is refused rather than misread. An
 * existing file is first opened read-only: a foreign or newer file is refused
 * before anything (even the WAL switch) is written to it. */
#include "db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern const char ctk_schema_sql[];
extern const char ctk_migrate2_sql[];
extern const char ctk_migrate3_sql[];

/* migrations[v] upgrades a store from version v to v+1; [0] is creation.
 * A new store runs all of them, so each table is defined in one file only. */
static const char *const migrations[CTK_SCHEMA_VERSION] = {
	NULL,		 /* 0 -> 1: the whole schema (ctk_schema_sql) */
	ctk_migrate2_sql, /* 1 -> 2: schemas/migrate-2.sql */
	ctk_migrate3_sql, /* 2 -> 3: schemas/migrate-3.sql */
};

/* PRAGMA application_id of a ctk store: the ASCII bytes "ctk1" (our own
 * value; SQLite's docs, pragma.html#pragma_application_id, ask each
 * application to pick one). Stores made before it was set have 0. */
#define CTK_APPLICATION_ID 0x63746b31

/* The first corruption SQLite reported in this process (its log callback):
 * read loops that stop at the first non-row would otherwise say "no runs". */
static char corrupt_msg[256];

static void sqlite_log(void *ctx, int code, const char *msg)
{
	(void)ctx;
	if (((code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB) && !corrupt_msg[0])
		snprintf(corrupt_msg, sizeof corrupt_msg, "%s", msg ? msg : "database disk image is malformed");
}

int ctk_db_corrupt(struct ctk_error *err)
{
	if (!corrupt_msg[0])
		return 0;
	return ctk_failf(err, CTK_EDB, "the store is corrupt (%s): restore it from a copy", corrupt_msg);
}

/* How long to wait for another writer (CTK_BUSY_TIMEOUT_MS, default 5 s). */
static int busy_timeout_ms(void)
{
	const char *s = getenv("CTK_BUSY_TIMEOUT_MS");
	long v = s ? strtol(s, NULL, 10) : 5000;
	return v >= 0 && v <= 600000 ? (int)v : 5000;
}

int ctk_db_fail(sqlite3 *db, struct ctk_error *err, const char *what)
{
	const char *file = db ? sqlite3_db_filename(db, "main") : NULL;

	return ctk_failf(err, CTK_EDB, "'%s': %s: %s", file && *file ? file : "(memory)",
			 what, db ? sqlite3_errmsg(db) : "no database");
}

int ctk_db_exec(sqlite3 *db, const char *sql, struct ctk_error *err)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	ctk_failf(err, CTK_EDB, "'%s': %s", sqlite3_db_filename(db, "main"),
		  msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return CTK_EDB;
}

int ctk_db_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, struct ctk_error *err)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) == SQLITE_OK)
		return 0;
	*st = NULL;
	return ctk_db_fail(db, err, "prepare");
}

int ctk_db_exec_id(sqlite3 *db, const char *sql, int64_t id, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (ctk_db_prepare(db, sql, &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : ctk_db_fail(db, err, "write");
}

int ctk_db_begin(sqlite3 *db, struct ctk_error *err)
{
	return ctk_db_exec(db, "BEGIN IMMEDIATE", err);
}

int ctk_db_commit(sqlite3 *db, struct ctk_error *err)
{
	return ctk_db_exec(db, "COMMIT", err);
}

void ctk_db_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

static int user_version(sqlite3 *db, int *version, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (ctk_db_prepare(db, "PRAGMA user_version", &st, err))
		return CTK_EDB;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return ctk_db_fail(db, err, "not a ctk store (or unreadable)");
	}
	*version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

/* Bring the store from `from` to CTK_SCHEMA_VERSION in one transaction. */
static int migrate(sqlite3 *db, int from, struct ctk_error *err)
{
	char pragma[96];

	if (ctk_db_begin(db, err))
		return CTK_EDB;
	for (int v = from; v < CTK_SCHEMA_VERSION; v++) {
		const char *sql = v == 0 ? ctk_schema_sql : migrations[v];
		if (ctk_db_exec(db, sql, err))
			goto fail;
	}
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d; PRAGMA application_id = %d", CTK_SCHEMA_VERSION,
		 CTK_APPLICATION_ID);
	if (ctk_db_exec(db, pragma, err) || ctk_db_commit(db, err))
		goto fail;
	return 0;
fail:
	ctk_db_rollback(db);
	return CTK_EDB;
}

static int int_pragma(sqlite3 *db, const char *sql, int *v, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;

	if (ctk_db_prepare(db, sql, &st, err))
		return CTK_EDB;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return ctk_db_fail(db, err, "not a ctk store (or unreadable)");
	}
	*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

/* Identity and version of an open store, without writing: 0 when it is a
 * ctk store this ctk may use (*version tells whether it needs migrating),
 * CTK_EDB for a foreign or newer file. */
static int check_identity(sqlite3 *db, const char *path, int *version, struct ctk_error *err)
{
	int app = 0, tables = 0, runs = 0;

	if (user_version(db, version, err) || int_pragma(db, "PRAGMA application_id", &app, err) ||
	    int_pragma(db, "SELECT count(*) FROM sqlite_schema", &tables, err) ||
	    int_pragma(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'runs'", &runs, err))
		return ctk_error_prefix(err, "'%s': ", path), CTK_EDB;
	if (app != 0 && app != CTK_APPLICATION_ID)
		return ctk_failf(err, CTK_EDB, "'%s': not a ctk store (SQLite application_id %d): left unchanged", path, app);
	if (*version > CTK_SCHEMA_VERSION)
		return ctk_failf(err, CTK_EDB,
				 "'%s': store has schema version %d, newer than this ctk "
				 "understands (%d): upgrade ctk; left unchanged", path, *version, CTK_SCHEMA_VERSION);
	if (*version == 0 && tables > 0)
		return ctk_failf(err, CTK_EDB, "'%s': not a ctk store (it has tables but no ctk schema version): left unchanged", path);
	if (*version > 0 && app == 0 && !runs)
		return ctk_failf(err, CTK_EDB, "'%s': not a ctk store (no 'runs' table): left unchanged", path);
	return 0;
}

/* PRAGMA quick_check before the first write: a damaged store is refused
 * rather than written to or read as empty. */
static int quick_check(sqlite3 *db, const char *path, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	const char *row;
	int rc;

	if (ctk_db_prepare(db, "PRAGMA quick_check(1)", &st, err))
		return ctk_error_prefix(err, "'%s': the store is corrupt or unreadable: ", path), CTK_EDB;
	rc = sqlite3_step(st);
	row = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
	if (rc == SQLITE_ROW && row && !strcmp(row, "ok")) {
		sqlite3_finalize(st);
		return 0;
	}
	char what[200];
	snprintf(what, sizeof what, "%s", row ? row : sqlite3_errmsg(db));
	for (char *p = what; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' '; /* one line: quick_check's rows may hold several */
	ctk_failf(err, CTK_EDB, "'%s': the store is corrupt (quick_check: %s): restore it from a copy", path, what);
	sqlite3_finalize(st);
	return CTK_EDB;
}

static int open_conn(const char *path, int oflags, sqlite3 **db, struct ctk_error *err)
{
	*db = NULL;
	if (sqlite3_open_v2(path, db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		ctk_failf(err, CTK_EDB, "'%s': cannot open: %s", path, *db ? sqlite3_errmsg(*db) : "out of memory");
		sqlite3_close(*db);
		*db = NULL;
		return CTK_EDB;
	}
	sqlite3_busy_timeout(*db, busy_timeout_ms());
	sqlite3_extended_result_codes(*db, 1);
	return 0;
}

int ctk_db_open(const char *path, int flags, sqlite3 **out, struct ctk_error *err)
{
	static int log_set;
	sqlite3 *db = NULL;
	struct stat sb;
	int version = 0, exists;

	*out = NULL;
	if (!log_set) {
		log_set = 1;
		sqlite3_config(SQLITE_CONFIG_LOG, sqlite_log, NULL); /* SQLITE_MISUSE once initialised: harmless */
	}
	if (!path || !*path)
		return ctk_failf(err, CTK_EUSAGE, "no database given (use --db FILE)");
	exists = stat(path, &sb) == 0;
	if (!exists && !(flags & CTK_DB_CREATE))
		return ctk_failf(err, CTK_EDB, "'%s': %s", path, strerror(errno));
	if (exists && sb.st_size > 0) {
		/* read-only first: nothing is written before we know the file is ours */
		if (open_conn(path, SQLITE_OPEN_READONLY, &db, err))
			return CTK_EDB;
		if (check_identity(db, path, &version, err))
			goto fail;
		if (flags & CTK_DB_READONLY) {
			if (version != CTK_SCHEMA_VERSION) {
				ctk_failf(err, CTK_EDB, "'%s': store has schema version %d; open it once with a writing command to upgrade", path, version);
				goto fail;
			}
			if (ctk_db_exec(db, "PRAGMA foreign_keys = ON", err))
				goto fail;
			*out = db;
			return 0;
		}
		sqlite3_close(db);
		db = NULL;
	} else if (flags & CTK_DB_READONLY) {
		return ctk_failf(err, CTK_EDB, "'%s': empty file, not a ctk store", path);
	}
	if (open_conn(path, SQLITE_OPEN_READWRITE | (flags & CTK_DB_CREATE ? SQLITE_OPEN_CREATE : 0), &db, err))
		return CTK_EDB;
	/* checked again on this connection: the file may have changed since */
	if (check_identity(db, path, &version, err))
		goto fail;
	if (version == CTK_SCHEMA_VERSION && quick_check(db, path, err))
		goto fail;
	if (ctk_db_exec(db, "PRAGMA foreign_keys = ON", err) ||
	    ctk_db_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", err))
		goto fail;
	if (version < CTK_SCHEMA_VERSION && migrate(db, version, err))
		goto fail;
	*out = db;
	return 0;
fail:
	sqlite3_close(db);
	return err ? err->code : CTK_EDB;
}

void ctk_db_wait_patiently(sqlite3 *db)
{
	if (db)
		sqlite3_busy_timeout(db, busy_timeout_ms());
}

void ctk_db_close(sqlite3 *db)
{
	sqlite3_close(db);
}

int ctk_bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
}

int ctk_bind_double_or_null(sqlite3_stmt *st, int i, double v, int valid)
{
	return valid ? sqlite3_bind_double(st, i, v) : sqlite3_bind_null(st, i);
}

int ctk_bind_int64_or_null(sqlite3_stmt *st, int i, int64_t v, int valid)
{
	return valid ? sqlite3_bind_int64(st, i, v) : sqlite3_bind_null(st, i);
}

int ctk_db_find_run(sqlite3 *db, const char *spec, int64_t *run_id, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	char *end = NULL;
	long long id = strtoll(spec, &end, 10);
	int n = 0;

	if (*spec && end && !*end) {
		if (ctk_db_prepare(db, "SELECT run_id FROM runs WHERE run_id = ?", &st, err))
			return CTK_EDB;
		sqlite3_bind_int64(st, 1, id);
	} else {
		if (ctk_db_prepare(db, "SELECT run_id FROM runs WHERE label = ?", &st, err))
			return CTK_EDB;
		sqlite3_bind_text(st, 1, spec, -1, SQLITE_TRANSIENT);
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		*run_id = sqlite3_column_int64(st, 0);
		n++;
	}
	sqlite3_finalize(st);
	if (n == 0)
		return ctk_failf(err, CTK_EUSAGE, "no run '%s' in the store", spec);
	if (n > 1)
		return ctk_failf(err, CTK_EUSAGE, "label '%s' names %d runs: give a run id", spec, n);
	return 0;
}

int64_t ctk_db_count(sqlite3 *db, const char *table)
{
	char sql[256];
	sqlite3_stmt *st = NULL;
	int64_t n = -1;

	snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int ctk_db_missing(const char *path)
{
	struct stat st;

	return stat(path, &st) != 0 && errno == ENOENT;
}

void ctk_db_discard(const char *path)
{
	static const char *const tails[] = {"", "-wal", "-shm", "-journal"};
	char name[4096];

	for (size_t i = 0; i < sizeof tails / sizeof *tails; i++)
		if ((size_t)snprintf(name, sizeof name, "%s%s", path, tails[i]) < sizeof name)
			unlink(name);
}
