/* `ctk compare --db DB --by KEY[,KEY] [--runs R,…] [--baseline V] [--json|--csv]`:
 * hardware and configuration comparison across runs. Runs are grouped by
 * the values of KEY (from runs.config_json, set with `ctk config`; `label`,
 * `zone`, `epochs` from runs; `gpu` falls back to the first GPU's name and
 * `gpus` to the number of GPUs). Per group, over the pooled epochs of its
 * runs: energy per epoch, time per epoch and energy per item (when items are
 * known), each mean with a 95 % t interval of the mean, and the ratio of the
 * means to a baseline group with a 95 % delta-method interval. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/energy/analysis.h"
#include "analyze/commands.h"
#include "common/db.h"
#include "common/runkey.h"
#include "common/csvwrite.h"
#include "common/stats.h"

#define MAX_KEYS 8

enum fmt { FMT_TABLE, FMT_JSON, FMT_CSV };

struct cmp_opts {
	const char *db, *by, *runs, *baseline;
	enum fmt fmt;
	char keys[MAX_KEYS][64];
	int nkeys;
};

struct series {
	double *x;
	int n, cap;
};

struct group {
	char name[512];
	int runs;
	struct series e, d, epi;   /* J per epoch, s per epoch, J per item */
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ctk compare --db DB --by KEY[,KEY…] [--runs R[,R…]] [--baseline VALUE]\n"
		"                   [--json|--csv]\n\n"
		"Groups runs by KEY (set with `ctk config --db DB RUN KEY=VALUE`; also label,\n"
		"zone, epochs; gpu defaults to the GPU's name, gpus to the GPU count) and\n"
		"gives per group, over the pooled epochs of its runs, energy per epoch (J,\n"
		"devices summed), time per epoch (s) and energy per item (J, when epochs\n"
		"have items): mean [95 %% t interval of the mean], and the ratio of means to\n"
		"the baseline group (--baseline, values joined by ',', default the first)\n"
		"with a 95 %% delta-method interval.\n"
		"exit status: 0 ok, 1 usage, 2 bad input, 3 I/O or database\n");
}

static int parse_keys(struct cmp_opts *o, struct ctk_error *err)
{
	const char *p = o->by;

	while (*p) {
		size_t n = strcspn(p, ",");
		if (n == 0 || n >= sizeof o->keys[0] || o->nkeys == MAX_KEYS)
			return ctk_failf(err, CTK_EUSAGE, "--by '%s': want KEY[,KEY…] (at most %d)", o->by, MAX_KEYS);
		for (size_t i = 0; i < n; i++)
			if (p[i] == '"' || p[i] == '\\')
				return ctk_failf(err, CTK_EUSAGE, "--by '%s': bad key", o->by);
		snprintf(o->keys[o->nkeys++], sizeof o->keys[0], "%.*s", (int)n, p);
		p += n + (p[n] == ',');
	}
	return o->nkeys ? 0 : ctk_failf(err, CTK_EUSAGE, "--by: no key");
}

static int parse_opts(int argc, char **argv, struct cmp_opts *o, struct ctk_error *err)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'}, {"by", required_argument, NULL, 'b'},
		{"runs", required_argument, NULL, 'r'}, {"baseline", required_argument, NULL, 'B'},
		{"json", no_argument, NULL, 'j'}, {"csv", no_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hd:b:r:B:jc", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'b': o->by = optarg; break;
		case 'r': o->runs = optarg; break;
		case 'B': o->baseline = optarg; break;
		case 'j': o->fmt = FMT_JSON; break;
		case 'c': o->fmt = FMT_CSV; break;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return ctk_failf(err, CTK_EUSAGE, "bad option");
		}
	}
	if ((rc = ctk_cmd_args_end(argc, argv, o->db, err)))
		return rc;
	if (!o->by)
		return ctk_failf(err, CTK_EUSAGE, "no grouping given (use --by KEY, e.g. --by gpu)");
	return parse_keys(o, err);
}

static int push(struct series *s, double v)
{
	if (s->n == s->cap) {
		int cap = s->cap ? s->cap * 2 : 16;
		double *x = realloc(s->x, (size_t)cap * sizeof(*x));
		if (!x)
			return CTK_ENOMEM;
		s->x = x;
		s->cap = cap;
	}
	s->x[s->n++] = v;
	return 0;
}

/* The value of key for run_id (common/runkey.h: the rule the report's
 * comparison uses too). */
static int key_value(sqlite3 *db, int64_t run_id, const char *key, char *buf, size_t size, struct ctk_error *err)
{
	return ctk_run_key_value(db, run_id, key, buf, size, err);
}

static struct group *find_group(struct group **g, int *ng, const char *name)
{
	for (int i = 0; i < *ng; i++)
		if (!strcmp((*g)[i].name, name))
			return &(*g)[i];
	struct group *p = realloc(*g, (size_t)(*ng + 1) * sizeof(*p));
	if (!p)
		return NULL;
	*g = p;
	memset(&p[*ng], 0, sizeof(p[*ng]));
	snprintf(p[*ng].name, sizeof p[*ng].name, "%s", name);
	return &p[(*ng)++];
}

static int add_run(sqlite3 *db, int64_t run_id, const struct cmp_opts *o, struct group **g, int *ng,
		   struct ctk_error *err)
{
	struct ctk_run_result r;
	char name[512] = "", val[128];
	size_t len = 0;
	int rc;

	for (int k = 0; k < o->nkeys; k++) {
		if ((rc = key_value(db, run_id, o->keys[k], val, sizeof val, err)))
			return rc;
		len += (size_t)snprintf(name + len, sizeof name - len, "%s%s", k ? "," : "", val);
		if (len >= sizeof name)
			len = sizeof name - 1;
	}
	if ((rc = ctk_analysis_run(db, run_id, &r, err)))
		goto out;
	if (r.nwin == 0)
		goto out;   /* no epochs: nothing per epoch to compare */
	struct group *gr = find_group(g, ng, name);
	if (!gr) {
		rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
		goto out;
	}
	gr->runs++;
	for (int k = 0; k < r.nwin && !rc; k++) {
		int complete;
		double e = ctk_epoch_energy_j(&r, k, &complete);
		rc = push(&gr->d, (double)(r.win[k].end_ns - r.win[k].start_ns) / 1e9);
		if (!rc && complete)
			rc = push(&gr->e, e);
		if (!rc && complete && r.items[k] > 0)
			rc = push(&gr->epi, e / (double)r.items[k]);
	}
	if (rc)
		rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
out:
	ctk_run_result_free(&r);
	return rc;
}

/* Mean with its 95 % t interval: the rule of common/stats.h, the same as the
 * report's hardware comparison. */
static struct ctk_mean_ci stat_of(const struct series *s)
{
	return ctk_mean_ci(s->x, s->n, 0.95);
}

static int cmp_group(const void *a, const void *b)
{
	return strcmp(((const struct group *)a)->name, ((const struct group *)b)->name);
}

static void stat_text(char *buf, size_t size, struct ctk_mean_ci s, int prec)
{
	if (!s.valid)
		snprintf(buf, size, "NULL");
	else if (!s.has_interval)
		snprintf(buf, size, "%.*f", prec, s.mean);
	else
		snprintf(buf, size, "%.*f [%.*f, %.*f]", prec, s.mean, prec, s.lo, prec, s.hi);
}

/* Numbers to 10 significant digits, like the report's CSV tables. */
static void stat_csv(struct ctk_mean_ci s)
{
	if (!s.valid)
		printf(",,,");
	else if (!s.has_interval)
		printf(",%.10g,,", s.mean);
	else
		printf(",%.10g,%.10g,%.10g", s.mean, s.lo, s.hi);
}

static cJSON *stat_json(struct ctk_mean_ci s)
{
	if (!s.valid)
		return cJSON_CreateNull();
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "mean", s.mean);
	if (s.has_interval) {
		cJSON_AddNumberToObject(j, "lo", s.lo);
		cJSON_AddNumberToObject(j, "hi", s.hi);
	} else {
		cJSON_AddNullToObject(j, "lo");
		cJSON_AddNullToObject(j, "hi");
	}
	cJSON_AddNumberToObject(j, "n", (double)s.n);
	return j;
}

static int output(const struct cmp_opts *o, struct group *g, int ng, struct ctk_error *err)
{
	int base = 0;
	cJSON *root = NULL, *arr = NULL;

	qsort(g, (size_t)ng, sizeof(*g), cmp_group);
	if (o->baseline) {
		base = -1;
		for (int i = 0; i < ng; i++)
			if (!strcmp(g[i].name, o->baseline))
				base = i;
		if (base < 0)
			return ctk_failf(err, CTK_EUSAGE, "--baseline '%s': no such group (see ctk compare --by %s)",
					 o->baseline, o->by);
	}
	struct ctk_mean_ci be = stat_of(&g[base].e), bd = stat_of(&g[base].d);
	if (o->fmt == FMT_JSON) {
		root = cJSON_CreateObject();
		cJSON_AddNumberToObject(root, "schema_version", 1);
		cJSON_AddStringToObject(root, "by", o->by);
		cJSON_AddStringToObject(root, "baseline", g[base].name);
		cJSON_AddNumberToObject(root, "confidence", 0.95);
		arr = cJSON_AddArrayToObject(root, "groups");
	} else if (o->fmt == FMT_CSV) {
		static const char *const head[] = {"group", "runs", "epochs", "energy_j_per_epoch", "energy_lo",
			"energy_hi", "time_s_per_epoch", "time_lo", "time_hi", "energy_j_per_item", "per_item_lo",
			"per_item_hi", "energy_ratio", "energy_ratio_lo", "energy_ratio_hi", "time_ratio", "time_ratio_lo",
			"time_ratio_hi"};
		ctk_csv_row(stdout, head, (int)(sizeof head / sizeof head[0]));
	} else {
		printf("%-24s %4s %6s  %-34s %-28s %-28s %-24s %s\n", o->by, "runs", "epochs", "energy_j/epoch [95% CI]",
		       "time_s/epoch [95% CI]", "energy_j/item [95% CI]", "energy ratio", "time ratio");
	}
	for (int i = 0; i < ng; i++) {
		struct ctk_mean_ci e = stat_of(&g[i].e), d = stat_of(&g[i].d), it = stat_of(&g[i].epi);
		struct ctk_mean_ci re = ctk_ratio_ci(&e, &be, 0.95), rd = ctk_ratio_ci(&d, &bd, 0.95);
		if (i == base)   /* the baseline against itself: exactly 1 */
			re.has_interval = rd.has_interval = 0;
		if (o->fmt == FMT_JSON) {
			cJSON *j = cJSON_CreateObject();
			cJSON_AddStringToObject(j, "group", g[i].name);
			cJSON_AddNumberToObject(j, "runs", g[i].runs);
			cJSON_AddNumberToObject(j, "epochs", g[i].d.n);
			cJSON_AddItemToObject(j, "energy_j_per_epoch", stat_json(e));
			cJSON_AddItemToObject(j, "time_s_per_epoch", stat_json(d));
			cJSON_AddItemToObject(j, "energy_j_per_item", stat_json(it));
			cJSON_AddItemToObject(j, "energy_ratio", stat_json(re));
			cJSON_AddItemToObject(j, "time_ratio", stat_json(rd));
			cJSON_AddItemToArray(arr, j);
		} else if (o->fmt == FMT_CSV) {
			ctk_csv_field(stdout, g[i].name);
			printf(",%d,%d", g[i].runs, g[i].d.n);
			stat_csv(e), stat_csv(d), stat_csv(it), stat_csv(re), stat_csv(rd);
			printf("\n");
		} else {
			char a[64], b[64], c[64], r1[64], r2[64];
			stat_text(a, sizeof a, e, 1);
			stat_text(b, sizeof b, d, 2);
			stat_text(c, sizeof c, it, 4);
			stat_text(r1, sizeof r1, re, 3);
			stat_text(r2, sizeof r2, rd, 3);
			printf("%-24.24s %4d %6d  %-34s %-28s %-28s %-24s %s%s\n", g[i].name, g[i].runs, g[i].d.n, a, b, c,
			       r1, r2, i == base ? "  (baseline)" : "");
		}
	}
	if (root) {
		char *s = cJSON_Print(root);
		cJSON_Delete(root);
		if (!s)
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		puts(s);
		free(s);
	}
	return 0;
}

int ctk_cmd_compare(int argc, char **argv, struct ctk_error *err)
{
	struct cmp_opts o = {0};
	sqlite3 *db = NULL;
	struct group *g = NULL;
	int64_t *ids = NULL;
	int n = 0, ng = 0, rc;

	if ((rc = parse_opts(argc, argv, &o, err)))
		return rc > 0 ? 0 : rc;
	if ((rc = ctk_db_open(o.db, CTK_DB_READONLY, &db, err)))
		return rc;
	if (o.runs) {
		char list[4096], *p, *save = NULL;
		snprintf(list, sizeof list, "%s", o.runs);
		for (p = strtok_r(list, ",", &save); p && !rc; p = strtok_r(NULL, ",", &save)) {
			int64_t id, *q = realloc(ids, (size_t)(n + 1) * sizeof(*q));
			if (!q) {
				rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
				break;
			}
			ids = q;
			if (!(rc = ctk_db_find_run(db, p, &id, err)))
				ids[n++] = id;
		}
	} else {
		rc = ctk_analysis_run_ids(db, NULL, &ids, &n, err);
	}
	for (int i = 0; i < n && !rc; i++)
		rc = add_run(db, ids[i], &o, &g, &ng, err);
	if (!rc && ng == 0)
		rc = ctk_failf(err, CTK_EINPUT, "no run with epochs in '%s' (add them: ctk import epochs)", o.db);
	if (!rc)
		rc = output(&o, g, ng, err);
	for (int i = 0; i < ng; i++) {
		free(g[i].e.x);
		free(g[i].d.x);
		free(g[i].epi.x);
	}
	free(g);
	free(ids);
	ctk_db_close(db);
	return rc;
}
