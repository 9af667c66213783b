/* tests/unit/relay_core_sim.h - the simulated network of the relay state machine's tests
 * (test_relay_core.c, test_relay_core_peers.c): up to MAXN cores (sync/relay_core.c) as nodes
 * with recording fakes for the peer socket (frames queued, delivered by deliver() with an
 * optional loss), the kernel injector (the cports that reached "the kernel", in order) and the
 * table source; injected time (run()); kernel-sized sync messages (kmsg()) and a check that a
 * node's kernel got a range of them (has_all()). */
#ifndef TESTS_UNIT_RELAY_CORE_SIM_H
#define TESTS_UNIT_RELAY_CORE_SIM_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "sync/relay_core.h"
#include "sync/relay_core_int.h"
#include "tests/unit/relay_test.h"

#define MAXN 4
#define QMAX 200000

static uint64_t rng_state = 88172645463325252ULL;
static inline uint64_t rnd(void)
{
	return xorshift64(&rng_state);
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

static inline int f_send(void *ud, int peer, const uint8_t *frame, size_t len)
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

static inline int f_inject(void *ud, const uint8_t *msg, size_t len)
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

static inline void f_event(void *ud, const struct relay_event *ev)
{
	struct node *nd = ud;

	nd->events[ev->kind]++;
	if (ev->kind == RELAY_EV_RESYNC)
		nd->last_phase = ev->phase;
}

struct tcursor {
	size_t i;
};

static inline void *t_open(void *ud)
{
	struct node *nd = ud;

	return nd->table ? calloc(1, sizeof(struct tcursor)) : NULL;
}

static inline int t_next(void *ud, void *h, struct sync_entry *e)
{
	struct node *nd = ud;
	struct tcursor *c = h;

	if (c->i >= nd->ntable)
		return 0;
	*e = nd->table[c->i++];
	return 1;
}

static inline void t_close(void *ud, void *h)
{
	(void)ud;
	free(h);
}

/* io.reread: the node's "kernel table" into its mirror at once */
static inline int f_reread(void *ud)
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

static inline struct relay_core_conf base_conf(uint32_t sender, uint64_t epoch, size_t npeers)
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
static inline void net_init(struct net *net, struct node *nodes, int n,
                            const struct relay_core_conf *tmpl, uint64_t now)
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

static inline void net_free(struct net *net)
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
static inline void deliver(struct net *net, uint64_t now)
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
static inline uint64_t run(struct net *net, uint64_t now, uint64_t us, uint64_t step)
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

/* a kernel-sized v1 message of n entries from cport first */
static inline size_t kmsg(uint8_t *buf, uint16_t first, unsigned n)
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

static inline int has_all(const struct node *nd, uint16_t first, unsigned n)
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
static inline uint64_t bring_up(struct net *net, uint64_t now)
{
	now = run(net, now, 100000, 10000);
	for (int i = 0; i < net->n; i++)
		for (size_t s = 0; s < net->nodes[i]->rc.npeers; s++)
			assert_true(net->nodes[i]->rc.peers[s].up);
	return now;
}

#endif
