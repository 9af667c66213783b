/* healthcheck/check_conf_vs.c - finish callbacks of virtual_server, virtual_server_group and
 * SSL (building struct check_conf), and the whole-config checks of the check part: duplicate
 * virtual servers, duplicate real servers in one virtual server, group references, fwmark /
 * address / port rules. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include "healthcheck/check_conf.h"

/* a statement whose arguments passed the engine's checks (count), usable by a builder */
#define USABLE(n) ((n)->def && (n)->argc >= (n)->def->min_args && \
                   !((n)->def->flags & (TDM_KW_UNSUPPORTED | TDM_KW_IGNORED)))

static int opt_bool(const struct tdm_cnode *c)
{
	return c->argc == 0 ? 1 : (int)c->vals[0].i;
}

static int addr_eq(const struct tdm_addr *a, const struct tdm_addr *b)
{
	return a->family == b->family && !memcmp(&a->u, &b->u, a->family == AF_INET ? 4 : 16);
}

static void vs_kw(struct tdm_conf_ctx *ctx, struct check_vs_conf *vs, const struct tdm_cnode *c)
{
	const char *w = c->kw;

	if (!strcmp(w, "real_server"))         /* by far the most frequent */
		vs->rs[vs->nrs++] = check_conf_build_rs(ctx, c);
	else if (!strcmp(w, "connect_timeout"))
		vs->t.connect_timeout_us = (int64_t)c->vals[0].us;
	else if (!strcmp(w, "delay_before_retry"))
		vs->t.delay_before_retry_us = (int64_t)c->vals[0].us;
	else if (!strcmp(w, "warmup"))
		vs->t.warmup_us = (int64_t)c->vals[0].us;
	else if (!strcmp(w, "delay_loop"))
		vs->t.delay_loop_us = (int64_t)c->vals[0].us;
	else if (!strcmp(w, "retry"))
		vs->t.retry = (int)c->vals[0].i;
	else if (!strcmp(w, "alpha"))
		vs->alpha = (uint8_t)opt_bool(c);
	else if (!strcmp(w, "ip_family"))
		vs->family = c->vals[0].i ? AF_INET6 : AF_INET;
	else if (!strcmp(w, "inhibit_on_failure"))
		vs->inhibit_on_failure = (uint8_t)opt_bool(c);
	else if (!strcmp(w, "lvs_sched") || !strcmp(w, "lb_algo"))
		vs->sched = c->argv[0];
	else if (!strcmp(w, "flag-1") || !strcmp(w, "sh-fallback") || !strcmp(w, "mh-fallback"))
		vs->sched_flags |= 1u;
	else if (!strcmp(w, "flag-2") || !strcmp(w, "sh-port") || !strcmp(w, "mh-port"))
		vs->sched_flags |= 2u;
	else if (!strcmp(w, "flag-3"))
		vs->sched_flags |= 4u;
	else if (!strcmp(w, "ops"))
		vs->sched_flags |= 8u;
	else if (!strcmp(w, "lvs_method") || !strcmp(w, "lb_kind"))
		check_conf_parse_fwd(c, &vs->fwd);
	else if (!strcmp(w, "persistence_engine"))
		vs->persistence_engine = c->argv[0];
	else if (!strcmp(w, "persistence_timeout"))
		vs->persistence_timeout = c->argc ? c->vals[0].i : 360;
	else if (!strcmp(w, "persistence_granularity"))
		vs->persistence_granularity = c->argv[0];
	else if (!strcmp(w, "protocol"))
		vs->protocol = c->vals[0].i == 0 ? IPPROTO_TCP : c->vals[0].i == 1 ? IPPROTO_UDP : IPPROTO_SCTP;
	else if (!strcmp(w, "ha_suspend"))
		vs->ha_suspend = 1;
	else if (!strcmp(w, "smtp_alert"))
		vs->smtp_alert = opt_bool(c);
	else if (!strcmp(w, "virtualhost"))
		vs->virtualhost = c->argv[0];
	else if (!strcmp(w, "snmp_name"))
		vs->snmp_name = c->argv[0];
	else if (!strcmp(w, "omega"))
		vs->omega = 1;
	else if (!strcmp(w, "quorum_up"))
		vs->quorum_up = c->argv[0];
	else if (!strcmp(w, "quorum_down"))
		vs->quorum_down = c->argv[0];
	else if (!strcmp(w, "quorum"))
		vs->quorum = (int)c->vals[0].i;
	else if (!strcmp(w, "hysteresis"))
		vs->hysteresis = (int)c->vals[0].i;
	else if (!strcmp(w, "weight"))
		vs->weight = (int)c->vals[0].i;
	else if (!strcmp(w, "sorry_server")) {
		vs->sorry_addr = c->vals[0].addr;
		vs->sorry_port = c->argc > 1 ? (int)c->vals[1].i : 0;
		vs->has_sorry = 1;
	} else if (!strcmp(w, "sorry_server_inhibit"))
		vs->sorry_inhibit = 1;
	else if (!strcmp(w, "sorry_server_lvs_method"))
		check_conf_parse_fwd(c, &vs->sorry_fwd);
}

struct rs_ref {
	const struct check_rs_conf *r;
	size_t idx;
};

static int rs_ref_cmp(const void *pa, const void *pb)
{
	const struct rs_ref *a = pa, *b = pb;
	int c;

	if (a->r->addr.family != b->r->addr.family)
		return a->r->addr.family < b->r->addr.family ? -1 : 1;
	c = memcmp(&a->r->addr.u, &b->r->addr.u, a->r->addr.family == AF_INET ? 4 : 16);
	if (c)
		return c;
	if (a->r->port != b->r->port)
		return a->r->port < b->r->port ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* every real server whose (address, port) appeared earlier in the same virtual server is an
 * error naming the first one; O(n log n) */
static int check_rs_dups(struct tdm_conf_ctx *ctx, const struct check_vs_conf *vs)
{
	struct rs_ref *v;
	int rc = 0;

	if (vs->nrs < 2)
		return 0;
	v = malloc(vs->nrs * sizeof(*v));
	if (!v)
		return 0;
	for (size_t i = 0; i < vs->nrs; i++) {
		v[i].r = vs->rs[i];
		v[i].idx = i;
	}
	qsort(v, vs->nrs, sizeof(*v), rs_ref_cmp);
	for (size_t i = 1, first = 0; i < vs->nrs; i++) {
		const struct check_rs_conf *r = v[i].r, *f = v[first].r;
		char where[512];

		if (!addr_eq(&f->addr, &r->addr) || f->port != r->port) {
			first = i;
			continue;
		}
		tdm_conf_where(ctx, f->node, where, sizeof(where));
		tdm_conf_err(ctx, r->node, 0, "duplicate real_server %s%s%s in this virtual_server (first at %s)",
		             r->node->argv[0], r->node->argc > 1 ? " " : "",
		             r->node->argc > 1 ? r->node->argv[1] : "", where);
		rc = -1;
	}
	free(v);
	return rc;
}

int check_conf_vs_finish(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	struct check_conf *cc = check_conf_get(ctx);
	struct check_vs_conf *vs = tdm_conf_alloc(ctx, sizeof(*vs));
	const struct tdm_cnode *c;
	struct check_vsg_entry e;
	size_t nrs = 0;
	int rc = 0;

	vs->node = node;
	vs->protocol = IPPROTO_UDP;     /* keepalived's default (the kernel's too) */
	vs->sched = "wlc";
	vs->quorum = 1;
	vs->weight = 1;
	vs->smtp_alert = -1;
	vs->fwd.method = CHECK_FWD_DEFAULT;
	vs->sorry_fwd.method = CHECK_FWD_DEFAULT;
	vs->t.connect_timeout_us = vs->t.delay_before_retry_us = vs->t.warmup_us = -1;
	vs->t.delay_loop_us = -1;
	vs->t.retry = vs->t.alpha = -1;
	if (node->argc >= 2 && !strcmp(node->argv[0], "fwmark")) {
		vs->type = CHECK_VS_FWMARK;
		vs->fwmark = strtoll(node->argv[1], NULL, 0);
	} else if (node->argc >= 2 && !strcmp(node->argv[0], "group")) {
		vs->type = CHECK_VS_GROUP;
		vs->group = node->argv[1];
	} else if (node->argc >= 1 &&
	           !check_conf_parse_target(node->argv[0], node->argc > 1 ? node->argv[1] : NULL, &e)) {
		vs->type = CHECK_VS_ADDR;
		vs->addr = e.lo;
		vs->port = e.port;
		vs->family = e.family;
	} else {
		return -1;      /* the argument check reported it */
	}
	TDM_CNODE_FOREACH(c, node)
		if (USABLE(c) && !strcmp(c->kw, "real_server"))
			nrs++;
	vs->rs = nrs ? tdm_conf_alloc(ctx, nrs * sizeof(*vs->rs)) : NULL;
	TDM_CNODE_FOREACH(c, node)
		if (USABLE(c))
			vs_kw(ctx, vs, c);
	vs->id = check_conf_vs_ident(ctx, node);
	/* weight: the default of the real servers that give none (wherever it stands in the block) */
	for (size_t i = 0; i < vs->nrs; i++)
		if (!vs->rs[i]->weight_set)
			vs->rs[i]->weight = vs->weight;
	if (vs->ha_suspend && vs->type == CHECK_VS_FWMARK) {
		tdm_conf_warn(ctx, tdm_cnode_find(node, "ha_suspend"), -1,
		              "virtual_server fwmark %lld: ha_suspend needs an address (a fwmark service has none): ignored", vs->fwmark);
		vs->ha_suspend = 0;
	}

	if (vs->type == CHECK_VS_FWMARK && tdm_cnode_find(node, "protocol"))
		tdm_conf_warn(ctx, tdm_cnode_find(node, "protocol"), -1,
		              "virtual_server fwmark %lld: protocol is ignored for fwmark services", vs->fwmark);
	if (vs->type != CHECK_VS_FWMARK && !tdm_cnode_find(node, "protocol"))
		tdm_conf_warn(ctx, node, -1, "virtual_server %s%s: no protocol given: UDP is used, as keepalived does (add 'protocol TCP'?)",
		              vs->type == CHECK_VS_GROUP ? "group " : "",
		              node->argv[vs->type == CHECK_VS_GROUP ? 1 : 0]);
	if ((vs->sched_flags & 8u) && vs->type != CHECK_VS_FWMARK && vs->protocol != IPPROTO_UDP) {
		tdm_conf_warn(ctx, tdm_cnode_find(node, "ops"), -1, "ops (one-packet scheduling) needs UDP or a fwmark: ignored");
		vs->sched_flags &= ~8u;
	}
	if (vs->type == CHECK_VS_ADDR && node->argc < 2 && !vs->persistence_timeout) {
		tdm_conf_warn(ctx, node, 0, "virtual_server %s without a port is only valid when persistent: made persistent (360 s), as keepalived does", node->argv[0]);
		vs->persistence_timeout = 360;
	}
	c = tdm_cnode_find(node, "ip_family");
	if (vs->type == CHECK_VS_ADDR && c && USABLE(c) &&
	    vs->family != (c->vals[0].i ? AF_INET6 : AF_INET)) {
		tdm_conf_err(ctx, tdm_cnode_find(node, "ip_family"), 0, "ip_family does not match the virtual server's address");
		rc = -1;
	}
	/* real servers: unique (address, port) within one virtual server (sorted, so that a
	 * virtual server with 100,000 real servers stays fast); family rules */
	if (check_rs_dups(ctx, vs) < 0)
		rc = -1;
	for (size_t i = 0; i < vs->nrs; i++) {
		struct check_rs_conf *r = vs->rs[i];

		if (vs->type == CHECK_VS_ADDR && r->addr.family != vs->family &&
		    r->fwd.method != CHECK_FWD_TUN &&
		    !(r->fwd.method == CHECK_FWD_DEFAULT && vs->fwd.method == CHECK_FWD_TUN)) {
			tdm_conf_err(ctx, r->node, 0, "real_server %s is not of the virtual server's family (only tunnelled real servers may differ)", r->node->argv[0]);
			rc = -1;
		}
	}
	if (cc->vs_tail)
		cc->vs_tail->next = vs;
	else
		cc->vs_head = vs;
	cc->vs_tail = vs;
	cc->nvs++;
	return rc;
}

int check_conf_vsg_finish(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	struct check_conf *cc = check_conf_get(ctx);
	struct check_vsg_conf *g = tdm_conf_alloc(ctx, sizeof(*g));
	const struct tdm_cnode *c;
	size_t n = 0;

	g->name = node->argc ? node->argv[0] : "";
	g->node = node;
	TDM_CNODE_FOREACH(c, node)
		n++;
	g->v = n ? tdm_conf_alloc(ctx, n * sizeof(*g->v)) : NULL;
	TDM_CNODE_FOREACH(c, node)
		if (USABLE(c) && !check_conf_parse_vsg_line(c, &g->v[g->n]))
			g->n++;
	if (!n)
		tdm_conf_warn(ctx, node, -1, "virtual_server_group %s is empty", g->name);
	if (cc->vsg_tail)
		cc->vsg_tail->next = g;
	else
		cc->vsg_head = g;
	cc->vsg_tail = g;
	cc->nvsg++;
	return 0;
}

int check_conf_ssl_finish(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	struct check_conf *cc = check_conf_get(ctx);
	const struct tdm_cnode *c;

	cc->ssl.set = 1;
	TDM_CNODE_FOREACH(c, node) {
		if (!USABLE(c))
			continue;
		if (!strcmp(c->kw, "password"))
			cc->ssl.password = c->argv[0];
		else if (!strcmp(c->kw, "ca"))
			cc->ssl.ca = c->argv[0];
		else if (!strcmp(c->kw, "certificate"))
			cc->ssl.certificate = c->argv[0];
		else if (!strcmp(c->kw, "key"))
			cc->ssl.key = c->argv[0];
	}
	return 0;
}

static int cmp_vs_id(const void *a, const void *b)
{
	const struct check_vs_conf *x = *(const struct check_vs_conf *const *)a;
	const struct check_vs_conf *y = *(const struct check_vs_conf *const *)b;
	int r = strcmp(x->id ? x->id : "", y->id ? y->id : "");

	return r ? r : (x->node->line < y->node->line ? -1 : x->node->line > y->node->line);
}

static int cmp_vsg_name(const void *a, const void *b)
{
	return strcmp((*(const struct check_vsg_conf *const *)a)->name,
	              (*(const struct check_vsg_conf *const *)b)->name);
}

int check_conf_finish_all(struct tdm_conf_ctx *ctx, struct tdm_cnode *root)
{
	struct tdm_config *cfg = tdm_conf_ctx_config(ctx);
	struct check_conf *cc = cfg->check;
	struct check_vs_conf **sorted;
	struct check_vsg_conf **gs;
	size_t k;
	int rc = 0;

	(void)root;
	if (!cc)
		return 0;
	cc->vs = tdm_conf_alloc(ctx, (cc->nvs + 1) * sizeof(*cc->vs));
	k = 0;
	for (struct check_vs_conf *p = cc->vs_head; p; p = p->next)
		cc->vs[k++] = p;
	cc->vsg = tdm_conf_alloc(ctx, (cc->nvsg + 1) * sizeof(*cc->vsg));
	k = 0;
	for (struct check_vsg_conf *p = cc->vsg_head; p; p = p->next)
		cc->vsg[k++] = p;
	if (cc->nvs)
		cfg->parts |= TDM_PART_CHECK;

	/* duplicate virtual servers (same identity) */
	sorted = calloc(cc->nvs + 1, sizeof(*sorted));
	gs = calloc(cc->nvsg + 1, sizeof(*gs));
	if (!sorted || !gs)
		abort();
	memcpy(sorted, cc->vs, cc->nvs * sizeof(*sorted));
	qsort(sorted, cc->nvs, sizeof(*sorted), cmp_vs_id);
	for (size_t i = 1; i < cc->nvs; i++) {
		if (sorted[i]->id && sorted[i - 1]->id && !strcmp(sorted[i]->id, sorted[i - 1]->id)) {
			char where[512];
			tdm_conf_where(ctx, sorted[i - 1]->node, where, sizeof(where));
			tdm_conf_err(ctx, sorted[i]->node, 0, "duplicate virtual_server %s (first at %s)", sorted[i]->id, where);
			rc = -1;
		}
	}
	/* groups: unique names, references exist */
	memcpy(gs, cc->vsg, cc->nvsg * sizeof(*gs));
	qsort(gs, cc->nvsg, sizeof(*gs), cmp_vsg_name);
	for (size_t i = 1; i < cc->nvsg; i++) {
		if (!strcmp(gs[i]->name, gs[i - 1]->name)) {
			int l = gs[i]->node->line > gs[i - 1]->node->line;
			char where[512];
			tdm_conf_where(ctx, l ? gs[i - 1]->node : gs[i]->node, where, sizeof(where));
			tdm_conf_err(ctx, l ? gs[i]->node : gs[i - 1]->node, 0, "virtual_server_group %s is defined twice (first at %s)", gs[i]->name, where);
			rc = -1;
		}
	}
	for (size_t i = 0; i < cc->nvs; i++) {
		struct check_vs_conf *vs = cc->vs[i];
		struct check_vsg_conf key, *kp = &key, **f;
		if (vs->type != CHECK_VS_GROUP)
			continue;
		key.name = vs->group;
		f = cc->nvsg ? bsearch(&kp, gs, cc->nvsg, sizeof(*gs), cmp_vsg_name) : NULL;
		if (!f) {
			tdm_conf_err(ctx, vs->node, 1, "virtual_server group %s: no virtual_server_group of that name", vs->group);
			rc = -1;
		}
	}
	free(sorted);
	free(gs);
	return rc;
}
