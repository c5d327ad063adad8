/* The table of charts and their rendering: each chart draws once into a
 * cairo recording surface, which is replayed to a vector PDF, a 2x PNG and
 * a page of report.pdf (see charts.h). */
#include "report/charts.h"

#include <cairo-pdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* To add a chart: see charts.h. */
const struct ctk_chart ctk_charts[] = {
	{"power", "Power over time", 1, ctk_chart_power},
	{"epoch_energy", "Energy per epoch", 1, ctk_chart_epochs},
	{"prediction_error", "Prediction error after N epochs", 1, ctk_chart_prediction},
	{"hardware_comparison", "Hardware comparison", 0, ctk_chart_compare},
	{"intensity", "Carbon intensity during the run", 1, ctk_chart_intensity},
	{"whatif_distribution", "What if: CO2 over start times, per zone", 1, ctk_chart_whatif_distribution},
	{"whatif_heatmap", "What if: CO2 by start hour and day in the run's zone", 1, ctk_chart_whatif_heatmap},
	{NULL, NULL, 0, NULL},
};

static int cairo_fail(cairo_status_t s, const char *what, struct ctk_error *err)
{
	return ctk_failf(err, s == CAIRO_STATUS_NO_MEMORY ? CTK_ENOMEM : CTK_EDB, "%s: %s", what,
			 cairo_status_to_string(s));
}

/* What a chart shows, drawn on it: run "label" (simulated device) for a
 * run's chart, else the number of runs; simulated data is always said. */
static int subject(struct ctk_report *r, int64_t run_id, char *buf, size_t size, struct ctk_error *err)
{
	struct ctk_run_info ri;
	int rc, sim = 0;

	if (run_id >= 0) {
		if ((rc = ctk_run_info_get(r->db, run_id, &ri, err)))
			return rc;
		snprintf(buf, size, "Run \u201c%.100s\u201d%s", ri.label, ri.simulated ? " (simulated device)" : "");
		return 0;
	}
	for (int i = 0; i < r->nruns; i++) {
		if ((rc = ctk_run_info_get(r->db, r->runs[i], &ri, err)))
			return rc;
		sim += ri.simulated;
	}
	snprintf(buf, size, "%d runs%s", r->nruns, sim ? (sim == r->nruns ? " (simulated devices)" : " (some simulated)") : "");
	return 0;
}

int ctk_chart_render(struct ctk_report *r, const struct ctk_chart *c, int64_t run_id, struct ctk_figure *fig,
		     struct ctk_error *err)
{
	cairo_rectangle_t ext = {0, 0, CTK_FIG_W_PT, CTK_FIG_H_PT};
	struct ctk_plot p;
	cairo_surface_t *rec;
	cairo_t *cr;
	char text[512] = "";
	int rc;

	memset(fig, 0, sizeof(*fig));
	memset(&p, 0, sizeof p);
	if (c->per_run && r->nruns > 1)
		snprintf(fig->file, sizeof fig->file, "%s_run%lld", c->name, (long long)run_id);
	else
		snprintf(fig->file, sizeof fig->file, "%s", c->name);
	snprintf(fig->title, sizeof fig->title, "%s", c->title);
	if (c->per_run && r->nruns > 1) { /* several runs: figure titles say which, never a file name */
		struct ctk_run_info ri;
		if ((rc = ctk_run_info_get(r->db, run_id, &ri, err)))
			return rc;
		snprintf(fig->title, sizeof fig->title, "%s: run \u201c%.120s\u201d", c->title, ri.label);
	}
	rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &ext);
	cr = cairo_create(rec);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	if ((rc = subject(r, run_id, p.subject, sizeof p.subject, err))) {
		cairo_destroy(cr);
		cairo_surface_destroy(rec);
		return rc;
	}
	rc = c->draw(r, run_id, &p, cr, text, sizeof text, err);
	if (!rc && cairo_status(cr))
		rc = cairo_fail(cairo_status(cr), c->name, err);
	cairo_destroy(cr);
	if (rc) {
		cairo_surface_destroy(rec);
		if (rc == CTK_CHART_SKIP) {
			/* a figure from an earlier report is removed with the stale
			 * files of the manifest (main.c) */
			if (c->per_run && r->nruns > 1)
				ctk_report_note(r, "%s (run %lld) left out: %s", c->title, (long long)run_id, text);
			else
				ctk_report_note(r, "%s left out: %s", c->title, text);
			return 0;
		}
		return rc;
	}
	fig->rec = rec;
	snprintf(fig->caption, sizeof fig->caption, "%s", text);
	return 0;
}

int ctk_figure_pdf(const struct ctk_figure *fig, const char *path, struct ctk_error *err)
{
	cairo_surface_t *s = cairo_pdf_surface_create(path, CTK_FIG_W_PT, CTK_FIG_H_PT);
	cairo_t *cr = cairo_create(s);
	cairo_status_t st;

	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, fig->title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "ctk report");
	cairo_set_source_surface(cr, fig->rec, 0, 0);
	cairo_paint(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	return st ? cairo_fail(st, path, err) : 0;
}

int ctk_figure_png(const struct ctk_figure *fig, const char *path, struct ctk_error *err)
{
	return ctk_figure_png_dpi(fig, path, CTK_PNG_DPI, err);
}

int ctk_figure_png_dpi(const struct ctk_figure *fig, const char *path, double dpi, struct ctk_error *err)
{
	double scale = dpi / 72.0;
	int w = (int)lround(CTK_FIG_W_PT * scale), h = (int)lround(CTK_FIG_H_PT * scale);
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	cairo_t *cr = cairo_create(s);
	cairo_status_t st;

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, scale, scale);
	cairo_set_source_surface(cr, fig->rec, 0, 0);
	cairo_paint(cr);
	cairo_destroy(cr);
	st = cairo_surface_status(s);
	if (!st)
		st = cairo_surface_write_to_png(s, path);
	cairo_surface_destroy(s);
	return st ? cairo_fail(st, path, err) : 0;
}

void ctk_figures_free(struct ctk_figure *figs, int n)
{
	for (int i = 0; i < n; i++)
		if (figs[i].rec)
			cairo_surface_destroy(figs[i].rec);
	free(figs);
}

static int write_one(struct ctk_report *r, const struct ctk_figure *fig, const char *ext, struct ctk_error *err)
{
	struct ctk_outfile o;
	char name[128];
	int rc;

	snprintf(name, sizeof name, "%s.%s", fig->file, ext);
	if ((rc = ctk_out_begin(r, name, 0, &o, err)))
		return rc;
	rc = !strcmp(ext, "pdf") ? ctk_figure_pdf(fig, o.tmp, err) : ctk_figure_png_dpi(fig, o.tmp, r->dpi > 0 ? r->dpi : CTK_PNG_DPI, err);
	return ctk_out_end(r, &o, rc, err);
}

int ctk_charts_write(struct ctk_report *r, struct ctk_figure **figs, int *nfigs, struct ctk_error *err)
{
	struct ctk_figure *f = NULL;
	int n = 0, rc = 0;

	*figs = NULL;
	*nfigs = 0;
	for (int c = 0; ctk_charts[c].name && !rc; c++) {
		int reps = ctk_charts[c].per_run ? r->nruns : 1;
		for (int k = 0; k < reps && !rc; k++) {
			struct ctk_figure fig;
			rc = ctk_chart_render(r, &ctk_charts[c], ctk_charts[c].per_run ? r->runs[k] : -1, &fig, err);
			if (rc)
				break;
			if (!fig.rec)
				continue;
			if (ctk_report_wants(r, "pdf"))
				rc = write_one(r, &fig, "pdf", err);
			if (!rc && ctk_report_wants(r, "png"))
				rc = write_one(r, &fig, "png", err);
			struct ctk_figure *nf = realloc(f, (size_t)(n + 1) * sizeof(*nf));
			if (!nf) {
				cairo_surface_destroy(fig.rec);
				rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
				break;
			}
			f = nf;
			f[n++] = fig;
		}
	}
	if (rc) {
		ctk_figures_free(f, n);
		return rc;
	}
	*figs = f;
	*nfigs = n;
	return 0;
}
