/* `ctk analyze --db DB [--run R] [--json] [--pue P]`: energy per epoch and
 * device, whole-run energy, energy outside epochs and coverage, for every run
 * (or one). Results are stored in epoch_energy/device_energy in one
 * transaction and printed as a table, or as JSON (schemas/analyze.schema.json). */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analysis.h"
#include "analyze/commands.h"
#include "analyze/predict_eval.h"
#include "common/db.h"
#include "common/time.h"
#include "common/util.h"

/* carbontracker's default PUE: the 2020 global average data-centre PUE of
 * 1.58 from the Uptime Institute survey, as used by Anthony et al. (2020). */
#define CT_PUE 1.58

struct opts {
	const char *db, *run;
	int json;
	double pue;
	const char *pue_source;
	struct ctk_predict_opts pred;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ctk analyze --db DB [--run R] [--json] [--pue P|carbontracker]\n"
		"                   [--predict-after K|A..B] [--epochs N]\n\n"
		"Energy per epoch and device (counter difference where the device has an energy\n"
		"counter, else the trapezoid over power), whole-run energy (first to last reading),\n"
		"energy outside epochs and coverage (share of time with readings at most two\n"
		"sampling periods apart). Devices are summed, never averaged.\n\n"
		"  --run R     run id or label (default: every run)\n"
		"  --json      print JSON (schemas/analyze.schema.json) instead of a table\n"
		"  --pue P     power usage effectiveness for facility energy (default 1.0;\n"
		"              'carbontracker' = 1.58, Uptime Institute 2020 global average)\n"
		"  --predict-after K|A..B  predict the epochs' totals after N = 1..K (or A..B)\n"
		"              epochs with every predictor and store them with the error\n"
		"              (default: every N below the run's epochs)\n"
		"  --epochs N  planned epochs (default: the run's planned epochs, else its epochs)\n"
		"exit status: 0 ok, 1 usage, 2 bad input, 3 I/O or database\n");
}

static int parse_opts(int argc, char **argv, struct opts *o, struct ctk_error *err)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'}, {"run", required_argument, NULL, 'r'},
		{"json", no_argument, NULL, 'j'}, {"pue", required_argument, NULL, 'p'},
		{"predict-after", required_argument, NULL, 'P'}, {"epochs", required_argument, NULL, 'E'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	int64_t v;
	int c;

	o->pue = 1.0;
	o->pue_source = "default 1.0 (own hardware, no facility overhead)";
	optind = 1;
	while ((c = getopt_long(argc, argv, "hd:r:jp:", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'r': o->run = optarg; break;
		case 'j': o->json = 1; break;
		case 'p':
			if (!strcmp(optarg, "carbontracker")) {
				o->pue = CT_PUE;
				o->pue_source = "carbontracker preset 1.58 (Uptime Institute 2020 global average)";
			} else if (ctk_parse_double(optarg, &o->pue) || o->pue < 1.0 || o->pue > 5.0) {
				return ctk_failf(err, CTK_EUSAGE, "--pue '%s': not a PUE between 1 and 5", optarg);
			} else {
				o->pue_source = "given with --pue";
			}
			break;
		case 'P':
			if (ctk_predict_parse_range(optarg, &o->pred.from_n, &o->pred.to_n, err))
				return CTK_EUSAGE;
			break;
		case 'E':
			if (ctk_parse_int64(optarg, &v) || v < 1 || v > 1000000)
				return ctk_failf(err, CTK_EUSAGE, "--epochs '%s': not a number of epochs >= 1", optarg);
			o->pred.planned = (int)v;
			break;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return ctk_failf(err, CTK_EUSAGE, "bad option");
		}
	}
	if (optind < argc)
		return ctk_failf(err, CTK_EUSAGE, "unexpected argument '%s'", argv[optind]);
	if (!o->db)
		return ctk_failf(err, CTK_EUSAGE, "no database given (use --db FILE)");
	return 0;
}

/* ---- text output ------------------------------------------------------- */

static void device_label(const struct ctk_dev_result *d, char *buf, size_t size)
{
	if (d->has_idx)
		snprintf(buf, size, "%s%d", d->kind, d->idx);
	else
		snprintf(buf, size, "%s#%lld", d->kind, (long long)d->device_id);
}

static void print_devices(const struct ctk_run_result *r)
{
	char lab[32];

	printf("  %-8s %-28s %9s %9s %14s %12s %-9s %8s\n", "device", "name", "readings", "period_s",
	       "energy_j", "energy_kwh", "method", "coverage");
	for (int i = 0; i < r->ndev; i++) {
		const struct ctk_dev_result *d = &r->dev[i];
		device_label(d, lab, sizeof lab);
		printf("  %-8s %-28.28s %9lld %9.3f %14.3f %12.6f %-9s %7.1f%%\n", lab,
		       *d->name ? d->name : "-", (long long)d->in.readings, d->period_s,
		       d->in.total.energy_j, d->in.total.energy_j / 3.6e6, ctk_energy_method(&d->in.total),
		       100.0 * (d->in.readings > 1 ? ctk_energy_coverage(&d->in.total, d->in.first_ns, d->in.last_ns) : 0));
	}
}

static void print_epochs(const struct ctk_run_result *r)
{
	char lab[32], start[40];
	int per_dev = r->ndev <= 8;

	printf("  %-6s %-24s %10s", "epoch", "start (UTC)", "duration_s");
	for (int i = 0; per_dev && i < r->ndev; i++) {
		device_label(&r->dev[i], lab, sizeof lab);
		printf(" %10s_j", lab);
	}
	printf(" %14s %12s %8s\n", "total_j", "total_kwh", "coverage");
	for (int k = 0; k < r->nwin; k++) {
		int complete;
		double e = ctk_epoch_energy_j(r, k, &complete);
		ctk_time_format(r->win[k].start_ns, start, sizeof start);
		printf("  %-6lld %-24s %10.3f", (long long)r->win[k].idx, start,
		       (double)(r->win[k].end_ns - r->win[k].start_ns) / 1e9);
		for (int i = 0; per_dev && i < r->ndev; i++) {
			const struct ctk_energy *p = &r->dev[i].per[k];
			if (p->used_counter || p->used_power)
				printf(" %12.3f", p->energy_j);
			else
				printf(" %12s", "NULL");
		}
		printf(" %14.3f %12.6f %7.1f%%%s\n", e, e / 3.6e6, 100.0 * ctk_epoch_coverage(r, k),
		       complete ? "" : "  (some device has no readings)");
	}
}

static void print_run(const struct ctk_run_result *r, const struct opts *o,
		      const struct ctk_run_predictions *pred)
{
	char a[40], b[40];
	double total = ctk_run_energy_j(r), in = ctk_run_epochs_energy_j(r);

	printf("run %lld  %s  (%s)%s\n", (long long)r->run_id, r->label, r->source,
	       r->simulated ? "  [simulated device]" : "");
	if (r->has_span) {
		ctk_time_format(r->started_ns, a, sizeof a);
		ctk_time_format(r->ended_ns, b, sizeof b);
		printf("  %s -> %s  %.3f s  %d device(s)%s%s\n", a, b, (double)(r->ended_ns - r->started_ns) / 1e9,
		       r->ndev, *r->tz ? "  times read in " : "", r->tz);
	}
	print_devices(r);
	printf("  whole run: %.3f J = %.6f kWh (devices summed, first to last reading), coverage %.1f%%\n",
	       total, total / 3.6e6, 100.0 * ctk_run_coverage(r));
	if (o->pue != 1.0)
		printf("  facility energy at PUE %.2f: %.3f J = %.6f kWh (%s)\n", o->pue, total * o->pue,
		       total * o->pue / 3.6e6, o->pue_source);
	if (r->nwin == 0) {
		printf("  no epochs (add them: ctk import epochs FILE --db DB --run %lld)\n\n", (long long)r->run_id);
		return;
	}
	print_epochs(r);
	printf("  in %d epoch(s): %.3f J = %.6f kWh; outside epochs: %.3f J (%.1f%% of the run)\n", r->nwin, in,
	       in / 3.6e6, total - in, total > 0 ? 100.0 * (total - in) / total : 0.0);
	ctk_predictions_print(stdout, pred);
	printf("\n");
}

/* ---- JSON output ------------------------------------------------------- */

/* int64 nanoseconds as exact JSON integers (cJSON numbers are doubles). */
static void add_ns(cJSON *o, const char *key, int64_t ns)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%" PRId64, ns);
	cJSON_AddRawToObject(o, key, buf);
}

static void add_num_or_null(cJSON *o, const char *key, double v, int valid)
{
	if (valid)
		cJSON_AddNumberToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static void add_str_or_null(cJSON *o, const char *key, const char *s)
{
	if (s && *s)
		cJSON_AddStringToObject(o, key, s);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *device_json(const struct ctk_dev_result *d)
{
	cJSON *j = cJSON_CreateObject();
	const struct ctk_integrator *in = &d->in;
	int any = in->total.used_counter || in->total.used_power;

	cJSON_AddNumberToObject(j, "device_id", (double)d->device_id);
	cJSON_AddStringToObject(j, "kind", d->kind);
	add_str_or_null(j, "name", d->name);
	add_str_or_null(j, "uuid", d->uuid);
	add_str_or_null(j, "bus_id", d->bus_id);
	add_num_or_null(j, "idx", d->idx, d->has_idx);
	cJSON_AddNumberToObject(j, "readings", (double)in->readings);
	add_num_or_null(j, "period_s", d->period_s, d->period_s > 0);
	add_num_or_null(j, "energy_j", in->total.energy_j, any);
	cJSON_AddStringToObject(j, "method", ctk_energy_method(&in->total));
	cJSON_AddNumberToObject(j, "coverage", in->readings > 1 ? ctk_energy_coverage(&in->total, in->first_ns, in->last_ns) : 0);
	return j;
}

static cJSON *epoch_json(const struct ctk_run_result *r, int k)
{
	cJSON *j = cJSON_CreateObject(), *devs = cJSON_CreateArray();
	int complete;
	double e = ctk_epoch_energy_j(r, k, &complete);

	cJSON_AddNumberToObject(j, "idx", (double)r->win[k].idx);
	add_ns(j, "start_ns", r->win[k].start_ns);
	add_ns(j, "end_ns", r->win[k].end_ns);
	cJSON_AddNumberToObject(j, "duration_s", (double)(r->win[k].end_ns - r->win[k].start_ns) / 1e9);
	add_num_or_null(j, "energy_j", e, complete);
	add_num_or_null(j, "items", (double)r->items[k], r->items[k] >= 0);
	cJSON_AddNumberToObject(j, "coverage", ctk_epoch_coverage(r, k));
	for (int i = 0; i < r->ndev; i++) {
		const struct ctk_energy *p = &r->dev[i].per[k];
		cJSON *d = cJSON_CreateObject();
		cJSON_AddNumberToObject(d, "device_id", (double)r->dev[i].device_id);
		add_str_or_null(d, "uuid", r->dev[i].uuid);
		add_str_or_null(d, "name", r->dev[i].name);
		add_num_or_null(d, "energy_j", p->energy_j, p->used_counter || p->used_power);
		cJSON_AddStringToObject(d, "method", ctk_energy_method(p));
		cJSON_AddNumberToObject(d, "coverage", ctk_energy_coverage(p, r->win[k].start_ns, r->win[k].end_ns));
		cJSON_AddItemToArray(devs, d);
	}
	cJSON_AddItemToObject(j, "devices", devs);
	return j;
}

static cJSON *run_json(const struct ctk_run_result *r, const struct opts *o)
{
	cJSON *j = cJSON_CreateObject(), *devs = cJSON_CreateArray(), *eps = cJSON_CreateArray();
	double total = ctk_run_energy_j(r), in = ctk_run_epochs_energy_j(r);

	cJSON_AddNumberToObject(j, "run_id", (double)r->run_id);
	add_str_or_null(j, "label", r->label);
	cJSON_AddStringToObject(j, "source", r->source);
	cJSON_AddBoolToObject(j, "simulated", r->simulated);
	if (r->has_span) {
		add_ns(j, "started_ns", r->started_ns);
		add_ns(j, "ended_ns", r->ended_ns);
	} else {
		cJSON_AddNullToObject(j, "started_ns");
		cJSON_AddNullToObject(j, "ended_ns");
	}
	cJSON_AddNumberToObject(j, "energy_j", total);
	cJSON_AddNumberToObject(j, "energy_kwh", total / 3.6e6);
	cJSON_AddNumberToObject(j, "pue", o->pue);
	cJSON_AddNumberToObject(j, "facility_energy_j", total * o->pue);
	add_num_or_null(j, "epochs_energy_j", in, r->nwin > 0);
	add_num_or_null(j, "outside_epochs_j", total - in, r->nwin > 0);
	cJSON_AddNumberToObject(j, "coverage", ctk_run_coverage(r));
	for (int i = 0; i < r->ndev; i++)
		cJSON_AddItemToArray(devs, device_json(&r->dev[i]));
	cJSON_AddItemToObject(j, "devices", devs);
	for (int k = 0; k < r->nwin; k++)
		cJSON_AddItemToArray(eps, epoch_json(r, k));
	cJSON_AddItemToObject(j, "epochs", eps);
	return j;
}

/* ---- command ----------------------------------------------------------- */

static int analyze_runs(sqlite3 *db, const int64_t *ids, int n, const struct opts *o, cJSON *runs,
			struct ctk_error *err)
{
	for (int i = 0; i < n; i++) {
		struct ctk_run_result r;
		struct ctk_run_predictions pred = {0};
		int rc = ctk_analysis_run(db, ids[i], &r, err);
		if (!rc)
			rc = ctk_analysis_store(db, &r, err);
		if (!rc)
			rc = ctk_predict_run(db, &r, &o->pred, &pred, err);
		if (!rc)
			rc = ctk_predict_store(db, &pred, err);
		if (!rc && runs) {
			cJSON *j = run_json(&r, o);
			cJSON_AddItemToObject(j, "predictions", ctk_predictions_json(&pred));
			cJSON_AddItemToArray(runs, j);
		} else if (!rc) {
			print_run(&r, o, &pred);
		}
		ctk_run_predictions_free(&pred);
		ctk_run_result_free(&r);
		if (rc)
			return rc;
	}
	return 0;
}

int ctk_cmd_analyze(int argc, char **argv, struct ctk_error *err)
{
	struct opts o = {0};
	sqlite3 *db = NULL;
	int64_t *ids = NULL;
	int n = 0, rc;
	cJSON *root = NULL, *runs = NULL;

	if ((rc = parse_opts(argc, argv, &o, err)))
		return rc > 0 ? 0 : rc;
	if ((rc = ctk_db_open(o.db, 0, &db, err)))
		return rc;
	if ((rc = ctk_analysis_run_ids(db, o.run, &ids, &n, err)))
		goto out;
	if (o.json) {
		root = cJSON_CreateObject();
		cJSON_AddNumberToObject(root, "schema_version", 1);
		cJSON_AddNumberToObject(root, "pue", o.pue);
		cJSON_AddStringToObject(root, "pue_source", o.pue_source);
		cJSON_AddStringToObject(root, "default_predictor", CTK_PREDICT_DEFAULT);
		runs = cJSON_AddArrayToObject(root, "runs");
	}
	if ((rc = ctk_db_begin(db, err)))
		goto out;
	rc = analyze_runs(db, ids, n, &o, runs, err);
	if (!rc)
		rc = ctk_db_commit(db, err);
	if (rc) {
		ctk_db_rollback(db);
		goto out;
	}
	if (root) {
		char *s = cJSON_Print(root);
		if (!s) {
			rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
			goto out;
		}
		puts(s);
		free(s);
	} else if (n == 0) {
		printf("no runs in '%s' (import some: ctk import nvidia-smi FILE --db %s)\n", o.db, o.db);
	}
out:
	cJSON_Delete(root);
	free(ids);
	ctk_db_close(db);
	return rc;
}
