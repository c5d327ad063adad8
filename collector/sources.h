/* Measurement sources of the collector: NVIDIA GPUs through NVML, CPU
 * packages and DRAM through powercap (RAPL), AMD GPUs through amdgpu hwmon.
 * Each source is one file exposing a struct ctk_source_ops; ctk_sources[]
 * in sources.c is the one table of them.
 *
 * To add a source:
 *   1. write collector/<name>.c with open/read/close as described below;
 *   2. declare its ops here and add it to ctk_sources[] in sources.c;
 *   3. fake its hardware in tests/ (a file tree or a fake library) and add
 *      tests/unit/test_collector_<name>.c.
 * Sources never print: warnings go through ctk_source_warn(). */
#ifndef CTK_COLLECTOR_SOURCES_H
#define CTK_COLLECTOR_SOURCES_H

#include <stdint.h>

#include "common/err.h"
#include "common/samples.h"
#include "collector/gpusel.h"

/* One measured device: one row of `devices`, one series of readings. */
struct ctk_channel {
	char kind[8];        /* gpu, cpu, dram */
	char vendor[16];
	char name[96], uuid[96], bus_id[32];
	char flags[64];      /* 'mig-parent', 'not-measured', 'simulated' (comma-separated) */
	int idx;             /* as the source numbers it */
	double power_limit_w;
	int has_power_limit;
	int measured;        /* 0: listed but never read (e.g. permission denied) */
	int64_t device_id;   /* row in the store, set by the caller */

	/* filled by read(): the reading of this tick and what it is */
	struct ctk_reading r;
	const char *signal;  /* 'counter', 'power_instant', … (samples.h) */

	/* failure back-off, kept by the sampler */
	int64_t fails;       /* consecutive failed reads */
	int64_t skip;        /* ticks left before the next try */
	int64_t last_t_ns;
	int has_last;
	void *priv;          /* the source's per-channel state */
};

struct ctk_source_opts {
	const struct ctk_gpusel *gpus; /* NVML device selection */
	const char *sysfs_root;        /* "/sys" or $CTK_SYSFS_ROOT */
	const char *nvml_lib;          /* NULL: $CTK_NVML_LIB, then the defaults */
	void (*warn)(void *ctx, const char *msg);
	void *warn_ctx;
};

struct ctk_source;

/* Takes one reading of a batch: ch->r and ch->signal hold it. */
typedef void ctk_emit_fn(void *ctx, struct ctk_channel *ch);

struct ctk_source_ops {
	const char *name;
	const char *summary;
	/* Find the devices and append channels with ctk_source_add(). Finding
	 * none is not an error; a selection that cannot be honoured is
	 * (CTK_EDEVICE or CTK_EINPUT). */
	int (*open)(struct ctk_source *s, const struct ctk_source_opts *o, struct ctk_error *err);
	/* Read one channel: fill ch->r (t_ns, power and/or energy) and
	 * ch->signal, return 0; or return < 0 with err set (the sampler backs
	 * off and warns at growing intervals). */
	int (*read)(struct ctk_source *s, struct ctk_channel *ch, struct ctk_error *err);
	/* Optional (NULL: no batches). May the sampler wake once per batch
	 * instead of once per reading (issue 18)? 2: the hardware keeps its own
	 * samples (read_batch returns one per interval); 1: an exact counter,
	 * read once per batch; 0: no. Batches are used when every measured
	 * channel says 1 or 2 and one says 2. */
	int (*can_batch)(struct ctk_source *s, struct ctk_channel *ch);
	/* Optional, with can_batch. Everything since the previous call, in time
	 * order and at most one reading per interval_ns, each handed to emit;
	 * the last one is a reading taken now. Returns the number emitted, or
	 * < 0 with err set (nothing emitted: the next call takes it up again). */
	int (*read_batch)(struct ctk_source *s, struct ctk_channel *ch, int64_t interval_ns, ctk_emit_fn *emit,
			  void *ctx, struct ctk_error *err);
	/* Free everything open() made (channels are freed by the caller). */
	void (*close)(struct ctk_source *s);
};

struct ctk_source {
	const struct ctk_source_ops *ops;
	struct ctk_channel *ch;
	int nch, capch;
	int simulated;       /* 1: the hardware is a test fake */
	void *state;
	const struct ctk_source_opts *opts;
};

extern const struct ctk_source_ops ctk_source_nvml, ctk_source_rapl, ctk_source_hwmon;

/* NULL-terminated table of every source, in sampling order. */
extern const struct ctk_source_ops *const ctk_sources[];

/* Append a zeroed channel (measured = 1) and return it, NULL when out of memory. */
struct ctk_channel *ctk_source_add(struct ctk_source *s);

/* read_batch of a source whose counter needs no samples between batches
 * (RAPL, hwmon energy1_input): one read() now, emitted; the energy stays
 * exact, its time resolution is the batch's (issue 18). */
int ctk_source_batch_once(struct ctk_source *s, struct ctk_channel *ch, int64_t interval_ns, ctk_emit_fn *emit,
			  void *ctx, struct ctk_error *err);

/* Report a warning through opts->warn (printf-like). */
void ctk_source_warn(const struct ctk_source *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Free the channels and their priv pointers after ops->close(). */
void ctk_source_release(struct ctk_source *s);

/* Increase of a counter that runs 0 … max and then restarts at 0, from
 * prev to cur, assuming at most one wrap in between (readings are far more
 * frequent than a wrap: RAPL's ~262 kJ range lasts minutes at full power).
 * max == 0 means unknown range: a decrease is taken as a reset (returns cur). */
uint64_t ctk_counter_delta(uint64_t prev, uint64_t cur, uint64_t max);

/* Read a small sysfs file holding one unsigned decimal number. fd is kept
 * open by the caller and re-read with pread. 0 or -errno (-EINVAL if not a number). */
int ctk_read_u64_fd(int fd, uint64_t *v);
int ctk_read_u64_path(const char *path, uint64_t *v);
/* First line of a text file, without the newline; 0 or -errno. */
int ctk_read_line(const char *path, char *buf, size_t size);

#endif
