/* Tests for common/embodied.c and embodied_table.c (issue 17): the embodied
 * rule against hand-computed known answers, the water rule of Li et al.
 * 2023, the bundled table (every row sourced, A100 found, H100 not: "not
 * estimated"), bad tables refused with file, line and field, and the stored
 * embodied and water settings with the trigger that drops stale results. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/db.h"
#include "common/embodied.h"
#include "common/settings.h"
#include "common/store.h"

static void test_share_known_answer(void **state)
{
	struct ctk_error err = {0};
	double g = -1;
	(void)state;
	/* by hand: 150 kg x 10 h / (6 y x 8760 h x 0.85) = 1500 / 44676 kg = 33.57507 g */
	assert_int_equal(ctk_embodied_share_g(150, 10, 6, 0.85, &g, &err), 0);
	assert_true(fabs(g - 33.57507) < 1e-4);
	/* 318 kg x 3.5 h / (4 y x 8760 h x 0.6) = 1113 / 21024 kg = 52.93950 g */
	assert_int_equal(ctk_embodied_share_g(318, 3.5, 4, 0.6, &g, &err), 0);
	assert_true(fabs(g - 52.93950) < 1e-4);
	/* a whole lifetime at full use is the whole footprint */
	assert_int_equal(ctk_embodied_share_g(150, 6 * 8760.0, 6, 1, &g, &err), 0);
	assert_true(fabs(g - 150000) < 1e-6);
	assert_int_equal(ctk_embodied_share_g(150, 0, 6, 0.85, &g, &err), 0);
	assert_true(g == 0);
}

static void test_share_refuses(void **state)
{
	struct ctk_error err = {0};
	double g;
	(void)state;
	assert_int_equal(ctk_embodied_share_g(150, 1, 0, 0.85, &g, &err), CTK_EINPUT);
	assert_non_null(strstr(err.msg, "lifetime"));
	assert_int_equal(ctk_embodied_share_g(150, 1, 6, 0, &g, &err), CTK_EINPUT);
	assert_non_null(strstr(err.msg, "utilisation"));
	assert_int_equal(ctk_embodied_share_g(150, 1, 6, 1.5, &g, &err), CTK_EINPUT);
	assert_int_equal(ctk_embodied_share_g(-1, 1, 6, 0.5, &g, &err), CTK_EINPUT);
	assert_int_equal(ctk_embodied_share_g(150, -1, 6, 0.5, &g, &err), CTK_EINPUT);
	assert_int_equal(ctk_embodied_share_g(NAN, 1, 6, 0.5, &g, &err), CTK_EINPUT);
}

static void test_water(void **state)
{
	(void)state;
	/* on-site 1.8 L/kWh x 2.5 kWh = 4.5 L; off-site 3.1 L/kWh x 2.5 kWh x 1.2 = 9.3 L */
	assert_true(fabs(ctk_water_onsite_l(1.8, 2.5) - 4.5) < 1e-12);
	assert_true(fabs(ctk_water_offsite_l(3.1, 2.5, 1.2) - 9.3) < 1e-12);
}

static void test_bundled_table(void **state)
{
	struct ctk_embodied_table t;
	struct ctk_error err = {0};
	const struct ctk_embodied_row *r;
	char path[4096];
	(void)state;
	snprintf(path, sizeof path, "%s/data/embodied.csv", getenv("CTK_ROOT") ? getenv("CTK_ROOT") : ".");
	assert_int_equal(ctk_embodied_table_load(path, &t, &err), 0);
	assert_true(t.n >= 2);
	for (int i = 0; i < t.n; i++) {
		assert_non_null(ctk_embodied_source(t.rows[i].source)); /* every value has its source */
		assert_true(t.rows[i].kg_co2e > 0);
		assert_true(t.rows[i].year >= 2000);
		assert_true(*t.rows[i].covers);
	}
	r = ctk_embodied_match(&t, "NVIDIA A100-SXM4-80GB", NULL);
	assert_non_null(r);
	assert_string_equal(r->source, "luccioni2023bloom");
	assert_true(r->kg_co2e == 150 && r->has_lifetime && r->lifetime_years == 6 && r->utilisation == 0.85);
	r = ctk_embodied_match(&t, "nvidia a100 80gb pcie", "chien2023hotcarbon");
	assert_non_null(r);
	assert_true(r->kg_co2e == 318 && !r->has_lifetime && !r->has_utilisation);
	assert_null(ctk_embodied_match(&t, "NVIDIA H100 80GB HBM3", NULL)); /* no sourced value */
	assert_null(ctk_embodied_match(&t, "Tesla V100-SXM2-16GB", NULL));
	assert_null(ctk_embodied_match(&t, NULL, NULL));
	ctk_embodied_table_free(&t);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_bad_tables(void **state)
{
	struct ctk_embodied_table t;
	struct ctk_error err = {0};
	static const char *const HDR = "pattern,kg_co2e,covers,lifetime_years,utilisation,source,year,note\n";
	char text[512];
	(void)state;
	snprintf(text, sizeof text, "%sA100,,GPU board,6,0.85,luccioni2023bloom,2023,x\n", HDR);
	write_file("e1.csv", text);
	assert_int_equal(ctk_embodied_table_load("e1.csv", &t, &err), CTK_EINPUT);
	assert_non_null(strstr(err.msg, "'e1.csv' line 2: field 'kg_co2e'"));
	snprintf(text, sizeof text, "%sA100,150,GPU board,6,0.85,someblog,2023,x\n", HDR);
	write_file("e2.csv", text);
	assert_int_equal(ctk_embodied_table_load("e2.csv", &t, &err), CTK_EINPUT);
	assert_non_null(strstr(err.msg, "field 'source'"));
	snprintf(text, sizeof text, "%sA100,150,GPU board,6,1.7,luccioni2023bloom,2023,x\n", HDR);
	write_file("e3.csv", text);
	assert_int_equal(ctk_embodied_table_load("e3.csv", &t, &err), CTK_EINPUT);
	assert_non_null(strstr(err.msg, "field 'utilisation'"));
	write_file("e4.csv", "pattern,kg_co2e\nA100,150\n");
	assert_int_equal(ctk_embodied_table_load("e4.csv", &t, &err), CTK_EINPUT);
	assert_non_null(strstr(err.msg, "no 'covers' column"));
}

static int count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int n = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void test_settings(void **state)
{
	struct ctk_run run = {.source = "test", .label = "e"};
	struct ctk_settings s = {0}, got, over = {0}, m;
	struct ctk_error err = {0};
	sqlite3 *db = NULL;
	int64_t id;
	(void)state;
	unlink("emb.db");
	assert_int_equal(ctk_db_open("emb.db", CTK_DB_CREATE, &db, &err), 0);
	assert_int_equal(ctk_run_insert(db, &run, &id, &err), 0);
	assert_int_equal(ctk_footprint_setting_parse("embodied_kg", "200", &s.fp, &err), 1);
	assert_int_equal(ctk_footprint_setting_parse("lifetime", "5", &s.fp, &err), 1);
	assert_int_equal(ctk_footprint_setting_parse("wue", "1.8", &s.fp, &err), 1);
	assert_int_equal(ctk_footprint_setting_parse("utilisation", "0", &s.fp, &err), CTK_EINPUT);
	assert_int_equal(ctk_footprint_setting_parse("zone", "DE", &s.fp, &err), 0);
	assert_int_equal(ctk_settings_put(db, id, &s, &err), 0);
	assert_int_equal(ctk_settings_get(db, id, &got, &err), 0);
	assert_true(got.fp.has_embodied_kg && got.fp.embodied_kg == 200 && got.fp.has_lifetime &&
		    got.fp.lifetime_years == 5 && got.fp.has_wue && got.fp.wue_l_per_kwh == 1.8);
	assert_false(got.fp.has_utilisation || got.fp.has_water || got.fp.has_embodied_source);
	over.fp.has_utilisation = 1;
	over.fp.utilisation = 0.5;
	ctk_settings_merge(&m, &got, &over);
	assert_true(m.fp.has_utilisation && m.fp.utilisation == 0.5 && m.fp.embodied_kg == 200);
	/* a stored footprint row is dropped when a water or embodied setting changes */
	assert_int_equal(sqlite3_exec(db, "INSERT INTO run_footprint(run_id, gpu_hours) VALUES (1, 2)", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(ctk_settings_set_key(db, id, "water_intensity", "3", &err), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM run_footprint"), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM analysis_settings WHERE water_l_per_kwh = 3"), 1);
	assert_int_equal(ctk_settings_set_key(db, id, "embodied_kg", "", &err), 1); /* cleared */
	assert_int_equal(count(db, "SELECT count(*) FROM analysis_settings WHERE embodied_kg IS NULL"), 1);
	assert_int_equal(ctk_settings_set_key(db, id, "lifetime", "abc", &err), CTK_EINPUT);
	ctk_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_share_known_answer), cmocka_unit_test(test_share_refuses),
		cmocka_unit_test(test_water), cmocka_unit_test(test_bundled_table),
		cmocka_unit_test(test_bad_tables), cmocka_unit_test(test_settings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
