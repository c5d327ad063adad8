/* Methods paragraph, BibTeX and model-card metadata (see text.h). The same
 * sentences are written as plain text (report.pdf), Markdown and LaTeX: every
 * piece goes through the format's escaper, citations through cite(). */
#include "report/text.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/util.h"
#include "common/version.h"
#include "common/db.h"
#include "common/embodied.h"
#include "common/time.h"
#include "report/predicted.h"
#include "report/reported.h"
#include "report/zones.h"
#include "report/table.h"


static void col_text(sqlite3_stmt *st, int i, char *buf, size_t size)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	snprintf(buf, size, "%s", s ? (const char *)s : "");
}

static const char *signal_words(const char *s)
{
	static const struct {
		const char *name, *words;
	} map[] = {
		{"counter", "the cumulative energy counter"},
		{"power_instant", "instantaneous power"},
		{"power_avg_1s", "power averaged by the device over about 1 s"},
		{"power_draw", "nvidia-smi power.draw"},
		{"tdp_model", "power modelled from TDP and utilisation (not measured)"},
		{"imported", "power taken from another tool's log"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(map[i].name, s))
			return map[i].words;
	return s;
}

/* The stored bounds of the run's energy and CO2 (device_energy, run_co2):
 * summed over devices, as the tables print them. */
static int bound_facts(sqlite3 *db, int64_t run_id, struct ctk_run_facts *f, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;

	if (ctk_db_prepare(db, "SELECT sum(energy_u_j), sum(in_epochs_u_j), sum(outside_epochs_u_j), max(gap_s), "
			   "max(CASE WHEN gap_s > 0 AND d.power_limit_w IS NOT NULL THEN 1 ELSE 0 END) "
			   "FROM device_energy e JOIN devices d USING (device_id) WHERE e.run_id = ?", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		f->has_energy_u = 1;
		f->energy_u_j = sqlite3_column_double(st, 0);
		f->in_epochs_u_j = sqlite3_column_double(st, 1);
		f->outside_epochs_u_j = sqlite3_column_double(st, 2);
		f->gap_s = sqlite3_column_double(st, 3);
		f->gap_at_limit = sqlite3_column_int(st, 4);
		ctk_format_sig(f->energy_u_j / 3.6e6, CTK_SIG, f->energy_u_kwh, sizeof f->energy_u_kwh);
	}
	sqlite3_finalize(st);
	if (f->co2.has_co2_u)
		ctk_format_sig(f->co2.co2_u_g / 1000.0, CTK_SIG, f->co2_u_kg, sizeof f->co2_u_kg);
	return 0;
}

int ctk_run_facts_get(sqlite3 *db, int64_t run_id, struct ctk_run_facts *f, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int64_t series = -1;
	int rc;

	memset(f, 0, sizeof(*f));
	if ((rc = ctk_run_info_get(db, run_id, &f->ri, err)) || (rc = ctk_run_co2_get(db, run_id, &f->co2, err)) ||
	    (rc = ctk_run_footprint_get(db, run_id, &f->fp, err)))
		return rc;
	/* devices */
	if (ctk_db_prepare(db, "SELECT coalesce(name, kind), kind, count(*) FROM devices WHERE run_id = ? "
			   "GROUP BY 1, 2 ORDER BY kind DESC, 1", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char name[160], kind[16];
		col_text(st, 0, name, sizeof name);
		col_text(st, 1, kind, sizeof kind);
		ctk_appendf(f->devices, sizeof f->devices, "%s%dx %s (%s)", f->devices[0] ? ", " : "",
		       sqlite3_column_int(st, 2), name, kind);
		ctk_appendf(f->hardware, sizeof f->hardware, "%s%d x %s", f->hardware[0] ? ", " : "",
		       sqlite3_column_int(st, 2), name);
		f->ndev += sqlite3_column_int(st, 2);
	}
	sqlite3_finalize(st);
	/* signals */
	if (ctk_db_prepare(db, "SELECT DISTINCT c.signal FROM sample_chunks c JOIN devices d USING (device_id) "
			   "WHERE d.run_id = ? ORDER BY 1", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	while (sqlite3_step(st) == SQLITE_ROW)
		ctk_appendf(f->signals, sizeof f->signals, "%s%s", f->signals[0] ? ", " : "",
		       signal_words((const char *)sqlite3_column_text(st, 0)));
	sqlite3_finalize(st);
	/* whole-run energy from the stored analysis */
	/* in/outside epochs: NULL (not known) when a device's is (analysis.c store_device) */
	if (ctk_db_prepare(db, "SELECT sum(energy_j), " CTK_SQL_SUM_KNOWN("in_epochs_j") ", "
			   CTK_SQL_SUM_KNOWN("outside_epochs_j") ", min(coverage), "
			   "count(*), group_concat(DISTINCT method), "
			   "(SELECT period_s FROM device_energy e2 WHERE e2.run_id = ?1 AND period_s > 0 "
			   " ORDER BY period_s LIMIT 1 OFFSET (SELECT count(*) / 2 FROM device_energy e3 "
			   " WHERE e3.run_id = ?1 AND period_s > 0)) FROM device_energy WHERE run_id = ?1", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 4) > 0) {
		f->has_energy = sqlite3_column_type(st, 0) != SQLITE_NULL;
		f->energy_j = sqlite3_column_double(st, 0);
		f->has_epochs_energy = f->ri.nepochs > 0 && sqlite3_column_type(st, 1) != SQLITE_NULL;
		f->in_epochs_j = sqlite3_column_double(st, 1);
		f->outside_epochs_j = sqlite3_column_double(st, 2);
		f->coverage = sqlite3_column_double(st, 3);
		col_text(st, 5, f->methods, sizeof f->methods);
		f->period_s = sqlite3_column_double(st, 6);
	}
	sqlite3_finalize(st);
	/* the import's policy for a window tool's gaps (analyze/import/zeus.c) */
	if (ctk_db_prepare(db, "SELECT json_extract(config_json, '$.gaps') FROM runs WHERE run_id = ? AND "
			   "json_valid(config_json)", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		col_text(st, 0, f->gaps, sizeof f->gaps);
	sqlite3_finalize(st);
	if ((rc = bound_facts(db, run_id, f, err)))
		return rc;
	if (f->has_energy)
		ctk_format_sig(f->energy_j / 3.6e6, CTK_SIG, f->energy_kwh, sizeof f->energy_kwh);
	if (f->co2.has_co2)
		ctk_format_sig(f->co2.co2_g / 1000.0, CTK_SIG, f->co2_kg, sizeof f->co2_kg);
	if (f->co2.has_pue)
		ctk_format_sig(f->co2.pue, 3, f->pue, sizeof f->pue);
	if (f->ri.has_span &&
	    (rc = ctk_run_intensity_series(db, run_id, f->ri.started_ns, f->ri.ended_ns, &series, err)))
		return rc;
	if (series >= 0) {
		if ((rc = ctk_series_info_get(db, series, &f->si, err)))
			return rc;
		f->has_series = 1;
	}
	return 0;
}

int ctk_report_facts(struct ctk_report *r, int i, const struct ctk_run_facts **out, struct ctk_error *err)
{
	int rc;

	if (!r->facts) {
		if (!(r->facts = calloc((size_t)r->nruns, sizeof(*r->facts))))
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		for (int k = 0; k < r->nruns; k++)
			r->facts[k].ri.run_id = -1;
	}
	if (r->facts[i].ri.run_id != r->runs[i]) {
		if ((rc = ctk_run_facts_get(r->db, r->runs[i], &r->facts[i], err))) {
			r->facts[i].ri.run_id = -1;
			return rc;
		}
	}
	*out = &r->facts[i];
	return 0;
}

void ctk_report_release(struct ctk_report *r)
{
	free(r->facts);
	r->facts = NULL;
}

/* ---- writing one paragraph in three formats ---- */

struct emit {
	FILE *f;
	enum ctk_text_fmt fmt;
};

static void put(struct emit *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct emit *e, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (e->fmt == CTK_TEXT_TEX)
		ctk_tex_text(e->f, buf);
	else if (e->fmt == CTK_TEXT_MD)
		ctk_md_text(e->f, buf);
	else
		fputs(buf, e->f);
}

static void cite(struct emit *e, const char *key)
{
	if (e->fmt == CTK_TEXT_TEX)
		fprintf(e->f, "~\\cite{%s}", key);
	else if (e->fmt == CTK_TEXT_MD)
		fprintf(e->f, " [@%s]", key);
	else
		fprintf(e->f, " [%s]", key);
}

/* Known intensity sources and their BibTeX entries (matched on a lowercase
 * substring of intensity_series.source); written as @misc with the year of
 * the data the report used, so that plainnat has author, title and year. */
static const struct source_ref {
	const char *match, *key, *author, *title, *url, *note;
} source_refs[] = {
	{"electricity", "electricitymaps", "{Electricity Maps}", "Electricity Maps: carbon intensity data",
	 "https://www.electricitymaps.com/data-portal", "Hourly life-cycle and direct carbon intensity by zone"},
	{"carbonintensity", "ukcarbonintensity", "{National Energy System Operator}", "Carbon Intensity {API}",
	 "https://carbonintensity.org.uk", "Half-hourly carbon intensity of Great Britain"},
	{"energi", "energidataservice", "{Energinet}", "Energi Data Service: {CO2} emission per {kWh}",
	 "https://www.energidataservice.dk", "Five-minute carbon intensity of Denmark"},
	{"watttime", "watttime", "{WattTime}", "{WattTime} marginal emissions data", "https://www.watttime.org",
	 "Marginal operating emissions rate"},
	{"ember", "ember", "{Ember}", "Yearly electricity data", "https://ember-energy.org/data/",
	 "Yearly carbon intensity of electricity generation by country"},
};

static void source_key(const char *source, int64_t series_id, char *key, size_t size)
{
	char low[128];
	size_t i;

	for (i = 0; source[i] && i + 1 < sizeof low; i++)
		low[i] = (char)(source[i] >= 'A' && source[i] <= 'Z' ? source[i] + 32 : source[i]);
	low[i] = '\0';
	for (i = 0; i < sizeof source_refs / sizeof source_refs[0]; i++)
		if (strstr(low, source_refs[i].match)) {
			snprintf(key, size, "%s", source_refs[i].key);
			return;
		}
	snprintf(key, size, "intensity%lld", (long long)series_id);
}

static void duration_words(double s, char *buf, size_t size)
{
	if (s < 120)
		snprintf(buf, size, "%.1f s", s);
	else if (s < 3 * 3600)
		snprintf(buf, size, "%.1f min", s / 60);
	else if (s < 3 * 86400)
		snprintf(buf, size, "%.2f h", s / 3600);
	else
		snprintf(buf, size, "%.2f days", s / 86400);
}

/* Opening and closing quotes in the format: ``…'' in LaTeX, “…” elsewhere. */
static void quote(struct emit *e, int open)
{
	if (e->fmt == CTK_TEXT_TEX)
		fputs(open ? "``" : "''", e->f);
	else
		fputs(open ? "\u201c" : "\u201d", e->f);
}

/* How often the intensity data has a value, in words. */
static void resolution_words(double s, char *buf, size_t size)
{
	if (s >= 300 * 86400.0)
		snprintf(buf, size, "one value per year");
	else if (s >= 28 * 86400.0)
		snprintf(buf, size, "monthly values");
	else if (s >= 86400.0)
		snprintf(buf, size, "daily values");
	else if (fabs(s - 3600) < 60)
		snprintf(buf, size, "hourly values");
	else if (fabs(s - 1800) < 60)
		snprintf(buf, size, "half-hourly values");
	else if (s >= 60)
		snprintf(buf, size, "a value every %.0f min", s / 60);
	else
		snprintf(buf, size, "a value every %.0f s", s);
}

static const char *signal_adj(const char *signal)
{
	if (!strcmp(signal, "lifecycle"))
		return "life-cycle average";
	if (!strcmp(signal, "direct"))
		return "direct (operational) average";
	if (!strcmp(signal, "marginal"))
		return "marginal";
	return signal;
}

/* The PUE's origin in words (runs.pue_source / run_co2.pue_source). */
static void pue_words(struct emit *e, const char *src)
{
	if (strstr(src, "carbontracker")) {
		put(e, ", the preset of carbontracker");
		cite(e, "anthony2020carbontracker");
	} else if (strstr(src, "default")) {
		put(e, ", the value for the authors' own hardware, which adds no facility overhead");
	} else if (strstr(src, "user") || strstr(src, "given")) {
		put(e, ", as given by the authors");
	} else if (src[0]) {
		put(e, " (%s)", src);
	}
}

/* A time for prose: "2026-11-23 09:00:00" (UTC, whole seconds), breakable. */
static void prose_time(int64_t t_ns, char *buf, size_t size)
{
	char iso[40], *p;

	ctk_time_format(t_ns, iso, sizeof iso);
	if ((p = strchr(iso, 'T')))
		*p = ' ';
	if ((p = strchr(iso, '.')) || (p = strchr(iso, 'Z')))
		*p = '\0';
	snprintf(buf, size, "%s", iso);
}

/* What the energy's bound is and how it was computed (common/uncertainty.h). */
static void bound_words(struct emit *e, const struct ctk_run_facts *f)
{
	if (!f->has_energy_u)
		return;
	put(e, "The energy is stated \u00b1 a worst-case bound (%s kWh for the whole run), not a standard deviation: "
	       "the true energy lies within it when the assumptions below hold. It adds, per device, the energy "
	       "counter's resolution at both ends of each difference (NVML's counter counts millijoules by NVIDIA's "
	       "NVML reference, RAPL and hwmon microjoules by the Linux sysfs documentation, a log the last digit "
	       "written); where an epoch edge falls between two counter "
	       "readings, the power bound times the distance to the nearer reading; for sampled power, half the "
	       "sampling interval times the change of power between two readings (which bounds the trapezoid's "
	       "error when power moves monotonically between readings: changes faster than the sampling are not "
	       "seen), and the power field's resolution times the time; for averaged power, a quarter second (the "
	       "1 s window known to \u00b150 %%) times the change of power across the interval, half a second where "
	       "the window is unknown; and for gaps (time without readings at most two sampling periods apart), "
	       "their length times the device's power limit, else the highest power seen. Bounds add over devices "
	       "and epochs", f->energy_u_kwh);
	if (f->gap_s > 0)
		put(e, ". This run has gaps of up to %.3g s, counted at %s", f->gap_s,
		    f->gap_at_limit ? "the devices' power limits" : "the highest power seen");
	put(e, ". ");
}

/* Embodied emissions and water (issue 17): what analyze stored, with the
 * sources of the values (common/embodied.c, data/embodied.csv), or why
 * they were not estimated. */
static void footprint_sentences(struct emit *e, const struct ctk_run_footprint *fp)
{
	char a[32], b[32];

	if (!fp->valid)
		return;
	if (fp->has_embodied) {
		ctk_format_sig(fp->embodied_g / 1000.0, CTK_SIG, a, sizeof a);
		ctk_format_sig(fp->gpu_hours, CTK_SIG, b, sizeof b);
		put(e, "Embodied emissions: we attributed to the run a share of each GPU's manufacturing footprint, "
		       "footprint × device-hours / (lifetime × utilisation), %s kg CO2e over %s GPU-hours", a, b);
		if (fp->what[0])
			put(e, ", from %s", fp->what);
		for (int i = 0; i < fp->nsources; i++)
			cite(e, fp->sources[i]);
		put(e, "%s%s. ", fp->embodied_note[0] ? "; " : "", fp->embodied_note);
	} else {
		/* the stored note without its command-line hint: prose names no flags */
		char why[512];
		const char *n = !strncmp(fp->embodied_note, "not estimated: ", 15) ? fp->embodied_note + 15 : fp->embodied_note;
		snprintf(why, sizeof why, "%s", *n ? n : "no sourced footprint");
		char *hint = strstr(why, " (give");
		if (hint)
			*hint = '\0';
		put(e, "Embodied emissions were not estimated: %s. ", why);
	}
	if (fp->has_onsite || fp->has_offsite) {
		put(e, "Water, following Li et al.");
		cite(e, "li2023thirsty");
		if (fp->has_onsite) {
			ctk_format_sig(fp->onsite_l, CTK_SIG, a, sizeof a);
			put(e, ": on-site %s L (a WUE of %.3g L per kWh of IT energy)", a, fp->wue_l_per_kwh);
		}
		if (fp->has_offsite) {
			ctk_format_sig(fp->offsite_l, CTK_SIG, b, sizeof b);
			put(e, "%s off-site %s L (%.3g L per kWh of facility energy)", fp->has_onsite ? "," : ":", b,
			    fp->water_l_per_kwh);
		}
		if (fp->has_water) {
			ctk_format_sig(fp->water_l, CTK_SIG, a, sizeof a);
			put(e, ", %s L in all. ", a);
		} else {
			put(e, "; %s water was not estimated (no %s was given). ", fp->has_onsite ? "off-site" : "on-site",
			    fp->has_onsite ? "water intensity of electricity" : "water usage effectiveness");
		}
	} else {
		put(e, "Water was not estimated: no water usage effectiveness and no water intensity of electricity were given. ");
	}
}

/* One run's methods paragraph, in a paper's voice: what was measured and
 * how, PUE, intensity, result, what was not measured, ctk's version. */
static void paragraph(struct emit *e, const struct ctk_run_facts *f)
{
	char t0[40], t1[40], dur[32], buf[64], key[64];
	int avg_power = strstr(f->signals, "averaged") != NULL || strstr(f->signals, "power.draw") != NULL;

	if (e->fmt == CTK_TEXT_TEX) {
		fputs("\\paragraph{", e->f);
		put(e, "%s", f->ri.label);
		fputs("}\n", e->f);
	} else if (e->fmt == CTK_TEXT_MD) {
		fputs("### ", e->f);
		put(e, "%s", f->ri.label);
		fputs("\n\n", e->f);
	} else {
		put(e, "%s\n", f->ri.label);
	}
	put(e, "We measured the energy of run ");
	quote(e, 1);
	put(e, "%s", f->ri.label);
	quote(e, 0);
	put(e, " on %d device%s (%s)", f->ndev, f->ndev == 1 ? "" : "s", f->devices[0] ? f->devices : "none recorded");
	if (f->ri.has_span) {
		prose_time(f->ri.started_ns, t0, sizeof t0);
		prose_time(f->ri.ended_ns, t1, sizeof t1);
		duration_words((double)(f->ri.ended_ns - f->ri.started_ns) / 1e9, dur, sizeof dur);
		put(e, " from %s to %s UTC, %s", t0, t1, dur);
	}
	put(e, ", following the method of carbontracker");
	cite(e, "anthony2020carbontracker");
	put(e, ". ");
	if (f->ri.simulated)
		put(e, "The readings come from a simulated device, not from real hardware. ");
	if (f->signals[0]) {
		put(e, "We read %s", f->signals);
		if (f->period_s > 0)
			put(e, " every %.3g s (median interval)", f->period_s);
		put(e, ". ");
	}
	if (avg_power)
		/* NVIDIA's NVML reference, nvmlDeviceGetPowerUsage (what power.draw
		 * reports): a 1 s average on Ampere (except GA100) and newer; the rule
		 * is ctk_power_window_ns() in common/energy.c */
		put(e, "On NVIDIA GPUs of the Ampere generation and newer (except the A100) power.draw is an average "
		       "over the last second (NVIDIA's NVML reference, power usage query), so a value stamped t "
		       "describes the second before t: we integrated such readings, and the averaged power field, at "
		       "the middle of that second, removing their lag of half a second; instantaneous power (and "
		       "power.draw on older GPUs) as it is; power.draw of a GPU whose generation is unknown was not "
		       "shifted and is flagged per epoch (power_lag). ");
	if (f->has_energy) {
		put(e, "Energy is the difference of the cumulative energy counter where a device has one, else the "
		       "trapezoidal integral of power over time (here: %s), summed over devices from the first to the last "
		       "reading; readings covered at least %.1f %% of the time. ", f->methods, 100 * f->coverage);
		if (!strcmp(f->gaps, "not measured"))
			put(e, "The source tool measured only inside its windows: the time between them was not measured, "
			       "is not counted in the energy and shows in the coverage. ");
		else if (!strcmp(f->gaps, "bridged"))
			put(e, "The source tool measured only inside its windows: at our request the time between them was "
			       "bridged by the trapezoid between the neighbouring windows' mean powers, so that part of the "
			       "energy is interpolated, not measured. ");
		put(e, "The devices used %s kWh", f->energy_kwh);
		if (f->has_epochs_energy) {
			char a[32], b[32];
			ctk_format_sig(f->in_epochs_j / 3.6e6, CTK_SIG, a, sizeof a);
			ctk_format_sig(f->outside_epochs_j / 3.6e6, 3, b, sizeof b);
			put(e, ", %s kWh in %d epoch%s and %s kWh outside them", a, f->ri.nepochs, f->ri.nepochs == 1 ? "" : "s", b);
		}
		put(e, ". ");
		bound_words(e, f);
	} else {
		put(e, "The run has not been analysed, so no energy is given. ");
	}
	if (f->co2.has_pue) {
		put(e, "For emissions we multiplied the device energy by a power usage effectiveness (PUE) of %s", f->pue);
		pue_words(e, f->co2.pue_source);
		put(e, ". ");
	} else {
		put(e, "No PUE was applied: the energy is that of the measured devices only, without facility overhead. ");
	}
	const char *src = f->has_series ? f->si.source : f->co2.source;
	if (src[0]) {
		const char *zone = f->has_series ? f->si.zone : f->co2.zone;
		const char *signal = f->has_series ? f->si.signal : f->co2.signal;
		double res = f->co2.has_resolution ? f->co2.resolution_s : f->has_series ? f->si.resolution_s : 0;
		int has_year = f->co2.has_year || (f->has_series && f->si.has_year);
		source_key(src, f->co2.has_series ? f->co2.series_id : 0, key, sizeof key);
		put(e, "The carbon intensity of the electricity is the %s signal of %s", signal_adj(signal), src);
		cite(e, key);
		char zw[160];
		ctk_zone_words(zone, zw, sizeof zw);
		put(e, " for %s", zone[0] ? zw : "a zone not recorded");
		if (has_year || res > 0) {
			put(e, " (");
			if (res > 0) {
				resolution_words(res, buf, sizeof buf);
				put(e, "%s", buf);
			}
			if (has_year)
				put(e, "%sdata of %d", res > 0 ? ", " : "", f->co2.has_year ? f->co2.year : f->si.year);
			put(e, ")");
		}
		if (f->has_series && f->si.nvalues > 1)
			put(e, ", %lld values of which %lld estimated", (long long)f->si.nvalues, (long long)f->si.nestimated);
		put(e, ". ");
	}
	/* the stored analysis setting for hours without a value, in words */
	if (f->co2.valid && !strcmp(f->co2.fill, "previous"))
		put(e, "Where the series had no value we used the last value before the gap. ");
	else if (f->co2.valid && !strcmp(f->co2.fill, "default") && f->co2.has_default)
		put(e, "Where the series had no value we used %.6g g/kWh. ", f->co2.default_g_per_kwh);
	else if (f->co2.valid && !strcmp(f->co2.fill, "default"))
		put(e, "Where the series had no value we used the zone's yearly value. ");
	if (f->co2.has_co2) {
		put(e, "The run emitted %s kg CO2e", f->co2_kg);
		if (f->co2.has_epochs_co2 && f->co2.has_outside_co2) {
			char a[32], b[32];
			ctk_format_sig(f->co2.epochs_co2_g / 1000.0, CTK_SIG, a, sizeof a);
			ctk_format_sig(f->co2.outside_co2_g / 1000.0, 3, b, sizeof b);
			put(e, " (%s kg in the epochs, %s kg outside them)", a, b);
		}
		if (f->co2.has_co2_u)
			put(e, " (\u00b1 %s kg: the energy's relative bound; the carbon intensity's own uncertainty is not "
			       "included, as the source gives none)", f->co2_u_kg);
		if (f->co2.has_share && f->co2.no_intensity_share > 0)
			put(e, "; %.1f %% of the energy had no intensity value and is not included", 100 * f->co2.no_intensity_share);
		ctk_format_sig(CTK_CAR_KM(f->co2.co2_g), 3, buf, sizeof buf);
		put(e, ", as much as driving %s km in a typical passenger vehicle at %.0f g CO2 per mile", buf, CTK_CAR_G_PER_MILE);
		cite(e, "epa2023vehicle");
		put(e, ". ");
	} else if (f->co2.valid) {
		put(e, "The CO2 of this run is not known, so no CO2 figure is given: %s. ",
		    f->co2.note[0] ? f->co2.note : "no intensity value for its energy");
	} else {
		put(e, "No emissions are given for this run: its energy has not been priced with a carbon intensity. ");
	}
	/* scope: what the devices above do not cover, by name */
	put(e, "Not measured: ");
	int first = 1;
	static const struct {
		const char *kind, *words;
	} scope[] = {{"(cpu)", "the CPUs"}, {"(dram)", "memory (DRAM)"}};
	for (size_t i = 0; i < sizeof scope / sizeof scope[0]; i++)
		if (!strstr(f->devices, scope[i].kind)) {
			put(e, "%s%s", first ? "" : ", ", scope[i].words);
			first = 0;
		}
	put(e, "%snetwork, storage, cooling beyond the PUE%s. ", first ? "" : ", ",
	    f->fp.has_embodied ? "" : ", and the embodied emissions of the hardware");
	footprint_sentences(e, &f->fp);
	put(e, "Figures and tables were produced with ctk version %s", ctk_version);
	cite(e, "ctk");
	put(e, ".\n\n");
}

int ctk_methods_write(struct ctk_report *r, FILE *f, enum ctk_text_fmt fmt, struct ctk_error *err)
{
	struct emit e = {f, fmt};
	const struct ctk_run_facts *facts;
	int rc = 0;

	if (fmt == CTK_TEXT_TEX)
		fputs("% Generated by ctk report: the methods paragraph. Cite keys are in ctk.bib.\n", f);
	else if (fmt == CTK_TEXT_MD)
		fputs("## Methods: energy and carbon measurement\n\n", f);
	for (int i = 0; i < r->nruns && !rc; i++)
		if (!(rc = ctk_report_facts(r, i, &facts, err))) {
			char other[1024];
			paragraph(&e, facts);
			if (!(rc = ctk_reported_words(r->db, r->runs[i], other, sizeof other, err)) && other[0])
				put(&e, "%s\n\n", other);
			char pred[2000];   /* put() writes at most 2047 characters */
			if (!rc && !(rc = ctk_predicted_words(r->db, r->runs[i], pred, sizeof pred, err)) && pred[0])
				put(&e, "%s\n\n", pred);
		}
	if (fmt == CTK_TEXT_MD)
		fputs("References: see ctk.bib.\n", f);
	return rc;
}

void ctk_yaml_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void bib_text(FILE *f, const char *s)
{
	ctk_tex_text(f, s);
}

/* The current UTC year: ctk's entry is cited as of the report. */
static int this_year(void)
{
	time_t now = time(NULL);
	struct tm tm;

	return gmtime_r(&now, &tm) ? tm.tm_year + 1900 : 1970;
}

/* One @misc entry of an intensity source; year: of the data, else "n.d.". */
static void bib_source(FILE *f, const char *key, const char *name, int has_year, int year)
{
	size_t j;

	for (j = 0; j < sizeof source_refs / sizeof source_refs[0] && strcmp(source_refs[j].key, key); j++)
		;
	fprintf(f, "@misc{%s,\n  author = {", key);
	if (j < sizeof source_refs / sizeof source_refs[0]) {
		fprintf(f, "%s},\n  title = {%s},\n  howpublished = {\\url{%s}},\n  note = {%s}", source_refs[j].author,
			source_refs[j].title, source_refs[j].url, source_refs[j].note);
	} else {
		fputc('{', f);
		bib_text(f, name);
		fputs("}},\n  title = {", f);
		bib_text(f, name);
		fputs("},\n  note = {Carbon-intensity data as named in the ctk store}", f);
	}
	if (has_year)
		fprintf(f, ",\n  year = {%d}\n}\n\n", year);
	else
		fputs(",\n  year = {n.d.}\n}\n\n", f);
}

/* ctk.bib: ctk itself (with its version), carbontracker (whose method,
 * predictor and PUE preset ctk follows; cited by every methods paragraph),
 * each intensity source the runs used, and the EPA factor of the car
 * equivalent. Every entry passes plainnat without a warning. */
static int write_bib(struct ctk_report *r, FILE *f, struct ctk_error *err)
{
	const struct ctk_run_facts *facts;
	char keys[16][64], key[64];
	int nkeys = 0, rc = 0, car = 0;

	fputs("% Generated by ctk report: ctk and the data sources this report used.\n\n", f);
	fprintf(f, "@misc{ctk,\n  author = {{The ctk authors}},\n  title = {ctk: measuring, predicting and reporting the energy "
		"and carbon footprint of deep-learning training},\n  howpublished = {Software, version ");
	bib_text(f, ctk_version);
	fprintf(f, "},\n  version = {");
	bib_text(f, ctk_version);
	fprintf(f, "},\n  year = {%d}\n}\n\n", this_year());
	fputs("@misc{anthony2020carbontracker,\n  author = {Anthony, Lasse F. Wolff and Kanding, Benjamin and Selvan, Raghavendra},\n"
	      "  title = {Carbontracker: Tracking and Predicting the Carbon Footprint of Training Deep Learning Models},\n"
	      "  howpublished = {ICML Workshop on Challenges in Deploying and monitoring Machine Learning Systems},\n"
	      "  note = {arXiv:2007.03051},\n  eprint = {2007.03051},\n  archiveprefix = {arXiv},\n  year = {2020}\n}\n\n", f);
	for (int i = 0; i < r->nruns && !rc; i++) {
		if ((rc = ctk_report_facts(r, i, &facts, err)))
			break;
		car |= facts->co2.has_co2;
		const char *name = facts->has_series ? facts->si.source : facts->co2.source;
		if (!name[0])
			continue;
		source_key(name, facts->co2.has_series ? facts->co2.series_id : 0, key, sizeof key);
		int k;
		for (k = 0; k < nkeys && strcmp(keys[k], key); k++)
			;
		if (k < nkeys || nkeys == 16)
			continue;
		snprintf(keys[nkeys++], sizeof keys[0], "%s", key);
		if (facts->co2.has_year)
			bib_source(f, key, name, 1, facts->co2.year);
		else
			bib_source(f, key, name, facts->has_series && facts->si.has_year, facts->si.year);
	}
	/* the sources of the embodied table and of the water rule (common/embodied.c) */
	for (const struct ctk_embodied_source *es = ctk_embodied_sources; es->key; es++)
		fprintf(f, "%s\n", es->bibtex);
	if (car)
		fputs("@misc{epa2023vehicle,\n  author = {{U.S. Environmental Protection Agency}},\n"
		      "  title = {Greenhouse Gas Emissions from a Typical Passenger Vehicle},\n"
		      "  howpublished = {\\url{https://www.epa.gov/greenvehicles/greenhouse-gas-emissions-typical-passenger-vehicle}},\n"
		      "  note = {EPA-420-F-23-014},\n  year = {2023}\n}\n\n", f);
	return rc;
}

static int write_model_card(struct ctk_report *r, FILE *f, struct ctk_error *err)
{
	const struct ctk_run_facts *facts;
	char hw[512] = "", zones[256] = "", sources[512] = "", buf[64];
	double co2 = 0, co2_u = 0;
	int all_co2 = 1, rc = 0, sim = 0, all_u = 1;

	/* the report's runs only (--run): failed runs and ablations stay out unless selected */
	for (int i = 0; i < r->nruns && !rc; i++) {
		if ((rc = ctk_report_facts(r, i, &facts, err)))
			break;
		sim += facts->ri.simulated;
		/* all of the energy without an intensity value: the CO2 is unknown, not 0 */
		if (facts->co2.has_co2 && !(facts->co2.has_share && facts->co2.no_intensity_share >= 1))
			co2 += facts->co2.co2_g;
		else
			all_co2 = 0;
		co2_u += facts->co2.co2_u_g; /* bounds add */
		all_u &= facts->co2.has_co2_u;
		const char *zone = facts->co2.zone[0] ? facts->co2.zone : facts->has_series ? facts->si.zone : facts->ri.zone;
		char zw[160];
		ctk_zone_words(zone, zw, sizeof zw); /* "Germany (DE)" */
		if (zone[0] && !strstr(zones, zw))
			ctk_appendf(zones, sizeof zones, "%s%s", zones[0] ? "; " : "", zw);
		if (facts->hardware[0] && !strstr(hw, facts->hardware))
			ctk_appendf(hw, sizeof hw, "%s%s", hw[0] ? "; " : "", facts->hardware);
		const char *src = facts->has_series ? facts->si.source : facts->co2.source;
		if (src[0] && !strstr(sources, src))
			ctk_appendf(sources, sizeof sources, "%s%s", sources[0] ? ", " : "", src);
	}
	if (!rc) {
		fputs("# Hugging Face model card metadata (co2_eq_emissions), generated by ctk report.\n"
		      "# Paste into the YAML front matter of the model's README.md. emissions: grams of CO2-equivalent,\n"
		      "# summed over the reported runs, with the PUE stated in methods.md applied.\n"
		      "co2_eq_emissions:\n", f);
		if (sim)
			fprintf(f, "  # WARNING: %d of the %d runs were measured on a simulated device, not real hardware:\n"
				"  # these figures are not emissions of real training. Do not publish them as such.\n", sim, r->nruns);
		if (all_co2 && co2 <= 0) {
			fputs("  # emissions: left out: the stored CO2 is 0 g, which is no measurement of emissions\n", f);
		} else if (all_co2) {
			ctk_format_sig(co2, CTK_SIG, buf, sizeof buf);
			fprintf(f, "  emissions: %s\n", buf);
			if (all_u) {
				ctk_format_sig(co2_u, CTK_SIG, buf, sizeof buf);
				fprintf(f, "  # emissions bound: \u00b1 %s g (worst case from the energy's signal, see methods.md; "
					"the carbon intensity's own uncertainty is not included)\n", buf);
			}
		} else {
			/* unknown is left out, never written as 0 */
			fputs("  # emissions: left out: the CO2 of some run is not known (see methods.md; ctk analyze --zone Z)\n", f);
		}
		char src[640];
		snprintf(src, sizeof src, "ctk (%s energy%s%s)", sim ? "SIMULATED device" : "measured",
			 sources[0] ? "; carbon intensity: " : "", sources);
		fputs("  source: ", f);
		ctk_yaml_str(f, src);
		fputs("\n  # training_type: not recorded by ctk (pre-training or fine-tuning): fill in\n", f);
		if (zones[0]) {
			fputs("  geographical_location: ", f);
			ctk_yaml_str(f, zones);
			fputc('\n', f);
		} else {
			fputs("  # geographical_location: unknown (the runs have no zone)\n", f);
		}
		fputs("  hardware_used: ", f);
		ctk_yaml_str(f, hw[0] ? hw : "unknown");
		fputc('\n', f);
	}
	return rc;
}

static int text_file(struct ctk_report *r, const char *name, int (*fn)(struct ctk_report *, FILE *, int, struct ctk_error *),
		     int arg, struct ctk_error *err)
{
	struct ctk_outfile o;
	int rc;

	if ((rc = ctk_out_begin(r, name, 1, &o, err)))
		return rc;
	rc = fn(r, o.f, arg, err);
	return ctk_out_end(r, &o, rc, err);
}

static int methods_fn(struct ctk_report *r, FILE *f, int fmt, struct ctk_error *err)
{
	return ctk_methods_write(r, f, (enum ctk_text_fmt)fmt, err);
}

static int bib_fn(struct ctk_report *r, FILE *f, int arg, struct ctk_error *err)
{
	(void)arg;
	return write_bib(r, f, err);
}

static int card_fn(struct ctk_report *r, FILE *f, int arg, struct ctk_error *err)
{
	(void)arg;
	return write_model_card(r, f, err);
}

int ctk_text_files(struct ctk_report *r, struct ctk_error *err)
{
	int rc = 0;

	if (ctk_report_wants(r, "md")) {
		rc = text_file(r, "methods.md", methods_fn, CTK_TEXT_MD, err);
		if (!rc)
			rc = text_file(r, "model-card.yaml", card_fn, 0, err);
	}
	if (!rc && ctk_report_wants(r, "tex")) {
		rc = text_file(r, "methods.tex", methods_fn, CTK_TEXT_TEX, err);
		if (!rc)
			rc = text_file(r, "ctk.bib", bib_fn, 0, err);
	}
	return rc;
}
