/* placeholder */
#include "analyze/commands.h"
int ctk_cmd_export(int argc, char **argv, struct ctk_error *err)
{
	(void)argc; (void)argv;
	return ctk_failf(err, CTK_EUSAGE, "not yet");
}
