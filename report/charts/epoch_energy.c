/* Chart "epoch_energy": energy of every epoch of a run as a bar stacked by
 * device (up to CTK_DEVICE_COLORS devices; more are one bar, their sum),
 * from the stored analysis (epoch_energy). An epoch a device has no reading
 * for shows that device's part missing, never as 0 drawn as data; a run
 * whose epochs have no energy at all has no chart (left out with a note). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/db.h"
#include "report/charts.h"

#define MAX_DEV 16

int ctk_chart_epochs(struct ctk_report *r, int64_t run_id, struct ctk_plot *p, cairo_t *cr, char *text,
		     size_t text_size, struct ctk_error *err)
{
	static const char *q =
		"SELECT w.idx, e.device_id, e.energy_j, d.kind, d.idx FROM windows w JOIN epoch_energy e "
		"ON e.run_id = w.run_id AND e.idx = w.idx AND e.attempt = w.attempt JOIN devices d ON d.device_id = e.device_id "
		"WHERE w.run_id = ? AND w.kind = 'epoch' ORDER BY w.start_ns, w.idx, d.kind DESC, d.idx, d.device_id";
	sqlite3_stmt *st = NULL;
	int64_t devs[MAX_DEV];
	char names[MAX_DEV][32];
	int ndev = 0, nep = 0, incomplete = 0, measured = 0;
	double maxsum = 0, cur = 0, lo_idx = INFINITY, hi_idx = -INFINITY, scale;
	int64_t cur_idx = INT64_MIN;
	const char *unit;

	if (ctk_db_prepare(r->db, q, &st, err))
		return CTK_EDB;
	/* pass 1: devices, epoch range and the tallest stack */
	sqlite3_bind_int64(st, 1, run_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t idx = sqlite3_column_int64(st, 0), d = sqlite3_column_int64(st, 1);
		int k;
		if (idx != cur_idx) {
			nep++;
			cur = 0;
			cur_idx = idx;
			if (idx < lo_idx)
				lo_idx = (double)idx;
			if (idx > hi_idx)
				hi_idx = (double)idx;
		}
		for (k = 0; k < ndev && devs[k] != d; k++)
			;
		if (k == ndev && ndev < MAX_DEV) {
			snprintf(names[ndev], sizeof names[0], "%s%d", (const char *)sqlite3_column_text(st, 3),
				 sqlite3_column_int(st, 4));
			devs[ndev++] = d;
		}
		if (sqlite3_column_type(st, 2) == SQLITE_NULL)
			incomplete = 1;
		else
			measured = 1;
		cur += sqlite3_column_double(st, 2);
		if (cur > maxsum)
			maxsum = cur;
	}
	if (nep == 0) {
		sqlite3_finalize(st);
		snprintf(text, text_size, "run %lld has no analysed epochs (import epochs, then run ctk analyze)",
			 (long long)run_id);
		return CTK_CHART_SKIP;
	}
	if (!measured) {
		sqlite3_finalize(st);
		snprintf(text, text_size, "no epoch of run %lld has measured energy", (long long)run_id);
		return CTK_CHART_SKIP;
	}
	int stack = ndev <= CTK_DEVICE_COLORS;
	for (int k = 0; stack && k < ndev; k++)
		ctk_legend_add(&p->legend, names[k], ctk_device_color(k), CTK_MARK_BOX);
	if (!stack) {
		char name[64];
		snprintf(name, sizeof name, "total of %d devices", ndev);
		ctk_legend_add(&p->legend, name, ctk_device_color(0), CTK_MARK_BOX);
	}
	unit = ctk_energy_unit(maxsum, &scale);
	p->x.scale = 1;
	snprintf(p->x.label, sizeof p->x.label, "Epoch");
	ctk_axis_nice(&p->x, lo_idx - 0.5, hi_idx + 0.5, 8, 0);
	if (p->x.step < 1) {
		p->x.step = 1;
		p->x.decimals = 0;
		p->x.first = ceil(p->x.lo);
	}
	p->y.scale = scale;
	snprintf(p->y.label, sizeof p->y.label, "Energy (%s)", unit);
	ctk_axis_nice(&p->y, 0, maxsum * scale * 1.02, 6, 1);
	ctk_plot_layout(p, cr, CTK_FIG_W_PT, CTK_FIG_H_PT);

	/* pass 2: the stacks */
	ctk_plot_clip(p);
	sqlite3_reset(st);
	cur_idx = INT64_MIN;
	double bw = 0.7;
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t idx = sqlite3_column_int64(st, 0), d = sqlite3_column_int64(st, 1);
		int k;
		if (idx != cur_idx) {
			cur = 0;
			cur_idx = idx;
		}
		if (sqlite3_column_type(st, 2) == SQLITE_NULL)
			continue;
		for (k = 0; k < ndev && devs[k] != d; k++)
			;
		double e = sqlite3_column_double(st, 2);
		double xa = ctk_plot_px(p, (double)idx - bw / 2), xb = ctk_plot_px(p, (double)idx + bw / 2);
		double ya = ctk_plot_py(p, cur + e), yb = ctk_plot_py(p, cur);
		ctk_color(cr, stack ? ctk_device_color(k) : ctk_device_color(0), 0.85);
		cairo_rectangle(cr, xa, ya, xb - xa, yb - ya);
		cairo_fill_preserve(cr);
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_set_line_width(cr, 0.3);
		if (stack)
			cairo_stroke(cr);
		else
			cairo_new_path(cr);
		cur += e;
	}
	sqlite3_finalize(st);
	cairo_restore(cr);
	ctk_plot_axes(p);
	snprintf(text, text_size, "Energy of each of the %d epochs, %s (%s)%s.", nep,
		 stack ? "stacked by device" : "all devices summed", unit,
		 incomplete ? "; some epochs lack a device's readings and show only the part measured" : "");
	return 0;
}
