/* Chart "prediction_error": relative error of the default predictor's total
 * after seeing N epochs (table predictions, written by ctk analyze), with its
 * interval (lo..hi) as a band, both relative to the measured total; the
 * y axis fits the errors (a band wider than twice the largest error, or
 * 5 %, is cut at the axis and the caption says so). The caption defines the
 * predictor. Energy predictions are drawn; duration or CO2 when no energy
 * ones. Every predictor's numbers stay in predictions.csv. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/db.h"
#include "common/predict.h"
#include "common/util.h"
#include "report/charts.h"

#define MAX_PRED 7

int ctk_chart_prediction(struct ctk_report *r, int64_t run_id, struct ctk_plot *p, cairo_t *cr, char *text,
			 size_t text_size, struct ctk_error *err)
{
	const struct ctk_predictor *def = ctk_predictor_default();
	sqlite3_stmt *st = NULL;
	char target[16] = "", pred[MAX_PRED][48];
	int pass, rows = 0, cut = 0;
	double ylo = 0, yhi = 0, nlo = INFINITY, nhi = -INFINITY, blo = 0, bhi = 0, cover = NAN;

	if (ctk_db_prepare(r->db, "SELECT target FROM predictions WHERE run_id = ? AND predictor = ? AND actual IS NOT NULL "
			   "AND actual != 0 GROUP BY target ORDER BY target != 'energy', target LIMIT 1", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_text(st, 2, def->name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(target, sizeof target, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (!target[0]) {
		snprintf(text, text_size, "no predictions of the default predictor (%s) with a measured total are stored for run %lld",
			 def->name, (long long)run_id);
		return CTK_CHART_SKIP;
	}
	if (ctk_db_prepare(r->db,
		"SELECT predictor, after_n, 100.0 * coalesce(rel_err, (value - actual) / actual), "
		"100.0 * (lo - actual) / actual, 100.0 * (hi - actual) / actual, coverage_nominal FROM predictions "
		"WHERE run_id = ? AND target = ? AND predictor = ? AND actual IS NOT NULL AND actual != 0 AND value IS NOT NULL "
		"ORDER BY predictor, after_n", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_text(st, 2, target, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, def->name, -1, SQLITE_STATIC);
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
					char lab[64];
					snprintf(pred[k], sizeof pred[k], "%s", name);
					snprintf(lab, sizeof lab, "%s (default predictor)", name);
					ctk_legend_add(&p->legend, lab, 3, CTK_MARK_LINE);
				}
			}
			if (pass == 0) {
				rows++;
				ylo = fmin(ylo, e);
				yhi = fmax(yhi, e);
				if (has_band) {
					blo = fmin(blo, lo);
					bhi = fmax(bhi, hi);
				}
				if (sqlite3_column_type(st, 5) != SQLITE_NULL)
					cover = sqlite3_column_double(st, 5);
				nlo = fmin(nlo, n);
				nhi = fmax(nhi, n);
				continue;
			}
			/* band between this and the previous N, then the line */
			if (pass == 1 && has_band && !isnan(prev_lo)) {
				cairo_save(cr);
				ctk_color(cr, 3, 0.20);
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
			ctk_color(cr, 3, 1);
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
			/* fit the errors; bands only up to twice the largest error (at least 5 %) */
			double lim = fmax(5, 2 * fmax(fabs(ylo), fabs(yhi)));
			cut = blo < -lim || bhi > lim;
			ylo = fmin(ylo, fmax(blo, -lim));
			yhi = fmax(yhi, fmin(bhi, lim));
			if (bhi > blo)
				ctk_legend_add(&p->legend, isnan(cover) ? "interval" : "prediction interval", 3, CTK_MARK_BAND);
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
		 "Relative error of the total %s predicted after the first N epochs by the %s predictor (ctk's default: "
		 "%s, times the epochs left, plus the epochs seen), against the measured total (0 = exact; %d predictions)",
		 target, def->name, def->description, rows);
	if (!isnan(cover))
		ctk_appendf(text, text_size, "; band: its %.0f %% prediction interval%s", 100 * cover,
			    cut ? ", cut at the axis where wider" : "");
	ctk_appendf(text, text_size, ". The other predictors are in predictions.csv.");
	return 0;
}
