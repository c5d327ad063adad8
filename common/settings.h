/* Analysis settings that belong to a run's store: the zone (runs.zone), the
 * intensity signal, the PUE with its source, the fill policy and the default
 * intensity (table analysis_settings). `ctk analyze` stores what it is given
 * and every later analyze uses the stored values unless a flag overrides
 * them; `ctk config` shows and sets them, `ctk runs` shows them. */
#ifndef CTK_SETTINGS_H
#define CTK_SETTINGS_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/intensity.h"

/* Embodied emissions and water (common/embodied.h): overrides of the
 * bundled footprint table and the water factors, stored in
 * analysis_settings (schemas/migrate-2.sql). */
struct ctk_footprint_settings {
	double embodied_kg;           /* footprint per GPU, kg CO2e (overrides the table) */
	int has_embodied_kg;
	char embodied_source[48];     /* use the table's row of this source key */
	int has_embodied_source;
	double lifetime_years;
	int has_lifetime;
	double utilisation;           /* 0..1 */
	int has_utilisation;
	double wue_l_per_kwh;         /* on-site water per kWh of IT energy */
	int has_wue;
	double water_l_per_kwh;       /* water intensity of electricity (off-site) */
	int has_water;
};

/* Each field is set only when its has_* flag is (missing is never 0). */
struct ctk_settings {
	char zone[64];
	int has_zone;
	char signal[16];
	int has_signal;
	struct ctk_pue pue;
	int has_pue;
	enum ctk_fill fill;
	int has_fill;
	double default_g_per_kwh;
	int has_default;
	struct ctk_footprint_settings fp; /* embodied and water (issue 17), each with its has_* */
};

/* Read run_id's stored settings (fields not stored stay unset). */
int ctk_settings_get(sqlite3 *db, int64_t run_id, struct ctk_settings *s, struct ctk_error *err);

/* Store the fields of s that are set, leave the others as they are (the
 * caller's transaction). A changed zone or setting drops the run's CO2 and
 * predictions (schema triggers). */
int ctk_settings_put(sqlite3 *db, int64_t run_id, const struct ctk_settings *s, struct ctk_error *err);

/* out = base with every field that over sets replaced (flags over stored). */
void ctk_settings_merge(struct ctk_settings *out, const struct ctk_settings *base, const struct ctk_settings *over);

/* `ctk config R key=value` for the keys zone, signal, pue, fill and
 * default_intensity: 1 when key is one of them (set or, with an empty
 * value, cleared), 0 when it is not, a negative ctk_err on a bad value. */
int ctk_settings_set_key(sqlite3 *db, int64_t run_id, const char *key, const char *value, struct ctk_error *err);

/* One embodied/water setting from its `ctk config` key (embodied_kg,
 * embodied_source, lifetime, utilisation, wue, water_intensity) into f: 1
 * when key is one of them, 0 when not, CTK_EINPUT on a bad value. Used by
 * `ctk config` and by analyze's flags, so both check values alike. */
int ctk_footprint_setting_parse(const char *key, const char *value, struct ctk_footprint_settings *f,
				struct ctk_error *err);

/* Words for a report or a listing: "zone DE, lifecycle signal, PUE 1.2
 * (given with --pue), fill none" (unset fields say "default …"). */
void ctk_settings_words(const struct ctk_settings *s, char *buf, size_t size);

#endif
