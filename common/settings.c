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

/* the embodied and water columns (below) */
static int fp_get(sqlite3 *db, int64_t run_id, struct ctk_footprint_settings *f, struct ctk_error *err);
static int fp_put(sqlite3 *db, int64_t run_id, const struct ctk_footprint_settings *f, struct ctk_error *err);
static void fp_merge(struct ctk_footprint_settings *m, const struct ctk_footprint_settings *over);

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
	return fp_get(db, run_id, &s->fp, err);
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
	if ((rc = fp_put(db, run_id, &s->fp, err)))
		return rc;
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
	fp_merge(&m.fp, &over->fp);
	*out = m;
}

static int clear_col(sqlite3 *db, int64_t run_id, const char *sql, struct ctk_error *err)
{
	return ctk_db_exec_id(db, sql, run_id, err);
}

/* ---- embodied and water (issue 17): own columns, own statements -------- */

static void fp_col(sqlite3_stmt *st, int i, double *v, int *has)
{
	*has = sqlite3_column_type(st, i) != SQLITE_NULL;
	*v = *has ? sqlite3_column_double(st, i) : 0;
}

static int fp_get(sqlite3 *db, int64_t run_id, struct ctk_footprint_settings *f, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;

	if (ctk_db_prepare(db, "SELECT embodied_kg, embodied_source, lifetime_years, utilisation, wue_l_per_kwh, "
			   "water_l_per_kwh FROM analysis_settings WHERE run_id = ?", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		fp_col(st, 0, &f->embodied_kg, &f->has_embodied_kg);
		col_text(st, 1, f->embodied_source, sizeof f->embodied_source, &f->has_embodied_source);
		fp_col(st, 2, &f->lifetime_years, &f->has_lifetime);
		fp_col(st, 3, &f->utilisation, &f->has_utilisation);
		fp_col(st, 4, &f->wue_l_per_kwh, &f->has_wue);
		fp_col(st, 5, &f->water_l_per_kwh, &f->has_water);
	}
	sqlite3_finalize(st);
	return 0;
}

static int fp_any(const struct ctk_footprint_settings *f)
{
	return f->has_embodied_kg || f->has_embodied_source || f->has_lifetime || f->has_utilisation || f->has_wue ||
	       f->has_water;
}

static int fp_put(sqlite3 *db, int64_t run_id, const struct ctk_footprint_settings *f, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (!fp_any(f))
		return 0;
	if (ctk_db_prepare(db,
		"INSERT INTO analysis_settings(run_id, embodied_kg, embodied_source, lifetime_years, utilisation, "
		"wue_l_per_kwh, water_l_per_kwh, updated_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
		"ON CONFLICT(run_id) DO UPDATE SET embodied_kg = coalesce(?2, embodied_kg), "
		"embodied_source = coalesce(?3, embodied_source), lifetime_years = coalesce(?4, lifetime_years), "
		"utilisation = coalesce(?5, utilisation), wue_l_per_kwh = coalesce(?6, wue_l_per_kwh), "
		"water_l_per_kwh = coalesce(?7, water_l_per_kwh), updated_ns = ?8", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	ctk_bind_double_or_null(st, 2, f->embodied_kg, f->has_embodied_kg);
	ctk_bind_text_or_null(st, 3, f->has_embodied_source ? f->embodied_source : NULL);
	ctk_bind_double_or_null(st, 4, f->lifetime_years, f->has_lifetime);
	ctk_bind_double_or_null(st, 5, f->utilisation, f->has_utilisation);
	ctk_bind_double_or_null(st, 6, f->wue_l_per_kwh, f->has_wue);
	ctk_bind_double_or_null(st, 7, f->water_l_per_kwh, f->has_water);
	sqlite3_bind_int64(st, 8, ctk_now_ns());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : ctk_db_fail(db, err, "store the embodied and water settings");
}

static void fp_merge(struct ctk_footprint_settings *m, const struct ctk_footprint_settings *over)
{
#define FP_TAKE(has, field) do { if (over->has) { m->field = over->field; m->has = 1; } } while (0)
	FP_TAKE(has_embodied_kg, embodied_kg);
	if (over->has_embodied_source) {
		memcpy(m->embodied_source, over->embodied_source, sizeof m->embodied_source);
		m->has_embodied_source = 1;
	}
	FP_TAKE(has_lifetime, lifetime_years);
	FP_TAKE(has_utilisation, utilisation);
	FP_TAKE(has_wue, wue_l_per_kwh);
	FP_TAKE(has_water, water_l_per_kwh);
#undef FP_TAKE
}

int ctk_footprint_setting_parse(const char *key, const char *value, struct ctk_footprint_settings *f,
				struct ctk_error *err)
{
	double v;
	int non_neg = !strcmp(key, "embodied_kg") || !strcmp(key, "wue") || !strcmp(key, "water_intensity");

	if (!strcmp(key, "embodied_source")) {
		if (!*value || strlen(value) >= sizeof f->embodied_source)
			return ctk_failf(err, CTK_EINPUT, "embodied_source '%s': not a source key", value);
		snprintf(f->embodied_source, sizeof f->embodied_source, "%s", value);
		f->has_embodied_source = 1;
		return 1;
	}
	if (!non_neg && strcmp(key, "lifetime") && strcmp(key, "utilisation"))
		return 0;
	if (ctk_parse_double(value, &v) || !isfinite(v) || v < 0 || (!non_neg && !(v > 0)) ||
	    (!strcmp(key, "utilisation") && v > 1) || (!strcmp(key, "lifetime") && v > 100))
		return ctk_failf(err, CTK_EINPUT, "%s '%s': not %s", key, value,
				 !strcmp(key, "embodied_kg") ? "kg CO2e (>= 0)" : !strcmp(key, "lifetime")
				 ? "a lifetime in years (0 < y <= 100)" : !strcmp(key, "utilisation")
				 ? "a share in (0, 1]" : "L/kWh (>= 0)");
	if (!strcmp(key, "embodied_kg")) {
		f->embodied_kg = v;
		f->has_embodied_kg = 1;
	} else if (!strcmp(key, "lifetime")) {
		f->lifetime_years = v;
		f->has_lifetime = 1;
	} else if (!strcmp(key, "utilisation")) {
		f->utilisation = v;
		f->has_utilisation = 1;
	} else if (!strcmp(key, "wue")) {
		f->wue_l_per_kwh = v;
		f->has_wue = 1;
	} else {
		f->water_l_per_kwh = v;
		f->has_water = 1;
	}
	return 1;
}

static const char *const FP_COLS[][2] = {
	{"embodied_kg", "embodied_kg"}, {"embodied_source", "embodied_source"}, {"lifetime", "lifetime_years"},
	{"utilisation", "utilisation"}, {"wue", "wue_l_per_kwh"}, {"water_intensity", "water_l_per_kwh"},
};

/* `ctk config R key=value` for the embodied and water keys (as ctk_settings_set_key) */
static int fp_set_key(sqlite3 *db, int64_t run_id, const char *key, const char *value, struct ctk_error *err)
{
	struct ctk_footprint_settings f = {0};
	char sql[160];
	int rc;

	for (size_t i = 0; i < sizeof FP_COLS / sizeof FP_COLS[0]; i++) {
		if (strcmp(key, FP_COLS[i][0]))
			continue;
		if (!*value) {
			snprintf(sql, sizeof sql, "UPDATE analysis_settings SET %s = NULL WHERE run_id = ?", FP_COLS[i][1]);
			return (rc = clear_col(db, run_id, sql, err)) ? rc : 1;
		}
		if ((rc = ctk_footprint_setting_parse(key, value, &f, err)) <= 0)
			return rc;
		return (rc = fp_put(db, run_id, &f, err)) ? rc : 1;
	}
	return 0;
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
		return fp_set_key(db, run_id, key, value, err);
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
