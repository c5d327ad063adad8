/* Tests for common/settings.c: the analysis settings stored per run (zone in
 * runs.zone, the rest in analysis_settings), flags over stored values, the
 * `ctk config` keys, and the schema triggers that drop a run's CO2 and
 * predictions when a setting changes (and only then). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/db.h"
#include "common/settings.h"
#include "common/store.h"

static sqlite3 *db;
static struct ctk_error err;
static int64_t run_id;

static int setup(void **state)
{
	struct ctk_run run = {.source = "test", .label = "s"};
	(void)state;
	unlink("settings.db");
	if (ctk_db_open("settings.db", CTK_DB_CREATE, &db, &err) || ctk_run_insert(db, &run, &run_id, &err))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ctk_db_close(db);
	return 0;
}

static int co2_rows(void)
{
	return (int)ctk_db_count(db, "run_co2");
}

static void put_co2_row(void)
{
	assert_int_equal(ctk_db_exec(db, "DELETE FROM run_co2; INSERT INTO run_co2(run_id, co2_g) VALUES (1, 5)", &err), 0);
}

static void test_put_get_merge(void **state)
{
	struct ctk_settings s = {0}, got, flags = {0}, m;
	(void)state;

	assert_int_equal(ctk_settings_get(db, run_id, &got, &err), 0);
	assert_false(got.has_zone || got.has_signal || got.has_pue || got.has_fill || got.has_default);
	snprintf(s.zone, sizeof s.zone, "DE");
	s.has_zone = 1;
	assert_int_equal(ctk_pue_parse("1.3", &s.pue, &err), 0);
	s.has_pue = 1;
	assert_int_equal(ctk_settings_put(db, run_id, &s, &err), 0);
	assert_int_equal(ctk_settings_get(db, run_id, &got, &err), 0);
	assert_true(got.has_zone && !strcmp(got.zone, "DE") && got.has_pue && got.pue.value == 1.3);
	assert_string_equal(got.pue.source, "given with --pue");
	assert_false(got.has_fill || got.has_signal);
	/* a later put of only the fill keeps zone and PUE */
	memset(&s, 0, sizeof s);
	s.fill = CTK_FILL_PREVIOUS;
	s.has_fill = 1;
	assert_int_equal(ctk_settings_put(db, run_id, &s, &err), 0);
	assert_int_equal(ctk_settings_get(db, run_id, &got, &err), 0);
	assert_true(got.has_zone && got.has_pue && got.pue.value == 1.3 && got.has_fill && got.fill == CTK_FILL_PREVIOUS);
	/* flags over stored */
	flags.pue.value = 1.58;
	flags.has_pue = 1;
	ctk_settings_merge(&m, &got, &flags);
	assert_true(m.pue.value == 1.58 && !strcmp(m.zone, "DE") && m.fill == CTK_FILL_PREVIOUS);
}

/* The triggers: a changed setting drops run_co2, the same value does not. */
static void test_triggers(void **state)
{
	struct ctk_settings s = {0};
	(void)state;

	put_co2_row();
	assert_int_equal(ctk_pue_parse("1.3", &s.pue, &err), 0);
	s.has_pue = 1;
	assert_int_equal(ctk_settings_put(db, run_id, &s, &err), 0);
	assert_int_equal(co2_rows(), 1);
	assert_int_equal(ctk_pue_parse("1.4", &s.pue, &err), 0);
	assert_int_equal(ctk_settings_put(db, run_id, &s, &err), 0);
	assert_int_equal(co2_rows(), 0);
	put_co2_row();
	assert_int_equal(ctk_db_exec(db, "UPDATE runs SET zone = 'DE' WHERE run_id = 1", &err), 0);
	assert_int_equal(co2_rows(), 1);
	assert_int_equal(ctk_db_exec(db, "UPDATE runs SET zone = 'FR' WHERE run_id = 1", &err), 0);
	assert_int_equal(co2_rows(), 0);
}

static void test_config_keys(void **state)
{
	struct ctk_settings got;
	char words[256];
	(void)state;

	assert_int_equal(ctk_settings_set_key(db, run_id, "fill", "default", &err), 1);
	assert_int_equal(ctk_settings_set_key(db, run_id, "default_intensity", "250", &err), 1);
	assert_int_equal(ctk_settings_set_key(db, run_id, "signal", "direct", &err), 1);
	assert_int_equal(ctk_settings_set_key(db, run_id, "pue", "carbontracker", &err), 1);
	assert_int_equal(ctk_settings_set_key(db, run_id, "gpu", "A100", &err), 0);
	assert_int_equal(ctk_settings_set_key(db, run_id, "pue", "0.5", &err), CTK_EINPUT);
	assert_int_equal(ctk_settings_set_key(db, run_id, "fill", "sometimes", &err), CTK_EINPUT);
	assert_int_equal(ctk_settings_set_key(db, run_id, "signal", "lifecycle,marginal", &err), CTK_EINPUT);
	assert_int_equal(ctk_settings_get(db, run_id, &got, &err), 0);
	assert_true(got.has_default && got.default_g_per_kwh == 250 && got.fill == CTK_FILL_DEFAULT);
	assert_true(got.pue.value == 1.58 && !strcmp(got.signal, "direct"));
	ctk_settings_words(&got, words, sizeof words);
	assert_string_equal(words, "zone FR, direct signal, PUE 1.58 (carbontracker preset 1.58 (Uptime Institute 2020 "
				   "global average)), fill default, default intensity 250 g/kWh");
	assert_int_equal(ctk_settings_set_key(db, run_id, "pue", "", &err), 1);
	assert_int_equal(ctk_settings_set_key(db, run_id, "zone", "", &err), 1);
	assert_int_equal(ctk_settings_get(db, run_id, &got, &err), 0);
	assert_false(got.has_pue || got.has_zone);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get_merge),
		cmocka_unit_test(test_triggers),
		cmocka_unit_test(test_config_keys),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
