/* Importer for epoch times: a CSV whose header has an `epoch` column and
 * start/end columns (`start`, `start_s`, `start_ms`, `start_us`, `start_ns`,
 * `start_time`, … and the same for end, or a `duration_s` instead of end);
 * times as Unix numbers (unit from the suffix, else by magnitude) or
 * ISO-8601. Adds epoch windows to an existing run (--run). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/import/util.h"
#include "analyze/import/importers.h"
#include "common/csvread.h"
#include "common/db.h"
#include "common/store.h"
#include "common/util.h"

struct epochs {
	sqlite3 *db;
	const char *path;
	const struct ctk_import_opts *o;
	struct ctk_import_result *res;
	int header_done, nfields;
	int c_epoch, c_start, c_end, c_dur, c_items;
	enum ctk_time_unit u_start, u_end;
	char h_epoch[64], h_start[64], h_end[64], h_dur[64], h_items[64];
	int64_t prev_end, prev_idx;
	int count;
};

static enum ctk_time_unit unit_of(const char *h)
{
	size_t n = strlen(h);
	if (n > 3 && !strcasecmp(h + n - 3, "_ms")) return CTK_TU_MS;
	if (n > 3 && !strcasecmp(h + n - 3, "_us")) return CTK_TU_US;
	if (n > 3 && !strcasecmp(h + n - 3, "_ns")) return CTK_TU_NS;
	if (n > 2 && !strcasecmp(h + n - 2, "_s")) return CTK_TU_S;
	return CTK_TU_AUTO;
}

static int parse_header(struct epochs *s, char **f, int n, struct ctk_error *err)
{
	s->c_epoch = s->c_start = s->c_end = s->c_dur = s->c_items = -1;
	for (int i = 0; i < n; i++) {
		const char *h = f[i];
		if (s->c_epoch < 0 && (!strcasecmp(h, "epoch") || !strcasecmp(h, "idx") || !strcasecmp(h, "epoch_idx")))
			s->c_epoch = i;
		else if (s->c_start < 0 && !strncasecmp(h, "start", 5))
			s->c_start = i;
		else if (s->c_end < 0 && !strncasecmp(h, "end", 3))
			s->c_end = i;
		else if (s->c_dur < 0 && !strncasecmp(h, "duration", 8))
			s->c_dur = i;
		else if (s->c_items < 0 && !strcasecmp(h, "items"))
			s->c_items = i;
	}
	if (s->c_epoch < 0 || s->c_start < 0 || (s->c_end < 0 && s->c_dur < 0))
		return ctk_failf(err, CTK_EINPUT, "'%s' line 1: header needs 'epoch', a start column and an end (or duration_s) column", s->path);
	s->nfields = n;
	snprintf(s->h_epoch, sizeof s->h_epoch, "%s", f[s->c_epoch]);
	snprintf(s->h_start, sizeof s->h_start, "%s", f[s->c_start]);
	if (s->c_end >= 0)
		snprintf(s->h_end, sizeof s->h_end, "%s", f[s->c_end]);
	if (s->c_dur >= 0) {
		snprintf(s->h_dur, sizeof s->h_dur, "%s", f[s->c_dur]);
		if (unit_of(f[s->c_dur]) == CTK_TU_AUTO)
			return ctk_failf(err, CTK_EINPUT, "'%s' line 1: field '%s': give the unit as a suffix (duration_s, duration_ms)", s->path, f[s->c_dur]);
	}
	s->u_start = unit_of(f[s->c_start]);
	s->u_end = s->c_end >= 0 ? unit_of(f[s->c_end]) : CTK_TU_AUTO;
	s->header_done = 1;
	return 0;
}

static int on_row(void *ctx, char **f, int n, int64_t line, struct ctk_error *err)
{
	struct epochs *s = ctx;
	struct ctk_window w = {.run_id = s->o->run_id, .kind = "epoch", .has_idx = 1};
	int64_t v;

	if (!s->header_done)
		return parse_header(s, f, n, err);
	if (n != s->nfields)
		return ctk_csv_width_error(s->path, line, n, s->nfields, err);
	if (ctk_parse_int64(f[s->c_epoch], &w.idx))
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': not an epoch number ('%s')",
				 s->path, (long long)line, s->h_epoch, f[s->c_epoch]);
	if (ctk_time_parse_any(f[s->c_start], s->u_start, s->o->tz, &w.start_ns, err))
		return ctk_error_prefix(err, "'%s' line %lld: field '%s': ", s->path, (long long)line, s->h_start);
	if (s->c_end >= 0) {
		if (ctk_time_parse_any(f[s->c_end], s->u_end, s->o->tz, &w.end_ns, err))
			return ctk_error_prefix(err, "'%s' line %lld: field '%s': ", s->path, (long long)line, s->h_end);
	} else {
		if (ctk_time_parse_number(f[s->c_dur], unit_of(s->h_dur), &v, err))
			return ctk_error_prefix(err, "'%s' line %lld: field '%s': ", s->path, (long long)line, s->h_dur);
		w.end_ns = w.start_ns + v;
	}
	if (s->c_items >= 0 && *f[s->c_items]) {
		if (ctk_parse_int64(f[s->c_items], &w.items) || w.items < 0)
			return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field 'items': not a count ('%s')",
					 s->path, (long long)line, f[s->c_items]);
		w.has_items = 1;
	}
	if (w.end_ns < w.start_ns)
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': epoch %lld ends before it starts",
				 s->path, (long long)line, s->c_end >= 0 ? s->h_end : s->h_dur, (long long)w.idx);
	if (s->count > 0 && w.start_ns < s->prev_end)
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': time goes backwards (epoch %lld starts before epoch %lld ends)",
				 s->path, (long long)line, s->h_start, (long long)w.idx, (long long)s->prev_idx);
	/* an epoch number seen again (training resumed from a checkpoint) is
	 * kept as a new attempt by ctk_window_insert */
	s->prev_end = w.end_ns;
	s->prev_idx = w.idx;
	s->count++;
	if (ctk_window_insert(s->db, &w, err))
		return CTK_EDB;
	s->res->windows++;
	return 0;
}

/* Existing epochs of the run: refuse, or delete them with --replace. */
static int clear_existing(struct epochs *s, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int64_t n = 0;

	if (ctk_db_prepare(s->db, "SELECT count(*) FROM windows WHERE run_id = ? AND kind = 'epoch'", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, s->o->run_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (n == 0)
		return 0;
	if (!s->o->replace)
		return ctk_failf(err, CTK_EINPUT, "run %lld already has %lld epoch(s): pass --replace to replace them",
				 (long long)s->o->run_id, (long long)n);
	if (ctk_db_prepare(s->db, "DELETE FROM windows WHERE run_id = ? AND kind = 'epoch'", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, s->o->run_id);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : ctk_db_fail(s->db, err, "delete epochs");
}

static int epochs_import(sqlite3 *db, const char *path, const struct ctk_import_opts *o,
			 struct ctk_import_result *res, struct ctk_error *err)
{
	struct epochs s = {.db = db, .path = path, .o = o, .res = res};
	int rc;

	if (!o->has_run)
		return ctk_failf(err, CTK_EUSAGE, "import epochs needs --run R (the run the epochs belong to)");
	if ((rc = clear_existing(&s, err)) || (rc = ctk_csv_read_file(path, ',', on_row, &s, err)))
		return rc;
	if (!s.header_done)
		return ctk_failf(err, CTK_EINPUT, "'%s': empty file", path);
	if (s.count == 0)
		return ctk_failf(err, CTK_EINPUT, "'%s': header only, no epochs", path);
	res->run_id = o->run_id;
	return 0;
}

static int epochs_sniff(const char *path)
{
	char line[1024];

	return ctk_imp_first_line(path, line, sizeof line) == 0 && !strncasecmp(line, "epoch,", 6) && strstr(line, "start") ? 60 : 0;
}

const struct ctk_importer ctk_importer_epochs = {
	.name = "epochs",
	.summary = "epoch,start,end CSV (Unix s/ms/us/ns or ISO-8601) added to --run R",
	.sniff = epochs_sniff,
	.import = epochs_import,
};
