/* This file contains ctk's CSV field writer (see csvwrite.h): RFC 4180
 * quoting plus formula defusing, the only place that decides how a text
 * field goes into a CSV file. */
#include "common/csvwrite.h"

#include <ctype.h>
#include <string.h>

int ctk_csv_is_number(const char *s)
{
	int digits = 0;

	if (*s == '+' || *s == '-')
		s++;
	while (isdigit((unsigned char)*s))
		s++, digits++;
	if (*s == '.')
		for (s++; isdigit((unsigned char)*s); s++)
			digits++;
	if (!digits)
		return 0;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!isdigit((unsigned char)*s))
			return 0;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return *s == '\0';
}

/* A field a spreadsheet would evaluate: = + - @ start a formula in Excel,
 * LibreOffice and Google Sheets; TAB and CR are stripped by some of them
 * before that check (OWASP, "CSV Injection"). */
static int is_formula(const char *s)
{
	return s[0] && strchr("=+-@\t\r", s[0]) && !ctk_csv_is_number(s);
}

void ctk_csv_field(FILE *f, const char *s)
{
	size_t len;
	int formula, quote;

	if (!s)
		return;
	len = strlen(s);
	formula = is_formula(s);
	quote = formula || strpbrk(s, ",\"\r\n") != NULL ||
		(len && (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t'));
	if (quote)
		fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	if (quote)
		fputc('"', f);
}

void ctk_csv_row(FILE *f, const char *const *fields, int n)
{
	for (int i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		ctk_csv_field(f, fields[i]);
	}
	fputc('\n', f);
}
