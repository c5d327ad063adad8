/* Importer for eco2AI emission.csv (FORMATS.md §1): `id,project_name,
 * experiment_description,epoch,start_time,duration(s),power_consumption(kWh),
 * CO2_emissions(kg),CPU_name,GPU_name,OS,region/country,cost`. Rows sharing an
 * id are one run. In training mode each row is one epoch ("epoch: N, …"),
 * with its own start time (local, 1 s resolution), duration and energy since
 * the previous epoch: it becomes an epoch window whose mean power (kWh ×
 * 3.6e6 / duration) is stored as two 'imported' readings on one 'other'
 * device (eco2AI reports CPU+GPU+RAM as one total). Rows with epoch "N/A"
 * (whole-run mode) give a phase window. Every row also goes to `reported`.
 * The time between two rows' windows was not measured: a reading without
 * power marks each gap (like Zeus; --bridge-gaps integrates across them).
 * eco2AI appends to its file: a run already imported from an earlier version
 * of it (same id, other SHA-256) is skipped when it has as many rows, and
 * replaced when it grew. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "analyze/import/util.h"
#include "analyze/import/importers.h"
#include "common/csvread.h"
#include "common/db.h"
#include "common/samples.h"
#include "common/store.h"
#include "common/util.h"

enum { E_ID, E_PROJECT, E_DESC, E_EPOCH, E_START, E_DUR, E_KWH, E_CO2, E_CPU, E_GPU, E_OS, E_REGION, E_N };
static const char *const names[E_N] = {
	"id", "project_name", "experiment_description", "epoch", "start_time", "duration(s)",
	"power_consumption(kWh)", "CO2_emissions(kg)", "CPU_name", "GPU_name", "OS", "region/country",
};

struct e_row {
	int64_t line, start_ns, dur_ns;
	double dur_s, kwh, co2_kg;
	int has_co2, epoch, has_epoch;
	char *id, *project, *desc, *epoch_str, *cpu, *gpu, *region;
};

struct eco {
	sqlite3 *db;
	const char *path;
	const struct ctk_import_opts *o;
	struct ctk_import_result *res;
	struct ctk_tz *tz;
	int tz_assumed, nfields, header_done;
	int c[E_N];
	char hdr[E_N][64];
	struct e_row *rows;
	int nrows, cap;
	char sha[65];          /* of this file */
	struct ctk_imp_earlier earlier;  /* runs seen in an earlier version of the file */
};

/* A run with this id imported from another version of the file: *old its
 * id (0: none), *same 1 when it stored as many rows as the file now has. */
static int earlier_run(struct eco *s, const char *id, int nrows, int64_t *old, int *same, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;

	*old = 0;
	*same = 0;
	if (ctk_db_prepare(s->db, "SELECT r.run_id, (SELECT count(*) FROM reported p WHERE p.run_id = r.run_id) = ?3 "
			   "FROM runs r WHERE r.source = 'import:eco2ai' AND json_valid(r.config_json) AND "
			   "json_extract(r.config_json, '$.id') = ?1 AND coalesce(r.source_sha256, '') <> ?2 "
			   "ORDER BY r.run_id DESC LIMIT 1", &st, err))
		return CTK_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, s->sha, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, nrows);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*old = sqlite3_column_int64(st, 0);
		*same = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	return 0;
}

static char *field(char **f, int c)
{
	return strdup(c >= 0 ? f[c] : "");
}

static int on_row(void *ctx, char **f, int n, int64_t line, struct ctk_error *err)
{
	struct eco *s = ctx;
	struct e_row r = {.line = line};

	if (!s->header_done) {
		for (int k = 0; k < E_N; k++) {
			s->c[k] = ctk_csv_find(f, n, names[k]);
			if (k == E_KWH && s->c[k] < 0)
				s->c[k] = ctk_csv_find(f, n, "power_consumption(kWTh)");
			snprintf(s->hdr[k], sizeof s->hdr[k], "%s", s->c[k] >= 0 ? f[s->c[k]] : names[k]);
		}
		if (s->c[E_ID] < 0 || s->c[E_START] < 0 || s->c[E_DUR] < 0 || s->c[E_KWH] < 0)
			return ctk_failf(err, CTK_EINPUT, "'%s' line 1: not an eco2AI emission.csv (the header needs 'id', "
					 "'start_time', 'duration(s)' and 'power_consumption(kWh)')", s->path);
		s->nfields = n;
		s->header_done = 1;
		return 0;
	}
	if (n != s->nfields)
		return ctk_csv_width_error(s->path, line, n, s->nfields, err);
	if (ctk_time_parse(f[s->c[E_START]], s->tz, &r.start_ns, err))
		return ctk_error_prefix(err, "'%s' line %lld: field '%s': ", s->path, (long long)line, s->hdr[E_START]);
	struct { int k; double *v; } nums[] = {{E_DUR, &r.dur_s}, {E_KWH, &r.kwh}, {E_CO2, &r.co2_kg}};
	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		int c = s->c[nums[i].k];
		if (c < 0 || (nums[i].k == E_CO2 && (!*f[c] || !strcmp(f[c], "N/A"))))
			continue;
		if (ctk_parse_double(f[c], nums[i].v))
			return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': not a number ('%s')", s->path,
					 (long long)line, s->hdr[nums[i].k], f[c]);
		if (*nums[i].v < 0)
			return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': negative value ('%s')", s->path,
					 (long long)line, s->hdr[nums[i].k], f[c]);
		if (nums[i].k == E_CO2)
			r.has_co2 = 1;
	}
	r.dur_ns = ctk_imp_s_to_ns(r.dur_s);
	if (s->c[E_EPOCH] >= 0 && !strncasecmp(f[s->c[E_EPOCH]], "epoch:", 6)) {
		const char *p = f[s->c[E_EPOCH]] + 6;
		char *end;
		while (*p == ' ')
			p++;
		long v = strtol(p, &end, 10);
		if (end == p || v < 0)
			return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field 'epoch': no epoch number ('%s')", s->path,
					 (long long)line, f[s->c[E_EPOCH]]);
		r.epoch = (int)v;
		r.has_epoch = 1;
	}
	r.id = field(f, s->c[E_ID]);
	r.project = field(f, s->c[E_PROJECT]);
	r.desc = field(f, s->c[E_DESC]);
	r.epoch_str = field(f, s->c[E_EPOCH]);
	r.cpu = field(f, s->c[E_CPU]);
	r.gpu = field(f, s->c[E_GPU]);
	r.region = field(f, s->c[E_REGION]);
	if (s->nrows == s->cap) {
		int cap = s->cap ? s->cap * 2 : 32;
		struct e_row *nr = realloc(s->rows, (size_t)cap * sizeof(*nr));
		if (!nr)
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		s->rows = nr;
		s->cap = cap;
	}
	s->rows[s->nrows++] = r;
	if (!r.id || !r.project || !r.desc || !r.epoch_str || !r.cpu || !r.gpu || !r.region)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	return 0;
}

static int import_run(struct eco *s, int first, int ngroups, struct ctk_sample_writer *w, struct ctk_error *err)
{
	const struct e_row *f0 = &s->rows[first];
	char label[512], *config;
	int64_t run_id, dev, prev_end = 0, t_first = 0, t_last = 0, gap_ns = 0;
	int rc, n = 0, shifted = 0, nrows = 0, same, gaps = 0;
	const struct e_row *last = f0;

	for (int i = first; i < s->nrows; i++)
		nrows += !strcmp(s->rows[i].id, f0->id);
	if ((rc = earlier_run(s, f0->id, nrows, &run_id, &same, err)) ||
	    (rc = ctk_imp_earlier_run(s->db, run_id, same, s->o->replace, &s->earlier, err)))
		return rc < 0 ? rc : 0;
	cJSON *j = cJSON_CreateObject();
	if (!j)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	cJSON_AddStringToObject(j, "tool", "eco2ai");
	cJSON_AddStringToObject(j, "id", f0->id);
	cJSON_AddStringToObject(j, "project_name", f0->project);
	cJSON_AddStringToObject(j, "experiment_description", f0->desc);
	cJSON_AddStringToObject(j, "cpu", f0->cpu);
	cJSON_AddStringToObject(j, "gpu", f0->gpu);
	cJSON_AddStringToObject(j, "region", f0->region);
	cJSON_AddStringToObject(j, "gaps", s->o->bridge_gaps ? "bridged" : "not measured");
	config = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (!config)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	if (s->o->label && ngroups == 1)
		snprintf(label, sizeof label, "%s", s->o->label);
	else
		snprintf(label, sizeof label, "%s/%s", s->o->label ? s->o->label : f0->project, f0->id);
	rc = ctk_imp_run(s->db, "eco2ai", s->path, NULL, label, s->tz, s->tz_assumed, config, &run_id, err);
	free(config);
	if (rc)
		return rc;
	/* window-means: each row's mean power covers its window (no sampling period) */
	struct ctk_device d = {.run_id = run_id, .kind = "other", .name = "eco2AI total (CPU+GPU+RAM)",
			       .flags = "window-means"};
	if ((rc = ctk_device_insert(s->db, &d, &dev, err)))
		return rc;
	s->res->devices++;
	for (int i = first; i < s->nrows; i++) {
		const struct e_row *r = &s->rows[i];
		if (strcmp(r->id, f0->id))
			continue;
		int64_t start = r->start_ns;
		if (n > 0 && start < last->start_ns)
			return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': time goes backwards (before line %lld)",
					 s->path, (long long)r->line, s->hdr[E_START], (long long)last->line);
		if (n > 0 && start < prev_end) {
			start = prev_end; /* 1 s start times: lay end to end */
			shifted++;
		}
		if (n > 0 && start > prev_end) {
			/* eco2AI measured nothing between two epochs' rows (issue 14) */
			gaps++;
			gap_ns += start - prev_end;
			if (!s->o->bridge_gaps) {
				if ((rc = ctk_imp_gap(w, dev, prev_end, start, err)))
					return ctk_error_prefix(err, "'%s' line %lld: field '%s': ", s->path,
								(long long)r->line, s->hdr[E_START]);
				s->res->samples++;
			}
		}
		int64_t end = start + r->dur_ns;
		struct ctk_window win = {.run_id = run_id, .kind = r->has_epoch ? "epoch" : "phase",
					 .idx = r->epoch, .has_idx = r->has_epoch, .start_ns = start, .end_ns = end,
					 .name = r->has_epoch ? NULL : "eco2AI run"};
		if ((rc = ctk_window_insert(s->db, &win, err)))
			return rc;
		s->res->windows++;
		if (r->dur_s > 0 && (rc = ctk_imp_check_power(s->path, r->line, s->hdr[E_KWH], r->kwh * 3.6e6 / r->dur_s,
							       CTK_IMP_MAX_W, err)))
			return rc; /* the row's mean power (kWh x 3.6e6 J/kWh / s) */
		if ((rc = ctk_imp_mean_power(w, dev, start, end, r->dur_s > 0 ? r->kwh * 3.6e6 / r->dur_s : 0, err)))
			return ctk_error_prefix(err, "'%s' line %lld: field '%s': ", s->path, (long long)r->line, s->hdr[E_START]);
		s->res->samples += 2;
		struct ctk_reported rep = {.run_id = run_id, .tool = "eco2ai", .what = r->has_epoch ? "epoch" : "actual",
					   .epochs = r->epoch, .has_epochs = r->has_epoch,
					   .duration_s = r->dur_s, .has_duration = 1, .energy_kwh = r->kwh, .has_energy = 1,
					   .co2_g = r->co2_kg * 1000.0, .has_co2 = r->has_co2, .note = r->epoch_str};
		if ((rc = ctk_reported_insert(s->db, &rep, err)))
			return rc;
		s->res->reported++;
		if (n == 0)
			t_first = start;
		t_last = end;
		prev_end = end;
		last = r;
		n++;
	}
	if (shifted)
		ctk_import_warn(s->o, "'%s': run %s: %d epoch(s) would overlap the previous one (start times have 1 s "
				"resolution): laid end to end", s->path, f0->id, shifted);
	if (gaps)
		ctk_import_warn(s->o, "'%s': run %s: %d gap(s) between epochs, %.3f s in all: %s", s->path, f0->id, gaps,
				(double)gap_ns / 1e9, s->o->bridge_gaps ? "bridged (--bridge-gaps): energy integrated across them"
				: "not measured by eco2AI, left out of the energy (coverage shows them; --bridge-gaps integrates across)");
	s->res->runs++;
	s->res->run_id = run_id;
	return ctk_run_set_span(s->db, run_id, t_first, t_last, err);
}

static int eco_import(sqlite3 *db, const char *path, const struct ctk_import_opts *o,
		      struct ctk_import_result *res, struct ctk_error *err)
{
	struct ctk_tz utc;
	struct eco s = {.db = db, .path = path, .o = o, .res = res};
	struct ctk_sample_writer *w = NULL;
	int rc, ngroups = 0;

	s.tz_assumed = !(o->tz && o->tz->kind != CTK_TZ_NONE);
	s.tz = ctk_imp_tz(o, &utc, path, "eco2AI start times");
	if ((rc = ctk_imp_check_complete(path, err)) || (rc = ctk_csv_read_file(path, ',', on_row, &s, err)) ||
	    (rc = ctk_sha256_file(path, s.sha, err)))
		goto out;
	if (!s.header_done) {
		rc = ctk_failf(err, CTK_EINPUT, "'%s': empty file", path);
		goto out;
	}
	if (!s.nrows) {
		rc = ctk_failf(err, CTK_EINPUT, "'%s': header only, no rows", path);
		goto out;
	}
	for (int i = 0; i < s.nrows; i++) {
		int seen = 0;
		for (int k = 0; k < i && !seen; k++)
			seen = !strcmp(s.rows[k].id, s.rows[i].id);
		ngroups += !seen;
	}
	if ((rc = ctk_sample_writer_new(db, 0, &w, err)))
		goto out;
	for (int i = 0; i < s.nrows && !rc; i++) {
		int seen = 0;
		for (int k = 0; k < i && !seen; k++)
			seen = !strcmp(s.rows[k].id, s.rows[i].id);
		if (!seen)
			rc = import_run(&s, i, ngroups, w, err);
	}
	if (!rc)
		rc = ctk_sample_writer_flush(w, err);
	if (!rc)
		ctk_imp_earlier_warn(o, path, &s.earlier);
out:
	ctk_sample_writer_free(w);
	for (int i = 0; i < s.nrows; i++) {
		struct e_row *r = &s.rows[i];
		free(r->id);
		free(r->project);
		free(r->desc);
		free(r->epoch_str);
		free(r->cpu);
		free(r->gpu);
		free(r->region);
	}
	free(s.rows);
	return rc;
}

static int eco_sniff(const char *path)
{
	char line[2048];

	return ctk_imp_first_line(path, line, sizeof line) == 0 && strstr(line, "power_consumption(kW") && strstr(line, "duration(s)") ? 90 : 0;
}

const struct ctk_importer ctk_importer_eco2ai = {
	.name = "eco2ai",
	.summary = "eco2AI emission.csv (per-epoch rows become epochs)",
	.sniff = eco_sniff,
	.import = eco_import,
};
