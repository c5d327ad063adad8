/* `ctk config --db DB RUN --json`: the run's label, zone, planned epochs and
 * config_json as one JSON object (schemas/config.schema.json), for scripts.
 * Kept apart from config.c, which sets keys; unknown values are null. */
#include <stdio.h>

#include <cjson/cJSON.h>

#include "analyze/cmd/config_json.h"
#include "common/db.h"
#include "common/settings.h"

static void add_text_or_null(cJSON *o, const char *key, sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddStringToObject(o, key, (const char *)sqlite3_column_text(st, col));
}

/* embodied and water settings (issue 17); null: not set */
static void footprint_json(cJSON *o, const struct ctk_footprint_settings *f)
{
	const struct {
		const char *key;
		double v;
		int has;
	} num[] = {{"embodied_kg", f->embodied_kg, f->has_embodied_kg}, {"lifetime_years", f->lifetime_years, f->has_lifetime},
		   {"utilisation", f->utilisation, f->has_utilisation}, {"wue_l_per_kwh", f->wue_l_per_kwh, f->has_wue},
		   {"water_intensity_l_per_kwh", f->water_l_per_kwh, f->has_water}};
	for (size_t i = 0; i < sizeof num / sizeof num[0]; i++)
		if (num[i].has)
			cJSON_AddNumberToObject(o, num[i].key, num[i].v);
		else
			cJSON_AddNullToObject(o, num[i].key);
	if (f->has_embodied_source)
		cJSON_AddStringToObject(o, "embodied_source", f->embodied_source);
	else
		cJSON_AddNullToObject(o, "embodied_source");
}

cJSON *ctk_settings_json(const struct ctk_settings *s)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	if (s->has_signal)
		cJSON_AddStringToObject(o, "signal", s->signal);
	else
		cJSON_AddNullToObject(o, "signal");
	if (s->has_pue) {
		cJSON_AddNumberToObject(o, "pue", s->pue.value);
		cJSON_AddStringToObject(o, "pue_source", s->pue.source);
	} else {
		cJSON_AddNullToObject(o, "pue");
		cJSON_AddNullToObject(o, "pue_source");
	}
	if (s->has_fill)
		cJSON_AddStringToObject(o, "fill", ctk_fill_name(s->fill));
	else
		cJSON_AddNullToObject(o, "fill");
	if (s->has_default)
		cJSON_AddNumberToObject(o, "default_g_per_kwh", s->default_g_per_kwh);
	else
		cJSON_AddNullToObject(o, "default_g_per_kwh");
	footprint_json(o, &s->fp);
	return o;
}

int ctk_config_show_json(sqlite3 *db, int64_t run_id, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	cJSON *o = NULL, *cfg = NULL;
	char *s = NULL;
	int rc = 0;

	if ((rc = ctk_db_prepare(db, "SELECT label, zone, planned_epochs, coalesce(config_json, '{}') FROM runs "
				 "WHERE run_id = ?", &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, run_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = ctk_failf(err, CTK_EINPUT, "run %lld: not in the store", (long long)run_id);
		goto out;
	}
	if (!(o = cJSON_CreateObject())) {
		rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
		goto out;
	}
	cJSON_AddNumberToObject(o, "schema_version", 1);
	cJSON_AddNumberToObject(o, "run_id", (double)run_id);
	add_text_or_null(o, "label", st, 0);
	add_text_or_null(o, "zone", st, 1);
	if (sqlite3_column_type(st, 2) == SQLITE_NULL)
		cJSON_AddNullToObject(o, "epochs");
	else
		cJSON_AddNumberToObject(o, "epochs", sqlite3_column_int(st, 2));
	cfg = cJSON_Parse((const char *)sqlite3_column_text(st, 3));
	if (!cfg || !cJSON_IsObject(cfg)) {
		cJSON_Delete(cfg);
		rc = ctk_failf(err, CTK_EINPUT, "run %lld: config_json is not a JSON object", (long long)run_id);
		goto out;
	}
	cJSON_AddItemToObject(o, "config", cfg);
	struct ctk_settings set;
	if ((rc = ctk_settings_get(db, run_id, &set, err)))
		goto out;
	cJSON_AddItemToObject(o, "settings", ctk_settings_json(&set));
	if (!(s = cJSON_Print(o))) {
		rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
		goto out;
	}
	printf("%s\n", s);
out:
	cJSON_free(s);
	cJSON_Delete(o);
	sqlite3_finalize(st);
	return rc;
}
