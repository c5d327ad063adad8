/* Tests for common/text.c: text from files becomes valid UTF-8 (invalid
 * bytes as U+FFFD, one per byte) and is cut on a character boundary; the
 * fixes are counted once for the front-end (issue 14). Expected strings are
 * written by hand from the Unicode table 3-7 rules. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "common/text.h"

#define FFFD "\xEF\xBF\xBD"

static void check(const char *in, size_t max, const char *want, int want_fixes)
{
	int fixes = -1;
	char *out = ctk_utf8_clean(in, strlen(in), max, &fixes);

	assert_non_null(out);
	assert_string_equal(out, want);
	assert_int_equal(fixes, want_fixes);
	assert_true(ctk_utf8_valid(out, strlen(out)));
	free(out);
}

static void test_clean(void **state)
{
	(void)state;
	/* cp1252 (R) in CodeCarbon's cpu_model: 0xAE alone is a stray continuation byte */
	check("Intel(R) Xeon\xAE Gold", 0, "Intel(R) Xeon" FFFD " Gold", CTK_TEXT_REPLACED);
	check("caf\xC3\xA9 \xE2\x82\xAC", 0, "caf\xC3\xA9 \xE2\x82\xAC", 0);       /* é and € are kept */
	check("\xC0\xAF", 0, FFFD FFFD, CTK_TEXT_REPLACED);                          /* overlong '/' */
	check("\xED\xA0\x80", 0, FFFD FFFD FFFD, CTK_TEXT_REPLACED);                 /* surrogate U+D800 */
	check("\xF4\x90\x80\x80", 0, FFFD FFFD FFFD FFFD, CTK_TEXT_REPLACED);        /* above U+10FFFF */
	check("ab\xE2\x82", 0, "ab" FFFD FFFD, CTK_TEXT_REPLACED);                   /* € cut short */
	check("\xF0\x9F\x98\x80", 0, "\xF0\x9F\x98\x80", 0);                         /* U+1F600 */
}

static void test_cut(void **state)
{
	char name[2100];
	int fixes;
	(void)state;

	/* 'a' + 1000 x é (2 bytes) = 2001 bytes: at most 256 kept, on a boundary:
	 * 'a' + 127 x é = 255 bytes (256 would split the 128th é) */
	name[0] = 'a';
	for (int i = 0; i < 1000; i++)
		memcpy(name + 1 + 2 * i, "\xC3\xA9", 2);
	name[2001] = '\0';
	char *out = ctk_utf8_clean(name, strlen(name), CTK_TEXT_MAX_NAME, &fixes);
	assert_int_equal(strlen(out), 255);
	assert_int_equal(fixes, CTK_TEXT_CUT);
	assert_true(ctk_utf8_valid(out, strlen(out)));
	free(out);
	/* 700 x € (3 bytes) = 2100 bytes: 85 x € = 255 bytes */
	for (int i = 0; i < 700; i++)
		memcpy(name + 3 * i, "\xE2\x82\xAC", 3);
	name[2100 - 1] = '\0'; /* drops the last € byte: a sequence cut short */
	out = ctk_utf8_clean(name, strlen(name), CTK_TEXT_MAX_NAME, &fixes);
	assert_int_equal(strlen(out), 255);
	assert_int_equal(fixes, CTK_TEXT_CUT | CTK_TEXT_REPLACED);
	free(out);
	/* exactly 256 ASCII bytes: not cut */
	memset(name, 'x', 256);
	name[256] = '\0';
	out = ctk_utf8_clean(name, 256, CTK_TEXT_MAX_NAME, &fixes);
	assert_int_equal(strlen(out), 256);
	assert_int_equal(fixes, 0);
	free(out);
}

static void test_notes(void **state)
{
	struct ctk_text_notes n;
	char line[512];
	(void)state;

	ctk_text_notes_take(&n); /* start clean */
	ctk_text_notes_take(&n);
	ctk_text_notes_format(&n, line, sizeof line);
	assert_string_equal(line, "");
	assert_int_equal(n.replaced, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_clean), cmocka_unit_test(test_cut),
					   cmocka_unit_test(test_notes)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
