/* ctk-collect: `ctk collect [OPTIONS] -- CMD…` (or --attach) measures a
 * training run into a store; `ctk mark …` sends an epoch or phase marker to
 * the collector that runs the calling process (through $CTK_SOCKET); `ctk
 * slurm prolog|epilog` reads a job's GPU counters (collector/slurm.c). The
 * dispatcher passes "collect", "mark" or "slurm" as argv[1]. Only this file prints. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "collector/collect.h"
#include "collector/markers.h"
#include "collector/slurm.h"
#include "collector/sources.h"
#include "common/cli.h"
#include "common/time.h"
#include "common/util.h"
#include "common/version.h"

static void usage_collect(FILE *out)
{
	fprintf(out,
		"usage: ctk collect --db DB [OPTIONS] -- CMD [ARGS…]\n"
		"       ctk collect --db DB --attach [OPTIONS]\n\n"
		"Runs CMD, samples the energy of its machine's devices until it exits, and stores\n"
		"the readings, the run and its epochs in DB. Exits with CMD's exit status\n"
		"(128+signal when it was killed). SIGINT, SIGTERM and SIGHUP are passed on to CMD.\n\n"
		"  --db DB            store (created if missing); %%h = host name ($SLURMD_NODENAME in a\n"
		"                     SLURM job), %%j = $SLURM_JOB_ID\n"
		"  --label L          run label            --epochs N   planned number of epochs\n"
		"  --zone Z           grid zone for the carbon-intensity join\n"
		"  --interval T       sampling period (default 100ms; e.g. 10ms, 1s)\n"
		"  --baseline T       sample T idle before CMD starts, stored as a 'baseline' window\n"
		"  --gpus LIST        NVIDIA GPUs: indices, GPU-UUIDs, MIG-UUIDs, 'all' or 'none'\n"
		"                     (default: CUDA_VISIBLE_DEVICES, else NVIDIA_VISIBLE_DEVICES, else all)\n"
		"  --sources LIST     sources to use (default all):");
	for (int i = 0; ctk_sources[i]; i++)
		fprintf(out, "%s%s", i ? "," : " ", ctk_sources[i]->name);
	fprintf(out,
		"\n  --epoch-regex RE   an epoch starts at each line of CMD's output matching RE\n"
		"                     (POSIX extended; group 1 = epoch number), e.g. '^Epoch ([0-9]+)/'\n"
		"  --socket PATH      marker socket (default: a private temporary directory)\n"
		"  --attach           no CMD: sample until SIGINT or SIGTERM\n"
		"  --flush T          store interval (default 1s; 5s with batches)   --stats  cost summary\n"
		"  --no-batches       read every device at every interval even where the driver keeps\n"
		"                     its own power samples (by default the collector then wakes once\n"
		"                     a second and stores the driver's samples: cheaper, same energy)\n"
		"  --metrics-file F   rewrite F (Prometheus text format; %%h, %%j as in --db) at\n"
		"                     every flush: energy per device, power, epoch; for\n"
		"                     node_exporter's textfile collector\n"
		"  --quiet            no summary line and no prediction lines\n\n"
		"Live prediction and budgets (need --epochs N; the default predictor of `ctk analyze`):\n"
		"  --predict-after K  print the predicted totals (time, kWh, g CO2, km by car) on\n"
		"                     stderr after K completed epochs (default 1) and each later one\n"
		"  --intensity G      g CO2e/kWh for the CO2 figures (else the latest value of --zone's\n"
		"                     series in DB; with neither, energy and time only)\n"
		"  --budget-kwh X     energy budget of the whole run    --budget-g Y  CO2 budget (g)\n"
		"  --on-budget A      when a budget is predicted to be exceeded: warn (default, once),\n"
		"                     stop (SIGTERM the command, exit 143, reason in runs.config_json)\n"
		"                     or ask on /dev/tty (continue? y/n; no terminal: warn)\n"
		"  --grace T          after a budget stop, SIGKILL the command after T (default 30s)\n"
		"  (--stats adds each prediction's full-precision values: prediction: energy_j=…)\n\n"
		"Markers from CMD: ctk mark epoch-start [N] | epoch-end | begin NAME | end NAME\n"
		"(CMD gets CTK_SOCKET). Environment: CTK_NVML_LIB (NVML library), CTK_SYSFS_ROOT (/sys).\n\n"
		"Under SLURM (srun ctk collect --db run-%%h.db -- CMD): one collector per node, the task\n"
		"of local rank 0 (SLURM_LOCALID); the other tasks run CMD without sampling, say so in\n"
		"one line, and their markers are ignored (CTK_SOCKET=none). The GPUs measured are the\n"
		"step's (SLURM_STEP_GPUS, else SLURM_JOB_GPUS, before CUDA_VISIBLE_DEVICES: device\n"
		"numbers, the N of /dev/nvidiaN, as with NVIDIA_VISIBLE_DEVICES); job, step,\n"
		"node list, task counts and GPUs go into the run's config, and on a shared node the\n"
		"job's CPU/DRAM share by allocated cores (cpu_share, an estimate). Merge the nodes'\n"
		"stores with ctk merge.\n"
		"exit status: CMD's (143 after a budget stop), else 1 usage, 2 bad input, 3 I/O or\n"
		"database, 4 device\n");
}

static void usage_mark(FILE *out)
{
	fprintf(out,
		"usage: ctk mark epoch-start [N]\n"
		"       ctk mark epoch-end [--items N]\n"
		"       ctk mark begin NAME\n"
		"       ctk mark end NAME [--items N]\n"
		"       ctk mark status [--json]\n\n"
		"Tells the collector running this process (ctk collect, through $CTK_SOCKET) that an\n"
		"epoch or a named phase starts or ends now. --items: samples/tokens processed.\n"
		"CTK_SOCKET=none (a SLURM task that does not sample): markers are ignored, exit 0.\n"
		"status asks it for its figures so far: energy per device and in total, epochs,\n"
		"the latest prediction (--json: one object, schemas/status.schema.json).\n"
		"exit status: 0 ok, 1 usage, 2 marker refused, 4 no collector\n");
}

static int parse_duration(const char *opt, const char *v, int64_t min_ns, int64_t *ns, struct ctk_error *err)
{
	struct ctk_error e = {0};

	if (ctk_duration_parse(v, ns, &e))
		return ctk_failf(err, CTK_EUSAGE, "%s %s", opt, e.msg);
	if (*ns < min_ns)
		return ctk_failf(err, CTK_EUSAGE, "%s '%s': not a duration of at least %lld ms (e.g. 100ms, 2s)",
				 opt, v, (long long)(min_ns / 1000000));
	return 0;
}

static void print_log(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "ctk collect: %s\n", msg);
}

/* --on-budget ask: the question on the controlling terminal, whatever
 * stdin/stderr are (they may be a pipe or a log file). */
static int ask_tty(void *ctx, const char *question)
{
	char line[64];
	FILE *tty = fopen("/dev/tty", "r+");

	(void)ctx;
	if (!tty)
		return -1;
	for (;;) {
		fputs(question, tty);
		fflush(tty);
		if (!fgets(line, sizeof line, tty)) {
			fclose(tty);
			return -1;
		}
		if (line[0] == 'y' || line[0] == 'Y' || line[0] == 'n' || line[0] == 'N')
			break;
		fputs("please answer y or n\n", tty);
	}
	fclose(tty);
	return line[0] == 'y' || line[0] == 'Y';
}

/* The live prediction's and budgets' options (1: not one of them). */
static int live_opt(int c, const char *arg, struct ctk_live_opts *lo, struct ctk_error *err)
{
	int64_t v;
	double x;

	switch (c) {
	case 'K':
		if (ctk_parse_int64(arg, &v) || v < 1 || v > 1000000000)
			return ctk_failf(err, CTK_EUSAGE, "--predict-after '%s': not a number of epochs >= 1", arg);
		lo->predict_after = (int)v;
		return 0;
	case 'I':
		if (ctk_parse_double(arg, &x) || !isfinite(x) || x < 0)
			return ctk_failf(err, CTK_EUSAGE, "--intensity '%s': not g CO2e per kWh (>= 0)", arg);
		lo->intensity_g_per_kwh = x;
		lo->has_intensity = 1;
		return 0;
	case 'B':
	case 'G':
		if (ctk_parse_double(arg, &x) || !isfinite(x) || x <= 0)
			return ctk_failf(err, CTK_EUSAGE, "--budget-%s '%s': not a positive number", c == 'B' ? "kwh" : "g", arg);
		if (c == 'B')
			lo->budget_kwh = x, lo->has_budget_kwh = 1;
		else
			lo->budget_g = x, lo->has_budget_g = 1;
		return 0;
	case 'O':
		if (!strcmp(arg, "warn"))
			lo->on_budget = CTK_ON_BUDGET_WARN;
		else if (!strcmp(arg, "stop"))
			lo->on_budget = CTK_ON_BUDGET_STOP;
		else if (!strcmp(arg, "ask"))
			lo->on_budget = CTK_ON_BUDGET_ASK;
		else
			return ctk_failf(err, CTK_EUSAGE, "--on-budget '%s': warn, stop or ask", arg);
		return 0;
	case 'W':
		return parse_duration("--grace", arg, 0, &lo->grace_ns, err) ? CTK_EUSAGE : 0;
	}
	return 1;
}

/* One option of `ctk collect` (1: not one of these). */
static int collect_opt(int c, const char *arg, struct ctk_collect_opts *o, struct ctk_error *err)
{
	int64_t v;

	switch (c) {
	case 'd': o->db_spec = arg; return 0;
	case 'l': o->label = arg; return 0;
	case 'z': o->zone = arg; return 0;
	case 'g': o->gpus = arg; return 0;
	case 'S': o->sources = arg; return 0;
	case 'r': o->epoch_regex = arg; return 0;
	case 's': o->socket_path = arg; return 0;
	case 'M': o->metrics_file = arg; return 0;
	case 'a': o->attach = 1; return 0;
	case 'T': o->stats = 1; return 0;
	case 'q': o->quiet = 1; return 0;
	case 'P': o->no_batches = 1; return 0;
	case 'e':
		if (ctk_parse_int64(arg, &v) || v < 1 || v > 1000000000)
			return ctk_failf(err, CTK_EUSAGE, "--epochs '%s': not a number of epochs", arg);
		o->epochs = (int)v;
		return 0;
	case 'i': return parse_duration("--interval", arg, 1000000, &o->interval_ns, err) ? CTK_EUSAGE : 0;
	case 'b': return parse_duration("--baseline", arg, 0, &o->baseline_ns, err) ? CTK_EUSAGE : 0;
	case 'f': return parse_duration("--flush", arg, 10000000, &o->flush_ns, err) ? CTK_EUSAGE : 0;
	}
	return 1;
}

/* Options that do not go together. */
static int check_collect_opts(const struct ctk_collect_opts *o, int has_cmd, int live, struct ctk_error *err)
{
	if (!o->db_spec)
		return ctk_failf(err, CTK_EUSAGE, "no database given (use --db FILE)");
	if (o->attach && has_cmd)
		return ctk_failf(err, CTK_EUSAGE, "--attach takes no command");
	if (!o->attach && !has_cmd) {
		usage_collect(stderr);
		return ctk_failf(err, CTK_EUSAGE, "no command given (ctk collect --db DB -- CMD…, or --attach)");
	}
	if (live && (!o->epochs || o->attach))
		return ctk_failf(err, CTK_EUSAGE, "--predict-after, --budget-kwh, --budget-g and --on-budget need "
				 "--epochs N and a command (not --attach)");
	if (!o->live.has_budget_kwh && !o->live.has_budget_g && o->live.on_budget != CTK_ON_BUDGET_WARN)
		return ctk_failf(err, CTK_EUSAGE, "--on-budget needs --budget-kwh or --budget-g");
	if (o->attach && o->epoch_regex)
		return ctk_failf(err, CTK_EUSAGE, "--epoch-regex reads a command's output: not with --attach");
	return 0;
}

static void print_summary(const struct ctk_collect_opts *o, const struct ctk_collect_result *res)
{
	if (!o->quiet)
		fprintf(stderr, "ctk collect: run %lld%s: %lld device(s), %lld reading(s), %lld window(s), "
			"%lld deadline miss(es)%s -> '%s'\n", (long long)res->run_id,
			res->simulated ? " (simulated device)" : "", (long long)res->devices,
			(long long)res->readings, (long long)res->windows, (long long)res->misses,
			res->budget_stopped ? ", stopped by the budget (exit 143)" : "", res->db_path);
	if (o->stats)
		fprintf(stderr, "ctk collect: stats: rounds %lld misses %lld channels %lld per_round_us %.3f "
			"reads_us %.3f own_us %.3f clock_us %.3f total_cpu_s %.3f maxrss_kib %ld\n",
			(long long)res->rounds, (long long)res->misses, (long long)res->channels, res->round_us,
			res->reads_us, res->own_us, res->clock_us, res->total_cpu_s, res->maxrss_kib);
}

/* A SLURM task of local rank > 0: local rank 0 samples the node. Say so in
 * one line and become the command (its markers ignored: CTK_SOCKET=none). */
static int not_sampling(const struct ctk_collect_opts *o, int *status, struct ctk_error *err)
{
	char host[256];

	ctk_slurm_host(host, sizeof host);
	fprintf(stderr, "ctk collect: SLURM task %s (local rank %d) on '%s': not sampling; local rank 0 "
		"measures this node%s\n", getenv("SLURM_PROCID") ? getenv("SLURM_PROCID") : "?",
		ctk_slurm_local_rank(), host, o->attach ? "" : " (markers of this task are ignored)");
	if (o->attach)
		return 0;
	fflush(stderr);
	if (setenv("CTK_SOCKET", "none", 1))
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	execvp(o->cmd[0], o->cmd);
	*status = errno == ENOENT ? 127 : 126;
	return ctk_failf(err, CTK_EUSAGE, "cannot run '%s': %s", o->cmd[0], strerror(errno));
}

static int cmd_collect(int argc, char **argv, int *status, struct ctk_error *err)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'}, {"label", required_argument, NULL, 'l'},
		{"epochs", required_argument, NULL, 'e'}, {"zone", required_argument, NULL, 'z'},
		{"interval", required_argument, NULL, 'i'}, {"baseline", required_argument, NULL, 'b'},
		{"flush", required_argument, NULL, 'f'}, {"gpus", required_argument, NULL, 'g'},
		{"sources", required_argument, NULL, 'S'}, {"epoch-regex", required_argument, NULL, 'r'},
		{"socket", required_argument, NULL, 's'}, {"attach", no_argument, NULL, 'a'},
		{"stats", no_argument, NULL, 'T'}, {"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'}, {"predict-after", required_argument, NULL, 'K'},
		{"intensity", required_argument, NULL, 'I'}, {"budget-kwh", required_argument, NULL, 'B'},
		{"budget-g", required_argument, NULL, 'G'}, {"on-budget", required_argument, NULL, 'O'},
		{"grace", required_argument, NULL, 'W'}, {"metrics-file", required_argument, NULL, 'M'},
		{"no-batches", no_argument, NULL, 'P'}, {NULL, 0, NULL, 0},
	};
	struct ctk_collect_opts o = {.interval_ns = 100 * 1000000LL, .flush_ns = 0 /* loop.c: 1 s or 5 s */};
	struct ctk_collect_result res;
	int live = 0, c, rc;

	o.live.predict_after = 1;
	o.live.grace_ns = 30 * CTK_NS_PER_S;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+hd:l:e:z:i:b:f:g:S:r:s:aTq", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage_collect(stdout);
			return 0;
		}
		if ((rc = collect_opt(c, optarg, &o, err)) <= 0) {
			if (rc < 0)
				return rc;
			continue;
		}
		if ((rc = live_opt(c, optarg, &o.live, err)) <= 0) {
			if (rc < 0)
				return rc;
			live |= c != 'I' && c != 'W';  /* these two need no --epochs */
			continue;
		}
		usage_collect(stderr);
		return ctk_failf(err, CTK_EUSAGE, "bad option");
	}
	if ((rc = check_collect_opts(&o, optind < argc, live, err)))
		return rc;
	o.cmd = o.attach ? NULL : argv + optind;
	if (ctk_slurm_local_rank() > 0)
		return not_sampling(&o, status, err);
	o.log = print_log;
	o.ask = ask_tty;
	o.no_predict = o.quiet;
	rc = ctk_collect(&o, &res, err);
	*status = res.status;
	if (!rc)
		print_summary(&o, &res);
	return rc;
}

/* `ctk mark status`: ask the collector, print its JSON (--json) or a summary. */
static int mark_status(const char *sock, int json, struct ctk_error *err)
{
	size_t size = 1 << 16;
	char *reply = malloc(size);
	cJSON *o = NULL, *d;
	int rc;

	if (!reply)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	if ((rc = ctk_mark_send(sock, "status", 2000, reply, size, err)))
		goto out;
	if (!(o = cJSON_Parse(reply))) {
		rc = ctk_failf(err, CTK_EDEVICE, "collector at '%s': the status answer is not JSON", sock);
		goto out;
	}
	if (json) {
		printf("%s\n", reply);
		goto out;
	}
	const cJSON *e = cJSON_GetObjectItem(o, "energy_j"), *el = cJSON_GetObjectItem(o, "elapsed_s");
	printf("run %.0f ('%s'): %s%.6g J (%.6g kWh) so far", cJSON_GetNumberValue(cJSON_GetObjectItem(o, "run_id")),
	       cJSON_GetStringValue(cJSON_GetObjectItem(o, "db")), cJSON_IsTrue(cJSON_GetObjectItem(o, "simulated")) ?
	       "simulated device, " : "", cJSON_IsNumber(e) ? e->valuedouble : 0.0,
	       cJSON_IsNumber(e) ? e->valuedouble / 3.6e6 : 0.0);
	if (cJSON_IsNumber(el))
		printf(" in %.3f s", el->valuedouble);
	printf("\n");
	cJSON_ArrayForEach(d, cJSON_GetObjectItem(o, "devices")) {
		const cJSON *dj = cJSON_GetObjectItem(d, "energy_j");
		printf("  %s %.0f %s: ", cJSON_GetStringValue(cJSON_GetObjectItem(d, "kind")),
		       cJSON_GetNumberValue(cJSON_GetObjectItem(d, "index")), cJSON_GetStringValue(cJSON_GetObjectItem(d, "name")));
		if (cJSON_IsNumber(dj))
			printf("%.6g J\n", dj->valuedouble);
		else
			printf("no reading yet\n");
	}
	const cJSON *ep = cJSON_GetObjectItem(o, "epochs"), *pl = cJSON_GetObjectItem(ep, "planned"),
		    *cur = cJSON_GetObjectItem(ep, "current");
	printf("epochs: %.0f completed", cJSON_GetNumberValue(cJSON_GetObjectItem(ep, "completed")));
	if (cJSON_IsNumber(pl))
		printf(" of %.0f", pl->valuedouble);
	if (cJSON_IsNumber(cur))
		printf(", epoch %.0f running", cur->valuedouble);
	printf("\n");
	const cJSON *p = cJSON_GetObjectItem(o, "prediction");
	if (cJSON_IsObject(p)) {
		const cJSON *pe = cJSON_GetObjectItem(p, "energy_j"), *pd = cJSON_GetObjectItem(p, "duration_s"),
			    *pc = cJSON_GetObjectItem(p, "co2_g");
		printf("prediction (%s, after %.0f epoch(s), for %.0f):", cJSON_GetStringValue(cJSON_GetObjectItem(p, "predictor")),
		       cJSON_GetNumberValue(cJSON_GetObjectItem(p, "after_epochs")),
		       cJSON_GetNumberValue(cJSON_GetObjectItem(p, "planned_epochs")));
		if (cJSON_IsObject(pe))
			printf(" %.6g kWh", cJSON_GetNumberValue(cJSON_GetObjectItem(pe, "value")) / 3.6e6);
		if (cJSON_IsObject(pd))
			printf(" %.6g s", cJSON_GetNumberValue(cJSON_GetObjectItem(pd, "value")));
		if (cJSON_IsObject(pc))
			printf(" %.6g g CO2e", cJSON_GetNumberValue(cJSON_GetObjectItem(pc, "value")));
		printf("\n");
	} else {
		printf("prediction: none yet (needs --epochs N and --predict-after K completed epochs)\n");
	}
out:
	cJSON_Delete(o);
	free(reply);
	return rc;
}

static int cmd_mark(int argc, char **argv, struct ctk_error *err)
{
	const char *sock = getenv("CTK_SOCKET");
	char line[256], reply[300];
	int64_t items = -1, v;
	int n = 0, json = 0;
	const char *args[3] = {NULL, NULL, NULL};

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage_mark(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--json")) {
			json = 1;
			continue;
		}
		if (!strcmp(argv[i], "--items")) {
			if (i + 1 >= argc || ctk_parse_int64(argv[i + 1], &v) || v < 0)
				return ctk_failf(err, CTK_EUSAGE, "--items needs a count");
			items = v;
			i++;
			continue;
		}
		if (n == 2) {
			usage_mark(stderr);
			return ctk_failf(err, CTK_EUSAGE, "too many arguments");
		}
		args[n++] = argv[i];
	}
	if (n == 0) {
		usage_mark(stderr);
		return ctk_failf(err, CTK_EUSAGE, "no marker given");
	}
	if (json && strcmp(args[0], "status"))
		return ctk_failf(err, CTK_EUSAGE, "--json goes with status");
	if (!strcmp(args[0], "status")) {
		if (n != 1 || items >= 0)
			return ctk_failf(err, CTK_EUSAGE, "status takes no argument but --json");
		if (!sock || !*sock)
			return ctk_failf(err, CTK_EUSAGE, "CTK_SOCKET is not set: run the command under 'ctk collect'");
		return mark_status(sock, json, err);
	}
	if (!strcmp(args[0], "epoch-start")) {
		if (n == 2 && (ctk_parse_int64(args[1], &v) || v < 1 || v > CTK_MARK_MAX_EPOCH))
			return ctk_failf(err, CTK_EUSAGE, "epoch-start '%s': not an epoch number (1 to 1000000000)", args[1]);
		if (items >= 0)
			return ctk_failf(err, CTK_EUSAGE, "--items goes with epoch-end or end");
	} else if (!strcmp(args[0], "epoch-end")) {
		if (n == 2 && (ctk_parse_int64(args[1], &v) || v < 1 || v > CTK_MARK_MAX_EPOCH))
			return ctk_failf(err, CTK_EUSAGE, "epoch-end '%s': not an epoch number (1 to 1000000000)", args[1]);
	} else if (!strcmp(args[0], "begin") || !strcmp(args[0], "end")) {
		if (n != 2)
			return ctk_failf(err, CTK_EUSAGE, "%s needs a NAME", args[0]);
		if (args[0][0] == 'b' && items >= 0)
			return ctk_failf(err, CTK_EUSAGE, "--items goes with epoch-end or end");
	} else {
		usage_mark(stderr);
		return ctk_failf(err, CTK_EUSAGE, "unknown marker '%s' (epoch-start, epoch-end, begin, end, status)", args[0]);
	}
	if (!sock || !*sock)
		return ctk_failf(err, CTK_EUSAGE, "CTK_SOCKET is not set: run the command under 'ctk collect'");
	if (!strcmp(sock, "none")) /* a SLURM task that does not sample: its node's collector has the markers */
		return 0;
	snprintf(line, sizeof line, "%s%s%s", args[0], n == 2 ? " " : "", n == 2 ? args[1] : "");
	if (items >= 0)
		snprintf(line + strlen(line), sizeof line - strlen(line), " items=%lld", (long long)items);
	return ctk_mark_send(sock, line, 2000, reply, sizeof reply, err);
}

static void usage_slurm(FILE *out)
{
	fprintf(out,
		"usage: ctk slurm prolog [--spool DIR]\n"
		"       ctk slurm epilog [--spool DIR]\n\n"
		"For slurm.conf's Prolog= and Epilog= (run by slurmd on each node of a job, as\n"
		"root, without changing user code): read the energy counters of the job's own\n"
		"GPUs (SLURM_JOB_GPUS, else CUDA_VISIBLE_DEVICES, else every GPU) at its start\n"
		"and end. The prolog stores one run per job (host, job id, user, GPUs) in the\n"
		"node's own store DIR/ctk-HOST-JOBID.db, the epilog adds the end readings. Never\n"
		"one SQLite file for many nodes: gather a spool with ctk merge OUT.db DIR.\n\n"
		"  --spool DIR   spool directory (default " CTK_SLURM_SPOOL_DEFAULT ", created if missing)\n\n"
		"slurm.conf:  Prolog=/usr/local/sbin/ctk-prolog.sh  Epilog=/usr/local/sbin/ctk-epilog.sh\n"
		"(each a script running: exec ctk slurm prolog --spool DIR, resp. epilog).\n"
		"A GPU or store error never fails the job: it is a warning on stderr (slurmd's log)\n"
		"and exit 0, since a failing Prolog drains the node; only a usage error exits 1.\n"
		"Environment: SLURM_JOB_ID, SLURMD_NODENAME, SLURM_JOB_USER, CTK_NVML_LIB.\n"
		"exit status: 0 ok (also when the job could not be measured: see above), 1 usage\n");
}

/* `ctk slurm prolog|epilog [--spool DIR]`: collector/slurm.c does the work. */
static int cmd_slurm(int argc, char **argv, struct ctk_error *err)
{
	struct ctk_slurm_hook h = {.spool = CTK_SLURM_SPOOL_DEFAULT};
	const char *verb = NULL;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage_slurm(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--spool")) {
			if (i + 1 >= argc || !*argv[i + 1])
				return ctk_failf(err, CTK_EUSAGE, "--spool needs a directory");
			h.spool = argv[++i];
		} else if (!verb && (!strcmp(argv[i], "prolog") || !strcmp(argv[i], "epilog"))) {
			verb = argv[i];
		} else {
			usage_slurm(stderr);
			return ctk_failf(err, CTK_EUSAGE, "unexpected argument '%s'", argv[i]);
		}
	}
	if (!verb) {
		usage_slurm(stderr);
		return ctk_failf(err, CTK_EUSAGE, "prolog or epilog?");
	}
	h.epilog = !strcmp(verb, "epilog");
	if ((rc = ctk_slurm_hook_run(&h, err))) {
		if (rc == CTK_EUSAGE)
			return rc;
		/* SLURM drains a node whose Prolog fails: the job runs unmeasured instead */
		fprintf(stderr, "ctk slurm: warning: %s: job %s not measured (%s)\n", verb,
			getenv("SLURM_JOB_ID") ? getenv("SLURM_JOB_ID") : "?", err->msg[0] ? err->msg : ctk_strerror(rc));
		return 0;
	}
	printf("ctk slurm %s: job %s, %d GPU(s)%s -> %s\n", verb, getenv("SLURM_JOB_ID"), h.gpus,
	       h.simulated ? " [simulated]" : "", h.path);
	return 0;
}

int main(int argc, char **argv)
{
	struct ctk_error err = {0};
	int status = 0, rc, mark = 0;

	if (ctk_wants_version(argc, argv)) {
		printf("ctk %s\n", ctk_version);
		return 0;
	}

	if (argc >= 2 && !strcmp(argv[1], "slurm")) {
		argv[1] = (char *)"ctk slurm";
		rc = cmd_slurm(argc - 1, argv + 1, &err);
		if (!rc && ctk_stdout_check(&err) < 0)
			rc = CTK_EDB;
		if (rc)
			fprintf(stderr, "ctk slurm: %s\n", err.msg[0] ? err.msg : ctk_strerror(rc));
		return rc ? ctk_exit_code(rc) : 0;
	}
	if (argc >= 2 && (!strcmp(argv[1], "collect") || !strcmp(argv[1], "mark"))) {
		mark = !strcmp(argv[1], "mark");
		argv++;
		argc--;
	}
	argv[0] = (char *)(mark ? "ctk mark" : "ctk collect"); /* getopt's messages: "ctk collect: …" */
	rc = mark ? cmd_mark(argc, argv, &err) : cmd_collect(argc, argv, &status, &err);
	if (!rc && ctk_stdout_check(&err) < 0)
		rc = CTK_EDB;
	if (rc) {
		fprintf(stderr, "ctk %s: %s\n", mark ? "mark" : "collect", err.msg[0] ? err.msg : ctk_strerror(rc));
		return ctk_exit_code(rc);
	}
	return status;
}
