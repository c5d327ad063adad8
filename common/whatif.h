/* The what-if engine shared by `ctk whatif` and the report's what-if page:
 * a run's measured energy profile (every piece of every device) priced at
 * every start of a window in one zone by the one rule of common/intensity.h
 * (ctk_steps_*, prefix sums): the distribution over starts, the best start,
 * the actual and the best start within a deadline. No printing. */
#ifndef CTK_COMMON_WHATIF_H
#define CTK_COMMON_WHATIF_H

#include <sqlite3.h>
#include <stdint.h>

#include "common/err.h"
#include "common/intensity.h"

/* carbon-aware scheduling with a deadline: the delays of issue 17 (0, 6, 24, 72 h) */
#define CTK_WHATIF_NDELAY 4
extern const int ctk_whatif_delays_h[CTK_WHATIF_NDELAY];

struct ctk_whatif_opts {
	const char *signal;          /* NULL: the zone's average signal */
	int has_window;              /* from_ns/to_ns given (else the series' span) */
	int64_t from_ns, to_ns, step_ns;
	int keep;                    /* keep every priced start (kept_*) */
};

struct ctk_whatif_zone {
	char zone[64], signal[16], note[256];
	int64_t nstarts, not_covered;
	int64_t first_start, last_start;
	double min_g, p10_g, median_g, p90_g, max_g;   /* NAN when no start */
	int64_t best_start;
	int has_actual;
	int64_t actual_start;        /* where the actual was priced (maybe another year) */
	double actual_g;
	int has_within[CTK_WHATIF_NDELAY];
	int64_t within_start[CTK_WHATIF_NDELAY];
	double within_g[CTK_WHATIF_NDELAY];
	int64_t nkept;               /* with keep: every priced start, in time order */
	int64_t *kept_start;
	double *kept_g;
};

/* The run's cumulative energy profile from its stored readings (every
 * device, first to last reading). CTK_EINPUT when it has no energy. */
int ctk_whatif_profile_load(sqlite3 *db, int64_t run_id, struct ctk_profile *p, struct ctk_error *err);

/* Price profile p (PUE pue applied) at every start of the window in zone.
 * run_zone: the run's own zone (the actual is computed there), may be NULL.
 * A zone without a usable series is not an error: nstarts = 0, note says
 * why. Release with ctk_whatif_zone_release. */
int ctk_whatif_zone_price(sqlite3 *db, const struct ctk_whatif_opts *o, const char *zone, const char *run_zone,
			  const struct ctk_profile *p, double pue, struct ctk_whatif_zone *z, struct ctk_error *err);
void ctk_whatif_zone_release(struct ctk_whatif_zone *z);

/* Quantile q of sorted v[0..n) with linear interpolation between closest
 * ranks (Hyndman & Fan 1996, definition 7; numpy's and R's default). */
double ctk_quantile7(const double *v, int64_t n, double q);

/* The UTC year of t_ns, and the same month, day and time of day in year y
 * (29 February becomes 1 March in a common year). */
int ctk_whatif_year_of(int64_t t_ns);
int64_t ctk_whatif_same_time_in_year(int64_t t_ns, int y);

#endif
