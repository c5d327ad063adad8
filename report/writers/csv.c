/* CSV table writer: machine column names, numbers to 10 significant digits,
 * text through common/csvwrite.h (RFC 4180 quoting, a leading ' on text that
 * a spreadsheet would take for a formula). */
#include "report/table.h"

static int csv_begin(FILE *f, struct ctk_error *err)
{
	(void)f;
	(void)err;
	return 0;
}

/* All tables go into one file; the header is written with the first. */
static int csv_write(FILE *f, const struct ctk_table *t, int first, struct ctk_error *err)
{
	(void)err;
	if (first)
		ctk_csv_row(f, (const char *const *)t->col, t->ncols);
	for (int r = 0; r < t->nrows; r++) {
		for (int i = 0; i < t->ncols; i++) {
			const struct ctk_cell *c = &t->cells[r * t->ncols + i];
			if (i)
				fputc(',', f);
			if (!c->valid)
				continue;
			if (c->text)
				ctk_csv_field(f, c->text);
			else if (c->digits == 0)
				fprintf(f, "%.0f", c->num);
			else
				fprintf(f, "%.10g", c->num);
		}
		fputc('\n', f);
	}
	return 0;
}

const struct ctk_table_writer ctk_table_csv = {.ext = "csv", .begin = csv_begin, .write = csv_write};
