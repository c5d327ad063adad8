/* Predicting a run's totals from its first N epochs, shared by `ctk analyze`
 * (which evaluates every predictor after N = 1 … K epochs) and the live
 * collector (which prints a prediction after K epochs and checks a budget).
 * Pure arithmetic: no SQLite, no printing, nothing kept between calls.
 *
 * To add a predictor: write a ctk_predict_fn in common/predict.c that
 * estimates the SUM of the m epochs still to come from the n observed values
 * x[0..n), with an interval of the nominal coverage it is given; add a line
 * to ctk_predictors[] (name, one-line description); add its case to
 * tests/unit/test_predict.c; rerun bench/predict_eval.sh and update
 * bench/RESULTS.md. CTK_PREDICT_DEFAULT names the one the evaluation chose.
 *
 * How a caller uses it (collector, after epoch n of `planned`):
 *   struct ctk_predict_input in = {.energy_j = e, .duration_s = d, .n = n,
 *                                  .planned = planned};
 *   in.ci.has_mean = 1; in.ci.mean_g_per_kwh = 250;   (optional)
 *   struct ctk_prediction p;
 *   if (ctk_predict(ctk_predictor_default(), &in, &p, &err) == 0 && p.energy_j.valid)
 *           ... p.energy_j.value, p.energy_j.lo/hi (when has_interval) ... */
#ifndef CTK_PREDICT_H
#define CTK_PREDICT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Most leading epochs skip-warmup may drop. */
#define CTK_WARMUP_MAX 10
/* Nominal coverage of every interval unless the caller asks for another. */
#define CTK_PREDICT_COVERAGE 0.95
/* The predictor the evaluation in bench/RESULTS.md ("prediction") chose. */
#define CTK_PREDICT_DEFAULT "level"

/* One predicted total. value is valid when valid; lo/hi when has_interval
 * (an interval needs enough epochs to estimate the spread: see each
 * predictor). Missing is never 0. */
struct ctk_estimate {
	double value, lo, hi;
	int valid, has_interval;
};

/* The carbon intensity known at prediction time (g CO2e per kWh).
 * - mean_g_per_kwh: energy-weighted mean over the observed epochs (what the
 *   series said up to now); used for the observed epochs' CO2 unless
 *   observed_co2_g is given, and for the rest of the run by persistence.
 * - observed_co2_g: exact CO2 of the observed epochs when the caller joined
 *   them with the series itself (optional).
 * - forecast: optional mean intensity over [from_ns, to_ns) from a forecast
 *   series; returns 0 and sets *g_per_kwh, or -1 when it has no value (then
 *   persistence is used). now_ns is the end of the last observed epoch; the
 *   rest of the run is assumed to take the predicted remaining duration.
 * No intensity at all (has_mean 0 and no observed_co2_g) → CO2 not valid. */
struct ctk_predict_intensity {
	double mean_g_per_kwh;
	int has_mean;
	double observed_co2_g;
	int has_observed_co2;
	int (*forecast)(void *ctx, int64_t from_ns, int64_t to_ns, double *g_per_kwh);
	void *forecast_ctx;
	int64_t now_ns;
};

/* What lies outside the epochs, for the whole-run prediction (optional;
 * valid 0: epochs only). before_j: the run's energy before the first epoch
 * (start-up); gap_j[0..ngap): energy between consecutive observed epochs
 * (validation, checkpoints, data loading), ngap = n - 1 normally (fewer
 * when epochs repeat). The rest of the run holds m more gaps and a tail
 * after the last epoch, each expected like the observed gaps. */
struct ctk_predict_outside {
	double before_j;
	const double *gap_j;
	int ngap;
	int valid;
};

struct ctk_predict_input {
	const double *energy_j;    /* n per-epoch energies (devices summed), J */
	const double *duration_s;  /* n per-epoch durations, s (may be NULL) */
	int n;                     /* epochs observed, >= 1 */
	int planned;               /* epochs planned in all, >= n */
	double coverage;           /* nominal interval coverage; 0 = CTK_PREDICT_COVERAGE */
	struct ctk_predict_intensity ci;
	struct ctk_predict_outside outside; /* optional: the whole run (outside epochs) */
};

struct ctk_prediction {
	struct ctk_estimate energy_j;    /* all planned epochs, J */
	struct ctk_estimate duration_s;  /* all planned epochs, s */
	struct ctk_estimate co2_g;       /* all planned epochs, g CO2e */
	double coverage;                 /* nominal coverage of the intervals */
	int used_energy;                 /* epochs the energy estimate rests on */
	int used_duration;               /* epochs the duration estimate rests on */
	int co2_forecast;                /* 1: the rest used the forecast, 0: persistence */
	double rest_g_per_kwh;           /* intensity assumed for the rest (when co2 valid) */
	/* Calibrated intervals (ctk_predict_calibrate): energy_cal is energy_j
	 * with the split-conformal interval (value ± q·scale·rest, when the predictor,
	 * N and coverage have a constant), run_energy_j the whole run's energy
	 * (observed so far + epochs to come + outside to come) with the
	 * conformal interval in lo/hi and the t interval (rest's and outside's
	 * half-widths combined in quadrature) in run_t. */
	struct ctk_estimate energy_cal;
	struct ctk_estimate run_energy_j, run_t;
	double run_observed_j;           /* whole run up to the end of epoch n, J */
	double run_epochs_rest_j;        /* epochs to come, J (value) */
	double run_outside_rest_j;       /* outside to come: m gaps + the tail, J */
	int run_outside_known;           /* 0: no gap observed yet (n = 1), outside to come taken as 0 */
	/* co2_g with the calibrated interval: the observed CO2 plus energy_cal's
	 * remaining part at the rest's intensity (when both are there). */
	struct ctk_estimate co2_cal;
	/* the calibrated intervals' group (CTK_CALIB_*) and scale, epochs and
	 * whole run (stored beside them: what bench/predict_calibrate.py reads) */
	int cal_group, run_cal_group;
	double cal_scale, run_cal_scale;
};

/* The estimate people and budgets are given (the collector's live line and
 * --budget, ctk_prediction_format): the energy / CO2 total with the
 * calibrated interval when there is one, else with the t interval. */
const struct ctk_estimate *ctk_prediction_energy(const struct ctk_prediction *p);
const struct ctk_estimate *ctk_prediction_co2(const struct ctk_prediction *p);


/* Estimate the sum of the next m epochs from x[0..n) (n >= 1, m >= 1) with
 * an interval of nominal coverage `coverage`; *used = epochs the estimate
 * rests on. Returns 0 or a negative ctk_err. */
typedef int (*ctk_predict_fn)(const double *x, int n, int m, double coverage,
			      struct ctk_estimate *rest, int *used);

struct ctk_predictor {
	const char *name;
	const char *description;
	ctk_predict_fn fn;
};

/* Split-conformal calibration (common/predict.c, ctk_predict_calib[]):
 * for predictor p, scope (0 epochs, 1 whole run), group
 * (ctk_predict_calib_group) and N observed epochs, the factor q such that
 * value ± q·scale·rest covered the measured total in a share `coverage` of
 * that group's calibration runs (rest = the predicted part still to come,
 * scale = ctk_predict_calib_scale / _run_scale). Returns 1 and *q, or 0 when
 * there is none (another coverage, an unknown predictor, a group the corpus
 * did not have at that N). N beyond the table uses its last N. The shift
 * and jump groups hold one q for every N (their runs are few per N). */
#define CTK_CALIB_N 10
enum { CTK_SCOPE_EPOCHS, CTK_SCOPE_RUN };
/* quiet: epochs agree (CV below the floor; always after one epoch); busy:
 * they vary; shift: they end in a new level (ctk_level_start); jump: the
 * last one differs from those before (a step or an outlier, not yet told
 * apart). */
enum { CTK_CALIB_QUIET, CTK_CALIB_BUSY, CTK_CALIB_SHIFT, CTK_CALIB_JUMP, CTK_CALIB_GROUPS };
extern const char *const ctk_calib_group_names[CTK_CALIB_GROUPS];
struct ctk_predict_calib {
	const char *predictor;
	double q[2][CTK_CALIB_GROUPS][CTK_CALIB_N];   /* [scope][group][N - 1] */
};
extern const struct ctk_predict_calib ctk_predict_calib[];
extern const double ctk_predict_calib_coverage;
int ctk_predict_calib_q(const struct ctk_predictor *p, int scope, int group, int n, double coverage, double *q);
/* The per-run scale the calibrated half-width is multiplied by
 * (q · scale · rest): the coefficient of variation (sample sd / mean) of
 * the epochs of the current level (all observed ones unless they end in a
 * new level), at least CTK_CALIB_SCALE_FLOOR; 1 when n < 2. For the whole
 * run the rest has two parts, epochs to come (epochs_rest) and gaps and tail
 * to come (outside_rest); the gaps' CV (at least CTK_CALIB_GAP_FLOOR) scales
 * theirs: scale = sqrt((cv_e·epochs_rest)² + (cv_g·outside_rest)²) / rest.
 * Floors and CTK_LEVEL_TOL chosen on the corpus (bench/RESULTS.md
 * "prediction"). */
#define CTK_CALIB_SCALE_FLOOR 0.02
#define CTK_CALIB_GAP_FLOOR 0.1
double ctk_predict_calib_scale(const double *x, int n);
double ctk_predict_calib_run_scale(const double *x, int n, const double *gap, int ngap, double epochs_rest,
				   double outside_rest);
int ctk_predict_calib_group(const double *x, int n);
/* Level shifts (a step in epoch cost: a learning-rate schedule, a
 * curriculum, progressive resizing): the observed epochs x[0..n) end in a
 * new level when the last two agree within CTK_LEVEL_TOL and differ by more
 * than that from the median of the epochs before the level began. Returns
 * the index where the current level begins, 0 when there is none (n < 3,
 * no shift). */
#define CTK_LEVEL_TOL 0.08
int ctk_level_start(const double *x, int n);
/* What the default predictor's calibrated 95 % intervals achieved on the
 * evaluation corpus (bench/predict_eval.sh: seed 7, 40 generated runs per
 * scenario and the 2 real carbontracker runs; N = 1 .. 10), whole run and
 * epochs only: over every prediction (ALL), over those made while the epoch
 * cost keeps its observed course (RUN, EPOCHS: every prediction but those
 * made before an unannounced step, which the interval does not claim to
 * cover), and before such a step (STEP). Source: bench/RESULTS.md
 * "prediction"; tests/e2e/predict_calib.sh recomputes them. The report's
 * methods and predictions table state them. */
#define CTK_CALIB_EVAL_RUNS 282
#define CTK_CALIB_ACHIEVED_RUN 0.958
#define CTK_CALIB_ACHIEVED_EPOCHS 0.957
#define CTK_CALIB_ACHIEVED_ALL 0.852
#define CTK_CALIB_ACHIEVED_STEP 0.131

/* The NULL-terminated table of predictors (first: carbontracker's rule). */
extern const struct ctk_predictor ctk_predictors[];

/* A predictor by name, or NULL. */
const struct ctk_predictor *ctk_predictor_find(const char *name);
/* The one named by CTK_PREDICT_DEFAULT. */
const struct ctk_predictor *ctk_predictor_default(void);

/* Predict energy, duration and CO2 of all in->planned epochs with p.
 * Totals are the observed epochs' sum plus p's estimate of the rest; when
 * n == planned there is nothing to predict and the totals are exact.
 * CTK_EINPUT for n < 1, planned < n or a non-finite input. */
int ctk_predict(const struct ctk_predictor *p, const struct ctk_predict_input *in,
		struct ctk_prediction *out, struct ctk_error *err);

/* Footprint budgets (the collector's --budget warn|stop|ask): compare a
 * predicted total with a limit. used is what was measured so far (e.g. the
 * whole run's energy up to now, outside epochs included).
 *   CTK_BUDGET_EXCEEDED  used > budget already
 *   CTK_BUDGET_OVER      the prediction's value > budget
 *   CTK_BUDGET_AT_RISK   value <= budget < hi (the interval reaches past it)
 *   CTK_BUDGET_OK        otherwise (also when e is not valid) */
enum ctk_budget_verdict { CTK_BUDGET_OK, CTK_BUDGET_AT_RISK, CTK_BUDGET_OVER, CTK_BUDGET_EXCEEDED };
enum ctk_budget_verdict ctk_budget_check(const struct ctk_estimate *e, double used, double budget);
const char *ctk_budget_verdict_name(enum ctk_budget_verdict v);

/* One line for people, carbontracker-like, into buf (no newline):
 * "after 2/12 epochs (recent, 95 % interval): energy 0.1234 kWh [0.1200, 0.1300]
 *  calibrated, duration 0:10:00 [0:09:50, 0:10:10], CO2 30.85 g [30.00, 32.50]
 *  calibrated": energy and CO2 with ctk_prediction_energy/co2's interval
 * ("calibrated" when it is the calibrated one), duration with the t interval.
 * Parts that are not valid are left out. Returns buf. */
char *ctk_prediction_format(char *buf, size_t size, const struct ctk_predictor *p,
			    const struct ctk_predict_input *in, const struct ctk_prediction *out);

/* Epochs at the start of x[0..n) that skip-warmup drops. */
int ctk_warmup_epochs(const double *x, int n);

#endif
