/* report.pdf: a multi-page A4 report — a summary page (per run: energy, CO2
 * when stored, duration, PUE, zone, intensity source and year, devices,
 * method and coverage; then what was left out and why), every chart with its
 * caption, every table, and the methods paragraph. Fonts are embedded by
 * cairo's PDF surface. */
#ifndef CTK_REPORT_PDF_H
#define CTK_REPORT_PDF_H

#include "report/charts.h"
#include "report/report.h"
#include "report/table.h"

int ctk_pdf_report(struct ctk_report *r, struct ctk_table *const *tables, int ntables, const struct ctk_figure *figs,
		   int nfigs, struct ctk_error *err);

#endif
