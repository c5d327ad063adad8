/* The uncertainty of an energy figure from its signal (issue 15; DESIGN.md
 * "Measurement rules"): a worst-case bound u such that the true energy lies
 * in [E - u, E + u] when the stated assumptions hold. Not a standard
 * deviation and not a confidence interval. Sums of figures (devices -> run,
 * epochs -> run) add their bounds. The terms are gathered by the energy
 * kernel (common/energy.c) per accumulated energy; this file turns them into
 * joules once a device's resolutions are known. */
#ifndef CTK_UNCERTAINTY_H
#define CTK_UNCERTAINTY_H

#include <stddef.h>
#include <stdint.h>

#include "energy.h"

/* What a device's readings can tell apart, and the power bound for gaps. */
struct ctk_resolution {
	double counter_j;    /* one step of the energy counter as read or written */
	double power_w;      /* one step of the power field */
	double bound_w;      /* power in a gap is at most this (power limit, else highest seen) */
	int bound_is_limit;  /* 1: bound_w is the device's power limit */
};

/* The resolutions of the readings an integrator has seen: the greatest
 * common divisor of the stored counter values (uJ) and power values (mW),
 * i.e. the step of the numbers as read (NVML's total energy counts mJ, so
 * its values are multiples of 1000 uJ: NVML reference,
 * nvmlDeviceGetTotalEnergyConsumption, "in millijoules (mJ)"; RAPL's
 * energy_uj (Linux powercap sysfs ABI) and hwmon's energy*_input (Linux
 * hwmon sysfs-interface, "microJoule") count uJ; NVML power counts mW,
 * nvmlDeviceGetPowerUsage "in milliwatts"; a log's numbers step by their
 * last written digit). Few or equal readings can share a larger divisor than the true
 * step; the step is capped at 3.6 J for a counter (1e-6 kWh, the last digit
 * of a counter written in kWh with six decimals) and 1 W for power (power
 * written in whole watts). power_limit_w (has_limit) bounds power in gaps,
 * else the highest power seen. */
void ctk_resolution_of(const struct ctk_integrator *in, double power_limit_w, int has_limit,
		       struct ctk_resolution *res);

/* The bound of one accumulated energy and its parts (J). */
struct ctk_uncert {
	double u_j;          /* the bound: the sum of the parts below */
	double counter_j;    /* counter: one resolution step per difference of two readings */
	double interp_j;     /* counter interpolated at an edge inside a segment */
	double sampling_j;   /* power: dt*|P1-P0|/2 per segment (monotone power between readings) */
	double resolution_j; /* power field's resolution x the time integrated over power */
	double lag_j;        /* averaged power: shift uncertainty x |P(start) - P(end)| */
	double gap_j;        /* gap time x bound_w */
	double gap_s;        /* time without readings at most 2 periods apart (power), or none */
};

/* The bound of e, an energy over [start_ns, end_ns] (time inside it that no
 * segment covers is a gap, as are power segments longer than 2 sampling
 * periods). */
void ctk_energy_uncert(const struct ctk_energy *e, const struct ctk_resolution *res, int64_t start_ns,
		       int64_t end_ns, struct ctk_uncert *u);

/* The words every output uses to say what the number means. */
extern const char CTK_UNCERT_MEANING[];
/* The words for CO2: the intensity's own uncertainty is not in it. */
extern const char CTK_UNCERT_CO2_NOTE[];

/* A CO2 bound from its energy's bound: the same relative bound (co2_g x
 * u_j / energy_j); 0 when the energy is 0. */
double ctk_co2_u_g(double co2_g, double energy_j, double u_j);

/* "v ± u unit": with decimals >= 0 both at that many decimals ("0.016900 ±
 * 0.000100 kWh"), else u to its first significant digit and v to the same
 * place ("0.0169 ± 0.0001 kWh"). u is rounded up (it stays a bound); unit
 * may be NULL. Returns buf. */
char *ctk_fmt_pm(char *buf, size_t size, double v, double u, const char *unit, int decimals);
/* The same two numbers without the sign and unit (a writer that spells ± its
 * own way, e.g. LaTeX's $\pm$). */
void ctk_fmt_pm_parts(double v, double u, int decimals, char *vbuf, size_t vsize, char *ubuf, size_t usize);
/* The decimal place of u's first significant digit (0..9; 3 when u is not > 0). */
int ctk_pm_decimals(double u);

#endif
