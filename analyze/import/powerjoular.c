/* Importer for PowerJoular CSV (FORMATS.md §1): `Date,CPU Utilization,
 * Total Power,CPU Power,GPU Power`, one row per second, W, local time. Dates
 * are Ada's "YYYY-MM-DD HH:MM:SS" or, with milliseconds, PowerJoular's
 * unpadded "Y-M-D H:M:S.ms" where the part after the dot is an integer count
 * of milliseconds (".5" is 5 ms). One run per file, a CPU device and a GPU
 * device (left out when every GPU Power is 0: PowerJoular writes 0 without a
 * supported GPU); Total Power is their sum and is not stored twice. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/import/util.h"
#include "analyze/import/importers.h"
#include "common/csvread.h"
#include "common/db.h"
#include "common/samples.h"
#include "common/store.h"
#include "common/util.h"

struct pj_row {
	int64_t t_ns, line;
	double cpu, gpu;
	int has_gpu;
};

struct pj {
	const char *path;
	struct ctk_tz *tz;
	int nfields, header_done, c_date, c_cpu, c_gpu, c_total;
	struct pj_row *rows;
	int n, cap;
	int any_gpu;
};

/* "Y-M-D H:M:S[.ms]" with unpadded fields → t_ns in tz; -1 if malformed. */
static int pj_date(struct pj *s, const char *v, int64_t *t, struct ctk_error *err)
{
	int y, mo, d, h, mi, sec, used = 0;
	long ms = 0;
	char buf[64];

	if (sscanf(v, "%d-%d-%d %d:%d:%d%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6)
		return -1;
	v += used;
	if (*v == '.') {
		char *end;
		if (!isdigit((unsigned char)v[1]))
			return -1;
		ms = strtol(v + 1, &end, 10);
		if (*end || ms > 999)
			return -1;
	} else if (*v) {
		return -1;
	}
	snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%03ld", y, mo, d, h, mi, sec, ms);
	return ctk_time_parse(buf, s->tz, t, err) ? -2 : 0;
}

static int num(struct pj *s, char **f, int c, int64_t line, const char *name, double *v, struct ctk_error *err)
{
	if (ctk_parse_double(f[c], v))
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': not a number ('%s')", s->path,
				 (long long)line, name, f[c]);
	if (*v < 0)
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': negative power ('%s')", s->path,
				 (long long)line, name, f[c]);
	return 0;
}

static int on_row(void *ctx, char **f, int n, int64_t line, struct ctk_error *err)
{
	struct pj *s = ctx;
	struct pj_row r = {.line = line};
	int rc;

	if (!s->header_done) {
		s->c_date = ctk_csv_find(f, n, "Date");
		s->c_cpu = ctk_csv_find(f, n, "CPU Power");
		s->c_gpu = ctk_csv_find(f, n, "GPU Power");
		s->c_total = ctk_csv_find(f, n, "Total Power");
		if (s->c_date < 0 || s->c_cpu < 0)
			return ctk_failf(err, CTK_EINPUT, "'%s' line 1: not a PowerJoular CSV (the header needs 'Date' and "
					 "'CPU Power')", s->path);
		s->nfields = n;
		s->header_done = 1;
		return 0;
	}
	if (n != s->nfields)
		return ctk_csv_width_error(s->path, line, n, s->nfields, err);
	rc = pj_date(s, f[s->c_date], &r.t_ns, err);
	if (rc == -1)
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field 'Date': not a date ('%s')", s->path,
				 (long long)line, f[s->c_date]);
	if (rc)
		return ctk_error_prefix(err, "'%s' line %lld: field 'Date': ", s->path, (long long)line);
	if (s->n && r.t_ns < s->rows[s->n - 1].t_ns)
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field 'Date': time goes backwards", s->path, (long long)line);
	if ((rc = num(s, f, s->c_cpu, line, "CPU Power", &r.cpu, err)))
		return rc;
	if (s->c_gpu >= 0) {
		if ((rc = num(s, f, s->c_gpu, line, "GPU Power", &r.gpu, err)))
			return rc;
		r.has_gpu = 1;
		s->any_gpu |= r.gpu > 0;
	}
	if (s->c_total >= 0) {
		double tot;
		if ((rc = num(s, f, s->c_total, line, "Total Power", &tot, err)))
			return rc;
	}
	if (s->n == s->cap) {
		int cap = s->cap ? s->cap * 2 : 1024;
		struct pj_row *nr = realloc(s->rows, (size_t)cap * sizeof(*nr));
		if (!nr)
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		s->rows = nr;
		s->cap = cap;
	}
	s->rows[s->n++] = r;
	return 0;
}

static int pj_import(sqlite3 *db, const char *path, const struct ctk_import_opts *o,
		     struct ctk_import_result *res, struct ctk_error *err)
{
	struct ctk_tz utc;
	struct pj s = {.path = path};
	struct ctk_sample_writer *w = NULL;
	int64_t run_id, cpu_dev, gpu_dev = 0;
	int rc, assumed = !(o->tz && o->tz->kind != CTK_TZ_NONE);

	s.tz = ctk_imp_tz(o, &utc, path, "PowerJoular dates");
	if ((rc = ctk_imp_check_complete(path, err)) || (rc = ctk_csv_read_file(path, ',', on_row, &s, err)))
		goto out;
	if (!s.header_done || !s.n) {
		rc = ctk_failf(err, CTK_EINPUT, "'%s': %s", path, s.header_done ? "header only, no rows" : "empty file");
		goto out;
	}
	if ((rc = ctk_imp_run(db, "powerjoular", path, NULL, o->label ? o->label : ctk_basename(path), s.tz, assumed,
			      "{\"tool\":\"powerjoular\"}", &run_id, err)))
		goto out;
	struct ctk_device d = {.run_id = run_id, .kind = "cpu", .name = "CPU Power"};
	if ((rc = ctk_device_insert(db, &d, &cpu_dev, err)))
		goto out;
	res->devices++;
	if (s.any_gpu) {
		struct ctk_device g = {.run_id = run_id, .kind = "gpu", .name = "GPU Power"};
		if ((rc = ctk_device_insert(db, &g, &gpu_dev, err)))
			goto out;
		res->devices++;
	}
	if ((rc = ctk_sample_writer_new(db, 0, &w, err)))
		goto out;
	for (int i = 0; i < s.n; i++) {
		struct ctk_reading r = {.t_ns = s.rows[i].t_ns, .power_mw = ctk_w_to_mw(s.rows[i].cpu), .has_power = 1};
		if ((rc = ctk_sample_append(w, cpu_dev, "imported", &r, err)))
			goto out;
		res->samples++;
		if (s.any_gpu && s.rows[i].has_gpu) {
			r.power_mw = ctk_w_to_mw(s.rows[i].gpu);
			if ((rc = ctk_sample_append(w, gpu_dev, "imported", &r, err)))
				goto out;
			res->samples++;
		}
	}
	if ((rc = ctk_sample_writer_flush(w, err)) ||
	    (rc = ctk_run_set_span(db, run_id, s.rows[0].t_ns, s.rows[s.n - 1].t_ns, err)))
		goto out;
	res->run_id = run_id;
	res->runs++;
out:
	ctk_sample_writer_free(w);
	free(s.rows);
	return rc;
}

static int pj_sniff(const char *path)
{
	char line[1024];

	return ctk_imp_first_line(path, line, sizeof line) == 0 && !strncmp(line, "Date,", 5) && strstr(line, "CPU Power") ? 90 : 0;
}

const struct ctk_importer ctk_importer_powerjoular = {
	.name = "powerjoular",
	.summary = "PowerJoular CSV (Date,CPU Utilization,Total Power,CPU Power,GPU Power)",
	.sniff = pj_sniff,
	.import = pj_import,
};
