/* tests/fuzz/fuzz_relay_core.c - libFuzzer target for the relay state machine
 * (sync/relay_core.c): the input is a script of operations on one relay with two unicast
 * peers, a multicast relay and the recording fakes of tests/unit/test_relay_core.c reduced to
 * counters. Each operation takes a byte: 0 a raw datagram from a peer address, 1 a frame with
 * fuzzed header fields and body sealed with the right key (so the body decoders and the
 * window run on authenticated input), 2 a kernel message (raw bytes), 3 a time step and tick,
 * 4 a role change, 5 a resync request, 6 flush. Properties: nothing crashes or leaks, the
 * resend queue, the held entries, the peer table, the sender table and the resync mirror
 * (on for odd-sized inputs) stay within their bounds, and every message handed to the kernel
 * parses as a valid v1 message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "sync/relay_core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t key[] = "fuzz-relay-core-key-0123456789";

static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_relay_core: property violated: %s\n", what);
		abort();
	}
}

static int f_send(void *ud, int peer, const uint8_t *f, size_t len)
{
	(void)ud;
	(void)f;
	check(peer == RELAY_DEST_GROUP || (peer >= 0 && peer < RELAY_MAX_PEERS), "peer slot");
	check(len >= RELAY_OVERHEAD && len <= RELAY_MAX_FRAME, "frame length");
	return 0;
}

static int f_inject(void *ud, const uint8_t *msg, size_t len)
{
	static struct sync_entry e[SYNC_MAX_CONNS];
	struct relay_core *rc = ud;
	struct sync_msg m;

	check(len <= rc->conf.local_maxlen, "message within maxlen");
	check(sync_msg_parse(msg, len, 0, &m, e, SYNC_MAX_CONNS) == SYNC_OK, "valid v1 message");
	check(m.version == 1, "v1");
	return 0;
}

struct tab {
	unsigned n, i;
};

static void *t_open(void *ud)
{
	static struct tab t;

	(void)ud;
	t.n = 300;
	t.i = 0;
	return &t;
}

static int t_next(void *ud, void *h, struct sync_entry *e)
{
	struct tab *t = h;

	(void)ud;
	if (t->i >= t->n)
		return 0;
	memset(e, 0, sizeof(*e));
	e->af = AF_INET;
	e->protocol = IPPROTO_TCP;
	e->state = 1;
	e->cport = (uint16_t)t->i++;
	e->timeout = 60;
	return 1;
}

static void t_close(void *ud, void *h)
{
	(void)ud;
	(void)h;
}

static void bounds(const struct relay_core *rc)
{
	check(rc->txq.used <= rc->txq.cap, "resend queue bound");
	check(rc->pend_len <= rc->pend_cap && rc->pend_off <= rc->pend_len, "held entries bound");
	check(rc->npeers <= RELAY_MAX_PEERS, "peer table bound");
	check(rc->rx.n <= rc->rx.cap, "sender table bound");
	check(!rc->mirror_on || rc->mirror.n <= rc->mirror.max, "mirror bound");
}

static void run(const uint8_t *data, size_t size, int multicast)
{
	struct relay_core rc;
	struct relay_core_conf c = {
		.sender = 1, .epoch = 10, .multicast = multicast, .npeers = multicast ? 0 : 2,
		.key = key, .keylen = sizeof(key) - 1, .max_frame = 512 + (size % 1000),
		.window = 64, .resend_queue = 16, .ack_interval_us = 1000,
		.resend_timeout_us = 1000, .resync_rate = (uint32_t)(size % 3) * 1000,
		.syncid = 1, .local_maxlen = 600, .pending_max = 150000,
		.mirror_max = (size & 1) ? 500 : 0,
	};
	struct relay_io io = { .send_peer = f_send, .inject = f_inject,
	                       .table = { t_open, t_next, t_close, NULL } };
	static uint8_t f[RELAY_MAX_FRAME];
	struct sockaddr_in peers[3];
	uint64_t now = 1000000;
	size_t p = 0;

	io.ud = &rc;
	if (relay_core_init(&rc, &c, &io, now) < 0)
		return;
	for (int i = 0; i < 3; i++) {
		memset(&peers[i], 0, sizeof(peers[i]));
		peers[i].sin_family = AF_INET;
		peers[i].sin_addr.s_addr = htonl(0x0a000002 + (uint32_t)i);
		if (!multicast && i < 2)
			relay_core_set_peer_addr(&rc, (size_t)i, (struct sockaddr *)&peers[i],
			                         sizeof(peers[i]));
	}
	while (p + 2 <= size) {
		uint8_t op = data[p] % 7, arg = data[p + 1];
		size_t len;

		p += 2;
		len = arg;
		if (op <= 2) {
			len = (size_t)arg * 8;
			if (len > size - p)
				len = size - p;
		}
		switch (op) {
		case 0:
			relay_core_frame(&rc, data + p, len, (struct sockaddr *)&peers[arg % 3],
			                 sizeof(peers[0]), now);
			p += len;
			break;
		case 1: {
			struct relay_hdr h = { .version = 1 };
			size_t bl, n;

			if (len < 20) {
				p += len;
				break;
			}
			h.kind = (uint8_t)(1 + data[p] % RELAY_KIND__MAX);
			h.flags = data[p + 1] & RELAY_F_KNOWN;
			h.sender = 2 + data[p + 2] % 4;
			h.epoch = 1 + data[p + 3] % 3;
			h.seq = 1 + (((uint64_t)data[p + 4] << 8) | data[p + 5]) % 200;
			h.count = (uint16_t)(data[p + 6] % 40);
			bl = len - 20;
			if (bl > c.max_frame - RELAY_OVERHEAD)
				bl = c.max_frame - RELAY_OVERHEAD;
			memcpy(f + RELAY_HDR_LEN, data + p + 20, bl);
			h.body_len = (uint16_t)bl;
			n = relay_frame_seal(rc.mac, &h, f, sizeof(f));
			if (n)
				relay_core_frame(&rc, f, n, (struct sockaddr *)&peers[data[p + 7] % 3],
				                 sizeof(peers[0]), now);
			p += len;
			break;
		}
		case 2:
			if (relay_core_can_take(&rc))
				relay_core_kernel_msg(&rc, data + p, len, now);
			p += len;
			break;
		case 3:
			now += (uint64_t)arg * 20000;
			relay_core_tick(&rc, now);
			check(relay_core_next(&rc, now) >= now, "next deadline");
			break;
		case 4:
			relay_core_set_role(&rc, arg % 3, now);
			break;
		case 5:
			relay_core_request_resync(&rc, now);
			break;
		default:
			relay_core_flush(&rc, now);
			break;
		}
		bounds(&rc);
	}
	relay_core_free(&rc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run(data, size, 0);
	run(data, size, 1);
	return 0;
}
