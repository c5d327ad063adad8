/* `ctk intensity fetch --source S --zone Z --from T --to T --db DB
 * [--base-url URL] [--timeout T] [--retries N] [--backoff T] [--signal S]`:
 * a series from a web API (analyze/intensity/fetch.h, libcurl) into the
 * store, all pages in one transaction. */
#include <stdio.h>
#include <string.h>

#include "analyze/cmd/intensity.h"
#include "analyze/intensity/fetch.h"
#include "common/db.h"
#include "common/time.h"
#include "common/util.h"

enum { O_SOURCE = 256, O_ZONE, O_FROM, O_TO, O_DB, O_BASE, O_TIMEOUT, O_RETRIES, O_BACKOFF, O_SIGNAL };

struct args {
	const char *source, *zone, *from, *to, *db, *base, *signal;
	int retries;
	double timeout_s, backoff_s;
};

/* --timeout/--backoff: a duration with a unit (30s, 500ms) in (0, 1h] */
static int seconds(const char *name, const char *arg, double *v, struct ctk_error *err)
{
	struct ctk_error e = {0};
	int64_t v_ns;

	if (ctk_duration_parse(arg, &v_ns, &e))
		return ctk_failf(err, CTK_EUSAGE, "--%s %s", name, e.msg);
	if (v_ns <= 0 || v_ns > 3600 * CTK_NS_PER_S)
		return ctk_failf(err, CTK_EUSAGE, "--%s '%s': not a duration in (0, 1h]", name, arg);
	*v = (double)v_ns / 1e9;
	return 0;
}

static int on_opt(void *ctx, int opt, const char *arg, struct ctk_error *err)
{
	struct args *a = ctx;
	int64_t n;

	switch (opt) {
	case O_SOURCE: a->source = arg; break;
	case O_ZONE: a->zone = arg; break;
	case O_FROM: a->from = arg; break;
	case O_TO: a->to = arg; break;
	case O_DB: a->db = arg; break;
	case O_BASE: a->base = arg; break;
	case O_SIGNAL: a->signal = arg; return ctk_intensity_signal_check(arg, err);
	case O_TIMEOUT: return seconds("timeout", arg, &a->timeout_s, err);
	case O_BACKOFF: return seconds("backoff", arg, &a->backoff_s, err);
	case O_RETRIES:
		if (ctk_parse_int64(arg, &n) || n < 0 || n > 20)
			return ctk_failf(err, CTK_EUSAGE, "--retries '%s': not 0..20", arg);
		a->retries = (int)n;
		break;
	}
	return 0;
}

static int run(int argc, char **argv, struct ctk_error *err)
{
	struct args a = {0};
	struct ctk_fetch_result res = {0};
	sqlite3 *db = NULL;
	int first, rc, made;

	if ((rc = ctk_intensity_opts(&ctk_intensity_fetch, argc, argv, on_opt, &a, &first, err)))
		return rc;
	if (first < argc)
		return ctk_failf(err, CTK_EUSAGE, "fetch: unexpected argument '%s'", argv[first]);
	if (!a.source || !a.zone || !a.from || !a.to || !a.db)
		return ctk_failf(err, CTK_EUSAGE, "fetch: need --source, --zone, --from, --to and --db");
	struct ctk_fetch_opts o = {.source = a.source, .zone = a.zone, .base_url = a.base, .signal = a.signal,
				   .timeout_s = a.timeout_s, .max_tries = a.retries ? a.retries + 1 : 0,
				   .backoff_s = a.backoff_s, .warn = ctk_intensity_warn};
	if (ctk_time_parse(a.from, NULL, &o.from_ns, err) || ctk_time_parse(a.to, NULL, &o.to_ns, err)) {
		ctk_error_prefix(err, "--from/--to (ISO-8601 with a zone, e.g. 2024-01-01T00:00Z): ");
		err->code = CTK_EUSAGE;
		return CTK_EUSAGE;
	}
	if (o.to_ns <= o.from_ns)
		return ctk_failf(err, CTK_EUSAGE, "--to must be after --from");
	made = ctk_db_missing(a.db);
	if ((rc = ctk_db_open(a.db, CTK_DB_CREATE, &db, err)))
		return rc;
	if ((rc = ctk_db_begin(db, err)))
		goto out;
	rc = ctk_ci_fetch(db, &o, &res, err);
	if (!rc)
		rc = ctk_db_commit(db, err);
	if (rc)
		ctk_db_rollback(db);
	else
		printf("fetched %s %s: %d page(s), %d retr%s, %lld value(s)\n", a.source, a.zone, res.pages,
		       res.retries, res.retries == 1 ? "y" : "ies", (long long)res.points);
out:
	ctk_db_close(db);
	if (rc && made)
		ctk_db_discard(a.db);
	return rc;
}

static const struct option opts[] = {
	{"source", required_argument, NULL, O_SOURCE}, {"zone", required_argument, NULL, O_ZONE},
	{"from", required_argument, NULL, O_FROM}, {"to", required_argument, NULL, O_TO},
	{"db", required_argument, NULL, O_DB}, {"base-url", required_argument, NULL, O_BASE},
	{"timeout", required_argument, NULL, O_TIMEOUT}, {"retries", required_argument, NULL, O_RETRIES},
	{"backoff", required_argument, NULL, O_BACKOFF}, {"signal", required_argument, NULL, O_SIGNAL},
	{NULL, 0, NULL, 0},
};

const struct ctk_intensity_verb ctk_intensity_fetch = {
	.name = "fetch",
	.usage = "fetch --source uk|uk-regional|electricitymaps|eds --zone Z\n"
		 "                           --from T --to T --db DB [--base-url URL] [--timeout T]\n"
		 "                           [--retries N] [--backoff T] [--signal S]",
	.notes = "--zone Z    GB (uk), region id or postcode (uk-regional), zone (electricitymaps),\n"
		 "            DK1 or DK2 (eds)\n"
		 "--from/--to ISO-8601 with a zone (e.g. 2024-01-01T00:00Z)\n"
		 "--retries N retries after a failed page (0..20), waiting --backoff T, doubling\n"
		 "--timeout T, --backoff T  durations with a unit (30s, 500ms)\n"
		 "fetch reads the Electricity Maps token from ELECTRICITYMAPS_TOKEN only.\n",
	.opts = opts,
	.run = run,
};
