/* vrrp/vrrp_os.c - the OS function tables of the VRRP runtime: the real one (raw sockets,
 * rtnetlink VIPs, GARP/NA, timerfds, getifaddrs) and a recording fake for unit tests. */
#include "vrrp/vrrp_os.h"

#include <errno.h>
#include <ifaddrs.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/timerfd.h>
#include "vrrp/vrrp_addr.h"
#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_garp.h"
#include "vrrp/vrrp_inst.h"
#include "vrrp/vrrp_route.h"
#include "vrrp/vrrp_sock.h"

/* ---- real ---- */

static int sys_send(void *arg, struct vrrp_inst *vi, const uint8_t *buf, size_t len,
                    const union vrrp_pkt_ip *src, const union vrrp_pkt_ip *dst)
{
	if (vi->fd < 0) {
		errno = EBADF;
		return -1;
	}
	return vrrp_sock_send(vi->fd, vi->family, vi->tx_ifindex ? vi->tx_ifindex : vi->ifindex,
	                      buf, len, src, dst);
}

static int sys_vip(void *arg, struct vrrp_inst *vi, int add, const struct vrrp_vip *v,
                   int ifindex)
{
	struct vrrp_os_sys *s = arg;

	return vrrp_addr_apply(s->nl, add, v, ifindex);
}

static int sys_ifinfo(void *arg, const char *ifname, struct vrrp_os_ifinfo *info);

static int sys_route(void *arg, struct vrrp_inst *vi, int add, const struct tdm_cnode *line,
                     int is_rule)
{
	struct vrrp_os_sys *s = arg;

	return is_rule ? vrrp_rule_apply(s->nl, add, line, vi->family)
	               : vrrp_route_apply(s->nl, add, line, vi->family, vi->ifindex);
}

static int sys_garp(void *arg, struct vrrp_inst *vi, const struct vrrp_vip *v, int ifindex)
{
	struct vrrp_os_sys *s = arg;
	struct vrrp_garp g = { .arp_fd = s->arp_fd, .na_fd = s->na_fd };
	struct vrrp_os_ifinfo info;
	const uint8_t *mac = vi->mac;
	const struct in6_addr *src6 = vi->family == AF_INET6 && vi->has_src ? &vi->src.v6 : NULL;
	int rc;

	if (v->dev && vi->conf->interface && strcmp(v->dev, vi->conf->interface)) {
		if (sys_ifinfo(arg, v->dev, &info) < 0 || !info.ifindex)
			return -1;
		ifindex = info.ifindex;
		mac = info.mac;
		src6 = info.has_ll6 ? &info.ll6 : NULL;
	}
	if (ifindex <= 0)
		return -1;
	if (v->addr.family == AF_INET)
		rc = vrrp_garp_send_arp(&g, ifindex, mac, v->addr.u.v4);
	else
		rc = vrrp_garp_send_na(&g, ifindex, mac, &v->addr.u.v6, src6);
	s->arp_fd = g.arp_fd;
	s->na_fd = g.na_fd;
	return rc;
}

static void sys_arm(void *arg, struct vrrp_inst *vi, uint64_t at)
{
	struct itimerspec its;

	if (vi->tfd < 0)
		return;
	memset(&its, 0, sizeof(its));
	if (at != UINT64_MAX) {
		if (at == 0)
			at = 1;     /* 0 would disarm */
		its.it_value.tv_sec = (time_t)(at / 1000000000ULL);
		its.it_value.tv_nsec = (long)(at % 1000000000ULL);
	}
	timerfd_settime(vi->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void sys_arm_garp(void *arg, struct vrrp_inst *vi, uint64_t after)
{
	struct itimerspec its;

	if (vi->garp_tfd < 0)
		return;
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = (time_t)(after / 1000000000ULL);
	its.it_value.tv_nsec = (long)(after % 1000000000ULL);
	timerfd_settime(vi->garp_tfd, 0, &its, NULL);
}

static int sys_ifinfo(void *arg, const char *ifname, struct vrrp_os_ifinfo *info)
{
	struct ifaddrs *ifa, *i;

	memset(info, 0, sizeof(*info));
	if (!ifname)
		return 0;
	if (getifaddrs(&ifa) < 0)
		return -1;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_name || strcmp(i->ifa_name, ifname) || !i->ifa_addr)
			continue;
		if (i->ifa_addr->sa_family == AF_PACKET) {
			const struct sockaddr_ll *ll = (const struct sockaddr_ll *)i->ifa_addr;

			info->ifindex = ll->sll_ifindex;
			if (ll->sll_halen == 6)
				memcpy(info->mac, ll->sll_addr, 6);
			info->up = (i->ifa_flags & IFF_UP) && (i->ifa_flags & IFF_RUNNING);
		} else if (i->ifa_addr->sa_family == AF_INET && !info->has_v4) {
			info->v4 = ((const struct sockaddr_in *)i->ifa_addr)->sin_addr;
			info->has_v4 = 1;
		} else if (i->ifa_addr->sa_family == AF_INET6 && !info->has_ll6) {
			const struct in6_addr *a = &((const struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;

			if (IN6_IS_ADDR_LINKLOCAL(a)) {
				info->ll6 = *a;
				info->has_ll6 = 1;
			}
		}
	}
	freeifaddrs(ifa);
	if (!info->ifindex)
		info->ifindex = (int)if_nametoindex(ifname);
	return 0;
}

int vrrp_os_sys_open(struct vrrp_os_sys *s)
{
	memset(s, 0, sizeof(*s));
	s->arp_fd = s->na_fd = -1;
	s->ops = (struct vrrp_os){ .arg = s, .send = sys_send, .vip = sys_vip, .route = sys_route,
	                           .garp = sys_garp,
	                           .arm = sys_arm, .arm_garp = sys_arm_garp,
	                           .ifinfo = sys_ifinfo };
	s->nl = vrrp_addr_open();
	return s->nl ? 0 : -1;
}

void vrrp_os_sys_close(struct vrrp_os_sys *s)
{
	struct vrrp_garp g = { .arp_fd = s->arp_fd, .na_fd = s->na_fd };

	vrrp_garp_close(&g);
	vrrp_addr_close(s->nl);
	s->nl = NULL;
	s->arp_fd = s->na_fd = -1;
}

/* ---- recording fake ---- */

static struct vrrp_os_rec *rec(struct vrrp_os_fake *f, enum vrrp_os_call call)
{
	struct vrrp_os_rec *r = &f->rec[f->n++ % VRRP_OS_FAKE_MAX];

	memset(r, 0, sizeof(*r));
	r->call = call;
	return r;
}

static int fake_send(void *arg, struct vrrp_inst *vi, const uint8_t *buf, size_t len,
                     const union vrrp_pkt_ip *src, const union vrrp_pkt_ip *dst)
{
	struct vrrp_os_fake *f = arg;
	struct vrrp_os_rec *r = rec(f, VRRP_OS_SEND);

	r->addr = *dst;
	r->len = len < sizeof(r->pkt) ? len : sizeof(r->pkt);
	memcpy(r->pkt, buf, r->len);
	return f->fail_send ? -1 : 0;
}

static int fake_vip(void *arg, struct vrrp_inst *vi, int add, const struct vrrp_vip *v,
                    int ifindex)
{
	struct vrrp_os_fake *f = arg;
	struct vrrp_os_rec *r = rec(f, add ? VRRP_OS_VIP_ADD : VRRP_OS_VIP_DEL);

	memcpy(r->addr.b, &v->addr.u, v->addr.family == AF_INET6 ? 16 : 4);
	if (f->fail_vip)
		return -1;
	f->vips_present += add ? 1 : (f->vips_present > 0 ? -1 : 0);
	return 0;
}

static int fake_route(void *arg, struct vrrp_inst *vi, int add, const struct tdm_cnode *line,
                      int is_rule)
{
	struct vrrp_os_fake *f = arg;
	struct vrrp_os_rec *r = rec(f, add ? VRRP_OS_ROUTE_ADD : VRRP_OS_ROUTE_DEL);

	r->line = line;
	r->at = (uint64_t)is_rule;
	return f->fail_vip ? -1 : 0;
}

static int fake_garp(void *arg, struct vrrp_inst *vi, const struct vrrp_vip *v, int ifindex)
{
	struct vrrp_os_rec *r = rec(arg, VRRP_OS_GARP);

	memcpy(r->addr.b, &v->addr.u, v->addr.family == AF_INET6 ? 16 : 4);
	return 0;
}

static void fake_arm(void *arg, struct vrrp_inst *vi, uint64_t at)
{
	struct vrrp_os_fake *f = arg;

	rec(f, VRRP_OS_ARM)->at = at;
	f->armed_at = at;
}

static void fake_arm_garp(void *arg, struct vrrp_inst *vi, uint64_t after)
{
	struct vrrp_os_fake *f = arg;

	rec(f, VRRP_OS_ARM_GARP)->at = after;
	f->garp_after = after;
}

static int fake_ifinfo(void *arg, const char *ifname, struct vrrp_os_ifinfo *info)
{
	struct vrrp_os_fake *f = arg;

	*info = f->ifinfo;
	return 0;
}

void vrrp_os_fake_init(struct vrrp_os_fake *f)
{
	memset(f, 0, sizeof(*f));
	f->ops = (struct vrrp_os){ .arg = f, .send = fake_send, .vip = fake_vip, .route = fake_route,
	                           .garp = fake_garp, .arm = fake_arm, .arm_garp = fake_arm_garp,
	                           .ifinfo = fake_ifinfo };
	f->armed_at = UINT64_MAX;
	f->ifinfo.ifindex = 2;
	f->ifinfo.up = 1;
	memcpy(f->ifinfo.mac, "\x02\x00\x00\x00\x00\x01", 6);
	f->ifinfo.has_v4 = 1;
	f->ifinfo.v4.s_addr = htonl(0x0a000001);   /* 10.0.0.1 */
	f->ifinfo.has_ll6 = 1;
	f->ifinfo.ll6.s6_addr[0] = 0xfe;
	f->ifinfo.ll6.s6_addr[1] = 0x80;
	f->ifinfo.ll6.s6_addr[15] = 1;
}

size_t vrrp_os_fake_count(const struct vrrp_os_fake *f, enum vrrp_os_call call, size_t from)
{
	size_t n = 0, lo = f->n > VRRP_OS_FAKE_MAX ? f->n - VRRP_OS_FAKE_MAX : 0;

	if (from < lo)
		from = lo;
	for (size_t i = from; i < f->n; i++)
		if (f->rec[i % VRRP_OS_FAKE_MAX].call == call)
			n++;
	return n;
}

const struct vrrp_os_rec *vrrp_os_fake_last(const struct vrrp_os_fake *f, enum vrrp_os_call call)
{
	size_t lo = f->n > VRRP_OS_FAKE_MAX ? f->n - VRRP_OS_FAKE_MAX : 0;

	for (size_t i = f->n; i > lo; i--)
		if (f->rec[(i - 1) % VRRP_OS_FAKE_MAX].call == call)
			return &f->rec[(i - 1) % VRRP_OS_FAKE_MAX];
	return NULL;
}
