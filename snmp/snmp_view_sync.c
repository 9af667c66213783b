/* snmp/snmp_view_sync.c - the sync relay in the monitoring view: peers from the sync part's
 * peer events ("sync.peer": {peer, up, reason}), relay counters from "sync.stats"
 * ({counters: {sent, received, resent, rejected}}), completed resyncs from "sync.resync"
 * ({phase: "done"}); and their part of the view snapshot. */
#include "snmp/snmp_view_int.h"

#include <stdio.h>
#include <string.h>

static double event_time(json_object *ev)
{
	double t = snmp_iso_to_unix(snmp_view_get_str(ev, "ts")), num;

	if (t <= 0 && snmp_view_get_num(ev, "last_change", &num) == 0)
		t = num;
	return t > 0 ? t : -1;
}

/* the peer's name: its address, else its sender id */
static const char *peer_name(json_object *ev, char *buf, size_t len)
{
	const char *s = snmp_view_get_str(ev, "peer");
	double num;

	if (!s)
		s = snmp_view_get_str(ev, "address");
	if (s)
		return s;
	if (snmp_view_get_num(ev, "peer", &num) == 0 || snmp_view_get_num(ev, "sender", &num) == 0) {
		snprintf(buf, len, "%.0f", num);
		return buf;
	}
	return NULL;
}

static int peer_event(struct snmp_view *v, json_object *ev, int up)
{
	char buf[32];
	const char *name = peer_name(ev, buf, sizeof(buf)), *s;
	struct snmp_view_peer *p;
	json_object *b = snmp_view_get(ev, "up");

	if (!name)
		return 0;
	if (b && json_object_is_type(b, json_type_boolean))
		up = json_object_get_boolean(b);
	else if ((s = snmp_view_get_str(ev, "state")))
		up = !strcmp(s, "up");
	if (up < 0)
		return 0;
	p = snmp_sorted_get((void **)&v->peer, &v->npeer, &v->peer_cap, sizeof(*p), name,
	                    sizeof(p->name), SNMP_VIEW_VRRP_MAX);
	if (!p)
		return 0;
	if (p->last_change != 0 && p->up != up)
		p->transitions++;
	p->up = up;
	snprintf(p->reason, sizeof(p->reason), "%s",
	         (s = snmp_view_get_str(ev, "reason")) ? s : "");
	p->last_change = event_time(ev);
	return 1;
}

static uint64_t total(json_object *o)
{
	uint64_t sum = 0;

	if (!o)
		return 0;
	if (json_object_is_type(o, json_type_int))
		return json_object_get_uint64(o);
	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, k, val) {
			(void)k;
			if (json_object_is_type(val, json_type_int))
				sum += json_object_get_uint64(val);
		}
	}
	return sum;
}

static int stats_event(struct snmp_view *v, json_object *ev)
{
	json_object *c = snmp_view_get(ev, "counters");
	json_object *peers = snmp_view_get(ev, "peers");

	if (!c)
		return 0;
	v->have_relay = 1;
	v->relay_sent = snmp_view_get_u64(c, "sent", v->relay_sent);
	v->relay_received = snmp_view_get_u64(c, "received", v->relay_received);
	v->relay_resends = snmp_view_get_u64(c, "resent", v->relay_resends);
	if (snmp_view_get(c, "rejected"))
		v->relay_rejects = total(snmp_view_get(c, "rejected"));
	if (snmp_view_get(c, "resyncs"))
		v->relay_resyncs = snmp_view_get_u64(c, "resyncs", v->relay_resyncs);
	for (size_t i = 0; peers && json_object_is_type(peers, json_type_array) &&
	     i < json_object_array_length(peers); i++) {
		json_object *p = json_object_array_get_idx(peers, i);
		char buf[32];
		const char *name = peer_name(p, buf, sizeof(buf));

		/* a peer first seen in the counters gets a row; state changes come by events */
		if (name && !snmp_view_peer_find(v, name))
			peer_event(v, p, -1);
	}
	return 1;
}

int snmp_view_sync_event(struct snmp_view *v, const char *type, json_object *ev)
{
	const char *phase;

	if (!strcmp(type, "sync.peer"))
		return peer_event(v, ev, -1);
	if (!strcmp(type, "sync.peer_up") || !strcmp(type, "sync.peer.up"))
		return peer_event(v, ev, 1);
	if (!strcmp(type, "sync.peer_down") || !strcmp(type, "sync.peer.down"))
		return peer_event(v, ev, 0);
	if (!strcmp(type, "sync.stats") || !strcmp(type, "sync.relay"))
		return stats_event(v, ev);
	if (!strcmp(type, "sync.resync") && (phase = snmp_view_get_str(ev, "phase")) &&
	    !strcmp(phase, "done")) {
		v->have_relay = 1;
		v->relay_resyncs++;
		return 1;
	}
	return 0;
}

const struct snmp_view_peer *snmp_view_peer_find(const struct snmp_view *v, const char *name)
{
	return snmp_sorted_find(v->peer, v->npeer, sizeof(*v->peer), name, NULL);
}

void snmp_view_sync_json(const struct snmp_view *v, json_object *o)
{
	json_object *r = json_object_new_object(), *c = json_object_new_object();
	json_object *peers = json_object_new_array();

	for (size_t i = 0; i < v->npeer; i++) {
		const struct snmp_view_peer *p = &v->peer[i];
		json_object *e = json_object_new_object();

		json_object_object_add(e, "peer", json_object_new_string(p->name));
		json_object_object_add(e, "up", json_object_new_boolean(p->up));
		json_object_object_add(e, "reason", json_object_new_string(p->reason));
		json_object_object_add(e, "transitions", json_object_new_uint64(p->transitions));
		json_object_object_add(e, "last_change", json_object_new_double(p->last_change));
		json_object_array_add(peers, e);
	}
	json_object_object_add(c, "sent", json_object_new_uint64(v->relay_sent));
	json_object_object_add(c, "received", json_object_new_uint64(v->relay_received));
	json_object_object_add(c, "resent", json_object_new_uint64(v->relay_resends));
	json_object_object_add(c, "rejected", json_object_new_uint64(v->relay_rejects));
	json_object_object_add(c, "resyncs", json_object_new_uint64(v->relay_resyncs));
	json_object_object_add(r, "have", json_object_new_boolean(v->have_relay));
	json_object_object_add(r, "counters", c);
	json_object_object_add(r, "peers", peers);
	json_object_object_add(o, "relay", r);
}

void snmp_view_sync_load(struct snmp_view *v, json_object *o)
{
	json_object *r = snmp_view_get(o, "relay"), *peers = snmp_view_get(r, "peers");
	json_object *have = snmp_view_get(r, "have");

	v->npeer = 0;
	if (!r)
		return;
	for (size_t i = 0; peers && json_object_is_type(peers, json_type_array) &&
	     i < json_object_array_length(peers); i++) {
		json_object *e = json_object_array_get_idx(peers, i);
		struct snmp_view_peer *p;

		if (peer_event(v, e, -1) &&
		    (p = (struct snmp_view_peer *)snmp_view_peer_find(v, snmp_view_get_str(e, "peer"))))
			p->transitions = snmp_view_get_u64(e, "transitions", 0);
	}
	if (have && json_object_get_boolean(have)) {
		stats_event(v, r);
		v->relay_resyncs = snmp_view_get_u64(snmp_view_get(r, "counters"), "resyncs", 0);
	}
}
