/* snmp/snmp_agent.h - the net-snmp AgentX subagent on the child's libev loop: no thread, no
 * SIGALRM; net-snmp's descriptors get ev_io watchers and its next timeout an ev_timer, both
 * recomputed after every call into the library. It pings the master every second and
 * reconnects by itself when snmpd restarts. Subtrees are served from sorted OID tables
 * (snmp_oidtab) refreshed through a callback before each request. */
#ifndef TDM_SNMP_AGENT_H
#define TDM_SNMP_AGENT_H

#include <stddef.h>
#include <ev.h>
#include "snmp/snmp_oidtab.h"

#define SNMP_AGENT_PING_S 1
#define SNMP_AGENT_DEFAULT_SOCKET "/var/agentx/master"

struct snmp_agent;

/* refresh the table before a request is answered (called at most once per PDU) */
typedef void (*snmp_agent_refresh)(void *arg, struct snmp_oidtab *tab);

/* one agent per process (net-snmp keeps global state). socket: AgentX master address
 * ("/path", "unix:/path", "tcp:host:port"), NULL = the default. */
struct snmp_agent *snmp_agent_start(struct ev_loop *loop, const char *socket);
void snmp_agent_stop(struct snmp_agent *a);
/* serve the subtree root (len subids) from tab; refresh fills tab on demand. 0 / -1 */
int snmp_agent_register(struct snmp_agent *a, const char *name, const snmp_subid *root,
                        size_t len, struct snmp_oidtab *tab, snmp_agent_refresh refresh,
                        void *arg);
/* after the registrations: init_snmp (once per process), which connects to the master */
void snmp_agent_connect(struct snmp_agent *a);
/* a varbind list for a notification: start with the trap OID, add values, send */
struct snmp_trap;
struct snmp_trap *snmp_trap_new(const snmp_subid *trap_oid, size_t len);
void snmp_trap_add_int(struct snmp_trap *t, const snmp_subid *name, size_t len, long v);
void snmp_trap_add_uns(struct snmp_trap *t, const snmp_subid *name, size_t len,
                       unsigned char type, unsigned long v);
void snmp_trap_add_str(struct snmp_trap *t, const snmp_subid *name, size_t len,
                       const void *s, size_t slen);
/* a value given as its octets with its BER tag (IpAddress: 0x40 and 4 octets) */
void snmp_trap_add_raw(struct snmp_trap *t, const snmp_subid *name, size_t len,
                       unsigned char type, const void *v, size_t vlen);
/* send to the master (dropped when not connected) and free */
void snmp_trap_send(struct snmp_agent *a, struct snmp_trap *t);
/* after anything that may have queued net-snmp work outside its callbacks */
void snmp_agent_sync(struct snmp_agent *a);

#endif
