/* carbontracker's own figures for a run, stated beside ctk's in the
 * methods text (see reported.h): its last "Actual consumption" block (else
 * its first prediction), with the PUE it included, and, when a device is
 * flagged 'ct-v2-averaged', that carbontracker 2.x averaged those devices
 * instead of summing them, so its energy is a fraction of what ctk reports. */
#include "report/reported.h"

#include <stdio.h>
#include <string.h>

#include "common/db.h"
#include "common/util.h"
#include "report/table.h"

/* The component whose devices carbontracker averaged (config_json
 * components.<name>.values = "averaged", written by the importer): its
 * name and device count; *count 0 when none. */
static int averaged(sqlite3 *db, int64_t run_id, char *name, size_t nsize, int *count, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*count = 0;
	if (ctk_db_prepare(db, "SELECT c.key, json_extract(c.value, '$.count') FROM runs r, "
			   "json_each(r.config_json, '$.components') c WHERE r.run_id = ? AND json_valid(r.config_json) "
			   "AND json_extract(c.value, '$.values') = 'averaged' ORDER BY c.key LIMIT 1", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *k = sqlite3_column_text(st, 0);
		snprintf(name, nsize, "%s", k ? (const char *)k : "");
		*count = sqlite3_column_int(st, 1);
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : ctk_db_fail(db, err, "read averaged components");
}

int ctk_reported_words(sqlite3 *db, int64_t run_id, char *buf, size_t size, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	char kwh[32], g[32], pue[32], kind[16];
	int rc, n;

	if (size)
		buf[0] = '\0';
	/* the last actual block, else the first prediction */
	if (ctk_db_prepare(db, "SELECT what, epochs, energy_kwh, co2_g, pue FROM reported "
			   "WHERE run_id = ? AND tool = 'carbontracker' AND energy_kwh IS NOT NULL "
			   "ORDER BY what = 'actual' DESC, CASE what WHEN 'actual' THEN -reported_id ELSE reported_id END "
			   "LIMIT 1", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return rc == SQLITE_DONE ? 0 : ctk_db_fail(db, err, "read reported");
	}
	int actual = !strcmp((const char *)sqlite3_column_text(st, 0), "actual");
	ctk_format_sig(sqlite3_column_double(st, 2), 3, kwh, sizeof kwh);
	g[0] = pue[0] = '\0';
	if (sqlite3_column_type(st, 3) != SQLITE_NULL)
		ctk_format_sig(sqlite3_column_double(st, 3), 3, g, sizeof g);
	if (sqlite3_column_type(st, 4) != SQLITE_NULL)
		ctk_format_sig(sqlite3_column_double(st, 4), 3, pue, sizeof pue);
	ctk_appendf(buf, size, "carbontracker's own %s for this run, kept for comparison and not used above: %s kWh",
		    actual ? "figure" : "prediction", kwh);
	if (g[0])
		ctk_appendf(buf, size, " and %s g CO2e", g);
	if (sqlite3_column_type(st, 1) != SQLITE_NULL)
		ctk_appendf(buf, size, " for %d epoch%s", sqlite3_column_int(st, 1),
			    sqlite3_column_int(st, 1) == 1 ? "" : "s");
	if (pue[0])
		ctk_appendf(buf, size, ", including its PUE of %s", pue);
	ctk_appendf(buf, size, ".");
	sqlite3_finalize(st);
	if ((rc = averaged(db, run_id, kind, sizeof kind, &n, err)))
		return rc;
	if (n > 1)
		ctk_appendf(buf, size, " carbontracker 2.x averaged the power of the %d %s devices instead of summing "
			    "them (a known bug), so its energy is about 1/%d of what they drew; ctk's energy above is "
			    "their sum (the logged mean power x %d).", n, kind, n, n);
	return 0;
}
