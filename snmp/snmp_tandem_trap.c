/* snmp/snmp_tandem_trap.c - TANDEM-MIB notifications built from the monitoring view after
 * the event that caused them was applied: tandemSyncPeerStateChange. (The daemon, VRRP,
 * real server and quorum notifications are in snmp_child.c.) */
#include "snmp/snmp_tandem_trap.h"

#include <string.h>
#include "snmp/snmp_tandem_mib.h"
#include "lib/json_get.h"

int snmp_tandem_trap_sync(struct snmp_agent *a, const struct snmp_view *v, json_object *ev)
{
	const snmp_subid trap[] = { SNMP_TANDEM_MIB_OID, SNMP_TANDEM_NOTIFICATIONS,
	                            SNMP_TANDEM_TRAP_SYNC_PEER };
	const char *type = tdm_json_str(ev, "type"), *name = tdm_json_str(ev, "peer");
	const struct snmp_view_peer *p;
	snmp_subid o[SNMP_OID_MAX];
	struct snmp_trap *t;
	size_t n;

	if (!type || strncmp(type, "sync.peer", 9))
		return 0;
	if (!name)
		name = tdm_json_str(ev, "address");
	if (!name || !(p = snmp_view_peer_find(v, name)))
		return 0;
	t = snmp_trap_new(trap, sizeof(trap) / sizeof(trap[0]));
	if ((n = snmp_tandem_row_oid(o, SNMP_TANDEM_PEER_TABLE, SNMP_TANDEM_PEER_STATE, name)))
		snmp_trap_add_int(t, o, n, p->up ? SNMP_UP : SNMP_DOWN);
	if ((n = snmp_tandem_row_oid(o, SNMP_TANDEM_PEER_TABLE, SNMP_TANDEM_PEER_REASON, name)))
		snmp_trap_add_str(t, o, n, p->reason, strlen(p->reason));
	snmp_trap_send(a, t);
	return 1;
}
