/* Reading a run's stored embodied emissions and water (see footprint.h) and
 * the words the summary page shows for them. Numbers are formatted like the
 * tables (ctk_format_sig); a value not estimated is said so with its reason. */
#include "report/footprint.h"

#include <stdio.h>
#include <string.h>

#include "common/db.h"
#include "common/embodied.h"
#include "report/table.h"


static void text(sqlite3_stmt *st, int i, char *buf, size_t size)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	snprintf(buf, size, "%s", s ? (const char *)s : "");
}

static int num(sqlite3_stmt *st, int i, double *v)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return 0;
	*v = sqlite3_column_double(st, i);
	return 1;
}

int ctk_run_footprint_get(sqlite3 *db, int64_t run_id, struct ctk_run_footprint *fp, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;

	memset(fp, 0, sizeof(*fp));
	if (ctk_db_prepare(db, "SELECT embodied_co2_g, gpu_hours, embodied_note, water_onsite_l, water_offsite_l, "
			   "water_l, water_note, wue_l_per_kwh, water_l_per_kwh FROM run_footprint WHERE run_id = ?", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		fp->valid = 1;
		fp->has_embodied = num(st, 0, &fp->embodied_g);
		num(st, 1, &fp->gpu_hours);
		text(st, 2, fp->embodied_note, sizeof fp->embodied_note);
		fp->has_onsite = num(st, 3, &fp->onsite_l);
		fp->has_offsite = num(st, 4, &fp->offsite_l);
		fp->has_water = num(st, 5, &fp->water_l);
		text(st, 6, fp->water_note, sizeof fp->water_note);
		num(st, 7, &fp->wue_l_per_kwh);
		num(st, 8, &fp->water_l_per_kwh);
	}
	sqlite3_finalize(st);
	if (!fp->valid)
		return 0;
	if (ctk_db_prepare(db, "SELECT source, footprint_kg, covers, lifetime_years, utilisation FROM device_embodied "
			   "WHERE run_id = ? ORDER BY device_id", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char src[48], covers[160];
		double kg, life, use;
		int k;
		text(st, 0, src, sizeof src);
		text(st, 2, covers, sizeof covers);
		if (!fp->ngpu++ && num(st, 1, &kg) && num(st, 3, &life) && num(st, 4, &use))
			snprintf(fp->what, sizeof fp->what, "%.6g kg CO2e per GPU covering %s, a lifetime of %.3g years at %.3g %% use",
				 kg, covers, life, 100 * use);
		if (!*src || !ctk_embodied_source(src))
			continue; /* "user": given, no citation */
		for (k = 0; k < fp->nsources && strcmp(fp->sources[k], src); k++)
			;
		if (k == fp->nsources && k < 4)
			snprintf(fp->sources[fp->nsources++], sizeof fp->sources[0], "%s", src);
	}
	sqlite3_finalize(st);
	return 0;
}

void ctk_footprint_embodied_words(const struct ctk_run_footprint *fp, char *buf, size_t size)
{
	char kg[32], h[32];

	if (!fp->valid) {
		snprintf(buf, size, "not available: no stored result (run ctk analyze)");
		return;
	}
	if (!fp->has_embodied) {
		snprintf(buf, size, "%s", fp->embodied_note[0] ? fp->embodied_note : "not estimated");
		return;
	}
	ctk_format_sig(fp->embodied_g / 1000.0, CTK_SIG, kg, sizeof kg);
	ctk_format_sig(fp->gpu_hours, CTK_SIG, h, sizeof h);
	snprintf(buf, size, "%s kg CO2e over %s GPU-hours%s%s%s%s", kg, h, fp->what[0] ? "; " : "", fp->what,
		 fp->embodied_note[0] ? "; " : "", fp->embodied_note);
}

void ctk_footprint_water_words(const struct ctk_run_footprint *fp, char *buf, size_t size)
{
	char a[32], b[32], t[32];

	if (!fp->valid) {
		snprintf(buf, size, "not available: no stored result (run ctk analyze)");
		return;
	}
	ctk_format_sig(fp->onsite_l, CTK_SIG, a, sizeof a);
	ctk_format_sig(fp->offsite_l, CTK_SIG, b, sizeof b);
	ctk_format_sig(fp->water_l, CTK_SIG, t, sizeof t);
	if (fp->has_water)
		snprintf(buf, size, "%s L (on-site %s L at WUE %.3g L/kWh, off-site %s L at %.3g L/kWh)", t, a,
			 fp->wue_l_per_kwh, b, fp->water_l_per_kwh);
	else if (fp->has_onsite)
		snprintf(buf, size, "on-site %s L at WUE %.3g L/kWh; %s", a, fp->wue_l_per_kwh, fp->water_note);
	else if (fp->has_offsite)
		snprintf(buf, size, "off-site %s L at %.3g L/kWh; %s", b, fp->water_l_per_kwh, fp->water_note);
	else
		snprintf(buf, size, "not estimated: %s", fp->water_note[0] ? fp->water_note : "no water values given");
}

void ctk_footprint_scope_words(const struct ctk_run_footprint *fp, const char *op_kg, char *buf, size_t size)
{
	char e[32] = "", w[32] = "";

	if (fp->has_embodied)
		ctk_format_sig(fp->embodied_g / 1000.0, CTK_SIG, e, sizeof e);
	if (fp->has_water)
		ctk_format_sig(fp->water_l, CTK_SIG, w, sizeof w);
	else if (fp->has_onsite)
		ctk_format_sig(fp->onsite_l, CTK_SIG, w, sizeof w);
	else if (fp->has_offsite)
		ctk_format_sig(fp->offsite_l, CTK_SIG, w, sizeof w);
	snprintf(buf, size, "operational CO2 %s%s, embodied CO2 %s%s, water %s%s", op_kg ? op_kg : "not known",
		 op_kg ? " kg CO2e" : "", fp->has_embodied ? e : "not estimated", fp->has_embodied ? " kg CO2e" : "",
		 *w ? w : "not estimated", fp->has_water ? " L" : fp->has_onsite ? " L (on-site only)" :
		 fp->has_offsite ? " L (off-site only)" : "");
}
