/* Typed inserts for runs, devices, windows and reported numbers (store.h).
 * Each function prepares its statement, binds NULL for unknown values and
 * reports sqlite's message with the table it was writing. Text from files is
 * bound through ctk_bind_text_clean (text.h): valid UTF-8, bounded. */
#include "store.h"

#include "db.h"
#include "text.h"
#include "time.h"

static int step_done(sqlite3 *db, sqlite3_stmt *st, const char *what, struct ctk_error *err)
{
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : ctk_db_fail(db, err, what);
}

int ctk_run_insert(sqlite3 *db, const struct ctk_run *r, int64_t *run_id, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;

	if (ctk_db_prepare(db, "INSERT INTO runs(label, host, command, started_ns, ended_ns, exit_status, "
			   "planned_epochs, zone, config_json, source, source_path, source_sha256, tz, "
			   "simulated, created_ns) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", &st, err))
		return CTK_EDB;
	ctk_bind_text_clean(st, 1, r->label, CTK_TEXT_MAX_NAME, "run label");
	ctk_bind_text_clean(st, 2, r->host, CTK_TEXT_MAX_NAME, "host");
	ctk_bind_text_clean(st, 3, r->command, CTK_TEXT_MAX_LONG, "command");
	ctk_bind_int64_or_null(st, 4, r->started_ns, r->has_started);
	ctk_bind_int64_or_null(st, 5, r->ended_ns, r->has_ended);
	ctk_bind_int64_or_null(st, 6, r->exit_status, r->has_exit_status);
	ctk_bind_int64_or_null(st, 7, r->planned_epochs, r->planned_epochs > 0);
	ctk_bind_text_clean(st, 8, r->zone, CTK_TEXT_MAX_NAME, "zone");
	ctk_bind_text_clean(st, 9, r->config_json, 0, "run config");
	ctk_bind_text_or_null(st, 10, r->source);
	ctk_bind_text_clean(st, 11, r->source_path, CTK_TEXT_MAX_LONG, "source path");
	ctk_bind_text_or_null(st, 12, r->source_sha256);
	ctk_bind_text_clean(st, 13, r->tz, CTK_TEXT_MAX_NAME, "time zone");
	sqlite3_bind_int(st, 14, r->simulated ? 1 : 0);
	sqlite3_bind_int64(st, 15, ctk_now_ns());
	if (step_done(db, st, "insert run", err))
		return CTK_EDB;
	*run_id = sqlite3_last_insert_rowid(db);
	return 0;
}

int ctk_run_set_span(sqlite3 *db, int64_t run_id, int64_t started_ns, int64_t ended_ns,
		     struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;

	if (ctk_db_prepare(db, "UPDATE runs SET started_ns = ?, ended_ns = ? WHERE run_id = ?", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, started_ns);
	sqlite3_bind_int64(st, 2, ended_ns);
	sqlite3_bind_int64(st, 3, run_id);
	return step_done(db, st, "update run", err);
}

int ctk_run_set_sha256(sqlite3 *db, int64_t run_id, const char *sha256, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;

	if (ctk_db_prepare(db, "UPDATE runs SET source_sha256 = ? WHERE run_id = ?", &st, err))
		return CTK_EDB;
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, run_id);
	return step_done(db, st, "update run", err);
}

int ctk_run_finish(sqlite3 *db, int64_t run_id, int64_t ended_ns, int exit_status,
		   int has_exit_status, const char *config_json, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;

	if (ctk_db_prepare(db, "UPDATE runs SET ended_ns = ?, exit_status = ?, "
			   "config_json = coalesce(?, config_json) WHERE run_id = ?", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, ended_ns);
	ctk_bind_int64_or_null(st, 2, exit_status, has_exit_status);
	ctk_bind_text_clean(st, 3, config_json, 0, "run config");
	sqlite3_bind_int64(st, 4, run_id);
	return step_done(db, st, "update run", err);
}

int ctk_device_insert(sqlite3 *db, const struct ctk_device *d, int64_t *device_id,
		      struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;

	if (ctk_db_prepare(db, "INSERT INTO devices(run_id, host, kind, vendor, name, uuid, bus_id, idx, "
			   "power_limit_w, flags) VALUES (?,?,?,?,?,?,?,?,?,?)", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, d->run_id);
	ctk_bind_text_clean(st, 2, d->host, CTK_TEXT_MAX_NAME, "device host");
	ctk_bind_text_or_null(st, 3, d->kind);
	ctk_bind_text_clean(st, 4, d->vendor, CTK_TEXT_MAX_NAME, "device vendor");
	ctk_bind_text_clean(st, 5, d->name, CTK_TEXT_MAX_NAME, "device name");
	ctk_bind_text_clean(st, 6, d->uuid, CTK_TEXT_MAX_NAME, "device uuid");
	ctk_bind_text_clean(st, 7, d->bus_id, CTK_TEXT_MAX_NAME, "device bus id");
	ctk_bind_int64_or_null(st, 8, d->idx, d->has_idx);
	ctk_bind_double_or_null(st, 9, d->power_limit_w, d->has_power_limit);
	ctk_bind_text_clean(st, 10, d->flags, CTK_TEXT_MAX_NAME, "device flags");
	if (step_done(db, st, "insert device", err))
		return CTK_EDB;
	*device_id = sqlite3_last_insert_rowid(db);
	return 0;
}

int ctk_window_insert_cached(sqlite3 *db, sqlite3_stmt **st, const struct ctk_window *w, struct ctk_error *err)
{
	int rc;

	/* attempt: an epoch number seen again (a resumed run) is a new attempt,
	 * never a conflict (docs/HACKING.md "Repeated epochs") */
	if (!*st && ctk_db_prepare(db, "INSERT INTO windows(run_id, kind, idx, name, start_ns, end_ns, items, attempt) "
				   "VALUES (?1,?2,?3,?4,?5,?6,?7, 1 + (SELECT count(*) FROM windows "
				   "WHERE run_id = ?1 AND kind = ?2 AND idx = ?3))", st, err))
		return CTK_EDB;
	sqlite3_bind_int64(*st, 1, w->run_id);
	ctk_bind_text_or_null(*st, 2, w->kind);
	ctk_bind_int64_or_null(*st, 3, w->idx, w->has_idx);
	ctk_bind_text_clean(*st, 4, w->name, CTK_TEXT_MAX_NAME, "window name");
	sqlite3_bind_int64(*st, 5, w->start_ns);
	sqlite3_bind_int64(*st, 6, w->end_ns);
	ctk_bind_int64_or_null(*st, 7, w->items, w->has_items);
	rc = sqlite3_step(*st);
	sqlite3_reset(*st);
	sqlite3_clear_bindings(*st);
	return rc == SQLITE_DONE ? 0 : ctk_db_fail(db, err, "insert window");
}

int ctk_window_insert(sqlite3 *db, const struct ctk_window *w, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = ctk_window_insert_cached(db, &st, w, err);

	sqlite3_finalize(st);
	return rc;
}

int ctk_reported_insert(sqlite3 *db, const struct ctk_reported *r, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;

	if (ctk_db_prepare(db, "INSERT INTO reported(run_id, tool, what, epochs, duration_s, energy_kwh, "
			   "co2_g, distance_km, pue, g_per_kwh, note) VALUES (?,?,?,?,?,?,?,?,?,?,?)", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, r->run_id);
	ctk_bind_text_or_null(st, 2, r->tool);
	ctk_bind_text_clean(st, 3, r->what, CTK_TEXT_MAX_NAME, "reported item");
	ctk_bind_int64_or_null(st, 4, r->epochs, r->has_epochs);
	ctk_bind_double_or_null(st, 5, r->duration_s, r->has_duration);
	ctk_bind_double_or_null(st, 6, r->energy_kwh, r->has_energy);
	ctk_bind_double_or_null(st, 7, r->co2_g, r->has_co2);
	ctk_bind_double_or_null(st, 8, r->distance_km, r->has_distance);
	ctk_bind_double_or_null(st, 9, r->pue, r->has_pue);
	ctk_bind_double_or_null(st, 10, r->g_per_kwh, r->has_g_per_kwh);
	ctk_bind_text_clean(st, 11, r->note, CTK_TEXT_MAX_LONG, "reported note");
	return step_done(db, st, "insert reported", err);
}
