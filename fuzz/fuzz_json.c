/* libFuzzer target: ctk's JSON readers on arbitrary bytes. The input is
 * parsed with the intensity formats' parser (ctk_ci_json_parse) and every
 * member of every object read back through the typed getters
 * (ctk_ci_json_str/num/time), printed and parsed again (the round trip of
 * `ctk analyze --json`-style output); then stored as runs.config_json of a
 * carbontracker run and read by `ctk analyze`'s carbontracker comparison
 * (component counts of averaged devices). Never a crash, leak, UB. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "analyze/energy/ct_compare.h"
#include "analyze/intensity/json.h"
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

static void walk(const struct ctk_ci_sink *k, const cJSON *j, int depth)
{
	struct ctk_error err;

	if (depth > 64)
		return;
	for (const cJSON *c = j ? j->child : NULL; c; c = c->next) {
		if (cJSON_IsObject(j) && c->string) {
			const char *s;
			double d;
			int has;
			int64_t t;
			ctk_ci_json_str(k, j, "$", c->string, 1, &s, &err);
			ctk_ci_json_num(k, j, "$", c->string, 1, &d, &has, &err);
			ctk_ci_json_time(k, j, "$", c->string, &t, &err);
		}
		walk(k, c, depth + 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctk_ci_sink k;
	struct ctk_error err;
	cJSON *root = NULL;
	sqlite3 *db = NULL;

	memset(&k, 0, sizeof k);
	k.name = "fuzz";
	if (ctk_ci_json_parse(&k, (const char *)data, size, &root, &err) == 0) {
		walk(&k, root, 0);
		char *s = cJSON_PrintUnformatted(root);
		if (s) {
			cJSON *again = cJSON_Parse(s);
			cJSON_Delete(again);
			free(s);
		}
		cJSON_Delete(root);
	}
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if ((db = shared_db()) && ctk_db_begin(db, &err) == 0) {
		struct ctk_run run = {.source = "import:carbontracker", .config_json = text};
		int64_t run_id, dev;
		struct ctk_device d = {.kind = "gpu", .flags = "ct-v2-averaged", .idx = 0, .has_idx = 1};
		struct ctk_device cpu = {.kind = "cpu", .flags = "ct-v2-averaged", .idx = 0, .has_idx = 1};
		if (ctk_run_insert(db, &run, &run_id, &err) == 0) {
			d.run_id = cpu.run_id = run_id;
			ctk_device_insert(db, &d, &dev, &err);
			ctk_device_insert(db, &cpu, &dev, &err);
			struct ctk_ct_compare c;
			if (ctk_carbontracker_recompute(db, run_id, 1.58, &c, &err) == 0) {
				char buf[4096];
				ctk_ct_compare_format(&c, buf, sizeof buf);
				ctk_ct_compare_release(&c);
			}
		}
		ctk_db_rollback(db);
	}
	free(text);
	return 0;
}
