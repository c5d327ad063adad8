/* `ctk import FORMAT PATH… --db DB [--tz Z] [--label L] [--run R] [--gpus N]
 * [--replace] [--bridge-gaps]`: runs the importer of FORMAT (or sniffs it
 * with `auto`) on every PATH inside one transaction, so a bad file leaves the
 * store exactly as it was. A file whose runs were imported before (same
 * format, same SHA-256) is skipped with a note, or replaces them with
 * --replace. The summary lines go to stdout only once everything is stored. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/commands.h"
#include "analyze/import/importers.h"
#include "common/db.h"
#include "common/input.h"
#include "common/text.h"
#include "common/time.h"
#include "common/util.h"

static void print_warning(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "ctk import: warning: %s\n", msg);
}

static void usage(FILE *out)
{
	fprintf(out, "usage: ctk import FORMAT PATH… --db DB [--tz ZONE] [--label L] [--run R]\n"
		     "                  [--gpus N] [--replace] [--simulated] [--bridge-gaps]\n"
		     "       ctk import prometheus --db DB --url URL --query Q --from T --to T [--step S] [--unit U]\n"
		     "       ctk import prometheus --db DB --file RESPONSE.json [--unit U]\n\nformats:\n");
	for (int i = 0; ctk_importers[i]; i++)
		fprintf(out, "  %-12s %s\n", ctk_importers[i]->name, ctk_importers[i]->summary);
	fprintf(out, "  %-12s sniff each file and say which format was chosen\n", "auto");
	fprintf(out, "\n--tz ZONE   zone of zone-less times: IANA name (Europe/Copenhagen) or offset (+02:00)\n"
		     "--run R     run id or label (for 'epochs')\n"
		     "--gpus N    GPUs in an nvidia-smi file without an index column (default: inferred)\n"
		     "--replace   a file imported before (same SHA-256) replaces its earlier runs instead of\n"
		     "            being skipped; for 'epochs': replace the run's existing epochs\n"
		     "--simulated mark the run as measured on a simulated device (shown in every output)\n"
		     "--bridge-gaps  window tools (zeus): integrate across the unmeasured time between\n"
		     "            windows instead of leaving it out (recorded in the run's config)\n"
		     "--url URL   prometheus: the server (https://; no user:password@ in it)\n"
		     "--query Q   a PromQL selector of per-device series: DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION\n"
		     "            (mJ counter), DCGM_FI_DEV_POWER_USAGE (W), ctk_energy_joules_total, ctk_power_watts\n"
		     "--from T --to T  ISO 8601 or Unix seconds   --step S  default 1s (coarser to stay\n"
		     "            within 11000 points a series per request)\n"
		     "--file F    a saved /api/v1/query_range response (offline)\n"
		     "--unit U    J|mJ|kJ|Wh|kWh (a counter) or W|mW|kW (power), for other metric names\n"
		     "            (devices are keyed by the labels Hostname/host/instance, UUID/uuid and\n"
		     "            gpu/device; NaN values are gaps, never 0)\n"
		     "All files are imported in one transaction: on any error nothing is stored.\n"
		     "exit status: 0 ok, 1 usage, 2 bad input, 3 I/O or database\n");
}

static const struct ctk_importer *sniff(const char *path)
{
	const struct ctk_importer *best = NULL;
	int best_score = 0;

	for (int i = 0; ctk_importers[i]; i++) {
		int s = ctk_importers[i]->sniff ? ctk_importers[i]->sniff(path) : 0;
		if (s > best_score) {
			best_score = s;
			best = ctk_importers[i];
		}
	}
	return best;
}

/* Summary lines, kept until the transaction is committed: a file that is
 * rolled back with the rest is never said to be imported. */
struct lines {
	char *buf;
	size_t len, cap;
};

static int lines_addf(struct lines *l, struct ctk_error *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int lines_addf(struct lines *l, struct ctk_error *err, const char *fmt, ...)
{
	char line[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return ctk_failf(err, CTK_EINPUT, "cannot format a summary line");
	if ((size_t)n >= sizeof line)
		n = (int)sizeof line - 1;
	if (l->len + (size_t)n + 1 > l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4096;
		while (cap < l->len + (size_t)n + 1)
			cap *= 2;
		char *nb = realloc(l->buf, cap);
		if (!nb)
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		l->buf = nb;
		l->cap = cap;
	}
	memcpy(l->buf + l->len, line, (size_t)n + 1);
	l->len += (size_t)n;
	return 0;
}

/* After a file's import (inside savepoint "file"): were the runs it created
 * (run_id > before) imported already from the same bytes by the same
 * importer? *dup = the earliest such run, 0 when the file is new. */
static int find_duplicate(sqlite3 *db, int64_t before, int64_t *dup, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*dup = 0;
	/* every new run must have an earlier twin (a file's runs share its hash) */
	if (ctk_db_prepare(db, "SELECT count(*), count(t.twin), min(t.twin) FROM (SELECT (SELECT min(o.run_id) "
			   "FROM runs o WHERE o.run_id <= ?1 AND o.source = n.source AND o.source_sha256 = n.source_sha256) "
			   "AS twin FROM runs n WHERE n.run_id > ?1) AS t", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, before);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return ctk_db_fail(db, err, "looking for an earlier import");
	}
	if (sqlite3_column_int64(st, 0) > 0 && sqlite3_column_int64(st, 0) == sqlite3_column_int64(st, 1))
		*dup = sqlite3_column_int64(st, 2);
	sqlite3_finalize(st);
	return 0;
}

/* --replace: drop the earlier runs that the new ones duplicate. */
static int drop_earlier(sqlite3 *db, int64_t before, int *dropped, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;

	if (ctk_db_prepare(db, "DELETE FROM runs WHERE run_id <= ?1 AND run_id IN (SELECT o.run_id FROM runs o "
			   "JOIN runs n ON n.run_id > ?1 AND o.source = n.source AND o.source_sha256 = n.source_sha256)",
			   &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, before);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return ctk_db_fail(db, err, "replacing the earlier import");
	}
	*dropped = sqlite3_changes(db);
	sqlite3_finalize(st);
	return 0;
}

static int max_run_id(sqlite3 *db, int64_t *id, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;

	if (ctk_db_prepare(db, "SELECT coalesce(max(run_id), 0) FROM runs", &st, err))
		return CTK_EDB;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return ctk_db_fail(db, err, "reading the run ids");
	}
	*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

/* Import one path inside a savepoint, so a file found to be a duplicate
 * can be undone alone; summary lines go to out. */
static int import_one(sqlite3 *db, const struct ctk_importer *imp, const char *path, struct ctk_import_opts *o,
		      struct lines *out, struct ctk_error *err)
{
	struct ctk_import_result res = {0};
	int64_t before = 0, dup = 0;
	int rc, dropped = 0;

	if ((rc = max_run_id(db, &before, err)) || (rc = ctk_db_exec(db, "SAVEPOINT file", err)))
		return rc;
	if ((rc = imp->import(db, path, o, &res, err)) || (rc = find_duplicate(db, before, &dup, err)))
		return rc; /* the caller rolls the whole transaction back */
	struct ctk_text_notes notes;
	char line[512];
	ctk_text_notes_take(&notes);
	ctk_text_notes_format(&notes, line, sizeof line);
	if (line[0])
		ctk_import_warn(o, "'%s': %s", path, line);
	if (dup && !o->replace) {
		if ((rc = ctk_db_exec(db, "ROLLBACK TO file", err)) || (rc = ctk_db_exec(db, "RELEASE file", err)))
			return rc;
		ctk_import_warn(o, "'%s': already imported (same %s file, same SHA-256) as run %lld; skipped "
				"(--replace imports it again)", path, imp->name, (long long)dup);
		return lines_addf(out, err, "skipped '%s' (%s): already imported as run %lld\n", path, imp->name,
				  (long long)dup);
	}
	if (dup && (rc = drop_earlier(db, before, &dropped, err)))
		return rc;
	if ((rc = ctk_db_exec(db, "RELEASE file", err)))
		return rc;
	if (dropped)
		ctk_import_warn(o, "'%s': imported before; %d earlier run(s) replaced (--replace)", path, dropped);
	return lines_addf(out, err, "imported '%s' (%s): run %lld, %d device(s), %lld reading(s), %lld window(s)\n",
			  path, imp->name, (long long)res.run_id, res.devices, (long long)res.samples,
			  (long long)res.windows);
}

/* Import every path; the caller owns the transaction. */
static int import_all(sqlite3 *db, const char *format, char **paths, int npaths,
		      struct ctk_import_opts *o, struct lines *out, struct ctk_error *err)
{
	if (strcmp(format, "auto") && !ctk_importer_find(format))
		return ctk_failf(err, CTK_EUSAGE, "unknown format '%s' (see ctk import --help)", format);
	for (int i = 0; i < npaths; i++) {
		/* a pipe read once; a device refused (not for a --url: nothing to read here) */
		int rc = o->prom_url ? 0 : ctk_input_prepare(paths[i], err);
		if (rc)
			return rc;
		const struct ctk_importer *imp = strcmp(format, "auto") ? ctk_importer_find(format) : sniff(paths[i]);

		if (!imp)
			return ctk_failf(err, strcmp(format, "auto") ? CTK_EUSAGE : CTK_EINPUT,
					 strcmp(format, "auto") ? "unknown format '%s' (see ctk import --help)"
								: "'%s': format not recognised (name it instead of auto)",
					 strcmp(format, "auto") ? format : paths[i]);
		if (!strcmp(format, "auto"))
			fprintf(stderr, "ctk import: '%s': format %s\n", paths[i], imp->name);
		if ((rc = import_one(db, imp, paths[i], o, out, err))) {
			if (npaths > 1)
				ctk_error_prefix(err, "nothing imported (all %d files roll back together): ", npaths);
			return rc;
		}
	}
	return 0;
}

/* The options of `ctk import prometheus` (only there): --from/--to parsed
 * into o, and either --url or --file/PATH, never both. */
static int prom_args(const char *format, struct ctk_import_opts *o, const char *from, const char *to,
		     const char *step, const char *file, int npaths, struct ctk_error *err)
{
	int prom = format && !strcmp(format, "prometheus");
	int rc;

	if (!prom && (o->prom_url || o->prom_query || from || to || step || file || o->prom_unit))
		return ctk_failf(err, CTK_EUSAGE, "--url, --query, --from, --to, --step, --file and --unit are for "
				 "'ctk import prometheus' only");
	if (!prom)
		return 0;
	if ((o->prom_url != NULL) + (file != NULL) + (npaths > 0) > 1)
		return ctk_failf(err, CTK_EUSAGE, "prometheus: give one of --url URL, --file F or a PATH");
	if (!o->prom_url && (from || to || step))
		return ctk_failf(err, CTK_EUSAGE, "--from, --to and --step go with --url (a saved response holds its range)");
	if (!from != !to)
		return ctk_failf(err, CTK_EUSAGE, "--from and --to go together");
	if (step && (rc = ctk_duration_parse(step, &o->prom_step_ns, err)))
		return ctk_error_prefix(err, "--step: ");
	if (step && o->prom_step_ns <= 0)
		return ctk_failf(err, CTK_EUSAGE, "--step '%s': must be more than 0", step);
	if (from) {
		struct ctk_tz utc;
		if ((rc = ctk_tz_parse("UTC", &utc, err)) ||
		    (rc = ctk_time_parse_any(from, CTK_TU_S, &utc, &o->prom_from_ns, err)) ||
		    (rc = ctk_time_parse_any(to, CTK_TU_S, &utc, &o->prom_to_ns, err))) {
			if (rc == CTK_EINPUT)
				err->code = CTK_EUSAGE; /* a bad option, not bad input */
			return ctk_error_prefix(err, "--from/--to: ");
		}
		o->prom_has_range = 1;
	}
	return 0;
}

int ctk_cmd_import(int argc, char **argv, struct ctk_error *err)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'}, {"tz", required_argument, NULL, 'z'},
		{"label", required_argument, NULL, 'l'}, {"run", required_argument, NULL, 'r'},
		{"gpus", required_argument, NULL, 'g'}, {"replace", no_argument, NULL, 'R'},
		{"simulated", no_argument, NULL, 'S'}, {"bridge-gaps", no_argument, NULL, 'B'},
		{"url", required_argument, NULL, 'U'}, {"query", required_argument, NULL, 'Q'},
		{"from", required_argument, NULL, 'F'}, {"to", required_argument, NULL, 'T'},
		{"step", required_argument, NULL, 'P'}, {"file", required_argument, NULL, 'f'},
		{"unit", required_argument, NULL, 'u'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	const char *dbpath = NULL, *run = NULL, *tzspec = NULL, *from = NULL, *to = NULL, *file = NULL,
		   *step = NULL;
	struct ctk_tz tz;
	struct ctk_import_opts o = {.warn = print_warning};
	sqlite3 *db = NULL;
	struct lines out = {0};
	int c, rc, made;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hd:z:l:r:g:RS", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dbpath = optarg; break;
		case 'z': tzspec = optarg; break;
		case 'l': o.label = optarg; break;
		case 'r': run = optarg; break;
		case 'g': {
			int64_t n;
			if (ctk_parse_int64(optarg, &n) || n < 1 || n > 1024)
				return ctk_failf(err, CTK_EUSAGE, "--gpus '%s': not a GPU count", optarg);
			o.gpus = (int)n;
			break;
		}
		case 'R': o.replace = 1; break;
		case 'S': o.simulated = 1; break;
		case 'B': o.bridge_gaps = 1; break;
		case 'U': o.prom_url = optarg; break;
		case 'Q': o.prom_query = optarg; break;
		case 'F': from = optarg; break;
		case 'T': to = optarg; break;
		case 'f': file = optarg; break;
		case 'u': o.prom_unit = optarg; break;
		case 'P': step = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return ctk_failf(err, CTK_EUSAGE, "bad option");
		}
	}
	char *file_path[1] = {(char *)file};
	char **paths = argv + optind + 1;
	int npaths = argc - optind - 1;
	if ((rc = prom_args(argc - optind > 0 ? argv[optind] : NULL, &o, from, to, step, file, npaths, err)))
		return rc;
	if (file || o.prom_url) {
		paths = file_path;
		file_path[0] = (char *)(file ? file : o.prom_url);
		npaths = 1;
	}
	if (argc - optind < 1 || npaths < 1) {
		usage(stderr);
		return ctk_failf(err, CTK_EUSAGE, "need a FORMAT and at least one PATH");
	}
	if (!dbpath)
		return ctk_failf(err, CTK_EUSAGE, "no database given (use --db FILE)");
	if ((rc = ctk_tz_parse(tzspec, &tz, err)))
		return rc;
	o.tz = &tz;
	made = ctk_db_missing(dbpath);
	if ((rc = ctk_db_open(dbpath, CTK_DB_CREATE, &db, err)))
		return rc;
	if (run) {
		if ((rc = ctk_db_find_run(db, run, &o.run_id, err)))
			goto out;
		o.has_run = 1;
	}
	if ((rc = ctk_db_begin(db, err)))
		goto out;
	rc = import_all(db, argv[optind], paths, npaths, &o, &out, err);
	if (rc == 0)
		rc = ctk_db_commit(db, err);
	if (rc)
		ctk_db_rollback(db);
	else if (out.len)
		fputs(out.buf, stdout);
out:
	ctk_input_release_all();
	free(out.buf);
	ctk_db_close(db);
	if (rc && made)
		ctk_db_discard(dbpath);
	return rc;
}
