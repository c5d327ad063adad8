/* ctk: the dispatcher. Like git, `ctk CMD ARGS…` runs the tool that owns CMD
 * (ctk-collect, ctk-analyze or ctk-report) from the directory this program
 * lives in, else from PATH. commands[] is the one table of subcommands. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cli.h"
#include "common/version.h"

struct dispatch {
	const char *name;
	const char *tool;
	const char *summary;
};

/* To add a subcommand: add a line here and handle it in the tool's main. */
static const struct dispatch commands[] = {
	{"collect", "ctk-collect", "run a command and sample its devices into a store"},
	{"mark", "ctk-collect", "tell a running collector about an epoch or phase"},
	{"import", "ctk-analyze", "bring logs in (nvidia-smi, epochs, other trackers)"},
	{"analyze", "ctk-analyze", "energy per epoch and device, whole-run energy"},
	{"export", "ctk-analyze", "write stored readings as CSV"},
	{"runs", "ctk-analyze", "list the runs in a store"},
	{"intensity", "ctk-analyze", "carbon-intensity series: import, default, list, fetch, join"},
	{"evaluate", "ctk-analyze", "prediction error per predictor and epochs observed"},
	{"compare", "ctk-analyze", "energy and time per epoch across configurations"},
	{"config", "ctk-analyze", "show or set a run's config (label, zone, epochs, gpu…)"},
	{"whatif", "ctk-analyze", "CO2 had the run started at another hour or in another zone"},
	{"merge", "ctk-analyze", "the per-node stores of one job as one run, each device once"},
	{"slurm", "ctk-collect", "SLURM Prolog/Epilog: every job's GPU energy into a spool"},
	{"report", "ctk-report", "tables (CSV, Markdown, LaTeX) for papers"},
	{NULL, NULL, NULL},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: ctk COMMAND [ARGS…]   (ctk COMMAND --help for more)\n\ncommands:\n");
	for (int i = 0; commands[i].name; i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nexit status: 0 ok, 1 usage, 2 bad input, 3 I/O or database, 4 device\n");
}

/* Directory of this executable, so build/bin/ctk finds build/bin/ctk-*. */
static int self_dir(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	char *slash;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	return 0;
}

int main(int argc, char **argv)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	const struct dispatch *d = NULL;

	if (argc == 2 && ctk_wants_version(argc, argv)) { /* `ctk TOOL --version`: the tool says it */
		printf("ctk %s\n", ctk_version);
		return 0;
	}
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		struct ctk_error err = {0};
		usage(argc < 2 ? stderr : stdout);
		if (argc >= 2 && ctk_stdout_check(&err) < 0) {
			fprintf(stderr, "ctk: %s\n", err.msg);
			return 3;
		}
		return argc < 2 ? 1 : 0;
	}
	for (int i = 0; commands[i].name; i++)
		if (!strcmp(commands[i].name, argv[1]))
			d = &commands[i];
	if (!d) {
		fprintf(stderr, "ctk: '%s' is not a ctk command\n", argv[1]);
		usage(stderr);
		return 1;
	}
	argv[0] = (char *)d->tool;
	if (self_dir(dir, sizeof dir) == 0) {
		snprintf(path, sizeof path, "%s/%s", dir, d->tool);
		if (access(path, X_OK) == 0)
			execv(path, argv);
	}
	execvp(d->tool, argv);
	fprintf(stderr, "ctk: cannot run '%s': %s\n", d->tool, strerror(errno));
	return 3;
}
