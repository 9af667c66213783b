/* tests/unit/test_vrrp_pkt.c - the VRRP advert codec (vrrp/vrrp_pkt.c) against adverts that
 * keepalived 2.2.7 sent (tests/data/vrrp/, made by capture.sh): every captured packet parses
 * and validates with the fields of its config, the builder reproduces each one byte for byte
 * (IPv4 header, checksums, AH ICV at keepalived's sequence numbers), and every drop reason is
 * produced by a packet made wrong in exactly that way. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include "vrrp/vrrp_pkt.h"
#include "vrrp/vrrp_auth.h"
#include "tests/data/vrrp/vectors.h"

/* what each capture's config says (tests/data/vrrp/NAME.conf) */
struct cap_case {
	const char *name;
	int family, version, vrid, priority, interval;
	const char *addrs[3];
	enum vrrp_pkt_auth auth;
	const char *pass;
	int unicast;
	const char *src, *dst;
};

static const struct cap_case cases[] = {
	{ "v2_none", AF_INET, 2, 51, 150, 1, { "10.77.0.100", "10.77.0.101" },
	  VRRP_PKT_AUTH_NONE, "", 0, "10.77.0.1", "224.0.0.18" },
	{ "v2_pass", AF_INET, 2, 52, 200, 1, { "10.77.0.102" },
	  VRRP_PKT_AUTH_PASS, "tandem", 0, "10.77.0.1", "224.0.0.18" },
	{ "v2_ah", AF_INET, 2, 53, 100, 1, { "10.77.0.103", "10.77.0.104", "10.77.0.105" },
	  VRRP_PKT_AUTH_AH, "ahsecret", 0, "10.77.0.1", "224.0.0.18" },
	{ "v3_ipv4", AF_INET, 3, 54, 254, 50, { "10.77.0.106", "10.77.0.107" },
	  VRRP_PKT_AUTH_NONE, "", 0, "10.77.0.1", "224.0.0.18" },
	{ "v3_ipv6", AF_INET6, 3, 55, 120, 25, { "fd77::100", "fd77::101" },
	  VRRP_PKT_AUTH_NONE, "", 0, "fe80::ff:fe77:1", "ff02::12" },
	{ "uc_v2_ah", AF_INET, 2, 56, 180, 1, { "10.77.0.108" },
	  VRRP_PKT_AUTH_AH, "uc", 1, "10.77.0.1", "10.77.0.2" },
	{ "uc_v3", AF_INET, 3, 57, 110, 30, { "10.77.0.109" },
	  VRRP_PKT_AUTH_NONE, "", 1, "10.77.0.1", "10.77.0.2" },
	{ "uc_v2_pass", AF_INET, 2, 58, 90, 2, { "10.77.0.110" },
	  VRRP_PKT_AUTH_PASS, "12345678", 1, "10.77.0.1", "10.77.0.2" },
};
#define NCASES (sizeof cases / sizeof cases[0])

static const struct cap_case *case_of(const struct vrrp_vector *v)
{
	for (size_t i = 0; i < NCASES; i++)
		if (!strcmp(cases[i].name, v->name))
			return &cases[i];
	fail_msg("no case for capture %s", v->name);
	return NULL;
}

static int vectors_in(const char *name)
{
	int n = 0;

	for (size_t i = 0; i < VRRP_NVECTORS; i++)
		n += !strcmp(vrrp_vectors[i].name, name);
	return n;
}

static const struct vrrp_vector *vector(const char *name, int index)
{
	for (size_t i = 0; i < VRRP_NVECTORS; i++)
		if (!strcmp(vrrp_vectors[i].name, name) && vrrp_vectors[i].index == index)
			return &vrrp_vectors[i];
	fail_msg("no vector %s/%d", name, index);
	return NULL;
}

static void ip(int family, const char *s, void *out)
{
	assert_int_equal(inet_pton(family, s, out), 1);
}

/* packed address list of a case */
static int case_addrs(const struct cap_case *c, uint8_t *out)
{
	int n = 0, alen = c->family == AF_INET ? 4 : 16;

	for (; n < 3 && c->addrs[n]; n++)
		ip(c->family, c->addrs[n], out + n * alen);
	return n;
}

static void case_key(const struct cap_case *c, uint8_t key[8])
{
	vrrp_pkt_key(c->pass, key);
}

/* rx for a captured packet: IPv4 as is; IPv6 split into header facts and the message, as
 * recvmsg() gives them */
static void rx_of(const uint8_t *bytes, size_t len, uint16_t ethertype, struct vrrp_pkt_rx *rx)
{
	memset(rx, 0, sizeof *rx);
	if (ethertype == 0x0800) {
		rx->family = AF_INET;
		rx->data = bytes;
		rx->len = len;
		return;
	}
	assert_true(len >= 40);
	rx->family = AF_INET6;
	rx->hop_limit = bytes[7];
	memcpy(&rx->src, bytes + 8, 16);
	memcpy(&rx->dst, bytes + 24, 16);
	rx->data = bytes + 40;
	rx->len = len - 40;
}

static void expect_of(const struct cap_case *c, uint8_t *addrs, struct vrrp_pkt_expect *e)
{
	memset(e, 0, sizeof *e);
	e->version = (uint8_t)c->version;
	e->vrid = (uint8_t)c->vrid;
	e->unicast = (uint8_t)c->unicast;
	e->auth_type = c->auth;
	case_key(c, e->key);
	e->interval = (uint16_t)c->interval;
	e->naddr = (uint8_t)case_addrs(c, addrs);
	e->addrs = addrs;
	e->check_addrs = 1;
}

/* the advert a tandem instance with the case's config sends as packet `index` */
static void tx_of(const struct cap_case *c, int index, int last, uint8_t *addrs,
                  struct vrrp_pkt_tx *tx)
{
	memset(tx, 0, sizeof *tx);
	tx->adv.family = c->family;
	tx->adv.version = (uint8_t)c->version;
	tx->adv.vrid = (uint8_t)c->vrid;
	tx->adv.priority = index == last ? 0 : (uint8_t)c->priority;
	tx->adv.interval = (uint16_t)c->interval;
	tx->adv.naddr = (uint8_t)case_addrs(c, addrs);
	tx->adv.addrs = addrs;
	tx->adv.auth_type = c->auth;
	case_key(c, tx->key);
	ip(c->family, c->src, tx->src.b);
	ip(c->family, c->dst, tx->dst.b);
	tx->unicast = (uint8_t)c->unicast;
	tx->ip_id = (uint16_t)(index + 1);        /* keepalived counts IP ids from 1 */
	tx->ah_seq = (uint32_t)(index + 1);       /* and AH sequence numbers from 1 */
}

static void test_captures_parse(void **state)
{
	(void)state;
	assert_true(VRRP_NVECTORS >= 3 * NCASES);
	for (size_t ci = 0; ci < NCASES; ci++)
		assert_true(vectors_in(cases[ci].name) >= 3);

	for (size_t i = 0; i < VRRP_NVECTORS; i++) {
		const struct vrrp_vector *v = &vrrp_vectors[i];
		const struct cap_case *c = case_of(v);
		int last = vectors_in(v->name) - 1;
		struct vrrp_pkt_rx rx;
		struct vrrp_pkt p;
		struct vrrp_pkt_expect e;
		uint8_t addrs[48], src[16], key[8];

		rx_of(v->bytes, v->len, v->ethertype, &rx);
		assert_int_equal(vrrp_pkt_parse(&rx, &p), VRRP_DROP_NONE);
		assert_int_equal(p.adv.family, c->family);
		assert_int_equal(p.adv.version, c->version);
		assert_int_equal(p.adv.type, VRRP_PKT_TYPE_ADVERT);
		assert_int_equal(p.adv.vrid, c->vrid);
		assert_int_equal(p.adv.priority, v->index == last ? 0 : c->priority);
		assert_int_equal(p.adv.interval, c->interval);
		assert_int_equal(p.adv.naddr, case_addrs(c, addrs));
		assert_memory_equal(p.adv.addrs, addrs, p.adv.naddr * (c->family == AF_INET ? 4 : 16));
		assert_int_equal(p.adv.auth_type, c->version == 2 ? c->auth : VRRP_PKT_AUTH_NONE);
		assert_int_equal(p.ttl, 255);
		assert_int_equal(p.tos, c->family == AF_INET ? 0xc0 : 0);  /* IPv6: not delivered */
		ip(c->family, c->src, src);
		assert_memory_equal(p.src.b, src, c->family == AF_INET ? 4 : 16);
		/* every keepalived checksum is the RFC one (pseudo-header for v3) */
		assert_int_equal(p.csum, c->version == 3 ? VRRP_PKT_CSUM_PSEUDO
		                         : c->family == AF_INET6 ? VRRP_PKT_CSUM_PSEUDO
		                         : VRRP_PKT_CSUM_PLAIN);
		case_key(c, key);
		if (c->auth == VRRP_PKT_AUTH_PASS)
			assert_memory_equal(p.adv.auth_data, key, 8);
		assert_int_equal(p.has_ah, c->auth == VRRP_PKT_AUTH_AH);
		if (p.has_ah) {
			assert_int_equal(p.ah_seq, v->index + 1);
			assert_int_equal(p.ah_spi, ntohl(p.src.v4.s_addr));
		}
		if (c->family == AF_INET)
			assert_int_equal(p.ip_id, v->index + 1);

		expect_of(c, addrs, &e);
		e.ah_check_seq = 1;
		e.ah_last_seq = (uint32_t)v->index;     /* the previous packet's */
		assert_string_equal(vrrp_pkt_drop_str(vrrp_pkt_validate(&p, &e)), "none");
	}
}

static void test_build_matches_captures(void **state)
{
	(void)state;
	for (size_t i = 0; i < VRRP_NVECTORS; i++) {
		const struct vrrp_vector *v = &vrrp_vectors[i];
		const struct cap_case *c = case_of(v);
		struct vrrp_pkt_tx tx;
		uint8_t addrs[48], buf[VRRP_PKT_MAX_LEN];
		const uint8_t *want = v->bytes;
		size_t want_len = v->len;
		int n;

		tx_of(c, v->index, vectors_in(v->name) - 1, addrs, &tx);
		if (c->family == AF_INET6) {       /* the kernel writes the IPv6 header */
			want += 40;
			want_len -= 40;
		}
		n = vrrp_pkt_build(&tx, buf, sizeof buf);
		assert_int_equal(n, (int)want_len);
		assert_int_equal(vrrp_pkt_build_len(&tx), want_len);
		if (memcmp(buf, want, want_len)) {
			for (size_t j = 0; j < want_len; j++)
				if (buf[j] != want[j])
					print_error("%s/%d: byte %zu: built %02x, keepalived %02x\n",
					            v->name, v->index, j, buf[j], want[j]);
			fail_msg("%s/%d differs from keepalived's", v->name, v->index);
		}
		/* a buffer one byte short is refused */
		assert_int_equal(vrrp_pkt_build(&tx, buf, want_len - 1), -1);
	}
}

/* ---- negative tests: one wrong thing per packet ---- */

struct work {
	uint8_t b[VRRP_PKT_MAX_LEN + 64];
	size_t len;
	uint16_t ethertype;
	const struct cap_case *c;
	uint8_t addrs[48];
	struct vrrp_pkt_expect e;
};

static void load(struct work *w, const char *name, int index)
{
	const struct vrrp_vector *v = vector(name, index);

	memcpy(w->b, v->bytes, v->len);
	w->len = v->len;
	w->ethertype = v->ethertype;
	w->c = case_of(v);
	expect_of(w->c, w->addrs, &w->e);
}

static size_t ihl_of(const struct work *w)
{
	return (size_t)(w->b[0] & 0x0f) * 4;
}

static uint8_t *vrrp_of(struct work *w)
{
	if (w->ethertype == 0x86dd)
		return w->b + 40;
	return w->b + ihl_of(w) + (w->b[9] == VRRP_PKT_IPPROTO_AH ? VRRP_PKT_AH_LEN : 0);
}

static void fix_ip_csum(struct work *w)
{
	w->b[10] = w->b[11] = 0;
	uint16_t s = vrrp_pkt_csum_fold(vrrp_pkt_csum_add(0, w->b, ihl_of(w)));
	w->b[10] = (uint8_t)(s >> 8);
	w->b[11] = (uint8_t)s;
}

/* recompute the VRRP checksum the way the packet had it (v2 plain, v3 with pseudo-header) */
static void fix_vrrp_csum(struct work *w)
{
	uint8_t *v = vrrp_of(w);
	size_t mlen = (size_t)(w->b + w->len - v);
	uint32_t sum = 0;
	uint8_t tail[8] = { 0 };

	v[6] = v[7] = 0;
	if (w->ethertype == 0x86dd) {
		sum = vrrp_pkt_csum_add(sum, w->b + 8, 32);
		tail[2] = (uint8_t)(mlen >> 8);
		tail[3] = (uint8_t)mlen;
		tail[7] = VRRP_PKT_IPPROTO;
		sum = vrrp_pkt_csum_add(sum, tail, 8);
	} else if ((v[0] >> 4) == 3) {
		sum = vrrp_pkt_csum_add(sum, w->b + 12, 8);
		tail[1] = VRRP_PKT_IPPROTO;
		tail[2] = (uint8_t)(mlen >> 8);
		tail[3] = (uint8_t)mlen;
		sum = vrrp_pkt_csum_add(sum, tail, 4);
	}
	uint16_t s = vrrp_pkt_csum_fold(vrrp_pkt_csum_add(sum, v, mlen));
	v[6] = (uint8_t)(s >> 8);
	v[7] = (uint8_t)s;
}

static void fix_icv(struct work *w)
{
	assert_int_equal(vrrp_auth_ah_icv(w->b, w->len, ihl_of(w), w->c->unicast, w->e.key,
	                                  w->b + ihl_of(w) + 12), 0);
}

static enum vrrp_drop run(struct work *w, struct vrrp_pkt *p)
{
	struct vrrp_pkt_rx rx;
	enum vrrp_drop r;

	rx_of(w->b, w->len, w->ethertype, &rx);
	r = vrrp_pkt_parse(&rx, p);
	if (r == VRRP_DROP_NONE)
		r = vrrp_pkt_validate(p, &w->e);
	return r;
}

#define assert_drop(w, want) do { \
		struct vrrp_pkt p_; \
		assert_string_equal(vrrp_pkt_drop_str(run((w), &p_)), vrrp_pkt_drop_str(want)); \
	} while (0)

static void test_drop_framing(void **state)
{
	struct work w;
	struct vrrp_pkt_rx rx = { 0 };
	struct vrrp_pkt p;
	(void)state;

	/* every truncation of every capture is refused without reading past the end */
	for (size_t i = 0; i < VRRP_NVECTORS; i++) {
		const struct vrrp_vector *v = &vrrp_vectors[i];
		size_t hdr = v->ethertype == 0x86dd ? 40 : 0;

		for (size_t n = hdr; n < v->len; n++) {
			uint8_t *copy = malloc(n - hdr + 1);   /* exact size: ASan sees overreads */

			memcpy(copy, v->bytes + hdr, n - hdr);
			rx_of(v->bytes, n, v->ethertype, &rx);
			rx.data = copy;
			assert_int_not_equal(vrrp_pkt_parse(&rx, &p), VRRP_DROP_NONE);
			free(copy);
		}
	}
	rx.family = AF_INET;
	rx.data = NULL;
	assert_int_equal(vrrp_pkt_parse(&rx, &p), VRRP_DROP_TRUNCATED);
	rx.family = AF_UNIX;
	rx.data = w.b;
	assert_int_equal(vrrp_pkt_parse(&rx, &p), VRRP_DROP_NOT_VRRP);

	/* truncated: IPv4 total length says more than was received */
	load(&w, "v2_none", 0);
	w.len -= 4;
	assert_drop(&w, VRRP_DROP_TRUNCATED);
	/* ... the address count says more than the packet holds */
	load(&w, "v3_ipv6", 0);
	vrrp_of(&w)[3] = 3;
	assert_drop(&w, VRRP_DROP_TRUNCATED);
	/* length: more bytes than the address count says */
	load(&w, "v3_ipv6", 0);
	w.len += 16;
	memset(w.b + w.len - 16, 0, 16);
	assert_drop(&w, VRRP_DROP_LENGTH);
	load(&w, "v2_pass", 0);
	vrrp_of(&w)[3] = 0;              /* naddr 0: the address becomes surplus */
	fix_vrrp_csum(&w);
	assert_drop(&w, VRRP_DROP_LENGTH);

	/* IP header: version, IHL, total length shorter than received, fragments, checksum */
	load(&w, "v2_none", 0);
	w.b[0] = 0x65;
	assert_drop(&w, VRRP_DROP_IP_HEADER);
	load(&w, "v2_none", 0);
	w.b[0] = 0x44;
	assert_drop(&w, VRRP_DROP_IP_HEADER);
	load(&w, "v2_none", 0);
	w.b[w.len++] = 0;
	assert_drop(&w, VRRP_DROP_IP_HEADER);
	load(&w, "v2_none", 0);
	w.b[6] = 0x20;                   /* more fragments */
	fix_ip_csum(&w);
	assert_drop(&w, VRRP_DROP_IP_HEADER);
	load(&w, "v2_none", 0);
	w.b[11] ^= 1;
	assert_drop(&w, VRRP_DROP_IP_HEADER);

	/* not VRRP: another IP protocol; AH around something else */
	load(&w, "v2_none", 0);
	w.b[9] = 17;
	fix_ip_csum(&w);
	assert_drop(&w, VRRP_DROP_NOT_VRRP);
	load(&w, "v2_ah", 0);
	w.b[20] = 6;
	assert_drop(&w, VRRP_DROP_NOT_VRRP);
	/* AH header with another ICV size */
	load(&w, "v2_ah", 0);
	w.b[21] = 5;
	assert_drop(&w, VRRP_DROP_AH_HEADER);
	/* AH too short to hold its header */
	load(&w, "v2_ah", 0);
	w.len = 30;
	w.b[2] = 0;
	w.b[3] = 30;
	fix_ip_csum(&w);
	assert_drop(&w, VRRP_DROP_TRUNCATED);

	/* VRRP version and type */
	load(&w, "v3_ipv4", 0);
	vrrp_of(&w)[0] = 0x41;
	assert_drop(&w, VRRP_DROP_VERSION);
	load(&w, "v3_ipv4", 0);
	vrrp_of(&w)[0] = 0x32;
	fix_vrrp_csum(&w);
	assert_drop(&w, VRRP_DROP_TYPE);
}

static void test_drop_checksum(void **state)
{
	struct work w;
	(void)state;

	const char *names[] = { "v2_none", "v2_pass", "v2_ah", "v3_ipv4", "v3_ipv6", "uc_v3" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		load(&w, names[i], 1);
		vrrp_of(&w)[2] ^= 0x01;         /* priority changed, checksum not */
		assert_drop(&w, VRRP_DROP_CHECKSUM);
		fix_vrrp_csum(&w);
		if (w.c->auth == VRRP_PKT_AUTH_AH)
			fix_icv(&w);
		assert_drop(&w, VRRP_DROP_NONE);
	}
	/* IPv6: a checksum made for another source address */
	load(&w, "v3_ipv6", 0);
	w.b[23] ^= 2;
	assert_drop(&w, VRRP_DROP_CHECKSUM);
}

/* v3 IPv4: accepted with or without the pseudo-header, and with keepalived's old unicast
 * variant (224.0.0.18 in the pseudo-header); each reported */
static void test_v3_checksum_variants(void **state)
{
	const struct cap_case *c = case_of(vector("uc_v3", 0));
	struct vrrp_pkt_tx tx;
	struct vrrp_pkt_expect e;
	struct vrrp_pkt_rx rx = { .family = AF_INET };
	struct vrrp_pkt p;
	uint8_t addrs[48], eaddrs[48], buf[VRRP_PKT_MAX_LEN], mc[4];
	int n;
	(void)state;

	tx_of(c, 0, 99, addrs, &tx);
	expect_of(c, eaddrs, &e);
	tx.v3_no_pseudo = 1;
	n = vrrp_pkt_build(&tx, buf, sizeof buf);
	assert_true(n > 0);
	rx.data = buf;
	rx.len = (size_t)n;
	assert_int_equal(vrrp_pkt_parse(&rx, &p), VRRP_DROP_NONE);
	assert_int_equal(p.csum, VRRP_PKT_CSUM_PLAIN);
	assert_int_equal(vrrp_pkt_validate(&p, &e), VRRP_DROP_NONE);
	/* it differs from the pseudo-header one (else the test would prove nothing) */
	assert_memory_not_equal(buf, vector("uc_v3", 0)->bytes, (size_t)n);

	/* checksum made with the multicast group as destination, sent to the peer */
	tx.v3_no_pseudo = 0;
	ip(AF_INET, "224.0.0.18", tx.dst.b);
	n = vrrp_pkt_build(&tx, buf, sizeof buf);
	ip(AF_INET, "10.77.0.2", mc);
	memcpy(buf + 16, mc, 4);
	buf[10] = buf[11] = 0;
	uint16_t s = vrrp_pkt_csum_fold(vrrp_pkt_csum_add(0, buf, 20));
	buf[10] = (uint8_t)(s >> 8);
	buf[11] = (uint8_t)s;
	rx.len = (size_t)n;
	assert_int_equal(vrrp_pkt_parse(&rx, &p), VRRP_DROP_NONE);
	assert_int_equal(p.csum, VRRP_PKT_CSUM_PSEUDO_MCAST);

	/* a v2 checksum is only ever the plain one: a pseudo-header v2 packet is refused */
	struct work w;
	load(&w, "v2_none", 0);
	uint8_t *v = vrrp_of(&w);
	v[0] = 0x31;                   /* pretend v3 to get the pseudo-header sum ... */
	fix_vrrp_csum(&w);
	v[0] = 0x21;                   /* ... then back to v2 with the v3-style checksum */
	uint16_t bad = (uint16_t)(v[6] << 8 | v[7]);
	fix_vrrp_csum(&w);
	uint16_t good = (uint16_t)(v[6] << 8 | v[7]);
	assert_int_not_equal(bad, good);
	v[6] = (uint8_t)(bad >> 8);
	v[7] = (uint8_t)bad;
	assert_drop(&w, VRRP_DROP_CHECKSUM);
}

static void test_drop_instance(void **state)
{
	struct work w;
	struct vrrp_pkt p;
	(void)state;

	/* VRID of another instance */
	load(&w, "v2_none", 0);
	w.e.vrid = 52;
	assert_drop(&w, VRRP_DROP_VRID);

	/* TTL: multicast needs 255; unicast leaves it to the caller's peer check */
	load(&w, "v2_none", 0);
	w.b[8] = 64;
	fix_ip_csum(&w);
	assert_drop(&w, VRRP_DROP_TTL);
	load(&w, "uc_v3", 0);
	w.b[8] = 64;
	fix_ip_csum(&w);
	assert_drop(&w, VRRP_DROP_NONE);
	assert_int_equal(run(&w, &p), VRRP_DROP_NONE);
	assert_int_equal(p.ttl, 64);
	load(&w, "v3_ipv6", 0);
	w.b[7] = 1;
	assert_drop(&w, VRRP_DROP_TTL);
	/* hop limit unknown (no IPV6_HOPLIMIT): not checked */
	{
		struct vrrp_pkt_rx rx;
		load(&w, "v3_ipv6", 0);
		rx_of(w.b, w.len, w.ethertype, &rx);
		rx.hop_limit = -1;
		assert_int_equal(vrrp_pkt_parse(&rx, &p), VRRP_DROP_NONE);
		assert_int_equal(p.ttl, -1);
		assert_int_equal(vrrp_pkt_validate(&p, &w.e), VRRP_DROP_NONE);
	}

	/* version of the other protocol */
	load(&w, "v2_none", 0);
	w.e.version = 3;
	assert_drop(&w, VRRP_DROP_VERSION_MISMATCH);
	load(&w, "v3_ipv4", 0);
	w.e.version = 2;
	assert_drop(&w, VRRP_DROP_VERSION_MISMATCH);

	/* multicast advert to a unicast instance and the reverse */
	load(&w, "v2_none", 0);
	w.e.unicast = 1;
	assert_drop(&w, VRRP_DROP_DST);
	load(&w, "uc_v3", 0);
	w.e.unicast = 0;
	assert_drop(&w, VRRP_DROP_DST);
	load(&w, "v3_ipv6", 0);
	w.e.unicast = 1;
	assert_drop(&w, VRRP_DROP_DST);

	/* v2 interval differs; v3's is adopted, not checked */
	load(&w, "v2_none", 0);
	w.e.interval = 2;
	assert_drop(&w, VRRP_DROP_INTERVAL);
	load(&w, "v3_ipv4", 0);
	w.e.interval = 100;
	assert_drop(&w, VRRP_DROP_NONE);

	/* address list: count, then content (order free) */
	load(&w, "v2_none", 0);
	w.e.naddr = 1;
	assert_drop(&w, VRRP_DROP_ADDR_COUNT);
	load(&w, "v2_none", 0);
	ip(AF_INET, "10.77.0.99", w.addrs + 4);
	assert_drop(&w, VRRP_DROP_ADDR_LIST);
	load(&w, "v2_none", 0);
	memcpy(w.addrs + 8, w.addrs, 4);       /* swap the two */
	memmove(w.addrs, w.addrs + 4, 8);
	assert_drop(&w, VRRP_DROP_NONE);
	load(&w, "v3_ipv6", 0);
	ip(AF_INET6, "fd77::102", w.addrs + 16);
	assert_drop(&w, VRRP_DROP_ADDR_LIST);
	w.e.check_addrs = 0;                   /* the caller may skip it (same master) */
	assert_drop(&w, VRRP_DROP_NONE);
}

static void test_drop_auth(void **state)
{
	struct work w;
	struct vrrp_pkt p;
	(void)state;

	/* auth type not defined */
	load(&w, "v2_none", 0);
	vrrp_of(&w)[4] = 3;
	fix_vrrp_csum(&w);
	assert_drop(&w, VRRP_DROP_AUTH_TYPE_INVALID);
	/* auth type mismatch, either way, AH presence included */
	load(&w, "v2_pass", 0);
	w.e.auth_type = VRRP_PKT_AUTH_NONE;
	assert_drop(&w, VRRP_DROP_AUTH_TYPE);
	load(&w, "v2_none", 0);
	w.e.auth_type = VRRP_PKT_AUTH_PASS;
	assert_drop(&w, VRRP_DROP_AUTH_TYPE);
	load(&w, "v2_none", 0);
	w.e.auth_type = VRRP_PKT_AUTH_AH;
	assert_drop(&w, VRRP_DROP_AUTH_TYPE);
	load(&w, "v2_ah", 0);
	w.e.auth_type = VRRP_PKT_AUTH_PASS;
	assert_drop(&w, VRRP_DROP_AUTH_TYPE);
	load(&w, "v2_ah", 0);                 /* AH header but auth type field PASS */
	vrrp_of(&w)[4] = 1;
	fix_vrrp_csum(&w);
	fix_icv(&w);
	assert_drop(&w, VRRP_DROP_AUTH_TYPE);

	/* wrong password; a password differing after a NUL still differs */
	load(&w, "v2_pass", 0);
	w.e.key[0] = 'T';
	assert_drop(&w, VRRP_DROP_AUTH_PASS);
	load(&w, "v2_pass", 0);
	w.e.key[7] = 'x';
	assert_drop(&w, VRRP_DROP_AUTH_PASS);
	load(&w, "uc_v2_pass", 2);
	assert_drop(&w, VRRP_DROP_NONE);

	/* AH: wrong key; a covered byte changed (VRRP checksum kept valid); the unicast TTL
	 * rule taken the wrong way */
	load(&w, "v2_ah", 0);
	w.e.key[2] ^= 0x20;
	assert_drop(&w, VRRP_DROP_AH_ICV);
	load(&w, "v2_ah", 0);
	vrrp_of(&w)[2] = 200;
	fix_vrrp_csum(&w);
	assert_drop(&w, VRRP_DROP_AH_ICV);
	load(&w, "v2_ah", 0);
	w.b[4] ^= 0x80;                  /* IP id is covered */
	fix_ip_csum(&w);
	assert_drop(&w, VRRP_DROP_AH_ICV);
	load(&w, "uc_v2_ah", 0);
	w.e.unicast = 0;                 /* also then a DST drop, but the ICV fails first */
	assert_drop(&w, VRRP_DROP_AH_ICV);

	/* AH: the mutable fields are not covered: TOS, fragment field; TTL when unicast */
	load(&w, "v2_ah", 1);
	w.b[1] = 0x00;
	w.b[6] = 0x40;                   /* DF set on the way */
	fix_ip_csum(&w);
	assert_drop(&w, VRRP_DROP_NONE);
	load(&w, "uc_v2_ah", 1);
	w.b[8] = 61;
	fix_ip_csum(&w);
	assert_drop(&w, VRRP_DROP_NONE);

	/* AH: SPI other than the source (ICV recomputed so that only the SPI is wrong) */
	load(&w, "v2_ah", 0);
	w.b[20 + 7] ^= 1;
	fix_icv(&w);
	assert_drop(&w, VRRP_DROP_AH_SPI);

	/* AH: replayed or old sequence numbers */
	load(&w, "v2_ah", 1);            /* seq 2 */
	w.e.ah_check_seq = 1;
	w.e.ah_last_seq = 2;
	assert_drop(&w, VRRP_DROP_AH_REPLAY);
	w.e.ah_last_seq = 7;
	assert_drop(&w, VRRP_DROP_AH_REPLAY);
	w.e.ah_last_seq = 1;
	assert_int_equal(run(&w, &p), VRRP_DROP_NONE);
	assert_int_equal(p.ah_seq, 2);
}

static void test_build_refuses(void **state)
{
	const struct cap_case *c = case_of(vector("v2_none", 0));
	struct vrrp_pkt_tx tx;
	uint8_t addrs[48], buf[VRRP_PKT_MAX_LEN];
	(void)state;

	tx_of(c, 0, 9, addrs, &tx);
	assert_true(vrrp_pkt_build(&tx, buf, sizeof buf) > 0);
	tx.adv.version = 4;
	assert_int_equal(vrrp_pkt_build(&tx, buf, sizeof buf), -1);
	tx_of(c, 0, 9, addrs, &tx);
	tx.adv.interval = 256;
	assert_int_equal(vrrp_pkt_build(&tx, buf, sizeof buf), -1);
	tx.adv.version = 3;
	tx.adv.interval = 4096;
	assert_int_equal(vrrp_pkt_build(&tx, buf, sizeof buf), -1);
	tx.adv.interval = 4095;
	assert_true(vrrp_pkt_build(&tx, buf, sizeof buf) > 0);
	tx.adv.auth_type = VRRP_PKT_AUTH_PASS;          /* no auth in v3 */
	assert_int_equal(vrrp_pkt_build(&tx, buf, sizeof buf), -1);
	tx_of(c, 0, 9, addrs, &tx);
	tx.adv.auth_type = (enum vrrp_pkt_auth)3;
	assert_int_equal(vrrp_pkt_build(&tx, buf, sizeof buf), -1);
	tx_of(c, 0, 9, addrs, &tx);
	tx.adv.addrs = NULL;
	assert_int_equal(vrrp_pkt_build(&tx, buf, sizeof buf), -1);
	tx_of(c, 0, 9, addrs, &tx);
	tx.adv.family = AF_UNIX;
	assert_int_equal(vrrp_pkt_build_len(&tx), 0);
	assert_int_equal(vrrp_pkt_build(&tx, buf, sizeof buf), -1);

	/* 255 IPv6 addresses: the largest message */
	static uint8_t many[255 * 16];
	struct vrrp_pkt_rx rx = { .family = AF_INET6, .hop_limit = 255 };
	struct vrrp_pkt p;
	for (size_t i = 0; i < sizeof many; i++)
		many[i] = (uint8_t)i;
	c = case_of(vector("v3_ipv6", 0));
	tx_of(c, 0, 9, addrs, &tx);
	tx.adv.naddr = 255;
	tx.adv.addrs = many;
	assert_int_equal(vrrp_pkt_build(&tx, buf, sizeof buf), VRRP_PKT_MAX_LEN);
	rx.data = buf;
	rx.len = VRRP_PKT_MAX_LEN;
	memcpy(&rx.src, tx.src.b, 16);
	memcpy(&rx.dst, tx.dst.b, 16);
	assert_int_equal(vrrp_pkt_parse(&rx, &p), VRRP_DROP_NONE);
	assert_int_equal(p.adv.naddr, 255);
	assert_memory_equal(p.adv.addrs, many, sizeof many);
}

/* keepalived's v2 over IPv6 (no auth field), which it accepts as an extension */
static void test_v2_ipv6(void **state)
{
	const struct cap_case *c = case_of(vector("v3_ipv6", 0));
	struct vrrp_pkt_tx tx;
	struct vrrp_pkt_expect e;
	struct vrrp_pkt_rx rx = { .family = AF_INET6, .hop_limit = 255 };
	struct vrrp_pkt p;
	uint8_t addrs[48], eaddrs[48], buf[VRRP_PKT_MAX_LEN];
	(void)state;

	tx_of(c, 0, 9, addrs, &tx);
	tx.adv.version = 2;
	tx.adv.interval = 1;
	assert_int_equal(vrrp_pkt_build(&tx, buf, sizeof buf), 8 + 32);
	rx.data = buf;
	rx.len = 40;
	memcpy(&rx.src, tx.src.b, 16);
	memcpy(&rx.dst, tx.dst.b, 16);
	assert_int_equal(vrrp_pkt_parse(&rx, &p), VRRP_DROP_NONE);
	expect_of(c, eaddrs, &e);
	e.version = 2;
	e.interval = 1;
	assert_int_equal(vrrp_pkt_validate(&p, &e), VRRP_DROP_NONE);
	e.auth_type = VRRP_PKT_AUTH_PASS;
	assert_int_equal(vrrp_pkt_validate(&p, &e), VRRP_DROP_AUTH_TYPE);
	tx.adv.auth_type = VRRP_PKT_AUTH_PASS;
	assert_int_equal(vrrp_pkt_build(&tx, buf, sizeof buf), -1);
}

static void test_key(void **state)
{
	uint8_t key[8];
	(void)state;

	vrrp_pkt_key("uc", key);
	assert_memory_equal(key, "uc\0\0\0\0\0\0", 8);
	vrrp_pkt_key("longer-than-8", key);
	assert_memory_equal(key, "longer-t", 8);
	vrrp_pkt_key(NULL, key);
	assert_memory_equal(key, "\0\0\0\0\0\0\0\0", 8);
}

static void test_drop_str(void **state)
{
	(void)state;
	for (int i = 0; i < VRRP_DROP__COUNT; i++) {
		const char *s = vrrp_pkt_drop_str((enum vrrp_drop)i);

		assert_non_null(s);
		assert_string_not_equal(s, "unknown");
		for (int j = 0; j < i; j++)
			assert_string_not_equal(s, vrrp_pkt_drop_str((enum vrrp_drop)j));
	}
	assert_string_equal(vrrp_pkt_drop_str(VRRP_DROP__COUNT), "unknown");
	assert_string_equal(vrrp_pkt_drop_str((enum vrrp_drop)-1), "unknown");
	assert_string_equal(vrrp_pkt_drop_str(VRRP_DROP_NONE), "none");
	assert_string_equal(vrrp_pkt_drop_str(VRRP_DROP_AUTH_PASS), "auth_pass");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_captures_parse),
		cmocka_unit_test(test_build_matches_captures),
		cmocka_unit_test(test_drop_framing),
		cmocka_unit_test(test_drop_checksum),
		cmocka_unit_test(test_v3_checksum_variants),
		cmocka_unit_test(test_drop_instance),
		cmocka_unit_test(test_drop_auth),
		cmocka_unit_test(test_build_refuses),
		cmocka_unit_test(test_v2_ipv6),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_drop_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
