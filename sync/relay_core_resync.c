/* sync/relay_core_resync.c - bulk resync inside the relay state machine (relay_core.h): the
 * server side (one answer at a time from the mirror or the table source, paced by
 * resync_rate, half of the resend queue left to live updates, RESYNC_END) and the requester
 * side (whom to ask, asking again, the end), and the role changes that start them. */
#include <stdlib.h>
#include <string.h>
#include "sync/relay_core.h"
#include "sync/relay_core_int.h"

#define SERVE_FRAMES_MAX 512             /* frames per resync step */

void relay_resync_event(struct relay_core *rc, int peer, uint32_t sender, int server,
                        const char *phase, uint64_t entries, double dur)
{
	struct relay_event ev = { .kind = RELAY_EV_RESYNC, .peer = peer, .sender = sender,
	                          .side = server ? "server" : "requester", .phase = phase,
	                          .entries = entries, .duration = dur };
	if (rc->io.event)
		rc->io.event(rc->io.ud, &ev);
}

int relay_core_mirror_prime(struct relay_core *rc, const struct sync_entry *e, uint64_t now)
{
	uint8_t raw[SYNC_V1_ENTRY_MAX];
	size_t len;

	if (!rc->mirror_on || !(len = sync_entry_v1_encode(e, raw, sizeof(raw))))
		return -1;
	return relay_mirror_put(&rc->mirror, raw, len, now, 1) < 0 ? -1 : 0;
}

int relay_srv_end(struct relay_core *rc, uint32_t status, uint64_t now)
{
	struct relay_resync_end e = { .requester = rc->srv.requester, .status = status,
	                              .request_seq = rc->srv.req_seq, .entries = rc->srv.entries };
	size_t bl, n;
	uint64_t seq;

	if (!relay_core_room(rc))
		return -1;
	bl = relay_resync_end_encode(&e, rc->fbuf + RELAY_HDR_LEN, RELAY_RESYNC_END_BODY_LEN);
	if (!bl || !(n = relay_core_seal(rc, RELAY_RESYNC_END, RELAY_F_ACK_NOW, bl, 0, &seq)))
		return -1;
	relay_core_send_to(rc, rc->srv.peer, rc->fbuf, n);
	rc->c.sent++;
	if (rc->peers[rc->srv.peer].up)
		relay_txq_push(&rc->txq, seq, 1ull << rc->srv.peer, rc->fbuf, n, now);
	return 0;
}

void relay_srv_stop(struct relay_core *rc, int status, uint64_t now)
{
	if (!rc->srv.active)
		return;
	if (rc->srv.h && !rc->mirror_on && rc->io.table.close)
		rc->io.table.close(rc->io.table.ud, rc->srv.h);
	rc->srv.h = NULL;
	relay_srv_end(rc, status == 1 ? RELAY_RESYNC_DONE : RELAY_RESYNC_ABORTED, now);
	rc->srv.active = 0;
	rc->last = (struct relay_resync_last){ .valid = 1, .server = 1,
		.peer = rc->srv.requester, .started = rc->srv.started, .ended = now ? now : 1,
		.entries = rc->srv.entries, .status = status };
	relay_resync_event(rc, rc->srv.peer, rc->srv.requester, 1, status == 1 ? "done" : "aborted",
	             rc->srv.entries, (double)(now - rc->srv.started) / 1e6);
}

void relay_srv_start(struct relay_core *rc, int peer, uint32_t requester, uint64_t req_seq,
                     uint64_t now)
{
	if (rc->mirror_on && !rc->mirror_ready)
		return;                  /* still reading the kernel's table: asked again in 1 s */
	/* a request (not a push) and a small table: first add what the kernel master never sent
	 * (short flows under sync_threshold) from the kernel's table, once per request */
	if (rc->mirror_on && req_seq && rc->io.reread && !rc->srv.active &&
	    rc->mirror.n <= RELAY_REREAD_MAX) {
		if (rc->reread_pending && now - rc->reread_at < RELAY_REREAD_FRESH_US &&
		    rc->reread_for == requester && rc->reread_epoch == rc->peers[peer].epoch) {
			rc->reread_pending = 0;      /* the read this request (or another) started */
		} else {
			int k = rc->io.reread(rc->io.ud);

			rc->reread_pending = 0;
			if (k >= 0)
				rc->rereads++;
			if (k == 0) {
				rc->reread_pending = 1;
				rc->reread_at = now;
				rc->reread_for = requester;
				rc->reread_epoch = rc->peers[peer].epoch;
				rc->mirror_ready = 0;
				return;
			}
		}
	}
	if (rc->srv.active) {
		if (rc->srv.peer != peer || rc->srv.req_seq >= req_seq)
			return;              /* busy with another peer, or an old request */
		relay_srv_stop(rc, 2, now);  /* a newer request from the same requester */
	}
	memset(&rc->srv, 0, sizeof(rc->srv));
	rc->srv.active = 1;
	rc->srv.peer = peer;
	rc->srv.requester = requester;
	rc->srv.req_seq = req_seq;
	rc->srv.started = now;
	rc->srv.last_tick = now;
	rc->c.resync_served++;
	rc->last = (struct relay_resync_last){ .valid = 1, .server = 1, .peer = requester,
		.started = now };
	relay_resync_event(rc, peer, requester, 1, "started", 0, 0);
	if (rc->mirror_on) {
		relay_mirror_iter_init(rc->mit);
		rc->srv.h = rc->mit;
	} else {
		rc->srv.h = rc->io.table.open ? rc->io.table.open(rc->io.table.ud) : NULL;
	}
	if (!rc->srv.h)
		relay_srv_stop(rc, 2, now);
}

/* one pacing step: as many entries as the rate and the resend queue allow */
void relay_srv_step(struct relay_core *rc, uint64_t now)
{
	struct relay_data_builder d;
	struct relay_hdr h;
	unsigned frames = 0;
	int eof = 0;

	if (!rc->srv.active)
		return;
	if (!rc->peers[rc->srv.peer].up) {
		relay_srv_stop(rc, 2, now);
		return;
	}
	if (rc->conf.resync_rate) {
		double cap = rc->conf.resync_rate / 10.0 + 64;

		rc->srv.tokens += (double)rc->conf.resync_rate * (double)(now - rc->srv.last_tick) / 1e6;
		if (rc->srv.tokens > cap)
			rc->srv.tokens = cap;
	} else {
		rc->srv.tokens = 1e12;
	}
	rc->srv.last_tick = now;
	while (rc->srv.tokens >= 1 && frames < SERVE_FRAMES_MAX && !eof) {
		uint64_t seq;
		size_t n;

		/* live updates keep half of the queue */
		if (rc->txq.used >= rc->txq.cap / 2 || !relay_core_room(rc))
			return;
		/* flow control: no more than the requester's receive window in flight */
		if (relay_txq_closed(&rc->txq, 1ull << rc->srv.peer, now)) {
			if (!rc->win_blocked)
				rc->c.window_stalls++;
			rc->win_blocked = 1;
			return;
		}
		rc->win_blocked = 0;
		relay_data_init(&d, rc->fbuf, rc->frame_max);
		if (rc->srv.has_carry) {
			if (relay_data_add(&d, &rc->srv.carry) < 0)
				rc->c.kentries_skipped++;
			rc->srv.has_carry = 0;
		}
		while (d.count < rc->srv.tokens) {
			struct sync_entry e;
			int r = rc->mirror_on ? relay_mirror_next(&rc->mirror, rc->mit, now, &e) :
			        rc->io.table.next(rc->io.table.ud, rc->srv.h, &e);

			if (r < 0) {
				relay_srv_stop(rc, 2, now);
				return;
			}
			if (r == 0) {
				eof = 1;
				break;
			}
			r = relay_data_add(&d, &e);
			if (r == 1) {
				rc->srv.carry = e;
				rc->srv.carry.pe_data = NULL;
				rc->srv.carry.pe_data_len = 0;
				rc->srv.carry.pe_name[0] = 0;
				rc->srv.carry.pe_name_len = 0;
				rc->srv.has_carry = 1;
				break;
			}
		}
		if (d.count) {
			memset(&h, 0, sizeof(h));
			relay_data_hdr(&d, &h);
			n = relay_core_seal(rc, RELAY_DATA, RELAY_F_RESYNC, h.body_len, h.count, &seq);
			if (n) {
				relay_core_send_to(rc, rc->srv.peer, rc->fbuf, n);
				relay_txq_push(&rc->txq, seq, 1ull << rc->srv.peer, rc->fbuf, n, now);
				rc->c.sent++;
				rc->c.entries_sent += h.count;
				rc->srv.entries += h.count;
				rc->srv.tokens -= h.count;
				frames++;
			}
		} else if (!eof) {
			break;
		}
	}
	/* the END waits for room in the queue (the table source keeps answering "end") */
	if (eof && relay_core_room(rc))
		relay_srv_stop(rc, 1, now);
}

void relay_req_send(struct relay_core *rc, uint64_t now)
{
	struct relay_resync_req r = { 0 };
	int target = -1;
	size_t bl, n;

	for (size_t i = 0; i < rc->npeers; i++)
		if (rc->peers[i].used && rc->peers[i].up && rc->peers[i].role == RELAY_ROLE_MASTER) {
			target = (int)i;
			break;
		}
	if (target < 0) {
		rc->last_resync_data = now;   /* nobody to ask yet: look again in a second */
		return;
	}
	r.target = rc->peers[target].sender;
	bl = relay_resync_req_encode(&r, rc->fbuf + RELAY_HDR_LEN, RELAY_RESYNC_REQ_BODY_LEN);
	if (!bl || !(n = relay_core_seal(rc, RELAY_RESYNC_REQ, RELAY_F_ACK_NOW, bl, 0, &rc->req_seq)))
		return;
	relay_core_send_to(rc, target, rc->fbuf, n);
	rc->c.sent++;
	if (!rc->req_sent_at) {
		rc->req_started = now;
		rc->req_entries = 0;
		rc->last = (struct relay_resync_last){ .valid = 1, .server = 0,
			.peer = r.target, .started = now };
		relay_resync_event(rc, target, r.target, 0, "requested", 0, 0);
	}
	rc->req_sent_at = now;
	rc->last_resync_data = now;
	rc->c.resync_req_sent++;
}

void relay_core_request_resync(struct relay_core *rc, uint64_t now)
{
	rc->want_resync = 1;
	rc->req_sent_at = 0;
	relay_req_send(rc, now);
}

void relay_core_set_role(struct relay_core *rc, uint8_t role, uint64_t now)
{
	uint8_t was = rc->role;

	rc->role = role;
	if (role == RELAY_ROLE_MASTER) {
		rc->want_resync = 0;     /* the master's table is the reference */
	} else if (was == RELAY_ROLE_MASTER) {
		relay_core_request_resync(rc, now);
	}
	if (role != was)
		rc->next_hello = now;    /* tell the peers at once */
}

void relay_req_end(struct relay_core *rc, int i, const struct relay_resync_end *e, uint64_t now)
{
	if (e->requester != rc->conf.sender || !rc->want_resync)
		return;
	/* the answer to an older request, aborted because the server took our newer one: the
	 * newer one's END decides (and `last`) */
	if (e->status != RELAY_RESYNC_DONE && e->request_seq && rc->req_seq &&
	    e->request_seq < rc->req_seq)
		return;
	rc->want_resync = 0;
	rc->req_sent_at = 0;
	rc->last = (struct relay_resync_last){ .valid = 1, .server = 0,
		.peer = rc->peers[i].sender, .started = rc->req_started, .ended = now,
		.entries = e->entries,
		.status = e->status == RELAY_RESYNC_DONE ? 1 : 2 };
	relay_resync_event(rc, i, rc->peers[i].sender, 0,
	             e->status == RELAY_RESYNC_DONE ? "done" : "aborted", e->entries,
	             (double)(now - rc->req_started) / 1e6);
}
