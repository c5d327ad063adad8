/* Chart "prediction_error": relative error of each predictor's total after
 * seeing N epochs (table predictions, written by ctk analyze), with the
 * predictor's interval (lo..hi) as a band, both relative to the measured
 * total. Energy predictions are drawn; duration or CO2 when no energy ones. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/db.h"
#include "report/charts.h"

#define MAX_PRED 7

int ctk_chart_prediction(struct ctk_report *r, int64_t run_id, struct ctk_plot *p, cairo_t *cr, char *text,
			 size_t text_size, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	char target[16] = "", pred[MAX_PRED][48];
	int pass, rows = 0;
	double ylo = 0, yhi = 0, nlo = INFINITY, nhi = -INFINITY;

	if (ctk_db_prepare(r->db, "SELECT target FROM predictions WHERE run_id = ? AND actual IS NOT NULL "
			   "AND actual != 0 GROUP BY target ORDER BY target != 'energy', target LIMIT 1", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(target, sizeof target, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (!target[0]) {
		snprintf(text, text_size, "no predictions with a measured total are stored for run %lld", (long long)run_id);
		return CTK_CHART_SKIP;
	}
	if (ctk_db_prepare(r->db,
		"SELECT predictor, after_n, 100.0 * coalesce(rel_err, (value - actual) / actual), "
		"100.0 * (lo - actual) / actual, 100.0 * (hi - actual) / actual FROM predictions "
		"WHERE run_id = ? AND target = ? AND actual IS NOT NULL AND actual != 0 AND value IS NOT NULL "
		"ORDER BY predictor, after_n", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_text(st, 2, target, -1, SQLITE_TRANSIENT);
	for (pass = 0; pass < 3; pass++) {
		/* 0: ranges and legend, 1: interval bands, 2: lines and markers */
		int k = -1, pen = 0;
		double prev_n = 0, prev_lo = NAN, prev_hi = NAN, prev_x = 0, prev_y = 0;
		sqlite3_reset(st);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *name = (const char *)sqlite3_column_text(st, 0);
			double n = sqlite3_column_double(st, 1), e = sqlite3_column_double(st, 2);
			int has_band = sqlite3_column_type(st, 3) != SQLITE_NULL && sqlite3_column_type(st, 4) != SQLITE_NULL;
			double lo = sqlite3_column_double(st, 3), hi = sqlite3_column_double(st, 4);
			if (k < 0 || strcmp(pred[k], name)) {
				k++;
				pen = 0;
				prev_lo = prev_hi = NAN;
				if (k >= MAX_PRED)
					break;
				if (pass == 0) {
					snprintf(pred[k], sizeof pred[k], "%s", name);
					ctk_legend_add(&p->legend, name, k, CTK_MARK_LINE);
				}
			}
			if (pass == 0) {
				rows++;
				ylo = fmin(ylo, e);
				yhi = fmax(yhi, e);
				if (has_band) {
					ylo = fmin(ylo, lo);
					yhi = fmax(yhi, hi);
				}
				nlo = fmin(nlo, n);
				nhi = fmax(nhi, n);
				continue;
			}
			/* band between this and the previous N, then the line */
			if (pass == 1 && has_band && !isnan(prev_lo)) {
				cairo_save(cr);
				ctk_color(cr, k, 0.13);
				cairo_move_to(cr, ctk_plot_px(p, prev_n), ctk_plot_py(p, prev_lo));
				cairo_line_to(cr, ctk_plot_px(p, n), ctk_plot_py(p, lo));
				cairo_line_to(cr, ctk_plot_px(p, n), ctk_plot_py(p, hi));
				cairo_line_to(cr, ctk_plot_px(p, prev_n), ctk_plot_py(p, prev_hi));
				cairo_close_path(cr);
				cairo_fill(cr);
				cairo_restore(cr);
			}
			prev_n = n;
			prev_lo = has_band ? lo : NAN;
			prev_hi = has_band ? hi : NAN;
			if (pass == 1)
				continue;
			ctk_color(cr, k, 1);
			cairo_set_line_width(cr, 1.0);
			cairo_new_sub_path(cr);
			cairo_arc(cr, ctk_plot_px(p, n), ctk_plot_py(p, e), 1.4, 0, 2 * M_PI);
			cairo_fill(cr);
			if (pen) {
				/* continue the line from the previous point */
				cairo_move_to(cr, prev_x, prev_y);
				cairo_line_to(cr, ctk_plot_px(p, n), ctk_plot_py(p, e));
				cairo_stroke(cr);
			}
			prev_x = ctk_plot_px(p, n);
			prev_y = ctk_plot_py(p, e);
			pen = 1;
		}
		if (pass == 0) {
			p->x.scale = 1;
			snprintf(p->x.label, sizeof p->x.label, "Epochs seen (N)");
			ctk_axis_nice(&p->x, nlo, nhi > nlo ? nhi : nlo + 1, 8, 0);
			if (p->x.step < 1) {
				p->x.step = 1;
				p->x.decimals = 0;
				p->x.first = ceil(p->x.lo);
			}
			p->y.scale = 1;
			snprintf(p->y.label, sizeof p->y.label, "Error of predicted %s (%%)", target);
			ctk_axis_nice(&p->y, ylo, yhi, 6, 1);
			ctk_plot_layout(p, cr, CTK_FIG_W_PT, CTK_FIG_H_PT);
			ctk_plot_clip(p);
			cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
			cairo_set_line_width(cr, 0.5);
			cairo_move_to(cr, p->x0, ctk_plot_py(p, 0));
			cairo_line_to(cr, p->x1, ctk_plot_py(p, 0));
			cairo_stroke(cr);
		}
	}
	sqlite3_finalize(st);
	cairo_restore(cr);
	ctk_plot_axes(p);
	snprintf(text, text_size,
		 "Relative error of the predicted total %s after N epochs, per predictor (%d predictions; "
		 "bands: the predictor's interval, relative to the measured total; 0 = exact).", target, rows);
	return 0;
}
