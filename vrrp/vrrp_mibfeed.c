/* vrrp/vrrp_mibfeed.c - the facts of one VRRP instance as the standard VRRP MIBs need them,
 * for the snmp child (see vrrp_mibfeed.h). The counters are grouped as RFC 2787 / RFC 6527
 * name them, from the drop reasons of vrrp_pkt (docs/vrrp-wire.md). */
#include "vrrp/vrrp_mibfeed.h"

#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <sys/socket.h>
#include "vrrp/vrrp_child.h"

static json_object *jaddr(int family, const uint8_t *b)
{
	union vrrp_pkt_ip a;
	char txt[64];

	memset(&a, 0, sizeof(a));
	memcpy(a.b, b, family == AF_INET6 ? 16 : 4);
	return json_object_new_string(vrrp_inst_addr_str(family, &a, txt, sizeof(txt)));
}

static json_object *u64(uint64_t v)
{
	return json_object_new_uint64(v);
}

static json_object *counters(const struct vrrp_inst *vi)
{
	const uint64_t *d = vi->c.drops;
	json_object *c = json_object_new_object();

	json_object_object_add(c, "rx", u64(vi->c.rx));
	json_object_object_add(c, "become_master", u64(vi->c.become_master));
	json_object_object_add(c, "adv_int_err", u64(d[VRRP_DROP_INTERVAL]));
	json_object_object_add(c, "auth_fail", u64(d[VRRP_DROP_AUTH_PASS] + d[VRRP_DROP_AH_ICV] +
	                                          d[VRRP_DROP_AH_SPI] + d[VRRP_DROP_AH_REPLAY]));
	json_object_object_add(c, "ttl_err", u64(d[VRRP_DROP_TTL] + vi->c.peer_ttl));
	json_object_object_add(c, "prio0_rx", u64(vi->c.prio0_rx));
	json_object_object_add(c, "prio0_tx", u64(vi->c.prio0_tx));
	json_object_object_add(c, "inv_type", u64(d[VRRP_DROP_TYPE]));
	json_object_object_add(c, "addr_list_err", u64(d[VRRP_DROP_ADDR_COUNT] +
	                                              d[VRRP_DROP_ADDR_LIST]));
	json_object_object_add(c, "inv_auth_type", u64(d[VRRP_DROP_AUTH_TYPE_INVALID]));
	json_object_object_add(c, "auth_mismatch", u64(d[VRRP_DROP_AUTH_TYPE]));
	json_object_object_add(c, "len_err", u64(d[VRRP_DROP_TRUNCATED] + d[VRRP_DROP_LENGTH]));
	json_object_object_add(c, "csum_err", u64(d[VRRP_DROP_CHECKSUM]));
	json_object_object_add(c, "ver_err", u64(d[VRRP_DROP_VERSION] +
	                                        d[VRRP_DROP_VERSION_MISMATCH]));
	return c;
}

/* the router whose valid advert arrived last (RFC 2787's vrrpOperMasterIpAddr), or NULL */
static const struct vrrp_inst_peer *last_heard(const struct vrrp_inst *vi)
{
	const struct vrrp_inst_peer *best = NULL;

	for (size_t i = 0; i < vi->npeers; i++)
		if (!best || vi->peers[i].last_ns > best->last_ns)
			best = &vi->peers[i];
	return best;
}

static json_object *entry(const struct vrrp_inst *vi, uint64_t now)
{
	const struct vrrp_instance_conf *c = vi->conf;
	const struct vrrp_inst_peer *lh = last_heard(vi);
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	enum vrrp_fsm_state st = vi->st.state;
	char mac[13];

	json_object_object_add(o, "name", json_object_new_string(c->name));
	json_object_object_add(o, "vrid", json_object_new_int(c->vrid));
	json_object_object_add(o, "version", json_object_new_int(vi->p.version));
	json_object_object_add(o, "family", json_object_new_int(vi->family == AF_INET6 ? 6 : 4));
	/* the MIBs index by the interface the instance is configured on: with use_vmac the
	 * base interface, not the macvlan it runs on (whose MAC is the one shown) */
	json_object_object_add(o, "ifindex", json_object_new_int(
		c->use_vmac && c->interface && if_nametoindex(c->interface) ?
		(int)if_nametoindex(c->interface) : vi->ifindex));
	snprintf(mac, sizeof(mac), "%02x%02x%02x%02x%02x%02x", vi->mac[0], vi->mac[1],
	         vi->mac[2], vi->mac[3], vi->mac[4], vi->mac[5]);
	json_object_object_add(o, "mac", json_object_new_string(mac));
	json_object_object_add(o, "state", json_object_new_string(vrrp_fsm_state_name(st)));
	json_object_object_add(o, "prio", json_object_new_int(vi->p.priority));
	for (size_t i = 0; i < c->vips.n; i++)
		if (c->vips.v[i].addr.family == vi->family)
			json_object_array_add(a, jaddr(vi->family,
			                               (const uint8_t *)&c->vips.v[i].addr.u));
	json_object_object_add(o, "vips", a);
	json_object_object_add(o, "primary", vi->has_src ? jaddr(vi->family, vi->src.b) : NULL);
	json_object_object_add(o, "master", vi->st.master_known && st != VRRP_FSM_MASTER
	                       ? jaddr(vi->family, vi->st.master_addr) : NULL);
	json_object_object_add(o, "last_heard", lh ? jaddr(vi->family, lh->addr.b) : NULL);
	json_object_object_add(o, "adv_cs", json_object_new_int(vi->p.advert_int_cs));
	json_object_object_add(o, "preempt",
	                       json_object_new_boolean(!vi->p.nopreempt || vi->p.want_master));
	json_object_object_add(o, "accept", json_object_new_boolean(vi->p.accept_mode));
	json_object_object_add(o, "auth", json_object_new_int(vi->family == AF_INET &&
	                                                      vi->p.version == 2 ?
	                                                      (int)c->auth_type : 0));
	json_object_object_add(o, "up_s", json_object_new_double(
		(st == VRRP_FSM_BACKUP || st == VRRP_FSM_MASTER) && now > vi->started_at ?
		(double)(now - vi->started_at) / 1e9 : 0.0));
	json_object_object_add(o, "master_reason", vi->c.become_master ? json_object_new_string(
		vrrp_fsm_reason_name((enum vrrp_fsm_reason)vi->c.master_reason)) : NULL);
	json_object_object_add(o, "c", counters(vi));
	json_object_object_add(o, "last_err", vi->c.last_drop ?
	                       json_object_new_string(vrrp_pkt_drop_str(vi->c.last_drop)) : NULL);
	json_object_object_add(o, "last_err_src", vi->c.last_drop ?
	                       jaddr(vi->family, vi->c.last_drop_src.b) : NULL);
	return o;
}

json_object *vrrp_mibfeed_command(struct vrrp_child *vc, json_object *req, uint64_t now)
{
	json_object *r = json_object_new_object(), *a = json_object_new_array(), *v;
	int64_t from = 0, i = 0, total = 0;

	if (json_object_object_get_ex(req, "from", &v))
		from = json_object_get_int64(v);
	if (from < 0)
		from = 0;
	for (const struct vrrp_child_inst *ci = vc ? vc->head : NULL; ci; ci = ci->next, total++)
		if (total >= from && i < VRRP_MIBFEED_PAGE) {
			json_object_array_add(a, entry(&ci->vi, now));
			i++;
		}
	json_object_object_add(r, "ok", json_object_new_boolean(1));
	json_object_object_add(r, "total", json_object_new_int64(total));
	json_object_object_add(r, "from", json_object_new_int64(from));
	json_object_object_add(r, "next", from + i < total ? json_object_new_int64(from + i)
	                                                   : NULL);
	json_object_object_add(r, "instances", a);
	return r;
}
