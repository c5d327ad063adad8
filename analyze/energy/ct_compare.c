/* Reported vs recomputed energy of an imported carbontracker run (see
 * ct_compare.h). Epoch energies are the trapezoid of each device's stored
 * readings over the epoch window; the importer stores each epoch's mean
 * power at both ends of the window, so this is mean power × duration. A
 * device flagged 'ct-v2-averaged' stands for `count` devices whose mean
 * carbontracker logged; its readings are already that mean × count (the
 * sum), so the figure "as logged" is the stored one / count. */
#include "analyze/energy/ct_compare.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/db.h"
#include "common/samples.h"

struct win {
	int64_t idx, start_ns, end_ns;
};

/* Trapezoid of power over [a, b] from readings r[0..n) (time-ordered);
 * *covered set when some reading pair overlaps the window. */
static double integrate(const struct ctk_reading *r, int n, int64_t a, int64_t b, int *covered)
{
	double e = 0;

	*covered = 0;
	for (int i = 0; i + 1 < n; i++) {
		const struct ctk_reading *p = &r[i], *q = &r[i + 1];
		if (!p->has_power || !q->has_power || q->t_ns <= p->t_ns)
			continue;
		int64_t lo = p->t_ns > a ? p->t_ns : a, hi = q->t_ns < b ? q->t_ns : b;
		if (hi <= lo)
			continue;
		double span = (double)(q->t_ns - p->t_ns);
		double pl = (double)p->power_mw + (double)(q->power_mw - p->power_mw) * (double)(lo - p->t_ns) / span;
		double ph = (double)p->power_mw + (double)(q->power_mw - p->power_mw) * (double)(hi - p->t_ns) / span;
		e += 0.5 * (pl + ph) / 1000.0 * (double)(hi - lo) / 1e9;
		*covered = 1;
	}
	return e;
}

static int load_readings(sqlite3 *db, int64_t device_id, struct ctk_reading **out, int *n,
			 struct ctk_error *err)
{
	struct ctk_sample_reader *rd = NULL;
	struct ctk_reading r, *v = NULL;
	const char *sig;
	int cap = 0, rc;

	*n = 0;
	if ((rc = ctk_sample_reader_new(db, device_id, &rd, err)))
		return rc;
	while ((rc = ctk_sample_next(rd, &r, &sig, err)) == 1) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			struct ctk_reading *nv = realloc(v, (size_t)cap * sizeof(*nv));
			if (!nv) {
				rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
				break;
			}
			v = nv;
		}
		v[(*n)++] = r;
	}
	ctk_sample_reader_free(rd);
	if (rc < 0) {
		free(v);
		return rc;
	}
	*out = v;
	return 0;
}

/* Device count of component `kind` in the run's config_json (1 if unknown
 * or not a plausible count, 1..65536). */
static int component_count(const char *config, const char *kind)
{
	cJSON *j = config ? cJSON_Parse(config) : NULL;
	int n = 1;

	if (j) {
		cJSON *c = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "components"), kind);
		cJSON *cnt = cJSON_GetObjectItemCaseSensitive(c, "count");
		/* bounded before the cast: 1e300 devices is no count (UB found by fuzz/fuzz_json.c) */
		if (cJSON_IsNumber(cnt) && cnt->valuedouble >= 1 && cnt->valuedouble <= 65536)
			n = (int)cnt->valuedouble;
	}
	cJSON_Delete(j);
	return n;
}

static void explain(struct ctk_ct_compare *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void explain(struct ctk_ct_compare *c, const char *fmt, ...)
{
	size_t used = strlen(c->explain);
	va_list ap;

	if (used + 2 >= sizeof c->explain)
		return;
	if (used)
		c->explain[used++] = '\n';
	va_start(ap, fmt);
	vsnprintf(c->explain + used, sizeof c->explain - used, fmt, ap);
	va_end(ap);
}

static int load_windows(sqlite3 *db, int64_t run_id, struct win **w, int *n, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int cap = 0, rc;

	*w = NULL;
	*n = 0;
	if (ctk_db_prepare(db, "SELECT idx, start_ns, end_ns FROM windows WHERE run_id = ? AND kind = 'epoch' "
			   "ORDER BY start_ns, idx", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			struct win *nw = realloc(*w, (size_t)cap * sizeof(*nw));
			if (!nw) {
				sqlite3_finalize(st);
				return ctk_failf(err, CTK_ENOMEM, "out of memory");
			}
			*w = nw;
		}
		(*w)[*n].idx = sqlite3_column_int64(st, 0);
		(*w)[*n].start_ns = sqlite3_column_int64(st, 1);
		(*w)[*n].end_ns = sqlite3_column_int64(st, 2);
		(*n)++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : ctk_db_fail(db, err, "read epochs");
}

static int load_reported(sqlite3 *db, struct ctk_ct_compare *c, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (ctk_db_prepare(db, "SELECT what, epochs, duration_s, energy_kwh, co2_g, pue FROM reported "
			   "WHERE run_id = ? AND tool = 'carbontracker' ORDER BY reported_id", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, c->run_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *what = (const char *)sqlite3_column_text(st, 0);
		if (sqlite3_column_type(st, 5) != SQLITE_NULL) {
			c->pue_logged = sqlite3_column_double(st, 5);
			c->has_pue_logged = 1;
		}
		if (what && !strcmp(what, "actual") && sqlite3_column_type(st, 3) != SQLITE_NULL) {
			c->has_actual = 1;
			c->has_actual_epochs = sqlite3_column_type(st, 1) != SQLITE_NULL;
			c->actual_epochs = sqlite3_column_int(st, 1);
			c->actual_duration_s = sqlite3_column_double(st, 2);
			c->actual_kwh = sqlite3_column_double(st, 3);
			c->actual_co2_g = sqlite3_column_double(st, 4);
		} else if (what && !strcmp(what, "predicted") && !c->has_predicted &&
			   sqlite3_column_type(st, 3) != SQLITE_NULL) {
			c->has_predicted = 1;
			c->predicted_epochs = sqlite3_column_int(st, 1);
			c->predicted_kwh = sqlite3_column_double(st, 3);
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : ctk_db_fail(db, err, "read reported");
}

int ctk_carbontracker_recompute(sqlite3 *db, int64_t run_id, double pue, struct ctk_ct_compare *out,
				struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	struct win *w = NULL;
	char *config = NULL;
	int nw = 0, rc, missing = 0;

	memset(out, 0, sizeof(*out));
	out->run_id = run_id;
	out->pue = pue > 0 ? pue : 1.0;
	if (ctk_db_prepare(db, "SELECT source, config_json FROM runs WHERE run_id = ?", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return ctk_failf(err, CTK_EINPUT, "run %lld: no such run", (long long)run_id);
	}
	const char *src = (const char *)sqlite3_column_text(st, 0);
	if (!src || strcmp(src, "import:carbontracker")) {
		rc = ctk_failf(err, CTK_EINPUT, "run %lld: not imported from carbontracker (source '%s')",
			       (long long)run_id, src ? src : "");
		sqlite3_finalize(st);
		return rc;
	}
	if (sqlite3_column_type(st, 1) != SQLITE_NULL &&
	    !(config = strdup((const char *)sqlite3_column_text(st, 1)))) {
		sqlite3_finalize(st);
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	}
	sqlite3_finalize(st);
	st = NULL;

	if ((rc = load_windows(db, run_id, &w, &nw, err)) || (rc = load_reported(db, out, err)))
		goto fail;
	out->epochs = nw;
	if (nw && !(out->epoch = calloc((size_t)nw, sizeof(*out->epoch)))) {
		rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
		goto fail;
	}
	for (int i = 0; i < nw; i++) {
		out->epoch[i].idx = w[i].idx;
		out->epoch[i].duration_s = (double)(w[i].end_ns - w[i].start_ns) / 1e9;
		out->duration_s += out->epoch[i].duration_s;
	}
	if (ctk_db_prepare(db, "SELECT device_id, kind, flags FROM devices WHERE run_id = ? ORDER BY device_id", &st, err)) {
		rc = CTK_EDB;
		goto fail;
	}
	sqlite3_bind_int64(st, 1, run_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t dev = sqlite3_column_int64(st, 0);
		const char *kind = (const char *)sqlite3_column_text(st, 1);
		const char *flags = (const char *)sqlite3_column_text(st, 2);
		int mult = 1, n = 0;
		struct ctk_reading *r = NULL;
		if (flags && strstr(flags, "ct-v2-averaged")) {
			mult = component_count(config, kind ? kind : "");
			out->causes |= CTK_CT_V2_AVERAGED;
			if (mult > out->averaged_devices)
				out->averaged_devices = mult;
		}
		if ((rc = load_readings(db, dev, &r, &n, err))) {
			sqlite3_finalize(st);
			goto fail;
		}
		for (int i = 0; i < nw; i++) {
			int covered;
			double e = integrate(r, n, w[i].start_ns, w[i].end_ns, &covered);
			if (!covered)
				missing++;
			out->epoch[i].energy_j += e / mult;
			out->epoch[i].corrected_j += e;
		}
		free(r);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		rc = ctk_db_fail(db, err, "read devices");
		goto fail;
	}
	for (int i = 0; i < nw; i++) {
		out->energy_j += out->epoch[i].energy_j;
		out->corrected_j += out->epoch[i].corrected_j;
	}
	out->energy_kwh = out->energy_j * out->pue / 3.6e6;
	out->corrected_kwh = out->corrected_j * out->pue / 3.6e6;
	if (out->has_actual && out->actual_kwh > 0)
		out->actual_rel_diff = (out->energy_kwh - out->actual_kwh) / out->actual_kwh;

	/* causes */
	if (out->has_actual && out->has_pue_logged && out->pue_logged != 1.0) {
		double with = out->energy_j * out->pue_logged / 3.6e6, without = out->energy_j / 3.6e6;
		if (fabs(out->actual_kwh - with) < fabs(out->actual_kwh - without)) {
			out->causes |= CTK_CT_PUE;
			if (fabs(out->pue - out->pue_logged) < 1e-9)
				explain(out, "carbontracker's printed energies include a PUE of %.2f, as the recomputed ones here do",
					out->pue_logged);
			else
				explain(out, "carbontracker's printed energies include a PUE of %.2f; ctk uses %.2f (pass --pue %.2f to compare like with like)",
					out->pue_logged, out->pue, out->pue_logged);
		}
	}
	if (out->has_actual && !out->has_pue_logged && out->energy_j > 0) {
		/* v1 logs do not state their PUE: recognise carbontracker's constants */
		static const double known[] = {1.58, 1.59, 1.55, 1.67};
		double ratio = out->actual_kwh * 3.6e6 / out->energy_j;
		for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
			if (fabs(ratio / known[k] - 1) < 0.005) {
				out->causes |= CTK_CT_PUE;
				out->pue_logged = known[k];
				explain(out, "carbontracker's printed energies appear to include a PUE of %.2f (not stated in this log; ratio %.4f); ctk uses %.2f",
					known[k], ratio, out->pue);
				break;
			}
	}
	if (out->has_actual && out->has_actual_epochs && nw >= 2 && out->actual_epochs == nw - 1) {
		double k = out->pue_logged > 0 ? out->pue_logged : 1.0;
		double all = out->energy_j * k / 3.6e6, first = (out->energy_j - out->epoch[nw - 1].energy_j) * k / 3.6e6;
		if (fabs(out->actual_kwh - all) <= fabs(out->actual_kwh - first)) {
			out->causes |= CTK_CT_EPOCH_LABEL;
			explain(out, "the actual block says %d epoch(s) but sums all %d: stop() after the last epoch lowers the label by one",
				out->actual_epochs, nw);
		}
	}
	if (out->causes & CTK_CT_V2_AVERAGED)
		explain(out, "carbontracker 2.x averaged %d devices instead of summing them: the hardware drew about %.6f kWh (x%.2f PUE), not %.6f; ctk's figures are the sum",
			out->averaged_devices, out->corrected_kwh, out->pue, out->energy_kwh);
	if (!out->has_actual) {
		out->causes |= CTK_CT_NO_ACTUAL;
		explain(out, "no actual consumption was printed%s", out->has_predicted ? " (only a prediction)" : "");
	}
	if (missing) {
		out->causes |= CTK_CT_MISSING_POWER;
		explain(out, "%d device-epoch(s) have no power value ('None' or a cut-off log); carbontracker fills them from other epochs, ctk counts nothing there",
			missing);
	}
	free(w);
	free(config);
	return 0;
fail:
	free(w);
	free(config);
	ctk_ct_compare_release(out);
	return rc;
}

void ctk_ct_compare_release(struct ctk_ct_compare *c)
{
	free(c->epoch);
	c->epoch = NULL;
}

void ctk_ct_compare_format(const struct ctk_ct_compare *c, char *buf, size_t size)
{
	size_t u = 0;

#define PUT(...) do { if (u < size) u += (size_t)snprintf(buf + u, size - u, __VA_ARGS__); } while (0)
	if (!size)
		return;
	buf[0] = '\0';
	PUT("run %lld (carbontracker): %d epoch(s), %.2f s\n", (long long)c->run_id, c->epochs, c->duration_s);
	if (c->causes & CTK_CT_V2_AVERAGED) {
		PUT("  recomputed: %.9f kWh (PUE %.2f, mean power x duration, the %d averaged devices summed: ctk's figure)\n",
		    c->corrected_kwh, c->pue, c->averaged_devices);
		PUT("  as carbontracker logged it: %.9f kWh (one average device)\n", c->energy_kwh);
	} else {
		PUT("  recomputed: %.9f kWh (PUE %.2f, mean power x duration)\n", c->energy_kwh, c->pue);
	}
	if (c->has_actual) {
		PUT("  reported actual: %.9f kWh", c->actual_kwh);
		if (c->has_actual_epochs)
			PUT(" for %d epoch(s)", c->actual_epochs);
		if (c->has_pue_logged)
			PUT(" (PUE %.2f)", c->pue_logged);
		PUT(", difference %+.3f %%%s\n", 100.0 * c->actual_rel_diff,
		    c->causes & CTK_CT_V2_AVERAGED ? " (against the figure as logged)" : "");
	}
	if (c->has_predicted)
		PUT("  reported prediction: %.9f kWh for %d epoch(s)\n", c->predicted_kwh, c->predicted_epochs);
	if (c->explain[0]) {
		const char *p = c->explain;
		while (*p) {
			const char *e = strchr(p, '\n');
			int n = e ? (int)(e - p) : (int)strlen(p);
			PUT("  cause: %.*s\n", n, p);
			p += n + (e ? 1 : 0);
		}
	}
#undef PUT
}
