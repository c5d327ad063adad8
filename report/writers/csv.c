/* CSV table writer: machine column names, full-precision numbers, RFC 4180
 * quoting, and a leading ' on text that a spreadsheet would take for a
 * formula (=, +, -, @: CSV injection). */
#include <string.h>

#include "report/table.h"

void ctk_csv_field(FILE *f, const char *s)
{
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	int formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r';

	if (quote || formula)
		fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	if (quote || formula)
		fputc('"', f);
}

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
	if (first) {
		for (int i = 0; i < t->ncols; i++) {
			if (i)
				fputc(',', f);
			ctk_csv_field(f, t->col[i]);
		}
		fputc('\n', f);
	}
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
