/* Command-line plumbing shared by the front-ends (cli.h): the stdout check
 * done by every main before it exits. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/cli.h"

int ctk_stdout_check(struct ctk_error *err)
{
	errno = 0;
	int flush_failed = fflush(stdout) != 0;
	int saved = errno;

	if (!flush_failed && !ferror(stdout))
		return 0;
	/* an error flag set by an earlier write leaves no errno behind */
	return ctk_failf(err, CTK_EDB, "write error on standard output%s%s", saved ? ": " : "",
			 saved ? strerror(saved) : "");
}
