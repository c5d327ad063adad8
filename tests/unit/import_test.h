/* Helpers for the importer unit tests (cmocka): open a fresh store in the
 * test's temporary cwd, run one importer inside a transaction the way
 * cmd_import.c does (commit on success, roll back on error), collect its
 * warnings, and read single values back with plain SQL. */
#ifndef CTK_TEST_IMPORT_H
#define CTK_TEST_IMPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyze/import/importers.h"
#include "common/db.h"
#include "common/time.h"

static char test_warnings[16384];

static __attribute__((unused)) void test_warn(void *ctx, const char *msg)
{
	size_t n = strlen(test_warnings);
	(void)ctx;
	snprintf(test_warnings + n, sizeof test_warnings - n, "%s\n", msg);
}

static __attribute__((unused)) sqlite3 *test_db(const char *name)
{
	sqlite3 *db = NULL;
	struct ctk_error err = {0};
	remove(name);
	assert_int_equal(ctk_db_open(name, CTK_DB_CREATE, &db, &err), 0);
	return db;
}

/* Import path with format; returns the importer's code, err filled. */
static __attribute__((unused)) int test_import_tz(sqlite3 *db, const char *format, const char *path, const char *label,
			  const char *tzspec, struct ctk_import_result *res, struct ctk_error *err)
{
	struct ctk_tz tz;
	struct ctk_import_opts o = {.label = label, .warn = test_warn};
	const struct ctk_importer *imp = ctk_importer_find(format);
	int rc;

	test_warnings[0] = '\0';
	memset(res, 0, sizeof(*res));
	memset(err, 0, sizeof(*err));
	assert_non_null(imp);
	assert_int_equal(ctk_tz_parse(tzspec, &tz, err), 0);
	o.tz = &tz;
	assert_int_equal(ctk_db_begin(db, err), 0);
	rc = imp->import(db, path, &o, res, err);
	if (rc == 0)
		rc = ctk_db_commit(db, err);
	if (rc)
		ctk_db_rollback(db);
	return rc;
}

static __attribute__((unused)) int test_import(sqlite3 *db, const char *format, const char *path,
		       struct ctk_import_result *res, struct ctk_error *err)
{
	return test_import_tz(db, format, path, NULL, NULL, res, err);
}

static __attribute__((unused)) double q_double(sqlite3 *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static __attribute__((unused)) double q_double(sqlite3 *db, const char *fmt, ...)
{
	char sql[2048];
	sqlite3_stmt *st = NULL;
	double v = -1e300;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("bad sql: %s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	return v;
}

static __attribute__((unused)) int64_t q_int(sqlite3 *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static __attribute__((unused)) int64_t q_int(sqlite3 *db, const char *fmt, ...)
{
	char sql[2048];
	sqlite3_stmt *st = NULL;
	int64_t v = -999999;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("bad sql: %s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* $CTK_DATA/rel or $CTK_ROOT/rel into a static buffer (one of four). */
static __attribute__((unused)) const char *test_path(const char *env, const char *fallback, const char *rel)
{
	static char buf[4][4096];
	static int k;
	const char *base = getenv(env);
	char *b = buf[k++ & 3];
	snprintf(b, 4096, "%s/%s", base ? base : fallback, rel);
	return b;
}
#define DATA(rel) test_path("CTK_DATA", "../shared/data", rel)
#define ROOT(rel) test_path("CTK_ROOT", ".", rel)

static __attribute__((unused)) void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Row counts of the tables an import writes, to check nothing is half-written. */
static __attribute__((unused)) int64_t rows_total(sqlite3 *db)
{
	return q_int(db, "SELECT (SELECT count(*) FROM runs) + (SELECT count(*) FROM devices) + "
			 "(SELECT count(*) FROM windows) + (SELECT count(*) FROM reported) + "
			 "(SELECT count(*) FROM sample_chunks)");
}

#define assert_near(got, want, rel) do { double g_ = (got), w_ = (want); \
	if (!(fabs(g_ - w_) <= (rel) * fabs(w_) + 1e-12)) \
		fail_msg("%s = %.12g, want %.12g (rel tol %g)", #got, g_, w_, (double)(rel)); } while (0)

/* The error is one line naming file and line. */
#define assert_one_line_at(err, needle) do { \
	assert_null(strchr((err)->msg, '\n')); \
	if (!strstr((err)->msg, needle)) fail_msg("message '%s' lacks '%s'", (err)->msg, needle); } while (0)

#endif
