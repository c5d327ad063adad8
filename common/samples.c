/* Chunked storage of readings (see samples.h and schemas/samples-encoding.md).
 * The writer keeps one small buffer per device and turns it into a row of
 * sample_chunks when it fills up, when the signal changes, or on flush; the
 * reader streams chunks of one device in time order and decodes them. */
#include "samples.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

#define CHUNK_VERSION 1
#define DEFAULT_PER_CHUNK 1024

static const char *const signals[] = {
	"counter", "power_instant", "power_avg_1s", "power_draw", "tdp_model", "imported", NULL,
};

int ctk_signal_valid(const char *signal)
{
	for (int i = 0; signals[i]; i++)
		if (!strcmp(signals[i], signal))
			return 1;
	return 0;
}

int64_t ctk_w_to_mw(double w)
{
	double mw = w * 1000.0;

	/* saturate instead of wrapping (llround outside int64 is unspecified:
	 * 1e16 W came back as -9.2e15 W); ctk_sample_append then refuses it */
	if (!(mw < 9.2e18))
		return INT64_MAX;
	if (!(mw > -9.2e18))
		return INT64_MIN;
	return (int64_t)llround(mw);
}

int ctk_reading_check(const struct ctk_reading *r, struct ctk_error *err)
{
	if (r->t_ns < CTK_READING_MIN_NS || r->t_ns > CTK_READING_MAX_NS)
		return ctk_failf(err, CTK_EINPUT, "time %lld ns is outside what the store can hold", (long long)r->t_ns);
	if (r->has_power && (r->power_mw > CTK_READING_MAX_ABS_MW || r->power_mw < -CTK_READING_MAX_ABS_MW))
		return ctk_failf(err, CTK_EINPUT, "power %.6g W is outside what the store can hold (at most %.3g W)",
				 (double)r->power_mw / 1e3, (double)CTK_READING_MAX_ABS_MW / 1e3);
	if (r->has_energy && (r->energy_uj < 0 || r->energy_uj > CTK_READING_MAX_UJ))
		return ctk_failf(err, CTK_EINPUT, "energy counter %.6g J is outside what the store can hold (0 to %.3g J)",
				 (double)r->energy_uj / 1e6, (double)CTK_READING_MAX_UJ / 1e6);
	return 0;
}

/* a + b with two's-complement wrap (no signed overflow on hostile blobs;
 * the decoded values are checked against the bounds afterwards) */
static int64_t wrap_add(int64_t a, int64_t b)
{
	uint64_t u = (uint64_t)a + (uint64_t)b;
	int64_t v;

	memcpy(&v, &u, sizeof v);
	return v;
}

/* ---- encoding ---------------------------------------------------------- */

static uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t unzigzag(uint64_t u)
{
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

static size_t put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;
	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/* Read a varint at *pos (< size); -1 if it runs past the end or is too long. */
static int get_varint(const uint8_t *p, size_t size, size_t *pos, uint64_t *v)
{
	uint64_t x = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (*pos >= size)
			return -1;
		uint8_t b = p[(*pos)++];
		x |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = x;
			return 0;
		}
	}
	return -1;
}

size_t ctk_chunk_bound(int n)
{
	return 1 + (size_t)n * (1 + 3 * 10);
}

size_t ctk_chunk_encode(const struct ctk_reading *r, int n, uint8_t *enc)
{
	size_t len = 0;
	int64_t prev_dt = 0, prev_p = 0, prev_e = 0, prev_de = 0;
	int have_e = 0;

	enc[len++] = CHUNK_VERSION;
	for (int i = 0; i < n; i++) {
		enc[len++] = (uint8_t)((r[i].has_power ? 1 : 0) | (r[i].has_energy ? 2 : 0));
		if (i > 0) {
			int64_t dt = r[i].t_ns - r[i - 1].t_ns;
			len += put_varint(enc + len, zigzag(dt - prev_dt));
			prev_dt = dt;
		}
		if (r[i].has_power) {
			len += put_varint(enc + len, zigzag(r[i].power_mw - prev_p));
			prev_p = r[i].power_mw;
		}
		if (r[i].has_energy) {
			int64_t de = have_e ? r[i].energy_uj - prev_e : r[i].energy_uj;
			len += put_varint(enc + len, zigzag(de - prev_de));
			prev_de = de;
			prev_e = r[i].energy_uj;
			have_e = 1;
		}
	}
	return len;
}

int ctk_chunk_decode(const uint8_t *enc, size_t size, int64_t first_ns, int n,
		     struct ctk_reading *out)
{
	size_t pos = 1;
	int64_t t = first_ns, dt = 0, p = 0, e = 0, de = 0;
	int have_e = 0;
	uint64_t u;

	if (size < 1 || enc[0] != CHUNK_VERSION || n < 1)
		return -1;
	for (int i = 0; i < n; i++) {
		if (pos >= size)
			return -1;
		uint8_t flags = enc[pos++];
		if (flags & ~3u)
			return -1;
		if (i > 0) {
			if (get_varint(enc, size, &pos, &u))
				return -1;
			dt = wrap_add(dt, unzigzag(u));
			t = wrap_add(t, dt);
		}
		out[i].t_ns = t;
		out[i].has_power = flags & 1;
		out[i].has_energy = (flags >> 1) & 1;
		out[i].power_mw = 0;
		out[i].energy_uj = 0;
		if (flags & 1) {
			if (get_varint(enc, size, &pos, &u))
				return -1;
			p = wrap_add(p, unzigzag(u));
			out[i].power_mw = p;
		}
		if (flags & 2) {
			if (get_varint(enc, size, &pos, &u))
				return -1;
			de = wrap_add(de, unzigzag(u));
			e = have_e ? wrap_add(e, de) : de;
			have_e = 1;
			out[i].energy_uj = e;
		}
		if (ctk_reading_check(&out[i], NULL))
			return -1;
	}
	return pos == size ? 0 : -1;
}

/* ---- writer ------------------------------------------------------------ */

struct dev_buf {
	int64_t device_id;
	char signal[16];
	int n;
	int64_t last_ns;   /* last reading ever appended (also across chunks) */
	int has_last;
	struct ctk_reading *r;
};

struct ctk_sample_writer {
	sqlite3 *db;
	sqlite3_stmt *ins;
	int max_n;
	int ndev, capdev;
	struct dev_buf *dev;
	uint8_t *enc;
	int64_t count;
};

int ctk_sample_writer_new(sqlite3 *db, int max_per_chunk, struct ctk_sample_writer **out,
			  struct ctk_error *err)
{
	struct ctk_sample_writer *w = calloc(1, sizeof(*w));

	*out = NULL;
	if (!w)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	w->db = db;
	w->max_n = max_per_chunk > 0 ? max_per_chunk : DEFAULT_PER_CHUNK;
	w->enc = malloc(ctk_chunk_bound(w->max_n));
	if (!w->enc) {
		free(w);
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	}
	if (ctk_db_prepare(db, "INSERT INTO sample_chunks(device_id, first_ns, last_ns, n, signal, data) "
			   "VALUES (?,?,?,?,?,?)", &w->ins, err)) {
		ctk_sample_writer_free(w);
		return CTK_EDB;
	}
	*out = w;
	return 0;
}

static struct dev_buf *find_dev(struct ctk_sample_writer *w, int64_t device_id)
{
	for (int i = 0; i < w->ndev; i++)
		if (w->dev[i].device_id == device_id)
			return &w->dev[i];
	if (w->ndev == w->capdev) {
		int cap = w->capdev ? w->capdev * 2 : 8;
		struct dev_buf *d = realloc(w->dev, (size_t)cap * sizeof(*d));
		if (!d)
			return NULL;
		w->dev = d;
		w->capdev = cap;
	}
	struct dev_buf *b = &w->dev[w->ndev];
	memset(b, 0, sizeof(*b));
	b->r = malloc((size_t)w->max_n * sizeof(*b->r));
	if (!b->r)
		return NULL;
	b->device_id = device_id;
	w->ndev++;
	return b;
}

static int write_chunk(struct ctk_sample_writer *w, struct dev_buf *b, int clear, struct ctk_error *err)
{
	size_t len;
	int rc;

	if (b->n == 0)
		return 0;
	len = ctk_chunk_encode(b->r, b->n, w->enc);
	sqlite3_reset(w->ins);
	sqlite3_bind_int64(w->ins, 1, b->device_id);
	sqlite3_bind_int64(w->ins, 2, b->r[0].t_ns);
	sqlite3_bind_int64(w->ins, 3, b->r[b->n - 1].t_ns);
	sqlite3_bind_int(w->ins, 4, b->n);
	sqlite3_bind_text(w->ins, 5, b->signal, -1, SQLITE_STATIC);
	sqlite3_bind_blob(w->ins, 6, w->enc, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(w->ins);
	sqlite3_reset(w->ins);
	if (rc != SQLITE_DONE)
		return ctk_db_fail(w->db, err, "store readings");
	if (clear)
		b->n = 0;
	return 0;
}

int ctk_sample_append(struct ctk_sample_writer *w, int64_t device_id, const char *signal,
		      const struct ctk_reading *r, struct ctk_error *err)
{
	struct dev_buf *b = find_dev(w, device_id);

	if (!b)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	if (!ctk_signal_valid(signal))
		return ctk_failf(err, CTK_EINPUT, "unknown signal '%s'", signal);
	int rc = ctk_reading_check(r, err);
	if (rc)
		return rc;
	if (b->has_last && r->t_ns < b->last_ns)
		return ctk_failf(err, CTK_EINPUT, "time goes backwards (%.3f s before the previous reading of this device)",
				 (double)(b->last_ns - r->t_ns) / 1e9);
	if (b->n > 0 && (b->n == w->max_n || strcmp(b->signal, signal)) && (rc = write_chunk(w, b, 1, err)))
		return rc;
	if (b->n == 0)
		snprintf(b->signal, sizeof b->signal, "%s", signal);
	b->r[b->n++] = *r;
	b->last_ns = r->t_ns;
	b->has_last = 1;
	w->count++;
	return 0;
}

int ctk_sample_writer_flush(struct ctk_sample_writer *w, struct ctk_error *err)
{
	for (int i = 0; i < w->ndev; i++) {
		int rc = write_chunk(w, &w->dev[i], 1, err);
		if (rc)
			return rc;
	}
	return 0;
}

int ctk_sample_writer_write(struct ctk_sample_writer *w, struct ctk_error *err)
{
	for (int i = 0; i < w->ndev; i++) {
		int rc = write_chunk(w, &w->dev[i], 0, err);
		if (rc)
			return rc;
	}
	return 0;
}

void ctk_sample_writer_committed(struct ctk_sample_writer *w)
{
	for (int i = 0; i < w->ndev; i++)
		w->dev[i].n = 0;
}

int64_t ctk_sample_writer_pending(const struct ctk_sample_writer *w)
{
	int64_t n = 0;

	for (int i = 0; i < w->ndev; i++)
		n += w->dev[i].n;
	return n;
}

int64_t ctk_sample_writer_count(const struct ctk_sample_writer *w)
{
	return w->count;
}

void ctk_sample_writer_free(struct ctk_sample_writer *w)
{
	if (!w)
		return;
	for (int i = 0; i < w->ndev; i++)
		free(w->dev[i].r);
	free(w->dev);
	free(w->enc);
	sqlite3_finalize(w->ins);
	free(w);
}

/* ---- reader ------------------------------------------------------------ */

struct ctk_sample_reader {
	sqlite3_stmt *st;
	struct ctk_reading *r;
	int cap, n, i;
	char signal[16];
	int64_t device_id;
};

int ctk_sample_reader_new(sqlite3 *db, int64_t device_id, struct ctk_sample_reader **out,
			  struct ctk_error *err)
{
	struct ctk_sample_reader *rd = calloc(1, sizeof(*rd));

	*out = NULL;
	if (!rd)
		return ctk_failf(err, CTK_ENOMEM, "out of memory");
	if (ctk_db_prepare(db, "SELECT first_ns, n, signal, data FROM sample_chunks "
			   "WHERE device_id = ? ORDER BY first_ns, chunk_id", &rd->st, err)) {
		free(rd);
		return CTK_EDB;
	}
	sqlite3_bind_int64(rd->st, 1, device_id);
	rd->device_id = device_id;
	*out = rd;
	return 0;
}

/* Load and decode the next chunk; 1 loaded, 0 no more, <0 error. */
static int load_chunk(struct ctk_sample_reader *rd, struct ctk_error *err)
{
	int rc = sqlite3_step(rd->st);

	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return ctk_db_fail(sqlite3_db_handle(rd->st), err, "read readings");
	int64_t first = sqlite3_column_int64(rd->st, 0);
	int n = sqlite3_column_int(rd->st, 1);
	const unsigned char *sig = sqlite3_column_text(rd->st, 2);
	const uint8_t *data = sqlite3_column_blob(rd->st, 3);
	size_t size = (size_t)sqlite3_column_bytes(rd->st, 3);

	if (n < 1 || n > 1 << 24)
		return ctk_failf(err, CTK_EDB, "device %lld: corrupt chunk (n = %d)", (long long)rd->device_id, n);
	if (n > rd->cap) {
		struct ctk_reading *r = realloc(rd->r, (size_t)n * sizeof(*r));
		if (!r)
			return ctk_failf(err, CTK_ENOMEM, "out of memory");
		rd->r = r;
		rd->cap = n;
	}
	if (!data || ctk_chunk_decode(data, size, first, n, rd->r))
		return ctk_failf(err, CTK_EDB, "device %lld: corrupt chunk at %lld ns",
				 (long long)rd->device_id, (long long)first);
	snprintf(rd->signal, sizeof rd->signal, "%s", sig ? (const char *)sig : "");
	rd->n = n;
	rd->i = 0;
	return 1;
}

int ctk_sample_next(struct ctk_sample_reader *rd, struct ctk_reading *r, const char **signal,
		    struct ctk_error *err)
{
	while (rd->i >= rd->n) {
		int rc = load_chunk(rd, err);
		if (rc <= 0)
			return rc;
	}
	*r = rd->r[rd->i++];
	if (signal)
		*signal = rd->signal;
	return 1;
}

void ctk_sample_reader_free(struct ctk_sample_reader *rd)
{
	if (!rd)
		return;
	sqlite3_finalize(rd->st);
	free(rd->r);
	free(rd);
}
