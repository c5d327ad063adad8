/* Implementation of the error convention in err.h: formatted messages into
 * caller-owned buffers, and the code → exit-status map documented in --help. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int ctk_failf(struct ctk_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return code;
}

int ctk_error_prefix(struct ctk_error *err, const char *fmt, ...)
{
	char prefix[512], old[sizeof err->msg];
	va_list ap;

	if (!err)
		return 0;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	snprintf(old, sizeof old, "%s", err->msg);
	snprintf(err->msg, sizeof err->msg, "%s%s", prefix, old);
	return err->code;
}

const char *ctk_strerror(int code)
{
	switch (code) {
	case CTK_OK: return "ok";
	case CTK_EUSAGE: return "usage error";
	case CTK_EINPUT: return "bad input";
	case CTK_EDB: return "database or I/O error";
	case CTK_EDEVICE: return "device error";
	case CTK_ENOMEM: return "out of memory";
	default: return "unknown error";
	}
}

int ctk_exit_code(int code)
{
	switch (code) {
	case CTK_OK: return 0;
	case CTK_EUSAGE: return 1;
	case CTK_EINPUT: return 2;
	case CTK_EDEVICE: return 4;
	default: return 3;
	}
}
