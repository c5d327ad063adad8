/* UK Carbon Intensity API JSON (FORMATS.md §2): national
 * {"data":[{"from","to","intensity":{"forecast","actual","index"}}]} and
 * regional {"data":{"regionid","shortname","data":[…]}} (also a list of such
 * region objects). National values store `actual`, else `forecast` flagged
 * estimated; regional values are forecasts only. Zones: national "GB",
 * regional "GB-R<regionid>" unless --zone names one. */
#include <stdio.h>
#include <string.h>

#include "analyze/intensity/json.h"

static int periods(struct ctk_ci_sink *k, const cJSON *list, const char *path, const char *zone,
		   int regional, struct ctk_error *err)
{
	struct ctk_ci_key key = {.zone = zone, .unit = "gCO2/kWh", .kind = regional ? "forecast" : "history"};
	const cJSON *it;
	char p[128], where[160];
	int i = 0, rc;

	key.signal = ctk_ci_signal(k, "direct");
	if (!cJSON_IsArray(list))
		return ctk_failf(err, CTK_EINPUT, "'%s' %s: not a list", k->name, path);
	cJSON_ArrayForEach(it, list) {
		const cJSON *in;
		double fc = 0, ac = 0;
		int has_fc, has_ac;
		int64_t from, to;

		snprintf(p, sizeof p, "%s[%d]", path, i++);
		if (!cJSON_IsObject(it))
			return ctk_failf(err, CTK_EINPUT, "'%s' %s: not an object", k->name, p);
		if ((rc = ctk_ci_json_time(k, it, p, "from", &from, err)) ||
		    (rc = ctk_ci_json_time(k, it, p, "to", &to, err)))
			return rc;
		in = cJSON_GetObjectItemCaseSensitive(it, "intensity");
		if (!cJSON_IsObject(in))
			return ctk_failf(err, CTK_EINPUT, "'%s' %s.intensity: missing or not an object", k->name, p);
		snprintf(where, sizeof where, "%s.intensity", p);
		if ((rc = ctk_ci_json_num(k, in, where, "forecast", 0, &fc, &has_fc, err)) ||
		    (rc = ctk_ci_json_num(k, in, where, "actual", 0, &ac, &has_ac, err)))
			return rc;
		if (!has_fc && !has_ac)
			continue; /* neither: a gap */
		snprintf(where, sizeof where, "%s.intensity.%s", p, has_ac ? "actual" : "forecast");
		if ((rc = ctk_ci_emit(k, &key, from, to, 0, has_ac ? ac : fc, !has_ac, where, err)))
			return rc;
	}
	return 0;
}

static int region(struct ctk_ci_sink *k, const cJSON *r, const char *path, struct ctk_error *err)
{
	char zbuf[32], p[96];
	const char *zone;
	double id = 0;
	int has, rc;

	if (!cJSON_IsObject(r))
		return ctk_failf(err, CTK_EINPUT, "'%s' %s: not an object", k->name, path);
	if ((rc = ctk_ci_json_num(k, r, path, "regionid", 0, &id, &has, err)))
		return rc;
	snprintf(zbuf, sizeof zbuf, "GB-R%d", (int)id);
	zone = k->o && k->o->zone ? k->o->zone : has ? zbuf : NULL;
	if (!zone)
		return ctk_failf(err, CTK_EINPUT, "'%s' %s.regionid: missing (pass --zone)", k->name, path);
	snprintf(p, sizeof p, "%s.data", path);
	return periods(k, cJSON_GetObjectItemCaseSensitive(r, "data"), p, zone, 1, err);
}

static int uk_parse(struct ctk_ci_sink *k, const char *buf, size_t len, struct ctk_error *err)
{
	const cJSON *data, *first;
	const char *zone;
	cJSON *root;
	int rc;

	if ((rc = ctk_ci_json_parse(k, buf, len, &root, err)))
		return rc;
	data = cJSON_GetObjectItemCaseSensitive(root, "data");
	if (!data) {
		rc = ctk_failf(err, CTK_EINPUT, "'%s' $.data: missing: not a UK Carbon Intensity API response", k->name);
	} else if (cJSON_IsObject(data)) {
		rc = region(k, data, "$.data", err);
	} else if (!cJSON_IsArray(data)) {
		rc = ctk_failf(err, CTK_EINPUT, "'%s' $.data: not a list or an object", k->name);
	} else if ((first = cJSON_GetArrayItem(data, 0)) && cJSON_GetObjectItemCaseSensitive(first, "regionid")) {
		const cJSON *r;
		char p[64];
		int i = 0;
		cJSON_ArrayForEach(r, data) {
			snprintf(p, sizeof p, "$.data[%d]", i++);
			if ((rc = region(k, r, p, err)))
				break;
		}
	} else {
		zone = k->o && k->o->zone ? k->o->zone : "GB";
		rc = periods(k, data, "$.data", zone, 0, err);
	}
	cJSON_Delete(root);
	return rc;
}

static int uk_sniff(const char *head, size_t n)
{
	size_t i = 0;

	while (i < n && strchr(" \t\r\n", head[i]))
		i++;
	if (i == n || (head[i] != '{' && head[i] != '['))
		return 0; /* not JSON (a YAML cassette, a CSV) */
	return strstr(head, "\"data\"") && strstr(head, "\"from\"") && strstr(head, "\"intensity\"") ? 90 : 0;
}

const struct ctk_ci_format ctk_ci_format_uk_json = {
	.name = "uk-json",
	.summary = "UK Carbon Intensity API JSON, national or regional",
	.sniff = uk_sniff,
	.parse = uk_parse,
};
