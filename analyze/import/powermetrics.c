/* Importer for Apple `powermetrics` text output (macOS on Apple silicon), the
 * tool carbontracker and CodeCarbon read on Macs. Each sample starts with
 * `*** Sampled system activity (Tue Jul 14 10:00:00 2026 -0700) (201.5ms
 * elapsed) ***` and holds, among many other lines, `CPU Power: N mW`,
 * `GPU Power: N mW` and `ANE Power: N mW` (and their sum, `Combined Power
 * (CPU + GPU + ANE): N mW`, checked, not stored). Each sample's powers are
 * the means over its elapsed time: stored as window means on up to three
 * devices (CPU, GPU, ANE). Samples are laid end to end from the first one;
 * where a header's own time says time passed that no sample covers (e.g.
 * one `powermetrics -n 1` per reading, as carbontracker runs it), that gap
 * was not measured (like Zeus; --bridge-gaps integrates across it). Format
 * facts and sources: docs/IMPORTERS.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "analyze/import/importers.h"
#include "analyze/import/util.h"
#include "common/db.h"
#include "common/samples.h"
#include "common/store.h"
#include "common/text.h"
#include "common/time.h"
#include "common/util.h"

enum { PM_CPU, PM_GPU, PM_ANE, PM_N };

/* The power lines taken: prefix, device kind, device name. */
static const struct {
	const char *prefix, *kind, *name;
} parts[PM_N] = {
	{"CPU Power:", "cpu", "CPU"},
	{"GPU Power:", "gpu", "GPU"},
	{"ANE Power:", "other", "ANE (Neural Engine)"},
};

#define COMBINED "Combined Power (CPU + GPU + ANE):"
#define HEADER "*** Sampled system activity ("

/* A header's time has 1 s resolution (strftime %S); a sample chain that
 * disagrees with it by more than this has a gap (or a restart). */
#define PM_SLACK_NS INT64_C(1500000000)

struct sample {
	int64_t line, t_ns, elapsed_ns;
	double w[PM_N], combined_w;
	int has[PM_N], has_combined, open;
};

struct pm {
	sqlite3 *db;
	const char *path;
	const struct ctk_import_opts *o;
	struct ctk_import_result *res;
	struct ctk_sample_writer *w;
	int64_t run_id, dev[PM_N];
	int64_t chain_end_ns, first_ns, gaps, gap_ns, samples, empty, combined_off, repeat_off;
	int has_chain;
	char machine[128];
};

static int fail(const struct pm *s, int64_t line, const char *field, struct ctk_error *err, const char *what,
		const char *text)
{
	return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': %s ('%.80s')", s->path, (long long)line, field,
			 what, text);
}

/* "N mW" (N a decimal number, optional spaces around) in watts. */
static int parse_mw(const struct pm *s, int64_t line, const char *field, const char *v, double *w,
		    struct ctk_error *err)
{
	char num[64];
	const char *end = strstr(v, "mW");
	size_t n;

	if (!end || end[2] != '\0' || (n = (size_t)(end - v)) >= sizeof num)
		return fail(s, line, field, err, "not a power in mW", v);
	memcpy(num, v, n);
	num[n] = '\0';
	if (ctk_parse_double(num, w))
		return fail(s, line, field, err, "not a number", v);
	*w /= 1000.0;
	return 0;
}

/* "Tue Jul 14 10:00:00 2026 -0700) (201.5ms elapsed) ***" after HEADER. */
static int parse_header(const struct pm *s, int64_t line, const char *p, struct sample *x, struct ctk_error *err)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char wd[8], mon[8], zone[8];
	int d, hh, mm, ss, y, used = 0;
	double ms;

	memset(x, 0, sizeof(*x));
	if (sscanf(p, "%7s %7s %d %d:%d:%d %d %7[-+0-9])%n", wd, mon, &d, &hh, &mm, &ss, &y, zone, &used) != 8 ||
	    !used)
		return fail(s, line, "sample time", err, "not a date like 'Tue Jul 14 10:00:00 2026 -0700'", p);
	const char *m = strlen(mon) == 3 ? strstr(months, mon) : NULL;
	if (!m || (m - months) % 3 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60 || y < 1970 || y > 2200 ||
	    strlen(zone) != 5 || (zone[0] != '+' && zone[0] != '-'))
		return fail(s, line, "sample time", err, "not a date like 'Tue Jul 14 10:00:00 2026 -0700'", p);
	int zh = (zone[1] - '0') * 10 + (zone[2] - '0'), zm = (zone[3] - '0') * 10 + (zone[4] - '0');
	int64_t off_s = (zh * 3600 + zm * 60) * (zone[0] == '-' ? -1 : 1);
	int64_t days = ctk_days_from_civil(y, (int)((m - months) / 3) + 1, d);
	x->t_ns = ((days * 86400 + hh * 3600 + mm * 60 + ss) - off_s) * INT64_C(1000000000);
	/* "(201.5ms elapsed)" or "(501.02 ms elapsed)" */
	const char *e = strstr(p + used, "(");
	char num[32];
	size_t n;
	const char *unit = e ? strstr(e, "ms elapsed)") : NULL;
	if (!unit || (n = (size_t)(unit - e - 1)) >= sizeof num)
		return fail(s, line, "elapsed", err, "no '(N ms elapsed)'", p);
	memcpy(num, e + 1, n);
	num[n] = '\0';
	if (ctk_parse_double(num, &ms) || ms <= 0 || ms > 86400e3)
		return fail(s, line, "elapsed", err, "not a positive number of ms", p);
	x->elapsed_ns = (int64_t)llround(ms * 1e6);
	x->line = line;
	x->open = 1;
	return 0;
}

static int make_device(struct pm *s, int k, struct ctk_error *err)
{
	struct ctk_device d = {.run_id = s->run_id, .kind = parts[k].kind, .vendor = "apple",
			       .name = parts[k].name, .flags = "window-means"};
	int rc = ctk_device_insert(s->db, &d, &s->dev[k], err);

	if (!rc)
		s->res->devices++;
	return rc;
}

/* Store a finished sample: its window, its means, the gap before it. */
static int finish(struct pm *s, struct sample *x, struct ctk_error *err)
{
	int64_t start, end;
	int any = 0, rc;

	if (!x->open)
		return 0;
	x->open = 0;
	for (int k = 0; k < PM_N; k++)
		any |= x->has[k];
	if (!any) {
		s->empty++; /* a sample of other samplers only */
		return 0;
	}
	end = x->t_ns; /* assumed: the header is printed when the sample ends */
	start = end - x->elapsed_ns;
	if (s->has_chain) {
		/* the true end lies in [t, t + 1 s): consecutive when the chain ends within the slack of t + 0.5 s */
		int64_t chained = s->chain_end_ns + x->elapsed_ns, mid = x->t_ns + INT64_C(500000000);
		if (chained >= mid - PM_SLACK_NS && chained <= mid + PM_SLACK_NS) {
			start = s->chain_end_ns; /* consecutive samples: end to end, ms precision */
			end = chained;
		} else if (start < s->chain_end_ns) {
			return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field 'sample time': time goes backwards (%.3f s "
					 "before the previous sample's end)", s->path, (long long)x->line,
					 (double)(s->chain_end_ns - start) / 1e9);
		} else {
			s->gaps++;
			s->gap_ns += start - s->chain_end_ns;
		}
	} else {
		s->first_ns = start;
	}
	for (int k = 0; k < PM_N; k++) {
		if (!x->has[k])
			continue;
		if (!s->dev[k] && (rc = make_device(s, k, err)))
			return rc;
	}
	for (int k = 0; k < PM_N; k++) {
		if (!s->dev[k])
			continue;
		if (s->has_chain && start > s->chain_end_ns && !s->o->bridge_gaps) {
			if ((rc = ctk_imp_gap(s->w, s->dev[k], s->chain_end_ns, start, err)))
				return rc;
			s->res->samples++;
		}
		if (x->has[k])
			rc = ctk_imp_mean_power(s->w, s->dev[k], start, end, x->w[k], err);
		else /* this sample did not measure it */
			rc = ctk_imp_gap(s->w, s->dev[k], start, end, err);
		if (rc)
			return ctk_error_prefix(err, "'%s' line %lld: ", s->path, (long long)x->line);
		s->res->samples += x->has[k] ? 2 : 1;
	}
	if (x->has_combined) {
		double sum = 0;
		for (int k = 0; k < PM_N; k++)
			sum += x->has[k] ? x->w[k] : 0;
		if (fabs(sum - x->combined_w) > 0.003) /* each part rounded to 1 mW */
			s->combined_off++;
	}
	s->chain_end_ns = end;
	s->has_chain = 1;
	s->samples++;
	return 0;
}

static int one_line(struct pm *s, struct sample *x, char *l, int64_t line, struct ctk_error *err)
{
	size_t n = strlen(l);

	while (n && (l[n - 1] == '\r' || l[n - 1] == ' '))
		l[--n] = '\0';
	if (!strncmp(l, HEADER, strlen(HEADER))) {
		int rc = finish(s, x, err);
		return rc ? rc : parse_header(s, line, l + strlen(HEADER), x, err);
	}
	if (!strncmp(l, "Machine model:", 14) && !s->machine[0]) {
		snprintf(s->machine, sizeof s->machine, "%s", l + 14 + strspn(l + 14, " "));
		return 0;
	}
	if (!strncmp(l, COMBINED, strlen(COMBINED))) {
		if (!x->open)
			return 0;
		x->has_combined = 1;
		return parse_mw(s, line, "Combined Power", l + strlen(COMBINED), &x->combined_w, err);
	}
	for (int k = 0; k < PM_N; k++) {
		size_t p = strlen(parts[k].prefix);
		if (strncmp(l, parts[k].prefix, p))
			continue;
		if (!x->open)
			return fail(s, line, parts[k].prefix, err, "a power before the first sample header", l);
		if (x->has[k]) {
			/* with several samplers a power can be printed again (GPU Power in the
			 * processor and the GPU section): the first is taken, as carbontracker's
			 * re.search does; a different second value is counted */
			double again;
			int rc = parse_mw(s, line, parts[k].prefix, l + p, &again, err);
			if (!rc && fabs(again - x->w[k]) > 0.0005)
				s->repeat_off++;
			return rc;
		}
		x->has[k] = 1;
		int rc = parse_mw(s, line, parts[k].prefix, l + p, &x->w[k], err);
		return rc ? rc : ctk_imp_check_power(s->path, line, parts[k].prefix, x->w[k], CTK_IMP_MAX_W, err);
	}
	return 0; /* one of powermetrics' many other lines (frequencies, residencies, tasks) */
}

static int create_run(struct pm *s, struct ctk_error *err)
{
	cJSON *j = cJSON_CreateObject();
	char *config;
	int rc;

	if (!j)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	cJSON_AddStringToObject(j, "tool", "powermetrics");
	cJSON_AddStringToObject(j, "format", "text");
	cJSON_AddStringToObject(j, "gaps", s->o->bridge_gaps ? "bridged" : "not measured");
	config = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (!config)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	rc = ctk_imp_run(s->db, "powermetrics", s->path, NULL, s->o->label ? s->o->label : ctk_basename(s->path),
			 NULL, 0, config, &s->run_id, err);
	free(config);
	return rc;
}

static int pm_import(sqlite3 *db, const char *path, const struct ctk_import_opts *o,
		     struct ctk_import_result *res, struct ctk_error *err)
{
	struct pm s = {.db = db, .path = path, .o = o, .res = res};
	struct sample x = {0};
	char *buf = NULL, *p;
	size_t len;
	int64_t line = 0;
	int rc;

	if ((rc = ctk_imp_check_complete(path, err)) || (rc = ctk_imp_slurp(path, &buf, &len, err)) ||
	    (rc = create_run(&s, err)) || (rc = ctk_sample_writer_new(db, 0, &s.w, err)))
		goto out;
	for (p = buf; *p && !rc;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		rc = one_line(&s, &x, p, ++line, err);
		p = nl ? nl + 1 : p + strlen(p);
	}
	if (rc || (rc = finish(&s, &x, err)))
		goto out;
	if (!s.samples) {
		rc = ctk_failf(err, CTK_EINPUT, "'%s': no sample with a CPU, GPU or ANE power (not powermetrics text "
			       "output with the cpu_power sampler?)", path);
		goto out;
	}
	if (s.machine[0]) {
		sqlite3_stmt *st = NULL;
		if ((rc = ctk_db_prepare(db, "UPDATE runs SET config_json = json_set(config_json, '$.machine_model', ?) "
					 "WHERE run_id = ?", &st, err)))
			goto out;
		ctk_bind_text_clean(st, 1, s.machine, CTK_TEXT_MAX_NAME, "machine model");
		sqlite3_bind_int64(st, 2, s.run_id);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ctk_db_fail(db, err, "update run");
		sqlite3_finalize(st);
		if (rc)
			goto out;
	}
	if (s.empty)
		ctk_import_warn(o, "'%s': %lld sample(s) without a CPU, GPU or ANE power: skipped", path, (long long)s.empty);
	if (s.combined_off)
		ctk_import_warn(o, "'%s': %lld sample(s) whose Combined Power is not CPU + GPU + ANE (within 3 mW): the parts "
				"are stored", path, (long long)s.combined_off);
	if (s.repeat_off)
		ctk_import_warn(o, "'%s': %lld power line(s) repeated in a sample with another value: the first one is "
				"taken", path, (long long)s.repeat_off);
	if (s.gaps)
		ctk_import_warn(o, "'%s': %lld gap(s) between samples, %.3f s in all: %s", path, (long long)s.gaps,
				(double)s.gap_ns / 1e9, o->bridge_gaps ? "bridged (--bridge-gaps): energy integrated across them"
				: "not measured, left out of the energy (coverage shows them; --bridge-gaps integrates across)");
	if ((rc = ctk_sample_writer_flush(s.w, err)) ||
	    (rc = ctk_run_set_span(db, s.run_id, s.first_ns, s.chain_end_ns, err)))
		goto out;
	res->run_id = s.run_id;
	res->runs++;
out:
	ctk_sample_writer_free(s.w);
	free(buf);
	return rc;
}

static int pm_sniff(const char *path)
{
	char line[4096];

	if (ctk_imp_first_line(path, line, sizeof line))
		return 0;
	return !strncmp(line, "Machine model:", 14) || !strncmp(line, HEADER, strlen(HEADER)) ? 90 : 0;
}

const struct ctk_importer ctk_importer_powermetrics = {
	.name = "powermetrics",
	.summary = "Apple powermetrics text output (CPU, GPU, ANE Power per sample)",
	.sniff = pm_sniff,
	.import = pm_import,
};
