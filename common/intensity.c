/* The one intensity rule: the time join E_i × CI(t_i), the value at an
 * instant, the forecast over a span, the series to draw, and PUE (see
 * intensity.h for the rules). The intensity of
 * the selected series is read in windows of about two days (all series of
 * the zone and signal at once, sorted by start), so memory stays bounded
 * whatever the run length; the best covering value at a time t and how long
 * it stays best is found by binary search plus a short backward scan bounded
 * by the longest step, and cached, so a stream of short sample intervals
 * costs O(1) each. */
#include "common/intensity.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/db.h"
#include "common/time.h"
#include "common/util.h"

#define WINDOW_NS (2 * 86400 * CTK_NS_PER_S)
#define BACK_NS (3600 * CTK_NS_PER_S)
#define J_PER_KWH 3.6e6

struct pt {
	int64_t s, e;      /* [s, e) */
	double g;          /* g/kWh */
	int est;
	int64_t sid;
};

struct ctk_join {
	sqlite3 *db;
	struct ctk_join_opts o;
	char zone[64], signal[16];
	int has_series;
	sqlite3_stmt *win, *prev;
	int64_t max_dur;
	struct pt *buf;
	size_t n, cap;
	int64_t lo, hi;
	int loaded;
	/* cache: best value (or none) over [c_lo, c_hi) */
	int64_t c_lo, c_hi;
	int c_valid, c_has;
	struct pt c_best;
	/* fill */
	struct pt *yearly;
	size_t ny;
	int64_t f_end;     /* previous-fill cache: gap ending at f_end */
	int f_valid, f_has;
	double f_g;
	int64_t f_from;    /* the value used ended here */
	int64_t f_sid, f_start;
	/* totals */
	struct ctk_join_piece tot;
	double energy_j;
	int64_t first_ns, last_ns, intervals;
	char fill_note[256];
	/* energy priced per series, for the main series */
	struct { int64_t sid; double j; } per[16];
	int nper;
	int64_t span_first, span_last;
	int has_span;
};

int ctk_pue_parse(const char *arg, struct ctk_pue *p, struct ctk_error *err)
{
	if (!strcmp(arg, "carbontracker")) {
		p->value = CTK_PUE_CARBONTRACKER;
		snprintf(p->source, sizeof p->source, "carbontracker preset 1.58 (Uptime Institute 2020 global average)");
		return 0;
	}
	/* 1 is no overhead at all; 5 is far above any reported facility (the
	 * Uptime Institute surveys report averages of 1.5–2.5) */
	if (ctk_parse_double(arg, &p->value) || !(p->value >= 1.0 && p->value <= 5.0))
		return ctk_failf(err, CTK_EUSAGE, "--pue '%s': not a PUE between 1 and 5", arg);
	snprintf(p->source, sizeof p->source, "given with --pue");
	return 0;
}

double ctk_pue_apply(double device_value, double pue)
{
	return device_value * pue;
}

static const char *const fill_names[] = {"none", "previous", "default"};

const char *ctk_fill_name(enum ctk_fill f)
{
	return (unsigned)f < 3 ? fill_names[f] : "none";
}

int ctk_fill_parse(const char *s, enum ctk_fill *f)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(s, fill_names[i])) {
			*f = (enum ctk_fill)i;
			return 0;
		}
	return -1;
}

static void count_series(struct ctk_join *j, int64_t sid, double energy_j)
{
	int i;

	for (i = 0; i < j->nper; i++)
		if (j->per[i].sid == sid)
			break;
	if (i == j->nper) {
		if (j->nper == (int)(sizeof j->per / sizeof j->per[0]))
			return; /* more than 16 series priced one run: the first 16 are counted */
		j->per[j->nper].sid = sid;
		j->per[j->nper++].j = 0;
	}
	j->per[i].j += energy_j;
}

static const char *SERIES_SQL = "SELECT series_id FROM intensity_series WHERE zone = ?1 AND signal = ?2 AND kind != 'yearly'";

static int better(const struct pt *a, const struct pt *b)
{
	if (a->est != b->est)
		return a->est < b->est;
	return a->sid > b->sid;
}

/* Signals: NULL → the zone's average one; "a,b" mixing marginal and average → error. */
static int pick_signal(struct ctk_join *j, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int has[3] = {0, 0, 0}; /* lifecycle, direct, marginal */
	static const char *names[3] = {"lifecycle", "direct", "marginal"};
	int rc;

	if (j->o.signal && strchr(j->o.signal, ',')) {
		int avg = strstr(j->o.signal, "lifecycle") || strstr(j->o.signal, "direct");
		if (avg && strstr(j->o.signal, "marginal"))
			return ctk_failf(err, CTK_EUSAGE, "signal '%s': never mix marginal and average signals in one number",
					 j->o.signal);
		return ctk_failf(err, CTK_EUSAGE, "signal '%s': one signal per number (lifecycle, direct or marginal)",
				 j->o.signal);
	}
	if (j->o.signal) {
		if (strcmp(j->o.signal, "lifecycle") && strcmp(j->o.signal, "direct") && strcmp(j->o.signal, "marginal"))
			return ctk_failf(err, CTK_EUSAGE, "signal '%s': not lifecycle, direct or marginal", j->o.signal);
		snprintf(j->signal, sizeof j->signal, "%s", j->o.signal);
	}
	if ((rc = ctk_db_prepare(j->db, "SELECT DISTINCT signal FROM intensity_series WHERE zone = ?1 AND kind != 'yearly'",
				 &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, j->zone, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		for (int i = 0; i < 3; i++)
			if (!strcmp((const char *)sqlite3_column_text(st, 0), names[i]))
				has[i] = 1;
	sqlite3_finalize(st);
	if (!j->o.signal) {
		if (has[0] || has[1])
			snprintf(j->signal, sizeof j->signal, "%s", has[0] ? "lifecycle" : "direct");
		else if (has[2])
			return ctk_failf(err, CTK_EUSAGE, "zone '%s' has only marginal series: ask for them with signal marginal",
					 j->zone);
		else
			snprintf(j->signal, sizeof j->signal, "lifecycle");
	}
	for (int i = 0; i < 3; i++)
		if (!strcmp(j->signal, names[i]))
			j->has_series = has[i];
	return 0;
}

static int load_yearly(struct ctk_join *j, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = ctk_db_prepare(j->db, "SELECT i.start_ns, i.end_ns, i.g_per_kwh, i.series_id FROM intensity i "
					"JOIN intensity_series s USING (series_id) WHERE s.zone = ?1 AND s.kind = 'yearly' "
					"ORDER BY i.start_ns, i.series_id", &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, j->zone, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct pt *np = realloc(j->yearly, (j->ny + 1) * sizeof(*np));
		if (!np) {
			sqlite3_finalize(st);
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		}
		j->yearly = np;
		np[j->ny].s = sqlite3_column_int64(st, 0);
		np[j->ny].e = sqlite3_column_int64(st, 1);
		np[j->ny].g = sqlite3_column_double(st, 2);
		np[j->ny].sid = sqlite3_column_int64(st, 3);
		np[j->ny].est = 1;
		j->ny++;
	}
	sqlite3_finalize(st);
	return 0;
}

int ctk_join_open(sqlite3 *db, const struct ctk_join_opts *o, struct ctk_join **out, struct ctk_error *err)
{
	struct ctk_join *j;
	sqlite3_stmt *st = NULL;
	char sql[512];
	int rc;

	*out = NULL;
	if (!o->zone || !*o->zone)
		return ctk_failf(err, CTK_EUSAGE, "join: no zone given");
	if (o->fill == CTK_FILL_DEFAULT && o->has_default && (!isfinite(o->default_g_per_kwh) || o->default_g_per_kwh < 0))
		return ctk_failf(err, CTK_EUSAGE, "join: default intensity %g is not a carbon intensity", o->default_g_per_kwh);
	if (!(j = calloc(1, sizeof(*j))))
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	j->db = db;
	j->o = *o;
	snprintf(j->zone, sizeof j->zone, "%s", o->zone);
	j->o.zone = j->zone;
	j->first_ns = INT64_MAX;
	j->last_ns = INT64_MIN;
	if ((rc = pick_signal(j, err)))
		goto fail;
	if (o->fill == CTK_FILL_DEFAULT && !strcmp(j->signal, "marginal")) {
		rc = ctk_failf(err, CTK_EUSAGE, "fill default: a yearly average cannot stand in for a marginal signal "
				"(never mix marginal and average signals in one number)");
		goto fail;
	}
	if (o->fill == CTK_FILL_DEFAULT && !o->has_default) {
		if ((rc = load_yearly(j, err)))
			goto fail;
		if (!j->ny) {
			rc = ctk_failf(err, CTK_EUSAGE, "fill default: no yearly value stored for zone '%s' "
					"(ctk intensity default --zone %s --store, or give a value)", j->zone, j->zone);
			goto fail;
		}
	}
	if (!j->has_series && o->fill != CTK_FILL_DEFAULT) {
		/* the fix is named: a series, or the bundled yearly value (issue 19) */
		rc = ctk_failf(err, CTK_EINPUT, "no %s intensity series for zone '%s': import or fetch one (ctk intensity "
			       "import|fetch), or use the bundled yearly value (ctk intensity default --zone %s --store "
			       "--db DB, then --fill default)", j->signal, j->zone, j->zone);
		goto fail;
	}
	/* the longest step bounds the backward scan and the window query */
	snprintf(sql, sizeof sql, "SELECT max(end_ns - start_ns), min(start_ns), max(end_ns) FROM intensity "
		 "WHERE series_id IN (%s)", SERIES_SQL);
	if ((rc = ctk_db_prepare(db, sql, &st, err)))
		goto fail;
	sqlite3_bind_text(st, 1, j->zone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, j->signal, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		j->max_dur = sqlite3_column_int64(st, 0);
		j->span_first = sqlite3_column_int64(st, 1);
		j->span_last = sqlite3_column_int64(st, 2);
		j->has_span = 1;
	}
	sqlite3_finalize(st);
	snprintf(sql, sizeof sql, "SELECT start_ns, end_ns, g_per_kwh, estimated, series_id FROM intensity "
		 "WHERE series_id IN (%s) AND start_ns >= ?3 AND start_ns < ?4 AND end_ns > ?5 "
		 "ORDER BY start_ns, series_id", SERIES_SQL);
	if ((rc = ctk_db_prepare(db, sql, &j->win, err)))
		goto fail;
	snprintf(sql, sizeof sql, "SELECT g_per_kwh, end_ns, series_id, start_ns FROM intensity WHERE series_id IN (%s) AND end_ns <= ?3 "
		 "ORDER BY end_ns DESC, estimated ASC, series_id DESC LIMIT 1", SERIES_SQL);
	if ((rc = ctk_db_prepare(db, sql, &j->prev, err)))
		goto fail;
	*out = j;
	return 0;
fail:
	ctk_join_free(j);
	return rc;
}

void ctk_join_free(struct ctk_join *j)
{
	if (!j)
		return;
	sqlite3_finalize(j->win);
	sqlite3_finalize(j->prev);
	free(j->buf);
	free(j->yearly);
	free(j);
}

/* Load the values that touch [x - BACK_NS, x + WINDOW_NS). */
static int reload(struct ctk_join *j, int64_t x, struct ctk_error *err)
{
	int rc;

	j->lo = x - BACK_NS;
	j->hi = x + WINDOW_NS;
	j->n = 0;
	j->c_valid = 0;
	sqlite3_reset(j->win);
	sqlite3_bind_text(j->win, 1, j->zone, -1, SQLITE_STATIC);
	sqlite3_bind_text(j->win, 2, j->signal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(j->win, 3, j->lo - j->max_dur);
	sqlite3_bind_int64(j->win, 4, j->hi);
	sqlite3_bind_int64(j->win, 5, j->lo);
	while ((rc = sqlite3_step(j->win)) == SQLITE_ROW) {
		if (j->n == j->cap) {
			size_t nc = j->cap ? j->cap * 2 : 1024;
			struct pt *nb = realloc(j->buf, nc * sizeof(*nb));
			if (!nb)
				return ctk_failf(err, CTK_ENOMEM, "out of memory");
			j->buf = nb;
			j->cap = nc;
		}
		struct pt *p = &j->buf[j->n++];
		p->s = sqlite3_column_int64(j->win, 0);
		p->e = sqlite3_column_int64(j->win, 1);
		p->g = sqlite3_column_double(j->win, 2);
		p->est = sqlite3_column_int(j->win, 3);
		p->sid = sqlite3_column_int64(j->win, 4);
	}
	if (rc != SQLITE_DONE)
		return ctk_db_fail(j->db, err, "reading intensity");
	j->loaded = 1;
	return 0;
}

/* The best value at x (*has = 0: none) and the time y until which that
 * answer holds (y > x). */
static int value_at(struct ctk_join *j, int64_t x, struct pt *best, int *has, int64_t *y, struct ctk_error *err)
{
	size_t a = 0, b;
	int64_t next;
	int rc, found = 0;

	if (j->c_valid && x >= j->c_lo && x < j->c_hi) {
		*best = j->c_best;
		*has = j->c_has;
		*y = j->c_hi;
		return 0;
	}
	if (!j->has_series) {
		*has = 0;
		*y = INT64_MAX;
		return 0;
	}
	if (!j->loaded || x < j->lo || x >= j->hi)
		if ((rc = reload(j, x, err)))
			return rc;
	b = j->n; /* first index with s > x */
	while (a < b) {
		size_t m = a + (b - a) / 2;
		if (j->buf[m].s <= x)
			a = m + 1;
		else
			b = m;
	}
	next = a < j->n && j->buf[a].s < j->hi ? j->buf[a].s : j->hi;
	for (size_t i = a; i-- > 0;) {
		const struct pt *p = &j->buf[i];
		if (p->s <= x - j->max_dur)
			break;
		if (p->e > x && (!found || better(p, best))) {
			*best = *p;
			found = 1;
		}
	}
	*has = found;
	*y = found && best->e < next ? best->e : next;
	j->c_valid = 1;
	j->c_lo = x;
	j->c_hi = *y;
	j->c_best = *best;
	j->c_has = found;
	return 0;
}

/* The fill value for a gap at x that ends at gap_end; *has = 0: none. */
static int fill_value(struct ctk_join *j, int64_t x, int64_t gap_end, double *g, int *has, int64_t *sid,
		      struct ctk_error *err)
{
	*has = 0;
	*sid = -1;
	if (j->o.fill == CTK_FILL_DEFAULT) {
		const struct pt *pick = NULL;
		if (j->o.has_default) {
			*g = j->o.default_g_per_kwh;
			*has = 1;
			return 0;
		}
		for (size_t i = 0; i < j->ny; i++) { /* covering (newest), else nearest in time */
			const struct pt *p = &j->yearly[i];
			if (p->s <= x && x < p->e) {
				if (!pick || !(pick->s <= x && x < pick->e) || p->sid > pick->sid)
					pick = p;
			} else if (!pick || !(pick->s <= x && x < pick->e)) {
				int64_t dp = p->s > x ? p->s - x : x - p->e;
				int64_t dq = pick ? (pick->s > x ? pick->s - x : x - pick->e) : INT64_MAX;
				if (dp < dq)
					pick = p;
			}
		}
		if (pick) {
			*g = pick->g;
			*sid = pick->sid;
			*has = 1;
		}
		return 0;
	}
	if (j->o.fill != CTK_FILL_PREVIOUS || !j->has_series)
		return 0;
	if (j->f_valid && j->f_end == gap_end && x >= j->f_from) {
		*g = j->f_g;
		*has = j->f_has;
		*sid = j->f_sid;
		return 0;
	}
	sqlite3_reset(j->prev);
	sqlite3_bind_text(j->prev, 1, j->zone, -1, SQLITE_STATIC);
	sqlite3_bind_text(j->prev, 2, j->signal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(j->prev, 3, x);
	int rc = sqlite3_step(j->prev);
	if (rc == SQLITE_ROW) {
		j->f_g = sqlite3_column_double(j->prev, 0);
		j->f_from = sqlite3_column_int64(j->prev, 1);
		j->f_sid = sqlite3_column_int64(j->prev, 2);
		j->f_start = sqlite3_column_int64(j->prev, 3);
		j->f_has = 1;
	} else if (rc == SQLITE_DONE) {
		j->f_has = 0;
		j->f_sid = -1;
		j->f_from = INT64_MIN;
	} else {
		return ctk_db_fail(j->db, err, "reading intensity");
	}
	j->f_valid = 1;
	j->f_end = gap_end;
	*g = j->f_g;
	*has = j->f_has;
	*sid = j->f_sid;
	return 0;
}

static void note_fill(struct ctk_join *j, double g)
{
	if (j->fill_note[0])
		return;
	if (j->o.fill == CTK_FILL_PREVIOUS)
		snprintf(j->fill_note, sizeof j->fill_note, "gaps filled with the previous stored value (first: %.6g g/kWh)", g);
	else if (j->o.has_default)
		snprintf(j->fill_note, sizeof j->fill_note, "gaps filled with the given default %.6g g/kWh", g);
	else
		snprintf(j->fill_note, sizeof j->fill_note, "gaps filled with the stored yearly value for %s (first: %.6g g/kWh)",
			 j->zone, g);
}

int ctk_join_add(struct ctk_join *j, int64_t start_ns, int64_t end_ns, double energy_j,
		 struct ctk_join_piece *piece, struct ctk_error *err)
{
	struct ctk_join_piece p = {0};
	int64_t s, e, x;
	int rc;

	if (!isfinite(energy_j) || energy_j < 0)
		return ctk_failf(err, CTK_EINPUT, "join: energy %g J is not a non-negative number", energy_j);
	if (end_ns < start_ns)
		return ctk_failf(err, CTK_EINPUT, "join: interval ends before it starts");
	start_ns += j->o.shift_ns;
	end_ns += j->o.shift_ns;
	s = start_ns;
	e = end_ns;
	if (e == s)
		e = s + 1; /* an instant: the value at start */
	for (x = s; x < e;) {
		struct pt best;
		int has;
		int64_t y;
		if ((rc = value_at(j, x, &best, &has, &y, err)))
			return rc;
		int64_t until = y < e ? y : e;
		double part = energy_j * ((double)(until - x) / (double)(e - s));
		if (has) {
			p.co2_g += part / J_PER_KWH * best.g;
			p.covered_j += part;
			if (best.est)
				p.estimated_j += part;
			count_series(j, best.sid, part);
		} else {
			double g = 0;
			int fh = 0;
			int64_t fsid;
			if ((rc = fill_value(j, x, y, &g, &fh, &fsid, err)))
				return rc;
			if (fh) {
				p.co2_g += part / J_PER_KWH * g;
				p.filled_j += part;
				note_fill(j, g);
				count_series(j, fsid, part);
			} else {
				p.missing_j += part;
			}
		}
		x = until;
	}
	j->tot.co2_g += p.co2_g;
	j->tot.covered_j += p.covered_j;
	j->tot.filled_j += p.filled_j;
	j->tot.missing_j += p.missing_j;
	j->tot.estimated_j += p.estimated_j;
	j->energy_j += energy_j;
	j->intervals++;
	if (start_ns < j->first_ns)
		j->first_ns = start_ns;
	if (end_ns > j->last_ns)
		j->last_ns = end_ns;
	if (piece)
		*piece = p;
	return 0;
}

int ctk_join_finish(struct ctk_join *j, struct ctk_join_result *r, struct ctk_error *err)
{
	double integral = 0, covered_s = 0;
	int rc;

	memset(r, 0, sizeof(*r));
	r->total = j->tot;
	r->energy_j = j->energy_j;
	r->intervals = j->intervals;
	snprintf(r->signal, sizeof r->signal, "%s", j->signal);
	snprintf(r->fill_note, sizeof r->fill_note, "%s", j->fill_note);
	r->mean_g_per_kwh_energy = NAN;
	r->mean_g_per_kwh_time = NAN;
	r->main_series_id = -1;
	r->has_series_span = j->has_span;
	r->series_first_ns = j->span_first;
	r->series_last_ns = j->span_last;
	for (int i = 0, best = -1; i < j->nper; i++)
		if (j->per[i].sid >= 0 && j->per[i].j > 0 && (best < 0 || j->per[i].j > j->per[best].j)) {
			best = i;
			r->main_series_id = j->per[i].sid;
		}
	if (!j->intervals)
		return 0;
	r->first_ns = j->first_ns;
	r->last_ns = j->last_ns;
	if (j->energy_j > 0) {
		r->missing_share = j->tot.missing_j / j->energy_j;
		r->filled_share = j->tot.filled_j / j->energy_j;
		r->estimated_share = j->tot.estimated_j / j->energy_j;
	}
	if (j->tot.covered_j + j->tot.filled_j > 0)
		r->mean_g_per_kwh_energy = j->tot.co2_g / ((j->tot.covered_j + j->tot.filled_j) / J_PER_KWH);
	/* the plain time mean of the stored step function over the run span */
	for (int64_t x = j->first_ns; x < j->last_ns;) {
		struct pt best;
		int has;
		int64_t y;
		if ((rc = value_at(j, x, &best, &has, &y, err)))
			return rc;
		int64_t until = y < j->last_ns ? y : j->last_ns;
		if (has) {
			integral += best.g * (double)(until - x) / 1e9;
			covered_s += (double)(until - x) / 1e9;
		}
		x = until;
	}
	if (j->last_ns > j->first_ns)
		r->time_covered_share = covered_s / ((double)(j->last_ns - j->first_ns) / 1e9);
	if (covered_s > 0)
		r->mean_g_per_kwh_time = integral / covered_s;
	return 0;
}

int ctk_join_run(sqlite3 *db, const struct ctk_join_opts *o, ctk_join_next_fn next, void *ctx,
		 struct ctk_join_result *r, struct ctk_error *err)
{
	struct ctk_join *j = NULL;
	int64_t s, e;
	double ej;
	int rc;

	if ((rc = ctk_join_open(db, o, &j, err)))
		return rc;
	while ((rc = next(ctx, &s, &e, &ej, err)) == 1)
		if ((rc = ctk_join_add(j, s, e, ej, NULL, err)))
			break;
	if (rc == 0)
		rc = ctk_join_finish(j, r, err);
	ctk_join_free(j);
	return rc;
}

int ctk_join_forecast(struct ctk_join *j, int64_t from_ns, int64_t to_ns, double *g_per_kwh, int *has,
		      struct ctk_error *err)
{
	double integral = 0, covered = 0;
	int rc;

	*has = 0;
	if (to_ns <= from_ns)
		to_ns = from_ns + 1; /* an instant: the value at from_ns */
	for (int64_t x = from_ns; x < to_ns;) {
		struct pt best;
		int h;
		int64_t y;
		if ((rc = value_at(j, x, &best, &h, &y, err)))
			return rc;
		int64_t until = y < to_ns ? y : to_ns;
		if (h && best.est) {
			integral += best.g * (double)(until - x);
			covered += (double)(until - x);
		}
		x = until;
	}
	if (covered > 0) {
		*g_per_kwh = integral / covered;
		*has = 1;
	}
	return 0;
}

/* "2026-11-23 07:47" (UTC, minutes) */
static void fmt_minute(int64_t t_ns, char *buf, size_t size)
{
	char iso[40];
	ctk_time_format(t_ns, iso, sizeof iso);
	snprintf(buf, size, "%.10s %.5s", iso, iso + 11);
}

void ctk_join_gap_words(const struct ctk_join_result *r, const char *zone, char *buf, size_t size)
{
	char a[40], b[40], s0[40], s1[40], span[96];

	if (!r->intervals) {
		snprintf(buf, size, "no energy to price in zone %s", zone);
		return;
	}
	fmt_minute(r->first_ns, a, sizeof a);
	fmt_minute(r->last_ns, b, sizeof b);
	/* the same day: "2026-11-23 07:47–07:49" */
	snprintf(span, sizeof span, "%s–%s", a, strncmp(a, b, 10) ? b : b + 11);
	if (!r->has_series_span) {
		snprintf(buf, size, "no intensity covers %s in zone %s; the zone has no stored %s series", span, zone,
			 r->signal[0] ? r->signal : "intensity");
		return;
	}
	ctk_time_format(r->series_first_ns, s0, sizeof s0);
	ctk_time_format(r->series_last_ns - 1, s1, sizeof s1);
	if (r->first_ns >= r->series_last_ns)
		snprintf(buf, size, "no intensity covers %s in zone %s; the stored series ends %.10s", span, zone, s1);
	else if (r->last_ns <= r->series_first_ns)
		snprintf(buf, size, "no intensity covers %s in zone %s; the stored series starts %.10s", span, zone, s0);
	else
		snprintf(buf, size, "no intensity covers %s in zone %s; the stored series (%.10s to %.10s) has a gap there",
			 span, zone, s0, s1);
}

int ctk_intensity_at(sqlite3 *db, const struct ctk_join_opts *o, int64_t t_ns, struct ctk_intensity_value *v,
		     struct ctk_error *err)
{
	struct ctk_join *j = NULL;
	struct pt best;
	int has = 0, rc;
	int64_t y;

	memset(v, 0, sizeof(*v));
	v->series_id = -1;
	if ((rc = ctk_join_open(db, o, &j, err)))
		return rc;
	snprintf(v->signal, sizeof v->signal, "%s", j->signal);
	if ((rc = value_at(j, t_ns, &best, &has, &y, err)))
		goto out;
	if (has) {
		v->has = 1;
		v->g_per_kwh = best.g;
		v->estimated = best.est;
		v->series_id = best.sid;
		v->from_ns = best.s;
	} else {
		int64_t sid;
		if ((rc = fill_value(j, t_ns, y, &v->g_per_kwh, &v->has, &sid, err)))
			goto out;
		v->filled = v->has;
		v->series_id = sid;
		v->from_ns = o->fill == CTK_FILL_PREVIOUS ? j->f_start : t_ns;
	}
	if (v->series_id >= 0) {
		sqlite3_stmt *st = NULL;
		if ((rc = ctk_db_prepare(db, "SELECT source FROM intensity_series WHERE series_id = ?", &st, err)))
			goto out;
		sqlite3_bind_int64(st, 1, v->series_id);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
			snprintf(v->source, sizeof v->source, "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	} else if (v->has) {
		snprintf(v->source, sizeof v->source, "given default");
	}
out:
	ctk_join_free(j);
	return rc;
}

int ctk_intensity_series_for(sqlite3 *db, const char *zone, const char *signal, int64_t t0_ns, int64_t t1_ns,
			     int64_t *series_id, struct ctk_error *err)
{
	struct ctk_join_opts o = {.zone = zone, .signal = signal, .fill = CTK_FILL_NONE};
	struct ctk_join *j = NULL;
	struct { int64_t sid, ns; } per[16];
	int nper = 0, rc;

	*series_id = -1;
	if (!zone || !*zone)
		return 0;
	rc = ctk_join_open(db, &o, &j, err);
	if (rc == CTK_EUSAGE && !signal) { /* a zone with only a marginal series */
		o.signal = "marginal";
		rc = ctk_join_open(db, &o, &j, err);
	}
	if (rc == CTK_EINPUT || rc == CTK_EUSAGE)
		return 0; /* no series to draw: not an error for a report */
	if (rc)
		return rc;
	if (t1_ns <= t0_ns)
		t1_ns = t0_ns + 1;
	for (int64_t x = t0_ns; x < t1_ns;) {
		struct pt best;
		int has, i;
		int64_t y;
		if ((rc = value_at(j, x, &best, &has, &y, err)))
			break;
		int64_t until = y < t1_ns ? y : t1_ns;
		if (has) {
			for (i = 0; i < nper && per[i].sid != best.sid; i++)
				;
			if (i == nper && nper < 16) {
				per[nper].sid = best.sid;
				per[nper++].ns = 0;
			}
			if (i < nper)
				per[i].ns += until - x;
		}
		x = until;
	}
	for (int i = 0, b = -1; i < nper; i++)
		if (b < 0 || per[i].ns > per[b].ns) {
			b = i;
			*series_id = per[i].sid;
		}
	ctk_join_free(j);
	return rc;
}

static void series_col_text(sqlite3_stmt *st, int i, char *buf, size_t size)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	snprintf(buf, size, "%s", s ? (const char *)s : "");
}

int ctk_series_info_get(sqlite3 *db, int64_t series_id, struct ctk_series_info *si, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	memset(si, 0, sizeof(*si));
	if (ctk_db_prepare(db,
		"SELECT zone, source, signal, year, (SELECT min(start_ns) FROM intensity i WHERE i.series_id = s.series_id), "
		"(SELECT count(*) FROM intensity i WHERE i.series_id = s.series_id), "
		"(SELECT count(*) FROM intensity i WHERE i.series_id = s.series_id AND estimated), resolution_s "
		"FROM intensity_series s WHERE series_id = ?", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, series_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = ctk_failf(err, CTK_EINPUT, "intensity series %lld: not in the store", (long long)series_id);
	} else {
		series_col_text(st, 0, si->zone, sizeof si->zone);
		series_col_text(st, 1, si->source, sizeof si->source);
		series_col_text(st, 2, si->signal, sizeof si->signal);
		if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
			si->year = sqlite3_column_int(st, 3);
			si->has_year = 1;
		} else if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
			time_t t = (time_t)(sqlite3_column_int64(st, 4) / 1000000000);
			struct tm tm;
			gmtime_r(&t, &tm);
			si->year = tm.tm_year + 1900;
			si->has_year = 1;
		}
		si->nvalues = sqlite3_column_int64(st, 5);
		si->nestimated = sqlite3_column_int64(st, 6);
		si->resolution_s = sqlite3_column_double(st, 7); /* stored by the importer, else below */
	}
	sqlite3_finalize(st);
	if (rc || si->nvalues == 0 || si->resolution_s > 0)
		return rc;
	/* median length of a value */
	if (ctk_db_prepare(db, "SELECT end_ns - start_ns FROM intensity WHERE series_id = ? ORDER BY 1 LIMIT 1 OFFSET ?",
			   &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, series_id);
	sqlite3_bind_int64(st, 2, si->nvalues / 2);
	if (sqlite3_step(st) == SQLITE_ROW)
		si->resolution_s = (double)sqlite3_column_int64(st, 0) / 1e9;
	sqlite3_finalize(st);
	return 0;
}

/* ---- what-if: the rule resolved into steps, the run as a cumulative profile */

static int steps_push(struct ctk_steps *s, size_t *cap, int64_t t0, int64_t t1, double g, struct ctk_error *err)
{
	if (s->n && s->t_ns[s->n] == t0 &&
	    ((isnan(g) && isnan(s->g_per_kwh[s->n - 1])) || g == s->g_per_kwh[s->n - 1])) {
		s->t_ns[s->n] = t1; /* same value goes on: one step */
		return 0;
	}
	if (s->n + 2 > *cap) {
		size_t nc = *cap ? *cap * 2 : 1024;
		int64_t *nt = realloc(s->t_ns, nc * sizeof(*nt));
		if (!nt)
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		s->t_ns = nt;
		double *ng = realloc(s->g_per_kwh, nc * sizeof(*ng));
		if (!ng)
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		s->g_per_kwh = ng;
		*cap = nc;
	}
	s->t_ns[s->n] = t0;
	s->g_per_kwh[s->n] = g;
	s->t_ns[++s->n] = t1;
	return 0;
}

int ctk_steps_load(sqlite3 *db, const struct ctk_join_opts *o, int64_t from_ns, int64_t to_ns, struct ctk_steps *s,
		   struct ctk_error *err)
{
	struct ctk_join_opts jo = *o;
	struct ctk_join *j = NULL;
	size_t cap = 0;
	int rc;

	memset(s, 0, sizeof(*s));
	jo.fill = CTK_FILL_NONE;
	jo.shift_ns = 0;
	if ((rc = ctk_join_open(db, &jo, &j, err)))
		return rc;
	snprintf(s->signal, sizeof s->signal, "%s", j->signal);
	s->has_span = j->has_span;
	s->series_first_ns = j->span_first;
	s->series_last_ns = j->span_last;
	if (from_ns == INT64_MIN)
		from_ns = j->has_span ? j->span_first : 0;
	if (to_ns == INT64_MAX)
		to_ns = j->has_span ? j->span_last : from_ns;
	for (int64_t x = from_ns; x < to_ns;) {
		struct pt best;
		int has;
		int64_t y;
		if ((rc = value_at(j, x, &best, &has, &y, err)))
			goto fail;
		if (y > to_ns)
			y = to_ns;
		if ((rc = steps_push(s, &cap, x, y, has ? best.g : NAN, err)))
			goto fail;
		x = y;
	}
	ctk_join_free(j);
	return 0;
fail:
	ctk_join_free(j);
	ctk_steps_release(s);
	return rc;
}

void ctk_steps_release(struct ctk_steps *s)
{
	free(s->t_ns);
	free(s->g_per_kwh);
	memset(s, 0, sizeof(*s));
}

struct ctk_profile_ev {
	int64_t t;
	double rate;       /* J/ns added (start) or removed (end) */
	double jump_j;     /* an instant's energy, spent over [t, t + 1 ns) (not a rate: no cancellation) */
};

static int ev_cmp(const void *a, const void *b)
{
	const struct ctk_profile_ev *x = a, *y = b;
	return (x->t > y->t) - (x->t < y->t);
}

int ctk_profile_add(struct ctk_profile *p, int64_t start_ns, int64_t end_ns, double energy_j, struct ctk_error *err)
{
	if (!isfinite(energy_j) || energy_j < 0 || end_ns < start_ns)
		return ctk_failf(err, CTK_EINPUT, "profile: %g J over %lld..%lld ns is not a non-negative energy over an interval",
				 energy_j, (long long)start_ns, (long long)end_ns);
	if (p->nev + 2 > p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 4096;
		struct ctk_profile_ev *ne = realloc(p->ev, nc * sizeof(*ne));
		if (!ne)
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		p->ev = ne;
		p->cap = nc;
	}
	if (end_ns == start_ns) { /* an instant: over 1 ns, as the join */
		p->ev[p->nev++] = (struct ctk_profile_ev){start_ns, 0, energy_j};
		p->ev[p->nev++] = (struct ctk_profile_ev){start_ns + 1, 0, 0};
		return 0;
	}
	double r = energy_j / (double)(end_ns - start_ns);
	if (p->nev && p->ev[p->nev - 1].t == start_ns && p->ev[p->nev - 1].jump_j == 0)
		p->ev[p->nev - 1].rate += r; /* the previous piece ends here: one event (half the memory) */
	else
		p->ev[p->nev++] = (struct ctk_profile_ev){start_ns, r, 0};
	p->ev[p->nev++] = (struct ctk_profile_ev){end_ns, -r, 0};
	return 0;
}

/* Sort the events, sweep them into (t, cum) written over the events
 * themselves (the k-th breakpoint never overtakes the i-th event), then copy
 * the breakpoints out and free the events. */
int ctk_profile_finish(struct ctk_profile *p, struct ctk_error *err)
{
	struct ctk_profile_ev *ev = p->ev;
	size_t n = p->nev, k = 0;
	double rate = 0, jump = 0;

	if (!n)
		return 0;
	qsort(ev, n, sizeof(*ev), ev_cmp);
	for (size_t i = 0; i < n;) {
		int64_t t = ev[i].t;
		double cum = k ? ev[k - 1].rate + rate * (double)(t - ev[k - 1].t) + jump : 0;
		jump = 0;
		for (; i < n && ev[i].t == t; i++) {
			rate += ev[i].rate;
			jump += ev[i].jump_j;
		}
		if (rate < 0)
			rate = 0; /* rounding of the sums, never a negative power */
		ev[k].t = t;
		ev[k++].rate = cum; /* the cumulative energy, from here on */
	}
	if (!(p->t_ns = malloc(k * sizeof(*p->t_ns))) || !(p->cum_j = malloc(k * sizeof(*p->cum_j))))
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	for (size_t i = 0; i < k; i++) {
		p->t_ns[i] = ev[i].t;
		p->cum_j[i] = ev[i].rate;
	}
	free(p->ev);
	p->ev = NULL;
	p->nev = p->cap = 0;
	p->n = k;
	p->energy_j = p->cum_j[k - 1];
	p->start_ns = p->t_ns[0];
	p->end_ns = p->t_ns[k - 1];
	return 0;
}

int ctk_profile_build(const int64_t *start_ns, const int64_t *end_ns, const double *energy_j, size_t n,
		      struct ctk_profile *p, struct ctk_error *err)
{
	int rc;

	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < n; i++)
		if ((rc = ctk_profile_add(p, start_ns[i], end_ns[i], energy_j[i], err)))
			goto fail;
	if (!(rc = ctk_profile_finish(p, err)))
		return 0;
fail:
	ctk_profile_release(p);
	return rc;
}

void ctk_profile_release(struct ctk_profile *p)
{
	free(p->t_ns);
	free(p->cum_j);
	free(p->ev);
	memset(p, 0, sizeof(*p));
}

double ctk_profile_at(const struct ctk_profile *p, int64_t t_ns)
{
	size_t a = 0, b = p->n;

	if (!p->n || t_ns <= p->start_ns)
		return 0;
	if (t_ns >= p->end_ns)
		return p->energy_j;
	while (b - a > 1) { /* t_ns[a] <= t < t_ns[b] */
		size_t m = a + (b - a) / 2;
		if (p->t_ns[m] <= t_ns)
			a = m;
		else
			b = m;
	}
	return p->cum_j[a] + (p->cum_j[b] - p->cum_j[a]) * ((double)(t_ns - p->t_ns[a]) / (double)(p->t_ns[b] - p->t_ns[a]));
}

void ctk_steps_price(const struct ctk_steps *s, const struct ctk_profile *p, int64_t shift_ns, double *co2_g,
		     double *missing_j)
{
	int64_t a = p->start_ns + shift_ns, b = p->end_ns + shift_ns;
	double co2 = 0, priced = 0;
	size_t lo = 0, hi = s->n;

	*co2_g = 0;
	*missing_j = p->energy_j;
	if (!s->n || !p->n || b <= s->t_ns[0] || a >= s->t_ns[s->n])
		return;
	while (hi - lo > 1) { /* the step holding a (or the first) */
		size_t m = lo + (hi - lo) / 2;
		if (s->t_ns[m] <= a)
			lo = m;
		else
			hi = m;
	}
	for (size_t k = lo; k < s->n && s->t_ns[k] < b; k++) {
		int64_t x = s->t_ns[k] > a ? s->t_ns[k] : a, y = s->t_ns[k + 1] < b ? s->t_ns[k + 1] : b;
		if (y <= x || isnan(s->g_per_kwh[k]))
			continue;
		double e = ctk_profile_at(p, y - shift_ns) - ctk_profile_at(p, x - shift_ns);
		co2 += e / J_PER_KWH * s->g_per_kwh[k];
		priced += e;
	}
	*co2_g = co2;
	*missing_j = p->energy_j - priced;
	if (*missing_j < 1e-9 * p->energy_j)
		*missing_j = 0; /* rounding of the differences */
}
