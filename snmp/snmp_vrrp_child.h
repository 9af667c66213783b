/* snmp/snmp_vrrp_child.h - the snmp child's VRRP-MIB / VRRPv3-MIB part: registers the two
 * subtrees, keeps the VRRP facts polled through the parent (snmp_vrrp_poll.h) and sends
 * vrrpTrapNewMaster / vrrpv3NewMaster on vrrp.state events, vrrpTrapAuthFailure /
 * vrrpv3ProtoError when a poll finds new refused adverts. snmp_child.c calls it. */
#ifndef TDM_SNMP_VRRP_CHILD_H
#define TDM_SNMP_VRRP_CHILD_H

#include <ev.h>
#include <json-c/json.h>
#include "snmp/snmp_agent.h"
#include "snmp/snmp_conf.h"
#include "snmp/snmp_view.h"

struct snmp_vrrp;

/* NULL when neither VRRP MIB is enabled (or no memory). Call before snmp_agent_connect. */
struct snmp_vrrp *snmp_vrrp_start(struct ev_loop *loop, struct snmp_agent *agent,
                                  const struct snmp_conf *conf, const struct snmp_view *view);
void snmp_vrrp_stop(struct snmp_vrrp *sv);
/* a status object arrived (it names the control socket) */
void snmp_vrrp_status(struct snmp_vrrp *sv, json_object *status);
/* an event, after the view took it; live = newer than the snapshot */
void snmp_vrrp_event(struct snmp_vrrp *sv, json_object *ev, int live);
/* reload: enable_traps */
void snmp_vrrp_set_traps(struct snmp_vrrp *sv, int on);

#endif
