/* Benchmark input generator for `ctk report`: a store holding one week-long
 * run of G GPUs read at 10 Hz (8 GPUs x 7 days = 48.4 M readings), written
 * directly through common/samples.h (no CSV), with one epoch per hour and a
 * deterministic noisy power curve plus a single-reading 900 W spike per GPU
 * per day (the chart must still show them). usage: gen_report DB [GPUS] [DAYS] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/db.h"
#include "common/samples.h"
#include "common/store.h"

#define T0 INT64_C(1782864000000000000) /* 2026-07-01T00:00:00Z */
#define TICK INT64_C(100000000)          /* 10 Hz */

int main(int argc, char **argv)
{
	struct ctk_error err = {0};
	struct ctk_sample_writer *w = NULL;
	sqlite3 *db = NULL;
	int gpus = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 8;
	double days = argc > 3 ? strtod(argv[3], NULL) : 7;
	int64_t ticks = (int64_t)(days * 864000), run_id, dev[64];
	uint64_t x = 0x9E3779B97F4A7C15u;
	int rc;

	if (argc < 2 || gpus < 1 || gpus > 64) {
		fprintf(stderr, "usage: gen_report DB [GPUS] [DAYS]\n");
		return 1;
	}
	if ((rc = ctk_db_open(argv[1], CTK_DB_CREATE, &db, &err)) || (rc = ctk_db_begin(db, &err)))
		goto fail;
	struct ctk_run run = {.label = "bench: 8x H100, one week at 10 Hz (generated)", .source = "collector",
			      .zone = "DE", .simulated = 1, .started_ns = T0, .has_started = 1,
			      .ended_ns = T0 + (ticks - 1) * TICK, .has_ended = 1};
	if ((rc = ctk_run_insert(db, &run, &run_id, &err)))
		goto fail;
	for (int g = 0; g < gpus; g++) {
		struct ctk_device d = {.run_id = run_id, .kind = "gpu", .vendor = "nvidia",
				       .name = "NVIDIA H100 80GB HBM3 (generated)", .idx = g, .has_idx = 1};
		if ((rc = ctk_device_insert(db, &d, &dev[g], &err)))
			goto fail;
	}
	for (int64_t h = 0; h + 1 < (ticks / 36000); h++) {
		struct ctk_window win = {.run_id = run_id, .kind = "epoch", .idx = h + 1, .has_idx = 1,
					 .start_ns = T0 + h * 3600 * INT64_C(1000000000) + 60 * INT64_C(1000000000),
					 .end_ns = T0 + (h + 1) * 3600 * INT64_C(1000000000)};
		if ((rc = ctk_window_insert(db, &win, &err)))
			goto fail;
	}
	if ((rc = ctk_sample_writer_new(db, 0, &w, &err)))
		goto fail;
	for (int64_t k = 0; k < ticks; k++) {
		for (int g = 0; g < gpus; g++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* 60 s of idle at the start of each hour (between epochs), else load */
			double p = (k % 36000) < 600 ? 90 : 550 + 80 * ((k / 3000 + g) % 2);
			p += (double)(x % 4000) / 100.0;
			if (k % 864000 == 431999 + g * 1000)
				p = 900;
			struct ctk_reading r = {.t_ns = T0 + k * TICK + g * 1000, .power_mw = ctk_w_to_mw(p), .has_power = 1};
			if ((rc = ctk_sample_append(w, dev[g], "power_instant", &r, &err)))
				goto fail;
		}
		if (k % 360000 == 359999) { /* commit every 10 h of readings */
			if ((rc = ctk_sample_writer_flush(w, &err)) || (rc = ctk_db_commit(db, &err)) ||
			    (rc = ctk_db_begin(db, &err)))
				goto fail;
		}
	}
	if ((rc = ctk_sample_writer_flush(w, &err)) || (rc = ctk_db_commit(db, &err)))
		goto fail;
	printf("%lld\n", (long long)ctk_sample_writer_count(w));
	ctk_sample_writer_free(w);
	ctk_db_close(db);
	return 0;
fail:
	fprintf(stderr, "gen_report: %s\n", err.msg);
	ctk_sample_writer_free(w);
	if (db)
		ctk_db_rollback(db);
	ctk_db_close(db);
	return 3;
}
