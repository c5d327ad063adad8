/* Small cJSON helpers shared by the JSON intensity formats: parse a buffer
 * with an error naming the input and byte offset, and typed field getters
 * whose errors name the JSON path ("$.data[3].intensity.forecast"). */
#ifndef CTK_INTENSITY_JSON_H
#define CTK_INTENSITY_JSON_H

#include <cjson/cJSON.h>

#include "analyze/intensity/formats.h"

/* Parse buf; on failure CTK_EINPUT naming k->name and the offset. */
int ctk_ci_json_parse(const struct ctk_ci_sink *k, const char *buf, size_t len, cJSON **root,
		      struct ctk_error *err);

/* The string member name of obj (path names obj); required → error if absent. */
int ctk_ci_json_str(const struct ctk_ci_sink *k, const cJSON *obj, const char *path, const char *name,
		    int required, const char **out, struct ctk_error *err);

/* The number member; *has = 0 when absent or null (required → error). */
int ctk_ci_json_num(const struct ctk_ci_sink *k, const cJSON *obj, const char *path, const char *name,
		    int required, double *out, int *has, struct ctk_error *err);

/* A UTC time member ("2023-03-14T00:30Z", "…T06:00:00.000Z"). */
int ctk_ci_json_time(const struct ctk_ci_sink *k, const cJSON *obj, const char *path, const char *name,
		     int64_t *t_ns, struct ctk_error *err);

#endif
