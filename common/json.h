/* Small cJSON helpers every JSON writer shares, so that an unknown value is
 * written the same way everywhere: as JSON null, never 0 or "". */
#ifndef CTK_JSON_H
#define CTK_JSON_H

#include <cjson/cJSON.h>

/* key: v when valid, else null. */
void ctk_json_num_or_null(cJSON *o, const char *key, double v, int valid);
/* key: s when it is a non-empty string, else null. */
void ctk_json_str_or_null(cJSON *o, const char *key, const char *s);

#endif
