/* Parsing of the GPU selection (--gpus, CUDA_VISIBLE_DEVICES,
 * NVIDIA_VISIBLE_DEVICES) into indices and UUIDs; see gpusel.h. Matching
 * the items against the devices NVML reports is done in nvml.c. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/gpusel.h"
#include "collector/slurm.h"
#include "common/util.h"

static int is_uuid_tail(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isxdigit((unsigned char)*s) && *s != '-')
			return 0;
	return 1;
}

/* One comma-separated item into it; 0 or CTK_EINPUT. */
static int parse_item(const char *tok, struct ctk_gpusel_item *it)
{
	int64_t v;

	memset(it, 0, sizeof(*it));
	it->index = -1;
	if (ctk_parse_int64(tok, &v) == 0) {
		if (v < 0 || v > 4095)
			return CTK_EINPUT;
		it->index = (int)v;
		return 0;
	}
	if (!strncmp(tok, "GPU-", 4) && is_uuid_tail(tok + 4)) {
		snprintf(it->uuid, sizeof it->uuid, "%s", tok);
		return 0;
	}
	if (!strncmp(tok, "MIG-GPU-", 8)) {
		/* old form MIG-GPU-<parent uuid>/<gi>/<ci> */
		const char *slash = strchr(tok, '/');
		char parent[96];
		if (!slash || slash - (tok + 4) >= (long)sizeof parent)
			return CTK_EINPUT;
		snprintf(parent, sizeof parent, "%.*s", (int)(slash - (tok + 4)), tok + 4);
		if (!is_uuid_tail(parent + 4))
			return CTK_EINPUT;
		int gi, ci, used = 0;
		if (sscanf(slash, "/%d/%d%n", &gi, &ci, &used) != 2 || slash[used])
			return CTK_EINPUT;
		snprintf(it->uuid, sizeof it->uuid, "%s", parent);
		it->mig = 1;
		return 0;
	}
	if (!strncmp(tok, "MIG-", 4) && is_uuid_tail(tok + 4)) {
		snprintf(it->uuid, sizeof it->uuid, "%s", tok);
		it->mig = 1;
		return 0;
	}
	return CTK_EINPUT;
}

/* Does this variable number GPUs by device minor number (see gpusel.h)? */
static int by_minor(const char *from)
{
	static const char *const vars[] = {"SLURM_STEP_GPUS", "SLURM_JOB_GPUS", "NVIDIA_VISIBLE_DEVICES", NULL};

	for (int i = 0; vars[i]; i++)
		if (!strcmp(from, vars[i]))
			return 1;
	return 0;
}

int ctk_gpusel_parse(const char *spec, const char *from, struct ctk_gpusel *sel,
		     struct ctk_error *err)
{
	char buf[4096], *p, *comma;

	memset(sel, 0, sizeof(*sel));
	snprintf(sel->from, sizeof sel->from, "%s", from);
	sel->by_minor = by_minor(from);
	if (strlen(spec) >= sizeof buf)
		return ctk_failf(err, CTK_EINPUT, "%s: value too long", from);
	snprintf(buf, sizeof buf, "%s", spec);
	/* trim spaces at both ends */
	p = buf;
	while (*p == ' ')
		p++;
	for (size_t n = strlen(p); n > 0 && p[n - 1] == ' '; n--)
		p[n - 1] = '\0';
	if (!strcmp(p, "all")) {
		sel->all = 1;
		return 0;
	}
	if (!*p || !strcmp(p, "none") || !strcmp(p, "void") || !strcmp(p, "NoDevFiles") ||
	    !strcmp(p, "-1"))
		return 0;
	for (;;) {
		comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		while (*p == ' ')
			p++;
		for (size_t n = strlen(p); n > 0 && p[n - 1] == ' '; n--)
			p[n - 1] = '\0';
		if (sel->n == CTK_GPUSEL_MAX)
			return ctk_failf(err, CTK_EINPUT, "%s: more than %d GPUs", from, CTK_GPUSEL_MAX);
		if (parse_item(p, &sel->item[sel->n]))
			return ctk_failf(err, CTK_EINPUT,
					 "%s='%s': '%s' is not a GPU index, GPU-UUID or MIG-UUID", from,
					 spec, p);
		sel->n++;
		if (!comma)
			break;
		p = comma + 1;
	}
	return 0;
}

int ctk_gpusel_resolve(const char *opt, struct ctk_gpusel *sel, struct ctk_error *err)
{
	const char *v, *from;
	int rc;

	if (opt) {
		rc = ctk_gpusel_parse(opt, "--gpus", sel, err);
		return rc ? (err ? (err->code = CTK_EUSAGE) : CTK_EUSAGE) : 0;
	}
	if ((v = ctk_slurm_gpus(&from))) /* the step's GPUs on this node (slurm.c) */
		return ctk_gpusel_parse(v, from, sel, err);
	if ((v = getenv("CUDA_VISIBLE_DEVICES")))
		return ctk_gpusel_parse(v, "CUDA_VISIBLE_DEVICES", sel, err);
	if ((v = getenv("NVIDIA_VISIBLE_DEVICES")))
		return ctk_gpusel_parse(v, "NVIDIA_VISIBLE_DEVICES", sel, err);
	memset(sel, 0, sizeof(*sel));
	sel->all = 1;
	snprintf(sel->from, sizeof sel->from, "default");
	return 0;
}
