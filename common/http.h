/* HTTP GET for the commands that download, `ctk intensity fetch` and
 * `ctk import prometheus` (only ctk-analyze uses it, so only it links
 * libcurl: libctk.a's other users never pull this member in).
 * One URL check (https only, plain http only to loopback with the tests'
 * explicit CTK_TEST_HTTP_LOOPBACK=1, no user name or password, no query),
 * one configured easy handle (no redirects, timeouts, TLS verified) and one
 * GET with bounded body and retries of 429/5xx/transport errors. Library
 * code: never prints (warnings through the callback). */
#ifndef CTK_COMMON_HTTP_H
#define CTK_COMMON_HTTP_H

#include <stddef.h>

#include <curl/curl.h>

#include "common/err.h"

/* Parse url with libcurl's URL API and write the base that requests are
 * built from into clean (scheme://host[:port][/path], no trailing slash);
 * *local: the host is the loopback interface; host: its name. opt names the
 * option in messages ("--base-url", "--url"). The rejected URL is never
 * repeated in a message (it may hold a secret). 0 or CTK_EUSAGE/CTK_ENOMEM. */
int ctk_http_check_url(const char *url, const char *opt, char *clean, size_t size, int *local, char *host,
		       size_t hsize, struct ctk_error *err);

/* 1 when CTK_TEST_HTTP_LOOPBACK=1 allows plain http to loopback. */
int ctk_http_loopback_allowed(void);

/* A response body, NUL-terminated (p is malloc'ed; the caller frees it). */
struct ctk_http_body {
	char *p;
	size_t n;
	size_t max;             /* larger bodies are refused (set by ctk_http_easy) */
	int too_big;
};

/* A handle for url's checked base (local from ctk_http_check_url):
 * https only (http too for loopback with the test flag), no redirects,
 * 10 s to connect, timeout_s for the whole request (0: 60 s), peer and host
 * verified, bodies into struct ctk_http_body (at most max_body bytes).
 * NULL when libcurl cannot start. Free with curl_easy_cleanup(). */
CURL *ctk_http_easy(int local, double timeout_s, const char *user_agent, struct ctk_http_body *body,
		    size_t max_body);

struct ctk_http_retry {
	int max_tries;          /* per request (0: 4) */
	double backoff_s;       /* first retry delay, doubled each try up to 30 s (0: 1 s) */
	const char *auth_hint;  /* added to an HTTP 401/403 message, or NULL */
	void (*warn)(void *ctx, const char *msg);
	void *warn_ctx;
};

/* GET url into the handle's body with retries. 0 for HTTP 200 with a body;
 * with status non-NULL also for another 4xx (not 429) with a body, *status
 * set (an API's own error document, for the caller to read). *retries is
 * increased per repeated request. Else CTK_EINPUT (empty or too large) or
 * CTK_EDB (network, HTTP error after retries). */
int ctk_http_get(CURL *c, const struct ctk_http_retry *o, const char *url, struct ctk_http_body *b, long *status,
		 int *retries, struct ctk_error *err);

#endif
