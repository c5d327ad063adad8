/* `ctk runs --db DB`: one line per run of a store (id, label, source, span,
 * devices, readings, epochs, and the analysis settings stored with it:
 * common/settings.h), so users can find the run id to analyse. */
#include <getopt.h>
#include <stdio.h>

#include "analyze/commands.h"
#include "common/db.h"
#include "common/util.h"
#include "common/settings.h"
#include "common/time.h"

/* "zone DE, pue 1.2, fill none": the settings that are stored, "-" if none. */
static void settings_short(sqlite3 *db, int64_t run_id, char *buf, size_t size)
{
	struct ctk_settings s;
	struct ctk_error e = {0};

	buf[0] = '\0';
	if (ctk_settings_get(db, run_id, &s, &e))
		return;
	if (s.has_zone)
		ctk_appendf(buf, size, "zone %s", s.zone);
	if (s.has_signal)
		ctk_appendf(buf, size, "%s%s", buf[0] ? ", " : "", s.signal);
	if (s.has_pue)
		ctk_appendf(buf, size, "%spue %.3g", buf[0] ? ", " : "", s.pue.value);
	if (s.has_fill)
		ctk_appendf(buf, size, "%sfill %s", buf[0] ? ", " : "", ctk_fill_name(s.fill));
	if (s.has_default)
		ctk_appendf(buf, size, "%sdefault %.6g g/kWh", buf[0] ? ", " : "", s.default_g_per_kwh);
	if (!buf[0])
		snprintf(buf, size, "-");
}

int ctk_cmd_runs(int argc, char **argv, struct ctk_error *err)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	const char *dbpath = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hd:", longopts, NULL)) != -1) {
		if (c == 'd')
			dbpath = optarg;
		else if (c == 'h')
			return printf("usage: ctk runs --db DB\n"), 0;
		else
			return ctk_failf(err, CTK_EUSAGE, "bad option (usage: ctk runs --db DB)");
	}
	if ((rc = ctk_db_open(dbpath, CTK_DB_READONLY, &db, err)))
		return rc;
	if ((rc = ctk_db_prepare(db,
		"SELECT r.run_id, coalesce(r.label, ''), r.source, r.started_ns, r.ended_ns, r.simulated, "
		"(SELECT count(*) FROM devices d WHERE d.run_id = r.run_id), "
		"(SELECT coalesce(sum(n), 0) FROM sample_chunks s JOIN devices d USING (device_id) WHERE d.run_id = r.run_id), "
		"(SELECT count(*) FROM windows w WHERE w.run_id = r.run_id AND w.kind = 'epoch') "
		"FROM runs r ORDER BY r.run_id", &st, err)))
		goto out;
	printf("%-6s %-32s %-22s %-24s %10s %7s %10s %6s  %s\n", "run", "label", "source", "started (UTC)",
	       "duration_s", "devices", "readings", "epochs", "settings");
	while (sqlite3_step(st) == SQLITE_ROW) {
		char start[40] = "-";
		double dur = 0;
		if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
			ctk_time_format(sqlite3_column_int64(st, 3), start, sizeof start);
			dur = (double)(sqlite3_column_int64(st, 4) - sqlite3_column_int64(st, 3)) / 1e9;
		}
		char set[256];
		settings_short(db, sqlite3_column_int64(st, 0), set, sizeof set);
		printf("%-6lld %-32.32s %-22.22s %-24s %10.3f %7d %10lld %6d  %s%s\n",
		       (long long)sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
		       (const char *)sqlite3_column_text(st, 2), start, dur, sqlite3_column_int(st, 6),
		       (long long)sqlite3_column_int64(st, 7), sqlite3_column_int(st, 8), set,
		       sqlite3_column_int(st, 5) ? "  [simulated]" : "");
	}
out:
	sqlite3_finalize(st);
	ctk_db_close(db);
	return rc;
}
