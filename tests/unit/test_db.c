/* Tests for common/db.c: a new store gets the schema and user_version, it
 * reopens, a store from a newer schema and a foreign SQLite file are refused
 * with CTK_EDB, and a rolled-back transaction leaves nothing behind. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/db.h"
#include "common/store.h"

static void test_create_reopen(void **state)
{
	sqlite3 *db = NULL;
	struct ctk_error err = {0};
	int64_t run;
	struct ctk_run r = {.source = "test", .label = "a"};
	(void)state;

	unlink("t1.db");
	assert_int_equal(ctk_db_open("t1.db", 0, &db, &err), CTK_EDB); /* no CREATE: missing file */
	assert_int_equal(ctk_db_open("t1.db", CTK_DB_CREATE, &db, &err), 0);
	assert_int_equal(ctk_run_insert(db, &r, &run, &err), 0);
	ctk_db_close(db);
	assert_int_equal(ctk_db_open("t1.db", CTK_DB_READONLY, &db, &err), 0);
	assert_int_equal(ctk_db_count(db, "runs"), 1);
	assert_int_equal(ctk_db_find_run(db, "a", &run, &err), 0);
	assert_int_equal(ctk_db_find_run(db, "b", &run, &err), CTK_EUSAGE);
	ctk_db_close(db);
}

static void test_newer_schema_refused(void **state)
{
	sqlite3 *raw = NULL, *db = NULL;
	struct ctk_error err = {0};
	(void)state;

	unlink("t2.db");
	assert_int_equal(ctk_db_open("t2.db", CTK_DB_CREATE, &db, &err), 0);
	ctk_db_close(db);
	assert_int_equal(sqlite3_open("t2.db", &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	assert_int_equal(ctk_db_open("t2.db", CTK_DB_CREATE, &db, &err), CTK_EDB);
	assert_null(db);
	assert_non_null(strstr(err.msg, "newer"));
	assert_non_null(strstr(err.msg, "t2.db"));
}

static void test_foreign_file_refused(void **state)
{
	sqlite3 *raw = NULL, *db = NULL;
	struct ctk_error err = {0};
	FILE *f;
	(void)state;

	unlink("t3.db");
	assert_int_equal(sqlite3_open("t3.db", &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "CREATE TABLE x(a)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	assert_int_equal(ctk_db_open("t3.db", CTK_DB_CREATE, &db, &err), CTK_EDB);
	assert_non_null(strstr(err.msg, "not a ctk store"));
	f = fopen("t4.db", "w");
	fputs("this is not a database at all, just text\n", f);
	fclose(f);
	assert_int_equal(ctk_db_open("t4.db", CTK_DB_CREATE, &db, &err), CTK_EDB);
}

static void test_rollback(void **state)
{
	sqlite3 *db = NULL;
	struct ctk_error err = {0};
	int64_t run;
	struct ctk_run r = {.source = "test"};
	(void)state;

	assert_int_equal(ctk_db_open(":memory:", CTK_DB_CREATE, &db, &err), 0);
	assert_int_equal(ctk_db_begin(db, &err), 0);
	assert_int_equal(ctk_run_insert(db, &r, &run, &err), 0);
	ctk_db_rollback(db);
	assert_int_equal(ctk_db_count(db, "runs"), 0);
	/* foreign keys are on: a device of a missing run is refused */
	struct ctk_device d = {.run_id = 42, .kind = "gpu"};
	int64_t dev;
	assert_int_equal(ctk_device_insert(db, &d, &dev, &err), CTK_EDB);
	ctk_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_reopen), cmocka_unit_test(test_newer_schema_refused),
		cmocka_unit_test(test_foreign_file_refused), cmocka_unit_test(test_rollback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
