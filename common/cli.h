/* Command-line plumbing shared by the front-ends (ctk, ctk-collect,
 * ctk-analyze, ctk-report): the check of stdout on the way out, so a failed
 * write (a full disk, /dev/full, a closed pipe) is an error and not a
 * silent exit 0. Library code: returns a code and fills err, never prints. */
#ifndef CTK_CLI_H
#define CTK_CLI_H

#include "common/err.h"

/* Flush stdout and check its error flag. 0 when everything written so far
 * reached the file; else CTK_EDB (exit 3) with "write error on standard
 * output: …" in err. */
int ctk_stdout_check(struct ctk_error *err);

#endif
