/* `ctk evaluate --db DB [--runs R,…] [--target T] [--scope S] [--max-n N]
 * [--json|--csv]`: how good each predictor was across runs, from the rows
 * `ctk analyze` stored in predictions (the epochs' totals) and
 * run_predictions (the whole run's energy): per scope, predictor, target and
 * N (and over all N) the mean absolute percentage error, the worst case,
 * the bias (mean signed error) and the share of measured totals inside the
 * t interval and inside the calibrated one (achieved coverage, to compare
 * with the nominal); --group keeps the predictions of one calibration group. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/commands.h"
#include "common/csvwrite.h"
#include "common/db.h"
#include "common/predict.h"
#include "common/util.h"

enum fmt { FMT_TABLE, FMT_JSON, FMT_CSV };

struct eval_opts {
	const char *db, *runs, *target, *predictor, *scope, *group;
	int max_n;
	enum fmt fmt;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ctk evaluate --db DB [--runs R[,R…]] [--target energy|duration|co2]\n"
		"                    [--scope epochs|run|all] [--predictor NAME] [--max-n N]\n"
		"                    [--group quiet|busy|shift|jump] [--json|--csv]\n\n"
		"Accuracy of the predictions stored by `ctk analyze` (run that first), per\n"
		"scope, predictor, target and N epochs observed, and over all N ('all'):\n"
		"  scope     epochs: the epochs' totals (default); run: the whole run's\n"
		"            energy, what lies outside epochs included (--target run and\n"
		"            --target epochs choose the scope too)\n"
		"  runs      runs with a measured total\n"
		"  mape_pct  mean |value - actual| / actual, in %%\n"
		"  worst_pct largest |error|, in %%\n"
		"  bias_pct  mean signed error (value - actual) / actual, in %%\n"
		"  coverage  achieved: share of actual totals inside the t interval [lo, hi]\n"
		"            (of the rows with one; compare with nominal)\n"
		"  cal_cov   achieved coverage of the calibrated (split-conformal) interval\n"
		"            (energy; CO2: the energy's interval priced, the intensity's\n"
		"            own error not in it; common/predict.c ctk_predict_calib)\n"
		"  --group G only the predictions made while the run was in calibration\n"
		"            group G (energy and the whole run; docs/PREDICTION.md): the\n"
		"            coverage the interval achieved for that kind of run\n"
		"exit status: 0 ok, 1 usage, 2 bad input, 3 I/O or database\n");
}

static int parse_opts(int argc, char **argv, struct eval_opts *o, struct ctk_error *err)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'}, {"runs", required_argument, NULL, 'r'},
		{"run", required_argument, NULL, 'r'}, {"target", required_argument, NULL, 't'},
		{"scope", required_argument, NULL, 's'},
		{"predictor", required_argument, NULL, 'p'}, {"max-n", required_argument, NULL, 'n'},
		{"json", no_argument, NULL, 'j'}, {"csv", no_argument, NULL, 'c'},
		{"group", required_argument, NULL, 'g'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	int64_t v;
	int c, rc;

	optind = 1;
	o->scope = "epochs";
	while ((c = getopt_long(argc, argv, "hd:r:t:s:p:n:g:jc", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'r': o->runs = optarg; break;
		case 't':
			if (!strcmp(optarg, "run") || !strcmp(optarg, "epochs")) {
				o->scope = optarg;
				break;
			}
			if (strcmp(optarg, "energy") && strcmp(optarg, "duration") && strcmp(optarg, "co2"))
				return ctk_failf(err, CTK_EUSAGE, "--target '%s': not energy, duration, co2, run or epochs",
						 optarg);
			o->target = optarg;
			break;
		case 's':
			if (strcmp(optarg, "epochs") && strcmp(optarg, "run") && strcmp(optarg, "all"))
				return ctk_failf(err, CTK_EUSAGE, "--scope '%s': not epochs, run or all", optarg);
			o->scope = optarg;
			break;
		case 'p': o->predictor = optarg; break;
		case 'g': {
			int k = 0;
			while (k < CTK_CALIB_GROUPS && strcmp(optarg, ctk_calib_group_names[k]))
				k++;
			if (k == CTK_CALIB_GROUPS)
				return ctk_failf(err, CTK_EUSAGE, "--group '%s': not quiet, busy, shift or jump", optarg);
			o->group = optarg;
			break;
		}
		case 'n':
			if (ctk_parse_int64(optarg, &v) || v < 1 || v > 1000000)
				return ctk_failf(err, CTK_EUSAGE, "--max-n '%s': not a number >= 1", optarg);
			o->max_n = (int)v;
			break;
		case 'j': o->fmt = FMT_JSON; break;
		case 'c': o->fmt = FMT_CSV; break;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return ctk_failf(err, CTK_EUSAGE, "bad option");
		}
	}
	if ((rc = ctk_cmd_args_end(argc, argv, o->db, err)))
		return rc;
	return 0;
}

/* "run_id IN (1,2,…)" for --runs (ids or labels), else "1". */
static int runs_clause(sqlite3 *db, const char *runs, char *buf, size_t size, struct ctk_error *err)
{
	char list[4096], *p, *save = NULL;
	size_t len;
	int rc;

	if (!runs) {
		snprintf(buf, size, "1");
		return 0;
	}
	snprintf(list, sizeof list, "%s", runs);
	len = (size_t)snprintf(buf, size, "run_id IN (");
	for (p = strtok_r(list, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		int64_t id;
		if ((rc = ctk_db_find_run(db, p, &id, err)))
			return rc;
		if (len + 24 >= size)
			return ctk_failf(err, CTK_EUSAGE, "--runs: too many runs");
		len += (size_t)snprintf(buf + len, size - len, "%s%lld", buf[len - 1] == '(' ? "" : ",", (long long)id);
	}
	if (buf[len - 1] == '(')
		return ctk_failf(err, CTK_EUSAGE, "--runs: no run given");
	snprintf(buf + len, size - len, ")");
	return 0;
}

#define EVAL_COLS \
	"count(DISTINCT run_id), 100 * avg(abs(rel_err)), 100 * max(abs(rel_err)), 100 * avg(rel_err), " \
	"sum(lo IS NOT NULL AND actual BETWEEN lo AND hi), sum(lo IS NOT NULL), avg(coverage_nominal), count(*), " \
	"sum(cal_lo IS NOT NULL AND actual BETWEEN cal_lo AND cal_hi), sum(cal_lo IS NOT NULL)"

/* Both tables as one: t interval in lo/hi, calibrated one in cal_lo/cal_hi. */
#define EVAL_ROWS \
	"SELECT 'epochs' AS scope, run_id, after_n, predictor, target, rel_err, actual, lo, hi, cal_lo, cal_hi, " \
	"coverage_nominal, cal_group FROM predictions UNION ALL " \
	"SELECT 'run', run_id, after_n, predictor, target, rel_err, actual, t_lo, t_hi, lo, hi, coverage_nominal, " \
	"cal_group FROM run_predictions"

int ctk_cmd_evaluate(int argc, char **argv, struct ctk_error *err)
{
	struct eval_opts o = {0};
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char where[8192], sql[16384];
	cJSON *root = NULL, *rows = NULL;
	int rc, nrows = 0;

	if ((rc = parse_opts(argc, argv, &o, err)))
		return rc > 0 ? 0 : rc;
	if ((rc = ctk_db_open(o.db, CTK_DB_READONLY, &db, err)))
		return rc;
	if ((rc = runs_clause(db, o.runs, where, sizeof where, err)))
		goto out;
	snprintf(sql, sizeof sql,
		 "WITH p AS (SELECT * FROM (" EVAL_ROWS ") WHERE rel_err IS NOT NULL AND %s "
		 "AND (?1 IS NULL OR target = ?1) AND (?2 IS NULL OR predictor = ?2) AND after_n <= ?3 "
		 "AND (?4 = 'all' OR scope = ?4) AND (?5 IS NULL OR cal_group = ?5)) "
		 "SELECT * FROM (SELECT predictor AS pr, target AS tg, after_n AS an, " EVAL_COLS ", scope AS sc FROM p "
		 "GROUP BY scope, predictor, target, after_n "
		 "UNION ALL SELECT predictor, target, NULL, " EVAL_COLS ", scope FROM p GROUP BY scope, predictor, target) "
		 "ORDER BY sc = 'run', tg = 'co2', tg = 'duration', pr, an IS NULL, an", where);
	if ((rc = ctk_db_prepare(db, sql, &st, err)))
		goto out;
	ctk_bind_text_or_null(st, 1, o.target);
	ctk_bind_text_or_null(st, 2, o.predictor);
	sqlite3_bind_int(st, 3, o.max_n ? o.max_n : 1000000);
	sqlite3_bind_text(st, 4, o.scope, -1, SQLITE_STATIC);
	ctk_bind_text_or_null(st, 5, o.group);
	if (o.fmt == FMT_JSON) {
		root = cJSON_CreateObject();
		cJSON_AddNumberToObject(root, "schema_version", 1);
		rows = cJSON_AddArrayToObject(root, "rows");
	} else if (o.fmt == FMT_CSV) {
		static const char *const head[] = {"predictor", "target", "after_n", "runs", "mape_pct", "worst_pct",
			"bias_pct", "coverage", "coverage_nominal", "with_interval", "scope", "coverage_cal",
			"with_cal_interval"};
		ctk_csv_row(stdout, head, (int)(sizeof head / sizeof head[0]));
	} else {
		printf("%-12s %-8s %7s %5s %9s %9s %9s %9s %8s %8s %s\n", "predictor", "target", "after_n", "runs",
		       "mape_pct", "worst_pct", "bias_pct", "coverage", "nominal", "cal_cov", "scope");
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *pred = (const char *)sqlite3_column_text(st, 0), *tgt = (const char *)sqlite3_column_text(st, 1);
		int all = sqlite3_column_type(st, 2) == SQLITE_NULL, n = sqlite3_column_int(st, 2);
		int runs = sqlite3_column_int(st, 3), inside = sqlite3_column_int(st, 7), withiv = sqlite3_column_int(st, 8);
		double mape = sqlite3_column_double(st, 4), worst = sqlite3_column_double(st, 5),
		       bias = sqlite3_column_double(st, 6), nominal = sqlite3_column_double(st, 9);
		double cov = withiv ? (double)inside / withiv : 0;
		int cal_in = sqlite3_column_int(st, 11), withcal = sqlite3_column_int(st, 12);
		const char *scope = (const char *)sqlite3_column_text(st, 13);
		double ccov = withcal ? (double)cal_in / withcal : 0;
		char nbuf[16], cbuf[16], nombuf[16], ccbuf[16];
		snprintf(nbuf, sizeof nbuf, all ? "all" : "%d", n);
		cbuf[0] = nombuf[0] = ccbuf[0] = '\0';   /* no interval: empty fields, never 0 */
		if (withiv)
			snprintf(cbuf, sizeof cbuf, "%.3f", cov);
		if (withiv || withcal)
			snprintf(nombuf, sizeof nombuf, "%.3f", nominal);
		if (withcal)
			snprintf(ccbuf, sizeof ccbuf, "%.3f", ccov);
		nrows++;
		if (o.fmt == FMT_JSON) {
			cJSON *j = cJSON_CreateObject();
			cJSON_AddStringToObject(j, "predictor", pred);
			cJSON_AddStringToObject(j, "target", tgt);
			if (all)
				cJSON_AddNullToObject(j, "after_n");
			else
				cJSON_AddNumberToObject(j, "after_n", n);
			cJSON_AddNumberToObject(j, "runs", runs);
			cJSON_AddNumberToObject(j, "predictions", sqlite3_column_int(st, 10));
			cJSON_AddNumberToObject(j, "mape_pct", mape);
			cJSON_AddNumberToObject(j, "worst_pct", worst);
			cJSON_AddNumberToObject(j, "bias_pct", bias);
			cJSON_AddStringToObject(j, "scope", scope);
			if (withiv)
				cJSON_AddNumberToObject(j, "coverage", cov);
			else
				cJSON_AddNullToObject(j, "coverage");
			if (withiv || withcal)
				cJSON_AddNumberToObject(j, "coverage_nominal", nominal);
			else
				cJSON_AddNullToObject(j, "coverage_nominal");
			cJSON_AddNumberToObject(j, "with_interval", withiv);
			if (withcal)
				cJSON_AddNumberToObject(j, "coverage_cal", ccov);
			else
				cJSON_AddNullToObject(j, "coverage_cal");
			cJSON_AddNumberToObject(j, "with_cal_interval", withcal);
			cJSON_AddItemToArray(rows, j);
		} else if (o.fmt == FMT_CSV) {
			ctk_csv_field(stdout, pred);
			putchar(',');
			ctk_csv_field(stdout, tgt);
			printf(",%s,%d,%.6f,%.6f,%.6f,%s,%s,%d,%s,%s,%d\n", all ? "" : nbuf, runs, mape, worst, bias, cbuf,
			       nombuf, withiv, scope, ccbuf, withcal);
		} else {
			printf("%-12s %-8s %7s %5d %9.3f %9.3f %+9.3f %9s %8s %8s %s\n", pred, tgt, nbuf, runs, mape, worst,
			       bias, withiv ? cbuf : "-", nombuf[0] ? nombuf : "-", withcal ? ccbuf : "-", scope);
		}
	}
	if (rc != SQLITE_DONE) {
		rc = ctk_db_fail(db, err, "evaluate");
		goto out;
	}
	rc = 0;
	if (root) {
		char *s = cJSON_Print(root);
		if (!s) {
			rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
			goto out;
		}
		puts(s);
		free(s);
	} else if (!nrows && o.fmt == FMT_TABLE) {
		printf("no predictions with a measured total in '%s' (run: ctk analyze --db %s)\n", o.db, o.db);
	}
out:
	sqlite3_finalize(st);
	cJSON_Delete(root);
	ctk_db_close(db);
	return rc;
}
