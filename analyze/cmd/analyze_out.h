/* Output of `ctk analyze`: one run's results as a human table (text) or as
 * JSON (schemas/analyze.schema.json). A view bundles everything known about
 * the run — energy, predictions, CO2, carbontracker comparison — so both
 * writers show the same numbers. */
#ifndef CTK_ANALYZE_OUT_H
#define CTK_ANALYZE_OUT_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "analyze/energy/analysis.h"
#include "analyze/energy/co2.h"
#include "analyze/energy/ct_compare.h"
#include "analyze/energy/footprint.h"
#include "analyze/energy/predict_eval.h"
#include "common/settings.h"

struct ctk_analyze_view {
	const struct ctk_run_result *r;
	const struct ctk_run_predictions *pred;
	const struct ctk_co2_result *co2;     /* have = 0: note says why */
	const struct ctk_ct_compare *ct;      /* NULL unless imported from carbontracker */
	const struct ctk_settings *settings;  /* what the numbers came from (stored + flags) */
	const struct ctk_footprint *fp;       /* embodied and water (analyze_footprint.c) */
	double pue;
	const char *pue_source;
	/* a SLURM job on a shared node (collector/slurm.c): its share of the
	 * node's CPUs, stored as cpu_share in the run's config; an estimate */
	double cpu_share;
	int has_cpu_share;
};

void ctk_analyze_print(const struct ctk_analyze_view *v);
/* The embodied and water lines / JSON objects (analyze_footprint.c). */
void ctk_analyze_print_footprint(const struct ctk_footprint *f);
void ctk_analyze_json_footprint(cJSON *run, const struct ctk_footprint *f);
cJSON *ctk_analyze_json(const struct ctk_analyze_view *v);

#endif
