/* What `ctk merge` carries into the output store besides devices, readings
 * and windows (merge_job.c), so that merging loses no input: the numbers
 * other tools reported for a run, its sticky analysis settings, and the
 * carbon-intensity series imported into an input store; and the row copier
 * all of it (readings too) goes through. */
#ifndef CTK_ANALYZE_MERGE_CARRY_H
#define CTK_ANALYZE_MERGE_CARRY_H

#include <stdint.h>
#include <sqlite3.h>

#include "common/err.h"

/* Copy every row `sel` (?1 = key) gives from src into out through `ins`
 * (?1 = new_key, ?2… = the selected columns in order), value for value;
 * `what` names the rows in an error. */
int ctk_merge_copy_rows(sqlite3 *src, sqlite3 *out, const char *sel, const char *ins, int64_t key, int64_t new_key,
			const char *what, struct ctk_error *err);

/* Copy run src_run's `reported` rows and its analysis_settings from src into
 * out as new_run's. Settings already stored for new_run win (merge_job.c
 * carries the reference run first), so the merged run keeps one set. */
int ctk_merge_carry_run(sqlite3 *src, sqlite3 *out, int64_t src_run, int64_t new_run, struct ctk_error *err);

/* Copy src's intensity series and their values into out, each series once:
 * one with the same zone, source, signal, kind, year, file hash and values
 * already in out is not copied again. */
int ctk_merge_carry_intensity(sqlite3 *src, sqlite3 *out, struct ctk_error *err);

#endif
