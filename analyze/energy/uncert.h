/* The uncertainty of an analysed run's energy and CO2 figures (the bound of
 * common/uncertainty.h): per device and epoch, summed over devices and
 * epochs (bounds add), carried to CO2 as the same relative bound (the
 * intensity's own uncertainty is not included), and stored beside each
 * figure (the *_u_* columns of schemas/migrate-2.sql). */
#ifndef CTK_ANALYZE_UNCERT_H
#define CTK_ANALYZE_UNCERT_H

#include <sqlite3.h>

#include "analyze/energy/analysis.h"
#include "analyze/energy/co2.h"
#include "analyze/energy/predict_eval.h"

/* Bound (J) of device i's energy in epoch k, or over the whole run (k = -1);
 * *gap_s (may be NULL) gets its gap time. */
double ctk_dev_energy_u_j(const struct ctk_run_result *r, int i, int k, double *gap_s);
/* Sums over devices: epoch k, the whole run, all epochs, the part outside
 * epochs (a difference: the run's bound plus the epochs'). */
double ctk_epoch_energy_u_j(const struct ctk_run_result *r, int k, double *gap_s);
double ctk_run_energy_u_j(const struct ctk_run_result *r, double *gap_s);
double ctk_run_epochs_energy_u_j(const struct ctk_run_result *r);
double ctk_run_outside_u_j(const struct ctk_run_result *r);
/* Bound of the whole run's energy up to the end of its n-th window (what a
 * whole-run prediction after n epochs observed): the first n windows'
 * bounds plus the bound of everything outside windows (a conservative cover
 * of the outside pieces before that end). */
/* Bound of one host's energy (a merged run's node): its devices' bounds added. */
double ctk_run_host_energy_u_j(const struct ctk_run_result *r, const char *host);
double ctk_run_observed_u_j(const struct ctk_run_result *r, int n);

/* CO2 bounds (g, PUE applied), valid where the CO2 itself is known: epoch k,
 * the whole run, the priced part, the epochs (their sum), the rest (the
 * run's bound plus the epochs'). */
struct ctk_co2_u {
	double co2_g, priced_g, epochs_g, outside_g;
};
double ctk_epoch_co2_u_g(const struct ctk_run_result *r, const struct ctk_co2_result *c, int k);
void ctk_run_co2_u(const struct ctk_run_result *r, const struct ctk_co2_result *c, struct ctk_co2_u *u);

/* Bounds of the baseline figures (ctk_run_baseline): idle power, gross,
 * idle and net energy. */
struct ctk_baseline_u {
	double idle_w, gross_j, idle_j, net_j;
};
void ctk_run_baseline_u(const struct ctk_run_result *r, const struct ctk_baseline *b, struct ctk_baseline_u *u);

/* The bound of a prediction's measured "actual" (energy J or CO2 g): the
 * epochs' bound when actual is the epochs' total, the run's when it is the
 * run's; 0 (returns 0) when it is neither. */
int ctk_actual_u(const struct ctk_run_result *r, const struct ctk_co2_result *c, int co2, double actual,
		 double *u);

/* Write the bounds beside the run's stored figures (caller's transaction,
 * after ctk_analysis_store, ctk_co2_store and ctk_predict_store). */
int ctk_uncert_store(sqlite3 *db, const struct ctk_run_result *r, const struct ctk_co2_result *c,
		     struct ctk_error *err);

#endif
