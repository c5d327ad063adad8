/* Other tools' own figures for a run, in words for the methods text: the
 * numbers a tool printed (table reported, kept as imported) are stated
 * beside ctk's, never used for them. Today: carbontracker, whose 2.x
 * multi-GPU averaging bug the sentence names when the log shows it. */
#ifndef CTK_REPORT_REPORTED_H
#define CTK_REPORT_REPORTED_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/* One or two sentences about run_id's carbontracker figures into buf
 * (empty when the run has none). Returns 0 or a negative enum ctk_err. */
int ctk_reported_words(sqlite3 *db, int64_t run_id, char *buf, size_t size, struct ctk_error *err);

#endif
