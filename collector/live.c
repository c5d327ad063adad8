/* Live prediction and budgets (live.h). The prediction is ctk_predict()
 * with ctk_predictor_default() on the epochs so far, formatted by
 * ctk_prediction_format(), exactly what `ctk analyze --predict-after K`
 * computes later from the stored readings. */
#include "collector/live.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "common/units.h"

void ctk_live_init(struct ctk_live *l, const struct ctk_live_opts *o)
{
	memset(l, 0, sizeof(*l));
	l->o = *o;
	if (l->o.predict_after < 1)
		l->o.predict_after = 1;
}

void ctk_live_free(struct ctk_live *l)
{
	free(l->e);
	free(l->d);
	free(l->idx);
	l->e = l->d = NULL;
	l->idx = NULL;
	l->n = l->cap = 0;
}

/* Check one budget; keep the worse verdict in out. */
static void check(struct ctk_live_step *out, const char *target, const struct ctk_estimate *e, double scale,
		  double used, double budget, const char *unit)
{
	struct ctk_estimate s = *e;
	s.value *= scale;
	s.lo *= scale;
	s.hi *= scale;
	enum ctk_budget_verdict v = ctk_budget_check(&s, used, budget);
	if (v <= out->verdict && out->target)
		return;
	out->verdict = v;
	out->target = target;
	out->budget = budget;
	out->used = used;
	out->predicted_total = s.valid ? s.value : used;
	if (v == CTK_BUDGET_EXCEEDED)
		snprintf(out->why, sizeof out->why, "%s budget %g %s already exceeded: %.6g %s used so far", target,
			 budget, unit, used, unit);
	else if (v == CTK_BUDGET_OVER)
		snprintf(out->why, sizeof out->why, "%s budget %g %s will be exceeded: %.6g %s predicted for the planned epochs",
			 target, budget, unit, s.value, unit);
	else if (v == CTK_BUDGET_AT_RISK)
		snprintf(out->why, sizeof out->why, "%s budget %g %s at risk: predicted %.6g %s, interval up to %.6g %s",
			 target, budget, unit, s.value, unit, s.hi, unit);
}

int ctk_live_epoch(struct ctk_live *l, const struct ctk_ee_result *r, double used_j, struct ctk_live_step *out)
{
	struct ctk_error err = {0};
	const struct ctk_predictor *pr = ctk_predictor_default();

	memset(out, 0, sizeof(*out));
	int j = l->n;
	while (j > 0 && l->idx[j - 1] != r->idx)
		j--;
	if (j > 0) {
		l->e[j - 1] += r->energy_j;  /* an attempt more of epoch r->idx */
		l->d[j - 1] += r->duration_s;
	} else if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 64;
		double *e = realloc(l->e, (size_t)cap * sizeof(*e));
		if (!e)
			return CTK_ENOMEM;
		l->e = e;
		double *d = realloc(l->d, (size_t)cap * sizeof(*d));
		if (!d)
			return CTK_ENOMEM;
		l->d = d;
		int64_t *ix = realloc(l->idx, (size_t)cap * sizeof(*ix));
		if (!ix)
			return CTK_ENOMEM;
		l->idx = ix;
		l->cap = cap;
	}
	if (j == 0) {
		l->e[l->n] = r->energy_j;
		l->d[l->n] = r->duration_s;
		l->idx[l->n] = r->idx;
		l->n++;
	}
	if (!r->complete)
		l->incomplete = 1;
	if (l->o.planned < 1 || l->n < l->o.predict_after)
		return 0;

	struct ctk_predict_input in = {.energy_j = l->e, .duration_s = l->d, .n = l->n,
				       .planned = l->o.planned > l->n ? l->o.planned : l->n};
	if (l->o.has_intensity) {
		in.ci.has_mean = 1;
		in.ci.mean_g_per_kwh = l->o.intensity_g_per_kwh;
	}
	if (ctk_predict(pr, &in, &out->p, &err))
		return 0; /* non-finite input: nothing to say */
	if (l->incomplete) {
		/* as analyze: an observed epoch lacks a device, so no energy or CO2 */
		out->p.energy_j.valid = out->p.energy_cal.valid = 0;
		out->p.co2_g.valid = out->p.co2_cal.valid = 0;
	}
	out->predicted = 1;
	l->last = out->p;
	l->has_last = 1;
	l->last_after_n = in.n;
	l->last_planned = in.planned;
	snprintf(out->line, sizeof out->line, "predicted total ");
	ctk_prediction_format(out->line + strlen(out->line), sizeof out->line - strlen(out->line), pr, &in, &out->p);
	if (out->p.co2_g.valid)
		ctk_appendf(out->line, sizeof out->line, "; intensity %.4g g/kWh (%s); = %.3g km by car (US EPA: %.0f g CO2/mile)",
		       l->o.intensity_g_per_kwh, l->o.intensity_src, CTK_CAR_KM(out->p.co2_g.value), CTK_CAR_G_PER_MILE);
	else if (!l->o.has_intensity && l->n == l->o.predict_after)
		ctk_appendf(out->line, sizeof out->line,
		       "; CO2 needs an intensity (--intensity G, or --zone Z with a series in the store)");
	/* the live prediction is of the epochs; `ctk analyze` adds the whole
	 * run (run_predictions), what lies outside epochs included */
	ctk_appendf(out->line, sizeof out->line, "; epochs only (not what lies outside them)");
	if (l->incomplete)
		ctk_appendf(out->line, sizeof out->line, "; no energy: an epoch lacks a device's readings");
	if (l->o.planned < l->n)
		ctk_appendf(out->line, sizeof out->line, "; more epochs than --epochs %d", l->o.planned);
	snprintf(out->exact, sizeof out->exact, "prediction: after_n=%d planned=%d predictor=%s", in.n, in.planned, pr->name);
	const struct ctk_estimate *est[3] = {&out->p.energy_j, &out->p.duration_s, &out->p.co2_g};
	const char *nm[3] = {"energy_j", "duration_s", "co2_g"};
	for (int i = 0; i < 3; i++) {
		if (!est[i]->valid)
			continue;
		ctk_appendf(out->exact, sizeof out->exact, " %s=%.17g", nm[i], est[i]->value);
		if (est[i]->has_interval)
			ctk_appendf(out->exact, sizeof out->exact, " %s_lo=%.17g %s_hi=%.17g", nm[i], est[i]->lo, nm[i], est[i]->hi);
	}
	/* the calibrated interval, which the line and the budget use (analyze's cal_lo, cal_hi) */
	if (out->p.energy_j.valid && out->p.energy_cal.has_interval)
		ctk_appendf(out->exact, sizeof out->exact, " energy_j_cal_lo=%.17g energy_j_cal_hi=%.17g",
			    out->p.energy_cal.lo, out->p.energy_cal.hi);

	out->verdict = CTK_BUDGET_OK;
	if (l->o.has_budget_kwh)
		check(out, "energy", ctk_prediction_energy(&out->p), 1 / CTK_J_PER_KWH, used_j / CTK_J_PER_KWH, l->o.budget_kwh, "kWh");
	if (l->o.has_budget_g && l->o.has_intensity)
		check(out, "co2", ctk_prediction_co2(&out->p), 1, used_j / CTK_J_PER_KWH * l->o.intensity_g_per_kwh, l->o.budget_g, "g");
	if (out->verdict >= CTK_BUDGET_OVER && !l->budget_done) {
		out->act = 1;
		l->budget_done = 1;
	} else if (out->verdict == CTK_BUDGET_AT_RISK && !l->risk_noted && !l->budget_done) {
		out->at_risk = 1;
		l->risk_noted = 1;
	}
	return 0;
}
