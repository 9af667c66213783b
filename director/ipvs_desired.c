/* director/ipvs_desired.c - builds the desired IPVS table from the check part's config
 * (virtual_server, virtual_server_group, real_server, sorry_server) and the real servers'
 * current weights. See ipvs_desired.h. */
#include "director/ipvs_desired.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "healthcheck/check_conf.h"

void dir_ipvs_desired_init(struct dir_ipvs_desired *d)
{
	memset(d, 0, sizeof(*d));
	dir_ipvs_table_init(&d->table);
}

void dir_ipvs_desired_free(struct dir_ipvs_desired *d)
{
	dir_ipvs_table_free(&d->table);
	free(d->orig);
	free(d->problems);
	memset(d, 0, sizeof(*d));
}

const struct dir_ipvs_origin *dir_ipvs_desired_origin(const struct dir_ipvs_desired *d,
						      uint32_t tag)
{
	return tag && tag <= d->norig ? &d->orig[tag - 1] : NULL;
}

static uint32_t add_origin(struct dir_ipvs_desired *d, const char *id, const char *vs_id,
			   const struct tdm_cnode *node, int is_rs, int is_sorry)
{
	if (d->norig == d->orig_cap) {
		size_t cap = d->orig_cap ? d->orig_cap * 2 : 64;
		struct dir_ipvs_origin *v = realloc(d->orig, cap * sizeof(*v));

		if (!v)
			return 0;
		d->orig = v;
		d->orig_cap = cap;
	}
	d->orig[d->norig] = (struct dir_ipvs_origin){ .id = id ? id : "?",
		.vs_id = vs_id ? vs_id : "?", .line = node ? node->line : 0,
		.is_rs = (uint8_t)is_rs, .is_sorry = (uint8_t)is_sorry };
	return (uint32_t)++d->norig;
}

static void problem(struct dir_ipvs_desired *d, uint32_t tag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void problem(struct dir_ipvs_desired *d, uint32_t tag, const char *fmt, ...)
{
	va_list ap;

	if (d->nproblems == d->problems_cap) {
		size_t cap = d->problems_cap ? d->problems_cap * 2 : 8;
		struct dir_ipvs_problem *v = realloc(d->problems, cap * sizeof(*v));

		if (!v)
			return;
		d->problems = v;
		d->problems_cap = cap;
	}
	d->problems[d->nproblems].tag = tag;
	va_start(ap, fmt);
	vsnprintf(d->problems[d->nproblems].what, sizeof(d->problems[0].what), fmt, ap);
	va_end(ap);
	d->nproblems++;
}

/* ---- real server ids: node pointer -> object id ---- */

struct id_map {
	const struct tdm_obj **slot;
	size_t cap;
};

static size_t ptr_hash(const void *p, size_t cap)
{
	uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 17) & (cap - 1);
}

static int id_map_build(struct id_map *m, const struct tdm_config *cfg)
{
	size_t n = 0;

	for (size_t i = 0; i < cfg->nobjs; i++)
		n += cfg->objs[i].kind == TDM_OBJ_REAL_SERVER;
	m->cap = 16;
	while (m->cap < 2 * n)
		m->cap *= 2;
	m->slot = calloc(m->cap, sizeof(*m->slot));
	if (!m->slot)
		return -1;
	for (size_t i = 0; i < cfg->nobjs; i++) {
		const struct tdm_obj *o = &cfg->objs[i];
		size_t h;

		if (o->kind != TDM_OBJ_REAL_SERVER || !o->node)
			continue;
		for (h = ptr_hash(o->node, m->cap); m->slot[h]; h = (h + 1) & (m->cap - 1))
			;
		m->slot[h] = o;
	}
	return 0;
}

static const char *id_map_get(const struct id_map *m, const struct tdm_cnode *node)
{
	for (size_t h = ptr_hash(node, m->cap), k = 0; k < m->cap; h = (h + 1) & (m->cap - 1), k++) {
		if (!m->slot[h])
			return NULL;
		if (m->slot[h]->node == node)
			return m->slot[h]->id;
	}
	return NULL;
}

/* ---- services ---- */

static void svc_attrs(const struct check_vs_conf *vs, struct dir_ipvs_svc *s)
{
	const char *g = vs->persistence_granularity;

	snprintf(s->sched, sizeof(s->sched), "%s", vs->sched ? vs->sched : "wlc");
	if (vs->persistence_engine)
		snprintf(s->pe, sizeof(s->pe), "%s", vs->persistence_engine);
	s->flags = 0;
	if (vs->sched_flags & 1u)
		s->flags |= IP_VS_SVC_F_SCHED1;
	if (vs->sched_flags & 2u)
		s->flags |= IP_VS_SVC_F_SCHED2;
	if (vs->sched_flags & 4u)
		s->flags |= IP_VS_SVC_F_SCHED3;
	if (vs->sched_flags & 8u)
		s->flags |= IP_VS_SVC_F_ONEPACKET;
	if (vs->persistence_timeout > 0) {
		s->flags |= IP_VS_SVC_F_PERSISTENT;
		s->timeout = (uint32_t)vs->persistence_timeout;
	}
	dir_ipvs_netmask(s->key.af, s->key.af == AF_INET6 ? 128 : 32, &s->netmask);
	if (g) {
		struct in_addr m;

		if (s->key.af == AF_INET && inet_pton(AF_INET, g, &m) == 1)
			s->netmask = m.s_addr;
		else
			dir_ipvs_netmask(s->key.af, (unsigned)atoi(g[0] == '/' ? g + 1 : g),
					 &s->netmask);
	}
}

/* the address lo + k of a range (IPv4 host order arithmetic, IPv6 on the last 32 bits) */
static void range_addr(const struct tdm_addr *lo, uint32_t k, union dir_ipvs_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (lo->family == AF_INET) {
		out->v4.s_addr = htonl(ntohl(lo->u.v4.s_addr) + k);
	} else {
		uint32_t w;

		memcpy(out->b, &lo->u.v6, 16);
		memcpy(&w, out->b + 12, 4);
		w = htonl(ntohl(w) + k);
		memcpy(out->b + 12, &w, 4);
	}
}

static uint32_t range_count(const struct tdm_addr *lo, const struct tdm_addr *hi)
{
	uint32_t a, b;

	if (lo->family == AF_INET) {
		a = ntohl(lo->u.v4.s_addr);
		b = ntohl(hi->u.v4.s_addr);
	} else {
		if (memcmp(lo->u.v6.s6_addr, hi->u.v6.s6_addr, 12))
			return DIR_IPVS_RANGE_MAX + 1;
		memcpy(&a, lo->u.v6.s6_addr + 12, 4);
		memcpy(&b, hi->u.v6.s6_addr + 12, 4);
		a = ntohl(a);
		b = ntohl(b);
	}
	return b >= a ? (b - a >= DIR_IPVS_RANGE_MAX ? DIR_IPVS_RANGE_MAX + 1 : b - a + 1) : 0;
}

static const struct check_vsg_conf *find_group(const struct tdm_config *cfg, const char *name)
{
	const struct check_conf *cc = cfg->check;

	for (size_t i = 0; cc && name && i < cc->nvsg; i++)
		if (cc->vsg[i] && !strcmp(cc->vsg[i]->name, name))
			return cc->vsg[i];
	return NULL;
}

/* the keys of a virtual server: calls fn for each; returns how many */
typedef int (*key_fn)(void *arg, const struct dir_ipvs_svc_key *k);

static size_t vs_keys(const struct tdm_config *cfg, const struct check_vs_conf *vs,
		      key_fn fn, void *arg)
{
	struct dir_ipvs_svc_key k;
	const struct check_vsg_conf *g;
	size_t n = 0;

	switch (vs->type) {
	case CHECK_VS_ADDR:
		dir_ipvs_svc_key_inet(&k, vs->addr.family, vs->protocol, &vs->addr.u,
				      (uint16_t)vs->port);
		return fn(arg, &k) < 0 ? 0 : 1;
	case CHECK_VS_FWMARK:
		dir_ipvs_svc_key_fwmark(&k, vs->family ? vs->family : AF_INET,
					(uint32_t)vs->fwmark);
		return fn(arg, &k) < 0 ? 0 : 1;
	case CHECK_VS_GROUP:
		g = find_group(cfg, vs->group);
		for (size_t i = 0; g && i < g->n; i++) {
			const struct check_vsg_entry *e = &g->v[i];

			if (e->is_fwmark) {
				int af = e->family ? e->family : vs->family ? vs->family : AF_INET;

				dir_ipvs_svc_key_fwmark(&k, af, (uint32_t)e->fwmark);
				if (fn(arg, &k) < 0)
					return n;
				n++;
				continue;
			}
			uint32_t cnt = range_count(&e->lo, &e->hi);

			if (cnt > DIR_IPVS_RANGE_MAX)
				cnt = DIR_IPVS_RANGE_MAX;
			for (uint32_t j = 0; j < cnt; j++) {
				union dir_ipvs_addr a;

				range_addr(&e->lo, j, &a);
				dir_ipvs_svc_key_inet(&k, e->lo.family, vs->protocol, &a,
						      (uint16_t)e->port);
				if (fn(arg, &k) < 0)
					return n;
				n++;
			}
		}
		return n;
	}
	return 0;
}

static int first_key(void *arg, const struct dir_ipvs_svc_key *k)
{
	*(struct dir_ipvs_svc_key *)arg = *k;
	return -1;      /* stop after the first */
}

int dir_ipvs_desired_vs_svc(const struct tdm_config *cfg, const struct check_vs_conf *vs,
			    struct dir_ipvs_svc *svc)
{
	memset(svc, 0, sizeof(*svc));
	vs_keys(cfg, vs, first_key, &svc->key);
	if (!svc->key.af)
		return -1;
	svc_attrs(vs, svc);
	return 0;
}

static void fwd_fill(const struct check_fwd *f, struct dir_ipvs_dest *d)
{
	switch (f->method) {
	case CHECK_FWD_DR: d->fwd = IP_VS_CONN_F_DROUTE; break;
	case CHECK_FWD_TUN:
		d->fwd = IP_VS_CONN_F_TUNNEL;
		d->tun_type = (uint8_t)f->tun_type;
		d->tun_port = (uint16_t)f->tun_port;
		d->tun_flags = f->tun_csum == 2 ? IP_VS_TUNNEL_ENCAP_FLAG_CSUM :
			       f->tun_csum == 3 ? IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM : 0;
		break;
	case CHECK_FWD_FNAT: d->fwd = IP_VS_CONN_F_MASQ; d->fnat = true; break;
	default: d->fwd = IP_VS_CONN_F_MASQ; break;
	}
}

void dir_ipvs_desired_rs_dest(const struct check_vs_conf *vs, const struct check_rs_conf *rs,
			      const struct dir_ipvs_svc *svc, struct dir_ipvs_dest *dest)
{
	int port = rs->port ? rs->port : svc->key.fwmark ? 0 : svc->key.port;

	memset(dest, 0, sizeof(*dest));
	dir_ipvs_dest_key_set(&dest->key, rs->addr.family, &rs->addr.u, (uint16_t)port);
	fwd_fill(rs->fwd.method != CHECK_FWD_DEFAULT ? &rs->fwd : &vs->fwd, dest);
	dest->weight = rs->weight;
	dest->u_thresh = rs->uthreshold > 0 ? (uint32_t)rs->uthreshold : 0;
	dest->l_thresh = rs->lthreshold > 0 ? (uint32_t)rs->lthreshold : 0;
}

struct vs_build {
	struct dir_ipvs_desired *d;
	const struct check_vs_conf *vs;
	uint32_t tag;
	/* resolved once per virtual server: the destinations every service gets */
	struct dir_ipvs_dest *dests;
	size_t ndests;
	const struct tdm_addr *fnat_src;    /* fnat_source, or NULL */
	int fnat_src_warned;
	int oom;
};

static int add_svc_key(void *arg, const struct dir_ipvs_svc_key *k)
{
	struct vs_build *b = arg;
	struct dir_ipvs_svc s, *dup = NULL, *ns;
	const char *why;
	char ks[DIR_IPVS_KEY_STRLEN];

	memset(&s, 0, sizeof(s));
	s.key = *k;
	svc_attrs(b->vs, &s);
	s.tag = b->tag;
	dir_ipvs_svc_key_str(k, ks, sizeof(ks));
	if (b->fnat_src && b->fnat_src->family == k->af) {
		s.has_fnat_src = true;
		memcpy(s.fnat_src.b, &b->fnat_src->u, k->af == AF_INET6 ? 16 : 4);
	} else if (b->fnat_src && !b->fnat_src_warned++) {
		problem(b->d, b->tag, "fnat_source is not of the family of service %s: "
			"masquerading instead", ks);
	}
	if (dir_ipvs_svc_check(&s, &why) < 0) {
		problem(b->d, b->tag, "service %s: %s", ks, why);
		return 0;
	}
	ns = dir_ipvs_svc_add(&b->d->table, &s, &dup);
	if (!ns) {
		if (dup) {
			const struct dir_ipvs_origin *o = dir_ipvs_desired_origin(b->d, dup->tag);

			problem(b->d, b->tag, "service %s is also configured by %s", ks,
				o ? o->id : "another virtual server");
			return 0;
		}
		b->oom = 1;
		return -1;
	}
	for (size_t i = 0; i < b->ndests; i++) {
		struct dir_ipvs_dest d = b->dests[i], *dd = NULL;

		if (!k->fwmark && !d.key.port)
			d.key.port = k->port;
		if (dir_ipvs_dest_check(ns, &d, &why) < 0) {
			char ds[DIR_IPVS_KEY_STRLEN];

			dir_ipvs_dest_key_str(&d.key, ds, sizeof(ds));
			problem(b->d, d.tag, "real server %s in %s: %s", ds, ks, why);
			continue;
		}
		if (!dir_ipvs_dest_add(ns, &d, &dd) && !dd) {
			b->oom = 1;
			return -1;
		}
	}
	return 0;
}

static int build_vs(struct dir_ipvs_desired *d, const struct tdm_config *cfg,
		    const struct check_vs_conf *vs, const struct id_map *ids,
		    dir_ipvs_rs_weight_fn weight, dir_ipvs_vs_sorry_fn sorry, void *arg)
{
	struct vs_build b = { .d = d, .vs = vs };
	struct dir_ipvs_svc proto;
	int rc = -1;

	b.tag = add_origin(d, vs->id, vs->id, vs->node, 0, 0);
	if (!b.tag)
		return -1;
	memset(&proto, 0, sizeof(proto));
	if (vs->type == CHECK_VS_GROUP && !find_group(cfg, vs->group)) {
		problem(d, b.tag, "virtual_server_group %s is not defined", vs->group);
		return 0;
	}
	b.dests = calloc(vs->nrs + 1, sizeof(*b.dests));
	if (!b.dests)
		return -1;
	if (vs->node) {
		const struct tdm_cnode *fs = tdm_cnode_find(vs->node, "fnat_source");

		if (fs && fs->argc && fs->vals && fs->vals[0].addr.family)
			b.fnat_src = &fs->vals[0].addr;
	}
	proto.key.port = 0;     /* dest ports: filled per service when the rs gives none */
	proto.key.fwmark = 1;
	for (size_t i = 0; i < vs->nrs; i++) {
		const struct check_rs_conf *rs = vs->rs[i];
		const char *rs_id = id_map_get(ids, rs->node);
		int w = weight ? weight(arg, rs_id ? rs_id : "?", vs, rs) : rs->weight;
		struct dir_ipvs_dest *dst = &b.dests[b.ndests];

		if (w < 0)
			continue;
		dir_ipvs_desired_rs_dest(vs, rs, &proto, dst);
		dst->weight = w;
		dst->tag = add_origin(d, rs_id, vs->id, rs->node, 1, 0);
		if (!dst->tag)
			goto out;
		b.ndests++;
	}
	/* sorry_server_inhibit: out of use, the sorry server stays with weight 0 */
	int sorry_in = vs->has_sorry && sorry && sorry(arg, vs->id);
	if (sorry_in || (vs->has_sorry && sorry && vs->sorry_inhibit)) {
		struct check_rs_conf srs = { .addr = vs->sorry_addr, .port = vs->sorry_port,
					     .weight = sorry_in ? 1 : 0, .fwd = vs->sorry_fwd,
					     .uthreshold = -1, .lthreshold = -1 };
		struct dir_ipvs_dest *dst = &b.dests[b.ndests];

		dir_ipvs_desired_rs_dest(vs, &srs, &proto, dst);
		dst->tag = add_origin(d, vs->id, vs->id, vs->node, 0, 1);
		if (!dst->tag)
			goto out;
		b.ndests++;
	}
	if (vs->type == CHECK_VS_GROUP) {
		const struct check_vsg_conf *g = find_group(cfg, vs->group);

		for (size_t i = 0; i < g->n; i++)
			if (!g->v[i].is_fwmark &&
			    range_count(&g->v[i].lo, &g->v[i].hi) > DIR_IPVS_RANGE_MAX)
				problem(d, b.tag, "virtual_server_group %s: a range longer than "
					"%u addresses is cut there", g->name, DIR_IPVS_RANGE_MAX);
	}
	vs_keys(cfg, vs, add_svc_key, &b);
	rc = b.oom ? -1 : 0;
out:
	free(b.dests);
	return rc;
}

int dir_ipvs_desired_build(struct dir_ipvs_desired *d, const struct tdm_config *cfg,
			   dir_ipvs_rs_weight_fn weight, dir_ipvs_vs_sorry_fn sorry, void *arg)
{
	const struct check_conf *cc = cfg ? cfg->check : NULL;
	struct id_map ids = { 0 };
	int rc = 0;

	if (!cc || !cc->nvs)
		return 0;
	if (id_map_build(&ids, cfg) < 0)
		return -1;
	for (size_t i = 0; i < cc->nvs && rc == 0; i++)
		if (cc->vs[i])
			rc = build_vs(d, cfg, cc->vs[i], &ids, weight, sorry, arg);
	free(ids.slot);
	return rc;
}
