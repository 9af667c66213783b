/* snmp/snmp_vrrp_mib.h - VRRP-MIB (RFC 2787, mib-2 68) and VRRPv3-MIB (RFC 6527, mib-2 207)
 * computed from the VRRP facts the snmp child polls (the vrrp command's "mib" op, see
 * vrrp/vrrp_mibfeed.h) and the monitoring view (state, last transition's reason). Pure: JSON
 * in, sorted OID tables out; the notifications' OIDs and values. docs/monitoring.md. */
#ifndef TDM_SNMP_VRRP_MIB_H
#define TDM_SNMP_VRRP_MIB_H

#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include "snmp/snmp_oidtab.h"
#include "snmp/snmp_view.h"

#define SNMP_T_IPADDRESS 0x40       /* IpAddress: 4 octets, kept in the entry's string */

#define SNMP_VRRP_MIB_OID 1, 3, 6, 1, 2, 1, 68
#define SNMP_VRRPV3_MIB_OID 1, 3, 6, 1, 2, 1, 207
#define SNMP_VRRP_MIB_LEN 7

extern const snmp_subid snmp_vrrp_mib_oid[SNMP_VRRP_MIB_LEN];
extern const snmp_subid snmp_vrrpv3_mib_oid[SNMP_VRRP_MIB_LEN];

/* vrrpv3StatisticsProtoErrReason */
enum { SNMP_V3ERR_NONE = 0, SNMP_V3ERR_TTL, SNMP_V3ERR_VERSION, SNMP_V3ERR_CHECKSUM,
       SNMP_V3ERR_VRID };
/* vrrpTrapAuthErrorType */
enum { SNMP_V2AUTH_INVALID_TYPE = 1, SNMP_V2AUTH_TYPE_MISMATCH = 2, SNMP_V2AUTH_FAILURE = 3 };

struct snmp_vrrp_counters {
	uint64_t rx, become_master, adv_int_err, auth_fail, ttl_err, prio0_rx, prio0_tx,
	         inv_type, addr_list_err, inv_auth_type, auth_mismatch, len_err, csum_err,
	         ver_err;
};

/* one instance as the "mib" op reports it */
struct snmp_vrrp_row {
	char name[SNMP_VIEW_NAME];
	int vrid, version, family;  /* family 4 / 6 */
	int ifindex;
	uint8_t mac[6];
	int state;                  /* enum snmp_vrrp_state */
	int prio;                   /* configured */
	uint8_t (*vips)[16];
	size_t nvips;
	uint8_t primary[16], master[16], last_heard[16];
	uint8_t has_primary, has_master, has_last_heard;
	int adv_cs, preempt, accept, auth;
	double up_s;
	struct snmp_vrrp_counters c;
	char master_reason[32];     /* reason of the last transition to MASTER, "" never */
	char last_err[32];          /* drop reason name, "" none */
	uint8_t last_err_src[16];
};

struct snmp_vrrp_set {
	struct snmp_vrrp_row *rows;
	size_t n, cap;
};

void snmp_vrrp_set_init(struct snmp_vrrp_set *s);
void snmp_vrrp_set_clear(struct snmp_vrrp_set *s);
void snmp_vrrp_set_free(struct snmp_vrrp_set *s);
/* append the instances of one reply page; 0 / -1 (malformed, out of memory) */
int snmp_vrrp_set_add_page(struct snmp_vrrp_set *s, json_object *reply);
const struct snmp_vrrp_row *snmp_vrrp_set_find(const struct snmp_vrrp_set *s, const char *name);

/* rows shown: VRRP-MIB takes VRRPv2 IPv4 instances with a VIP, VRRPv3-MIB every instance
 * with a VIP (v2 ones included) */
int snmp_vrrp_in_v2(const struct snmp_vrrp_row *r);
int snmp_vrrp_in_v3(const struct snmp_vrrp_row *r);
/* the operational state (1 initialize, 2 backup, 3 master): the view's when it knows the
 * instance (events are fresher than the last poll), else the poll's */
int snmp_vrrp_oper_state(const struct snmp_vrrp_row *r, const struct snmp_view *v);
/* vrrpv3StatisticsNewMasterReason of the last transition to master (RFC 6527: kept while
 * backup): 0 never master, 1 priority, 2 preempted, 3 no response. The view's reason while
 * it says MASTER (fresher), else the poll's. */
int snmp_vrrp_master_reason(const struct snmp_vrrp_row *r, const struct snmp_view *v);
/* vrrpv3StatisticsProtoErrReason of the last refused advert */
int snmp_vrrp_proto_err(const struct snmp_vrrp_row *r);
/* vrrpTrapAuthErrorType of the last refused advert, 0 if it was no authentication error */
int snmp_vrrp_auth_err(const struct snmp_vrrp_row *r);

/* the subtrees. traps: enable_traps (vrrpNotificationCntl); up_base_s: seconds from the
 * daemon's start to the poll (VRRP-MIB's up time is a TimeStamp since that start). 0 / -1 */
int snmp_vrrp_build_v2(struct snmp_oidtab *t, const struct snmp_vrrp_set *s,
                       const struct snmp_view *v, int traps, double up_base_s);
int snmp_vrrp_build_v3(struct snmp_oidtab *t, const struct snmp_vrrp_set *s,
                       const struct snmp_view *v);

/* OID of a column of a row: VRRP-MIB vrrpOperEntry (table 3) / vrrpRouterStatsEntry
 * (table 4 under vrrpStatistics), VRRPv3-MIB operations (1.1) / statistics (2.5); out has
 * SNMP_OID_MAX room; returns the length */
size_t snmp_vrrp_v2_oper_oid(snmp_subid *out, int column, const struct snmp_vrrp_row *r);
size_t snmp_vrrp_v3_oper_oid(snmp_subid *out, int column, const struct snmp_vrrp_row *r);
size_t snmp_vrrp_v3_stats_oid(snmp_subid *out, int column, const struct snmp_vrrp_row *r);

#endif
