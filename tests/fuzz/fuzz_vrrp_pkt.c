/* tests/fuzz/fuzz_vrrp_pkt.c - libFuzzer target for the VRRP advert codec (vrrp/vrrp_pkt.c).
 *
 * Input: [flags][key: 8 bytes][IPv6 only: hop limit, src 16, dst 16][packet]. flags bit 0:
 * IPv6 (else IPv4 with its header), bit 1: unicast instance, bit 2: compare addresses,
 * bits 3-4: the instance's auth type, bit 5: AH sequence check (last = 1).
 * Checks: parse and validate never crash or read out of bounds; and for every packet that
 * parses, the advert rebuilt from the parsed fields parses back to the same fields and
 * validates against an instance configured like it (round trip parse(build(x)) == x).
 * Seeds: tests/fuzz/corpus/vrrp_pkt/ (the keepalived captures, tests/data/vrrp/mkcorpus.py). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "vrrp/vrrp_pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t alen(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

static int multicast(const struct vrrp_pkt *p)
{
	return p->adv.family == AF_INET ? (p->dst.b[0] & 0xf0) == 0xe0 : p->dst.b[0] == 0xff;
}

static void same_advert(const struct vrrp_pkt *a, const struct vrrp_pkt *b)
{
	if (a->adv.family != b->adv.family || a->adv.version != b->adv.version ||
	    a->adv.type != b->adv.type || a->adv.vrid != b->adv.vrid ||
	    a->adv.priority != b->adv.priority || a->adv.naddr != b->adv.naddr ||
	    a->adv.interval != b->adv.interval || a->adv.auth_type != b->adv.auth_type)
		abort();
	if (a->adv.naddr && memcmp(a->adv.addrs, b->adv.addrs, a->adv.naddr * alen(a->adv.family)))
		abort();
	if (a->adv.auth_type == VRRP_PKT_AUTH_PASS &&
	    memcmp(a->adv.auth_data, b->adv.auth_data, VRRP_PKT_AUTH_LEN))
		abort();
	if (memcmp(a->src.b, b->src.b, alen(a->adv.family)) ||
	    memcmp(a->dst.b, b->dst.b, alen(a->adv.family)))
		abort();
}

static void round_trip(const struct vrrp_pkt *p, const uint8_t key[8])
{
	static uint8_t buf[VRRP_PKT_MAX_LEN];
	struct vrrp_pkt_tx tx;
	struct vrrp_pkt_rx rx;
	struct vrrp_pkt q;
	struct vrrp_pkt_expect e;
	int n, valid_auth = p->adv.auth_type <= VRRP_PKT_AUTH_AH;

	memset(&tx, 0, sizeof tx);
	tx.adv = p->adv;
	memcpy(tx.key, p->adv.auth_type == VRRP_PKT_AUTH_PASS ? p->adv.auth_data : key, 8);
	tx.src = p->src;
	tx.dst = p->dst;
	tx.v3_no_pseudo = p->csum == VRRP_PKT_CSUM_PLAIN;
	tx.unicast = !multicast(p);
	tx.ttl = VRRP_PKT_TTL;
	tx.ip_id = p->ip_id;
	tx.ah_seq = p->ah_seq;
	n = vrrp_pkt_build(&tx, buf, sizeof buf);
	if (n < 0) {
		if (valid_auth)
			abort();        /* everything parse accepts with a defined auth type builds */
		return;
	}
	if ((size_t)n != vrrp_pkt_build_len(&tx))
		abort();

	memset(&rx, 0, sizeof rx);
	rx.family = p->adv.family;
	rx.data = buf;
	rx.len = (size_t)n;
	rx.hop_limit = VRRP_PKT_TTL;
	memcpy(&rx.src, p->src.b, 16);
	memcpy(&rx.dst, p->dst.b, 16);
	if (vrrp_pkt_parse(&rx, &q) != VRRP_DROP_NONE)
		abort();
	same_advert(p, &q);
	if (p->adv.family == AF_INET && q.csum != (tx.v3_no_pseudo ? VRRP_PKT_CSUM_PLAIN
	                                           : p->adv.version == 3 ? VRRP_PKT_CSUM_PSEUDO
	                                           : VRRP_PKT_CSUM_PLAIN))
		abort();

	/* an instance configured like the advert accepts it */
	memset(&e, 0, sizeof e);
	e.version = p->adv.version;
	e.vrid = p->adv.vrid;
	e.unicast = tx.unicast;
	e.auth_type = p->adv.auth_type;
	memcpy(e.key, tx.key, 8);
	e.interval = p->adv.interval;
	e.check_addrs = 1;
	e.naddr = p->adv.naddr;
	e.addrs = p->adv.addrs;
	if (p->adv.auth_type == VRRP_PKT_AUTH_AH && p->ah_seq) {
		e.ah_check_seq = 1;
		e.ah_last_seq = p->ah_seq - 1;
	}
	if (vrrp_pkt_validate(&q, &e) != VRRP_DROP_NONE)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vrrp_pkt_rx rx;
	struct vrrp_pkt p;
	struct vrrp_pkt_expect e;
	uint8_t key[8], flags, *copy;
	enum vrrp_drop r;

	if (size < 9)
		return 0;
	flags = data[0];
	memcpy(key, data + 1, 8);
	data += 9;
	size -= 9;
	memset(&rx, 0, sizeof rx);
	if (flags & 1) {
		if (size < 33)
			return 0;
		rx.family = AF_INET6;
		rx.hop_limit = data[0];
		memcpy(&rx.src, data + 1, 16);
		memcpy(&rx.dst, data + 17, 16);
		data += 33;
		size -= 33;
	} else {
		rx.family = AF_INET;
	}
	/* an exact-size copy, so that any read past the end is caught */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	rx.data = copy;
	rx.len = size;

	r = vrrp_pkt_parse(&rx, &p);
	if (r >= VRRP_DROP__COUNT || !vrrp_pkt_drop_str(r))
		abort();
	if (r == VRRP_DROP_NONE) {
		memset(&e, 0, sizeof e);
		e.version = p.adv.version;
		e.vrid = p.adv.vrid;
		e.unicast = (flags >> 1) & 1;
		e.check_addrs = (flags >> 2) & 1;
		e.auth_type = (enum vrrp_pkt_auth)((flags >> 3) & 3);
		memcpy(e.key, key, 8);
		e.interval = p.adv.interval;
		e.naddr = p.adv.naddr;
		e.addrs = p.adv.addrs;
		e.ah_check_seq = (flags >> 5) & 1;
		e.ah_last_seq = 1;
		r = vrrp_pkt_validate(&p, &e);
		if (r >= VRRP_DROP__COUNT || r == VRRP_DROP_VRID)
			abort();
		round_trip(&p, key);
	}
	free(copy);
	return 0;
}
