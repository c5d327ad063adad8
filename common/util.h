/* Small helpers every tool needs: strict number parsing (NaN, inf and
 * trailing junk are errors, never 0), SHA-256 of input files (runs record
 * which exact file they came from), and the host name. */
#ifndef CTK_UTIL_H
#define CTK_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Parse a finite decimal number (no hex floats, no inf/nan); leading and
 * trailing spaces allowed. 0 or -1. */
int ctk_parse_double(const char *s, double *v);
int ctk_parse_int64(const char *s, int64_t *v);

/* Read a whole file into a NUL-terminated buffer (caller frees *buf);
 * CTK_EINPUT when it cannot be opened, CTK_EDB on a read error. */
int ctk_read_file(const char *path, char **buf, size_t *len, struct ctk_error *err);

/* printf onto the end of a NUL-terminated string in buf[size] (truncates). */
void ctk_appendf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Streaming SHA-256 (for input read once, e.g. a pipe). */
struct ctk_sha256_ctx {
	uint32_t h[8];
	uint64_t len;
	uint8_t buf[64];
	size_t n;
};
void ctk_sha256_init(struct ctk_sha256_ctx *c);
void ctk_sha256_update(struct ctk_sha256_ctx *c, const void *data, size_t len);
void ctk_sha256_hex(struct ctk_sha256_ctx *c, char hex[65]);

/* Hex SHA-256 (64 chars + NUL) of a file's bytes (a pipe prepared by
 * ctk_input_prepare: the hash taken while it was read). */
int ctk_sha256_file(const char *path, char hex[65], struct ctk_error *err);
void ctk_sha256(const void *data, size_t len, uint8_t out[32]);

/* Hash a file on a second thread while the caller parses it (importers of
 * large files): start, then join to get the hex digest or the error. */
struct ctk_hash_job {
	char path[4096];
	char hex[65];
	int rc;
	struct ctk_error err;
	unsigned long thread;   /* pthread_t */
	int started, joined;
};
void ctk_sha256_start(struct ctk_hash_job *job, const char *path);
int ctk_sha256_join(struct ctk_hash_job *job, struct ctk_error *err);

/* This machine's host name ("unknown" if it cannot be read). */
void ctk_hostname(char *buf, size_t size);

/* Basename of a path, without allocating (points into path). */
const char *ctk_basename(const char *path);

#endif
