/* sync/relay_core.c - the relay's state machine (see relay_core.h): kernel entries to DATA
 * frames with back-pressure, the receive checks in the order of docs/sync-protocol.md section
 * 4, ACKs and resends, HELLO and peer liveness, epochs; bulk resync is relay_core_resync.c. */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "sync/relay_core.h"
#include "sync/relay_core_int.h"

#define RX_SENDERS       (2 * RELAY_MAX_PEERS)
#define PEND_DEFAULT     (1u << 20)
#define PEND_MSG_ROOM    70000u          /* free bytes needed to take one more kernel message */
#define DUE_BATCH        64
#define NEVER            UINT64_MAX

static const char *const rej_names[RELAY_REJ__COUNT] = {
	"short", "magic", "version", "kind", "length", "zero", "own", "bad_mac", "bad_body",
	"replay", "too_old", "old_epoch", "unknown_peer", "table_full", "queue_full",
};

const char *relay_rej_name(enum relay_rej r)
{
	return (unsigned)r < RELAY_REJ__COUNT ? rej_names[r] : "?";
}

static void event(struct relay_core *rc, struct relay_event *ev)
{
	if (rc->io.event)
		rc->io.event(rc->io.ud, ev);
}

static void peer_event(struct relay_core *rc, int i, enum relay_ev_kind k, const char *why)
{
	struct relay_event ev = { .kind = k, .peer = i, .sender = rc->peers[i].sender,
	                          .epoch = rc->peers[i].epoch, .reason = why };
	event(rc, &ev);
}

/* the peers DATA is queued (kept for resends) for: those up, and the configured unicast peers
 * that were heard and are silent for less than RELAY_GRACE_US (a lossy link or a stalled host
 * makes a peer look down for a while; it still owes ACKs) */
static int kept(const struct relay_core *rc, const struct relay_peer *p, uint64_t now)
{
	return !rc->conf.multicast && p->sender && !p->up && p->last_heard &&
	       now - p->last_heard < RELAY_GRACE_US;
}

/* the peers up: those whose receive window holds back what we send */
static uint64_t up_mask(const struct relay_core *rc)
{
	uint64_t m = 0;

	for (size_t i = 0; i < rc->npeers; i++)
		if (rc->peers[i].used && rc->peers[i].up)
			m |= 1ull << i;
	return m;
}

static uint64_t queue_mask(const struct relay_core *rc, uint64_t now)
{
	uint64_t m = 0;

	for (size_t i = 0; i < rc->npeers; i++)
		if (rc->peers[i].used && (rc->peers[i].up || kept(rc, &rc->peers[i], now)))
			m |= 1ull << i;
	return m;
}

int relay_core_init(struct relay_core *rc, const struct relay_core_conf *conf,
                    const struct relay_io *io, uint64_t now)
{
	struct relay_txq_conf tq = { 0 };

	memset(rc, 0, sizeof(*rc));
	rc->conf = *conf;
	rc->io = *io;
	if (!conf->sender || !conf->epoch || conf->npeers > RELAY_MAX_PEERS ||
	    conf->max_frame < 512 || conf->max_frame > RELAY_MAX_FRAME)
		return -1;
	if (!rc->conf.local_maxlen)
		rc->conf.local_maxlen = 1472;
	if (!rc->conf.pending_max)
		rc->conf.pending_max = PEND_DEFAULT;
	if (rc->conf.pending_max < 2 * PEND_MSG_ROOM)
		rc->conf.pending_max = 2 * PEND_MSG_ROOM;
	rc->mac = relay_mac_new(conf->key, conf->keylen);
	if (!rc->mac)
		goto fail;
	if (relay_rxtab_init(&rc->rx, RX_SENDERS, conf->window) < 0)
		goto fail;
	tq.cap = conf->resend_queue;
	tq.window = conf->window;
	tq.max_frame = conf->max_frame;
	tq.rto_us = conf->resend_timeout_us;
	tq.rto_max_us = RELAY_RTO_MAX_X * conf->resend_timeout_us;
	tq.max_retries = 12;
	tq.initial_rwnd = RELAY_RX_WINDOW;      /* every relay's window until its ACK says */
	rc->txq_conf = tq;
	if (relay_txq_init(&rc->txq, &tq, conf->sender, conf->epoch) < 0)
		goto fail;
	rc->fbuf = malloc(RELAY_MAX_FRAME);
	rc->ents_cap = RELAY_MAX_BODY / SYNC_V1_V4_LEN + SYNC_MAX_CONNS + 1;
	rc->ents = calloc(rc->ents_cap, sizeof(*rc->ents));
	rc->pend_cap = rc->conf.pending_max;
	rc->pend = malloc(rc->pend_cap);
	if (!rc->conf.rx_window)
		rc->conf.rx_window = RELAY_RX_WINDOW;
	rc->kq_cap = RELAY_KQ_BYTES;
	rc->kq = malloc(rc->kq_cap);
	if (!rc->fbuf || !rc->ents || !rc->pend || !rc->kq)
		goto fail;
	if (conf->mirror_max) {
		rc->mit = malloc(sizeof(*rc->mit));
		if (!rc->mit || relay_mirror_init(&rc->mirror, conf->mirror_max) < 0)
			goto fail;
		rc->mirror_on = 1;
		rc->mirror_ready = 1;
	}
	rc->npeers = conf->multicast ? 0 : conf->npeers;
	for (size_t i = 0; i < rc->npeers; i++)
		rc->peers[i].used = 1;
	rc->next_hello = now;
	rc->next_ack = now + conf->ack_interval_us;
	rc->frame_max = conf->max_frame;
	rc->want_resync = 1;            /* a relay that starts asks for the table */
	rc->req_started = now;
	return 0;
fail:
	relay_core_free(rc);
	return -1;
}

void relay_core_free(struct relay_core *rc)
{
	if (rc->srv.active && rc->srv.h && !rc->mirror_on && rc->io.table.close)
		rc->io.table.close(rc->io.table.ud, rc->srv.h);
	if (rc->mirror_on)
		relay_mirror_free(&rc->mirror);
	free(rc->mit);
	relay_mac_free(rc->mac);
	relay_rxtab_free(&rc->rx);
	relay_txq_free(&rc->txq);
	free(rc->fbuf);
	free(rc->ents);
	free(rc->pend);
	free(rc->kq);
	memset(rc, 0, sizeof(*rc));
}

int relay_core_set_peer_addr(struct relay_core *rc, size_t i, const struct sockaddr *sa,
                             socklen_t len)
{
	if (i >= rc->npeers || len > sizeof(rc->peers[i].addr))
		return -1;
	memcpy(&rc->peers[i].addr, sa, len);
	rc->peers[i].alen = len;
	return 0;
}

/* ---- sending ---- */

/* header + seal into rc->fbuf (body already at fbuf + RELAY_HDR_LEN); frame length or 0 */
size_t relay_core_seal(struct relay_core *rc, uint8_t kind, uint16_t flags, size_t body_len,
                       uint16_t count, uint64_t *seq)
{
	struct relay_hdr h = { .version = RELAY_VERSION, .kind = kind, .flags = flags,
	                       .sender = rc->conf.sender, .epoch = rc->conf.epoch,
	                       .seq = rc->seq + 1, .body_len = (uint16_t)body_len,
	                       .count = count };
	size_t n = relay_frame_seal(rc->mac, &h, rc->fbuf, rc->conf.max_frame);

	if (n) {
		rc->seq++;
		if (seq)
			*seq = rc->seq;
	}
	return n;
}

void relay_core_send_to(struct relay_core *rc, int peer, const uint8_t *f, size_t len)
{
	if (rc->io.send_peer(rc->io.ud, peer, f, len) < 0)
		rc->c.send_errors++;
}

static void send_all(struct relay_core *rc, const uint8_t *f, size_t len)
{
	if (rc->conf.multicast) {
		relay_core_send_to(rc, RELAY_DEST_GROUP, f, len);
		return;
	}
	for (size_t i = 0; i < rc->npeers; i++)
		if (rc->peers[i].alen)
			relay_core_send_to(rc, (int)i, f, len);
}

int relay_core_room(const struct relay_core *rc)
{
	return relay_txq_space(&rc->txq, rc->seq + 1) == RELAY_TXQ_OK;
}

static void pend_compact(struct relay_core *rc)
{
	if (rc->pend_off == rc->pend_len) {
		rc->pend_off = rc->pend_len = 0;
	} else if (rc->pend_off > rc->pend_cap / 2) {
		memmove(rc->pend, rc->pend + rc->pend_off, rc->pend_len - rc->pend_off);
		rc->pend_len -= rc->pend_off;
		rc->pend_off = 0;
	}
}

int relay_core_can_take(const struct relay_core *rc)
{
	return rc->pend_cap - (rc->pend_len - rc->pend_off) >= PEND_MSG_ROOM;
}

static int pend_add(struct relay_core *rc, const uint8_t *raw, size_t len)
{
	if (rc->pend_len + 2 + len > rc->pend_cap) {
		if (rc->pend_off) {
			memmove(rc->pend, rc->pend + rc->pend_off, rc->pend_len - rc->pend_off);
			rc->pend_len -= rc->pend_off;
			rc->pend_off = 0;
		}
		if (rc->pend_len + 2 + len > rc->pend_cap)
			return -1;
	}
	rc->pend[rc->pend_len] = (uint8_t)(len >> 8);
	rc->pend[rc->pend_len + 1] = (uint8_t)len;
	memcpy(rc->pend + rc->pend_len + 2, raw, len);
	rc->pend_len += 2 + len;
	rc->pend_n++;
	return 0;
}

void relay_core_kernel_msg(struct relay_core *rc, const uint8_t *msg, size_t len, uint64_t now)
{
	struct sync_msg m;
	uint8_t tmp[SYNC_V1_ENTRY_MAX];

	if (sync_msg_parse(msg, len, 0, &m, rc->ents, rc->ents_cap) != SYNC_OK) {
		rc->c.kmsg_malformed++;
		return;
	}
	rc->c.kmsg_in++;
	for (unsigned i = 0; i < m.n; i++) {
		const struct sync_entry *e = &rc->ents[i];
		const uint8_t *raw = e->raw;
		size_t rl = e->raw_len;

		if (e->skip) {
			rc->c.kentries_skipped++;
			continue;
		}
		if (e->version != 1) {
			rl = sync_entry_v1_encode(e, tmp, sizeof(tmp));
			raw = tmp;
			if (!rl) {
				rc->c.kentries_skipped++;
				continue;
			}
		}
		if (pend_add(rc, raw, rl) < 0) {
			rc->c.kentries_dropped++;
			if (!rc->backpressure)
				rc->c.backpressure_events++;
			rc->backpressure = 1;
			continue;
		}
		rc->c.from_kernel++;
		if (rc->mirror_on)
			relay_mirror_put(&rc->mirror, raw, rl, now, 0);
	}
}

void relay_core_flush(struct relay_core *rc, uint64_t now)
{
	struct relay_data_builder d;
	struct relay_hdr h;

	while (rc->pend_off < rc->pend_len) {
		uint64_t mask = queue_mask(rc, now), seq;
		size_t n;

		if (mask && !relay_core_room(rc)) {
			if (!rc->backpressure)
				rc->c.backpressure_events++;
			rc->backpressure = 1;
			break;
		}
		/* flow control: a peer up whose receive window is full gets nothing new */
		if (mask && relay_txq_closed(&rc->txq, mask & up_mask(rc), now)) {
			if (!rc->win_blocked)
				rc->c.window_stalls++;
			rc->win_blocked = 1;
			if (!rc->backpressure)
				rc->c.backpressure_events++;
			rc->backpressure = 1;
			break;
		}
		rc->win_blocked = 0;
		relay_data_init(&d, rc->fbuf, rc->frame_max);
		while (rc->pend_off < rc->pend_len) {
			size_t el = ((size_t)rc->pend[rc->pend_off] << 8) | rc->pend[rc->pend_off + 1];
			int r = relay_data_add_raw(&d, rc->pend + rc->pend_off + 2, el);

			if (r == 1)
				break;
			rc->pend_off += 2 + el;
			rc->pend_n--;
			if (r < 0)
				rc->c.kentries_skipped++;
		}
		if (!d.count)
			continue;
		memset(&h, 0, sizeof(h));
		relay_data_hdr(&d, &h);
		n = relay_core_seal(rc, RELAY_DATA, 0, h.body_len, h.count, &seq);
		if (!n) {
			rc->c.send_errors++;
			continue;
		}
		send_all(rc, rc->fbuf, n);
		rc->c.sent++;
		rc->c.entries_sent += h.count;
		if (mask)
			relay_txq_push(&rc->txq, seq, mask, rc->fbuf, n, now);
	}
	if (rc->pend_off >= rc->pend_len)
		rc->backpressure = 0;
	pend_compact(rc);
}

static void send_ack(struct relay_core *rc, int i, uint64_t now)
{
	struct relay_peer *p = &rc->peers[i];
	struct relay_rxwin *w = relay_rxtab_get(&rc->rx, p->sender, 0);
	struct relay_ack a;
	size_t bl, n;

	p->ack_dirty = 0;
	p->rx_unacked = 0;
	if (!w || !w->epoch) {
		p->adv_room = rc->conf.rx_window;    /* nothing from it to acknowledge: nothing owed */
		p->last_ack_at = now;
		return;
	}
	relay_rxwin_ack(w, &a);
	a.has_window = 1;
	a.window = relay_core_rx_room(rc);
	bl = relay_ack_encode(&a, rc->fbuf + RELAY_HDR_LEN, rc->conf.max_frame - RELAY_OVERHEAD);
	if (!bl || !(n = relay_core_seal(rc, RELAY_ACK, RELAY_F_WINDOW, bl, a.n, NULL)))
		return;
	relay_core_send_to(rc, i, rc->fbuf, n);
	rc->c.acks_sent++;
	p->adv_room = a.window;
	p->last_ack_at = now;
}

void relay_core_rx_idle(struct relay_core *rc, uint64_t now)
{
	for (size_t i = 0; i < rc->npeers; i++)
		if (rc->peers[i].used && rc->peers[i].rx_unacked)
			send_ack(rc, (int)i, now);
}

/* ---- the queue to the local kernel (the receive window) ---- */

uint32_t relay_core_rx_room(const struct relay_core *rc)
{
	uint64_t win = rc->conf.rx_window;

	if (rc->kq_cap - (rc->kq_len - rc->kq_off) < rc->kq_cap / 4)
		return 0;
	return rc->kq_entries >= win ? 0 : (uint32_t)(win - rc->kq_entries);
}

/* does a DATA frame of `count` entries and `body_len` bytes fit? A sender keeps what it has
 * in flight within the window it was told, which may overshoot by one frame: up to a frame's
 * entries past the window are taken. */
static int kq_fits(struct relay_core *rc, unsigned count, size_t body_len)
{
	size_t need = body_len + 16 * (size_t)count + 16;

	if (rc->kq_entries + count > (uint64_t)rc->conf.rx_window + rc->ents_cap)
		return 0;
	if (rc->kq_len + need > rc->kq_cap && rc->kq_off) {
		memmove(rc->kq, rc->kq + rc->kq_off, rc->kq_len - rc->kq_off);
		rc->kq_len -= rc->kq_off;
		rc->kq_off = 0;
	}
	return rc->kq_len + need <= rc->kq_cap;
}

/* the message in rc->kbuf (len bytes, n entries) to the queue; kq_fits made room */
static void kq_put(struct relay_core *rc, size_t len, unsigned n)
{
	uint8_t *r = rc->kq + rc->kq_len;

	if (rc->kq_len + 4 + len > rc->kq_cap) {      /* not expected: counted as lost */
		rc->c.inject_errors++;
		return;
	}
	r[0] = (uint8_t)(len >> 8);
	r[1] = (uint8_t)len;
	r[2] = (uint8_t)(n >> 8);
	r[3] = (uint8_t)n;
	memcpy(r + 4, rc->kbuf, len);
	rc->kq_len += 4 + len;
	rc->kq_entries += n;
	if (rc->kq_entries > rc->c.kq_max)
		rc->c.kq_max = rc->kq_entries;
}

void relay_core_kq_pump(struct relay_core *rc, uint64_t now)
{
	uint32_t room, quarter = rc->conf.rx_window / 4;

	while (rc->kq_off < rc->kq_len) {
		const uint8_t *r = rc->kq + rc->kq_off;
		size_t len = ((size_t)r[0] << 8) | r[1];
		unsigned n = ((unsigned)r[2] << 8) | r[3];

		if (rc->io.kernel_busy && rc->io.kernel_busy(rc->io.ud))
			break;
		if (rc->io.inject(rc->io.ud, r + 4, len) < 0)
			rc->c.inject_errors++;
		rc->c.kmsg_out++;
		rc->c.to_kernel += n;
		rc->kq_off += 4 + len;
		rc->kq_entries -= n < rc->kq_entries ? n : rc->kq_entries;
	}
	if (rc->kq_off == rc->kq_len)
		rc->kq_off = rc->kq_len = 0;
	/* room reopened by a quarter of the window since a peer was told: tell it now (the
	 * ack timer also tells it of any growth) */
	room = relay_core_rx_room(rc);
	for (size_t i = 0; i < rc->npeers; i++) {
		struct relay_peer *p = &rc->peers[i];

		if (p->used && p->up && p->sender && room > p->adv_room &&
		    room - p->adv_room >= quarter) {
			send_ack(rc, (int)i, now);
			rc->c.window_updates++;
		}
	}
}

static void send_hello(struct relay_core *rc)
{
	struct relay_hello hl = { .window = rc->conf.window, .max_frame = rc->conf.max_frame,
	                          .role = rc->role };
	size_t bl = relay_hello_encode(&hl, rc->fbuf + RELAY_HDR_LEN, RELAY_HELLO_BODY_LEN), n;

	if (bl && (n = relay_core_seal(rc, RELAY_HELLO, 0, bl, 0, NULL)))
		send_all(rc, rc->fbuf, n);
}

/* the peers' HELLOs: frames no larger than the smallest frame an up peer accepts, and no
 * more in flight than the smallest replay window (frames past a receiver's window would be
 * taken for acknowledged) */
static void adapt(struct relay_core *rc)
{
	uint32_t f = rc->conf.max_frame, w = rc->conf.window;

	for (size_t i = 0; i < rc->npeers; i++) {
		const struct relay_peer *p = &rc->peers[i];

		if (!p->used || !p->up)
			continue;
		if (p->max_frame >= 512 && p->max_frame < f)
			f = p->max_frame;
		if (p->window >= RELAY_WIN_MIN && p->window < w)
			w = p->window;
	}
	rc->frame_max = f;
	rc->txq.window = w;
}

/* a peer acknowledges an epoch of ours newer than the one we use: our wall clock went back
 * since it knew us. Move past it (a fresh sequence and resend queue), and as MASTER give that
 * peer the whole table, since it dropped what we sent meanwhile. */
static void move_epoch(struct relay_core *rc, int i, uint64_t known, uint64_t now)
{
	struct relay_txq q;

	if (relay_txq_init(&q, &rc->txq_conf, rc->conf.sender, known + 1) < 0)
		return;
	relay_txq_free(&rc->txq);
	rc->txq = q;
	rc->conf.epoch = known + 1;
	rc->seq = 0;
	rc->c.epoch_moves++;
	adapt(rc);
	rc->next_hello = now;
	if (rc->role == RELAY_ROLE_MASTER && !rc->srv.active)
		relay_srv_start(rc, i, rc->peers[i].sender, 0, now);
}

/* ---- receiving ---- */

static int same_addr(const struct sockaddr_storage *a, const struct sockaddr *b)
{
	if (a->ss_family != b->sa_family)
		return 0;
	if (b->sa_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	if (b->sa_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		               &((const struct sockaddr_in6 *)b)->sin6_addr, 16);
	return 0;
}

static void reject(struct relay_core *rc, enum relay_rej why)
{
	rc->c.rejected[why]++;
}

static enum relay_rej drop_rej(enum relay_drop d)
{
	switch (d) {
	case RELAY_DROP_SHORT: return RELAY_REJ_SHORT;
	case RELAY_DROP_MAGIC: return RELAY_REJ_MAGIC;
	case RELAY_DROP_VERSION: return RELAY_REJ_VERSION;
	case RELAY_DROP_KIND: return RELAY_REJ_KIND;
	case RELAY_DROP_LENGTH: return RELAY_REJ_LENGTH;
	case RELAY_DROP_ZERO: return RELAY_REJ_ZERO;
	case RELAY_DROP_MAC: return RELAY_REJ_BAD_MAC;
	default: return RELAY_REJ_BAD_BODY;
	}
}

static enum relay_rej win_rej(enum relay_win v)
{
	return v == RELAY_WIN_REPLAY ? RELAY_REJ_REPLAY :
	       v == RELAY_WIN_TOO_OLD ? RELAY_REJ_TOO_OLD : RELAY_REJ_OLD_EPOCH;
}

static void deliver(struct relay_core *rc, int i, const struct relay_hdr *h, const uint8_t *body,
                    uint64_t now)
{
	struct sync_builder b;
	unsigned n = 0;
	size_t len;

	if (relay_data_parse(h, body, rc->ents, rc->ents_cap, &n) != SYNC_OK) {
		reject(rc, RELAY_REJ_BAD_BODY);
		return;
	}
	rc->c.entries_received += n;
	sync_builder_init(&b, rc->kbuf, rc->conf.local_maxlen, rc->conf.syncid);
	for (unsigned k = 0; k < n; k++) {
		int r = sync_builder_add_raw(&b, rc->ents[k].raw, rc->ents[k].raw_len);

		if (r == 1 || b.nr == SYNC_MAX_CONNS) {
			unsigned nr = b.nr;

			if ((len = sync_builder_finish(&b)))
				kq_put(rc, len, nr);
			sync_builder_init(&b, rc->kbuf, rc->conf.local_maxlen, rc->conf.syncid);
			if (r == 1)
				r = sync_builder_add_raw(&b, rc->ents[k].raw, rc->ents[k].raw_len);
		}
		if (rc->mirror_on)
			relay_mirror_put(&rc->mirror, rc->ents[k].raw, rc->ents[k].raw_len, now, 0);
	}
	{
		unsigned nr = b.nr;

		if ((len = sync_builder_finish(&b)))
			kq_put(rc, len, nr);
	}
	rc->peers[i].ack_dirty = 1;
	rc->peers[i].rx_unacked++;
	if (h->flags & RELAY_F_RESYNC) {
		rc->last_resync_data = now;
		rc->req_entries += n;
	}
	/* a stream of DATA (a bulk resync) keeps the receive path busy: acknowledge from here
	 * every RELAY_ACK_EVERY frames or once ack_interval has passed, not only from the timer,
	 * or the sender resends what arrived */
	if ((h->flags & RELAY_F_ACK_NOW) || rc->peers[i].rx_unacked >= RELAY_ACK_EVERY ||
	    now >= rc->next_ack)
		send_ack(rc, i, now);
	/* acknowledged on entering our queue: the kernel's pace shows in the window, not in
	 * the round trip */
	relay_core_kq_pump(rc, now);
}

static int peer_slot(struct relay_core *rc, const struct relay_hdr *h, const struct sockaddr *from)
{
	if (!rc->conf.multicast) {
		for (size_t i = 0; i < rc->npeers; i++)
			if (rc->peers[i].alen && same_addr(&rc->peers[i].addr, from))
				return (int)i;
		return -1;
	}
	for (size_t i = 0; i < rc->npeers; i++)
		if (rc->peers[i].used && rc->peers[i].sender == h->sender)
			return (int)i;
	return -2;                   /* new (multicast) */
}

void relay_core_frame(struct relay_core *rc, const uint8_t *buf, size_t len,
                      const struct sockaddr *from, socklen_t fromlen, uint64_t now)
{
	struct relay_hdr h;
	const uint8_t *body;
	struct relay_rxwin *w;
	struct relay_peer *p;
	enum relay_drop d;
	enum relay_win v;
	int i;

	d = relay_frame_peek(buf, len, &h);
	if (d != RELAY_OK) {
		reject(rc, drop_rej(d));
		return;
	}
	if (h.sender == rc->conf.sender) {
		reject(rc, RELAY_REJ_OWN);
		return;
	}
	i = peer_slot(rc, &h, from);
	if (i == -1) {
		reject(rc, RELAY_REJ_UNKNOWN_PEER);
		return;
	}
	w = relay_rxtab_get(&rc->rx, h.sender, 0);
	if (w && (v = relay_rxwin_check(w, h.epoch, h.seq)) != RELAY_WIN_OK &&
	    v != RELAY_WIN_NEW_EPOCH) {
		/* a resent frame we have: our ACK was lost, so acknowledge again (only once the
		 * MAC shows it is the peer's) */
		if (v == RELAY_WIN_REPLAY && i >= 0 &&
		    relay_frame_open(rc->mac, buf, len, &h, &body) == RELAY_OK)
			rc->peers[i].ack_dirty = 1;
		/* an older epoch of a sender we know, authentic: its clock went back across a
		 * restart. An ACK for the epoch we know (at most once a second) lets it move past. */
		if (v == RELAY_WIN_OLD_EPOCH && i >= 0 && rc->peers[i].sender == h.sender &&
		    now - rc->peers[i].old_epoch_ack >= RELAY_HELLO_US &&
		    relay_frame_open(rc->mac, buf, len, &h, &body) == RELAY_OK) {
			rc->peers[i].old_epoch_ack = now;
			send_ack(rc, i, now);
		}
		reject(rc, win_rej(v));
		return;
	}
	d = relay_frame_open(rc->mac, buf, len, &h, &body);
	if (d != RELAY_OK) {
		reject(rc, drop_rej(d));
		return;
	}
	if (relay_body_check(&h, body) != RELAY_OK) {
		reject(rc, RELAY_REJ_BAD_BODY);
		return;
	}
	/* no room for it towards the kernel: not accepted (so it is resent), and the sender
	 * hears our window again */
	if (h.kind == RELAY_DATA && !kq_fits(rc, h.count, h.body_len)) {
		if (i >= 0)
			rc->peers[i].ack_dirty = 1;
		reject(rc, RELAY_REJ_QUEUE_FULL);
		return;
	}
	if (i == -2) {
		for (i = 0; i < (int)rc->npeers && rc->peers[i].used; i++)
			;
		if (i >= RELAY_MAX_PEERS) {
			reject(rc, RELAY_REJ_TABLE_FULL);
			return;
		}
	}
	w = relay_rxtab_get(&rc->rx, h.sender, 1);
	if (!w) {
		reject(rc, RELAY_REJ_TABLE_FULL);
		return;
	}
	v = relay_rxwin_accept(w, h.epoch, h.seq);
	if (v != RELAY_WIN_OK && v != RELAY_WIN_NEW_EPOCH) {
		reject(rc, win_rej(v));
		return;
	}
	if (i == (int)rc->npeers) {
		memset(&rc->peers[i], 0, sizeof(rc->peers[i]));
		rc->peers[i].used = 1;
		rc->npeers++;
	}
	p = &rc->peers[i];
	if (rc->conf.multicast && fromlen <= sizeof(p->addr)) {
		memcpy(&p->addr, from, fromlen);
		p->alen = fromlen;
	}
	if (p->sender && (p->sender != h.sender || p->epoch != h.epoch)) {
		/* restarted: what it owed is gone; it asks for a resync itself */
		relay_txq_drop_peer(&rc->txq, (unsigned)i);
		p->epochs++;
		p->missed = 0;
		p->sender = h.sender;
		p->epoch = h.epoch;
		p->up = 1;
		if (rc->srv.active && rc->srv.peer == i)
			relay_srv_stop(rc, 2, now);
		peer_event(rc, i, RELAY_EV_PEER_UP, "new epoch");
	} else if (!p->up) {
		p->sender = h.sender;
		p->epoch = h.epoch;
		p->up = 1;
		peer_event(rc, i, RELAY_EV_PEER_UP, "heard");
		/* back with the same epoch: what it lost while down is pushed from tick */
	}
	p->last_heard = now;
	p->frames++;
	rc->c.received++;
	switch (h.kind) {
	case RELAY_DATA:
		deliver(rc, i, &h, body, now);
		break;
	case RELAY_ACK: {
		struct relay_ack a;

		if (relay_ack_decode(&h, body, &a) == 0 && a.acked_sender == rc->conf.sender) {
			if (a.acked_epoch > rc->conf.epoch)
				move_epoch(rc, i, a.acked_epoch, now);
			else if (relay_txq_ack_at(&rc->txq, (unsigned)i, &a, now) >= 0 &&
			         rc->srv.active)
				relay_srv_step(rc, now);    /* the window may have reopened */
		}
		rc->c.acks_received++;
		break;
	}
	case RELAY_RESYNC_REQ: {
		struct relay_resync_req r;

		p->ack_dirty = 1;
		if (relay_resync_req_decode(&h, body, &r) == 0 &&
		    (r.target == rc->conf.sender || (!r.target && rc->role == RELAY_ROLE_MASTER)))
			relay_srv_start(rc, i, h.sender, h.seq, now);
		send_ack(rc, i, now);
		break;
	}
	case RELAY_RESYNC_END: {
		struct relay_resync_end e;

		p->ack_dirty = 1;
		if (relay_resync_end_decode(&h, body, &e) == 0)
			relay_req_end(rc, i, &e, now);
		send_ack(rc, i, now);
		break;
	}
	case RELAY_HELLO: {
		struct relay_hello hl;

		if (relay_hello_decode(&h, body, &hl) == 0) {
			p->role = hl.role;
			p->window = hl.window;
			p->max_frame = hl.max_frame;
			adapt(rc);
		}
		break;
	}
	default:
		break;
	}
}

/* ---- timers ---- */

void relay_core_tick(struct relay_core *rc, uint64_t now)
{
	struct relay_txq_due due[DUE_BATCH];
	uint64_t gave_up = 0;
	size_t n;

	for (size_t i = 0; i < rc->npeers; i++) {
		struct relay_peer *p = &rc->peers[i];

		if (p->used && p->up && now - p->last_heard > RELAY_DEAD_US) {
			p->up = 0;
			if (rc->srv.active && rc->srv.peer == (int)i) {
				relay_srv_stop(rc, 2, now);
				p->missed = 1;
			}
			if (!kept(rc, p, now)) {
				relay_txq_drop_peer(&rc->txq, (unsigned)i);
				p->missed = 1;
			}
			peer_event(rc, (int)i, RELAY_EV_PEER_DOWN, "silent");
			adapt(rc);
		} else if (p->used && !p->up && p->sender && !p->missed && !kept(rc, p, now)) {
			/* silent past the grace time: stop holding frames for it */
			relay_txq_drop_peer(&rc->txq, (unsigned)i);
			p->missed = 1;
		}
	}
	if (now >= rc->next_ack) {
		uint32_t room = relay_core_rx_room(rc);

		for (size_t i = 0; i < rc->npeers; i++) {
			struct relay_peer *p = &rc->peers[i];

			if (!p->used)
				continue;
			/* what arrived; our window grew since we told it; or, while it was told
			 * less than the whole window, once a second in case that ACK was lost */
			if (p->ack_dirty)
				send_ack(rc, (int)i, now);
			else if (p->up && p->sender && (room > p->adv_room ||
			         (p->adv_room < rc->conf.rx_window &&
			          now - p->last_ack_at >= RELAY_HELLO_US))) {
				send_ack(rc, (int)i, now);
				rc->c.window_updates++;
			}
		}
		rc->next_ack = now + rc->conf.ack_interval_us;
	}
	do {
		n = relay_txq_due(&rc->txq, now, due, DUE_BATCH, &gave_up);
		for (size_t k = 0; k < n; k++)
			for (unsigned i = 0; i < RELAY_MAX_PEERS; i++)
				if (due[k].peers & (1ull << i)) {
					relay_core_send_to(rc, (int)i, due[k].frame, due[k].len);
					rc->c.resent++;
				}
	} while (n == DUE_BATCH);
	/* a peer given up on for a frame, or that missed frames while down, has lost them for
	 * good: push it the whole table once it is up (one answer at a time: the others wait) */
	for (unsigned i = 0; i < rc->npeers; i++) {
		struct relay_peer *p = &rc->peers[i];

		if (gave_up & (1ull << i))
			p->missed = 1;
		if (p->missed && p->up && !rc->srv.active && rc->role == RELAY_ROLE_MASTER) {
			relay_srv_start(rc, (int)i, p->sender, 0, now);
			if (rc->srv.active && rc->srv.peer == (int)i)
				p->missed = 0;
		}
	}
	relay_core_flush(rc, now);
	if (rc->mirror_on)
		relay_mirror_sweep(&rc->mirror, now, 4096);
	if (now >= rc->next_hello) {
		send_hello(rc);
		rc->next_hello = now + RELAY_HELLO_US;
	}
	if (rc->want_resync && rc->role != RELAY_ROLE_MASTER &&
	    now - rc->last_resync_data >= RELAY_RESYNC_RETRY_US &&
	    (!rc->req_sent_at || now - rc->req_sent_at >= RELAY_RESYNC_RETRY_US))
		relay_req_send(rc, now);
	relay_srv_step(rc, now);
}

uint64_t relay_core_next(const struct relay_core *rc, uint64_t now)
{
	uint64_t t = rc->next_hello, d;

	if (rc->next_ack < t)
		t = rc->next_ack;
	d = relay_txq_next_due(&rc->txq);
	if (d < t)
		t = d;
	for (size_t i = 0; i < rc->npeers; i++)
		if (rc->peers[i].used && rc->peers[i].up &&
		    rc->peers[i].last_heard + RELAY_DEAD_US + 1 < t)
			t = rc->peers[i].last_heard + RELAY_DEAD_US + 1;
	if (rc->srv.active && now + RELAY_RESYNC_TICK_US < t)
		t = now + RELAY_RESYNC_TICK_US;
	if (rc->want_resync && rc->role != RELAY_ROLE_MASTER) {
		uint64_t r = (rc->req_sent_at > rc->last_resync_data ? rc->req_sent_at :
		              rc->last_resync_data) + RELAY_RESYNC_RETRY_US;
		if (r < t)
			t = r;
	}
	if (rc->pend_off < rc->pend_len && now + RELAY_RESYNC_TICK_US < t)
		t = now + RELAY_RESYNC_TICK_US;
	return t < now ? now : t;
}

uint64_t relay_core_inflight_entries(const struct relay_core *rc)
{
	uint64_t n = 0;

	for (size_t k = 0; k < rc->txq.used; k++) {
		const struct relay_txq_slot *s = &rc->txq.slots[(rc->txq.head + k) % rc->txq.cap];

		if (s->len >= RELAY_HDR_LEN && s->buf[5] == RELAY_DATA)
			n += ((uint64_t)s->buf[30] << 8) | s->buf[31];
	}
	return n;
}

uint64_t relay_core_owed(const struct relay_core *rc, int peer)
{
	uint64_t n = 0;

	for (size_t k = 0; k < rc->txq.used; k++)
		if (rc->txq.slots[(rc->txq.head + k) % rc->txq.cap].pending & (1ull << peer))
			n++;
	return n;
}
