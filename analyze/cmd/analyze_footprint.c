/* The embodied-emissions and water part of `ctk analyze`'s output (see
 * analyze_out.h): text lines and the "embodied" and "water" objects of
 * schemas/analyze.schema.json. A value not estimated is said in words in
 * text and is null with a note in JSON, never 0. */
#include <stdio.h>

#include "analyze/cmd/analyze_out.h"
#include "common/embodied.h"
#include "common/json.h"

static const char *source_words(const char *key)
{
	const struct ctk_embodied_source *s = ctk_embodied_source(key);
	return s ? s->words : key;
}

void ctk_analyze_print_footprint(const struct ctk_footprint *f)
{
	if (!f)
		return;
	if (f->embodied_known)
		printf("  embodied CO2: %.3f g over %.3f GPU-hours%s%s\n", f->embodied_g, f->gpu_hours,
		       *f->embodied_note ? "; " : "", f->embodied_note);
	else
		printf("  embodied CO2: %s\n", f->embodied_note);
	for (int i = 0; i < f->ngpu; i++) {
		const struct ctk_footprint_dev *g = &f->gpu[i];
		if (!g->known)
			continue;
		printf("    %s: %.3f g = %g kg CO2e (%s) x %.3f h / (%g years x 8760 h x %g use), %s\n", g->name,
		       g->co2_g, g->footprint_kg, g->covers, g->hours, g->lifetime_years, g->utilisation,
		       source_words(g->source));
	}
	if (f->has_wue && f->has_water)
		printf("  water: %.3f L = on-site %.3f L (WUE %g L/kWh x %.6f kWh IT) + off-site %.3f L (%g L/kWh x "
		       "%.6f kWh x PUE %.2f), Li et al. 2023\n", f->water_l, f->onsite_l, f->wue_l_per_kwh, f->it_kwh,
		       f->offsite_l, f->water_l_per_kwh, f->it_kwh, f->pue);
	else if (f->has_wue)
		printf("  water: on-site %.3f L (WUE %g L/kWh x %.6f kWh IT); %s\n", f->onsite_l, f->wue_l_per_kwh,
		       f->it_kwh, f->water_note);
	else if (f->has_water)
		printf("  water: off-site %.3f L (%g L/kWh x %.6f kWh x PUE %.2f); %s\n", f->offsite_l,
		       f->water_l_per_kwh, f->it_kwh, f->pue, f->water_note);
	else
		printf("  water: not estimated: %s\n", f->water_note);
}

/* The run's relative energy bound (energy_u_kwh / energy_kwh, already in
 * `run`), or -1 when there is none: water is linear in the energy, so its
 * bounds are the same share (common/uncertainty.h: bounds scale). */
static double energy_rel_bound(const cJSON *run)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(run, "energy_kwh");
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(run, "energy_u_kwh");

	if (!cJSON_IsNumber(e) || !cJSON_IsNumber(u) || e->valuedouble <= 0)
		return -1;
	return u->valuedouble / e->valuedouble;
}

void ctk_analyze_json_footprint(cJSON *run, const struct ctk_footprint *f)
{
	cJSON *e, *w, *devs;
	double rel;

	if (!f)
		return;
	rel = energy_rel_bound(run);
	e = cJSON_AddObjectToObject(run, "embodied");
	ctk_json_num_or_null(e, "co2_g", f->embodied_g, f->embodied_known);
	cJSON_AddNullToObject(e, "co2_u_g");
	cJSON_AddStringToObject(e, "co2_u_note", "not estimated: the sources state no uncertainty for their footprints");
	cJSON_AddNumberToObject(e, "gpu_hours", f->gpu_hours);
	ctk_json_str_or_null(e, "note", f->embodied_note);
	devs = cJSON_AddArrayToObject(e, "devices");
	for (int i = 0; i < f->ngpu; i++) {
		const struct ctk_footprint_dev *g = &f->gpu[i];
		cJSON *d = cJSON_CreateObject();
		cJSON_AddNumberToObject(d, "device_id", (double)g->device_id);
		cJSON_AddStringToObject(d, "name", g->name);
		cJSON_AddNumberToObject(d, "hours", g->hours);
		ctk_json_num_or_null(d, "footprint_kg", g->footprint_kg, g->has_footprint);
		ctk_json_num_or_null(d, "lifetime_years", g->lifetime_years, g->has_lifetime);
		ctk_json_num_or_null(d, "utilisation", g->utilisation, g->has_utilisation);
		ctk_json_num_or_null(d, "co2_g", g->co2_g, g->known);
		ctk_json_str_or_null(d, "source", g->source);
		ctk_json_str_or_null(d, "covers", g->covers);
		ctk_json_num_or_null(d, "year", g->year, g->year > 0);
		ctk_json_str_or_null(d, "note", g->note);
		cJSON_AddItemToArray(devs, d);
	}
	w = cJSON_AddObjectToObject(run, "water");
	cJSON_AddNumberToObject(w, "it_energy_kwh", f->it_kwh);
	ctk_json_num_or_null(w, "it_energy_u_kwh", rel * f->it_kwh, rel >= 0);
	cJSON_AddNumberToObject(w, "pue", f->pue);
	ctk_json_num_or_null(w, "wue_l_per_kwh", f->wue_l_per_kwh, f->has_wue);
	ctk_json_num_or_null(w, "water_intensity_l_per_kwh", f->water_l_per_kwh, f->has_water);
	ctk_json_num_or_null(w, "onsite_l", f->onsite_l, f->has_wue);
	ctk_json_num_or_null(w, "onsite_u_l", rel * f->onsite_l, f->has_wue && rel >= 0);
	ctk_json_num_or_null(w, "offsite_l", f->offsite_l, f->has_water);
	ctk_json_num_or_null(w, "offsite_u_l", rel * f->offsite_l, f->has_water && rel >= 0);
	ctk_json_num_or_null(w, "total_l", f->water_l, f->has_wue && f->has_water);
	ctk_json_num_or_null(w, "total_u_l", rel * f->water_l, f->has_wue && f->has_water && rel >= 0);
	ctk_json_str_or_null(w, "note", f->water_note);
	cJSON_AddStringToObject(w, "source", "li2023thirsty");
}
