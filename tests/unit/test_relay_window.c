/* tests/unit/test_relay_window.c - the relay's replay window and resend queue
 * (sync/relay_window.c): window verdicts against a brute-force model, epochs, the ACK built
 * from the window, the resend queue's acknowledgement, backoff, give-up and back-pressure, and
 * a sender with two receivers over a link that loses 10% of frames and ACKs (injected time):
 * every frame arrives exactly once and the queue never grows past its bound. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include "sync/relay_window.h"

static uint64_t rng_state = 88172645463325252ULL;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void test_window_basics(void **state)
{
	struct relay_rxwin w;

	assert_int_equal(relay_rxwin_init(&w, 9, 100), 0);
	assert_int_equal(w.width, 128);
	/* the first frame of a sender is a new epoch */
	assert_int_equal(relay_rxwin_check(&w, 5, 1), RELAY_WIN_NEW_EPOCH);
	assert_int_equal(w.epoch, 0);                            /* check changes nothing */
	assert_int_equal(relay_rxwin_accept(&w, 5, 1), RELAY_WIN_NEW_EPOCH);
	assert_int_equal(relay_rxwin_accept(&w, 5, 1), RELAY_WIN_REPLAY);
	assert_int_equal(relay_rxwin_accept(&w, 5, 3), RELAY_WIN_OK);
	assert_int_equal(relay_rxwin_accept(&w, 5, 2), RELAY_WIN_OK);  /* late, in the window */
	assert_int_equal(relay_rxwin_accept(&w, 5, 2), RELAY_WIN_REPLAY);
	assert_int_equal(relay_rxwin_accept(&w, 5, 200), RELAY_WIN_OK);
	assert_int_equal(relay_rxwin_check(&w, 5, 72), RELAY_WIN_TOO_OLD);   /* 200 - 72 = 128 */
	assert_int_equal(relay_rxwin_check(&w, 5, 73), RELAY_WIN_OK);
	assert_int_equal(relay_rxwin_accept(&w, 5, 3), RELAY_WIN_TOO_OLD);
	assert_int_equal(relay_rxwin_accept(&w, 5, 0), RELAY_WIN_TOO_OLD);
	/* a far jump clears the whole window */
	assert_int_equal(relay_rxwin_accept(&w, 5, 100000), RELAY_WIN_OK);
	assert_int_equal(relay_rxwin_accept(&w, 5, 100000 - 127), RELAY_WIN_OK);
	assert_int_equal(relay_rxwin_accept(&w, 5, 100000 - 128), RELAY_WIN_TOO_OLD);
	/* older epoch refused, newer epoch starts over */
	assert_int_equal(relay_rxwin_accept(&w, 4, 100001), RELAY_WIN_OLD_EPOCH);
	assert_int_equal(relay_rxwin_accept(&w, 6, 1), RELAY_WIN_NEW_EPOCH);
	assert_int_equal(w.top, 1);
	assert_int_equal(relay_rxwin_accept(&w, 6, 2), RELAY_WIN_OK);
	assert_int_equal(relay_rxwin_accept(&w, 5, 100001), RELAY_WIN_OLD_EPOCH);
	assert_int_equal(w.accepted, 8);
	assert_int_equal(w.replayed, 2);
	assert_int_equal(w.too_old, 3);
	assert_int_equal(w.old_epoch, 2);
	assert_int_equal(w.epochs, 2);
	/* seq 0 is refused before the epoch is looked at (found by fuzz_relay_frame) */
	assert_int_equal(relay_rxwin_accept(&w, 99, 0), RELAY_WIN_TOO_OLD);
	assert_int_equal(w.epoch, 6);
	assert_int_equal(w.top, 2);
	relay_rxwin_free(&w);

	assert_int_equal(relay_rxwin_init(&w, 1, 1), 0);
	assert_int_equal(w.width, RELAY_WIN_MIN);
	relay_rxwin_free(&w);
	assert_int_equal(relay_rxwin_init(&w, 1, 1u << 30), 0);
	assert_int_equal(w.width, RELAY_WIN_MAX);
	relay_rxwin_free(&w);
	assert_string_equal(relay_win_name(RELAY_WIN_REPLAY), "replay");
	assert_string_equal(relay_win_name(RELAY_WIN__COUNT), "?");
}

/* Verdicts against a model that remembers every accepted seq. */
static void test_window_model(void **state)
{
	enum { SPAN = 6000 };
	static uint8_t seen[SPAN + 1];
	struct relay_rxwin w;
	uint64_t top = 0;
	int i;

	memset(seen, 0, sizeof(seen));
	assert_int_equal(relay_rxwin_init(&w, 1, 256), 0);
	assert_int_equal(relay_rxwin_accept(&w, 1, 1), RELAY_WIN_NEW_EPOCH);
	seen[1] = 1;
	top = 1;
	for (i = 0; i < 200000; i++) {
		/* mostly near the top, sometimes far behind or ahead */
		uint64_t r = rnd(), seq;
		enum relay_win want, got;

		if (r % 10 < 7)
			seq = top + 3 - (r >> 8) % 300;
		else
			seq = top + 1 + (r >> 8) % 40;
		if (seq < 1 || seq > SPAN)
			continue;
		if (seq > top)
			want = RELAY_WIN_OK;
		else if (top - seq >= w.width)
			want = RELAY_WIN_TOO_OLD;
		else
			want = seen[seq] ? RELAY_WIN_REPLAY : RELAY_WIN_OK;
		got = relay_rxwin_accept(&w, 1, seq);
		assert_int_equal(got, want);
		if (got == RELAY_WIN_OK) {
			seen[seq] = 1;
			if (seq > top)
				top = seq;
		}
		assert_int_equal(w.top, top);
		if (top >= SPAN - 50)
			break;
	}
	relay_rxwin_free(&w);
}

static void test_window_ack(void **state)
{
	struct relay_rxwin w;
	struct relay_ack a, b;
	struct relay_hdr h = { .kind = RELAY_ACK };
	uint8_t body[RELAY_ACK_BODY_LEN(RELAY_ACK_MAX_RANGES)];
	uint64_t s;

	assert_int_equal(relay_rxwin_init(&w, 3, 64), 0);
	relay_rxwin_ack(&w, &a);
	assert_int_equal(a.cum, 0);
	assert_int_equal(a.n, 0);
	for (s = 1; s <= 20; s++)
		if (s != 11 && s != 13)
			relay_rxwin_accept(&w, 8, s);
	relay_rxwin_ack(&w, &a);
	assert_int_equal(a.acked_sender, 3);
	assert_int_equal(a.acked_epoch, 8);
	assert_int_equal(a.cum, 10);
	assert_int_equal(a.n, 2);
	assert_int_equal(a.r[0].first, 12);
	assert_int_equal(a.r[0].last, 12);
	assert_int_equal(a.r[1].first, 14);
	assert_int_equal(a.r[1].last, 20);
	/* it encodes to a valid ACK body */
	h.body_len = (uint16_t)relay_ack_encode(&a, body, sizeof(body));
	h.count = a.n;
	assert_int_equal(relay_ack_decode(&h, body, &b), 0);
	relay_rxwin_accept(&w, 8, 11);
	relay_rxwin_accept(&w, 8, 13);
	relay_rxwin_ack(&w, &a);
	assert_int_equal(a.cum, 20);
	assert_int_equal(a.n, 0);

	/* what fell out of the window counts as done: 100 alone in 37..100 */
	relay_rxwin_accept(&w, 8, 100);
	relay_rxwin_ack(&w, &a);
	assert_int_equal(a.cum, 36);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.r[0].first, 100);
	relay_rxwin_free(&w);

	/* more holes than an ACK carries: the lowest ranges go first */
	assert_int_equal(relay_rxwin_init(&w, 3, 1024), 0);
	for (s = 2; s <= 400; s += 2)
		relay_rxwin_accept(&w, 1, s);
	relay_rxwin_ack(&w, &a);
	assert_int_equal(a.cum, 0);
	assert_int_equal(a.n, RELAY_ACK_MAX_RANGES);
	assert_int_equal(a.r[0].first, 2);
	assert_int_equal(a.r[63].first, 128);
	h.body_len = (uint16_t)relay_ack_encode(&a, body, sizeof(body));
	h.count = a.n;
	assert_int_equal(relay_ack_decode(&h, body, &b), 0);
	relay_rxwin_free(&w);
}

static void test_rxtab(void **state)
{
	struct relay_rxtab t;
	struct relay_rxwin *a, *b;

	assert_int_equal(relay_rxtab_init(&t, 2, 1024), 0);
	assert_null(relay_rxtab_get(&t, 1, 0));
	a = relay_rxtab_get(&t, 1, 1);
	assert_non_null(a);
	assert_int_equal(a->width, 1024);
	assert_ptr_equal(relay_rxtab_get(&t, 1, 0), a);
	b = relay_rxtab_get(&t, 2, 1);
	assert_non_null(b);
	assert_null(relay_rxtab_get(&t, 3, 1));          /* full: bounded */
	assert_int_equal(t.n, 2);
	relay_rxtab_free(&t);
}

static void test_txq_basics(void **state)
{
	struct relay_txq_conf c = { .cap = 4, .window = 64, .max_frame = 100, .rto_us = 1000,
	                            .rto_max_us = 3000, .max_retries = 3 };
	struct relay_txq q;
	struct relay_txq_due due[8];
	struct relay_ack a = { .acked_sender = 7, .acked_epoch = 1 };
	uint8_t f[200];
	uint64_t gave = 0;

	memset(f, 'x', sizeof(f));
	assert_int_equal(relay_txq_init(&q, &c, 7, 1), 0);
	assert_int_equal(relay_txq_next_due(&q), UINT64_MAX);
	assert_int_equal(relay_txq_push(&q, 1, 0x3, f, 10, 0), RELAY_TXQ_OK);
	assert_int_equal(relay_txq_push(&q, 1, 0x3, f, 10, 0), RELAY_TXQ_INVALID);  /* not new */
	assert_int_equal(relay_txq_push(&q, 2, 0, f, 10, 0), RELAY_TXQ_INVALID);    /* no peer */
	assert_int_equal(relay_txq_push(&q, 2, 1, f, 101, 0), RELAY_TXQ_INVALID);   /* too big */
	assert_int_equal(relay_txq_push(&q, 2, 0x3, f, 20, 0), RELAY_TXQ_OK);
	assert_int_equal(relay_txq_push(&q, 5, 0x3, f, 30, 10), RELAY_TXQ_OK);      /* gaps ok */
	assert_int_equal(relay_txq_space(&q, 65), RELAY_TXQ_WINDOW);      /* 65 - 1 >= 64 */
	assert_int_equal(relay_txq_push(&q, 64, 0x1, f, 40, 10), RELAY_TXQ_OK);
	assert_int_equal(relay_txq_space(&q, 65), RELAY_TXQ_FULL);
	assert_int_equal(relay_txq_inflight(&q), 4);
	assert_int_equal(q.refused, 3);

	/* ACKs: peer 0 acks 1..2 (cum) and 5; peer 1 acks 1; wrong epoch or sender ignored */
	a.cum = 2;
	a.n = 1;
	a.r[0] = (struct relay_ack_range){ 5, 6 };
	assert_int_equal(relay_txq_ack(&q, 0, &a), 3);
	assert_int_equal(relay_txq_ack(&q, 0, &a), 0);               /* nothing new */
	assert_int_equal(relay_txq_inflight(&q), 4);                  /* seq 1 waits for peer 1 */
	a.cum = 1;
	a.n = 0;
	assert_int_equal(relay_txq_ack(&q, 1, &a), 1);
	assert_int_equal(relay_txq_inflight(&q), 3);                  /* 1 gone */
	a.acked_epoch = 2;
	assert_int_equal(relay_txq_ack(&q, 1, &a), -1);
	a.acked_epoch = 1;
	a.acked_sender = 8;
	assert_int_equal(relay_txq_ack(&q, 1, &a), -1);
	a.acked_sender = 7;
	assert_int_equal(relay_txq_ack(&q, 64, &a), -1);

	/* resends: seq 2 (peer 1), 5 (peer 1), 64 (peer 0) */
	assert_int_equal(relay_txq_next_due(&q), 1000);
	assert_int_equal(relay_txq_due(&q, 999, due, 8, &gave), 0);
	assert_int_equal(relay_txq_due(&q, 1000, due, 8, &gave), 1);  /* seq 5, 64 were at 10 */
	assert_int_equal(due[0].seq, 2);
	assert_int_equal(due[0].peers, 0x2);
	assert_int_equal(due[0].len, 20);
	/* seq 2's first timeout doubled peer 1's (Karn: kept until a sample), so seq 5 waits */
	assert_int_equal(q.peer[1].rto_raised, 2000);
	assert_int_equal(relay_txq_due(&q, 1010, due, 8, &gave), 1);
	assert_int_equal(due[0].seq, 64);
	assert_int_equal(due[0].peers, 0x1);
	assert_int_equal(relay_txq_next_due(&q), 2010);
	assert_int_equal(relay_txq_due(&q, 2009, due, 8, &gave), 0);
	assert_int_equal(relay_txq_due(&q, 2010, due, 8, &gave), 1);
	assert_int_equal(due[0].seq, 5);
	/* a retry backs off from the estimate (1000): seq 2 again 2000 after its resend; then
	 * each retry waits at most rto_max_us (3000): 3 retries each, then give up */
	assert_int_equal(relay_txq_next_due(&q), 3000);
	for (uint64_t t = 2020; t <= 12000; t += 10)
		assert_true(relay_txq_due(&q, t, due, 8, &gave) <= 1);
	assert_int_equal(q.resent, 9);
	assert_int_equal(gave, 0x3);
	assert_int_equal(q.expired, 3);
	assert_int_equal(relay_txq_inflight(&q), 0);
	assert_int_equal(relay_txq_next_due(&q), UINT64_MAX);
	/* max honoured */
	assert_int_equal(relay_txq_push(&q, 65, 0x1, f, 10, 20000), RELAY_TXQ_OK);
	assert_int_equal(relay_txq_push(&q, 66, 0x1, f, 10, 20000), RELAY_TXQ_OK);
	assert_int_equal(relay_txq_due(&q, 30000, due, 1, &gave), 1);
	assert_int_equal(relay_txq_due(&q, 30000, due, 8, &gave), 1);
	relay_txq_drop_peer(&q, 0);

	/* forgetting a peer releases what only it held */
	assert_int_equal(relay_txq_push(&q, 70, 0x4, f, 10, 0), RELAY_TXQ_OK);
	assert_int_equal(relay_txq_push(&q, 71, 0x6, f, 10, 0), RELAY_TXQ_OK);
	relay_txq_drop_peer(&q, 2);
	assert_int_equal(relay_txq_inflight(&q), 1);
	relay_txq_drop_peer(&q, 1);
	assert_int_equal(relay_txq_inflight(&q), 0);
	relay_txq_free(&q);
}

/* A sender and two receivers; the link drops 10% of frames and of ACKs. Receivers ACK every
 * 5 ms, the sender resends after 20 ms; 20000 frames with a 256-frame window and queue. */
static void test_lossy_link(void **state)
{
	enum { N = 20000, PEERS = 2 };
	struct relay_txq_conf c = { .cap = 256, .window = 256, .max_frame = 64, .rto_us = 20000,
	                            .rto_max_us = 80000, .max_retries = 1000 };
	struct relay_txq q;
	struct relay_rxwin w[PEERS];
	static uint8_t got[PEERS][N + 1];
	struct relay_txq_due due[64];
	uint64_t now = 0, next = 1, gave = 0, delivered[PEERS] = { 0 }, dups = 0, sent = 0;
	size_t max_inflight = 0;
	uint8_t frame[64];
	int p, steps;

	memset(got, 0, sizeof(got));
	memset(frame, 0, sizeof(frame));
	assert_int_equal(relay_txq_init(&q, &c, 1, 42), 0);
	for (p = 0; p < PEERS; p++)
		assert_int_equal(relay_rxwin_init(&w[p], 1, c.window), 0);

	for (steps = 0; steps < 200000; steps++) {
		size_t k, n;

		now += 1000;                                    /* 1 ms per step */
		/* send new frames while the queue takes them (back-pressure otherwise) */
		for (k = 0; k < 20 && next <= N; k++) {
			if (relay_txq_space(&q, next) != RELAY_TXQ_OK)
				break;
			memcpy(frame, &next, sizeof(next));
			assert_int_equal(relay_txq_push(&q, next, 0x3, frame, sizeof(frame), now),
			                 RELAY_TXQ_OK);
			for (p = 0; p < PEERS; p++) {
				sent++;
				if (rnd() % 10 == 0)
					continue;                   /* lost */
				if (relay_rxwin_accept(&w[p], 42, next) <= RELAY_WIN_NEW_EPOCH) {
					got[p][next]++;
					delivered[p]++;
				}
			}
			next++;
		}
		if (relay_txq_inflight(&q) > max_inflight)
			max_inflight = relay_txq_inflight(&q);
		/* resends */
		n = relay_txq_due(&q, now, due, 64, &gave);
		for (k = 0; k < n; k++) {
			uint64_t seq;

			memcpy(&seq, due[k].frame, sizeof(seq));
			assert_int_equal(seq, due[k].seq);
			for (p = 0; p < PEERS; p++) {
				enum relay_win v;

				if (!(due[k].peers & (1ULL << p)) || rnd() % 10 == 0)
					continue;
				v = relay_rxwin_accept(&w[p], 42, seq);
				if (v <= RELAY_WIN_NEW_EPOCH) {
					got[p][seq]++;
					delivered[p]++;
				} else {
					assert_int_equal(v, RELAY_WIN_REPLAY);     /* ACK was lost */
					dups++;
				}
			}
		}
		/* ACKs every 5 ms */
		if (steps % 5 == 0)
			for (p = 0; p < PEERS; p++) {
				struct relay_ack a;

				if (rnd() % 10 == 0)
					continue;
				relay_rxwin_ack(&w[p], &a);
				if (a.acked_epoch)
					assert_true(relay_txq_ack_at(&q, (unsigned)p, &a, now) >= 0);
			}
		if (next > N && relay_txq_inflight(&q) == 0)
			break;
	}
	assert_true(next > N);
	assert_int_equal(relay_txq_inflight(&q), 0);
	assert_int_equal(gave, 0);
	assert_true(max_inflight <= c.cap);
	for (p = 0; p < PEERS; p++) {
		uint64_t s;

		assert_int_equal(delivered[p], N);
		for (s = 1; s <= N; s++)
			assert_int_equal(got[p][s], 1);
		assert_true(w[p].too_old == 0);
		relay_rxwin_free(&w[p]);
	}
	assert_true(q.resent > 0);
	print_message("lossy link: %d frames x %d peers in %.1f s simulated, %llu resends, %llu "
	              "duplicates, max %zu in flight\n", N, PEERS, (double)now / 1e6,
	              (unsigned long long)q.resent, (unsigned long long)dups, max_inflight);
	relay_txq_free(&q);
}

/* a DATA frame header with seq and `entries` entries (what relay_txq_push counts) */
static void data_frame(uint8_t *f, size_t len, unsigned entries)
{
	memset(f, 0, len);
	f[5] = RELAY_DATA;
	f[30] = (uint8_t)(entries >> 8);
	f[31] = (uint8_t)entries;
}

/* Round-trip estimate: ACKs that always come 300 ms after the send (slower than the 100 ms
 * floor) cause resends only until a few samples raised the peer's timeout; then none. A
 * frame sent twice gives no sample (Karn); the timeout is bounded by rto_max_us; a lost
 * frame on a fast link is resent after the floor. */
static void test_txq_rtt(void **state)
{
	struct relay_txq_conf c = { .cap = 64, .window = 1024, .max_frame = 100, .rto_us = 100000,
	                            .rto_max_us = 800000, .max_retries = 12 };
	struct relay_txq q;
	struct relay_txq_due due[8];
	struct relay_ack a = { .acked_sender = 7, .acked_epoch = 1 };
	uint8_t f[64];
	uint64_t gave = 0, now = 1000000, resent_late;
	uint64_t seq;

	(void)state;
	data_frame(f, sizeof(f), 10);
	assert_int_equal(relay_txq_init(&q, &c, 7, 1), 0);
	assert_int_equal(q.peer[0].rto, 100000);
	/* frame 1: resent at 100 ms (no estimate yet), its ACK at 300 ms gives no sample */
	assert_int_equal(relay_txq_push(&q, 1, 0x1, f, sizeof(f), now), RELAY_TXQ_OK);
	assert_int_equal(relay_txq_due(&q, now + 100000, due, 8, &gave), 1);
	a.cum = 1;
	assert_int_equal(relay_txq_ack_at(&q, 0, &a, now + 300000), 1);
	assert_int_equal(q.peer[0].samples, 0);
	/* frames 2..40, one every 50 ms, each acknowledged 300 ms after it was sent */
	now += 400000;
	for (seq = 2; seq <= 40; seq++) {
		uint64_t t;

		assert_int_equal(relay_txq_push(&q, seq, 0x1, f, sizeof(f), now), RELAY_TXQ_OK);
		for (t = now; t < now + 300000; t += 10000)
			relay_txq_due(&q, t, due, 8, &gave);
		a.cum = seq;
		assert_int_equal(relay_txq_ack_at(&q, 0, &a, now + 300000), 1);
		if (seq == 10)
			resent_late = q.resent;
		now += 350000;
	}
	print_message("rtt: srtt %.0f ms, rttvar %.0f ms, rto %.0f ms after %llu samples; "
	              "%llu resends, none after the 9th frame\n", q.peer[0].srtt / 1e3,
	              q.peer[0].rttvar / 1e3, q.peer[0].rto / 1e3,
	              (unsigned long long)q.peer[0].samples, (unsigned long long)q.resent);
	assert_int_equal(q.peer[0].samples, 38);       /* frame 2 was resent too: no sample */
	assert_true(q.peer[0].srtt > 290000 && q.peer[0].srtt < 310000);
	assert_true(q.peer[0].rto > 300000 && q.peer[0].rto <= c.rto_max_us);
	assert_int_equal(q.resent, resent_late);         /* no spurious resend once learnt */
	assert_true(q.resent < 10);
	/* bounded: a 2 s round trip gives rto_max_us */
	for (seq = 41; seq <= 60; seq++) {
		assert_int_equal(relay_txq_push(&q, seq, 0x1, f, sizeof(f), now), RELAY_TXQ_OK);
		a.cum = seq;
		relay_txq_ack_at(&q, 0, &a, now + 2000000);
		now += 2100000;
	}
	assert_int_equal(q.peer[0].rto, c.rto_max_us);
	assert_int_equal(q.peer[0].rto_raised, 0);
	/* forgetting the peer forgets its estimate: a lost frame goes again after the floor */
	relay_txq_drop_peer(&q, 0);
	assert_int_equal(q.peer[0].rto, c.rto_us);
	assert_int_equal(relay_txq_push(&q, 61, 0x1, f, sizeof(f), now), RELAY_TXQ_OK);
	assert_int_equal(relay_txq_due(&q, now + 99999, due, 8, &gave), 0);
	assert_int_equal(relay_txq_due(&q, now + 100000, due, 8, &gave), 1);
	assert_int_equal(gave, 0);
	relay_txq_free(&q);
}

/* Receive window: frames go to a peer while the entries it has not acknowledged are below
 * the window its last ACK announced (overshooting by at most one frame); an ACK reopens it; a
 * window of 0 with nothing in flight lets one probe frame go after RELAY_TXQ_PROBE_US. */
static void test_txq_window(void **state)
{
	struct relay_txq_conf c = { .cap = 64, .window = 1024, .max_frame = 100, .rto_us = 100000,
	                            .rto_max_us = 800000, .max_retries = 12 };
	struct relay_txq q;
	struct relay_ack a = { .acked_sender = 7, .acked_epoch = 1 };
	uint8_t f[64];
	uint64_t now = 1000000, seq = 1;

	(void)state;
	data_frame(f, sizeof(f), 30);
	assert_int_equal(relay_txq_init(&q, &c, 7, 1), 0);
	assert_int_equal(relay_txq_closed(&q, 0x3, now), 0);           /* no window known */
	a.has_window = 1;
	a.window = 100;
	a.cum = 0;
	assert_int_equal(relay_txq_ack_at(&q, 0, &a, now), 0);
	while (!relay_txq_closed(&q, 0x3, now))
		assert_int_equal(relay_txq_push(&q, seq++, 0x3, f, sizeof(f), now), RELAY_TXQ_OK);
	assert_int_equal(seq - 1, 4);                  /* 0, 30, 60, 90 < 100: 4 frames */
	assert_int_equal(q.peer[0].inflight, 120);
	assert_int_equal(relay_txq_closed(&q, 0x3, now), 0x1);     /* peer 1 has no window */
	assert_int_equal(relay_txq_closed(&q, 0x2, now), 0);
	/* peer 0 took 2 frames and has room for 40 more entries */
	a.cum = 2;
	a.window = 40;
	assert_int_equal(relay_txq_ack_at(&q, 0, &a, now + 1000), 2);
	assert_int_equal(q.peer[0].inflight, 60);
	assert_int_equal(relay_txq_closed(&q, 0x1, now), 0x1);     /* 60 in flight >= 40 */
	a.cum = 4;
	a.window = 0;                                  /* full: nothing more */
	assert_int_equal(relay_txq_ack_at(&q, 0, &a, now + 2000), 2);
	assert_int_equal(q.peer[0].inflight, 0);
	assert_int_equal(relay_txq_closed(&q, 0x1, now + 2000), 0x1);
	assert_int_equal(relay_txq_closed(&q, 0x1, now + 2000 + RELAY_TXQ_PROBE_US - 1), 0x1);
	assert_int_equal(relay_txq_closed(&q, 0x1, now + 2000 + RELAY_TXQ_PROBE_US), 0);  /* probe */
	assert_int_equal(relay_txq_push(&q, seq++, 0x1, f, sizeof(f), now + 2000 + RELAY_TXQ_PROBE_US),
	                 RELAY_TXQ_OK);
	assert_int_equal(relay_txq_closed(&q, 0x1, now + 3000 + RELAY_TXQ_PROBE_US), 0x1);
	/* an ACK without a window (an older peer) keeps the last one */
	a.has_window = 0;
	a.cum = seq - 1;
	assert_int_equal(relay_txq_ack_at(&q, 0, &a, now + 5000 + RELAY_TXQ_PROBE_US), 1);
	assert_int_equal(q.peer[0].rwnd, 0);
	relay_txq_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_basics),
		cmocka_unit_test(test_window_model),
		cmocka_unit_test(test_window_ack),
		cmocka_unit_test(test_rxtab),
		cmocka_unit_test(test_txq_basics),
		cmocka_unit_test(test_lossy_link),
		cmocka_unit_test(test_txq_rtt),
		cmocka_unit_test(test_txq_window),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
