/* Chart "whatif_distribution": per zone with a stored intensity series, the
 * CO2 of the run's energy profile over hourly start times (common/whatif.h,
 * as `ctk whatif`): a bar p10..p90, whiskers to min and max, the median as a
 * line, the actual start as a dot. Quantile bars rather than violins: the
 * five numbers the what-if table prints. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/charts.h"
#include "report/whatif_zones.h"

int ctk_chart_whatif_distribution(struct ctk_report *r, int64_t run_id, struct ctk_plot *p, cairo_t *cr, char *text,
				  size_t text_size, struct ctk_error *err)
{
	struct ctk_report_whatif *w = calloc(1, sizeof(*w));
	double ymax = 0;
	int rc, n = 0, idx[CTK_REPORT_WHATIF_ZONES], actual = 0;

	if (!w)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	if ((rc = ctk_report_whatif_get(r->db, run_id, NULL, 0, w, err)))
		goto out;
	for (int i = 0; i < w->nz; i++)
		if (w->z[i].nstarts > 0) {
			idx[n++] = i;
			ymax = fmax(ymax, w->z[i].max_g);
			actual |= w->z[i].has_actual;
		}
	if (!n) {
		snprintf(text, text_size, "no zone prices run %lld at any start time (%s)", (long long)run_id,
			 w->nz ? "no series covers a whole run" : w->why);
		rc = CTK_CHART_SKIP;
		goto out;
	}
	double scale = ymax >= 1000 ? 1e-3 : 1;
	p->categorical_x = 1;
	p->x.scale = 1;
	p->x.lo = 0.4;
	p->x.hi = n + 0.6;
	snprintf(p->x.label, sizeof p->x.label, "Zone");
	p->y.scale = scale;
	snprintf(p->y.label, sizeof p->y.label, "CO\u2082 of the run (%s)", scale < 1 ? "kg" : "g");
	ctk_axis_nice(&p->y, 0, ymax * scale * 1.05, 6, 1);
	ctk_legend_add(&p->legend, "p10\u2013p90", CTK_COLOR_INTENSITY, CTK_MARK_BAND);
	ctk_legend_add(&p->legend, "median", -1, CTK_MARK_LINE);
	if (actual)
		ctk_legend_add(&p->legend, "actual start", ctk_device_color(1), CTK_MARK_BOX);
	ctk_plot_layout(p, cr, CTK_FIG_W_PT, CTK_FIG_H_PT);
	ctk_plot_clip(p);
	for (int k = 0; k < n; k++) {
		const struct ctk_whatif_zone *z = &w->z[idx[k]];
		double xm = ctk_plot_px(p, k + 1), xa = ctk_plot_px(p, k + 1 - 0.3), xb = ctk_plot_px(p, k + 1 + 0.3);
		double y10 = ctk_plot_py(p, z->p10_g * scale), y90 = ctk_plot_py(p, z->p90_g * scale);
		ctk_color(cr, CTK_COLOR_INTENSITY, 0.35);
		cairo_rectangle(cr, xa, y90, xb - xa, y10 - y90);
		cairo_fill(cr);
		ctk_black(cr, 1);
		cairo_set_line_width(cr, 0.8);
		cairo_move_to(cr, xm, y90);
		cairo_line_to(cr, xm, ctk_plot_py(p, z->max_g * scale));
		cairo_move_to(cr, xm, y10);
		cairo_line_to(cr, xm, ctk_plot_py(p, z->min_g * scale));
		cairo_move_to(cr, xm - 3, ctk_plot_py(p, z->max_g * scale));
		cairo_line_to(cr, xm + 3, ctk_plot_py(p, z->max_g * scale));
		cairo_move_to(cr, xm - 3, ctk_plot_py(p, z->min_g * scale));
		cairo_line_to(cr, xm + 3, ctk_plot_py(p, z->min_g * scale));
		cairo_stroke(cr);
		cairo_set_line_width(cr, 1.6);
		cairo_move_to(cr, xa, ctk_plot_py(p, z->median_g * scale));
		cairo_line_to(cr, xb, ctk_plot_py(p, z->median_g * scale));
		cairo_stroke(cr);
		if (z->has_actual) {
			ctk_color(cr, ctk_device_color(1), 1);
			cairo_arc(cr, xm, ctk_plot_py(p, z->actual_g * scale), 2.2, 0, 2 * M_PI);
			cairo_fill(cr);
		}
	}
	cairo_restore(cr);
	ctk_plot_axes(p);
	ctk_font(cr, CTK_FONT_TICK, 0);
	ctk_black(cr, 1);
	for (int k = 0; k < n; k++) {
		char buf[64];
		double slot = (p->x1 - p->x0) / (p->x.hi - p->x.lo) * 0.95;
		snprintf(buf, sizeof buf, "%s", w->z[idx[k]].zone);
		for (size_t len = strlen(buf); len > 4 && ctk_text_width(cr, buf) > slot; len--)
			snprintf(buf + len - 4, sizeof buf - (len - 4), "\u2026");
		ctk_text(cr, ctk_plot_px(p, k + 1), p->y1 + 3, buf, 0.5, 0);
	}
	snprintf(text, text_size, "CO2 of the run's measured energy profile had it started at each hour of each zone's "
		 "stored intensity series (PUE %.3g; bar: p10 to p90 over the start times, line: median, whiskers: min "
		 "and max%s); the numbers are in the what-if table.", w->pue, actual ? ", dot: the actual start" : "");
	rc = 0;
out:
	ctk_report_whatif_release(w);
	free(w);
	return rc;
}
