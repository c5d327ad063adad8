/* Electricity Maps data-portal CSV (FORMATS.md §2): one row per hour, stamps
 * at the start of the hour in UTC, both header generations ("Zone Id" /
 * "Zone id", "(LCA)" / "(Life cycle)"). Stores the life-cycle column by
 * default or the direct one with --signal direct, and keeps "Data
 * Estimated" as the estimated flag. Columns are matched by header name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/intensity/formats.h"
#include "common/csvread.h"
#include "common/util.h"

#define HOUR_NS (3600 * CTK_NS_PER_S)

struct emcsv {
	struct ctk_ci_sink *k;
	char **hdr;           /* header copies, for messages */
	int nf;
	int t, zone, value, est;
	const char *signal;
	struct ctk_tz utc;
	char zone_buf[64];
	int64_t rows;
};

static int ends_with_ci(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcasecmp(s + a - b, suffix);
}

static int header(struct emcsv *e, char **f, int n, struct ctk_error *err)
{
	int lca = -1, direct = -1;

	if (!(e->hdr = calloc((size_t)n, sizeof(*e->hdr))))
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	e->nf = n;
	for (int i = 0; i < n; i++) {
		if (!(e->hdr[i] = strdup(f[i])))
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		if (!strncasecmp(f[i], "Carbon intensity", 16)) {
			if (ends_with_ci(f[i], "(LCA)") || ends_with_ci(f[i], "(Life cycle)"))
				lca = i;
			else if (ends_with_ci(f[i], "(direct)"))
				direct = i;
		}
	}
	e->t = ctk_csv_find(f, n, "Datetime (UTC)");
	e->zone = ctk_csv_find(f, n, "Zone Id");
	e->est = ctk_csv_find(f, n, "Data Estimated");
	if (e->t < 0)
		return ctk_failf(err, CTK_EINPUT, "'%s' line 1: no 'Datetime (UTC)' column: not an Electricity Maps CSV",
				 e->k->name);
	e->signal = ctk_ci_signal(e->k, "lifecycle");
	if (!strcmp(e->signal, "lifecycle"))
		e->value = lca;
	else if (!strcmp(e->signal, "direct"))
		e->value = direct;
	else
		return ctk_failf(err, CTK_EUSAGE, "--signal %s: Electricity Maps files hold lifecycle and direct intensity only",
				 e->signal);
	if (e->value < 0)
		return ctk_failf(err, CTK_EINPUT, "'%s' line 1: no %s carbon-intensity column", e->k->name,
				 !strcmp(e->signal, "lifecycle") ? "life-cycle ('… (LCA)' or '… (Life cycle)')"
								 : "direct ('… (direct)')");
	return 0;
}

static int on_row(void *ctx, char **f, int n, int64_t line, struct ctk_error *err)
{
	struct emcsv *e = ctx;
	struct ctk_ci_key key = {.unit = "gCO2eq/kWh", .kind = "history"};
	char where[160];
	const char *zone;
	double v;
	int64_t t;
	int est = 0, rc;

	if (!e->hdr)
		return header(e, f, n, err);
	if (n != e->nf)
		return ctk_csv_width_error(e->k->name, line, n, e->nf, err);
	if (ctk_time_parse(f[e->t], &e->utc, &t, err))
		return ctk_error_prefix(err, "'%s' line %lld: field '%s': ", e->k->name, (long long)line, e->hdr[e->t]);
	if (ctk_parse_double(f[e->value], &v))
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': not a number ('%s')", e->k->name,
				 (long long)line, e->hdr[e->value], f[e->value]);
	if (e->est >= 0) {
		if (!strcasecmp(f[e->est], "true"))
			est = 1;
		else if (strcasecmp(f[e->est], "false") && *f[e->est])
			return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': not true or false ('%s')",
					 e->k->name, (long long)line, e->hdr[e->est], f[e->est]);
	}
	if (e->zone >= 0 && e->rows > 0 && strcmp(f[e->zone], e->zone_buf))
		return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: field '%s': zone '%s' differs from '%s' above",
				 e->k->name, (long long)line, e->hdr[e->zone], f[e->zone], e->zone_buf);
	if (e->rows == 0) {
		char zw[96];
		snprintf(zw, sizeof zw, "line %lld", (long long)line);
		if ((rc = ctk_ci_zone(e->k, e->zone >= 0 ? f[e->zone] : NULL, zw, &zone, err)))
			return rc;
		snprintf(e->zone_buf, sizeof e->zone_buf, "%s", zone);
	}
	key.zone = e->zone_buf;
	key.signal = e->signal;
	snprintf(where, sizeof where, "line %lld: field '%s'", (long long)line, e->hdr[e->value]);
	e->rows++;
	return ctk_ci_emit(e->k, &key, t, t + HOUR_NS, 0, v, est, where, err);
}

static int emcsv_import(struct ctk_ci_sink *k, const char *path, struct ctk_error *err)
{
	struct emcsv e = {.k = k, .utc = {.kind = CTK_TZ_FIXED, .name = "UTC"}};
	int rc = ctk_csv_read_file(path, ',', on_row, &e, err);

	if (!rc && !e.hdr)
		rc = ctk_failf(err, CTK_EINPUT, "'%s': empty file", path);
	if (e.hdr)
		for (int i = 0; i < e.nf; i++)
			free(e.hdr[i]);
	free(e.hdr);
	return rc;
}

static int emcsv_sniff(const char *head, size_t n)
{
	(void)n;
	return !strncmp(head, "Datetime (UTC),", 15) && strstr(head, "Carbon") ? 90 : 0;
}

const struct ctk_ci_format ctk_ci_format_em_csv = {
	.name = "electricitymaps-csv",
	.summary = "Electricity Maps portal CSV, hourly (both header generations)",
	.sniff = emcsv_sniff,
	.import_file = emcsv_import,
};
