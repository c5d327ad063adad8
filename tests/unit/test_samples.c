/* Tests for common/samples.c: the chunk encoding round-trips any readings
 * (missing values, negative steps, huge counters), rejects corrupt blobs,
 * and the writer/reader keep per-device order, split chunks on signal
 * change, refuse time going backwards, and store ≤ 20 bytes a reading. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/samples.h"
#include "common/store.h"

static void test_roundtrip(void **state)
{
	enum { N = 500 };
	struct ctk_reading in[N], out[N];
	uint8_t *enc = malloc(ctk_chunk_bound(N));
	uint64_t x = 88172645463325252u;
	int64_t t = INT64_C(1753572729703000000), e = INT64_C(9000000000000000);
	(void)state;

	for (int i = 0; i < N; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17; /* xorshift64 */
		t += 100000000 + (int64_t)(x % 5000000) - 2500000;
		e += (int64_t)(x % 70000000);
		in[i] = (struct ctk_reading){.t_ns = t, .power_mw = (int64_t)(x % 700000) - 1000,
					     .energy_uj = e, .has_power = (x >> 20) % 7 != 0,
					     .has_energy = (x >> 30) % 5 != 0};
		if (!in[i].has_power) in[i].power_mw = 0;
		if (!in[i].has_energy) in[i].energy_uj = 0;
	}
	size_t len = ctk_chunk_encode(in, N, enc);
	assert_true(len <= ctk_chunk_bound(N));
	assert_int_equal(ctk_chunk_decode(enc, len, in[0].t_ns, N, out), 0);
	for (int i = 0; i < N; i++) {
		assert_int_equal(in[i].t_ns, out[i].t_ns);
		assert_int_equal(in[i].has_power, out[i].has_power);
		assert_int_equal(in[i].has_energy, out[i].has_energy);
		assert_int_equal(in[i].power_mw, out[i].power_mw);
		assert_int_equal(in[i].energy_uj, out[i].energy_uj);
	}
	/* every truncation and a wrong version are detected */
	for (size_t cut = 0; cut < len; cut += 37)
		assert_int_equal(ctk_chunk_decode(enc, cut, in[0].t_ns, N, out), -1);
	enc[0] = 2;
	assert_int_equal(ctk_chunk_decode(enc, len, in[0].t_ns, N, out), -1);
	free(enc);
}

static sqlite3 *open_mem(void)
{
	sqlite3 *db = NULL;
	struct ctk_error err = {0};
	assert_int_equal(ctk_db_open(":memory:", CTK_DB_CREATE, &db, &err), 0);
	return db;
}

static int64_t add_device(sqlite3 *db, int64_t *run)
{
	struct ctk_error err = {0};
	struct ctk_run r = {.source = "test"};
	int64_t dev;
	assert_int_equal(ctk_run_insert(db, &r, run, &err), 0);
	struct ctk_device d = {.run_id = *run, .kind = "gpu"};
	assert_int_equal(ctk_device_insert(db, &d, &dev, &err), 0);
	return dev;
}

static void test_writer_reader(void **state)
{
	sqlite3 *db = open_mem();
	struct ctk_error err = {0};
	struct ctk_sample_writer *w = NULL;
	struct ctk_sample_reader *rd = NULL;
	struct ctk_reading r;
	const char *sig;
	int64_t run, a = add_device(db, &run), b;
	struct ctk_device d = {.run_id = run, .kind = "cpu"};
	(void)state;

	assert_int_equal(ctk_device_insert(db, &d, &b, &err), 0);
	assert_int_equal(ctk_sample_writer_new(db, 100, &w, &err), 0);
	for (int i = 0; i < 1000; i++) {
		struct ctk_reading x = {.t_ns = INT64_C(1000000000) * i, .power_mw = 1000 + i, .has_power = 1,
					.energy_uj = INT64_C(1000) * i * i, .has_energy = i % 3 != 0};
		if (!x.has_energy) x.energy_uj = 0;
		assert_int_equal(ctk_sample_append(w, i % 2 ? a : b, i < 500 ? "counter" : "power_instant", &x, &err), 0);
	}
	/* going back in time on one device is refused */
	struct ctk_reading back = {.t_ns = 5, .power_mw = 1, .has_power = 1};
	assert_int_equal(ctk_sample_append(w, a, "counter", &back, &err), CTK_EINPUT);
	assert_non_null(strstr(err.msg, "backwards"));
	assert_int_equal(ctk_sample_append(w, a, "volts", &back, &err), CTK_EINPUT);
	assert_int_equal(ctk_sample_writer_flush(w, &err), 0);
	assert_int_equal(ctk_sample_writer_count(w), 1000);
	ctk_sample_writer_free(w);
	/* 500 readings per device, 100 per chunk, split at the signal change */
	assert_int_equal(ctk_db_count(db, "sample_chunks"), 12);

	assert_int_equal(ctk_sample_reader_new(db, a, &rd, &err), 0);
	int n = 0;
	while (ctk_sample_next(rd, &r, &sig, &err) == 1) {
		int i = 2 * n + 1;
		assert_int_equal(r.t_ns, INT64_C(1000000000) * i);
		assert_int_equal(r.power_mw, 1000 + i);
		assert_int_equal(r.has_energy, i % 3 != 0);
		if (r.has_energy)
			assert_int_equal(r.energy_uj, INT64_C(1000) * i * i);
		assert_string_equal(sig, i < 500 ? "counter" : "power_instant");
		n++;
	}
	assert_int_equal(n, 500);
	ctk_sample_reader_free(rd);
	ctk_db_close(db);
}

/* The collector's flush: written inside a transaction that is rolled back,
 * the readings stay buffered; written again and committed, each is stored
 * exactly once. */
static void test_write_until_commit(void **state)
{
	sqlite3 *db = open_mem();
	struct ctk_error err = {0};
	struct ctk_sample_writer *w = NULL;
	int64_t run, a = add_device(db, &run), b;
	struct ctk_device d = {.run_id = run, .kind = "cpu"};
	(void)state;

	assert_int_equal(ctk_device_insert(db, &d, &b, &err), 0);
	assert_int_equal(ctk_sample_writer_new(db, 0, &w, &err), 0);
	for (int i = 0; i < 30; i++) {
		struct ctk_reading x = {.t_ns = INT64_C(1000000) * i, .power_mw = 1000 + i, .has_power = 1};
		assert_int_equal(ctk_sample_append(w, i % 2 ? a : b, "power_instant", &x, &err), 0);
	}
	assert_int_equal(ctk_db_begin(db, &err), 0);
	assert_int_equal(ctk_sample_writer_write(w, &err), 0);
	ctk_db_rollback(db); /* e.g. the commit failed: disk full */
	assert_int_equal(ctk_sample_writer_pending(w), 30);
	assert_int_equal(ctk_db_count(db, "sample_chunks"), 0);
	struct ctk_reading x = {.t_ns = INT64_C(1000000) * 40, .power_mw = 7, .has_power = 1};
	assert_int_equal(ctk_sample_append(w, a, "power_instant", &x, &err), 0);
	assert_int_equal(ctk_db_begin(db, &err), 0);
	assert_int_equal(ctk_sample_writer_write(w, &err), 0);
	assert_int_equal(ctk_db_commit(db, &err), 0);
	ctk_sample_writer_committed(w);
	assert_int_equal(ctk_sample_writer_pending(w), 0);
	assert_int_equal(ctk_db_count(db, "sample_chunks"), 2);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT sum(n) FROM sample_chunks", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 31);
	sqlite3_finalize(st);
	/* nothing buffered: a further write stores nothing twice */
	assert_int_equal(ctk_sample_writer_write(w, &err), 0);
	assert_int_equal(ctk_db_count(db, "sample_chunks"), 2);
	ctk_sample_writer_free(w);
	ctk_db_close(db);
}

static void test_bytes_per_reading(void **state)
{
	enum { N = 1024 };
	struct ctk_reading r[N];
	uint8_t *enc = malloc(ctk_chunk_bound(N));
	(void)state;

	/* a 10 Hz trace with 1 ms jitter and a counter: a few bytes a reading */
	for (int i = 0; i < N; i++)
		r[i] = (struct ctk_reading){.t_ns = INT64_C(1700000000000000000) + INT64_C(100000000) * i + (i % 3) * 1000000,
					    .power_mw = 250000 + (i % 17) * 1000, .energy_uj = INT64_C(25000000) * i,
					    .has_power = 1, .has_energy = 1};
	size_t len = ctk_chunk_encode(r, N, enc);
	assert_true(len < 12 * N);
	free(enc);
}

/* issue 14: 1e16 W was stored as -9.2e15 W (signed overflow in the codec).
 * Now the writer refuses what the codec cannot represent, and a blob whose
 * deltas overflow decodes to an error, not to wrapped values (UBSan-clean). */
static void test_unrepresentable(void **state)
{
	sqlite3 *db = open_mem();
	struct ctk_error err = {0};
	struct ctk_sample_writer *w = NULL;
	int64_t run, dev = add_device(db, &run);
	(void)state;

	/* 1e16 W = 1e19 mW > INT64_MAX (9.22e18): saturates, never wraps negative */
	assert_true(ctk_w_to_mw(1e16) == INT64_MAX);
	assert_true(ctk_w_to_mw(-1e16) == INT64_MIN);
	assert_true(ctk_w_to_mw(250.5) == 250500);
	assert_int_equal(ctk_sample_writer_new(db, 0, &w, &err), 0);
	struct ctk_reading r = {.t_ns = INT64_C(1700000000000000000), .power_mw = ctk_w_to_mw(1e16), .has_power = 1};
	assert_int_equal(ctk_sample_append(w, dev, "imported", &r, &err), CTK_EINPUT);
	assert_non_null(strstr(err.msg, "outside what the store can hold"));
	/* 2^50 mW is the largest power kept; one more is refused */
	r.power_mw = INT64_C(1) << 50;
	assert_int_equal(ctk_sample_append(w, dev, "imported", &r, &err), 0);
	r.power_mw = (INT64_C(1) << 50) + 1;
	assert_int_equal(ctk_sample_append(w, dev, "imported", &r, &err), CTK_EINPUT);
	struct ctk_reading neg = {.t_ns = r.t_ns, .energy_uj = -1, .has_energy = 1};
	assert_int_equal(ctk_sample_append(w, dev, "imported", &neg, &err), CTK_EINPUT);
	ctk_sample_writer_free(w);
	ctk_db_close(db);

	/* a hostile blob: version 1, three readings without values; reading 1's
	 * step is +2^62 ns (zigzag 2^63: varint 80 x9 01), reading 2 adds +2^62
	 * to the step again: the step would overflow int64 (UB before) */
	static const uint8_t blob[] = {1, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01,
				       0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
	struct ctk_reading out[3];
	assert_int_equal(ctk_chunk_decode(blob, 13, 0, 2, out), 0); /* t = 2^62: the last time kept */
	assert_true(out[1].t_ns == INT64_C(1) << 62);
	assert_int_equal(ctk_chunk_decode(blob, sizeof blob, 0, 3, out), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip), cmocka_unit_test(test_writer_reader),
		cmocka_unit_test(test_bytes_per_reading), cmocka_unit_test(test_write_until_commit),
		cmocka_unit_test(test_unrepresentable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
