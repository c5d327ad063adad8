/* Importer for Zeus window CSVs (FORMATS.md §1):
 * `start_time,window_name,elapsed_time,gpu0_energy[,gpu1_energy…]` (also
 * cpuN_energy, dramN_energy), start_time in seconds (Unix, or monotonic seconds since boot,
 * which cannot be placed in calendar time and is stored as is, with a
 * warning), elapsed in s, energies in J. One run per file, one device per
 * energy column; each row is a window (named epoch… → an epoch window, else a
 * phase), the window's mean power per device is stored as two 'imported'
 * readings at its ends, and Zeus's own energy per window goes to `reported`.
 * Zeus measures only inside its windows: between two windows a reading
 * without power marks the time "not measured", so the whole-run energy is
 * the measured sum and coverage shows the gaps (--bridge-gaps integrates
 * across them instead, and the run's config_json says so). */
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

#define ZEUS_MAX_DEV 256

struct zeus {
	sqlite3 *db;
	const char *path;
	const struct ctk_import_opts *o;
	struct ctk_import_result *res;
	struct ctk_sample_writer *w;
	int nfields, header_done;
	int c_start, c_name, c_elapsed;
	int c_dev[ZEUS_MAX_DEV];
	int64_t dev_id[ZEUS_MAX_DEV], dev_last_ns[ZEUS_MAX_DEV];
	char hdr[ZEUS_MAX_DEV][64];
	int ndev;
	int64_t run_id, first_ns, last_ns, prev_start_ns;
	int rows, epochs, monotonic, overlaps;
	int64_t gaps, gap_ns;   /* unmeasured stretches between windows (device 0) */
};

static int parse_header(struct zeus *s, char **f, int n, struct ctk_error *err)
{
	s->nfields = n;
	s->c_start = ctk_csv_find(f, n, "start_time");
	s->c_name = ctk_csv_find(f, n, "window_name");
	s->c_elapsed = ctk_csv_find(f, n, "elapsed_time");
	if (s->c_start < 0 || s->c_name < 0 || s->c_elapsed < 0)
		return ctk_failf(err, CTK_EINPUT, "'%s' line 1: not a Zeus window CSV (the header needs 'start_time', "
				 "'window_name', 'elapsed_time' and gpuN_energy columns)", s->path);
	for (int i = 0; i < n; i++) {
		const char *h = f[i];
		size_t len = strlen(h);
		size_t pl = !strncasecmp(h, "dram", 4) ? 4 : (!strncasecmp(h, "gpu", 3) || !strncasecmp(h, "cpu", 3)) ? 3 : 0;
		if (pl && len > pl + 7 && !strcasecmp(h + len - 7, "_energy") && isdigit((unsigned char)h[pl])) {
			if (s->ndev == ZEUS_MAX_DEV)
				return ctk_failf(err, CTK_EINPUT, "'%s' line 1: more than %d energy columns", s->path, ZEUS_MAX_DEV);
			s->c_dev[s->ndev] = i;
			snprintf(s->hdr[s->ndev], sizeof s->hdr[0], "%s", h);
			s->ndev++;
		}
	}
	if (s->ndev == 0)
		return ctk_failf(err, CTK_EINPUT, "'%s' line 1: no energy column (gpuN_energy, cpuN_energy, dramN_energy)", s->path);
	s->header_done = 1;
	return 0;
}

static int create_devices(struct zeus *s, struct ctk_error *err)
{
	for (int k = 0; k < s->ndev; k++) {
		char name[64];
		const char *h = s->hdr[k];
		struct ctk_device d = {.run_id = s->run_id, .kind = !strncasecmp(h, "gpu", 3) ? "gpu" :
				       !strncasecmp(h, "dram", 4) ? "dram" : "cpu", .flags = "window-means"};
		int64_t idx;
		snprintf(name, sizeof name, "%.*s", (int)(strlen(h) - 7), h);
		d.name = name;
		if (!ctk_parse_int64(name + (strcmp(d.kind, "dram") ? 3 : 4), &idx)) {
			d.idx = (int)idx;
			d.has_idx = 1;
		}
		if (ctk_device_insert(s->db, &d, &s->dev_id[k], err))
			return CTK_EDB;
		s->res->devices++;
	}
	return 0;
}

static int num(struct zeus *s, char **f, int c, int64_t line, const char *what, double *v, struct ctk_error *err)
{
	if (ctk_parse_double(f[c], v))
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': not a number ('%s')", s->path,
				 (long long)line, what, f[c]);
	if (*v < 0)
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': negative value ('%s')", s->path,
				 (long long)line, what, f[c]);
	return 0;
}

/* The time between the previous window of device k and one starting at
 * start_ns was not measured: unless gaps are bridged, a reading without
 * power in its middle keeps the integration from spanning it. */
static int mark_gap(struct zeus *s, int k, int64_t start_ns, int64_t line, struct ctk_error *err)
{
	int64_t last = s->dev_last_ns[k];
	struct ctk_reading r = {.t_ns = last + (start_ns - last) / 2};

	if (k == 0) {
		s->gaps++;
		s->gap_ns += start_ns - last;
	}
	if (s->o->bridge_gaps)
		return 0;
	if (ctk_sample_append(s->w, s->dev_id[k], "imported", &r, err))
		return ctk_error_prefix(err, "'%s' line %lld: field 'start_time': ", s->path, (long long)line);
	s->res->samples++;
	return 0;
}

static int on_row(void *ctx, char **f, int n, int64_t line, struct ctk_error *err)
{
	struct zeus *s = ctx;
	double elapsed, total_j = 0;
	int64_t start_ns, end_ns;
	int rc;

	if (!s->header_done) {
		if ((rc = parse_header(s, f, n, err)) || (rc = create_devices(s, err)))
			return rc;
		return 0;
	}
	if (n != s->nfields)
		return ctk_csv_width_error(s->path, line, n, s->nfields, err);
	if (ctk_time_parse_number(f[s->c_start], CTK_TU_S, &start_ns, err))
		return ctk_error_prefix(err, "'%s' line %lld: field 'start_time': ", s->path, (long long)line);
	if (start_ns < 0)
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field 'start_time': negative", s->path, (long long)line);
	if ((rc = num(s, f, s->c_elapsed, line, "elapsed_time", &elapsed, err)))
		return rc;
	if (s->rows && start_ns < s->prev_start_ns)
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field 'start_time': time goes backwards (window starts before the previous one)",
				 s->path, (long long)line);
	if (start_ns < INT64_C(1000000000) * CTK_NS_PER_S)
		s->monotonic = 1;
	s->prev_start_ns = start_ns;
	end_ns = start_ns + ctk_imp_s_to_ns(elapsed);

	const char *name = f[s->c_name];
	struct ctk_window w = {.run_id = s->run_id, .name = name, .start_ns = start_ns, .end_ns = end_ns,
			       .kind = !strncasecmp(name, "epoch", 5) ? "epoch" : "phase"};
	if (!strcmp(w.kind, "epoch")) {
		const char *p = name + 5;
		int64_t idx;
		while (*p && !isdigit((unsigned char)*p))
			p++;
		w.idx = *p && !ctk_parse_int64(p, &idx) ? idx : s->epochs + 1;
		w.has_idx = 1;
		s->epochs++;
	}
	if ((rc = ctk_window_insert(s->db, &w, err)))
		return rc;
	s->res->windows++;
	for (int k = 0; k < s->ndev; k++) {
		double j;
		if ((rc = num(s, f, s->c_dev[k], line, s->hdr[k], &j, err)))
			return rc;
		total_j += j;
		if (s->rows && start_ns < s->dev_last_ns[k]) {
			s->overlaps++;
			continue; /* overlapping window: its mean power cannot be a reading */
		}
		if (s->rows && start_ns > s->dev_last_ns[k] && (rc = mark_gap(s, k, start_ns, line, err)))
			return rc;
		if ((rc = ctk_imp_mean_power(s->w, s->dev_id[k], start_ns, end_ns, elapsed > 0 ? j / elapsed : 0, err)))
			return ctk_error_prefix(err, "'%s' line %lld: field 'start_time': ", s->path, (long long)line);
		s->dev_last_ns[k] = end_ns;
		s->res->samples += 2;
	}
	char note[160];
	snprintf(note, sizeof note, "window '%s' (energy summed over %d device(s))", name, s->ndev);
	struct ctk_reported rep = {.run_id = s->run_id, .tool = "zeus",
				   .what = !strcmp(w.kind, "epoch") ? "epoch" : "other", .note = note,
				   .duration_s = elapsed, .has_duration = 1,
				   .energy_kwh = total_j / 3.6e6, .has_energy = 1};
	if ((rc = ctk_reported_insert(s->db, &rep, err)))
		return rc;
	s->res->reported++;
	if (!s->rows || start_ns < s->first_ns)
		s->first_ns = start_ns;
	if (!s->rows || end_ns > s->last_ns)
		s->last_ns = end_ns;
	s->rows++;
	return 0;
}

static int zeus_import(sqlite3 *db, const char *path, const struct ctk_import_opts *o,
		       struct ctk_import_result *res, struct ctk_error *err)
{
	struct zeus *s = calloc(1, sizeof(*s));
	int rc;

	if (!s)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	s->db = db;
	s->path = path;
	s->o = o;
	s->res = res;
	if ((rc = ctk_imp_check_complete(path, err)) ||
	    (rc = ctk_imp_run(db, "zeus", path, NULL, o->label ? o->label : ctk_basename(path), NULL, 0,
			      o->bridge_gaps ? "{\"tool\":\"zeus\",\"format\":\"window csv\",\"gaps\":\"bridged\"}"
					     : "{\"tool\":\"zeus\",\"format\":\"window csv\",\"gaps\":\"not measured\"}",
			      &s->run_id, err)) ||
	    (rc = ctk_sample_writer_new(db, 0, &s->w, err)) ||
	    (rc = ctk_csv_read_file(path, ',', on_row, s, err)))
		goto out;
	if (!s->header_done) {
		rc = ctk_failf(err, CTK_EINPUT, "'%s': empty file", path);
		goto out;
	}
	if (!s->rows) {
		rc = ctk_failf(err, CTK_EINPUT, "'%s': header only, no windows", path);
		goto out;
	}
	if (s->monotonic)
		ctk_import_warn(o, "'%s': start_time is monotonic (seconds since boot), not Unix time: windows keep their "
				"relative times and sit near 1970-01-01 in the store", path);
	if (s->overlaps)
		ctk_import_warn(o, "'%s': %d device-window(s) overlap an earlier window: kept as windows and reported energy, "
				"without readings", path, s->overlaps);
	if (s->gaps)
		ctk_import_warn(o, "'%s': %lld gap(s) between windows, %.3f s in all: %s", path, (long long)s->gaps,
				(double)s->gap_ns / 1e9, o->bridge_gaps ? "bridged (--bridge-gaps): energy integrated across them"
									: "not measured by Zeus, left out of the energy (coverage shows them; --bridge-gaps integrates across)");
	if ((rc = ctk_sample_writer_flush(s->w, err)) ||
	    (rc = ctk_run_set_span(db, s->run_id, s->first_ns, s->last_ns, err)))
		goto out;
	res->run_id = s->run_id;
	res->runs++;
out:
	ctk_sample_writer_free(s->w);
	free(s);
	return rc;
}

static int zeus_sniff(const char *path)
{
	char line[4096];

	return ctk_imp_first_line(path, line, sizeof line) == 0 && strstr(line, "start_time") && strstr(line, "window_name") &&
	    strstr(line, "_energy") ? 90 : 0;
}

const struct ctk_importer ctk_importer_zeus = {
	.name = "zeus",
	.summary = "Zeus window CSV (start_time,window_name,elapsed_time,gpuN_energy)",
	.sniff = zeus_sniff,
	.import = zeus_import,
};
