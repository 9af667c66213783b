/* sync/relay_window.c - replay windows, acknowledgements and the resend queue of the relay
 * (see relay_window.h). Pure: time comes in as an argument. */
#include <stdlib.h>
#include <string.h>
#include "sync/relay_window.h"

/* ---------------- receiver ---------------- */

static inline int bit_get(const struct relay_rxwin *w, uint64_t seq)
{
	uint64_t i = seq % w->width;

	return (int)((w->bits[i >> 6] >> (i & 63)) & 1);
}

static inline void bit_set(struct relay_rxwin *w, uint64_t seq)
{
	uint64_t i = seq % w->width;

	w->bits[i >> 6] |= 1ULL << (i & 63);
}

/* clear the bits of n consecutive seqs from `from` (n < width) */
static void bits_clear(struct relay_rxwin *w, uint64_t from, uint64_t n)
{
	uint64_t k = 0;

	while (k < n) {
		uint64_t i = (from + k) % w->width;

		if ((i & 63) == 0 && n - k >= 64) {
			w->bits[i >> 6] = 0;
			k += 64;
		} else {
			w->bits[i >> 6] &= ~(1ULL << (i & 63));
			k++;
		}
	}
}

int relay_rxwin_init(struct relay_rxwin *w, uint32_t sender, uint32_t width)
{
	memset(w, 0, sizeof(*w));
	if (width < RELAY_WIN_MIN)
		width = RELAY_WIN_MIN;
	if (width > RELAY_WIN_MAX)
		width = RELAY_WIN_MAX;
	width = (width + 63) & ~63u;
	w->bits = calloc(width / 64, sizeof(uint64_t));
	if (!w->bits)
		return -1;
	w->width = width;
	w->sender = sender;
	return 0;
}

void relay_rxwin_free(struct relay_rxwin *w)
{
	free(w->bits);
	w->bits = NULL;
}

enum relay_win relay_rxwin_check(const struct relay_rxwin *w, uint64_t epoch, uint64_t seq)
{
	if (!seq)                       /* never valid (a parsed frame cannot carry it) */
		return RELAY_WIN_TOO_OLD;
	if (epoch < w->epoch)
		return RELAY_WIN_OLD_EPOCH;
	if (epoch > w->epoch)
		return RELAY_WIN_NEW_EPOCH;
	if (seq > w->top)
		return RELAY_WIN_OK;
	if (w->top - seq >= w->width)
		return RELAY_WIN_TOO_OLD;
	return bit_get(w, seq) ? RELAY_WIN_REPLAY : RELAY_WIN_OK;
}

enum relay_win relay_rxwin_accept(struct relay_rxwin *w, uint64_t epoch, uint64_t seq)
{
	enum relay_win v = relay_rxwin_check(w, epoch, seq);

	switch (v) {
	case RELAY_WIN_NEW_EPOCH:
		w->epoch = epoch;
		w->top = 0;
		memset(w->bits, 0, w->width / 8);
		w->epochs++;
		/* fall through */
	case RELAY_WIN_OK:
		if (seq > w->top) {
			if (seq - w->top >= w->width)
				memset(w->bits, 0, w->width / 8);
			else
				bits_clear(w, w->top + 1, seq - w->top);
			w->top = seq;
		}
		bit_set(w, seq);
		w->accepted++;
		return v;
	case RELAY_WIN_REPLAY:
		w->replayed++;
		return v;
	case RELAY_WIN_TOO_OLD:
		w->too_old++;
		return v;
	default:
		w->old_epoch++;
		return v;
	}
}

void relay_rxwin_ack(const struct relay_rxwin *w, struct relay_ack *a)
{
	uint64_t s, base;

	a->acked_sender = w->sender;
	a->acked_epoch = w->epoch;
	a->n = 0;
	a->cum = 0;
	a->has_window = 0;
	a->window = 0;
	if (!w->top)
		return;
	base = w->top >= w->width ? w->top - w->width + 1 : 1;
	s = base;
	while (s <= w->top && bit_get(w, s))
		s++;
	a->cum = s - 1;
	while (s <= w->top && a->n < RELAY_ACK_MAX_RANGES) {
		uint64_t first;

		while (s <= w->top && !bit_get(w, s))
			s++;
		if (s > w->top)
			break;
		first = s;
		while (s <= w->top && bit_get(w, s))
			s++;
		a->r[a->n].first = first;
		a->r[a->n].last = s - 1;
		a->n++;
	}
}

int relay_rxtab_init(struct relay_rxtab *t, size_t cap, uint32_t width)
{
	memset(t, 0, sizeof(*t));
	t->w = calloc(cap ? cap : 1, sizeof(*t->w));
	if (!t->w)
		return -1;
	t->cap = cap ? cap : 1;
	t->width = width;
	return 0;
}

void relay_rxtab_free(struct relay_rxtab *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		relay_rxwin_free(&t->w[i]);
	free(t->w);
	memset(t, 0, sizeof(*t));
}

struct relay_rxwin *relay_rxtab_get(struct relay_rxtab *t, uint32_t sender, int create)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->w[i].sender == sender)
			return &t->w[i];
	if (!create || t->n == t->cap || relay_rxwin_init(&t->w[t->n], sender, t->width))
		return NULL;
	return &t->w[t->n++];
}

/* ---------------- sender ---------------- */

static inline struct relay_txq_slot *slot(const struct relay_txq *q, size_t i)
{
	return &q->slots[(q->head + i) % q->cap];
}

static void pop_done(struct relay_txq *q)
{
	while (q->used && !q->slots[q->head].pending) {
		q->head = (q->head + 1) % q->cap;
		q->used--;
	}
}

static void peer_reset(struct relay_txq *q, unsigned i)
{
	memset(&q->peer[i], 0, sizeof(q->peer[i]));
	q->peer[i].rto = q->rto_us;
}

/* peer i no longer owes slot s */
static void clear_owed(struct relay_txq *q, struct relay_txq_slot *s, unsigned i)
{
	s->pending &= ~(1ULL << i);
	q->peer[i].inflight -= q->peer[i].inflight < s->entries ? q->peer[i].inflight : s->entries;
}

int relay_txq_init(struct relay_txq *q, const struct relay_txq_conf *c, uint32_t sender,
                   uint64_t epoch)
{
	memset(q, 0, sizeof(*q));
	q->cap = c->cap < 1 ? 1 : c->cap > (1u << 20) ? (1u << 20) : c->cap;
	q->slots = calloc(q->cap, sizeof(*q->slots));
	if (!q->slots)
		return -1;
	q->sender = sender;
	q->epoch = epoch;
	q->window = c->window < RELAY_WIN_MIN ? RELAY_WIN_MIN : c->window;
	q->max_frame = c->max_frame ? c->max_frame : RELAY_MAX_FRAME;
	q->rto_us = c->rto_us ? c->rto_us : 200000;
	q->rto_max_us = c->rto_max_us < q->rto_us ? q->rto_us : c->rto_max_us;
	q->max_retries = c->max_retries;
	q->initial_rwnd = c->initial_rwnd;
	for (unsigned i = 0; i < RELAY_TXQ_MAX_PEERS; i++)
		peer_reset(q, i);
	return 0;
}

void relay_txq_free(struct relay_txq *q)
{
	size_t i;

	if (q->slots)
		for (i = 0; i < q->cap; i++)
			free(q->slots[i].buf);
	free(q->slots);
	memset(q, 0, sizeof(*q));
}

enum relay_txq_push relay_txq_space(const struct relay_txq *q, uint64_t seq)
{
	if (seq <= q->last_seq)
		return RELAY_TXQ_INVALID;
	if (q->used == q->cap)
		return RELAY_TXQ_FULL;
	if (q->used && seq - q->slots[q->head].seq >= q->window)
		return RELAY_TXQ_WINDOW;
	return RELAY_TXQ_OK;
}

enum relay_txq_push relay_txq_push(struct relay_txq *q, uint64_t seq, uint64_t peers,
                                   const uint8_t *frame, size_t len, uint64_t now)
{
	enum relay_txq_push r = relay_txq_space(q, seq);
	struct relay_txq_slot *s;

	if (r == RELAY_TXQ_OK && (!peers || !len || len > q->max_frame))
		r = RELAY_TXQ_INVALID;
	if (r != RELAY_TXQ_OK) {
		q->refused++;
		return r;
	}
	s = slot(q, q->used);
	if (s->buf_cap < len) {
		uint8_t *nb = realloc(s->buf, len);

		if (!nb) {
			q->refused++;
			return RELAY_TXQ_FULL;
		}
		s->buf = nb;
		s->buf_cap = (uint32_t)len;
	}
	memcpy(s->buf, frame, len);
	s->len = (uint32_t)len;
	s->seq = seq;
	s->pending = peers;
	s->sent_at = now;
	s->retries = 0;
	s->entries = len >= RELAY_HDR_LEN && frame[5] == RELAY_DATA ?
	             ((uint32_t)frame[30] << 8) | frame[31] : 0;
	for (uint64_t m = peers; m; m &= m - 1)
		q->peer[__builtin_ctzll(m)].inflight += s->entries;
	q->used++;
	q->last_seq = seq;
	q->queued++;
	return RELAY_TXQ_OK;
}

/* index (from head) of the first slot with seq >= want */
static size_t lower_bound(const struct relay_txq *q, uint64_t want)
{
	size_t lo = 0, hi = q->used;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (slot(q, mid)->seq < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* RFC 6298's estimator on one sample (us) */
static void rtt_sample(struct relay_txq *q, struct relay_txq_peer *p, uint64_t r)
{
	uint64_t rto;

	if (!r)
		r = 1;
	if (!p->srtt) {
		p->srtt = r;
		p->rttvar = r / 2;
	} else {
		uint64_t d = p->srtt > r ? p->srtt - r : r - p->srtt;

		p->rttvar = (3 * p->rttvar + d) / 4;
		p->srtt = (7 * p->srtt + r) / 8;
	}
	p->samples++;
	if (!p->rtt_min || r < p->rtt_min)
		p->rtt_min = r;
	if (r > p->rtt_max)
		p->rtt_max = r;
	p->rto_raised = 0;                 /* a sample ends Karn's backoff */
	rto = p->srtt + (4 * p->rttvar > 1000 ? 4 * p->rttvar : 1000);
	p->rto = rto < q->rto_us ? q->rto_us : rto > q->rto_max_us ? q->rto_max_us : rto;
}

/* peer `i` acknowledges slot s: 1 if it owed it */
static int ack_slot(struct relay_txq *q, struct relay_txq_slot *s, unsigned i, uint64_t now,
                    uint64_t *sample, uint64_t *sent, uint64_t *newest)
{
	if (!(s->pending & (1ULL << i)))
		return 0;
	if (!s->retries && s->sent_at > *newest)
		*newest = s->sent_at;
	clear_owed(q, s, i);
	if (!s->pending)
		q->acked++;
	/* Karn: a frame sent more than once gives no sample (which copy is acknowledged?) */
	if (now && !s->retries && now >= s->sent_at && now - s->sent_at < *sample) {
		*sample = now - s->sent_at;
		*sent = s->sent_at;
	}
	return 1;
}

long relay_txq_ack_at(struct relay_txq *q, unsigned peer, const struct relay_ack *a,
                      uint64_t now)
{
	uint64_t sample = UINT64_MAX, sent = 0, newest = 0;
	long n = 0;
	size_t i, r;

	if (peer >= RELAY_TXQ_MAX_PEERS || a->acked_sender != q->sender || a->acked_epoch != q->epoch)
		return -1;
	for (i = 0; i < q->used; i++) {
		struct relay_txq_slot *s = slot(q, i);

		if (s->seq > a->cum)
			break;
		n += ack_slot(q, s, peer, now, &sample, &sent, &newest);
	}
	for (r = 0; r < a->n && r < RELAY_ACK_MAX_RANGES; r++) {
		for (i = lower_bound(q, a->r[r].first); i < q->used; i++) {
			struct relay_txq_slot *s = slot(q, i);

			if (s->seq > a->r[r].last)
				break;
			n += ack_slot(q, s, peer, now, &sample, &sent, &newest);
		}
	}
	if (sample != UINT64_MAX) {
		rtt_sample(q, &q->peer[peer], sample);
		if (sent > q->peer[peer].sampled_sent)
			q->peer[peer].sampled_sent = sent;
	}
	/* fast resend: a frame it still owes, sent more than RELAY_TXQ_REORDER_US before a frame
	 * (sent once) that it has acknowledged now, was lost (one path hardly reorders; a wrong
	 * guess costs one duplicate) */
	if (newest) {
		uint64_t reo = RELAY_TXQ_REORDER_US;

		for (i = 0; i < q->used; i++) {
			struct relay_txq_slot *s = slot(q, i);

			if (s->sent_at + reo >= newest)
				continue;
			if ((s->pending & (1ULL << peer)) && !s->lost)
				s->lost = 1;
		}
	}
	if (a->has_window) {
		q->peer[peer].rwnd = a->window;
		q->peer[peer].rwnd_known = 1;
		q->peer[peer].rwnd_at = now;
	}
	pop_done(q);
	return n;
}

long relay_txq_ack(struct relay_txq *q, unsigned peer, const struct relay_ack *a)
{
	return relay_txq_ack_at(q, peer, a, 0);
}

uint64_t relay_txq_closed(const struct relay_txq *q, uint64_t peers, uint64_t now)
{
	uint64_t m = 0;

	for (uint64_t left = peers; left; left &= left - 1) {
		unsigned i = (unsigned)__builtin_ctzll(left);
		const struct relay_txq_peer *p = &q->peer[i];
		uint64_t rwnd = p->rwnd_known ? p->rwnd : q->initial_rwnd;

		if ((!p->rwnd_known && !q->initial_rwnd) || p->inflight < rwnd)
			continue;
		/* nothing in flight and no news for a while: let one frame probe */
		if (!p->inflight && now >= p->rwnd_at && now - p->rwnd_at >= RELAY_TXQ_PROBE_US)
			continue;
		m |= 1ULL << i;
	}
	return m;
}

/* the slot's resend timeout: the largest of its owing peers' (their round trips; for a frame
 * not resent yet, also a timeout raised by Karn's backoff), doubled per retry, at most
 * rto_max_us. A resent frame backs off from the estimate alone, so a lost frame's own timeout
 * does not double twice (once through the raise it caused, once as its retry). */
static uint64_t rto_of(const struct relay_txq *q, const struct relay_txq_slot *s)
{
	uint64_t base = q->rto_us;

	for (uint64_t m = s->pending; m; m &= m - 1) {
		const struct relay_txq_peer *p = &q->peer[__builtin_ctzll(m)];
		uint64_t r = !s->retries && p->rto_raised > p->rto ? p->rto_raised : p->rto;

		if (r > base)
			base = r;
	}
	if (s->retries >= 32 || (base << s->retries) >> s->retries != base ||
	    base << s->retries > q->rto_max_us)
		return q->rto_max_us > base ? q->rto_max_us : base;
	return base << s->retries;
}

size_t relay_txq_due(struct relay_txq *q, uint64_t now, struct relay_txq_due *out, size_t max,
                     uint64_t *gave_up)
{
	uint64_t raise[RELAY_TXQ_MAX_PEERS] = { 0 };
	size_t i, k = 0;

	for (i = 0; i < q->used && k < max; i++) {
		struct relay_txq_slot *s = slot(q, i);

		if (!s->pending || now < s->sent_at ||
		    (!s->lost && now - s->sent_at < rto_of(q, s)))
			continue;
		if (s->retries >= q->max_retries) {
			*gave_up |= s->pending;
			while (s->pending)
				clear_owed(q, s, (unsigned)__builtin_ctzll(s->pending));
			q->expired++;
			continue;
		}
		/* Karn: resent frames give no samples, so a fresh frame's timeout that expired,
		 * doubled, stays the owing peers' until a frame sent once is acknowledged
		 * (otherwise a round trip longer than the timeout would never be learnt) */
		if (!s->retries && !s->lost) {   /* a fresh frame's timeout (retries back off alone) */
			uint64_t rto = rto_of(q, s), b = rto > q->rto_max_us / 2 ? q->rto_max_us : 2 * rto;

			/* not for a peer that acknowledged a frame sent after this one (this one was
			 * lost, not slow), nor for frames sent before the last raise (they say
			 * nothing new: one lost ACK times many out at once) */
			for (uint64_t m = s->pending; m; m &= m - 1) {
				unsigned p = (unsigned)__builtin_ctzll(m);

				if (q->peer[p].sampled_sent <= s->sent_at &&
				    s->sent_at >= q->peer[p].raised_at && raise[p] < b)
					raise[p] = b;
			}
		}
		if (s->lost)
			q->fast_resent++;
		s->lost = 0;
		out[k].seq = s->seq;
		out[k].peers = s->pending;
		out[k].frame = s->buf;
		out[k].len = s->len;
		k++;
		s->retries++;
		s->sent_at = now;
		q->resent++;
	}
	for (unsigned p = 0; p < RELAY_TXQ_MAX_PEERS; p++)
		if (raise[p] > q->peer[p].rto && raise[p] > q->peer[p].rto_raised) {
			q->peer[p].rto_raised = raise[p];
			q->peer[p].raised_at = now;
		}
	pop_done(q);
	return k;
}

uint64_t relay_txq_next_due(const struct relay_txq *q)
{
	uint64_t best = UINT64_MAX;
	size_t i;

	for (i = 0; i < q->used; i++) {
		const struct relay_txq_slot *s = slot(q, i);
		uint64_t rto, t;

		if (!s->pending)
			continue;
		rto = s->lost ? 0 : rto_of(q, s);
		t = s->sent_at > UINT64_MAX - rto ? UINT64_MAX : s->sent_at + rto;
		if (t < best)
			best = t;
	}
	return best;
}

void relay_txq_drop_peer(struct relay_txq *q, unsigned peer)
{
	size_t i;

	if (peer >= RELAY_TXQ_MAX_PEERS)
		return;
	for (i = 0; i < q->used; i++)
		if (slot(q, i)->pending & (1ULL << peer))
			clear_owed(q, slot(q, i), peer);
	peer_reset(q, peer);
	pop_done(q);
}

const char *relay_win_name(enum relay_win v)
{
	static const char *const names[RELAY_WIN__COUNT] = {
		[RELAY_WIN_OK] = "ok", [RELAY_WIN_NEW_EPOCH] = "new-epoch",
		[RELAY_WIN_REPLAY] = "replay", [RELAY_WIN_TOO_OLD] = "too-old",
		[RELAY_WIN_OLD_EPOCH] = "old-epoch",
	};

	return (unsigned)v < RELAY_WIN__COUNT ? names[v] : "?";
}
