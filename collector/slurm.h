/* SLURM awareness of the collector: the job's record (job, step, node list,
 * task counts, allocated GPUs and cores) kept with a run, which task of a
 * node samples (local rank 0), which GPUs the step owns, the share of a
 * shared node's CPU and DRAM by allocated cores, and the per-job store of
 * `ctk slurm prolog|epilog` in a spool directory. Nothing here prints. */
#ifndef CTK_COLLECTOR_SLURM_H
#define CTK_COLLECTOR_SLURM_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "common/err.h"

/* Default spool directory of `ctk slurm prolog|epilog` (one file per node
 * and job; node-local, so that no SQLite file is written by two nodes). */
#define CTK_SLURM_SPOOL_DEFAULT "/var/spool/ctk"

/* 1 when this process runs inside a SLURM job (SLURM_JOB_ID set). */
int ctk_slurm_in_job(void);

/* The host name a run records: the node's name as SLURM knows it
 * (SLURMD_NODENAME, set in a job's tasks and in Prolog/Epilog; it tells
 * apart several slurmd "nodes" on one machine), else the host name. */
void ctk_slurm_host(char *buf, size_t size);

/* This task's local rank on its node (SLURM_LOCALID), -1 outside SLURM or
 * when it is not a number. Local rank 0 samples the node; the others do not. */
int ctk_slurm_local_rank(void);

/* The GPUs SLURM allocated, as listed in the environment: SLURM_STEP_GPUS,
 * else SLURM_JOB_GPUS (global indices). NULL when neither is set; *from
 * names the variable. */
const char *ctk_slurm_gpus(const char **from);

/* The share of this node's CPU (and DRAM) the job owns, by cores:
 * SLURM_CPUS_ON_NODE over the CPUs the node has. Returns 1 and fills
 * *share, *alloc and *total when the job holds fewer cores than the node
 * (a shared node), 0 otherwise. An estimate: energy is not split by core. */
int ctk_slurm_cpu_share(double *share, long *alloc, long *total);

/* Add the job's record to a run's config (slurm_job_id, slurm_step_id,
 * slurm_nodelist, slurm_ntasks, slurm_gpus, cpu_share, …); no-op outside SLURM. */
void ctk_slurm_config(cJSON *j);

/* The per-node, per-job store of the prolog/epilog: DIR/ctk-HOST-JOB.db. */
int ctk_slurm_spool_path(const char *dir, const char *host, const char *job, char *out, size_t size,
			 struct ctk_error *err);

/* `ctk slurm prolog|epilog` (SLURM's Prolog=/Epilog=): read the energy
 * counters of the job's GPUs (SLURM_JOB_GPUS, else CUDA_VISIBLE_DEVICES,
 * else every GPU) and store them in the job's spool store: the prolog
 * creates the run (host, job id, user, GPUs) with the first readings, the
 * epilog adds the last readings and ends the run. *path gets the store. */
struct ctk_slurm_hook {
	const char *spool;        /* --spool DIR */
	int epilog;               /* 0 prolog, 1 epilog */
	char path[4096];          /* out: the store written */
	int gpus;                 /* out: GPUs read */
	int simulated;            /* out: the fake NVML */
};
int ctk_slurm_hook_run(struct ctk_slurm_hook *h, struct ctk_error *err);

#endif
