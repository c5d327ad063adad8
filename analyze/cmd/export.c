/* `ctk export samples --db DB [--run R]`: every stored reading as CSV
 * (run_id, device_id, t_ns, power_w, energy_j, signal) on stdout, decoded
 * from the chunked storage, so readings can be checked with any other tool. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/energy/analysis.h"
#include "analyze/commands.h"
#include "common/csvwrite.h"
#include "common/db.h"
#include "common/samples.h"

/* Print an integer count of 10^-digits units exactly as a decimal. */
static void print_fixed(int64_t v, int digits)
{
	int64_t scale = digits == 3 ? 1000 : 1000000;
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	printf("%s%" PRIu64 ".%0*" PRIu64, v < 0 ? "-" : "", a / (uint64_t)scale, digits, a % (uint64_t)scale);
}

static int export_device(sqlite3 *db, int64_t run_id, int64_t device_id, struct ctk_error *err)
{
	struct ctk_sample_reader *rd = NULL;
	struct ctk_reading r;
	const char *sig;
	int rc;

	if ((rc = ctk_sample_reader_new(db, device_id, &rd, err)))
		return rc;
	while ((rc = ctk_sample_next(rd, &r, &sig, err)) > 0) {
		printf("%" PRId64 ",%" PRId64 ",%" PRId64 ",", run_id, device_id, r.t_ns);
		if (r.has_power)
			print_fixed(r.power_mw, 3);
		putchar(',');
		if (r.has_energy)
			print_fixed(r.energy_uj, 6);
		putchar(',');
		ctk_csv_field(stdout, sig);
		putchar('\n');
	}
	ctk_sample_reader_free(rd);
	return rc;
}

static int export_run(sqlite3 *db, int64_t run_id, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (ctk_db_prepare(db, "SELECT device_id FROM devices WHERE run_id = ? ORDER BY device_id", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	while (!rc && sqlite3_step(st) == SQLITE_ROW)
		rc = export_device(db, run_id, sqlite3_column_int64(st, 0), err);
	sqlite3_finalize(st);
	return rc;
}

int ctk_cmd_export(int argc, char **argv, struct ctk_error *err)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'}, {"run", required_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	const char *dbpath = NULL, *run = NULL;
	sqlite3 *db = NULL;
	int64_t *ids = NULL;
	int n = 0, c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hd:r:", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dbpath = optarg; break;
		case 'r': run = optarg; break;
		case 'h':
			printf("usage: ctk export samples --db DB [--run R]\n\n"
			       "Writes the stored readings of every run (or of run R) as CSV on stdout:\n"
			       "run_id,device_id,t_ns,power_w,energy_j,signal (t_ns: UTC Unix ns; energy_j:\n"
			       "the device's cumulative counter where it has one; empty: not measured).\n"
			       "exit status: 0 ok, 1 usage, 3 I/O or database (a failed write on stdout too)\n");
			return 0;
		default: return ctk_failf(err, CTK_EUSAGE, "bad option (usage: ctk export samples --db DB [--run R])");
		}
	}
	if (optind >= argc || strcmp(argv[optind], "samples"))
		return ctk_failf(err, CTK_EUSAGE, "what to export? (usage: ctk export samples --db DB [--run R])");
	if ((rc = ctk_db_open(dbpath, CTK_DB_READONLY, &db, err)))
		return rc;
	if (!(rc = ctk_analysis_run_ids(db, run, &ids, &n, err))) {
		static const char *const head[] = {"run_id", "device_id", "t_ns", "power_w", "energy_j", "signal"};
		ctk_csv_row(stdout, head, (int)(sizeof head / sizeof head[0]));
		for (int i = 0; i < n && !rc; i++)
			rc = export_run(db, ids[i], err);
	}
	free(ids);
	ctk_db_close(db);
	return rc;
}
