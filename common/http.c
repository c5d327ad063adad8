/* The shared HTTP GET of ctk-analyze (http.h): URL checks through libcurl's
 * URL API, a handle configured once, a bounded in-memory body and retries
 * with exponential backoff (Retry-After honoured up to 60 s). Moved here
 * from `ctk intensity fetch` so that `ctk import prometheus` uses the same
 * rules. */
#include "common/http.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct ctk_http_body *b = ud;
	size_t add = size * nmemb;
	char *np;

	if (b->n + add > b->max) {
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

/* Is this host (as CURLUPART_HOST gives it) the loopback interface? */
static int loopback_host(const char *h)
{
	return !strcmp(h, "127.0.0.1") || !strcmp(h, "localhost") || !strcmp(h, "[::1]") || !strcmp(h, "::1");
}

int ctk_http_loopback_allowed(void)
{
	const char *s = getenv("CTK_TEST_HTTP_LOOPBACK");
	return s && !strcmp(s, "1");
}

int ctk_http_check_url(const char *url, const char *opt, char *clean, size_t size, int *local, char *host,
		       size_t hsize, struct ctk_error *err)
{
	char *scheme = NULL, *h = NULL, *user = NULL, *pass = NULL, *opts = NULL, *query = NULL, *frag = NULL,
	     *full = NULL;
	CURLU *u = curl_url();
	int rc = 0;
	size_t n;

	*local = 0;
	if (!u)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
		rc = ctk_failf(err, CTK_EUSAGE, "%s: not a URL (scheme://host[:port][/path])", opt);
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
		rc = ctk_failf(err, CTK_EUSAGE, "%s: not a URL (scheme://host[:port][/path])", opt);
	} else if (user || pass || opts) {
		rc = ctk_failf(err, CTK_EUSAGE, "%s: a user name or password in the URL is refused "
			       "(the host is the part after '@'; nothing was sent)", opt);
	} else if (query || frag) {
		rc = ctk_failf(err, CTK_EUSAGE, "%s: a base URL has no query ('?') or fragment ('#')", opt);
	} else if (strcmp(scheme, "https") &&
		   !(!strcmp(scheme, "http") && *local && ctk_http_loopback_allowed())) {
		rc = ctk_failf(err, CTK_EUSAGE, "%s '%s://%s': only https:// (plain http only to "
			       "127.0.0.1 for the tests, with CTK_TEST_HTTP_LOOPBACK=1)", opt, scheme, h);
	} else if (curl_url_get(u, CURLUPART_URL, &full, 0) != CURLUE_OK || (n = strlen(full)) >= size) {
		rc = ctk_failf(err, CTK_EUSAGE, "%s: too long", opt);
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

CURL *ctk_http_easy(int local, double timeout_s, const char *user_agent, struct ctk_http_body *body,
		    size_t max_body)
{
	CURL *c = curl_easy_init();

	if (!c)
		return NULL;
	body->max = max_body;
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, local && ctk_http_loopback_allowed() ? "http,https" : "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)((timeout_s > 0 ? timeout_s : 60.0) * 1000));
	curl_easy_setopt(c, CURLOPT_USERAGENT, user_agent);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	return c;
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

static void warn(const struct ctk_http_retry *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(const struct ctk_http_retry *o, const char *fmt, ...)
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

int ctk_http_get(CURL *c, const struct ctk_http_retry *o, const char *url, struct ctk_http_body *b, long *status_out,
		 int *retries, struct ctk_error *err)
{
	int tries = o->max_tries > 0 ? o->max_tries : 4;
	double delay = o->backoff_s > 0 ? o->backoff_s : 1.0;
	size_t max = b->max;

	for (int i = 1;; i++) {
		char why[160];
		long status = 0;
		curl_off_t retry_after = -1;
		CURLcode cc;

		free(b->p);
		memset(b, 0, sizeof(*b));
		b->max = max;
		curl_easy_setopt(c, CURLOPT_URL, url);
		cc = curl_easy_perform(c);
		if (cc == CURLE_OK) {
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
			if (status_out)
				*status_out = status;
			if (status == 200 && b->n > 0)
				return 0;
			if (status == 200)
				return ctk_failf(err, CTK_EINPUT, "'%s': empty response", url);
			if (status_out && status >= 400 && status < 500 && status != 429 && b->n > 0)
				return 0;
			if (status != 429 && status < 500)
				return ctk_failf(err, CTK_EDB, "'%s': HTTP %ld%s", url, status,
						 (status == 401 || status == 403) && o->auth_hint ? o->auth_hint : "");
			curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &retry_after);
			snprintf(why, sizeof why, "HTTP %ld", status);
		} else if (b->too_big) {
			return ctk_failf(err, CTK_EINPUT, "'%s': response larger than %zu MiB", url, max >> 20);
		} else if (transient(cc)) {
			snprintf(why, sizeof why, "%s", curl_easy_strerror(cc));
		} else {
			return ctk_failf(err, CTK_EDB, "'%s': %s", url, curl_easy_strerror(cc));
		}
		if (i >= tries)
			return ctk_failf(err, CTK_EDB, "'%s': %s (gave up after %d tr%s)", url, why, i, i == 1 ? "y" : "ies");
		double wait = retry_after > 0 && retry_after <= 60 ? (double)retry_after : delay;
		warn(o, "'%s': %s; retrying in %.1f s (try %d of %d)", url, why, wait, i + 1, tries);
		(*retries)++;
		sleep_s(wait);
		delay *= 2;
		if (delay > 30)
			delay = 30;
	}
}
