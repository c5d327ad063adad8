/* Comparison across the selected runs, grouped like `ctk compare --by`:
 * runs with the same values of the keys (ctk report --by, default gpu;
 * common/runkey.h) form a group. Per group: the mean energy and duration of
 * its complete epochs pooled, with the 95 % Student-t interval over epochs
 * (the numbers of `ctk compare`, kept in comparison.csv), and the mean over
 * its runs of each run's mean epoch energy with the interval over runs
 * (n = runs: epochs of one run are not independent samples), which the
 * chart and the paper table show. Shared by charts/hardware_comparison.c
 * and tables/comparison.c. */
#ifndef CTK_REPORT_COMPARE_H
#define CTK_REPORT_COMPARE_H

#include <sqlite3.h>
#include <stdint.h>

#include "common/err.h"

/* The intervals' coverage; the same as `ctk compare`'s (both go through
 * ctk_acc_mean_ci of common/stats.h, so they agree on the same epochs). */
#define CTK_COMPARE_COVERAGE 0.95
#define CTK_COMPARE_BY "gpu"   /* default keys, as ctk compare's usual --by gpu */

struct ctk_hw_group {
	char name[192];                 /* the keys' values, ", "-joined ("A100-SXM4-80GB, bf16") */
	char hardware[192];             /* devices of the group's first run ("2× NVIDIA A100…") */
	int nruns, nepochs;
	double mean_j, lo_j, hi_j;      /* pooled epochs: mean, 95 % interval (NAN when n < 2) */
	double mean_s;                  /* mean epoch duration */
	double run_mean_j, run_lo_j, run_hi_j; /* over runs: mean of run means, 95 % interval (NAN: 1 run) */
};

/* Groups of runs[0..nruns) by the comma-separated keys `by` (NULL:
 * CTK_COMPARE_BY), those with at least one analysed epoch; caller frees *out. */
int ctk_compare_groups(sqlite3 *db, const int64_t *runs, int nruns, const char *by, struct ctk_hw_group **out,
		       int *n, struct ctk_error *err);

#endif
