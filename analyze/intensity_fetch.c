/* stub, replaced below */
#include "analyze/intensity_fetch.h"
int ctk_ci_fetch(sqlite3 *db, const struct ctk_fetch_opts *o, struct ctk_fetch_result *res,
		 struct ctk_error *err)
{
	(void)db; (void)o; (void)res;
	return ctk_failf(err, CTK_EUSAGE, "not yet");
}
