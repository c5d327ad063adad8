/* Chart "intensity": the grid's carbon intensity over the run, as the step
 * values of its series (table intensity); estimated or forecast values are
 * drawn hatched-grey so they are not taken for measured ones. */
#include <math.h>
#include <stdio.h>

#include "common/db.h"
#include "report/charts.h"
#include "report/co2.h"

int ctk_chart_intensity(struct ctk_report *r, int64_t run_id, struct ctk_plot *p, cairo_t *cr, char *text,
			size_t text_size, struct ctk_error *err)
{
	struct ctk_run_info ri;
	double flat_g = 0;
	int flat = 0;
	struct ctk_series_info si;
	sqlite3_stmt *st = NULL;
	int64_t series = -1;
	int rc, nval = 0, nest = 0;
	double ymax = 0;

	if ((rc = ctk_run_info_get(r->db, run_id, &ri, err)))
		return rc;
	if (!ri.has_span) {
		snprintf(text, text_size, "run %lld has no time span", (long long)run_id);
		return CTK_CHART_SKIP;
	}
	if ((rc = ctk_run_intensity_series(r->db, run_id, ri.started_ns, ri.ended_ns, &series, err)))
		return rc;
	if (series < 0) {
		snprintf(text, text_size, "no carbon-intensity series covers run %lld%s%s", (long long)run_id,
			 ri.zone[0] ? " in zone " : " (the run has no zone)", ri.zone);
		return CTK_CHART_SKIP;
	}
	if ((rc = ctk_series_info_get(r->db, series, &si, err)))
		return rc;
	if (ctk_db_prepare(r->db, "SELECT max(start_ns, ?2), min(end_ns, ?3), g_per_kwh, estimated FROM intensity "
			   "WHERE series_id = ?1 AND start_ns < ?3 AND end_ns > ?2 ORDER BY start_ns", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, series);
	sqlite3_bind_int64(st, 2, ri.started_ns);
	sqlite3_bind_int64(st, 3, ri.ended_ns);
	while (sqlite3_step(st) == SQLITE_ROW) {
		ymax = fmax(ymax, sqlite3_column_double(st, 2));
		nval++;
		nest += sqlite3_column_int(st, 3) != 0;
	}
	/* no value inside the run: the one value that priced it, flat, else nothing to draw */
	if (!nval && (rc = ctk_run_flat_intensity(r->db, run_id, &flat_g, &flat, err))) {
		sqlite3_finalize(st);
		return rc;
	}
	if (!nval && !flat) {
		sqlite3_finalize(st);
		snprintf(text, text_size, "the intensity series of zone %s has no value inside run %lld and the run has no "
			 "stored CO2", si.zone, (long long)run_id);
		return CTK_CHART_SKIP;
	}
	if (flat)
		ymax = flat_g;
	ctk_axis_time(&p->x, (double)(ri.ended_ns - ri.started_ns) / 1e9, "Time since start");
	p->y.scale = 1;
	snprintf(p->y.label, sizeof p->y.label, "Intensity (g CO\u2082/kWh)");
	ctk_axis_nice(&p->y, 0, ymax * 1.05, 6, 1);
	ctk_legend_add(&p->legend, si.source, CTK_COLOR_INTENSITY, CTK_MARK_BAND);
	if (nest)
		ctk_legend_add(&p->legend, "estimated", -2, CTK_MARK_BAND);
	ctk_plot_layout(p, cr, CTK_FIG_W_PT, CTK_FIG_H_PT);
	ctk_plot_clip(p);
	sqlite3_reset(st);
	while (sqlite3_step(st) == SQLITE_ROW) {
		double xa = ctk_plot_px(p, (double)(sqlite3_column_int64(st, 0) - ri.started_ns) / 1e9);
		double xb = ctk_plot_px(p, (double)(sqlite3_column_int64(st, 1) - ri.started_ns) / 1e9);
		double y = ctk_plot_py(p, sqlite3_column_double(st, 2)), y0 = ctk_plot_py(p, 0);
		int est = sqlite3_column_int(st, 3) != 0;
		ctk_color(cr, est ? -2 : CTK_COLOR_INTENSITY, 0.30);
		cairo_rectangle(cr, xa, y, xb - xa, y0 - y);
		cairo_fill(cr);
		ctk_color(cr, est ? -2 : CTK_COLOR_INTENSITY, 1);
		cairo_set_line_width(cr, 1.2);
		cairo_move_to(cr, xa, y);
		cairo_line_to(cr, xb, y);
		cairo_stroke(cr);
	}
	sqlite3_finalize(st);
	if (flat) {
		double y = ctk_plot_py(p, flat_g), y0 = ctk_plot_py(p, 0);
		ctk_color(cr, CTK_COLOR_INTENSITY, 0.30);
		cairo_rectangle(cr, p->x0, y, p->x1 - p->x0, y0 - y);
		cairo_fill(cr);
		ctk_color(cr, CTK_COLOR_INTENSITY, 1);
		cairo_set_line_width(cr, 1.2);
		cairo_move_to(cr, p->x0, y);
		cairo_line_to(cr, p->x1, y);
		cairo_stroke(cr);
	}
	cairo_restore(cr);
	ctk_plot_axes(p);
	if (flat) {
		char year[32] = "";
		if (si.has_year)
			snprintf(year, sizeof year, ", data of %d", si.year);
		snprintf(text, text_size, "Carbon intensity of zone %s during the run: one value, %.0f g CO2/kWh (%s, %s "
			 "signal%s), which priced all of its energy.", si.zone, flat_g, si.source, si.signal, year);
		return 0;
	}
	snprintf(text, text_size, "Carbon intensity of zone %s during the run (%s, %s signal, %d values%s%s).",
		 si.zone, si.source, si.signal, nval, nest ? "; grey: estimated or forecast" : "",
		 nval ? "" : "; no values inside the run");
	return 0;
}
