/* ctk-report: paper-ready tables from a ctk store.
 * `ctk report --db DB --out DIR [--run R]… [--formats csv,md,tex]` writes
 * DIR/<table>.<ext> for every builder in builders[] and every writer asked
 * for. Each file is written to a temporary name and renamed, so a failed
 * report never leaves a half-written table. Only main prints. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/db.h"
#include "report/builders.h"

/* To add a table: see builders.h. */
static const struct ctk_builder builders[] = {
	{"summary", ctk_build_summary},
	{"epochs", ctk_build_epochs},
	{NULL, NULL},
};

struct opts {
	const char *db, *out, *formats;
	char **runs;
	int nruns;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ctk report --db DB --out DIR [--run R]… [--formats csv,md,tex]\n\n"
		"Writes, for the analysed runs of DB (all, or those given with --run):\n"
		"  DIR/summary.{csv,md,tex}  energy per run, in and outside epochs, coverage\n"
		"  DIR/epochs.{csv,md,tex}   per-epoch duration, energy per device and total (J, kWh)\n"
		"Run 'ctk analyze --db DB' first. LaTeX tables need \\usepackage{booktabs}.\n"
		"exit status: 0 ok, 1 usage, 2 bad input, 3 I/O or database\n");
}

static int parse_opts(int argc, char **argv, struct opts *o, struct ctk_error *err)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'}, {"out", required_argument, NULL, 'o'},
		{"run", required_argument, NULL, 'r'}, {"formats", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	int c;

	o->formats = "csv,md,tex";
	while ((c = getopt_long(argc, argv, "hd:o:r:f:", longopts, NULL)) != -1) {
		switch (c) {
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

/* Is ext in the comma-separated list? */
static int wanted(const char *list, const char *ext)
{
	size_t n = strlen(ext);
	for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, ext, n) && (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

static int check_formats(const char *list, struct ctk_error *err)
{
	char item[32];
	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		int ok = 0;
		snprintf(item, sizeof item, "%.*s", (int)n, p);
		for (int i = 0; ctk_table_writers[i]; i++)
			ok |= !strcmp(ctk_table_writers[i]->ext, item);
		if (!ok)
			return ctk_failf(err, CTK_EUSAGE, "--formats: unknown format '%s' (csv, md, tex)", item);
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
static int write_file(const char *dir, const char *name, const struct ctk_table_writer *w,
		      const struct ctk_table *t, struct ctk_error *err)
{
	char path[4096], tmp[4200];
	FILE *f;
	int rc;

	snprintf(path, sizeof path, "%s/%s.%s", dir, name, w->ext);
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	if (!(f = fopen(tmp, "w")))
		return ctk_failf(err, CTK_EDB, "'%s': %s", tmp, strerror(errno));
	rc = w->begin(f, err);
	if (!rc)
		rc = w->write(f, t, 1, err);
	if (fclose(f) != 0 && !rc)
		rc = ctk_failf(err, CTK_EDB, "'%s': %s", tmp, strerror(errno));
	if (!rc && rename(tmp, path) != 0)
		rc = ctk_failf(err, CTK_EDB, "'%s': %s", path, strerror(errno));
	if (rc)
		unlink(tmp);
	else
		printf("wrote %s\n", path);
	return rc;
}

static int report(sqlite3 *db, const struct opts *o, const int64_t *ids, int n, struct ctk_error *err)
{
	int rc = 0;

	for (int b = 0; builders[b].name && !rc; b++) {
		struct ctk_table *t = NULL;
		if ((rc = builders[b].build(db, ids, n, &t, err)))
			break;
		for (int w = 0; ctk_table_writers[w] && !rc; w++)
			if (wanted(o->formats, ctk_table_writers[w]->ext))
				rc = write_file(o->out, builders[b].name, ctk_table_writers[w], t, err);
		ctk_table_free(t);
	}
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
	if (!rc)
		rc = report(db, o, ids, n, err);
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

	if (argc > 1 && !strcmp(argv[1], "report")) {
		argc--;
		argv++;
	}
	rc = run(argc, argv, &o, &err);
	free(o.runs);
	if (rc < 0) {
		fprintf(stderr, "ctk report: %s\n", err.msg[0] ? err.msg : ctk_strerror(rc));
		return ctk_exit_code(rc);
	}
	return 0;
}
