/* Small cJSON helpers shared by every JSON writer (see json.h): unknown is
 * null, never 0. */
#include "common/json.h"

void ctk_json_num_or_null(cJSON *o, const char *key, double v, int valid)
{
	if (valid)
		cJSON_AddNumberToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

void ctk_json_str_or_null(cJSON *o, const char *key, const char *s)
{
	if (s && *s)
		cJSON_AddStringToObject(o, key, s);
	else
		cJSON_AddNullToObject(o, key);
}
