/* Tests for the report writers' escaping: a label with _ % & # $ \ { } and a
 * leading = must come out inert in LaTeX, Markdown and CSV (no formula
 * injection), significant-digit rounding of numbers, and "v ± u" cells
 * (expected strings worked out by hand from the rounding rule). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/table.h"

static char *capture(void (*fn)(FILE *, const char *), const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	fn(f, s);
	fclose(f);
	return buf;
}

static void test_escape(void **state)
{
	const char *label = "=run_1 50% & #2 $x \\ {a}|b";
	char *s;
	(void)state;

	s = capture(ctk_tex_text, label);
	assert_string_equal(s, "=run\\_1 50\\% \\& \\#2 \\$x \\textbackslash{} \\{a\\}|b");
	free(s);
	s = capture(ctk_md_text, label);
	assert_string_equal(s, "=run\\_1 50% & \\#2 \\$x \\\\ {a}\\|b");
	free(s);
	s = capture(ctk_csv_field, label);
	assert_string_equal(s, "\"'=run_1 50% & #2 $x \\ {a}|b\"");
	free(s);
	s = capture(ctk_csv_field, "a,\"b\"");
	assert_string_equal(s, "\"a,\"\"b\"\"\"");
	free(s);
	s = capture(ctk_csv_field, "-2+3");
	assert_string_equal(s, "\"'-2+3\"");
	free(s);
}

static void test_sig(void **state)
{
	char buf[32];
	(void)state;
	ctk_format_sig(0.0681952, 4, buf, sizeof buf);
	assert_string_equal(buf, "0.06820");
	ctk_format_sig(245502.239, 4, buf, sizeof buf);
	assert_string_equal(buf, "245502");
	ctk_format_sig(99.5, 4, buf, sizeof buf);
	assert_string_equal(buf, "99.50");
	ctk_format_sig(0, 4, buf, sizeof buf);
	assert_string_equal(buf, "0");
}

/* Whole output of one writer for a table (caller frees). */
static char *write_table(const struct ctk_table_writer *w, const struct ctk_table *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(w->write(f, t, 1, NULL), 0);
	fclose(f);
	return buf;
}

/* A table of energies (kWh, 3 digits; J, integer) with their bounds in
 * other columns, `rows` copies of one row. */
static struct ctk_table *pm_table(int rows, double kwh, double u_kwh, int u_known)
{
	struct ctk_table *t = ctk_table_new("T", 4);
	assert_non_null(t);
	assert_int_equal(ctk_table_column(t, 0, "energy_kwh", "Energy (kWh)", 1), 0);
	assert_int_equal(ctk_table_column(t, 1, "energy_j", "Energy (J)", 1), 0);
	assert_int_equal(ctk_table_column(t, 2, "energy_u_kwh", "Energy \u00b1 (kWh)", 1), 0);
	assert_int_equal(ctk_table_column(t, 3, "energy_u_j", "Energy \u00b1 (J)", 1), 0);
	ctk_table_pm(t, 0, 2);
	ctk_table_pm(t, 1, 3);
	for (int r = 0; r < rows; r++) {
		assert_int_equal(ctk_table_add_row(t), r);
		ctk_table_set_num(t, r, 0, kwh, 3);
		ctk_table_set_num(t, r, 1, kwh * 3.6e6, 0);
		if (u_known) {
			ctk_table_set_num(t, r, 2, u_kwh, 3);
			ctk_table_set_num(t, r, 3, u_kwh * 3.6e6, 0);
		}
	}
	return t;
}

static void test_pm_cells(void **state)
{
	char v[32], u[32], buf[64];
	struct ctk_table *t;
	char *s;
	(void)state;

	/* 0.016912 ± 0.00012 kWh: the bound's first digit is the 4th decimal,
	 * rounded up (0.0002); the value to the same place (0.0169). In J:
	 * 60883.2 ± 432 -> integers, 60883 ± 432. */
	t = pm_table(1, 0.016912, 0.00012, 1);
	assert_int_equal(ctk_table_cell_pm(t, 0, 0, v, sizeof v, u, sizeof u), 1);
	assert_string_equal(v, "0.0169");
	assert_string_equal(u, "0.0002");
	ctk_table_cell_text(t, 0, 1, buf, sizeof buf);
	assert_string_equal(buf, "60883 \u00b1 432");
	assert_int_equal(ctk_table_cell_pm(t, 0, 2, v, sizeof v, u, sizeof u), 0); /* a bound has no bound */
	s = write_table(&ctk_table_md, t);
	assert_non_null(strstr(s, "| Energy (kWh) | Energy (J) |\n"));        /* bound columns hidden */
	assert_non_null(strstr(s, "| 0.0169 \u00b1 0.0002 | 60883 \u00b1 432 |\n"));
	free(s);
	s = write_table(&ctk_table_tex, t);
	assert_non_null(strstr(s, "\\begin{tabular}[t]{@{}r@{}}0.0169\\\\$\\pm$0.0002\\end{tabular}"));
	assert_null(strstr(s, "\u00b1"));
	free(s);
	s = write_table(&ctk_table_csv, t);
	assert_non_null(strstr(s, "energy_kwh,energy_j,energy_u_kwh,energy_u_j\n0.016912,"));
	free(s);
	ctk_table_free(t);

	/* a bound far below the value's digits: shown at the value's last digit,
	 * rounded up (1e-9 kWh -> 0.0001 at 3 digits of 0.0169) */
	t = pm_table(1, 0.0169, 1e-9, 1);
	ctk_table_cell_text(t, 0, 0, buf, sizeof buf);
	assert_string_equal(buf, "0.0169 \u00b1 0.0001");
	ctk_table_free(t);

	/* a bound larger than the value's last digit: both at the bound's place */
	t = pm_table(1, 0.016912, 0.0023, 1);
	ctk_table_cell_text(t, 0, 0, buf, sizeof buf);
	assert_string_equal(buf, "0.017 \u00b1 0.003");
	ctk_table_free(t);

	/* an unknown bound: the value alone, as before */
	t = pm_table(1, 0.016912, 0, 0);
	assert_int_equal(ctk_table_cell_pm(t, 0, 0, v, sizeof v, u, sizeof u), 0);
	ctk_table_cell_text(t, 0, 0, buf, sizeof buf);
	assert_string_equal(buf, "0.0169");
	ctk_table_free(t);

	/* LaTeX leaves the bounds of a long table to the CSV; Markdown keeps
	 * them; the paper copy (some rows) keeps the pairing */
	t = pm_table(11, 0.016912, 0.00012, 1);
	s = write_table(&ctk_table_tex, t);
	assert_null(strstr(s, "\\pm"));
	assert_non_null(strstr(s, "\n0.0169 & 60883 \\\\\n"));
	free(s);
	{
		int rows[] = {0, 10};
		assert_int_equal(ctk_table_paper_rows(t, rows, 2, "T2"), 0);
	}
	s = write_table(&ctk_table_md, t);
	assert_non_null(strstr(s, "**T2**"));
	assert_non_null(strstr(s, "| 0.0169 \u00b1 0.0002 | 60883 \u00b1 432 |\n"));
	free(s);
	s = write_table(&ctk_table_tex, t);
	assert_non_null(strstr(s, "$\\pm$0.0002"));
	free(s);
	ctk_table_free(t);
}

/* A grouped column: LaTeX names the group once, on its first row; the CSV
 * and Markdown keep every row's text. */
static void test_grouped(void **state)
{
	struct ctk_table *t = ctk_table_new("T", 2);
	const char *label[] = {"run a", "run a", "run b", "run b"};
	char *s;
	(void)state;

	assert_int_equal(ctk_table_column(t, 0, "label", "Label", 0), 0);
	assert_int_equal(ctk_table_column(t, 1, "epoch", "Epoch", 1), 0);
	ctk_table_grouped(t, 0);
	for (int r = 0; r < 4; r++) {
		assert_int_equal(ctk_table_add_row(t), r);
		assert_int_equal(ctk_table_set_text(t, r, 0, label[r]), 0);
		ctk_table_set_num(t, r, 1, r + 1, 0);
	}
	s = write_table(&ctk_table_tex, t);
	assert_non_null(strstr(s, "\\midrule\nrun a & 1 \\\\\n & 2 \\\\\nrun b & 3 \\\\\n & 4 \\\\\n"));
	free(s);
	s = write_table(&ctk_table_md, t);
	assert_non_null(strstr(s, "| run a | 2 |"));
	free(s);
	s = write_table(&ctk_table_csv, t);
	assert_non_null(strstr(s, "run a,2"));
	free(s);
	ctk_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_escape), cmocka_unit_test(test_sig),
					   cmocka_unit_test(test_pm_cells), cmocka_unit_test(test_grouped)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
