/* Hardware comparison across the selected runs: runs are grouped by their
 * hardware ("2x NVIDIA A100-SXM4-40GB", from the devices table) and each
 * group gets the mean energy and duration of its complete epochs with a 95 %
 * Student-t interval. Shared by charts/hardware_comparison.c and tables/comparison.c. */
#ifndef CTK_REPORT_COMPARE_H
#define CTK_REPORT_COMPARE_H

#include <sqlite3.h>
#include <stdint.h>

#include "common/err.h"

/* The intervals' coverage; the same as `ctk compare`'s (both go through
 * ctk_acc_mean_ci of common/stats.h, so they agree on the same epochs). */
#define CTK_COMPARE_COVERAGE 0.95

struct ctk_hw_group {
	char hardware[192];
	int nruns, nepochs;
	double mean_j, lo_j, hi_j;      /* lo/hi: 95 % interval of the mean (NAN when n < 2) */
	double mean_s;                  /* mean epoch duration */
};

/* Groups of runs[0..nruns) with at least one analysed epoch; caller frees *out. */
int ctk_compare_groups(sqlite3 *db, const int64_t *runs, int nruns, struct ctk_hw_group **out, int *n,
		       struct ctk_error *err);

#endif
