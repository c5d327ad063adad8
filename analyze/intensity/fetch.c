/* `ctk intensity fetch` over libcurl (see intensity_fetch.h): builds the
 * page URLs of each source, downloads each page into memory (bounded size,
 * HTTPS only, timeouts, no redirects), retries 429/5xx and transport errors
 * with exponential backoff, and hands each validated body to the format
 * parser of `ctk intensity import`, so fetched and imported series are
 * stored by the same code. The Electricity Maps token comes from the
 * environment only and is sent as a header, and only to the source's own
 * host: never in a URL, message or row. --base-url is checked, and pages
 * are downloaded, by common/http.h (shared with `ctk import prometheus`). */
#include "analyze/intensity/fetch.h"

#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/http.h"
#include "analyze/intensity/formats.h"

#define MAX_BODY (64u << 20) /* a page larger than this is not an intensity response */
#define DAY_NS (86400 * CTK_NS_PER_S)

struct source {
	const char *name;
	const char *base;          /* public endpoint */
	int64_t page_ns;           /* the API's longest range per request */
	const struct ctk_ci_format *format;
};

static const struct source sources[] = {
	{"uk", "https://api.carbonintensity.org.uk", 14 * DAY_NS, &ctk_ci_format_uk_json},
	{"uk-regional", "https://api.carbonintensity.org.uk", 14 * DAY_NS, &ctk_ci_format_uk_json},
	{"electricitymaps", "https://api.electricitymap.org", 10 * DAY_NS, &ctk_ci_format_em_json},
	{"eds", "https://api.energidataservice.dk", 7 * DAY_NS, &ctk_ci_format_eds_json},
	{NULL, NULL, 0, NULL},
};

/* "2023-03-14T00:30Z" (UK, minutes) or "2023-03-14T00:30:00Z" (EM). */
static void iso(int64_t t_ns, int seconds, char *buf, size_t size)
{
	char full[40];
	ctk_time_format(t_ns, full, sizeof full); /* 2023-03-14T00:30:00.000Z */
	snprintf(buf, size, "%.*sZ", seconds ? 19 : 16, full);
}

static int page_url(const struct source *src, const struct ctk_fetch_opts *o, const char *base, int64_t a,
		    int64_t b, char *url, size_t size, struct ctk_error *err)
{
	char fa[32], fb[32], *zone = NULL;
	int digits = 1;
	CURL *c;

	for (const char *p = o->zone; *p; p++)
		digits &= *p >= '0' && *p <= '9';
	if (!(c = curl_easy_init()))
		return ctk_failf(err, CTK_ENOMEM, "cannot start libcurl");
	zone = curl_easy_escape(c, o->zone, 0);
	curl_easy_cleanup(c);
	if (!zone)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	if (!strcmp(src->name, "uk")) {
		iso(a, 0, fa, sizeof fa);
		iso(b, 0, fb, sizeof fb);
		snprintf(url, size, "%s/intensity/%s/%s", base, fa, fb);
	} else if (!strcmp(src->name, "uk-regional")) {
		iso(a, 0, fa, sizeof fa);
		iso(b, 0, fb, sizeof fb);
		snprintf(url, size, "%s/regional/intensity/%s/%s/%s/%s", base, fa, fb, digits ? "regionid" : "postcode",
			 zone);
	} else if (!strcmp(src->name, "electricitymaps")) {
		iso(a, 1, fa, sizeof fa);
		iso(b, 1, fb, sizeof fb);
		snprintf(url, size, "%s/v3/carbon-intensity/past-range?zone=%s&start=%s&end=%s%s", base, zone, fa, fb,
			 o->signal && !strcmp(o->signal, "direct") ? "&emissionFactorType=direct" : "");
	} else {
		char full[40];
		ctk_time_format(a, full, sizeof full);
		snprintf(fa, sizeof fa, "%.16s", full);
		ctk_time_format(b, full, sizeof full);
		snprintf(fb, sizeof fb, "%.16s", full);
		snprintf(url, size, "%s/dataset/CO2Emis?start=%s&end=%s&timezone=UTC&sort=Minutes5UTC%%20asc&limit=0"
			 "&filter=%%7B%%22PriceArea%%22:%%5B%%22%s%%22%%5D%%7D", base, fa, fb, zone);
	}
	curl_free(zone);
	return 0;
}

int ctk_ci_fetch(sqlite3 *db, const struct ctk_fetch_opts *o, struct ctk_fetch_result *res,
		 struct ctk_error *err)
{
	const struct source *src = NULL;
	struct ctk_ci_opts co = {.signal = o->signal, .warn = o->warn, .warn_ctx = o->warn_ctx};
	struct curl_slist *hdr = NULL;
	struct ctk_ci_sink k;
	struct ctk_http_body b = {0};
	struct ctk_http_retry retry = {.max_tries = o->max_tries, .backoff_s = o->backoff_s,
				       .auth_hint = " (check ELECTRICITYMAPS_TOKEN)", .warn = o->warn, .warn_ctx = o->warn_ctx};
	char url[2048], header[1024], zone[64], source[64], base[1024], host[256];
	CURL *c = NULL;
	int rc = 0, sink_ok = 0, local = 0;

	memset(res, 0, sizeof(*res));
	for (int i = 0; sources[i].name; i++)
		if (!strcmp(sources[i].name, o->source))
			src = &sources[i];
	if (!src)
		return ctk_failf(err, CTK_EUSAGE, "--source '%s': not uk, uk-regional, electricitymaps or eds", o->source);
	if (!o->zone || !*o->zone || strlen(o->zone) > 40)
		return ctk_failf(err, CTK_EUSAGE, "--zone: missing or too long");
	if ((rc = ctk_http_check_url(o->base_url ? o->base_url : src->base, "--base-url", base, sizeof base, &local,
				     host, sizeof host, err)))
		return rc;
	if (!strcmp(src->name, "electricitymaps") && !local && strcmp(host, "api.electricitymap.org"))
		return ctk_failf(err, CTK_EUSAGE, "--base-url: the Electricity Maps token is sent only to "
				 "'api.electricitymap.org', not to '%s'", host);
	/* stored zone names */
	if (!strcmp(src->name, "uk")) {
		if (strcmp(o->zone, "GB"))
			return ctk_failf(err, CTK_EUSAGE, "--source uk: the national series is zone GB (use uk-regional for a region)");
		snprintf(zone, sizeof zone, "GB");
	} else if (!strcmp(src->name, "uk-regional")) {
		int digits = 1;
		for (const char *p = o->zone; *p; p++)
			digits &= *p >= '0' && *p <= '9';
		snprintf(zone, sizeof zone, digits ? "GB-R%s" : "GB-%s", o->zone);
	} else if (!strcmp(src->name, "eds")) {
		if (strcmp(o->zone, "DK1") && strcmp(o->zone, "DK2"))
			return ctk_failf(err, CTK_EUSAGE, "--source eds: --zone is DK1 or DK2");
		snprintf(zone, sizeof zone, "DK-%s", o->zone);
	} else {
		snprintf(zone, sizeof zone, "%s", o->zone);
	}
	co.zone = zone;
	snprintf(source, sizeof source, "fetch:%s", src->name);
	co.source = source;
	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		return ctk_failf(err, CTK_EDB, "cannot initialise libcurl");
	if (!(c = ctk_http_easy(local, o->timeout_s, "ctk-intensity/1", &b, MAX_BODY))) {
		rc = ctk_failf(err, CTK_ENOMEM, "cannot start libcurl");
		goto out;
	}
	if (!strcmp(src->name, "electricitymaps")) {
		const char *tok = getenv("ELECTRICITYMAPS_TOKEN");
		if (!tok || !*tok) {
			rc = ctk_failf(err, CTK_EUSAGE, "--source electricitymaps needs the API token in ELECTRICITYMAPS_TOKEN");
			goto out;
		}
		if (strlen(tok) > 512 || strpbrk(tok, "\r\n")) {
			rc = ctk_failf(err, CTK_EUSAGE, "ELECTRICITYMAPS_TOKEN: not a token");
			goto out;
		}
		snprintf(header, sizeof header, "auth-token: %s", tok);
		hdr = curl_slist_append(hdr, header);
		memset(header, 0, sizeof header);
	}
	hdr = curl_slist_append(hdr, "Accept: application/json");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	page_url(src, o, base, o->from_ns, o->to_ns, url, sizeof url, err); /* the series path: the whole range */
	sink_ok = 1;
	if ((rc = ctk_ci_sink_init(&k, db, &co, src->format->name, url, err)))
		goto out_sink;
	k.skip_seen = 1;
	for (int64_t a = o->from_ns; a < o->to_ns; a += src->page_ns) {
		int64_t e = a + src->page_ns < o->to_ns ? a + src->page_ns : o->to_ns;
		if ((rc = page_url(src, o, base, a, e, url, sizeof url, err)) ||
		    (rc = ctk_http_get(c, &retry, url, &b, NULL, &res->retries, err)))
			break;
		k.name = url;
		if ((rc = src->format->parse(&k, b.p, b.n, err)))
			break;
		res->pages++;
	}
	if (!rc) {
		k.name = url;
		rc = ctk_ci_sink_finish(&k, err);
		for (int i = 0; i < k.ns; i++)
			res->points += k.s[i].points;
	}
out_sink:
	if (sink_ok)
		ctk_ci_sink_release(&k);
out:
	free(b.p);
	curl_slist_free_all(hdr);
	if (c)
		curl_easy_cleanup(c);
	curl_global_cleanup();
	return rc;
}
