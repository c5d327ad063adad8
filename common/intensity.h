/* The one rule for "which carbon intensity applies", shared by every tool:
 * the CO2 join of ctk analyze (analyze/energy/co2.c), the predictions'
 * CO2 (analyze/energy/predict_eval.c), the collector's live CO2
 * (collector/collect.c) and the report's intensity series (report/co2.c).
 * CO2 = Σ E_i × CI(t_i). Intensity is a step function per (zone, signal):
 * a stored value holds over [start_ns, end_ns). The signal: the one asked
 * for, else the zone's average one (lifecycle before direct), never
 * marginal and average mixed. An energy interval that spans several steps is split in
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
 * PUE: applied once, by the caller, with ctk_pue_apply to the resulting
 * co2_g (never to the energy fed in as well). Library code: never prints. */
#ifndef CTK_INTENSITY_H
#define CTK_INTENSITY_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/* carbontracker's default PUE: the 2020 global average data-centre PUE of
 * 1.58 from the Uptime Institute survey, as used by Anthony et al. (2020). */
#define CTK_PUE_CARBONTRACKER 1.58

/* A PUE with where it came from (stated in every report). */
struct ctk_pue {
	double value;                /* >= 1; 1.0: own hardware, no facility overhead */
	char source[128];
};

/* "carbontracker" (the 1.58 preset) or a number in [1, 5]; source says
 * which. CTK_EUSAGE otherwise. */
int ctk_pue_parse(const char *arg, struct ctk_pue *p, struct ctk_error *err);

/* The one place PUE is applied: a device-side CO2 (or energy) figure to the
 * facility's. Every CO2 figure ctk stores went through it exactly once. */
double ctk_pue_apply(double device_value, double pue);

enum ctk_fill {
	CTK_FILL_NONE = 0,   /* energy without intensity stays unpriced (reported as missing) */
	CTK_FILL_PREVIOUS,   /* the last stored value before the gap (none before: stays missing) */
	CTK_FILL_DEFAULT,    /* a yearly value: opts.default_g_per_kwh, else the zone's stored yearly series */
};

/* "none", "previous", "default" and back; parse returns -1 for anything else. */
const char *ctk_fill_name(enum ctk_fill f);
int ctk_fill_parse(const char *s, enum ctk_fill *f);

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
	int64_t main_series_id;           /* the series that priced most of the energy
					     (a yearly one when filled by it); -1: none */
	int has_series_span;              /* the chosen (zone, signal) has stored values */
	int64_t series_first_ns, series_last_ns;  /* their span (yearly fallbacks not counted) */
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

/* The forecast known for [from_ns, to_ns): the time mean of the values the
 * rule picks there, over the times where that value is an estimate or a
 * forecast (a measured value is what happened, not what was forecast).
 * *has = 0 when none is. Used for the rest of a run by the predictions. */
int ctk_join_forecast(struct ctk_join *j, int64_t from_ns, int64_t to_ns, double *g_per_kwh, int *has,
		      struct ctk_error *err);

/* "no intensity covers 2026-11-23 07:47–07:49 in zone DE; the stored series
 * ends 2023-12-31" (or "… has no stored lifecycle series") into buf: the
 * words for a run whose energy the join could not price. */
void ctk_join_gap_words(const struct ctk_join_result *r, const char *zone, char *buf, size_t size);

/* Iterator form: next() returns 1 with an interval, 0 at the end, or a
 * negative code (err filled) to stop. */
typedef int (*ctk_join_next_fn)(void *ctx, int64_t *start_ns, int64_t *end_ns, double *energy_j,
				struct ctk_error *err);

int ctk_join_run(sqlite3 *db, const struct ctk_join_opts *o, ctk_join_next_fn next, void *ctx,
		 struct ctk_join_result *r, struct ctk_error *err);

/* The value that applies at one instant t_ns (the collector's live CO2):
 * the same choice as the join (zone, signal, measured before estimated,
 * newer before older), then o->fill for a gap (CTK_FILL_PREVIOUS: the
 * latest value before t). */
struct ctk_intensity_value {
	int has;                     /* 0: nothing applies */
	double g_per_kwh;
	int estimated, filled;       /* filled: a fill value, not one covering t */
	int64_t series_id;           /* -1 for a given default */
	int64_t from_ns;             /* start of the value used (covering or previous) */
	char signal[16], source[128];
};
int ctk_intensity_at(sqlite3 *db, const struct ctk_join_opts *o, int64_t t_ns, struct ctk_intensity_value *v,
		     struct ctk_error *err);

/* The series to draw for a run over [t0_ns, t1_ns] in zone (signal NULL:
 * the zone's average one): the series the rule picks most often there
 * (yearly fallbacks are not a time series); *series_id = -1 when none. */
int ctk_intensity_series_for(sqlite3 *db, const char *zone, const char *signal, int64_t t0_ns, int64_t t1_ns,
			     int64_t *series_id, struct ctk_error *err);

/* Facts of an intensity series (source, signal, the data's own year: stored,
 * else of its first value, never the run's; median step) for the CO2 record,
 * the methods text and the charts. */
struct ctk_series_info {
	char zone[64], source[128], signal[16];
	int year, has_year;          /* stored year, else year of the first value */
	double resolution_s;         /* median length of a value, 0 if none */
	int64_t nvalues, nestimated;
};
int ctk_series_info_get(sqlite3 *db, int64_t series_id, struct ctk_series_info *si, struct ctk_error *err);

/* What-if (ctk whatif): the same run shifted to many start times. The rule
 * above is resolved once over a span into steps (ctk_steps_load walks the
 * join's own value lookup, so the choice of value is the join's: zone,
 * signal, measured before estimated, newer before older; no fill), and the
 * run's energy becomes a cumulative profile P(t) (piecewise linear: each
 * piece spent uniformly over its interval, instants over 1 ns as in the
 * join). The CO2 of the run shifted by d is then Σ over the steps k it
 * meets of g_k × (P(t_k+1 − d) − P(t_k − d)): a few steps per start instead
 * of a re-join of every interval. Equal to ctk_join_add with shift_ns = d
 * on the same pieces (tests/unit/test_whatif_steps.c). */
struct ctk_steps {
	size_t n;
	int64_t *t_ns;               /* n + 1 boundaries: step k is [t_ns[k], t_ns[k+1]) */
	double *g_per_kwh;           /* n values; NAN where no stored value applies */
	char signal[16];             /* the signal the rule chose */
	int has_span;                /* the (zone, signal) has stored values */
	int64_t series_first_ns, series_last_ns; /* their span */
};

/* Resolve the rule over [from_ns, to_ns) into s (from_ns = INT64_MIN /
 * to_ns = INT64_MAX: the start / end of the stored series). o->fill and
 * o->shift_ns are ignored. Errors as ctk_join_open. Release with
 * ctk_steps_release. */
int ctk_steps_load(sqlite3 *db, const struct ctk_join_opts *o, int64_t from_ns, int64_t to_ns, struct ctk_steps *s,
		   struct ctk_error *err);
void ctk_steps_release(struct ctk_steps *s);

/* Cumulative energy of a run over time, built from its pieces (any order,
 * overlapping devices summed). */
struct ctk_profile_ev;
struct ctk_profile {
	size_t n;
	int64_t *t_ns;               /* n breakpoints, increasing */
	double *cum_j;               /* energy spent before t_ns[i] */
	double energy_j;             /* everything */
	int64_t start_ns, end_ns;    /* first and last breakpoint */
	struct ctk_profile_ev *ev;   /* while adding: two events a piece (24 bytes each) */
	size_t nev, cap;
};

/* Streaming: start from a zeroed profile, ctk_profile_add each piece (energy_j
 * spent uniformly over [start_ns, end_ns); an instant over 1 ns, as the
 * join), then ctk_profile_finish. CTK_EINPUT for a negative or non-finite
 * energy or an interval that ends before it starts. ctk_profile_build does
 * all three for n pieces in arrays. Release with ctk_profile_release. */
int ctk_profile_add(struct ctk_profile *p, int64_t start_ns, int64_t end_ns, double energy_j, struct ctk_error *err);
int ctk_profile_finish(struct ctk_profile *p, struct ctk_error *err);
int ctk_profile_build(const int64_t *start_ns, const int64_t *end_ns, const double *energy_j, size_t n,
		      struct ctk_profile *p, struct ctk_error *err);
void ctk_profile_release(struct ctk_profile *p);

/* Energy spent before t_ns (0 before the start, all after the end). */
double ctk_profile_at(const struct ctk_profile *p, int64_t t_ns);

/* CO2 (g, before PUE) of the run shifted by shift_ns over the steps, and
 * the energy left unpriced (outside the steps or where no value applies). */
void ctk_steps_price(const struct ctk_steps *s, const struct ctk_profile *p, int64_t shift_ns, double *co2_g,
		     double *missing_j);

#endif
