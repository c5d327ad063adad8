/* Tests for ctk_window_insert (common/store.c) with repeated epoch numbers:
 * every window is kept, an epoch number seen again in a run is the next
 * attempt (1, 2, …), other runs and kinds count apart, a window without a
 * number is attempt 1; and the analysis's result tables take one row per
 * attempt (the key that made `ctk analyze` fail with a UNIQUE error). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <unistd.h>

#include "common/db.h"
#include "common/store.h"

static int64_t q_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void add(sqlite3 *db, int64_t run, const char *kind, int64_t idx, int has_idx, int64_t t)
{
	struct ctk_window w = {.run_id = run, .kind = kind, .idx = idx, .has_idx = has_idx, .start_ns = t,
			       .end_ns = t + 10};
	struct ctk_error err = {0};

	assert_int_equal(ctk_window_insert(db, &w, &err), 0);
}

static void test_attempts(void **state)
{
	sqlite3 *db = NULL;
	struct ctk_error err = {0};
	struct ctk_run r = {.source = "test"};
	int64_t a, b;

	(void)state;
	unlink("w.db");
	assert_int_equal(ctk_db_open("w.db", CTK_DB_CREATE, &db, &err), 0);
	assert_int_equal(ctk_run_insert(db, &r, &a, &err), 0);
	assert_int_equal(ctk_run_insert(db, &r, &b, &err), 0);
	/* run a: epochs 1, 2, 2, 3, 2 (resumed twice); run b: epoch 2 once */
	const int64_t ep[] = {1, 2, 2, 3, 2};
	for (int i = 0; i < 5; i++)
		add(db, a, "epoch", ep[i], 1, 100 * i);
	add(db, b, "epoch", 2, 1, 0);
	add(db, a, "phase", 0, 0, 7);   /* no number */
	add(db, a, "phase", 0, 0, 9);
	add(db, a, "baseline", 2, 1, 3); /* another kind with the same number */
	assert_int_equal(q_int(db, "SELECT count(*) FROM windows"), 9);
	assert_int_equal(q_int(db, "SELECT group_concat(attempt, '') FROM (SELECT attempt FROM windows "
				   "WHERE run_id = 1 AND kind = 'epoch' ORDER BY start_ns)"), 11213);
	assert_int_equal(q_int(db, "SELECT attempt FROM windows WHERE run_id = 2"), 1);
	assert_int_equal(q_int(db, "SELECT max(attempt) FROM windows WHERE kind = 'phase'"), 1);
	assert_int_equal(q_int(db, "SELECT attempt FROM windows WHERE kind = 'baseline'"), 1);
	/* one epoch_energy / epoch_co2 row per attempt */
	assert_int_equal(sqlite3_exec(db, "INSERT INTO devices(run_id, kind) VALUES (1, 'gpu');"
				      "INSERT INTO epoch_energy(run_id, idx, attempt, device_id, energy_j, method, coverage) "
				      "SELECT run_id, idx, attempt, 1, 1.0, 'counter', 1 FROM windows WHERE run_id = 1 AND kind = 'epoch';"
				      "INSERT INTO epoch_co2(run_id, idx, attempt, co2_g, missing_j) "
				      "SELECT run_id, idx, attempt, 1.0, 0 FROM windows WHERE run_id = 1 AND kind = 'epoch';",
				      NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(q_int(db, "SELECT count(*) FROM epoch_energy"), 5);
	assert_int_equal(q_int(db, "SELECT count(*) FROM epoch_co2"), 5);
	ctk_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attempts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
