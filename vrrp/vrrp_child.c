/* vrrp/vrrp_child.c - the VRRP part of tandemd (vrrp_part_ops): one vrrp_inst per configured
 * instance, each with its raw socket, an absolute CLOCK_MONOTONIC timerfd for the FSM deadline
 * (exact to the ns: libev's own timers go through epoll's millisecond timeout) and a GARP
 * pacing timerfd, all watched by libev; link changes from rtnetlink put instances in and out of
 * FAULT; transitions go to the event bus as "vrrp.state"; reload changes only what changed;
 * the "vrrp" control command (vrrp_status.c builds the replies). */
#include "vrrp/vrrp_child.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/timerfd.h>
#include "director/global_conf.h"
#include "lib/log.h"
#include "lib/mono.h"
#include "vrrp/vrrp_hooks.h"
#include "vrrp/vrrp_sock.h"
#include "vrrp/vrrp_stats_ev.h"

#define K(kind) (1u << (kind))

static void on_trans(void *arg, struct vrrp_inst *vi, enum vrrp_fsm_state from,
                     enum vrrp_fsm_state to, enum vrrp_fsm_reason reason)
{
	struct vrrp_child *vc = arg;
	json_object *ev = json_object_new_object();

	json_object_object_add(ev, "type", json_object_new_string("vrrp.state"));
	json_object_object_add(ev, "instance", json_object_new_string(vi->conf->name));
	json_object_object_add(ev, "vrid", json_object_new_int(vi->conf->vrid));
	json_object_object_add(ev, "from", json_object_new_string(vrrp_fsm_state_name(from)));
	json_object_object_add(ev, "to", json_object_new_string(vrrp_fsm_state_name(to)));
	json_object_object_add(ev, "reason", json_object_new_string(vrrp_fsm_reason_name(reason)));
	json_object_object_add(ev, "prio", json_object_new_int(vi->st.eff_prio));
	/* the FSM's own time of the transition (CLOCK_MONOTONIC ns; the event's mono_ns is
	 * stamped later, by the parent) */
	json_object_object_add(ev, "at_ns", json_object_new_uint64(vi->state_since));
	if (vi->group)
		json_object_object_add(ev, "group", json_object_new_string(vi->group));
	dir_part_emit(vc->ctx, ev);
	vrrp_hooks_trans(vc, vi, from, to, reason);     /* notify scripts, FIFO */
}

static void drain_tfd(int fd)
{
	uint64_t n;

	while (read(fd, &n, sizeof(n)) == (ssize_t)sizeof(n))
		;
}

static void rx_read(struct vrrp_child_inst *ci);

/* vrrp_rt_io: adverts queued in the socket are read before an expired deadline is acted on */
static int rt_pending(void *arg, struct vrrp_inst *vi)
{
	return vrrp_rt_sock_pending(vi->fd);
}

static void rt_drain(void *arg, struct vrrp_inst *vi)
{
	struct vrrp_child_inst *ci = vi->user;

	for (int i = 0; i < 64 && vrrp_rt_sock_pending(vi->fd) > 0; i++)
		rx_read(ci);
}

static void on_fsm_timer(struct ev_loop *loop, ev_io *w, int revents)
{
	struct vrrp_child_inst *ci = w->data;
	struct vrrp_rt_io io = { .pending = rt_pending, .drain = rt_drain, .arg = ci };
	enum vrrp_fsm_state before = ci->vi.st.state;
	uint64_t late = 0;

	drain_tfd(ci->vi.tfd);
	if (vrrp_rt_timer(&ci->vi, &ci->stalls, &io, tdm_mono_ns(), &late))
		vrrp_rt_emit_stall(ci->vc->ctx, &ci->vi, &ci->stalls, before, late);
}

static void on_garp_timer(struct ev_loop *loop, ev_io *w, int revents)
{
	struct vrrp_child_inst *ci = w->data;

	drain_tfd(ci->vi.garp_tfd);
	vrrp_inst_garp_timer(&ci->vi, tdm_mono_ns());
}

/* read up to 64 queued packets */
static void rx_read(struct vrrp_child_inst *ci)
{
	static uint8_t buf[65536];

	for (int i = 0; i < 64; i++) {
		struct vrrp_pkt_rx rx;
		uint64_t at;
		int rc = vrrp_sock_recv(ci->vi.fd, ci->vi.family, buf, sizeof(buf), &rx, &at);

		if (rc <= 0)
			return;
		vrrp_inst_rx(&ci->vi, &rx, at);
	}
}

static void on_rx(struct ev_loop *loop, ev_io *w, int revents)
{
	struct vrrp_child_inst *ci = w->data;
	enum vrrp_fsm_state before = ci->vi.st.state;
	uint64_t late = 0;

	/* a packet woke a loop that missed the FSM deadline (vrrp_rt.h) */
	if (vrrp_rt_wakeup(&ci->vi, &ci->stalls, tdm_mono_ns(), &late))
		vrrp_rt_emit_stall(ci->vc->ctx, &ci->vi, &ci->stalls, before, late);
	rx_read(ci);
}

static int inst_open_socket(struct vrrp_child *vc, struct vrrp_child_inst *ci);

/* track_src_ip: the configured source address is missing from the interface (any interface
 * without one); unicast_fault_no_peer: a unicast_peer block with no peer */
static int src_fault(const struct vrrp_instance_conf *c)
{
	struct ifaddrs *ifa, *i;
	int found = 0;

	if (c->unicast_fault_no_peer && !c->npeers && tdm_cnode_find(c->node, "unicast_peer"))
		return 1;
	if (!c->track_src_ip || !c->has_src_ip)
		return 0;
	if (getifaddrs(&ifa) < 0)
		return 0;               /* cannot tell: no FAULT on our own failure */
	for (i = ifa; i && !found; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != c->src_ip.family ||
		    (c->interface && strcmp(i->ifa_name, c->interface)))
			continue;
		if (c->src_ip.family == AF_INET)
			found = !memcmp(&((struct sockaddr_in *)i->ifa_addr)->sin_addr,
			                &c->src_ip.u.v4, 4);
		else
			found = !memcmp(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr,
			                &c->src_ip.u.v6, 16);
	}
	freeifaddrs(ifa);
	return !found;
}

/* Interface facts -> source/index; the socket follows the interface (opened when it appears,
 * reopened when it comes back with another index); FAULT while the interface is missing or
 * down (unless dont_track_primary) or the instance has no socket: a router that cannot hear
 * its peers must not take over. */
static void update_if(struct vrrp_child *vc, struct vrrp_child_inst *ci, uint64_t now)
{
	const struct vrrp_instance_conf *c = ci->vi.conf;
	struct vrrp_os_ifinfo info;
	int fault = 0;

	if (c->interface) {
		if (vc->sys.ops.ifinfo(vc->sys.ops.arg, c->interface, &info) < 0)
			return;
		if (c->use_vmac)            /* runs on its macvlan (vrrp_vmac.h) */
			vrrp_vmac_ifinfo(&ci->vmac, &vc->sys.ops, vc->sys.nl, c, &info);
		vrrp_inst_set_if(&ci->vi, &info);
		if (info.ifindex && (info.ifindex != ci->sock_ifindex || ci->vi.fd < 0))
			inst_open_socket(vc, ci);
		fault = !info.ifindex || (!info.up && !c->dont_track_primary);
	} else if (ci->vi.fd < 0) {
		inst_open_socket(vc, ci);
	}
	fault = fault || ci->vi.fd < 0;
	fault = fault || src_fault(c);      /* track_src_ip, unicast_fault_no_peer */
	ci->if_fault = (uint8_t)fault;
	fault = fault || ci->track_fault;   /* tracking's own FAULT input (vrrp_track.c) */
	if (fault != ci->vi.st.fault) {
		tdm_log_notice("vrrp_instance %s: %s", c->name,
		               !fault ? "interface up" : ci->vi.fd < 0 && (!c->interface ||
		               info.ifindex) ? "no socket" : "interface down or missing");
		vrrp_inst_event(&ci->vi, fault ? VRRP_FSM_EV_FAULT_ON : VRRP_FSM_EV_FAULT_OFF, now);
	}
}

static void inst_free(struct vrrp_child *vc, struct vrrp_child_inst *ci)
{
	ev_io_stop(vc->ctx->loop, &ci->rx_w);
	ev_io_stop(vc->ctx->loop, &ci->tmr_w);
	ev_io_stop(vc->ctx->loop, &ci->garp_w);
	vrrp_hooks_inst_free(vc, ci);
	if (ci->vi.fd >= 0)
		close(ci->vi.fd);
	if (ci->vmac.name[0])
		vrrp_vmac_down(&ci->vmac, vc->sys.nl);
	if (ci->vi.tfd >= 0)
		close(ci->vi.tfd);
	if (ci->vi.garp_tfd >= 0)
		close(ci->vi.garp_tfd);
	free(ci);
}

static int inst_open_socket(struct vrrp_child *vc, struct vrrp_child_inst *ci)
{
	const struct vrrp_instance_conf *c = ci->vi.conf;
	struct vrrp_sock_opts so = { .family = ci->vi.family, .proto = VRRP_PKT_IPPROTO,
	                             .ifname = c->interface, .ifindex = ci->vi.ifindex,
	                             .join = !ci->vi.unicast, .group = ci->vi.mcast };

	if (c->auth_type == VRRP_AUTH_AH && ci->vi.family == AF_INET && c->version == 2)
		so.proto = VRRP_PKT_IPPROTO_AH;
	if (c->use_vmac)
		vrrp_vmac_sock_if(&ci->vmac, &so.ifname, &so.ifindex);
	if (ci->vi.fd >= 0) {
		ev_io_stop(vc->ctx->loop, &ci->rx_w);
		close(ci->vi.fd);
	}
	ci->vi.fd = vrrp_sock_open(&so);
	ci->sock_ifindex = ci->vi.ifindex;
	/* IPv6 gives the device per packet: the one the socket is bound to (the VMAC's base
	 * with vmac_xmit_base; the macvlan would send with the virtual MAC, which the peer's
	 * own macvlan takes for its own) */
	ci->vi.tx_ifindex = so.ifindex != ci->vi.ifindex ? so.ifindex : 0;
	if (ci->vi.fd < 0)
		return -1;
	if (c->kernel_rx_buf_size) {        /* kernel_rx_buf_size: root may exceed rmem_max */
		int sz = c->kernel_rx_buf_size > INT_MAX / 2 ? INT_MAX / 2 : (int)c->kernel_rx_buf_size;

		if (setsockopt(ci->vi.fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0 &&
		    setsockopt(ci->vi.fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz)) < 0)
			tdm_log_warn("vrrp_instance %s: kernel_rx_buf_size: %s", c->name,
			             strerror(errno));
	}
	if (c->promote_secondaries && c->interface && ci->vi.family == AF_INET &&
	    vrrp_vmac_sysctl_set(c->interface, "promote_secondaries", 1) < 0)
		tdm_log_warn("vrrp_instance %s: cannot set net.ipv4.conf.%s.promote_secondaries=1",
		             c->name, c->interface);
	ev_io_init(&ci->rx_w, on_rx, ci->vi.fd, EV_READ);
	ci->rx_w.data = ci;
	ev_io_start(vc->ctx->loop, &ci->rx_w);
	return 0;
}

static struct vrrp_child_inst *inst_create(struct vrrp_child *vc,
                                           const struct vrrp_instance_conf *c)
{
	const struct tdm_global_conf *g = vc->cfg ? vc->cfg->global : NULL;
	const struct tdm_addr *mg = NULL;
	struct vrrp_child_inst *ci = calloc(1, sizeof(*ci));
	uint64_t now;

	if (!ci)
		return NULL;
	if (g && c->family == AF_INET && g->has_mcast_group4)
		mg = &g->vrrp_mcast_group4;
	if (g && c->family == AF_INET6 && g->has_mcast_group6)
		mg = &g->vrrp_mcast_group6;
	if (vrrp_inst_init(&ci->vi, c, &vc->sys.ops, mg, g ? g->vrrp_skip_check_adv_addr : 0) < 0) {
		free(ci);
		return NULL;
	}
	ci->vc = vc;
	ci->vi.check_unicast_src = g ? g->vrrp_check_unicast_src : 0;
	ci->vi.check_unicast_src |= c->check_unicast_src;          /* the instance's own */
	if (c->skip_check_adv_addr >= 0)
		ci->vi.check_addrs = !c->skip_check_adv_addr;
	ci->vi.on_trans = on_trans;
	ci->vi.cb_arg = vc;
	ci->vi.user = ci;
	ci->vi.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	ci->vi.garp_tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (ci->vi.tfd < 0 || ci->vi.garp_tfd < 0) {
		tdm_log_err("vrrp_instance %s: timerfd: %s", c->name, strerror(errno));
		inst_free(vc, ci);
		return NULL;
	}
	ev_io_init(&ci->tmr_w, on_fsm_timer, ci->vi.tfd, EV_READ);
	ci->tmr_w.data = ci;
	ev_io_start(vc->ctx->loop, &ci->tmr_w);
	ev_io_init(&ci->garp_w, on_garp_timer, ci->vi.garp_tfd, EV_READ);
	ci->garp_w.data = ci;
	ev_io_start(vc->ctx->loop, &ci->garp_w);

	now = tdm_mono_ns();
	ci->next = vc->head;            /* listed first: a sync group sees it from its start */
	vc->head = ci;
	update_if(vc, ci, now);         /* in INIT a fault is only remembered */
	vrrp_hooks_inst_init(vc, ci, now);  /* tracking, sync group, notify queue */
	if (!vc->startup_pending)
		vrrp_inst_start(&ci->vi, now);
	return ci;
}

static void inst_stop(struct vrrp_child *vc, struct vrrp_child_inst *ci)
{
	vrrp_inst_stop(&ci->vi, tdm_mono_ns());
}

/* ---- links (rtnetlink) ---- */

static void on_link(struct ev_loop *loop, ev_io *w, int revents)
{
	struct vrrp_child *vc = w->data;
	char buf[16384];
	int any = 0;

	for (int i = 0; i < 64; i++) {
		ssize_t n = recv(vc->link_fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n <= 0)
			break;
		any = 1;
	}
	if (!any)
		return;
	for (struct vrrp_child_inst *ci = vc->head; ci; ci = ci->next)
		update_if(vc, ci, tdm_mono_ns());
	vrrp_hooks_reeval(vc, tdm_mono_ns());  /* track_interface */
}

static void link_open(struct vrrp_child *vc)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
	                          .nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR |
	                                       RTMGRP_IPV6_IFADDR };

	vc->link_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (vc->link_fd < 0 || bind(vc->link_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		tdm_log_warn("rtnetlink link monitor: %s (interface changes not followed)",
		             strerror(errno));
		if (vc->link_fd >= 0)
			close(vc->link_fd);
		vc->link_fd = -1;
		return;
	}
	ev_io_init(&vc->link_w, on_link, vc->link_fd, EV_READ);
	vc->link_w.data = vc;
	ev_io_start(vc->ctx->loop, &vc->link_w);
}

static void on_startup_delay(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct vrrp_child *vc = w->data;
	uint64_t now = tdm_mono_ns();

	vc->startup_pending = 0;
	tdm_log_info("vrrp_startup_delay over: starting the instances");
	for (struct vrrp_child_inst *ci = vc->head; ci; ci = ci->next)
		if (ci->vi.st.state == VRRP_FSM_INIT)
			vrrp_inst_start(&ci->vi, now);
}

/* ---- part ops ---- */

static int vrrp_start(struct dir_part_ctx *ctx, const struct tdm_config *cfg)
{
	struct vrrp_child *vc = calloc(1, sizeof(*vc));

	if (!vc)
		return -1;
	vc->ctx = ctx;
	vc->cfg = cfg;
	vc->link_fd = -1;
	ctx->priv = vc;
	vrrp_rt_setup(cfg->global, &vc->rt);
	if (vrrp_os_sys_open(&vc->sys) < 0)
		tdm_log_err("no rtnetlink socket: VIPs cannot be installed");
	link_open(vc);
	vrrp_hooks_start(vc);
	vc->stats = vrrp_stats_ev_start(vc);
	if (cfg->global && cfg->global->vrrp_startup_delay_us) {
		vc->startup_pending = 1;
		ev_timer_init(&vc->startup_w, on_startup_delay,
		              (double)cfg->global->vrrp_startup_delay_us / 1e6, 0.);
		vc->startup_w.data = vc;
		ev_timer_start(ctx->loop, &vc->startup_w);
		tdm_log_info("instances start after vrrp_startup_delay (%.3f s)",
		             (double)cfg->global->vrrp_startup_delay_us / 1e6);
	}
	if (!cfg->vrrp)
		return 0;
	for (size_t i = 0; i < cfg->vrrp->ninstances; i++)
		if (!inst_create(vc, cfg->vrrp->instances[i]))
			tdm_log_err("vrrp_instance %s not started", cfg->vrrp->instances[i]->name);
	return 0;
}

static int peers_same(const struct vrrp_instance_conf *a, const struct vrrp_instance_conf *b)
{
	if (a->npeers != b->npeers)
		return 0;
	for (size_t i = 0; i < a->npeers; i++)
		if (memcmp(&a->peers[i].addr, &b->peers[i].addr, sizeof(a->peers[i].addr)))
			return 0;
	return 1;
}

static int str_same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* what needs the instance restarted when it changes (sockets, protocol, timers) */
static int identity_same(const struct vrrp_instance_conf *a, const struct vrrp_instance_conf *b)
{
	return str_same(a->interface, b->interface) && a->vrid == b->vrid &&
	       a->version == b->version && a->family == b->family && a->state == b->state &&
	       a->advert_int_us == b->advert_int_us && a->nopreempt == b->nopreempt &&
	       a->accept == b->accept && a->strict_mode == b->strict_mode &&
	       a->preempt_delay_us == b->preempt_delay_us && a->auth_type == b->auth_type &&
	       !strcmp(a->auth_pass, b->auth_pass) && a->has_src_ip == b->has_src_ip &&
	       (!a->has_src_ip || !memcmp(&a->src_ip, &b->src_ip, sizeof(a->src_ip))) &&
	       a->has_mcast_dst == b->has_mcast_dst &&
	       (!a->has_mcast_dst || !memcmp(&a->mcast_dst, &b->mcast_dst, sizeof(a->mcast_dst))) &&
	       a->unicast_ttl == b->unicast_ttl && a->down_timer_adverts == b->down_timer_adverts &&
	       peers_same(a, b);
}

static int vips_same(const struct vrrp_vips *a, const struct vrrp_vips *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		const struct vrrp_vip *x = &a->v[i], *y = &b->v[i];

		if (memcmp(&x->addr, &y->addr, sizeof(x->addr)) || !str_same(x->dev, y->dev) ||
		    !str_same(x->label, y->label) || !str_same(x->scope, y->scope) ||
		    x->has_brd != y->has_brd || memcmp(&x->brd, &y->brd, sizeof(x->brd)))
			return 0;
	}
	return 1;
}

static int lines_same(const struct vrrp_lines *a, const struct vrrp_lines *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (!vrrp_inst_line_same(a->v[i], b->v[i]))
			return 0;
	return 1;
}

static const struct vrrp_instance_conf *find_conf(const struct tdm_config *cfg, const char *name)
{
	if (!cfg->vrrp)
		return NULL;
	for (size_t i = 0; i < cfg->vrrp->ninstances; i++)
		if (!strcmp(cfg->vrrp->instances[i]->name, name))
			return cfg->vrrp->instances[i];
	return NULL;
}

static int vrrp_reload(struct dir_part_ctx *ctx, const struct tdm_config *old_cfg,
                       const struct tdm_config *new_cfg, const struct dir_diff_counts *diff)
{
	struct vrrp_child *vc = ctx->priv;
	struct vrrp_child_inst **pp = &vc->head, *ci, *restart = NULL;
	uint64_t now = tdm_mono_ns();

	vc->cfg = new_cfg;
	vrrp_hooks_reload(vc);
	while ((ci = *pp)) {
		const struct vrrp_instance_conf *nc = find_conf(new_cfg, ci->vi.conf->name);

		if (nc && identity_same(ci->vi.conf, nc)) {
			if (!vips_same(&ci->vi.conf->vips, &nc->vips) ||
			    !vips_same(&ci->vi.conf->evips, &nc->evips) ||
			    !lines_same(&ci->vi.conf->routes, &nc->routes) ||
			    !lines_same(&ci->vi.conf->rules, &nc->rules)) {
				tdm_log_info("vrrp_instance %s: addresses, routes or rules changed",
				             nc->name);
				vrrp_inst_update_vips(&ci->vi, nc);
			}
			ci->vi.conf = nc;           /* the old config is freed after this */
			ci->vi.group = nc->sync_group;
			if (new_cfg->global) {
				ci->vi.check_unicast_src = new_cfg->global->vrrp_check_unicast_src;
				ci->vi.check_addrs = !new_cfg->global->vrrp_skip_check_adv_addr;
			}
			ci->vi.check_unicast_src |= nc->check_unicast_src;
			if (nc->skip_check_adv_addr >= 0)
				ci->vi.check_addrs = !nc->skip_check_adv_addr;
			if (nc->priority != ci->vi.p.priority) {
				tdm_log_info("vrrp_instance %s: priority %u -> %d", nc->name,
				             ci->vi.p.priority, nc->priority);
				vrrp_inst_set_priority(&ci->vi, nc->priority, now);
			}
			pp = &ci->next;
			continue;
		}
		/* removed, or changed beyond what can be updated in place: stop it */
		tdm_log_info("vrrp_instance %s: %s", ci->vi.conf->name,
		             nc ? "changed: restarting it" : "removed: stopping it");
		if (!nc)
			vrrp_hooks_mark_deleted(ci);    /* notify_deleted */
		inst_stop(vc, ci);
		*pp = ci->next;
		if (nc) {
			ci->next = restart;
			restart = ci;
		} else {
			inst_free(vc, ci);
		}
	}
	while ((ci = restart)) {
		restart = ci->next;
		inst_free(vc, ci);
	}
	if (new_cfg->vrrp)
		for (size_t i = 0; i < new_cfg->vrrp->ninstances; i++) {
			const struct vrrp_instance_conf *nc = new_cfg->vrrp->instances[i];
			int found = 0;

			for (ci = vc->head; ci && !found; ci = ci->next)
				found = ci->vi.conf == nc;
			if (!found && !inst_create(vc, nc))
				tdm_log_err("vrrp_instance %s not started", nc->name);
		}
	vrrp_hooks_reeval(vc, tdm_mono_ns());
	return 0;
}

static void vrrp_stop(struct dir_part_ctx *ctx)
{
	struct vrrp_child *vc = ctx->priv;
	struct vrrp_child_inst *ci;

	if (!vc)
		return;
	for (ci = vc->head; ci; ci = ci->next)
		inst_stop(vc, ci);
	while ((ci = vc->head)) {
		vc->head = ci->next;
		inst_free(vc, ci);
	}
	vrrp_hooks_stop(vc);
	vrrp_stats_ev_stop(vc->stats);
	if (vc->startup_pending)
		ev_timer_stop(ctx->loop, &vc->startup_w);
	if (vc->link_fd >= 0) {
		ev_io_stop(ctx->loop, &vc->link_w);
		close(vc->link_fd);
	}
	vrrp_os_sys_close(&vc->sys);
	free(vc);
	ctx->priv = NULL;
}

static int vrrp_command(struct dir_part_ctx *ctx, json_object *req, json_object **reply)
{
	struct vrrp_child *vc = ctx->priv;

	*reply = vrrp_child_command(vc, req, tdm_mono_ns());
	return *reply ? 0 : -1;
}

static const char *const vrrp_commands[] = { "vrrp", NULL };

const struct dir_part_ops vrrp_part_ops = {
	.name = "vrrp", .part = TDM_PART_VRRP,
	.kinds = K(TDM_OBJ_VRRP_SCRIPT) | K(TDM_OBJ_VRRP_SYNC_GROUP) | K(TDM_OBJ_VRRP_INSTANCE),
	.start = vrrp_start, .reload = vrrp_reload, .stop = vrrp_stop,
	.commands = vrrp_commands, .command = vrrp_command,
};
