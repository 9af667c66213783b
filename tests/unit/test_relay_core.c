/* tests/unit/test_relay_core.c - the relay state machine's data path (sync/relay_core.c)
 * between two cores over the simulated network of relay_core_sim.h (injected time and loss,
 * recording fakes for the peer socket, the kernel injector and the table source): kernel
 * entries reach the other side's kernel exactly as sent; a 10%-loss link still delivers
 * everything via resends; bad frames (forged, replayed, old epoch, truncated, oversized,
 * unknown address, our own id) are dropped and counted; back-pressure bounds memory when
 * nobody acknowledges; a flood of senders cannot grow the tables; ACKs come from the receive
 * path during a stream; a relay alone does not spin; the whole path's CPU cost (printed).
 * Peers, restarts and resyncs: test_relay_core_peers.c. */
#include "tests/unit/relay_core_sim.h"

#include <time.h>

static void test_entries_cross(void **state)
{
	struct relay_core_conf t = base_conf(0, 0, 0);
	struct node nd[2];
	struct net net;
	uint8_t m[1500];
	uint64_t now = 1000000;
	size_t len;

	(void)state;
	net_init(&net, nd, 2, &t, now);
	now = bring_up(&net, now);
	assert_int_equal(nd[0].events[RELAY_EV_PEER_UP], 1);
	for (int k = 0; k < 20; k++) {
		len = kmsg(m, (uint16_t)(1000 + 40 * k), 40);
		relay_core_kernel_msg(&nd[0].rc, m, len, now);
	}
	relay_core_flush(&nd[0].rc, now);
	assert_int_equal(nd[0].rc.c.from_kernel, 800);
	assert_true(relay_txq_inflight(&nd[0].rc.txq) > 0);
	assert_true(relay_core_inflight_entries(&nd[0].rc) == 800);
	deliver(&net, now);
	assert_true(has_all(&nd[1], 1000, 800));
	assert_int_equal(nd[1].ncports, 800);       /* exactly once */
	assert_int_equal(nd[1].rc.c.to_kernel, 800);
	assert_true(nd[1].max_msg_len <= 1472);
	/* acks empty the sender's queue */
	now = run(&net, now, 200000, 10000);
	assert_int_equal(relay_txq_inflight(&nd[0].rc.txq), 0);
	assert_int_equal(relay_core_owed(&nd[0].rc, 0), 0);
	assert_int_equal(nd[0].rc.c.resent, 0);
	for (int i = 0; i < RELAY_REJ__COUNT; i++)
		assert_int_equal(nd[1].rc.c.rejected[i], 0);
	/* a malformed kernel message is dropped and counted */
	len = kmsg(m, 5000, 3);
	relay_core_kernel_msg(&nd[0].rc, m, len - 1, now);
	m[2] ^= 0x40;
	relay_core_kernel_msg(&nd[0].rc, m, len, now);
	assert_int_equal(nd[0].rc.c.kmsg_malformed, 2);
	assert_int_equal(nd[0].rc.c.from_kernel, 800);
	net_free(&net);
}

static void test_lossy_link(void **state)
{
	struct relay_core_conf t = base_conf(0, 0, 0);
	struct node nd[2];
	struct net net;
	uint8_t m[1500];
	uint64_t now = 1000000, start;
	size_t maxq = 0;

	(void)state;
	t.resend_queue = 256;
	net_init(&net, nd, 2, &t, now);
	now = bring_up(&net, now);
	net.loss_pct = 10;
	for (int k = 0; k < 500; k++) {
		size_t len = kmsg(m, (uint16_t)(10000 + 40 * k), 40);

		relay_core_kernel_msg(&nd[0].rc, m, len, now);
		relay_core_flush(&nd[0].rc, now);
		if (relay_txq_inflight(&nd[0].rc.txq) > maxq)
			maxq = relay_txq_inflight(&nd[0].rc.txq);
		if (k % 10 == 9)
			now = run(&net, now, 10000, 10000);
	}
	start = now;
	while (!has_all(&nd[1], 10000, 20000) && now - start < 30000000)
		now = run(&net, now, 10000, 10000);
	assert_true(has_all(&nd[1], 10000, 20000));
	print_message("all entries %.2f s after the last one was sent\n", (double)(now - start) / 1e6);
	assert_true(now - start < 3000000);
	assert_true(nd[0].rc.c.resent > 0);
	assert_true(net.lost > 0);
	assert_true(maxq <= 256);
	assert_int_equal(nd[0].rc.c.kentries_dropped, 0);
	now = run(&net, now, 3000000, 10000);
	assert_int_equal(relay_txq_inflight(&nd[0].rc.txq), 0);
	print_message("10%% loss: 20000 entries in %.2f s simulated, %llu frames lost, %llu resent, "
	              "%llu duplicates dropped\n", (double)(now - start) / 1e6,
	              (unsigned long long)net.lost, (unsigned long long)nd[0].rc.c.resent,
	              (unsigned long long)nd[1].rc.c.rejected[RELAY_REJ_REPLAY]);
	net_free(&net);
}

static void test_bad_frames(void **state)
{
	struct relay_core_conf t = base_conf(0, 0, 0);
	struct node nd[2];
	struct net net;
	uint8_t m[1500], f[2048], big[70000];
	uint64_t now = 1000000;
	struct sockaddr_in a0 = addr_of(0), stranger = addr_of(3);
	const struct relay_counters *c = &nd[1].rc.c;
	size_t len, flen;

	(void)state;
	net_init(&net, nd, 2, &t, now);
	now = bring_up(&net, now);
	len = kmsg(m, 2000, 5);
	relay_core_kernel_msg(&nd[0].rc, m, len, now);
	relay_core_flush(&nd[0].rc, now);
	assert_int_equal(net.qn, 1);
	flen = net.q[0].len;
	memcpy(f, net.q[0].buf, flen);
	deliver(&net, now);
	assert_int_equal(nd[1].ncports, 5);
#define FEED(buf, l, from) relay_core_frame(&nd[1].rc, buf, l, (struct sockaddr *)&(from), \
                                            sizeof(from), now)
	FEED(f, flen, a0);                          /* replayed */
	assert_int_equal(c->rejected[RELAY_REJ_REPLAY], 1);
	FEED(f, flen, stranger);                    /* right frame, unknown address */
	assert_int_equal(c->rejected[RELAY_REJ_UNKNOWN_PEER], 1);
	FEED(f, 20, a0);                            /* truncated */
	assert_int_equal(c->rejected[RELAY_REJ_SHORT], 1);
	FEED(f, flen - 1, a0);                      /* length disagrees */
	assert_int_equal(c->rejected[RELAY_REJ_LENGTH], 1);
	memset(big, 0, sizeof(big));
	memcpy(big, f, flen);
	FEED(big, sizeof(big), a0);                 /* oversized */
	assert_int_equal(c->rejected[RELAY_REJ_LENGTH], 2);
	f[27] ^= 0x55;                              /* a new seq, tag no longer matches: forged */
	FEED(f, flen, a0);
	assert_int_equal(c->rejected[RELAY_REJ_BAD_MAC], 1);
	f[27] ^= 0x55;
	f[40] ^= 1;                                 /* body changed */
	FEED(f, flen, a0);
	assert_true(c->rejected[RELAY_REJ_BAD_MAC] + c->rejected[RELAY_REJ_REPLAY] >= 2);
	f[40] ^= 1;
	f[0] ^= 0xff;
	FEED(f, flen, a0);
	assert_int_equal(c->rejected[RELAY_REJ_MAGIC], 1);
	f[0] ^= 0xff;
	/* our own id reflected back */
	relay_core_frame(&nd[0].rc, f, flen, (struct sockaddr *)&a0, sizeof(a0), now);
	assert_int_equal(nd[0].rc.c.rejected[RELAY_REJ_OWN], 1);
	/* node 0 restarts with a newer epoch; its old frames are then old-epoch */
	{
		struct relay_core_conf c0 = nd[0].rc.conf;
		struct relay_io io = nd[0].rc.io;

		relay_core_free(&nd[0].rc);
		c0.epoch += 5;
		c0.key = (const uint8_t *)KEY;
		assert_int_equal(relay_core_init(&nd[0].rc, &c0, &io, now), 0);
		{
			struct sockaddr_in a1 = addr_of(1);

			relay_core_set_peer_addr(&nd[0].rc, 0, (struct sockaddr *)&a1, sizeof(a1));
		}
	}
	now = run(&net, now, 50000, 10000);
	assert_int_equal(nd[1].rc.peers[0].epoch, nd[0].rc.conf.epoch);
	assert_int_equal(nd[1].rc.peers[0].epochs, 1);
	f[27] ^= 0x77;                              /* even a seq never seen: old epoch first */
	FEED(f, flen, a0);
	assert_int_equal(c->rejected[RELAY_REJ_OLD_EPOCH], 1);
	assert_int_equal(nd[1].ncports, 5);         /* nothing bad reached the kernel */
#undef FEED
	net_free(&net);
}

static void test_backpressure_bounded(void **state)
{
	struct relay_core_conf t = base_conf(0, 0, 0);
	struct node nd[2];
	struct net net;
	uint8_t m[1500];
	uint64_t now = 1000000;
	int stopped = 0;

	(void)state;
	t.resend_queue = 16;
	t.pending_max = 200000;
	net_init(&net, nd, 2, &t, now);
	now = bring_up(&net, now);
	net.loss_pct = 100;                         /* nothing gets through, no ACKs */
	for (int k = 0; k < 2000; k++) {
		size_t len = kmsg(m, (uint16_t)(40 * k), 40);

		if (!relay_core_can_take(&nd[0].rc)) {
			stopped++;
			continue;                           /* the glue stops reading the tap */
		}
		relay_core_kernel_msg(&nd[0].rc, m, len, now);
		relay_core_flush(&nd[0].rc, now);
		assert_true(relay_txq_inflight(&nd[0].rc.txq) <= 16);
		assert_true(nd[0].rc.pend_len <= nd[0].rc.pend_cap);
	}
	assert_true(stopped > 0);
	assert_true(nd[0].rc.backpressure);
	assert_true(nd[0].rc.c.backpressure_events >= 1);
	assert_int_equal(relay_txq_inflight(&nd[0].rc.txq), 16);
	/* the link heals: the held entries go out, back-pressure ends */
	net.loss_pct = 0;
	for (int i = 0; i < 400 && (nd[0].rc.pend_off < nd[0].rc.pend_len ||
	                            relay_txq_inflight(&nd[0].rc.txq)); i++)
		now = run(&net, now, 50000, 10000);
	assert_false(nd[0].rc.backpressure);
	assert_true(relay_core_can_take(&nd[0].rc));
	assert_int_equal(nd[0].rc.c.entries_sent, nd[0].rc.c.from_kernel);
	net_free(&net);
}

static void test_flood_bounded(void **state)
{
	struct relay_core_conf t = base_conf(0, 0, 0);
	struct node nd[2];
	struct net net;
	struct relay_mac *mac = relay_mac_new((const uint8_t *)KEY, strlen(KEY));
	uint8_t f[1500];
	uint64_t now = 1000000;

	(void)state;
	t.multicast = 1;
	net_init(&net, nd, 2, &t, now);
	now = bring_up(&net, now);
	/* 5000 senders with the right key (a compromised key, or a replaying insider): the peer
	 * table and the receive windows stay within their bounds */
	for (uint32_t s = 0; s < 5000; s++) {
		struct relay_hello hl = { .window = 1024, .max_frame = 1400, .role = 1 };
		struct relay_hdr h = { .version = 1, .kind = RELAY_HELLO, .sender = 5000 + s,
		                       .epoch = 1, .seq = 1, .body_len = RELAY_HELLO_BODY_LEN };
		struct sockaddr_in from = addr_of(2 + (int)(s % 200));
		size_t n;

		relay_hello_encode(&hl, f + RELAY_HDR_LEN, RELAY_HELLO_BODY_LEN);
		n = relay_frame_seal(mac, &h, f, sizeof(f));
		relay_core_frame(&nd[1].rc, f, n, (struct sockaddr *)&from, sizeof(from), now);
	}
	assert_true(nd[1].rc.npeers <= RELAY_MAX_PEERS);
	assert_true(nd[1].rc.rx.n <= nd[1].rc.rx.cap);
	assert_true(nd[1].rc.c.rejected[RELAY_REJ_TABLE_FULL] >= 5000 - RELAY_MAX_PEERS);
	/* random garbage */
	for (int i = 0; i < 20000; i++) {
		size_t n = rnd() % sizeof(f);
		struct sockaddr_in from = addr_of(0);

		for (size_t k = 0; k < n; k++)
			f[k] = (uint8_t)rnd();
		if (i & 1)
			memcpy(f, "TDMR\x01\x01", 6);
		relay_core_frame(&nd[1].rc, f, n, (struct sockaddr *)&from, sizeof(from), now);
	}
	assert_int_equal(nd[1].ncports, 0);
	relay_mac_free(mac);
	net_free(&net);
}

/* ACKs come from the receive path during a stream of DATA: with no timer tick at the receiver,
 * the sender still learns what arrived and resends nothing */
static void test_acks_during_stream(void **state)
{
	struct relay_core_conf t = base_conf(0, 0, 0);
	struct node nd[2];
	struct net net;
	uint64_t now = 1000000;
	uint8_t m[1500];

	(void)state;
	t.ack_interval_us = 1000000;            /* the timer alone would ACK once a second */
	net_init(&net, nd, 2, &t, now);
	now = bring_up(&net, now);
	for (int k = 0; k < 100; k++) {
		size_t len = kmsg(m, (uint16_t)(1000 + 40 * k), 40);

		relay_core_kernel_msg(&nd[0].rc, m, len, now);
	}
	relay_core_flush(&nd[0].rc, now);
	assert_true(relay_txq_inflight(&nd[0].rc.txq) >= 64);
	/* deliver both ways for 0.3 s (longer than resend_timeout), ticking only the sender: the
	 * 100+ frames are acknowledged from the receive path, 32 at a time */
	for (int r = 0; r < 30; r++) {
		now += 10000;
		relay_core_tick(&nd[0].rc, now);
		deliver(&net, now);
	}
	assert_true(has_all(&nd[1], 1000, 4000));
	assert_true(nd[1].rc.c.acks_sent >= 2);
	/* only the tail after the last full batch waits for the receiver's timer */
	assert_true(relay_txq_inflight(&nd[0].rc.txq) < RELAY_ACK_EVERY);
	assert_true(nd[0].rc.c.resent < RELAY_ACK_EVERY);
	net_free(&net);
}

/* CPU cost of the whole path, both relays in this process: kernel messages parsed, packed,
 * sealed, queued (and mirrored), frames verified, windowed, parsed, mirrored, re-packed into
 * kernel messages; ACKs. Printed, not asserted (the machine is shared). */
static void throughput(size_t mirror_max)
{
	struct relay_core_conf t = base_conf(0, 0, 0);
	struct node nd[2];
	struct net net;
	uint8_t m[8][1500];
	size_t len[8];
	uint64_t now = 1000000, n = 0;
	struct timespec a, b;
	double cpu;

	t.mirror_max = mirror_max;
	net_init(&net, nd, 2, &t, now);
	now = bring_up(&net, now);
	for (int k = 0; k < 8; k++)
		len[k] = kmsg(m[k], (uint16_t)(40 * k), 40);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
	for (int round = 0; round < 6250; round++) {        /* 6250 x 8 x 40 = 2M entries */
		for (int k = 0; k < 8; k++) {
			/* vary the client address: distinct connections for the mirrors */
			for (int j = 0; j < 40; j++) {
				m[k][8 + 36 * j + 24] = (uint8_t)(round >> 8);
				m[k][8 + 36 * j + 25] = (uint8_t)round;
			}
			while (!relay_core_can_take(&nd[0].rc))   /* the glue stops reading the tap */
				now = run(&net, now, 10000, 10000);
			relay_core_kernel_msg(&nd[0].rc, m[k], len[k], now);
			n += 40;
		}
		relay_core_flush(&nd[0].rc, now);
		if (round % 16 == 15)
			now = run(&net, now, 1000, 1000);
	}
	for (int i = 0; i < 1000 && nd[1].rc.c.to_kernel < n; i++)
		now = run(&net, now, 10000, 10000);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
	cpu = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	assert_int_equal(nd[1].rc.c.to_kernel, n);
	print_message("relay path, both ends in one process: %llu entries in %.2f s CPU = %.0f "
	              "entries/s (mirrors: %zu + %zu connections)\n", (unsigned long long)n, cpu,
	              (double)n / cpu, nd[0].rc.mirror.n, nd[1].rc.mirror.n);
	net_free(&net);
}

static void test_throughput(void **state)
{
	(void)state;
	throughput(0);
	throughput(2000000);
}

/* a relay alone (its peer never answers) sleeps between timers: no busy loop */
static void test_alone_no_spin(void **state)
{
	struct relay_core_conf t = base_conf(0, 0, 0);
	struct node nd[2];
	struct net net;
	uint64_t now = 5000000, next;

	(void)state;
	net_init(&net, nd, 2, &t, now);
	net.n = 1;                                   /* node 1 is never there */
	relay_core_set_role(&nd[0].rc, RELAY_ROLE_BACKUP, now);
	for (int i = 0; i < 50; i++) {
		relay_core_tick(&nd[0].rc, now);
		next = relay_core_next(&nd[0].rc, now);
		assert_true(next >= now + 40000);        /* the ACK interval at least */
		now = next;
	}
	assert_true(nd[0].rc.want_resync);          /* still wants its table */
	assert_true(now > 5000000 + 2000000);
	net.n = 2;
	net_free(&net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries_cross),
		cmocka_unit_test(test_lossy_link),
		cmocka_unit_test(test_bad_frames),
		cmocka_unit_test(test_backpressure_bounded),
		cmocka_unit_test(test_flood_bounded),
		cmocka_unit_test(test_acks_during_stream),
		cmocka_unit_test(test_alone_no_spin),
		cmocka_unit_test(test_throughput),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
