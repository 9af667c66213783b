/* vrrp/vrrp_mibfeed.h - the "mib" op of the vrrp control command: per instance the facts
 * VRRP-MIB (RFC 2787) and VRRPv3-MIB (RFC 6527) show (interface index and MAC, primary and
 * master addresses, configured priority and modes, VIPs, up time, the RFC's statistics),
 * paged so a reply stays under the IPC size limit. The snmp child polls it through the
 * parent's control socket (snmp/snmp_vrrp_poll.c). Reply format: docs/monitoring.md. */
#ifndef VRRP_MIBFEED_H
#define VRRP_MIBFEED_H

#include <stdint.h>
#include <json-c/json.h>

#define VRRP_MIBFEED_PAGE 40    /* instances per reply */

struct vrrp_child;

/* {"cmd":"vrrp","op":"mib"[,"from":N]} -> {"ok":true,"total":T,"from":N,"next":M|null,
 * "instances":[...]} (instances N..M-1 in the child's order) */
json_object *vrrp_mibfeed_command(struct vrrp_child *vc, json_object *req, uint64_t now);

#endif
