/* tests/unit/test_relay_core_peers.c - the relay state machine (sync/relay_core.c) with peers
 * that come and go, over the simulated network of relay_core_sim.h: a bulk resync is paced by
 * resync_rate, carries templates first, goes on alongside live updates and ends with
 * RESYNC_END, also when asked twice; roles; peer liveness (down and back within the grace
 * time, back after it, kept up by ACKs alone); restarts: an epoch that moves past a clock
 * step, resyncs from the master's mirror and from a re-read of the kernel table; adapting to
 * a peer's frame size and window. The data path: test_relay_core.c. */
#include "tests/unit/relay_core_sim.h"

#include <linux/ip_vs.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resync_paced),
		cmocka_unit_test(test_peer_down_and_up),
		cmocka_unit_test(test_peer_back_after_grace_resynced),
		cmocka_unit_test(test_acks_keep_peer_up),
		cmocka_unit_test(test_resync_last_after_reask),
		cmocka_unit_test(test_adapt_to_peer),
		cmocka_unit_test(test_epoch_moves_past_clock_step),
		cmocka_unit_test(test_resync_from_mirror),
		cmocka_unit_test(test_resync_rereads_kernel_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
