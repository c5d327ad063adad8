/* The intensity format table (see intensity_formats.h for how to add one),
 * sniffing, and the sink that turns a format's values into intensity_series
 * and intensity rows: it creates one series per (zone, signal) of an input,
 * closes "until the next value" steps, refuses values out of time order and
 * records each series' resolution (its most common step). */
#include "analyze/intensity/formats.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/util.h"

const struct ctk_ci_format *const ctk_ci_formats[] = {
	&ctk_ci_format_em_csv,
	&ctk_ci_format_em_old_csv,
	&ctk_ci_format_em_json,
	&ctk_ci_format_uk_json,
	&ctk_ci_format_eds_json,
	&ctk_ci_format_watttime,
	&ctk_ci_format_generic,
	NULL,
};

const struct ctk_ci_format *ctk_ci_format_find(const char *name)
{
	for (int i = 0; ctk_ci_formats[i]; i++)
		if (!strcmp(ctk_ci_formats[i]->name, name))
			return ctk_ci_formats[i];
	return NULL;
}

const struct ctk_ci_format *ctk_ci_format_sniff(const char *head, size_t n)
{
	const struct ctk_ci_format *best = NULL;
	int best_score = 0;

	for (int i = 0; ctk_ci_formats[i]; i++) {
		int s = ctk_ci_formats[i]->sniff ? ctk_ci_formats[i]->sniff(head, n) : 0;
		if (s > best_score) {
			best_score = s;
			best = ctk_ci_formats[i];
		}
	}
	return best;
}

void ctk_ci_warn(const struct ctk_ci_sink *k, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!k->o || !k->o->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	k->o->warn(k->o->warn_ctx, msg);
}

const char *ctk_ci_signal(const struct ctk_ci_sink *k, const char *def)
{
	return k->o && k->o->signal ? k->o->signal : def;
}

int ctk_ci_zone(const struct ctk_ci_sink *k, const char *file_zone, const char *where,
		const char **zone, struct ctk_error *err)
{
	const char *opt = k->o ? k->o->zone : NULL;

	if (file_zone && *file_zone) {
		if (opt && strcmp(opt, file_zone))
			return ctk_failf(err, CTK_EINPUT, "'%s' %s: zone '%s' differs from --zone '%s'",
					 k->name, where, file_zone, opt);
		*zone = file_zone;
		return 0;
	}
	if (!opt)
		return ctk_failf(err, CTK_EINPUT, "'%s': the file does not name its zone: pass --zone", k->name);
	*zone = opt;
	return 0;
}

int ctk_ci_sink_init(struct ctk_ci_sink *k, sqlite3 *db, const struct ctk_ci_opts *o,
		     const char *format, const char *name, struct ctk_error *err)
{
	memset(k, 0, sizeof(*k));
	k->db = db;
	k->o = o;
	k->format = format;
	k->name = name;
	return ctk_db_prepare(db, "INSERT INTO intensity(series_id, start_ns, end_ns, g_per_kwh, estimated) "
				  "VALUES (?1, ?2, ?3, ?4, ?5)", &k->ins, err);
}

void ctk_ci_sink_release(struct ctk_ci_sink *k)
{
	sqlite3_finalize(k->ins);
	k->ins = NULL;
}

static int new_series(struct ctk_ci_sink *k, const struct ctk_ci_key *key, struct ctk_ci_series_state **out,
		      struct ctk_error *err)
{
	struct ctk_ci_series_state *s;
	sqlite3_stmt *st = NULL;
	int rc;

	if (k->ns >= CTK_CI_MAX_SERIES)
		return ctk_failf(err, CTK_EINPUT, "'%s': more than %d zones in one input", k->name, CTK_CI_MAX_SERIES);
	if (strcmp(key->signal, "lifecycle") && strcmp(key->signal, "direct") && strcmp(key->signal, "marginal"))
		return ctk_failf(err, CTK_EUSAGE, "signal '%s': not lifecycle, direct or marginal", key->signal);
	s = &k->s[k->ns];
	memset(s, 0, sizeof(*s));
	snprintf(s->zone, sizeof s->zone, "%s", key->zone);
	snprintf(s->signal, sizeof s->signal, "%s", key->signal);
	snprintf(s->unit, sizeof s->unit, "%s", key->unit);
	snprintf(s->kind, sizeof s->kind, "%s", key->kind ? key->kind : "history");
	s->key = *key;
	s->key.zone = s->zone;
	s->key.signal = s->signal;
	s->key.unit = s->unit;
	s->key.kind = s->kind;
	if ((rc = ctk_db_prepare(k->db, "INSERT INTO intensity_series(zone, source, signal, unit, path, sha256, "
					"year, kind, created_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, s->zone, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, k->o && k->o->source ? k->o->source : k->format, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, s->signal, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, s->unit, -1, SQLITE_TRANSIENT);
	ctk_bind_text_or_null(st, 5, k->name);
	ctk_bind_text_or_null(st, 6, k->sha256[0] ? k->sha256 : NULL);
	ctk_bind_int64_or_null(st, 7, key->year, key->year != 0);
	sqlite3_bind_text(st, 8, s->kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 9, ctk_now_ns());
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = ctk_db_fail(k->db, err, "storing an intensity series");
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	s->series_id = sqlite3_last_insert_rowid(k->db);
	k->ns++;
	*out = s;
	return 0;
}

static void count_step(struct ctk_ci_series_state *s, int64_t step)
{
	for (int i = 0; i < s->nsteps; i++)
		if (s->step_ns[i] == step) {
			s->step_n[i]++;
			return;
		}
	if (s->nsteps < 8) {
		s->step_ns[s->nsteps] = step;
		s->step_n[s->nsteps++] = 1;
	}
}

static int write_value(struct ctk_ci_sink *k, struct ctk_ci_series_state *s, int64_t start, int64_t end,
		       double g, int est, const char *where, struct ctk_error *err)
{
	if (end <= start)
		return ctk_failf(err, CTK_EINPUT, "'%s' %s: value ends before it starts", k->name, where);
	if (s->points && start < s->last_end_ns) {
		char a[40], b[40];
		ctk_time_format(start, a, sizeof a);
		ctk_time_format(s->last_end_ns, b, sizeof b);
		return ctk_failf(err, CTK_EINPUT, "'%s' %s: time %s is before the end of the previous value (%s): "
				 "values must be in time order", k->name, where, a, b);
	}
	sqlite3_reset(k->ins);
	sqlite3_bind_int64(k->ins, 1, s->series_id);
	sqlite3_bind_int64(k->ins, 2, start);
	sqlite3_bind_int64(k->ins, 3, end);
	sqlite3_bind_double(k->ins, 4, g);
	sqlite3_bind_int(k->ins, 5, est ? 1 : 0);
	if (sqlite3_step(k->ins) != SQLITE_DONE)
		return ctk_db_fail(k->db, err, "storing an intensity value");
	if (!s->points)
		s->first_ns = start;
	s->last_end_ns = end;
	s->points++;
	s->estimated += est ? 1 : 0;
	count_step(s, end - start);
	return 0;
}

int ctk_ci_emit(struct ctk_ci_sink *k, const struct ctk_ci_key *key, int64_t start_ns,
		int64_t end_ns, int64_t step_hint_ns, double g_per_kwh, int estimated,
		const char *where, struct ctk_error *err)
{
	struct ctk_ci_series_state *s = NULL;
	int rc;

	if (!isfinite(g_per_kwh) || g_per_kwh < 0 || g_per_kwh > 10000)
		return ctk_failf(err, CTK_EINPUT, "'%s' %s: %g g/kWh is not a carbon intensity", k->name, where,
				 g_per_kwh);
	for (int i = 0; i < k->ns; i++)
		if (!strcmp(k->s[i].zone, key->zone) && !strcmp(k->s[i].signal, key->signal)) {
			s = &k->s[i];
			break;
		}
	if (!s && (rc = new_series(k, key, &s, err)))
		return rc;
	if (s->has_pending) {
		if (start_ns <= s->p_start) {
			char a[40];
			ctk_time_format(start_ns, a, sizeof a);
			return ctk_failf(err, CTK_EINPUT, "'%s' %s: time %s is not after the previous value's: "
					 "values must be in time order", k->name, where, a);
		}
		s->has_pending = 0;
		if ((rc = write_value(k, s, s->p_start, start_ns, s->p_value, s->p_est, s->p_where, err)))
			return rc;
	}
	if (k->skip_seen && s->points && start_ns < s->last_end_ns) {
		k->skipped++;
		return 0;
	}
	if (end_ns)
		return write_value(k, s, start_ns, end_ns, g_per_kwh, estimated, where, err);
	if (s->points && start_ns < s->last_end_ns) {
		char a[40];
		ctk_time_format(start_ns, a, sizeof a);
		return ctk_failf(err, CTK_EINPUT, "'%s' %s: time %s is before the end of the previous value: "
				 "values must be in time order", k->name, where, a);
	}
	s->has_pending = 1;
	s->p_start = start_ns;
	s->p_step_hint = step_hint_ns;
	s->p_value = g_per_kwh;
	s->p_est = estimated;
	snprintf(s->p_where, sizeof s->p_where, "%s", where);
	return 0;
}

int ctk_ci_sink_finish(struct ctk_ci_sink *k, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	for (int i = 0; i < k->ns && !rc; i++) {
		struct ctk_ci_series_state *s = &k->s[i];
		if (s->has_pending) {
			int64_t step = s->p_step_hint;
			if (!step) { /* as long as the most common step so far */
				int64_t best = 0;
				for (int j = 0; j < s->nsteps; j++)
					if (s->step_n[j] > best) {
						best = s->step_n[j];
						step = s->step_ns[j];
					}
			}
			if (!step)
				return ctk_failf(err, CTK_EINPUT, "'%s' %s: a single value without an end: its duration is unknown",
						 k->name, s->p_where);
			s->has_pending = 0;
			if ((rc = write_value(k, s, s->p_start, s->p_start + step, s->p_value, s->p_est, s->p_where, err)))
				return rc;
		}
	}
	if (k->ns == 0)
		return ctk_failf(err, CTK_EINPUT, "'%s': no intensity values", k->name);
	if ((rc = ctk_db_prepare(k->db, "UPDATE intensity_series SET resolution_s = ?1 WHERE series_id = ?2", &st, err)))
		return rc;
	for (int i = 0; i < k->ns; i++) {
		struct ctk_ci_series_state *s = &k->s[i];
		int64_t best = 0, step = 0;
		for (int j = 0; j < s->nsteps; j++)
			if (s->step_n[j] > best) {
				best = s->step_n[j];
				step = s->step_ns[j];
			}
		sqlite3_reset(st);
		ctk_bind_int64_or_null(st, 1, step / CTK_NS_PER_S, step > 0);
		sqlite3_bind_int64(st, 2, s->series_id);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = ctk_db_fail(k->db, err, "storing a series resolution");
			break;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

static int finish_import(struct ctk_ci_sink *k, int rc, int64_t *points, int *series, struct ctk_error *err)
{
	if (!rc)
		rc = ctk_ci_sink_finish(k, err);
	if (!rc) {
		int64_t p = 0;
		for (int i = 0; i < k->ns; i++)
			p += k->s[i].points;
		if (points)
			*points = p;
		if (series)
			*series = k->ns;
	}
	ctk_ci_sink_release(k);
	return rc;
}

/* Say so when the same bytes are already stored: the copy becomes a newer,
 * overlapping series (it wins where they overlap; `list` shows the overlap). */
static void warn_reimport(struct ctk_ci_sink *k)
{
	sqlite3_stmt *st = NULL;

	if (ctk_db_prepare(k->db, "SELECT min(series_id) FROM intensity_series WHERE sha256 = ?1", &st, NULL))
		return;
	sqlite3_bind_text(st, 1, k->sha256, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		ctk_ci_warn(k, "'%s': the same file is already stored (series %lld); storing it again as a newer, overlapping series",
			    k->name, (long long)sqlite3_column_int64(st, 0));
	sqlite3_finalize(st);
}

int ctk_ci_import_path(sqlite3 *db, const struct ctk_ci_format *f, const char *path,
		       const struct ctk_ci_opts *o, const struct ctk_ci_format **used,
		       int64_t *points, int *series, struct ctk_error *err)
{
	struct ctk_ci_sink k;
	char head[4096];
	size_t n = 0;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (!f) {
		FILE *fp = fopen(path, "rb");
		if (!fp)
			return ctk_failf(err, CTK_EDB, "'%s': cannot open: %s", path, strerror(errno));
		n = fread(head, 1, sizeof head - 1, fp);
		fclose(fp);
		head[n] = '\0';
		if (!(f = ctk_ci_format_sniff(head, n)))
			return ctk_failf(err, CTK_EINPUT, "'%s': intensity format not recognised (name it with --format)", path);
	}
	if (used)
		*used = f;
	if ((rc = ctk_ci_sink_init(&k, db, o, f->name, path, err))) {
		ctk_ci_sink_release(&k);
		return rc;
	}
	if ((rc = ctk_sha256_file(path, k.sha256, err)))
		return finish_import(&k, rc, NULL, NULL, err);
	warn_reimport(&k);
	if (f->import_file) {
		rc = f->import_file(&k, path, err);
	} else {
		if (!(rc = ctk_read_file(path, &buf, &len, err)))
			rc = f->parse(&k, buf, len, err);
		free(buf);
	}
	return finish_import(&k, rc, points, series, err);
}

int ctk_ci_import_buffer(sqlite3 *db, const struct ctk_ci_format *f, const char *name,
			 const char *buf, size_t len, const struct ctk_ci_opts *o,
			 int64_t *points, struct ctk_error *err)
{
	struct ctk_ci_sink k;
	uint8_t h[32];
	int rc;

	if ((rc = ctk_ci_sink_init(&k, db, o, f->name, name, err))) {
		ctk_ci_sink_release(&k);
		return rc;
	}
	ctk_sha256(buf, len, h);
	for (int i = 0; i < 32; i++)
		snprintf(k.sha256 + 2 * i, 3, "%02x", h[i]);
	rc = f->parse ? f->parse(&k, buf, len, err)
		      : ctk_failf(err, CTK_EUSAGE, "format '%s' reads files only", f->name);
	return finish_import(&k, rc, points, NULL, err);
}
