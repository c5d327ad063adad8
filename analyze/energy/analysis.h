/* The energy analysis of one run: per-device whole-run energy, per-epoch
 * energy per device, the part outside epochs, and coverage. Computed from the
 * stored readings (integrate.h) and written back to epoch_energy and
 * device_energy in one transaction. Printing lives in cmd_analyze.c. */
#ifndef CTK_ANALYSIS_H
#define CTK_ANALYSIS_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "common/integrate.h"
#include "common/err.h"
#include "common/uncertainty.h"

struct ctk_dev_result {
	int64_t device_id;
	char kind[16], name[128], uuid[128], bus_id[64], flags[64];
	char host[128];               /* "" when not recorded */
	int idx, has_idx;
	double period_s;
	double power_limit_w;         /* valid when has_power_limit: bounds power in gaps */
	int has_power_limit;
	struct ctk_resolution res;    /* its readings' resolution (set by ctk_analysis_integrate) */
	struct ctk_integrator in;     /* in.total: first to last reading */
	struct ctk_energy *per;       /* one per epoch */
	struct ctk_integrator bin;    /* baseline windows */
	struct ctk_energy *bper;      /* one per baseline window */
};

struct ctk_run_result {
	int64_t run_id;
	char label[256], source[64], host[128], tz[64];
	int64_t started_ns, ended_ns;
	int has_span, simulated, planned_epochs;
	int nwin;
	struct ctk_span *win;         /* epochs (every attempt), sorted by start */
	int attempts_repeated;        /* windows that repeat an epoch number (attempt > 1) */
	int64_t *items;               /* per epoch, -1 if unknown */
	int nbase;
	struct ctk_span *base;        /* baseline (idle) windows, sorted by start */
	int ndev;
	struct ctk_dev_result *dev;
	int nhosts;                   /* distinct device hosts (> 1: a merged multi-node run) */
};

/* Analyse run_id; out is filled and must be released with ctk_run_result_free. */
int ctk_analysis_run(sqlite3 *db, int64_t run_id, struct ctk_run_result *out, struct ctk_error *err);

/* The same in two steps, so a caller can see the epochs before the readings
 * are integrated and attach a piece hook (the CO2 join): load the run, its
 * epochs and devices; then integrate every device, handing each piece of
 * energy to fn (may be NULL). */
int ctk_analysis_load(sqlite3 *db, int64_t run_id, struct ctk_run_result *out, struct ctk_error *err);
int ctk_analysis_integrate(sqlite3 *db, struct ctk_run_result *r, ctk_piece_fn fn, void *ctx,
			   struct ctk_error *err);

/* Replace the run's rows in epoch_energy and device_energy (caller's transaction). */
int ctk_analysis_store(sqlite3 *db, const struct ctk_run_result *r, struct ctk_error *err);

void ctk_run_result_free(struct ctk_run_result *r);

/* Energy (J) of the devices on host (a node of a merged run), whole run. */
double ctk_run_host_energy_j(const struct ctk_run_result *r, const char *host);

/* Sums over devices. */
double ctk_run_energy_j(const struct ctk_run_result *r);
double ctk_run_epochs_energy_j(const struct ctk_run_result *r);
/* 1 when every device has energy in every epoch, so the epochs' total (and
 * what lies outside them) is known; else those are unknown (NULL). */
int ctk_run_epochs_known(const struct ctk_run_result *r);
/* Energy of epoch k over all devices; *complete = 0 if a device had none. */
double ctk_epoch_energy_j(const struct ctk_run_result *r, int k, int *complete);
/* Lowest device coverage of epoch k / of the whole run. */
double ctk_epoch_coverage(const struct ctk_run_result *r, int k);
double ctk_run_coverage(const struct ctk_run_result *r);

/* Baseline (idle) figures: the idle power of all devices measured in the
 * baseline windows, and for the part of the run after the last baseline
 * window, gross energy, idle energy (idle power × that time) and net energy
 * (gross − idle). Returns 0 when the run has no usable baseline. */
struct ctk_baseline {
	double idle_w, baseline_s, span_s, gross_j, idle_j, net_j;
	int64_t after_ns;             /* the gross/net part starts here */
};
int ctk_run_baseline(const struct ctk_run_result *r, struct ctk_baseline *b);

/* Time sanity: when the run's epoch windows and its readings do not
 * overlap, or less than half of the epochs' time has readings, writes a
 * one-line warning into msg (the offset seen between the two, and the
 * likely cause: zone-less times read in another zone, --tz) and returns 1;
 * else 0. The command front-end prints it. */
int ctk_run_time_check(const struct ctk_run_result *r, char *msg, size_t size);

/* Run ids of the store (all, or the one named by spec), caller frees *ids. */
int ctk_analysis_run_ids(sqlite3 *db, const char *spec, int64_t **ids, int *n, struct ctk_error *err);

#endif
