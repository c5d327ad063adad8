/* cJSON helpers for the JSON intensity formats (see intensity_json.h). */
#include "analyze/intensity/json.h"

#include <stdio.h>
#include <string.h>

/* 1 when buf ends inside a string or with unclosed brackets: cut short. */
static int looks_truncated(const char *buf, size_t len)
{
	int depth = 0, str = 0, esc = 0;

	for (size_t i = 0; i < len; i++) {
		char c = buf[i];
		if (str) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				str = 0;
		} else if (c == '"') {
			str = 1;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return str || depth > 0;
}

int ctk_ci_json_parse(const struct ctk_ci_sink *k, const char *buf, size_t len, cJSON **root,
		      struct ctk_error *err)
{
	const char *end = NULL;

	*root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (!*root) {
		size_t off = end && end >= buf ? (size_t)(end - buf) : 0;
		return ctk_failf(err, CTK_EINPUT, "'%s' byte %zu: not valid JSON%s", k->name, off,
				 looks_truncated(buf, len) ? " (truncated?)" : "");
	}
	/* one document per file: anything but white space after it is an error */
	size_t off = end && end >= buf ? (size_t)(end - buf) : len;
	while (off < len && strchr(" \t\r\n", buf[off]) && buf[off])
		off++;
	if (off < len) {
		cJSON_Delete(*root);
		*root = NULL;
		return ctk_failf(err, CTK_EINPUT, "'%s' byte %zu: data after the end of the JSON document", k->name, off);
	}
	return 0;
}

int ctk_ci_json_str(const struct ctk_ci_sink *k, const cJSON *obj, const char *path, const char *name,
		    int required, const char **out, struct ctk_error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	*out = NULL;
	if (!v || cJSON_IsNull(v)) {
		if (required)
			return ctk_failf(err, CTK_EINPUT, "'%s' %s.%s: missing", k->name, path, name);
		return 0;
	}
	if (!cJSON_IsString(v))
		return ctk_failf(err, CTK_EINPUT, "'%s' %s.%s: not a string", k->name, path, name);
	*out = v->valuestring;
	return 0;
}

int ctk_ci_json_num(const struct ctk_ci_sink *k, const cJSON *obj, const char *path, const char *name,
		    int required, double *out, int *has, struct ctk_error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	*has = 0;
	if (!v || cJSON_IsNull(v)) {
		if (required)
			return ctk_failf(err, CTK_EINPUT, "'%s' %s.%s: missing", k->name, path, name);
		return 0;
	}
	if (!cJSON_IsNumber(v))
		return ctk_failf(err, CTK_EINPUT, "'%s' %s.%s: not a number", k->name, path, name);
	*out = v->valuedouble;
	*has = 1;
	return 0;
}

int ctk_ci_json_time(const struct ctk_ci_sink *k, const cJSON *obj, const char *path, const char *name,
		     int64_t *t_ns, struct ctk_error *err)
{
	struct ctk_tz utc = {.kind = CTK_TZ_FIXED, .name = "UTC"};
	const char *s;
	int rc;

	if ((rc = ctk_ci_json_str(k, obj, path, name, 1, &s, err)))
		return rc;
	if (ctk_time_parse(s, &utc, t_ns, err))
		return ctk_error_prefix(err, "'%s' %s.%s: ", k->name, path, name);
	return 0;
}
