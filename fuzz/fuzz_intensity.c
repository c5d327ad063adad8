/* libFuzzer target: every carbon-intensity format of ctk_ci_formats[] (and
 * sniffing) on arbitrary file contents, each through ctk_ci_import_path
 * into a fresh in-memory store inside a rolled-back transaction, with and
 * without --zone. Bad input must be an error code, never a crash, leak,
 * UB or hang. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/intensity/formats.h"
#include "common/db.h"
#include "common/time.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* one in-memory store for the whole process (creating the schema per input
 * would cost most of the time); every input leaves it as it found it */
static sqlite3 *shared_db(void)
{
	static sqlite3 *db;
	struct ctk_error err;

	if (!db && ctk_db_open(":memory:", CTK_DB_CREATE, &db, &err))
		db = NULL;
	return db;
}

static void quiet(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	sqlite3 *db = NULL;
	struct ctk_error err;
	struct ctk_tz tz;
	FILE *f;

	snprintf(path, sizeof path, "/tmp/ctk-fuzz-ci-%ld.in", (long)getpid());
	if (!(f = fopen(path, "wb")))
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	/* sniff and parse get NUL-terminated buffers, as from ctk_read_file */
	char *text = malloc(size + 1);
	if (!text) {
		unlink(path);
		return 0;
	}
	memcpy(text, data, size);
	text[size] = '\0';
	if ((db = shared_db())) {
		ctk_tz_parse("UTC", &tz, &err);
		struct ctk_ci_opts o = {.tz = &tz, .warn = quiet, .zone = size & 1 ? "DE" : NULL};
		for (int i = -1; i < 0 || ctk_ci_formats[i]; i++) {
			const struct ctk_ci_format *fmt = i < 0 ? NULL : ctk_ci_formats[i], *used = NULL;
			int64_t points = 0;
			int series = 0;
			ctk_db_begin(db, &err);
			ctk_ci_import_path(db, fmt, path, &o, &used, &points, &series, &err);
			ctk_db_rollback(db);
			if (fmt && fmt->sniff)
				fmt->sniff(text, size);
			if (fmt && fmt->parse) {
				ctk_db_begin(db, &err);
				ctk_ci_import_buffer(db, fmt, "fuzz", text, size, &o, &points, &err);
				ctk_db_rollback(db);
			}
		}
	}
	free(text);
	unlink(path);
	return 0;
}
