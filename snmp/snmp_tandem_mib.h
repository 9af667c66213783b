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
	SNMP_TANDEM_DROP_TABLE = 6,     /* index: instance name, drop reason number */
	SNMP_TANDEM_GROUP_TABLE = 7,
	SNMP_TANDEM_CHK_TABLE = 8,
	SNMP_TANDEM_RELAY = 9,          /* scalars */
	SNMP_TANDEM_PEER_TABLE = 10,
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
	SNMP_TANDEM_VRRP_PEERS = 9,
	SNMP_TANDEM_VRRP_ADVERTS_RX = 10,
	SNMP_TANDEM_VRRP_ADVERTS_TX = 11,
};
/* tandemVrrpDropEntry columns */
enum {
	SNMP_TANDEM_DROP_REASON = 2,
	SNMP_TANDEM_DROP_COUNT = 3,
};
/* tandemSyncGroupEntry columns (index: the group's name) */
enum {
	SNMP_TANDEM_GROUP_STATE = 2,
	SNMP_TANDEM_GROUP_TRIGGER = 3,
	SNMP_TANDEM_GROUP_REASON = 4,
	SNMP_TANDEM_GROUP_TRANSITIONS = 5,
	SNMP_TANDEM_GROUP_LAST_CHANGE = 6,
};
/* tandemCheckerEntry columns (index: the checker's name) */
enum {
	SNMP_TANDEM_CHK_TYPE = 2,
	SNMP_TANDEM_CHK_TARGET = 3,
	SNMP_TANDEM_CHK_RESULT = 4,     /* ok 1, failed 2 */
	SNMP_TANDEM_CHK_REASON = 5,
	SNMP_TANDEM_CHK_LATENCY = 6,    /* microseconds */
	SNMP_TANDEM_CHK_REFS = 7,
	SNMP_TANDEM_CHK_TRANSITIONS = 8,
	SNMP_TANDEM_CHK_LAST_CHANGE = 9,
};
/* tandemSyncRelay scalars */
enum {
	SNMP_TANDEM_RELAY_SENT = 1,
	SNMP_TANDEM_RELAY_RECEIVED = 2,
	SNMP_TANDEM_RELAY_RESENDS = 3,
	SNMP_TANDEM_RELAY_REJECTS = 4,
	SNMP_TANDEM_RELAY_RESYNCS = 5,
};
/* tandemSyncPeerEntry columns (index: the peer's name) */
enum {
	SNMP_TANDEM_PEER_STATE = 2,
	SNMP_TANDEM_PEER_REASON = 3,
	SNMP_TANDEM_PEER_TRANSITIONS = 4,
	SNMP_TANDEM_PEER_LAST_CHANGE = 5,
};
/* tandemRealServerEntry columns (index: tandemRealServerName, length-prefixed) */
enum {
	SNMP_TANDEM_RS_VS = 2,
	SNMP_TANDEM_RS_STATE = 3,
	SNMP_TANDEM_RS_WEIGHT = 4,
	SNMP_TANDEM_RS_REASON = 5,
	SNMP_TANDEM_RS_TRANSITIONS = 6,
	SNMP_TANDEM_RS_LAST_CHANGE = 7,
	SNMP_TANDEM_RS_CFG_WEIGHT = 8,
	SNMP_TANDEM_RS_KERNEL_WEIGHT = 9,
	SNMP_TANDEM_RS_ACTIVE = 10,
	SNMP_TANDEM_RS_INACTIVE = 11,
	SNMP_TANDEM_RS_CONNS = 12,
	SNMP_TANDEM_RS_INPKTS = 13,
	SNMP_TANDEM_RS_OUTPKTS = 14,
	SNMP_TANDEM_RS_INBYTES = 15,
	SNMP_TANDEM_RS_OUTBYTES = 16,
	SNMP_TANDEM_RS_SNMP_NAME = 17,
};
/* tandemVirtualServerEntry columns (index: tandemVirtualServerName, length-prefixed) */
enum {
	SNMP_TANDEM_VS_QUORUM = 2,
	SNMP_TANDEM_VS_LIVE_WEIGHT = 3,
	SNMP_TANDEM_VS_SORRY = 4,
	SNMP_TANDEM_VS_TRANSITIONS = 5,
	SNMP_TANDEM_VS_LAST_CHANGE = 6,
	SNMP_TANDEM_VS_CONNS = 7,
	SNMP_TANDEM_VS_INPKTS = 8,
	SNMP_TANDEM_VS_OUTPKTS = 9,
	SNMP_TANDEM_VS_INBYTES = 10,
	SNMP_TANDEM_VS_OUTBYTES = 11,
	SNMP_TANDEM_VS_RS = 12,
	SNMP_TANDEM_VS_RS_UP = 13,
	SNMP_TANDEM_VS_SNMP_NAME = 14,
};
/* notifications (under tandemNotifications) */
enum {
	SNMP_TANDEM_TRAP_RELOAD_FAILED = 1,
	SNMP_TANDEM_TRAP_VRRP_STATE = 2,
	SNMP_TANDEM_TRAP_RS_STATE = 3,
	SNMP_TANDEM_TRAP_QUORUM = 4,
	SNMP_TANDEM_TRAP_SYNC_PEER = 5,
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
/* where the column number sits in a table's OIDs: tandemMIB(8) . objects . table . entry */
#define SNMP_TANDEM_COL_DEPTH (SNMP_TANDEM_MIB_LEN + 3)
/* the rows (esz bytes each, the name first, sorted by strcmp as the view keeps them) in
 * index order: shorter names first, then by octets, as length-prefixed string indexes
 * sort. A malloc'd array of n indexes, or NULL. */
size_t *snmp_tandem_row_order(const void *rows, size_t n, size_t esz);
/* snmp_tandem_mib_ext.c: drops, sync groups, checkers, the sync relay; 0 / -1 */
int snmp_tandem_build_ext(struct snmp_oidtab *t, const struct snmp_view *v);
/* idx = length + octets of name; its length in subids (0 if name cannot be an index) */
size_t snmp_tandem_name_index(snmp_subid *idx, const char *name, size_t max);
/* a row being added to a table indexed by name (snmp_tandem_build_rows): its cells go
 * under base (the column set in its last subid) with the row's index idx; rc -1 once an
 * add failed */
struct snmp_tandem_row {
	struct snmp_oidtab *t;
	snmp_subid base[SNMP_TANDEM_MIB_LEN + 4];
	size_t bl, il;
	snmp_subid idx[SNMP_OID_MAX + 1];
	int rc;
};
/* one cell of the row in column col: INTEGER, an unsigned type (SNMP_T_COUNTER32, ...),
 * OCTETS (s, at most max octets of it) */
void snmp_tandem_cell_int(struct snmp_tandem_row *r, int col, int64_t v);
void snmp_tandem_cell_uns(struct snmp_tandem_row *r, int col, uint8_t type, uint64_t v);
void snmp_tandem_cell_str(struct snmp_tandem_row *r, int col, const char *s, size_t max);
/* the ...Transitions (Counter32) and ...LastChange (DateAndTime) columns col and col + 1 */
void snmp_tandem_cell_change(struct snmp_tandem_row *r, int col, uint64_t transitions,
                             double last_change);
/* the traffic columns from col: connections, packets in and out, bytes in and out
 * (Counter64) */
void snmp_tandem_cell_traffic(struct snmp_tandem_row *r, int col, uint64_t conns,
                              uint64_t inpkts, uint64_t outpkts, uint64_t inbytes,
                              uint64_t outbytes);
/* one row's cells; i is the row's place in the view's table */
typedef void snmp_tandem_cells_fn(struct snmp_tandem_row *r, const void *row, size_t i,
                                  const void *ctx);
/* a table indexed by name (SNMP_TANDEM_VRRP_TABLE, ...) from the view's rows (as for
 * snmp_tandem_row_order): the cells of each row whose name makes an index (at most
 * max_name octets), in index order, then grouped by column. 0 / -1 */
int snmp_tandem_build_rows(struct snmp_oidtab *t, int table, const void *rows, size_t n,
                           size_t esz, size_t max_name, snmp_tandem_cells_fn *cells,
                           const void *ctx);
/* a table indexed by name (SNMP_TANDEM_VRRP_TABLE, ...) from the view's rows (as for
 * snmp_tandem_row_order): the cells of each row whose name makes an index (at most
 * max_name octets), in index order, then grouped by column. 0 / -1 */
int snmp_tandem_build_rows(struct snmp_oidtab *t, int table, const void *rows, size_t n,
                           size_t esz, size_t max_name, snmp_tandem_cells_fn *cells,
                           const void *ctx);
/* advance the uptimes of a built table to age_s seconds after the status (cheap: the
 * table is rebuilt only when the view changed) */
void snmp_tandem_refresh_times(struct snmp_oidtab *t, const struct snmp_view *v, double age_s);
/* the OID of one column of a VRRP instance row, into out (SNMP_OID_MAX); its length, 0 if
 * the name does not fit */
size_t snmp_tandem_vrrp_oid(snmp_subid *out, int column, const char *name);
/* the same for a row of another table indexed by a name (SNMP_TANDEM_RS_TABLE, ...) */
size_t snmp_tandem_row_oid(snmp_subid *out, int table, int column, const char *name);

#endif
