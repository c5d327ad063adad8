/* Importer for CodeCarbon emissions.csv (FORMATS.md §1): the v1.x, v2.4
 * (31 columns) and v3.x (38 columns) headers, matched by name. Rows sharing
 * a run_id are cumulative flushes of one run; rows without a run_id belong to
 * one run when their implied start (timestamp - duration) agrees within 2 s
 * and the duration grows. Each run gets one device per component (cpu, gpu,
 * ram as dram; a single 'other' device for v1 files without components)
 * whose readings are the cumulative energies (a counter from 0 at the run's
 * start, so analyze takes differences) and the powers CodeCarbon reported;
 * the last row's totals go to `reported`. The oldest CodeCarbon (1.x,
 * codecarbon/output.py EmissionsData) has no run_id: its `experiment_id` is
 * the uuid of one tracker run and keys the runs instead. A run_id "None"
 * (CodeCarbon with API output, mlco2/codecarbon issue #1303) keys nothing.
 * CodeCarbon appends to its file: a run of this file already imported from
 * an earlier version of it (same run id, other SHA-256) is skipped when it
 * is unchanged (same rows, same duration) and replaced when it grew. */
#include <math.h>
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

enum cc_num { N_DURATION, N_EMISSIONS, N_CPU_P, N_GPU_P, N_RAM_P, N_CPU_E, N_GPU_E, N_RAM_E, N_TOTAL_E,
	      N_PUE, N_COUNT };
static const char *const num_names[N_COUNT] = {
	"duration", "emissions", "cpu_power", "gpu_power", "ram_power", "cpu_energy", "gpu_energy",
	"ram_energy", "energy_consumed", "pue",
};
/* Columns copied into runs.config_json as text, when present. */
static const char *const cfg_names[] = {
	"project_name", "run_id", "experiment_id", "country_name", "country_iso_code", "region",
	"cloud_provider", "cloud_region", "os", "python_version", "codecarbon_version", "cpu_count",
	"cpu_model", "gpu_count", "gpu_model", "ram_total_size", "tracking_mode", "on_cloud",
	"longitude", "latitude", "pue", "wue", NULL,
};

struct cc_row {
	int64_t line, t_ns;
	double v[N_COUNT];
	int has[N_COUNT];
	char **f;   /* copies of all fields */
	int group;
};

struct cc {
	sqlite3 *db;
	const char *path;
	const struct ctk_import_opts *o;
	struct ctk_import_result *res;
	struct ctk_tz *tz;
	int tz_assumed;
	int nfields;
	char **header;
	int c_time, c_run, c_num[N_COUNT], c_project;
	struct cc_row *rows;
	int nrows, caprows;
	int ngroups;
	int last_empty_group;  /* group of the last row without run_id, -1 none */
	int by_start;          /* some rows had no run key */
	double last_empty_start_s;
	char sha[65];          /* of this file */
	struct ctk_imp_earlier earlier;  /* runs seen in an earlier version of the file */
};

static int col(struct cc *s, const char *name)
{
	return ctk_csv_find(s->header, s->nfields, name);
}

static int parse_header(struct cc *s, char **f, int n, struct ctk_error *err)
{
	if (!(s->header = calloc((size_t)n, sizeof(*s->header))))
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	s->nfields = n;
	for (int i = 0; i < n; i++)
		if (!(s->header[i] = strdup(f[i])))
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
	s->c_time = col(s, "timestamp");
	s->c_run = col(s, "run_id");
	if (s->c_run < 0)
		s->c_run = col(s, "experiment_id"); /* 1.x: one uuid per tracker run */
	s->c_project = col(s, "project_name");
	for (int k = 0; k < N_COUNT; k++)
		s->c_num[k] = col(s, num_names[k]);
	if (s->c_time < 0 || s->c_num[N_DURATION] < 0 ||
	    (s->c_num[N_TOTAL_E] < 0 && s->c_num[N_EMISSIONS] < 0))
		return ctk_failf(err, CTK_EINPUT, "'%s' line 1: not a CodeCarbon emissions.csv (the header needs "
				 "'timestamp', 'duration' and 'energy_consumed' or 'emissions')", s->path);
	return 0;
}

/* The id that keys a row's run, "" when none. */
static const char *run_key(const struct cc *s, char **f)
{
	const char *id = s->c_run >= 0 ? f[s->c_run] : "";

	return strcmp(id, "None") ? id : "";
}

static int on_row(void *ctx, char **f, int n, int64_t line, struct ctk_error *err)
{
	struct cc *s = ctx;
	struct cc_row r = {.line = line, .group = -1};

	if (!s->header)
		return parse_header(s, f, n, err);
	if (n != s->nfields)
		return ctk_csv_width_error(s->path, line, n, s->nfields, err);
	if (ctk_time_parse(f[s->c_time], s->tz, &r.t_ns, err))
		return ctk_error_prefix(err, "'%s' line %lld: field 'timestamp': ", s->path, (long long)line);
	for (int k = 0; k < N_COUNT; k++) {
		int c = s->c_num[k];
		if (c < 0 || !*f[c])
			continue;
		if (ctk_parse_double(f[c], &r.v[k]))
			return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': not a number ('%s')", s->path,
					 (long long)line, s->header[c], f[c]);
		if (r.v[k] < 0)
			return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': negative value ('%s')", s->path,
					 (long long)line, s->header[c], f[c]);
		int rc = k >= N_CPU_P && k <= N_RAM_P /* W, one component each */
				 ? ctk_imp_check_power(s->path, line, s->header[c], r.v[k], CTK_IMP_MAX_W, err) : 0;
		if (rc)
			return rc;
		r.has[k] = 1;
	}
	if (!r.has[N_DURATION])
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field 'duration': empty", s->path, (long long)line);
	if (!(r.f = calloc((size_t)n, sizeof(*r.f))))
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	for (int i = 0; i < n; i++)
		if (!(r.f[i] = strdup(f[i]))) {
			for (int j = 0; j < i; j++)
				free(r.f[j]);
			free(r.f);
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		}
	/* group: same run_id, or (no run_id) same implied start */
	const char *id = run_key(s, f);
	if (*id) {
		for (int i = 0; i < s->nrows; i++)
			if (!strcmp(s->rows[i].f[s->c_run], id)) {
				r.group = s->rows[i].group;
				break;
			}
	} else {
		double start = (double)r.t_ns / 1e9 - r.v[N_DURATION];
		s->by_start = 1;
		if (s->last_empty_group >= 0 && fabs(start - s->last_empty_start_s) <= 2.0 &&
		    r.v[N_DURATION] > s->rows[s->nrows - 1].v[N_DURATION] &&
		    s->rows[s->nrows - 1].group == s->last_empty_group)
			r.group = s->last_empty_group;
		else
			s->last_empty_start_s = start;
	}
	if (r.group < 0) {
		r.group = s->ngroups++;
		if (!*id)
			s->last_empty_group = r.group;
	}
	if (s->nrows == s->caprows) {
		int cap = s->caprows ? s->caprows * 2 : 64;
		struct cc_row *nr = realloc(s->rows, (size_t)cap * sizeof(*nr));
		if (!nr) {
			for (int i = 0; i < n; i++)
				free(r.f[i]);
			free(r.f);
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		}
		s->rows = nr;
		s->caprows = cap;
	}
	s->rows[s->nrows++] = r;
	return 0;
}

/* A run with this id imported from another version of the file: *old its
 * id (0: none), *same 1 when it has as many rows and the same duration. */
static int earlier_run(struct cc *s, const char *id, int nrows, double duration_s, int64_t *old, int *same,
		       struct ctk_error *err)
{
	char key[96];
	sqlite3_stmt *st = NULL;

	*old = 0;
	*same = 0;
	snprintf(key, sizeof key, "$.%s", s->header[s->c_run]);
	if (ctk_db_prepare(s->db, "SELECT r.run_id, json_extract(r.config_json, '$.rows') = ?3 AND "
			   "abs(p.duration_s - ?4) <= 1e-9 * abs(?4) FROM runs r LEFT JOIN reported p ON p.run_id = r.run_id "
			   "AND p.tool = 'codecarbon' WHERE r.source = 'import:codecarbon' AND json_valid(r.config_json) AND "
			   "json_extract(r.config_json, ?5) = ?1 AND coalesce(r.source_sha256, '') <> ?2 "
			   "ORDER BY r.run_id DESC LIMIT 1", &st, err))
		return CTK_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, s->sha, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, nrows);
	sqlite3_bind_double(st, 4, duration_s);
	sqlite3_bind_text(st, 5, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*old = sqlite3_column_int64(st, 0);
		*same = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	return 0;
}

static char *make_config(struct cc *s, const struct cc_row *last, int nrows)
{
	cJSON *j = cJSON_CreateObject();
	char *out;

	if (!j)
		return NULL;
	cJSON_AddStringToObject(j, "tool", "codecarbon");
	for (int i = 0; cfg_names[i]; i++) {
		int c = col(s, cfg_names[i]);
		if (c >= 0 && *last->f[c])
			cJSON_AddStringToObject(j, cfg_names[i], last->f[c]);
	}
	cJSON_AddNumberToObject(j, "rows", nrows);
	cJSON_AddNumberToObject(j, "header_columns", s->nfields);
	out = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	return out;
}

struct comp {
	const char *kind, *name_col, *label;
	int e, p; /* enum cc_num of its energy and power */
};

static int import_group(struct cc *s, int g, struct ctk_sample_writer *w, struct ctk_error *err)
{
	static const struct comp comps[] = {
		{"cpu", "cpu_model", "cpu", N_CPU_E, N_CPU_P},
		{"gpu", "gpu_model", "gpu", N_GPU_E, N_GPU_P},
		{"dram", NULL, "ram", N_RAM_E, N_RAM_P},
	};
	const struct cc_row *first = NULL, *last = NULL, *prev = NULL;
	int nrows = 0, rc = 0;
	int64_t run_id, t0;
	char label[512], *config = NULL;

	for (int i = 0; i < s->nrows; i++) {
		const struct cc_row *r = &s->rows[i];
		if (r->group != g)
			continue;
		if (prev) {
			if (r->t_ns < prev->t_ns)
				return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field 'timestamp': time goes backwards (line %lld of this run is later)",
						 s->path, (long long)r->line, (long long)prev->line);
			if (r->v[N_DURATION] < prev->v[N_DURATION])
				return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field 'duration': cumulative duration goes backwards (%g s after %g s on line %lld)",
						 s->path, (long long)r->line, r->v[N_DURATION], prev->v[N_DURATION], (long long)prev->line);
		}
		if (!first)
			first = r;
		prev = last = r;
		nrows++;
	}
	if (!first)
		return 0;
	const char *id = run_key(s, last->f);
	if (*id) {
		int64_t old;
		int same;
		if ((rc = earlier_run(s, id, nrows, last->v[N_DURATION], &old, &same, err)) ||
		    (rc = ctk_imp_earlier_run(s->db, old, same, s->o->replace, &s->earlier, err)))
			return rc < 0 ? rc : 0;
	}
	const char *proj = s->c_project >= 0 ? last->f[s->c_project] : "codecarbon";
	if (s->o->label && s->ngroups == 1)
		snprintf(label, sizeof label, "%s", s->o->label);
	else if (*id)
		snprintf(label, sizeof label, "%s/%s", s->o->label ? s->o->label : proj, id);
	else
		snprintf(label, sizeof label, "%s/line-%lld", s->o->label ? s->o->label : proj, (long long)first->line);
	if (!(config = make_config(s, last, nrows)))
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	rc = ctk_imp_run(s->db, "codecarbon", s->path, NULL, label, s->tz, s->tz_assumed, config, &run_id, err);
	free(config);
	if (rc)
		return rc;
	t0 = first->t_ns - ctk_imp_s_to_ns(first->v[N_DURATION]);
	if ((rc = ctk_run_set_span(s->db, run_id, t0, last->t_ns, err)))
		return rc;

	int any_comp = 0;
	for (size_t k = 0; k < sizeof comps / sizeof comps[0]; k++)
		any_comp |= s->c_num[comps[k].e] >= 0;
	for (size_t k = 0; k < sizeof comps / sizeof comps[0] + 1; k++) {
		const struct comp total = {"other", NULL, "total", N_TOTAL_E, -1};
		const struct comp *c = k < sizeof comps / sizeof comps[0] ? &comps[k] : &total;
		int nc = c->name_col ? col(s, c->name_col) : -1;
		int present = 0, positive = 0;
		int64_t dev;
		if (c == &total ? any_comp : s->c_num[c->e] < 0)
			continue;
		for (int i = 0; i < s->nrows; i++) {
			const struct cc_row *r = &s->rows[i];
			if (r->group != g)
				continue;
			present |= r->has[c->e] || (c->p >= 0 && r->has[c->p]);
			positive |= (r->has[c->e] && r->v[c->e] > 0) || (c->p >= 0 && r->has[c->p] && r->v[c->p] > 0);
		}
		/* CodeCarbon writes 0 for a GPU it did not find */
		if (!present || (!strcmp(c->kind, "gpu") && !positive && (nc < 0 || !*last->f[nc])))
			continue;
		struct ctk_device d = {.run_id = run_id, .kind = c->kind,
				       .name = nc >= 0 && *last->f[nc] ? last->f[nc] : c->label};
		if ((rc = ctk_device_insert(s->db, &d, &dev, err)))
			return rc;
		s->res->devices++;
		struct ctk_reading r0 = {.t_ns = t0, .energy_uj = 0, .has_energy = 1};
		if ((rc = ctk_sample_append(w, dev, "imported", &r0, err)))
			return ctk_error_prefix(err, "'%s' line %lld: field 'duration': ", s->path, (long long)first->line);
		s->res->samples++;
		double prev_e = 0;
		for (int i = 0; i < s->nrows; i++) {
			const struct cc_row *row = &s->rows[i];
			struct ctk_reading rd = {.t_ns = row->t_ns};
			if (row->group != g)
				continue;
			if (row->has[c->e]) {
				if (row->v[c->e] < prev_e)
					return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': cumulative energy decreases (%g kWh after %g)",
							 s->path, (long long)row->line, num_names[c->e], row->v[c->e], prev_e);
				prev_e = row->v[c->e];
				/* kWh x 3.6e12 uJ/kWh; beyond the store's counter range (samples.h) is no run */
				if (row->v[c->e] * 3.6e12 > (double)CTK_READING_MAX_UJ)
					return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': %g kWh is more than the store "
							 "holds (%.3g kWh)", s->path, (long long)row->line, num_names[c->e],
							 row->v[c->e], (double)CTK_READING_MAX_UJ / 3.6e12);
				rd.energy_uj = (int64_t)llround(row->v[c->e] * 3.6e12);
				rd.has_energy = 1;
			}
			if (c->p >= 0 && row->has[c->p]) {
				rd.power_mw = ctk_w_to_mw(row->v[c->p]);
				rd.has_power = 1;
			}
			if ((rc = ctk_sample_append(w, dev, "imported", &rd, err)))
				return ctk_error_prefix(err, "'%s' line %lld: field 'timestamp': ", s->path, (long long)row->line);
			s->res->samples++;
		}
	}
	char note[256];
	size_t used = (size_t)snprintf(note, sizeof note, "%s", nrows > 1 ? "last of the run's cumulative rows" : "single row");
	for (size_t k = 0; k < sizeof comps / sizeof comps[0]; k++)
		if (last->has[comps[k].e] && used < sizeof note)
			used += (size_t)snprintf(note + used, sizeof note - used, "; %s_energy %s kWh", comps[k].label,
						 last->f[s->c_num[comps[k].e]]);
	struct ctk_reported rep = {
		.run_id = run_id, .tool = "codecarbon", .what = "actual",
		.duration_s = last->v[N_DURATION], .has_duration = 1,
		.energy_kwh = last->v[N_TOTAL_E], .has_energy = last->has[N_TOTAL_E],
		.co2_g = last->v[N_EMISSIONS] * 1000.0, .has_co2 = last->has[N_EMISSIONS],
		.pue = last->v[N_PUE], .has_pue = last->has[N_PUE],
		.note = note,
	};
	if ((rc = ctk_reported_insert(s->db, &rep, err)))
		return rc;
	s->res->reported++;
	s->res->runs++;
	s->res->run_id = run_id;
	return 0;
}

static int cc_import(sqlite3 *db, const char *path, const struct ctk_import_opts *o,
		     struct ctk_import_result *res, struct ctk_error *err)
{
	struct ctk_tz utc;
	struct cc s = {.db = db, .path = path, .o = o, .res = res, .last_empty_group = -1};
	struct ctk_sample_writer *w = NULL;
	int rc;

	s.tz_assumed = !(o->tz && o->tz->kind != CTK_TZ_NONE);
	s.tz = ctk_imp_tz(o, &utc, path, "CodeCarbon timestamps");
	if ((rc = ctk_imp_check_complete(path, err)) || (rc = ctk_csv_read_file(path, ',', on_row, &s, err)) ||
	    (rc = ctk_sha256_file(path, s.sha, err)))
		goto out;
	if (!s.header) {
		rc = ctk_failf(err, CTK_EINPUT, "'%s': empty file", path);
		goto out;
	}
	if (s.nrows == 0) {
		rc = ctk_failf(err, CTK_EINPUT, "'%s': header only, no rows", path);
		goto out;
	}
	if (s.by_start && s.ngroups > 1)
		ctk_import_warn(o, "'%s': %s; rows grouped into runs by their start time", path,
				s.c_run < 0 ? "no run_id column" : "rows without a run_id (or 'None')");
	if ((rc = ctk_sample_writer_new(db, 0, &w, err)))
		goto out;
	for (int g = 0; g < s.ngroups && !rc; g++)
		rc = import_group(&s, g, w, err);
	if (!rc)
		rc = ctk_sample_writer_flush(w, err);
	if (!rc)
		ctk_imp_earlier_warn(o, path, &s.earlier);
out:
	ctk_sample_writer_free(w);
	for (int i = 0; i < s.nrows; i++) {
		for (int k = 0; k < s.nfields; k++)
			free(s.rows[i].f[k]);
		free(s.rows[i].f);
	}
	free(s.rows);
	if (s.header)
		for (int i = 0; i < s.nfields; i++)
			free(s.header[i]);
	free(s.header);
	return rc;
}

static int cc_sniff(const char *path)
{
	char line[4096];

	return ctk_imp_first_line(path, line, sizeof line) == 0 && strstr(line, "timestamp") && strstr(line, "duration") &&
	    strstr(line, "emissions") && strstr(line, "energy_consumed") ? 90 : 0;
}

const struct ctk_importer ctk_importer_codecarbon = {
	.name = "codecarbon",
	.summary = "CodeCarbon emissions.csv (v1.x, v2.4, v3.x headers; cumulative rows per run_id)",
	.sniff = cc_sniff,
	.import = cc_import,
};
