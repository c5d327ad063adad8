/* --epoch-regex: the command's stdout and stderr go through a small helper
 * process that passes every byte on unchanged and, for each line matching
 * the regex, sends "epoch-start [N]" (N = first group) to the collector over
 * a pipe. The helper, not the collector, holds the command's output pipes,
 * so a collector killed with SIGKILL never makes the command die of SIGPIPE,
 * and it never blocks on the collector: when the marker pipe is full (the
 * collector stopped or slow) the marker is dropped and counted, and the
 * count ("dropped N", read into `dropped`) follows the command's end. */
#ifndef CTK_COLLECTOR_TEE_H
#define CTK_COLLECTOR_TEE_H

#include <regex.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/err.h"

struct ctk_tee {
	pid_t pid;        /* the helper */
	int out_w, err_w; /* give these to the command as fds 1 and 2 */
	int mark_r;       /* read marker lines from here (EOF when the helper ends) */
	char buf[512];    /* partial marker line */
	int len;
	int64_t dropped;  /* markers the helper dropped (pipe full: collector behind) */
};

/* Compile re (POSIX extended) into *out; CTK_EUSAGE with regerror's text. */
int ctk_tee_compile(const char *re, regex_t *out, struct ctk_error *err);

/* Start the helper. */
int ctk_tee_start(struct ctk_tee *t, const regex_t *re, struct ctk_error *err);

/* After the command started: close the write ends the collector holds. */
void ctk_tee_parent_close(struct ctk_tee *t);

/* Read what is ready on mark_r; call fn for each complete marker line (the
 * helper's "dropped N" goes to t->dropped). Returns 0 while open, 1 at EOF. */
int ctk_tee_read(struct ctk_tee *t, void (*fn)(void *ctx, const char *line), void *ctx);

/* Wait for the helper to exit and close everything. */
void ctk_tee_finish(struct ctk_tee *t);

/* The helper's loop, exposed for tests: copy in_out → fd_out and in_err →
 * fd_err, writing marker lines to mark_w (made non-blocking; a marker that
 * does not fit is dropped and counted, and "dropped N" is written, blocking,
 * after both inputs reached EOF). */
void ctk_tee_pump(int in_out, int in_err, int fd_out, int fd_err, int mark_w, const regex_t *re);

#endif
