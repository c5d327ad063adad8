/* Markdown (GitHub pipe table) writer: human headings, numbers rounded to
 * their significant digits, missing values as an en dash, user text escaped
 * so that |, *, _, `, [, <, # and \ cannot change the table. */
#include <string.h>

#include "report/table.h"

void ctk_md_text(FILE *f, const char *s)
{
	for (const char *p = s; *p; p++) {
		if (strchr("\\|*_`[]<>#~$", *p))
			fputc('\\', f);
		if (*p == '\n' || *p == '\r')
			fputc(' ', f);
		else
			fputc(*p, f);
	}
}

/* A cell: missing as an en dash, text escaped, a number as people see it
 * ("v ± u" where the column has a bound). */
static void md_cell(FILE *f, const struct ctk_table *t, int row, int col)
{
	const struct ctk_cell *c = &t->cells[row * t->ncols + col];
	char buf[128];

	if (!c->valid) {
		fputs("–", f);
	} else if (c->text) {
		ctk_md_text(f, c->text);
	} else {
		ctk_table_cell_text(t, row, col, buf, sizeof buf);
		fputs(buf, f);
	}
}

static int md_begin(FILE *f, struct ctk_error *err)
{
	(void)f;
	(void)err;
	return 0;
}

/* The people's table (ctk_table_shown), its WIDE columns. */
static int md_write(FILE *f, const struct ctk_table *full, int first, struct ctk_error *err)
{
	const struct ctk_table *t = ctk_table_shown(full);

	(void)err;
	if (!first)
		fputc('\n', f);
	fputs("**", f);
	ctk_md_text(f, t->title);
	fputs("**\n\n|", f);
	for (int i = 0; i < t->ncols; i++) {
		if (!(t->view[i] & CTK_VIEW_WIDE))
			continue;
		fputc(' ', f);
		ctk_md_text(f, t->label[i]);
		fputs(" |", f);
	}
	fputs("\n|", f);
	for (int i = 0; i < t->ncols; i++)
		if (t->view[i] & CTK_VIEW_WIDE)
			fputs(t->numeric[i] ? "---:|" : ":---|", f);
	fputc('\n', f);
	for (int r = 0; r < t->nrows; r++) {
		fputc('|', f);
		for (int i = 0; i < t->ncols; i++) {
			if (!(t->view[i] & CTK_VIEW_WIDE))
				continue;
			fputc(' ', f);
			md_cell(f, t, r, i);
			fputs(" |", f);
		}
		fputc('\n', f);
	}
	return 0;
}

const struct ctk_table_writer ctk_table_md = {.ext = "md", .begin = md_begin, .write = md_write};
