/* Valid, bounded UTF-8 for text taken from files (see text.h). The decoder
 * follows the well-formed byte sequences of the Unicode Standard, table 3-7
 * (Unicode 15, section 3.9); written from the table, not from other code. */
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct ctk_text_notes notes;

/* Length of the well-formed sequence at s (n bytes left), 0 when invalid. */
static size_t seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t need;
	unsigned char lo = 0x80, hi = 0xBF; /* bounds of the second byte */

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		need = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		need = 3;
		if (c == 0xE0)
			lo = 0xA0; /* no overlong forms */
		else if (c == 0xED)
			hi = 0x9F; /* no surrogates U+D800..DFFF */
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F; /* nothing above U+10FFFF */
	} else {
		return 0; /* 80..C1 and F5..FF never start a character */
	}
	if (n < need || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t k = 2; k < need; k++)
		if (s[k] < 0x80 || s[k] > 0xBF)
			return 0;
	return need;
}

int ctk_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		size_t k = seq_len(p + i, len - i);
		if (!k)
			return 0;
		i += k;
	}
	return 1;
}

char *ctk_utf8_clean(const char *in, size_t len, size_t max_bytes, int *fixes)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0;
	char *out;

	*fixes = 0;
	if (len > (((size_t)-1) - 1) / 3 || !(out = malloc(3 * len + 1)))
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t k = seq_len(p + i, len - i);
		if (k) {
			memcpy(out + o, p + i, k);
			o += k;
			i += k;
		} else {
			memcpy(out + o, "\xEF\xBF\xBD", 3); /* U+FFFD REPLACEMENT CHARACTER */
			o += 3;
			i++;
			*fixes |= CTK_TEXT_REPLACED;
		}
	}
	if (max_bytes && o > max_bytes) {
		o = max_bytes;
		while (o > 0 && ((unsigned char)out[o] & 0xC0) == 0x80)
			o--; /* out[o] is the first byte dropped: back to a character's start */
		*fixes |= CTK_TEXT_CUT;
	}
	out[o] = '\0';
	return out;
}

static void note(int fixes, const char *what)
{
	if (fixes & CTK_TEXT_REPLACED && notes.replaced++ == 0)
		snprintf(notes.first_replaced, sizeof notes.first_replaced, "%s", what ? what : "text");
	if (fixes & CTK_TEXT_CUT && notes.cut++ == 0)
		snprintf(notes.first_cut, sizeof notes.first_cut, "%s", what ? what : "text");
}

int ctk_bind_text_clean(sqlite3_stmt *st, int i, const char *s, size_t max_bytes, const char *what)
{
	size_t len;
	int fixes, rc;
	char *c;

	if (!s)
		return sqlite3_bind_null(st, i);
	len = strlen(s);
	if ((!max_bytes || len <= max_bytes) && ctk_utf8_valid(s, len))
		return sqlite3_bind_text(st, i, s, (int)len, SQLITE_TRANSIENT);
	if (!(c = ctk_utf8_clean(s, len, max_bytes, &fixes)))
		return SQLITE_NOMEM;
	note(fixes, what);
	rc = sqlite3_bind_text(st, i, c, -1, SQLITE_TRANSIENT);
	free(c);
	return rc;
}

void ctk_text_notes_take(struct ctk_text_notes *out)
{
	*out = notes;
	memset(&notes, 0, sizeof notes);
}

void ctk_text_notes_format(const struct ctk_text_notes *n, char *buf, size_t size)
{
	buf[0] = '\0';
	if (n->replaced)
		snprintf(buf, size, "%ld text field(s) were not valid UTF-8 (first: %s); the invalid bytes are stored as U+FFFD",
			 n->replaced, n->first_replaced);
	if (n->cut) {
		size_t l = strlen(buf);
		snprintf(buf + l, size - l, "%s%ld text field(s) were cut to their length limit (%d bytes for a name; first: %s)",
			 l ? "; " : "", n->cut, CTK_TEXT_MAX_NAME, n->first_cut);
	}
}
