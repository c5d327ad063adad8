/* Yearly fallback carbon intensity per country, from the table bundled with
 * ctk (data/intensity-yearly.csv: zone,year,g_per_kwh,source; built from
 * Ember via co2.js and Our World in Data via carbontracker, see
 * data/ATTRIBUTION.md). Located at run time: $CTK_DATA_DIR, else
 * <bindir>/../share/ctk (installed), else <bindir>/../../data (build tree). */
#ifndef CTK_INTENSITY_DEFAULTS_H
#define CTK_INTENSITY_DEFAULTS_H

#include <stddef.h>

#include "common/err.h"

struct ctk_ci_default {
	char zone[16];          /* the table's zone (ISO 3166-1 alpha-2) */
	int year;
	double g_per_kwh;
	char source[128];       /* e.g. "Ember 2024 via co2.js (CC BY-SA 4.0)" */
	char path[4096];        /* the table file read */
};

/* Path of the bundled table into buf (first existing candidate). */
int ctk_ci_defaults_path(char *buf, size_t size, struct ctk_error *err);

/* The value for zone (case-insensitive; "DK-DK1" falls back to "DK") in year
 * (exactly, else the latest earlier year, else the earliest later one;
 * year 0: the latest). CTK_EINPUT when the zone is not in the table. */
int ctk_ci_default_lookup(const char *zone, int year, struct ctk_ci_default *out, struct ctk_error *err);

#endif
