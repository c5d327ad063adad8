/* The table of charts. Each chart is one file report/charts/<name>.c with a
 * draw function; ctk report renders every chart into a cairo recording
 * surface once and replays it to DIR/<name>.pdf (vector), DIR/<name>.png
 * (2x) and a page of report.pdf. A chart whose data is not in the store is
 * left out with a note (shown on the summary page of report.pdf).
 *
 * To add a chart:
 *   1. write report/charts/<name>.c (<name> = its ctk_charts[] entry) with a ctk_chart_fn: read what it needs
 *      from r->db (stream readings through ctk_sample_reader, never load a
 *      run), set p->x/p->y (ctk_axis_*), fill p->legend, call
 *      ctk_plot_layout(p, cr, CTK_FIG_W_PT, CTK_FIG_H_PT), draw inside the
 *      plot area, then ctk_plot_axes(p);
 *   2. return 0 with a one-sentence caption in text (units, what bands and
 *      lines mean), or CTK_CHART_SKIP with the reason in text;
 *   3. declare it below and add a row to ctk_charts[] in charts.c;
 *   4. add a case to tests/unit/test_charts.c (renders, PNG non-blank). */
#ifndef CTK_REPORT_CHARTS_H
#define CTK_REPORT_CHARTS_H

#include <cairo.h>
#include <stddef.h>
#include <stdint.h>

#include "report/plot.h"
#include "report/report.h"

#define CTK_CHART_SKIP 1

/* Draw the chart for run_id (per-run charts) or for all of r->runs (run_id
 * -1) on cr. Returns 0 (caption in text), CTK_CHART_SKIP (reason in text)
 * or a negative ctk_err. */
typedef int (*ctk_chart_fn)(struct ctk_report *r, int64_t run_id, struct ctk_plot *p, cairo_t *cr,
			    char *text, size_t text_size, struct ctk_error *err);

struct ctk_chart {
	const char *name;   /* file stem: DIR/<name>.pdf, .png (…_run<ID> when several runs) */
	const char *title;  /* heading in report.pdf */
	int per_run;        /* one figure per selected run */
	ctk_chart_fn draw;
};

extern const struct ctk_chart ctk_charts[]; /* NULL-terminated (name == NULL) */

int ctk_chart_power(struct ctk_report *r, int64_t run_id, struct ctk_plot *p, cairo_t *cr, char *text,
		    size_t text_size, struct ctk_error *err);
int ctk_chart_epochs(struct ctk_report *r, int64_t run_id, struct ctk_plot *p, cairo_t *cr, char *text,
		     size_t text_size, struct ctk_error *err);
int ctk_chart_prediction(struct ctk_report *r, int64_t run_id, struct ctk_plot *p, cairo_t *cr, char *text,
			 size_t text_size, struct ctk_error *err);
int ctk_chart_compare(struct ctk_report *r, int64_t run_id, struct ctk_plot *p, cairo_t *cr, char *text,
		      size_t text_size, struct ctk_error *err);
int ctk_chart_intensity(struct ctk_report *r, int64_t run_id, struct ctk_plot *p, cairo_t *cr, char *text,
			size_t text_size, struct ctk_error *err);

int ctk_chart_whatif_distribution(struct ctk_report *r, int64_t run_id, struct ctk_plot *p, cairo_t *cr, char *text,
				  size_t text_size, struct ctk_error *err);
int ctk_chart_whatif_heatmap(struct ctk_report *r, int64_t run_id, struct ctk_plot *p, cairo_t *cr, char *text,
			     size_t text_size, struct ctk_error *err);

/* A chart drawn: its recording (owned) and texts, kept for report.pdf. */
struct ctk_figure {
	char file[96];        /* file stem */
	char title[256];
	char caption[512];
	cairo_surface_t *rec; /* recording surface, CTK_FIG_W_PT x CTK_FIG_H_PT */
};

/* Render chart c for run_id into a new recording; *fig->rec = NULL when the
 * chart was skipped (reason noted in r). */
int ctk_chart_render(struct ctk_report *r, const struct ctk_chart *c, int64_t run_id, struct ctk_figure *fig,
		     struct ctk_error *err);
/* Render every chart, write DIR/<file>.pdf/.png as asked; the figures drawn
 * are returned for report.pdf (free with ctk_figures_free). */
int ctk_charts_write(struct ctk_report *r, struct ctk_figure **figs, int *nfigs, struct ctk_error *err);
void ctk_figures_free(struct ctk_figure *figs, int n);
/* Write a figure's recording as a PDF or 2x PNG file at path. */
int ctk_figure_pdf(const struct ctk_figure *fig, const char *path, struct ctk_error *err);
int ctk_figure_png(const struct ctk_figure *fig, const char *path, struct ctk_error *err);
/* The same at dpi (ctk_figure_png: CTK_PNG_DPI): 3.3 in x dpi pixels wide. */
int ctk_figure_png_dpi(const struct ctk_figure *fig, const char *path, double dpi, struct ctk_error *err);

#endif
