/* Error convention shared by every ctk module.
 * Functions return 0 or a negative enum ctk_err and write a one-line detail
 * (no trailing newline, no final period) into a caller-owned struct ctk_error.
 * Only main() prints, and it maps codes to exit statuses with ctk_exit_code(). */
#ifndef CTK_ERR_H
#define CTK_ERR_H

enum ctk_err {
	CTK_OK = 0,
	CTK_EUSAGE = -1,  /* bad command line: exit 1 */
	CTK_EINPUT = -2,  /* bad input file or value: exit 2 */
	CTK_EDB = -3,     /* database or file-system I/O: exit 3 */
	CTK_EDEVICE = -4, /* measurement device unavailable: exit 4 */
	CTK_ENOMEM = -5,  /* out of memory: exit 3 */
};

struct ctk_error {
	int code;
	char msg[1024];
};

/* Fill err with a formatted message and return code (so callers can
 * `return ctk_failf(err, CTK_EINPUT, ...)`). err may be NULL. */
int ctk_failf(struct ctk_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix the existing message with more context ("'file.csv': " + old). */
int ctk_error_prefix(struct ctk_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

const char *ctk_strerror(int code);

/* Exit status for a code: 0 ok, 1 usage, 2 input, 3 I/O or DB, 4 device. */
int ctk_exit_code(int code);

#endif
