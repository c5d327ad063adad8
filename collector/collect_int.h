/* Internals of `ctk collect` shared by its files, all working on one
 * struct collector: collect.c (setup, the run's record, the end),
 * loop.c (sampling rounds, flushes, waiting for the next deadline),
 * child.c (the training command and the signals it gets) and budget.c
 * (live prediction and budgets). Not an interface for other modules. */
#ifndef CTK_COLLECTOR_COLLECT_INT_H
#define CTK_COLLECTOR_COLLECT_INT_H

#include <regex.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include "collector/collect.h"
#include "collector/epoch_energy.h"
#include "collector/gpusel.h"
#include "collector/kept.h"
#include "collector/live.h"
#include "collector/markers.h"
#include "collector/metrics.h"
#include "collector/sources.h"
#include "collector/tee.h"
#include "common/samples.h"

#define MAX_SOURCES 8
/* Extra read rounds at markers: at most one per sampling interval on
 * average, with a burst of 4 so that an epoch-end, the next epoch-start and
 * an eval phase's begin and end, sent by separate `ctk mark` calls a few ms
 * apart, each get their own reading; a marker flood (issue 18) thus adds at
 * most one read round per interval. Our choice (issue 15). */
#define CTK_COLL_MARK_READ_BURST 4
/* Batches (issue 18): where every device keeps its own samples or is an
 * exact counter (sources.h can_batch), the loop wakes once per
 * CTK_COLL_BATCH_NS instead of once per interval and takes the readings
 * since the last wake-up; 1 s: our choice, well inside the driver's sample
 * buffer (collector/nvml.c) and equal to the default flush interval, so one
 * wake-up serves both. */
#define CTK_COLL_BATCH_NS CTK_NS_PER_S
/* The default store interval: 1 s; with batches 5 s, where the commit
 * would otherwise cost more than the sampling (bench/RESULTS.md, issue 18):
 * a SIGKILL then loses at most about batch + flush = 6 s of readings
 * (tests/e2e/collect_batch.sh). Our choice. */
#define CTK_COLL_FLUSH_NS CTK_NS_PER_S
#define CTK_COLL_BATCH_FLUSH_NS (5 * CTK_NS_PER_S)
#define COLL_NSIG 5    /* SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGPIPE */

struct collector {
	const struct ctk_collect_opts *o;
	struct ctk_source src[MAX_SOURCES];
	int nsrc;
	struct ctk_source_opts sopts;
	struct ctk_gpusel sel;
	sqlite3 *db;
	char dbpath[4096];
	struct ctk_sample_writer *w;
	int64_t run_id;
	struct ctk_marks marks;
	struct ctk_kept kept;    /* the flush's statements, compiled once (issue 18) */
	struct ctk_mark_server server;
	struct ctk_tee tee;
	int have_tee;
	regex_t re;
	int have_re;
	int64_t regex_lines;     /* output lines --epoch-regex matched */
	int simulated;
	/* signals (child.c) */
	int sig_pipe[2];         /* self-pipe: the handler writes, the loop reads */
	struct sigaction old_sig[COLL_NSIG], old_xfsz;
	int handlers;            /* old_sig holds the previous handlers */
	sigset_t oldmask;
	/* loop state */
	int64_t rounds, misses, store_failures, readings_lost;
	int batch;               /* 1: batches (CTK_COLL_BATCH_NS), else one wake-up per round */
	int64_t flush_ns;        /* --flush, or the default for the mode */
	int64_t wakes;           /* deadline wake-ups (a round each, or a batch each) */
	int64_t flush_max_ns;    /* longest flush (store transaction), for config_json */
	int64_t fail_streak, fail_streak_max; /* flushes failed in a row (readings kept back) */
	int64_t first_ns, last_ns;
	int has_first;
	int64_t backoff_cap;     /* ticks */
	/* readings at the markers (issue 15): a token bucket of extra rounds,
	 * CTK_COLL_MARK_READ_BURST deep, one token per sampling interval */
	struct ctk_mark_bucket mark_read; /* .burst = CTK_COLL_MARK_READ_BURST (markers.h bucket) */
	int64_t mark_reads;      /* extra rounds read at markers */
	int64_t mark_reads_skipped; /* markers that found no token (their edges interpolated) */
	pid_t child;
	int child_done, child_status;
	int64_t child_end_ns;
	int64_t child_done_mono; /* when the command ended (CLOCK_MONOTONIC) */
	int stop_signal;         /* attach/baseline: a stop was asked */
	int tee_eof;
	double round_cpu_s;      /* --stats: CPU time spent in rounds */
	double read_cpu_s;       /* --stats: … of which inside the sources' read calls */
	double clock_s;          /* --stats: cost of one CPU-clock read (calibrated) */
	int64_t reads;           /* --stats: read calls made */
	/* live prediction (live.h) */
	int live_on;
	struct ctk_epoch_energy ee;
	struct ctk_live live;
	int budget_stop;         /* SIGTERM sent for the budget */
	int budget_killed;       /* … and SIGKILL after the grace time */
	int64_t budget_stop_mono;
	const char *budget_key;  /* config_json key of budget_event */
	cJSON *budget_event;
	/* --metrics-file (metrics.c) */
	struct ctk_metrics metrics;
	int has_metrics;
	int64_t metrics_failures; /* writes failed in a row */
	char metrics_host[256];
};

enum loop_until { UNTIL_TIME, UNTIL_CHILD, UNTIL_SIGNAL };

/* collect.c: messages go to the caller's log (main prints them). */
void ctk_coll_say(const struct collector *c, const char *kind, const char *msg);
void ctk_coll_warnf(const struct collector *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *ctk_coll_config_json(struct collector *c, int final);

/* loop.c */
int64_t ctk_coll_mono_ns(void);
double ctk_coll_cpu_s(void);
double ctk_coll_calibrate_clock(void);
/* One sample round: read every channel that is not backing off. */
void ctk_coll_round(struct collector *c);
/* Markers were applied: read every device now (rate-limited, see
 * CTK_COLL_MARK_READ_BURST), so their windows begin and end on readings. */
void ctk_coll_marker_round(struct collector *c);
/* Store buffered readings and windows in one transaction. */
int ctk_coll_flush(struct collector *c, int final, struct ctk_error *err);
/* Sample until the condition holds. The first round is immediate. */
void ctk_coll_loop(struct collector *c, enum loop_until until, int64_t until_mono);

/* metrics.c: --metrics-file opened (after the energy tracker), rewritten at
 * every flush (final: the file written at the end says running 0). */
int ctk_coll_metrics_open(struct collector *c, struct ctk_error *err);
void ctk_coll_metrics_flush(struct collector *c, int final);

/* child.c */
/* Ignore SIGXFSZ (a full disk is the store's error, not our death). */
void ctk_coll_ignore_xfsz(struct collector *c);
/* The self-pipe and the handlers of SIGINT/TERM/HUP/CHLD (SIGPIPE ignored). */
int ctk_coll_signals_install(struct collector *c, struct ctk_error *err);
/* Previous handlers back, the self-pipe closed. */
void ctk_coll_signals_restore(struct collector *c);
/* Read what the handler wrote: reap the command, pass signals on, or note a stop. */
void ctk_coll_signals_read(struct collector *c);
int ctk_coll_start_child(struct collector *c, struct ctk_error *err);

/* budget.c */
void ctk_coll_on_epoch_mark(void *ctx, int start, int64_t idx, int64_t t_ns);
/* Take every epoch the energy tracker finished: predict, print, check the budgets. */
void ctk_coll_live_drain(struct collector *c);
/* A command stopped for the budget that outlives --grace gets SIGKILL. */
void ctk_coll_budget_tick(struct collector *c, int64_t now_mono);
/* The earlier of wake and the grace deadline, while one is pending. */
int64_t ctk_coll_budget_wake(const struct collector *c, int64_t wake);

#endif
