/* Energy of a device over time windows from its stored readings: streams
 * them one at a time (memory does not grow with run length) through the
 * shared kernel of common/energy.h, which holds the rule (counter difference,
 * else trapezoid; coverage and gaps). Also the device's sampling period. */
#ifndef CTK_COMMON_INTEGRATE_H
#define CTK_COMMON_INTEGRATE_H

#include <sqlite3.h>
#include <stdint.h>

#include "common/energy.h"
#include "common/err.h"
#include "common/samples.h"

/* Median sampling period of a device (s) from its chunks; 0 if unknown. */
int ctk_device_period(sqlite3 *db, int64_t device_id, double *period_s, struct ctk_error *err);

/* Stream every reading of device_id through a fresh integrator (a hook and
 * an `also` integrator already set on *in are kept; `also` must have been
 * initialised by the caller). */
int ctk_integrate_device(sqlite3 *db, int64_t device_id, const struct ctk_span *win, int nwin,
			 struct ctk_integrator *in, struct ctk_energy *per, struct ctk_error *err);

#endif
