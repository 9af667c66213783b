/* vrrp/vrrp_pkt.c - build, parse and validate VRRP v2/v3 adverts (IPv4 with optional
 * keepalived-style AH, IPv6). Pure: everything goes through the caller's buffers and structs.
 * Layouts and the reasons behind each check: docs/vrrp-wire.md. */
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include "vrrp/vrrp_pkt.h"
#include "vrrp/vrrp_auth.h"

#define IP4_MCAST_GROUP 0xe0000012u     /* 224.0.0.18, host order */

static const char *const drop_names[VRRP_DROP__COUNT] = {
	[VRRP_DROP_NONE] = "none",
	[VRRP_DROP_TRUNCATED] = "truncated",
	[VRRP_DROP_IP_HEADER] = "ip_header",
	[VRRP_DROP_NOT_VRRP] = "not_vrrp",
	[VRRP_DROP_AH_HEADER] = "ah_header",
	[VRRP_DROP_VERSION] = "version",
	[VRRP_DROP_TYPE] = "type",
	[VRRP_DROP_LENGTH] = "length",
	[VRRP_DROP_CHECKSUM] = "checksum",
	[VRRP_DROP_VRID] = "vrid",
	[VRRP_DROP_TTL] = "ttl",
	[VRRP_DROP_VERSION_MISMATCH] = "version_mismatch",
	[VRRP_DROP_DST] = "dst",
	[VRRP_DROP_AUTH_TYPE_INVALID] = "auth_type_invalid",
	[VRRP_DROP_AUTH_TYPE] = "auth_type",
	[VRRP_DROP_AUTH_PASS] = "auth_pass",
	[VRRP_DROP_AH_ICV] = "ah_icv",
	[VRRP_DROP_AH_SPI] = "ah_spi",
	[VRRP_DROP_AH_REPLAY] = "ah_replay",
	[VRRP_DROP_INTERVAL] = "interval",
	[VRRP_DROP_ADDR_COUNT] = "addr_count",
	[VRRP_DROP_ADDR_LIST] = "addr_list",
};

const char *vrrp_pkt_drop_str(enum vrrp_drop reason)
{
	if ((unsigned)reason >= VRRP_DROP__COUNT || !drop_names[reason])
		return "unknown";
	return drop_names[reason];
}

void vrrp_pkt_key(const char *pass, uint8_t key[VRRP_PKT_AUTH_LEN])
{
	size_t n = pass ? strnlen(pass, VRRP_PKT_AUTH_LEN) : 0;

	memset(key, 0, VRRP_PKT_AUTH_LEN);
	if (n)
		memcpy(key, pass, n);
}

/* ---- checksums ---- */

uint32_t vrrp_pkt_csum_add(uint32_t sum, const uint8_t *data, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		sum += (uint32_t)data[i] << 8 | data[i + 1];
		sum = (sum & 0xffff) + (sum >> 16);
	}
	if (len & 1) {
		sum += (uint32_t)data[len - 1] << 8;
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return sum;
}

uint16_t vrrp_pkt_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* partial sum of the pseudo-header (RFC 768-style for IPv4, RFC 8200 8.1 for IPv6) */
static uint32_t pseudo_sum(int family, const uint8_t *src, const uint8_t *dst, size_t len)
{
	uint8_t tail[8] = { 0 };
	size_t alen = family == AF_INET ? 4 : 16;
	uint32_t sum = vrrp_pkt_csum_add(0, src, alen);

	sum = vrrp_pkt_csum_add(sum, dst, alen);
	if (family == AF_INET) {
		tail[1] = VRRP_PKT_IPPROTO;
		put16(tail + 2, (uint16_t)len);
		return vrrp_pkt_csum_add(sum, tail, 4);
	}
	put32(tail, (uint32_t)len);
	tail[7] = VRRP_PKT_IPPROTO;
	return vrrp_pkt_csum_add(sum, tail, 8);
}

/* ---- build ---- */

static size_t addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

/* VRRP message length for an advert (v2 IPv4 carries the 8 auth bytes; keepalived's v2 over
 * IPv6 does not) */
static size_t vrrp_msg_len(int family, int version, unsigned naddr)
{
	size_t len = VRRP_PKT_HDR_LEN + naddr * addr_len(family);

	if (family == AF_INET && version == 2)
		len += VRRP_PKT_AUTH_LEN;
	return len;
}

size_t vrrp_pkt_build_len(const struct vrrp_pkt_tx *tx)
{
	const struct vrrp_advert *a = &tx->adv;
	size_t len;

	if (a->family != AF_INET && a->family != AF_INET6)
		return 0;
	if (a->version != 2 && a->version != 3)
		return 0;
	if (a->naddr && !a->addrs)
		return 0;
	if (a->type > 15)
		return 0;
	if ((a->version == 2 && a->interval > 255) || (a->version == 3 && a->interval > 4095))
		return 0;
	if (a->auth_type != VRRP_PKT_AUTH_NONE &&
	    (a->version != 2 || a->family != AF_INET ||
	     (a->auth_type != VRRP_PKT_AUTH_PASS && a->auth_type != VRRP_PKT_AUTH_AH)))
		return 0;
	len = vrrp_msg_len(a->family, a->version, a->naddr);
	if (a->family == AF_INET) {
		len += VRRP_PKT_IP4_HDR_LEN;
		if (a->auth_type == VRRP_PKT_AUTH_AH)
			len += VRRP_PKT_AH_LEN;
	}
	return len;
}

int vrrp_pkt_build(const struct vrrp_pkt_tx *tx, uint8_t *buf, size_t size)
{
	const struct vrrp_advert *a = &tx->adv;
	size_t total = vrrp_pkt_build_len(tx), alen = addr_len(a->family), mlen, off = 0;
	int ah = a->auth_type == VRRP_PKT_AUTH_AH;
	uint8_t *ip = buf, *v;
	uint32_t sum;

	if (!total || total > size)
		return -1;
	memset(buf, 0, total);
	mlen = vrrp_msg_len(a->family, a->version, a->naddr);
	if (a->family == AF_INET) {
		ip[0] = 0x45;
		ip[1] = VRRP_PKT_TOS;
		put16(ip + 2, (uint16_t)total);
		put16(ip + 4, tx->ip_id);
		/* ip[6..7]: no DF, no fragment */
		ip[8] = tx->ttl ? tx->ttl : VRRP_PKT_TTL;
		ip[9] = ah ? VRRP_PKT_IPPROTO_AH : VRRP_PKT_IPPROTO;
		memcpy(ip + 12, tx->src.b, 4);
		memcpy(ip + 16, tx->dst.b, 4);
		off = VRRP_PKT_IP4_HDR_LEN;
		if (ah) {
			uint8_t *h = buf + off;

			h[0] = VRRP_PKT_IPPROTO;
			h[1] = (VRRP_PKT_AH_LEN / 4) - 2;   /* 32-bit words minus 2: 4 */
			memcpy(h + 4, tx->src.b, 4);        /* SPI: the sender's address */
			put32(h + 8, tx->ah_seq);
			off += VRRP_PKT_AH_LEN;
		}
	}
	v = buf + off;
	v[0] = (uint8_t)(a->version << 4 | (a->type ? a->type : VRRP_PKT_TYPE_ADVERT));
	v[1] = a->vrid;
	v[2] = a->priority;
	v[3] = a->naddr;
	if (a->version == 2) {
		v[4] = a->family == AF_INET ? (uint8_t)a->auth_type : 0;
		v[5] = (uint8_t)a->interval;
	} else {
		put16(v + 4, a->interval & 0x0fff);
	}
	if (a->naddr)
		memcpy(v + VRRP_PKT_HDR_LEN, a->addrs, a->naddr * alen);
	if (a->family == AF_INET && a->version == 2 && a->auth_type == VRRP_PKT_AUTH_PASS)
		memcpy(v + VRRP_PKT_HDR_LEN + a->naddr * alen, tx->key, VRRP_PKT_AUTH_LEN);

	if (a->family == AF_INET6)
		sum = pseudo_sum(AF_INET6, tx->src.b, tx->dst.b, mlen);
	else if (a->version == 3 && !tx->v3_no_pseudo)
		sum = pseudo_sum(AF_INET, tx->src.b, tx->dst.b, mlen);
	else
		sum = 0;
	put16(v + 6, vrrp_pkt_csum_fold(vrrp_pkt_csum_add(sum, v, mlen)));

	if (ah && vrrp_auth_ah_icv(buf, total, VRRP_PKT_IP4_HDR_LEN, tx->unicast, tx->key,
	                           buf + VRRP_PKT_IP4_HDR_LEN + 12) < 0)
		return -1;
	if (a->family == AF_INET)
		put16(ip + 10, vrrp_pkt_csum_fold(vrrp_pkt_csum_add(0, ip, VRRP_PKT_IP4_HDR_LEN)));
	return (int)total;
}

/* ---- parse ---- */

/* IPv4 header and AH framing; sets p->src/dst/ttl/tos/ip_id/has_ah/ah_* and p->vrrp */
static enum vrrp_drop parse_ip4(const uint8_t *d, size_t len, struct vrrp_pkt *p)
{
	size_t ihl, tot;

	if (len < 20)
		return VRRP_DROP_TRUNCATED;
	if (d[0] >> 4 != 4 || (d[0] & 0x0f) < 5)
		return VRRP_DROP_IP_HEADER;
	ihl = (size_t)(d[0] & 0x0f) * 4;
	if (len < ihl)
		return VRRP_DROP_TRUNCATED;
	tot = get16(d + 2);
	if (tot > len)
		return VRRP_DROP_TRUNCATED;
	if (tot != len || tot < ihl)
		return VRRP_DROP_IP_HEADER;
	if (get16(d + 6) & 0x3fff)          /* MF or a fragment offset */
		return VRRP_DROP_IP_HEADER;
	if (vrrp_pkt_csum_fold(vrrp_pkt_csum_add(0, d, ihl)) != 0)
		return VRRP_DROP_IP_HEADER;
	p->tos = d[1];
	p->ip_id = get16(d + 4);
	p->ttl = d[8];
	memcpy(p->src.b, d + 12, 4);
	memcpy(p->dst.b, d + 16, 4);
	if (d[9] == VRRP_PKT_IPPROTO) {
		p->vrrp = d + ihl;
		p->vrrp_len = len - ihl;
		return VRRP_DROP_NONE;
	}
	if (d[9] != VRRP_PKT_IPPROTO_AH)
		return VRRP_DROP_NOT_VRRP;
	if (len < ihl + VRRP_PKT_AH_LEN)
		return VRRP_DROP_TRUNCATED;
	if (d[ihl] != VRRP_PKT_IPPROTO)
		return VRRP_DROP_NOT_VRRP;
	if (d[ihl + 1] != VRRP_PKT_AH_LEN / 4 - 2)
		return VRRP_DROP_AH_HEADER;
	p->has_ah = 1;
	p->ah_spi = get32(d + ihl + 4);
	p->ah_seq = get32(d + ihl + 8);
	p->ah_icv = d + ihl + 12;
	p->vrrp = d + ihl + VRRP_PKT_AH_LEN;
	p->vrrp_len = len - ihl - VRRP_PKT_AH_LEN;
	return VRRP_DROP_NONE;
}

static enum vrrp_drop check_csum(const struct vrrp_pkt_rx *rx, struct vrrp_pkt *p, size_t mlen)
{
	const uint8_t *v = p->vrrp;
	uint8_t mcast[4];

	if (rx->family == AF_INET6) {
		if (vrrp_pkt_csum_fold(vrrp_pkt_csum_add(pseudo_sum(AF_INET6, p->src.b, p->dst.b, mlen),
		                                         v, mlen)))
			return VRRP_DROP_CHECKSUM;
		p->csum = VRRP_PKT_CSUM_PSEUDO;
		return VRRP_DROP_NONE;
	}
	if (p->adv.version == 2) {
		if (vrrp_pkt_csum_fold(vrrp_pkt_csum_add(0, v, mlen)))
			return VRRP_DROP_CHECKSUM;
		p->csum = VRRP_PKT_CSUM_PLAIN;
		return VRRP_DROP_NONE;
	}
	/* v3 IPv4: the pseudo-header way (RFC 9568, keepalived), then keepalived's old unicast
	 * way (multicast group as destination), then without pseudo-header (some vendors) */
	if (!vrrp_pkt_csum_fold(vrrp_pkt_csum_add(pseudo_sum(AF_INET, p->src.b, p->dst.b, mlen),
	                                          v, mlen))) {
		p->csum = VRRP_PKT_CSUM_PSEUDO;
		return VRRP_DROP_NONE;
	}
	put32(mcast, IP4_MCAST_GROUP);
	if (memcmp(mcast, p->dst.b, 4) &&
	    !vrrp_pkt_csum_fold(vrrp_pkt_csum_add(pseudo_sum(AF_INET, p->src.b, mcast, mlen),
	                                          v, mlen))) {
		p->csum = VRRP_PKT_CSUM_PSEUDO_MCAST;
		return VRRP_DROP_NONE;
	}
	if (!vrrp_pkt_csum_fold(vrrp_pkt_csum_add(0, v, mlen))) {
		p->csum = VRRP_PKT_CSUM_PLAIN;
		return VRRP_DROP_NONE;
	}
	return VRRP_DROP_CHECKSUM;
}

enum vrrp_drop vrrp_pkt_parse(const struct vrrp_pkt_rx *rx, struct vrrp_pkt *p)
{
	enum vrrp_drop r;
	const uint8_t *v;
	size_t mlen;

	memset(p, 0, sizeof *p);
	p->ttl = -1;
	if (!rx->data)
		return VRRP_DROP_TRUNCATED;
	p->raw = rx->data;
	p->raw_len = rx->len;
	if (rx->family == AF_INET) {
		if ((r = parse_ip4(rx->data, rx->len, p)) != VRRP_DROP_NONE)
			return r;
	} else if (rx->family == AF_INET6) {
		p->vrrp = rx->data;
		p->vrrp_len = rx->len;
		p->ttl = rx->hop_limit >= 0 && rx->hop_limit <= 255 ? rx->hop_limit : -1;
		memcpy(p->src.b, &rx->src, 16);
		memcpy(p->dst.b, &rx->dst, 16);
	} else {
		return VRRP_DROP_NOT_VRRP;
	}
	if (p->vrrp_len < VRRP_PKT_HDR_LEN)
		return VRRP_DROP_TRUNCATED;
	v = p->vrrp;
	p->adv.family = rx->family;
	p->adv.version = v[0] >> 4;
	p->adv.type = v[0] & 0x0f;
	if (p->adv.version != 2 && p->adv.version != 3)
		return VRRP_DROP_VERSION;
	if (p->adv.type != VRRP_PKT_TYPE_ADVERT)
		return VRRP_DROP_TYPE;
	p->adv.vrid = v[1];
	p->adv.priority = v[2];
	p->adv.naddr = v[3];
	p->checksum = get16(v + 6);
	mlen = vrrp_msg_len(rx->family, p->adv.version, p->adv.naddr);
	if (p->vrrp_len < mlen)
		return VRRP_DROP_TRUNCATED;
	if (p->vrrp_len > mlen)
		return VRRP_DROP_LENGTH;
	if (p->adv.version == 2) {
		p->adv.interval = v[5];
		if (rx->family == AF_INET) {
			p->adv.auth_type = (enum vrrp_pkt_auth)v[4];
			memcpy(p->adv.auth_data, v + mlen - VRRP_PKT_AUTH_LEN, VRRP_PKT_AUTH_LEN);
		}
	} else {
		p->adv.interval = get16(v + 4) & 0x0fff;
	}
	p->adv.addrs = p->adv.naddr ? v + VRRP_PKT_HDR_LEN : NULL;
	return check_csum(rx, p, mlen);
}

/* ---- validate ---- */

static int is_multicast(const struct vrrp_pkt *p)
{
	if (p->adv.family == AF_INET)
		return (p->dst.b[0] & 0xf0) == 0xe0;
	return p->dst.b[0] == 0xff;
}

static int dst_known(const struct vrrp_pkt *p)
{
	static const uint8_t zero[16];

	return memcmp(p->dst.b, zero, addr_len(p->adv.family)) != 0;
}

/* every configured address is in the advert (order free, as keepalived compares) */
static int addrs_match(const struct vrrp_pkt *p, const struct vrrp_pkt_expect *e)
{
	size_t alen = addr_len(p->adv.family);

	for (unsigned i = 0; i < e->naddr; i++) {
		unsigned j;

		for (j = 0; j < p->adv.naddr; j++)
			if (!memcmp(e->addrs + i * alen, p->adv.addrs + j * alen, alen))
				break;
		if (j == p->adv.naddr)
			return 0;
	}
	return 1;
}

static enum vrrp_drop check_auth(const struct vrrp_pkt *p, const struct vrrp_pkt_expect *e)
{
	const struct vrrp_advert *a = &p->adv;
	uint8_t icv[VRRP_PKT_ICV_LEN];
	size_t ihl;

	if (a->auth_type != VRRP_PKT_AUTH_NONE && a->auth_type != VRRP_PKT_AUTH_PASS &&
	    a->auth_type != VRRP_PKT_AUTH_AH)
		return VRRP_DROP_AUTH_TYPE_INVALID;
	if (a->auth_type != e->auth_type)
		return VRRP_DROP_AUTH_TYPE;
	if (e->auth_type == VRRP_PKT_AUTH_PASS) {
		if (!vrrp_auth_equal(a->auth_data, e->key, VRRP_PKT_AUTH_LEN))
			return VRRP_DROP_AUTH_PASS;
	} else if (e->auth_type == VRRP_PKT_AUTH_AH) {
		ihl = (size_t)(p->vrrp - p->raw) - VRRP_PKT_AH_LEN;
		if (vrrp_auth_ah_icv(p->raw, p->raw_len, ihl, e->unicast, e->key, icv) < 0 ||
		    !vrrp_auth_equal(icv, p->ah_icv, VRRP_PKT_ICV_LEN))
			return VRRP_DROP_AH_ICV;
		if (p->ah_spi != get32(p->src.b))
			return VRRP_DROP_AH_SPI;
		if (e->ah_check_seq && p->ah_seq <= e->ah_last_seq)
			return VRRP_DROP_AH_REPLAY;
	}
	return VRRP_DROP_NONE;
}

enum vrrp_drop vrrp_pkt_validate(const struct vrrp_pkt *p, const struct vrrp_pkt_expect *e)
{
	const struct vrrp_advert *a = &p->adv;
	enum vrrp_drop r;
	int want_ah = e->version == 2 && e->auth_type == VRRP_PKT_AUTH_AH;

	if (a->vrid != e->vrid)
		return VRRP_DROP_VRID;
	/* AH present iff the instance uses AH (keepalived checks this first) */
	if (a->family == AF_INET && p->has_ah != want_ah)
		return VRRP_DROP_AUTH_TYPE;
	if (!e->unicast && p->ttl >= 0 && p->ttl != VRRP_PKT_TTL)
		return VRRP_DROP_TTL;
	if (a->version != e->version)
		return VRRP_DROP_VERSION_MISMATCH;
	if (a->version == 2) {
		if ((r = check_auth(p, e)) != VRRP_DROP_NONE)
			return r;
		if (a->interval != e->interval)
			return VRRP_DROP_INTERVAL;
	}
	if (dst_known(p) && is_multicast(p) == !!e->unicast)
		return VRRP_DROP_DST;
	if (e->check_addrs) {
		if (a->naddr != e->naddr)
			return VRRP_DROP_ADDR_COUNT;
		if (!addrs_match(p, e))
			return VRRP_DROP_ADDR_LIST;
	}
	return VRRP_DROP_NONE;
}
