/* Embodied emissions and water of a run: the one rule (a run's share of a
 * device's manufacturing footprint; on-site and off-site water, Li et al.
 * 2023), the bundled table data/embodied.csv of sourced footprints, and the
 * sources with their BibTeX entries. A device without a sourced value is
 * "not estimated" (NULL in the store, said in words), never 0. */
#ifndef CTK_COMMON_EMBODIED_H
#define CTK_COMMON_EMBODIED_H

#include <stddef.h>

#include "common/err.h"

/* Hours in a year of 365 days (the lifetime in years of the sources is a
 * replacement period, not an astronomical year). */
#define CTK_HOURS_PER_YEAR 8760.0

/* One row of data/embodied.csv: a footprint as its source states it. The
 * lifetime and utilisation are unset (has_* = 0) when the source states none. */
struct ctk_embodied_row {
	char pattern[64];        /* case-insensitive substring of the device name */
	double kg_co2e;          /* manufacturing footprint, kg CO2e */
	char covers[160];        /* what it covers (GPU board, server share…) */
	double lifetime_years;
	int has_lifetime;
	double utilisation;      /* share 0..1 of the lifetime in use */
	int has_utilisation;
	char source[48];         /* key of ctk_embodied_sources[] */
	int year;
	char note[320];
};

struct ctk_embodied_table {
	struct ctk_embodied_row *rows;
	int n;
	char path[4096];
};

/* Load the table at path (NULL: the bundled data/embodied.csv, found by
 * common/datafile.h). Bad rows are CTK_EINPUT naming file, line and field;
 * a source key not in ctk_embodied_sources[] is one too. Free with
 * ctk_embodied_table_free. */
int ctk_embodied_table_load(const char *path, struct ctk_embodied_table *t, struct ctk_error *err);
void ctk_embodied_table_free(struct ctk_embodied_table *t);

/* The first row whose pattern is in device_name (case-insensitive) and, when
 * source is not NULL, whose source key is source; NULL when none. */
const struct ctk_embodied_row *ctk_embodied_match(const struct ctk_embodied_table *t, const char *device_name,
						  const char *source);

/* The rule: a run's share of a footprint = footprint_kg × device_hours /
 * (lifetime_years × CTK_HOURS_PER_YEAR × utilisation), in g CO2e. Returns 0,
 * or CTK_EINPUT (err says which value) when a value is out of range
 * (footprint or hours negative, lifetime not above 0, utilisation not in
 * (0, 1]). */
int ctk_embodied_share_g(double footprint_kg, double device_hours, double lifetime_years, double utilisation,
			 double *g, struct ctk_error *err);

/* Water (Li, Yang, Islam, Ren 2023, arXiv:2304.03271): on-site = WUE (L per
 * kWh of IT energy) × IT energy; off-site = water intensity of electricity
 * (L/kWh) × facility energy (IT energy × PUE). */
double ctk_water_onsite_l(double wue_l_per_kwh, double it_kwh);
double ctk_water_offsite_l(double water_intensity_l_per_kwh, double it_kwh, double pue);

/* A source of the table or of the water rule: key (BibTeX key), words for
 * text ("Luccioni et al. 2023 (BLOOM)") and its BibTeX entry. */
struct ctk_embodied_source {
	const char *key, *words, *bibtex;
};
extern const struct ctk_embodied_source ctk_embodied_sources[]; /* NULL-terminated (key NULL) */
const struct ctk_embodied_source *ctk_embodied_source(const char *key);

#endif
