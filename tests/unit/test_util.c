/* Tests for common/util.c: SHA-256 against the FIPS 180-4 example vectors
 * (and the threaded variant against the direct one), strict number parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "common/util.h"

static void hex(const uint8_t *d, char *out)
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void test_sha256(void **state)
{
	uint8_t d[32];
	char h[65];
	struct ctk_hash_job job;
	struct ctk_error err = {0};
	FILE *f;
	(void)state;

	ctk_sha256("abc", 3, d);
	hex(d, h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ctk_sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, d);
	hex(d, h);
	assert_string_equal(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	ctk_sha256("", 0, d);
	hex(d, h);
	assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	f = fopen("abc.txt", "w");
	fputs("abc", f);
	fclose(f);
	ctk_sha256_start(&job, "abc.txt");
	assert_int_equal(ctk_sha256_join(&job, &err), 0);
	assert_int_equal(ctk_sha256_join(&job, &err), 0);
	assert_string_equal(job.hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ctk_sha256_start(&job, "missing.txt");
	assert_int_equal(ctk_sha256_join(&job, &err), CTK_EINPUT);
}

static void test_numbers(void **state)
{
	double v;
	int64_t i;
	(void)state;
	assert_int_equal(ctk_parse_double(" 69.32 ", &v), 0);
	assert_true(v == 69.32);
	assert_int_equal(ctk_parse_double("nan", &v), -1);
	assert_int_equal(ctk_parse_double("inf", &v), -1);
	assert_int_equal(ctk_parse_double("1e999", &v), -1);
	assert_int_equal(ctk_parse_double("12 W", &v), -1);
	assert_int_equal(ctk_parse_double("", &v), -1);
	/* issue 14: hex floats are not numbers (strtod reads 0x1p4 as 16) */
	assert_int_equal(ctk_parse_double("0x1p4", &v), -1);
	assert_int_equal(ctk_parse_double("0X10", &v), -1);
	assert_int_equal(ctk_parse_double("-0x1.8p1", &v), -1);
	assert_int_equal(ctk_parse_double("infinity", &v), -1);
	assert_int_equal(ctk_parse_double("-1.5e-3", &v), 0);
	assert_true(v == -0.0015);
	assert_int_equal(ctk_parse_int64("-42", &i), 0);
	assert_int_equal(i, -42);
	assert_int_equal(ctk_parse_int64("4.2", &i), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_sha256), cmocka_unit_test(test_numbers)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
