/* The end of every subcommand's option parsing: what is left over and the
 * store that every command needs, checked once with one wording (git's
 * style: lowercase, subject in quotes, no final period). */
#include <getopt.h>

#include "analyze/commands.h"

int ctk_cmd_args_end(int argc, char **argv, const char *db, struct ctk_error *err)
{
	if (optind < argc)
		return ctk_failf(err, CTK_EUSAGE, "unexpected argument '%s'", argv[optind]);
	if (!db)
		return ctk_failf(err, CTK_EUSAGE, "no database given (use --db FILE)");
	return 0;
}
