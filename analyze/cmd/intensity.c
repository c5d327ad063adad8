/* `ctk intensity import|default|list|fetch|join`: the table of verbs (one
 * file each, see intensity.h), `ctk intensity --help`, and the option loop
 * every verb shares, which refuses an option that is not the verb's. Every
 * write is one transaction in the verb; main prints errors. */
#include "analyze/cmd/intensity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/commands.h"
#include "analyze/intensity/formats.h"

static const struct ctk_intensity_verb *const verbs[] = {
	&ctk_intensity_import, &ctk_intensity_default, &ctk_intensity_list, &ctk_intensity_fetch,
	&ctk_intensity_join, NULL,
};

void ctk_intensity_warn(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "ctk intensity: warning: %s\n", msg);
}

int ctk_intensity_put_json(cJSON *j, struct ctk_error *err)
{
	char *s = j ? cJSON_PrintUnformatted(j) : NULL;

	cJSON_Delete(j);
	if (!s)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	printf("%s\n", s);
	free(s);
	return 0;
}

int ctk_intensity_signal_check(const char *s, struct ctk_error *err)
{
	if (s && strcmp(s, "lifecycle") && strcmp(s, "direct") && strcmp(s, "marginal") && !strchr(s, ','))
		return ctk_failf(err, CTK_EUSAGE, "--signal '%s': not lifecycle, direct or marginal", s);
	return 0;
}

static void verb_usage(const struct ctk_intensity_verb *v, FILE *out)
{
	fprintf(out, "usage: ctk intensity %s\n", v->usage);
	if (v->notes)
		fprintf(out, "\n%s", v->notes);
}

static void usage(FILE *out)
{
	for (int i = 0; verbs[i]; i++)
		fprintf(out, "%s ctk intensity %s\n", i ? "      " : "usage:", verbs[i]->usage);
	fprintf(out, "\nformats (import; default: sniffed):\n");
	for (int i = 0; ctk_ci_formats[i]; i++)
		fprintf(out, "  %-22s %s\n", ctk_ci_formats[i]->name, ctk_ci_formats[i]->summary);
	fprintf(out, "\nEach verb takes only its own options: ctk intensity VERB --help lists them.\n"
		     "Each command is one transaction: on any error nothing is stored.\n"
		     "exit status: 0 ok, 1 usage, 2 bad input, 3 I/O, network or database\n");
}

/* The verbs that have option `name` ("--store"), comma-separated, into buf. */
static void owners(const char *name, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; verbs[i]; i++)
		for (const struct option *o = verbs[i]->opts; o->name; o++)
			if (!strcmp(o->name, name) && used < size) {
				used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "", verbs[i]->name);
				break;
			}
}

/* An option v does not take: say so, and whose it is. */
static int not_mine(const struct ctk_intensity_verb *v, const char *arg, struct ctk_error *err)
{
	char name[64], who[128];
	size_t n;

	if (strncmp(arg, "--", 2))
		return ctk_failf(err, CTK_EUSAGE, "%s: unknown option '%s' (see ctk intensity %s --help)", v->name, arg,
				 v->name);
	n = strcspn(arg + 2, "=");
	snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), arg + 2);
	owners(name, who, sizeof who);
	if (!who[0])
		return ctk_failf(err, CTK_EUSAGE, "%s: unknown option '--%s' (see ctk intensity %s --help)", v->name,
				 name, v->name);
	return ctk_failf(err, CTK_EUSAGE, "%s: option '--%s' does not apply (it is an option of %s; see ctk intensity %s --help)",
			 v->name, name, who, v->name);
}

int ctk_intensity_opts(const struct ctk_intensity_verb *v, int argc, char **argv,
		       int (*on)(void *ctx, int opt, const char *arg, struct ctk_error *err), void *ctx, int *first,
		       struct ctk_error *err)
{
	struct option longopts[32];
	int n = 0, c, rc;

	for (const struct option *o = v->opts; o->name && n < 30; o++)
		longopts[n++] = *o;
	longopts[n++] = (struct option){"help", no_argument, NULL, 'h'};
	longopts[n] = (struct option){NULL, 0, NULL, 0};
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c == 'h') {
			verb_usage(v, stdout);
			return 1;
		}
		if (c == ':')
			return ctk_failf(err, CTK_EUSAGE, "%s: option '%s' needs a value", v->name, argv[optind - 1]);
		if (c == '?')
			return not_mine(v, argv[optind - 1], err);
		if ((rc = on(ctx, c, optarg, err)))
			return rc;
	}
	*first = optind;
	return 0;
}

int ctk_cmd_intensity(int argc, char **argv, struct ctk_error *err)
{
	int rc;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? ctk_failf(err, CTK_EUSAGE, "need import, default, list, fetch or join") : 0;
	}
	for (int i = 0; verbs[i]; i++)
		if (!strcmp(argv[1], verbs[i]->name)) {
			rc = verbs[i]->run(argc - 1, argv + 1, err);
			return rc > 0 ? 0 : rc;
		}
	usage(stderr);
	return ctk_failf(err, CTK_EUSAGE, "'%s': not import, default, list, fetch or join", argv[1]);
}
