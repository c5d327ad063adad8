/* The value of a comparison key for a run: what `ctk compare --by KEY` and
 * the report's hardware comparison group runs by. One rule for both: KEY is
 * looked up in runs.config_json (set with `ctk config`); `label`, `zone` and
 * `epochs` come from runs; `gpu` falls back to the first GPU's name and
 * `gpus` to the number of GPUs. */
#ifndef CTK_COMMON_RUNKEY_H
#define CTK_COMMON_RUNKEY_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/* KEY's value for run_id as text into buf; "-" when the run has none. */
int ctk_run_key_value(sqlite3 *db, int64_t run_id, const char *key, char *buf, size_t size, struct ctk_error *err);

#endif
