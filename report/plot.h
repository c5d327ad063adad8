/* Drawing helpers shared by every chart (report/chart_*.c): figure size for
 * a single paper column (3.3 in), the Okabe–Ito colour-blind-safe palette,
 * the font (DejaVu Sans, from Debian's fonts-dejavu-core, embedded by cairo's
 * PDF surface), axes with "nice" 1-2-5 ticks and units, a legend above the
 * plot area, and per-pixel-column min/max envelopes so long runs keep their
 * peaks. Nothing here touches the store. */
#ifndef CTK_REPORT_PLOT_H
#define CTK_REPORT_PLOT_H

#include <cairo.h>
#include <stddef.h>
#include <stdint.h>

/* Single-column figure: 3.3 in x 2.2 in (1 in = 72 pt). PNG at 300 dpi by
 * default (print resolution: 990 x 660 px), --dpi to change it. */
#define CTK_FIG_W_PT (3.3 * 72.0)
#define CTK_FIG_H_PT (2.2 * 72.0)
#define CTK_PNG_DPI 300.0
#define CTK_FONT "DejaVu Sans"
#define CTK_FONT_TICK 7.0   /* pt: the smallest text journals accept in print */
#define CTK_FONT_LABEL 7.5
#define CTK_PALETTE_N 7
/* Carbon intensity is reddish purple (5) everywhere; devices use blue,
 * orange, sky blue, bluish green (3, 0, 1, 2) and never 5 or vermillion
 * (4), which is hard to tell from orange. */
#define CTK_COLOR_INTENSITY 5
#define CTK_DEVICE_COLORS 4
int ctk_device_color(int i);

/* Okabe & Ito (2008), "Color Universal Design": orange, sky blue, bluish
 * green, blue, vermillion, reddish purple, yellow; black is used for totals. */
void ctk_color(cairo_t *cr, int i, double alpha);
void ctk_black(cairo_t *cr, double alpha);

/* One axis: data range [lo, hi] with ticks every `step` from `first`. The
 * shown value is the data value times `scale` (e.g. s -> h). */
struct ctk_axis {
	double lo, hi, first, step, scale;
	int decimals;      /* decimals of the tick labels */
	char label[96];    /* e.g. "Power (W)" */
};

/* Nice 1-2-5 ticks covering [lo, hi] (values already scaled); at most about
 * max_ticks ticks. When lo/hi are not on ticks, the range is widened to them
 * if widen is set. */
void ctk_axis_nice(struct ctk_axis *a, double lo, double hi, int max_ticks, int widen);
/* A time axis for a span in seconds: unit s, min, h or d by its length. */
void ctk_axis_time(struct ctk_axis *a, double span_s, const char *what);

#define CTK_LEGEND_MAX 16
enum ctk_mark { CTK_MARK_LINE, CTK_MARK_DASH, CTK_MARK_BOX, CTK_MARK_BAND };

struct ctk_legend {
	int n;
	char name[CTK_LEGEND_MAX][64];
	int color[CTK_LEGEND_MAX];  /* palette index, -1 black, -2 grey */
	enum ctk_mark mark[CTK_LEGEND_MAX];
};
void ctk_legend_add(struct ctk_legend *l, const char *name, int color, enum ctk_mark mark);

struct ctk_plot {
	cairo_t *cr;
	double w, h;                /* figure, pt */
	double x0, y0, x1, y1;      /* plot area, pt (y0 top, y1 bottom) */
	struct ctk_axis x, y, y2;
	int has_y2;
	struct ctk_legend legend;
	int categorical_x;          /* x ticks drawn by the chart (bars) */
	char subject[160];          /* what the chart is of ("run \"label\""), top left; "" none */
};

/* Lay out the figure on cr (w x h pt): margins for tick labels, axis labels,
 * the legend rows and a right axis when has_y2. Axes must be set first. */
void ctk_plot_layout(struct ctk_plot *p, cairo_t *cr, double w, double h);
/* Frame, grid, ticks, labels and legend. */
void ctk_plot_axes(struct ctk_plot *p);
/* Data -> figure coordinates. */
double ctk_plot_px(const struct ctk_plot *p, double x);
double ctk_plot_py(const struct ctk_plot *p, double y);
double ctk_plot_py2(const struct ctk_plot *p, double y);
/* Clip to the plot area (cairo_save'd; undo with cairo_restore). */
void ctk_plot_clip(struct ctk_plot *p);

void ctk_font(cairo_t *cr, double size_pt, int bold);
/* Draw s with its anchor at (x, y): ax/ay 0 = left/top, 0.5 centre, 1 right/bottom. */
void ctk_text(cairo_t *cr, double x, double y, const char *s, double ax, double ay);
double ctk_text_width(cairo_t *cr, const char *s);
/* Format a tick value with `decimals` decimals (no "-0"). */
void ctk_tick_format(double v, int decimals, char *buf, size_t size);

/* Unit for energies up to max_j: "J", "Wh", "kWh" or "MWh"; *scale turns J into it. */
const char *ctk_energy_unit(double max_j, double *scale);

/* Min/max/mean of a signal per column of a time range: envelope of readings
 * streamed in any order. Columns without readings stay empty (gaps are drawn
 * as gaps, never bridged). */
struct ctk_envelope {
	int n;
	int64_t t0_ns, t1_ns;
	double *min, *max, *sum;
	int64_t *cnt;
};
int ctk_envelope_init(struct ctk_envelope *e, int n, int64_t t0_ns, int64_t t1_ns);
void ctk_envelope_add(struct ctk_envelope *e, int64_t t_ns, double v);
void ctk_envelope_release(struct ctk_envelope *e);
/* Centre of column i, seconds from t0. */
double ctk_envelope_t_s(const struct ctk_envelope *e, int i);
/* Draw the min..max band (alpha) and the mean line of e on axis y (y2 when
 * right); values multiplied by vscale. */
void ctk_envelope_draw(struct ctk_plot *p, const struct ctk_envelope *e, int color, int right,
		       double vscale, int band, double line_w);

#endif
