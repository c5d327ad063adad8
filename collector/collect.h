/* `ctk collect`: open the sources, create the run in the store, start the
 * command (or attach), sample on absolute deadlines until it ends, and store
 * readings once per flush interval (one transaction each) plus the windows
 * its markers made. The training command is never slowed or killed by the
 * collector: a failing source is logged and backed off, a failing store is
 * logged, and the command keeps running. */
#ifndef CTK_COLLECTOR_COLLECT_H
#define CTK_COLLECTOR_COLLECT_H

#include <stddef.h>
#include <stdint.h>

#include "collector/live.h"
#include "common/err.h"

struct ctk_collect_opts {
	const char *db_spec;       /* --db, may hold %h (host) and %j (SLURM job id) */
	const char *label, *zone;
	int epochs;                /* --epochs: planned epochs (0 unknown) */
	int64_t interval_ns;       /* --interval (default 100 ms) */
	int64_t baseline_ns;       /* --baseline: idle window before the command */
	int64_t flush_ns;          /* --flush; 0: 1 s, or 5 s with batches (collect_int.h) */
	const char *gpus;          /* --gpus or NULL */
	const char *sources;       /* --sources nvml,rapl,hwmon (NULL: all) */
	const char *epoch_regex;   /* --epoch-regex */
	const char *socket_path;   /* --socket (NULL: a private temp dir) */
	const char *metrics_file;  /* --metrics-file: Prometheus textfile (metrics.h), or NULL */
	int attach;                /* --attach: no command, until SIGINT/SIGTERM */
	int stats;                 /* --stats: cost summary on stderr */
	int quiet;                 /* --quiet: no summary line */
	int no_batches;            /* --no-batches: poll every interval even where the
	                              driver keeps its own samples (loop.c) */
	char **cmd;                /* NULL-terminated command, NULL with attach */
	/* warnings ("warning: …") and notes while it runs; main prints them */
	void (*log)(void *ctx, const char *msg);
	void *log_ctx;
	/* live prediction and budgets (live.h; planned is taken from epochs) */
	struct ctk_live_opts live;
	int no_predict;            /* --quiet: no prediction lines (budget messages stay) */
	/* --on-budget ask: put the question to the user; 1 go on, 0 stop,
	 * -1 no terminal to ask on (then it is a warning only) */
	int (*ask)(void *ctx, const char *question);
};

/* What a collection did, for main's summary line and --stats. */
struct ctk_collect_result {
	int status;                /* exit status for ctk-collect: the command's,
	                              128+signal when it was killed, 0 after --attach */
	int64_t run_id;
	int simulated;
	int budget_stopped;        /* the command was stopped by --on-budget stop (or ask: no) */
	int64_t devices, channels, readings, windows, rounds, misses;
	char db_path[4096];
	/* --stats: CPU per round (thread time, instrumentation taken out) */
	double round_us, reads_us, own_us, clock_us, total_cpu_s;
	long maxrss_kib;
};

/* Run the collection and fill *res (also when it fails part-way: then
 * res->run_id may be 0). */
int ctk_collect(const struct ctk_collect_opts *o, struct ctk_collect_result *res, struct ctk_error *err);

/* Expand %h (host name), %j ($SLURM_JOB_ID) and %% in a --db value. */
int ctk_collect_db_path(const char *spec, char *out, size_t size, struct ctk_error *err);
/* The same for another path option (--metrics-file); opt names it in errors. */
int ctk_collect_expand_path(const char *opt, const char *spec, char *out, size_t size, struct ctk_error *err);

#endif
