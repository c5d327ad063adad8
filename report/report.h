/* What every part of a report shares: the store, the selected runs, the
 * output directory and formats, the notes about sections left out for lack
 * of data (printed on the summary page of report.pdf), and atomic output
 * files (written to a temporary name, renamed when complete). */
#ifndef CTK_REPORT_REPORT_H
#define CTK_REPORT_REPORT_H

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>

#include "common/err.h"
#include "report/manifest.h"

#define CTK_NOTES_MAX 32

struct ctk_run_facts;

struct ctk_report {
	sqlite3 *db;
	const int64_t *runs;
	int nruns;
	const char *out;       /* output directory */
	const char *formats;   /* comma-separated: pdf,png,tex,md,csv */
	const char *title;     /* report title (user text: escaped by every writer) */
	/* Called with each file's final path once it is complete (main prints
	 * "wrote …"); NULL: nothing is said. Library code never prints. */
	void (*wrote)(void *ctx, const char *path);
	void *wrote_ctx;
	int nnotes;
	char notes[CTK_NOTES_MAX][256];
	struct ctk_run_facts *facts;  /* per run, computed once (text.h: ctk_report_facts) */
	/* What an earlier report wrote into out (NULL: no check), what this one
	 * wrote (NULL: not recorded); force: replace files not in old_files. */
	const struct ctk_manifest *old_files;
	struct ctk_manifest *new_files;
	int force;
	double dpi;            /* PNG resolution (0: CTK_PNG_DPI) */
	const char *by;        /* comparison keys, comma-separated (NULL: compare.h's default) */
};

/* Is ext in r->formats? */
int ctk_report_wants(const struct ctk_report *r, const char *ext);
/* Remember why a section was left out (shown on the summary page). */
void ctk_report_note(struct ctk_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* An output file being written: f writes to tmp, renamed to path by commit. */
struct ctk_outfile {
	FILE *f;
	char path[4096], tmp[4200];
};
/* Fill path/tmp for DIR/name; open tmp for writing when open_file is set
 * (cairo surfaces write the tmp name themselves). CTK_EDB when DIR/name
 * exists and an earlier report did not write it (manifest.h), unless force. */
int ctk_out_begin(const struct ctk_report *r, const char *name, int open_file, struct ctk_outfile *o,
		  struct ctk_error *err);
/* Close (if open) and rename; on rc != 0 (or a write error) remove tmp instead. */
int ctk_out_end(const struct ctk_report *r, struct ctk_outfile *o, int rc, struct ctk_error *err);

/* Basic facts of a run used by several sections. */
struct ctk_run_info {
	int64_t run_id;
	char label[256], zone[64], host[128], source[64];
	int64_t started_ns, ended_ns;  /* span of the readings when known, else of the run */
	int has_span, simulated, nepochs;
};
int ctk_run_info_get(sqlite3 *db, int64_t run_id, struct ctk_run_info *ri, struct ctk_error *err);

#endif
