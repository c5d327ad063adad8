/* `ctk config --json`: the run's settings as JSON on stdout
 * (schemas/config.schema.json). Front-end code: it prints its result. */
#ifndef CTK_ANALYZE_CONFIG_JSON_H
#define CTK_ANALYZE_CONFIG_JSON_H

#include <sqlite3.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "common/err.h"
#include "common/settings.h"

/* Print run_id's label, zone, planned epochs and config_json as one JSON
 * object. 0, or CTK_EINPUT (no such run, config_json not an object),
 * CTK_EDB, CTK_ENOMEM. */
int ctk_config_show_json(sqlite3 *db, int64_t run_id, struct ctk_error *err);

/* The stored analysis settings of s as a JSON object (signal, pue,
 * pue_source, fill, default_g_per_kwh; null: not set, the built-in default
 * applies), for `config --json` and `runs --json`. NULL: out of memory. */
cJSON *ctk_settings_json(const struct ctk_settings *s);

#endif
