/* sync/sync_msg.h - codec for the Linux kernel's IPVS connection sync protocol, versions 0 and
 * 1 (the datagrams the kernel's master sync thread sends and its backup thread reads): parse a
 * datagram into plain entries, with the reason the kernel's backup thread would drop it, and
 * build v1 messages within a length limit. Pure: no I/O, no allocation, no globals.
 * The receive rules mirrored here are listed in docs/sync-protocol.md ("Kernel sync protocol"). */
#ifndef SYNC_MSG_H
#define SYNC_MSG_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define SYNC_V0_HDR_LEN     4       /* nr_conns, syncid, size */
#define SYNC_V1_HDR_LEN     8       /* reserved 0, syncid, size, nr_conns, version 1, spare 0 */
#define SYNC_V0_CONN_LEN    24      /* v0 entry without options */
#define SYNC_V1_V4_LEN      36      /* v1 IPv4 entry without options */
#define SYNC_V1_V6_LEN      72      /* v1 IPv6 entry without options */
#define SYNC_SEQ_LEN        24      /* in_seq + out_seq, 3 x u32 each */
#define SYNC_PE_DATA_MAX    255
#define SYNC_PE_NAME_MAX    16
#define SYNC_MAX_CONNS      255     /* nr_conns is one byte */
#define SYNC_ENTRY_MAX_LEN  0x0fff  /* v1 entry size field: low 12 bits of ver_size */
#define SYNC_MSG_MAX_LEN    65535   /* size field is 16 bits */
#define SYNC_V1_ENTRY_MAX   (SYNC_V1_V6_LEN + 2 + SYNC_SEQ_LEN + 2 + SYNC_PE_DATA_MAX + \
                             2 + SYNC_PE_NAME_MAX)

/* v1 option types (one byte type, one byte length, data) */
#define SYNC_OPT_SEQ        1
#define SYNC_OPT_PE_DATA    2
#define SYNC_OPT_PE_NAME    3
#define SYNC_OPT_F_OPTIONAL 0x40    /* an unknown type with this bit set is skipped */

/* entry type byte (v1) */
#define SYNC_TYPE_F_INET6   0x01

/* Why a whole datagram is dropped. The kernel's backup thread stops at the first of these
 * (entries before it have already been applied: sync_msg.n says how many). */
enum sync_drop {
	SYNC_OK = 0,
	SYNC_DROP_SHORT,          /* fewer than 4 bytes */
	SYNC_DROP_SIZE,           /* header size field != datagram length */
	SYNC_DROP_SYNCID,         /* not the syncid asked for */
	SYNC_DROP_V0_ENTRY,       /* v0: entry reaches past the end */
	SYNC_DROP_V0_OPTIONS,     /* v0: sequence options reach past the end */
	SYNC_DROP_ENTRY_SHORT,    /* v1: fewer than 36 bytes left for the next entry */
	SYNC_DROP_ENTRY_SIZE,     /* v1: entry size reaches past the end */
	SYNC_DROP_ENTRY_VERSION,  /* v1: entry version bits (top 4 of ver_size) not 0 */
	SYNC_DROP_ENTRY_TYPE,     /* v1: type neither 0 nor with the IPv6 bit */
	SYNC_DROP_ENTRY_BASE,     /* v1: entry size smaller than its fixed part */
	SYNC_DROP_OPT_HEADER,     /* v1: one byte left where an option header starts */
	SYNC_DROP_OPT_LEN,        /* v1: option length 0 or past the entry */
	SYNC_DROP_OPT_SEQ,        /* v1: SEQ option not 24 bytes, or twice */
	SYNC_DROP_OPT_PE_DATA,    /* v1: PE data option twice */
	SYNC_DROP_OPT_PE_NAME,    /* v1: PE name longer than 16 bytes, or twice */
	SYNC_DROP_TOO_MANY,       /* more entries than the caller's array holds (ours) */
	SYNC_DROP_TRAILING,       /* bytes after the last entry (relay bodies only; ours) */
	SYNC_DROP__COUNT
};

/* Why the kernel ignores one entry and goes on with the next (the entry is still returned). */
enum sync_skip {
	SYNC_SKIP_NONE = 0,
	SYNC_SKIP_MANDATORY_OPT,  /* v1: unknown option type without SYNC_OPT_F_OPTIONAL */
	SYNC_SKIP_PROTOCOL,       /* not TCP, UDP, SCTP, AH or ESP (not a template) */
	SYNC_SKIP_STATE,          /* state out of range for the protocol (not a template) */
	SYNC_SKIP_PE,             /* v1: PE data without a PE name */
	SYNC_SKIP__COUNT
};

union sync_addr {
	struct in_addr v4;
	struct in6_addr v6;
	uint8_t b[16];
};

struct sync_seq {
	uint32_t init_seq, delta, previous_delta;
};

/* One connection (or persistence template when flags has IP_VS_CONN_F_TEMPLATE). Ports are
 * in host order, addresses as on the wire. For building, fill af, protocol, flags, state,
 * ports, fwmark, timeout, addresses and the options; the other fields are ignored. */
struct sync_entry {
	uint8_t af;               /* AF_INET or AF_INET6 */
	uint8_t protocol;         /* IPPROTO_TCP, IPPROTO_UDP, ... */
	uint8_t version;          /* parsed from a v0 or v1 message */
	uint8_t skip;             /* enum sync_skip (parse only) */
	uint32_t flags;           /* IP_VS_CONN_F_* as sent (v0: 16 bits) */
	uint16_t state;
	uint16_t cport, vport, dport;
	uint32_t fwmark;          /* v1 only */
	uint32_t timeout;         /* seconds; v0 has none (0: the kernel uses its default) */
	union sync_addr caddr, vaddr, daddr;
	uint8_t has_seq;
	uint8_t pe_data_len;
	uint8_t pe_name_len;
	struct sync_seq in_seq, out_seq;
	const uint8_t *pe_data;   /* parse: points into the parsed buffer */
	char pe_name[SYNC_PE_NAME_MAX + 1];
	const uint8_t *raw;       /* parse: the entry's bytes in the buffer (no padding) */
	uint16_t raw_len;
};

struct sync_msg {
	uint8_t version;          /* 0 or 1 */
	uint8_t syncid;
	uint16_t size;
	uint8_t nr_conns;         /* as in the header */
	uint16_t n;               /* entries returned (all nr_conns unless dropped) */
	uint16_t skipped;         /* of those, entries the kernel ignores (skip != 0) */
	size_t end;               /* offset after the last entry parsed */
};

/* Parse one datagram as the kernel's backup thread reads it. want_syncid 0 accepts any
 * syncid (as a backup started with syncid 0). Returns SYNC_OK or the drop reason; entries
 * up to the failure are in out[0 .. msg->n). max_out >= SYNC_MAX_CONNS never gives
 * SYNC_DROP_TOO_MANY. Datagrams shorter than 8 bytes are read as v0. */
enum sync_drop sync_msg_parse(const uint8_t *buf, size_t len, uint8_t want_syncid,
                              struct sync_msg *msg, struct sync_entry *out, size_t max_out);

/* Parse n v1 entries laid out as in a v1 message body (each entry starts 4-byte aligned
 * relative to buf) from buf[0 .. len); *end = offset after the last entry. The same rules as
 * sync_msg_parse, plus SYNC_DROP_TRAILING when bytes follow the last entry. *n_out says how
 * many entries were returned. */
enum sync_drop sync_v1_entries_parse(const uint8_t *buf, size_t len, unsigned n,
                                     struct sync_entry *out, size_t max_out,
                                     unsigned *n_out, size_t *end);

/* Encoded v1 length of an entry (no padding), 0 when it cannot be encoded (bad af, PE name
 * over 16 bytes, PE name without PE data, ...). */
size_t sync_entry_v1_len(const struct sync_entry *e);
/* Encode one v1 entry; returns its length or 0 (invalid, or cap too small). */
size_t sync_entry_v1_encode(const struct sync_entry *e, uint8_t *out, size_t cap);

/* Build v1 messages the way the kernel's master thread does: entries 4-byte aligned, the
 * padding written before the next entry (a message's last entry is not padded). */
struct sync_builder {
	uint8_t *buf;
	size_t maxlen;            /* message length limit, clamped to [44, 65535] */
	size_t len;               /* bytes used, header included */
	uint8_t syncid;
	uint8_t nr;
};
void sync_builder_init(struct sync_builder *b, uint8_t *buf, size_t maxlen, uint8_t syncid);
/* 0: added; 1: no room (finish this message, start another); -1: the entry cannot be encoded
 * or never fits in maxlen */
int sync_builder_add(struct sync_builder *b, const struct sync_entry *e);
/* Append an entry's encoded bytes as they are (len from a parsed entry's raw_len). */
int sync_builder_add_raw(struct sync_builder *b, const uint8_t *raw, size_t len);
/* Write the header; returns the message length, 0 when no entry was added. The builder can
 * then be reused with sync_builder_init. */
size_t sync_builder_finish(struct sync_builder *b);

/* A v0 message (IPv4 only; SEQ options in host byte order as the kernel copies them).
 * Returns its length, 0 when an entry is not IPv4 or the buffer is too small. */
size_t sync_msg_build_v0(const struct sync_entry *e, size_t n, uint8_t syncid,
                         uint8_t *out, size_t cap);

const char *sync_drop_name(enum sync_drop why);
const char *sync_skip_name(enum sync_skip why);

#endif
