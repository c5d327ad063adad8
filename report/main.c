/* ctk-report: paper-ready reports from a ctk store.
 * `ctk report --db DB --out DIR [--run R]… [--formats pdf,png,tex,md,csv]
 * [--title T]` writes DIR/<table>.<ext> for every builder in builders[] and
 * every table writer asked for, the charts of charts.c (.pdf, .png), the
 * methods text, ctk.bib, model-card.yaml and report.pdf. Each file is
 * written to a temporary name and renamed, so a failed report never leaves a
 * half-written file. Only main prints. */
#include <cairo.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cli.h"
#include "common/db.h"
#include "common/version.h"
#include "report/builders.h"
#include "report/charts.h"
#include "report/pdf.h"
#include "report/report.h"
#include "report/text.h"

/* To add a table: see builders.h. */
static const struct ctk_builder builders[] = {
	{"summary", ctk_build_summary, 0, NULL},
	{"epochs", ctk_build_epochs, 0, NULL},
	{"predictions", ctk_build_predictions, 1, "no predictions are stored for the selected runs"},
	{"comparison", ctk_build_compare, 1, "the selected runs form fewer than two groups (--by) with analysed epochs"},
	{"whatif", ctk_build_whatif, 1, "no intensity series is stored, so no what-if over start times and zones"},
	{NULL, NULL, 0, NULL},
};

#define NBUILDERS (sizeof builders / sizeof builders[0] - 1)
#define ALL_FORMATS "pdf,png,tex,md,csv"

struct opts {
	const char *db, *out, *formats, *title;
	char **runs;
	int nruns, force;
	double dpi;
	const char *by;
};

/* ctk_report.wrote: each completed file, on stdout. */
static void say_wrote(void *ctx, const char *path)
{
	(void)ctx;
	printf("wrote %s\n", path);
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ctk report --db DB --out DIR [--run R]… [--formats pdf,png,tex,md,csv] [--title T] [--force] [--dpi N] [--by KEY,…]\n\n"
		"Writes, for the analysed runs of DB (all, or those given with --run):\n"
		"  DIR/report.pdf              summary page, every chart and table, methods (pdf)\n"
		"  DIR/<chart>.{pdf,png}       power, epoch_energy, prediction_error, hardware_comparison (--by),\n"
		"                              intensity, whatif_distribution, whatif_heatmap: vector PDF and\n"
		"                              PNG at 300 dpi (--dpi), 3.3 in wide\n"
		"  DIR/summary.{csv,md,tex}    energy per run, in and outside epochs, coverage, PUE, CO2\n"
		"  DIR/epochs.{csv,md,tex}     per-epoch duration, energy per device and total (J, kWh)\n"
		"  DIR/predictions.*, comparison.*  when the store has predictions / two hardware setups\n"
		"  DIR/whatif.{csv,md,tex}     CO2 at every hourly start of each stored intensity series, per\n"
		"                              zone (as ctk whatif); the summary page adds embodied CO2 and water\n"
		"  DIR/methods.{md,tex}, ctk.bib, model-card.yaml  methods paragraph, BibTeX, Hugging Face\n"
		"                              co2_eq_emissions block (md: .md + .yaml; tex: .tex + .bib)\n"
		"Sections without data are left out with a note on the summary page (and their files from an\n"
		"earlier report into DIR are removed). Default formats: all.\n"
		"--by KEY,…: group runs in the hardware comparison like 'ctk compare --by' (default gpu)\n"
		"DIR/.ctk-report-manifest lists the files ctk report wrote: only those are replaced or removed;\n"
		"any other existing file of the same name stops the report (exit 3) unless --force.\n"
		"<table>.tex fits \\columnwidth, <table>-wide.tex is a table* (more columns); the CSV has every column.\n"
		"Run 'ctk analyze --db DB' first. LaTeX tables need \\usepackage{booktabs,tabularx}.\n"
		"exit status: 0 ok, 1 usage, 2 bad input, 3 I/O or database\n");
}

static int parse_opts(int argc, char **argv, struct opts *o, struct ctk_error *err)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'}, {"out", required_argument, NULL, 'o'},
		{"run", required_argument, NULL, 'r'}, {"formats", required_argument, NULL, 'f'},
		{"title", required_argument, NULL, 't'}, {"help", no_argument, NULL, 'h'},
		{"force", no_argument, NULL, 'F'}, {"dpi", required_argument, NULL, 'D'},
		{"by", required_argument, NULL, 'B'}, {NULL, 0, NULL, 0},
	};
	int c;

	o->formats = ALL_FORMATS;
	o->title = "Energy and carbon footprint of training";
	while ((c = getopt_long(argc, argv, "hd:o:r:f:t:", longopts, NULL)) != -1) {
		switch (c) {
		case 't': o->title = optarg; break;
		case 'F': o->force = 1; break;
		case 'B': o->by = optarg; break;
		case 'D': {
			char *end;
			o->dpi = strtod(optarg, &end);
			/* 72 dpi is screen size; 1200 dpi is 3960 px wide, the most a print needs */
			if (end == optarg || *end || !(o->dpi >= 72 && o->dpi <= 1200))
				return ctk_failf(err, CTK_EUSAGE, "--dpi: '%s' is not a number from 72 to 1200", optarg);
			break;
		}
		case 'd': o->db = optarg; break;
		case 'o': o->out = optarg; break;
		case 'f': o->formats = optarg; break;
		case 'r': {
			char **r = realloc(o->runs, (size_t)(o->nruns + 1) * sizeof(*r));
			if (!r)
				return ctk_failf(err, CTK_ENOMEM, "out of memory");
			o->runs = r;
			o->runs[o->nruns++] = optarg;
			break;
		}
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return ctk_failf(err, CTK_EUSAGE, "bad option");
		}
	}
	if (optind < argc)
		return ctk_failf(err, CTK_EUSAGE, "unexpected argument '%s'", argv[optind]);
	if (!o->db || !o->out)
		return ctk_failf(err, CTK_EUSAGE, "need --db DB and --out DIR");
	return 0;
}

static int check_formats(const char *list, struct ctk_error *err)
{
	char item[32];
	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		struct ctk_report known = {.formats = ALL_FORMATS};
		snprintf(item, sizeof item, "%.*s", (int)n, p);
		if (!item[0] || !ctk_report_wants(&known, item))
			return ctk_failf(err, CTK_EUSAGE, "--formats: unknown format '%s' (pdf, png, tex, md, csv)", item);
		p = e ? e + 1 : NULL;
	}
	return 0;
}

static int mkdir_p(const char *dir, struct ctk_error *err)
{
	char buf[4096];
	snprintf(buf, sizeof buf, "%s", dir);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) && errno != EEXIST)
			return ctk_failf(err, CTK_EDB, "'%s': %s", buf, strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, 0777) && errno != EEXIST)
		return ctk_failf(err, CTK_EDB, "'%s': %s", buf, strerror(errno));
	return 0;
}

/* Write one table in one format to DIR/name.ext via a temporary file. */
static int write_file(struct ctk_report *r, const char *name, const struct ctk_table_writer *w,
		      const struct ctk_table *t, struct ctk_error *err)
{
	struct ctk_outfile o;
	char file[256];
	int rc;

	snprintf(file, sizeof file, "%s%s.%s", name, w->suffix ? w->suffix : "", w->ext);
	if ((rc = ctk_out_begin(r, file, 1, &o, err)))
		return rc;
	rc = w->begin(o.f, err);
	if (!rc)
		rc = w->write(o.f, t, 1, err);
	return ctk_out_end(r, &o, rc, err);
}

/* Tables, charts, text files, then report.pdf from what was built. */
static int report(struct ctk_report *r, struct ctk_error *err)
{
	struct ctk_table *tables[NBUILDERS] = {0};
	struct ctk_figure *figs = NULL;
	int nfigs = 0, rc = 0;

	for (size_t b = 0; b < NBUILDERS && !rc; b++) {
		if ((rc = builders[b].build(r, &tables[b], err)))
			break;
		if (ctk_table_set_key(tables[b], builders[b].name)) {
			rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
			break;
		}
		if (builders[b].optional && tables[b]->nrows == 0) {
			/* its files from an earlier report go with the manifest's stale ones */
			ctk_report_note(r, "table '%s' left out: %s", builders[b].name, builders[b].absent);
			ctk_table_free(tables[b]);
			tables[b] = NULL;
			continue;
		}
		for (int w = 0; ctk_table_writers[w] && !rc; w++)
			if (ctk_report_wants(r, ctk_table_writers[w]->ext))
				rc = write_file(r, builders[b].name, ctk_table_writers[w], tables[b], err);
	}
	if (!rc && (ctk_report_wants(r, "pdf") || ctk_report_wants(r, "png")))
		rc = ctk_charts_write(r, &figs, &nfigs, err);
	if (!rc)
		rc = ctk_text_files(r, err);
	if (!rc && ctk_report_wants(r, "pdf"))
		rc = ctk_pdf_report(r, tables, (int)NBUILDERS, figs, nfigs, err);
	ctk_figures_free(figs, nfigs);
	for (size_t b = 0; b < NBUILDERS; b++)
		ctk_table_free(tables[b]);
	return rc;
}

/* The --formats name that writes a file, by its extension. */
static const char *file_format(const char *name)
{
	static const struct {
		const char *ext, *format;
	} map[] = {{".pdf", "pdf"}, {".png", "png"}, {".tex", "tex"}, {".bib", "tex"}, {".md", "md"},
		   {".yaml", "md"}, {".csv", "csv"}};
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		size_t e = strlen(map[i].ext);
		if (n > e && !strcmp(name + n - e, map[i].ext))
			return map[i].format;
	}
	return NULL;
}

/* Before anything is written: every file this report may write that
 * exists in DIR must be in the manifest (or --force). */
static int check_out(const struct ctk_report *r, struct ctk_error *err)
{
	static const char *const text[] = {"methods.md", "model-card.yaml", "methods.tex", "ctk.bib", "report.pdf"};
	char name[300];
	int rc = 0;

	for (size_t b = 0; b < NBUILDERS && !rc; b++)
		for (int w = 0; ctk_table_writers[w] && !rc; w++) {
			snprintf(name, sizeof name, "%s%s.%s", builders[b].name,
				 ctk_table_writers[w]->suffix ? ctk_table_writers[w]->suffix : "", ctk_table_writers[w]->ext);
			if (ctk_report_wants(r, ctk_table_writers[w]->ext))
				rc = ctk_manifest_check(r->out, r->old_files, name, r->force, err);
		}
	for (int c = 0; ctk_charts[c].name && !rc; c++)
		for (int i = 0; i < (ctk_charts[c].per_run && r->nruns > 1 ? r->nruns : 1) && !rc; i++)
			for (int k = 0; k < 2 && !rc; k++) {
				const char *ext = k ? "png" : "pdf";
				if (ctk_charts[c].per_run && r->nruns > 1)
					snprintf(name, sizeof name, "%s_run%lld.%s", ctk_charts[c].name, (long long)r->runs[i], ext);
				else
					snprintf(name, sizeof name, "%s.%s", ctk_charts[c].name, ext);
				if (ctk_report_wants(r, ext))
					rc = ctk_manifest_check(r->out, r->old_files, name, r->force, err);
			}
	for (size_t i = 0; i < sizeof text / sizeof text[0] && !rc; i++)
		if (ctk_report_wants(r, file_format(text[i])))
			rc = ctk_manifest_check(r->out, r->old_files, text[i], r->force, err);
	return rc;
}

/* After the report: files of the old manifest that this report did not
 * write again, in a format it was asked for, are stale (a section now
 * left out): removed. Those of other formats stay and stay listed. The
 * manifest is saved even after a failure: what was written is ctk's. */
static int finish_out(const struct ctk_report *r, struct ctk_manifest *old, struct ctk_manifest *now,
		      int ok, struct ctk_error *err)
{
	char path[4400];
	int rc = 0;

	for (int i = 0; i < old->n && !rc; i++) {
		const char *name = old->names[i], *fmt = file_format(name);
		if (ctk_manifest_has(now, name))
			continue;
		if (ok && fmt && ctk_report_wants(r, fmt)) {
			snprintf(path, sizeof path, "%s/%s", r->out, name);
			if (unlink(path) && errno != ENOENT)
				rc = ctk_failf(err, CTK_EDB, "'%s': %s", path, strerror(errno));
		} else {
			rc = ctk_manifest_add(now, name, err);
		}
	}
	if (!rc)
		rc = ctk_manifest_save(r->out, now, err);
	return rc;
}

static int run(int argc, char **argv, struct opts *o, struct ctk_error *err)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t *ids = NULL;
	int n = 0, rc;

	if ((rc = parse_opts(argc, argv, o, err)))
		return rc > 0 ? 0 : rc;
	if ((rc = check_formats(o->formats, err)) || (rc = ctk_db_open(o->db, CTK_DB_READONLY, &db, err)))
		return rc;
	if (o->nruns) {
		if (!(ids = calloc((size_t)o->nruns, sizeof(*ids))))
			rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
		for (int i = 0; !rc && i < o->nruns; i++)
			rc = ctk_db_find_run(db, o->runs[i], &ids[n++], err);
	} else if (!(rc = ctk_db_prepare(db, "SELECT run_id FROM runs ORDER BY run_id", &st, err))) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			int64_t *p = realloc(ids, (size_t)(n + 1) * sizeof(*p));
			if (!p) {
				rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
				break;
			}
			ids = p;
			ids[n++] = sqlite3_column_int64(st, 0);
		}
		sqlite3_finalize(st);
	}
	if (!rc && n == 0)
		rc = ctk_failf(err, CTK_EINPUT, "'%s': no runs to report", o->db);
	if (!rc)
		rc = mkdir_p(o->out, err);
	if (!rc) {
		struct ctk_manifest old = {0}, now = {0};
		struct ctk_report r = {.db = db, .runs = ids, .nruns = n, .out = o->out, .formats = o->formats,
				       .title = o->title, .wrote = say_wrote, .old_files = &old, .new_files = &now,
				       .force = o->force, .dpi = o->dpi, .by = o->by};
		if (!(rc = ctk_manifest_load(o->out, &old, err)) && !(rc = check_out(&r, err))) {
			struct ctk_error err2 = {0};
			rc = report(&r, err);
			int rc2 = finish_out(&r, &old, &now, rc == 0, rc ? &err2 : err);
			if (!rc)
				rc = rc2;
		}
		ctk_report_release(&r);
		ctk_manifest_free(&old);
		ctk_manifest_free(&now);
	}
	free(ids);
	ctk_db_close(db);
	return rc;
}

int main(int argc, char **argv)
{
	struct ctk_error err = {0};

	/* a full file system or --fsize limit must give an error, not kill us */
	signal(SIGXFSZ, SIG_IGN);
	struct opts o = {0};
	int rc;

	if (ctk_wants_version(argc, argv)) {
		printf("ctk %s\n", ctk_version);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "report")) {
		argc--;
		argv++;
	}
	argv[0] = (char *)"ctk report"; /* getopt's messages: "ctk report: …" */
	rc = run(argc, argv, &o, &err);
	if (rc <= 0 && ctk_db_corrupt(NULL))
		rc = ctk_db_corrupt(&err); /* a damaged page never passes for an empty store */
	if (rc >= 0 && ctk_stdout_check(&err) < 0)
		rc = CTK_EDB;
	free(o.runs);
	/* Give back cairo's and fontconfig's global font caches, so that leak
	 * checkers (make check runs LeakSanitizer) see only our own memory. */
	cairo_debug_reset_static_data();
	FcFini();
	if (rc < 0) {
		fprintf(stderr, "ctk report: %s\n", err.msg[0] ? err.msg : ctk_strerror(rc));
		return ctk_exit_code(rc);
	}
	return 0;
}
