/* The what-if numbers of a run for the report (table "whatif", charts
 * "whatif_*"): the engine of `ctk whatif` (common/whatif.h) with its
 * defaults — every zone with a stored (non-yearly) series, a start every
 * hour, the run's stored PUE and signal — so the numbers equal
 * `ctk whatif --json`'s. The report never includes analyze/. */
#ifndef CTK_REPORT_WHATIF_ZONES_H
#define CTK_REPORT_WHATIF_ZONES_H

#include <sqlite3.h>
#include <stdint.h>

#include "common/intensity.h"
#include "common/whatif.h"

#define CTK_REPORT_WHATIF_ZONES 16

struct ctk_report_whatif {
	struct ctk_profile prof;
	double pue;
	char run_zone[64];           /* "" when the run has none */
	int nz;
	struct ctk_whatif_zone z[CTK_REPORT_WHATIF_ZONES];
	char why[256];               /* nz = 0: why, in words */
};

/* Price run_id in every stored zone (only: that zone alone, NULL all), with
 * every start kept when keep is set. nz = 0 with why set is not an error. */
int ctk_report_whatif_get(sqlite3 *db, int64_t run_id, const char *only, int keep, struct ctk_report_whatif *w,
			  struct ctk_error *err);
void ctk_report_whatif_release(struct ctk_report_whatif *w);

#endif
