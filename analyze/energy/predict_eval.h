/* Evaluating the predictors of common/predict.h on an analysed run: after
 * each N = 1 … K observed epochs, every predictor predicts the run's energy,
 * duration and CO2 for its planned epochs; each prediction is stored in
 * `predictions` with its interval, the measured total and the relative error
 * ((value − actual) / actual), so `ctk evaluate` can summarise across runs. */
#ifndef CTK_PREDICT_EVAL_H
#define CTK_PREDICT_EVAL_H

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>

#include "analyze/energy/analysis.h"
#include "analyze/energy/co2.h"
#include "common/err.h"
#include "common/predict.h"

/* The energy outside epochs, per gap between windows, collected from the
 * integration's pieces (ctk_outside_piece as the piece hook; it passes each
 * piece on to next, e.g. the CO2 join): gap_j[g] is the energy (all devices)
 * before window g (g = 0: before the first; g = nwin: after the last). */
struct ctk_outside_acc {
	const struct ctk_span *win;
	int nwin;
	double *gap_j;      /* nwin + 1 entries, owned */
	ctk_piece_fn next;  /* may be NULL */
	void *next_ctx;
};
/* r loaded (ctk_analysis_load), not yet integrated. */
int ctk_outside_init(struct ctk_outside_acc *a, const struct ctk_run_result *r, ctk_piece_fn next, void *next_ctx,
		     struct ctk_error *err);
int ctk_outside_piece(void *ctx, int k, int64_t start_ns, int64_t end_ns, double energy_j, struct ctk_error *err);
void ctk_outside_release(struct ctk_outside_acc *a);

enum ctk_pred_target { CTK_PT_ENERGY, CTK_PT_DURATION, CTK_PT_CO2, CTK_PT_COUNT };

/* The names stored in predictions.target, indexed by enum ctk_pred_target. */
extern const char *const ctk_pred_target_names[CTK_PT_COUNT];

struct ctk_predict_opts {
	int from_n, to_n;  /* --predict-after A..B; 0, 0: every N below the epochs */
	int planned;       /* --epochs; 0: the run's planned_epochs, else its epochs */
	double coverage;   /* nominal coverage; 0: CTK_PREDICT_COVERAGE */
	const struct ctk_outside_acc *outside; /* optional: whole-run predictions */
};

struct ctk_pred_row {
	int after_n;
	const struct ctk_predictor *predictor;
	enum ctk_pred_target target;
	struct ctk_estimate est;
	struct ctk_estimate cal;   /* est with the conformal interval (energy only) */
	double observed;           /* the observed epochs' energy (energy only) */
	int cal_group;             /* cal's group and scale (CTK_CALIB_*, energy only) */
	double cal_scale;
	double actual;
	int has_actual;
	int used;          /* epochs the estimate rests on (skip-warmup drops some) */
};

/* A whole-run energy prediction (table run_predictions). */
struct ctk_run_pred_row {
	int after_n, used;
	const struct ctk_predictor *predictor;
	struct ctk_estimate est, t;   /* conformal interval; t interval */
	double observed_j, epochs_rest_j, outside_rest_j;
	int outside_known;
	int cal_group;                /* est's calibration group and scale (CTK_CALIB_*) */
	double cal_scale;
	double actual;
	int has_actual;
};

struct ctk_run_predictions {
	int64_t run_id;
	int planned, observed;     /* planned epochs; epochs in the store */
	double coverage;           /* nominal coverage of lo..hi */
	int has_intensity;         /* the CO2 join priced every joule of the epochs */
	char zone[64];
	int nrows;
	struct ctk_pred_row *rows;
	int nrun;                  /* whole-run rows (only with opts.outside) */
	struct ctk_run_pred_row *run_rows;
};

/* Parse "K" (1..K), "A..B" or "A-B" for --predict-after. */
int ctk_predict_parse_range(const char *s, int *from_n, int *to_n, struct ctk_error *err);

/* Predict after every N of o's range for the analysed run r. CO2 comes
 * from co2, the run's finished CO2 join (may be NULL or without a zone: no
 * CO2 then): the observed epochs' CO2 and the measured total are its
 * per-epoch figures (PUE applied once), the rest of the run uses its
 * forecast, else the observed intensity. The measured CO2 (actual) is thus
 * run_co2.epochs_co2_g, and known exactly when that is. out is filled and
 * must be released with ctk_run_predictions_free. */
int ctk_predict_run(const struct ctk_run_result *r, struct ctk_co2_result *co2, const struct ctk_predict_opts *o,
		    struct ctk_run_predictions *out, struct ctk_error *err);

/* Replace the run's rows in predictions (inside the caller's transaction). */
int ctk_predict_store(sqlite3 *db, const struct ctk_run_predictions *p, struct ctk_error *err);

void ctk_run_predictions_free(struct ctk_run_predictions *p);

/* The rows as a JSON array (for `ctk analyze --json`, key "predictions"). */
cJSON *ctk_predictions_json(const struct ctk_run_predictions *p);

/* The whole-run rows as a JSON array (`ctk analyze --json`, key
 * "run_predictions"; empty without opts.outside). */
cJSON *ctk_run_predictions_json(const struct ctk_run_predictions *p);

/* A row's relative error (predicted - actual) / actual into *re: 1 when
 * both are known and actual is non-zero, else 0 (unknown, *re untouched). */
int ctk_pred_row_rel_err(const struct ctk_pred_row *w, double *re);

#endif
