/* The table of importers behind `ctk import FORMAT PATH…`.
 * To add an importer:
 *   1. write analyze/import_<format>.c defining one `const struct
 *      ctk_importer ctk_importer_<format>` (name, summary, sniff, import);
 *   2. declare it below and add it to ctk_importers[] in importers.c;
 *   3. add tests on real files from ../shared/data (tests/unit/test_import_<format>.c).
 * An importer never prints, never commits: cmd_import.c wraps the whole
 * command in one transaction, so a failure leaves the store unchanged. */
#ifndef CTK_IMPORTERS_H
#define CTK_IMPORTERS_H

#include <sqlite3.h>
#include <stdint.h>

#include "common/err.h"
#include "common/time.h"

struct ctk_import_opts {
	const char *label;     /* --label, or NULL (importer picks a default) */
	struct ctk_tz *tz;     /* --tz for zone-less times (kind NONE: UTC assumed where the format says so) */
	int64_t run_id;        /* --run, for importers that add to an existing run (epochs) */
	int has_run;
	int gpus;              /* --gpus N: devices in a file without an index column (0: infer) */
	int replace;           /* --replace: replace existing windows of the run */
	int simulated;         /* --simulated: the data came from a simulated device */
	int bridge_gaps;       /* --bridge-gaps: integrate across the time between a window tool's
				* windows (default: that time is "not measured") */
	/* prometheus: --url (fetch; else PATH is a saved response), --query,
	 * --from/--to (prom_has_range), --step (0: default), --unit */
	const char *prom_url, *prom_query, *prom_unit;
	int64_t prom_from_ns, prom_to_ns, prom_step_ns;
	int prom_has_range;
	/* warn(ctx, msg): a one-line warning for the user (printed by main) */
	void (*warn)(void *ctx, const char *msg);
	void *warn_ctx;
};

struct ctk_import_result {
	int64_t run_id;        /* last run created or touched */
	int runs, devices;
	int64_t samples, windows, reported;
};

struct ctk_importer {
	const char *name;
	const char *summary;
	/* 0..100: how sure this importer is that path is its format (for auto) */
	int (*sniff)(const char *path);
	int (*import)(sqlite3 *db, const char *path, const struct ctk_import_opts *o,
		      struct ctk_import_result *res, struct ctk_error *err);
};

extern const struct ctk_importer ctk_importer_nvsmi;
extern const struct ctk_importer ctk_importer_epochs;
extern const struct ctk_importer ctk_importer_carbontracker;
extern const struct ctk_importer ctk_importer_codecarbon;
extern const struct ctk_importer ctk_importer_zeus;
extern const struct ctk_importer ctk_importer_zeus_summary;
extern const struct ctk_importer ctk_importer_eco2ai;
extern const struct ctk_importer ctk_importer_eit;
extern const struct ctk_importer ctk_importer_powerjoular;
extern const struct ctk_importer ctk_importer_powermetrics;
extern const struct ctk_importer ctk_importer_prometheus;

/* NULL-terminated. */
extern const struct ctk_importer *const ctk_importers[];

const struct ctk_importer *ctk_importer_find(const char *name);

/* Emit a formatted warning through o->warn (if set). */
void ctk_import_warn(const struct ctk_import_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
