/* Hardware groups and their epoch statistics for the comparison chart and
 * table (see compare.h). */
#include "report/compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/runkey.h"
#include "common/stats.h"

/* "2× NVIDIA A100, 1× CPU …" for run_id. */
static int hardware_of(sqlite3 *db, int64_t run_id, char *buf, size_t size, struct ctk_error *err)
{
	sqlite3_stmt *st = NULL;
	size_t len = 0;

	buf[0] = '\0';
	if (ctk_db_prepare(db, "SELECT coalesce(name, kind), count(*) FROM devices WHERE run_id = ? "
			   "GROUP BY coalesce(name, kind) ORDER BY min(kind) DESC, 1", &st, err))
		return CTK_EDB;
	sqlite3_bind_int64(st, 1, run_id);
	while (sqlite3_step(st) == SQLITE_ROW && len + 1 < size) {
		int k = snprintf(buf + len, size - len, "%s%d\u00d7 %s", len ? ", " : "", sqlite3_column_int(st, 1),
				 (const char *)sqlite3_column_text(st, 0));
		if (k < 0)
			break;
		len += (size_t)k < size - len ? (size_t)k : size - len - 1;
	}
	sqlite3_finalize(st);
	return 0;
}

struct acc {
	struct ctk_acc e;   /* J per epoch, pooled */
	struct ctk_acc run; /* J per epoch, one mean per run */
	double dur;         /* s, summed */
};

/* The group name of run_id: the values of the keys in `by`, ", "-joined,
 * the vendor's "NVIDIA " prefix dropped (names go on the chart's axis). */
static int group_name(sqlite3 *db, int64_t run_id, const char *by, char *buf, size_t size, struct ctk_error *err)
{
	char key[64], val[128];
	int rc;

	buf[0] = '\0';
	for (const char *p = by; p && *p;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		snprintf(key, sizeof key, "%.*s", (int)n, p);
		p = e ? e + 1 : NULL;
		if (!key[0])
			continue;
		if ((rc = ctk_run_key_value(db, run_id, key, val, sizeof val, err)))
			return rc;
		size_t len = strlen(buf);
		snprintf(buf + len, size - len, "%s%s", len ? ", " : "", strncmp(val, "NVIDIA ", 7) ? val : val + 7);
	}
	return 0;
}

int ctk_compare_groups(sqlite3 *db, const int64_t *runs, int nruns, const char *by, struct ctk_hw_group **out,
		       int *n, struct ctk_error *err)
{
	struct ctk_hw_group *g = NULL;
	struct acc *a = NULL;
	sqlite3_stmt *st = NULL;
	char hw[192], name[192];
	int ng = 0, rc = 0;

	*out = NULL;
	*n = 0;
	if (ctk_db_prepare(db,
		"SELECT sum(e.energy_j), w.end_ns - w.start_ns FROM windows w JOIN epoch_energy e "
		"ON e.run_id = w.run_id AND e.idx = w.idx AND e.attempt = w.attempt WHERE w.run_id = ? AND w.kind = 'epoch' "
		"GROUP BY w.window_id HAVING count(e.energy_j) = count(*)", &st, err))
		return CTK_EDB;
	for (int i = 0; i < nruns && !rc; i++) {
		int k;
		if ((rc = hardware_of(db, runs[i], hw, sizeof hw, err)) ||
		    (rc = group_name(db, runs[i], by ? by : CTK_COMPARE_BY, name, sizeof name, err)))
			break;
		for (k = 0; k < ng && strcmp(g[k].name, name); k++)
			;
		if (k == ng) {
			struct ctk_hw_group *ngp = realloc(g, (size_t)(ng + 1) * sizeof(*ngp));
			struct acc *na = ngp ? realloc(a, (size_t)(ng + 1) * sizeof(*na)) : NULL;
			if (ngp)
				g = ngp;
			if (!na) {
				rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
				break;
			}
			a = na;
			memset(&g[ng], 0, sizeof(g[ng]));
			memset(&a[ng], 0, sizeof(a[ng]));
			snprintf(g[ng].hardware, sizeof g[ng].hardware, "%s", hw);
			snprintf(g[ng].name, sizeof g[ng].name, "%s", name);
			ng++;
		}
		struct ctk_acc one = {0};
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, runs[i]);
		while (sqlite3_step(st) == SQLITE_ROW) {
			ctk_acc_add(&a[k].e, sqlite3_column_double(st, 0));
			ctk_acc_add(&one, sqlite3_column_double(st, 0));
			a[k].dur += (double)sqlite3_column_int64(st, 1) / 1e9;
		}
		if (one.n) { /* a run counts when it has analysed epochs */
			g[k].nruns++;
			ctk_acc_add(&a[k].run, ctk_acc_mean_ci(&one, CTK_COMPARE_COVERAGE).mean);
		}
	}
	sqlite3_finalize(st);
	if (rc) {
		free(g);
		free(a);
		return rc;
	}
	int m = 0;
	for (int k = 0; k < ng; k++) {
		if (!a[k].e.n)
			continue;
		struct ctk_hw_group x = g[k];
		struct ctk_mean_ci ci = ctk_acc_mean_ci(&a[k].e, CTK_COMPARE_COVERAGE);
		x.nepochs = (int)a[k].e.n;
		x.mean_j = ci.mean;
		x.mean_s = a[k].dur / (double)a[k].e.n;
		x.lo_j = ci.lo;   /* NAN when n < 2 */
		x.hi_j = ci.hi;
		struct ctk_mean_ci rci = ctk_acc_mean_ci(&a[k].run, CTK_COMPARE_COVERAGE);
		x.run_mean_j = rci.mean;
		x.run_lo_j = rci.lo; /* NAN with one run */
		x.run_hi_j = rci.hi;
		g[m++] = x;
	}
	free(a);
	if (!m) {
		free(g);
		g = NULL;
	}
	*out = g;
	*n = m;
	return 0;
}
