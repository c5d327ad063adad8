/* `ctk merge`: the runs of one job measured on many nodes (one store per
 * node, or a spool of `ctk slurm prolog|epilog` stores) become one run in
 * an output store. Devices are keyed by (host, UUID): one measured twice
 * over the same time is kept once and recorded in merge_duplicates; the
 * merged run's windows are the reference run's (rank 0, else the first
 * input); each input's clock offset against the reference is estimated from
 * matching markers and stored in merge_sources. All in one transaction. */
#ifndef CTK_ANALYZE_MERGE_JOB_H
#define CTK_ANALYZE_MERGE_JOB_H

#include <stdint.h>

#include "common/err.h"

struct ctk_merge_opts {
	int as_one;              /* --as-one: every input run is one run (no job id needed) */
};

/* Merge the runs of the stores in[0..nin) into out (created if missing;
 * left as it was on any error: a new file is removed). Runs are grouped by
 * their SLURM job id (runs.config_json's slurm_job_id) unless as_one; a run
 * without one is an error naming its store. *runs (malloc'ed, caller frees)
 * gets the merged runs' ids in out, *nruns their count. */
int ctk_merge(const char *out, char *const *in, int nin, const struct ctk_merge_opts *o, int64_t **runs,
	      int *nruns, struct ctk_error *err);

#endif
