/* Tests for common/csvwrite.c, the one CSV field writer: RFC 4180 quoting
 * (commas, quotes, CR/LF, leading and trailing blanks), formula defusing
 * (= + - @ TAB CR, but not numbers), NULL as an empty field, header rows.
 * Expected strings are written by hand from RFC 4180 section 2 and OWASP's
 * "CSV Injection" advice; tests/e2e/csv_json_output.sh reads ctk's CSV back
 * with python3's csv module. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/csvwrite.h"

static char *field(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	ctk_csv_field(f, s);
	fclose(f);
	return buf;
}

static void expect(const char *in, const char *want)
{
	char *got = field(in);
	assert_string_equal(got, want);
	free(got);
}

static void test_quoting(void **state)
{
	(void)state;
	expect("plain", "plain");
	expect("", "");
	expect(NULL, "");
	expect("a,b", "\"a,b\"");
	expect("say \"hi\"", "\"say \"\"hi\"\"\"");
	expect("a\"b,c", "\"a\"\"b,c\"");
	expect("line\nbreak", "\"line\nbreak\"");
	expect("cr\rhere", "\"cr\rhere\"");
	expect(" lead", "\" lead\"");
	expect("trail ", "\"trail \"");
	expect("tab\t", "\"tab\t\"");
	expect("in side", "in side");
	expect("caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9 \xe2\x82\xac");   /* UTF-8 passes as is */
	expect("back\\slash", "back\\slash");
}

static void test_formulas(void **state)
{
	(void)state;
	expect("=1+2", "\"'=1+2\"");
	expect("+cmd|' /C calc'!A0", "\"'+cmd|' /C calc'!A0\"");
	expect("-2+3", "\"'-2+3\"");
	expect("@SUM(A1)", "\"'@SUM(A1)\"");
	expect("\t=x", "\"'\t=x\"");
	expect("\r=x", "\"'\r=x\"");
	expect("-", "\"'-\"");
	expect("=a,\"b\"", "\"'=a,\"\"b\"\"\"");
	/* numbers stay numbers */
	expect("-3.5", "-3.5");
	expect("+1e-3", "+1e-3");
	expect("-.5", "-.5");
	expect("-5.", "-5.");
	expect("-1E+10", "-1E+10");
	/* not numbers */
	expect("-1e", "\"'-1e\"");
	expect("-inf", "\"'-inf\"");
	expect("-0x10", "\"'-0x10\"");
	expect("- 1", "\"'- 1\"");
}

static void test_is_number(void **state)
{
	(void)state;
	assert_true(ctk_csv_is_number("0"));
	assert_true(ctk_csv_is_number("12.25"));
	assert_true(ctk_csv_is_number("-7e5"));
	assert_false(ctk_csv_is_number(""));
	assert_false(ctk_csv_is_number("."));
	assert_false(ctk_csv_is_number("+"));
	assert_false(ctk_csv_is_number("1 "));
	assert_false(ctk_csv_is_number("nan"));
	assert_false(ctk_csv_is_number("1e+"));
}

static void test_row(void **state)
{
	const char *const f[] = {"a", "b,c", NULL, "=d"};
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	(void)state;

	assert_non_null(out);
	ctk_csv_row(out, f, 4);
	fclose(out);
	assert_string_equal(buf, "a,\"b,c\",,\"'=d\"\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_formulas),
		cmocka_unit_test(test_is_number),
		cmocka_unit_test(test_row),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
