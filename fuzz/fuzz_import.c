/* libFuzzer target: every importer of the table on arbitrary file contents,
 * each into a fresh in-memory store inside a rolled-back transaction. Bad
 * input must come back as an error code, never a crash, leak or hang. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "analyze/import/importers.h"
#include "common/db.h"
#include "common/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	sqlite3 *db = NULL;
	struct ctk_error err;
	struct ctk_tz tz;
	struct ctk_import_opts o = {0};
	struct ctk_run run = {.source = "fuzz"};
	FILE *f;

	snprintf(path, sizeof path, "/tmp/ctk-fuzz-%ld.in", (long)getpid());
	if (!(f = fopen(path, "wb")))
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	if (ctk_db_open(":memory:", CTK_DB_CREATE, &db, &err) == 0) {
		ctk_tz_parse("UTC", &tz, &err);
		o.tz = &tz;
		o.bridge_gaps = size > 0 && (data[size - 1] & 0x80); /* both gap policies of the window tools */
		ctk_run_insert(db, &run, &o.run_id, &err);
		o.has_run = 1;
		for (int i = 0; ctk_importers[i]; i++) {
			struct ctk_import_result res = {0};
			ctk_db_begin(db, &err);
			ctk_importers[i]->import(db, path, &o, &res, &err);
			ctk_db_rollback(db);
			if (ctk_importers[i]->sniff)
				ctk_importers[i]->sniff(path);
		}
		ctk_db_close(db);
	}
	unlink(path);
	return 0;
}
