/* vrrp/vrrp_garp_extra.c - periodic GARP/NA for the interfaces themselves (see
 * vrrp_garp_extra.h). */
#include "vrrp/vrrp_garp_extra.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>
#include "director/global_conf.h"
#include "lib/log.h"
#include "vrrp/vrrp_garp.h"

struct vrrp_garp_extra {
	ev_timer w;
	struct vrrp_child *vc;
	struct vrrp_child_inst *ci;
	int all;
	uint64_t sent, errors;
};

static int parse(const struct tdm_cnode *n, int *all)
{
	int secs = -1;

	for (uint32_t i = 0; n && i < n->argc; i++) {
		if (!strcmp(n->argv[i], "all"))
			*all = 1;
		else
			secs = atoi(n->argv[i]);
	}
	return secs;
}

int vrrp_garp_extra_conf(const struct vrrp_instance_conf *c, const struct tdm_cnode *global,
                         int *all)
{
	const struct tdm_cnode *n = NULL;

	*all = 0;
	if (c->node && !(n = tdm_cnode_find(c->node, "garp_extra_if")))
		n = tdm_cnode_find(c->node, "vmac_garp_intvl");
	if (!n && global && !(n = tdm_cnode_find(global, "vrrp_garp_extra_if")))
		n = tdm_cnode_find(global, "vrrp_vmac_garp_intvl");
	return n ? (parse(n, all) > 0 ? parse(n, all) : 0) : 0;
}

static void tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct vrrp_garp_extra *gx = w->data;
	struct vrrp_child *vc = gx->vc;
	const struct vrrp_instance_conf *c = gx->ci->vi.conf;
	const char *ifn = c->use_vmac ? gx->ci->vmac.base : gx->all ? c->interface : NULL;
	struct vrrp_garp g = { .arp_fd = vc->sys.arp_fd, .na_fd = vc->sys.na_fd };
	struct vrrp_os_ifinfo info;

	(void)loop;
	(void)revents;
	if (!ifn || !*ifn || vc->sys.ops.ifinfo(vc->sys.ops.arg, ifn, &info) < 0 ||
	    !info.ifindex || !info.up)
		return;
	/* one announcement is enough to refresh the switches' entry for the MAC: an ARP for an
	 * IPv4 instance, an NA (link-local) for an IPv6 one */
	if (c->family == AF_INET && info.has_v4) {
		if (vrrp_garp_send_arp(&g, info.ifindex, info.mac, info.v4) == 0)
			gx->sent++;
		else if (!gx->errors++)
			tdm_log_warn("garp_extra_if: ARP on %s: %s", ifn, strerror(errno));
	}
	if (c->family == AF_INET6 && info.has_ll6) {
		if (vrrp_garp_send_na(&g, info.ifindex, info.mac, &info.ll6, &info.ll6) == 0)
			gx->sent++;
		else if (!gx->errors++)
			tdm_log_warn("garp_extra_if: NA on %s: %s", ifn, strerror(errno));
	}
	vc->sys.arp_fd = g.arp_fd;
	vc->sys.na_fd = g.na_fd;
}

struct vrrp_garp_extra *vrrp_garp_extra_start(struct vrrp_child *vc, struct vrrp_child_inst *ci)
{
	const struct tdm_global_conf *gl = vc->cfg ? vc->cfg->global : NULL;
	struct vrrp_garp_extra *gx;
	int all, secs = vrrp_garp_extra_conf(ci->vi.conf, gl ? gl->node : NULL, &all);

	/* only VMAC instances need it, unless `all` */
	if (secs <= 0 || (!ci->vi.conf->use_vmac && !all))
		return NULL;
	gx = calloc(1, sizeof(*gx));
	if (!gx)
		return NULL;
	gx->vc = vc;
	gx->ci = ci;
	gx->all = all;
	ev_timer_init(&gx->w, tick, (double)secs, (double)secs);
	gx->w.data = gx;
	ev_timer_start(vc->ctx->loop, &gx->w);
	return gx;
}

void vrrp_garp_extra_stop(struct vrrp_garp_extra *gx)
{
	if (!gx)
		return;
	ev_timer_stop(gx->vc->ctx->loop, &gx->w);
	free(gx);
}

void vrrp_garp_extra_counts(const struct vrrp_garp_extra *gx, uint64_t *sent, uint64_t *errors)
{
	*sent = gx ? gx->sent : 0;
	*errors = gx ? gx->errors : 0;
}
