/* Time handling for every stored time: UTC Unix nanoseconds (int64).
 * Parses the time formats of ../FORMATS.md (ISO-8601 with or without zone,
 * nvidia-smi's 'YYYY/MM/DD HH:MM:SS.mmm', compact 'YYYY-MM-DDTHHMMSS', Unix
 * numbers in s/ms/us/ns) and turns zone-less local times into UTC with an
 * explicit --tz (IANA name like Europe/Copenhagen, or a fixed offset). */
#ifndef CTK_TIME_H
#define CTK_TIME_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define CTK_NS_PER_S INT64_C(1000000000)

enum ctk_tz_kind { CTK_TZ_NONE, CTK_TZ_FIXED, CTK_TZ_IANA };

/* A zone for zone-less inputs. CTK_TZ_NONE makes such inputs an error.
 * The cache maps one 15-minute local bucket to its UTC offset. */
struct ctk_tz {
	enum ctk_tz_kind kind;
	int32_t offset_s;    /* CTK_TZ_FIXED: seconds east of UTC */
	char name[128];      /* as given by the user, for messages and runs.tz */
	int64_t cache_bucket; /* CTK_TZ_IANA: local_s / 900 of the cached entry */
	int32_t cache_offset_s;
	int cache_valid;
};

/* Parse "UTC", "Z", "+02:00", "-0530", "UTC+2", or an IANA zone name that
 * exists under /usr/share/zoneinfo (TZDIR overrides). NULL or "" → NONE. */
int ctk_tz_parse(const char *spec, struct ctk_tz *tz, struct ctk_error *err);

/* Parse a calendar time. A time with its own zone (Z, ±HH:MM, ±HHMM, ±HH)
 * ignores tz; a zone-less time is read in tz (error when tz is NONE/NULL). */
int ctk_time_parse(const char *s, struct ctk_tz *tz, int64_t *t_ns, struct ctk_error *err);

/* Units for numeric times; CTK_TU_AUTO picks by magnitude
 * (< 1e11 s, < 1e14 ms, < 1e17 us, else ns). */
enum ctk_time_unit { CTK_TU_AUTO, CTK_TU_S, CTK_TU_MS, CTK_TU_US, CTK_TU_NS };

/* Parse a decimal Unix time ("1690412345.703") exactly into nanoseconds. */
int ctk_time_parse_number(const char *s, enum ctk_time_unit unit, int64_t *t_ns,
			  struct ctk_error *err);

/* Either a Unix number or a calendar time, whichever s looks like. */
int ctk_time_parse_any(const char *s, enum ctk_time_unit unit, struct ctk_tz *tz,
		       int64_t *t_ns, struct ctk_error *err);

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t ctk_days_from_civil(int64_t y, int m, int d);

/* "2025-07-26T23:32:09.703Z" (millisecond precision, UTC) into buf. */
void ctk_time_format(int64_t t_ns, char *buf, size_t size);

/* Current wall-clock time, UTC ns. */
int64_t ctk_now_ns(void);

/* Parse a duration like "10s", "100ms", "2m", "1.5h" (units ns, us, ms, s,
 * m or min, h). A bare number other than "0" is CTK_EUSAGE with the fix in
 * the message: a unit is never assumed. */
int ctk_duration_parse(const char *s, int64_t *ns, struct ctk_error *err);

#endif
