/* libFuzzer target: the `ctk mark` request parser (collector/markers.c) on
 * arbitrary bytes: split into lines as the socket server does (255 bytes at
 * most, the text check first), applied in order, the open windows closed
 * and everything stored into an in-memory store. Never a crash, leak, UB. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collector/markers.h"
#include "common/db.h"
#include "common/store.h"

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctk_marks m;
	struct ctk_error err;
	struct ctk_run run = {.source = "collector"};
	sqlite3 *db = NULL;
	char line[256], reply[300];
	int64_t t = 1700000000000000000;
	size_t i = 0;

	memset(&m, 0, sizeof m);
	while (i < size) {
		const uint8_t *nl = memchr(data + i, '\n', size - i);
		size_t len = nl ? (size_t)(nl - (data + i)) : size - i;
		size_t take = len < sizeof line - 1 ? len : sizeof line - 1;
		memcpy(line, data + i, take);
		line[take] = '\0';
		if (ctk_mark_line_ok(line, take))
			ctk_marks_apply(&m, line, t, reply, sizeof reply);
		/* times may go backwards (a stepped clock): windows never end early */
		t += (int64_t)(line[0] & 0x0f) * 1000000 - 2000000;
		i += len + 1;
	}
	ctk_marks_close_all(&m, t);
	if ((db = shared_db()) && ctk_db_begin(db, &err) == 0) {
		if (ctk_run_insert(db, &run, &m.run_id, &err) == 0) {
			for (int k = 0; k < m.ndone; k++)
				m.done[k].run_id = m.run_id;
			ctk_marks_store(&m, db, &err);
		}
		ctk_db_rollback(db);
	}
	ctk_marks_release(&m);
	return 0;
}
