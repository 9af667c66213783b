/* vrrp/vrrp_status.c - the "vrrp" control command of the VRRP child: status of every
 * instance (state, priorities, the master followed, every peer heard, counters and drops by
 * reason) and the drills demote / promote / garp NAME. Reply format: docs/vrrp.md. */
#include "vrrp/vrrp_hooks.h"
#include "vrrp/vrrp_child.h"
#include "vrrp/vrrp_mibfeed.h"

#include <string.h>
#include <sys/socket.h>

static json_object *jstr(const char *s)
{
	return json_object_new_string(s ? s : "");
}

static json_object *jaddr(int family, const void *b)
{
	union vrrp_pkt_ip a;
	char txt[64];

	memset(&a, 0, sizeof(a));
	memcpy(a.b, b, family == AF_INET6 ? 16 : 4);
	return jstr(vrrp_inst_addr_str(family, &a, txt, sizeof(txt)));
}

static json_object *jsecs(uint64_t now, uint64_t then)
{
	return json_object_new_double(now > then ? (double)(now - then) / 1e9 : 0.0);
}

json_object *vrrp_inst_json(const struct vrrp_inst *vi, uint64_t now)
{
	const struct vrrp_instance_conf *c = vi->conf;
	json_object *o = json_object_new_object(), *a, *d, *cnt;

	json_object_object_add(o, "name", jstr(c->name));
	json_object_object_add(o, "vrid", json_object_new_int(c->vrid));
	json_object_object_add(o, "version", json_object_new_int(vi->p.version));
	json_object_object_add(o, "family", jstr(vi->family == AF_INET6 ? "inet6" : "inet"));
	json_object_object_add(o, "interface", c->interface ? jstr(c->interface) : NULL);
	json_object_object_add(o, "state", jstr(vrrp_fsm_state_name(vi->st.state)));
	json_object_object_add(o, "state_s", jsecs(now, vi->state_since));
	json_object_object_add(o, "priority", json_object_new_int(vi->st.eff_prio));
	json_object_object_add(o, "priority_configured", json_object_new_int(vi->p.priority));
	json_object_object_add(o, "advert_int_ms",
	                       json_object_new_int(vi->p.advert_int_cs * 10));
	json_object_object_add(o, "master_adver_int_ms",
	                       json_object_new_int(vi->st.master_adver_int_cs * 10));
	json_object_object_add(o, "unicast", json_object_new_boolean(vi->unicast));
	json_object_object_add(o, "source", vi->has_src ? jaddr(vi->family, vi->src.b) : NULL);
	json_object_object_add(o, "demoted", json_object_new_boolean(vi->st.demoted));
	json_object_object_add(o, "fault", json_object_new_boolean(vi->st.fault));
	json_object_object_add(o, "vips_installed", json_object_new_boolean(vi->vips_on));
	if (vi->group)
		json_object_object_add(o, "sync_group", jstr(vi->group));
	a = json_object_new_array();
	for (size_t i = 0; i < c->vips.n; i++) {
		char txt[80];
		union vrrp_pkt_ip ip;

		memset(&ip, 0, sizeof(ip));
		memcpy(ip.b, &c->vips.v[i].addr.u, c->vips.v[i].addr.family == AF_INET6 ? 16 : 4);
		vrrp_inst_addr_str(c->vips.v[i].addr.family, &ip, txt, sizeof(txt) - 5);
		snprintf(txt + strlen(txt), 5, "/%u", c->vips.v[i].addr.plen);
		json_object_array_add(a, jstr(txt));
	}
	json_object_object_add(o, "vips", a);
	if (vi->st.state == VRRP_FSM_MASTER) {
		d = json_object_new_object();
		json_object_object_add(d, "address", vi->has_src ? jaddr(vi->family, vi->src.b) : NULL);
		json_object_object_add(d, "priority", json_object_new_int(vi->st.eff_prio));
		json_object_object_add(d, "self", json_object_new_boolean(1));
		json_object_object_add(o, "master", d);
	} else if (vi->st.master_known) {
		d = json_object_new_object();
		json_object_object_add(d, "address", jaddr(vi->family, vi->st.master_addr));
		json_object_object_add(d, "priority", json_object_new_int(vi->st.master_prio));
		json_object_object_add(d, "last_heard_s", jsecs(now, vi->st.master_seen_at));
		json_object_object_add(d, "last_heard_ns", json_object_new_uint64(vi->st.master_seen_at));
		json_object_object_add(d, "self", json_object_new_boolean(0));
		json_object_object_add(o, "master", d);
	} else {
		json_object_object_add(o, "master", NULL);
	}
	a = json_object_new_array();
	for (size_t i = 0; i < vi->npeers; i++) {
		const struct vrrp_inst_peer *pe = &vi->peers[i];

		d = json_object_new_object();
		json_object_object_add(d, "address", jaddr(vi->family, pe->addr.b));
		json_object_object_add(d, "priority", json_object_new_int(pe->priority));
		json_object_object_add(d, "advert_int_ms", json_object_new_int(pe->int_cs * 10));
		json_object_object_add(d, "last_heard_s", jsecs(now, pe->last_ns));
		json_object_object_add(d, "last_heard_ns", json_object_new_uint64(pe->last_ns));
		json_object_object_add(d, "adverts", json_object_new_uint64(pe->adverts));
		json_object_array_add(a, d);
	}
	json_object_object_add(o, "peers", a);
	cnt = json_object_new_object();
	json_object_object_add(cnt, "rx", json_object_new_uint64(vi->c.rx));
	json_object_object_add(cnt, "tx", json_object_new_uint64(vi->c.tx));
	json_object_object_add(cnt, "tx_errors", json_object_new_uint64(vi->c.tx_err));
	json_object_object_add(cnt, "rx_other_vrid", json_object_new_uint64(vi->c.rx_other_vrid));
	json_object_object_add(cnt, "vip_errors", json_object_new_uint64(vi->c.vip_err));
	json_object_object_add(cnt, "route_errors", json_object_new_uint64(vi->c.route_err));
	json_object_object_add(cnt, "garp", json_object_new_uint64(vi->c.garp));
	json_object_object_add(cnt, "garp_errors", json_object_new_uint64(vi->c.garp_err));
	json_object_object_add(cnt, "not_peer", json_object_new_uint64(vi->c.not_peer));
	json_object_object_add(cnt, "peer_ttl", json_object_new_uint64(vi->c.peer_ttl));
	json_object_object_add(cnt, "transitions", json_object_new_uint64(vi->st.transitions));
	d = json_object_new_object();
	for (int r = 1; r < VRRP_DROP__COUNT; r++)
		json_object_object_add(d, vrrp_pkt_drop_str((enum vrrp_drop)r),
		                       json_object_new_uint64(vi->c.drops[r]));
	json_object_object_add(cnt, "drops", d);
	json_object_object_add(o, "counters", cnt);
	vrrp_hooks_inst_json(vi, o);    /* tracking and notify queue (vrrp_hooks.c) */
	return o;
}

static json_object *err(const char *msg)
{
	json_object *r = json_object_new_object();

	json_object_object_add(r, "ok", json_object_new_boolean(0));
	json_object_object_add(r, "error", jstr(msg));
	return r;
}

/* timing (vrrp_rt.h): per instance counters.stalls / stall_worst_ms, and for the child the
 * total "stalls", "rt_priority" and "memory_locked" */
void vrrp_child_rt_json(const struct vrrp_child *vc, json_object *r)
{
	uint64_t total = 0;
	json_object *a = NULL, *cnt, *nm;

	for (const struct vrrp_child_inst *ci = vc->head; ci; ci = ci->next)
		total += ci->stalls.count;
	if (json_object_object_get_ex(r, "instances", &a))
		for (size_t i = 0; i < json_object_array_length(a); i++) {
			json_object *o = json_object_array_get_idx(a, i);
			const struct vrrp_child_inst *ci = vc->head;

			if (!json_object_object_get_ex(o, "name", &nm) ||
			    !json_object_object_get_ex(o, "counters", &cnt))
				continue;
			while (ci && strcmp(ci->vi.conf->name, json_object_get_string(nm)))
				ci = ci->next;
			if (!ci)
				continue;
			json_object_object_add(cnt, "stalls", json_object_new_uint64(ci->stalls.count));
			json_object_object_add(cnt, "stall_deferrals",
			                       json_object_new_uint64(ci->stalls.deferred));
			json_object_object_add(cnt, "stall_worst_ms",
			                       json_object_new_double((double)ci->stalls.worst_ns / 1e6));
		}
	json_object_object_add(r, "stalls", json_object_new_uint64(total));
	json_object_object_add(r, "rt_priority", json_object_new_int(vc->rt.rt_prio));
	json_object_object_add(r, "memory_locked", json_object_new_boolean(vc->rt.locked));
}

json_object *vrrp_child_command(struct vrrp_child *vc, json_object *req, uint64_t now)
{
	json_object *v, *r, *a;
	const char *op = "status", *name = NULL;
	struct vrrp_child_inst *ci;
	char msg[160];

	if (json_object_object_get_ex(req, "op", &v) && json_object_is_type(v, json_type_string))
		op = json_object_get_string(v);
	if (json_object_object_get_ex(req, "instance", &v) && json_object_is_type(v, json_type_string))
		name = json_object_get_string(v);
	if (!vc)
		return err("the vrrp part has no state");
	if (!strcmp(op, "mib"))         /* VRRP-MIB / VRRPv3-MIB facts (vrrp_mibfeed.c) */
		return vrrp_mibfeed_command(vc, req, now);
	if (!strcmp(op, "status")) {
		r = json_object_new_object();
		a = json_object_new_array();
		json_object_object_add(r, "ok", json_object_new_boolean(1));
		for (ci = vc->head; ci; ci = ci->next)
			if (!name || !strcmp(name, ci->vi.conf->name))
				json_object_array_add(a, vrrp_inst_json(&ci->vi, now));
		json_object_object_add(r, "instances", a);
		vrrp_child_rt_json(vc, r);
		if (name && json_object_array_length(a) == 0) {
			json_object_put(r);
			snprintf(msg, sizeof(msg), "vrrp: no instance '%.100s'", name);
			return err(msg);
		}
		return r;
	}
	if (strcmp(op, "demote") && strcmp(op, "promote") && strcmp(op, "garp")) {
		snprintf(msg, sizeof(msg), "vrrp: unknown op '%.60s' (status, demote, promote, garp, "
		         "mib)", op);
		return err(msg);
	}
	if (!name)
		return err("vrrp: missing \"instance\"");
	for (ci = vc->head; ci; ci = ci->next)
		if (!strcmp(name, ci->vi.conf->name))
			break;
	if (!ci) {
		snprintf(msg, sizeof(msg), "vrrp: no instance '%.100s'", name);
		return err(msg);
	}
	if (!strcmp(op, "garp")) {
		if (vrrp_inst_garp_now(&ci->vi) < 0)
			return err("vrrp garp: the instance is not master");
	} else {
		vrrp_inst_event(&ci->vi, !strcmp(op, "demote") ? VRRP_FSM_EV_DEMOTE
		                                               : VRRP_FSM_EV_PROMOTE, now);
	}
	r = json_object_new_object();
	json_object_object_add(r, "ok", json_object_new_boolean(1));
	json_object_object_add(r, "instance", vrrp_inst_json(&ci->vi, now));
	return r;
}
