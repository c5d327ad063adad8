/* This file contains the predictors of common/predict.h: each estimates the
 * sum of the epochs still to come from the epochs observed so far, with a
 * prediction interval, and ctk_predict() turns that into totals of energy,
 * duration and CO2, and of the whole run's energy (outside epochs too).
 * The t intervals assume independent epochs; the calibrated ones
 * (ctk_predict_calib, split conformal on the bench corpus) do not, and
 * `ctk evaluate` measures the achieved coverage of both. */
#include "common/predict.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/stats.h"

/* value ± t_{(1+c)/2, df} · scale, lo clamped at 0 (sums of energies and
 * durations are never negative). df < 1: no interval. */
static void set_interval(struct ctk_estimate *e, double value, double scale, double df, double coverage)
{
	e->value = value < 0 ? 0 : value;
	e->valid = 1;
	e->has_interval = df >= 1;
	if (!e->has_interval)
		return;
	double half = ctk_t_quantile(0.5 + coverage / 2, df) * scale;
	e->lo = value - half < 0 ? 0 : value - half;
	e->hi = value + half < 0 ? 0 : value + half;
}

/* ---- predictors ---------------------------------------------------------- */

/* ct-mean: carbontracker's rule, mean of the observed epochs for each epoch
 * to come (mean × planned in all). Interval: the t prediction interval of a
 * sum of m new draws, s·sqrt(m + m²/n), n−1 degrees of freedom (n >= 2). */
static int predict_mean(const double *x, int n, int m, double coverage, struct ctk_estimate *rest,
			int *used)
{
	double mean, sd;
	ctk_mean_sd(x, n, &mean, &sd);
	set_interval(rest, m * mean, sd * sqrt(m + (double)m * m / n), n - 1, coverage);
	*used = n;
	return 0;
}

/* median: the median epoch for each epoch to come, robust to one odd epoch.
 * Interval as ct-mean's with the median's larger sampling variance
 * (asymptotic efficiency 2/π of the mean's under normal errors). */
static int predict_median(const double *x, int n, int m, double coverage, struct ctk_estimate *rest,
			  int *used)
{
	double mean, sd, *tmp = malloc((size_t)n * sizeof(*tmp));
	if (!tmp)
		return CTK_ENOMEM;
	double med = ctk_median(x, n, tmp);
	free(tmp);
	ctk_mean_sd(x, n, &mean, &sd);
	set_interval(rest, m * med, sd * sqrt(m + (double)m * m * (M_PI / 2) / n), n - 1, coverage);
	*used = n;
	return 0;
}

/* The warm-up rule of skip-warmup, in the spirit of STEP's "stable epochs":
 * epoch k (from the first) is warm-up when it differs from the median of
 * the epochs after it by more than max(5 % of that median, 3 robust standard
 * deviations (1.4826 × MAD) of them); drop such epochs from the start,
 * fewer than half of the observed ones (so at least two kept epochs agree:
 * with two epochs nothing says which one is odd), and stop at the first one
 * that fits; at most CTK_WARMUP_MAX epochs (warm-up is short, and this keeps
 * a call O(n log n)). */
int ctk_warmup_epochs(const double *x, int n)
{
	double *tmp = malloc((size_t)(n > 0 ? n : 1) * sizeof(*tmp)), *dev = NULL;
	int k = 0;

	if (!tmp || !(dev = malloc((size_t)(n > 0 ? n : 1) * sizeof(*dev)))) {
		free(tmp);
		return 0;
	}
	while (k < (n - 1) / 2 && k < CTK_WARMUP_MAX) {
		int r = n - k - 1;
		double med = ctk_median(x + k + 1, r, tmp);
		for (int i = 0; i < r; i++)
			dev[i] = fabs(x[k + 1 + i] - med);
		double mad = ctk_median(dev, r, tmp);
		double tol = fmax(0.05 * fabs(med), 3 * 1.4826 * mad);
		if (fabs(x[k] - med) <= tol)
			break;
		k++;
	}
	free(tmp);
	free(dev);
	return k;
}

/* skip-warmup: drop the leading warm-up epochs (ctk_warmup_epochs), then
 * ct-mean on the rest, interval on the kept epochs only. */
static int predict_skip_warmup(const double *x, int n, int m, double coverage, struct ctk_estimate *rest,
			       int *used)
{
	int k = ctk_warmup_epochs(x, n);
	return predict_mean(x + k, n - k, m, coverage, rest, used);
}

/* trend: least squares x_i = a + b·i on the observed epochs, summed over
 * i = n … n+m−1. Interval: the OLS prediction interval of that sum,
 * σ²·(m + m²/n + (Σi − m·ī)²/Sxx), n−2 degrees of freedom. Fewer than 3
 * epochs cannot show a trend: then it is ct-mean. */
static int predict_trend(const double *x, int n, int m, double coverage, struct ctk_estimate *rest, int *used)
{
	double ibar = (n - 1) / 2.0, ybar, sd, sxx = 0, sxy = 0, sse = 0;

	if (n < 3)
		return predict_mean(x, n, m, coverage, rest, used);
	ctk_mean_sd(x, n, &ybar, &sd);
	for (int i = 0; i < n; i++) {
		sxx += (i - ibar) * (i - ibar);
		sxy += (i - ibar) * (x[i] - ybar);
	}
	double b = sxy / sxx, a = ybar - b * ibar;
	for (int i = 0; i < n; i++) {
		double r = x[i] - (a + b * i);
		sse += r * r;
	}
	double sum_i = (double)m * n + (double)m * (m - 1) / 2.0, dc = sum_i - m * ibar;
	double var = sse / (n - 2) * (m + (double)m * m / n + dc * dc / sxx);
	set_interval(rest, m * a + b * sum_i, sqrt(var), n - 2, coverage);
	*used = n;
	return 0;
}

/* recent: mean of the later half of the observed epochs (the last
 * ceil(n/2)), so a warm-up or an early drift ages out without a threshold.
 * Interval as ct-mean's on those epochs. */
static int predict_recent(const double *x, int n, int m, double coverage, struct ctk_estimate *rest,
			  int *used)
{
	int keep = (n + 1) / 2;
	return predict_mean(x + (n - keep), keep, m, coverage, rest, used);
}

/* level: the mean of the epochs since the last level shift
 * (ctk_level_start: a step in epoch cost seen in two epochs), else recent's
 * later half. Interval as ct-mean's on those epochs. */
static int predict_level(const double *x, int n, int m, double coverage, struct ctk_estimate *rest,
			 int *used)
{
	int k = ctk_level_start(x, n);
	if (k == 0)
		return predict_recent(x, n, m, coverage, rest, used);
	return predict_mean(x + k, n - k, m, coverage, rest, used);
}

const struct ctk_predictor ctk_predictors[] = {
	{"ct-mean", "carbontracker: mean of the observed epochs x planned epochs", predict_mean},
	{"median", "median observed epoch x epochs to come", predict_median},
	{"skip-warmup", "drop leading epochs unlike the rest (5 % / 3 MAD), then the mean", predict_skip_warmup},
	{"trend", "least-squares line over epoch index, summed over the epochs to come", predict_trend},
	{"recent", "mean of the later half of the observed epochs", predict_recent},
	{"level", "mean of the epochs since the last level shift, else of the later half", predict_level},
	{NULL, NULL, NULL},
};

const struct ctk_predictor *ctk_predictor_find(const char *name)
{
	for (int i = 0; name && ctk_predictors[i].name; i++)
		if (!strcmp(ctk_predictors[i].name, name))
			return &ctk_predictors[i];
	return NULL;
}

const struct ctk_predictor *ctk_predictor_default(void)
{
	return ctk_predictor_find(CTK_PREDICT_DEFAULT);
}

/* ---- totals ---------------------------------------------------------------- */

static double sum(const double *x, int n)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += x[i];
	return s;
}

/* observed + estimate of the rest; m == 0 gives the exact observed total. */
static int total(const struct ctk_predictor *p, const double *x, int n, int m, double coverage,
		 struct ctk_estimate *out, struct ctk_estimate *rest, int *used)
{
	double obs = sum(x, n);
	int rc;

	memset(rest, 0, sizeof(*rest));
	*used = n;
	if (m == 0) {
		*out = (struct ctk_estimate){.value = obs, .lo = obs, .hi = obs, .valid = 1, .has_interval = 1};
		*rest = (struct ctk_estimate){.valid = 1, .has_interval = 1};
		return 0;
	}
	if ((rc = p->fn(x, n, m, coverage, rest, used)))
		return rc;
	*out = *rest;
	out->value += obs;
	out->lo += obs;
	out->hi += obs;
	return 0;
}

static int all_finite(const double *x, int n)
{
	for (int i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return 0;
	return 1;
}

static void calibrate(struct ctk_estimate *cal, const struct ctk_estimate *e, double observed, double rest,
		      int group, double scale, const struct ctk_predictor *p, int scope, int n, double coverage);
static int predict_whole_run(const struct ctk_predictor *p, const struct ctk_predict_input *in,
			     const struct ctk_estimate *rest_e, double cov, struct ctk_prediction *out);

int ctk_predict(const struct ctk_predictor *p, const struct ctk_predict_input *in,
		struct ctk_prediction *out, struct ctk_error *err)
{
	struct ctk_estimate rest_e, rest_d;
	const struct ctk_predict_intensity *ci = &in->ci;
	double cov = in->coverage > 0 ? in->coverage : CTK_PREDICT_COVERAGE;
	int m = in->planned - in->n, rc;

	memset(out, 0, sizeof(*out));
	if (!p || !p->fn)
		return ctk_failf(err, CTK_EUSAGE, "no such predictor");
	if (in->n < 1 || !in->energy_j)
		return ctk_failf(err, CTK_EINPUT, "prediction needs at least one observed epoch");
	if (in->planned < in->n)
		return ctk_failf(err, CTK_EINPUT, "planned epochs (%d) fewer than observed (%d)", in->planned, in->n);
	if (!(cov > 0 && cov < 1))
		return ctk_failf(err, CTK_EUSAGE, "coverage %g: not between 0 and 1", cov);
	if (!all_finite(in->energy_j, in->n) || (in->duration_s && !all_finite(in->duration_s, in->n)))
		return ctk_failf(err, CTK_EINPUT, "epoch energy or duration is not a finite number");
	out->coverage = cov;
	if ((rc = total(p, in->energy_j, in->n, m, cov, &out->energy_j, &rest_e, &out->used_energy)))
		return ctk_failf(err, rc, "predictor '%s' failed", p->name);
	{
		double obs_e = sum(in->energy_j, in->n);
		out->cal_group = ctk_predict_calib_group(in->energy_j, in->n);
		out->cal_scale = ctk_predict_calib_scale(in->energy_j, in->n);
		calibrate(&out->energy_cal, &out->energy_j, obs_e, m > 0 ? rest_e.value : 0,
			  out->cal_group, out->cal_scale, p, CTK_SCOPE_EPOCHS, in->n, cov);
	}
	if (in->outside.valid) {
		if (in->outside.ngap < 0 || (in->outside.ngap > 0 && !in->outside.gap_j) ||
		    !isfinite(in->outside.before_j) || (in->outside.ngap > 0 && !all_finite(in->outside.gap_j, in->outside.ngap)))
			return ctk_failf(err, CTK_EINPUT, "energy outside epochs is not a finite number");
		if ((rc = predict_whole_run(p, in, &rest_e, cov, out)))
			return ctk_failf(err, rc, "predictor '%s' failed", p->name);
	}
	if (in->duration_s &&
	    (rc = total(p, in->duration_s, in->n, m, cov, &out->duration_s, &rest_d, &out->used_duration)))
		return ctk_failf(err, rc, "predictor '%s' failed", p->name);

	/* CO2: observed epochs at what the series said, the rest at the
	 * forecast over the predicted remaining time, else by persistence. */
	double e_obs = sum(in->energy_j, in->n), co2_obs, g;
	if (ci->has_observed_co2)
		co2_obs = ci->observed_co2_g;
	else if (ci->has_mean)
		co2_obs = e_obs / 3.6e6 * ci->mean_g_per_kwh;
	else
		return 0;
	if (ci->forecast && m > 0 && out->duration_s.valid &&
	    ci->forecast(ci->forecast_ctx, ci->now_ns, ci->now_ns + (int64_t)llround(rest_d.value * 1e9), &g) == 0 &&
	    isfinite(g)) {
		out->co2_forecast = 1;
	} else if (ci->has_mean) {
		g = ci->mean_g_per_kwh;
	} else if (e_obs > 0) {
		g = co2_obs / (e_obs / 3.6e6);
	} else {
		return 0;
	}
	out->rest_g_per_kwh = g;
	out->co2_g = (struct ctk_estimate){
		.value = co2_obs + rest_e.value / 3.6e6 * g,
		.lo = co2_obs + rest_e.lo / 3.6e6 * g,
		.hi = co2_obs + rest_e.hi / 3.6e6 * g,
		.valid = 1,
		.has_interval = rest_e.has_interval,
	};
	if (out->energy_cal.has_interval) {
		out->co2_cal = out->co2_g;
		out->co2_cal.lo = co2_obs + (out->energy_cal.lo - e_obs) / 3.6e6 * g;
		out->co2_cal.hi = co2_obs + (out->energy_cal.hi - e_obs) / 3.6e6 * g;
		out->co2_cal.has_interval = 1;
	}
	return 0;
}

const struct ctk_estimate *ctk_prediction_energy(const struct ctk_prediction *p)
{
	return p->energy_cal.valid && p->energy_cal.has_interval ? &p->energy_cal : &p->energy_j;
}

const struct ctk_estimate *ctk_prediction_co2(const struct ctk_prediction *p)
{
	return p->co2_cal.valid && p->co2_cal.has_interval ? &p->co2_cal : &p->co2_g;
}

/* ---- calibration and the whole run ------------------------------------------ */

/* The split-conformal factors q[scope][group][N − 1] at coverage 0.95, one row per
 * predictor. Source: bench/predict_calibrate.py on the calibration half of
 * the evaluation corpus (bench/predict_gen.py, seed 101: every scenario,
 * synthetic runs only; the evaluation in bench/RESULTS.md uses other
 * seeds and the real runs, so nothing is calibrated and graded on the same
 * runs). Score of a prediction: |actual − value| / (scale · rest), rest =
 * value − observed, scale = ctk_predict_calib_scale() (epochs) or
 * _run_scale() (whole run) of the run's observed epochs and gaps
 * (normalized conformal: the width follows each run's own spread);
 * q = the ceil((k + 1)·0.95)-th smallest of the k scores at that N in that
 * group (ctk_predict_calib_group: quiet, busy, shift, jump; shift and jump
 * pool every N); predictions made before an unannounced step in epoch cost
 * left out (the interval claims the observed course); 0 where the group had
 * no run (Vovk et al. 2005, split conformal and its Mondrian form per group;
 * Lei et al. 2018, normalized scores). Regenerate with
 * `sh bench/predict_eval.sh build` (it prints this table);
 * tests/e2e/predict_calib.sh checks it against the script. */
const double ctk_predict_calib_coverage = 0.95;
/* BEGIN ctk_predict_calib (generated by bench/predict_calibrate.py) */
const struct ctk_predict_calib ctk_predict_calib[] = {
	{"ct-mean", {
		{{0.2295, 2.4066, 2.1237, 1.4130, 1.3849, 1.3193, 1.4218, 1.3768, 1.4207, 0.8880},
		 {0.0000, 7.0332, 1.7081, 1.6755, 1.5816, 1.2818, 1.0798, 1.0416, 1.2447, 1.0395},
		 {12.9812, 12.9812, 12.9812, 12.9812, 12.9812, 12.9812, 12.9812, 12.9812, 12.9812, 12.9812},
		 {3.7605, 3.7605, 3.7605, 3.7605, 3.7605, 3.7605, 3.7605, 3.7605, 3.7605, 3.7605}},
		{{0.2482, 3.2505, 2.3251, 1.9468, 2.3012, 1.3401, 1.4267, 1.5975, 2.2777, 1.1268},
		 {0.0000, 5.9870, 1.6319, 1.4805, 1.5900, 1.0710, 1.0063, 1.0907, 1.8524, 1.0641},
		 {12.4046, 12.4046, 12.4046, 12.4046, 12.4046, 12.4046, 12.4046, 12.4046, 12.4046, 12.4046},
		 {3.9019, 3.9019, 3.9019, 3.9019, 3.9019, 3.9019, 3.9019, 3.9019, 3.9019, 3.9019}}
	}},
	{"level", {
		{{0.2295, 2.7326, 2.0257, 1.4189, 1.3892, 1.3033, 1.4079, 1.3079, 1.5354, 0.7160},
		 {0.0000, 7.5672, 1.7109, 1.7901, 1.4883, 1.3938, 1.1112, 1.2451, 1.5137, 1.0099},
		 {1.6959, 1.6959, 1.6959, 1.6959, 1.6959, 1.6959, 1.6959, 1.6959, 1.6959, 1.6959},
		 {3.6291, 3.6291, 3.6291, 3.6291, 3.6291, 3.6291, 3.6291, 3.6291, 3.6291, 3.6291}},
		{{0.2482, 3.2432, 2.4943, 2.0365, 2.2863, 1.4432, 1.5641, 1.8938, 2.5116, 1.1476},
		 {0.0000, 6.5425, 1.9017, 1.7725, 1.9048, 1.2140, 1.0546, 1.1632, 1.9387, 1.0550},
		 {1.6309, 1.6309, 1.6309, 1.6309, 1.6309, 1.6309, 1.6309, 1.6309, 1.6309, 1.6309},
		 {3.5193, 3.5193, 3.5193, 3.5193, 3.5193, 3.5193, 3.5193, 3.5193, 3.5193, 3.5193}}
	}},
	{"median", {
		{{0.2295, 2.4066, 2.0071, 1.4252, 1.4284, 1.4344, 1.5027, 1.4759, 1.4318, 0.9292},
		 {0.0000, 7.0332, 2.1493, 1.7276, 1.4477, 1.3714, 1.2478, 1.0351, 1.5792, 1.1076},
		 {18.4038, 18.4038, 18.4038, 18.4038, 18.4038, 18.4038, 18.4038, 18.4038, 18.4038, 18.4038},
		 {3.9253, 3.9253, 3.9253, 3.9253, 3.9253, 3.9253, 3.9253, 3.9253, 3.9253, 3.9253}},
		{{0.2482, 3.2505, 2.4379, 2.2230, 2.6403, 1.7287, 1.6758, 2.2669, 2.8177, 1.9475},
		 {0.0000, 5.9870, 2.1047, 1.6253, 1.6350, 1.6584, 1.2740, 1.9049, 2.1657, 1.2234},
		 {17.8473, 17.8473, 17.8473, 17.8473, 17.8473, 17.8473, 17.8473, 17.8473, 17.8473, 17.8473},
		 {4.0635, 4.0635, 4.0635, 4.0635, 4.0635, 4.0635, 4.0635, 4.0635, 4.0635, 4.0635}}
	}},
	{"recent", {
		{{0.2295, 2.7326, 2.0257, 1.4189, 1.3892, 1.3033, 1.4079, 1.3079, 1.5354, 0.7160},
		 {0.0000, 7.5672, 1.7109, 1.7901, 1.4883, 1.3938, 1.1112, 1.2451, 1.5137, 1.0099},
		 {9.2561, 9.2561, 9.2561, 9.2561, 9.2561, 9.2561, 9.2561, 9.2561, 9.2561, 9.2561},
		 {3.6291, 3.6291, 3.6291, 3.6291, 3.6291, 3.6291, 3.6291, 3.6291, 3.6291, 3.6291}},
		{{0.2482, 3.2432, 2.4943, 2.0365, 2.2863, 1.4432, 1.5233, 1.8234, 2.3459, 0.9561},
		 {0.0000, 6.5425, 1.9017, 1.7725, 1.9048, 1.2140, 1.0547, 1.1428, 1.9387, 1.0150},
		 {9.0222, 9.0222, 9.0222, 9.0222, 9.0222, 9.0222, 9.0222, 9.0222, 9.0222, 9.0222},
		 {3.5193, 3.5193, 3.5193, 3.5193, 3.5193, 3.5193, 3.5193, 3.5193, 3.5193, 3.5193}}
	}},
	{"skip-warmup", {
		{{0.2295, 2.4066, 2.1237, 1.4130, 1.3849, 1.3193, 1.4218, 1.3768, 1.4207, 0.8880},
		 {0.0000, 7.0332, 1.7081, 1.6755, 1.5816, 1.2818, 1.0798, 1.0416, 1.2447, 1.0384},
		 {12.9812, 12.9812, 12.9812, 12.9812, 12.9812, 12.9812, 12.9812, 12.9812, 12.9812, 12.9812},
		 {3.7605, 3.7605, 3.7605, 3.7605, 3.7605, 3.7605, 3.7605, 3.7605, 3.7605, 3.7605}},
		{{0.2482, 3.2505, 2.3251, 1.9468, 2.4780, 1.3572, 1.4654, 1.5975, 2.2777, 1.1276},
		 {0.0000, 5.9870, 1.6319, 1.5780, 1.6318, 1.1165, 1.0138, 1.1015, 1.6676, 1.0679},
		 {12.4046, 12.4046, 12.4046, 12.4046, 12.4046, 12.4046, 12.4046, 12.4046, 12.4046, 12.4046},
		 {3.9019, 3.9019, 3.9019, 3.9019, 3.9019, 3.9019, 3.9019, 3.9019, 3.9019, 3.9019}}
	}},
	{"trend", {
		{{0.2295, 2.4066, 11.4607, 10.7009, 6.1907, 4.1142, 3.9711, 3.1853, 2.4345, 1.3078},
		 {0.0000, 7.0332, 43.2415, 17.6141, 9.9274, 7.8516, 5.0931, 4.7756, 4.5796, 1.8115},
		 {24.0118, 24.0118, 24.0118, 24.0118, 24.0118, 24.0118, 24.0118, 24.0118, 24.0118, 24.0118},
		 {5.9780, 5.9780, 5.9780, 5.9780, 5.9780, 5.9780, 5.9780, 5.9780, 5.9780, 5.9780}},
		{{0.2482, 3.2505, 11.0047, 9.9019, 6.6364, 4.0256, 4.2692, 4.9685, 3.1803, 1.5572},
		 {0.0000, 5.9870, 110.2862, 14.2322, 8.7263, 7.1256, 5.8207, 4.2470, 4.1845, 1.8006},
		 {17.8426, 17.8426, 17.8426, 17.8426, 17.8426, 17.8426, 17.8426, 17.8426, 17.8426, 17.8426},
		 {6.8642, 6.8642, 6.8642, 6.8642, 6.8642, 6.8642, 6.8642, 6.8642, 6.8642, 6.8642}}
	}},
	{NULL, {{{0}}}},
};
/* END ctk_predict_calib */

const char *const ctk_calib_group_names[CTK_CALIB_GROUPS] = {"quiet", "busy", "shift", "jump"};

int ctk_predict_calib_q(const struct ctk_predictor *p, int scope, int group, int n, double coverage, double *q)
{
	if (!p || n < 1 || scope < 0 || scope > 1 || group < 0 || group >= CTK_CALIB_GROUPS ||
	    fabs(coverage - ctk_predict_calib_coverage) > 1e-9)
		return 0;
	for (int i = 0; ctk_predict_calib[i].predictor; i++) {
		if (strcmp(ctk_predict_calib[i].predictor, p->name))
			continue;
		*q = ctk_predict_calib[i].q[scope][group][(n < CTK_CALIB_N ? n : CTK_CALIB_N) - 1];
		return *q > 0 && isfinite(*q);
	}
	return 0;
}

/* The coefficient of variation (sample sd / mean) of x[0..n), n >= 2; -1
 * when it is not a number (mean not above 0). */
static double cv_of(const double *x, int n)
{
	double mean, sd;
	ctk_mean_sd(x, n, &mean, &sd);
	return mean > 0 && isfinite(sd / mean) ? sd / mean : -1;
}

/* |a / b − 1| > tol; for b <= 0 (no level to compare with), a != b. */
static int differs(double a, double b, double tol)
{
	return b > 0 ? fabs(a / b - 1) > tol : a != b;
}

/* The median of x[0..n) (n >= 1) into *med; 0 when its scratch cannot be
 * allocated (then callers see no shift or jump: the prediction falls back
 * to the later half, never fails). */
static int median_of(const double *x, int n, double *med)
{
	double *tmp = malloc((size_t)n * sizeof(*tmp));
	if (!tmp)
		return 0;
	*med = ctk_median(x, n, tmp);
	free(tmp);
	return 1;
}

int ctk_level_start(const double *x, int n)
{
	int k = n - 2;
	double before;

	if (n < 3 || differs(x[n - 1], x[n - 2], CTK_LEVEL_TOL))
		return 0;
	while (k > 0 && !differs(x[k - 1], x[n - 1], CTK_LEVEL_TOL))
		k--;
	if (k == 0 || !median_of(x, k, &before))
		return 0;
	return differs(x[n - 1], before, CTK_LEVEL_TOL) ? k : 0;
}

/* The last epoch differs from the median of those before it (n >= 2). */
static int last_jumps(const double *x, int n)
{
	double before;
	return n >= 2 && median_of(x, n - 1, &before) && differs(x[n - 1], before, CTK_LEVEL_TOL);
}

/* The CV of the current level's epochs (all when there is no shift), at
 * least the floor; 1 after one epoch (no spread seen yet, the score is the
 * plain relative one) or when the CV is not a number. */
double ctk_predict_calib_scale(const double *x, int n)
{
	if (n < 2)
		return 1;
	int k = ctk_level_start(x, n);
	double c = cv_of(x + k, n - k);
	return c < 0 ? 1 : fmax(CTK_CALIB_SCALE_FLOOR, c);
}

double ctk_predict_calib_run_scale(const double *x, int n, const double *gap, int ngap, double epochs_rest,
				   double outside_rest)
{
	double ce = ctk_predict_calib_scale(x, n), rest = epochs_rest + outside_rest;
	if (n < 2 || !(rest > 0))
		return ce;
	double cg = ngap >= 2 ? cv_of(gap, ngap) : -1;
	cg = fmax(CTK_CALIB_GAP_FLOOR, cg);
	return sqrt(ce * epochs_rest * ce * epochs_rest + cg * outside_rest * cg * outside_rest) / rest;
}

/* Quiet after one epoch; then shift, jump, quiet (CV below the floor) or
 * busy, in that order (ctk_calib_group_names). */
int ctk_predict_calib_group(const double *x, int n)
{
	if (n < 2)
		return CTK_CALIB_QUIET;
	if (ctk_level_start(x, n) > 0)
		return CTK_CALIB_SHIFT;
	if (last_jumps(x, n))
		return CTK_CALIB_JUMP;
	double c = cv_of(x, n);
	return c >= CTK_CALIB_SCALE_FLOOR ? CTK_CALIB_BUSY : CTK_CALIB_QUIET;
}

/* value ± q·scale·rest (q of the group) with lo at least what was observed
 * (a total never falls below it); not valid when value is not or there is
 * no constant. */
static void calibrate(struct ctk_estimate *cal, const struct ctk_estimate *e, double observed, double rest,
		      int group, double scale, const struct ctk_predictor *p, int scope, int n, double coverage)
{
	double q;
	*cal = *e;
	cal->has_interval = 0;
	if (!e->valid)
		return;
	if (rest <= 0) {
		/* nothing left to predict: exact for the epochs; for the whole
		 * run a tail predicted as 0 is not known to be 0 */
		cal->lo = cal->hi = e->value;
		cal->has_interval = scope == CTK_SCOPE_EPOCHS;
		return;
	}
	if (!ctk_predict_calib_q(p, scope, group, n, coverage, &q))
		return;
	cal->lo = fmax(observed, e->value - q * scale * rest);
	cal->hi = e->value + q * scale * rest;
	cal->has_interval = 1;
}

/* The whole run (common/predict.h, struct ctk_predict_outside):
 *   observed = before + Σ epochs 1..n + Σ observed gaps
 *   outside to come = p's estimate of the sum of the next m + 1 gaps from
 *                     the observed gaps (m gaps after epochs n … P − 1 and
 *                     the tail), 0 when no gap was observed
 *   value = observed + epochs to come + outside to come
 * t interval: the two half-widths combined in quadrature (when the epochs'
 * has one; the gaps' adds when it has one); conformal: calibrate(). */
static int predict_whole_run(const struct ctk_predictor *p, const struct ctk_predict_input *in,
			     const struct ctk_estimate *rest_e, double cov, struct ctk_prediction *out)
{
	const struct ctk_predict_outside *o = &in->outside;
	struct ctk_estimate rest_g = {.valid = 1, .has_interval = 1};
	int m = in->planned - in->n, used, rc;
	double obs = o->before_j + sum(in->energy_j, in->n) + sum(o->gap_j, o->ngap);

	out->run_observed_j = obs;
	out->run_epochs_rest_j = m > 0 ? rest_e->value : 0;
	out->run_outside_known = o->ngap > 0;
	if (o->ngap > 0 && (rc = p->fn(o->gap_j, o->ngap, m + 1, cov, &rest_g, &used)))
		return rc;
	if (o->ngap == 0)
		rest_g = (struct ctk_estimate){.valid = 1};
	out->run_outside_rest_j = rest_g.value;
	double value = obs + out->run_epochs_rest_j + rest_g.value;
	struct ctk_estimate *t = &out->run_t;
	*t = (struct ctk_estimate){.value = value, .valid = 1};
	if (m == 0 || rest_e->has_interval) {
		double he = m > 0 ? rest_e->hi - rest_e->value : 0;
		double hg = rest_g.has_interval ? rest_g.hi - rest_g.value : 0;
		double half = sqrt(he * he + hg * hg);
		t->lo = fmax(obs, value - half);
		t->hi = value + half;
		t->has_interval = 1;
	}
	out->run_cal_group = ctk_predict_calib_group(in->energy_j, in->n);
	out->run_cal_scale = ctk_predict_calib_run_scale(in->energy_j, in->n, o->gap_j, o->ngap,
							 out->run_epochs_rest_j, rest_g.value);
	calibrate(&out->run_energy_j, t, obs, value - obs, out->run_cal_group, out->run_cal_scale, p, CTK_SCOPE_RUN,
		  in->n, cov);
	return 0;
}

/* ---- budgets and the one-line summary ---------------------------------------- */

enum ctk_budget_verdict ctk_budget_check(const struct ctk_estimate *e, double used, double budget)
{
	if (used > budget)
		return CTK_BUDGET_EXCEEDED;
	if (!e || !e->valid)
		return CTK_BUDGET_OK;
	if (e->value > budget)
		return CTK_BUDGET_OVER;
	if (e->has_interval && e->hi > budget)
		return CTK_BUDGET_AT_RISK;
	return CTK_BUDGET_OK;
}

const char *ctk_budget_verdict_name(enum ctk_budget_verdict v)
{
	static const char *const names[] = {"ok", "at-risk", "over", "exceeded"};
	return (unsigned)v < sizeof names / sizeof names[0] ? names[v] : "?";
}

static void fmt_hms(char *buf, size_t size, double s)
{
	long long t = llround(s < 0 ? 0 : s);
	snprintf(buf, size, "%lld:%02lld:%02lld", t / 3600, t / 60 % 60, t % 60);
}

/* Append ", NAME v [lo, hi]" (and " calibrated" when cal) to buf at *len
 * with kWh, g or h:mm:ss values. */
static void fmt_part(char *buf, size_t size, size_t *len, const char *name, const struct ctk_estimate *e, int kind,
		     int cal)
{
	char v[32], lo[32], hi[32];
	const double *x[3] = {&e->value, &e->lo, &e->hi};
	char *out[3] = {v, lo, hi};

	if (!e->valid || *len >= size)
		return;
	for (int i = 0; i < 3; i++) {
		if (kind == 0)
			snprintf(out[i], sizeof v, "%.4f", *x[i] / 3.6e6);
		else if (kind == 1)
			fmt_hms(out[i], sizeof v, *x[i]);
		else
			snprintf(out[i], sizeof v, "%.2f", *x[i]);
	}
	int n = e->has_interval
		? snprintf(buf + *len, size - *len, ", %s %s%s [%s, %s]%s", name, v, kind == 0 ? " kWh" : kind == 2 ? " g" : "",
			   lo, hi, cal ? " calibrated" : "")
		: snprintf(buf + *len, size - *len, ", %s %s%s", name, v, kind == 0 ? " kWh" : kind == 2 ? " g" : "");
	if (n > 0)
		*len += (size_t)n;
}

char *ctk_prediction_format(char *buf, size_t size, const struct ctk_predictor *p,
			    const struct ctk_predict_input *in, const struct ctk_prediction *out)
{
	size_t len;
	int n;

	if (!size)
		return buf;
	n = snprintf(buf, size, "after %d/%d epochs (%s, %.0f %% interval):", in->n, in->planned, p ? p->name : "?",
		     100 * out->coverage);
	len = n > 0 ? (size_t)n : 0;
	const struct ctk_estimate *pe = ctk_prediction_energy(out), *pc = ctk_prediction_co2(out);
	fmt_part(buf, size, &len, "energy", pe, 0, pe == &out->energy_cal && in->n < in->planned);
	fmt_part(buf, size, &len, "duration", &out->duration_s, 1, 0);
	fmt_part(buf, size, &len, "CO2", pc, 2, pc == &out->co2_cal && in->n < in->planned);
	if (len < size && len > 0 && buf[len - 1] == ':')
		snprintf(buf + len, size - len, " nothing to predict");
	/* drop the comma after the colon: "…interval): energy …" */
	char *c = strstr(buf, ":, ");
	if (c)
		memmove(c + 1, c + 2, strlen(c + 2) + 1);
	return buf;
}
