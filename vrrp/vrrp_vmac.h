/* vrrp/vrrp_vmac.h - VRRP virtual MAC (use_vmac, vmac_xmit_base): a macvlan in private mode on
 * the instance's interface, named by use_vmac (default vrrp.VRID), with the RFC's virtual
 * router MAC 00:00:5e:00:01:VRID (IPv6: 00:00:5e:00:02:VRID). The instance's VIPs go on it,
 * its GARP/NA carry that MAC, and its adverts are sent and received on it (or on the base
 * interface with vmac_xmit_base). Sysctls set and read back:
 *   the macvlan:  arp_ignore=1 (answer only for its own addresses: the VIPs), arp_filter=0,
 *                 accept_local=1, rp_filter=0 (replies leave by the base's subnet route);
 *   the base:     arp_ignore=1 (so it does not answer for the VIPs with its real MAC) and
 *                 arp_announce=2 (its ARP requests, e.g. for a client the VIP answers, carry
 *                 its own address, not the VIP: a client would take the real MAC for the
 *                 VIP); previous values restored when the macvlan is removed.
 * A net.ipv4.conf.all.rp_filter other than 0 is logged (the kernel uses the larger value).
 * IPv6: the macvlan makes no link-local address of its own (addr_gen_mode none: both routers'
 * macvlans have the same MAC, so the same EUI-64 address); it gets the base's link-local
 * address instead, the source of the instance's adverts and NAs, which must be on the device
 * they leave from.
 * Created when the instance starts (or when its interface appears), removed on stop. */
#ifndef VRRP_VMAC_H
#define VRRP_VMAC_H

#include <netinet/in.h>
#include <stdint.h>
#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_os.h"

struct nl_sock;

struct vrrp_vmac {
	char name[16];              /* the macvlan's name */
	char base[16];              /* the instance's interface */
	uint8_t mac[6];
	int ifindex;                /* the macvlan's index, 0 = not there */
	int base_ifindex;
	int created;                /* made by us: removed by vrrp_vmac_down */
	int saved_base_arp_ignore;  /* -1: not changed */
	int saved_base_arp_announce;
	uint8_t xmit_base;          /* adverts on the base interface */
	uint8_t family;             /* AF_INET6: the macvlan gets the base's link-local address */
	uint8_t has_ll6;            /* ll6 was put on the macvlan */
	struct in6_addr ll6;
	uint64_t errors;            /* creation or sysctl failures */
};

/* the virtual router MAC of a VRID */
void vrrp_vmac_addr(int family, int vrid, uint8_t mac[6]);
/* the macvlan's name: use_vmac NAME, else "vrrp.VRID" */
void vrrp_vmac_name(const struct vrrp_instance_conf *c, char name[16]);

/* Make sure the macvlan exists (create it, or take over one of ours left by a crash: same
 * base, macvlan, right MAC), is up and has its sysctls. 0 ok, -1 failed (logged). */
int vrrp_vmac_up(struct vrrp_vmac *vm, struct nl_sock *nl, const struct vrrp_instance_conf *c,
                 int base_ifindex);
/* remove the macvlan (when we made it) and restore the base's arp_ignore / arp_announce */
void vrrp_vmac_down(struct vrrp_vmac *vm, struct nl_sock *nl);

/* The interface facts an instance with a VMAC runs on: the base's facts in *info (from
 * os->ifinfo(c->interface)) become the macvlan's index and virtual MAC (creating the macvlan
 * when the base is there and it is not), addresses still the base's (the advert source);
 * up only when both are. 0 ok, -1 (info->ifindex 0: FAULT). */
int vrrp_vmac_ifinfo(struct vrrp_vmac *vm, const struct vrrp_os *os, struct nl_sock *nl,
                     const struct vrrp_instance_conf *c, struct vrrp_os_ifinfo *info);

/* the device the instance's socket binds to: the macvlan, or the base with vmac_xmit_base */
void vrrp_vmac_sock_if(const struct vrrp_vmac *vm, const char **ifname, int *ifindex);

/* read a net.ipv4.conf.IF.KEY sysctl (-1 on error) / write it (0 ok, -1) */
int vrrp_vmac_sysctl_get(const char *ifname, const char *key);
int vrrp_vmac_sysctl_set(const char *ifname, const char *key, int val);

#endif
