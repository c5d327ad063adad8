/* CO2 of an analysed run: the energy pieces of the integration (every piece
 * of every device, inside an epoch or not) are priced by the one intensity
 * rule (common/intensity.h) with step semantics, PUE applied once to the
 * result (ctk_pue_apply). Gives CO2 per epoch and per run, the epochs' and
 * the outside part, the share of energy without intensity, and both mean
 * intensities; stores run_co2 and epoch_co2 rows. A CO2 that is not known
 * (no zone, no series, energy without an intensity value) is NULL with a
 * note in words, never 0. Library code: no printing. */
#ifndef CTK_ANALYZE_CO2_H
#define CTK_ANALYZE_CO2_H

#include <sqlite3.h>
#include <stdint.h>

#include "common/integrate.h"
#include "common/err.h"
#include "common/intensity.h"

struct ctk_co2_opts {
	const char *zone;        /* the zone (flag or stored); NULL: none */
	int zone_from_flag;      /* 1: given with --zone now (no series for it is an error) */
	const char *signal;      /* NULL: the zone's average signal */
	enum ctk_fill fill;
	double default_g_per_kwh;/* with fill default */
	int has_default;
	double pue;              /* applied once, to the CO2 */
	const char *pue_source;
};

struct ctk_co2_result {
	int have;                /* 1: the join ran (zone with a series) */
	int known;               /* 1: co2_g is the run's CO2 (every joule priced) */
	char note[320];          /* why co2_g is not known, in words ("" when known; no "CO2 not known:" prefix) */
	char zone[64];
	int nwin;
	double *epoch_g;         /* per epoch, PUE applied (known when epoch_missing_j[k] == 0) */
	double *epoch_missing_j; /* per epoch, energy without intensity */
	double co2_g;            /* whole run (first to last reading), PUE applied; when known */
	double priced_g;         /* CO2 of the priced energy, PUE applied (co2_g when known) */
	double epochs_g, outside_g; /* the epochs' part and the rest, PUE applied */
	struct ctk_join_result res;  /* the join's totals (before PUE) */
	int64_t series_id;       /* the series that priced most of it, -1 if unknown */
	char source[128];
	int year;                /* year of that series' data; 0: not known */
	double resolution_s;
	double pue;              /* the PUE applied */
	struct ctk_join *join;
};

/* Prepare pricing for run_id with nwin epochs. Without a zone c->have = 0
 * and a note says so (not an error); a zone given with --zone but without a
 * usable series is CTK_EINPUT. */
int ctk_co2_begin(sqlite3 *db, int64_t run_id, int nwin, const struct ctk_co2_opts *o,
		  struct ctk_co2_result *c, struct ctk_error *err);

/* The piece hook for ctk_analysis_integrate (ctx = the ctk_co2_result). */
int ctk_co2_piece(void *ctx, int k, int64_t start_ns, int64_t end_ns, double energy_j,
		  struct ctk_error *err);

/* Totals and means once every piece is in. */
int ctk_co2_finish(sqlite3 *db, struct ctk_co2_result *c, const struct ctk_co2_opts *o,
		   struct ctk_error *err);

/* Replace the run's run_co2/epoch_co2 rows (caller's transaction); win[k]
 * is epoch k (its idx is the stored epoch number). A run_co2 row is written
 * even when the CO2 is not known: co2_g NULL, note saying why. */
int ctk_co2_store(sqlite3 *db, int64_t run_id, const struct ctk_span *win, const struct ctk_co2_result *c,
		  const struct ctk_co2_opts *o, struct ctk_error *err);

/* The intensity (g/kWh, PUE applied) the rule gives as a forecast over
 * [from_ns, to_ns) (see ctk_join_forecast); -1 when none. For predictions. */
int ctk_co2_forecast(void *ctx, int64_t from_ns, int64_t to_ns, double *g_per_kwh);

void ctk_co2_release(struct ctk_co2_result *c);

#endif
