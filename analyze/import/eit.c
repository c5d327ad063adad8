/* Importer for experiment-impact-tracker's impacttracker/data.json
 * (FORMATS.md §1): JSON lines, one object per sample with `timestamp` (Unix
 * s), `per_gpu_power_draw` {gpu: W}, `nvidia_draw_absolute` (W, all GPUs),
 * `rapl_power_draw_absolute` (W, all RAPL packages), `realtime_carbon_intensity`.
 * One run per file; one GPU device per key of per_gpu_power_draw (or one
 * device for the GPU total when no line has per-GPU values) and one CPU
 * device for RAPL; each sample is an 'imported' reading. The mean of the
 * numeric carbon intensities goes to config_json. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "analyze/import/util.h"
#include "analyze/import/importers.h"
#include "common/db.h"
#include "common/samples.h"
#include "common/store.h"
#include "common/util.h"

#define EIT_MAX_GPU 256

struct eit {
	sqlite3 *db;
	const char *path;
	char dir_data[4096];   /* LOGDIR[/impacttracker]/data.json when a folder was named */
	const struct ctk_import_opts *o;
	struct ctk_import_result *res;
	struct ctk_sample_writer *w;
	char *gpu_key[EIT_MAX_GPU];
	int64_t gpu_dev[EIT_MAX_GPU];
	int ngpu, per_gpu, has_total, has_rapl;
	int64_t total_dev, rapl_dev, run_id;
	double ci_sum;
	int ci_n;
};

/* A power value: 1 present, 0 absent/null, negative code on bad input. */
static int power_of(struct eit *s, const cJSON *v, int64_t line, const char *name, double *w,
		    struct ctk_error *err)
{
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': not a number", s->path, (long long)line, name);
	if (v->valuedouble < 0)
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': negative power (%g)", s->path,
				 (long long)line, name, v->valuedouble);
	int rc = ctk_imp_check_power(s->path, line, name, v->valuedouble, CTK_IMP_MAX_W, err);
	if (rc)
		return rc;
	*w = v->valuedouble;
	return 1;
}

static int reading(struct eit *s, int64_t dev, int64_t t, double w, int64_t line, struct ctk_error *err)
{
	struct ctk_reading r = {.t_ns = t, .power_mw = ctk_w_to_mw(w), .has_power = 1};
	int rc = ctk_sample_append(s->w, dev, "imported", &r, err);
	if (rc)
		return ctk_error_prefix(err, "'%s' line %lld: field 'timestamp': ", s->path, (long long)line);
	s->res->samples++;
	return 0;
}

/* pass 0: validate and collect device keys; pass 1: write readings. */
static int one_line(struct eit *s, int pass, const char *text, int64_t line, int64_t *prev_t, int64_t *t_out,
		    struct ctk_error *err)
{
	cJSON *j = cJSON_ParseWithOpts(text, NULL, 1); /* 1: nothing may follow the object */
	const cJSON *ts, *per, *g;
	double w;
	int64_t t;
	int rc = 0;

	if (!j || !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: not a JSON object (truncated line?)", s->path, (long long)line);
	}
	ts = cJSON_GetObjectItemCaseSensitive(j, "timestamp");
	if (!cJSON_IsNumber(ts) || !isfinite(ts->valuedouble) || ts->valuedouble < 0) {
		rc = ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field 'timestamp': missing or not a Unix time", s->path,
			       (long long)line);
		goto out;
	}
	t = ctk_imp_s_to_ns(ts->valuedouble);
	if (*prev_t >= 0 && t < *prev_t) {
		rc = ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field 'timestamp': time goes backwards", s->path, (long long)line);
		goto out;
	}
	*prev_t = t;
	*t_out = t;
	per = cJSON_GetObjectItemCaseSensitive(j, "per_gpu_power_draw");
	if (per && !cJSON_IsObject(per) && !cJSON_IsNull(per)) {
		rc = ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field 'per_gpu_power_draw': not an object", s->path, (long long)line);
		goto out;
	}
	cJSON_ArrayForEach(g, per) {
		int k;
		if ((rc = power_of(s, g, line, "per_gpu_power_draw", &w, err)) < 0)
			goto out;
		for (k = 0; k < s->ngpu; k++)
			if (!strcmp(s->gpu_key[k], g->string))
				break;
		if (pass == 0 && k == s->ngpu) {
			if (s->ngpu == EIT_MAX_GPU) {
				rc = ctk_failf(err, CTK_EINPUT, "'%s' line %lld: more than %d GPUs", s->path, (long long)line, EIT_MAX_GPU);
				goto out;
			}
			if (!(s->gpu_key[s->ngpu++] = strdup(g->string))) {
				rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
				goto out;
			}
		}
		s->per_gpu = 1;
		if (pass == 1 && rc == 1 && (rc = reading(s, s->gpu_dev[k], t, w, line, err)))
			goto out;
	}
	rc = power_of(s, cJSON_GetObjectItemCaseSensitive(j, "nvidia_draw_absolute"), line, "nvidia_draw_absolute", &w, err);
	if (rc < 0)
		goto out;
	if (rc == 1) {
		s->has_total = 1;
		if (pass == 1 && !s->per_gpu && (rc = reading(s, s->total_dev, t, w, line, err)))
			goto out;
	}
	rc = power_of(s, cJSON_GetObjectItemCaseSensitive(j, "rapl_power_draw_absolute"), line, "rapl_power_draw_absolute", &w, err);
	if (rc < 0)
		goto out;
	if (rc == 1) {
		s->has_rapl = 1;
		if (pass == 1 && (rc = reading(s, s->rapl_dev, t, w, line, err)))
			goto out;
	}
	const cJSON *ci = cJSON_GetObjectItemCaseSensitive(j, "realtime_carbon_intensity");
	if (pass == 1 && cJSON_IsNumber(ci) && isfinite(ci->valuedouble) && ci->valuedouble >= 0) {
		s->ci_sum += ci->valuedouble;
		s->ci_n++;
	}
	rc = 0;
out:
	cJSON_Delete(j);
	return rc;
}

static int each_line(struct eit *s, char *buf, int pass, int64_t *first, int64_t *last, int64_t *n,
		     struct ctk_error *err)
{
	int64_t line = 0, prev = -1, t = 0;
	char *p = buf;
	int rc;

	*n = 0;
	while (*p) {
		char *e = strchr(p, '\n');
		if (e)
			*e = '\0';
		line++;
		char *q = p;
		while (*q == ' ' || *q == '\t' || *q == '\r')
			q++;
		if (*q) {
			rc = one_line(s, pass, q, line, &prev, &t, err);
			if (e)
				*e = '\n';
			if (rc)
				return rc;
			if (*n == 0)
				*first = t;
			*last = t;
			(*n)++;
		} else if (e) {
			*e = '\n';
		}
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

static int eit_import(sqlite3 *db, const char *path, const struct ctk_import_opts *o,
		      struct ctk_import_result *res, struct ctk_error *err)
{
	struct eit *s = calloc(1, sizeof(*s));
	char *buf = NULL, *config = NULL;
	size_t len;
	int64_t first = 0, last = 0, n = 0;
	int rc;

	if (!s)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	/* the log folder (LOGDIR or LOGDIR/impacttracker/): its data.json. The
	 * folder's other file, info.pkl, is a Python pickle: not read (docs/IMPORTERS.md) */
	struct stat sb;
	if (!stat(path, &sb) && S_ISDIR(sb.st_mode)) {
		snprintf(s->dir_data, sizeof s->dir_data, "%s/data.json", path);
		if (stat(s->dir_data, &sb))
			snprintf(s->dir_data, sizeof s->dir_data, "%s/impacttracker/data.json", path);
		if (stat(s->dir_data, &sb)) {
			free(s);
			return ctk_failf(err, CTK_EINPUT, "'%s': a folder without data.json or impacttracker/data.json", path);
		}
		path = s->dir_data;
	}
	s->db = db;
	s->path = path;
	s->o = o;
	s->res = res;
	if ((rc = ctk_imp_check_complete(path, err)) || (rc = ctk_imp_slurp(path, &buf, &len, err)) || (rc = each_line(s, buf, 0, &first, &last, &n, err)))
		goto out;
	if (n == 0) {
		rc = ctk_failf(err, CTK_EINPUT, "'%s': empty file", path);
		goto out;
	}
	if (!s->per_gpu && !s->has_total && !s->has_rapl) {
		rc = ctk_failf(err, CTK_EINPUT, "'%s': no power field (per_gpu_power_draw, nvidia_draw_absolute, "
			       "rapl_power_draw_absolute) in any line", path);
		goto out;
	}
	if ((rc = ctk_imp_run(db, "eit", path, NULL, o->label ? o->label : ctk_basename(path), NULL, 0,
			      "{\"tool\":\"experiment-impact-tracker\"}", &s->run_id, err)) ||
	    (rc = ctk_sample_writer_new(db, 0, &s->w, err)))
		goto out;
	for (int k = 0; k < s->ngpu; k++) {
		struct ctk_device d = {.run_id = s->run_id, .kind = "gpu", .vendor = "nvidia", .bus_id = s->gpu_key[k],
				       .idx = k, .has_idx = 1};
		if ((rc = ctk_device_insert(db, &d, &s->gpu_dev[k], err)))
			goto out;
		res->devices++;
	}
	if (!s->per_gpu && s->has_total) {
		struct ctk_device d = {.run_id = s->run_id, .kind = "gpu", .vendor = "nvidia",
				       .name = "all NVIDIA GPUs (nvidia_draw_absolute)"};
		if ((rc = ctk_device_insert(db, &d, &s->total_dev, err)))
			goto out;
		res->devices++;
	}
	if (s->has_rapl) {
		struct ctk_device d = {.run_id = s->run_id, .kind = "cpu", .name = "RAPL (rapl_power_draw_absolute)"};
		if ((rc = ctk_device_insert(db, &d, &s->rapl_dev, err)))
			goto out;
		res->devices++;
	}
	if ((rc = each_line(s, buf, 1, &first, &last, &n, err)) || (rc = ctk_sample_writer_flush(s->w, err)) ||
	    (rc = ctk_run_set_span(db, s->run_id, first, last, err)))
		goto out;
	if (s->ci_n) {
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "tool", "experiment-impact-tracker");
		cJSON_AddNumberToObject(j, "mean_realtime_carbon_intensity", s->ci_sum / s->ci_n);
		cJSON_AddNumberToObject(j, "carbon_intensity_samples", s->ci_n);
		config = cJSON_PrintUnformatted(j);
		cJSON_Delete(j);
		sqlite3_stmt *st = NULL;
		if (!config || ctk_db_prepare(db, "UPDATE runs SET config_json = ? WHERE run_id = ?", &st, err)) {
			rc = config ? CTK_EDB : ctk_failf(err, CTK_ENOMEM, "out of memory");
			goto out;
		}
		sqlite3_bind_text(st, 1, config, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, s->run_id);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ctk_db_fail(db, err, "update run");
		sqlite3_finalize(st);
		if (rc)
			goto out;
	}
	res->run_id = s->run_id;
	res->runs++;
out:
	ctk_sample_writer_free(s->w);
	for (int k = 0; k < s->ngpu; k++)
		free(s->gpu_key[k]);
	free(s);
	free(buf);
	free(config);
	return rc;
}

static int eit_sniff(const char *path)
{
	char line[8192];

	return ctk_imp_first_line(path, line, sizeof line) == 0 && line[0] == '{' && strstr(line, "\"timestamp\"") &&
	    (strstr(line, "_power_draw") || strstr(line, "nvidia_draw_absolute")) ? 90 : 0;
}

const struct ctk_importer ctk_importer_eit = {
	.name = "eit",
	.summary = "experiment-impact-tracker impacttracker/data.json (JSON lines)",
	.sniff = eit_sniff,
	.import = eit_import,
};
