/* vrrp/vrrp_inst.c - runtime of one VRRP instance: config -> FSM parameters, the receive path
 * (parse, own-packet filter, validate, drop counters, peers heard), and the execution of the
 * FSM's actions through the OS table (adverts, VIPs, GARP/NA pacing, the FSM timer). */
#include "vrrp/vrrp_inst.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "lib/log.h"

#define NS_PER_S 1000000000ULL

const char *vrrp_inst_addr_str(int family, const union vrrp_pkt_ip *a, char *buf, size_t len)
{
	if (!inet_ntop(family, a->b, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

static size_t alen(const struct vrrp_inst *vi)
{
	return vi->family == AF_INET6 ? 16 : 4;
}

int vrrp_inst_init(struct vrrp_inst *vi, const struct vrrp_instance_conf *conf,
                   const struct vrrp_os *os, const struct tdm_addr *mcast_global,
                   uint8_t skip_check_adv_addr)
{
	struct vrrp_fsm_params *p = &vi->p;
	size_t n = 0;

	memset(vi, 0, sizeof(*vi));
	vi->fd = vi->tfd = vi->garp_tfd = -1;
	vi->conf = conf;
	vi->os = os;
	vi->family = conf->family == AF_INET6 ? AF_INET6 : AF_INET;
	vi->unicast = conf->npeers > 0;
	vi->check_addrs = !skip_check_adv_addr;
	vi->group = conf->sync_group;

	vrrp_fsm_params_default(p);
	p->version = (uint8_t)conf->version;
	p->priority = (uint8_t)conf->priority;
	p->advert_int_cs = (uint16_t)(conf->advert_int_us / 10000);
	p->nopreempt = conf->nopreempt;
	p->want_master = conf->state == VRRP_WANT_MASTER && conf->auth_type != VRRP_AUTH_AH;
	p->accept_mode = conf->accept == 1 || (conf->accept < 0 && !conf->strict_mode);
	p->down_timer_adverts = conf->down_timer_adverts > 0 ? (uint8_t)conf->down_timer_adverts : 0;
	p->preempt_delay_ns = conf->preempt_delay_us * 1000;
	p->lower_prio_no_garp = conf->garp_lower_prio_repeat == 0;
	p->lower_prio_no_advert = conf->lower_prio_no_advert == 1;
	p->higher_prio_send_advert = conf->higher_prio_send_advert == 1;
	p->addr_len = (uint8_t)alen(vi);
	if (vrrp_fsm_params_check(p) < 0) {
		tdm_log_err("vrrp_instance %s: unusable parameters (version %d, priority %d, "
		            "interval %u cs)", conf->name, conf->version, conf->priority,
		            p->advert_int_cs);
		return -1;
	}
	vrrp_fsm_init(&vi->st, p);

	if (conf->has_mcast_dst && conf->mcast_dst.family == vi->family)
		memcpy(vi->mcast.b, &conf->mcast_dst.u, alen(vi));
	else if (mcast_global && mcast_global->family == vi->family)
		memcpy(vi->mcast.b, &mcast_global->u, alen(vi));
	else if (vi->family == AF_INET)
		inet_pton(AF_INET, "224.0.0.18", vi->mcast.b);
	else
		inet_pton(AF_INET6, "ff02::12", vi->mcast.b);

	if (conf->has_src_ip && conf->src_ip.family == vi->family) {
		memcpy(vi->src.b, &conf->src_ip.u, alen(vi));
		vi->has_src = vi->src_fixed = 1;
		memcpy(p->local_addr, vi->src.b, alen(vi));
	}
	for (size_t i = 0; i < conf->vips.n && n < VRRP_PKT_MAX_ADDRS; i++) {
		if (conf->vips.v[i].addr.family != vi->family)
			continue;
		memcpy(vi->addrs + n * alen(vi), &conf->vips.v[i].addr.u, alen(vi));
		n++;
	}
	vi->naddr = (uint8_t)n;
	vrrp_pkt_key(conf->auth_type != VRRP_AUTH_NONE ? conf->auth_pass : NULL, vi->key);
	return 0;
}

void vrrp_inst_set_if(struct vrrp_inst *vi, const struct vrrp_os_ifinfo *info)
{
	vi->ifindex = info->ifindex;
	memcpy(vi->mac, info->mac, 6);
	if (vi->src_fixed)
		return;
	if (vi->family == AF_INET && info->has_v4) {
		memcpy(vi->src.b, &info->v4, 4);
		vi->has_src = 1;
	} else if (vi->family == AF_INET6 && info->has_ll6) {
		memcpy(vi->src.b, &info->ll6, 16);
		vi->has_src = 1;
	}
	if (vi->has_src)
		memcpy(vi->p.local_addr, vi->src.b, alen(vi));
}

uint8_t vrrp_inst_eff_prio(const struct vrrp_inst *vi)
{
	int prio = vi->p.priority;

	if (prio == 255 && vi->prio_delta == 0)
		return 255;
	prio += vi->prio_delta;
	if (prio > 254)
		prio = 254;
	if (prio < 1)
		prio = 1;
	return (uint8_t)prio;
}

/* ---- actions ---- */

static void send_one(struct vrrp_inst *vi, uint8_t prio, const union vrrp_pkt_ip *dst,
                     uint32_t seq)
{
	struct vrrp_pkt_tx tx;
	uint8_t buf[VRRP_PKT_MAX_LEN];
	int len;

	memset(&tx, 0, sizeof(tx));
	tx.adv.family = vi->family;
	tx.adv.version = vi->p.version;
	tx.adv.type = VRRP_PKT_TYPE_ADVERT;
	tx.adv.vrid = (uint8_t)vi->conf->vrid;
	tx.adv.priority = prio;
	tx.adv.naddr = vi->naddr;
	tx.adv.addrs = vi->addrs;
	tx.adv.interval = vi->p.version == 2 ? (uint16_t)(vi->p.advert_int_cs / 100)
	                                     : vi->p.advert_int_cs;
	tx.adv.auth_type = vi->family == AF_INET && vi->p.version == 2
	                 ? (enum vrrp_pkt_auth)vi->conf->auth_type : VRRP_PKT_AUTH_NONE;
	memcpy(tx.key, vi->key, sizeof(tx.key));
	tx.src = vi->src;
	tx.dst = *dst;
	tx.unicast = vi->unicast;
	tx.v3_no_pseudo = vi->conf->v3_checksum_as_v2;
	tx.ttl = vi->unicast && vi->conf->unicast_ttl > 0 ? (uint8_t)vi->conf->unicast_ttl : 255;
	if (++vi->ip_id == 0)
		vi->ip_id = 1;
	tx.ip_id = vi->ip_id;
	tx.ah_seq = seq;
	len = vrrp_pkt_build(&tx, buf, sizeof(buf));
	if (len < 0) {
		vi->c.tx_err++;
		return;
	}
	if (vi->os->send(vi->os->arg, vi, buf, (size_t)len, &vi->src, dst) < 0)
		vi->c.tx_err++;
	else
		vi->c.tx++;
}

static void send_advert(struct vrrp_inst *vi, uint8_t prio)
{
	uint32_t seq = 0;

	vi->c.prio0_tx += prio == 0;
	if (!vi->has_src) {
		vi->c.tx_err++;
		return;
	}
	if (vi->conf->auth_type == VRRP_AUTH_AH) {
		/* one number per advert round, above anything sent or accepted (keepalived's
		 * receivers keep one counter for both directions) */
		seq = (vi->ah_seq_tx > vi->ah_last_rx ? vi->ah_seq_tx : vi->ah_last_rx) + 1;
		vi->ah_seq_tx = seq;
	}
	if (!vi->unicast) {
		send_one(vi, prio, &vi->mcast, seq);
		return;
	}
	for (size_t i = 0; i < vi->conf->npeers; i++) {
		union vrrp_pkt_ip dst;

		memset(&dst, 0, sizeof(dst));
		memcpy(dst.b, &vi->conf->peers[i].addr.u, alen(vi));
		send_one(vi, prio, &dst, seq);
	}
}

static int vip_ifindex(const struct vrrp_inst *vi)
{
	return vi->ifindex;
}

static void routes_apply(struct vrrp_inst *vi, int add)
{
	/* rules after routes when adding, before them when removing */
	for (int k = 0; k < 2; k++) {
		int is_rule = add ? k : !k;
		const struct vrrp_lines *ls = is_rule ? &vi->conf->rules : &vi->conf->routes;

		for (size_t i = 0; i < ls->n; i++)
			if (vi->os->route(vi->os->arg, vi, add, ls->v[i], is_rule) < 0)
				vi->c.route_err++;
	}
}

/* VIPs, then routes and rules (which may use them); removal in the reverse order */
static void vips_apply(struct vrrp_inst *vi, int add)
{
	const struct vrrp_vips *lists[2] = { &vi->conf->vips, &vi->conf->evips };

	if (!add)
		routes_apply(vi, 0);
	for (int l = 0; l < 2; l++)
		for (size_t i = 0; i < lists[l]->n; i++)
			if (vi->os->vip(vi->os->arg, vi, add, &lists[l]->v[i], vip_ifindex(vi)) < 0)
				vi->c.vip_err++;
	if (add)
		routes_apply(vi, 1);
	vi->vips_on = (uint8_t)add;
}

static void garp_round(struct vrrp_inst *vi, int repeat)
{
	const struct vrrp_vips *lists[2] = { &vi->conf->vips, &vi->conf->evips };

	if (repeat <= 0)
		repeat = 1;
	for (int r = 0; r < repeat && r < 100; r++)
		for (int l = 0; l < 2; l++)
			for (size_t i = 0; i < lists[l]->n; i++) {
				if (vi->os->garp(vi->os->arg, vi, &lists[l]->v[i],
				                 vip_ifindex(vi)) < 0)
					vi->c.garp_err++;
				else
					vi->c.garp++;
			}
}

static int cfg_or(int v, int dflt)
{
	return v >= 0 ? v : dflt;
}

static void garp_start(struct vrrp_inst *vi, enum vrrp_fsm_garp_why why)
{
	const struct vrrp_instance_conf *c = vi->conf;
	int repeat = cfg_or(c->garp_master_repeat, 5);
	int delay = cfg_or(c->garp_master_delay, 5);

	if (why == VRRP_FSM_GARP_SPLIT_BRAIN) {
		/* garp_lower_prio_delay: the round comes later, once per delay (further lower
		 * adverts meanwhile do not push it back); a pending second master round or
		 * refresh is replaced and resumes after it */
		if (cfg_or(c->garp_lower_prio_delay, 0) > 0) {
			if (vi->garp_phase != VRRP_GARP_LOWER) {
				vi->garp_phase = VRRP_GARP_LOWER;
				vi->os->arm_garp(vi->os->arg, vi,
				                 (uint64_t)c->garp_lower_prio_delay * NS_PER_S);
			}
			return;
		}
		garp_round(vi, cfg_or(c->garp_lower_prio_repeat, repeat));
		return;
	}
	garp_round(vi, repeat);
	if (delay > 0) {
		vi->garp_phase = VRRP_GARP_DELAYED;
		vi->os->arm_garp(vi->os->arg, vi, (uint64_t)delay * NS_PER_S);
	} else if (cfg_or(c->garp_master_refresh, 0) > 0) {
		vi->garp_phase = VRRP_GARP_REFRESH;
		vi->os->arm_garp(vi->os->arg, vi, (uint64_t)c->garp_master_refresh * NS_PER_S);
	}
}

void vrrp_inst_garp_timer(struct vrrp_inst *vi, uint64_t now)
{
	const struct vrrp_instance_conf *c = vi->conf;
	int refresh = cfg_or(c->garp_master_refresh, 0);

	if (vi->st.state != VRRP_FSM_MASTER || vi->garp_phase == VRRP_GARP_IDLE) {
		vi->garp_phase = VRRP_GARP_IDLE;
		return;
	}
	if (vi->garp_phase == VRRP_GARP_DELAYED)
		garp_round(vi, cfg_or(c->garp_master_repeat, 5));
	else if (vi->garp_phase == VRRP_GARP_LOWER)
		garp_round(vi, cfg_or(c->garp_lower_prio_repeat, cfg_or(c->garp_master_repeat, 5)));
	else
		garp_round(vi, cfg_or(c->garp_master_refresh_repeat, 1));
	if (refresh > 0) {
		vi->garp_phase = VRRP_GARP_REFRESH;
		vi->os->arm_garp(vi->os->arg, vi, (uint64_t)refresh * NS_PER_S);
	} else {
		vi->garp_phase = VRRP_GARP_IDLE;
	}
}

int vrrp_inst_garp_now(struct vrrp_inst *vi)
{
	if (vi->st.state != VRRP_FSM_MASTER)
		return -1;
	garp_round(vi, 1);
	return 0;
}

static void run_actions(struct vrrp_inst *vi, const struct vrrp_fsm_actions *out, uint64_t now)
{
	for (size_t i = 0; i < out->n; i++) {
		const struct vrrp_fsm_action *a = &out->a[i];

		switch (a->kind) {
		case VRRP_FSM_ACT_SEND_ADVERT:
			send_advert(vi, a->u.advert.priority);
			break;
		case VRRP_FSM_ACT_TIMER:
			break;
		case VRRP_FSM_ACT_VIPS_ADD:
			vips_apply(vi, 1);
			break;
		case VRRP_FSM_ACT_VIPS_DEL:
			vips_apply(vi, 0);
			break;
		case VRRP_FSM_ACT_GARP:
			garp_start(vi, a->u.garp.why);
			break;
		case VRRP_FSM_ACT_LEARN_INTERVAL:
			vi->c.learn_interval++;
			break;
		case VRRP_FSM_ACT_TRANSITION:
			vi->state_since = now;
			if (a->u.trans.to == VRRP_FSM_MASTER) {     /* for the MIBs */
				vi->c.become_master++;
				vi->c.master_reason = (uint8_t)a->u.trans.reason;
			}
			if (a->u.trans.from == VRRP_FSM_MASTER && vi->garp_phase != VRRP_GARP_IDLE) {
				vi->garp_phase = VRRP_GARP_IDLE;
				vi->os->arm_garp(vi->os->arg, vi, 0);
			}
			tdm_log_notice("vrrp_instance %s: %s -> %s (%s), priority %u",
			               vi->conf->name, vrrp_fsm_state_name(a->u.trans.from),
			               vrrp_fsm_state_name(a->u.trans.to),
			               vrrp_fsm_reason_name(a->u.trans.reason), vi->st.eff_prio);
			if (vi->on_trans)
				vi->on_trans(vi->cb_arg, vi, a->u.trans.from, a->u.trans.to,
				             a->u.trans.reason);
			break;
		}
	}
}

static int step(struct vrrp_inst *vi, const struct vrrp_fsm_event *ev, uint64_t now)
{
	struct vrrp_fsm_actions out;
	enum vrrp_fsm_state from = vi->st.state;
	int rc = vrrp_fsm_step(&vi->p, &vi->st, ev, now, &out);

	if (rc >= 0)
		run_actions(vi, &out, now);
	vi->os->arm(vi->os->arg, vi, vrrp_fsm_next_deadline(&vi->st));
	if (rc >= 0 && vi->on_step)
		vi->on_step(vi->cb_arg, vi, from);
	return rc;
}

void vrrp_inst_start(struct vrrp_inst *vi, uint64_t now)
{
	struct vrrp_fsm_event ev = { .type = VRRP_FSM_EV_STARTUP };

	vi->started_at = vi->state_since = now;
	/* addresses left behind by a crash of a previous run are not ours to keep */
	if (vi->p.priority != 255)
		vips_apply(vi, 0);
	step(vi, &ev, now);
}

void vrrp_inst_stop(struct vrrp_inst *vi, uint64_t now)
{
	struct vrrp_fsm_event ev = { .type = VRRP_FSM_EV_SHUTDOWN };

	step(vi, &ev, now);
	if (vi->vips_on)
		vips_apply(vi, 0);
	vi->os->arm(vi->os->arg, vi, VRRP_FSM_NEVER);
	vi->os->arm_garp(vi->os->arg, vi, 0);
	vi->garp_phase = VRRP_GARP_IDLE;
}

int vrrp_inst_event(struct vrrp_inst *vi, enum vrrp_fsm_event_type type, uint64_t now)
{
	struct vrrp_fsm_event ev = { .type = type, .priority = vrrp_inst_eff_prio(vi) };

	return step(vi, &ev, now);
}

void vrrp_inst_timer(struct vrrp_inst *vi, uint64_t now)
{
	for (int i = 0; i < 4; i++) {
		struct vrrp_fsm_event ev = { .type = vrrp_fsm_due(&vi->st, now) };

		if (ev.type == VRRP_FSM_EV_NONE)
			break;
		step(vi, &ev, now);
	}
	vi->os->arm(vi->os->arg, vi, vrrp_fsm_next_deadline(&vi->st));
}

void vrrp_inst_set_prio_delta(struct vrrp_inst *vi, int delta, uint64_t now)
{
	uint8_t before = vrrp_inst_eff_prio(vi);

	vi->prio_delta = delta;
	if (vrrp_inst_eff_prio(vi) != before)
		vrrp_inst_event(vi, VRRP_FSM_EV_PRIO_CHANGE, now);
}

void vrrp_inst_set_priority(struct vrrp_inst *vi, int priority, uint64_t now)
{
	uint8_t before = vrrp_inst_eff_prio(vi);

	vi->p.priority = (uint8_t)priority;
	if (vrrp_inst_eff_prio(vi) != before)
		vrrp_inst_event(vi, VRRP_FSM_EV_PRIO_CHANGE, now);
}

static int vip_in(const struct vrrp_vip *v, const struct vrrp_instance_conf *c)
{
	const struct vrrp_vips *lists[2] = { &c->vips, &c->evips };

	for (int l = 0; l < 2; l++)
		for (size_t i = 0; i < lists[l]->n; i++) {
			const struct vrrp_vip *w = &lists[l]->v[i];

			if (w->addr.family == v->addr.family && w->addr.plen == v->addr.plen &&
			    !memcmp(&w->addr.u, &v->addr.u, v->addr.family == AF_INET6 ? 16 : 4))
				return 1;
		}
	return 0;
}

int vrrp_inst_line_same(const struct tdm_cnode *a, const struct tdm_cnode *b)
{
	if (strcmp(a->kw, b->kw) || a->argc != b->argc)
		return 0;
	for (uint32_t i = 0; i < a->argc; i++)
		if (strcmp(a->argv[i], b->argv[i]))
			return 0;
	return 1;
}

static int line_in(const struct tdm_cnode *a, const struct vrrp_lines *ls)
{
	for (size_t i = 0; i < ls->n; i++)
		if (vrrp_inst_line_same(a, ls->v[i]))
			return 1;
	return 0;
}

void vrrp_inst_update_vips(struct vrrp_inst *vi, const struct vrrp_instance_conf *nc)
{
	const struct vrrp_instance_conf *oc = vi->conf;
	const struct vrrp_vips *lists[2] = { &oc->vips, &oc->evips };
	size_t n = 0;

	if (vi->vips_on) {
		for (size_t i = 0; i < oc->rules.n; i++)
			if (!line_in(oc->rules.v[i], &nc->rules))
				vi->os->route(vi->os->arg, vi, 0, oc->rules.v[i], 1);
		for (size_t i = 0; i < oc->routes.n; i++)
			if (!line_in(oc->routes.v[i], &nc->routes))
				vi->os->route(vi->os->arg, vi, 0, oc->routes.v[i], 0);
	}
	if (vi->vips_on)
		for (int l = 0; l < 2; l++)
			for (size_t i = 0; i < lists[l]->n; i++)
				if (!vip_in(&lists[l]->v[i], nc))
					vi->os->vip(vi->os->arg, vi, 0, &lists[l]->v[i], vip_ifindex(vi));
	vi->conf = nc;
	for (size_t i = 0; i < nc->vips.n && n < VRRP_PKT_MAX_ADDRS; i++) {
		if (nc->vips.v[i].addr.family != vi->family)
			continue;
		memcpy(vi->addrs + n * alen(vi), &nc->vips.v[i].addr.u, alen(vi));
		n++;
	}
	vi->naddr = (uint8_t)n;
	if (vi->vips_on)
		vips_apply(vi, 1);      /* present ones count as ok: no flap */
}

/* ---- receive ---- */

static void peer_heard(struct vrrp_inst *vi, const struct vrrp_pkt *pk, uint64_t now)
{
	struct vrrp_inst_peer *pe = NULL;

	for (size_t i = 0; i < vi->npeers; i++)
		if (!memcmp(vi->peers[i].addr.b, pk->src.b, alen(vi)))
			pe = &vi->peers[i];
	if (!pe) {
		if (vi->npeers < VRRP_INST_MAX_PEERS) {
			pe = &vi->peers[vi->npeers++];
		} else {            /* forget the one heard longest ago */
			pe = &vi->peers[0];
			for (size_t i = 1; i < vi->npeers; i++)
				if (vi->peers[i].last_ns < pe->last_ns)
					pe = &vi->peers[i];
		}
		memset(pe, 0, sizeof(*pe));
		pe->addr = pk->src;
	}
	pe->priority = pk->adv.priority;
	pe->int_cs = vi->p.version == 2 ? (uint16_t)(pk->adv.interval * 100) : pk->adv.interval;
	pe->last_ns = now;
	pe->adverts++;
}

/* unicast_peer: the source must be a peer (with check_unicast_src) and its TTL within the
 * peer's min_ttl..max_ttl when given; -1 = dropped (counted) */
static int unicast_peer_check(struct vrrp_inst *vi, const struct vrrp_pkt *pk)
{
	for (size_t i = 0; i < vi->conf->npeers; i++) {
		const struct vrrp_peer *pe = &vi->conf->peers[i];

		if (memcmp(&pe->addr.u, pk->src.b, alen(vi)))
			continue;
		if (pk->ttl >= 0 && ((pe->min_ttl >= 0 && pk->ttl < pe->min_ttl) ||
		                     (pe->max_ttl >= 0 && pk->ttl > pe->max_ttl))) {
			vi->c.peer_ttl++;
			return -1;
		}
		return 0;
	}
	if (vi->check_unicast_src) {
		vi->c.not_peer++;
		return -1;
	}
	return 0;
}

void vrrp_inst_rx(struct vrrp_inst *vi, const struct vrrp_pkt_rx *rx, uint64_t now)
{
	struct vrrp_pkt pk;
	struct vrrp_pkt_expect e;
	struct vrrp_fsm_event ev;
	enum vrrp_drop d;

	d = vrrp_pkt_parse(rx, &pk);
	if (d != VRRP_DROP_NONE) {
		vi->c.drops[d]++;
		vi->c.last_drop = (uint8_t)d;
		return;
	}
	if (pk.adv.vrid != (uint8_t)vi->conf->vrid) {
		vi->c.rx_other_vrid++;      /* another instance's: not a drop */
		return;
	}
	if (vi->has_src && !memcmp(pk.src.b, vi->src.b, alen(vi))) {
		vi->c.rx_own++;
		return;
	}
	if (vi->unicast && unicast_peer_check(vi, &pk) < 0)
		return;
	memset(&e, 0, sizeof(e));
	e.version = vi->p.version;
	e.vrid = (uint8_t)vi->conf->vrid;
	e.unicast = vi->unicast;
	e.auth_type = vi->family == AF_INET && vi->p.version == 2
	            ? (enum vrrp_pkt_auth)vi->conf->auth_type : VRRP_PKT_AUTH_NONE;
	memcpy(e.key, vi->key, sizeof(e.key));
	e.interval = (uint16_t)(vi->p.advert_int_cs / 100);
	/* the address list is compared unless skipped for the master already followed */
	e.check_addrs = vi->check_addrs || !(vi->st.master_known &&
	                !memcmp(vi->st.master_addr, pk.src.b, alen(vi)));
	e.naddr = vi->naddr;
	e.addrs = vi->addrs;
	e.ah_check_seq = vi->ah_seen;
	e.ah_last_seq = vi->ah_last_rx;
	d = vrrp_pkt_validate(&pk, &e);
	if (d != VRRP_DROP_NONE) {
		vi->c.drops[d]++;
		vi->c.last_drop = (uint8_t)d;
		vi->c.last_drop_src = pk.src;
		return;
	}
	vi->c.rx++;
	vi->c.prio0_rx += pk.adv.priority == 0;
	if (pk.has_ah) {
		vi->ah_last_rx = pk.ah_seq;
		vi->ah_seen = 1;
	}
	peer_heard(vi, &pk, now);
	memset(&ev, 0, sizeof(ev));
	ev.type = VRRP_FSM_EV_ADVERT;
	ev.priority = pk.adv.priority;
	ev.int_cs = vi->p.version == 3 ? pk.adv.interval : vi->p.advert_int_cs;
	memcpy(ev.addr, pk.src.b, alen(vi));
	{
		int was_master = vi->st.state == VRRP_FSM_MASTER, prio = vi->st.eff_prio;

		step(vi, &ev, now);
		if (was_master && vi->st.state == VRRP_FSM_MASTER && pk.adv.priority &&
		    pk.adv.priority <= prio && vi->on_lower_prio)
			vi->on_lower_prio(vi, pk.adv.priority, &pk.src, now);
	}
}
