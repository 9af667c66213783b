/* vrrp/vrrp_conf_build.c - builds struct vrrp_conf from the validated statement tree (finish
 * callbacks of the VRRP blocks) and runs the cross checks that need the whole config: duplicate
 * VRIDs per interface and family, per-version advert intervals, sync group members, tracked
 * script/file/process names, required interface. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "vrrp/vrrp_conf.h"

/* a statement whose arguments passed the engine's checks (count), usable by a builder */
#define USABLE(n) ((n)->def && (n)->argc >= (n)->def->min_args && \
                   !((n)->def->flags & (TDM_KW_UNSUPPORTED | TDM_KW_IGNORED)))

struct vrrp_conf *vrrp_conf_get(struct tdm_conf_ctx *ctx)
{
	struct tdm_config *cfg = tdm_conf_ctx_config(ctx);

	if (!cfg->vrrp)
		cfg->vrrp = tdm_conf_alloc(ctx, sizeof(struct vrrp_conf));
	return cfg->vrrp;
}

static size_t count_children(const struct tdm_cnode *n)
{
	size_t k = 0;
	const struct tdm_cnode *c;

	TDM_CNODE_FOREACH(c, n)
		k++;
	return k;
}

static char *join_args(struct tdm_conf_ctx *ctx, const struct tdm_cnode *n, uint32_t from)
{
	size_t len = 1;
	char *s, *p;

	for (uint32_t i = from; i < n->argc; i++)
		len += strlen(n->argv[i]) + 1;
	p = s = tdm_conf_alloc(ctx, len);
	for (uint32_t i = from; i < n->argc; i++) {
		size_t l = strlen(n->argv[i]);
		if (i > from)
			*p++ = ' ';
		memcpy(p, n->argv[i], l);
		p += l;
	}
	*p = '\0';
	return s;
}

static void set_notify(const struct tdm_cnode *c, struct vrrp_notify *nf)
{
	nf->cmd = c->argc > 0 ? c->argv[0] : "";
	nf->user = c->argc > 1 ? c->argv[1] : NULL;
	nf->group = c->argc > 2 ? c->argv[2] : NULL;
}

static int opt_bool(const struct tdm_cnode *c)
{
	return c->argc == 0 ? 1 : (int)c->vals[0].i;
}

/* use_vmac's MAC (checked by the table: 5 or 6 hex octets); 5 octets: the VRID is the sixth,
 * filled in when the instance's VRID is known (vrrp_vmac.c) */
static void parse_vmac_mac(const char *s, struct vrrp_instance_conf *vi)
{
	unsigned o[6];
	int n = sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x", &o[0], &o[1], &o[2], &o[3], &o[4], &o[5]);

	if (n < 5)
		return;
	for (int i = 0; i < 6; i++)
		vi->vmac_mac[i] = (uint8_t)(i < n ? o[i] : 0);
	vi->has_vmac_mac = (uint8_t)n;      /* 5 or 6 */
}

static void build_refs(struct tdm_conf_ctx *ctx, const struct tdm_cnode *list,
                       struct vrrp_track_refs *r)
{
	const struct tdm_cnode *it;
	size_t k = 0;

	r->n = count_children(list);
	r->v = r->n ? tdm_conf_alloc(ctx, r->n * sizeof(*r->v)) : NULL;
	TDM_CNODE_FOREACH(it, list) {
		struct vrrp_track_ref *t = &r->v[k++];
		t->name = it->kw;
		t->node = it;
		if (it->argc >= 2) {
			t->has_weight = 1;
			t->weight = atoi(it->argv[1]);
		}
		if (it->argc >= 3 && !strcmp(it->argv[2], "reverse"))
			t->reverse = 1;
	}
}

static void build_vips(struct tdm_conf_ctx *ctx, const struct tdm_cnode *list, int is_static,
                       struct vrrp_vips *out)
{
	const struct tdm_cnode *it;
	size_t k = 0, n = count_children(list) + out->n;
	struct vrrp_vip *v = n ? tdm_conf_alloc(ctx, n * sizeof(*v)) : NULL;

	if (out->n)
		memcpy(v, out->v, out->n * sizeof(*v));
	k = out->n;
	TDM_CNODE_FOREACH(it, list)
		if (!vrrp_conf_parse_vip(NULL, it, is_static, &v[k]))
			k++;
	out->v = v;
	out->n = k;
}

static void build_lines(struct tdm_conf_ctx *ctx, const struct tdm_cnode *list,
                        struct vrrp_lines *out)
{
	const struct tdm_cnode *it;
	size_t n = count_children(list) + out->n;
	const struct tdm_cnode **v = n ? tdm_conf_alloc(ctx, n * sizeof(*v)) : NULL;

	if (out->n)
		memcpy(v, out->v, out->n * sizeof(*v));
	n = out->n;
	TDM_CNODE_FOREACH(it, list)
		v[n++] = it;
	out->v = v;
	out->n = n;
}

static void build_peers(struct tdm_conf_ctx *ctx, const struct tdm_cnode *list,
                        struct vrrp_instance_conf *vi)
{
	const struct tdm_cnode *it;
	size_t k = 0;

	vi->npeers = count_children(list);
	vi->peers = vi->npeers ? tdm_conf_alloc(ctx, vi->npeers * sizeof(*vi->peers)) : NULL;
	TDM_CNODE_FOREACH(it, list) {
		struct vrrp_peer *p = &vi->peers[k];
		if (vrrp_conf_parse_addr(it->kw, 0, &p->addr))
			continue;
		p->min_ttl = p->max_ttl = -1;
		for (uint32_t i = 0; i + 1 < it->argc; i += 2) {
			if (!strcmp(it->argv[i], "min_ttl"))
				p->min_ttl = atoi(it->argv[i + 1]);
			else
				p->max_ttl = atoi(it->argv[i + 1]);
		}
		k++;
	}
	vi->npeers = k;
}

static void instance_kw(struct tdm_conf_ctx *ctx, struct vrrp_instance_conf *vi,
                        const struct tdm_cnode *c)
{
	const char *k = c->kw;

	if (!strcmp(k, "state"))
		vi->state = c->vals[0].i == 0 ? VRRP_WANT_MASTER : VRRP_WANT_BACKUP;
	else if (!strcmp(k, "interface"))
		vi->interface = c->argv[0];
	else if (!strcmp(k, "virtual_router_id"))
		vi->vrid = (int)c->vals[0].i;
	else if (!strcmp(k, "priority"))
		vi->priority = (int)c->vals[0].i;
	else if (!strcmp(k, "version"))
		vi->version = (int)c->vals[0].i;
	else if (!strcmp(k, "advert_int"))
		vi->advert_int_us = c->vals[0].us;
	else if (!strcmp(k, "nopreempt"))
		vi->nopreempt = 1;
	else if (!strcmp(k, "preempt"))
		vi->nopreempt = 0;
	else if (!strcmp(k, "preempt_delay"))
		vi->preempt_delay_us = c->vals[0].us;
	else if (!strcmp(k, "dont_track_primary"))
		vi->dont_track_primary = 1;
	else if (!strcmp(k, "smtp_alert"))
		vi->smtp_alert = (uint8_t)opt_bool(c);
	else if (!strcmp(k, "strict_mode"))
		vi->strict_mode = (uint8_t)opt_bool(c);
	else if (!strcmp(k, "accept"))
		vi->accept = 1;
	else if (!strcmp(k, "no_accept"))
		vi->accept = 0;
	else if (!strcmp(k, "native_ipv6"))
		vi->family = AF_INET6;
	else if (!strcmp(k, "use_vmac")) {
		vi->use_vmac = 1;
		for (uint32_t i = 0; i < c->argc; i++) {
			if (!strcmp(c->argv[i], "group")) {
				i++;    /* group NAME: not ours */
				continue;
			}
			if (strchr(c->argv[i], ':'))
				parse_vmac_mac(c->argv[i], vi);
			else if (strcmp(c->argv[i], "name") && strcmp(c->argv[i], "netlink_notify_msg"))
				vi->vmac_name = c->argv[i];
		}
	} else if (!strcmp(k, "vmac_xmit_base"))
		vi->vmac_xmit_base = 1;
	else if (!strcmp(k, "mcast_src_ip") || !strcmp(k, "unicast_src_ip")) {
		vi->src_ip = c->vals[0].addr;
		vi->has_src_ip = 1;
	} else if (!strcmp(k, "mcast_dst_ip")) {
		vi->mcast_dst = c->vals[0].addr;
		vi->has_mcast_dst = 1;
	} else if (!strcmp(k, "unicast_ttl"))
		vi->unicast_ttl = (int)c->vals[0].i;
	else if (!strcmp(k, "unicast_peer"))
		build_peers(ctx, c, vi);
	else if (!strcmp(k, "virtual_ipaddress"))
		build_vips(ctx, c, 0, &vi->vips);
	else if (!strcmp(k, "virtual_ipaddress_excluded"))
		build_vips(ctx, c, 0, &vi->evips);
	else if (!strcmp(k, "virtual_routes"))
		build_lines(ctx, c, &vi->routes);
	else if (!strcmp(k, "virtual_rules"))
		build_lines(ctx, c, &vi->rules);
	else if (!strcmp(k, "track_interface"))
		build_refs(ctx, c, &vi->track_if);
	else if (!strcmp(k, "track_script"))
		build_refs(ctx, c, &vi->track_script);
	else if (!strcmp(k, "track_file"))
		build_refs(ctx, c, &vi->track_file);
	else if (!strcmp(k, "track_process"))
		build_refs(ctx, c, &vi->track_process);
	else if (!strcmp(k, "notify_master"))
		set_notify(c, &vi->notify_master);
	else if (!strcmp(k, "notify_backup"))
		set_notify(c, &vi->notify_backup);
	else if (!strcmp(k, "notify_fault"))
		set_notify(c, &vi->notify_fault);
	else if (!strcmp(k, "notify_stop"))
		set_notify(c, &vi->notify_stop);
	else if (!strcmp(k, "notify"))
		set_notify(c, &vi->notify);
	else if (!strcmp(k, "notify_deleted"))
		set_notify(c, &vi->notify_deleted);
	else if (!strcmp(k, "notify_master_rx_lower_pri"))
		set_notify(c, &vi->notify_master_rx_lower_pri);
	else if (!strcmp(k, "garp_master_delay"))
		vi->garp_master_delay = (int)c->vals[0].i;
	else if (!strcmp(k, "garp_master_repeat"))
		vi->garp_master_repeat = (int)c->vals[0].i;
	else if (!strcmp(k, "garp_master_refresh"))
		vi->garp_master_refresh = (int)c->vals[0].i;
	else if (!strcmp(k, "garp_master_refresh_repeat"))
		vi->garp_master_refresh_repeat = (int)c->vals[0].i;
	else if (!strcmp(k, "garp_lower_prio_delay"))
		vi->garp_lower_prio_delay = (int)c->vals[0].i;
	else if (!strcmp(k, "garp_lower_prio_repeat"))
		vi->garp_lower_prio_repeat = (int)c->vals[0].i;
	else if (!strcmp(k, "higher_prio_send_advert"))
		vi->higher_prio_send_advert = opt_bool(c);
	else if (!strcmp(k, "track_src_ip"))
		vi->track_src_ip = 1;
	else if (!strcmp(k, "unicast_fault_no_peer"))
		vi->unicast_fault_no_peer = 1;
	else if (!strcmp(k, "promote_secondaries"))
		vi->promote_secondaries = 1;
	else if (!strcmp(k, "kernel_rx_buf_size"))
		vi->kernel_rx_buf_size = (uint64_t)c->vals[0].i;
	else if (!strcmp(k, "check_unicast_src"))
		vi->check_unicast_src = 1;
	else if (!strcmp(k, "skip_check_adv_addr"))
		vi->skip_check_adv_addr = opt_bool(c);
	else if (!strcmp(k, "v3_checksum_as_v2"))
		vi->v3_checksum_as_v2 = (uint8_t)opt_bool(c);
	else if (!strcmp(k, "lower_prio_no_advert"))
		vi->lower_prio_no_advert = opt_bool(c);
	else if (!strcmp(k, "down_timer_adverts"))
		vi->down_timer_adverts = (int)c->vals[0].i;
	else if (!strcmp(k, "authentication")) {
		const struct tdm_cnode *a;
		TDM_CNODE_FOREACH(a, c) {
			if (!USABLE(a))
				continue;
			if (!strcmp(a->kw, "auth_type"))
				vi->auth_type = a->vals[0].i == 0 ? VRRP_AUTH_PASS : VRRP_AUTH_AH;
			else if (!strcmp(a->kw, "auth_pass"))
				strncpy(vi->auth_pass, a->argv[0], 8);
		}
	}
}

int vrrp_conf_instance_finish(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	struct vrrp_conf *vc = vrrp_conf_get(ctx);
	struct vrrp_instance_conf *vi = tdm_conf_alloc(ctx, sizeof(*vi));
	const struct tdm_cnode *c;
	int rc = 0;

	vi->name = node->argc ? node->argv[0] : "";
	vi->node = node;
	vi->priority = 100;
	vi->advert_int_us = 1000000;
	vi->state = VRRP_WANT_BACKUP;
	vi->accept = -1;
	vi->unicast_ttl = -1;
	vi->garp_master_delay = vi->garp_master_repeat = vi->garp_master_refresh = -1;
	vi->garp_master_refresh_repeat = vi->garp_lower_prio_delay = -1;
	vi->garp_lower_prio_repeat = vi->down_timer_adverts = -1;
	vi->lower_prio_no_advert = -1;
	vi->skip_check_adv_addr = -1;
	vi->higher_prio_send_advert = -1;
	TDM_CNODE_FOREACH(c, node)
		if (USABLE(c))
			instance_kw(ctx, vi, c);

	/* family: the first VIP, else the source address, else the first peer, else IPv4 */
	if (vi->vips.n)
		vi->family = vi->vips.v[0].addr.family;
	else if (!vi->family && vi->has_src_ip)
		vi->family = vi->src_ip.family;
	else if (!vi->family && vi->npeers)
		vi->family = vi->peers[0].addr.family;
	if (!vi->family)
		vi->family = AF_INET;
	for (size_t i = 0; i < vi->vips.n; i++) {
		if (vi->vips.v[i].addr.family != vi->family) {
			tdm_conf_err(ctx, vi->vips.v[i].node, -1,
			             "virtual_ipaddress %s is not of the instance's family (%s); put mixed families in virtual_ipaddress_excluded",
			             vi->vips.v[i].node->kw, vi->family == AF_INET ? "IPv4" : "IPv6");
			rc = -1;
		}
	}
	if (vi->has_src_ip && vi->src_ip.family != vi->family) {
		tdm_conf_err(ctx, node, -1, "vrrp_instance %s: source address family differs from the virtual addresses'", vi->name);
		rc = -1;
	}
	for (size_t i = 0; i < vi->npeers; i++) {
		if (vi->peers[i].addr.family != vi->family) {
			tdm_conf_err(ctx, node, -1, "vrrp_instance %s: unicast peers must all be of the instance's family", vi->name);
			rc = -1;
			break;
		}
	}
	if (!vi->interface && !vi->npeers) {
		tdm_conf_err(ctx, node, -1, "vrrp_instance %s: missing 'interface' (required unless unicast_peer is used)", vi->name);
		rc = -1;
	}
	for (size_t i = 0; !vi->interface && i < vi->npeers; i++) {
		const uint8_t *b = vi->peers[i].addr.u.v6.s6_addr;
		if (vi->peers[i].addr.family == AF_INET6 && b[0] == 0xfe && (b[1] & 0xc0) == 0x80) {
			tdm_conf_err(ctx, node, -1, "vrrp_instance %s: link-local unicast peers need 'interface'", vi->name);
			rc = -1;
			break;
		}
	}
	if (vi->use_vmac && vi->npeers && !vi->vmac_xmit_base) {
		tdm_conf_warn(ctx, tdm_cnode_find(node, "use_vmac"), -1,
		              "vrrp_instance %s: use_vmac with unicast peers needs vmac_xmit_base: set", vi->name);
		vi->vmac_xmit_base = 1;
	}
	if (vi->state == VRRP_WANT_MASTER && vi->auth_type == VRRP_AUTH_AH)
		tdm_conf_warn(ctx, node, -1, "vrrp_instance %s: initial state MASTER is incompatible with AH authentication; starting as BACKUP", vi->name);
	if (vi->nopreempt && vi->preempt_delay_us)
		tdm_conf_warn(ctx, node, -1, "vrrp_instance %s: preempt_delay has no effect with nopreempt", vi->name);
	if (vi->unicast_ttl >= 0 && !vi->npeers)
		tdm_conf_warn(ctx, node, -1, "vrrp_instance %s: unicast_ttl without unicast peers is ignored", vi->name);

	if (vc->inst_tail)
		vc->inst_tail->next = vi;
	else
		vc->inst_head = vi;
	vc->inst_tail = vi;
	vc->ninstances++;
	return rc;
}

int vrrp_conf_script_finish(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	struct vrrp_conf *vc = vrrp_conf_get(ctx);
	struct vrrp_script_conf *s = tdm_conf_alloc(ctx, sizeof(*s));
	const struct tdm_cnode *c;

	s->name = node->argc ? node->argv[0] : "";
	s->node = node;
	s->interval_us = 1000000;
	s->rise = s->fall = 1;
	TDM_CNODE_FOREACH(c, node) {
		if (!USABLE(c))
			continue;
		if (!strcmp(c->kw, "script"))
			s->script = join_args(ctx, c, 0);
		else if (!strcmp(c->kw, "interval"))
			s->interval_us = c->vals[0].us ? c->vals[0].us : 1000000;
		else if (!strcmp(c->kw, "timeout"))
			s->timeout_us = c->vals[0].us ? c->vals[0].us : 1000000;
		else if (!strcmp(c->kw, "weight")) {
			s->weight = (int)c->vals[0].i;
			s->reverse = c->argc > 1 && c->vals[1].i == 0;
		} else if (!strcmp(c->kw, "rise"))
			s->rise = (int)c->vals[0].i;
		else if (!strcmp(c->kw, "fall"))
			s->fall = (int)c->vals[0].i;
		else if (!strcmp(c->kw, "user")) {
			s->user = c->argv[0];
			s->group = c->argc > 1 ? c->argv[1] : NULL;
		} else if (!strcmp(c->kw, "init_fail"))
			s->init_fail = 1;
	}
	if (!s->script) {
		tdm_conf_warn(ctx, node, -1, "vrrp_script %s has no 'script': it is ignored", s->name);
		s->removed = 1;
	}
	if (vc->scr_tail)
		vc->scr_tail->next = s;
	else
		vc->scr_head = s;
	vc->scr_tail = s;
	vc->nscripts++;
	return 0;
}

int vrrp_conf_sync_group_finish(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	struct vrrp_conf *vc = vrrp_conf_get(ctx);
	struct vrrp_sync_group_conf *g = tdm_conf_alloc(ctx, sizeof(*g));
	const struct tdm_cnode *c, *it;

	g->name = node->argc ? node->argv[0] : "";
	g->node = node;
	TDM_CNODE_FOREACH(c, node) {
		const char *k = c->kw;
		if (!USABLE(c))
			continue;
		if (!strcmp(k, "group")) {
			size_t n = count_children(c) + g->nmembers, j = g->nmembers;
			const char **m = tdm_conf_alloc(ctx, (n ? n : 1) * sizeof(*m));
			if (g->nmembers)
				memcpy(m, g->members, g->nmembers * sizeof(*m));
			TDM_CNODE_FOREACH(it, c)
				m[j++] = it->kw;
			g->members = m;
			g->nmembers = j;
		} else if (!strcmp(k, "track_interface"))
			build_refs(ctx, c, &g->track_if);
		else if (!strcmp(k, "track_script"))
			build_refs(ctx, c, &g->track_script);
		else if (!strcmp(k, "track_file"))
			build_refs(ctx, c, &g->track_file);
		else if (!strcmp(k, "track_process"))
			build_refs(ctx, c, &g->track_process);
		else if (!strcmp(k, "notify_master"))
			set_notify(c, &g->notify_master);
		else if (!strcmp(k, "notify_backup"))
			set_notify(c, &g->notify_backup);
		else if (!strcmp(k, "notify_fault"))
			set_notify(c, &g->notify_fault);
		else if (!strcmp(k, "notify_stop"))
			set_notify(c, &g->notify_stop);
		else if (!strcmp(k, "notify"))
			set_notify(c, &g->notify);
		else if (!strcmp(k, "smtp_alert"))
			g->smtp_alert = (uint8_t)opt_bool(c);
		else if (!strcmp(k, "sync_group_tracking_weight") || !strcmp(k, "global_tracking"))
			g->tracking_weight = 1;
		else if (!strcmp(k, "notify_priority_changes"))
			g->notify_priority_changes = (uint8_t)opt_bool(c);
	}
	if (!g->nmembers) {
		tdm_conf_warn(ctx, node, -1, "vrrp_sync_group %s has no members (no 'group { }' block): it is ignored", g->name);
		return 0;
	}
	if (vc->grp_tail)
		vc->grp_tail->next = g;
	else
		vc->grp_head = g;
	vc->grp_tail = g;
	vc->ngroups++;
	return 0;
}

int vrrp_conf_named_finish(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	struct vrrp_conf *vc = vrrp_conf_get(ctx);
	struct vrrp_named *n = tdm_conf_alloc(ctx, sizeof(*n)), **head;

	n->name = node->argc ? node->argv[0] : "";
	n->node = node;
	if (!strcmp(node->kw, "vrrp_track_process"))
		head = &vc->track_processes;
	else if (!strcmp(node->kw, "track_group"))
		head = &vc->track_groups;
	else
		head = &vc->track_files;
	n->next = *head;
	*head = n;
	return 0;
}
