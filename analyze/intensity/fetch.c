/* `ctk intensity fetch` over libcurl (see intensity_fetch.h): builds the
 * page URLs of each source, downloads each page into memory (bounded size,
 * HTTPS only, timeouts, no redirects), retries 429/5xx and transport errors
 * with exponential backoff, and hands each validated body to the format
 * parser of `ctk intensity import`, so fetched and imported series are
 * stored by the same code. The Electricity Maps token comes from the
 * environment only and is sent as a header, and only to the source's own
 * host: never in a URL, message or row. --base-url is parsed by libcurl's URL
 * API (no user name or password, https only) before anything is sent. */
#include "analyze/intensity/fetch.h"

#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

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

struct body {
	char *p;
	size_t n;
	int too_big;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct body *b = ud;
	size_t add = size * nmemb;
	char *np;

	if (b->n + add > MAX_BODY) {
		b->too_big = 1;
		return 0;
	}
	if (!(np = realloc(b->p, b->n + add + 1)))
		return 0;
	b->p = np;
	memcpy(b->p + b->n, ptr, add);
	b->n += add;
	b->p[b->n] = '\0';
	return add;
}

/* "2023-03-14T00:30Z" (UK, minutes) or "2023-03-14T00:30:00Z" (EM). */
static void iso(int64_t t_ns, int seconds, char *buf, size_t size)
{
	char full[40];
	ctk_time_format(t_ns, full, sizeof full); /* 2023-03-14T00:30:00.000Z */
	snprintf(buf, size, "%.*sZ", seconds ? 19 : 16, full);
}

/* Is this host (as CURLUPART_HOST gives it) the loopback interface? */
static int loopback_host(const char *h)
{
	return !strcmp(h, "127.0.0.1") || !strcmp(h, "localhost") || !strcmp(h, "[::1]") || !strcmp(h, "::1");
}

/* Plain http to loopback is for the tests' local server only, and only when
 * they ask for it explicitly with CTK_TEST_HTTP_LOOPBACK=1. */
static int http_loopback_allowed(void)
{
	const char *s = getenv("CTK_TEST_HTTP_LOOPBACK");
	return s && !strcmp(s, "1");
}

/* Parse base with libcurl's URL API and write the URL requests are built
 * from into clean (scheme://host[:port][/path], no trailing slash): https
 * only (http to loopback with the test flag), no user name or password, no
 * query or fragment; *local tells whether it is the loopback test server.
 * The rejected URL is never repeated in a message (it may hold a secret). */
static int check_url(const char *base, char *clean, size_t size, int *local, char *host, size_t hsize,
		     struct ctk_error *err)
{
	char *scheme = NULL, *h = NULL, *user = NULL, *pass = NULL, *opts = NULL, *query = NULL, *frag = NULL,
	     *full = NULL;
	CURLU *u = curl_url();
	int rc = 0;
	size_t n;

	if (!u)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, base, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
		rc = ctk_failf(err, CTK_EUSAGE, "--base-url: not a URL (scheme://host[:port][/path])");
		goto out;
	}
	curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	curl_url_get(u, CURLUPART_HOST, &h, 0);
	curl_url_get(u, CURLUPART_USER, &user, 0);
	curl_url_get(u, CURLUPART_PASSWORD, &pass, 0);
	curl_url_get(u, CURLUPART_OPTIONS, &opts, 0);
	curl_url_get(u, CURLUPART_QUERY, &query, 0);
	curl_url_get(u, CURLUPART_FRAGMENT, &frag, 0);
	*local = h && loopback_host(h);
	if (!scheme || !h || !*h) {
		rc = ctk_failf(err, CTK_EUSAGE, "--base-url: not a URL (scheme://host[:port][/path])");
	} else if (user || pass || opts) {
		rc = ctk_failf(err, CTK_EUSAGE, "--base-url: a user name or password in the URL is refused "
			       "(the host is the part after '@'; nothing was sent)");
	} else if (query || frag) {
		rc = ctk_failf(err, CTK_EUSAGE, "--base-url: a base URL has no query ('?') or fragment ('#')");
	} else if (strcmp(scheme, "https") &&
		   !(!strcmp(scheme, "http") && *local && http_loopback_allowed())) {
		rc = ctk_failf(err, CTK_EUSAGE, "--base-url '%s://%s': only https:// (plain http only to "
			       "127.0.0.1 for the tests, with CTK_TEST_HTTP_LOOPBACK=1)", scheme, h);
	} else if (curl_url_get(u, CURLUPART_URL, &full, 0) != CURLUE_OK || (n = strlen(full)) >= size) {
		rc = ctk_failf(err, CTK_EUSAGE, "--base-url: too long");
	} else {
		while (n > 0 && full[n - 1] == '/')
			n--;
		snprintf(clean, size, "%.*s", (int)n, full);
		snprintf(host, hsize, "%s", h);
	}
out:
	curl_free(scheme);
	curl_free(h);
	curl_free(user);
	curl_free(pass);
	curl_free(opts);
	curl_free(query);
	curl_free(frag);
	curl_free(full);
	curl_url_cleanup(u);
	return rc;
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

static void sleep_s(double s)
{
	struct timespec ts;
	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

static int transient(CURLcode cc)
{
	return cc == CURLE_OPERATION_TIMEDOUT || cc == CURLE_COULDNT_CONNECT || cc == CURLE_PARTIAL_FILE ||
	       cc == CURLE_RECV_ERROR || cc == CURLE_SEND_ERROR || cc == CURLE_GOT_NOTHING ||
	       cc == CURLE_COULDNT_RESOLVE_HOST || cc == CURLE_SSL_CONNECT_ERROR;
}

static void warn(const struct ctk_fetch_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(const struct ctk_fetch_opts *o, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!o->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	o->warn(o->warn_ctx, msg);
}

/* GET url into b with retries; 0 only for HTTP 200 with a body. */
static int get(CURL *c, const struct ctk_fetch_opts *o, const char *url, struct body *b,
	       struct ctk_fetch_result *res, struct ctk_error *err)
{
	int tries = o->max_tries > 0 ? o->max_tries : 4;
	double delay = o->backoff_s > 0 ? o->backoff_s : 1.0;

	for (int i = 1;; i++) {
		char why[160];
		long status = 0;
		curl_off_t retry_after = -1;
		CURLcode cc;

		free(b->p);
		memset(b, 0, sizeof(*b));
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
		cc = curl_easy_perform(c);
		if (cc == CURLE_OK) {
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
			if (status == 200 && b->n > 0)
				return 0;
			if (status == 200)
				return ctk_failf(err, CTK_EINPUT, "'%s': empty response", url);
			if (status != 429 && status < 500)
				return ctk_failf(err, CTK_EDB, "'%s': HTTP %ld%s", url, status,
						 status == 401 || status == 403 ? " (check ELECTRICITYMAPS_TOKEN)" : "");
			curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &retry_after);
			snprintf(why, sizeof why, "HTTP %ld", status);
		} else if (b->too_big) {
			return ctk_failf(err, CTK_EINPUT, "'%s': response larger than %u MiB", url, MAX_BODY >> 20);
		} else if (transient(cc)) {
			snprintf(why, sizeof why, "%s", curl_easy_strerror(cc));
		} else {
			return ctk_failf(err, CTK_EDB, "'%s': %s", url, curl_easy_strerror(cc));
		}
		if (i >= tries)
			return ctk_failf(err, CTK_EDB, "'%s': %s (gave up after %d tr%s)", url, why, i, i == 1 ? "y" : "ies");
		double wait = retry_after > 0 && retry_after <= 60 ? (double)retry_after : delay;
		warn(o, "'%s': %s; retrying in %.1f s (try %d of %d)", url, why, wait, i + 1, tries);
		res->retries++;
		sleep_s(wait);
		delay *= 2;
		if (delay > 30)
			delay = 30;
	}
}

int ctk_ci_fetch(sqlite3 *db, const struct ctk_fetch_opts *o, struct ctk_fetch_result *res,
		 struct ctk_error *err)
{
	const struct source *src = NULL;
	struct ctk_ci_opts co = {.signal = o->signal, .warn = o->warn, .warn_ctx = o->warn_ctx};
	struct curl_slist *hdr = NULL;
	struct ctk_ci_sink k;
	struct body b = {0};
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
	if ((rc = check_url(o->base_url ? o->base_url : src->base, base, sizeof base, &local, host, sizeof host,
			    err)))
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
	if (!(c = curl_easy_init())) {
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
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, local && http_loopback_allowed() ? "http,https" : "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)((o->timeout_s > 0 ? o->timeout_s : 60.0) * 1000));
	curl_easy_setopt(c, CURLOPT_USERAGENT, "ctk-intensity/1");
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);

	page_url(src, o, base, o->from_ns, o->to_ns, url, sizeof url, err); /* the series path: the whole range */
	sink_ok = 1;
	if ((rc = ctk_ci_sink_init(&k, db, &co, src->format->name, url, err)))
		goto out_sink;
	k.skip_seen = 1;
	for (int64_t a = o->from_ns; a < o->to_ns; a += src->page_ns) {
		int64_t e = a + src->page_ns < o->to_ns ? a + src->page_ns : o->to_ns;
		if ((rc = page_url(src, o, base, a, e, url, sizeof url, err)) ||
		    (rc = get(c, o, url, &b, res, err)))
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
