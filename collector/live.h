/* The live part of `ctk collect --epochs N`: after --predict-after K
 * completed epochs and after each later one, predict the run's totals with
 * the default predictor of common/predict.h (the code `ctk analyze` uses)
 * from the epochs' energies (collector/epoch_energy.h) and durations, and
 * check the --budget-kwh / --budget-g limits with ctk_budget_check. Pure:
 * it formats lines and says what to do; collect.c acts and main prints. */
#ifndef CTK_COLLECTOR_LIVE_H
#define CTK_COLLECTOR_LIVE_H

#include "collector/epoch_energy.h"
#include "common/predict.h"

enum ctk_on_budget { CTK_ON_BUDGET_WARN, CTK_ON_BUDGET_STOP, CTK_ON_BUDGET_ASK };

struct ctk_live_opts {
	int planned;               /* --epochs N (0: no live prediction) */
	int predict_after;         /* --predict-after K (default 1) */
	double budget_kwh, budget_g;
	int has_budget_kwh, has_budget_g;
	enum ctk_on_budget on_budget;
	int64_t grace_ns;          /* --grace: SIGKILL this long after SIGTERM */
	double intensity_g_per_kwh;/* --intensity, or the store's latest value of --zone */
	int has_intensity;
	char intensity_src[160];   /* where the intensity came from, in words */
};

struct ctk_live {
	struct ctk_live_opts o;
	double *e, *d;             /* completed epochs' energy (J) and duration (s) */
	int64_t *idx;              /* their numbers: a number seen again adds to its epoch */
	int n, cap;
	int incomplete;            /* an observed epoch lacks a device's energy */
	int budget_done;           /* the budget action was taken (once per run) */
	int risk_noted;
	struct ctk_prediction last;/* the latest prediction (for `ctk mark status`) */
	int has_last, last_after_n, last_planned;
};

/* What one completed epoch gave. */
struct ctk_live_step {
	int predicted;             /* line/exact hold a prediction */
	char line[900];            /* for people, carbontracker-like */
	char exact[400];           /* key=value with full precision (--stats) */
	enum ctk_budget_verdict verdict; /* worst of the budgets */
	int act;                   /* verdict over/exceeded and no action taken yet */
	int at_risk;               /* at risk, noted once (no action) */
	char why[400];             /* the budget verdict in words */
	const char *target;        /* "energy" or "co2" (the budget that tripped) */
	double budget, predicted_total, used;  /* in kWh or g, as target */
	struct ctk_prediction p;
};

void ctk_live_init(struct ctk_live *l, const struct ctk_live_opts *o);
void ctk_live_free(struct ctk_live *l);

/* One completed epoch window; used_j = the whole run's energy so far (all
 * devices, outside epochs included). A window whose epoch number was seen
 * before (a resumed run, a checkpoint line the --epoch-regex matched) adds
 * its energy and duration to that epoch, as `ctk analyze` does
 * (docs/HACKING.md "Repeated epochs"). 0 or CTK_ENOMEM. */
int ctk_live_epoch(struct ctk_live *l, const struct ctk_ee_result *r, double used_j, struct ctk_live_step *out);

#endif
