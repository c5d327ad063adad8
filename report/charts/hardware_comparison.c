/* Chart "hardware_comparison": mean energy per epoch of each group of the
 * selected runs (compare.h: grouped by the report's --by keys, as `ctk
 * compare --by`), the mean over its runs with the 95 % Student-t interval
 * over runs; group names on the axis, n = runs under each bar. Needs at
 * least two groups with analysed epochs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	if ((rc = ctk_compare_groups(r->db, r->runs, r->nruns, r->by, &g, &n, err)))
		return rc;
	if (n < 2) {
		free(g);
		snprintf(text, text_size, "the selected runs form %s group by %s with analysed epochs "
			 "(a comparison needs two)", n ? "only one" : "no", r->by ? r->by : CTK_COMPARE_BY);
		return CTK_CHART_SKIP;
	}
	for (int i = 0; i < n; i++)
		ymax = fmax(ymax, isnan(g[i].run_hi_j) ? g[i].run_mean_j : g[i].run_hi_j);
	unit = ctk_energy_unit(ymax, &scale);
	p->categorical_x = 1;
	p->x.scale = 1;
	p->x.lo = 0.4;
	p->x.hi = n + 0.6;
	snprintf(p->x.label, sizeof p->x.label, "Group (%s)", r->by ? r->by : CTK_COMPARE_BY);
	p->y.scale = scale;
	snprintf(p->y.label, sizeof p->y.label, "Energy per epoch (%s)", unit);
	ctk_axis_nice(&p->y, 0, ymax * scale * 1.02, 6, 1);
	ctk_plot_layout(p, cr, CTK_FIG_W_PT, CTK_FIG_H_PT);
	ctk_plot_clip(p);
	for (int i = 0; i < n; i++) {
		double xa = ctk_plot_px(p, i + 1 - 0.35), xb = ctk_plot_px(p, i + 1 + 0.35), xm = ctk_plot_px(p, i + 1);
		ctk_color(cr, ctk_device_color(0), 0.85);
		cairo_rectangle(cr, xa, ctk_plot_py(p, g[i].run_mean_j), xb - xa,
				ctk_plot_py(p, 0) - ctk_plot_py(p, g[i].run_mean_j));
		cairo_fill(cr);
		if (!isnan(g[i].run_lo_j)) {
			double ya = ctk_plot_py(p, g[i].run_hi_j), yb = ctk_plot_py(p, g[i].run_lo_j);
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
	for (int i = 0; i < n; i++) { /* the group's name on the axis, shortened to its slot; n = runs in the bar */
		char buf[200], nbuf[32];
		double slot = (p->x1 - p->x0) / (p->x.hi - p->x.lo) * 0.95;
		snprintf(buf, sizeof buf, "%s", g[i].name);
		for (size_t len = strlen(buf); len > 4 && ctk_text_width(cr, buf) > slot; len--)
			snprintf(buf + len - 4, sizeof buf - (len - 4), "\u2026");
		ctk_black(cr, 1);
		ctk_text(cr, ctk_plot_px(p, i + 1), p->y1 + 3, buf, 0.5, 0);
		snprintf(nbuf, sizeof nbuf, "n = %d", g[i].nruns);
		double yb = ctk_plot_py(p, g[i].run_mean_j);
		cairo_set_source_rgb(cr, 1, 1, 1);
		if (ctk_plot_py(p, 0) - yb > CTK_FONT_TICK + 4)
			ctk_text(cr, ctk_plot_px(p, i + 1), ctk_plot_py(p, 0) - 2, nbuf, 0.5, 1);
	}
	snprintf(text, text_size, "Mean energy per epoch of each group of runs by %s (%s; bar: the mean over the "
		 "group's n runs of each run's mean epoch energy; error bars: 95 %% Student-t interval over runs, "
		 "shown from two runs; devices summed).", r->by ? r->by : CTK_COMPARE_BY, unit);
	free(g);
	return 0;
}
