/* vrrp/vrrp_vmac.c - the VRRP virtual MAC macvlan (see vrrp_vmac.h): libnl-route-3 for the
 * link, /proc/sys/net/ipv4/conf for its sysctls. */
#include "vrrp/vrrp_vmac.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/macvlan.h>
#include <linux/if_link.h>
#include "lib/log.h"

void vrrp_vmac_addr(int family, int vrid, uint8_t mac[6])
{
	mac[0] = 0x00;
	mac[1] = 0x00;
	mac[2] = 0x5e;
	mac[3] = 0x00;
	mac[4] = family == AF_INET6 ? 0x02 : 0x01;
	mac[5] = (uint8_t)vrid;
}

void vrrp_vmac_name(const struct vrrp_instance_conf *c, char name[16])
{
	if (c->vmac_name && *c->vmac_name)
		snprintf(name, 16, "%.15s", c->vmac_name);
	else
		snprintf(name, 16, "vrrp.%d", c->vrid);
}

int vrrp_vmac_sysctl_get(const char *ifname, const char *key)
{
	char path[128];
	FILE *f;
	int v = -1;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/%s", ifname, key);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

int vrrp_vmac_sysctl_set(const char *ifname, const char *key, int val)
{
	char path[128];
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/%s", ifname, key);
	f = fopen(path, "we");
	if (!f)
		return -1;
	rc = fprintf(f, "%d\n", val) > 0 ? 0 : -1;
	if (fclose(f) != 0)
		rc = -1;
	/* read back: the value in force is what counts */
	return rc == 0 && vrrp_vmac_sysctl_get(ifname, key) == val ? 0 : -1;
}

static int set_checked(struct vrrp_vmac *vm, const char *ifname, const char *key, int val)
{
	if (vrrp_vmac_sysctl_set(ifname, key, val) == 0)
		return 0;
	vm->errors++;
	tdm_log_err("vmac %s: cannot set net.ipv4.conf.%s.%s=%d: %s", vm->name, ifname, key, val,
	            strerror(errno));
	return -1;
}

static int sysctls(struct vrrp_vmac *vm)
{
	int rc = 0, all_rp = vrrp_vmac_sysctl_get("all", "rp_filter");

	rc |= set_checked(vm, vm->name, "arp_ignore", 1);
	rc |= set_checked(vm, vm->name, "arp_filter", 0);
	rc |= set_checked(vm, vm->name, "accept_local", 1);
	rc |= set_checked(vm, vm->name, "rp_filter", 0);
	if (vm->saved_base_arp_ignore < 0) {
		int old = vrrp_vmac_sysctl_get(vm->base, "arp_ignore");

		if (old >= 0 && old != 1) {
			if (set_checked(vm, vm->base, "arp_ignore", 1) == 0)
				vm->saved_base_arp_ignore = old;
			else
				rc = -1;
		}
	}
	if (vm->saved_base_arp_announce < 0) {
		int old = vrrp_vmac_sysctl_get(vm->base, "arp_announce");

		if (old >= 0 && old != 2) {
			if (set_checked(vm, vm->base, "arp_announce", 2) == 0)
				vm->saved_base_arp_announce = old;
			else
				rc = -1;
		}
	}
	if (all_rp > 0)
		tdm_log_warn("vmac %s: net.ipv4.conf.all.rp_filter=%d applies to it too (the "
		             "kernel takes the larger value); replies to the VIP may be dropped",
		             vm->name, all_rp);
	return rc ? -1 : 0;
}

/* an existing link of that name we can use: a macvlan on the same base with our MAC */
static int usable(struct rtnl_link *l, int base_ifindex, const uint8_t mac[6])
{
	struct nl_addr *a = rtnl_link_get_addr(l);
	const char *type = rtnl_link_get_type(l);

	return type && !strcmp(type, "macvlan") && rtnl_link_get_link(l) == base_ifindex &&
	       a && nl_addr_get_len(a) == 6 && !memcmp(nl_addr_get_binary_addr(a), mac, 6);
}

static int ipv6_no_ll(struct vrrp_vmac *vm);

int vrrp_vmac_up(struct vrrp_vmac *vm, struct nl_sock *nl, const struct vrrp_instance_conf *c,
                 int base_ifindex)
{
	struct rtnl_link *l = NULL, *old = NULL, *chg = NULL;
	struct nl_addr *addr = NULL;
	int err, rc = -1;

	if (!vm->name[0]) {
		vrrp_vmac_name(c, vm->name);
		snprintf(vm->base, sizeof(vm->base), "%.15s", c->interface ? c->interface : "");
		vrrp_vmac_addr(c->family, c->vrid, vm->mac);
		if (c->has_vmac_mac) {      /* use_vmac ... MAC; 5 octets: the VRID is the sixth */
			memcpy(vm->mac, c->vmac_mac, 6);
			if (c->has_vmac_mac == 5)
				vm->mac[5] = (uint8_t)c->vrid;
		}
		vm->saved_base_arp_ignore = vm->saved_base_arp_announce = -1;
		vm->xmit_base = c->vmac_xmit_base;
		vm->family = (uint8_t)c->family;
	}
	if (!nl || base_ifindex <= 0)
		return -1;
	vm->base_ifindex = base_ifindex;
	if (rtnl_link_get_kernel(nl, 0, vm->name, &old) == 0) {
		if (!usable(old, base_ifindex, vm->mac)) {
			tdm_log_warn("vmac %s: an interface of that name exists and is not this "
			             "instance's macvlan: replacing it", vm->name);
			rtnl_link_delete(nl, old);
		} else {
			vm->created = 1;        /* ours (a previous run's): removed at stop */
			goto up;
		}
	}
	l = rtnl_link_macvlan_alloc();
	addr = nl_addr_build(AF_LLC, vm->mac, 6);
	if (!l || !addr)
		goto cleanup;
	rtnl_link_set_name(l, vm->name);
	rtnl_link_set_link(l, base_ifindex);
	rtnl_link_set_addr(l, addr);
	rtnl_link_macvlan_set_mode(l, MACVLAN_MODE_PRIVATE);
	err = rtnl_link_add(nl, l, NLM_F_CREATE | NLM_F_EXCL);
	if (err < 0) {
		tdm_log_err("vmac %s on %s: cannot create the macvlan: %s", vm->name, vm->base,
		            nl_geterror(err));
		vm->errors++;
		goto cleanup;
	}
	vm->created = 1;
	tdm_log_info("vmac %s created on %s", vm->name, vm->base);
up:
	/* sysctls before the link is up: it must never answer ARP the wrong way */
	if (sysctls(vm) < 0)
		tdm_log_warn("vmac %s: sysctls not all in force", vm->name);
	vm->has_ll6 = 0;
	if (vm->family == AF_INET6 && ipv6_no_ll(vm) < 0)
		tdm_log_warn("vmac %s: cannot set net.ipv6.conf.%s.addr_gen_mode=1: it makes its "
		             "own link-local address", vm->name, vm->name);
	chg = rtnl_link_alloc();
	if (!chg)
		goto cleanup;
	rtnl_link_set_flags(chg, IFF_UP);
	if (old)
		rtnl_link_put(old);
	old = NULL;
	if ((err = rtnl_link_get_kernel(nl, 0, vm->name, &old)) < 0 ||
	    (err = rtnl_link_change(nl, old, chg, 0)) < 0) {
		tdm_log_err("vmac %s: cannot set it up: %s", vm->name, nl_geterror(err));
		vm->errors++;
		goto cleanup;
	}
	vm->ifindex = rtnl_link_get_ifindex(old);
	rc = 0;
cleanup:
	if (chg)
		rtnl_link_put(chg);
	if (old)
		rtnl_link_put(old);
	if (l)
		rtnl_link_put(l);
	if (addr)
		nl_addr_put(addr);
	return rc;
}

void vrrp_vmac_down(struct vrrp_vmac *vm, struct nl_sock *nl)
{
	struct rtnl_link *l = NULL;

	if (vm->created && nl && rtnl_link_get_kernel(nl, 0, vm->name, &l) == 0) {
		int err = rtnl_link_delete(nl, l);

		if (err < 0)
			tdm_log_err("vmac %s: cannot remove it: %s", vm->name, nl_geterror(err));
		else
			tdm_log_info("vmac %s removed", vm->name);
		rtnl_link_put(l);
	}
	if (vm->saved_base_arp_ignore >= 0 && vm->base[0])
		vrrp_vmac_sysctl_set(vm->base, "arp_ignore", vm->saved_base_arp_ignore);
	if (vm->saved_base_arp_announce >= 0 && vm->base[0])
		vrrp_vmac_sysctl_set(vm->base, "arp_announce", vm->saved_base_arp_announce);
	vm->saved_base_arp_ignore = vm->saved_base_arp_announce = -1;
	vm->created = 0;
	vm->ifindex = 0;
}

/* IPv6: no link-local address generated on the macvlan (set before it is up) */
static int ipv6_no_ll(struct vrrp_vmac *vm)
{
	char path[128];
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/addr_gen_mode", vm->name);
	f = fopen(path, "we");
	if (!f)
		return -1;
	rc = fprintf(f, "1\n") > 0 ? 0 : -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

/* IPv6: the base's link-local address on the macvlan too (nodad: it is the base's) */
static void ipv6_add_ll(struct vrrp_vmac *vm, struct nl_sock *nl, const struct in6_addr *ll6)
{
	struct rtnl_addr *a;
	struct nl_addr *la;
	int err;

	if (vm->has_ll6 && !memcmp(&vm->ll6, ll6, sizeof(*ll6)))
		return;
	a = rtnl_addr_alloc();
	la = nl_addr_build(AF_INET6, ll6, sizeof(*ll6));
	if (!a || !la) {
		if (a)
			rtnl_addr_put(a);
		if (la)
			nl_addr_put(la);
		return;
	}
	nl_addr_set_prefixlen(la, 64);
	rtnl_addr_set_ifindex(a, vm->ifindex);
	rtnl_addr_set_family(a, AF_INET6);
	rtnl_addr_set_local(a, la);
	rtnl_addr_set_scope(a, RT_SCOPE_LINK);
	rtnl_addr_set_flags(a, IFA_F_NODAD);
	err = rtnl_addr_add(nl, a, 0);
	if (err < 0 && err != -NLE_EXIST) {
		vm->errors++;
		tdm_log_err("vmac %s: cannot add the link-local address: %s", vm->name,
		            nl_geterror(err));
	} else {
		vm->ll6 = *ll6;
		vm->has_ll6 = 1;
	}
	rtnl_addr_put(a);
	nl_addr_put(la);
}

int vrrp_vmac_ifinfo(struct vrrp_vmac *vm, const struct vrrp_os *os, struct nl_sock *nl,
                     const struct vrrp_instance_conf *c, struct vrrp_os_ifinfo *info)
{
	struct vrrp_os_ifinfo v;
	int base_up = info->up;

	if (!info->ifindex) {
		vm->base_ifindex = 0;
		return -1;                  /* no base: FAULT, the macvlan went with it */
	}
	if (!vm->name[0] || !vm->ifindex || vm->base_ifindex != info->ifindex ||
	    os->ifinfo(os->arg, vm->name, &v) < 0 || !v.ifindex)
		vrrp_vmac_up(vm, nl, c, info->ifindex);
	if (os->ifinfo(os->arg, vm->name, &v) < 0 || !v.ifindex) {
		info->ifindex = 0;
		return -1;
	}
	vm->ifindex = v.ifindex;
	if (vm->family == AF_INET6 && info->has_ll6 && nl)
		ipv6_add_ll(vm, nl, &info->ll6);
	info->ifindex = v.ifindex;
	memcpy(info->mac, vm->mac, 6);
	info->up = base_up && v.up;
	return 0;
}

void vrrp_vmac_sock_if(const struct vrrp_vmac *vm, const char **ifname, int *ifindex)
{
	if (vm->xmit_base) {
		*ifname = vm->base;
		*ifindex = vm->base_ifindex;
	} else {
		*ifname = vm->name;
		*ifindex = vm->ifindex;
	}
}
