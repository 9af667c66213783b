/* vrrp/vrrp_addr.h - virtual IP addresses through rtnetlink (libnl-route-3): add or remove
 * one address as configured (device, prefix, scope, label, broadcast, peer, flags). IPv6 VIPs
 * are added without duplicate address detection (they move between routers). */
#ifndef VRRP_ADDR_H
#define VRRP_ADDR_H

#include "vrrp/vrrp_conf.h"

struct nl_sock;

/* a connected NETLINK_ROUTE socket, NULL on error (logged) */
struct nl_sock *vrrp_addr_open(void);
void vrrp_addr_close(struct nl_sock *sk);

/* add (add=1) or remove v on its dev (or dflt_ifindex). "Already there" on add and "not
 * there" on remove count as success. 0 ok, -1 error (logged). */
int vrrp_addr_apply(struct nl_sock *sk, int add, const struct vrrp_vip *v, int dflt_ifindex);

/* rtnetlink scope number of a scope name ("host", "link", "global", "site", "nowhere" or a
 * number); -1 if unknown */
int vrrp_addr_scope(const char *name);

#endif
