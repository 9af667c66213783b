/* vrrp/vrrp_pkt.h - the VRRP advert codec: build and parse VRRP v2 (RFC 3768) and v3
 * (RFC 9568) adverts, IPv4 and IPv6, with keepalived's PASS and AH authentication (v2).
 *
 * Pure: no sockets, no globals, no logging, no allocation. Three steps on receive:
 *   vrrp_pkt_parse()    structure, lengths and checksum (needs nothing configured);
 *   vrrp_pkt_validate() the RFC receive checks against one instance's settings (VRID, TTL,
 *                       version, auth incl. the AH ICV and replay check, v2 interval, address
 *                       list); the AH sequence state lives with the caller (per peer);
 *   the caller counts the returned enum vrrp_drop (vrrp_pkt_drop_str() names it).
 * On send, vrrp_pkt_build() gives for IPv4 the whole packet (IPv4 header [+ AH] + VRRP), to
 * be sent on a raw socket with IP_HDRINCL, and for IPv6 the VRRP message alone (the kernel
 * adds the IPv6 header). docs/vrrp-wire.md has the byte layouts and the socket contract. */
#ifndef VRRP_PKT_H
#define VRRP_PKT_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define VRRP_PKT_IPPROTO      112     /* VRRP */
#define VRRP_PKT_IPPROTO_AH   51      /* IPsec AH (keepalived's v2 AH auth) */
#define VRRP_PKT_TTL          255
#define VRRP_PKT_TYPE_ADVERT  1
#define VRRP_PKT_HDR_LEN      8       /* fixed VRRP header */
#define VRRP_PKT_AUTH_LEN     8       /* v2 IPv4 authentication data */
#define VRRP_PKT_AH_LEN       24      /* AH header with a 96-bit ICV */
#define VRRP_PKT_ICV_LEN      12      /* HMAC-MD5-96 */
#define VRRP_PKT_IP4_HDR_LEN  20      /* header we send (no options) */
#define VRRP_PKT_TOS          0xc0    /* internetwork control, as keepalived sends */
#define VRRP_PKT_MAX_ADDRS    255
/* the largest IPv4 packet we build (20 + 24 + 8 + 255 * 4 + 8) and IPv6 message (8 + 255 * 16) */
#define VRRP_PKT_MAX_LEN      4088

/* v2 auth types as on the wire (same values as enum vrrp_auth_type in vrrp_conf.h) */
enum vrrp_pkt_auth { VRRP_PKT_AUTH_NONE = 0, VRRP_PKT_AUTH_PASS = 1, VRRP_PKT_AUTH_AH = 2 };

/* how the checksum of a received advert was found right */
enum vrrp_pkt_csum {
	VRRP_PKT_CSUM_PLAIN = 0,        /* over the VRRP message alone (v2 IPv4; v3 IPv4 without
	                                   pseudo-header, as some vendors send) */
	VRRP_PKT_CSUM_PSEUDO = 1,       /* with the IPv4/IPv6 pseudo-header of the packet's addresses */
	VRRP_PKT_CSUM_PSEUDO_MCAST = 2, /* v3 IPv4 unicast with 224.0.0.18 as the pseudo-header
	                                   destination (keepalived's unicast_chksum_compat) */
};

/* Why a packet was dropped. 0 is not a drop. Keep vrrp_pkt_drop_str() in step. */
enum vrrp_drop {
	VRRP_DROP_NONE = 0,
	VRRP_DROP_TRUNCATED,        /* shorter than its headers or its address list */
	VRRP_DROP_IP_HEADER,        /* IPv4 header: version, IHL, total length vs received,
	                               fragment, header checksum */
	VRRP_DROP_NOT_VRRP,         /* IP protocol not 112/51, or AH not carrying VRRP */
	VRRP_DROP_AH_HEADER,        /* AH length field not 4 (a 96-bit ICV) */
	VRRP_DROP_VERSION,          /* VRRP version neither 2 nor 3 */
	VRRP_DROP_TYPE,             /* type not 1 (advertisement) */
	VRRP_DROP_LENGTH,           /* longer than its address count implies */
	VRRP_DROP_CHECKSUM,
	VRRP_DROP_VRID,             /* another VRID (not ours: the caller may just ignore it) */
	VRRP_DROP_TTL,              /* TTL / hop limit not 255 (multicast instances) */
	VRRP_DROP_VERSION_MISMATCH, /* valid version, not the instance's */
	VRRP_DROP_DST,              /* multicast advert on a unicast instance or the reverse */
	VRRP_DROP_AUTH_TYPE_INVALID,/* v2 auth type not 0, 1 or 2 */
	VRRP_DROP_AUTH_TYPE,        /* auth type (or AH presence) differs from the instance's */
	VRRP_DROP_AUTH_PASS,        /* wrong password */
	VRRP_DROP_AH_ICV,           /* AH HMAC-MD5-96 does not verify (key or mutated fields) */
	VRRP_DROP_AH_SPI,           /* AH SPI is not the source address */
	VRRP_DROP_AH_REPLAY,        /* AH sequence number not above the last one accepted */
	VRRP_DROP_INTERVAL,         /* v2 advert interval differs from the instance's */
	VRRP_DROP_ADDR_COUNT,       /* address count differs from the configured VIPs */
	VRRP_DROP_ADDR_LIST,        /* a configured VIP is missing from the advert */
	VRRP_DROP__COUNT
};

union vrrp_pkt_ip {
	struct in_addr v4;
	struct in6_addr v6;
	uint8_t b[16];
};

/* The advert as the protocol sees it (both directions). */
struct vrrp_advert {
	int family;                 /* AF_INET / AF_INET6 */
	uint8_t version;            /* 2 or 3 */
	uint8_t type;               /* 1 (parse reports what was received) */
	uint8_t vrid;
	uint8_t priority;           /* 0 = master stopping, 255 = address owner */
	uint8_t naddr;
	uint16_t interval;          /* v2: seconds (0-255); v3: centiseconds (0-4095) */
	const uint8_t *addrs;       /* naddr packed addresses, 4 (IPv4) or 16 (IPv6) bytes each,
	                               network order; parse: points into the received buffer */
	enum vrrp_pkt_auth auth_type;   /* v2 IPv4 auth type field; NONE otherwise */
	uint8_t auth_data[VRRP_PKT_AUTH_LEN]; /* v2 IPv4 auth field (PASS: the password) */
};

/* Input of vrrp_pkt_build(). */
struct vrrp_pkt_tx {
	struct vrrp_advert adv;     /* auth_data is ignored: the builder fills it from key */
	union vrrp_pkt_ip src, dst; /* IPv4: the header's addresses; IPv6: for the checksum
	                               (src = the link-local source, dst = ff02::12 or the peer) */
	uint8_t key[VRRP_PKT_AUTH_LEN]; /* PASS / AH password, zero padded (keepalived's rule:
	                                   the first 8 bytes of auth_pass) */
	uint8_t v3_no_pseudo;       /* v3 IPv4: checksum without the pseudo-header */
	uint8_t unicast;            /* AH: the ICV is computed with TTL 0 (keepalived, unicast) */
	uint8_t ttl;                /* IPv4 TTL; 0 = 255 */
	uint16_t ip_id;             /* IPv4 identification; 0 lets the kernel choose (not with AH:
	                               the ICV covers it) */
	uint32_t ah_seq;            /* AH sequence number (the sender counts from 1) */
};

/* Input of vrrp_pkt_parse(): what the raw socket delivered. */
struct vrrp_pkt_rx {
	int family;                 /* AF_INET / AF_INET6 */
	const uint8_t *data;        /* AF_INET: the packet from its IPv4 header on, as an
	                               IPPROTO_VRRP/IPPROTO_AH raw socket delivers it;
	                               AF_INET6: the VRRP message (the socket strips the header) */
	size_t len;
	/* AF_INET6 only, from recvmsg(): */
	int hop_limit;              /* IPV6_HOPLIMIT control message; -1 if absent (not checked) */
	struct in6_addr src;        /* msg_name */
	struct in6_addr dst;        /* IPV6_PKTINFO ipi6_addr (ff02::12 or our unicast address) */
};

/* Output of vrrp_pkt_parse(); points into the rx buffer, valid as long as it is. */
struct vrrp_pkt {
	struct vrrp_advert adv;
	union vrrp_pkt_ip src, dst;
	int ttl;                    /* IPv4 TTL / IPv6 hop limit; -1 unknown */
	uint8_t tos;                /* IPv4 TOS / IPv6 traffic class (0 if unknown) */
	uint16_t ip_id;             /* IPv4 identification */
	uint16_t checksum;          /* VRRP checksum field as received */
	enum vrrp_pkt_csum csum;    /* which checksum variant verified */
	uint8_t has_ah;             /* IPv4 protocol 51 */
	uint32_t ah_spi, ah_seq;    /* host order */
	const uint8_t *ah_icv;      /* VRRP_PKT_ICV_LEN bytes */
	const uint8_t *raw;         /* the whole received data (rx.data) and the VRRP message */
	size_t raw_len;
	const uint8_t *vrrp;
	size_t vrrp_len;
};

/* An instance's receive settings, for vrrp_pkt_validate(). */
struct vrrp_pkt_expect {
	uint8_t version;            /* 2 or 3 */
	uint8_t vrid;
	uint8_t unicast;            /* unicast_peer instance: no TTL 255 check (the caller checks
	                               the peer's min/max TTL), dst must not be multicast, AH ICV
	                               with TTL 0 */
	enum vrrp_pkt_auth auth_type;   /* v2 */
	uint8_t key[VRRP_PKT_AUTH_LEN]; /* PASS / AH password, zero padded */
	uint16_t interval;          /* v2: seconds; must match (v3: not checked, backups adopt) */
	uint8_t check_addrs;        /* compare the address list with addrs/naddr */
	uint8_t naddr;
	const uint8_t *addrs;       /* packed, as in struct vrrp_advert */
	uint8_t ah_check_seq;       /* AH: require ah_seq > ah_last_seq (the caller's per-peer
	                               state; update it to p->ah_seq when the packet is accepted) */
	uint32_t ah_last_seq;
};

/* Build an advert into buf (size bytes). IPv4: IPv4 header (checksum filled in, TOS 0xc0,
 * DF clear, no options) [+ AH] + VRRP; IPv6: the VRRP message with its checksum. Returns the
 * length, or -1 if tx is invalid (version, family, v3 with auth, interval out of range, ...)
 * or buf too small. */
int vrrp_pkt_build(const struct vrrp_pkt_tx *tx, uint8_t *buf, size_t size);

/* Length vrrp_pkt_build() will produce (0 if tx is invalid). */
size_t vrrp_pkt_build_len(const struct vrrp_pkt_tx *tx);

/* Parse a received packet: IPv4 header, AH framing, VRRP version/type, lengths, checksum
 * (v3 IPv4: with the pseudo-header, else with 224.0.0.18 as destination, else without; the
 * variant that verified goes to p->csum). VRRP_DROP_NONE and *p filled, or the reason. */
enum vrrp_drop vrrp_pkt_parse(const struct vrrp_pkt_rx *rx, struct vrrp_pkt *p);

/* The receive checks of RFC 3768 section 7.1 / RFC 9568 section 7.1 that depend on the
 * instance, in keepalived 2.2.7's order. Whether the local router is the address owner and
 * what a priority means are the state machine's business, not the codec's. */
enum vrrp_drop vrrp_pkt_validate(const struct vrrp_pkt *p, const struct vrrp_pkt_expect *e);

/* The 8-byte key keepalived derives from auth_pass: its first 8 bytes, zero padded (for PASS
 * the auth data, for AH the HMAC key). pass may be NULL (all zero). */
void vrrp_pkt_key(const char *pass, uint8_t key[VRRP_PKT_AUTH_LEN]);

/* Short stable name of a drop reason ("checksum", "auth_pass", ...) for counters and
 * status; "unknown" for values out of range. */
const char *vrrp_pkt_drop_str(enum vrrp_drop reason);

/* Internet checksum (RFC 1071): vrrp_pkt_csum_add() sums data as big-endian 16-bit words
 * onto a partial sum (0 to start; every chunk but the last must have an even length);
 * vrrp_pkt_csum_fold() gives the one's-complement result, to be stored big-endian (a sum over
 * data that includes a correct checksum folds to 0). */
uint32_t vrrp_pkt_csum_add(uint32_t sum, const uint8_t *data, size_t len);
uint16_t vrrp_pkt_csum_fold(uint32_t sum);

#endif
