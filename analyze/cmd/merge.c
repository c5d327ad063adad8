/* `ctk merge OUT.db IN.db|DIR… [--as-one]`: the per-node stores of one job
 * (or a spool directory of `ctk slurm prolog|epilog` stores: every *.db in
 * it) as one run per job in OUT (analyze/energy/merge_job.c), then what was
 * merged, read back from OUT: the inputs, the clock offsets estimated from
 * their markers and every device measured twice (kept once). */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analyze/commands.h"
#include "analyze/energy/merge_job.h"
#include "common/db.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ctk merge OUT.db IN.db|DIR… [--as-one]\n\n"
		"Merges the stores of one job's nodes (srun ctk collect --db run-%%h.db, or a spool\n"
		"directory of ctk slurm prolog/epilog stores: every *.db in DIR) into OUT.db (created\n"
		"if missing): the runs of one SLURM job (slurm_job_id in their config) become one\n"
		"run whose devices are keyed by (host, UUID). A device that two inputs measured over\n"
		"the same time is kept once (the first input's copy) and reported with the overlap.\n"
		"The merged run's epochs and phases are those of rank 0 (SLURM_PROCID 0), else of\n"
		"the first input; each other input's clock offset is estimated from the markers it\n"
		"shares with that run (median of start and end differences), printed and stored\n"
		"(tables merge_sources, merge_duplicates). Readings are copied as stored, and so are\n"
		"other tools' reported numbers, analysis settings (the reference run's first) and\n"
		"intensity series (each once).\n"
		"One transaction: a bad input store is an error and OUT is left as it was.\n\n"
		"  --as-one   merge every input run into one run (no SLURM job id needed)\n\n"
		"exit status: 0 ok, 1 usage, 2 bad input, 3 I/O or database\n");
}

struct paths {
	char **p;
	int n, cap;
};

static int paths_add(struct paths *ps, const char *s, struct ctk_error *err)
{
	if (ps->n == ps->cap) {
		int cap = ps->cap ? ps->cap * 2 : 16;
		char **q = realloc(ps->p, sizeof(*q) * (size_t)cap);
		if (!q)
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		ps->p = q;
		ps->cap = cap;
	}
	if (!(ps->p[ps->n] = strdup(s)))
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	ps->n++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory stands for its *.db files, in name order. */
static int add_input(struct paths *ps, const char *arg, struct ctk_error *err)
{
	struct stat sb;
	DIR *d;
	struct dirent *e;
	int first = ps->n, rc = 0;

	if (stat(arg, &sb))
		return ctk_failf(err, CTK_EINPUT, "'%s': no such store or directory", arg);
	if (!S_ISDIR(sb.st_mode))
		return paths_add(ps, arg, err);
	if (!(d = opendir(arg)))
		return ctk_failf(err, CTK_EDB, "'%s': cannot read the directory", arg);
	while (!rc && (e = readdir(d))) {
		size_t l = strlen(e->d_name);
		char path[4096];
		if (l < 4 || strcmp(e->d_name + l - 3, ".db"))
			continue;
		if (snprintf(path, sizeof path, "%s/%s", arg, e->d_name) >= (int)sizeof path)
			continue;
		rc = paths_add(ps, path, err);
	}
	closedir(d);
	if (!rc && ps->n == first)
		return ctk_failf(err, CTK_EINPUT, "'%s': no *.db store in the directory", arg);
	qsort(ps->p + first, (size_t)(ps->n - first), sizeof(*ps->p), cmp_str);
	return rc;
}

/* What went into merged run id, read back from out. */
static int print_run(sqlite3 *db, int64_t id, struct ctk_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = ctk_db_prepare(db, "SELECT r.label, (SELECT count(*) FROM merge_sources s WHERE s.run_id = r.run_id), "
				 "(SELECT count(*) FROM devices d WHERE d.run_id = r.run_id), (SELECT count(DISTINCT "
				 "coalesce(host, '')) FROM devices d WHERE d.run_id = r.run_id) FROM runs r WHERE run_id = ?",
				 &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		printf("run %lld '%s': %d input run(s), %d device(s) on %d host(s)\n", (long long)id,
		       sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "",
		       sqlite3_column_int(st, 1), sqlite3_column_int(st, 2), sqlite3_column_int(st, 3));
	sqlite3_finalize(st);
	if ((rc = ctk_db_prepare(db, "SELECT path, source_run_id, coalesce(host, '?'), coalesce(slurm_procid, '?'), "
				 "reference, clock_offset_ns, markers_matched, devices, devices_dropped FROM merge_sources "
				 "WHERE run_id = ? ORDER BY rowid", &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char off[96];
		if (sqlite3_column_int(st, 4))
			snprintf(off, sizeof off, "reference (its epochs and phases are the run's)");
		else if (sqlite3_column_type(st, 5) == SQLITE_NULL)
			snprintf(off, sizeof off, "clock offset not known (no marker in common)");
		else
			snprintf(off, sizeof off, "clock offset %+.3f ms from %d marker(s)",
				 (double)sqlite3_column_int64(st, 5) / 1e6, sqlite3_column_int(st, 6));
		printf("  '%s' run %lld (host %s, rank %s): %d device(s), %d dropped; %s\n",
		       (const char *)sqlite3_column_text(st, 0), (long long)sqlite3_column_int64(st, 1),
		       (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
		       sqlite3_column_int(st, 7), sqlite3_column_int(st, 8), off);
	}
	sqlite3_finalize(st);
	if ((rc = ctk_db_prepare(db, "SELECT coalesce(host, '?'), coalesce(uuid, '?'), kept_path, kept_run_id, "
				 "dropped_path, dropped_run_id, overlap_ns FROM merge_duplicates WHERE run_id = ? "
				 "ORDER BY rowid", &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW)
		printf("  duplicate: %s %s measured by '%s' run %lld and '%s' run %lld over the same %.3f s: "
		       "counted once (the second copy dropped)\n", (const char *)sqlite3_column_text(st, 0),
		       (const char *)sqlite3_column_text(st, 1), (const char *)sqlite3_column_text(st, 2),
		       (long long)sqlite3_column_int64(st, 3), (const char *)sqlite3_column_text(st, 4),
		       (long long)sqlite3_column_int64(st, 5), (double)sqlite3_column_int64(st, 6) / 1e9);
	sqlite3_finalize(st);
	return 0;
}

int ctk_cmd_merge(int argc, char **argv, struct ctk_error *err)
{
	static const struct option longopts[] = {
		{"as-one", no_argument, NULL, 'a'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct ctk_merge_opts o = {0};
	struct paths ps = {0};
	int64_t *runs = NULL;
	int nruns = 0, c, rc = 0;
	sqlite3 *db = NULL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (c != 'a') {
			usage(stderr);
			return ctk_failf(err, CTK_EUSAGE, "bad option");
		}
		o.as_one = 1;
	}
	if (argc - optind < 2) {
		usage(stderr);
		return ctk_failf(err, CTK_EUSAGE, "give the output store and at least one input store");
	}
	for (int i = optind + 1; i < argc && !rc; i++)
		rc = add_input(&ps, argv[i], err);
	if (!rc && !(rc = ctk_merge(argv[optind], ps.p, ps.n, &o, &runs, &nruns, err)) &&
	    !(rc = ctk_db_open(argv[optind], CTK_DB_READONLY, &db, err)))
		for (int i = 0; i < nruns && !rc; i++)
			rc = print_run(db, runs[i], err);
	ctk_db_close(db);
	free(runs);
	for (int i = 0; i < ps.n; i++)
		free(ps.p[i]);
	free(ps.p);
	return rc;
}
