/* `ctk intensity import PATH… --db DB [--format F] [--zone Z] [--tz Z]
 * [--signal S] [--unit U]`: carbon-intensity files into the store, one
 * format per file (sniffed unless --format), all files in one transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/cmd/intensity.h"
#include "analyze/intensity/formats.h"
#include "common/db.h"
#include "common/input.h"
#include "common/text.h"
#include "common/time.h"

enum { O_DB = 256, O_FORMAT, O_ZONE, O_TZ, O_SIGNAL, O_UNIT };

struct args {
	const char *db, *format, *zone, *tz, *signal, *unit;
};

static int on_opt(void *ctx, int opt, const char *arg, struct ctk_error *err)
{
	struct args *a = ctx;

	switch (opt) {
	case O_DB: a->db = arg; break;
	case O_FORMAT: a->format = arg; break;
	case O_ZONE: a->zone = arg; break;
	case O_TZ: a->tz = arg; break;
	case O_SIGNAL: a->signal = arg; return ctk_intensity_signal_check(arg, err);
	case O_UNIT: a->unit = arg; break;
	}
	return 0;
}

/* Import argv[first..argc) inside the caller's transaction; the summary
 * line of each file goes to out, printed only after the commit (a file that
 * is rolled back is never said to be imported). */
static int import_paths(sqlite3 *db, const struct ctk_ci_format *f, const struct ctk_ci_opts *o, int first,
			int argc, char **argv, FILE *out, struct ctk_error *err)
{
	int rc = 0;

	for (int i = first; i < argc && !rc; i++) {
		const struct ctk_ci_format *used = NULL;
		int64_t points = 0;
		int series = 0;
		struct ctk_text_notes notes;
		char msg[4608], line[512];
		if ((rc = ctk_input_prepare(argv[i], err))) /* a pipe read once; a device refused */
			break;
		rc = ctk_ci_import_path(db, f, argv[i], o, &used, &points, &series, err);
		ctk_text_notes_take(&notes);
		ctk_text_notes_format(&notes, line, sizeof line);
		if (line[0]) {
			snprintf(msg, sizeof msg, "'%s': %s", argv[i], line);
			ctk_intensity_warn(NULL, msg);
		}
		if (!rc)
			fprintf(out, "imported '%s' (%s): %d series, %lld value(s)\n", argv[i], used->name, series,
				(long long)points);
	}
	return rc;
}

static int run(int argc, char **argv, struct ctk_error *err)
{
	struct args a = {0};
	const struct ctk_ci_format *f = NULL;
	struct ctk_tz tz;
	sqlite3 *db = NULL;
	int first, rc, made;

	if ((rc = ctk_intensity_opts(&ctk_intensity_import, argc, argv, on_opt, &a, &first, err)))
		return rc;
	if (first >= argc)
		return ctk_failf(err, CTK_EUSAGE, "import: need at least one PATH");
	if (!a.db)
		return ctk_failf(err, CTK_EUSAGE, "no database given (use --db FILE)");
	if (a.format && !(f = ctk_ci_format_find(a.format)))
		return ctk_failf(err, CTK_EUSAGE, "unknown format '%s' (see ctk intensity --help)", a.format);
	if ((rc = ctk_tz_parse(a.tz, &tz, err)))
		return rc;
	struct ctk_ci_opts o = {.zone = a.zone, .signal = a.signal, .unit = a.unit, .tz = &tz,
				.warn = ctk_intensity_warn};
	char *said = NULL;
	size_t said_len = 0;
	FILE *out = open_memstream(&said, &said_len);
	if (!out)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	made = ctk_db_missing(a.db);
	if ((rc = ctk_db_open(a.db, CTK_DB_CREATE, &db, err)))
		goto done;
	if (!(rc = ctk_db_begin(db, err))) {
		if (!(rc = import_paths(db, f, &o, first, argc, argv, out, err)))
			rc = ctk_db_commit(db, err);
		if (rc) {
			ctk_db_rollback(db);
			if (argc - first > 1)
				ctk_error_prefix(err, "nothing imported (all %d files roll back together): ", argc - first);
		}
	}
done:
	fclose(out);
	if (!rc && said)
		fputs(said, stdout);
	free(said);
	ctk_input_release_all();
	ctk_db_close(db);
	if (rc && made)
		ctk_db_discard(a.db);
	return rc;
}

static const struct option opts[] = {
	{"db", required_argument, NULL, O_DB}, {"format", required_argument, NULL, O_FORMAT},
	{"zone", required_argument, NULL, O_ZONE}, {"tz", required_argument, NULL, O_TZ},
	{"signal", required_argument, NULL, O_SIGNAL}, {"unit", required_argument, NULL, O_UNIT},
	{NULL, 0, NULL, 0},
};

const struct ctk_intensity_verb ctk_intensity_import = {
	.name = "import",
	.usage = "import PATH… --db DB [--format F] [--zone Z] [--tz Z]\n"
		 "                            [--signal lifecycle|direct|marginal] [--unit g/kWh|lbs/MWh]",
	.notes = "--format F  one of the formats of ctk intensity --help (default: sniffed per file)\n"
		 "--zone Z    zone for files that do not name one (checked against files that do)\n"
		 "--tz ZONE   zone of zone-less times (IANA name or offset; default UTC, with a warning)\n"
		 "--signal S  lifecycle (Electricity Maps default), direct (UK, DK default) or marginal (WattTime)\n"
		 "--unit U    unit of files that do not state it (WattTime default lbs/MWh, converted to g/kWh)\n",
	.opts = opts,
	.run = run,
};
