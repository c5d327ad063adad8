/* Chart "hardware_comparison": mean energy per epoch of each hardware
 * configuration among the selected runs, with its 95 % Student-t interval
 * (compare.h). Needs at least two configurations with analysed epochs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "report/charts.h"
#include "report/compare.h"

int ctk_chart_compare(struct ctk_report *r, int64_t run_id, struct ctk_plot *p, cairo_t *cr, char *text,
		      size_t text_size, struct ctk_error *err)
{
	struct ctk_hw_group *g = NULL;
	int n = 0, rc;
	double ymax = 0, scale;
	const char *unit;

	(void)run_id;
	if ((rc = ctk_compare_groups(r->db, r->runs, r->nruns, &g, &n, err)))
		return rc;
	if (n < 2) {
		free(g);
		snprintf(text, text_size, "the selected runs have %s hardware configuration with analysed epochs "
			 "(a comparison needs two)", n ? "only one" : "no");
		return CTK_CHART_SKIP;
	}
	for (int i = 0; i < n; i++)
		ymax = fmax(ymax, isnan(g[i].hi_j) ? g[i].mean_j : g[i].hi_j);
	unit = ctk_energy_unit(ymax, &scale);
	p->categorical_x = 1;
	p->x.scale = 1;
	p->x.lo = 0.4;
	p->x.hi = n + 0.6;
	snprintf(p->x.label, sizeof p->x.label, "Hardware configuration");
	p->y.scale = scale;
	snprintf(p->y.label, sizeof p->y.label, "Energy per epoch (%s)", unit);
	ctk_axis_nice(&p->y, 0, ymax * scale * 1.02, 6, 1);
	for (int i = 0; i < n; i++)
		ctk_legend_add(&p->legend, g[i].hardware, i, CTK_MARK_BOX);
	ctk_plot_layout(p, cr, CTK_FIG_W_PT, CTK_FIG_H_PT);
	ctk_plot_clip(p);
	for (int i = 0; i < n; i++) {
		double xa = ctk_plot_px(p, i + 1 - 0.35), xb = ctk_plot_px(p, i + 1 + 0.35), xm = ctk_plot_px(p, i + 1);
		ctk_color(cr, i, 0.85);
		cairo_rectangle(cr, xa, ctk_plot_py(p, g[i].mean_j), xb - xa, ctk_plot_py(p, 0) - ctk_plot_py(p, g[i].mean_j));
		cairo_fill(cr);
		if (!isnan(g[i].lo_j)) {
			double ya = ctk_plot_py(p, g[i].hi_j), yb = ctk_plot_py(p, g[i].lo_j);
			ctk_black(cr, 1);
			cairo_set_line_width(cr, 0.8);
			cairo_move_to(cr, xm, ya);
			cairo_line_to(cr, xm, yb);
			cairo_move_to(cr, xm - 3, ya);
			cairo_line_to(cr, xm + 3, ya);
			cairo_move_to(cr, xm - 3, yb);
			cairo_line_to(cr, xm + 3, yb);
			cairo_stroke(cr);
		}
	}
	cairo_restore(cr);
	ctk_plot_axes(p);
	ctk_font(cr, CTK_FONT_TICK, 0);
	for (int i = 0; i < n; i++) {
		char buf[32];
		snprintf(buf, sizeof buf, "n = %d", g[i].nepochs);
		ctk_black(cr, 1);
		ctk_text(cr, ctk_plot_px(p, i + 1), p->y1 + 4, buf, 0.5, 0);
	}
	snprintf(text, text_size, "Mean energy per epoch of each hardware configuration (%s; error bars: 95 %% "
		 "Student-t interval of the mean over n epochs; devices summed).", unit);
	free(g);
	return 0;
}
