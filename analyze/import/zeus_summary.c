/* Importer for the Zeus NSDI '23 trace summaries (`summary_power_<gpu>.csv`:
 * dataset,network,batch_size,optimizer,power_limit,time_per_epoch,
 * average_power; W and s). Not a log of one run but a table of measured
 * configurations: each row becomes one run (config_json holds the
 * configuration, the GPU taken from the file name) with one GPU device at its
 * power limit and one epoch window of time_per_epoch seconds whose mean power
 * is average_power. The trace has no calendar times: every window starts at
 * 0 (1970-01-01) and the run says so (config_json.synthetic_times). */
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

enum { C_DATASET, C_NETWORK, C_BATCH, C_OPT, C_LIMIT, C_TIME, C_POWER, C_N };
static const char *const col_names[C_N] = {
	"dataset", "network", "batch_size", "optimizer", "power_limit", "time_per_epoch", "average_power",
};

struct zs {
	sqlite3 *db;
	const char *path;
	const struct ctk_import_opts *o;
	struct ctk_import_result *res;
	struct ctk_sample_writer *w;
	int c[C_N], nfields, header_done, rows;
	char gpu[64], sha[65];
};

static int on_row(void *ctx, char **f, int n, int64_t line, struct ctk_error *err)
{
	struct zs *s = ctx;
	double v[C_N] = {0};
	int64_t run_id, dev, batch;
	char label[512], *config;
	int rc;

	if (!s->header_done) {
		for (int k = 0; k < C_N; k++)
			if ((s->c[k] = ctk_csv_find(f, n, col_names[k])) < 0)
				return ctk_failf(err, CTK_EINPUT, "'%s' line 1: not a Zeus summary CSV (no '%s' column)",
						 s->path, col_names[k]);
		s->nfields = n;
		s->header_done = 1;
		return 0;
	}
	if (n != s->nfields)
		return ctk_csv_width_error(s->path, line, n, s->nfields, err);
	for (int k = C_LIMIT; k <= C_POWER; k++) {
		if (ctk_parse_double(f[s->c[k]], &v[k]))
			return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': not a number ('%s')", s->path,
					 (long long)line, col_names[k], f[s->c[k]]);
		if (v[k] < 0)
			return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': negative value ('%s')", s->path,
					 (long long)line, col_names[k], f[s->c[k]]);
	}
	if (ctk_parse_int64(f[s->c[C_BATCH]], &batch) || batch <= 0)
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field 'batch_size': not a batch size ('%s')", s->path,
				 (long long)line, f[s->c[C_BATCH]]);
	cJSON *j = cJSON_CreateObject();
	if (!j)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	cJSON_AddStringToObject(j, "tool", "zeus");
	cJSON_AddStringToObject(j, "trace", "nsdi23 summary");
	if (s->gpu[0])
		cJSON_AddStringToObject(j, "gpu", s->gpu);
	cJSON_AddStringToObject(j, "dataset", f[s->c[C_DATASET]]);
	cJSON_AddStringToObject(j, "network", f[s->c[C_NETWORK]]);
	cJSON_AddNumberToObject(j, "batch_size", (double)batch);
	cJSON_AddStringToObject(j, "optimizer", f[s->c[C_OPT]]);
	cJSON_AddNumberToObject(j, "power_limit_w", v[C_LIMIT]);
	cJSON_AddNumberToObject(j, "time_per_epoch_s", v[C_TIME]);
	cJSON_AddNumberToObject(j, "average_power_w", v[C_POWER]);
	cJSON_AddBoolToObject(j, "synthetic_times", 1);
	cJSON_AddNumberToObject(j, "line", (double)line);
	config = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (!config)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	snprintf(label, sizeof label, "%s%s%s/%s/bs%lld/%s/%gW", s->o->label ? s->o->label : "", s->o->label ? "/" : "",
		 s->gpu[0] ? s->gpu : "zeus", f[s->c[C_NETWORK]], (long long)batch, f[s->c[C_OPT]], v[C_LIMIT]);
	struct ctk_run run = {.source = "import:zeus-summary", .source_path = s->path, .source_sha256 = s->sha,
			      .label = label, .config_json = config, .planned_epochs = 1};
	rc = ctk_run_insert(s->db, &run, &run_id, err);
	free(config);
	if (rc)
		return rc;
	struct ctk_device d = {.run_id = run_id, .kind = "gpu", .vendor = "nvidia", .name = s->gpu[0] ? s->gpu : NULL,
			       .power_limit_w = v[C_LIMIT], .has_power_limit = 1, .idx = 0, .has_idx = 1};
	if ((rc = ctk_device_insert(s->db, &d, &dev, err)))
		return rc;
	int64_t end = ctk_imp_s_to_ns(v[C_TIME]);
	struct ctk_window w = {.run_id = run_id, .kind = "epoch", .idx = 1, .has_idx = 1, .start_ns = 0, .end_ns = end};
	if ((rc = ctk_window_insert(s->db, &w, err)) ||
	    (rc = ctk_imp_mean_power(s->w, dev, 0, end, v[C_POWER], err)) ||
	    (rc = ctk_run_set_span(s->db, run_id, 0, end, err)))
		return rc;
	struct ctk_reported rep = {.run_id = run_id, .tool = "zeus", .what = "epoch", .epochs = 1, .has_epochs = 1,
				   .duration_s = v[C_TIME], .has_duration = 1,
				   .energy_kwh = v[C_POWER] * v[C_TIME] / 3.6e6, .has_energy = 1,
				   .note = "energy = average_power x time_per_epoch (the trace gives power and time)"};
	if ((rc = ctk_reported_insert(s->db, &rep, err)))
		return rc;
	s->res->runs++;
	s->res->devices++;
	s->res->windows++;
	s->res->samples += 2;
	s->res->reported++;
	s->res->run_id = run_id;
	s->rows++;
	return 0;
}

static int zs_import(sqlite3 *db, const char *path, const struct ctk_import_opts *o,
		     struct ctk_import_result *res, struct ctk_error *err)
{
	struct zs s = {.db = db, .path = path, .o = o, .res = res};
	const char *base = ctk_basename(path), *p = strstr(base, "summary_power_");
	int rc;

	if (p) {
		p += strlen("summary_power_");
		size_t n = strcspn(p, ".");
		snprintf(s.gpu, sizeof s.gpu, "%.*s", (int)n, p);
		for (char *q = s.gpu; *q; q++)
			*q = (char)toupper((unsigned char)*q);
	}
	if ((rc = ctk_imp_check_complete(path, err)) || (rc = ctk_sha256_file(path, s.sha, err)) || (rc = ctk_sample_writer_new(db, 0, &s.w, err)) ||
	    (rc = ctk_csv_read_file(path, ',', on_row, &s, err)))
		goto out;
	if (!s.header_done)
		rc = ctk_failf(err, CTK_EINPUT, "'%s': empty file", path);
	else if (!s.rows)
		rc = ctk_failf(err, CTK_EINPUT, "'%s': header only, no rows", path);
	else
		rc = ctk_sample_writer_flush(s.w, err);
	if (!rc)
		ctk_import_warn(o, "'%s': %d configuration(s) imported as one run each; the trace has no calendar times, "
				"each epoch window starts at 0", path, s.rows);
out:
	ctk_sample_writer_free(s.w);
	return rc;
}

static int zs_sniff(const char *path)
{
	char line[1024];

	return ctk_imp_first_line(path, line, sizeof line) == 0 && strstr(line, "time_per_epoch") && strstr(line, "average_power") ? 90 : 0;
}

const struct ctk_importer ctk_importer_zeus_summary = {
	.name = "zeus-summary",
	.summary = "Zeus NSDI'23 summary_power_<gpu>.csv: one run per configuration",
	.sniff = zs_sniff,
	.import = zs_import,
};
