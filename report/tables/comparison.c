/* The comparison table: per group of runs (compare.h: grouped by the
 * report's --by keys, as `ctk compare --by`), the mean over runs of the
 * runs' mean epoch energy with its interval over runs, and the pooled-epoch
 * numbers of `ctk compare`. Empty with fewer than two groups (the report
 * then leaves it out with a note). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "report/builders.h"
#include "report/compare.h"

/* CSV: every column (the pooled-epoch ones equal `ctk compare`'s); paper:
 * group, runs and the mean over runs with its interval over runs. */
enum { C_GROUP, C_HW, C_RUNS, C_RMEAN, C_RLO, C_RHI, C_EP, C_MEAN, C_LO, C_HI, C_DUR, NCOL };

int ctk_build_compare(const struct ctk_report *r, struct ctk_table **out, struct ctk_error *err)
{
	static const char *const name[NCOL] = {"group", "hardware", "runs", "run_mean_epoch_energy_kwh",
		"run_ci95_lo_kwh", "run_ci95_hi_kwh", "epochs", "epoch_energy_kwh", "ci95_lo_kwh", "ci95_hi_kwh",
		"epoch_duration_s"};
	static const char *const label[NCOL] = {"Group", "Devices", "Runs", "Energy per epoch (kWh)",
		"95% CI low (kWh)", "95% CI high (kWh)", "Epochs", "Pooled epochs (kWh)", "Pooled low (kWh)",
		"Pooled high (kWh)", "Epoch duration (s)"};
	static const unsigned view[NCOL] = {[C_GROUP] = CTK_VIEW_BOTH, [C_HW] = CTK_VIEW_WIDE, [C_RUNS] = CTK_VIEW_BOTH,
		[C_RMEAN] = CTK_VIEW_BOTH, [C_RLO] = CTK_VIEW_BOTH, [C_RHI] = CTK_VIEW_BOTH,
		[C_DUR] = CTK_VIEW_WIDE};
	char title[512];
	struct ctk_table *t;
	struct ctk_hw_group *g = NULL;
	int n = 0, rc;

	*out = NULL;
	snprintf(title, sizeof title, "Mean energy per epoch of each group of runs (grouped by %s): the mean over the "
		 "group's runs of each run's mean epoch energy, with the 95 %% Student-t interval over runs (none for "
		 "a single run).", r->by ? r->by : CTK_COMPARE_BY);
	t = ctk_table_new(title, NCOL);
	for (int i = 0; t && i < NCOL; i++) {
		if (ctk_table_column(t, i, name[i], label[i], i != C_HW && i != C_GROUP))
			break;
		ctk_table_view(t, i, view[i]);
	}
	if (!t || !t->col[NCOL - 1]) {
		ctk_table_free(t);
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	}
	if ((rc = ctk_compare_groups(r->db, r->runs, r->nruns, r->by, &g, &n, err))) {
		ctk_table_free(t);
		return rc;
	}
	for (int i = 0; n >= 2 && i < n; i++) {
		int row = ctk_table_add_row(t);
		if (row < 0) {
			free(g);
			ctk_table_free(t);
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		}
		ctk_table_set_text(t, row, C_GROUP, g[i].name);
		ctk_table_set_text(t, row, C_HW, g[i].hardware);
		ctk_table_set_num(t, row, C_RUNS, g[i].nruns, 0);
		ctk_table_set_num(t, row, C_RMEAN, g[i].run_mean_j / 3.6e6, 3);
		ctk_table_set_num(t, row, C_RLO, g[i].run_lo_j / 3.6e6, 3);
		ctk_table_set_num(t, row, C_RHI, g[i].run_hi_j / 3.6e6, 3);
		ctk_table_set_num(t, row, C_EP, g[i].nepochs, 0);
		ctk_table_set_num(t, row, C_MEAN, g[i].mean_j / 3.6e6, 4);
		ctk_table_set_num(t, row, C_LO, g[i].lo_j / 3.6e6, 4);
		ctk_table_set_num(t, row, C_HI, g[i].hi_j / 3.6e6, 4);
		ctk_table_set_num(t, row, C_DUR, g[i].mean_s, 4);
	}
	free(g);
	*out = t;
	return 0;
}
