/* Chart "whatif_heatmap": the CO2 the run's measured energy profile would
 * have caused had it started at each hour of day (y) on each day of the
 * year (x) of its own zone's stored intensity series (common/whatif.h, as
 * `ctk whatif`); a colour ramp from the lowest (yellow) to the highest
 * (reddish purple) start, white where no start covers the whole run. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "common/settings.h"
#include "common/time.h"
#include "report/charts.h"
#include "report/whatif_zones.h"

/* Okabe–Ito yellow (240, 228, 66) for the lowest start to reddish purple
 * (204, 121, 167) for the highest, linear in RGB: the legend's two boxes. */
static void ramp(cairo_t *cr, double f)
{
	static const double a[3] = {240, 228, 66}, b[3] = {204, 121, 167};
	f = fmin(fmax(f, 0), 1);
	cairo_set_source_rgb(cr, (a[0] + (b[0] - a[0]) * f) / 255, (a[1] + (b[1] - a[1]) * f) / 255,
			     (a[2] + (b[2] - a[2]) * f) / 255);
}

static void day_hour(int64_t t_ns, int *yday, int *hour)
{
	time_t t = (time_t)(t_ns / CTK_NS_PER_S - (t_ns % CTK_NS_PER_S < 0));
	struct tm tm;
	gmtime_r(&t, &tm);
	*yday = tm.tm_yday;
	*hour = tm.tm_hour;
}

int ctk_chart_whatif_heatmap(struct ctk_report *r, int64_t run_id, struct ctk_plot *p, cairo_t *cr, char *text,
			     size_t text_size, struct ctk_error *err)
{
	struct ctk_report_whatif *w = calloc(1, sizeof(*w));
	const struct ctk_whatif_zone *z;
	double lo, hi;
	int rc, year;

	if (!w)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	struct ctk_settings set;
	if ((rc = ctk_settings_get(r->db, run_id, &set, err)))
		goto out;
	if (!set.has_zone) {
		snprintf(text, text_size, "run %lld has no zone, so no heat map of its zone", (long long)run_id);
		rc = CTK_CHART_SKIP;
		goto out;
	}
	char zone[64];
	snprintf(zone, sizeof zone, "%s", set.zone);
	if ((rc = ctk_report_whatif_get(r->db, run_id, zone, 1, w, err)))
		goto out;
	if (!w->nz || !w->z[0].nkept) {
		snprintf(text, text_size, "no start time in zone %s prices run %lld (%s)", zone, (long long)run_id,
			 w->nz ? w->z[0].note : w->why);
		rc = CTK_CHART_SKIP;
		goto out;
	}
	z = &w->z[0];
	if (z->last_start - z->first_start < 24 * 3600 * CTK_NS_PER_S) {
		snprintf(text, text_size, "the starts of run %lld in zone %s span less than a day: no heat map by hour "
			 "and day (see the what-if table)", (long long)run_id, zone);
		rc = CTK_CHART_SKIP;
		goto out;
	}
	lo = z->min_g;
	hi = z->max_g;
	year = ctk_whatif_year_of(z->first_start);
	p->x.scale = 1;
	snprintf(p->x.label, sizeof p->x.label, "Day of year %d (UTC)", year);
	ctk_axis_nice(&p->x, 0, 366, 7, 0);
	p->x.lo = 0;
	p->x.hi = 366;
	p->y.scale = 1;
	snprintf(p->y.label, sizeof p->y.label, "Start hour (UTC)");
	p->y.lo = 0;
	p->y.hi = 24;
	p->y.first = 0;
	p->y.step = 6;
	p->y.decimals = 0;
	{
		char a[64], b[64];
		snprintf(a, sizeof a, "lowest %.4g g", lo);
		snprintf(b, sizeof b, "highest %.4g g", hi);
		ctk_legend_add(&p->legend, a, 6, CTK_MARK_BOX);   /* palette 6: yellow */
		ctk_legend_add(&p->legend, b, CTK_COLOR_INTENSITY, CTK_MARK_BOX);
	}
	ctk_plot_layout(p, cr, CTK_FIG_W_PT, CTK_FIG_H_PT);
	ctk_plot_clip(p);
	for (int64_t k = 0; k < z->nkept; k++) {
		int d, h;
		if (ctk_whatif_year_of(z->kept_start[k]) != year)
			continue;
		day_hour(z->kept_start[k], &d, &h);
		double xa = ctk_plot_px(p, d), xb = ctk_plot_px(p, d + 1);
		double ya = ctk_plot_py(p, h + 1), yb = ctk_plot_py(p, h);
		ramp(cr, hi > lo ? (z->kept_g[k] - lo) / (hi - lo) : 0.5);
		cairo_rectangle(cr, xa, ya, xb - xa + 0.05, yb - ya + 0.05);
		cairo_fill(cr);
	}
	cairo_restore(cr);
	ctk_plot_axes(p);
	snprintf(text, text_size, "CO2 of the run had it started at each hour (UTC) of each day of %d in its zone %s "
		 "(%s signal, PUE %.3g): from %.4g g (lightest) to %.4g g (darkest) over %lld starts; white: no start "
		 "there covers the whole run.", year, zone, z->signal, w->pue, lo, hi, (long long)z->nkept);
	rc = 0;
out:
	ctk_report_whatif_release(w);
	free(w);
	return rc;
}
