/* Energi Data Service (Denmark) JSON (FORMATS.md §2): dataset CO2Emis
 * (measured) or CO2EmisProg (forecast): {"records":[{"Minutes5UTC",
 * "PriceArea":"DK1"|"DK2","CO2Emission":N}]}, 5-minute values with DK1 and
 * DK2 interleaved. Each price area is its own series, zone "DK-DK1"/"DK-DK2"
 * (Electricity Maps' names). The API lists newest first: records are sorted
 * by time before storing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/intensity/json.h"

#define STEP_NS (300 * CTK_NS_PER_S)

struct rec {
	int64_t t_ns;
	double v;
	int area; /* 1 or 2 */
	int idx;  /* position in the file, for messages */
};

static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	if (x->area != y->area)
		return x->area - y->area;
	return x->t_ns < y->t_ns ? -1 : x->t_ns > y->t_ns;
}

static int eds_parse(struct ctk_ci_sink *k, const char *buf, size_t len, struct ctk_error *err)
{
	struct ctk_ci_key key = {.unit = "g/kWh", .kind = "history"};
	const cJSON *list, *it;
	const char *dataset = NULL;
	struct rec *r = NULL;
	cJSON *root;
	char p[64], where[96];
	int n = 0, rc, forecast;

	if ((rc = ctk_ci_json_parse(k, buf, len, &root, err)))
		return rc;
	list = cJSON_GetObjectItemCaseSensitive(root, "records");
	if (!cJSON_IsArray(list)) {
		rc = ctk_failf(err, CTK_EINPUT, "'%s' $.records: missing or not a list", k->name);
		goto out;
	}
	if ((rc = ctk_ci_json_str(k, root, "$", "dataset", 0, &dataset, err)))
		goto out;
	forecast = dataset && !strcmp(dataset, "CO2EmisProg");
	key.kind = forecast ? "forecast" : "history";
	key.signal = ctk_ci_signal(k, "direct");
	if (!(r = calloc((size_t)cJSON_GetArraySize(list) + 1, sizeof(*r)))) {
		rc = ctk_failf(err, CTK_ENOMEM, "out of memory");
		goto out;
	}
	cJSON_ArrayForEach(it, list) {
		const char *area;
		int has;
		snprintf(p, sizeof p, "$.records[%d]", n);
		if (!cJSON_IsObject(it)) {
			rc = ctk_failf(err, CTK_EINPUT, "'%s' %s: not an object", k->name, p);
			goto out;
		}
		if ((rc = ctk_ci_json_str(k, it, p, "PriceArea", 1, &area, err)) ||
		    (rc = ctk_ci_json_num(k, it, p, "CO2Emission", 0, &r[n].v, &has, err)))
			goto out;
		if (strcmp(area, "DK1") && strcmp(area, "DK2")) {
			rc = ctk_failf(err, CTK_EINPUT, "'%s' %s.PriceArea: '%s' is not DK1 or DK2", k->name, p, area);
			goto out;
		}
		if ((rc = ctk_ci_json_time(k, it, p, "Minutes5UTC", &r[n].t_ns, err)))
			goto out;
		r[n].area = area[2] - '0';
		r[n].idx = n;
		if (has)
			n++;
	}
	qsort(r, (size_t)n, sizeof(*r), cmp_rec);
	for (int i = 0; i < n; i++) {
		char zone[16];
		snprintf(zone, sizeof zone, "DK-DK%d", r[i].area);
		if (k->o && k->o->zone && strcmp(k->o->zone, zone) && strcmp(k->o->zone, zone + 3))
			continue; /* --zone DK1 or DK-DK1 picks one price area */
		key.zone = zone;
		snprintf(where, sizeof where, "$.records[%d].CO2Emission", r[i].idx);
		if (i > 0 && r[i - 1].area == r[i].area && r[i - 1].t_ns == r[i].t_ns) {
			rc = ctk_failf(err, CTK_EINPUT, "'%s' $.records[%d].Minutes5UTC: the same time twice for %s",
				       k->name, r[i].idx, zone + 3);
			goto out;
		}
		if ((rc = ctk_ci_emit(k, &key, r[i].t_ns, r[i].t_ns + STEP_NS, 0, r[i].v, forecast, where, err)))
			goto out;
	}
out:
	free(r);
	cJSON_Delete(root);
	return rc;
}

static int eds_sniff(const char *head, size_t n)
{
	size_t i = 0;

	while (i < n && strchr(" \t\r\n", head[i]))
		i++;
	if (i == n || (head[i] != '{' && head[i] != '['))
		return 0; /* not JSON (a YAML cassette, a CSV) */
	return strstr(head, "\"records\"") && (strstr(head, "CO2Emis") || strstr(head, "PriceArea")) ? 90 : 0;
}

const struct ctk_ci_format ctk_ci_format_eds_json = {
	.name = "eds-json",
	.summary = "Energi Data Service CO2Emis / CO2EmisProg JSON (DK1, DK2)",
	.sniff = eds_sniff,
	.parse = eds_parse,
};
