/* `ctk intensity VERB`: one file per verb (analyze/cmd/intensity_<verb>.c),
 * each with its own options, so an option that belongs to another verb (or
 * to none) is a usage error naming it. intensity.c holds the table of verbs
 * and the shared option loop.
 * To add a verb: write analyze/cmd/intensity_<verb>.c defining a
 *   `const struct ctk_intensity_verb` (name, usage, notes, options, run),
 *   declare it below, add it to verbs[] in intensity.c, and test that an
 *   option of another verb is refused. */
#ifndef CTK_ANALYZE_CMD_INTENSITY_H
#define CTK_ANALYZE_CMD_INTENSITY_H

#include <getopt.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "common/err.h"

struct ctk_intensity_verb {
	const char *name;
	const char *usage;         /* the synopsis after "ctk intensity " */
	const char *notes;         /* option notes for --help, or NULL */
	const struct option *opts; /* its long options, {NULL} last; --help is added */
	/* argv[0] is the verb; returns 0 or a negative enum ctk_err */
	int (*run)(int argc, char **argv, struct ctk_error *err);
};

extern const struct ctk_intensity_verb ctk_intensity_import, ctk_intensity_default, ctk_intensity_list,
	ctk_intensity_fetch, ctk_intensity_join;

/* Run getopt_long over argv (argv[0] = the verb) with v's options, calling
 * on(ctx, opt, optarg, err) for each. Returns 0 with *first = the first
 * operand, 1 after printing v's help on stdout (--help), or CTK_EUSAGE for
 * an option v does not have (saying which verb has it) or a missing
 * argument. */
int ctk_intensity_opts(const struct ctk_intensity_verb *v, int argc, char **argv,
		       int (*on)(void *ctx, int opt, const char *arg, struct ctk_error *err), void *ctx, int *first,
		       struct ctk_error *err);

/* CTK_EUSAGE unless s is NULL, lifecycle, direct, marginal or a
 * comma-separated preference list. */
int ctk_intensity_signal_check(const char *s, struct ctk_error *err);

/* Print j unformatted on one line of stdout and delete it (j NULL: out of
 * memory). Returns 0 or CTK_ENOMEM. */
int ctk_intensity_put_json(cJSON *j, struct ctk_error *err);

/* Warning callback of the intensity library: "ctk intensity: warning: …" on stderr. */
void ctk_intensity_warn(void *ctx, const char *msg);

#endif
