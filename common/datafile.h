/* Where the data files bundled with ctk are found (intensity-yearly.csv,
 * zone-names.csv; data/ATTRIBUTION.md): $CTK_DATA_DIR, else
 * <bindir>/../share/ctk (installed), else the repository's data/ next to the
 * build tree. One rule for every tool that reads them. */
#ifndef CTK_COMMON_DATAFILE_H
#define CTK_COMMON_DATAFILE_H

#include <stddef.h>

#include "common/err.h"

/* Path of the bundled file `name` into buf; what: its description for the
 * error ("the yearly intensity table"). CTK_EDB when it is not found. */
int ctk_data_file(const char *name, const char *what, char *buf, size_t size, struct ctk_error *err);

#endif
