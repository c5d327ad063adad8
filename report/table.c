/* The table model and number formatting shared by all table writers, and
 * the writer table itself (see table.h). */
#include "report/table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/uncertainty.h"

const struct ctk_table_writer *const ctk_table_writers[] = {
	&ctk_table_csv, &ctk_table_md, &ctk_table_tex, &ctk_table_tex_wide, NULL,
};

struct ctk_table *ctk_table_new(const char *title, int ncols)
{
	struct ctk_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->ncols = ncols;
	t->title = strdup(title ? title : "");
	t->col = calloc((size_t)ncols, sizeof(*t->col));
	t->label = calloc((size_t)ncols, sizeof(*t->label));
	t->numeric = calloc((size_t)ncols, sizeof(*t->numeric));
	t->view = calloc((size_t)ncols, sizeof(*t->view));
	t->pm = calloc((size_t)ncols, sizeof(*t->pm));
	t->grouped = calloc((size_t)ncols, sizeof(*t->grouped));
	if (!t->title || !t->col || !t->label || !t->numeric || !t->view || !t->pm || !t->grouped) {
		ctk_table_free(t);
		return NULL;
	}
	return t;
}

void ctk_table_free(struct ctk_table *t)
{
	if (!t)
		return;
	for (int i = 0; i < t->ncols; i++) {
		free(t->col ? t->col[i] : NULL);
		free(t->label ? t->label[i] : NULL);
	}
	for (int i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i].text);
	free(t->cells);
	free(t->col);
	free(t->label);
	free(t->numeric);
	free(t->view);
	free(t->pm);
	free(t->grouped);
	free(t->title);
	free(t->key);
	ctk_table_free(t->paper);
	free(t);
}

int ctk_table_column(struct ctk_table *t, int i, const char *name, const char *label, int numeric)
{
	free(t->col[i]);
	free(t->label[i]);
	t->col[i] = strdup(name);
	t->label[i] = strdup(label);
	t->numeric[i] = numeric;
	t->view[i] = CTK_VIEW_BOTH;
	return t->col[i] && t->label[i] ? 0 : -1;
}

void ctk_table_view(struct ctk_table *t, int i, unsigned view)
{
	t->view[i] = view;
}

void ctk_table_grouped(struct ctk_table *t, int i)
{
	t->grouped[i] = 1;
}

void ctk_table_pm(struct ctk_table *t, int value, int bound)
{
	t->pm[value] = bound + 1;
	t->view[bound] = 0;
}

const struct ctk_table *ctk_table_shown(const struct ctk_table *t)
{
	return t->paper ? t->paper : t;
}

int ctk_table_paper_rows(struct ctk_table *t, const int *rows, int n, const char *title)
{
	struct ctk_table *p = ctk_table_new(title, t->ncols);

	if (!p)
		return -1;
	for (int i = 0; i < t->ncols; i++) {
		if (ctk_table_column(p, i, t->col[i], t->label[i], t->numeric[i]))
			goto fail;
		p->view[i] = t->view[i];
		p->pm[i] = t->pm[i];
		p->grouped[i] = t->grouped[i];
	}
	for (int k = 0; k < n; k++) {
		int row = ctk_table_add_row(p);
		if (row < 0)
			goto fail;
		for (int i = 0; i < t->ncols; i++) {
			const struct ctk_cell *c = &t->cells[rows[k] * t->ncols + i];
			p->cells[row * p->ncols + i] = *c;
			p->cells[row * p->ncols + i].text = NULL;
			if (c->text && !(p->cells[row * p->ncols + i].text = strdup(c->text)))
				goto fail;
		}
	}
	ctk_table_free(t->paper);
	t->paper = p;
	return 0;
fail:
	ctk_table_free(p);
	return -1;
}

int ctk_table_set_key(struct ctk_table *t, const char *key)
{
	free(t->key);
	t->key = strdup(key);
	return t->key && (!t->paper || !ctk_table_set_key(t->paper, key)) ? 0 : -1;
}

int ctk_table_add_row(struct ctk_table *t)
{
	if (t->nrows == t->cap) {
		int cap = t->cap ? t->cap * 2 : 16;
		struct ctk_cell *c = realloc(t->cells, (size_t)cap * (size_t)t->ncols * sizeof(*c));
		if (!c)
			return -1;
		t->cells = c;
		t->cap = cap;
	}
	memset(&t->cells[t->nrows * t->ncols], 0, (size_t)t->ncols * sizeof(*t->cells));
	return t->nrows++;
}

int ctk_table_set_text(struct ctk_table *t, int row, int col, const char *s)
{
	struct ctk_cell *c = &t->cells[row * t->ncols + col];
	free(c->text);
	c->text = strdup(s ? s : "");
	c->valid = s != NULL;
	return c->text ? 0 : -1;
}

void ctk_table_set_num(struct ctk_table *t, int row, int col, double v, int digits)
{
	struct ctk_cell *c = &t->cells[row * t->ncols + col];
	c->num = v;
	c->valid = isfinite(v);
	c->digits = digits;
}

/* Decimals of a number shown to `sig` significant digits (ctk_format_sig's rule). */
static int sig_decimals(double v, int sig)
{
	int d;

	if (v == 0 || !isfinite(v))
		return 0;
	d = sig - 1 - (int)floor(log10(fabs(v)));
	return d < 0 ? 0 : d > 12 ? 12 : d;
}

void ctk_format_sig(double v, int sig, char *buf, size_t size)
{
	snprintf(buf, size, "%.*f", sig_decimals(v, sig), v);
}

void ctk_cell_format(const struct ctk_cell *c, char *buf, size_t size)
{
	if (!c->valid)
		snprintf(buf, size, "%s", "");
	else if (c->text)
		snprintf(buf, size, "%s", c->text);
	else if (c->digits == 0)
		snprintf(buf, size, "%.0f", c->num);
	else
		ctk_format_sig(c->num, c->digits, buf, size);
}

void ctk_format_pm(double v, int sig, double u, char *vbuf, size_t vsize, char *ubuf, size_t usize)
{
	/* an integer (sig 0) stays integer; else no finer than v's digits */
	int d = sig == 0 ? 0 : ctk_pm_decimals(u);

	if (sig > 0 && sig_decimals(v, sig) < d)
		d = sig_decimals(v, sig);
	ctk_fmt_pm_parts(v, u, d, vbuf, vsize, ubuf, usize);
}

int ctk_table_cell_pm(const struct ctk_table *t, int row, int col, char *v, size_t vsize, char *u, size_t usize)
{
	const struct ctk_cell *c = &t->cells[row * t->ncols + col], *b;

	if (!t->pm[col])
		return 0;
	b = &t->cells[row * t->ncols + t->pm[col] - 1];
	if (!c->valid || c->text || !b->valid || b->text || b->num < 0)
		return 0;
	ctk_format_pm(c->num, c->digits, b->num, v, vsize, u, usize);
	return 1;
}

void ctk_table_cell_text(const struct ctk_table *t, int row, int col, char *buf, size_t size)
{
	char v[48], u[48];

	if (ctk_table_cell_pm(t, row, col, v, sizeof v, u, sizeof u))
		snprintf(buf, size, "%s \u00b1 %s", v, u);
	else
		ctk_cell_format(&t->cells[row * t->ncols + col], buf, size);
}
