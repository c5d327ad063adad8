/* Helpers shared by the tracker-log importers (carbontracker, CodeCarbon,
 * Zeus, eco2AI, EIT, PowerJoular): creating the run row with the file's
 * SHA-256 and the zone assumed for its times, the default-UTC zone, and the
 * "mean power over a window" encoding (two 'imported' readings). */
#ifndef CTK_IMPORT_UTIL_H
#define CTK_IMPORT_UTIL_H

#include <sqlite3.h>
#include <stdint.h>

#include "analyze/import/importers.h"
#include "common/samples.h"

/* The zone to read zone-less times in: o->tz when given, else *utc (filled
 * as fixed UTC) after warning "'path': WHAT carry no zone; assumed UTC". */
struct ctk_tz *ctk_imp_tz(const struct ctk_import_opts *o, struct ctk_tz *utc, const char *path,
			  const char *what);

/* Insert a run for path: source 'import:<format>', source_sha256 of
 * sha_path (path when NULL), tz = name of tz (or "UTC (assumed)"). */
int ctk_imp_run(sqlite3 *db, const char *format, const char *path, const char *sha_path,
		const char *label, const struct ctk_tz *tz, int tz_assumed, const char *config_json,
		int64_t *run_id, struct ctk_error *err);

/* A window's mean power as two 'imported' readings, at start_ns and end_ns,
 * so the trapezoid over them gives exactly power × duration. */
int ctk_imp_mean_power(struct ctk_sample_writer *w, int64_t device_id, int64_t start_ns,
		       int64_t end_ns, double power_w, struct ctk_error *err);

/* Window tools (Zeus, eco2AI): the time between one window's end and the
 * next one's start was not measured. One reading without power in its
 * middle keeps the integration from spanning it, so the whole-run energy is
 * the measured sum and coverage shows the gap (--bridge-gaps: the caller
 * leaves it out). */
int ctk_imp_gap(struct ctk_sample_writer *w, int64_t device_id, int64_t end_ns, int64_t next_start_ns,
		struct ctk_error *err);

/* The largest power one device may draw: issue 14's plausibility bound,
 * 10 kW (an 8-GPU node draws about 6-10 kW in all: NVIDIA DGX H100
 * datasheet, 10.2 kW maximum for the whole system); a larger reading is a
 * broken log, not a measurement. */
#define CTK_IMP_MAX_W 10000.0

/* A power taken from a log: finite, >= 0 and at most max_w (CTK_IMP_MAX_W
 * per device); else CTK_EINPUT naming path, line and field. */
int ctk_imp_check_power(const char *path, int64_t line, const char *field, double w, double max_w,
			struct ctk_error *err);

/* Seconds (double, finite, >= 0) to nanoseconds, rounded. */
int64_t ctk_imp_s_to_ns(double s);

/* Read a whole file into a NUL-terminated buffer (caller frees). Fails on
 * NUL bytes, with a message naming the file. */
int ctk_imp_slurp(const char *path, char **buf, size_t *len, struct ctk_error *err);

/* Every tool we read ends each line (pandas, csv, print, Put_Line): a file
 * whose last byte is not '\n' was cut short. CTK_EINPUT naming its last line. */
/* The first line of path (for sniffers); -1 when it cannot be read. */
int ctk_imp_first_line(const char *path, char *buf, size_t size);

int ctk_imp_check_complete(const char *path, struct ctk_error *err);

/* A run of a growing log (CodeCarbon, eco2AI) seen in an earlier import:
 * counts of what happened, and the warning that says so. */
struct ctk_imp_earlier {
	int unchanged, grown;
};

/* old_run_id (0: none) is this run's earlier import, same = 1 when it is
 * unchanged. Returns 1 when the run is to be skipped (unchanged, no
 * --replace), 0 to import it (an earlier, grown or replaced run is deleted
 * first), or a negative code. */
int ctk_imp_earlier_run(sqlite3 *db, int64_t old_run_id, int same, int replace, struct ctk_imp_earlier *e,
			struct ctk_error *err);

/* The one warning about runs seen before (nothing when there were none). */
void ctk_imp_earlier_warn(const struct ctk_import_opts *o, const char *path, const struct ctk_imp_earlier *e);

#endif
