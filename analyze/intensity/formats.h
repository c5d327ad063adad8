/* The table of carbon-intensity formats behind `ctk intensity import` and
 * `ctk intensity fetch` (FORMATS.md §2), and the sink every format writes its
 * values into (intensity_sink.c: series rows, step ends, ordering checks).
 * To add a format:
 *   1. write analyze/intensity_<format>.c defining one `const struct
 *      ctk_ci_format ctk_ci_format_<format>` (name, summary, sniff, and
 *      import_file for streamed files or parse for in-memory JSON);
 *   2. declare it below and add it to ctk_ci_formats[] in intensity_formats.c;
 *   3. test it on the real files in ../shared/data (tests/e2e/intensity_*.sh).
 * A format never prints and never commits: the caller owns the transaction. */
#ifndef CTK_INTENSITY_FORMATS_H
#define CTK_INTENSITY_FORMATS_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/time.h"

#define CTK_LB_PER_MWH_TO_G_PER_KWH 0.45359237

/* Options from the command line, shared by every format. */
struct ctk_ci_opts {
	const char *zone;      /* --zone: zone for files without one (checked against files with one) */
	struct ctk_tz *tz;     /* --tz for zone-less times (NONE: UTC assumed, with a warning) */
	const char *signal;    /* --signal lifecycle|direct|marginal, NULL: the format's default */
	const char *unit;      /* --unit g/kWh|lbs/MWh for files that do not say (WattTime) */
	const char *source;    /* stored as intensity_series.source (NULL: the format's name) */
	void (*warn)(void *ctx, const char *msg);
	void *warn_ctx;
};

/* What identifies one series inside a file: a file may hold several zones
 * (Energi Data Service: DK1 and DK2). */
struct ctk_ci_key {
	const char *zone;
	const char *signal;   /* lifecycle | direct | marginal */
	const char *unit;     /* unit of the source values before conversion */
	const char *kind;     /* history | forecast | yearly */
	int year;             /* yearly: the table's year (0: none) */
};

#define CTK_CI_MAX_SERIES 16

struct ctk_ci_series_state {
	struct ctk_ci_key key;
	char zone[64], signal[16], unit[24], kind[16];
	int64_t series_id;
	int64_t points, estimated;
	int64_t first_ns, last_end_ns;
	int has_pending;       /* a value whose end is the next value's start */
	int64_t p_start, p_step_hint;
	double p_value;
	int p_est;
	char p_where[96];
	int64_t step_ns[8];    /* small histogram of step lengths → resolution */
	int64_t step_n[8];
	int nsteps;
};

/* Collects the values of one input (file or fetched response). */
struct ctk_ci_sink {
	sqlite3 *db;
	const struct ctk_ci_opts *o;
	const char *name;      /* file path or URL, for messages and intensity_series.path */
	char sha256[65];       /* of the input bytes ("" if unknown) */
	const char *format;    /* format name (intensity_series.source default) */
	sqlite3_stmt *ins;
	struct ctk_ci_series_state s[CTK_CI_MAX_SERIES];
	int ns;
	int skip_seen;         /* fetch: drop values already stored by the previous page */
	int64_t skipped;
};

/* Start collecting an input's values into db (inside the caller's transaction). */
int ctk_ci_sink_init(struct ctk_ci_sink *k, sqlite3 *db, const struct ctk_ci_opts *o,
		     const char *format, const char *name, struct ctk_error *err);

/* One value: g_per_kwh holds over [start_ns, end_ns). end_ns 0 means "until
 * the next value of this series" (the last one then lasts step_hint_ns, or
 * as long as the step before it). Values of one series must come in time
 * order. where ("line 14: field 'Time'", "$.data[3].from") names the place
 * in the input for error messages. */
int ctk_ci_emit(struct ctk_ci_sink *k, const struct ctk_ci_key *key, int64_t start_ns,
		int64_t end_ns, int64_t step_hint_ns, double g_per_kwh, int estimated,
		const char *where, struct ctk_error *err);

/* Write the pending values and each series' resolution; fails if the input
 * held no value at all. */
int ctk_ci_sink_finish(struct ctk_ci_sink *k, struct ctk_error *err);
void ctk_ci_sink_release(struct ctk_ci_sink *k);

/* Signal for a format whose default is def: the --signal option if given. */
const char *ctk_ci_signal(const struct ctk_ci_sink *k, const char *def);

/* Emit a formatted warning through the options' warn callback. */
void ctk_ci_warn(const struct ctk_ci_sink *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The zone to use: the file's own (checked against --zone) or --zone. */
int ctk_ci_zone(const struct ctk_ci_sink *k, const char *file_zone, const char *where,
		const char **zone, struct ctk_error *err);

struct ctk_ci_format {
	const char *name;
	const char *summary;
	/* 0..100: how sure this format is that the input is its own, from the
	 * first bytes (head, n) of the input; head[n] must be '\0' (sniffers
	 * use string functions: fuzz/fuzz_intensity.c found an overread
	 * when a caller passed unterminated bytes) */
	int (*sniff)(const char *head, size_t n);
	/* a streamed file (CSV); NULL for formats that parse a buffer */
	int (*import_file)(struct ctk_ci_sink *k, const char *path, struct ctk_error *err);
	/* a whole response or file in memory (JSON); NULL for streamed formats */
	int (*parse)(struct ctk_ci_sink *k, const char *buf, size_t len, struct ctk_error *err);
};

extern const struct ctk_ci_format ctk_ci_format_em_csv;
extern const struct ctk_ci_format ctk_ci_format_em_old_csv;
extern const struct ctk_ci_format ctk_ci_format_em_json;
extern const struct ctk_ci_format ctk_ci_format_uk_json;
extern const struct ctk_ci_format ctk_ci_format_eds_json;
extern const struct ctk_ci_format ctk_ci_format_watttime;
extern const struct ctk_ci_format ctk_ci_format_generic;

/* NULL-terminated. */
extern const struct ctk_ci_format *const ctk_ci_formats[];

const struct ctk_ci_format *ctk_ci_format_find(const char *name);

/* The best format for an input's first bytes, or NULL. */
const struct ctk_ci_format *ctk_ci_format_sniff(const char *head, size_t n);

/* Import one file with format f (NULL: sniff) into db. */
int ctk_ci_import_path(sqlite3 *db, const struct ctk_ci_format *f, const char *path,
		       const struct ctk_ci_opts *o, const struct ctk_ci_format **used,
		       int64_t *points, int *series, struct ctk_error *err);

/* Import an in-memory input (a fetched response) with format f; name is
 * stored as the series path (a URL without credentials). */
int ctk_ci_import_buffer(sqlite3 *db, const struct ctk_ci_format *f, const char *name,
			 const char *buf, size_t len, const struct ctk_ci_opts *o,
			 int64_t *points, struct ctk_error *err);


/* Helpers for the JSON formats (cJSON): "$.data[3].intensity.actual"-style
 * paths are built by the callers for messages. */
#endif
