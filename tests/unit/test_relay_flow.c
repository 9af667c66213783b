/* tests/unit/test_relay_flow.c - flow control and resend timing of the relay state machine
 * (sync/relay_core.c, sync/relay_window.c) between two cores over a simulated link with a
 * latency, injected loss and injected time, the receiver's kernel backup thread modelled as
 * taking a fixed number of entries per second (io.kernel_busy says when it is behind, the
 * test pumps the core's queue as the glue's pace timer does):
 *  - a live stream and a bulk resync into a slow kernel: everything arrives, no frame is
 *    resent (ACKs come when a frame enters the receiver's queue; the window holds the sender
 *    back), the receiver never refuses a frame for a full queue;
 *  - a lost frame, the last one of a burst included (nothing after it reveals the gap), is
 *    resent after resend_timeout on a fast link;
 *  - 10% loss both ways into a slow kernel: every entry arrives, within 1 s of the last one
 *    sent once the kernel had time for them, with no frame given up on. */
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
#include "tests/unit/relay_test.h"

#define QMAX 100000
#define STEP 1000ull                 /* us per simulation step */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	return xorshift64(&rng_state);
}

struct pkt {
	int from, to;
	uint64_t at;                 /* delivery time */
	size_t len;
	uint8_t *buf;
};

struct node;
struct net {
	struct node *nd[2];
	struct pkt *q;
	size_t qn;
	uint64_t now, latency;
	unsigned loss_pct;
	int drop_data_no;            /* drop the n-th DATA frame from node 0 (1-based), 0: none */
	int drop_data_no2;           /* and this one */
	int data_no;
	uint64_t dropped_at;         /* when that frame was sent */
};

struct node {
	struct relay_core rc;
	struct net *net;
	int id;
	double rate;                 /* entries/s the "kernel" takes, 0: no limit */
	double budget;
	uint8_t *got;                /* got[cport]: times the kernel got that entry */
	uint64_t ngot, dup;
	uint64_t last_got_at;
	struct sync_entry *table;    /* the resync source */
	size_t ntable;
};

static int f_send(void *ud, int peer, const uint8_t *f, size_t len)
{
	struct node *nd = ud;
	struct net *net = nd->net;
	struct pkt *p;

	(void)peer;
	if (nd->id == 0 && len > 5 && f[5] == RELAY_DATA) {
		++net->data_no;
		if (net->data_no == net->drop_data_no) {
			net->dropped_at = net->now;
			return 0;
		}
		if (net->data_no == net->drop_data_no2)
			return 0;
	}
	if (net->loss_pct && rnd() % 100 < net->loss_pct)
		return 0;
	assert_true(net->qn < QMAX);
	p = &net->q[net->qn++];
	p->from = nd->id;
	p->to = 1 - nd->id;
	p->at = net->now + net->latency;
	p->len = len;
	p->buf = malloc(len);
	memcpy(p->buf, f, len);
	return 0;
}

static int f_busy(void *ud)
{
	struct node *nd = ud;

	return nd->rate > 0 && nd->budget < 1;
}

static int f_inject(void *ud, const uint8_t *msg, size_t len)
{
	struct node *nd = ud;
	struct sync_msg m;
	static struct sync_entry e[SYNC_MAX_CONNS];

	assert_int_equal(sync_msg_parse(msg, len, 0, &m, e, SYNC_MAX_CONNS), SYNC_OK);
	for (unsigned i = 0; i < m.n; i++) {
		if (nd->got[e[i].cport]++)
			nd->dup++;
		else
			nd->ngot++;
	}
	nd->budget -= m.n;
	nd->last_got_at = nd->net->now;
	return 0;
}

static void *t_open(void *ud)
{
	return calloc(1, sizeof(size_t));
}

static int t_next(void *ud, void *h, struct sync_entry *e)
{
	struct node *nd = ud;
	size_t *i = h;

	if (*i >= nd->ntable)
		return 0;
	*e = nd->table[(*i)++];
	return 1;
}

static void t_close(void *ud, void *h)
{
	(void)ud;
	free(h);
}

static void net_init(struct net *net, struct node *nd, uint64_t resend_timeout_us)
{
	memset(net, 0, sizeof(*net));
	net->q = calloc(QMAX, sizeof(*net->q));
	net->now = 1000000;
	net->latency = 2000;
	for (int i = 0; i < 2; i++) {
		struct relay_core_conf c = {
			.sender = 100 + (uint32_t)i, .epoch = 1000 + (uint64_t)i, .npeers = 1,
			.key = (const uint8_t *)KEY, .keylen = strlen(KEY), .max_frame = 1400,
			.window = 1024, .resend_queue = 4096, .ack_interval_us = 50000,
			.resend_timeout_us = resend_timeout_us, .syncid = 7, .local_maxlen = 1472,
		};
		struct relay_io io = { .ud = &nd[i], .send_peer = f_send, .inject = f_inject,
		                       .kernel_busy = f_busy,
		                       .table = { t_open, t_next, t_close, &nd[i] } };
		struct sockaddr_in a = addr_of(1 - i);

		memset(&nd[i], 0, sizeof(nd[i]));
		nd[i].net = net;
		nd[i].id = i;
		nd[i].got = calloc(65536, 1);
		net->nd[i] = &nd[i];
		assert_int_equal(relay_core_init(&nd[i].rc, &c, &io, net->now), 0);
		relay_core_set_peer_addr(&nd[i].rc, 0, (struct sockaddr *)&a, sizeof(a));
	}
}

static void net_free(struct net *net)
{
	for (size_t i = 0; i < net->qn; i++)
		free(net->q[i].buf);
	for (int i = 0; i < 2; i++) {
		relay_core_free(&net->nd[i]->rc);
		free(net->nd[i]->got);
		free(net->nd[i]->table);
	}
	free(net->q);
}

/* one step: timers, the kernels' pace, the frames due */
static void step(struct net *net)
{
	size_t k = 0;

	net->now += STEP;
	for (int i = 0; i < 2; i++) {
		struct node *nd = net->nd[i];

		if (nd->rate > 0) {
			nd->budget += nd->rate * (double)STEP / 1e6;
			if (nd->budget > nd->rate / 100 + 64)
				nd->budget = nd->rate / 100 + 64;
		}
		relay_core_tick(&nd->rc, net->now);
		relay_core_kq_pump(&nd->rc, net->now);
	}
	for (size_t i = 0; i < net->qn; i++) {
		struct pkt *p = &net->q[i];

		if (p->at <= net->now) {
			struct sockaddr_in from = addr_of(p->from);

			relay_core_frame(&net->nd[p->to]->rc, p->buf, p->len, (struct sockaddr *)&from,
			                 sizeof(from), net->now);
			free(p->buf);
		} else {
			net->q[k++] = *p;
		}
	}
	/* frames sent while delivering stay in the queue (appended after qn was read) */
	net->qn = k;
	for (int i = 0; i < 2; i++)
		relay_core_rx_idle(&net->nd[i]->rc, net->now);      /* "socket drained" */
	for (int i = 0; i < 2; i++)
		relay_core_flush(&net->nd[i]->rc, net->now);
}

static void run_until_up(struct net *net)
{
	for (int i = 0; i < 200 && !(net->nd[0]->rc.peers[0].up && net->nd[1]->rc.peers[0].up); i++)
		step(net);
	assert_true(net->nd[0]->rc.peers[0].up && net->nd[1]->rc.peers[0].up);
}

/* node 0's kernel master thread sends entries first..first+n-1 (40 per message) as fast as
 * the relay takes them; returns how many were taken */
static unsigned feed(struct node *nd, unsigned first, unsigned n)
{
	unsigned done = 0;

	while (done < n && relay_core_can_take(&nd->rc)) {
		struct sync_builder b;
		struct sync_entry e;
		uint8_t m[1500];
		size_t len;

		sync_builder_init(&b, m, 1472, 1);
		for (unsigned i = 0; i < 40 && done < n; i++, done++) {
			entry(&e, (uint16_t)(first + done), 0);
			assert_int_equal(sync_builder_add(&b, &e), 0);
		}
		len = sync_builder_finish(&b);
		relay_core_kernel_msg(&nd->rc, m, len, nd->net->now);
		relay_core_flush(&nd->rc, nd->net->now);
	}
	return done;
}

/* A live stream of 30,000 entries into a kernel that takes 20,000/s: the receiver's queue
 * holds at most its window (+ one frame), the sender waits for the window, and not one frame
 * is resent although the whole transfer takes 1.5 s (a resend timeout of 0.2 s would have
 * fired for frames waiting in a socket buffer). */
static void test_live_into_slow_kernel(void **state)
{
	enum { N = 30000 };
	struct node nd[2];
	struct net net;
	unsigned fed = 0;
	uint64_t t0, max_inflight = 0;
	int i;

	(void)state;
	net_init(&net, nd, 200000);
	nd[1].rate = 20000;
	run_until_up(&net);
	t0 = net.now;
	for (i = 0; i < 20000 && nd[1].ngot < N; i++) {
		fed += feed(&nd[0], 1 + fed, N - fed);
		step(&net);
		if (nd[0].rc.txq.peer[0].inflight > max_inflight)
			max_inflight = nd[0].rc.txq.peer[0].inflight;
	}
	print_message("live: %d entries into a 20,000/s kernel in %.2f s simulated; sent %llu, "
	              "resent %llu, window stalls %llu, receiver queue max %llu, in flight max "
	              "%llu, srtt %.1f ms, rto %.0f ms\n", N, (double)(net.now - t0) / 1e6,
	              (unsigned long long)nd[0].rc.c.sent, (unsigned long long)nd[0].rc.c.resent,
	              (unsigned long long)nd[0].rc.c.window_stalls,
	              (unsigned long long)nd[1].rc.c.kq_max, (unsigned long long)max_inflight,
	              nd[0].rc.txq.peer[0].srtt / 1e3, nd[0].rc.txq.peer[0].rto / 1e3);
	assert_int_equal(nd[1].ngot, N);
	assert_int_equal(nd[1].dup, 0);
	assert_int_equal(nd[0].rc.c.resent, 0);
	assert_int_equal(nd[1].rc.c.rejected[RELAY_REJ_QUEUE_FULL], 0);
	assert_true(nd[0].rc.c.window_stalls > 0);          /* the window held it back */
	assert_true(nd[1].rc.c.kq_max <= RELAY_RX_WINDOW + 64);
	assert_true(max_inflight <= RELAY_RX_WINDOW + 64);
	assert_true(net.now - t0 < 2000000);                  /* about N / rate */
	net_free(&net);
}

/* A bulk resync of 30,000 entries, unpaced (resync_rate 0), into the same slow kernel: the
 * same, and the answer ends done. */
static void test_resync_into_slow_kernel(void **state)
{
	enum { N = 30000 };
	struct node nd[2];
	struct net net;
	int i;

	(void)state;
	net_init(&net, nd, 200000);
	nd[1].rate = 20000;
	nd[0].table = calloc(N, sizeof(struct sync_entry));
	for (i = 0; i < N; i++)
		entry(&nd[0].table[i], (uint16_t)(1 + i), 0);
	nd[0].ntable = N;
	relay_core_set_role(&nd[0].rc, RELAY_ROLE_MASTER, net.now);
	relay_core_set_role(&nd[1].rc, RELAY_ROLE_BACKUP, net.now);
	run_until_up(&net);
	for (i = 0; i < 20000 && (nd[1].ngot < N || nd[1].rc.want_resync); i++)
		step(&net);
	print_message("resync: %d entries into a 20,000/s kernel, served in %.2f s simulated; "
	              "sent %llu, resent %llu, window stalls %llu, receiver queue max %llu\n", N,
	              (double)(nd[0].rc.last.ended - nd[0].rc.last.started) / 1e6,
	              (unsigned long long)nd[0].rc.c.sent, (unsigned long long)nd[0].rc.c.resent,
	              (unsigned long long)nd[0].rc.c.window_stalls,
	              (unsigned long long)nd[1].rc.c.kq_max);
	assert_int_equal(nd[1].ngot, N);
	assert_int_equal(nd[0].rc.c.resent, 0);
	assert_int_equal(nd[1].rc.c.rejected[RELAY_REJ_QUEUE_FULL], 0);
	assert_int_equal(nd[0].rc.last.status, 1);
	assert_int_equal(nd[1].rc.last.status, 1);
	assert_false(nd[1].rc.want_resync);
	net_free(&net);
}

/* One DATA frame lost on a fast link (2 ms each way, ACKs every 50 ms): the 3rd of 5 (resent
 * at the next ACK), then the last of 5 (no later frame shows the gap: resent after
 * resend_timeout, 0.1 s); then the last of 5 and its first resend: the second resend comes
 * 0.2 s after the first (the frame's own backoff, not doubled again by the peer's). */
static void test_lost_frame_resent_promptly(void **state)
{
	struct node nd[2];
	struct net net;

	(void)state;
	for (int which = 3; which <= 7; which += 2) {
		unsigned fed = 0;
		uint64_t done_at = 0, bound = which == 7 ? 300000 : 100000;

		net_init(&net, nd, 100000);
		run_until_up(&net);
		/* a few frames first so the sender has a round-trip estimate */
		fed += feed(&nd[0], 1, 200);
		for (int i = 0; i < 100; i++)
			step(&net);
		assert_int_equal(nd[1].ngot, 200);
		net.data_no = 0;
		net.drop_data_no = which == 7 ? 5 : which;
		net.drop_data_no2 = which == 7 ? 6 : 0;     /* the 6th DATA sent: 5's resend */
		for (int k = 0; k < 5; k++) {             /* 5 frames of 37 entries */
			fed += feed(&nd[0], 1 + fed, 37);
			step(&net);
		}
		for (int i = 0; i < 1000 && !done_at; i++) {
			step(&net);
			if (nd[1].ngot == fed)
				done_at = net.now;
		}
		assert_true(net.dropped_at > 0);
		print_message("frame %d of 5 lost%s: receiver complete %.0f ms after it was sent "
		              "(srtt %.1f ms, rto %.0f ms), %llu resent\n", net.drop_data_no,
		              which == 7 ? " twice" : "",
		              (double)(done_at - net.dropped_at) / 1e3,
		              nd[0].rc.txq.peer[0].srtt / 1e3, nd[0].rc.txq.peer[0].rto / 1e3,
		              (unsigned long long)nd[0].rc.c.resent);
		assert_true(done_at > 0);
		assert_true(done_at - net.dropped_at <= bound + 3 * STEP + net.latency);
		assert_int_equal(nd[0].rc.c.resent, which == 7 ? 2 : 1);
		net_free(&net);
	}
}

/* 10% loss both ways (frames, ACKs, HELLOs), resend_timeout 0.1 s, a kernel taking 50,000
 * entries/s: 5,000 entries fed in bursts; every entry arrives once, no frame is given up on
 * (so no resync push), and the receiver is complete within 1 s of the last entry sent. */
static void test_lossy_into_kernel(void **state)
{
	enum { N = 5000 };
	struct node nd[2];
	struct net net;
	unsigned fed = 0;
	uint64_t last_fed = 0, done_at = 0;

	(void)state;
	net_init(&net, nd, 100000);
	nd[1].rate = 50000;
	run_until_up(&net);
	net.loss_pct = 10;
	for (int i = 0; i < 20000 && !done_at; i++) {
		if (fed < N && i % 20 == 0) {
			fed += feed(&nd[0], 1 + fed, N - fed < 400 ? N - fed : 400);
			last_fed = net.now;
		}
		step(&net);
		if (nd[1].ngot == N)
			done_at = net.now;
	}
	print_message("10%% loss: %d entries, receiver complete %.0f ms after the last sent; "
	              "resent %llu, srtt %.1f ms, rto %.0f ms, rejected queue_full %llu\n", N,
	              (double)(done_at - last_fed) / 1e3, (unsigned long long)nd[0].rc.c.resent,
	              nd[0].rc.txq.peer[0].srtt / 1e3, nd[0].rc.txq.peer[0].rto / 1e3,
	              (unsigned long long)nd[1].rc.c.rejected[RELAY_REJ_QUEUE_FULL]);
	assert_int_equal(nd[1].ngot, N);
	assert_int_equal(nd[1].dup, 0);
	assert_true(nd[0].rc.c.resent > 0);
	assert_int_equal(nd[0].rc.txq.expired, 0);
	assert_int_equal(nd[0].rc.c.resync_served, 0);
	assert_true(done_at - last_fed <= 1000000);
	net_free(&net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_into_slow_kernel),
		cmocka_unit_test(test_resync_into_slow_kernel),
		cmocka_unit_test(test_lost_frame_resent_promptly),
		cmocka_unit_test(test_lossy_into_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
