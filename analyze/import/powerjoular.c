/* Importer for PowerJoular CSV, both layouts PowerJoular has written:
 * - up to 1.x (src/csv_power.adb): `Date,CPU Utilization,Total Power,CPU
 *   Power,GPU Power`, local time built from Ada 'Image pieces, each with a
 *   leading space and no padding: ` 2024- 12- 3  12: 8: 3. 126`, where the
 *   part after the dot is a count of milliseconds (`3. 126` is 3.126 s, `7. 99`
 *   7.099 s); later 1.x trims the pieces (`2024-12-3 12:8:3.126`) or writes
 *   Ada.Calendar.Formatting's padded `2024-12-03 12:08:03`: all read;
 * - current (src/powerjoular-csv.adb, powerjoular-formatting.adb):
 *   `Timestamp,CPU Usage,Total Power,CPU Power,GPU Power` with whole Unix
 *   seconds (UTC, floored) and 4 decimals.
 * The per-process files (`…,CPU Power` only) are read the same way. One run
 * per file, a CPU device and a GPU device (left out when every GPU Power is 0:
 * PowerJoular writes 0 without a supported GPU); Total Power is their sum and
 * is checked, not stored twice. */
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

/* Largest power one device may draw: issue 14's plausibility bound (10 kW);
 * a larger reading is a broken log, not a measurement. */
#define PJ_MAX_W 10000.0

struct pj {
	const char *path;
	struct ctk_tz *tz;
	int nfields, header_done, c_date, c_cpu, c_gpu, c_total;
	int unix_time;           /* current layout: 'Timestamp' in Unix seconds */
	struct pj_row *rows;
	int n, cap;
	int any_gpu;
	int64_t equal_times;     /* rows in the same second as the one before (current layout) */
};

/* One unsigned decimal field of an Ada 'Image date: spaces, then 1..max
 * digits; *p moves past them. -1 when there are no digits or too many. */
static int date_field(const char **p, int max_digits, long *v)
{
	const char *q = *p;
	int nd = 0;

	while (*q == ' ')
		q++;
	*v = 0;
	for (; *q >= '0' && *q <= '9'; q++) {
		if (++nd > max_digits)
			return -1;
		*v = *v * 10 + (*q - '0');
	}
	if (!nd)
		return -1;
	*p = q;
	return 0;
}

/* PowerJoular's local date "Y-M-D H:M:S[.ms]" with any spaces before each
 * field (Ada 'Image) or zero padding (Ada.Calendar.Formatting) → t_ns in tz.
 * -1 if malformed (the caller names the field), -2 with err filled. */
static int pj_date(struct pj *s, const char *v, int64_t *t, struct ctk_error *err)
{
	static const char sep[] = "-- ::"; /* after year, month, day, hour, minute */
	static const int digits[] = {4, 2, 2, 2, 2, 2};
	long f[6], ms = 0;
	char buf[64];
	const char *p = v;

	for (int i = 0; i < 6; i++) {
		if (date_field(&p, digits[i], &f[i]))
			return -1;
		if (i < 5 && *p++ != sep[i])
			return -1;
	}
	if (*p == '.') {
		p++;
		/* a count of milliseconds, not a decimal fraction: ". 99" is 99 ms */
		if (date_field(&p, 3, &ms))
			return -1;
	}
	while (*p == ' ')
		p++;
	if (*p)
		return -1;
	snprintf(buf, sizeof buf, "%04ld-%02ld-%02ld %02ld:%02ld:%02ld.%03ld", f[0], f[1], f[2], f[3], f[4], f[5], ms);
	return ctk_time_parse(buf, s->tz, t, err) ? -2 : 0;
}

/* Current layout: whole Unix seconds (PowerJoular writes "" or 0 when its
 * clock failed: not a time). */
static int pj_unix(const char *v, int64_t *t)
{
	int64_t sec;

	if (ctk_parse_int64(v, &sec) || sec <= 0 || sec > INT64_MAX / CTK_NS_PER_S)
		return -1;
	*t = sec * CTK_NS_PER_S;
	return 0;
}

static int num(struct pj *s, char **f, int c, int64_t line, const char *name, double *v, struct ctk_error *err)
{
	if (ctk_parse_double(f[c], v))
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': not a number ('%s')", s->path,
				 (long long)line, name, f[c]);
	if (*v < 0)
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': negative power ('%s')", s->path,
				 (long long)line, name, f[c]);
	if (*v > PJ_MAX_W * (c == s->c_total ? 2 : 1))
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': %s W is more than a device can draw (10 kW)",
				 s->path, (long long)line, name, f[c]);
	return 0;
}

static int on_row(void *ctx, char **f, int n, int64_t line, struct ctk_error *err)
{
	struct pj *s = ctx;
	struct pj_row r = {.line = line};
	int rc;

	if (!s->header_done) {
		s->c_date = ctk_csv_find(f, n, "Date");
		if (s->c_date < 0 && (s->c_date = ctk_csv_find(f, n, "Timestamp")) >= 0)
			s->unix_time = 1;
		s->c_cpu = ctk_csv_find(f, n, "CPU Power");
		s->c_gpu = ctk_csv_find(f, n, "GPU Power");
		s->c_total = ctk_csv_find(f, n, "Total Power");
		if ((s->c_date < 0 || s->c_cpu < 0) && n >= 3 && isdigit((unsigned char)f[0][0]))
			return ctk_failf(err, CTK_EINPUT, "'%s' line 1: a PowerJoular row without a header (a file written "
					 "in overwrite mode holds only the latest row: nothing to integrate)", s->path);
		if (s->c_date < 0 || s->c_cpu < 0)
			return ctk_failf(err, CTK_EINPUT, "'%s' line 1: not a PowerJoular CSV (the header needs 'Date' or "
					 "'Timestamp', and 'CPU Power')", s->path);
		s->nfields = n;
		s->header_done = 1;
		return 0;
	}
	if (n != s->nfields)
		return ctk_csv_width_error(s->path, line, n, s->nfields, err);
	const char *tname = s->unix_time ? "Timestamp" : "Date";
	rc = s->unix_time ? pj_unix(f[s->c_date], &r.t_ns) : pj_date(s, f[s->c_date], &r.t_ns, err);
	if (rc == -1)
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': not a %s ('%s')", s->path,
				 (long long)line, tname, s->unix_time ? "Unix time in seconds" : "date", f[s->c_date]);
	if (rc)
		return ctk_error_prefix(err, "'%s' line %lld: field '%s': ", s->path, (long long)line, tname);
	if (s->n && r.t_ns < s->rows[s->n - 1].t_ns)
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': time goes backwards", s->path,
				 (long long)line, tname);
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
	s->equal_times += s->n && r.t_ns == s->rows[s->n - 1].t_ns;
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

	/* the zone matters only for the old layout's local dates: decided after
	 * the header, so the warning is not given for Unix times */
	memset(&utc, 0, sizeof utc);
	utc.kind = CTK_TZ_FIXED;
	snprintf(utc.name, sizeof utc.name, "UTC");
	s.tz = assumed ? &utc : o->tz;
	if ((rc = ctk_imp_check_complete(path, err)) || (rc = ctk_csv_read_file(path, ',', on_row, &s, err)))
		goto out;
	if (!s.header_done || !s.n) {
		rc = ctk_failf(err, CTK_EINPUT, "'%s': %s", path, s.header_done ? "header only, no rows" : "empty file");
		goto out;
	}
	if (!s.unix_time && assumed)
		s.tz = ctk_imp_tz(o, &utc, path, "PowerJoular dates");
	if (s.equal_times)
		ctk_import_warn(o, "'%s': %lld row(s) in the same whole second as the row before (PowerJoular writes "
				"whole Unix seconds): their time step counts 0", path, (long long)s.equal_times);
	if ((rc = ctk_imp_run(db, "powerjoular", path, NULL, o->label ? o->label : ctk_basename(path),
			      s.unix_time ? NULL : s.tz, s.unix_time ? 0 : assumed,
			      s.unix_time ? "{\"tool\":\"powerjoular\",\"layout\":\"Timestamp (Unix s)\"}"
					  : "{\"tool\":\"powerjoular\",\"layout\":\"Date (local)\"}",
			      &run_id, err)))
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

	return ctk_imp_first_line(path, line, sizeof line) == 0 && (!strncmp(line, "Date,", 5) || !strncmp(line, "Timestamp,", 10)) &&
	    strstr(line, "CPU Power") ? 90 : 0;
}

const struct ctk_importer ctk_importer_powerjoular = {
	.name = "powerjoular",
	.summary = "PowerJoular CSV (Timestamp|Date,CPU Usage|Utilization,Total Power,CPU Power,GPU Power)",
	.sniff = pj_sniff,
	.import = pj_import,
};
