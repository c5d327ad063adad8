/* Embodied emissions and water of a run as `ctk analyze` stored them
 * (run_footprint, device_embodied; rule in common/embodied.c): read here and
 * put into words for the summary page, the methods text and ctk.bib. The
 * report never computes them; not estimated stays not estimated, in words. */
#ifndef CTK_REPORT_FOOTPRINT_H
#define CTK_REPORT_FOOTPRINT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

struct ctk_run_footprint {
	int valid;                   /* a run_footprint row exists */
	int has_embodied;
	double embodied_g, gpu_hours;
	char embodied_note[512];
	int ngpu;                    /* GPUs with a device_embodied row */
	char sources[4][48];         /* distinct source keys of the GPUs' values */
	int nsources;
	char what[320];              /* "150 kg CO2e per GPU board (…), 6 years, 85 % use" of the first GPU */
	int has_onsite, has_offsite, has_water;
	double onsite_l, offsite_l, water_l, wue_l_per_kwh, water_l_per_kwh;
	char water_note[256];
};

int ctk_run_footprint_get(sqlite3 *db, int64_t run_id, struct ctk_run_footprint *fp, struct ctk_error *err);

/* One line each for the summary page: "0.0134 kg CO2e (…)" or "not
 * estimated: …"; "2.43 L (on-site …, off-site …)" or "not estimated: …". */
void ctk_footprint_embodied_words(const struct ctk_run_footprint *fp, char *buf, size_t size);
void ctk_footprint_water_words(const struct ctk_run_footprint *fp, char *buf, size_t size);

/* "operational CO2 0.392 kg CO2e, embodied CO2 0.0134 kg CO2e, water 1.08 L";
 * op_kg: the operational CO2 as the tables print it, NULL when not known. */
void ctk_footprint_scope_words(const struct ctk_run_footprint *fp, const char *op_kg, char *buf, size_t size);

#endif
