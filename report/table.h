/* A format-neutral table (title, columns with units, rows of cells) and the
 * table of writers that turn it into CSV, Markdown or LaTeX (booktabs).
 * To add an output format: write report/writers/<ext>.c defining a
 * `const struct ctk_table_writer`, declare it here, add it to
 * ctk_table_writers[] in table.c. Builders (tables/epochs.c, …) fill tables
 * from the store; writers escape every user-supplied string. */
#ifndef CTK_REPORT_TABLE_H
#define CTK_REPORT_TABLE_H

#include <stdio.h>

#include "common/csvwrite.h"   /* ctk_csv_field: the CSV writer's escaping */
#include "common/err.h"

struct ctk_cell {
	char *text;      /* string cell (owned), or NULL for a number */
	double num;
	int valid;       /* 0: missing (printed as empty / en dash), never 0 */
	int digits;      /* significant digits when shown to people (0 = integer) */
};

/* Which LaTeX/Markdown views show a column (CSV shows every column):
 * COLUMN = the \columnwidth table (<name>.tex), WIDE = the table* variant
 * (<name>-wide.tex), Markdown and report.pdf. Default: both. */
enum { CTK_VIEW_COLUMN = 1, CTK_VIEW_WIDE = 2, CTK_VIEW_BOTH = 3 };

struct ctk_table {
	char *title;     /* caption: a sentence (owned) */
	char *key;       /* LaTeX label tab:ctk-<key> (owned; main sets the builder's name) */
	unsigned *view;  /* per column: CTK_VIEW_* */
	/* The people-facing version (Markdown, LaTeX, report.pdf) when it differs
	 * from the full one the CSV writes (fewer rows or pivoted); owned, NULL: this one. */
	struct ctk_table *paper;
	int ncols, nrows, cap;
	char **col;      /* column names with units, e.g. "energy_j" */
	char **label;    /* human headings, e.g. "Energy (J)" */
	int *numeric;    /* right-align */
	int *pm;         /* per column: 1 + the column holding its ± bound, 0: none (ctk_table_pm) */
	int *grouped;    /* per column: 1 = LaTeX leaves a repeat of the row above blank (ctk_table_grouped) */
	struct ctk_cell *cells; /* nrows * ncols */
};

struct ctk_table *ctk_table_new(const char *title, int ncols);
void ctk_table_free(struct ctk_table *t);
/* Column i: machine name (CSV header) and human label (Markdown/LaTeX). */
int ctk_table_column(struct ctk_table *t, int i, const char *name, const char *label, int numeric);
/* Append an empty row; returns its index or -1 on out-of-memory. */
int ctk_table_add_row(struct ctk_table *t);
/* Show column i only in these views (CTK_VIEW_*). */
void ctk_table_view(struct ctk_table *t, int i, unsigned view);
/* Column i groups rows (e.g. the run label of an epochs table): LaTeX prints
 * its text only where it differs from the row above, so that a long label
 * takes its lines once and the float still fits a page. */
void ctk_table_grouped(struct ctk_table *t, int i);
/* Column `bound` holds the ± bound of column `value`: people's views show
 * "v ± u" in the value's column (ctk_table_cell_pm) and hide the bound's
 * column; the CSV keeps both. */
void ctk_table_pm(struct ctk_table *t, int value, int bound);
/* The table people read: t->paper when set, else t. */
const struct ctk_table *ctk_table_shown(const struct ctk_table *t);
/* t->paper = a copy of t with only the given rows and this title; 0 or -1. */
int ctk_table_paper_rows(struct ctk_table *t, const int *rows, int n, const char *title);
/* Set t->key; 0 or -1 on out-of-memory. */
int ctk_table_set_key(struct ctk_table *t, const char *key);
int ctk_table_set_text(struct ctk_table *t, int row, int col, const char *s);
void ctk_table_set_num(struct ctk_table *t, int row, int col, double v, int digits);

/* A cell as Markdown/LaTeX/report.pdf show it (unescaped): text, an integer,
 * a number rounded to its digits, or "" when missing. */
void ctk_cell_format(const struct ctk_cell *c, char *buf, size_t size);

/* A cell with a ± bound as people see it: 1 and the value and bound at one
 * decimal place (the bound's first significant digit, at most the value's
 * last shown one; the bound rounded up), or 0 when the column has no bound
 * or either number is missing (then show the cell by ctk_cell_format). */
int ctk_table_cell_pm(const struct ctk_table *t, int row, int col, char *v, size_t vsize, char *u, size_t usize);
/* The rule behind it for any value v shown to `sig` significant digits (0:
 * an integer) with its bound u: both at u's first significant digit, never
 * finer than v's last; u rounded up (it stays a bound). */
void ctk_format_pm(double v, int sig, double u, char *vbuf, size_t vsize, char *ubuf, size_t usize);
/* ctk_cell_format with the bound: "v ± u" (UTF-8) where ctk_table_cell_pm gives one. */
void ctk_table_cell_text(const struct ctk_table *t, int row, int col, char *buf, size_t size);

/* Significant digits of energies and CO2 in everything people read (tables,
 * report.pdf, methods text). */
#define CTK_SIG 3

/* A number rounded to `sig` significant digits, fixed notation ("0.06820"). */
void ctk_format_sig(double v, int sig, char *buf, size_t size);

struct ctk_table_writer {
	const char *ext;     /* file extension and --formats name */
	const char *suffix;  /* added to the file stem (<name><suffix>.<ext>), or NULL */
	int (*begin)(FILE *f, struct ctk_error *err);
	int (*write)(FILE *f, const struct ctk_table *t, int first, struct ctk_error *err);
};

extern const struct ctk_table_writer ctk_table_csv, ctk_table_md, ctk_table_tex, ctk_table_tex_wide;
extern const struct ctk_table_writer *const ctk_table_writers[]; /* NULL-terminated */

/* Escapers, exposed for tests: write s escaped to f (CSV: ctk_csv_field). */
void ctk_md_text(FILE *f, const char *s);
void ctk_tex_text(FILE *f, const char *s);

#endif
