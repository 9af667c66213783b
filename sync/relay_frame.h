/* sync/relay_frame.h - codec of tandem's sync relay frames (docs/sync-protocol.md): a 32-byte
 * header (magic, version, kind, flags, sender id, epoch, seq, body length, count), a body per
 * kind, and a 16-byte tag (HMAC-SHA256 over header and body, truncated to 128 bits as in
 * RFC 4868). Pure apart from OpenSSL's MAC; no sockets, no clocks. */
#ifndef SYNC_RELAY_FRAME_H
#define SYNC_RELAY_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include "sync/sync_msg.h"

#define RELAY_MAGIC         0x54444d52u     /* "TDMR" */
#define RELAY_VERSION       1
#define RELAY_HDR_LEN       32
#define RELAY_TAG_LEN       16
#define RELAY_OVERHEAD      (RELAY_HDR_LEN + RELAY_TAG_LEN)
#define RELAY_MAX_FRAME     65507           /* largest UDP payload over IPv4 */
#define RELAY_MAX_BODY      (RELAY_MAX_FRAME - RELAY_OVERHEAD)
#define RELAY_KEY_MIN       16
#define RELAY_KEY_MAX       1024
#define RELAY_ACK_MAX_RANGES 64

enum relay_kind {
	RELAY_DATA = 1,          /* body: sync v1 entries; count = entries */
	RELAY_ACK = 2,           /* body: struct relay_ack; count = ranges */
	RELAY_RESYNC_REQ = 3,    /* body: struct relay_resync_req */
	RELAY_RESYNC_END = 4,    /* body: struct relay_resync_end */
	RELAY_HELLO = 5,         /* body: struct relay_hello */
	RELAY_KIND__MAX = RELAY_HELLO
};

/* header flags */
#define RELAY_F_RESYNC      0x0001  /* DATA: part of a bulk resync answer */
#define RELAY_F_ACK_NOW     0x0002  /* DATA/RESYNC_END: acknowledge without delay */
#define RELAY_F_WINDOW      0x0004  /* ACK: the body's second word is the receive window */
#define RELAY_F_KNOWN       (RELAY_F_RESYNC | RELAY_F_ACK_NOW | RELAY_F_WINDOW)

struct relay_hdr {
	uint8_t version;
	uint8_t kind;
	uint16_t flags;
	uint32_t sender;         /* non-zero */
	uint64_t epoch;          /* non-zero; grows with every restart of the sender */
	uint64_t seq;            /* non-zero; one counter per (sender, epoch) for all kinds */
	uint16_t body_len;
	uint16_t count;
};

struct relay_ack_range {
	uint64_t first, last;
};

struct relay_ack {
	uint32_t acked_sender;   /* whose frames are acknowledged */
	uint64_t acked_epoch;
	uint64_t cum;            /* every seq <= cum is received or out of the window */
	uint32_t window;         /* has_window: entries the receiver can still queue for its
	                          * kernel (flow control; sent with RELAY_F_WINDOW) */
	uint8_t has_window;
	uint16_t n;
	struct relay_ack_range r[RELAY_ACK_MAX_RANGES];   /* ascending, disjoint, > cum + 1 */
};

struct relay_resync_req {
	uint32_t target;         /* sender id asked to serve it; 0 = the active one */
};

#define RELAY_RESYNC_DONE    0
#define RELAY_RESYNC_ABORTED 1
struct relay_resync_end {
	uint32_t requester;
	uint32_t status;         /* RELAY_RESYNC_DONE or _ABORTED */
	uint64_t request_seq;    /* seq of the RESYNC_REQ answered */
	uint64_t entries;        /* entries sent for it */
};

#define RELAY_ROLE_UNKNOWN 0
#define RELAY_ROLE_BACKUP  1
#define RELAY_ROLE_MASTER  2
struct relay_hello {
	uint32_t window;         /* receiver's replay window width */
	uint32_t max_frame;      /* largest frame it accepts */
	uint8_t role;
};

#define RELAY_ACK_BODY_LEN(n)       (24 + 16 * (size_t)(n))
#define RELAY_RESYNC_REQ_BODY_LEN   8
#define RELAY_RESYNC_END_BODY_LEN   24
#define RELAY_HELLO_BODY_LEN        12

enum relay_drop {
	RELAY_OK = 0,
	RELAY_DROP_SHORT,        /* shorter than header + tag */
	RELAY_DROP_MAGIC,
	RELAY_DROP_VERSION,
	RELAY_DROP_KIND,
	RELAY_DROP_LENGTH,       /* datagram length != header + body_len + tag */
	RELAY_DROP_ZERO,         /* sender, epoch or seq is 0 */
	RELAY_DROP_MAC,          /* tag does not verify */
	RELAY_DROP_BODY,         /* body malformed for its kind */
	RELAY_DROP__COUNT
};

/* A keyed HMAC-SHA256 context, made once per key; tagging re-initialises a working context
 * from the precomputed keyed state (no key schedule per frame). Not thread-safe: one per
 * thread. */
struct relay_mac;
struct relay_mac *relay_mac_new(const uint8_t *key, size_t keylen);   /* NULL: bad key/OOM */
void relay_mac_free(struct relay_mac *m);
/* full 32-byte HMAC-SHA256 of data; 0 or -1 */
int relay_mac_compute(struct relay_mac *m, const uint8_t *data, size_t len, uint8_t out[32]);

/* Write hdr at frame[0..32), expecting the body already at frame[32 .. 32 + body_len), and
 * append the tag. Returns the frame length, or 0 (cap too small, body too long, MAC error). */
size_t relay_frame_seal(struct relay_mac *m, const struct relay_hdr *h, uint8_t *frame,
                        size_t cap);
/* Header checks only (magic, version, kind, length, zero fields), no MAC: cheap pre-checks
 * such as the replay window can run before the MAC. */
enum relay_drop relay_frame_peek(const uint8_t *frame, size_t len, struct relay_hdr *h);
/* peek + MAC check in constant time. *body points into frame. */
enum relay_drop relay_frame_open(struct relay_mac *m, const uint8_t *frame, size_t len,
                                 struct relay_hdr *h, const uint8_t **body);

/* Packs sync entries into DATA bodies at frame + RELAY_HDR_LEN; a frame never exceeds
 * max_frame bytes. */
struct relay_data_builder {
	uint8_t *frame;
	size_t max_frame;
	size_t body_len;
	uint16_t count;
};
void relay_data_init(struct relay_data_builder *d, uint8_t *frame, size_t max_frame);
/* 0 added, 1 full (seal and start another), -1 the entry cannot be encoded or never fits */
int relay_data_add(struct relay_data_builder *d, const struct sync_entry *e);
int relay_data_add_raw(struct relay_data_builder *d, const uint8_t *raw, size_t len);
/* Fill h's body_len and count from the builder (kind DATA); caller sets the rest. */
void relay_data_hdr(const struct relay_data_builder *d, struct relay_hdr *h);
/* Parse a DATA body: SYNC_OK or why the entries are malformed. */
enum sync_drop relay_data_parse(const struct relay_hdr *h, const uint8_t *body,
                                struct sync_entry *out, size_t max_out, unsigned *n);

/* Bodies of the other kinds: encode returns the body length (0: invalid), decode 0 or -1. */
size_t relay_ack_encode(const struct relay_ack *a, uint8_t *body, size_t cap);
int relay_ack_decode(const struct relay_hdr *h, const uint8_t *body, struct relay_ack *a);
size_t relay_resync_req_encode(const struct relay_resync_req *r, uint8_t *body, size_t cap);
int relay_resync_req_decode(const struct relay_hdr *h, const uint8_t *body,
                            struct relay_resync_req *r);
size_t relay_resync_end_encode(const struct relay_resync_end *r, uint8_t *body, size_t cap);
int relay_resync_end_decode(const struct relay_hdr *h, const uint8_t *body,
                            struct relay_resync_end *r);
size_t relay_hello_encode(const struct relay_hello *hl, uint8_t *body, size_t cap);
int relay_hello_decode(const struct relay_hdr *h, const uint8_t *body, struct relay_hello *hl);

/* Checks a body against its kind (what relay_frame_open's caller does next). */
enum relay_drop relay_body_check(const struct relay_hdr *h, const uint8_t *body);

const char *relay_drop_name(enum relay_drop why);
const char *relay_kind_name(unsigned kind);

#endif
