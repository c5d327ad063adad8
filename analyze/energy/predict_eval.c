/* This file contains the evaluation of predictors on stored runs (see
 * predict_eval.h): per-epoch energies and durations from the analysis, the
 * CO2 of each epoch from the run's CO2 join (analyze/energy/co2.h: the one
 * intensity rule, PUE applied once, so the measured CO2 here is the one
 * in run_co2), one ctk_predict() call per (N, predictor), and the rows
 * written back. */
#include "analyze/energy/predict_eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/util.h"
#include "common/json.h"

const char *const ctk_pred_target_names[CTK_PT_COUNT] = {"energy", "duration", "co2"};

int ctk_predict_parse_range(const char *s, int *from_n, int *to_n, struct ctk_error *err)
{
	char a[32], *sep;
	int64_t x, y;

	snprintf(a, sizeof a, "%s", s);
	sep = strstr(a, "..");
	if (!sep)
		sep = strchr(a, '-');
	if (sep) {
		*sep = '\0';
		sep += sep[1] == '.' ? 2 : 1;
		if (ctk_parse_int64(a, &x) || ctk_parse_int64(sep, &y) || x < 1 || y < x || y > 1000000)
			return ctk_failf(err, CTK_EUSAGE, "--predict-after '%s': not a range like 1..5", s);
	} else {
		if (ctk_parse_int64(a, &y) || y < 1 || y > 1000000)
			return ctk_failf(err, CTK_EUSAGE, "--predict-after '%s': not a number of epochs >= 1", s);
		x = 1;
	}
	*from_n = (int)x;
	*to_n = (int)y;
	return 0;
}

/* ---- energy outside epochs ------------------------------------------------------ */

int ctk_outside_init(struct ctk_outside_acc *a, const struct ctk_run_result *r, ctk_piece_fn next, void *next_ctx,
		     struct ctk_error *err)
{
	memset(a, 0, sizeof(*a));
	a->win = r->win;
	a->nwin = r->nwin;
	a->next = next;
	a->next_ctx = next_ctx;
	if (!(a->gap_j = calloc((size_t)r->nwin + 1, sizeof(*a->gap_j))))
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	return 0;
}

/* An outside piece (k < 0) lies between two windows (the integrator cuts
 * pieces at window edges): its gap is the number of windows that end at or
 * before its start (windows do not overlap, so their ends are sorted). */
int ctk_outside_piece(void *ctx, int k, int64_t start_ns, int64_t end_ns, double energy_j, struct ctk_error *err)
{
	struct ctk_outside_acc *a = ctx;
	if (k < 0) {
		int lo = 0, hi = a->nwin;
		while (lo < hi) {
			int mid = (lo + hi) / 2;
			if (a->win[mid].end_ns <= start_ns)
				lo = mid + 1;
			else
				hi = mid;
		}
		a->gap_j[lo] += energy_j;
	}
	return a->next ? a->next(a->next_ctx, k, start_ns, end_ns, energy_j, err) : 0;
}

void ctk_outside_release(struct ctk_outside_acc *a)
{
	free(a->gap_j);
	memset(a, 0, sizeof(*a));
}

/* ---- predictions ------------------------------------------------------------ */

static int add_row(struct ctk_run_predictions *p, int *cap, const struct ctk_pred_row *row)
{
	if (p->nrows == *cap) {
		int ncap = *cap ? *cap * 2 : 64;
		struct ctk_pred_row *r = realloc(p->rows, (size_t)ncap * sizeof(*r));
		if (!r)
			return CTK_ENOMEM;
		p->rows = r;
		*cap = ncap;
	}
	p->rows[p->nrows++] = *row;
	return 0;
}

static int add_run_row(struct ctk_run_predictions *p, int *cap, const struct ctk_run_pred_row *row)
{
	if (p->nrun == *cap) {
		int ncap = *cap ? *cap * 2 : 32;
		struct ctk_run_pred_row *r = realloc(p->run_rows, (size_t)ncap * sizeof(*r));
		if (!r)
			return CTK_ENOMEM;
		p->run_rows = r;
		*cap = ncap;
	}
	p->run_rows[p->nrun++] = *row;
	return 0;
}

/* The epochs predictions count: one per epoch number, in the order of its
 * first window; an epoch seen again (a resumed run, a checkpoint line the
 * --epoch-regex matched) has its attempts taken together (docs/HACKING.md
 * "Repeated epochs"). ix gets the index in r->win of each epoch's first
 * window; returns how many. */
static int counted_epochs(const struct ctk_run_result *r, int *ix)
{
	int n = 0;
	for (int k = 0; k < r->nwin; k++)
		if (r->win[k].first)
			ix[n++] = k;
	return n;
}

/* Energy (J), duration (s), end and completeness of epoch number idx over
 * all its attempts (first = its first window); *co2 its CO2 as the run's
 * join priced it (PUE applied), *co2_known = 0 when some of its energy has
 * no intensity value or the run is not priced. */
static void epoch_sum(const struct ctk_run_result *r, int first, const struct ctk_co2_result *c, double *e,
		      double *d, int64_t *end_ns, int *complete, double *co2, int *co2_known)
{
	*e = *d = *co2 = 0;
	*end_ns = r->win[first].end_ns;
	*complete = 1;
	*co2_known = c && c->have;
	for (int k = first; k < r->nwin; k++) {
		int all;
		if (r->win[k].idx != r->win[first].idx)
			continue;
		*e += ctk_epoch_energy_j(r, k, &all);
		*d += (double)(r->win[k].end_ns - r->win[k].start_ns) / 1e9;
		*end_ns = r->win[k].end_ns > *end_ns ? r->win[k].end_ns : *end_ns;
		*complete &= all;
		if (*co2_known && c->epoch_missing_j[k] > 0)
			*co2_known = 0;
		if (*co2_known)
			*co2 += c->epoch_g[k];
	}
}

/* Per counted epoch j: e, d, end, CO2. Returns the first epoch whose energy
 * is incomplete (a device without readings), or nw; *co2_n: epochs from the
 * first whose CO2 is known (every joule priced). */
static int complete_prefix(const struct ctk_run_result *r, const int *ix, int nw, const struct ctk_co2_result *c,
			   double *e, double *d, int64_t *end_ns, double *eco2, int *co2_n)
{
	int ok = nw;
	*co2_n = nw;
	for (int j = 0; j < nw; j++) {
		int complete, known;
		epoch_sum(r, ix[j], c, &e[j], &d[j], &end_ns[j], &complete, &eco2[j], &known);
		if (!complete && ok == nw)
			ok = j;
		if (!known && *co2_n == nw)
			*co2_n = j;
	}
	return ok;
}

/* What the whole run adds after n counted epochs ending at end_ns: the
 * energy before the first window and the gaps between the windows that
 * ended by then (every attempt: a repeated epoch's gaps count too). */
static void outside_after(const struct ctk_outside_acc *a, int64_t end_ns, struct ctk_predict_outside *o)
{
	int c = 0;
	while (c < a->nwin && a->win[c].end_ns <= end_ns)
		c++;
	o->valid = 1;
	o->before_j = a->gap_j[0];
	o->gap_j = a->gap_j + 1;
	o->ngap = c > 0 ? c - 1 : 0;
}

struct run_actual {
	double energy_j;
	int known;
};

static int predict_after(const int64_t *end_ns, struct ctk_run_predictions *out, int *cap, int *run_cap, int n,
			 const double *e, const double *d, const double *eco2, int co2_n, int complete_n,
			 struct ctk_co2_result *c, const double actual[CTK_PT_COUNT],
			 const int has_actual[CTK_PT_COUNT], double coverage, const struct ctk_outside_acc *oa,
			 const struct run_actual *ra, struct ctk_error *err)
{
	struct ctk_predict_input in = {.energy_j = e, .duration_s = d, .n = n, .planned = out->planned,
				       .coverage = coverage};
	double co2 = 0, e_obs = 0, obs_e = 0;
	int rc;

	for (int k = 0; k < n; k++)
		obs_e += e[k];
	if (oa)
		outside_after(oa, end_ns[n - 1], &in.outside);

	if (n <= co2_n) {
		/* the observed epochs' CO2 as the join priced it (PUE applied), and
		 * their effective intensity (PUE included) for the rest */
		for (int k = 0; k < n; k++) {
			co2 += eco2[k];
			e_obs += e[k];
		}
		in.ci.has_observed_co2 = 1;
		in.ci.observed_co2_g = co2;
		in.ci.has_mean = e_obs > 0;
		in.ci.mean_g_per_kwh = e_obs > 0 ? co2 / (e_obs / 3.6e6) : 0;
		in.ci.forecast = ctk_co2_forecast;
		in.ci.forecast_ctx = c;
		in.ci.now_ns = end_ns[n - 1];
	}
	for (int i = 0; ctk_predictors[i].name; i++) {
		struct ctk_prediction p;
		memset(&p, 0, sizeof p);
		if ((rc = ctk_predict(&ctk_predictors[i], &in, &p, err)))
			return rc;
		const struct ctk_estimate *est[CTK_PT_COUNT] = {&p.energy_j, &p.duration_s, &p.co2_g};
		for (int t = 0; t < CTK_PT_COUNT; t++) {
			struct ctk_pred_row row = {.after_n = n, .predictor = &ctk_predictors[i], .target = t,
						   .est = *est[t], .actual = actual[t], .has_actual = has_actual[t],
						   .used = t == CTK_PT_DURATION ? p.used_duration : p.used_energy};
			if (t == CTK_PT_ENERGY) {
				row.cal = p.energy_cal;
				row.observed = obs_e;
				row.cal_group = p.cal_group;
				row.cal_scale = p.cal_scale;
			} else if (t == CTK_PT_CO2) {
				row.cal = p.co2_cal;   /* the energy's calibrated interval, priced */
			}
			if (t != CTK_PT_DURATION && n > complete_n)
				row.est.valid = row.cal.valid = 0;   /* an observed epoch lacks a device's energy */
			if ((rc = add_row(out, cap, &row)))
				return ctk_failf(err, rc, "out of memory");
		}
		if (!oa)
			continue;
		struct ctk_run_pred_row rr = {.after_n = n, .used = p.used_energy, .predictor = &ctk_predictors[i],
					      .est = p.run_energy_j, .t = p.run_t, .observed_j = p.run_observed_j,
					      .epochs_rest_j = p.run_epochs_rest_j, .outside_rest_j = p.run_outside_rest_j,
					      .outside_known = p.run_outside_known, .actual = ra->energy_j,
					      .has_actual = ra->known, .cal_group = p.run_cal_group,
					      .cal_scale = p.run_cal_scale};
		if (n > complete_n)
			rr.est.valid = rr.t.valid = 0;
		if ((rc = add_run_row(out, run_cap, &rr)))
			return ctk_failf(err, rc, "out of memory");
	}
	return 0;
}

int ctk_predict_run(const struct ctk_run_result *r, struct ctk_co2_result *co2, const struct ctk_predict_opts *o,
		    struct ctk_run_predictions *out, struct ctk_error *err)
{
	double *e = NULL, *d = NULL, *eco2 = NULL, actual[CTK_PT_COUNT] = {0};
	int has_actual[CTK_PT_COUNT] = {0}, cap = 0, run_cap = 0, co2_n, rc = 0, nw;
	struct run_actual ra = {0};
	int *ix = NULL;
	int64_t *end_ns = NULL;

	memset(out, 0, sizeof(*out));
	out->run_id = r->run_id;
	if (r->nwin > 0 && !(ix = malloc((size_t)r->nwin * sizeof(*ix))))
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	nw = ix ? counted_epochs(r, ix) : 0;
	out->observed = nw;
	out->coverage = o->coverage > 0 ? o->coverage : CTK_PREDICT_COVERAGE;
	out->planned = o->planned > 0 ? o->planned : r->planned_epochs > nw ? r->planned_epochs : nw;
	if (o->planned > 0 && o->planned < nw) {
		free(ix);
		return ctk_failf(err, CTK_EUSAGE, "--epochs %d: run %lld already has %d epochs", o->planned,
				 (long long)r->run_id, nw);
	}
	int last = out->planned > nw ? nw : nw - 1;
	int from = o->from_n > 0 ? o->from_n : 1, to = o->to_n > 0 && o->to_n < last ? o->to_n : last;
	if (nw == 0 || from > to)
		goto out;
	if (!(e = malloc((size_t)nw * sizeof(*e))) || !(d = malloc((size_t)nw * sizeof(*d))) ||
	    !(eco2 = malloc((size_t)nw * sizeof(*eco2))) || !(end_ns = malloc((size_t)nw * sizeof(*end_ns)))) {
		rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
		goto out;
	}
	if (co2 && co2->zone[0])
		snprintf(out->zone, sizeof out->zone, "%s", co2->zone);
	int complete_n = complete_prefix(r, ix, nw, co2, e, d, end_ns, eco2, &co2_n);
	out->has_intensity = co2_n == nw;
	if (out->planned == nw) {
		for (int k = 0; k < nw; k++) {
			actual[CTK_PT_ENERGY] += e[k];
			actual[CTK_PT_DURATION] += d[k];
		}
		/* the measured CO2 of the epochs is the join's (run_co2.epochs_co2_g) */
		actual[CTK_PT_CO2] = co2_n == nw ? co2->epochs_g : 0;
		has_actual[CTK_PT_ENERGY] = complete_n == nw;
		has_actual[CTK_PT_DURATION] = 1;
		has_actual[CTK_PT_CO2] = co2_n == nw && complete_n == nw;
		/* the whole run's measured total: every device, first to last reading */
		ra.energy_j = ctk_run_energy_j(r);
		ra.known = complete_n == nw;
	}
	for (int n = from; n <= to && !rc; n++)
		rc = predict_after(end_ns, out, &cap, &run_cap, n, e, d, eco2, co2_n, complete_n, co2, actual, has_actual,
				   out->coverage, o->outside, &ra, err);
out:
	free(ix);
	free(end_ns);
	free(e);
	free(d);
	free(eco2);
	return rc;
}

void ctk_run_predictions_free(struct ctk_run_predictions *p)
{
	free(p->rows);
	free(p->run_rows);
	memset(p, 0, sizeof(*p));
}

static int rel_err(const struct ctk_pred_row *w, double *re)
{
	if (!w->est.valid || !w->has_actual || w->actual == 0)
		return 0;
	*re = (w->est.value - w->actual) / w->actual;
	return 1;
}

static int run_rel_err(const struct ctk_run_pred_row *w, double *re)
{
	if (!w->est.valid || !w->has_actual || w->actual == 0)
		return 0;
	*re = (w->est.value - w->actual) / w->actual;
	return 1;
}

/* The calibration group's name (ctk_calib_group_names), NULL unless known. */
static void bind_group(sqlite3_stmt *st, int i, int group, int known)
{
	if (known && group >= 0 && group < CTK_CALIB_GROUPS)
		sqlite3_bind_text(st, i, ctk_calib_group_names[group], -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* The whole-run rows (run_predictions; the predictions rows' delete trigger
 * has emptied the run's). */
static int store_run_rows(sqlite3 *db, const struct ctk_run_predictions *p, struct ctk_error *err)
{
	sqlite3_stmt *del = NULL, *ins = NULL;
	int rc = 0;

	if (ctk_db_prepare(db, "DELETE FROM run_predictions WHERE run_id = ?", &del, err) ||
	    ctk_db_prepare(db, "INSERT INTO run_predictions(run_id, after_n, predictor, target, value, lo, hi, t_lo, "
			   "t_hi, actual, rel_err, coverage_nominal, planned_epochs, used_epochs, observed_j, "
			   "epochs_rest_j, outside_rest_j, cal_group, cal_scale) "
			   "VALUES (?,?,?,'energy',?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			   &ins, err)) {
		sqlite3_finalize(del);
		return CTK_EDB;
	}
	sqlite3_bind_int64(del, 1, p->run_id);
	if (sqlite3_step(del) != SQLITE_DONE)
		rc = ctk_db_fail(db, err, "store predictions");
	for (int i = 0; i < p->nrun && !rc; i++) {
		const struct ctk_run_pred_row *w = &p->run_rows[i];
		double re = 0;
		int has_re = run_rel_err(w, &re), v = w->est.valid, iv = v && w->est.has_interval,
		    tv = w->t.valid && w->t.has_interval;
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, p->run_id);
		sqlite3_bind_int(ins, 2, w->after_n);
		sqlite3_bind_text(ins, 3, w->predictor->name, -1, SQLITE_STATIC);
		ctk_bind_double_or_null(ins, 4, w->est.value, v);
		ctk_bind_double_or_null(ins, 5, w->est.lo, iv);
		ctk_bind_double_or_null(ins, 6, w->est.hi, iv);
		ctk_bind_double_or_null(ins, 7, w->t.lo, tv);
		ctk_bind_double_or_null(ins, 8, w->t.hi, tv);
		ctk_bind_double_or_null(ins, 9, w->actual, w->has_actual);
		ctk_bind_double_or_null(ins, 10, re, has_re);
		ctk_bind_double_or_null(ins, 11, p->coverage, iv || tv);
		sqlite3_bind_int(ins, 12, p->planned);
		sqlite3_bind_int(ins, 13, w->used);
		ctk_bind_double_or_null(ins, 14, w->observed_j, v);
		ctk_bind_double_or_null(ins, 15, w->epochs_rest_j, v);
		ctk_bind_double_or_null(ins, 16, w->outside_rest_j, v && w->outside_known);
		bind_group(ins, 17, w->cal_group, v);
		ctk_bind_double_or_null(ins, 18, w->cal_scale, v);
		if (sqlite3_step(ins) != SQLITE_DONE)
			rc = ctk_db_fail(db, err, "store predictions");
	}
	sqlite3_finalize(del);
	sqlite3_finalize(ins);
	return rc;
}

int ctk_predict_store(sqlite3 *db, const struct ctk_run_predictions *p, struct ctk_error *err)
{
	sqlite3_stmt *del = NULL, *ins = NULL;
	int rc = 0;

	if (ctk_db_prepare(db, "DELETE FROM predictions WHERE run_id = ?", &del, err) ||
	    ctk_db_prepare(db, "INSERT INTO predictions(run_id, after_n, predictor, target, value, lo, hi, actual, "
			   "rel_err, coverage_nominal, planned_epochs, used_epochs, observed, cal_lo, cal_hi, cal_group, "
			   "cal_scale) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			   &ins, err)) {
		sqlite3_finalize(del);
		return CTK_EDB;
	}
	sqlite3_bind_int64(del, 1, p->run_id);
	if (sqlite3_step(del) != SQLITE_DONE)
		rc = ctk_db_fail(db, err, "store predictions");
	for (int i = 0; i < p->nrows && !rc; i++) {
		const struct ctk_pred_row *w = &p->rows[i];
		double re = 0;
		int has_re = rel_err(w, &re), iv = w->est.valid && w->est.has_interval;
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, p->run_id);
		sqlite3_bind_int(ins, 2, w->after_n);
		sqlite3_bind_text(ins, 3, w->predictor->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 4, ctk_pred_target_names[w->target], -1, SQLITE_STATIC);
		ctk_bind_double_or_null(ins, 5, w->est.value, w->est.valid);
		ctk_bind_double_or_null(ins, 6, w->est.lo, iv);
		ctk_bind_double_or_null(ins, 7, w->est.hi, iv);
		ctk_bind_double_or_null(ins, 8, w->actual, w->has_actual);
		ctk_bind_double_or_null(ins, 9, re, has_re);
		int cal = w->target != CTK_PT_DURATION && w->cal.valid && w->cal.has_interval;
		ctk_bind_double_or_null(ins, 10, p->coverage, iv || cal);
		sqlite3_bind_int(ins, 11, p->planned);
		sqlite3_bind_int(ins, 12, w->used);
		ctk_bind_double_or_null(ins, 13, w->observed, w->target == CTK_PT_ENERGY && w->est.valid);
		ctk_bind_double_or_null(ins, 14, w->cal.lo, cal);
		ctk_bind_double_or_null(ins, 15, w->cal.hi, cal);
		int ge = w->target == CTK_PT_ENERGY && w->est.valid;
		bind_group(ins, 16, w->cal_group, ge);
		ctk_bind_double_or_null(ins, 17, w->cal_scale, ge);
		if (sqlite3_step(ins) != SQLITE_DONE)
			rc = ctk_db_fail(db, err, "store predictions");
	}
	sqlite3_finalize(del);
	sqlite3_finalize(ins);
	if (!rc)
		rc = store_run_rows(db, p, err);
	return rc;
}

cJSON *ctk_predictions_json(const struct ctk_run_predictions *p)
{
	cJSON *a = cJSON_CreateArray();

	for (int i = 0; i < p->nrows; i++) {
		const struct ctk_pred_row *w = &p->rows[i];
		cJSON *j = cJSON_CreateObject();
		double re = 0;
		int has_re = rel_err(w, &re), iv = w->est.valid && w->est.has_interval;
		cJSON_AddNumberToObject(j, "after_n", w->after_n);
		cJSON_AddStringToObject(j, "predictor", w->predictor->name);
		cJSON_AddStringToObject(j, "target", ctk_pred_target_names[w->target]);
		cJSON_AddNumberToObject(j, "planned_epochs", p->planned);
		ctk_json_num_or_null(j, "value", w->est.value, w->est.valid);
		ctk_json_num_or_null(j, "lo", w->est.lo, iv);
		ctk_json_num_or_null(j, "hi", w->est.hi, iv);
		ctk_json_num_or_null(j, "coverage_nominal", p->coverage, iv);
		ctk_json_num_or_null(j, "actual", w->actual, w->has_actual);
		ctk_json_num_or_null(j, "rel_err", re, has_re);
		if (w->target != CTK_PT_DURATION) {
			int cal = w->cal.valid && w->cal.has_interval;
			ctk_json_num_or_null(j, "cal_lo", w->cal.lo, cal);
			ctk_json_num_or_null(j, "cal_hi", w->cal.hi, cal);
		}
		if (w->target == CTK_PT_ENERGY) {
			ctk_json_str_or_null(j, "cal_group", w->est.valid ? ctk_calib_group_names[w->cal_group] : NULL);
			ctk_json_num_or_null(j, "cal_scale", w->cal_scale, w->est.valid);
		}
		cJSON_AddItemToArray(a, j);
	}
	return a;
}

cJSON *ctk_run_predictions_json(const struct ctk_run_predictions *p)
{
	cJSON *a = cJSON_CreateArray();

	for (int i = 0; i < p->nrun; i++) {
		const struct ctk_run_pred_row *w = &p->run_rows[i];
		cJSON *j = cJSON_CreateObject();
		double re = 0;
		int has_re = run_rel_err(w, &re), v = w->est.valid, iv = v && w->est.has_interval,
		    tv = w->t.valid && w->t.has_interval;
		cJSON_AddNumberToObject(j, "after_n", w->after_n);
		cJSON_AddStringToObject(j, "predictor", w->predictor->name);
		cJSON_AddStringToObject(j, "target", "energy");
		cJSON_AddNumberToObject(j, "planned_epochs", p->planned);
		ctk_json_num_or_null(j, "value", w->est.value, v);
		ctk_json_num_or_null(j, "lo", w->est.lo, iv);
		ctk_json_num_or_null(j, "hi", w->est.hi, iv);
		ctk_json_num_or_null(j, "t_lo", w->t.lo, tv);
		ctk_json_num_or_null(j, "t_hi", w->t.hi, tv);
		ctk_json_num_or_null(j, "coverage_nominal", p->coverage, iv || tv);
		ctk_json_num_or_null(j, "observed_j", w->observed_j, v);
		ctk_json_num_or_null(j, "epochs_rest_j", w->epochs_rest_j, v);
		ctk_json_num_or_null(j, "outside_rest_j", w->outside_rest_j, v && w->outside_known);
		ctk_json_str_or_null(j, "cal_group", v ? ctk_calib_group_names[w->cal_group] : NULL);
		ctk_json_num_or_null(j, "cal_scale", w->cal_scale, v);
		ctk_json_num_or_null(j, "actual", w->actual, w->has_actual);
		ctk_json_num_or_null(j, "rel_err", re, has_re);
		cJSON_AddItemToArray(a, j);
	}
	return a;
}

/* Public form of rel_err() for the command front-ends that print rows. */
int ctk_pred_row_rel_err(const struct ctk_pred_row *w, double *re)
{
	return rel_err(w, re);
}
