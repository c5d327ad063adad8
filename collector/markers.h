/* Epoch and phase markers: the line protocol spoken over the collector's
 * Unix socket ($CTK_SOCKET, mode 0600) by `ctk mark` and
 * contrib/python/ctk_mark.py, the state that turns markers into windows,
 * the socket server polled by the sampling loop, and the client.
 *
 * Protocol: one line per request, one line per answer ("ok" or
 * "error: …"). Requests: "epoch-start [N]", "epoch-end [N] [items=N]",
 * "begin NAME", "end NAME [items=N]"; N is one epoch number, 1 to 10^9.
 * Markers are timestamped on receipt. "status" is a question, not a marker:
 * the answer is one line of JSON (schemas/status.schema.json), the
 * collector's figures so far. */
#ifndef CTK_COLLECTOR_MARKERS_H
#define CTK_COLLECTOR_MARKERS_H

#include <poll.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/store.h"

#define CTK_MARK_MAX_PHASES 32
/* Largest epoch number a marker may carry: 10^9, far above any training
 * run (issue 18 bounds it so a number can never overflow next_epoch). */
#define CTK_MARK_MAX_EPOCH 1000000000
#define CTK_MARK_MAX_CLIENTS 32

struct ctk_marks {
	int64_t run_id;
	struct ctk_window *done;  /* closed windows not yet stored (names owned) */
	int ndone, capdone;
	int64_t stored;           /* windows stored so far */
	int epoch_open;
	int64_t epoch_idx, epoch_start_ns, next_epoch;
	struct { char name[64]; int64_t start_ns; } phase[CTK_MARK_MAX_PHASES];
	int nphase;
	/* optional: told when an epoch opens (start 1) or closes (start 0, with
	 * its number), at the marker's time (the live prediction's windows) */
	void (*on_epoch)(void *ctx, int start, int64_t idx, int64_t t_ns);
	void *on_epoch_ctx;
	int64_t epochs_closed;    /* epoch windows closed so far (stored or not) */
	int64_t applied;          /* markers accepted so far (the loop reads the devices after one) */
	/* optional: the answer to a "status" request, one line of JSON without
	 * the newline, malloc'ed (NULL: out of memory); unset: refused */
	char *(*on_status)(void *ctx);
	void *on_status_ctx;
	sqlite3_stmt *ins;        /* the window insert, kept for the run (ctk_marks_release) */
};

/* Apply one request line received at t_ns. Returns 0 and "ok" in reply, or
 * CTK_EINPUT with "error: …" in reply. */
int ctk_marks_apply(struct ctk_marks *m, const char *line, int64_t t_ns, char *reply, size_t size);

/* Close the open epoch and phases at t_ns (end of the command). Returns the
 * number closed. */
int ctk_marks_close_all(struct ctk_marks *m, int64_t t_ns);

/* Insert the closed windows (inside the caller's transaction). They are
 * kept until the caller's commit succeeded and it calls
 * ctk_marks_committed(), so a rolled-back flush loses none. */
int ctk_marks_store(struct ctk_marks *m, sqlite3 *db, struct ctk_error *err);
void ctk_marks_committed(struct ctk_marks *m);

void ctk_marks_release(struct ctk_marks *m);

/* The socket server: a listening socket plus connected clients. Hostile
 * input never stops it: a request that is refused (unknown or malformed
 * marker, a line over 255 bytes, bytes that are not printable text such as
 * NUL, a client over CTK_MARK_MAX_CLIENTS, a peer of another uid) is
 * answered "error: …" when possible, counted in `rejected`, and the
 * offending connection is closed (except for a malformed marker). */
/* Rate limits (token buckets, burst = one second's worth): markers are for
 * epochs and phases (eval, checkpoint), a few a second; a loop that marks a
 * phase pair per step at 50 steps/s stays under the client's limit, and the
 * store gets at most CTK_MARK_RATE_ALL_N windows a second (each ~10 µs to
 * insert, plus its share of the WAL: a flood then adds little to a flush).
 * Our choice (issue 18). */
#define CTK_MARK_RATE_CLIENT_N 100  /* requests/s per connection */
#define CTK_MARK_RATE_ALL_N 200     /* requests/s over all connections */
#define CTK_MARK_RATE_CLIENT ((double)CTK_MARK_RATE_CLIENT_N)
#define CTK_MARK_RATE_ALL ((double)CTK_MARK_RATE_ALL_N)
/* Work per ctk_mark_server_serve call (requests answered + connections
 * accepted): a slice of a few hundred µs, so a flood never holds a round. */
#define CTK_MARK_SERVE_MAX 256
/* After a call that did work, the server's sockets rest this long before
 * they are polled again, so a flood wakes the loop at most 1000 times a
 * second and each wake serves a batch (markers are stamped at most 1 ms
 * late). Our choice (issue 18). */
#define CTK_MARK_REST_NS 1000000

struct ctk_mark_bucket {
	double tokens;
	int64_t last_ns;
	double burst;             /* tokens it holds at most; 0: one second's worth (= rate) */
};

struct ctk_mark_server {
	int lfd;
	char dir[96], path[128];  /* private directory and socket path */
	struct {
		int fd, len;
		int told;              /* answered "too many markers" since its last accepted request */
		int64_t seen_ns;
		struct ctk_mark_bucket rate;
		char buf[256];
	} c[CTK_MARK_MAX_CLIENTS];
	int nc;
	struct ctk_mark_bucket rate; /* all clients together */
	int64_t rejected;         /* requests and connections refused */
	int64_t rejected_peer;    /* … of which connections from another uid */
	int64_t rate_limited;     /* … of which requests over a rate limit */
	int64_t rest_until;       /* CLOCK_MONOTONIC ns: not polled before (CTK_MARK_REST_NS) */
};

/* When the sockets may be polled again (CLOCK_MONOTONIC ns), or 0 when
 * they are polled now: the sampling loop wakes then at the latest. */
int64_t ctk_mark_server_rest_until(const struct ctk_mark_server *s);

/* Take one token from b (rate per s; burst b->burst, else rate) at now;
 * 1 when taken. The collector's reads at markers use it too (loop.c). */
int ctk_mark_bucket_take(struct ctk_mark_bucket *b, double rate, int64_t now_ns);

/* May a peer with these credentials (SO_PEERCRED) send markers to a server
 * running as uid self? Only the same uid may. */
int ctk_mark_peer_ok(const struct ucred *peer, uid_t self);

/* Is this request line (len bytes, no newline) printable text: no NUL or
 * other control byte except tab and a final CR, no byte >= 0x7f? */
int ctk_mark_line_ok(const char *line, size_t len);

/* Listen on path (mode 0600), or in a fresh private directory when path is
 * NULL ($XDG_RUNTIME_DIR or /run/user/UID when ours and 0700, else $TMPDIR
 * or /tmp: ctk-XXXXXX/socket, made by mkdtemp, owner and mode checked).
 * A path is refused (CTK_EUSAGE) unless its directory is ours and not
 * writable by group or others, and unless nothing but a socket of ours is
 * there already. Directories of our collectors that died (a socket nobody
 * listens on) are removed first. */
int ctk_mark_server_open(struct ctk_mark_server *s, const char *path, struct ctk_error *err);

/* Fill pollfds (at most 1 + CTK_MARK_MAX_CLIENTS) and return how many
 * (none while the server rests after a busy call). */
int ctk_mark_server_pollfds(const struct ctk_mark_server *s, struct pollfd *p);

/* Accept, read and answer whatever is ready (non-blocking; at most
 * CTK_MARK_SERVE_MAX requests and accepts per call, so a flood cannot hold
 * up the sampling loop: the rest waits in the kernel for the next call).
 * A request over a rate limit is not applied and is counted in rejected
 * and rate_limited; the first of a row is answered "error: too many
 * markers …" and the rest of the row get no answer (a flood that reads no
 * answers costs no send each; `ctk mark`, one request a connection, always
 * gets its answer). */
void ctk_mark_server_serve(struct ctk_mark_server *s, struct ctk_marks *m);

/* Close everything and remove the socket (and the directory it made). */
void ctk_mark_server_close(struct ctk_mark_server *s);

/* Client: send one request line to the socket at path and wait up to
 * timeout_ms for the answer, copied into reply. The listener must run as
 * our uid (SO_PEERCRED) before anything is sent. 0: answered "ok" (or, to
 * "status", a JSON object: make reply large enough, 64 KiB);
 * CTK_EINPUT: answered with an error; CTK_EDEVICE: no collector (or one of
 * another user). */
int ctk_mark_send(const char *path, const char *line, int timeout_ms, char *reply, size_t size,
		  struct ctk_error *err);

#endif
