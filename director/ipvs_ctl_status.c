/* director/ipvs_ctl_status.c - the reply of the "ipvs" control command: a fresh dump of the
 * kernel's table with stats (what `ipvsadm -Ln --stats` shows) and tandem's view of each
 * entry (its config object, runtime override, drain state, foreign entries). */
#include "director/ipvs_ctl_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static void add_stats(json_object *o, const struct dir_ipvs_stats *st)
{
	json_object_object_add(o, "conns", json_object_new_uint64(st->conns));
	json_object_object_add(o, "inpkts", json_object_new_uint64(st->inpkts));
	json_object_object_add(o, "outpkts", json_object_new_uint64(st->outpkts));
	json_object_object_add(o, "inbytes", json_object_new_uint64(st->inbytes));
	json_object_object_add(o, "outbytes", json_object_new_uint64(st->outbytes));
	json_object_object_add(o, "cps", json_object_new_uint64(st->cps));
	json_object_object_add(o, "inpps", json_object_new_uint64(st->inpps));
	json_object_object_add(o, "outpps", json_object_new_uint64(st->outpps));
	json_object_object_add(o, "inbps", json_object_new_uint64(st->inbps));
	json_object_object_add(o, "outbps", json_object_new_uint64(st->outbps));
}

static const char *fwd_ipvsadm(uint32_t fwd)
{
	switch (fwd & IP_VS_CONN_F_FWD_MASK) {
	case IP_VS_CONN_F_MASQ: return "Masq";
	case IP_VS_CONN_F_LOCALNODE: return "Local";
	case IP_VS_CONN_F_TUNNEL: return "Tunnel";
	case IP_VS_CONN_F_DROUTE: return "Route";
	default: return "?";
	}
}

static json_object *svc_json(const struct dir_ipvs_ctl *c, const struct dir_ipvs_svc *s)
{
	json_object *o = json_object_new_object();
	const struct dir_ipvs_svc *mine = dir_ipvs_svc_find(&c->cur.table, &s->key);
	const struct dir_ipvs_origin *org = mine ? dir_ipvs_desired_origin(&c->cur, mine->tag) :
					    NULL;
	char buf[DIR_IPVS_KEY_STRLEN], fl[64];

	dir_ipvs_svc_key_str(&s->key, buf, sizeof(buf));
	json_object_object_add(o, "service", json_object_new_string(buf));
	json_object_object_add(o, "af", json_object_new_string(s->key.af == AF_INET6 ? "inet6" :
							       "inet"));
	if (s->key.fwmark)
		json_object_object_add(o, "fwmark", json_object_new_uint64(s->key.fwmark));
	json_object_object_add(o, "sched", json_object_new_string(s->sched));
	dir_ipvs_sched_flags_str(s->sched, s->flags, fl, sizeof(fl));
	json_object_object_add(o, "sched_flags", json_object_new_string(fl));
	if (s->flags & IP_VS_SVC_F_PERSISTENT) {
		json_object_object_add(o, "persistent", json_object_new_uint64(s->timeout));
		if (s->key.af == AF_INET) {
			struct in_addr m = { .s_addr = s->netmask };

			json_object_object_add(o, "netmask", json_object_new_string(inet_ntoa(m)));
		} else {
			json_object_object_add(o, "netmask", json_object_new_uint64(s->netmask));
		}
	}
	if (s->flags & IP_VS_SVC_F_ONEPACKET)
		json_object_object_add(o, "ops", json_object_new_boolean(1));
	if (s->pe[0])
		json_object_object_add(o, "pe", json_object_new_string(s->pe));
	json_object_object_add(o, "owned", json_object_new_boolean(mine != NULL));
	if (org)
		json_object_object_add(o, "config", json_object_new_string(org->id));
	add_stats(o, &s->stats);
	return o;
}

static json_object *dest_json(const struct dir_ipvs_ctl *c, const struct dir_ipvs_svc *s,
			      const struct dir_ipvs_dest *d, uint64_t now)
{
	json_object *o = json_object_new_object();
	const struct dir_ipvs_svc *ms = dir_ipvs_svc_find(&c->cur.table, &s->key);
	const struct dir_ipvs_dest *md = ms ? dir_ipvs_dest_find(ms, &d->key) : NULL;
	const struct dir_ipvs_origin *org = md ? dir_ipvs_desired_origin(&c->cur, md->tag) : NULL;
	const struct dir_ipvs_ghost *g = dir_ipvs_ctl_ghost(c, &s->key, &d->key);
	char buf[DIR_IPVS_KEY_STRLEN];

	dir_ipvs_dest_key_str(&d->key, buf, sizeof(buf));
	json_object_object_add(o, "dest", json_object_new_string(buf));
	json_object_object_add(o, "fwd", json_object_new_string(fwd_ipvsadm(d->fwd)));
	if (md && md->fnat)
		json_object_object_add(o, "fnat", json_object_new_boolean(1));
	if ((d->fwd & IP_VS_CONN_F_FWD_MASK) == IP_VS_CONN_F_TUNNEL)
		json_object_object_add(o, "tun_type",
				       json_object_new_string(dir_ipvs_tun_name(d->tun_type)));
	json_object_object_add(o, "weight", json_object_new_int(d->weight));
	json_object_object_add(o, "active", json_object_new_uint64(d->active_conns));
	json_object_object_add(o, "inactive", json_object_new_uint64(d->inact_conns));
	if (d->u_thresh)
		json_object_object_add(o, "uthreshold", json_object_new_uint64(d->u_thresh));
	if (d->l_thresh)
		json_object_object_add(o, "lthreshold", json_object_new_uint64(d->l_thresh));
	json_object_object_add(o, "owned", json_object_new_boolean(md != NULL));
	if (org && org->is_sorry)
		json_object_object_add(o, "sorry", json_object_new_boolean(1));
	if (org && org->is_rs) {
		struct dir_ipvs_rs_rec *r = dir_ipvs_strmap_get(&c->rs, org->id);

		json_object_object_add(o, "config", json_object_new_string(org->id));
		if (r && r->up >= 0)
			json_object_object_add(o, "up", json_object_new_boolean(r->up));
		if (r && r->ov == DIR_IPVS_OV_DRAIN)
			json_object_object_add(o, "override", json_object_new_string("drain"));
		else if (r && r->ov == DIR_IPVS_OV_WEIGHT)
			json_object_object_add(o, "override", json_object_new_string("weight"));
	}
	if (g) {
		json_object_object_add(o, "config", json_object_new_string(g->id));
		json_object_object_add(o, "draining_s", json_object_new_double(
			g->deadline > now ? (double)(g->deadline - now) / 1e9 : 0));
	}
	add_stats(o, &d->stats);
	return o;
}

json_object *dir_ipvs_ctl_status(struct dir_ipvs_ctl *c, size_t max_dests, uint64_t now)
{
	json_object *r = json_object_new_object(), *svcs = json_object_new_array(), *errs;
	size_t shown = 0, total = 0;
	int rc = c->io.dump(c->io.arg, &c->kernel);

	c->kernel_valid = rc == 0;
	if (rc < 0) {
		char msg[160];

		json_object_put(svcs);
		snprintf(msg, sizeof(msg), "reading the kernel's IPVS table: %s", strerror(-rc));
		json_object_object_add(r, "ok", json_object_new_boolean(0));
		json_object_object_add(r, "error", json_object_new_string(msg));
		return r;
	}
	json_object_object_add(r, "ok", json_object_new_boolean(1));
	for (size_t i = 0; i < c->kernel.nsvcs; i++) {
		const struct dir_ipvs_svc *s = c->kernel.svcs[i];
		json_object *so = svc_json(c, s), *ds = json_object_new_array();

		for (size_t j = 0; j < s->ndests; j++, total++) {
			if (max_dests && shown >= max_dests)
				continue;
			json_object_array_add(ds, dest_json(c, s, &s->dests[j], now));
			shown++;
		}
		json_object_object_add(so, "ndests", json_object_new_uint64(s->ndests));
		json_object_object_add(so, "dests", ds);
		json_object_array_add(svcs, so);
	}
	json_object_object_add(r, "services", svcs);
	json_object_object_add(r, "ndests", json_object_new_uint64(total));
	json_object_object_add(r, "truncated", json_object_new_boolean(shown < total));
	json_object_object_add(r, "draining", json_object_new_uint64(c->ngh));
	errs = json_object_new_array();
	for (size_t i = 0; i < c->nerrs; i++)
		json_object_array_add(errs, json_object_new_string(c->errs[i]));
	json_object_object_add(r, "errors", errs);
	if (c->fnat_nrules || c->fnat_err[0]) {
		json_object *f = json_object_new_object();

		json_object_object_add(f, "table", json_object_new_string("inet tandem_fnat"));
		json_object_object_add(f, "rules", json_object_new_uint64(c->fnat_nrules));
		json_object_object_add(f, "conntrack", json_object_new_int(c->fnat_conntrack));
		if (c->fnat_err[0])
			json_object_object_add(f, "error", json_object_new_string(c->fnat_err));
		json_object_object_add(r, "fnat", f);
	}
	if (c->io.stats) {
		json_object *st = json_object_new_object();

		json_object_object_add(st, "messages", json_object_new_uint64(c->io.stats->msgs));
		json_object_object_add(st, "sends", json_object_new_uint64(c->io.stats->sends));
		json_object_object_add(st, "acks", json_object_new_uint64(c->io.stats->acks));
		json_object_object_add(st, "errors", json_object_new_uint64(c->io.stats->errors));
		json_object_object_add(st, "overruns",
				       json_object_new_uint64(c->io.stats->overruns));
		json_object_object_add(st, "dumps", json_object_new_uint64(c->io.stats->dumps));
		json_object_object_add(r, "netlink", st);
	}
	return r;
}
