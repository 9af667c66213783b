/* sync/relay_status.c - the "relay" object of the sync command's reply (relay_run.h): the
 * relay's identity, kernel side, peers, frame and rejection counters, entries, in-flight
 * frames, back-pressure, resync and mirror state, and the kernel's drops at the backup
 * thread's socket. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include "sync/relay_core.h"
#include "sync/relay_run.h"
#include "sync/relay_run_int.h"

#define ADD(o, k, v) json_object_object_add(o, k, v)
#define U64(v) json_object_new_uint64(v)

/* a counter of struct relay_counters under its key in the reply */
struct ctr {
	const char *key;
	size_t off;
};

#define C(k, m) { k, offsetof(struct relay_counters, m) }
static const struct ctr frame_ctrs[] = {
	C("sent", sent), C("received", received), C("resent", resent), C("acks_sent", acks_sent),
	C("acks_received", acks_received), C("send_errors", send_errors),
};
static const struct ctr entry_ctrs[] = {
	C("from_kernel", from_kernel), C("sent", entries_sent), C("received", entries_received),
	C("to_kernel", to_kernel),
};
static const struct ctr kernel_ctrs[] = {
	C("messages_in", kmsg_in), C("messages_out", kmsg_out), C("malformed", kmsg_malformed),
	C("dropped", kentries_dropped), C("skipped", kentries_skipped),
	C("inject_errors", inject_errors),
};
#undef C

/* the n counters of t, in order, into o; o */
static json_object *add_ctrs(json_object *o, const struct relay_counters *c,
                             const struct ctr *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ADD(o, t[i].key, U64(*(const uint64_t *)((const char *)c + t[i].off)));
	return o;
}

#define CTRS(o, c, t) add_ctrs(o, c, t, sizeof(t) / sizeof((t)[0]))

static const char *role_name(uint8_t role)
{
	return role == RELAY_ROLE_MASTER ? "master" : role == RELAY_ROLE_BACKUP ? "backup" : "unknown";
}

json_object *relay_run_status(struct relay_run *r)
{
	const struct relay_core *rc = &r->core;
	const struct relay_counters *c = &rc->c;
	json_object *o = json_object_new_object(), *l, *ps, *f, *rej, *e, *k, *in, *bp, *rs;
	char buf[INET6_ADDRSTRLEN], err[800];
	uint64_t total = 0;

	ADD(o, "instance", json_object_new_string(r->instance));
	ADD(o, "role", json_object_new_string(sync_role_name(r->role)));
	ADD(o, "sender_id", U64(rc->conf.sender));
	ADD(o, "epoch", U64(rc->conf.epoch));
	ADD(o, "seq", U64(rc->seq));
	ADD(o, "epoch_moves", U64(c->epoch_moves));
	ADD(o, "interface", json_object_new_string(r->ifname));
	ADD(o, "port", json_object_new_int(r->port));
	ADD(o, "mode", json_object_new_string(r->multicast ? "multicast" : "unicast"));
	buf[0] = 0;
	if (r->multicast)
		inet_ntop(r->af, &r->group, buf, sizeof(buf));
	ADD(o, "group", json_object_new_string(buf));
	if (r->peer_err[0])
		ADD(o, "error", json_object_new_string(r->peer_err));

	l = json_object_new_object();
	ADD(l, "interface", json_object_new_string(r->local.ifname));
	inet_ntop(r->local.af, &r->local.group, buf, sizeof(buf));
	ADD(l, "group", json_object_new_string(buf));
	ADD(l, "port", json_object_new_int(r->local.port));
	ADD(l, "syncid", json_object_new_int(r->local.syncid));
	ADD(l, "tap", json_object_new_boolean(r->tap_fd >= 0));
	ADD(l, "inject", json_object_new_boolean(r->inj.fd >= 0));
	if (r->tap_err[0] || r->inj_err[0]) {
		snprintf(err, sizeof(err), "%s%s%s", r->tap_err, r->tap_err[0] && r->inj_err[0] ? "; " : "",
		         r->inj_err);
		ADD(l, "error", json_object_new_string(err));
	}
	ADD(o, "local", l);

	ps = json_object_new_array();
	for (size_t i = 0; i < rc->npeers; i++) {
		const struct relay_peer *p = &rc->peers[i];
		json_object *pj = json_object_new_object();

		relay_run_peer_addr(r, (int)i, buf, sizeof(buf));
		ADD(pj, "address", json_object_new_string(buf));
		ADD(pj, "sender_id", U64(p->sender));
		ADD(pj, "state", json_object_new_string(p->up ? "up" : "down"));
		ADD(pj, "epoch", U64(p->epoch));
		ADD(pj, "role", json_object_new_string(role_name(p->role)));
		ADD(pj, "last_heard", json_object_new_double(relay_run_unix(r, p->last_heard)));
		ADD(pj, "owed", U64(relay_core_owed(rc, (int)i)));
		ADD(pj, "epochs", U64(p->epochs));
		ADD(pj, "frames", U64(p->frames));
		{
			struct relay_rxwin *w = p->sender ?
				relay_rxtab_get((struct relay_rxtab *)&rc->rx, p->sender, 0) : NULL;

			ADD(pj, "seq", U64(w ? w->top : 0));     /* highest seq accepted from it */
		}
		{
			/* as seen sending to it: round trip (ms), its resend timeout, its receive
			 * window and what is in flight to it (entries) */
			const struct relay_txq_peer *tp = &rc->txq.peer[i];
			json_object *t = json_object_new_object();

			ADD(t, "srtt_ms", json_object_new_double((double)tp->srtt / 1e3));
			ADD(t, "rttvar_ms", json_object_new_double((double)tp->rttvar / 1e3));
			ADD(t, "rto_ms", json_object_new_double((double)(tp->rto_raised > tp->rto ?
			                                                  tp->rto_raised : tp->rto) / 1e3));
			ADD(t, "rtt_min_ms", json_object_new_double((double)tp->rtt_min / 1e3));
			ADD(t, "rtt_max_ms", json_object_new_double((double)tp->rtt_max / 1e3));
			ADD(t, "samples", U64(tp->samples));
			ADD(t, "window", tp->rwnd_known ? U64(tp->rwnd) : NULL);
			ADD(t, "in_flight_entries", U64(tp->inflight));
			ADD(t, "window_told", U64(p->adv_room));     /* our window, in our last ACK */
			ADD(pj, "tx", t);
		}
		json_object_array_add(ps, pj);
	}
	ADD(o, "peers", ps);

	f = CTRS(json_object_new_object(), c, frame_ctrs);
	ADD(o, "frames", f);
	rej = json_object_new_object();
	for (int i = 0; i < RELAY_REJ__COUNT; i++)
		total += c->rejected[i];
	ADD(rej, "total", U64(total));
	for (int i = 0; i < RELAY_REJ__COUNT; i++)
		ADD(rej, relay_rej_name((enum relay_rej)i), U64(c->rejected[i]));
	ADD(o, "rejected", rej);
	e = CTRS(json_object_new_object(), c, entry_ctrs);
	ADD(o, "entries", e);
	k = CTRS(json_object_new_object(), c, kernel_ctrs);
	ADD(k, "backup_socket_drops", json_object_new_int64(relay_inject_drops(r->local.port)));
	ADD(k, "inject_paused", U64(r->inject_paused));
	ADD(k, "queued_entries", U64(rc->kq_entries));    /* received, waiting for the kernel */
	ADD(k, "queued_max", U64(c->kq_max));
	ADD(k, "receive_window", U64(rc->conf.rx_window));
	ADD(k, "window_updates", U64(c->window_updates));
	ADD(o, "kernel", k);
	in = json_object_new_object();
	ADD(in, "frames", U64(relay_txq_inflight(&rc->txq)));
	ADD(in, "entries", U64(relay_core_inflight_entries(rc)));
	ADD(in, "cap", U64(rc->txq.cap));
	ADD(o, "in_flight", in);
	bp = json_object_new_object();
	ADD(bp, "active", json_object_new_boolean(rc->backpressure));
	ADD(bp, "pending_entries", U64(rc->pend_n));
	ADD(bp, "events", U64(c->backpressure_events));
	ADD(bp, "window_stalls", U64(c->window_stalls));
	ADD(o, "backpressure", bp);
	rs = json_object_new_object();
	ADD(rs, "requests_sent", U64(c->resync_req_sent));
	ADD(rs, "requests_served", U64(c->resync_served));
	ADD(rs, "running", json_object_new_boolean(rc->srv.active ||
	                                           (rc->want_resync && rc->req_sent_at)));
	ADD(rs, "wanted", json_object_new_boolean(rc->want_resync));
	if (rc->last.valid) {
		json_object *lj = json_object_new_object();

		ADD(lj, "side", json_object_new_string(rc->last.server ? "server" : "requester"));
		ADD(lj, "peer", U64(rc->last.peer));
		ADD(lj, "started", json_object_new_double(relay_run_unix(r, rc->last.started)));
		ADD(lj, "duration", rc->last.ended ? json_object_new_double(
			(double)(rc->last.ended - rc->last.started) / 1e6) : NULL);
		ADD(lj, "entries", U64(rc->last.ended ? rc->last.entries :
		                       rc->last.server ? rc->srv.entries : rc->req_entries));
		ADD(lj, "status", json_object_new_string(rc->last.status == 1 ? "done" :
		                                         rc->last.status == 2 ? "aborted" : "running"));
		ADD(rs, "last", lj);
	} else {
		ADD(rs, "last", NULL);
	}
	ADD(rs, "table_malformed", U64(r->conns.malformed));
	if (rc->mirror_on) {
		json_object *mj = json_object_new_object();

		ADD(mj, "entries", U64(rc->mirror.n));
		ADD(mj, "max", U64(rc->mirror.max));
		ADD(mj, "refused", U64(rc->mirror.refused));
		ADD(mj, "expired", U64(rc->mirror.expired));
		ADD(mj, "read_from_kernel", U64(r->primed));
		ADD(mj, "reading", json_object_new_boolean(!r->prime_done));
		ADD(mj, "rereads", U64(rc->rereads));
		ADD(rs, "mirror", mj);
	} else {
		ADD(rs, "mirror", NULL);
	}
	ADD(o, "resync", rs);
	return o;
}
