/* tests/fuzz/fuzz_relay_frame.c - libFuzzer target for relay frames (sync/relay_frame.c) and
 * the replay window (sync/relay_window.c). The first byte picks a mode:
 *   0: the bytes as a received datagram: peek/open never crash, a forged tag never passes;
 *   1: the rest as header fields + body, sealed with the test key so the body decoders run
 *      on authenticated input: what decodes re-encodes to the same bytes, DATA entries
 *      re-pack into a frame that parses back;
 *   2: the rest as (epoch, seq) pairs for a receive window: the verdicts follow the window's
 *      rules and every ACK it builds is a valid ACK body. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sync/relay_window.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t key[32] = "fuzz-key-fuzz-key-fuzz-key-1234";
static struct relay_mac *mac;

static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_relay_frame: property violated: %s\n", what);
		abort();
	}
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void mode_raw(const uint8_t *data, size_t size)
{
	struct relay_hdr h, g;
	const uint8_t *body = NULL;
	enum relay_drop r = relay_frame_open(mac, data, size, &h, &body);

	check(r < RELAY_DROP__COUNT, "drop value");
	check(relay_frame_peek(data, size, &g) == (r == RELAY_DROP_MAC ? RELAY_OK : r), "peek");
	if (r == RELAY_OK) {
		/* only possible if the input carries a real tag (seeds do) */
		check(body == data + RELAY_HDR_LEN, "body pointer");
		(void)relay_body_check(&h, body);
	}
}

static void mode_sealed(const uint8_t *data, size_t size)
{
	static uint8_t f[RELAY_MAX_FRAME], f2[RELAY_MAX_FRAME], b2[RELAY_MAX_FRAME];
	static struct sync_entry e[4096];
	struct relay_hdr h = { 0 }, g;
	const uint8_t *body;
	size_t len, blen;
	unsigned n, i;

	if (size < 6)
		return;
	h.kind = (uint8_t)(1 + data[0] % RELAY_KIND__MAX);
	h.flags = (uint16_t)(data[1] << 8 | data[2]);
	h.count = (uint16_t)(data[3] << 8 | data[4]);
	h.sender = 1 + data[5];
	h.epoch = 7;
	h.seq = 9;
	data += 6;
	size -= 6;
	if (size > RELAY_MAX_BODY)
		size = RELAY_MAX_BODY;
	h.body_len = (uint16_t)size;
	memcpy(f + RELAY_HDR_LEN, data, size);
	len = relay_frame_seal(mac, &h, f, sizeof(f));
	check(len == RELAY_OVERHEAD + size, "sealed length");
	check(relay_frame_open(mac, f, len, &g, &body) == RELAY_OK, "open own frame");
	check(!memcmp(&g, &h, sizeof(g)) || (g.version == RELAY_VERSION), "header round trip");
	g.version = 0;
	h.version = 0;
	check(g.kind == h.kind && g.count == h.count && g.body_len == h.body_len, "fields");

	switch (h.kind) {
	case RELAY_DATA:
		if (relay_data_parse(&g, body, e, 4096, &n) == SYNC_OK) {
			struct relay_data_builder d;
			struct relay_hdr h2 = g;

			check(n == g.count, "data count");
			check(relay_body_check(&g, body) == (n ? RELAY_OK : RELAY_DROP_BODY), "data check");
			relay_data_init(&d, f2, RELAY_MAX_FRAME);
			for (i = 0; i < n; i++)
				check(relay_data_add_raw(&d, e[i].raw, e[i].raw_len) == 0, "repack");
			relay_data_hdr(&d, &h2);
			check(h2.count == n && h2.body_len <= g.body_len, "repacked size");
			check(relay_data_parse(&h2, f2 + RELAY_HDR_LEN, e, 4096, &i) == SYNC_OK && i == n,
			      "repacked parse");
		} else {
			check(relay_body_check(&g, body) == RELAY_DROP_BODY, "bad data check");
		}
		break;
	case RELAY_ACK: {
		struct relay_ack a;

		if (relay_ack_decode(&g, body, &a) == 0) {
			blen = relay_ack_encode(&a, b2, sizeof(b2));
			check(blen == g.body_len && !memcmp(b2, body, blen), "ack round trip");
			check(relay_body_check(&g, body) == RELAY_OK, "ack check");
		}
		break;
	}
	case RELAY_RESYNC_REQ: {
		struct relay_resync_req r;

		if (relay_resync_req_decode(&g, body, &r) == 0) {
			blen = relay_resync_req_encode(&r, b2, sizeof(b2));
			check(blen == g.body_len && !memcmp(b2, body, blen), "resync req round trip");
		}
		break;
	}
	case RELAY_RESYNC_END: {
		struct relay_resync_end r;

		if (relay_resync_end_decode(&g, body, &r) == 0) {
			blen = relay_resync_end_encode(&r, b2, sizeof(b2));
			check(blen == g.body_len && !memcmp(b2, body, blen), "resync end round trip");
		}
		break;
	}
	case RELAY_HELLO: {
		struct relay_hello hl;

		if (relay_hello_decode(&g, body, &hl) == 0) {
			blen = relay_hello_encode(&hl, b2, sizeof(b2));
			check(blen == g.body_len && !memcmp(b2, body, blen), "hello round trip");
		}
		break;
	}
	}
	/* one flipped byte in a sealed frame never opens */
	if (len) {
		size_t at = ((size_t)h.flags * 257 + h.count) % len;

		f[at] ^= 0x20;
		check(relay_frame_open(mac, f, len, &g, &body) != RELAY_OK, "tamper");
	}
}

static void mode_window(const uint8_t *data, size_t size)
{
	struct relay_rxwin w;
	struct relay_ack a, b;
	struct relay_hdr h = { .kind = RELAY_ACK };
	static uint8_t body[RELAY_ACK_BODY_LEN(RELAY_ACK_MAX_RANGES)];
	size_t i;

	if (relay_rxwin_init(&w, 5, 64 + (size ? data[0] % 4 : 0) * 64))
		return;
	for (i = 1; i + 9 <= size; i += 9) {
		uint64_t epoch = 1 + data[i] % 3, seq = get64(data + i + 1) % 100000;
		uint64_t top = w.top, ep = w.epoch;
		enum relay_win c = relay_rxwin_check(&w, epoch, seq);
		enum relay_win v = relay_rxwin_accept(&w, epoch, seq);

		check(c == v, "check == accept");
		if (v == RELAY_WIN_OK || v == RELAY_WIN_NEW_EPOCH) {
			check(relay_rxwin_check(&w, epoch, seq) == RELAY_WIN_REPLAY, "replay after accept");
			check(w.top >= seq, "top");
		} else {
			check(w.top == top && w.epoch == ep, "refused frames change nothing");
		}
		relay_rxwin_ack(&w, &a);
		if (a.acked_epoch) {
			h.body_len = (uint16_t)relay_ack_encode(&a, body, sizeof(body));
			h.count = a.n;
			check(relay_ack_decode(&h, body, &b) == 0, "window ack is valid");
			check(a.cum <= w.top, "cum <= top");
		}
	}
	relay_rxwin_free(&w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!mac) {
		mac = relay_mac_new(key, sizeof(key));
		check(mac != NULL, "mac");
	}
	if (!size || size > RELAY_MAX_FRAME + 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		mode_raw(data + 1, size - 1);
		break;
	case 1:
		mode_sealed(data + 1, size - 1);
		break;
	default:
		mode_window(data + 1, size - 1);
	}
	return 0;
}
