/* Row-by-row CSV reading on top of libcsv, shared by every CSV importer:
 * streams the file in blocks (constant memory), hands each record to a
 * callback with its physical line number for error messages, strips a UTF-8
 * BOM and the spaces after separators (nvidia-smi writes ", "). */
#ifndef CTK_CSVREAD_H
#define CTK_CSVREAD_H

#include <stdint.h>

#include "err.h"

/* Called once per non-empty record. fields[i] are NUL-terminated and valid
 * only during the call. Return 0 to go on, or a negative code (with err
 * filled) to stop reading. */
typedef int (*ctk_csv_row_fn)(void *ctx, char **fields, int nfields, int64_t line,
			      struct ctk_error *err);

/* Read path with separator delim. Errors from the callback are returned as
 * is; I/O and CSV syntax errors are CTK_EINPUT/CTK_EDB naming file and line. */
int ctk_csv_read_file(const char *path, char delim, ctk_csv_row_fn fn, void *ctx,
		      struct ctk_error *err);

/* The error for a record whose field count n differs from the header's
 * (want): names file and line and suggests a truncated row. */
int ctk_csv_width_error(const char *path, int64_t line, int n, int want, struct ctk_error *err);

/* Index of the header field equal to name (case-insensitive), or -1. */
int ctk_csv_find(char **fields, int n, const char *name);

#endif
