/* Text taken from other tools' files on its way into the store: always
 * valid UTF-8 (invalid bytes replaced with U+FFFD) and bounded in length
 * (cut on a character boundary), so that every reader (report, JSON output)
 * can trust it. The fixes are counted, not printed: a command front-end takes
 * the count with ctk_text_notes_take() and says it once (issue 14: a cp1252
 * '®' in CodeCarbon's cpu_model made `ctk report` exit 3). */
#ifndef CTK_TEXT_H
#define CTK_TEXT_H

#include <sqlite3.h>
#include <stddef.h>

/* Longest name, label or note kept (bytes of UTF-8): issue 14's bound; a
 * 2,000-byte GPU name is cut here. Paths and commands keep up to
 * CTK_TEXT_MAX_LONG (PATH_MAX on Linux is 4096); 0 = no cut (JSON). */
#define CTK_TEXT_MAX_NAME 256
#define CTK_TEXT_MAX_LONG 4096

enum { CTK_TEXT_REPLACED = 1, CTK_TEXT_CUT = 2 };

/* Clean len bytes of in into a new NUL-terminated string (caller frees):
 * invalid UTF-8 (stray continuation bytes, overlong forms, surrogates, code
 * points above U+10FFFF, sequences cut short) becomes U+FFFD, one per
 * invalid byte; then the text is cut to at most max_bytes (0: no cut) on a
 * character boundary. *fixes gets CTK_TEXT_* bits. NULL when out of memory. */
char *ctk_utf8_clean(const char *in, size_t len, size_t max_bytes, int *fixes);

/* 1 when the len bytes at s are valid UTF-8. */
int ctk_utf8_valid(const char *s, size_t len);

/* Bind s (NULL binds NULL) cleaned as above; a fix is recorded for
 * ctk_text_notes_take with what (the field's name, e.g. "device name"). */
int ctk_bind_text_clean(sqlite3_stmt *st, int i, const char *s, size_t max_bytes, const char *what);

/* Texts fixed since the last take: counts and the first field's name. */
struct ctk_text_notes {
	long replaced, cut;
	char first_replaced[64], first_cut[64];
};

/* Copy the notes into *out and reset them. */
void ctk_text_notes_take(struct ctk_text_notes *out);

/* One line for the user (buf empty when nothing was fixed). */
void ctk_text_notes_format(const struct ctk_text_notes *n, char *buf, size_t size);

#endif
