/* Energy of epoch windows while the collector runs, computed incrementally
 * from the readings as they are taken (no store reads): per device it keeps
 * the last two readings and the running integral E(t) since its first
 * reading (the segment rule of common/energy.h, shared with analyze), and
 * a window's energy is E(end) − E(start) summed over devices, E being
 * interpolated linearly inside the segment that holds an edge. An edge is
 * resolved for a device by the first reading at or after it; at the end,
 * by the device's last reading. Windows come out in the order they opened. */
#ifndef CTK_COLLECTOR_EPOCH_ENERGY_H
#define CTK_COLLECTOR_EPOCH_ENERGY_H

#include <stdint.h>

#include "common/samples.h"

/* Per device: last readings and running sums. */
struct ctk_ee_dev {
	struct ctk_reading prev, last;
	double prev_j, last_j;        /* E at prev and at last, J */
	double prev_int_ns, last_int_ns; /* time integrated (a signal present) up to prev/last */
	int nread;                    /* readings seen (2 means prev is valid) */
};

/* One edge value of one device. */
struct ctk_ee_val {
	double e_j, int_ns;
	int resolved;
};

/* A window being accumulated. vals holds 2·ndev entries: start edges then
 * end edges. */
struct ctk_ee_window {
	int64_t idx, start_ns, end_ns;
	int closed;
	struct ctk_ee_val *vals;
};

struct ctk_epoch_energy {
	int ndev;
	struct ctk_ee_dev *dev;
	struct ctk_ee_window *win;    /* FIFO of open or unfinished windows */
	int nwin, capwin;
};

/* A finished window. complete: every device integrated some of it (as
 * analyze's "complete" epoch: otherwise its energy lacks a device). */
struct ctk_ee_result {
	int64_t idx, start_ns, end_ns;
	double energy_j, duration_s;
	int complete;
};

/* ndev devices, numbered 0 … ndev−1 by the caller. 0 or CTK_ENOMEM. */
int ctk_epoch_energy_init(struct ctk_epoch_energy *ee, int ndev);
void ctk_epoch_energy_free(struct ctk_epoch_energy *ee);

/* A reading of device d (times must not go backwards per device). */
void ctk_epoch_energy_add(struct ctk_epoch_energy *ee, int d, const struct ctk_reading *r);

/* A window opens at start_ns / the last opened window closes at end_ns with
 * number idx. 0 or CTK_ENOMEM (open), CTK_EINPUT (close: none open). */
int ctk_epoch_energy_open(struct ctk_epoch_energy *ee, int64_t start_ns);
int ctk_epoch_energy_close(struct ctk_epoch_energy *ee, int64_t idx, int64_t end_ns);

/* No more readings: resolve every pending edge with each device's last
 * reading (an edge after it gets its E, as the store's readings stop there). */
void ctk_epoch_energy_finish(struct ctk_epoch_energy *ee);

/* Pop the oldest window if it is closed and resolved on every device:
 * 1 with *out filled, else 0. */
int ctk_epoch_energy_next(struct ctk_epoch_energy *ee, struct ctk_ee_result *out);

/* Energy of all devices from their first to their last reading, J. */
double ctk_epoch_energy_total_j(const struct ctk_epoch_energy *ee);

#endif
