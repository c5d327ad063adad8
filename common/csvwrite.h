/* The one CSV field writer of ctk: every CSV ctk writes (report tables,
 * `ctk export`, `ctk compare --csv`, `ctk evaluate --csv`) puts its text
 * through ctk_csv_field, so a quote, comma or line break in a label or a
 * config value never shifts a column, and a spreadsheet never runs a field
 * as a formula. Numbers may be written with printf ("%.10g" never needs
 * quoting). */
#ifndef CTK_CSVWRITE_H
#define CTK_CSVWRITE_H

#include <stdio.h>

/* Write s to f as one field (no separator, no newline):
 * - quoted (RFC 4180, section 2) when it holds , " CR or LF, or starts or
 *   ends with a space or tab (readers that trim would change it); a " inside
 *   is doubled;
 * - defused when it starts with = + - @ TAB or CR and is not a decimal number
 *   ("-3.5", "+1e-3" stay as they are): a leading ' is added and the field is
 *   quoted (OWASP, "CSV Injection": prefix with a single quote and wrap the
 *   cell in double quotes).
 * NULL writes nothing: an empty field, which is how CSV says "unknown".
 * Write errors show in ferror(f), which the caller checks at the end. */
void ctk_csv_field(FILE *f, const char *s);

/* Write fields[0..n) separated by commas and ended by "\n" (a header row). */
void ctk_csv_row(FILE *f, const char *const *fields, int n);

/* 1 when s is a plain decimal number: [+-]digits[.digits][(e|E)[+-]digits]
 * (also ".5" and "5."); no spaces, hex, inf or nan. */
int ctk_csv_is_number(const char *s);

#endif
