/* vrrp/vrrp_conf_check.c - whole-config checks of the VRRP part, run once after every block was
 * parsed (from the top block's finish): VRRP version and advert interval per version, unique
 * instance/script/group names, duplicate VRIDs on one interface and family, sync group members,
 * names referenced by track_script / track_file / track_process. Also turns the build lists into
 * the arrays of struct vrrp_conf and collects the static addresses, routes and rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "vrrp/vrrp_conf.h"

/* a statement whose arguments passed the engine's checks (count), usable by a builder */
#define USABLE(n) ((n)->def && (n)->argc >= (n)->def->min_args && \
                   !((n)->def->flags & (TDM_KW_UNSUPPORTED | TDM_KW_IGNORED)))

struct named { const char *name; const struct tdm_cnode *node; void *obj; };

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

static struct named *find_named(struct named *v, size_t n, const char *name)
{
	struct named key = { name, NULL, NULL };
	return n ? bsearch(&key, v, n, sizeof(*v), cmp_named) : NULL;
}

/* sort v and report duplicates; returns -1 when any */
static int sort_unique(struct tdm_conf_ctx *ctx, struct named *v, size_t n, const char *what)
{
	int rc = 0;

	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_named);
	for (size_t i = 1; i < n; i++) {
		if (!strcmp(v[i - 1].name, v[i].name)) {
			int l = v[i].node->line > v[i - 1].node->line;
			char where[512];
			tdm_conf_where(ctx, l ? v[i - 1].node : v[i].node, where, sizeof(where));
			tdm_conf_err(ctx, l ? v[i].node : v[i - 1].node, 0, "%s %s is defined twice (first at %s)", what, v[i].name, where);
			rc = -1;
		}
	}
	return rc;
}

/* ---- duplicate VRIDs ---- */

struct vkey { const struct vrrp_instance_conf *vi; };

static int addr_cmp(const struct tdm_addr *a, const struct tdm_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(&a->u, &b->u, a->family == AF_INET ? 4 : 16);
}

static int cmp_vkey(const void *pa, const void *pb)
{
	const struct vrrp_instance_conf *a = ((const struct vkey *)pa)->vi;
	const struct vrrp_instance_conf *b = ((const struct vkey *)pb)->vi;
	int r = strcmp(a->interface ? a->interface : "", b->interface ? b->interface : "");

	if (r)
		return r;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if (a->vrid != b->vrid)
		return a->vrid < b->vrid ? -1 : 1;
	if ((a->npeers > 0) != (b->npeers > 0))
		return a->npeers > 0 ? 1 : -1;
	if (a->has_mcast_dst != b->has_mcast_dst)
		return a->has_mcast_dst ? 1 : -1;
	if (a->has_mcast_dst && (r = addr_cmp(&a->mcast_dst, &b->mcast_dst)))
		return r;
	return a->node->line < b->node->line ? -1 : (a->node->line > b->node->line);
}

static int peers_overlap(const struct vrrp_instance_conf *a, const struct vrrp_instance_conf *b)
{
	for (size_t i = 0; i < a->npeers; i++)
		for (size_t j = 0; j < b->npeers; j++)
			if (!addr_cmp(&a->peers[i].addr, &b->peers[j].addr))
				return 1;
	return 0;
}

static const struct tdm_cnode *vrid_node(const struct vrrp_instance_conf *vi)
{
	const struct tdm_cnode *c = tdm_cnode_find(vi->node, "virtual_router_id");
	return c ? c : vi->node;
}

static int check_vrids(struct tdm_conf_ctx *ctx, struct vrrp_conf *vc)
{
	struct vkey *k;
	size_t n = 0;
	int rc = 0;

	if (vc->ninstances < 2)
		return 0;
	k = calloc(vc->ninstances, sizeof(*k));
	if (!k)
		abort();
	for (size_t i = 0; i < vc->ninstances; i++)
		if (vc->instances[i]->interface && vc->instances[i]->vrid)
			k[n++].vi = vc->instances[i];
	qsort(k, n, sizeof(*k), cmp_vkey);
	for (size_t i = 1; i < n; i++) {
		const struct vrrp_instance_conf *a, *b;
		size_t j = i;
		/* compare with the first of the run of equal (interface, family, vrid, kind) */
		while (j > 0) {
			a = k[j - 1].vi;
			b = k[i].vi;
			if (strcmp(a->interface, b->interface) || a->family != b->family ||
			    a->vrid != b->vrid || (a->npeers > 0) != (b->npeers > 0) ||
			    a->has_mcast_dst != b->has_mcast_dst ||
			    (a->has_mcast_dst && addr_cmp(&a->mcast_dst, &b->mcast_dst)))
				break;
			if (!b->npeers || peers_overlap(a, b)) {
				char where[512];
				tdm_conf_where(ctx, vrid_node(a), where, sizeof(where));
				tdm_conf_err(ctx, vrid_node(b), 0,
				             "duplicate virtual_router_id %d on interface %s (%s): already used by vrrp_instance %s at %s",
				             b->vrid, b->interface, b->family == AF_INET ? "IPv4" : "IPv6", a->name, where);
				rc = -1;
				break;
			}
			j--;
		}
	}
	free(k);
	return rc;
}

/* ---- versions and intervals ---- */

static int global_vrrp_version(const struct tdm_cnode *root)
{
	const struct tdm_cnode *g, *c;

	TDM_CNODE_FOREACH(g, root) {
		if (strcmp(g->kw, "global_defs"))
			continue;
		c = tdm_cnode_find(g, "vrrp_version");
		if (c && USABLE(c) && c->argc)
			return (int)c->vals[0].i;
	}
	return 0;
}

/* a weight on a tracking reference of a sync group (or of one of its members) is ignored
 * unless the group has sync_group_tracking_weight: say so where it is written */
static void warn_refs_weight(struct tdm_conf_ctx *ctx, const struct vrrp_track_refs *const *l,
                             size_t nl, const char *group)
{
	for (size_t k = 0; k < nl; k++)
		for (size_t i = 0; l[k] && i < l[k]->n; i++)
			if (l[k]->v[i].has_weight && l[k]->v[i].weight && l[k]->v[i].node)
				tdm_conf_warn(ctx, l[k]->v[i].node, -1, "weight ignored: %s is tracked in "
				              "vrrp_sync_group %s without sync_group_tracking_weight (a "
				              "failure is a FAULT)", l[k]->v[i].name, group);
}

static void warn_group_weights(struct tdm_conf_ctx *ctx, const struct vrrp_conf *vc,
                               const struct vrrp_sync_group_conf *g)
{
	const struct vrrp_track_refs *gl[] = { &g->track_if, &g->track_script, &g->track_file,
	                                       &g->track_process };

	warn_refs_weight(ctx, gl, 4, g->name);
	for (size_t i = 0; i < vc->ninstances; i++) {
		const struct vrrp_instance_conf *vi = vc->instances[i];
		const struct vrrp_track_refs *il[] = { &vi->track_if, &vi->track_script,
		                                       &vi->track_file, &vi->track_process };

		if (vi->sync_group && !strcmp(vi->sync_group, g->name))
			warn_refs_weight(ctx, il, 4, g->name);
	}
}

/* global_defs defaults of per-instance settings left unset (-1) */
static void global_defaults(const struct tdm_cnode *root, struct vrrp_conf *vc)
{
	static const struct { const char *kw; size_t off; } map[] = {
		{ "vrrp_garp_master_delay", offsetof(struct vrrp_instance_conf, garp_master_delay) },
		{ "vrrp_garp_master_repeat", offsetof(struct vrrp_instance_conf, garp_master_repeat) },
		{ "vrrp_garp_master_refresh", offsetof(struct vrrp_instance_conf, garp_master_refresh) },
		{ "vrrp_garp_master_refresh_repeat",
		  offsetof(struct vrrp_instance_conf, garp_master_refresh_repeat) },
		{ "vrrp_garp_lower_prio_delay",
		  offsetof(struct vrrp_instance_conf, garp_lower_prio_delay) },
		{ "vrrp_garp_lower_prio_repeat",
		  offsetof(struct vrrp_instance_conf, garp_lower_prio_repeat) },
		{ "vrrp_down_timer_adverts", offsetof(struct vrrp_instance_conf, down_timer_adverts) },
		{ "vrrp_higher_prio_send_advert",
		  offsetof(struct vrrp_instance_conf, higher_prio_send_advert) },
		{ "vrrp_lower_prio_no_advert",
		  offsetof(struct vrrp_instance_conf, lower_prio_no_advert) },
	};
	const struct tdm_cnode *g;

	TDM_CNODE_FOREACH(g, root) {
		const struct tdm_cnode *mg = tdm_cnode_find(g, "vrrp_min_garp");

		if (strcmp(g->kw, "global_defs"))
			continue;
		for (size_t m = 0; m < sizeof(map) / sizeof(map[0]); m++) {
			const struct tdm_cnode *c = tdm_cnode_find(g, map[m].kw);
			int v;

			if (!c || !USABLE(c))
				continue;
			v = c->argc ? (int)c->vals[0].i : 1;    /* a bare boolean keyword is on */
			for (size_t i = 0; i < vc->ninstances; i++) {
				int *f = (int *)((char *)vc->instances[i] + map[m].off);

				if (*f < 0)
					*f = v;
			}
		}
		/* vrrp_min_garp: one announcement on becoming master, no second round (the
		 * explicit settings above and the instance's own win) */
		if (mg && USABLE(mg) && (!mg->argc || mg->vals[0].i))
			for (size_t i = 0; i < vc->ninstances; i++) {
				struct vrrp_instance_conf *vi = vc->instances[i];

				if (vi->garp_master_repeat < 0)
					vi->garp_master_repeat = 1;
				if (vi->garp_master_delay < 0)
					vi->garp_master_delay = 0;
				if (vi->garp_lower_prio_repeat < 0)
					vi->garp_lower_prio_repeat = 1;
			}
	}
}

/* vmac_prefix: the default VMAC name is PREFIX.VRID (default "vrrp.VRID") */
static void vmac_names(struct tdm_conf_ctx *ctx, const struct tdm_cnode *root,
                       struct vrrp_conf *vc)
{
	const struct tdm_cnode *g, *p = NULL;

	TDM_CNODE_FOREACH(g, root)
		if (!strcmp(g->kw, "global_defs") && tdm_cnode_find(g, "vmac_prefix"))
			p = tdm_cnode_find(g, "vmac_prefix");
	if (!p || !USABLE(p) || !p->argc)
		return;
	for (size_t i = 0; i < vc->ninstances; i++) {
		struct vrrp_instance_conf *vi = vc->instances[i];
		char *name;

		if (!vi->use_vmac || (vi->vmac_name && *vi->vmac_name))
			continue;
		name = tdm_conf_alloc(ctx, 16);
		snprintf(name, 16, "%.11s.%d", p->argv[0], vi->vrid);
		vi->vmac_name = name;
	}
}

static int check_version(struct tdm_conf_ctx *ctx, struct vrrp_instance_conf *vi, int gver)
{
	const struct tdm_cnode *vn = tdm_cnode_find(vi->node, "version");
	const struct tdm_cnode *an = tdm_cnode_find(vi->node, "advert_int");
	uint64_t us = vi->advert_int_us;

	if (vi->family == AF_INET6) {
		if (vi->version == 3 && vi->auth_type != VRRP_AUTH_NONE) {
		const struct tdm_cnode *a = tdm_cnode_find(vi->node, "authentication");
		tdm_conf_warn(ctx, a ? a : vi->node, -1,
		              "vrrp_instance %s: VRRPv3 has no authentication: the authentication block is ignored", vi->name);
		vi->auth_type = VRRP_AUTH_NONE;
		memset(vi->auth_pass, 0, sizeof(vi->auth_pass));
	}
	if (vi->version == 2) {
			tdm_conf_err(ctx, vn ? vn : vi->node, vn ? 0 : -1,
			             "vrrp_instance %s: VRRP version 2 cannot carry IPv6 addresses (use version 3)", vi->name);
			return -1;
		}
		vi->version = 3;
	} else if (!vi->version) {
		vi->version = gver ? gver : 2;
	}
	if (vi->version == 3 && vi->auth_type != VRRP_AUTH_NONE) {
		const struct tdm_cnode *a = tdm_cnode_find(vi->node, "authentication");
		tdm_conf_warn(ctx, a ? a : vi->node, -1,
		              "vrrp_instance %s: VRRPv3 has no authentication: the authentication block is ignored", vi->name);
		vi->auth_type = VRRP_AUTH_NONE;
		memset(vi->auth_pass, 0, sizeof(vi->auth_pass));
	}
	if (vi->version == 2) {
		if (us % 1000000 || us < 1000000 || us > 255000000) {
			tdm_conf_err(ctx, an ? an : vi->node, an ? 0 : -1,
			             "vrrp_instance %s: advert_int for VRRPv2 must be whole seconds 1..255", vi->name);
			return -1;
		}
	} else {
		if (us > 40950000) {
			tdm_conf_err(ctx, an ? an : vi->node, an ? 0 : -1,
			             "vrrp_instance %s: advert_int for VRRPv3 must be 0.01..40.95 seconds", vi->name);
			return -1;
		}
		if (us % 10000) {
			vi->advert_int_us = us / 10000 * 10000;
			tdm_conf_warn(ctx, an ? an : vi->node, an ? 0 : -1,
			              "vrrp_instance %s: advert_int rounded down to centiseconds", vi->name);
		}
	}
	return 0;
}

/* ---- references ---- */

static int check_refs(struct tdm_conf_ctx *ctx, const struct vrrp_track_refs *r,
                      struct named *v, size_t n, const char *what)
{
	int rc = 0;

	for (size_t i = 0; i < r->n; i++) {
		struct named *f = find_named(v, n, r->v[i].name);
		if (!f) {
			tdm_conf_err(ctx, r->v[i].node, -1, "no %s named %s", what, r->v[i].name);
			rc = -1;
		} else if (f->obj && ((struct vrrp_script_conf *)f->obj)->removed) {
			tdm_conf_warn(ctx, r->v[i].node, -1, "%s %s has no script and is ignored: not tracked", what, r->v[i].name);
		}
	}
	return rc;
}

/* words matched by the "*" entry of vrrp_sync_group */
static int check_stray_members(struct tdm_conf_ctx *ctx, const struct tdm_cnode *root,
                               struct named *ni, size_t n)
{
	const struct tdm_conf_opts *o = tdm_conf_ctx_opts(ctx);
	const struct tdm_cnode *g, *c;
	int rc = 0;

	TDM_CNODE_FOREACH(g, root) {
		if (!g->def || strcmp(g->kw, "vrrp_sync_group"))
			continue;
		TDM_CNODE_FOREACH(c, g) {
			if (!c->def || strcmp(c->def->name, "*"))
				continue;
			if (!c->argc && c->end_line == c->line && find_named(ni, n, c->kw)) {
				tdm_conf_warn(ctx, c, -1, "'%s' in vrrp_sync_group: instance names belong in a 'group { }' block; ignored (as keepalived does)", c->kw);
			} else if (o && o->lenient) {
				tdm_conf_warn(ctx, c, -1, "unknown keyword '%s' in vrrp_sync_group (ignored)", c->kw);
			} else {
				tdm_conf_err(ctx, c, -1, "unknown keyword '%s' in vrrp_sync_group", c->kw);
				rc = -1;
			}
		}
	}
	return rc;
}

static struct named *list_named(struct vrrp_named *h, size_t *n)
{
	size_t k = 0;
	struct named *v;

	for (struct vrrp_named *p = h; p; p = p->next)
		k++;
	v = calloc(k ? k : 1, sizeof(*v));
	if (!v)
		abort();
	k = 0;
	for (struct vrrp_named *p = h; p; p = p->next) {
		v[k].name = p->name;
		v[k++].node = p->node;
	}
	*n = k;
	return v;
}

static void collect_static(struct tdm_conf_ctx *ctx, struct vrrp_conf *vc,
                           const struct tdm_cnode *root)
{
	const struct tdm_cnode *c, *it;

	TDM_CNODE_FOREACH(c, root) {
		struct vrrp_lines *l = NULL;
		if (!USABLE(c))
			continue;
		if (!strcmp(c->kw, "static_ipaddress")) {
			size_t n = vc->static_addrs.n, k = n;
			struct vrrp_vip *v;
			TDM_CNODE_FOREACH(it, c)
				n++;
			v = tdm_conf_alloc(ctx, (n ? n : 1) * sizeof(*v));
			if (k)
				memcpy(v, vc->static_addrs.v, k * sizeof(*v));
			TDM_CNODE_FOREACH(it, c)
				if (!vrrp_conf_parse_vip(NULL, it, 1, &v[k]))
					k++;
			vc->static_addrs.v = v;
			vc->static_addrs.n = k;
			continue;
		}
		if (!strcmp(c->kw, "static_routes"))
			l = &vc->static_routes;
		else if (!strcmp(c->kw, "static_rules"))
			l = &vc->static_rules;
		if (l) {
			size_t n = l->n;
			const struct tdm_cnode **v;
			TDM_CNODE_FOREACH(it, c)
				n++;
			v = tdm_conf_alloc(ctx, (n ? n : 1) * sizeof(*v));
			if (l->n)
				memcpy(v, l->v, l->n * sizeof(*v));
			n = l->n;
			TDM_CNODE_FOREACH(it, c)
				v[n++] = it;
			l->v = v;
			l->n = n;
		}
	}
}

int vrrp_conf_finish_all(struct tdm_conf_ctx *ctx, struct tdm_cnode *root)
{
	struct tdm_config *cfg = tdm_conf_ctx_config(ctx);
	struct vrrp_conf *vc = cfg->vrrp;
	struct named *ni = NULL, *ns = NULL, *ng = NULL, *nf = NULL, *np = NULL;
	size_t nnf = 0, nnp = 0, k;
	int rc = 0, gver;

	if (!vc) {
		const struct tdm_cnode *c;
		TDM_CNODE_FOREACH(c, root)
			if (USABLE(c) && (!strcmp(c->kw, "static_ipaddress") || !strcmp(c->kw, "static_routes") ||
			               !strcmp(c->kw, "static_rules")))
				break;
		if (!c)
			return 0;
		vc = vrrp_conf_get(ctx);
	}
	collect_static(ctx, vc, root);

	/* arrays from the build lists */
	vc->instances = tdm_conf_alloc(ctx, (vc->ninstances + 1) * sizeof(*vc->instances));
	k = 0;
	for (struct vrrp_instance_conf *p = vc->inst_head; p; p = p->next)
		vc->instances[k++] = p;
	vc->scripts = tdm_conf_alloc(ctx, (vc->nscripts + 1) * sizeof(*vc->scripts));
	k = 0;
	for (struct vrrp_script_conf *p = vc->scr_head; p; p = p->next)
		vc->scripts[k++] = p;
	vc->groups = tdm_conf_alloc(ctx, (vc->ngroups + 1) * sizeof(*vc->groups));
	k = 0;
	for (struct vrrp_sync_group_conf *p = vc->grp_head; p; p = p->next)
		vc->groups[k++] = p;

	gver = global_vrrp_version(root);
	global_defaults(root, vc);
	vmac_names(ctx, root, vc);
	for (size_t i = 0; i < vc->ninstances; i++)
		if (check_version(ctx, vc->instances[i], gver))
			rc = -1;

	ni = calloc(vc->ninstances + 1, sizeof(*ni));
	ns = calloc(vc->nscripts + 1, sizeof(*ns));
	ng = calloc(vc->ngroups + 1, sizeof(*ng));
	if (!ni || !ns || !ng)
		abort();
	for (size_t i = 0; i < vc->ninstances; i++)
		ni[i] = (struct named){ vc->instances[i]->name, vc->instances[i]->node, vc->instances[i] };
	for (size_t i = 0; i < vc->nscripts; i++)
		ns[i] = (struct named){ vc->scripts[i]->name, vc->scripts[i]->node, vc->scripts[i] };
	for (size_t i = 0; i < vc->ngroups; i++)
		ng[i] = (struct named){ vc->groups[i]->name, vc->groups[i]->node, vc->groups[i] };
	rc |= sort_unique(ctx, ni, vc->ninstances, "vrrp_instance");
	rc |= sort_unique(ctx, ns, vc->nscripts, "vrrp_script");
	rc |= sort_unique(ctx, ng, vc->ngroups, "vrrp_sync_group");
	nf = list_named(vc->track_files, &nnf);
	np = list_named(vc->track_processes, &nnp);
	rc |= sort_unique(ctx, nf, nnf, "track_file");
	rc |= sort_unique(ctx, np, nnp, "vrrp_track_process");

	rc |= check_vrids(ctx, vc);
	rc |= check_stray_members(ctx, root, ni, vc->ninstances);

	for (size_t i = 0; i < vc->ngroups; i++) {
		struct vrrp_sync_group_conf *g = vc->groups[i];
		const struct tdm_cnode *gl = tdm_cnode_find(g->node, "group"), *it = gl ? gl->child : NULL;
		for (size_t m = 0; m < g->nmembers; m++, it = it ? it->next : NULL) {
			struct named *f = find_named(ni, vc->ninstances, g->members[m]);
			const struct tdm_cnode *at = it ? it : g->node;
			if (!f) {
				tdm_conf_err(ctx, at, -1, "vrrp_sync_group %s: no vrrp_instance named %s", g->name, g->members[m]);
				rc = -1;
			} else if (((struct vrrp_instance_conf *)f->obj)->sync_group &&
			           strcmp(((struct vrrp_instance_conf *)f->obj)->sync_group, g->name)) {
				tdm_conf_err(ctx, at, -1, "vrrp_instance %s is already a member of vrrp_sync_group %s",
				             g->members[m], ((struct vrrp_instance_conf *)f->obj)->sync_group);
				rc = -1;
			} else {
				((struct vrrp_instance_conf *)f->obj)->sync_group = g->name;
			}
		}
		rc |= check_refs(ctx, &g->track_script, ns, vc->nscripts, "vrrp_script");
		rc |= check_refs(ctx, &g->track_file, nf, nnf, "track_file");
		rc |= check_refs(ctx, &g->track_process, np, nnp, "vrrp_track_process");
	}
	for (size_t i = 0; i < vc->ngroups; i++)
		if (!vc->groups[i]->tracking_weight)
			warn_group_weights(ctx, vc, vc->groups[i]);
	for (size_t i = 0; i < vc->ninstances; i++) {
		struct vrrp_instance_conf *vi = vc->instances[i];
		rc |= check_refs(ctx, &vi->track_script, ns, vc->nscripts, "vrrp_script");
		rc |= check_refs(ctx, &vi->track_file, nf, nnf, "track_file");
		rc |= check_refs(ctx, &vi->track_process, np, nnp, "vrrp_track_process");
	}
	free(ni);
	free(ns);
	free(ng);
	free(nf);
	free(np);
	return rc ? -1 : 0;
}
