/* Shared report plumbing: format selection, notes about sections left out,
 * atomic output files and the basic facts of a run (see report.h). */
#include "report/report.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "common/db.h"

int ctk_report_wants(const struct ctk_report *r, const char *ext)
{
	size_t n = strlen(ext);
	for (const char *p = r->formats; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, ext, n) && (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

void ctk_report_note(struct ctk_report *r, const char *fmt, ...)
{
	va_list ap;

	if (r->nnotes == CTK_NOTES_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(r->notes[r->nnotes], sizeof r->notes[0], fmt, ap);
	va_end(ap);
	for (int i = 0; i < r->nnotes; i++)
		if (!strcmp(r->notes[i], r->notes[r->nnotes]))
			return;
	r->nnotes++;
}

int ctk_out_begin(const struct ctk_report *r, const char *name, int open_file, struct ctk_outfile *o,
		  struct ctk_error *err)
{
	int rc;

	o->f = NULL;
	if (r->old_files && (rc = ctk_manifest_check(r->out, r->old_files, name, r->force, err)))
		return rc;
	snprintf(o->path, sizeof o->path, "%s/%s", r->out, name);
	snprintf(o->tmp, sizeof o->tmp, "%s.tmp.%ld", o->path, (long)getpid());
	if (open_file && !(o->f = fopen(o->tmp, "w")))
		return ctk_failf(err, CTK_EDB, "'%s': %s", o->tmp, strerror(errno));
	return 0;
}

int ctk_out_end(const struct ctk_report *r, struct ctk_outfile *o, int rc, struct ctk_error *err)
{
	if (o->f) {
		if (ferror(o->f) && !rc)
			rc = ctk_failf(err, CTK_EDB, "'%s': write error", o->tmp);
		if (fclose(o->f) != 0 && !rc)
			rc = ctk_failf(err, CTK_EDB, "'%s': %s", o->tmp, strerror(errno));
		o->f = NULL;
	}
	if (!rc && rename(o->tmp, o->path) != 0)
		rc = ctk_failf(err, CTK_EDB, "'%s': %s", o->path, strerror(errno));
	if (rc)
		unlink(o->tmp);
	else if (r->new_files)
		rc = ctk_manifest_add(r->new_files, o->path + strlen(r->out) + 1, err);
	if (!rc && r->wrote)
		r->wrote(r->wrote_ctx, o->path);
	return rc;
}

static void col_text(sqlite3_stmt *st, int i, char *buf, size_t size)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	snprintf(buf, size, "%s", s ? (const char *)s : "");
}

int ctk_run_info_get(sqlite3 *db, int64_t run_id, struct ctk_run_info *ri, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	memset(ri, 0, sizeof(*ri));
	ri->run_id = run_id;
	if (ctk_db_prepare(db,
		"SELECT label, zone, host, source, simulated, "
		"coalesce((SELECT min(first_ns) FROM device_energy e WHERE e.run_id = r.run_id), started_ns), "
		"coalesce((SELECT max(last_ns) FROM device_energy e WHERE e.run_id = r.run_id), ended_ns), "
		"(SELECT count(*) FROM windows w WHERE w.run_id = r.run_id AND w.kind = 'epoch') "
		"FROM runs r WHERE run_id = ?", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = ctk_failf(err, CTK_EINPUT, "run %lld: not in the store", (long long)run_id);
	} else {
		col_text(st, 0, ri->label, sizeof ri->label);
		if (!ri->label[0])
			snprintf(ri->label, sizeof ri->label, "run %lld", (long long)run_id);
		col_text(st, 1, ri->zone, sizeof ri->zone);
		col_text(st, 2, ri->host, sizeof ri->host);
		col_text(st, 3, ri->source, sizeof ri->source);
		ri->simulated = sqlite3_column_int(st, 4);
		ri->has_span = sqlite3_column_type(st, 5) != SQLITE_NULL && sqlite3_column_type(st, 6) != SQLITE_NULL;
		ri->started_ns = sqlite3_column_int64(st, 5);
		ri->ended_ns = sqlite3_column_int64(st, 6);
		ri->nepochs = sqlite3_column_int(st, 7);
	}
	sqlite3_finalize(st);
	return rc;
}
