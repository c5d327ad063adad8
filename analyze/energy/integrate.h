/* Energy of a device over time windows, from its stored readings, following
 * DESIGN.md "Measurement rules": the cumulative counter's difference
 * (interpolated linearly at window edges) where both neighbouring readings
 * carry it, else the trapezoid over power. Streams readings one at a time,
 * so memory does not grow with run length. */
#ifndef CTK_INTEGRATE_H
#define CTK_INTEGRATE_H

#include <sqlite3.h>
#include <stdint.h>

#include "common/err.h"
#include "common/samples.h"

/* A window [start_ns, end_ns) of a run; windows are sorted by start. */
struct ctk_span {
	int64_t idx;
	int64_t start_ns, end_ns;
};

/* Accumulated energy of one device in one window (or the whole run). */
struct ctk_energy {
	double energy_j;
	double covered_ns;   /* time with readings at most 2 periods apart */
	double seen_ns;      /* time between any two readings (integrated at all) */
	int used_counter, used_power;
};

/* Called for every piece of energy: the part of a segment inside window k,
 * or outside every window (k = -1), spent uniformly over [start, end).
 * Windows must not overlap for the outside pieces to be right (epochs). */
typedef int (*ctk_piece_fn)(void *ctx, int k, int64_t start_ns, int64_t end_ns, double energy_j,
			    struct ctk_error *err);

struct ctk_integrator {
	struct ctk_integrator *also; /* optional: gets every reading too (baselines) */
	ctk_piece_fn on_piece;    /* optional (CO2 join) */
	void *piece_ctx;
	int piece_rc;             /* first error returned by on_piece */
	struct ctk_error *piece_err;
	const struct ctk_span *win;
	int nwin, lo;
	double max_gap_ns;       /* 2 sampling periods: longer gaps are not "covered" */
	struct ctk_reading prev;
	int has_prev;
	int64_t readings, first_ns, last_ns;
	struct ctk_energy total;  /* first to last reading */
	struct ctk_energy *per;   /* nwin entries, caller-owned */
};

/* per must hold nwin zeroed entries; period_s is the device's sampling period. */
void ctk_integrator_init(struct ctk_integrator *in, const struct ctk_span *win, int nwin,
			 double period_s, struct ctk_energy *per);
/* Set the on_piece hook (after init: init clears it). */
void ctk_integrator_hook(struct ctk_integrator *in, ctk_piece_fn fn, void *ctx, struct ctk_error *err);
void ctk_integrator_add(struct ctk_integrator *in, const struct ctk_reading *r);

/* 'counter', 'trapezoid', 'mixed' or 'none' for an accumulated energy. */
const char *ctk_energy_method(const struct ctk_energy *e);

/* Share 0..1 of [start,end] covered; a zero-length window counts as covered
 * when readings surround it. */
double ctk_energy_coverage(const struct ctk_energy *e, int64_t start_ns, int64_t end_ns);

/* Median sampling period of a device (s) from its chunks; 0 if unknown. */
int ctk_device_period(sqlite3 *db, int64_t device_id, double *period_s, struct ctk_error *err);

/* Stream every reading of device_id through a fresh integrator (a hook and
 * an `also` integrator already set on *in are kept; `also` must have been
 * initialised by the caller). */
int ctk_integrate_device(sqlite3 *db, int64_t device_id, const struct ctk_span *win, int nwin,
			 struct ctk_integrator *in, struct ctk_energy *per, struct ctk_error *err);

#endif
