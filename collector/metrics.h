/* `ctk collect --metrics-file PATH`: the run's live figures in Prometheus'
 * text exposition format 0.0.4, rewritten atomically at every flush for
 * node_exporter's textfile collector (or any static exporter). The buffer is
 * sized once at the start: a flush formats and writes without allocating.
 * ctk_metrics_format() is the pure formatter (tested on its own). */
#ifndef CTK_COLLECTOR_METRICS_H
#define CTK_COLLECTOR_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/* One device's figures at this flush. */
struct ctk_metrics_dev {
	const char *kind;     /* gpu, cpu, dram */
	const char *uuid;     /* "" when the device has none */
	int idx;              /* as its source numbers it (label "device") */
	double energy_j;      /* since the run's first reading (segment rule, common/energy.h) */
	int has_energy;       /* 0 before its first reading */
	double power_w;       /* latest power */
	int has_power;        /* 0: unknown (no reading, or a counter with one reading) */
};

/* What the file says besides the devices. */
struct ctk_metrics_run {
	const char *host;
	int64_t run_id;
	int64_t started_ns;   /* first reading, UTC ns; 0: none yet */
	int64_t epoch;        /* the open epoch's number, when epoch_open */
	int epoch_open;
	int64_t epochs_done;  /* epoch windows closed so far */
	int running;          /* 1 while sampling, 0 in the file written at the end */
	int simulated;        /* 1: the devices are a test fake (runs.simulated) */
};

/* Bytes that the text for ndev devices with these labels can take at most
 * (label values counted escaped at their worst, numbers at their longest). */
size_t ctk_metrics_bound(const struct ctk_metrics_run *run, const struct ctk_metrics_dev *dev, int ndev);

/* Format the exposition text into buf (size bytes, NUL-terminated). Returns
 * its length, or 0 with err set (CTK_EINPUT) when it does not fit. */
size_t ctk_metrics_format(char *buf, size_t size, const struct ctk_metrics_run *run,
			  const struct ctk_metrics_dev *dev, int ndev, struct ctk_error *err);

/* Label value escaped per the exposition format (backslash, double quote,
 * newline) into out; returns the escaped length (always NUL-terminated,
 * truncated when out is too small: sizes from ctk_metrics_bound never are). */
size_t ctk_metrics_escape(const char *s, char *out, size_t size);

/* The writer: the path, its temp file beside it (same directory, so the
 * rename is atomic), the buffer. */
struct ctk_metrics {
	char path[4096], tmp[4096 + 32];
	char *buf;
	size_t size;
	struct ctk_metrics_dev *dev;
	int ndev;
};

/* Check that path's directory is writable (a first file is written by the
 * first ctk_metrics_write) and size the buffer for these devices (their
 * labels are fixed for the run). 0, CTK_EUSAGE (bad path) or CTK_ENOMEM. */
int ctk_metrics_open(struct ctk_metrics *m, const char *path, const struct ctk_metrics_run *run,
		     const struct ctk_metrics_dev *dev, int ndev, struct ctk_error *err);

/* Format into the buffer and replace the file: write the temp file, then
 * rename it over path (readers see the old or the new text, never a part).
 * No fsync: a reader on this machine sees the renamed file's data at once;
 * only a power loss could lose it, and the next flush rewrites it.
 * 0 or CTK_EDB with err set (the caller warns; sampling goes on). */
int ctk_metrics_write(struct ctk_metrics *m, const struct ctk_metrics_run *run, struct ctk_error *err);

void ctk_metrics_release(struct ctk_metrics *m);

#endif
