/* Pipes read once into unlinked temporary files, devices refused (see
 * input.h). The copies are reached through /proc/self/fd/N (Linux), so a
 * killed import leaves no temporary file behind. */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* A command names at most a few hundred files; pipes are rarer still. */
#define MAX_COPIES 64

struct copy {
	char *path;      /* as the user named it */
	char fdpath[32]; /* /proc/self/fd/N of the unlinked copy */
	char hex[65];
	int fd;
};

static struct copy copies[MAX_COPIES];
static int ncopies;

static const struct copy *find(const char *path)
{
	for (int i = 0; i < ncopies; i++)
		if (!strcmp(copies[i].path, path))
			return &copies[i];
	return NULL;
}

static int64_t max_bytes(void)
{
	const char *e = getenv("CTK_INPUT_MAX_BYTES");
	int64_t v;

	if (e && !ctk_parse_int64(e, &v) && v > 0)
		return v;
	return CTK_INPUT_MAX_BYTES_DEFAULT;
}

/* Copy in (a pipe) to a new unlinked file, hashing on the way; *out = its fd. */
static int spool(const char *path, int in, char hex[65], int *out, struct ctk_error *err)
{
	const char *dir = getenv("TMPDIR");
	char tmpl[4096];
	static char buf[1 << 16];
	struct ctk_sha256_ctx h;
	int64_t total = 0, limit = max_bytes();
	int fd;

	snprintf(tmpl, sizeof tmpl, "%s/ctk-input-XXXXXX", dir && *dir ? dir : "/tmp");
	if ((fd = mkstemp(tmpl)) < 0)
		return ctk_failf(err, CTK_EDB, "'%s': cannot create a temporary copy in '%s': %s", path,
				 dir && *dir ? dir : "/tmp", strerror(errno));
	unlink(tmpl);
	ctk_sha256_init(&h);
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return ctk_failf(err, CTK_EDB, "'%s': read error: %s", path, strerror(errno));
		}
		if (n == 0)
			break;
		total += n;
		if (total > limit) {
			close(fd);
			return ctk_failf(err, CTK_EINPUT, "'%s': more than %lld bytes from a pipe: refused (the limit; "
					 "set CTK_INPUT_MAX_BYTES to raise it)", path, (long long)limit);
		}
		ctk_sha256_update(&h, buf, (size_t)n);
		for (ssize_t w = 0; w < n;) {
			ssize_t k = write(fd, buf + w, (size_t)(n - w));
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0) {
				close(fd);
				return ctk_failf(err, CTK_EDB, "'%s': cannot write its temporary copy: %s", path,
						 strerror(errno));
			}
			w += k;
		}
	}
	ctk_sha256_hex(&h, hex);
	*out = fd;
	return 0;
}

int ctk_input_prepare(const char *path, struct ctk_error *err)
{
	struct stat st;
	struct copy *c;
	int in, rc;

	if (find(path))
		return 0;
	if (stat(path, &st) != 0)
		return ctk_failf(err, CTK_EINPUT, "'%s': %s", path, strerror(errno));
	if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
		return 0;
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		return ctk_failf(err, CTK_EINPUT, "'%s': a device, not a file or a pipe: refused (it may never end)", path);
	if (ncopies == MAX_COPIES)
		return ctk_failf(err, CTK_EUSAGE, "'%s': more than %d pipes in one command", path, MAX_COPIES);
	if ((in = open(path, O_RDONLY)) < 0)
		return ctk_failf(err, CTK_EINPUT, "'%s': %s", path, strerror(errno));
	c = &copies[ncopies];
	rc = spool(path, in, c->hex, &c->fd, err);
	close(in);
	if (rc)
		return rc;
	if (!(c->path = strdup(path))) {
		close(c->fd);
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	}
	snprintf(c->fdpath, sizeof c->fdpath, "/proc/self/fd/%d", c->fd);
	ncopies++;
	return 0;
}

const char *ctk_input_path(const char *path)
{
	const struct copy *c = path ? find(path) : NULL;

	return c ? c->fdpath : path;
}

int ctk_input_sha256(const char *path, char hex[65])
{
	const struct copy *c = find(path);

	if (!c)
		return 0;
	memcpy(hex, c->hex, 65);
	return 1;
}

void ctk_input_release_all(void)
{
	for (int i = 0; i < ncopies; i++) {
		close(copies[i].fd);
		free(copies[i].path);
	}
	ncopies = 0;
}
