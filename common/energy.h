/* The energy kernel every tool shares (DESIGN.md "Measurement rules"): the
 * energy of an interval from a device's readings, as the difference of the
 * cumulative counter (interpolated linearly between the two readings around
 * an edge) where both readings of a segment carry it, else the trapezoid over
 * timestamped power; with coverage (time whose readings are at most 2
 * sampling periods apart) and gaps. analyze/energy/ streams stored readings
 * through it; collector/epoch_energy.c uses the same segment rule live. */
#ifndef CTK_ENERGY_H
#define CTK_ENERGY_H

#include <stdint.h>

#include "err.h"
#include "samples.h"

/* A window [start_ns, end_ns) of a run; windows are sorted by start.
 * attempt: 1, 2, … when an epoch number was seen again (a resumed run, see
 * docs/HACKING.md "Repeated epochs"); first: no earlier window has this idx. */
struct ctk_span {
	int64_t idx;
	int64_t start_ns, end_ns;
	int attempt, first;
};

/* Accumulated energy of one device in one window (or the whole run). */
struct ctk_energy {
	double energy_j;
	double covered_ns;   /* time with readings at most 2 periods apart */
	double seen_ns;      /* time between any two readings (integrated at all) */
	int used_counter, used_power;
};

/* The segment rule, the single place that decides how two consecutive
 * readings a→b give energy. Returns 1 when the segment carries energy (b is
 * later and both have the counter, not decreasing, or both have power);
 * *counter says which signal. */
int ctk_segment_kind(const struct ctk_reading *a, const struct ctk_reading *b, int *counter);

/* Energy (J) of the segment a→b between x and y (a.t <= x <= y <= b.t): the
 * counter's difference spread uniformly in time, or the exact integral of
 * the power interpolated linearly (the trapezoid). */
double ctk_segment_energy_j(const struct ctk_reading *a, const struct ctk_reading *b, int counter,
			    int64_t x, int64_t y);

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

/* per must hold nwin zeroed entries; period_s is the device's sampling
 * period (0: unknown, every segment counts as covered). */
void ctk_integrator_init(struct ctk_integrator *in, const struct ctk_span *win, int nwin,
			 double period_s, struct ctk_energy *per);
/* Set the on_piece hook (after init: init clears it). */
void ctk_integrator_hook(struct ctk_integrator *in, ctk_piece_fn fn, void *ctx, struct ctk_error *err);
/* Add the next reading (times must not go backwards). */
void ctk_integrator_add(struct ctk_integrator *in, const struct ctk_reading *r);

/* 'counter', 'trapezoid', 'mixed' or 'none' for an accumulated energy. */
const char *ctk_energy_method(const struct ctk_energy *e);

/* Share 0..1 of [start,end] covered; a zero-length window counts as covered
 * when readings surround it. */
double ctk_energy_coverage(const struct ctk_energy *e, int64_t start_ns, int64_t end_ns);

#endif
