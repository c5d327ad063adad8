/* CO2 of a run as stored by the intensity join (table run_co2, see
 * schemas/schema.sql), and the intensity series that belongs to a run.
 * The report never computes CO2 itself: when a run has no run_co2 row, every
 * CO2 figure is left out with a note. To fill CO2 in, the analysis writes one
 * run_co2 row per run (co2_g with PUE applied, the PUE and where it came
 * from, the intensity source/zone/signal/year/resolution, and the share of
 * energy without an intensity value). */
#ifndef CTK_REPORT_CO2_H
#define CTK_REPORT_CO2_H

#include <sqlite3.h>
#include <stdint.h>

#include "common/err.h"
#include "common/intensity.h"   /* struct ctk_series_info */

struct ctk_run_co2 {
	int valid;                 /* a run_co2 row exists (the run was analysed) */
	double co2_g, pue, resolution_s, no_intensity_share;
	int has_co2, has_pue, has_resolution, has_share, has_year, has_series;
	int year;                  /* year of the intensity data, never the run's */
	int64_t series_id;
	char pue_source[128], zone[64], source[128], signal[16];
	double epochs_co2_g, outside_co2_g, default_g_per_kwh;
	int has_epochs_co2, has_outside_co2, has_default;
	char fill[16];             /* fill policy the CO2 was computed with */
	char note[320];            /* why co2_g is NULL (in words), or what was filled */
	double co2_u_g, epochs_co2_u_g, outside_co2_u_g; /* their bounds (common/uncertainty.h) */
	int has_co2_u, has_epochs_co2_u, has_outside_co2_u;
};

/* Read run_id's stored CO2; out->valid = 0 when there is none (not an error).
 * valid with has_co2 = 0: analysed, CO2 not known; note says why. */
int ctk_run_co2_get(sqlite3 *db, int64_t run_id, struct ctk_run_co2 *out, struct ctk_error *err);

/* The intensity series for a run: run_co2.series_id when stored, else the
 * series of the run's zone (run_co2.zone, else runs.zone) with values
 * overlapping [t0, t1] — an average signal before a marginal one, history
 * before forecast, the newest import first; yearly fallbacks are not a time
 * series and are never drawn. *series_id = -1 when there is none. */
int ctk_run_intensity_series(sqlite3 *db, int64_t run_id, int64_t t0_ns, int64_t t1_ns,
			     int64_t *series_id, struct ctk_error *err);


/* The intensity a run was priced at, as one number: stored CO2 / (energy x
 * PUE x share of the energy with a value). When no series value lies
 * inside the run (a yearly or constant value priced it) charts draw it as a
 * flat line. *found = 0 when the run has no stored CO2 or no energy. */
int ctk_run_flat_intensity(sqlite3 *db, int64_t run_id, double *g_per_kwh, int *found, struct ctk_error *err);

#endif
