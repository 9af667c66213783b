/* sync/relay_window.h - the relay's sequence bookkeeping, pure (time is passed in, in
 * microseconds of a monotonic clock):
 *  - receiver: a sliding replay window per (sender, epoch): old epochs rejected, a newer epoch
 *    resets the window, duplicates and seqs below the window rejected; the acknowledgement
 *    (cumulative seq + ranges) built from it;
 *  - sender: a bounded resend queue keyed by seq, with per-peer acknowledgement, resend after
 *    a timeout with backoff, give-up after a retry limit, and back-pressure when full; per
 *    peer: a round-trip estimate (SRTT/RTTVAR, no samples from resent frames) that sets its
 *    resend timeout, and its receive window (entries it can still take) for flow control.
 * See docs/sync-protocol.md. */
#ifndef SYNC_RELAY_WINDOW_H
#define SYNC_RELAY_WINDOW_H

#include <stddef.h>
#include <stdint.h>
#include "sync/relay_frame.h"

#define RELAY_WIN_MIN 64
#define RELAY_WIN_MAX 65536

enum relay_win {
	RELAY_WIN_OK = 0,         /* in the window, not seen yet */
	RELAY_WIN_NEW_EPOCH,      /* newer epoch: accepting resets the window */
	RELAY_WIN_REPLAY,         /* seen already */
	RELAY_WIN_TOO_OLD,        /* below the window */
	RELAY_WIN_OLD_EPOCH,      /* epoch older than the current one */
	RELAY_WIN__COUNT
};

struct relay_rxwin {
	uint32_t sender;
	uint32_t width;           /* bits, a multiple of 64 */
	uint64_t epoch;           /* 0: nothing accepted yet */
	uint64_t top;             /* highest seq accepted in this epoch */
	uint64_t *bits;           /* bit (seq % width) set: seq received, for top-width < seq <= top */
	uint64_t accepted, replayed, too_old, old_epoch, epochs;
};

/* width is rounded up to a multiple of 64 and clamped to [64, 65536]; 0 or -1 (no memory) */
int relay_rxwin_init(struct relay_rxwin *w, uint32_t sender, uint32_t width);
void relay_rxwin_free(struct relay_rxwin *w);
/* Would (epoch, seq) be accepted? No state change: run it before the MAC check. */
enum relay_win relay_rxwin_check(const struct relay_rxwin *w, uint64_t epoch, uint64_t seq);
/* Check and record (after the MAC verified); counts the verdict. */
enum relay_win relay_rxwin_accept(struct relay_rxwin *w, uint64_t epoch, uint64_t seq);
/* Acknowledgement of what was received: cum = highest seq below which nothing is missing
 * (or everything fell out of the window), then up to RELAY_ACK_MAX_RANGES ranges above it,
 * lowest first. */
void relay_rxwin_ack(const struct relay_rxwin *w, struct relay_ack *a);

/* A bounded set of receive windows, one per sender id (senders must be authenticated before
 * a window is made for them). */
struct relay_rxtab {
	struct relay_rxwin *w;
	size_t n, cap;
	uint32_t width;
};
int relay_rxtab_init(struct relay_rxtab *t, size_t cap, uint32_t width);
void relay_rxtab_free(struct relay_rxtab *t);
/* The sender's window; create: make one if missing. NULL: unknown (create 0) or table full. */
struct relay_rxwin *relay_rxtab_get(struct relay_rxtab *t, uint32_t sender, int create);

/* --- sender: resend queue --- */

#define RELAY_TXQ_MAX_PEERS 64

enum relay_txq_push {
	RELAY_TXQ_OK = 0,
	RELAY_TXQ_FULL,           /* cap frames in flight */
	RELAY_TXQ_WINDOW,         /* seq would be a window or more past the oldest unacked frame */
	RELAY_TXQ_INVALID         /* seq not increasing, no peers, empty or oversized frame */
};

struct relay_txq_slot {
	uint64_t seq;
	uint64_t pending;         /* bit i: peer i has not acknowledged */
	uint64_t sent_at;         /* last (re)send, us */
	uint32_t retries;
	uint32_t entries;         /* DATA entries in the frame (0 for other kinds) */
	int lost;                 /* a frame sent after it was acknowledged: resend now */
	uint32_t len;
	uint32_t buf_cap;
	uint8_t *buf;             /* the sealed frame (kept allocated for reuse) */
};

/* A window not refreshed for this long while it blocks everything (nothing in flight): one
 * frame goes anyway, as a probe (the ACK that reopened it may have been lost). */
#define RELAY_TXQ_PROBE_US 1000000ull
/* A frame owed by a peer that acknowledged a frame sent this much later is taken as lost and
 * resent at once (fast resend), without waiting for its timeout. */
#define RELAY_TXQ_REORDER_US 1000ull

struct relay_txq_peer {
	uint64_t srtt, rttvar;    /* us; srtt 0: no sample yet */
	uint64_t rto;             /* srtt + 4 rttvar, within [rto_us, rto_max_us] */
	uint64_t rto_raised;      /* Karn's backoff: frames sent once wait this long (0: none)
	                           * until the next sample */
	uint64_t samples, rtt_min, rtt_max;
	uint64_t sampled_sent;    /* send time of the newest frame sampled */
	uint64_t raised_at;       /* when a timeout last raised rto (Karn's backoff) */
	uint64_t inflight;        /* entries of frames in the queue it has not acknowledged */
	uint32_t rwnd;            /* entries it can still take, from its last ACK (rwnd_known) */
	int rwnd_known;
	uint64_t rwnd_at;         /* when that ACK came */
};

struct relay_txq {
	struct relay_txq_slot *slots;
	size_t cap, head, used;
	uint32_t sender;
	uint64_t epoch;
	uint64_t last_seq;
	uint32_t window;          /* the receivers' replay window width */
	uint32_t max_frame;
	uint64_t rto_us, rto_max_us;
	uint32_t max_retries;
	uint64_t queued, acked, resent, expired, refused;
	uint64_t fast_resent;     /* of resent: on the evidence of later frames acknowledged */
	uint32_t initial_rwnd;    /* window assumed before a peer's first ACK (0: none) */
	struct relay_txq_peer peer[RELAY_TXQ_MAX_PEERS];
};

struct relay_txq_conf {
	size_t cap;               /* frames kept (16 .. 1048576) */
	uint32_t window;          /* receivers' replay window */
	uint32_t max_frame;
	uint64_t rto_us;          /* first resend after at least this long (a peer's round-trip
	                           * estimate may make it longer) */
	uint64_t rto_max_us;      /* bound of the estimate, and backoff doubles up to this */
	uint32_t max_retries;     /* resends per frame before giving up on a peer */
	uint32_t initial_rwnd;    /* receive window assumed before a peer's first ACK; 0: none */
};

int relay_txq_init(struct relay_txq *q, const struct relay_txq_conf *c, uint32_t sender,
                   uint64_t epoch);
void relay_txq_free(struct relay_txq *q);
/* Would a frame with this seq be accepted now? (the back-pressure signal) */
enum relay_txq_push relay_txq_space(const struct relay_txq *q, uint64_t seq);
/* Keep a sealed frame (copied) for resending until every peer in `peers` acknowledges it. */
enum relay_txq_push relay_txq_push(struct relay_txq *q, uint64_t seq, uint64_t peers,
                                   const uint8_t *frame, size_t len, uint64_t now);
/* Apply an ACK from peer index `peer`. Returns frames newly acknowledged by that peer, -1 if
 * the ACK is for another sender or epoch. relay_txq_ack_at also takes a round-trip sample
 * (the newest frame it newly acknowledges that was sent once: Karn's rule) and the window. */
long relay_txq_ack(struct relay_txq *q, unsigned peer, const struct relay_ack *a);
long relay_txq_ack_at(struct relay_txq *q, unsigned peer, const struct relay_ack *a,
                      uint64_t now);
/* Peers of `peers` whose receive window is closed at `now` (entries in flight to it reached
 * the window it announced); 0: a new frame may go to all of them. */
uint64_t relay_txq_closed(const struct relay_txq *q, uint64_t peers, uint64_t now);

struct relay_txq_due {
	uint64_t seq;
	uint64_t peers;           /* resend to these */
	const uint8_t *frame;
	size_t len;
};
/* Frames due at `now` (up to max): their resend time and retry count are advanced. Peers
 * of a frame out of retries are given up on: OR-ed into *gave_up (they need a resync). */
size_t relay_txq_due(struct relay_txq *q, uint64_t now, struct relay_txq_due *out, size_t max,
                     uint64_t *gave_up);
/* Earliest time a resend is due, UINT64_MAX when nothing waits. */
uint64_t relay_txq_next_due(const struct relay_txq *q);
/* Forget a peer (removed, or restarted with a new epoch and resynced): its frames, round-trip
 * estimate and window. */
void relay_txq_drop_peer(struct relay_txq *q, unsigned peer);
/* Frames in flight (slots held). */
static inline size_t relay_txq_inflight(const struct relay_txq *q) { return q->used; }

const char *relay_win_name(enum relay_win v);

#endif
