/* `ctk intensity fetch`: download carbon-intensity series over HTTPS with
 * libcurl from the UK Carbon Intensity API (national, regional), Electricity
 * Maps API v3 and Energi Data Service, page by page, and store them through
 * the same format parsers as `ctk intensity import`. Library code: never
 * prints (warnings go through the callback), never logs the token. */
#ifndef CTK_INTENSITY_FETCH_H
#define CTK_INTENSITY_FETCH_H

#include <sqlite3.h>
#include <stdint.h>

#include "common/err.h"

struct ctk_fetch_opts {
	const char *source;     /* uk | uk-regional | electricitymaps | eds */
	const char *zone;       /* uk: GB; uk-regional: region id (13) or postcode (EN2); EM: zone; eds: DK1|DK2 */
	int64_t from_ns, to_ns; /* half-open range to fetch */
	const char *base_url;   /* NULL: the source's public HTTPS endpoint */
	const char *signal;     /* NULL: the source's default */
	double timeout_s;       /* whole-request limit (0: 60 s) */
	int max_tries;          /* per page, for 429/5xx/transport errors (0: 4) */
	double backoff_s;       /* first retry delay, doubled each try (0: 1 s) */
	void (*warn)(void *ctx, const char *msg);
	void *warn_ctx;
};

struct ctk_fetch_result {
	int pages;              /* requests that succeeded */
	int retries;            /* requests repeated after 429/5xx/transport errors */
	int64_t points;         /* values stored */
};

/* Fetch [from, to) for one zone into db, in one transaction the caller owns.
 * Every response is validated (HTTP status, JSON shape, value ranges) before
 * its values are stored; any failure leaves the caller to roll back.
 * Errors: CTK_EUSAGE (bad source/zone/range, missing ELECTRICITYMAPS_TOKEN),
 * CTK_EINPUT (a response that is not what the API documents), CTK_EDB
 * (network, HTTP error after retries, database). */
int ctk_ci_fetch(sqlite3 *db, const struct ctk_fetch_opts *o, struct ctk_fetch_result *res,
		 struct ctk_error *err);

#endif
