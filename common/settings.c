/* Reading, writing and merging the analysis settings stored per run (see
 * settings.h): runs.zone plus one analysis_settings row. Library code: no
 * printing; every value is checked here, so analyze and config agree on
 * what a valid setting is. */
#include "common/settings.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/db.h"
#include "common/time.h"
#include "common/util.h"

static void col_text(sqlite3_stmt *st, int i, char *buf, size_t size, int *has)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	*has = s != NULL && *s;
	snprintf(buf, size, "%s", s && *s ? (const char *)s : "");
}

int ctk_settings_get(sqlite3 *db, int64_t run_id, struct ctk_settings *s, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	char fill[16] = "";
	int has_fill = 0, has_src = 0;

	memset(s, 0, sizeof(*s));
	if (ctk_db_prepare(db, "SELECT r.zone, a.signal, a.pue, a.pue_source, a.fill, a.default_g_per_kwh FROM runs r "
			   "LEFT JOIN analysis_settings a USING (run_id) WHERE r.run_id = ?", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		col_text(st, 0, s->zone, sizeof s->zone, &s->has_zone);
		col_text(st, 1, s->signal, sizeof s->signal, &s->has_signal);
		if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
			s->pue.value = sqlite3_column_double(st, 2);
			s->has_pue = 1;
			col_text(st, 3, s->pue.source, sizeof s->pue.source, &has_src);
			if (!has_src)
				snprintf(s->pue.source, sizeof s->pue.source, "stored without a source");
		}
		col_text(st, 4, fill, sizeof fill, &has_fill);
		s->has_fill = has_fill && !ctk_fill_parse(fill, &s->fill);
		if (sqlite3_column_type(st, 5) != SQLITE_NULL) {
			s->default_g_per_kwh = sqlite3_column_double(st, 5);
			s->has_default = 1;
		}
	}
	sqlite3_finalize(st);
	return 0;
}

int ctk_settings_put(sqlite3 *db, int64_t run_id, const struct ctk_settings *s, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (s->has_zone) {
		if (ctk_db_prepare(db, "UPDATE runs SET zone = ? WHERE run_id = ?", &st, err))
			return CTK_EDB;
		sqlite3_bind_text(st, 1, s->zone, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, run_id);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return ctk_db_fail(db, err, "store the zone");
	}
	if (!s->has_signal && !s->has_pue && !s->has_fill && !s->has_default)
		return 0;
	/* an upsert that keeps the fields not given (?N IS NULL → keep) */
	if (ctk_db_prepare(db,
		"INSERT INTO analysis_settings(run_id, signal, pue, pue_source, fill, default_g_per_kwh, updated_ns) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(run_id) DO UPDATE SET "
		"signal = coalesce(?2, signal), pue = coalesce(?3, pue), "
		"pue_source = CASE WHEN ?3 IS NULL THEN pue_source ELSE ?4 END, fill = coalesce(?5, fill), "
		"default_g_per_kwh = coalesce(?6, default_g_per_kwh), updated_ns = ?7", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	ctk_bind_text_or_null(st, 2, s->has_signal ? s->signal : NULL);
	ctk_bind_double_or_null(st, 3, s->pue.value, s->has_pue);
	ctk_bind_text_or_null(st, 4, s->has_pue ? s->pue.source : NULL);
	ctk_bind_text_or_null(st, 5, s->has_fill ? ctk_fill_name(s->fill) : NULL);
	ctk_bind_double_or_null(st, 6, s->default_g_per_kwh, s->has_default);
	sqlite3_bind_int64(st, 7, ctk_now_ns());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : ctk_db_fail(db, err, "store the analysis settings");
}

void ctk_settings_merge(struct ctk_settings *out, const struct ctk_settings *base, const struct ctk_settings *over)
{
	struct ctk_settings m = *base;

	if (over->has_zone) {
		memcpy(m.zone, over->zone, sizeof m.zone);
		m.has_zone = 1;
	}
	if (over->has_signal) {
		memcpy(m.signal, over->signal, sizeof m.signal);
		m.has_signal = 1;
	}
	if (over->has_pue) {
		m.pue = over->pue;
		m.has_pue = 1;
	}
	if (over->has_fill) {
		m.fill = over->fill;
		m.has_fill = 1;
	}
	if (over->has_default) {
		m.default_g_per_kwh = over->default_g_per_kwh;
		m.has_default = 1;
	}
	*out = m;
}

static int clear_col(sqlite3 *db, int64_t run_id, const char *sql, struct ctk_error *err)
{
	return ctk_db_exec_id(db, sql, run_id, err);
}

int ctk_settings_set_key(sqlite3 *db, int64_t run_id, const char *key, const char *value, struct ctk_error *err)
{
	struct ctk_settings s = {0};
	int rc;

	if (!strcmp(key, "zone")) {
		if (!*value) {
			if ((rc = ctk_db_exec_id(db, "UPDATE runs SET zone = NULL WHERE run_id = ?", run_id, err)))
				return rc;
			return 1;
		}
		snprintf(s.zone, sizeof s.zone, "%s", value);
		s.has_zone = 1;
	} else if (!strcmp(key, "signal")) {
		if (!*value)
			return (rc = clear_col(db, run_id, "UPDATE analysis_settings SET signal = NULL WHERE run_id = ?", err)) ? rc : 1;
		if (strcmp(value, "lifecycle") && strcmp(value, "direct") && strcmp(value, "marginal"))
			return ctk_failf(err, CTK_EINPUT, "signal '%s': not lifecycle, direct or marginal", value);
		snprintf(s.signal, sizeof s.signal, "%s", value);
		s.has_signal = 1;
	} else if (!strcmp(key, "pue")) {
		if (!*value)
			return (rc = clear_col(db, run_id, "UPDATE analysis_settings SET pue = NULL, pue_source = NULL "
					       "WHERE run_id = ?", err)) ? rc : 1;
		if (ctk_pue_parse(value, &s.pue, err))
			return ctk_failf(err, CTK_EINPUT, "pue '%s': not a PUE between 1 and 5 (or carbontracker)", value);
		if (strcmp(value, "carbontracker"))
			snprintf(s.pue.source, sizeof s.pue.source, "set with ctk config");
		s.has_pue = 1;
	} else if (!strcmp(key, "fill")) {
		if (!*value)
			return (rc = clear_col(db, run_id, "UPDATE analysis_settings SET fill = NULL WHERE run_id = ?", err)) ? rc : 1;
		if (ctk_fill_parse(value, &s.fill))
			return ctk_failf(err, CTK_EINPUT, "fill '%s': none, previous or default", value);
		s.has_fill = 1;
	} else if (!strcmp(key, "default_intensity") || !strcmp(key, "default-intensity")) {
		if (!*value)
			return (rc = clear_col(db, run_id, "UPDATE analysis_settings SET default_g_per_kwh = NULL "
					       "WHERE run_id = ?", err)) ? rc : 1;
		if (ctk_parse_double(value, &s.default_g_per_kwh) || !isfinite(s.default_g_per_kwh) ||
		    s.default_g_per_kwh < 0)
			return ctk_failf(err, CTK_EINPUT, "default_intensity '%s': not g/kWh", value);
		s.has_default = 1;
	} else {
		return 0;
	}
	return (rc = ctk_settings_put(db, run_id, &s, err)) ? rc : 1;
}

void ctk_settings_words(const struct ctk_settings *s, char *buf, size_t size)
{
	char pue[200], def[64] = "";

	if (s->has_pue)
		snprintf(pue, sizeof pue, "PUE %.3g (%s)", s->pue.value, s->pue.source);
	else
		snprintf(pue, sizeof pue, "PUE 1 (default: own hardware, no facility overhead)");
	if (s->has_default)
		snprintf(def, sizeof def, ", default intensity %.6g g/kWh", s->default_g_per_kwh);
	snprintf(buf, size, "zone %s, %s signal, %s, fill %s%s", s->has_zone ? s->zone : "not set",
		 s->has_signal ? s->signal : "the zone's average", pue, s->has_fill ? ctk_fill_name(s->fill) : "none",
		 def);
}
