/* Tests for the report writers' escaping: a label with _ % & # $ \ { } and a
 * leading = must come out inert in LaTeX, Markdown and CSV (no formula
 * injection), and significant-digit rounding of numbers. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_escape), cmocka_unit_test(test_sig)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
