/* Benchmark input generator for `ctk merge`: the store one node of a SLURM
 * job writes with `srun ctk collect --db run-%h.db`: G GPUs read at 10 Hz
 * for H hours (energy counter and power, as NVML gives them), one epoch
 * per hour, the job's record in the run's config. Written directly through
 * common/samples.h. usage: gen_merge DB NODE [GPUS] [HOURS]
 * (bench/merge.sh makes 64 of them, one per node.) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/db.h"
#include "common/samples.h"
#include "common/store.h"

#define T0 INT64_C(1782864000000000000) /* 2026-07-01T00:00:00Z */
#define TICK INT64_C(100000000)          /* 10 Hz */
#define HOUR_NS (INT64_C(3600) * 1000000000)

int main(int argc, char **argv)
{
	struct ctk_error err = {0};
	struct ctk_sample_writer *w = NULL;
	sqlite3 *db = NULL;
	int node = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 0;
	int gpus = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 4;
	double hours = argc > 4 ? strtod(argv[4], NULL) : 24;
	int64_t ticks = (int64_t)(hours * 36000), run_id, dev[64], e_uj[64] = {0};
	uint64_t x = 0x9E3779B97F4A7C15u ^ (uint64_t)node;
	char host[32], cfg[200], uuid[64][48];
	int rc;

	if (argc < 3 || gpus < 1 || gpus > 64 || node < 0 || node > 9999) {
		fprintf(stderr, "usage: gen_merge DB NODE [GPUS] [HOURS]\n");
		return 1;
	}
	snprintf(host, sizeof host, "node%04d", node);
	snprintf(cfg, sizeof cfg, "{\"gpus\":%d,\"slurm_job_id\":\"4242\",\"slurm_procid\":\"%d\",\"slurm_localid\":\"0\"}",
		 gpus, node * 4);
	if ((rc = ctk_db_open(argv[1], CTK_DB_CREATE, &db, &err)) || (rc = ctk_db_begin(db, &err)))
		goto fail;
	struct ctk_run run = {.label = "bench: 64 nodes x 4 GPUs, 24 h at 10 Hz (generated)", .source = "collector",
			      .host = host, .config_json = cfg, .simulated = 1, .started_ns = T0, .has_started = 1,
			      .ended_ns = T0 + (ticks - 1) * TICK, .has_ended = 1};
	if ((rc = ctk_run_insert(db, &run, &run_id, &err)))
		goto fail;
	for (int g = 0; g < gpus; g++) {
		snprintf(uuid[g], sizeof uuid[g], "GPU-be4c%04x-0000-4000-8000-%012x", node, g);
		struct ctk_device d = {.run_id = run_id, .kind = "gpu", .vendor = "nvidia", .host = host, .uuid = uuid[g],
				       .name = "NVIDIA H100 80GB HBM3 (generated)", .idx = g, .has_idx = 1};
		if ((rc = ctk_device_insert(db, &d, &dev[g], &err)))
			goto fail;
	}
	for (int64_t h = 0; h + 1 < ticks / 36000; h++) { /* epochs 1 min after each hour, node clocks 1 ms apart */
		struct ctk_window win = {.run_id = run_id, .kind = "epoch", .idx = h + 1, .has_idx = 1,
					 .start_ns = T0 + h * HOUR_NS + 60 * INT64_C(1000000000) + node * INT64_C(1000000),
					 .end_ns = T0 + (h + 1) * HOUR_NS + node * INT64_C(1000000)};
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
			double p = (k % 36000) < 600 ? 90 : 550 + 80 * ((k / 3000 + g) % 2);
			p += (double)(x % 4000) / 100.0;
			e_uj[g] += (int64_t)(p * 1e5); /* W x 0.1 s in uJ */
			struct ctk_reading r = {.t_ns = T0 + k * TICK + g * 1000, .power_mw = ctk_w_to_mw(p), .has_power = 1,
						.energy_uj = e_uj[g], .has_energy = 1};
			if ((rc = ctk_sample_append(w, dev[g], "counter", &r, &err)))
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
	fprintf(stderr, "gen_merge: %s\n", err.msg);
	ctk_sample_writer_free(w);
	if (db)
		ctk_db_rollback(db);
	ctk_db_close(db);
	return 3;
}
