/* Drawing helpers for charts: palette, fonts, nice ticks, axes, legend and
 * min/max envelopes (see plot.h). All sizes are in points of the figure. */
#include "report/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Okabe, M. & Ito, K. (2008) Color Universal Design, https://jfly.uni-koeln.de/color/ */
static const double palette[CTK_PALETTE_N][3] = {
	{0xE6 / 255.0, 0x9F / 255.0, 0x00 / 255.0}, /* orange */
	{0x56 / 255.0, 0xB4 / 255.0, 0xE9 / 255.0}, /* sky blue */
	{0x00 / 255.0, 0x9E / 255.0, 0x73 / 255.0}, /* bluish green */
	{0x00 / 255.0, 0x72 / 255.0, 0xB2 / 255.0}, /* blue */
	{0xD5 / 255.0, 0x5E / 255.0, 0x00 / 255.0}, /* vermillion */
	{0xCC / 255.0, 0x79 / 255.0, 0xA7 / 255.0}, /* reddish purple */
	{0xF0 / 255.0, 0xE4 / 255.0, 0x42 / 255.0}, /* yellow */
};

void ctk_color(cairo_t *cr, int i, double alpha)
{
	if (i == -1) {
		ctk_black(cr, alpha);
		return;
	}
	if (i == -2) {
		cairo_set_source_rgba(cr, 0.55, 0.55, 0.55, alpha);
		return;
	}
	i = ((i % CTK_PALETTE_N) + CTK_PALETTE_N) % CTK_PALETTE_N;
	cairo_set_source_rgba(cr, palette[i][0], palette[i][1], palette[i][2], alpha);
}

void ctk_black(cairo_t *cr, double alpha)
{
	cairo_set_source_rgba(cr, 0, 0, 0, alpha);
}

void ctk_font(cairo_t *cr, double size_pt, int bold)
{
	cairo_select_font_face(cr, CTK_FONT, CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size_pt);
}

double ctk_text_width(cairo_t *cr, const char *s)
{
	cairo_text_extents_t te;
	cairo_text_extents(cr, s, &te);
	return te.x_advance;
}

void ctk_text(cairo_t *cr, double x, double y, const char *s, double ax, double ay)
{
	cairo_font_extents_t fe;
	double w = ctk_text_width(cr, s);

	cairo_font_extents(cr, &fe);
	/* anchor on the cap height (about 0.76 of the ascent), so labels centre on ticks */
	cairo_move_to(cr, x - ax * w, y + (1 - ay) * 0.76 * fe.ascent);
	cairo_show_text(cr, s);
}

void ctk_tick_format(double v, int decimals, char *buf, size_t size)
{
	if (fabs(v) < 0.5 * pow(10, -decimals))
		v = 0;
	snprintf(buf, size, "%.*f", decimals, v);
}

void ctk_axis_nice(struct ctk_axis *a, double lo, double hi, int max_ticks, int widen)
{
	double span, raw, mag, f, step;

	if (!isfinite(lo) || !isfinite(hi)) {
		lo = 0;
		hi = 1;
	}
	if (hi < lo) {
		double t = lo;
		lo = hi;
		hi = t;
	}
	if (hi - lo < 1e-12 * (fabs(hi) + 1)) {
		double d = fabs(hi) > 0 ? 0.1 * fabs(hi) : 1;
		lo -= d;
		hi += d;
	}
	if (max_ticks < 2)
		max_ticks = 2;
	span = hi - lo;
	raw = span / (max_ticks - 1);
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
	a->step = step;
	if (widen) {
		lo = floor(lo / step + 1e-9) * step;
		hi = ceil(hi / step - 1e-9) * step;
	}
	a->lo = lo;
	a->hi = hi;
	a->first = ceil(lo / step - 1e-9) * step;
	a->decimals = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
	if (a->decimals > 9)
		a->decimals = 9;
	if (a->scale == 0)
		a->scale = 1;
}

void ctk_axis_time(struct ctk_axis *a, double span_s, const char *what)
{
	static const struct {
		double limit_s, unit_s;
		const char *name;
	} units[] = {{180, 1, "s"}, {3 * 3600, 60, "min"}, {3 * 86400, 3600, "h"}, {INFINITY, 86400, "d"}};
	int i = 0;

	while (span_s > units[i].limit_s)
		i++;
	a->scale = 1.0 / units[i].unit_s;
	snprintf(a->label, sizeof a->label, "%s (%s)", what, units[i].name);
	ctk_axis_nice(a, 0, span_s * a->scale, 7, 0);
}

void ctk_legend_add(struct ctk_legend *l, const char *name, int color, enum ctk_mark mark)
{
	if (l->n == CTK_LEGEND_MAX)
		return;
	snprintf(l->name[l->n], sizeof l->name[0], "%s", name);
	l->color[l->n] = color;
	l->mark[l->n] = mark;
	l->n++;
}

#define SWATCH 9.0
#define GAP 7.0

static double legend_entry_w(cairo_t *cr, const struct ctk_legend *l, int i)
{
	return SWATCH + 2 + ctk_text_width(cr, l->name[i]) + GAP;
}

/* Rows of the legend when laid out in width w (draw when draw != 0). */
static int legend_rows(struct ctk_plot *p, double left, double right, double top, int draw)
{
	cairo_t *cr = p->cr;
	const struct ctk_legend *l = &p->legend;
	double x = left, row_h = CTK_FONT_TICK + 3;
	int rows = l->n ? 1 : 0;

	ctk_font(cr, CTK_FONT_TICK, 0);
	for (int i = 0; i < l->n; i++) {
		double ew = legend_entry_w(cr, l, i);
		if (x + ew - GAP > right && x > left) {
			rows++;
			x = left;
		}
		if (draw) {
			double y = top + (rows - 1) * row_h + row_h / 2;
			cairo_save(cr);
			ctk_color(cr, l->color[i], l->mark[i] == CTK_MARK_BOX ? 0.85 : l->mark[i] == CTK_MARK_BAND ? 0.35 : 1);
			if (l->mark[i] == CTK_MARK_BOX || l->mark[i] == CTK_MARK_BAND) {
				cairo_rectangle(cr, x, y - 3, SWATCH, 6);
				cairo_fill(cr);
			} else {
				cairo_set_line_width(cr, 1.2);
				if (l->mark[i] == CTK_MARK_DASH) {
					double d[] = {2.5, 1.5};
					cairo_set_dash(cr, d, 2, 0);
				}
				cairo_move_to(cr, x, y);
				cairo_line_to(cr, x + SWATCH, y);
				cairo_stroke(cr);
			}
			cairo_restore(cr);
			ctk_black(cr, 1);
			ctk_text(cr, x + SWATCH + 2, y, l->name[i], 0, 0.5);
		}
		x += ew;
	}
	return rows;
}

static double ticks_width(cairo_t *cr, const struct ctk_axis *a)
{
	char buf[64];
	double w = 0;

	for (double v = a->first; v <= a->hi + 1e-9 * a->step; v += a->step) {
		ctk_tick_format(v, a->decimals, buf, sizeof buf);
		double tw = ctk_text_width(cr, buf);
		if (tw > w)
			w = tw;
	}
	return w;
}

void ctk_plot_layout(struct ctk_plot *p, cairo_t *cr, double w, double h)
{
	double left, right, top, bottom;
	int rows;

	p->cr = cr;
	p->w = w;
	p->h = h;
	ctk_font(cr, CTK_FONT_TICK, 0);
	left = 3 + CTK_FONT_LABEL + 3 + ticks_width(cr, &p->y) + 3;
	right = p->has_y2 ? 3 + CTK_FONT_LABEL + 3 + ticks_width(cr, &p->y2) + 3 : 8;
	bottom = 3 + CTK_FONT_TICK + 3 + CTK_FONT_LABEL + 3;
	rows = legend_rows(p, 4, w - 4, 0, 0) + (p->subject[0] != 0);
	top = rows ? 3 + rows * (CTK_FONT_TICK + 3) + 3 : 6;
	p->x0 = left;
	p->x1 = w - right;
	p->y0 = top;
	p->y1 = h - bottom;
	/* grid first, so data is drawn over it */
	cairo_save(cr);
	cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
	cairo_set_line_width(cr, 0.4);
	for (double v = p->y.first; v <= p->y.hi + 1e-9 * p->y.step; v += p->y.step) {
		double y = p->y1 - (v - p->y.lo) / (p->y.hi - p->y.lo) * (p->y1 - p->y0);
		cairo_move_to(cr, p->x0, y);
		cairo_line_to(cr, p->x1, y);
	}
	cairo_stroke(cr);
	cairo_restore(cr);
}

double ctk_plot_px(const struct ctk_plot *p, double x)
{
	return p->x0 + (x * p->x.scale - p->x.lo) / (p->x.hi - p->x.lo) * (p->x1 - p->x0);
}

double ctk_plot_py(const struct ctk_plot *p, double y)
{
	return p->y1 - (y * p->y.scale - p->y.lo) / (p->y.hi - p->y.lo) * (p->y1 - p->y0);
}

double ctk_plot_py2(const struct ctk_plot *p, double y)
{
	return p->y1 - (y * p->y2.scale - p->y2.lo) / (p->y2.hi - p->y2.lo) * (p->y1 - p->y0);
}

void ctk_plot_clip(struct ctk_plot *p)
{
	cairo_save(p->cr);
	cairo_rectangle(p->cr, p->x0, p->y0, p->x1 - p->x0, p->y1 - p->y0);
	cairo_clip(p->cr);
}

static void y_ticks(struct ctk_plot *p, const struct ctk_axis *a, int right)
{
	cairo_t *cr = p->cr;
	char buf[64];

	for (double v = a->first; v <= a->hi + 1e-9 * a->step; v += a->step) {
		double y = p->y1 - (v - a->lo) / (a->hi - a->lo) * (p->y1 - p->y0);
		ctk_black(cr, 1);
		cairo_set_line_width(cr, 0.6);
		cairo_move_to(cr, right ? p->x1 : p->x0, y);
		cairo_line_to(cr, right ? p->x1 + 2.5 : p->x0 - 2.5, y);
		cairo_stroke(cr);
		ctk_tick_format(v, a->decimals, buf, sizeof buf);
		ctk_text(cr, right ? p->x1 + 4 : p->x0 - 4, y, buf, right ? 0 : 1, 0.5);
	}
}

void ctk_plot_axes(struct ctk_plot *p)
{
	cairo_t *cr = p->cr;
	char buf[64];

	cairo_save(cr);
	ctk_font(cr, CTK_FONT_TICK, 0);
	y_ticks(p, &p->y, 0);
	if (p->has_y2)
		y_ticks(p, &p->y2, 1);
	if (!p->categorical_x)
		for (double v = p->x.first; v <= p->x.hi + 1e-9 * p->x.step; v += p->x.step) {
			double x = p->x0 + (v - p->x.lo) / (p->x.hi - p->x.lo) * (p->x1 - p->x0);
			ctk_black(cr, 1);
			cairo_set_line_width(cr, 0.6);
			cairo_move_to(cr, x, p->y1);
			cairo_line_to(cr, x, p->y1 + 2.5);
			cairo_stroke(cr);
			ctk_tick_format(v, p->x.decimals, buf, sizeof buf);
			ctk_text(cr, x, p->y1 + 4, buf, 0.5, 0);
		}
	ctk_black(cr, 1);
	cairo_set_line_width(cr, 0.7);
	cairo_rectangle(cr, p->x0, p->y0, p->x1 - p->x0, p->y1 - p->y0);
	cairo_stroke(cr);
	ctk_font(cr, CTK_FONT_LABEL, 0);
	ctk_text(cr, (p->x0 + p->x1) / 2, p->h - 3, p->x.label, 0.5, 1);
	cairo_save(cr);
	cairo_translate(cr, 3, (p->y0 + p->y1) / 2);
	cairo_rotate(cr, -M_PI / 2);
	ctk_text(cr, 0, 0, p->y.label, 0.5, 0);
	cairo_restore(cr);
	if (p->has_y2) {
		cairo_save(cr);
		cairo_translate(cr, p->w - 3, (p->y0 + p->y1) / 2);
		cairo_rotate(cr, M_PI / 2);
		ctk_text(cr, 0, 0, p->y2.label, 0.5, 0);
		cairo_restore(cr);
	}
	if (p->subject[0]) { /* the chart names what it shows: a PNG may travel alone */
		ctk_font(cr, CTK_FONT_TICK, 1);
		ctk_black(cr, 1);
		ctk_text(cr, 4, 3, p->subject, 0, 0);
	}
	legend_rows(p, 4, p->w - 4, p->subject[0] ? 3 + CTK_FONT_TICK + 3 : 3, 1);
	cairo_restore(cr);
}

int ctk_device_color(int i)
{
	static const int order[CTK_DEVICE_COLORS] = {3, 0, 1, 2};
	return order[i % CTK_DEVICE_COLORS];
}

int ctk_envelope_init(struct ctk_envelope *e, int n, int64_t t0_ns, int64_t t1_ns)
{
	memset(e, 0, sizeof(*e));
	e->n = n;
	e->t0_ns = t0_ns;
	e->t1_ns = t1_ns > t0_ns ? t1_ns : t0_ns + 1;
	e->min = malloc((size_t)n * sizeof(*e->min));
	e->max = malloc((size_t)n * sizeof(*e->max));
	e->sum = calloc((size_t)n, sizeof(*e->sum));
	e->cnt = calloc((size_t)n, sizeof(*e->cnt));
	if (!e->min || !e->max || !e->sum || !e->cnt) {
		ctk_envelope_release(e);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		e->min[i] = INFINITY;
		e->max[i] = -INFINITY;
	}
	return 0;
}

void ctk_envelope_add(struct ctk_envelope *e, int64_t t_ns, double v)
{
	int i;

	if (t_ns < e->t0_ns || t_ns > e->t1_ns)
		return;
	i = (int)((double)(t_ns - e->t0_ns) / (double)(e->t1_ns - e->t0_ns) * e->n);
	if (i >= e->n)
		i = e->n - 1;
	if (v < e->min[i])
		e->min[i] = v;
	if (v > e->max[i])
		e->max[i] = v;
	e->sum[i] += v;
	e->cnt[i]++;
}

void ctk_envelope_release(struct ctk_envelope *e)
{
	free(e->min);
	free(e->max);
	free(e->sum);
	free(e->cnt);
	memset(e, 0, sizeof(*e));
}

double ctk_envelope_t_s(const struct ctk_envelope *e, int i)
{
	return ((double)i + 0.5) / e->n * (double)(e->t1_ns - e->t0_ns) / 1e9;
}

void ctk_envelope_draw(struct ctk_plot *p, const struct ctk_envelope *e, int color, int right,
		       double vscale, int band, double line_w)
{
	cairo_t *cr = p->cr;
	double (*py)(const struct ctk_plot *, double) = right ? ctk_plot_py2 : ctk_plot_py;
	double colw = (double)(e->t1_ns - e->t0_ns) / 1e9 / e->n;

	cairo_save(cr);
	if (band) {
		/* one rectangle per column: a single reading's peak stays visible */
		ctk_color(cr, color, 0.35);
		for (int i = 0; i < e->n; i++) {
			if (!e->cnt[i])
				continue;
			double t = ctk_envelope_t_s(e, i);
			double xa = ctk_plot_px(p, t - colw / 2), xb = ctk_plot_px(p, t + colw / 2);
			double ya = py(p, e->max[i] * vscale), yb = py(p, e->min[i] * vscale);
			if (yb - ya < 0.3)
				yb = ya + 0.3;
			cairo_rectangle(cr, xa, ya, xb - xa, yb - ya);
		}
		cairo_fill(cr);
	}
	ctk_color(cr, color, 1);
	cairo_set_line_width(cr, line_w);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	int pen = 0;
	for (int i = 0; i < e->n; i++) {
		if (!e->cnt[i]) {
			pen = 0;
			continue;
		}
		double x = ctk_plot_px(p, ctk_envelope_t_s(e, i)), y = py(p, e->sum[i] / (double)e->cnt[i] * vscale);
		if (pen)
			cairo_line_to(cr, x, y);
		else
			cairo_move_to(cr, x, y);
		pen = 1;
	}
	cairo_stroke(cr);
	cairo_restore(cr);
}

const char *ctk_energy_unit(double max_j, double *scale)
{
	if (max_j < 3600) {
		*scale = 1;
		return "J";
	}
	if (max_j < 3.6e6) {
		*scale = 1 / 3600.0;
		return "Wh";
	}
	if (max_j < 3.6e9) {
		*scale = 1 / 3.6e6;
		return "kWh";
	}
	*scale = 1 / 3.6e9;
	return "MWh";
}
