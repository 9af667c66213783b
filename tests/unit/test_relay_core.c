/* tests/unit/test_relay_core.c - the relay state machine (sync/relay_core.c) between two or
 * more cores over a simulated network with injected time and loss (recording fakes for the
 * peer socket, the kernel injector and the table source): kernel entries reach the other
 * side's kernel exactly as sent; a 10%-loss link still delivers everything via resends; bad
 * frames (forged, replayed, old epoch, truncated, oversized, unknown address, our own id) are
 * dropped and counted; back-pressure bounds memory when nobody acknowledges; a flood of
 * senders cannot grow the tables; a bulk resync is paced by resync_rate, carries templates
 * first, goes on alongside live updates and ends with RESYNC_END; roles and peer liveness. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/ip_vs.h>
#include "sync/relay_core.h"
#include "sync/relay_core_int.h"

#define KEY "unit-test-relay-key-0123456789"
#define MAXN 4
#define QMAX 200000

static uint64_t rng_state = 88172645463325252ULL;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

struct pkt {
	int from, to;
	size_t len;
	uint8_t *buf;
};

struct node;
struct net {
	struct node *nodes[MAXN];
	int n;
	struct pkt *q;
	size_t qn;
	unsigned loss_pct;          /* frames lost on the way */
	uint64_t lost;
};

struct node {
	struct relay_core rc;
	struct net *net;
	int id;
	int peer_node[RELAY_MAX_PEERS];   /* slot -> node */
	/* what reached "the kernel": cports of injected entries, in order */
	uint16_t *cports;
	uint32_t *flags;
	size_t ncports, cap;
	size_t injected_msgs;
	size_t max_msg_len;
	/* table source */
	struct sync_entry *table;
	size_t ntable;
	int events[4];
	const char *last_phase;
	unsigned rereads;
	int reread_async, reread_busy;
};

static struct sockaddr_in addr_of(int id)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(8849) };

	a.sin_addr.s_addr = htonl(0x0a000001 + (uint32_t)id);
	return a;
}

static int f_send(void *ud, int peer, const uint8_t *frame, size_t len)
{
	struct node *nd = ud;
	struct net *net = nd->net;

	for (int t = 0; t < net->n; t++) {
		if (t == nd->id)
			continue;
		if (peer != RELAY_DEST_GROUP && nd->peer_node[peer] != t)
			continue;
		assert_true(net->qn < QMAX);
		net->q[net->qn].from = nd->id;
		net->q[net->qn].to = t;
		net->q[net->qn].len = len;
		net->q[net->qn].buf = malloc(len);
		memcpy(net->q[net->qn].buf, frame, len);
		net->qn++;
	}
	return 0;
}

static int f_inject(void *ud, const uint8_t *msg, size_t len)
{
	struct node *nd = ud;
	struct sync_msg m;
	static struct sync_entry e[SYNC_MAX_CONNS];

	assert_int_equal(sync_msg_parse(msg, len, 0, &m, e, SYNC_MAX_CONNS), SYNC_OK);
	assert_int_equal(m.version, 1);
	assert_true(len <= nd->rc.conf.local_maxlen);
	if (len > nd->max_msg_len)
		nd->max_msg_len = len;
	nd->injected_msgs++;
	for (unsigned i = 0; i < m.n; i++) {
		if (nd->ncports == nd->cap) {
			nd->cap = nd->cap ? 2 * nd->cap : 1024;
			nd->cports = realloc(nd->cports, nd->cap * sizeof(*nd->cports));
			nd->flags = realloc(nd->flags, nd->cap * sizeof(*nd->flags));
		}
		nd->cports[nd->ncports] = e[i].cport;
		nd->flags[nd->ncports++] = e[i].flags;
	}
	return 0;
}

static void f_event(void *ud, const struct relay_event *ev)
{
	struct node *nd = ud;

	nd->events[ev->kind]++;
	if (ev->kind == RELAY_EV_RESYNC)
		nd->last_phase = ev->phase;
}

struct tcursor {
	size_t i;
};

static void *t_open(void *ud)
{
	struct node *nd = ud;

	return nd->table ? calloc(1, sizeof(struct tcursor)) : NULL;
}

static int t_next(void *ud, void *h, struct sync_entry *e)
{
	struct node *nd = ud;
	struct tcursor *c = h;

	if (c->i >= nd->ntable)
		return 0;
	*e = nd->table[c->i++];
	return 1;
}

static void t_close(void *ud, void *h)
{
	(void)ud;
	free(h);
}

/* io.reread: the node's "kernel table" into its mirror at once */
static int f_reread(void *ud)
{
	struct node *nd = ud;

	for (size_t i = 0; i < nd->ntable; i++)
		relay_core_mirror_prime(&nd->rc, &nd->table[i], 1);
	nd->rereads++;
	if (nd->reread_async) {         /* "in the background": done at the next run() step */
		nd->reread_busy = 1;
		return 0;
	}
	return 1;
}

static struct relay_core_conf base_conf(uint32_t sender, uint64_t epoch, size_t npeers)
{
	struct relay_core_conf c = {
		.sender = sender, .epoch = epoch, .npeers = npeers,
		.key = (const uint8_t *)KEY, .keylen = strlen(KEY), .max_frame = 1400,
		.window = 1024, .resend_queue = 4096, .ack_interval_us = 50000,
		.resend_timeout_us = 200000, .syncid = 7, .local_maxlen = 1472,
	};
	return c;
}

/* nodes 0..n-1, all unicast peers of each other */
static void net_init(struct net *net, struct node *nodes, int n, const struct relay_core_conf *tmpl,
                     uint64_t now)
{
	memset(net, 0, sizeof(*net));
	net->q = calloc(QMAX, sizeof(*net->q));
	net->n = n;
	for (int i = 0; i < n; i++) {
		struct relay_core_conf c = *tmpl;
		struct relay_io io = { .ud = &nodes[i], .send_peer = f_send, .inject = f_inject,
		                       .event = f_event,
		                       .table = { t_open, t_next, t_close, &nodes[i] },
		                       .reread = f_reread };
		int slot = 0;

		memset(&nodes[i], 0, sizeof(nodes[i]));
		nodes[i].net = net;
		nodes[i].id = i;
		net->nodes[i] = &nodes[i];
		c.sender = 100 + (uint32_t)i;
		c.epoch = 1000 + (uint64_t)i;
		c.npeers = c.multicast ? 0 : (size_t)n - 1;
		assert_int_equal(relay_core_init(&nodes[i].rc, &c, &io, now), 0);
		for (int j = 0; j < n; j++) {
			struct sockaddr_in a = addr_of(j);

			if (j == i)
				continue;
			nodes[i].peer_node[slot] = j;
			if (!c.multicast)
				relay_core_set_peer_addr(&nodes[i].rc, (size_t)slot, (struct sockaddr *)&a,
				                         sizeof(a));
			slot++;
		}
	}
}

static void net_free(struct net *net)
{
	for (size_t i = 0; i < net->qn; i++)
		free(net->q[i].buf);
	for (int i = 0; i < net->n; i++) {
		relay_core_free(&net->nodes[i]->rc);
		free(net->nodes[i]->cports);
		free(net->nodes[i]->flags);
	}
	free(net->q);
}

/* deliver what is queued (frames sent while delivering go to the next round) */
static void deliver(struct net *net, uint64_t now)
{
	size_t n = net->qn;
	struct pkt *batch = malloc(n * sizeof(*batch) + 1);

	memcpy(batch, net->q, n * sizeof(*batch));
	net->qn = 0;
	for (size_t i = 0; i < n; i++) {
		struct sockaddr_in from = addr_of(batch[i].from);

		if (net->loss_pct && rnd() % 100 < net->loss_pct)
			net->lost++;
		else
			relay_core_frame(&net->nodes[batch[i].to]->rc, batch[i].buf, batch[i].len,
			                 (struct sockaddr *)&from, sizeof(from), now);
		free(batch[i].buf);
	}
	free(batch);
}

/* run the network for `us` in steps of `step` */
static uint64_t run(struct net *net, uint64_t now, uint64_t us, uint64_t step)
{
	for (uint64_t t = 0; t < us; t += step) {
		now += step;
		for (int i = 0; i < net->n; i++) {
			if (net->nodes[i]->reread_busy) {
				net->nodes[i]->reread_busy = 0;
				net->nodes[i]->rc.mirror_ready = 1;
			}
			relay_core_tick(&net->nodes[i]->rc, now);
		}
		deliver(net, now);
	}
	return now;
}

static void entry(struct sync_entry *e, uint16_t cport, uint32_t flags)
{
	memset(e, 0, sizeof(*e));
	e->af = AF_INET;
	e->protocol = IPPROTO_TCP;
	e->flags = flags;
	e->state = 1;
	e->cport = cport;
	e->vport = 80;
	e->dport = 80;
	e->timeout = 900;
	e->caddr.v4.s_addr = htonl(0x0a4d0001);
	e->vaddr.v4.s_addr = htonl(0x0a090064);
	e->daddr.v4.s_addr = htonl(0x0a09010a);
}

/* a kernel-sized v1 message of n entries from cport first */
static size_t kmsg(uint8_t *buf, uint16_t first, unsigned n)
{
	struct sync_builder b;
	struct sync_entry e;

	sync_builder_init(&b, buf, 1472, 1);
	for (unsigned i = 0; i < n; i++) {
		entry(&e, (uint16_t)(first + i), 0);
		assert_int_equal(sync_builder_add(&b, &e), 0);
	}
	return sync_builder_finish(&b);
}

static int has_all(const struct node *nd, uint16_t first, unsigned n)
{
	uint8_t *seen = calloc(n, 1);
	unsigned got = 0;

	for (size_t i = 0; i < nd->ncports; i++) {
		unsigned k = (unsigned)(uint16_t)(nd->cports[i] - first);

		if (k < n && !seen[k]) {
			seen[k] = 1;
			got++;
		}
	}
	free(seen);
	return got == n;
}

/* both nodes hear each other's HELLO */
static uint64_t bring_up(struct net *net, uint64_t now)
{
	now = run(net, now, 100000, 10000);
	for (int i = 0; i < net->n; i++)
		for (size_t s = 0; s < net->nodes[i]->rc.npeers; s++)
			assert_true(net->nodes[i]->rc.peers[s].up);
	return now;
}

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

static void test_resync_paced(void **state)
{
	struct relay_core_conf t = base_conf(0, 0, 0);
	struct node nd[2];
	struct net net;
	uint8_t m[1500];
	uint64_t now = 1000000, t0;
	size_t n_at_half, live_len;
	enum { NT = 5000, NTPL = 100 };

	(void)state;
	t.resync_rate = 2000;
	net_init(&net, nd, 2, &t, now);
	nd[0].table = calloc(NT + NTPL, sizeof(struct sync_entry));
	for (int i = 0; i < NTPL; i++)
		entry(&nd[0].table[i], 0, IP_VS_CONN_F_TEMPLATE);
	for (int i = 0; i < NT; i++)
		entry(&nd[0].table[NTPL + i], (uint16_t)(20000 + i), 0);
	nd[0].ntable = NT + NTPL;
	relay_core_set_role(&nd[0].rc, RELAY_ROLE_MASTER, now);
	relay_core_set_role(&nd[1].rc, RELAY_ROLE_BACKUP, now);
	assert_false(nd[0].rc.want_resync);
	assert_true(nd[1].rc.want_resync);
	now = bring_up(&net, now);
	/* node 1 asked once it heard a master; node 0 serves it */
	now = run(&net, now, 1100000, 10000);
	assert_int_equal(nd[0].rc.c.resync_served, 1);
	assert_true(nd[0].rc.srv.active);
	t0 = nd[0].rc.srv.started;
	/* paced: about rate x elapsed entries so far */
	n_at_half = nd[1].ncports;
	assert_true(n_at_half <= (size_t)(2000.0 * (double)(now - t0) / 1e6) + 200);
	assert_true(n_at_half > 0);
	/* templates first */
	for (size_t i = 0; i < NTPL && i < n_at_half; i++)
		assert_true(nd[1].flags[i] & IP_VS_CONN_F_TEMPLATE);
	/* live updates go on during the resync */
	live_len = kmsg(m, 60000, 10);
	relay_core_kernel_msg(&nd[0].rc, m, live_len, now);
	relay_core_flush(&nd[0].rc, now);
	now = run(&net, now, 20000, 10000);
	assert_true(has_all(&nd[1], 60000, 10));
	assert_true(nd[0].rc.srv.active);
	/* to the end */
	for (int i = 0; i < 1000 && nd[1].rc.want_resync; i++)
		now = run(&net, now, 10000, 10000);
	assert_false(nd[1].rc.want_resync);
	assert_true(has_all(&nd[1], 20000, NT));
	assert_int_equal(nd[1].rc.last.status, 1);
	assert_int_equal(nd[1].rc.last.entries, NT + NTPL);
	assert_string_equal(nd[1].last_phase, "done");
	assert_int_equal(nd[0].rc.last.status, 1);
	/* it took about (NT + NTPL) / rate */
	{
		double took = (double)(nd[0].rc.last.ended - nd[0].rc.last.started) / 1e6;

		print_message("resync of %d entries at 2000/s: %.2f s simulated\n", NT + NTPL, took);
		assert_true(took > 2.2 && took < 3.2);
	}
	/* roles swap: the old master becomes backup and asks in turn */
	relay_core_set_role(&nd[1].rc, RELAY_ROLE_MASTER, now);
	relay_core_set_role(&nd[0].rc, RELAY_ROLE_BACKUP, now);
	assert_true(nd[0].rc.want_resync);
	now = run(&net, now, 1500000, 10000);
	assert_true(nd[1].rc.c.resync_served >= 1);   /* node 1 has no table: aborted answer */
	assert_false(nd[0].rc.want_resync);
	assert_int_equal(nd[0].rc.last.status, 2);
	free(nd[0].table);
	net_free(&net);
}

/* drop what is queued on the simulated network towards node `to` */
static void drop_to(struct net *net, int to)
{
	size_t k = 0;

	for (size_t i = 0; i < net->qn; i++) {
		if (net->q[i].to == to)
			free(net->q[i].buf);
		else
			net->q[k++] = net->q[i];
	}
	net->qn = k;
}

/* run, dropping everything sent to node `deaf` (it hears nothing, says nothing) */
static uint64_t run_deaf(struct net *net, uint64_t now, uint64_t us, uint64_t step, int deaf)
{
	for (uint64_t t = 0; t < us; t += step) {
		now += step;
		for (int i = 0; i < net->n; i++)
			if (i != deaf)
				relay_core_tick(&net->nodes[i]->rc, now);
		drop_to(net, deaf);
		deliver(net, now);
	}
	return now;
}

/* a peer silent past the dead time is down, but DATA for it stays queued (resent) during the
 * grace time: when it is heard again it gets the entries of its silence, with nothing lost */
static void test_peer_down_and_up(void **state)
{
	struct relay_core_conf t = base_conf(0, 0, 0);
	struct node nd[3];
	struct net net;
	uint64_t now = 1000000;
	uint8_t m[1500];
	size_t len;

	(void)state;
	net_init(&net, nd, 3, &t, now);
	now = bring_up(&net, now);
	len = kmsg(m, 100, 10);
	relay_core_kernel_msg(&nd[0].rc, m, len, now);
	relay_core_flush(&nd[0].rc, now);
	now = run_deaf(&net, now, 4000000, 50000, 2);
	assert_false(nd[0].rc.peers[1].up);
	assert_true(nd[0].rc.peers[0].up);
	assert_int_equal(nd[0].events[RELAY_EV_PEER_DOWN], 1);
	assert_true(relay_core_owed(&nd[0].rc, 1) > 0);          /* still owed, not dropped */
	assert_true(relay_core_next(&nd[0].rc, now) >= now);
	/* live entries while it is down are queued for it too */
	len = kmsg(m, 200, 10);
	relay_core_kernel_msg(&nd[0].rc, m, len, now);
	relay_core_flush(&nd[0].rc, now);
	now = run_deaf(&net, now, 500000, 50000, 2);
	assert_false(has_all(&nd[2], 200, 10));
	now = run(&net, now, 2000000, 50000);
	assert_true(nd[0].rc.peers[1].up);
	assert_int_equal(nd[0].events[RELAY_EV_PEER_UP], 3);   /* 1, 2, then 2 again */
	assert_true(has_all(&nd[2], 100, 10));
	assert_true(has_all(&nd[2], 200, 10));
	assert_int_equal(relay_core_owed(&nd[0].rc, 1), 0);
	net_free(&net);
}

/* any authenticated frame counts as hearing a peer: with its HELLOs lost, a peer whose ACKs
 * arrive stays up */
static void test_acks_keep_peer_up(void **state)
{
	struct relay_core_conf t = base_conf(0, 0, 0);
	struct node nd[2];
	struct net net;
	uint64_t now = 1000000;
	uint8_t m[1500];

	(void)state;
	net_init(&net, nd, 2, &t, now);
	now = bring_up(&net, now);
	for (int k = 0; k < 100; k++) {         /* 5 s of DATA from node 0, node 1's HELLOs lost */
		size_t len = kmsg(m, (uint16_t)(100 + 10 * k), 10), j = 0;

		relay_core_kernel_msg(&nd[0].rc, m, len, now);
		relay_core_flush(&nd[0].rc, now);
		now += 50000;
		relay_core_tick(&nd[0].rc, now);
		relay_core_tick(&nd[1].rc, now);
		for (size_t i = 0; i < net.qn; i++) {
			if (net.q[i].from == 1 && net.q[i].buf[5] == RELAY_HELLO)
				free(net.q[i].buf);
			else
				net.q[j++] = net.q[i];
		}
		net.qn = j;
		deliver(&net, now);
	}
	assert_true(nd[0].rc.peers[0].up);
	assert_int_equal(nd[0].events[RELAY_EV_PEER_DOWN], 0);
	assert_true(nd[0].rc.c.acks_received > 0);
	net_free(&net);
}

/* a peer silent past the grace time: frames for it are dropped (the queue does not stay full
 * for a dead peer), and when it is heard again with the same epoch the master pushes it the
 * table */
static void test_peer_back_after_grace_resynced(void **state)
{
	struct relay_core_conf t = base_conf(0, 0, 0);
	struct node nd[2];
	struct net net;
	uint64_t now = 1000000;
	uint8_t m[1500];
	size_t len;

	(void)state;
	t.mirror_max = 10000;
	net_init(&net, nd, 2, &t, now);
	relay_core_set_role(&nd[0].rc, RELAY_ROLE_MASTER, now);
	relay_core_set_role(&nd[1].rc, RELAY_ROLE_BACKUP, now);
	now = bring_up(&net, now);
	now = run(&net, now, 1500000, 10000);   /* node 1's start-up resync: empty table */
	assert_false(nd[1].rc.want_resync);
	now = run_deaf(&net, now, 4000000, 50000, 1);
	assert_false(nd[0].rc.peers[0].up);
	len = kmsg(m, 500, 20);
	relay_core_kernel_msg(&nd[0].rc, m, len, now);
	relay_core_flush(&nd[0].rc, now);
	now = run_deaf(&net, now, RELAY_GRACE_US, 50000, 1);
	assert_int_equal(relay_core_owed(&nd[0].rc, 0), 0);     /* given up on after the grace */
	assert_false(has_all(&nd[1], 500, 20));
	for (int i = 0; i < 300 && !has_all(&nd[1], 500, 20); i++)
		now = run(&net, now, 10000, 10000);
	assert_true(nd[0].rc.peers[0].up);
	assert_int_equal(nd[0].rc.peers[0].epochs, 0);           /* same epoch, not a restart */
	assert_true(has_all(&nd[1], 500, 20));
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

/* the requester asked twice; the server aborted the first answer to serve the second: the
 * first's END (aborted) must not end the request, the second's END (done) does */
static void test_resync_last_after_reask(void **state)
{
	struct relay_core_conf t = base_conf(0, 0, 0);
	struct node nd[2];
	struct net net;
	uint64_t now = 1000000;
	struct relay_resync_end e = { .requester = 101, .status = RELAY_RESYNC_ABORTED,
	                              .entries = 5 };

	(void)state;
	net_init(&net, nd, 2, &t, now);
	now = bring_up(&net, now);
	nd[1].rc.want_resync = 1;
	nd[1].rc.req_sent_at = now;
	nd[1].rc.req_seq = 40;                  /* the newer request */
	e.request_seq = 30;                     /* the older one, aborted */
	relay_req_end(&nd[1].rc, 0, &e, now);
	assert_true(nd[1].rc.want_resync);
	e.request_seq = 40;
	e.status = RELAY_RESYNC_DONE;
	e.entries = 1000;
	relay_req_end(&nd[1].rc, 0, &e, now + 1000);
	assert_false(nd[1].rc.want_resync);
	assert_int_equal(nd[1].rc.last.status, 1);
	assert_int_equal(nd[1].rc.last.entries, 1000);
	net_free(&net);
}

/* node i restarts: new epoch, empty state; what reached its kernel is forgotten too */
static void restart_with(struct node *nd, int i, uint64_t now, uint32_t max_frame,
                         uint32_t window)
{
	struct relay_core_conf c = nd[i].rc.conf;
	struct relay_io io = nd[i].rc.io;
	struct sockaddr_in a[RELAY_MAX_PEERS];
	socklen_t al[RELAY_MAX_PEERS];
	size_t np = nd[i].rc.npeers;

	for (size_t k = 0; k < np; k++) {
		memcpy(&a[k], &nd[i].rc.peers[k].addr, sizeof(a[k]));
		al[k] = nd[i].rc.peers[k].alen;
	}
	relay_core_free(&nd[i].rc);
	c.epoch += 1000;
	c.key = (const uint8_t *)KEY;
	if (max_frame)
		c.max_frame = max_frame;
	if (window)
		c.window = window;
	assert_int_equal(relay_core_init(&nd[i].rc, &c, &io, now), 0);
	for (size_t k = 0; k < np; k++)
		relay_core_set_peer_addr(&nd[i].rc, k, (struct sockaddr *)&a[k], al[k]);
	nd[i].ncports = 0;
}

static void restart(struct node *nd, int i, uint64_t now)
{
	restart_with(nd, i, now, 0, 0);
}

/* node 0 restarts with its wall clock behind the epoch node 1 knows: node 1 drops its frames
 * (old epoch) and acknowledges the epoch it knows; node 0 moves past it and is heard again */
static void test_epoch_moves_past_clock_step(void **state)
{
	struct relay_core_conf t = base_conf(0, 0, 0);
	struct node nd[2];
	struct net net;
	uint8_t m[1500];
	uint64_t now = 1000000, known;
	struct relay_core_conf c0;
	struct relay_io io;
	struct sockaddr_in a1 = addr_of(1);
	size_t len;

	(void)state;
	net_init(&net, nd, 2, &t, now);
	relay_core_set_role(&nd[0].rc, RELAY_ROLE_MASTER, now);
	now = bring_up(&net, now);
	known = nd[0].rc.conf.epoch;
	c0 = nd[0].rc.conf;
	io = nd[0].rc.io;
	relay_core_free(&nd[0].rc);
	c0.epoch = 5;                              /* the clock stepped back */
	c0.key = (const uint8_t *)KEY;
	assert_int_equal(relay_core_init(&nd[0].rc, &c0, &io, now), 0);
	relay_core_set_peer_addr(&nd[0].rc, 0, (struct sockaddr *)&a1, sizeof(a1));
	relay_core_set_role(&nd[0].rc, RELAY_ROLE_MASTER, now);
	now = run(&net, now, 100000, 10000);
	assert_true(nd[1].rc.c.rejected[RELAY_REJ_OLD_EPOCH] >= 1);
	assert_int_equal(nd[0].rc.c.epoch_moves, 1);
	assert_int_equal(nd[0].rc.conf.epoch, known + 1);
	now = run(&net, now, 1100000, 10000);
	assert_int_equal(nd[1].rc.peers[0].epoch, known + 1);
	assert_true(nd[1].rc.peers[0].up);
	len = kmsg(m, 8000, 10);
	relay_core_kernel_msg(&nd[0].rc, m, len, now);
	relay_core_flush(&nd[0].rc, now);
	now = run(&net, now, 100000, 10000);
	assert_true(has_all(&nd[1], 8000, 10));
	assert_int_equal(nd[0].rc.c.epoch_moves, 1);
	net_free(&net);
}

/* a peer announcing smaller frames and a smaller window gets both */
static void test_adapt_to_peer(void **state)
{
	struct relay_core_conf t = base_conf(0, 0, 0);
	struct node nd[2];
	struct net net;
	uint8_t m[1500];
	uint64_t now = 1000000;
	size_t len;

	(void)state;
	net_init(&net, nd, 2, &t, now);
	restart_with(nd, 1, now, 600, 128);
	now = bring_up(&net, now);
	assert_int_equal(nd[0].rc.frame_max, 600);
	assert_int_equal(nd[0].rc.txq.window, 128);
	assert_int_equal(nd[1].rc.frame_max, 600);   /* its own */
	len = kmsg(m, 7000, 40);
	relay_core_kernel_msg(&nd[0].rc, m, len, now);
	relay_core_flush(&nd[0].rc, now);
	assert_true(net.qn >= 3);                    /* 40 entries do not fit 600-byte frames */
	for (size_t i = 0; i < net.qn; i++)
		assert_true(net.q[i].len <= 600);
	now = run(&net, now, 100000, 10000);
	assert_true(has_all(&nd[1], 7000, 40));
	net_free(&net);
}

static void test_resync_from_mirror(void **state)
{
	struct relay_core_conf t = base_conf(0, 0, 0);
	struct node nd[2];
	struct net net;
	uint8_t m[1500];
	uint64_t now = 1000000;

	(void)state;
	t.mirror_max = 100000;
	net_init(&net, nd, 2, &t, now);
	relay_core_set_role(&nd[0].rc, RELAY_ROLE_MASTER, now);
	relay_core_set_role(&nd[1].rc, RELAY_ROLE_BACKUP, now);
	now = bring_up(&net, now);
	now = run(&net, now, 1500000, 10000);   /* node 1's start-up resync: empty table */
	assert_false(nd[1].rc.want_resync);
	for (int k = 0; k < 50; k++) {
		size_t len = kmsg(m, (uint16_t)(3000 + 40 * k), 40);

		relay_core_kernel_msg(&nd[0].rc, m, len, now);
		relay_core_flush(&nd[0].rc, now);
		now = run(&net, now, 10000, 10000);
	}
	assert_true(has_all(&nd[1], 3000, 2000));
	assert_int_equal(nd[0].rc.mirror.n, 2000);
	assert_int_equal(nd[1].rc.mirror.n, 2000);          /* the backup keeps what it got */
	/* the backup restarts: it gets the whole table from the master's mirror */
	restart(nd, 1, now);
	relay_core_set_role(&nd[1].rc, RELAY_ROLE_BACKUP, now);
	for (int i = 0; i < 500 && (nd[1].rc.want_resync || !has_all(&nd[1], 3000, 2000)); i++)
		now = run(&net, now, 10000, 10000);
	assert_true(has_all(&nd[1], 3000, 2000));
	assert_int_equal(nd[1].rc.last.status, 1);
	assert_int_equal(nd[1].rc.last.entries, 2000);
	/* failover: node 1 is master, node 0 restarts and is served from node 1's mirror */
	relay_core_set_role(&nd[1].rc, RELAY_ROLE_MASTER, now);
	restart(nd, 0, now);
	relay_core_set_role(&nd[0].rc, RELAY_ROLE_BACKUP, now);
	for (int i = 0; i < 500 && (nd[0].rc.want_resync || !has_all(&nd[0], 3000, 2000)); i++)
		now = run(&net, now, 10000, 10000);
	assert_true(has_all(&nd[0], 3000, 2000));
	assert_int_equal(nd[0].rc.last.entries, 2000);
	net_free(&net);
}

/* connections the kernel master never sent (a 1-datagram UDP flow stays under
 * sync_threshold) are only in the kernel's table: a resync request with a small mirror reads
 * that table into the mirror first, so the restarted backup gets them too */
static void rereads_kernel_table(int async)
{
	struct relay_core_conf t = base_conf(0, 0, 0);
	struct node nd[2];
	struct net net;
	uint8_t m[1500];
	uint64_t now = 1000000;
	size_t len;

	t.mirror_max = 100000;
	net_init(&net, nd, 2, &t, now);
	nd[0].reread_async = async;
	relay_core_set_role(&nd[0].rc, RELAY_ROLE_MASTER, now);
	relay_core_set_role(&nd[1].rc, RELAY_ROLE_BACKUP, now);
	now = bring_up(&net, now);
	now = run(&net, now, 1500000, 10000);
	len = kmsg(m, 3000, 30);
	relay_core_kernel_msg(&nd[0].rc, m, len, now);
	relay_core_flush(&nd[0].rc, now);
	now = run(&net, now, 100000, 10000);
	assert_true(has_all(&nd[1], 3000, 30));
	nd[0].table = calloc(10, sizeof(*nd[0].table));
	nd[0].ntable = 10;
	for (int k = 0; k < 10; k++)
		entry(&nd[0].table[k], (uint16_t)(6000 + k), 0);
	restart(nd, 1, now);
	relay_core_set_role(&nd[1].rc, RELAY_ROLE_BACKUP, now);
	for (int i = 0; i < 500 && (nd[1].rc.want_resync || !has_all(&nd[1], 6000, 10)); i++)
		now = run(&net, now, 10000, 10000);
	assert_true(nd[0].rereads >= 2);        /* node 1's first request, then this one */
	assert_true(has_all(&nd[1], 3000, 30));
	assert_true(has_all(&nd[1], 6000, 10));
	assert_int_equal(nd[1].rc.last.status, 1);
	free(nd[0].table);
	net_free(&net);
}

static void test_resync_rereads_kernel_table(void **state)
{
	(void)state;
	rereads_kernel_table(0);
	rereads_kernel_table(1);       /* read in the background: the request waits for it */
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
		cmocka_unit_test(test_resync_paced),
		cmocka_unit_test(test_peer_down_and_up),
		cmocka_unit_test(test_peer_back_after_grace_resynced),
		cmocka_unit_test(test_acks_keep_peer_up),
		cmocka_unit_test(test_acks_during_stream),
		cmocka_unit_test(test_resync_last_after_reask),
		cmocka_unit_test(test_adapt_to_peer),
		cmocka_unit_test(test_epoch_moves_past_clock_step),
		cmocka_unit_test(test_resync_from_mirror),
		cmocka_unit_test(test_resync_rereads_kernel_table),
		cmocka_unit_test(test_alone_no_spin),
		cmocka_unit_test(test_throughput),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
