/* CO2 of an analysed run: the energy pieces of the integration (every piece
 * of every device, inside an epoch or not) are priced by the intensity join
 * (join.h) with step semantics, PUE applied once to the result. Gives CO2 per
 * epoch and per run, the share of energy without intensity, and both mean
 * intensities; stores run_co2 and epoch_co2 rows. Library code: no printing. */
#ifndef CTK_ANALYZE_CO2_H
#define CTK_ANALYZE_CO2_H

#include <sqlite3.h>
#include <stdint.h>

#include "analyze/energy/integrate.h"
#include "analyze/energy/join.h"
#include "common/err.h"

struct ctk_co2_opts {
	const char *zone;        /* --zone; NULL: the run's zone (runs.zone) */
	const char *signal;      /* --signal; NULL: the zone's average signal */
	enum ctk_fill fill;      /* --fill */
	double default_g_per_kwh;/* --default-intensity (with --fill default) */
	int has_default;
	double pue;              /* applied once, to the CO2 */
	const char *pue_source;
};

struct ctk_co2_result {
	int have;                /* 1: priced; 0: no zone/series (see note) */
	char note[256];          /* why there is no CO2 */
	char zone[64];
	int nwin;
	double *epoch_g;         /* per epoch, PUE applied */
	double *epoch_missing_j; /* per epoch, energy without intensity */
	double co2_g;            /* whole run (first to last reading), PUE applied */
	struct ctk_join_result res;  /* the join's totals (before PUE) */
	int64_t series_id;       /* the series that priced most of it, -1 if unknown */
	char source[128];
	int year;
	double resolution_s;
	struct ctk_join *join;
};

/* Prepare pricing for run_id with nwin epochs. Without a zone (option or
 * run) c->have = 0 and a note says so (not an error); a zone given with
 * --zone but without a usable series is CTK_EINPUT. */
int ctk_co2_begin(sqlite3 *db, int64_t run_id, int nwin, const struct ctk_co2_opts *o,
		  struct ctk_co2_result *c, struct ctk_error *err);

/* The piece hook for ctk_analysis_integrate (ctx = the ctk_co2_result). */
int ctk_co2_piece(void *ctx, int k, int64_t start_ns, int64_t end_ns, double energy_j,
		  struct ctk_error *err);

/* Totals and means once every piece is in. */
int ctk_co2_finish(sqlite3 *db, struct ctk_co2_result *c, const struct ctk_co2_opts *o,
		   struct ctk_error *err);

/* Replace the run's run_co2/epoch_co2 rows (caller's transaction); win[k]
 * is epoch k (its idx is the stored epoch number). */
int ctk_co2_store(sqlite3 *db, int64_t run_id, const struct ctk_span *win, const struct ctk_co2_result *c,
		  const struct ctk_co2_opts *o, struct ctk_error *err);

void ctk_co2_release(struct ctk_co2_result *c);

#endif
