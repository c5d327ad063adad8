/* The embodied-emissions and water rule (see embodied.h) and the sources
 * behind data/embodied.csv and the water formula, with their BibTeX
 * entries (report/text.c writes them into ctk.bib). Library code: no
 * printing, no CSV (the table loader is embodied_table.c). */
#include "common/embodied.h"

#include <math.h>
#include <string.h>

const struct ctk_embodied_source ctk_embodied_sources[] = {
	{"luccioni2023bloom", "Luccioni, Viguier and Ligozat 2023 (BLOOM, JMLR 24(253))",
	 "@article{luccioni2023bloom,\n"
	 "  author  = {Alexandra Sasha Luccioni and Sylvain Viguier and Anne-Laure Ligozat},\n"
	 "  title   = {Estimating the Carbon Footprint of {BLOOM}, a 176B Parameter Language Model},\n"
	 "  journal = {Journal of Machine Learning Research},\n"
	 "  year    = {2023},\n"
	 "  volume  = {24},\n"
	 "  number  = {253},\n"
	 "  pages   = {1--15},\n"
	 "  url     = {http://jmlr.org/papers/v24/23-0069.html}\n"
	 "}\n"},
	{"chien2023hotcarbon", "Chien et al. 2023 (HotCarbon '23)",
	 "@inproceedings{chien2023hotcarbon,\n"
	 "  author    = {Andrew A. Chien and Liuzixuan Lin and Hai Nguyen and Varsha Rao and Tristan Sharma and Rajini Wijayawardana},\n"
	 "  title     = {Reducing the Carbon Impact of Generative {AI} Inference (today and in 2035)},\n"
	 "  booktitle = {Proceedings of the 2nd Workshop on Sustainable Computer Systems (HotCarbon '23)},\n"
	 "  year      = {2023},\n"
	 "  publisher = {ACM},\n"
	 "  doi       = {10.1145/3604930.3605705}\n"
	 "}\n"},
	{"li2023thirsty", "Li, Yang, Islam and Ren 2023 (Making AI Less Thirsty)",
	 "@misc{li2023thirsty,\n"
	 "  author        = {Pengfei Li and Jianyi Yang and Mohammad A. Islam and Shaolei Ren},\n"
	 "  title         = {Making {AI} Less ``Thirsty'': Uncovering and Addressing the Secret Water Footprint of {AI} Models},\n"
	 "  year          = {2023},\n"
	 "  eprint        = {2304.03271},\n"
	 "  archivePrefix = {arXiv}\n"
	 "}\n"},
	{NULL, NULL, NULL},
};

const struct ctk_embodied_source *ctk_embodied_source(const char *key)
{
	for (const struct ctk_embodied_source *s = ctk_embodied_sources; key && s->key; s++)
		if (!strcmp(s->key, key))
			return s;
	return NULL;
}

int ctk_embodied_share_g(double footprint_kg, double device_hours, double lifetime_years, double utilisation,
			 double *g, struct ctk_error *err)
{
	if (!isfinite(footprint_kg) || footprint_kg < 0)
		return ctk_failf(err, CTK_EINPUT, "embodied footprint %g kg: not a footprint (kg CO2e >= 0)", footprint_kg);
	if (!isfinite(device_hours) || device_hours < 0)
		return ctk_failf(err, CTK_EINPUT, "device-hours %g: not a duration", device_hours);
	if (!isfinite(lifetime_years) || !(lifetime_years > 0))
		return ctk_failf(err, CTK_EINPUT, "lifetime %g years: not a lifetime (years > 0)", lifetime_years);
	if (!isfinite(utilisation) || !(utilisation > 0) || utilisation > 1)
		return ctk_failf(err, CTK_EINPUT, "utilisation %g: not a share in (0, 1]", utilisation);
	*g = 1000.0 * footprint_kg * device_hours / (lifetime_years * CTK_HOURS_PER_YEAR * utilisation);
	return 0;
}

double ctk_water_onsite_l(double wue_l_per_kwh, double it_kwh)
{
	return wue_l_per_kwh * it_kwh;
}

double ctk_water_offsite_l(double water_intensity_l_per_kwh, double it_kwh, double pue)
{
	return water_intensity_l_per_kwh * it_kwh * pue;
}
