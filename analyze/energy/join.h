/* The time join of energy with carbon intensity: CO2 = Σ E_i × CI(t_i).
 * Intensity is a step function per (zone, signal): a stored value holds over
 * [start_ns, end_ns). An energy interval that spans several steps is split in
 * proportion to time. Where series overlap, a measured value (estimated = 0)
 * beats an estimated/forecast one, then the newer series (higher series_id,
 * i.e. imported later) beats the older. Yearly series are never part of the
 * step function; they only serve --fill default.
 *
 * Streaming: open a join, feed intervals one by one (any order; in time
 * order is fastest — the join keeps only ~2 days of intensity in memory),
 * then finish. Or use ctk_join_run with an iterator callback.
 *
 *   struct ctk_join *j;
 *   struct ctk_join_opts o = {.zone = "DE", .fill = CTK_FILL_NONE};
 *   ctk_join_open(db, &o, &j, &err);
 *   for each sample interval:  ctk_join_add(j, t0, t1, e_j, &piece, &err);  // piece: per-epoch sums
 *   ctk_join_finish(j, &res, &err);   // totals, means, shares
 *   ctk_join_free(j);
 *
 * PUE: apply it once, by the caller — either to every energy_j fed in or to
 * the resulting co2_g/energies, never both. Library code: never prints. */
#ifndef CTK_JOIN_H
#define CTK_JOIN_H

#include <sqlite3.h>
#include <stdint.h>

#include "common/err.h"

enum ctk_fill {
	CTK_FILL_NONE = 0,   /* energy without intensity stays unpriced (reported as missing) */
	CTK_FILL_PREVIOUS,   /* the last stored value before the gap (none before: stays missing) */
	CTK_FILL_DEFAULT,    /* a yearly value: opts.default_g_per_kwh, else the zone's stored yearly series */
};

struct ctk_join_opts {
	const char *zone;            /* required: intensity_series.zone */
	/* lifecycle | direct | marginal, or NULL: the zone's average signal
	 * (lifecycle if stored, else direct; a zone with only marginal series
	 * must ask for it). A list mixing marginal and average ("lifecycle,
	 * marginal") is refused with CTK_EUSAGE: never mix them in one number. */
	const char *signal;
	enum ctk_fill fill;
	double default_g_per_kwh;    /* CTK_FILL_DEFAULT: this value, when has_default */
	int has_default;
	/* look intensity up at t + shift_ns (what-if: the same run started
	 * earlier or later); first_ns/last_ns and the time mean are shifted too */
	int64_t shift_ns;
};

/* What one ctk_join_add priced (for per-epoch or per-device sums). */
struct ctk_join_piece {
	double co2_g;                /* over covered + filled energy */
	double covered_j;            /* energy priced with a stored value */
	double filled_j;             /* energy priced by the fill policy */
	double missing_j;            /* energy left unpriced */
	double estimated_j;          /* part of covered_j priced with estimated/forecast values */
};

struct ctk_join_result {
	struct ctk_join_piece total;
	double energy_j;                  /* everything fed in */
	double missing_share;             /* missing_j / energy_j (0 when energy_j is 0) */
	double filled_share;              /* filled_j / energy_j */
	double estimated_share;           /* estimated_j / energy_j */
	double mean_g_per_kwh_energy;     /* co2_g / (covered_j + filled_j), energy-weighted; NaN if none */
	double mean_g_per_kwh_time;       /* plain time mean of the stored intensity over the run span
					     (where stored; fill not applied); NaN if none */
	double time_covered_share;        /* share of the run span with a stored value */
	int64_t first_ns, last_ns;        /* run span: earliest start, latest end fed in */
	int64_t intervals;
	char signal[16];                  /* the signal used */
	char fill_note[256];              /* what was filled and with what ("" if nothing) */
};

struct ctk_join;

/* Choose the series (zone, signal), check the fill policy can be applied.
 * CTK_EUSAGE: bad options or mixed signals; CTK_EINPUT: no series for the
 * zone (unless fill default can price everything); CTK_EDB: database. */
int ctk_join_open(sqlite3 *db, const struct ctk_join_opts *o, struct ctk_join **out, struct ctk_error *err);

/* Price energy_j spent uniformly over [start_ns, end_ns) (start == end: at
 * that instant). piece (may be NULL) receives what this interval added. */
int ctk_join_add(struct ctk_join *j, int64_t start_ns, int64_t end_ns, double energy_j,
		 struct ctk_join_piece *piece, struct ctk_error *err);

/* Totals, shares and both means (reads the intensity over the run span once
 * more for the time mean). The join can still be fed afterwards. */
int ctk_join_finish(struct ctk_join *j, struct ctk_join_result *r, struct ctk_error *err);

void ctk_join_free(struct ctk_join *j);

/* Iterator form: next() returns 1 with an interval, 0 at the end, or a
 * negative code (err filled) to stop. */
typedef int (*ctk_join_next_fn)(void *ctx, int64_t *start_ns, int64_t *end_ns, double *energy_j,
				struct ctk_error *err);

int ctk_join_run(sqlite3 *db, const struct ctk_join_opts *o, ctk_join_next_fn next, void *ctx,
		 struct ctk_join_result *r, struct ctk_error *err);

#endif
