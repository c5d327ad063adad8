/* Electricity Maps API v3 JSON (FORMATS.md §2): `/carbon-intensity/history`
 * and `/past-range` ({"zone", "history"|"data": [...]}) and `/latest` (one
 * object). Each value is an hour from its `datetime`; `isEstimated` is the
 * estimated flag; `emissionFactorType` (lifecycle|direct) is the signal and
 * must agree with --signal. A null carbonIntensity is a gap, not a zero. */
#include <stdio.h>
#include <string.h>

#include "analyze/intensity/json.h"

#define HOUR_NS (3600 * CTK_NS_PER_S)

static int one(struct ctk_ci_sink *k, const cJSON *it, const char *root_zone, const char *path,
	       struct ctk_error *err)
{
	struct ctk_ci_key key = {.unit = "gCO2eq/kWh", .kind = "history"};
	const char *zone = NULL, *type = NULL, *signal;
	const cJSON *est;
	char where[128];
	double v;
	int64_t t;
	int has, rc;

	if (!cJSON_IsObject(it))
		return ctk_failf(err, CTK_EINPUT, "'%s' %s: not an object", k->name, path);
	if ((rc = ctk_ci_json_str(k, it, path, "zone", 0, &zone, err)) ||
	    (rc = ctk_ci_json_str(k, it, path, "emissionFactorType", 0, &type, err)) ||
	    (rc = ctk_ci_json_time(k, it, path, "datetime", &t, err)) ||
	    (rc = ctk_ci_json_num(k, it, path, "carbonIntensity", 0, &v, &has, err)))
		return rc;
	signal = ctk_ci_signal(k, type ? type : "lifecycle");
	if (type && strcmp(type, signal))
		return ctk_failf(err, CTK_EINPUT, "'%s' %s.emissionFactorType: '%s' but --signal %s", k->name, path,
				 type, signal);
	if (!has)
		return 0;
	snprintf(where, sizeof where, "%s.zone", path);
	if ((rc = ctk_ci_zone(k, zone ? zone : root_zone, where, &key.zone, err)))
		return rc;
	est = cJSON_GetObjectItemCaseSensitive(it, "isEstimated");
	if (est && !cJSON_IsBool(est) && !cJSON_IsNull(est))
		return ctk_failf(err, CTK_EINPUT, "'%s' %s.isEstimated: not true or false", k->name, path);
	key.signal = signal;
	snprintf(where, sizeof where, "%s.carbonIntensity", path);
	return ctk_ci_emit(k, &key, t, t + HOUR_NS, 0, v, est && cJSON_IsTrue(est), where, err);
}

static int emjson_parse(struct ctk_ci_sink *k, const char *buf, size_t len, struct ctk_error *err)
{
	const cJSON *list, *it;
	const char *zone = NULL, *lname = "history";
	cJSON *root;
	char path[64];
	int rc, i = 0;

	if ((rc = ctk_ci_json_parse(k, buf, len, &root, err)))
		return rc;
	if (!cJSON_IsObject(root)) {
		rc = ctk_failf(err, CTK_EINPUT, "'%s' $: not an object", k->name);
		goto out;
	}
	if ((rc = ctk_ci_json_str(k, root, "$", "zone", 0, &zone, err)))
		goto out;
	list = cJSON_GetObjectItemCaseSensitive(root, "history");
	if (!list) {
		list = cJSON_GetObjectItemCaseSensitive(root, "data");
		lname = "data";
	}
	if (!list) { /* /latest: the root is the one value */
		rc = one(k, root, zone, "$", err);
		goto out;
	}
	if (!cJSON_IsArray(list)) {
		rc = ctk_failf(err, CTK_EINPUT, "'%s' $.%s: not a list", k->name, lname);
		goto out;
	}
	cJSON_ArrayForEach(it, list) {
		snprintf(path, sizeof path, "$.%s[%d]", lname, i++);
		if ((rc = one(k, it, zone, path, err)))
			goto out;
	}
out:
	cJSON_Delete(root);
	return rc;
}

static int emjson_sniff(const char *head, size_t n)
{
	size_t i = 0;

	while (i < n && strchr(" \t\r\n", head[i]))
		i++;
	if (i == n || (head[i] != '{' && head[i] != '['))
		return 0; /* not JSON (a YAML cassette, a CSV) */
	return strstr(head, "\"carbonIntensity\"") && strstr(head, "\"datetime\"") ? 90 : 0;
}

const struct ctk_ci_format ctk_ci_format_em_json = {
	.name = "electricitymaps-json",
	.summary = "Electricity Maps API v3 JSON (history, past-range, latest)",
	.sniff = emjson_sniff,
	.parse = emjson_parse,
};
