/* vrrp/vrrp_route.h - virtual_routes and virtual_rules lines (as validated by the config,
 * kept as their item node) installed and removed through libnl-route-3 together with the VIPs.
 * The common subset of ip-route / ip-rule syntax is supported; a line using a word outside it
 * is refused as a whole (logged), never half applied. */
#ifndef VRRP_ROUTE_H
#define VRRP_ROUTE_H

#include "lib/conf.h"

struct nl_sock;

/* add (add=1) or remove one virtual_routes line; its family comes from its addresses, else
 * inet/inet6, else IPv4 (family, the instance's, is not used for that); dflt_ifindex for a route with neither dev nor via.
 * "Already there" on add / "not there" on remove count as success. 0 ok, -1 error (logged). */
int vrrp_route_apply(struct nl_sock *sk, int add, const struct tdm_cnode *line, int family,
                     int dflt_ifindex);
/* the same for one virtual_rules line */
int vrrp_rule_apply(struct nl_sock *sk, int add, const struct tdm_cnode *line, int family);

#endif
