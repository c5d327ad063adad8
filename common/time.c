/* Parsing and formatting of times (see time.h). Calendar arithmetic is done
 * here (days_from_civil) so parsing millions of rows never calls the C
 * library's zone machinery; IANA zones go through mktime() only once per
 * 15-minute local bucket, cached in struct ctk_tz. */
#include "time.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int64_t ctk_days_from_civil(int64_t y, int m, int d)
{
	/* Howard Hinnant's public-domain algorithm "days_from_civil". */
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int64_t y, int m)
{
	static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 ? 28 + leap : dim[m - 1];
}

/* Read exactly n digits at *p into *v and advance. */
static int digits(const char **p, int n, int *v)
{
	int x = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		x = x * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*v = x;
	return 0;
}

/* Parse "+HH:MM", "+HHMM", "+HH" (or '-') into seconds east of UTC. */
static int parse_offset(const char *p, int32_t *off_s)
{
	int sign = *p == '-' ? -1 : 1, hh = 0, mm = 0;

	if (*p != '+' && *p != '-')
		return -1;
	p++;
	if (digits(&p, 2, &hh))
		return -1;
	if (*p == ':')
		p++;
	if (*p && digits(&p, 2, &mm))
		return -1;
	if (*p || hh > 23 || mm > 59)
		return -1;
	*off_s = sign * (hh * 3600 + mm * 60);
	return 0;
}

int ctk_tz_parse(const char *spec, struct ctk_tz *tz, struct ctk_error *err)
{
	char path[512];
	const char *dir = getenv("TZDIR");
	struct stat sb;

	memset(tz, 0, sizeof(*tz));
	if (!spec || !*spec)
		return 0;
	snprintf(tz->name, sizeof tz->name, "%s", spec);
	if (!strcmp(spec, "UTC") || !strcmp(spec, "Z") || !strcmp(spec, "GMT")) {
		tz->kind = CTK_TZ_FIXED;
		return 0;
	}
	if (!strncmp(spec, "UTC", 3) && (spec[3] == '+' || spec[3] == '-'))
		spec += 3;
	if (spec[0] == '+' || spec[0] == '-') {
		if (parse_offset(spec, &tz->offset_s))
			return ctk_failf(err, CTK_EUSAGE, "--tz '%s': not an offset like +02:00", tz->name);
		tz->kind = CTK_TZ_FIXED;
		return 0;
	}
	if (strstr(spec, "..") || spec[0] == '/')
		return ctk_failf(err, CTK_EUSAGE, "--tz '%s': not a zone name", spec);
	snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", spec);
	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
		return ctk_failf(err, CTK_EUSAGE,
				 "--tz '%s': unknown zone (no '%s'; use a name like Europe/Copenhagen or an offset like +01:00)",
				 spec, path);
	tz->kind = CTK_TZ_IANA;
	return 0;
}

/* UTC offset in force at local time local_s in an IANA zone, via mktime()
 * with TZ set for the call only. Ambiguous local times (the repeated hour
 * when clocks go back) resolve as the C library does (tm_isdst = -1). */
static int iana_offset(struct ctk_tz *tz, int64_t local_s, int32_t *off_s)
{
	int64_t bucket = local_s >= 0 ? local_s / 900 : (local_s - 899) / 900;
	char *saved = NULL;
	const char *old;
	struct tm tm;
	time_t lt = (time_t)local_s, utc;

	if (tz->cache_valid && tz->cache_bucket == bucket) {
		*off_s = tz->cache_offset_s;
		return 0;
	}
	old = getenv("TZ");
	if (old && !(saved = strdup(old)))
		return -1;
	setenv("TZ", tz->name, 1);
	tzset();
	gmtime_r(&lt, &tm);
	tm.tm_isdst = -1;
	utc = mktime(&tm);
	if (saved) {
		setenv("TZ", saved, 1);
		free(saved);
	} else {
		unsetenv("TZ");
	}
	tzset();
	if (utc == (time_t)-1)
		return -1;
	*off_s = (int32_t)(local_s - (int64_t)utc);
	tz->cache_bucket = bucket;
	tz->cache_offset_s = *off_s;
	tz->cache_valid = 1;
	return 0;
}

/* Parse a fraction of a second ".703" into nanoseconds (extra digits dropped). */
static int fraction_ns(const char **p, int64_t *ns)
{
	int64_t scale = 100000000, v = 0;
	int n = 0;

	if (**p != '.' && **p != ',')
		return 0;
	(*p)++;
	while (isdigit((unsigned char)**p)) {
		if (scale > 0) {
			v += (**p - '0') * scale;
			scale /= 10;
		}
		(*p)++;
		n++;
	}
	*ns = v;
	return n > 0 ? 0 : -1;
}

int ctk_time_parse(const char *s, struct ctk_tz *tz, int64_t *t_ns, struct ctk_error *err)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0, has_zone = 0;
	int32_t off = 0;
	int64_t frac = 0, local_s;
	char sep;

	while (*p == ' ')
		p++;
	if (digits(&p, 4, &y))
		goto bad;
	sep = *p;
	if ((sep != '-' && sep != '/') || (p++, digits(&p, 2, &mo)) || *p++ != sep ||
	    digits(&p, 2, &d))
		goto bad;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return ctk_failf(err, CTK_EINPUT, "'%s': no such date", s);
	if (*p == 'T' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h))
			goto bad;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &mi))
				goto bad;
			if (*p == ':' && (p++, digits(&p, 2, &sec)))
				goto bad;
		} else if (digits(&p, 2, &mi) || digits(&p, 2, &sec)) {
			goto bad; /* compact HHMMSS */
		}
		if (fraction_ns(&p, &frac))
			goto bad;
	}
	if (h > 24 || mi > 59 || sec > 60 || (h == 24 && (mi || sec || frac)))
		return ctk_failf(err, CTK_EINPUT, "'%s': no such time of day", s);
	while (*p == ' ')
		p++;
	if (*p == 'Z' && !p[1]) {
		has_zone = 1;
	} else if (*p) {
		if (parse_offset(p, &off))
			goto bad;
		has_zone = 1;
	}
	local_s = ctk_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	if (!has_zone) {
		if (!tz || tz->kind == CTK_TZ_NONE)
			return ctk_failf(err, CTK_EINPUT, "'%s': time has no zone (pass --tz)", s);
		off = tz->offset_s;
		if (tz->kind == CTK_TZ_IANA && iana_offset(tz, local_s, &off))
			return ctk_failf(err, CTK_EINPUT, "'%s': cannot convert from zone '%s'", s, tz->name);
	}
	/* int64 nanoseconds end in 1677 and 2262 (year 9999 overflowed: UB
	 * found by fuzz/fuzz_intensity.c) */
	if (local_s - off > (INT64_MAX - CTK_NS_PER_S) / CTK_NS_PER_S ||
	    local_s - off < (INT64_MIN + CTK_NS_PER_S) / CTK_NS_PER_S)
		return ctk_failf(err, CTK_EINPUT, "'%s': out of range (years 1678 to 2261)", s);
	*t_ns = (local_s - off) * CTK_NS_PER_S + frac;
	return 0;
bad:
	return ctk_failf(err, CTK_EINPUT, "'%s': not a time (expected ISO-8601 like 2025-07-26T23:32:09Z)", s);
}

int ctk_time_parse_number(const char *s, enum ctk_time_unit unit, int64_t *t_ns,
			  struct ctk_error *err)
{
	static const int64_t mult[] = {0, CTK_NS_PER_S, 1000000, 1000, 1};
	const char *p = s;
	int64_t ip = 0, fp = 0, fscale = 1, m;
	int nd = 0, neg = 0;

	while (*p == ' ')
		p++;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; isdigit((unsigned char)*p); p++, nd++) {
		if (ip > (INT64_MAX - 9) / 10)
			return ctk_failf(err, CTK_EINPUT, "'%s': time out of range", s);
		ip = ip * 10 + (*p - '0');
	}
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++) {
			if (fscale < INT64_C(1000000000000000000) / 10) {
				fp = fp * 10 + (*p - '0');
				fscale *= 10;
			}
		}
	}
	while (*p == ' ')
		p++;
	if (!nd || *p)
		return ctk_failf(err, CTK_EINPUT, "'%s': not a number", s);
	if (unit == CTK_TU_AUTO)
		unit = ip < INT64_C(100000000000) ? CTK_TU_S
		     : ip < INT64_C(100000000000000) ? CTK_TU_MS
		     : ip < INT64_C(100000000000000000) ? CTK_TU_US : CTK_TU_NS;
	m = mult[unit];
	if (ip > INT64_MAX / m)
		return ctk_failf(err, CTK_EINPUT, "'%s': time out of range", s);
	*t_ns = ip * m + (int64_t)((double)fp / (double)fscale * (double)m + 0.5);
	if (neg)
		*t_ns = -*t_ns;
	return 0;
}

int ctk_time_parse_any(const char *s, enum ctk_time_unit unit, struct ctk_tz *tz,
		       int64_t *t_ns, struct ctk_error *err)
{
	const char *p = s;
	int n = 0;

	while (*p == ' ')
		p++;
	while (isdigit((unsigned char)p[n]))
		n++;
	if (n == 4 && (p[4] == '-' || p[4] == '/'))
		return ctk_time_parse(s, tz, t_ns, err);
	return ctk_time_parse_number(s, unit, t_ns, err);
}

void ctk_time_format(int64_t t_ns, char *buf, size_t size)
{
	int64_t s = t_ns >= 0 ? t_ns / CTK_NS_PER_S : -((-t_ns + CTK_NS_PER_S - 1) / CTK_NS_PER_S);
	int64_t ns = t_ns - s * CTK_NS_PER_S, days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
	int64_t sod = s - days * 86400, y;
	int m, d;

	civil_from_days(days, &y, &m, &d);
	snprintf(buf, size, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ", (long long)y, m, d,
		 (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60), (int)(ns / 1000000));
}

int64_t ctk_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * CTK_NS_PER_S + ts.tv_nsec;
}

int ctk_duration_parse(const char *s, int64_t *ns, struct ctk_error *err)
{
	char *end = NULL;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || v < 0 || v != v)
		return ctk_failf(err, CTK_EUSAGE, "'%s': not a duration (like 10s, 100ms, 2m)", s);
	/* a bare number is refused (issue 19: "--interval 100" was 100 s
	 * without a word); only 0 needs no unit */
	if (!*end && v != 0)
		return ctk_failf(err, CTK_EUSAGE, "'%s': a duration needs a unit: %sms, %ss, %sm or %sh", s, s, s, s, s);
	double mult = !strcmp(end, "") || !strcmp(end, "s") ? 1e9
		    : !strcmp(end, "ms") ? 1e6 : !strcmp(end, "us") ? 1e3
		    : !strcmp(end, "ns") ? 1.0 : !strcmp(end, "m") || !strcmp(end, "min") ? 60e9
		    : !strcmp(end, "h") ? 3600e9 : -1.0;
	if (mult < 0 || v * mult > 9e18)
		return ctk_failf(err, CTK_EUSAGE, "'%s': not a duration (like 10s, 100ms, 2m)", s);
	*ns = (int64_t)(v * mult + 0.5);
	return 0;
}
