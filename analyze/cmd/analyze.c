/* `ctk analyze --db DB [--run R] [--json] [--pue P]`: energy per epoch and
 * device, whole-run energy, energy outside epochs and coverage, CO2 and
 * predictions, for every run (or one). The analysis settings given as flags
 * (zone, signal, PUE, fill, default intensity) are stored with each run and
 * reused by every later analyze until a flag overrides them
 * (common/settings.h). Results are stored in one transaction and printed as
 * a table, or as JSON (schemas/analyze.schema.json). */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/energy/analysis.h"
#include "analyze/energy/footprint.h"
#include "analyze/commands.h"
#include "analyze/cmd/analyze_out.h"
#include "analyze/energy/predict_eval.h"
#include "analyze/energy/uncert.h"
#include "common/db.h"
#include "common/intensity.h"
#include "common/settings.h"
#include "common/time.h"
#include "common/util.h"

struct opts {
	const char *db, *run;
	int json;
	struct ctk_predict_opts pred;
	struct ctk_settings flags;    /* the settings given now (has_*), stored with each run */
	struct ctk_footprint_ctx *fp; /* the embodied table, loaded once */
};

/* The PUE when none is given or stored: own hardware, no facility overhead. */
static const struct ctk_pue PUE_DEFAULT = {1.0, "default 1.0 (own hardware, no facility overhead)"};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ctk analyze --db DB [--run R] [--json] [--pue P|carbontracker]\n"
		"                   [--predict-after K|A..B] [--epochs N]\n"
		"                   [--zone Z] [--signal S] [--fill none|previous|default]\n"
		"                   [--default-intensity G]\n"
		"                   [--embodied-kg KG] [--embodied-source KEY] [--lifetime Y]\n"
		"                   [--utilisation U] [--wue L] [--water-intensity L]\n\n"
		"Energy per epoch and device (counter difference where the device has an energy\n"
		"counter, else the trapezoid over power), whole-run energy (first to last reading),\n"
		"energy outside epochs and coverage (share of time with readings at most two\n"
		"sampling periods apart). Devices are summed, never averaged.\n\n"
		"  --run R     run id or label (default: every run)\n"
		"  --json      print JSON (schemas/analyze.schema.json) instead of a table\n"
		"  --pue P     power usage effectiveness for facility energy (default 1.0;\n"
		"              'carbontracker' = 1.58, Uptime Institute 2020 global average)\n"
		"  --zone, --signal, --pue, --fill and --default-intensity are stored with each\n"
		"  analysed run and reused by later runs of analyze (see ctk config)\n"
		"  --predict-after K|A..B  predict the epochs' totals after N = 1..K (or A..B)\n"
		"              epochs with every predictor and store them with the error\n"
		"              (default: every N below the run's epochs)\n"
		"  --epochs N  planned epochs (default: the run's planned epochs, else its epochs)\n"
		"  --zone Z    price the energy with Z's stored intensity series (default: the\n"
		"              run's zone; import series with ctk intensity import|fetch)\n"
		"  --signal S  lifecycle|direct|marginal (default: the zone's average signal;\n"
		"              marginal and average signals are never mixed)\n"
		"  --fill F    energy without an intensity value: none (default: reported as\n"
		"              unpriced), previous (last value before the gap), default (the\n"
		"              zone's yearly value, or --default-intensity G g/kWh)\n"
		"  --embodied-kg KG  manufacturing footprint per GPU, kg CO2e (default: the\n"
		"              sourced value of data/embodied.csv for the GPU's name; a GPU\n"
		"              without one is 'not estimated', never 0)\n"
		"  --embodied-source KEY  use the table's value of that source (e.g.\n"
		"              chien2023hotcarbon; default: the first row for the GPU)\n"
		"  --lifetime Y, --utilisation U  lifetime in years and share (0..1] of it in\n"
		"              use (default: as the source states them); a run's share =\n"
		"              footprint x device-hours / (Y x 8760 h x U)\n"
		"  --wue L     on-site water, L per kWh of IT energy (Li et al. 2023)\n"
		"  --water-intensity L  off-site water of electricity, L/kWh, times IT energy\n"
		"              x PUE (without them water is 'not estimated')\n"
		"  these six are stored with the run too\n"
		"exit status: 0 ok, 1 usage, 2 bad input, 3 I/O or database\n");
}

static int parse_opts(int argc, char **argv, struct opts *o, struct ctk_error *err)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'}, {"run", required_argument, NULL, 'r'},
		{"json", no_argument, NULL, 'j'}, {"pue", required_argument, NULL, 'p'},
		{"predict-after", required_argument, NULL, 'P'}, {"epochs", required_argument, NULL, 'E'},
		{"zone", required_argument, NULL, 'z'}, {"signal", required_argument, NULL, 's'},
		{"fill", required_argument, NULL, 'f'}, {"default-intensity", required_argument, NULL, 'g'},
		{"embodied-kg", required_argument, NULL, 1000}, {"embodied-source", required_argument, NULL, 1001},
		{"lifetime", required_argument, NULL, 1002}, {"utilisation", required_argument, NULL, 1003},
		{"wue", required_argument, NULL, 1004}, {"water-intensity", required_argument, NULL, 1005},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	static const char *const fp_keys[] = {"embodied_kg", "embodied_source", "lifetime", "utilisation", "wue",
					      "water_intensity"};
	int64_t v;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hd:r:jp:", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'r': o->run = optarg; break;
		case 'j': o->json = 1; break;
		case 'p':
			if (ctk_pue_parse(optarg, &o->flags.pue, err))
				return CTK_EUSAGE;
			o->flags.has_pue = 1;
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
		case 'z':
			if (!*optarg || strlen(optarg) >= sizeof o->flags.zone)
				return ctk_failf(err, CTK_EUSAGE, "--zone '%s': not a zone", optarg);
			snprintf(o->flags.zone, sizeof o->flags.zone, "%s", optarg);
			o->flags.has_zone = 1;
			break;
		case 's':
			/* a list is refused by the join with its reason (never mix signals) */
			if (strlen(optarg) >= sizeof o->flags.signal)
				return ctk_failf(err, CTK_EUSAGE, "signal '%s': one signal per number (lifecycle, direct or marginal)",
						 optarg);
			if (strcmp(optarg, "lifecycle") && strcmp(optarg, "direct") && strcmp(optarg, "marginal")) {
				int avg = strstr(optarg, "lifecycle") || strstr(optarg, "direct");
				return ctk_failf(err, CTK_EUSAGE, avg && strstr(optarg, "marginal")
						 ? "signal '%s': never mix marginal and average signals in one number"
						 : "signal '%s': not lifecycle, direct or marginal", optarg);
			}
			snprintf(o->flags.signal, sizeof o->flags.signal, "%s", optarg);
			o->flags.has_signal = 1;
			break;
		case 'f':
			if (ctk_fill_parse(optarg, &o->flags.fill))
				return ctk_failf(err, CTK_EUSAGE, "--fill '%s': none, previous or default", optarg);
			o->flags.has_fill = 1;
			break;
		case 'g':
			if (ctk_parse_double(optarg, &o->flags.default_g_per_kwh) || !(o->flags.default_g_per_kwh >= 0))
				return ctk_failf(err, CTK_EUSAGE, "--default-intensity '%s': not g/kWh", optarg);
			o->flags.has_default = 1;
			break;
		case 1000: case 1001: case 1002: case 1003: case 1004: case 1005:
			if (ctk_footprint_setting_parse(fp_keys[c - 1000], optarg, &o->flags.fp, err) < 0) {
				const char *why = strstr(err->msg, "': ");
				char m[200];
				snprintf(m, sizeof m, "%s", why ? why + 3 : "bad value");
				return ctk_failf(err, CTK_EUSAGE, "--%s '%s': %s", longopts[c - 1000 + 10].name, optarg, m);
			}
			break;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return ctk_failf(err, CTK_EUSAGE, "bad option");
		}
	}
	if ((rc = ctk_cmd_args_end(argc, argv, o->db, err)))
		return rc;
	if (o->flags.has_default && o->flags.has_fill && o->flags.fill != CTK_FILL_DEFAULT)
		return ctk_failf(err, CTK_EUSAGE, "--default-intensity goes with --fill default");
	if (o->flags.has_default && !o->flags.has_fill) {
		o->flags.fill = CTK_FILL_DEFAULT; /* a default intensity asks for that fill */
		o->flags.has_fill = 1;
	}
	return 0;
}

/* The run's settings: stored ones with the flags over them; the flags are
 * stored first (the caller's transaction). A stored default intensity only
 * counts with fill default. */
static int run_settings(sqlite3 *db, int64_t run_id, const struct opts *o, struct ctk_settings *s,
			struct ctk_co2_opts *co2, struct ctk_error *err)
{
	struct ctk_settings stored;
	int rc;

	if ((rc = ctk_settings_get(db, run_id, &stored, err)))
		return rc;
	ctk_settings_merge(s, &stored, &o->flags);
	if ((rc = ctk_settings_put(db, run_id, &o->flags, err)))
		return rc;
	if (!s->has_pue) {
		s->pue = PUE_DEFAULT;
	}
	memset(co2, 0, sizeof(*co2));
	co2->zone = s->has_zone ? s->zone : NULL;
	co2->zone_from_flag = o->flags.has_zone;
	co2->signal = s->has_signal ? s->signal : NULL;
	co2->fill = s->has_fill ? s->fill : CTK_FILL_NONE;
	co2->has_default = s->has_default && co2->fill == CTK_FILL_DEFAULT;
	co2->default_g_per_kwh = s->default_g_per_kwh;
	co2->pue = s->pue.value;
	co2->pue_source = s->pue.source;
	return 0;
}

/* ---- command ----------------------------------------------------------- */

/* CO2 pricing of one run around its integration; the energy is stored. */
static int analyze_energy(sqlite3 *db, int64_t run_id, const struct ctk_co2_opts *co, struct ctk_run_result *r,
			  struct ctk_co2_result *co2, struct ctk_outside_acc *oa, struct ctk_error *err)
{
	int rc;

	/* the pieces go to the CO2 join through the outside-epochs tally
	 * (whole-run predictions, analyze/energy/predict_eval.h) */
	if ((rc = ctk_analysis_load(db, run_id, r, err)) ||
	    (rc = ctk_co2_begin(db, run_id, r->nwin, co, co2, err)) ||
	    (rc = ctk_outside_init(oa, r, co2->have ? ctk_co2_piece : NULL, co2, err)) ||
	    (rc = ctk_analysis_integrate(db, r, ctk_outside_piece, oa, err)) ||
	    (rc = ctk_co2_finish(db, co2, co, err)) || (rc = ctk_analysis_store(db, r, err)))
		return rc;
	return ctk_co2_store(db, run_id, r->win, co2, co, err);
}

/* The carbontracker comparison, for runs imported from its logs. */
static int analyze_ct(sqlite3 *db, const struct ctk_run_result *r, double pue,
		      struct ctk_ct_compare *ct, int *have, struct ctk_error *err)
{
	*have = 0;
	if (strcmp(r->source, "import:carbontracker"))
		return 0;
	int rc = ctk_carbontracker_recompute(db, r->run_id, pue, ct, err);
	*have = rc == 0;
	return rc;
}

/* cpu_share of the run's config (a SLURM job on a shared node), if any. */
static void cpu_share(sqlite3 *db, int64_t run_id, struct ctk_analyze_view *v)
{
	sqlite3_stmt *st = NULL;

	if (ctk_db_prepare(db, "SELECT json_extract(config_json, '$.cpu_share') FROM runs WHERE run_id = ? "
			   "AND json_valid(config_json)", &st, NULL))
		return;
	sqlite3_bind_int64(st, 1, run_id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		v->cpu_share = sqlite3_column_double(st, 0);
		v->has_cpu_share = v->cpu_share > 0 && v->cpu_share <= 1;
	}
	sqlite3_finalize(st);
}

static int analyze_one(sqlite3 *db, int64_t run_id, const struct opts *o, cJSON *runs, struct ctk_error *err)
{
	struct ctk_run_result r = {0};
	struct ctk_run_predictions pred = {0};
	struct ctk_co2_result co2 = {0};
	struct ctk_ct_compare ct = {0};
	struct ctk_outside_acc oa = {0};
	struct ctk_settings s;
	struct ctk_co2_opts co;
	struct ctk_footprint fp = {0};
	struct ctk_analyze_view v = {.r = &r, .pred = &pred, .co2 = &co2, .settings = &s, .fp = &fp};
	int have_ct = 0;
	char warning[600];
	int rc = run_settings(db, run_id, o, &s, &co, err);

	v.pue = s.pue.value;
	v.pue_source = s.pue.source;
	cpu_share(db, run_id, &v);
	if (!rc)
		rc = analyze_energy(db, run_id, &co, &r, &co2, &oa, err);
	if (!rc)
		rc = ctk_footprint_compute(o->fp, &r, &s, v.pue, &fp, err);
	if (!rc)
		rc = ctk_footprint_store(db, run_id, &fp, err);
	if (!rc && ctk_run_time_check(&r, warning, sizeof warning))
		fprintf(stderr, "ctk analyze: warning: %s\n", warning);
	if (!rc) {
		struct ctk_predict_opts po = o->pred;
		po.outside = &oa;
		rc = ctk_predict_run(&r, &co2, &po, &pred, err);
	}
	if (!rc)
		rc = ctk_predict_store(db, &pred, err);
	if (!rc)
		rc = ctk_uncert_store(db, &r, &co2, err);
	if (!rc)
		rc = analyze_ct(db, &r, v.pue, &ct, &have_ct, err);
	v.ct = have_ct ? &ct : NULL;
	if (!rc && runs)
		cJSON_AddItemToArray(runs, ctk_analyze_json(&v));
	else if (!rc)
		ctk_analyze_print(&v);
	if (have_ct)
		ctk_ct_compare_release(&ct);
	ctk_footprint_release(&fp);
	ctk_co2_release(&co2);
	ctk_outside_release(&oa);
	ctk_run_predictions_free(&pred);
	ctk_run_result_free(&r);
	return rc;
}

static int analyze_runs(sqlite3 *db, const int64_t *ids, int n, const struct opts *o, cJSON *runs,
			struct ctk_error *err)
{
	for (int i = 0; i < n; i++) {
		int rc = analyze_one(db, ids[i], o, runs, err);
		if (rc)
			return rc;
	}
	return 0;
}

int ctk_cmd_analyze(int argc, char **argv, struct ctk_error *err)
{
	struct ctk_footprint_ctx fpctx = {0};
	struct opts o = {.fp = &fpctx};
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
		/* the PUE given now, else (below) the first run's; each run states its own in "settings" */
		cJSON_AddNumberToObject(root, "pue", o.flags.has_pue ? o.flags.pue.value : PUE_DEFAULT.value);
		cJSON_AddStringToObject(root, "pue_source", o.flags.has_pue ? o.flags.pue.source : PUE_DEFAULT.source);
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
		/* the top-level PUE: the first run's (each run states its own in settings) */
		cJSON *first = cJSON_GetArrayItem(runs, 0), *set = first ? cJSON_GetObjectItem(first, "settings") : NULL;
		if (set && !o.flags.has_pue) {
			cJSON_ReplaceItemInObject(root, "pue", cJSON_Duplicate(cJSON_GetObjectItem(set, "pue"), 1));
			cJSON_ReplaceItemInObject(root, "pue_source", cJSON_Duplicate(cJSON_GetObjectItem(set, "pue_source"), 1));
		}
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
	ctk_footprint_ctx_release(&fpctx);
	cJSON_Delete(root);
	free(ids);
	ctk_db_close(db);
	return rc;
}
