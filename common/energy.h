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
	int lag_removed;     /* some power was an average whose lag was removed */
	int lag_unknown;     /* some power may be an average of unknown window: not shifted */
	/* Terms of the uncertainty bound (common/uncertainty.h turns them into
	 * joules once the device's resolutions are known). */
	double u_var_j;      /* power: sum of dt*|P1-P0|/2 (whole segments), (y-x)*|P1-P0| (parts) */
	double u_power_s;    /* time integrated over power (x the power field's resolution) */
	double u_interp_j;   /* counter edges inside a segment: max(f, 1-f) x its difference */
	double u_interp_ns;  /* the same edges' distance to the nearer reading (x the power bound) */
	double u_gap_ns;     /* power segments longer than 2 periods (x the power bound) */
	int u_counter_ends;  /* counter differences: one resolution step each */
	int64_t u_chain;     /* the integrator's counter chain last counted here (0: none) */
	double u_lag_s;      /* shift uncertainty of averaged power: 0.25 s removed, 0.5 s unknown */
	double u_edge0_w, u_edge1_w; /* lagged power at the first and last piece (first order) */
	int u_has_edge;
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
	int prev_lag;            /* CTK_LAG_* of prev */
	const char *device_name; /* optional: tells power.draw's kind (ctk_power_window_ns) */
	int64_t readings, first_ns, last_ns;
	int64_t u_chain;         /* counter chain: a new one after any non-counter segment */
	uint64_t gcd_uj, gcd_mw; /* gcd of the counter / power values seen: their resolution */
	double max_power_w;      /* highest power seen (readings, or counter differences) */
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

/* Averaged power (DESIGN.md "Measurement rules"). NVIDIA's NVML reference
 * (nvmlDeviceGetPowerUsage, which nvidia-smi's power.draw reports): "On
 * Ampere (except GA100) or newer GPUs, the API returns power averaged over
 * 1 sec interval. On GA100 and older architectures, instantaneous power is
 * returned"; NVML_FI_DEV_POWER_AVERAGE (nvidia-smi power.draw.average) is
 * that 1 s average, NVML_FI_DEV_POWER_INSTANT (power.draw.instant) the
 * instantaneous value. A value stamped t then describes [t - w, t]: it is
 * integrated as if stamped t - w/2 (the window's middle), which removes the
 * lag of w/2. */
enum ctk_lag { CTK_LAG_NONE, CTK_LAG_REMOVED, CTK_LAG_UNKNOWN };

/* The averaging window w (ns) of a stored signal ('power_avg_1s':
 * 1 s; 'power_draw': 1 s on an Ampere-or-newer device name except the A100's
 * GA100, 0 on a known older one; 'power_instant', 'counter', …: 0). *lag is
 * CTK_LAG_REMOVED when w > 0, CTK_LAG_UNKNOWN for 'power_draw' on a device
 * whose generation the name does not tell (NULL or unrecognised): no shift,
 * flagged; else CTK_LAG_NONE. */
int64_t ctk_power_window_ns(const char *signal, const char *device_name, enum ctk_lag *lag);

/* Add the next reading, stored as signal (NULL: as it is): a power-only
 * reading of an averaged signal is moved to the middle of its window (never
 * before the previous reading), and the windows it feeds are flagged. */
void ctk_integrator_add_signal(struct ctk_integrator *in, const struct ctk_reading *r, const char *signal);

/* "removed", "unknown" or NULL (no averaged power): what was done about the
 * lag of averaged power in an accumulated energy. */
const char *ctk_energy_lag(const struct ctk_energy *e);

/* 'counter', 'trapezoid', 'mixed' or 'none' for an accumulated energy. */
const char *ctk_energy_method(const struct ctk_energy *e);

/* Share 0..1 of [start,end] covered; a zero-length window counts as covered
 * when readings surround it. */
double ctk_energy_coverage(const struct ctk_energy *e, int64_t start_ns, int64_t end_ns);

#endif
