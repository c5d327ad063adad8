/* Builders turn stored analysis results into tables (table.h). Each reads
 * only the store — the analysis of `ctk analyze` — and fails with a clear
 * message when a selected run has not been analysed since its data changed.
 * To add a table: write report/tables/<name>.c (<name> = its builders[] entry) with a function of type
 * ctk_table_builder_fn, declare it here and add it to builders[] in main.c
 * (optional = 1: a table with no rows is left out with a note instead of
 * written empty); report.pdf prints every table built. */
#ifndef CTK_REPORT_BUILDERS_H
#define CTK_REPORT_BUILDERS_H

#include <sqlite3.h>
#include <stdint.h>

#include "report/report.h"
#include "report/table.h"

/* r: the store, the selected runs and the report's options (--by). */
typedef int (*ctk_table_builder_fn)(const struct ctk_report *r, struct ctk_table **out, struct ctk_error *err);

struct ctk_builder {
	const char *name;     /* output file stem: DIR/<name>.<ext> */
	ctk_table_builder_fn build;
	int optional;         /* no rows: leave out, with a note */
	const char *absent;   /* the note's reason when left out */
};

int ctk_build_epochs(const struct ctk_report *r, struct ctk_table **out, struct ctk_error *err);
int ctk_build_summary(const struct ctk_report *r, struct ctk_table **out, struct ctk_error *err);

int ctk_build_predictions(const struct ctk_report *r, struct ctk_table **out, struct ctk_error *err);
int ctk_build_compare(const struct ctk_report *r, struct ctk_table **out, struct ctk_error *err);
int ctk_build_whatif(const struct ctk_report *r, struct ctk_table **out, struct ctk_error *err);

/* Fails unless every device of run_id has stored analysis results. */
int ctk_require_analysis(sqlite3 *db, int64_t run_id, struct ctk_error *err);

#endif
