/* `ctk merge` carries each input's reported numbers, analysis settings and
 * intensity series into the output store (see merge_carry.h), through the
 * one row copier merge_job.c also copies readings with. Rows are copied value
 * for value (sqlite3_value), never reformatted. */
#include "analyze/energy/merge_carry.h"

#include <stddef.h>

#include "common/db.h"

int ctk_merge_copy_rows(sqlite3 *src, sqlite3 *out, const char *sel, const char *ins, int64_t key, int64_t new_key,
			const char *what, struct ctk_error *err)
{
	sqlite3_stmt *rd = NULL, *wr = NULL;
	int rc, step;

	if ((rc = ctk_db_prepare(src, sel, &rd, err)) || (rc = ctk_db_prepare(out, ins, &wr, err)))
		goto out;
	sqlite3_bind_int64(rd, 1, key);
	while ((step = sqlite3_step(rd)) == SQLITE_ROW) {
		sqlite3_reset(wr);
		sqlite3_bind_int64(wr, 1, new_key);
		for (int c = 0; c < sqlite3_column_count(rd); c++)
			sqlite3_bind_value(wr, c + 2, sqlite3_column_value(rd, c));
		if (sqlite3_step(wr) != SQLITE_DONE) {
			rc = ctk_db_fail(out, err, what);
			goto out;
		}
	}
	if (step != SQLITE_DONE)
		rc = ctk_db_fail(src, err, what);
out:
	sqlite3_finalize(rd);
	sqlite3_finalize(wr);
	return rc;
}

int ctk_merge_carry_run(sqlite3 *src, sqlite3 *out, int64_t src_run, int64_t new_run, struct ctk_error *err)
{
	int rc;

	if ((rc = ctk_merge_copy_rows(src, out,
			    "SELECT tool, what, epochs, duration_s, energy_kwh, co2_g, distance_km, pue, g_per_kwh, note "
			    "FROM reported WHERE run_id = ?1 ORDER BY reported_id",
			    "INSERT INTO reported(run_id, tool, what, epochs, duration_s, energy_kwh, co2_g, distance_km, "
			    "pue, g_per_kwh, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
			    src_run, new_run, "copying reported numbers", err)))
		return rc;
	return ctk_merge_copy_rows(src, out,
			 "SELECT signal, pue, pue_source, fill, default_g_per_kwh, updated_ns FROM analysis_settings "
			 "WHERE run_id = ?1",
			 "INSERT OR IGNORE INTO analysis_settings(run_id, signal, pue, pue_source, fill, default_g_per_kwh, "
			 "updated_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			 src_run, new_run, "copying analysis settings", err);
}

/* Is src's series `id` already in out (same identity and values)? */
static int series_in_out(sqlite3 *src, sqlite3 *out, int64_t id, int *found, struct ctk_error *err)
{
	sqlite3_stmt *a = NULL, *b = NULL;
	int rc;

	*found = 0;
	if ((rc = ctk_db_prepare(src, "SELECT zone, source, signal, kind, year, sha256, count(i.start_ns), "
				 "total(i.g_per_kwh), min(i.start_ns), max(i.end_ns) FROM intensity_series s "
				 "LEFT JOIN intensity i USING (series_id) WHERE s.series_id = ?1", &a, err)) ||
	    (rc = ctk_db_prepare(out, "SELECT 1 FROM intensity_series s WHERE zone = ?1 AND source = ?2 AND signal = ?3 "
				 "AND kind = ?4 AND year IS ?5 AND sha256 IS ?6 AND (SELECT count(*) = ?7 AND "
				 "total(g_per_kwh) = ?8 AND min(start_ns) IS ?9 AND max(end_ns) IS ?10 FROM intensity i "
				 "WHERE i.series_id = s.series_id)", &b, err)))
		goto out;
	sqlite3_bind_int64(a, 1, id);
	if (sqlite3_step(a) != SQLITE_ROW) {
		rc = ctk_db_fail(src, err, "reading intensity series");
		goto out;
	}
	for (int c = 0; c < 10; c++)
		sqlite3_bind_value(b, c + 1, sqlite3_column_value(a, c));
	*found = sqlite3_step(b) == SQLITE_ROW;
out:
	sqlite3_finalize(a);
	sqlite3_finalize(b);
	return rc;
}

/* Copy src's series `id` and its values into out. */
static int copy_series(sqlite3 *src, sqlite3 *out, int64_t id, struct ctk_error *err)
{
	int rc = ctk_merge_copy_rows(src, out,
			   "SELECT zone, source, signal, unit, path, sha256, year, kind, resolution_s, created_ns "
			   "FROM intensity_series WHERE series_id = ?1",
			   "INSERT INTO intensity_series(zone, source, signal, unit, path, sha256, year, kind, "
			   "resolution_s, created_ns) VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
			   id, 0, "copying an intensity series", err);

	if (rc)
		return rc;
	return ctk_merge_copy_rows(src, out, "SELECT start_ns, end_ns, g_per_kwh, estimated FROM intensity WHERE series_id = ?1",
			 "INSERT INTO intensity(series_id, start_ns, end_ns, g_per_kwh, estimated) "
			 "VALUES (?1, ?2, ?3, ?4, ?5)",
			 id, sqlite3_last_insert_rowid(out), "copying intensity values", err);
}

int ctk_merge_carry_intensity(sqlite3 *src, sqlite3 *out, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, step, found;

	if ((rc = ctk_db_prepare(src, "SELECT series_id FROM intensity_series ORDER BY series_id", &st, err)))
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		if ((rc = series_in_out(src, out, id, &found, err)) || (!found && (rc = copy_series(src, out, id, err))))
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = ctk_db_fail(src, err, "reading intensity series");
	sqlite3_finalize(st);
	return rc;
}
