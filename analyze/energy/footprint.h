/* Embodied emissions and water of one analysed run (issue 17): each GPU's
 * share of its manufacturing footprint (the rule and the sourced table of
 * common/embodied.h, overridable by the stored settings) and on-site and
 * off-site water; stored in device_embodied and run_footprint next to
 * run_co2. Unknown stays NULL with a note in words, never 0. */
#ifndef CTK_FOOTPRINT_H
#define CTK_FOOTPRINT_H

#include <sqlite3.h>
#include <stdint.h>

#include "analyze/energy/analysis.h"
#include "common/embodied.h"
#include "common/settings.h"

struct ctk_footprint_dev {
	int64_t device_id;
	char name[128];
	double hours;                /* first to last reading */
	int known;                   /* co2_g estimated */
	double footprint_kg, lifetime_years, utilisation, co2_g;
	int has_footprint, has_lifetime, has_utilisation;
	char source[48];             /* source key or "user" */
	char covers[160];
	int year;                    /* 0: not known */
	char note[256];              /* why not estimated, or where the values came from */
};

struct ctk_footprint {
	int ngpu;
	struct ctk_footprint_dev *gpu;   /* the run's GPUs */
	int embodied_known;
	double embodied_g, gpu_hours;
	char embodied_note[512];     /* "" when known and complete */
	double it_kwh, pue;
	int has_wue, has_water;
	double wue_l_per_kwh, water_l_per_kwh;
	double onsite_l, offsite_l, water_l; /* valid with has_wue / has_water / both */
	char water_note[256];
};

/* Lazily loaded bundled table: loaded at the first GPU; a table that cannot
 * be found leaves every GPU "not estimated" (said so), a bad one is an error. */
struct ctk_footprint_ctx {
	struct ctk_embodied_table table;
	int tried, found;
	char missing[300];
};

/* Compute the run's footprint from its energy result r and settings s. */
int ctk_footprint_compute(struct ctk_footprint_ctx *ctx, const struct ctk_run_result *r,
			  const struct ctk_settings *s, double pue, struct ctk_footprint *f, struct ctk_error *err);

/* Replace the run's device_embodied and run_footprint rows (caller's transaction). */
int ctk_footprint_store(sqlite3 *db, int64_t run_id, const struct ctk_footprint *f, struct ctk_error *err);

void ctk_footprint_release(struct ctk_footprint *f);
void ctk_footprint_ctx_release(struct ctk_footprint_ctx *ctx);

#endif
