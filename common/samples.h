/* Readings of a device as stored in the sample_chunks table.
 * Every writer (collector, importers) appends readings through
 * ctk_sample_writer and every reader (analyze, report) streams them back
 * through ctk_sample_reader; nobody else touches the blob encoding, which is
 * documented in schemas/samples-encoding.md. */
#ifndef CTK_SAMPLES_H
#define CTK_SAMPLES_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* One reading of one device. Power is stored as integer milliwatts and the
 * cumulative energy counter (wrap-corrected) as integer microjoules: that is
 * the native resolution of NVML power (mW) and RAPL energy (uJ). A value not
 * read has its has_ flag 0 and is never taken as 0. */
struct ctk_reading {
	int64_t t_ns;      /* UTC Unix ns */
	int64_t power_mw;  /* valid when has_power */
	int64_t energy_uj; /* cumulative counter; valid when has_energy */
	uint8_t has_power;
	uint8_t has_energy;
};

/* What the chunk codec can represent: every delta and delta of deltas it
 * computes between two values inside these bounds fits in int64 (the codec
 * refuses the rest instead of wrapping; issue 14: 1e16 W was stored as
 * -9.2e15 W). Power within +-2^50 mW (1.1e12 W), a counter within 0..2^61 uJ
 * (2.3e12 J), times within -2^61..2^62 ns (1897 to 2116). */
#define CTK_READING_MAX_ABS_MW (INT64_C(1) << 50)
#define CTK_READING_MAX_UJ (INT64_C(1) << 61)
#define CTK_READING_MIN_NS (-(INT64_C(1) << 61))
#define CTK_READING_MAX_NS (INT64_C(1) << 62)

/* 0 when r lies within the bounds above, else CTK_EINPUT (err may be NULL). */
int ctk_reading_check(const struct ctk_reading *r, struct ctk_error *err);

/* The signal names allowed in sample_chunks.signal. */
int ctk_signal_valid(const char *signal);

/* Convert watts to milliwatts, rounding to nearest; saturates at the int64
 * limits (NaN gives INT64_MAX) so that ctk_sample_append refuses it. */
int64_t ctk_w_to_mw(double w);

struct ctk_sample_writer;

/* max_per_chunk readings per stored chunk (0 = default 1024). */
int ctk_sample_writer_new(sqlite3 *db, int max_per_chunk, struct ctk_sample_writer **out,
			  struct ctk_error *err);

/* Buffer one reading of device_id; writes a chunk when the buffer is full or
 * the signal changes. Times must not go backwards per device (CTK_EINPUT). */
int ctk_sample_append(struct ctk_sample_writer *w, int64_t device_id, const char *signal,
		      const struct ctk_reading *r, struct ctk_error *err);

/* Write every partly filled chunk (call inside the caller's transaction). */
int ctk_sample_writer_flush(struct ctk_sample_writer *w, struct ctk_error *err);

/* For a caller whose transaction may fail (the collector): write every
 * partly filled chunk but keep the readings buffered until the caller's
 * commit succeeded and it calls ctk_sample_writer_committed(). After a
 * rollback the next write stores them again, none lost, none twice. */
int ctk_sample_writer_write(struct ctk_sample_writer *w, struct ctk_error *err);
void ctk_sample_writer_committed(struct ctk_sample_writer *w);

/* Readings buffered, not yet stored. */
int64_t ctk_sample_writer_pending(const struct ctk_sample_writer *w);

/* Readings appended so far, all devices. */
int64_t ctk_sample_writer_count(const struct ctk_sample_writer *w);

/* Free without writing what is still buffered. */
void ctk_sample_writer_free(struct ctk_sample_writer *w);

struct ctk_sample_reader;

/* Stream the readings of device_id in time order. */
int ctk_sample_reader_new(sqlite3 *db, int64_t device_id, struct ctk_sample_reader **out,
			  struct ctk_error *err);

/* Next reading: 1 with *r (and *signal, owned by the reader, valid until the
 * next call) filled, 0 at the end, negative on a corrupt chunk. */
int ctk_sample_next(struct ctk_sample_reader *rd, struct ctk_reading *r, const char **signal,
		    struct ctk_error *err);

void ctk_sample_reader_free(struct ctk_sample_reader *rd);

/* Encode/decode one chunk (exposed for tests and the fuzzer). enc must hold
 * ctk_chunk_bound(n) bytes; returns the encoded size. */
size_t ctk_chunk_bound(int n);
size_t ctk_chunk_encode(const struct ctk_reading *r, int n, uint8_t *enc);
int ctk_chunk_decode(const uint8_t *enc, size_t size, int64_t first_ns, int n,
		     struct ctk_reading *out);

#endif
