/* snmp/snmp_tandem_mib.h - TANDEM-MIB (etc/mibs/TANDEM-MIB.txt): its OIDs, and the contents
 * of the subtree computed from the monitoring view (pure: no net-snmp calls). The enterprise
 * arc is a placeholder until tandem registers its own (docs/monitoring.md). */
#ifndef TDM_SNMP_TANDEM_MIB_H
#define TDM_SNMP_TANDEM_MIB_H

#include <stddef.h>
#include <stdint.h>
#include "snmp/snmp_oidtab.h"
#include "snmp/snmp_view.h"

/* tandemMIB ::= { enterprises 32473 17 } (32473: RFC 5612's documentation number) */
#define SNMP_TANDEM_MIB_OID 1, 3, 6, 1, 4, 1, 32473, 17
#define SNMP_TANDEM_MIB_LEN 8

extern const snmp_subid snmp_tandem_mib_oid[SNMP_TANDEM_MIB_LEN];

/* arcs under tandemMIB */
enum {
	SNMP_TANDEM_NOTIFICATIONS = 0,
	SNMP_TANDEM_OBJECTS = 1,
	SNMP_TANDEM_CONFORMANCE = 2,
};
/* under tandemObjects */
enum {
	SNMP_TANDEM_DAEMON = 1,         /* scalars */
	SNMP_TANDEM_CHILD_TABLE = 2,
	SNMP_TANDEM_VRRP_TABLE = 3,
	SNMP_TANDEM_RS_TABLE = 4,
	SNMP_TANDEM_VS_TABLE = 5,
};
/* tandemDaemon scalars */
enum {
	SNMP_TANDEM_VERSION = 1,
	SNMP_TANDEM_PID = 2,
	SNMP_TANDEM_START_TIME = 3,
	SNMP_TANDEM_UPTIME = 4,
	SNMP_TANDEM_CONFIG_GENERATION = 5,
	SNMP_TANDEM_LAST_RELOAD_TIME = 6,
	SNMP_TANDEM_LAST_RELOAD_RESULT = 7,
	SNMP_TANDEM_LAST_RELOAD_ERROR = 8,
	SNMP_TANDEM_EVENT_SEQUENCE = 9,
};
/* tandemChildEntry columns (index: tandemChildIndex, vrrp 1, check 2, sync 3, snmp 4) */
enum {
	SNMP_TANDEM_CHILD_NAME = 2,
	SNMP_TANDEM_CHILD_PID = 3,
	SNMP_TANDEM_CHILD_STATE = 4,
	SNMP_TANDEM_CHILD_RESTARTS = 5,
	SNMP_TANDEM_CHILD_GENERATION = 6,
	SNMP_TANDEM_CHILD_UPTIME = 7,
};
/* tandemVrrpInstanceEntry columns (index: tandemVrrpInstanceName, length-prefixed) */
enum {
	SNMP_TANDEM_VRRP_VRID = 2,
	SNMP_TANDEM_VRRP_STATE = 3,
	SNMP_TANDEM_VRRP_PRIORITY = 4,
	SNMP_TANDEM_VRRP_TRANSITIONS = 5,
	SNMP_TANDEM_VRRP_LAST_CHANGE = 6,
	SNMP_TANDEM_VRRP_REASON = 7,
	SNMP_TANDEM_VRRP_SYNC_GROUP = 8,
};
/* tandemRealServerEntry columns (index: tandemRealServerName, length-prefixed) */
enum {
	SNMP_TANDEM_RS_VS = 2,
	SNMP_TANDEM_RS_STATE = 3,
	SNMP_TANDEM_RS_WEIGHT = 4,
	SNMP_TANDEM_RS_REASON = 5,
	SNMP_TANDEM_RS_TRANSITIONS = 6,
	SNMP_TANDEM_RS_LAST_CHANGE = 7,
};
/* tandemVirtualServerEntry columns (index: tandemVirtualServerName, length-prefixed) */
enum {
	SNMP_TANDEM_VS_QUORUM = 2,
	SNMP_TANDEM_VS_LIVE_WEIGHT = 3,
	SNMP_TANDEM_VS_SORRY = 4,
	SNMP_TANDEM_VS_TRANSITIONS = 5,
	SNMP_TANDEM_VS_LAST_CHANGE = 6,
};
/* notifications (under tandemNotifications) */
enum {
	SNMP_TANDEM_TRAP_RELOAD_FAILED = 1,
	SNMP_TANDEM_TRAP_VRRP_STATE = 2,
	SNMP_TANDEM_TRAP_RS_STATE = 3,
	SNMP_TANDEM_TRAP_QUORUM = 4,
};

#define SNMP_UP 1                   /* tandemRealServerState, tandemVirtualServerQuorum */
#define SNMP_DOWN 2
#define SNMP_TRUE 1                 /* TruthValue */
#define SNMP_FALSE 2

#define SNMP_RELOAD_OK 1
#define SNMP_RELOAD_FAILED 2

/* tandemChildIndex for a part name (1..4 for the known parts, 0 otherwise) */
unsigned snmp_tandem_child_index(const char *name);
/* DateAndTime (RFC 2579, 11 octets, UTC) of a unix time into buf[11]; 0 if t <= 0 */
size_t snmp_date_and_time(double t, unsigned char buf[11]);
/* the subtree's contents: daemon scalars, children, VRRP instances. age_s: seconds since
 * the status was received (added to the uptimes). 0 / -1 (out of memory). */
int snmp_tandem_build(struct snmp_oidtab *t, const struct snmp_view *v, double age_s);
/* the OID of one column of a VRRP instance row, into out (SNMP_OID_MAX); its length, 0 if
 * the name does not fit */
size_t snmp_tandem_vrrp_oid(snmp_subid *out, int column, const char *name);
/* the same for a row of another table indexed by a name (SNMP_TANDEM_RS_TABLE, ...) */
size_t snmp_tandem_row_oid(snmp_subid *out, int table, int column, const char *name);

#endif
