/* The hardware-comparison table: per hardware configuration of the selected
 * runs, the mean energy and duration of its complete epochs with the 95 %
 * Student-t interval of the mean (compare.h). Empty with fewer than two
 * configurations (the report then leaves it out with a note). */
#include <math.h>
#include <stdlib.h>

#include "report/builders.h"
#include "report/compare.h"

enum { C_HW, C_RUNS, C_EP, C_MEAN, C_LO, C_HI, C_DUR, NCOL };

int ctk_build_compare(sqlite3 *db, const int64_t *runs, int nruns, struct ctk_table **out, struct ctk_error *err)
{
	static const char *const name[NCOL] = {"hardware", "runs", "epochs", "epoch_energy_kwh", "ci95_lo_kwh",
		"ci95_hi_kwh", "epoch_duration_s"};
	static const char *const label[NCOL] = {"Hardware", "Runs", "Epochs", "Energy per epoch (kWh)",
		"95% CI low (kWh)", "95% CI high (kWh)", "Epoch duration (s)"};
	struct ctk_table *t = ctk_table_new("Mean energy per epoch of each hardware configuration, over its "
					    "complete epochs, with the 95 % Student-t interval of the mean.", NCOL);
	struct ctk_hw_group *g = NULL;
	int n = 0, rc;

	*out = NULL;
	for (int i = 0; t && i < NCOL; i++)
		if (ctk_table_column(t, i, name[i], label[i], i != C_HW))
			break;
	if (!t || !t->col[NCOL - 1]) {
		ctk_table_free(t);
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	}
	ctk_table_view(t, C_EP, CTK_VIEW_WIDE);
	ctk_table_view(t, C_DUR, CTK_VIEW_WIDE);
	if ((rc = ctk_compare_groups(db, runs, nruns, &g, &n, err))) {
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
		ctk_table_set_text(t, row, C_HW, g[i].hardware);
		ctk_table_set_num(t, row, C_RUNS, g[i].nruns, 0);
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
