/* vrrp/vrrp_garp_extra.h - garp_extra_if (instance) / vrrp_garp_extra_if (global_defs),
 * old spelling vmac_garp_intvl: every N seconds a gratuitous ARP of the interface's primary
 * IPv4 address (IPv6 instances: an unsolicited NA of its link-local address) from the
 * interface's own MAC, on
 * the base interface of a VMAC instance, whose real MAC never answers for the VIPs and so may
 * age out of the switches' tables; with `all` on the interface of every instance. */
#ifndef VRRP_GARP_EXTRA_H
#define VRRP_GARP_EXTRA_H

#include "vrrp/vrrp_child.h"

struct vrrp_garp_extra;

/* the instance's setting (its own, else the global one): seconds (0 = off), *all */
int vrrp_garp_extra_conf(const struct vrrp_instance_conf *c, const struct tdm_cnode *global,
                         int *all);
/* start (or not) for an instance; NULL when off */
struct vrrp_garp_extra *vrrp_garp_extra_start(struct vrrp_child *vc, struct vrrp_child_inst *ci);
void vrrp_garp_extra_stop(struct vrrp_garp_extra *gx);
/* announcements sent / failed */
void vrrp_garp_extra_counts(const struct vrrp_garp_extra *gx, uint64_t *sent, uint64_t *errors);

#endif
