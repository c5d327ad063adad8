/* Tests for common/csvread.c: physical line numbers survive blank lines,
 * CRLF and newlines inside quoted fields; a UTF-8 BOM and the space after
 * nvidia-smi's ", " separator are stripped; a callback error stops reading. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "common/csvread.h"

struct seen {
	int rows;
	int64_t lines[16];
	char first[16][32];
	int nf[16];
};

static int on_row(void *ctx, char **f, int n, int64_t line, struct ctk_error *err)
{
	struct seen *s = ctx;
	(void)err;
	if (s->rows < 16) {
		s->lines[s->rows] = line;
		snprintf(s->first[s->rows], sizeof s->first[0], "%s", f[0]);
		s->nf[s->rows] = n;
	}
	s->rows++;
	return 0;
}

static int stop_at_3(void *ctx, char **f, int n, int64_t line, struct ctk_error *err)
{
	(void)ctx; (void)f; (void)n;
	return line == 3 ? ctk_failf(err, CTK_EINPUT, "stop at line %lld", (long long)line) : 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	fputs(text, f);
	fclose(f);
}

static void test_lines(void **state)
{
	struct seen s = {0};
	struct ctk_error err = {0};
	(void)state;

	write_file("a.csv", "\xEF\xBB\xBFtime, value\r\n1, a\r\n\r\n2, \"multi\nline\"\n3, c\n\n4,d");
	assert_int_equal(ctk_csv_read_file("a.csv", ',', on_row, &s, &err), 0);
	assert_int_equal(s.rows, 5);
	assert_string_equal(s.first[0], "time");
	assert_int_equal(s.lines[0], 1);
	assert_int_equal(s.lines[1], 2);
	assert_int_equal(s.lines[2], 4);
	assert_int_equal(s.lines[3], 6);
	assert_int_equal(s.lines[4], 8);
	assert_string_equal(s.first[4], "4");
	assert_int_equal(s.nf[2], 2);
}

static void test_stop_and_missing(void **state)
{
	struct ctk_error err = {0};
	(void)state;

	write_file("b.csv", "a\nb\nc\nd\n");
	assert_int_equal(ctk_csv_read_file("b.csv", ',', stop_at_3, NULL, &err), CTK_EINPUT);
	assert_string_equal(err.msg, "stop at line 3");
	assert_int_equal(ctk_csv_read_file("no-such.csv", ',', stop_at_3, NULL, &err), CTK_EINPUT);
	assert_non_null(strstr(err.msg, "no-such.csv"));
}

/* issue 14: a NUL byte used to end the field silently (C strings); now it
 * is an error naming the file, the line and the field, and no row after it
 * reaches the callback. */
static void test_nul_byte(void **state)
{
	static const char text[] = "t,p\n1,20\n2,3\0009\n3,40\n";
	struct seen s = {0};
	struct ctk_error err = {0};
	FILE *f = fopen("nul.csv", "wb");
	(void)state;

	fwrite(text, 1, sizeof text - 1, f);
	fclose(f);
	assert_int_equal(ctk_csv_read_file("nul.csv", ',', on_row, &s, &err), CTK_EINPUT);
	assert_string_equal(err.msg, "'nul.csv' line 3: NUL byte (binary data) in field 2");
	assert_int_equal(s.rows, 2); /* the header and line 2 only */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines), cmocka_unit_test(test_stop_and_missing),
		cmocka_unit_test(test_nul_byte),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
