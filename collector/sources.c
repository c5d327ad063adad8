/* The table of measurement sources and the helpers they share: channel
 * lists, warnings, wrap-aware counter deltas and small sysfs readers. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collector/sources.h"

const struct ctk_source_ops *const ctk_sources[] = {
	&ctk_source_nvml,
	&ctk_source_rapl,
	&ctk_source_hwmon,
	NULL,
};

struct ctk_channel *ctk_source_add(struct ctk_source *s)
{
	if (s->nch == s->capch) {
		int cap = s->capch ? s->capch * 2 : 8;
		struct ctk_channel *c = realloc(s->ch, (size_t)cap * sizeof(*c));
		if (!c)
			return NULL;
		s->ch = c;
		s->capch = cap;
	}
	struct ctk_channel *ch = &s->ch[s->nch++];
	memset(ch, 0, sizeof(*ch));
	ch->measured = 1;
	return ch;
}

void ctk_source_warn(const struct ctk_source *s, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!s->opts || !s->opts->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	s->opts->warn(s->opts->warn_ctx, msg);
}

void ctk_source_release(struct ctk_source *s)
{
	for (int i = 0; i < s->nch; i++)
		free(s->ch[i].priv);
	free(s->ch);
	s->ch = NULL;
	s->nch = s->capch = 0;
}

uint64_t ctk_counter_delta(uint64_t prev, uint64_t cur, uint64_t max)
{
	if (cur >= prev)
		return cur - prev;
	if (max == 0 || prev > max)
		return cur;
	/* prev … max, then 0 … cur: (max - prev) + 1 + cur steps of 1 uJ */
	return (max - prev) + 1 + cur;
}

static int parse_u64(const char *buf, uint64_t *v)
{
	char *end = NULL;
	unsigned long long x;

	while (*buf == ' ' || *buf == '\t')
		buf++;
	if (*buf < '0' || *buf > '9')
		return -EINVAL;
	errno = 0;
	x = strtoull(buf, &end, 10);
	if (errno)
		return -EINVAL;
	while (*end == ' ' || *end == '\n' || *end == '\t')
		end++;
	if (*end)
		return -EINVAL;
	*v = x;
	return 0;
}

int ctk_read_u64_fd(int fd, uint64_t *v)
{
	char buf[64];
	ssize_t n;

	do
		n = pread(fd, buf, sizeof buf - 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -ENODATA;
	buf[n] = '\0';
	return parse_u64(buf, v);
}

int ctk_read_u64_path(const char *path, uint64_t *v)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -errno;
	rc = ctk_read_u64_fd(fd, v);
	close(fd);
	return rc;
}

int ctk_read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	if (!fgets(buf, (int)size, f)) {
		fclose(f);
		return -ENODATA;
	}
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

int ctk_source_batch_once(struct ctk_source *s, struct ctk_channel *ch, int64_t interval_ns, ctk_emit_fn *emit,
			  void *ctx, struct ctk_error *err)
{
	int rc = s->ops->read(s, ch, err);

	(void)interval_ns;
	if (rc)
		return rc;
	emit(ctx, ch);
	return 1;
}
