/* The what-if engine (see whatif.h), moved here from analyze/cmd/whatif.c so
 * that `ctk whatif` and the report's what-if page compute the very same
 * numbers: the profile from the stored readings through the one energy
 * kernel, every start priced with ctk_steps_price (prefix sums over the
 * join's steps), quantiles of definition 7. */
#include "common/whatif.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/db.h"
#include "common/integrate.h"
#include "common/time.h"

#define HOUR_NS (3600 * CTK_NS_PER_S)

const int ctk_whatif_delays_h[CTK_WHATIF_NDELAY] = {0, 6, 24, 72};

/* Every piece of the run's energy goes straight into the cumulative profile. */
static int on_piece(void *ctx, int k, int64_t start_ns, int64_t end_ns, double energy_j, struct ctk_error *err)
{
	(void)k;
	return ctk_profile_add(ctx, start_ns, end_ns, energy_j, err);
}

/* The run's epoch windows in the order of ctk analyze (analyze/energy/
 * analysis.c): the integrator splits pieces at their edges, so the profile
 * is made of the very pieces the analysis priced. */
static int load_windows(sqlite3 *db, int64_t run_id, struct ctk_span **win, int *nwin, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int cap = 0;

	*win = NULL;
	*nwin = 0;
	if (ctk_db_prepare(db, "SELECT coalesce(idx, 0), start_ns, end_ns, attempt FROM windows WHERE run_id = ? AND "
			   "kind = 'epoch' ORDER BY start_ns, idx, attempt", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (*nwin == cap) {
			struct ctk_span *w = realloc(*win, (size_t)(cap = cap ? 2 * cap : 16) * sizeof(*w));
			if (!w) {
				sqlite3_finalize(st);
				return ctk_failf(err, CTK_ENOMEM, "out of memory");
			}
			*win = w;
		}
		(*win)[*nwin] = (struct ctk_span){.idx = sqlite3_column_int64(st, 0), .start_ns = sqlite3_column_int64(st, 1),
						  .end_ns = sqlite3_column_int64(st, 2), .attempt = sqlite3_column_int(st, 3),
						  .first = 1};
		(*nwin)++;
	}
	sqlite3_finalize(st);
	return 0;
}

int ctk_whatif_profile_load(sqlite3 *db, int64_t run_id, struct ctk_profile *p, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int64_t *ids = NULL;
	struct ctk_span *win = NULL;
	struct ctk_energy *per = NULL;
	int n = 0, cap = 0, nwin = 0, rc = 0;

	if (ctk_db_prepare(db, "SELECT device_id FROM devices WHERE run_id = ? ORDER BY kind DESC, idx, device_id", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			int64_t *q = realloc(ids, (size_t)(cap = cap ? 2 * cap : 8) * sizeof(*q));
			if (!q) {
				sqlite3_finalize(st);
				free(ids);
				return ctk_failf(err, CTK_ENOMEM, "out of memory");
			}
			ids = q;
		}
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if ((rc = load_windows(db, run_id, &win, &nwin, err))) {
		free(ids);
		free(win);
		return rc;
	}
	if (!(per = calloc((size_t)nwin + 1, sizeof(*per))))
		rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
	for (int i = 0; i < n && !rc; i++) {
		struct ctk_integrator in;
		memset(&in, 0, sizeof(in));
		memset(per, 0, ((size_t)nwin + 1) * sizeof(*per));
		ctk_integrator_hook(&in, on_piece, p, err);
		rc = ctk_integrate_device(db, ids[i], win, nwin, &in, per, err);
	}
	free(per);
	free(win);
	free(ids);
	if (!rc)
		rc = ctk_profile_finish(p, err);
	if (!rc && (!p->n || !(p->energy_j > 0)))
		rc = ctk_failf(err, CTK_EINPUT, "no measured energy (nothing to shift)");
	return rc;
}

int ctk_whatif_year_of(int64_t t_ns)
{
	time_t t = (time_t)(t_ns / CTK_NS_PER_S - (t_ns % CTK_NS_PER_S < 0));
	struct tm tm;
	gmtime_r(&t, &tm);
	return tm.tm_year + 1900;
}

int64_t ctk_whatif_same_time_in_year(int64_t t_ns, int y)
{
	int64_t s = t_ns / CTK_NS_PER_S - (t_ns % CTK_NS_PER_S < 0), sub = t_ns - s * CTK_NS_PER_S;
	time_t t = (time_t)s;
	struct tm tm;
	gmtime_r(&t, &tm);
	int64_t days = ctk_days_from_civil(y, tm.tm_mon + 1, tm.tm_mday);
	return (days * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec) * CTK_NS_PER_S + sub;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double ctk_quantile7(const double *v, int64_t n, double q)
{
	double h = (double)(n - 1) * q;
	int64_t i = (int64_t)floor(h);
	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (h - (double)i) * (v[i + 1] - v[i]);
}

/* CO2 (g, PUE applied) of the run started at start_ns; 0 when not wholly priced. */
static int price_at(const struct ctk_steps *st, const struct ctk_profile *p, int64_t start_ns, double pue, double *g)
{
	double co2, missing;
	ctk_steps_price(st, p, start_ns - p->start_ns, &co2, &missing);
	if (missing > 0)
		return 0;
	*g = ctk_pue_apply(co2, pue);
	return 1;
}

void ctk_whatif_zone_release(struct ctk_whatif_zone *z)
{
	free(z->kept_start);
	free(z->kept_g);
	z->kept_start = NULL;
	z->kept_g = NULL;
	z->nkept = 0;
}

/* the actual: the run's own zone; its own time, else the same hour of the series' year */
static void actual(const struct ctk_whatif_opts *o, const struct ctk_steps *st, const struct ctk_profile *p,
		   double pue, struct ctk_whatif_zone *z)
{
	int64_t dur = p->end_ns - p->start_ns, a = p->start_ns;

	if (a + dur > st->series_last_ns || a < st->series_first_ns) {
		int ys = ctk_whatif_year_of(st->series_first_ns);
		a = ctk_whatif_same_time_in_year(a, ys);
		size_t len = strlen(z->note);
		snprintf(z->note + len, sizeof z->note - len, "%sseries of %d, the run of %d: the actual is the same "
			 "hour of %d", len ? "; " : "", ys, ctk_whatif_year_of(p->start_ns), ys);
	}
	z->actual_start = a;
	z->has_actual = price_at(st, p, a, pue, &z->actual_g);
	for (int d = 0; d < CTK_WHATIF_NDELAY && z->has_actual; d++) {
		for (int64_t s = a; s <= a + ctk_whatif_delays_h[d] * HOUR_NS; s += o->step_ns) {
			double g;
			if (price_at(st, p, s, pue, &g) && (!z->has_within[d] || g < z->within_g[d])) {
				z->has_within[d] = 1;
				z->within_g[d] = g;
				z->within_start[d] = s;
			}
		}
	}
}

int ctk_whatif_zone_price(sqlite3 *db, const struct ctk_whatif_opts *o, const char *zone, const char *run_zone,
			  const struct ctk_profile *p, double pue, struct ctk_whatif_zone *z, struct ctk_error *err)
{
	struct ctk_join_opts jo = {.zone = zone, .signal = o->signal};
	struct ctk_steps st;
	int64_t dur = p->end_ns - p->start_ns, from, to, cap;
	double *v = NULL;
	int rc;

	memset(z, 0, sizeof(*z));
	snprintf(z->zone, sizeof z->zone, "%s", zone);
	z->min_g = z->p10_g = z->median_g = z->p90_g = z->max_g = NAN;
	rc = ctk_steps_load(db, &jo, INT64_MIN, INT64_MAX, &st, err);
	if (rc == CTK_EINPUT || (rc == CTK_EUSAGE && !jo.signal)) {
		/* a zone without a series (or only a marginal one, not asked
		 * for): not estimated, said in words */
		snprintf(z->signal, sizeof z->signal, "%s", jo.signal ? jo.signal : rc == CTK_EINPUT ? "lifecycle" : "marginal");
		if (rc == CTK_EINPUT)
			snprintf(z->note, sizeof z->note, "no stored %s series", z->signal);
		else
			snprintf(z->note, sizeof z->note, "%s", err->msg);
		memset(err, 0, sizeof(*err));
		return 0;
	}
	if (rc)
		return rc;
	snprintf(z->signal, sizeof z->signal, "%s", st.signal);
	if (!st.has_span) {
		snprintf(z->note, sizeof z->note, "no stored %s series", st.signal);
		ctk_steps_release(&st);
		return 0;
	}
	from = st.series_first_ns;
	to = st.series_last_ns - dur;
	if (o->has_window) {
		from = o->from_ns;
		to = o->to_ns;
		int ys = ctk_whatif_year_of(st.series_first_ns);
		if (ctk_whatif_year_of(from) != ys && (from >= st.series_last_ns || o->to_ns <= st.series_first_ns)) {
			snprintf(z->note, sizeof z->note, "series of %d: the same hours of %d used", ys, ys);
			from = ctk_whatif_same_time_in_year(from, ys);
			to = ctk_whatif_same_time_in_year(o->to_ns, ys);
		}
	}
	cap = to >= from ? (to - from) / o->step_ns + 1 : 0;
	if (cap > 10 * 1000 * 1000) { /* ~19 years of minutes: a window or step that is surely a typo */
		ctk_steps_release(&st);
		return ctk_failf(err, CTK_EUSAGE, "zone '%s': %lld start times; give a shorter window or a longer --step",
				 zone, (long long)cap);
	}
	if (cap > 0 && (!(v = malloc((size_t)cap * sizeof(*v))) ||
			(o->keep && (!(z->kept_g = malloc((size_t)cap * sizeof(*z->kept_g))) ||
				     !(z->kept_start = malloc((size_t)cap * sizeof(*z->kept_start))))))) {
		free(v);
		ctk_whatif_zone_release(z);
		ctk_steps_release(&st);
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	}
	for (int64_t k = 0; k < cap; k++) {
		int64_t s = from + k * o->step_ns;
		double g;
		if (!price_at(&st, p, s, pue, &g)) {
			z->not_covered++;
			continue;
		}
		if (!z->nstarts || g < z->min_g) {
			z->min_g = g;
			z->best_start = s;
		}
		if (!z->nstarts)
			z->first_start = s;
		z->last_start = s;
		if (o->keep) {
			z->kept_start[z->nkept] = s;
			z->kept_g[z->nkept++] = g;
		}
		v[z->nstarts++] = g;
	}
	if (z->nstarts) {
		qsort(v, (size_t)z->nstarts, sizeof(*v), cmp_double);
		z->p10_g = ctk_quantile7(v, z->nstarts, 0.10);
		z->median_g = ctk_quantile7(v, z->nstarts, 0.50);
		z->p90_g = ctk_quantile7(v, z->nstarts, 0.90);
		z->max_g = v[z->nstarts - 1];
	} else if (!z->note[0]) {
		snprintf(z->note, sizeof z->note, "no start in the window has the whole run covered by the series");
	}
	free(v);
	if (run_zone && !strcmp(run_zone, zone))
		actual(o, &st, p, pue, z);
	ctk_steps_release(&st);
	return 0;
}
