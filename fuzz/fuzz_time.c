/* libFuzzer target: the time parsers (calendar, Unix numbers, durations,
 * zone specs) on arbitrary text must never crash, hang or read out of bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/time.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct ctk_tz tz, cph;
	struct ctk_error err;
	int64_t t;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	ctk_tz_parse("Europe/Copenhagen", &cph, &err);
	ctk_time_parse(s, &cph, &t, &err);
	ctk_time_parse(s, NULL, &t, &err);
	ctk_time_parse_number(s, CTK_TU_AUTO, &t, &err);
	ctk_time_parse_any(s, CTK_TU_MS, &cph, &t, &err);
	ctk_duration_parse(s, &t, &err);
	if (size < 64)
		ctk_tz_parse(s, &tz, &err);
	free(s);
	return 0;
}
