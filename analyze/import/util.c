/* Helpers shared by the tracker-log importers (see import_util.h). */
#include "analyze/import/util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/input.h"
#include "common/store.h"
#include "common/util.h"

struct ctk_tz *ctk_imp_tz(const struct ctk_import_opts *o, struct ctk_tz *utc, const char *path,
			  const char *what)
{
	if (o->tz && o->tz->kind != CTK_TZ_NONE)
		return o->tz;
	memset(utc, 0, sizeof(*utc));
	utc->kind = CTK_TZ_FIXED;
	snprintf(utc->name, sizeof utc->name, "UTC");
	ctk_import_warn(o, "'%s': %s carry no zone; assumed UTC (pass --tz)", path, what);
	return utc;
}

int ctk_imp_run(sqlite3 *db, const char *format, const char *path, const char *sha_path,
		const char *label, const struct ctk_tz *tz, int tz_assumed, const char *config_json,
		int64_t *run_id, struct ctk_error *err)
{
	char sha[65], source[64], tzbuf[160];
	struct ctk_run run = {.source = source, .source_path = path, .label = label,
			      .config_json = config_json};
	int rc;

	if ((rc = ctk_sha256_file(sha_path ? sha_path : path, sha, err)))
		return rc;
	snprintf(source, sizeof source, "import:%s", format);
	run.source_sha256 = sha;
	if (tz && !tz_assumed)
		snprintf(tzbuf, sizeof tzbuf, "%s", tz->name);
	else if (tz)
		snprintf(tzbuf, sizeof tzbuf, "UTC (assumed)");
	run.tz = tz ? tzbuf : NULL;
	return ctk_run_insert(db, &run, run_id, err);
}

int ctk_imp_mean_power(struct ctk_sample_writer *w, int64_t device_id, int64_t start_ns,
		       int64_t end_ns, double power_w, struct ctk_error *err)
{
	struct ctk_reading r = {.t_ns = start_ns, .power_mw = ctk_w_to_mw(power_w), .has_power = 1};
	int rc;

	if ((rc = ctk_sample_append(w, device_id, "imported", &r, err)))
		return rc;
	r.t_ns = end_ns;
	return ctk_sample_append(w, device_id, "imported", &r, err);
}

int ctk_imp_gap(struct ctk_sample_writer *w, int64_t device_id, int64_t end_ns, int64_t next_start_ns,
		struct ctk_error *err)
{
	struct ctk_reading r = {.t_ns = end_ns + (next_start_ns - end_ns) / 2};

	return ctk_sample_append(w, device_id, "imported", &r, err);
}

int ctk_imp_check_power(const char *path, int64_t line, const char *field, double w, double max_w,
			struct ctk_error *err)
{
	if (!isfinite(w))
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': not a number", path, (long long)line, field);
	if (w < 0)
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': negative power (%g W)", path,
				 (long long)line, field, w);
	if (w > max_w)
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': %g W is more than %g W per device: not a "
				 "plausible reading", path, (long long)line, field, w, max_w);
	return 0;
}

int64_t ctk_imp_s_to_ns(double s)
{
	return (int64_t)llround(s * 1e9);
}

int ctk_imp_slurp(const char *path, char **buf, size_t *len, struct ctk_error *err)
{
	char *b;
	size_t n;
	int rc = ctk_read_file(path, &b, &n, err);

	if (rc)
		return rc;
	const char *nul = memchr(b, '\0', n);
	if (nul) {
		int64_t line = 1;
		for (const char *c = b; c < nul; c++)
			line += *c == '\n';
		free(b);
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: NUL byte (binary data), not a text log", path,
				 (long long)line);
	}
	*buf = b;
	*len = n;
	return 0;
}

int ctk_imp_check_complete(const char *path, struct ctk_error *err)
{
	FILE *f = fopen(ctk_input_path(path), "rb");
	int64_t lines = 1;
	int c;

	if (!f)
		return ctk_failf(err, CTK_EINPUT, "'%s': %s", path, strerror(errno));
	if (fseek(f, -1, SEEK_END) != 0 || getc(f) == '\n') {
		fclose(f); /* empty (the importer says so) or complete */
		return 0;
	}
	rewind(f);
	while ((c = getc(f)) != EOF)
		lines += c == '\n';
	fclose(f);
	return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: no line end: the file was cut short (truncated)",
			 path, (long long)lines);
}

int ctk_imp_first_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(ctk_input_path(path), "r");
	int rc = -1;

	if (!f)
		return -1;
	if (fgets(buf, (int)size, f))
		rc = 0;
	fclose(f);
	return rc;
}

int ctk_imp_earlier_run(sqlite3 *db, int64_t old_run_id, int same, int replace, struct ctk_imp_earlier *e,
			struct ctk_error *err)
{
	int rc;

	if (!old_run_id)
		return 0;
	if (same && !replace) {
		e->unchanged++;
		return 1;
	}
	if ((rc = ctk_db_exec_id(db, "DELETE FROM runs WHERE run_id = ?", old_run_id, err)))
		return rc;
	e->grown++;
	return 0;
}

void ctk_imp_earlier_warn(const struct ctk_import_opts *o, const char *path, const struct ctk_imp_earlier *e)
{
	if (e->unchanged || e->grown)
		ctk_import_warn(o, "'%s': %d run(s) already imported from an earlier version of this log: %d unchanged "
				"(skipped), %d grown or --replace (replaced)", path, e->unchanged + e->grown, e->unchanged,
				e->grown);
}
