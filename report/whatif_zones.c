/* The report's what-if numbers (see whatif_zones.h): settings, zones and the
 * window as `ctk whatif` takes them by default, then the common engine. */
#include "report/whatif_zones.h"

#include <stdio.h>
#include <string.h>

#include "common/db.h"
#include "common/settings.h"
#include "common/time.h"

#define HOUR_NS (3600 * CTK_NS_PER_S)

int ctk_report_whatif_get(sqlite3 *db, int64_t run_id, const char *only, int keep, struct ctk_report_whatif *w,
			  struct ctk_error *err)
{
	struct ctk_settings set;
	sqlite3_stmt *st = NULL;
	char zones[CTK_REPORT_WHATIF_ZONES][64];
	int n = 0, rc;

	memset(w, 0, sizeof(*w));
	if ((rc = ctk_settings_get(db, run_id, &set, err)))
		return rc;
	w->pue = set.has_pue ? set.pue.value : 1.0; /* ctk whatif's default: the stored PUE, else 1.0 */
	if (set.has_zone)
		snprintf(w->run_zone, sizeof w->run_zone, "%s", set.zone);
	if (ctk_db_prepare(db, "SELECT DISTINCT zone FROM intensity_series WHERE kind != 'yearly' AND (?1 IS NULL OR "
			   "zone = ?1) ORDER BY zone", &st, err))
		return CTK_EDB;
	ctk_bind_text_or_null(st, 1, only);
	while (sqlite3_step(st) == SQLITE_ROW && n < CTK_REPORT_WHATIF_ZONES)
		snprintf(zones[n++], sizeof zones[0], "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (!n) {
		snprintf(w->why, sizeof w->why, only ? "no stored intensity series of zone %s" :
			 "no intensity series is stored (ctk intensity import|fetch)", only ? only : "");
		return 0;
	}
	rc = ctk_whatif_profile_load(db, run_id, &w->prof, err);
	if (rc == CTK_EINPUT) {
		snprintf(w->why, sizeof w->why, "run %lld has no measured energy to shift", (long long)run_id);
		memset(err, 0, sizeof(*err));
		return 0;
	}
	if (rc)
		return rc;
	struct ctk_whatif_opts o = {.signal = set.has_signal ? set.signal : NULL, .step_ns = HOUR_NS, .keep = keep};
	for (int i = 0; i < n; i++) {
		if ((rc = ctk_whatif_zone_price(db, &o, zones[i], w->run_zone[0] ? w->run_zone : NULL, &w->prof, w->pue,
						&w->z[i], err)))
			return rc;
		w->nz++;
	}
	return 0;
}

void ctk_report_whatif_release(struct ctk_report_whatif *w)
{
	for (int i = 0; i < w->nz; i++)
		ctk_whatif_zone_release(&w->z[i]);
	ctk_profile_release(&w->prof);
	w->nz = 0;
}
