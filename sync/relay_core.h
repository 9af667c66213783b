/* sync/relay_core.h - the relay's state machine, without sockets or clocks: entries from the
 * local kernel master thread go out as DATA frames to the peers (resend queue, back-pressure),
 * frames from peers are checked (header, own id, peer, replay window, MAC, body) and DATA is
 * handed to the local kernel backup thread as plain sync v1 messages; ACKs, HELLOs, peer
 * liveness and epochs, and bulk resync (requesting and serving, rate-limited) are driven by
 * relay_core_tick with the time passed in. Everything it does to the outside goes through
 * struct relay_io, so tests record it (tests/unit/test_relay_core.c). The socket and libev glue
 * is sync/relay_run.c; the protocol is docs/sync-protocol.md. */
#ifndef SYNC_RELAY_CORE_H
#define SYNC_RELAY_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include "sync/relay_frame.h"
#include "sync/relay_mirror.h"
#include "sync/relay_window.h"
#include "sync/sync_msg.h"

#define RELAY_MAX_PEERS        RELAY_TXQ_MAX_PEERS
#define RELAY_DEST_GROUP       (-1)          /* send_peer: to the multicast group */
#define RELAY_HELLO_US         1000000ull    /* HELLO period */
#define RELAY_DEAD_US          3500000ull    /* a peer silent this long is down */
#define RELAY_GRACE_US         10000000ull   /* a configured unicast peer that has been heard
                                              * still gets DATA queued (resent) until silent
                                              * this long; after that what it misses is pushed
                                              * to it as a resync when it is heard again */
#define RELAY_REREAD_MAX       50000         /* mirrors up to this size are completed from
                                              * the kernel's table at a resync request */
#define RELAY_REREAD_FRESH_US  10000000ull
#define RELAY_ACK_EVERY        32            /* ACK after this many frames received from a peer,
                                              * without waiting for ack_interval */
#define RELAY_RESYNC_RETRY_US  1000000ull    /* a resync request unanswered this long is sent again */
#define RELAY_RESYNC_TICK_US   10000ull      /* pacing step while serving a resync */
#define RELAY_RX_WINDOW        4096          /* entries received and not yet handed to the local
                                              * kernel that a relay holds: its receive window
                                              * (about 110 full frames; enough for a LAN's
                                              * round trip, small enough that what waits in
                                              * the receiver's socket stays well under
                                              * resend_timeout on a slow host) */
#define RELAY_KQ_BYTES         (4u << 20)    /* bytes of kernel messages it holds */
#define RELAY_RTO_MAX_X        4             /* a resend timeout is at most this x resend_timeout */

enum relay_rej {                /* why a frame from a peer was dropped (counted) */
	RELAY_REJ_SHORT = 0, RELAY_REJ_MAGIC, RELAY_REJ_VERSION, RELAY_REJ_KIND, RELAY_REJ_LENGTH,
	RELAY_REJ_ZERO, RELAY_REJ_OWN, RELAY_REJ_BAD_MAC, RELAY_REJ_BAD_BODY, RELAY_REJ_REPLAY,
	RELAY_REJ_TOO_OLD, RELAY_REJ_OLD_EPOCH, RELAY_REJ_UNKNOWN_PEER, RELAY_REJ_TABLE_FULL,
	RELAY_REJ_QUEUE_FULL,       /* DATA while the queue to the local kernel is full */
	RELAY_REJ__COUNT
};
const char *relay_rej_name(enum relay_rej r);   /* "bad_mac", ... (the JSON keys) */

enum relay_ev_kind {
	RELAY_EV_PEER_UP = 1,       /* reason: "heard" or "new epoch" */
	RELAY_EV_PEER_DOWN,
	RELAY_EV_RESYNC,            /* side + phase */
};

struct relay_event {
	enum relay_ev_kind kind;
	int peer;                   /* slot */
	uint32_t sender;
	uint64_t epoch;
	const char *reason;         /* peer events */
	const char *side;           /* "requester" / "server" */
	const char *phase;          /* "requested", "started", "done", "aborted" */
	uint64_t entries;
	double duration;            /* seconds (done / aborted) */
};

/* A source of connections for a resync answer (sync/relay_resync.c reads /proc). */
struct relay_table_src {
	void *(*open)(void *ud);                                    /* NULL: cannot read */
	int (*next)(void *ud, void *h, struct sync_entry *e);       /* 1 entry, 0 end, -1 error */
	void (*close)(void *ud, void *h);
	void *ud;
};

struct relay_io {
	void *ud;
	/* a frame to peer slot `peer` (its address) or RELAY_DEST_GROUP; 0 or -1 */
	int (*send_peer)(void *ud, int peer, const uint8_t *frame, size_t len);
	/* a sync v1 message to the local kernel backup thread */
	int (*inject)(void *ud, const uint8_t *msg, size_t len);
	/* may be NULL (never busy). 1: the kernel backup thread is behind, hold the next
	 * messages in the relay's queue (the glue calls relay_core_kq_pump later) */
	int (*kernel_busy)(void *ud);
	void (*event)(void *ud, const struct relay_event *ev);    /* may be NULL */
	struct relay_table_src table;
	/* may be NULL. Asked to serve a resync from a mirror of at most RELAY_REREAD_MAX
	 * entries: read the kernel's table into the mirror (relay_core_mirror_prime per entry),
	 * since the kernel master never sends some connections (fewer packets than
	 * sync_threshold). 1: done now; 0: reading in the background (the core sets mirror_ready
	 * to 0, the glue sets it to 1 when done; the requester asks again meanwhile); -1: cannot */
	int (*reread)(void *ud);
};

struct relay_core_conf {
	uint32_t sender;            /* non-zero */
	uint64_t epoch;             /* non-zero */
	int multicast;              /* frames to the group; peers learnt from what is heard */
	size_t npeers;              /* unicast: configured peers (addresses set with
	                             * relay_core_set_peer_addr) */
	const uint8_t *key;
	size_t keylen;
	uint32_t max_frame;         /* 512..65507 */
	uint32_t window;            /* replay window */
	uint32_t resend_queue;      /* frames */
	uint64_t ack_interval_us;
	uint64_t resend_timeout_us;
	uint32_t resync_rate;       /* entries/s, 0 = as fast as the queue allows */
	uint8_t syncid;             /* of messages to the local kernel */
	uint32_t local_maxlen;      /* their length limit */
	size_t pending_max;         /* bytes of entries held under back-pressure (0: default) */
	size_t mirror_max;          /* entries of the resync mirror; 0: no mirror (resyncs read
	                             * io.table each time) */
	uint32_t rx_window;         /* entries held for the local kernel (0: RELAY_RX_WINDOW) */
};

struct relay_peer {
	struct sockaddr_storage addr;
	socklen_t alen;
	int used;
	uint32_t sender;            /* 0: not heard yet */
	uint64_t epoch;
	int up;
	uint8_t role;               /* RELAY_ROLE_* from its HELLO */
	uint32_t window, max_frame; /* from its HELLO (0: not known) */
	uint64_t last_heard;        /* us, 0 = never */
	uint64_t epochs;            /* epoch changes seen */
	uint64_t frames;            /* authenticated frames from it */
	int ack_dirty;              /* frames received since the last ACK to it */
	uint32_t rx_unacked;        /* DATA frames received since the last ACK to it */
	int missed;                 /* it lost frames for good (given up, dropped while down, a
	                             * resync to it aborted): push it the table when it is up */
	uint64_t old_epoch_ack;     /* when we last told it (by an ACK) which epoch we know */
	uint32_t adv_room;          /* receive window in our last ACK to it */
	uint64_t last_ack_at;       /* when we sent it */
};

struct relay_counters {
	uint64_t sent, received, resent, acks_sent, acks_received;
	uint64_t rejected[RELAY_REJ__COUNT];
	uint64_t from_kernel, entries_sent, entries_received, to_kernel;
	uint64_t kmsg_in, kmsg_out, kmsg_malformed, kentries_dropped, kentries_skipped;
	uint64_t backpressure_events;
	uint64_t resync_req_sent, resync_served;
	uint64_t send_errors, inject_errors;
	uint64_t epoch_moves;       /* our epoch moved past one a peer knew (our clock went back) */
	uint64_t window_stalls;     /* sending stopped because a peer's receive window was full */
	uint64_t window_updates;    /* ACKs sent because our receive window reopened */
	uint64_t kq_max;            /* most entries held for the local kernel at once */
};

struct relay_resync_last {
	int valid;
	int server;                 /* 1: we served it; 0: we asked */
	uint32_t peer;              /* the other side's sender id */
	uint64_t started, ended;    /* us (ended 0: running) */
	uint64_t entries;
	int status;                 /* 0 running, 1 done, 2 aborted */
};

struct relay_core {
	struct relay_core_conf conf;
	struct relay_io io;
	struct relay_mac *mac;
	struct relay_rxtab rx;
	struct relay_txq txq;
	struct relay_txq_conf txq_conf;
	uint64_t seq;               /* last seq used */
	uint8_t role;               /* our RELAY_ROLE_* */
	struct relay_peer peers[RELAY_MAX_PEERS];
	size_t npeers;              /* slots in use (unicast: the configured ones) */
	struct relay_counters c;
	/* entries from the kernel not yet in a frame (back-pressure): [u16 len][entry] records */
	uint8_t *pend;
	size_t pend_off, pend_len, pend_cap;
	uint64_t pend_n;
	int backpressure;
	/* frame scratch */
	uint8_t *fbuf;
	struct sync_entry *ents;    /* DATA parse scratch */
	size_t ents_cap;
	uint8_t kbuf[SYNC_MSG_MAX_LEN];
	/* received entries as kernel messages not yet handed to the kernel (it was busy):
	 * [u16 len][u16 entries][message] records; what they hold is the receive window */
	uint8_t *kq;
	size_t kq_off, kq_len, kq_cap;
	uint64_t kq_entries;
	int win_blocked;
	uint64_t next_hello, next_ack;
	uint32_t frame_max;         /* frames built: max_frame, or less if a peer announces less */
	/* resync: as requester */
	int want_resync;
	uint64_t req_sent_at, req_seq, req_started, last_resync_data;
	uint64_t req_entries;
	/* resync: as server (one answer at a time) */
	struct {
		int active;
		int peer;
		uint32_t requester;
		uint64_t req_seq;
		void *h;
		uint64_t entries, started, last_tick;
		double tokens;
		struct sync_entry carry;    /* read from the table but not yet in a frame */
		int has_carry;
	} srv;
	struct relay_resync_last last;
	/* every entry seen (from the kernel or a peer): what resyncs are served from */
	int mirror_on;
	int mirror_ready;           /* 0 while the kernel's table is still being read into it:
	                             * requests wait (the requester asks again) */
	struct relay_mirror mirror;
	struct relay_mirror_iter *mit;
	int reread_pending;         /* a request started a read of the kernel's table (at
	                             * reread_at, for requester reread_for at its epoch
	                             * reread_epoch): its next request within
	                             * RELAY_REREAD_FRESH_US is served from the result without
	                             * another read; any other request reads again */
	uint64_t reread_at, reread_epoch;
	uint32_t reread_for;
	uint64_t rereads;           /* such reads started */
};

int relay_core_init(struct relay_core *rc, const struct relay_core_conf *conf,
                    const struct relay_io *io, uint64_t now);
void relay_core_free(struct relay_core *rc);
/* unicast peers: slot i's address (i < conf.npeers) */
int relay_core_set_peer_addr(struct relay_core *rc, size_t i, const struct sockaddr *sa,
                             socklen_t len);
/* our role changed (RELAY_ROLE_*); leaving MASTER (or the first role known) asks for a resync */
void relay_core_set_role(struct relay_core *rc, uint8_t role, uint64_t now);
/* ask the active peer for the whole table (tandemctl sync resync) */
void relay_core_request_resync(struct relay_core *rc, uint64_t now);

/* One datagram of the local kernel master thread: its entries are queued for the peers. */
void relay_core_kernel_msg(struct relay_core *rc, const uint8_t *msg, size_t len, uint64_t now);
/* Pack queued entries into frames and send them as far as the resend queue allows. */
void relay_core_flush(struct relay_core *rc, uint64_t now);
/* Hand queued messages to the local kernel until io.kernel_busy says stop; sends window
 * updates to the peers when room reopened. */
void relay_core_kq_pump(struct relay_core *rc, uint64_t now);
/* The peer socket is drained (a burst of frames ended): acknowledge the DATA received since
 * the last ACK now rather than at the ack timer, so the round trips senders measure do not
 * include an ACK delay and a lost last frame is resent after about resend_timeout. */
void relay_core_rx_idle(struct relay_core *rc, uint64_t now);
/* entries the relay can still take from peers for its kernel (what its ACKs announce) */
uint32_t relay_core_rx_room(const struct relay_core *rc);
/* May the glue read more from the kernel? (0 while back-pressure holds a full buffer) */
int relay_core_can_take(const struct relay_core *rc);

/* One datagram from the peer socket, from address `from`. */
void relay_core_frame(struct relay_core *rc, const uint8_t *buf, size_t len,
                      const struct sockaddr *from, socklen_t fromlen, uint64_t now);

/* Timers: ACKs, resends, HELLOs, liveness, resync pacing and requests. */
void relay_core_tick(struct relay_core *rc, uint64_t now);
/* When tick should run next (absolute us). */
uint64_t relay_core_next(const struct relay_core *rc, uint64_t now);

/* an entry of the kernel's table read at start (relay_run.c): into the mirror unless a newer
 * one is there. 0 / -1 */
int relay_core_mirror_prime(struct relay_core *rc, const struct sync_entry *e, uint64_t now);

/* entries in flight (frames in the resend queue x entries), for the status */
uint64_t relay_core_inflight_entries(const struct relay_core *rc);
/* frames in flight that peer slot i has not acknowledged */
uint64_t relay_core_owed(const struct relay_core *rc, int peer);

#endif
