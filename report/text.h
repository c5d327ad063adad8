/* The text parts of a report: the facts about each run that the summary page
 * and the methods paragraph state (devices, signals, rates, energy, PUE,
 * intensity, CO2), the methods paragraph itself (methods.md, methods.tex, and
 * plain text for report.pdf), ctk.bib and model-card.yaml (Hugging Face
 * `co2_eq_emissions`). Every constant is named with its source here and in
 * the text. Numbers are formatted exactly as in the tables. */
#ifndef CTK_REPORT_TEXT_H
#define CTK_REPORT_TEXT_H

#include <stdio.h>

#include "common/units.h"
#include "report/co2.h"
#include "report/footprint.h"
#include "report/report.h"

/* The car equivalence (CTK_CAR_G_PER_MILE, US EPA 2023) is in common/units.h. */

struct ctk_run_facts {
	struct ctk_run_info ri;
	struct ctk_run_co2 co2;
	struct ctk_series_info si;
	int has_series;
	char devices[512];     /* "2x NVIDIA A100-SXM4-40GB (gpu)" */
	char hardware[256];    /* "2 x NVIDIA A100-SXM4-40GB" for the model card */
	char signals[256];     /* what was read, in words */
	char methods[64];      /* integration methods used */
	double period_s;       /* median sampling period over devices, 0 unknown */
	double energy_j, in_epochs_j, outside_epochs_j, coverage;
	int has_energy, has_epochs_energy, ndev;
	char gaps[32];         /* a window tool's gaps: "not measured", "bridged" or "" (config_json.gaps) */
	char energy_kwh[32], co2_kg[32], pue[32]; /* as printed in the tables ("" = missing) */
	/* bounds (common/uncertainty.h), summed over devices; gap_s the longest gap */
	double energy_u_j, in_epochs_u_j, outside_epochs_u_j, gap_s;
	int has_energy_u, gap_at_limit;
	char energy_u_kwh[32], co2_u_kg[32];   /* to CTK_SIG digits, as the methods text states them ("" = missing) */
	struct ctk_run_footprint fp; /* embodied and water, as analyze stored them (footprint.h) */
};

int ctk_run_facts_get(sqlite3 *db, int64_t run_id, struct ctk_run_facts *f, struct ctk_error *err);
/* The facts of r->runs[i], computed on first use and kept in r (the
 * signal scan reads every chunk row: do it once). */
int ctk_report_facts(struct ctk_report *r, int i, const struct ctk_run_facts **out, struct ctk_error *err);
/* Free what the report cached. */
void ctk_report_release(struct ctk_report *r);

enum ctk_text_fmt { CTK_TEXT_PLAIN, CTK_TEXT_MD, CTK_TEXT_TEX };
/* The methods paragraph (one per run) in the given format. */
int ctk_methods_write(struct ctk_report *r, FILE *f, enum ctk_text_fmt fmt, struct ctk_error *err);
/* methods.md/.tex, ctk.bib and model-card.yaml, as r->formats asks (md:
 * methods.md and model-card.yaml; tex: methods.tex and ctk.bib). */
int ctk_text_files(struct ctk_report *r, struct ctk_error *err);

/* YAML double-quoted scalar (exposed for tests). */
void ctk_yaml_str(FILE *f, const char *s);

#endif
