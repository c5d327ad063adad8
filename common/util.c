/* Strict number parsing, SHA-256 (FIPS 180-4, written from the standard) and
 * host name lookup; see util.h. */
#include "util.h"

#include "input.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int ctk_parse_double(const char *s, double *v)
{
	char *end = NULL;
	double x;

	if (!s)
		return -1;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return -1;
	errno = 0;
	x = strtod(s, &end);
	if (end == s || errno == ERANGE || !isfinite(x))
		return -1;
	/* decimal only: strtod also reads hex floats ("0x1p4" = 16), which no
	 * tool we import writes; a number is [+-] digits [. digits] [e[+-]digits] */
	for (const char *c = s; c < end; c++)
		if (!strchr("0123456789+-.eE", *c))
			return -1;
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end)
		return -1;
	*v = x;
	return 0;
}

int ctk_parse_int64(const char *s, int64_t *v)
{
	char *end = NULL;
	long long x;

	if (!s)
		return -1;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return -1;
	errno = 0;
	x = strtoll(s, &end, 10);
	if (end == s || errno == ERANGE)
		return -1;
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end)
		return -1;
	*v = x;
	return 0;
}

int ctk_read_file(const char *path, char **buf, size_t *len, struct ctk_error *err)
{
	FILE *f = fopen(ctk_input_path(path), "rb");
	char *b = NULL;
	size_t cap = 0, n = 0;

	*buf = NULL;
	*len = 0;
	if (!f)
		return ctk_failf(err, CTK_EINPUT, "'%s': %s", path, strerror(errno));
	for (;;) {
		if (cap - n < 65536) {
			size_t ncap = cap ? cap * 2 : 131072;
			char *nb = realloc(b, ncap + 1);
			if (!nb) {
				free(b);
				fclose(f);
				return ctk_failf(err, CTK_ENOMEM, "out of memory");
			}
			b = nb;
			cap = ncap;
		}
		size_t r = fread(b + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		free(b);
		fclose(f);
		return ctk_failf(err, CTK_EDB, "'%s': read error", path);
	}
	fclose(f);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

void ctk_appendf(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	if (len + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

/* ---- SHA-256 ----------------------------------------------------------- */


static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static void sha_block(struct ctk_sha256_ctx *c, const uint8_t *p)
{
	uint32_t w[64], a[8];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	memcpy(a, c->h, sizeof a);
	uint32_t A = a[0], B = a[1], C = a[2], D = a[3], E = a[4], F = a[5], G = a[6], H = a[7];
	for (int i = 0; i < 64; i++) {
		uint32_t S1 = ror(E, 6) ^ ror(E, 11) ^ ror(E, 25);
		uint32_t ch = (E & F) ^ (~E & G);
		uint32_t t1 = H + S1 + ch + K[i] + w[i];
		uint32_t S0 = ror(A, 2) ^ ror(A, 13) ^ ror(A, 22);
		uint32_t maj = (A & B) ^ (A & C) ^ (B & C);
		H = G; G = F; F = E; E = D + t1;
		D = C; C = B; B = A; A = t1 + S0 + maj;
	}
	a[0] = A; a[1] = B; a[2] = C; a[3] = D; a[4] = E; a[5] = F; a[6] = G; a[7] = H;
	for (int i = 0; i < 8; i++)
		c->h[i] += a[i];
}

static void sha_init(struct ctk_sha256_ctx *c)
{
	static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
				       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	memcpy(c->h, h0, sizeof h0);
	c->len = 0;
	c->n = 0;
}

static void sha_update(struct ctk_sha256_ctx *c, const uint8_t *p, size_t len)
{
	c->len += len;
	while (len > 0) {
		size_t k = 64 - c->n < len ? 64 - c->n : len;
		memcpy(c->buf + c->n, p, k);
		c->n += k;
		p += k;
		len -= k;
		if (c->n == 64) {
			sha_block(c, c->buf);
			c->n = 0;
		}
	}
}

static void sha_final(struct ctk_sha256_ctx *c, uint8_t out[32])
{
	uint64_t bits = c->len * 8;
	uint8_t pad = 0x80, zero = 0, lenb[8];

	sha_update(c, &pad, 1);
	while (c->n != 56)
		sha_update(c, &zero, 1);
	for (int i = 0; i < 8; i++)
		lenb[i] = (uint8_t)(bits >> (56 - 8 * i));
	sha_update(c, lenb, 8);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(c->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)c->h[i];
	}
}

void ctk_sha256_init(struct ctk_sha256_ctx *c)
{
	sha_init(c);
}

void ctk_sha256_update(struct ctk_sha256_ctx *c, const void *data, size_t len)
{
	sha_update(c, data, len);
}

void ctk_sha256_hex(struct ctk_sha256_ctx *c, char hex[65])
{
	uint8_t out[32];

	sha_final(c, out);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", out[i]);
}

void ctk_sha256(const void *data, size_t len, uint8_t out[32])
{
	struct ctk_sha256_ctx c;
	sha_init(&c);
	sha_update(&c, data, len);
	sha_final(&c, out);
}

int ctk_sha256_file(const char *path, char hex[65], struct ctk_error *err)
{
	struct ctk_sha256_ctx c;
	uint8_t *buf, out[32];
	size_t n;
	FILE *f;

	if (ctk_input_sha256(path, hex))
		return 0; /* a pipe: hashed while it was read (input.h) */
	if (!(f = fopen(ctk_input_path(path), "rb")))
		return ctk_failf(err, CTK_EINPUT, "'%s': %s", path, strerror(errno));
	if (!(buf = malloc(1 << 16))) {
		fclose(f);
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	}
	sha_init(&c);
	while ((n = fread(buf, 1, 1 << 16, f)) > 0)
		sha_update(&c, buf, n);
	int bad = ferror(f);
	free(buf);
	fclose(f);
	if (bad)
		return ctk_failf(err, CTK_EINPUT, "'%s': read error", path);
	sha_final(&c, out);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", out[i]);
	return 0;
}

static void *hash_thread(void *arg)
{
	struct ctk_hash_job *job = arg;
	job->rc = ctk_sha256_file(job->path, job->hex, &job->err);
	return NULL;
}

void ctk_sha256_start(struct ctk_hash_job *job, const char *path)
{
	pthread_t t;

	memset(job, 0, sizeof(*job));
	snprintf(job->path, sizeof job->path, "%s", path);
	if (pthread_create(&t, NULL, hash_thread, job) == 0) {
		job->thread = (unsigned long)t;
		job->started = 1;
	}
}

int ctk_sha256_join(struct ctk_hash_job *job, struct ctk_error *err)
{
	if (job->started) {
		pthread_join((pthread_t)job->thread, NULL);
		job->started = 0;
		job->joined = 1;
	} else if (!job->joined) {
		job->rc = ctk_sha256_file(job->path, job->hex, &job->err);
		job->joined = 1;
	}
	if (job->rc && err)
		*err = job->err;
	return job->rc;
}

void ctk_hostname(char *buf, size_t size)
{
	if (gethostname(buf, size) != 0 || !*buf)
		snprintf(buf, size, "unknown");
	buf[size - 1] = '\0';
}

const char *ctk_basename(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}
