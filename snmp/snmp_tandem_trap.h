/* snmp/snmp_tandem_trap.h - TANDEM-MIB notifications for the sync relay (see the .c). */
#ifndef TDM_SNMP_TANDEM_TRAP_H
#define TDM_SNMP_TANDEM_TRAP_H

#include <json-c/json.h>
#include "snmp/snmp_agent.h"
#include "snmp/snmp_view.h"

/* after ev (a "sync.*" event) was applied to v: send tandemSyncPeerStateChange when it
 * reports a peer's state; 1 if sent */
int snmp_tandem_trap_sync(struct snmp_agent *a, const struct snmp_view *v, json_object *ev);

#endif
