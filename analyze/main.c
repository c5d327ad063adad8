/* ctk-analyze: imports, analysis and queries over a ctk store. main() picks
 * the subcommand from commands[], runs it, and is the only place that prints
 * an error and chooses the exit status (0 ok, 1 usage, 2 bad input, 3 I/O or
 * database, 4 device). */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "analyze/commands.h"
#include "common/cli.h"
#include "common/db.h"
#include "common/version.h"

struct command {
	const char *name;
	ctk_command_fn fn;
	const char *summary;
};

static const struct command commands[] = {
	{"import", ctk_cmd_import, "import FORMAT FILE… --db DB: bring logs into the store"},
	{"analyze", ctk_cmd_analyze, "analyze --db DB [--run R] [--json]: energy per epoch and device"},
	{"export", ctk_cmd_export, "export samples --db DB [--run R]: readings as CSV"},
	{"runs", ctk_cmd_runs, "runs --db DB [--json]: list the runs of a store"},
	{"intensity", ctk_cmd_intensity, "intensity import|default|list|fetch|join: carbon-intensity series"},
	{"evaluate", ctk_cmd_evaluate, "evaluate --db DB [--runs R,…] [--json|--csv]: prediction error per predictor and N"},
	{"compare", ctk_cmd_compare, "compare --db DB --by KEY[,KEY] [--baseline V]: energy and time per group"},
	{"config", ctk_cmd_config, "config --db DB R [key=value…]: show or set a run's config (label, zone, epochs, …)"},
	{"whatif", ctk_cmd_whatif, "whatif --db DB --run R [--zones Z,…] [--json|--csv]: CO2 had the run started at other times or zones"},
	{"merge", ctk_cmd_merge, "merge OUT.db IN.db|DIR… [--as-one]: the per-node stores of one job as one run"},
	{NULL, NULL, NULL},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: ctk-analyze COMMAND [ARGS…]\n\n");
	for (int i = 0; commands[i].name; i++)
		fprintf(out, "  %s\n", commands[i].summary);
	fprintf(out, "\nexit status: 0 ok, 1 usage, 2 bad input, 3 I/O or database, 4 device\n");
}

int main(int argc, char **argv)
{
	struct ctk_error err = {0};

	/* a full file system or --fsize limit must give an error, not kill us */
	signal(SIGXFSZ, SIG_IGN);
	if (ctk_wants_version(argc, argv)) {
		printf("ctk %s\n", ctk_version);
		return 0;
	}

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		if (argc >= 2 && ctk_stdout_check(&err) < 0) {
			fprintf(stderr, "ctk: %s\n", err.msg);
			return ctk_exit_code(CTK_EDB);
		}
		return argc < 2 ? 1 : 0;
	}
	for (int i = 0; commands[i].name; i++) {
		if (strcmp(commands[i].name, argv[1]))
			continue;
		/* getopt's own messages then read "ctk CMD: …" like ours */
		char prog[64];
		snprintf(prog, sizeof prog, "ctk %s", commands[i].name);
		argv[1] = prog;
		int rc = commands[i].fn(argc - 1, argv + 1, &err);
		if (rc <= 0 && ctk_db_corrupt(NULL))
			rc = ctk_db_corrupt(&err); /* a damaged page never passes for "no runs" */
		/* results went to stdout: a write that failed is an error too */
		if (rc >= 0 && ctk_stdout_check(&err) < 0)
			rc = CTK_EDB;
		if (rc < 0) {
			fprintf(stderr, "%s: %s\n", prog, err.msg[0] ? err.msg : ctk_strerror(rc));
			return ctk_exit_code(rc);
		}
		return rc;
	}
	fprintf(stderr, "ctk: '%s' is not a ctk command\n", argv[1]);
	usage(stderr);
	return 1;
}
