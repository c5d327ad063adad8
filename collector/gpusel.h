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
};

/* Parse one spec ("0,2", "GPU-8a1…", "all", "none", "" = none, "-1" = none). */
int ctk_gpusel_parse(const char *spec, const char *from, struct ctk_gpusel *sel,
		     struct ctk_error *err);

/* The selection in force: opt (--gpus) if not NULL, else the environment. */
int ctk_gpusel_resolve(const char *opt, struct ctk_gpusel *sel, struct ctk_error *err);

#endif
