/* libcsv glue for ctk_csv_read_file (see csvread.h). libcsv calls back once
 * per field and once per record end; we collect the fields of a record into
 * one growing arena and count physical lines (CSV_REPALL_NL reports every
 * unquoted line end, newlines inside quoted fields are counted from data). */
#include "csvread.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "input.h"

struct row_state {
	const char *path;
	char *arena;
	size_t used, cap;
	size_t *offs;
	int n, capf;
	int64_t line, row_line, pending_nl;
	int first_field, stop;
	ctk_csv_row_fn fn;
	void *ctx;
	struct ctk_error *err;
	int rc;
	int oom;
};

static void on_field(void *data, size_t len, void *vstate)
{
	struct row_state *s = vstate;
	const char *p = data ? data : "";

	if (s->stop)
		return;
	if (s->n == 0)
		s->row_line = s->line + s->pending_nl;
	if (s->first_field && len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) {
		p += 3;
		len -= 3;
	}
	s->first_field = 0;
	if (len && memchr(p, '\0', len)) {
		/* a C string would end at the NUL and drop the rest of the line */
		s->rc = ctk_failf(s->err, CTK_EINPUT, "'%s' line %lld: NUL byte (binary data) in field %d", s->path,
				  (long long)s->row_line, s->n + 1);
		s->stop = 1;
		return;
	}
	for (const char *q = len ? memchr(p, '\n', len) : NULL; q; q = memchr(q + 1, '\n', (size_t)(p + len - q - 1)))
		s->pending_nl++;
	if (s->used + len + 1 > s->cap) {
		size_t cap = (s->used + len + 1) * 2;
		char *a = realloc(s->arena, cap);
		if (!a) {
			s->oom = s->stop = 1;
			return;
		}
		s->arena = a;
		s->cap = cap;
	}
	if (s->n == s->capf) {
		int capf = s->capf ? s->capf * 2 : 32;
		size_t *o = realloc(s->offs, (size_t)capf * sizeof(*o));
		if (!o) {
			s->oom = s->stop = 1;
			return;
		}
		s->offs = o;
		s->capf = capf;
	}
	memcpy(s->arena + s->used, p, len);
	s->arena[s->used + len] = '\0';
	s->offs[s->n++] = s->used;
	s->used += len + 1;
}

static void on_row(int c, void *vstate)
{
	struct row_state *s = vstate;
	char *stackf[64], **fields = stackf;

	if (s->stop)
		return;
	if (s->n > 0) {
		if (s->n > 64 && !(fields = malloc((size_t)s->n * sizeof(*fields)))) {
			s->oom = s->stop = 1;
			return;
		}
		for (int i = 0; i < s->n; i++)
			fields[i] = s->arena + s->offs[i];
		s->rc = s->fn(s->ctx, fields, s->n, s->row_line, s->err);
		if (fields != stackf)
			free(fields);
		if (s->rc)
			s->stop = 1;
	}
	s->line += s->pending_nl + (c == '\n');
	s->pending_nl = 0;
	s->n = 0;
	s->used = 0;
}

int ctk_csv_read_file(const char *path, char delim, ctk_csv_row_fn fn, void *ctx,
		      struct ctk_error *err)
{
	struct csv_parser p;
	struct row_state s = {.path = path, .line = 1, .first_field = 1, .fn = fn, .ctx = ctx, .err = err};
	char *buf = NULL;
	FILE *f = fopen(ctk_input_path(path), "rb");
	size_t n;
	int rc = 0;

	if (!f)
		return ctk_failf(err, CTK_EINPUT, "'%s': %s", path, strerror(errno));
	if (csv_init(&p, CSV_APPEND_NULL | CSV_REPALL_NL) != 0 || !(buf = malloc(1 << 20))) {
		fclose(f);
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	}
	csv_set_delim(&p, (unsigned char)delim);
	while (!s.stop && (n = fread(buf, 1, 1 << 20, f)) > 0) {
		if (csv_parse(&p, buf, n, on_field, on_row, &s) != n && !s.stop) {
			rc = ctk_failf(err, CTK_EINPUT, "'%s' line %lld: %s", path, (long long)s.line,
				       csv_strerror(csv_error(&p)));
			break;
		}
	}
	if (!rc && !s.stop && ferror(f))
		rc = ctk_failf(err, CTK_EDB, "'%s': read error: %s", path, strerror(errno));
	if (!rc && !s.stop)
		csv_fini(&p, on_field, on_row, &s);
	if (!rc && s.oom)
		rc = ctk_failf(err, CTK_ENOMEM, "'%s': out of memory", path);
	if (!rc)
		rc = s.rc;
	csv_free(&p);
	free(buf);
	free(s.arena);
	free(s.offs);
	fclose(f);
	return rc;
}

int ctk_csv_find(char **fields, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcasecmp(fields[i], name))
			return i;
	return -1;
}

int ctk_csv_width_error(const char *path, int64_t line, int n, int want, struct ctk_error *err)
{
	return ctk_failf(err, CTK_EINPUT, "'%s' line %lld: %d field(s), the header has %d (truncated row?)",
			 path, (long long)line, n, want);
}
