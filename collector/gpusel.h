/* Which NVIDIA GPUs to measure: --gpus, else SLURM_STEP_GPUS, else
 * SLURM_JOB_GPUS (what SLURM allocated), else CUDA_VISIBLE_DEVICES, else
 * NVIDIA_VISIBLE_DEVICES, else all. Items are indices, GPU-… UUIDs (a
 * unique prefix is enough, as for CUDA) or MIG-… UUIDs (measured through
 * their parent GPU, flagged 'mig-parent'). A value that does not parse is
 * an error, never "all GPUs". */
#ifndef CTK_COLLECTOR_GPUSEL_H
#define CTK_COLLECTOR_GPUSEL_H

#include "common/err.h"

#define CTK_GPUSEL_MAX 64

struct ctk_gpusel_item {
	int index;           /* >= 0: an index; -1: uuid */
	char uuid[96];       /* GPU-… (for MIG-GPU-…/gi/ci: the parent's) or MIG-… */
	int mig;             /* 1: a MIG instance; measure its parent */
};

struct ctk_gpusel {
	int all;             /* 1: every GPU */
	int n;               /* items (0 with all == 0: none) */
	struct ctk_gpusel_item item[CTK_GPUSEL_MAX];
	char from[32];       /* "--gpus", "CUDA_VISIBLE_DEVICES", … for messages */
	int by_minor;        /* 1: indices are device numbers (N of /dev/nvidiaN), see ctk_gpusel_parse */
};

/* Parse one spec ("0,2", "GPU-8a1…", "all", "none", "" = none, "-1" = none).
 * Indices from SLURM_STEP_GPUS / SLURM_JOB_GPUS (SLURM's global GPU IDs, "not
 * relative to any device cgroup": the N of the /dev/nvidiaN it allows) and
 * NVIDIA_VISIBLE_DEVICES (the host's numbers, also inside the container) are
 * device minor numbers (by_minor): inside a cgroup or container NVML numbers
 * the visible GPUs from 0, and even on a bare host NVML's order may differ
 * from the minor numbers. --gpus and CUDA_VISIBLE_DEVICES are NVML's own
 * indices as this process sees them. */
int ctk_gpusel_parse(const char *spec, const char *from, struct ctk_gpusel *sel,
		     struct ctk_error *err);

/* The selection in force: opt (--gpus) if not NULL, else the environment. */
int ctk_gpusel_resolve(const char *opt, struct ctk_gpusel *sel, struct ctk_error *err);

#endif
