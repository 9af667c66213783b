/* tests/unit/test_relay_frame.c - relay frames (sync/relay_frame.c): the HMAC against
 * RFC 4231 and OpenSSL's one-shot HMAC(), header layout byte by byte, seal/open round trips,
 * every header drop, forged/altered frames, DATA packing within max_frame_size, and the
 * ACK / RESYNC / HELLO bodies with their validity rules. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include "sync/relay_frame.h"

static const uint8_t key[32] = "0123456789abcdef0123456789abcdef";

static struct sync_entry tcp4(uint16_t cport)
{
	struct sync_entry e;

	memset(&e, 0, sizeof(e));
	e.af = AF_INET;
	e.protocol = IPPROTO_TCP;
	e.state = 1;
	e.cport = cport;
	e.vport = 80;
	e.dport = 80;
	e.timeout = 900;
	inet_pton(AF_INET, "192.0.2.1", &e.caddr.v4);
	inet_pton(AF_INET, "198.51.100.1", &e.vaddr.v4);
	inet_pton(AF_INET, "10.1.2.3", &e.daddr.v4);
	return e;
}

static void test_mac(void **state)
{
	/* RFC 4231 test case 1 */
	static const uint8_t k1[20] = { 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
	                                0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b };
	static const uint8_t want1[32] = {
		0xb0, 0x34, 0x4c, 0x61, 0xd8, 0xdb, 0x38, 0x53, 0x5c, 0xa8, 0xaf, 0xce, 0xaf, 0x0b,
		0xf1, 0x2b, 0x88, 0x1d, 0xc2, 0x00, 0xc9, 0x83, 0x3d, 0xa7, 0x26, 0xe9, 0x37, 0x6c,
		0x2e, 0x32, 0xcf, 0xf7 };
	struct relay_mac *m;
	uint8_t data[3000], out[32], ref[32];
	unsigned reflen;
	size_t len;
	int i;

	m = relay_mac_new(k1, sizeof(k1));
	assert_non_null(m);
	for (i = 0; i < 3; i++) {               /* the working context restarts every time */
		assert_int_equal(relay_mac_compute(m, (const uint8_t *)"Hi There", 8, out), 0);
		assert_memory_equal(out, want1, 32);
	}
	relay_mac_free(m);

	m = relay_mac_new(key, sizeof(key));
	for (i = 0; i < (int)sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	for (len = 0; len < sizeof(data); len += 97) {
		assert_int_equal(relay_mac_compute(m, data, len, out), 0);
		assert_non_null(HMAC(EVP_sha256(), key, sizeof(key), data, len, ref, &reflen));
		assert_memory_equal(out, ref, 32);
	}
	relay_mac_free(m);

	/* key length 16..1024 */
	assert_null(relay_mac_new(key, 15));
	assert_null(relay_mac_new(NULL, 16));
	m = relay_mac_new(key, 16);
	assert_non_null(m);
	relay_mac_free(m);
	relay_mac_free(NULL);
}

static void test_header_layout(void **state)
{
	struct relay_mac *m = relay_mac_new(key, sizeof(key));
	struct relay_hdr h = { .kind = RELAY_HELLO, .flags = 0x0102, .sender = 0xa1b2c3d4,
	                       .epoch = 0x0102030405060708ULL, .seq = 0x1112131415161718ULL,
	                       .body_len = RELAY_HELLO_BODY_LEN };
	struct relay_hello hl = { .window = 1024, .max_frame = 1400, .role = RELAY_ROLE_MASTER };
	static const uint8_t want[32] = {
		'T', 'D', 'M', 'R', 1, 5, 0x01, 0x02, 0xa1, 0xb2, 0xc3, 0xd4,
		1, 2, 3, 4, 5, 6, 7, 8, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
		0, 12, 0, 0 };
	uint8_t f[128], mac[32];
	size_t len;

	assert_int_equal(relay_hello_encode(&hl, f + RELAY_HDR_LEN, sizeof(f) - RELAY_HDR_LEN), 12);
	len = relay_frame_seal(m, &h, f, sizeof(f));
	assert_int_equal(len, 32 + 12 + 16);
	assert_memory_equal(f, want, 32);
	/* body: window, max_frame, role, 3 zero bytes */
	assert_int_equal(f[32 + 2], 0x04);
	assert_int_equal(f[32 + 6], 0x05);
	assert_int_equal(f[32 + 7], 0x78);
	assert_int_equal(f[32 + 8], RELAY_ROLE_MASTER);
	/* tag: first 16 bytes of HMAC-SHA256 over header + body */
	assert_int_equal(relay_mac_compute(m, f, 44, mac), 0);
	assert_memory_equal(f + 44, mac, 16);
	assert_int_equal(relay_frame_seal(m, &h, f, len - 1), 0);        /* no room */
	relay_mac_free(m);
}

static void test_seal_open_and_tamper(void **state)
{
	struct relay_mac *m = relay_mac_new(key, sizeof(key));
	struct relay_mac *other = relay_mac_new(key, 31);
	struct relay_data_builder d;
	struct relay_hdr h = { .flags = RELAY_F_ACK_NOW, .sender = 7, .epoch = 100, .seq = 1 }, g;
	struct sync_entry e = tcp4(1), out[8];
	const uint8_t *body;
	uint8_t f[1400], t[1400];
	unsigned n;
	size_t len, i;
	int b;

	relay_data_init(&d, f, sizeof(f));
	for (i = 0; i < 5; i++) {
		e.cport = (uint16_t)(1000 + i);
		e.has_seq = i == 2;
		assert_int_equal(relay_data_add(&d, &e), 0);
	}
	relay_data_hdr(&d, &h);
	assert_int_equal(h.count, 5);
	len = relay_frame_seal(m, &h, f, sizeof(f));
	assert_int_equal(len, RELAY_OVERHEAD + 36 * 2 + 62 + 2 + 36 * 2);
	assert_int_equal(relay_frame_open(m, f, len, &g, &body), RELAY_OK);
	assert_int_equal(g.kind, RELAY_DATA);
	assert_int_equal(g.flags, RELAY_F_ACK_NOW);
	assert_int_equal(g.sender, 7);
	assert_int_equal(g.epoch, 100);
	assert_int_equal(g.seq, 1);
	assert_int_equal(relay_body_check(&g, body), RELAY_OK);
	assert_int_equal(relay_data_parse(&g, body, out, 8, &n), SYNC_OK);
	assert_int_equal(n, 5);
	assert_int_equal(out[4].cport, 1004);
	assert_true(out[2].has_seq);

	/* a different key, and every single-bit change anywhere, is refused */
	assert_int_equal(relay_frame_open(other, f, len, &g, &body), RELAY_DROP_MAC);
	for (i = 0; i < len; i++) {
		for (b = 0; b < 8; b += 3) {
			memcpy(t, f, len);
			t[i] ^= (uint8_t)(1 << b);
			assert_int_not_equal(relay_frame_open(m, t, len, &g, &body), RELAY_OK);
		}
	}
	/* truncated or extended */
	assert_int_equal(relay_frame_open(m, f, len - 1, &g, &body), RELAY_DROP_LENGTH);
	assert_int_equal(relay_frame_open(m, f, len + 1, &g, &body), RELAY_DROP_LENGTH);
	relay_mac_free(m);
	relay_mac_free(other);
}

static void test_peek_drops(void **state)
{
	struct relay_mac *m = relay_mac_new(key, sizeof(key));
	struct relay_hdr h = { .kind = RELAY_RESYNC_REQ, .sender = 1, .epoch = 2, .seq = 3,
	                       .body_len = RELAY_RESYNC_REQ_BODY_LEN }, g;
	struct relay_resync_req rq = { .target = 9 };
	uint8_t f[128], t[128];
	size_t len;

	relay_resync_req_encode(&rq, f + RELAY_HDR_LEN, 64);
	len = relay_frame_seal(m, &h, f, sizeof(f));
	assert_int_equal(relay_frame_peek(f, len, &g), RELAY_OK);
	assert_int_equal(relay_frame_peek(f, RELAY_OVERHEAD - 1, &g), RELAY_DROP_SHORT);
#define MUT(off, val, why) do { memcpy(t, f, len); t[off] = (val); \
		assert_int_equal(relay_frame_peek(t, len, &g), why); } while (0)
	MUT(0, 'X', RELAY_DROP_MAGIC);
	MUT(4, 2, RELAY_DROP_VERSION);
	MUT(5, 0, RELAY_DROP_KIND);
	MUT(5, 6, RELAY_DROP_KIND);
	MUT(29, 13, RELAY_DROP_LENGTH);
	MUT(11, 0, RELAY_DROP_ZERO);                 /* sender 0 */
	MUT(19, 0, RELAY_DROP_ZERO);                 /* epoch 0 */
	MUT(27, 0, RELAY_DROP_ZERO);                 /* seq 0 */
	MUT(40, 1, RELAY_OK);                        /* peek does not check the tag */
	assert_int_equal(relay_frame_open(m, t, len, &g, &(const uint8_t *){ NULL }), RELAY_DROP_MAC);
#undef MUT
	relay_mac_free(m);
}

static void test_data_builder(void **state)
{
	static uint8_t f[RELAY_MAX_FRAME + 100];
	struct relay_data_builder d;
	struct relay_hdr h = { .sender = 1, .epoch = 1, .seq = 1 };
	struct sync_entry e = tcp4(1), v6;
	struct sync_entry out[2000];
	unsigned n;
	int i;

	/* 1400-byte frames: 32 + 16 + 37 x 36 = 1380 */
	relay_data_init(&d, f, 1400);
	for (i = 0; i < 37; i++)
		assert_int_equal(relay_data_add(&d, &e), 0);
	assert_int_equal(relay_data_add(&d, &e), 1);
	relay_data_hdr(&d, &h);
	assert_int_equal(h.body_len, 37 * 36);
	assert_int_equal(relay_data_parse(&h, f + RELAY_HDR_LEN, out, 2000, &n), SYNC_OK);
	assert_int_equal(n, 37);
	/* the count must match the body exactly */
	h.count = 36;
	assert_int_equal(relay_data_parse(&h, f + RELAY_HDR_LEN, out, 2000, &n), SYNC_DROP_TRAILING);
	assert_int_equal(relay_body_check(&h, f + RELAY_HDR_LEN), RELAY_DROP_BODY);
	h.count = 38;
	assert_int_equal(relay_data_parse(&h, f + RELAY_HDR_LEN, out, 2000, &n),
	                 SYNC_DROP_ENTRY_SHORT);
	h.count = 0;
	h.body_len = 0;
	assert_int_equal(relay_body_check(&h, f + RELAY_HDR_LEN), RELAY_DROP_BODY);

	/* raw entries, a frame too small for an IPv6 entry */
	memset(&v6, 0, sizeof(v6));
	v6.af = AF_INET6;
	v6.protocol = IPPROTO_TCP;
	relay_data_init(&d, f, RELAY_OVERHEAD + 36 + 30);
	assert_int_equal(relay_data_add(&d, &v6), -1);
	assert_int_equal(relay_data_add_raw(&d, f, 10), -1);
	assert_int_equal(sync_entry_v1_encode(&e, f + 1000, 100), 36);
	assert_int_equal(relay_data_add_raw(&d, f + 1000, 36), 0);
	assert_int_equal(relay_data_add_raw(&d, f + 1000, 36), 1);

	/* big frames carry more than a kernel message's 255 entries */
	relay_data_init(&d, f, 1 << 20);
	assert_int_equal(d.max_frame, RELAY_MAX_FRAME);
	for (i = 0; relay_data_add(&d, &e) == 0; i++)
		;
	assert_int_equal(i, (RELAY_MAX_FRAME - RELAY_OVERHEAD) / 36);
	relay_data_hdr(&d, &h);
	assert_int_equal(relay_data_parse(&h, f + RELAY_HDR_LEN, out, 2000, &n), SYNC_OK);
	assert_int_equal(n, i);
}

static void test_ack_body(void **state)
{
	struct relay_ack a = { .acked_sender = 5, .acked_epoch = 77, .cum = 10, .n = 3,
	                       .r = { { 12, 12 }, { 14, 20 }, { 100, 1000 } } }, b;
	struct relay_hdr h = { .kind = RELAY_ACK };
	uint8_t body[RELAY_ACK_BODY_LEN(RELAY_ACK_MAX_RANGES) + 16];
	size_t len;

	len = relay_ack_encode(&a, body, sizeof(body));
	assert_int_equal(len, 24 + 48);
	h.body_len = (uint16_t)len;
	h.count = 3;
	assert_int_equal(relay_ack_decode(&h, body, &b), 0);
	assert_int_equal(b.acked_sender, 5);
	assert_int_equal(b.acked_epoch, 77);
	assert_int_equal(b.cum, 10);
	assert_int_equal(b.n, 3);
	assert_int_equal(b.r[1].first, 14);
	assert_int_equal(b.r[2].last, 1000);
	assert_int_equal(relay_body_check(&h, body), RELAY_OK);

	/* ranges must start after a hole and ascend without overlap */
	a.r[0].first = 11;                  /* = cum + 1: should have been in cum */
	relay_ack_encode(&a, body, sizeof(body));
	assert_int_equal(relay_ack_decode(&h, body, &b), -1);
	a.r[0] = (struct relay_ack_range){ 12, 13 };   /* touches the next range */
	relay_ack_encode(&a, body, sizeof(body));
	assert_int_equal(relay_ack_decode(&h, body, &b), -1);
	a.r[0] = (struct relay_ack_range){ 12, 11 };   /* last < first */
	relay_ack_encode(&a, body, sizeof(body));
	assert_int_equal(relay_ack_decode(&h, body, &b), -1);
	a.r[0] = (struct relay_ack_range){ 12, 12 };
	relay_ack_encode(&a, body, sizeof(body));
	assert_int_equal(relay_ack_decode(&h, body, &b), 0);
	h.count = 2;                        /* length must match the count */
	assert_int_equal(relay_ack_decode(&h, body, &b), -1);
	h.count = 3;
	body[5] = 1;                        /* reserved */
	assert_int_equal(relay_ack_decode(&h, body, &b), -1);
	body[5] = 0;
	a.cum = UINT64_MAX - 1;             /* no room above cum */
	a.n = 1;
	a.r[0] = (struct relay_ack_range){ UINT64_MAX, UINT64_MAX };
	h.body_len = (uint16_t)relay_ack_encode(&a, body, sizeof(body));
	h.count = 1;
	assert_int_equal(relay_ack_decode(&h, body, &b), -1);
	a.n = RELAY_ACK_MAX_RANGES + 1;
	assert_int_equal(relay_ack_encode(&a, body, sizeof(body)), 0);
	a.n = 0;
	assert_int_equal(relay_ack_encode(&a, body, 23), 0);
	h.count = RELAY_ACK_MAX_RANGES + 1;
	h.body_len = (uint16_t)RELAY_ACK_BODY_LEN(h.count);
	assert_int_equal(relay_ack_decode(&h, body, &b), -1);
}

static void test_other_bodies(void **state)
{
	struct relay_resync_req rq = { .target = 3 }, rq2;
	struct relay_resync_end re = { .requester = 4, .status = RELAY_RESYNC_DONE,
	                               .request_seq = 99, .entries = 1000000 }, re2;
	struct relay_hello hl = { .window = 4096, .max_frame = 9000, .role = RELAY_ROLE_BACKUP }, hl2;
	struct relay_hdr h = { 0 };
	uint8_t body[64];

	h.kind = RELAY_RESYNC_REQ;
	h.body_len = (uint16_t)relay_resync_req_encode(&rq, body, sizeof(body));
	assert_int_equal(h.body_len, RELAY_RESYNC_REQ_BODY_LEN);
	assert_int_equal(relay_resync_req_decode(&h, body, &rq2), 0);
	assert_int_equal(rq2.target, 3);
	assert_int_equal(relay_body_check(&h, body), RELAY_OK);
	h.count = 1;
	assert_int_equal(relay_body_check(&h, body), RELAY_DROP_BODY);
	h.count = 0;
	assert_int_equal(relay_resync_req_encode(&rq, body, 7), 0);

	h.kind = RELAY_RESYNC_END;
	h.body_len = (uint16_t)relay_resync_end_encode(&re, body, sizeof(body));
	assert_int_equal(h.body_len, RELAY_RESYNC_END_BODY_LEN);
	assert_int_equal(relay_resync_end_decode(&h, body, &re2), 0);
	assert_int_equal(re2.request_seq, 99);
	assert_int_equal(re2.entries, 1000000);
	body[7] = 2;                                 /* unknown status */
	assert_int_equal(relay_resync_end_decode(&h, body, &re2), -1);
	re.status = 2;
	assert_int_equal(relay_resync_end_encode(&re, body, sizeof(body)), 0);

	h.kind = RELAY_HELLO;
	h.body_len = (uint16_t)relay_hello_encode(&hl, body, sizeof(body));
	assert_int_equal(relay_hello_decode(&h, body, &hl2), 0);
	assert_int_equal(hl2.window, 4096);
	assert_int_equal(hl2.max_frame, 9000);
	assert_int_equal(hl2.role, RELAY_ROLE_BACKUP);
	body[8] = 3;                                 /* unknown role */
	assert_int_equal(relay_hello_decode(&h, body, &hl2), -1);
	body[8] = 1;
	body[11] = 1;                                /* reserved */
	assert_int_equal(relay_hello_decode(&h, body, &hl2), -1);
	h.body_len = 13;
	assert_int_equal(relay_body_check(&h, body), RELAY_DROP_BODY);

	/* a body decoded as the wrong kind */
	h.kind = RELAY_ACK;
	assert_int_equal(relay_hello_decode(&h, body, &hl2), -1);
	assert_string_equal(relay_kind_name(RELAY_RESYNC_END), "resync-end");
	assert_string_equal(relay_kind_name(9), "?");
	assert_string_equal(relay_drop_name(RELAY_DROP_MAC), "bad-mac");
	assert_string_equal(relay_drop_name(RELAY_DROP__COUNT), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mac),
		cmocka_unit_test(test_header_layout),
		cmocka_unit_test(test_seal_open_and_tamper),
		cmocka_unit_test(test_peek_drops),
		cmocka_unit_test(test_data_builder),
		cmocka_unit_test(test_ack_body),
		cmocka_unit_test(test_other_bodies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
