/* vrrp/vrrp_addr.c - VIPs through libnl-route-3 (RTM_NEWADDR / RTM_DELADDR). */
#include "vrrp/vrrp_addr.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include "lib/log.h"

struct nl_sock *vrrp_addr_open(void)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk) {
		tdm_log_err("netlink: out of memory");
		return NULL;
	}
	if (nl_connect(sk, NETLINK_ROUTE) < 0) {
		tdm_log_err("netlink: cannot connect a NETLINK_ROUTE socket");
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

void vrrp_addr_close(struct nl_sock *sk)
{
	if (sk)
		nl_socket_free(sk);
}

int vrrp_addr_scope(const char *name)
{
	static const struct { const char *n; int v; } t[] = {
		{ "global", RT_SCOPE_UNIVERSE }, { "site", RT_SCOPE_SITE },
		{ "link", RT_SCOPE_LINK }, { "host", RT_SCOPE_HOST },
		{ "nowhere", RT_SCOPE_NOWHERE },
	};
	char *end;
	long v;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(name, t[i].n))
			return t[i].v;
	v = strtol(name, &end, 0);
	return *name && !*end && v >= 0 && v <= 255 ? (int)v : -1;
}

static struct nl_addr *mk(const struct tdm_addr *a, int plen)
{
	struct nl_addr *na = nl_addr_build(a->family, &a->u, a->family == AF_INET6 ? 16 : 4);

	if (na)
		nl_addr_set_prefixlen(na, plen);
	return na;
}

int vrrp_addr_apply(struct nl_sock *sk, int add, const struct vrrp_vip *v, int dflt_ifindex)
{
	struct rtnl_addr *ra = rtnl_addr_alloc();
	struct nl_addr *local = NULL, *brd = NULL, *peer = NULL;
	int ifindex = dflt_ifindex, rc = -1, err;
	char txt[INET6_ADDRSTRLEN];

	inet_ntop(v->addr.family, &v->addr.u, txt, sizeof(txt));
	if (!ra)
		goto out;
	if (v->dev) {
		ifindex = (int)if_nametoindex(v->dev);
		if (!ifindex) {
			tdm_log_warn("VIP %s: no interface %s", txt, v->dev);
			goto out;
		}
	}
	if (ifindex <= 0) {
		tdm_log_warn("VIP %s: no interface", txt);
		goto out;
	}
	local = mk(&v->addr, v->addr.plen);
	if (!local)
		goto out;
	rtnl_addr_set_ifindex(ra, ifindex);
	rtnl_addr_set_family(ra, v->addr.family);
	if (rtnl_addr_set_local(ra, local) < 0)
		goto out;
	rtnl_addr_set_prefixlen(ra, v->addr.plen);
	if (add) {
		if (v->scope && vrrp_addr_scope(v->scope) >= 0)
			rtnl_addr_set_scope(ra, vrrp_addr_scope(v->scope));
		if (v->label)
			rtnl_addr_set_label(ra, v->label);
		if (v->has_brd && (brd = mk(&v->brd, 32)))
			rtnl_addr_set_broadcast(ra, brd);
		if (v->has_peer && (peer = mk(&v->peer, v->peer.plen)))
			rtnl_addr_set_peer(ra, peer);
		if (v->addr.family == AF_INET6)
			rtnl_addr_set_flags(ra, IFA_F_NODAD);
		if (v->noprefixroute)
			rtnl_addr_set_flags(ra, IFA_F_NOPREFIXROUTE);
		if (v->home)
			rtnl_addr_set_flags(ra, IFA_F_HOMEADDRESS);
		err = rtnl_addr_add(sk, ra, 0);
		if (err == -NLE_EXIST)
			err = 0;
	} else {
		err = rtnl_addr_delete(sk, ra, 0);
		if (err == -NLE_NOADDR || err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV)
			err = 0;
	}
	if (err < 0) {
		tdm_log_warn("VIP %s/%u %s: %s", txt, v->addr.plen, add ? "add" : "remove",
		             nl_geterror(err));
		goto out;
	}
	rc = 0;
out:
	nl_addr_put(local);
	nl_addr_put(brd);
	nl_addr_put(peer);
	if (ra)
		rtnl_addr_put(ra);
	return rc;
}
