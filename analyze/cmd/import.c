/* `ctk import FORMAT PATH… --db DB [--tz Z] [--label L] [--run R] [--gpus N]
 * [--replace]`: runs the importer of FORMAT (or sniffs it with `auto`) on
 * every PATH inside one transaction, so a bad file leaves the store exactly
 * as it was. Prints one summary line per file on stdout. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/commands.h"
#include "analyze/import/importers.h"
#include "common/db.h"
#include "common/util.h"

static void print_warning(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "ctk import: warning: %s\n", msg);
}

static void usage(FILE *out)
{
	fprintf(out, "usage: ctk import FORMAT PATH… --db DB [--tz ZONE] [--label L] [--run R]\n"
		     "                  [--gpus N] [--replace] [--simulated]\n\nformats:\n");
	for (int i = 0; ctk_importers[i]; i++)
		fprintf(out, "  %-12s %s\n", ctk_importers[i]->name, ctk_importers[i]->summary);
	fprintf(out, "  %-12s sniff each file and say which format was chosen\n", "auto");
	fprintf(out, "\n--tz ZONE   zone of zone-less times: IANA name (Europe/Copenhagen) or offset (+02:00)\n"
		     "--run R     run id or label (for 'epochs')\n"
		     "--gpus N    GPUs in an nvidia-smi file without an index column (default: inferred)\n"
		     "--replace   replace the run's existing epochs\n"
		     "--simulated mark the run as measured on a simulated device (shown in every output)\n"
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

/* Import every path; the caller owns the transaction. */
static int import_all(sqlite3 *db, const char *format, char **paths, int npaths,
		      struct ctk_import_opts *o, struct ctk_error *err)
{
	for (int i = 0; i < npaths; i++) {
		const struct ctk_importer *imp = strcmp(format, "auto") ? ctk_importer_find(format) : sniff(paths[i]);
		struct ctk_import_result res = {0};
		int rc;

		if (!imp)
			return ctk_failf(err, strcmp(format, "auto") ? CTK_EUSAGE : CTK_EINPUT,
					 strcmp(format, "auto") ? "unknown format '%s' (see ctk import --help)"
								: "'%s': format not recognised (name it instead of auto)",
					 strcmp(format, "auto") ? format : paths[i]);
		if (!strcmp(format, "auto"))
			fprintf(stderr, "ctk import: '%s': format %s\n", paths[i], imp->name);
		rc = imp->import(db, paths[i], o, &res, err);
		if (rc)
			return rc;
		printf("imported '%s' (%s): run %lld, %d device(s), %lld reading(s), %lld window(s)\n",
		       paths[i], imp->name, (long long)res.run_id, res.devices, (long long)res.samples,
		       (long long)res.windows);
	}
	return 0;
}

int ctk_cmd_import(int argc, char **argv, struct ctk_error *err)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'}, {"tz", required_argument, NULL, 'z'},
		{"label", required_argument, NULL, 'l'}, {"run", required_argument, NULL, 'r'},
		{"gpus", required_argument, NULL, 'g'}, {"replace", no_argument, NULL, 'R'},
		{"simulated", no_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	const char *dbpath = NULL, *run = NULL, *tzspec = NULL;
	struct ctk_tz tz;
	struct ctk_import_opts o = {.warn = print_warning};
	sqlite3 *db = NULL;
	int c, rc;

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
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return ctk_failf(err, CTK_EUSAGE, "bad option");
		}
	}
	if (argc - optind < 2) {
		usage(stderr);
		return ctk_failf(err, CTK_EUSAGE, "need a FORMAT and at least one PATH");
	}
	if (!dbpath)
		return ctk_failf(err, CTK_EUSAGE, "no database given (use --db FILE)");
	if ((rc = ctk_tz_parse(tzspec, &tz, err)))
		return rc;
	o.tz = &tz;
	if ((rc = ctk_db_open(dbpath, CTK_DB_CREATE, &db, err)))
		return rc;
	if (run) {
		if ((rc = ctk_db_find_run(db, run, &o.run_id, err)))
			goto out;
		o.has_run = 1;
	}
	if ((rc = ctk_db_begin(db, err)))
		goto out;
	rc = import_all(db, argv[optind], argv + optind + 1, argc - optind - 1, &o, err);
	if (rc == 0)
		rc = ctk_db_commit(db, err);
	if (rc)
		ctk_db_rollback(db);
out:
	ctk_db_close(db);
	return rc;
}
