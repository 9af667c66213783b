/* snmp/snmp_vrrp_poll.h - the snmp child's client of the parent's control socket: every
 * SNMP_VRRP_POLL_S (SNMP_VRRP_POLL_IDLE_S when nobody walks) it asks
 * {"cmd":"vrrp","op":"mib"} (paged with "from"), which the parent forwards to the vrrp child, and hands the complete set of instances to a callback. Non-
 * blocking on the child's libev loop; reconnects by itself; an error reply (no vrrp child)
 * keeps the last set. The VRRP facts thus come only through the parent, never from the vrrp
 * child directly. */
#ifndef TDM_SNMP_VRRP_POLL_H
#define TDM_SNMP_VRRP_POLL_H

#include <ev.h>
#include "snmp/snmp_vrrp_mib.h"

#define SNMP_VRRP_POLL_S 1.0         /* while walked (a request in the last ..._ACTIVE_S) */
#define SNMP_VRRP_POLL_IDLE_S 5.0    /* otherwise (the error notifications still follow) */
#define SNMP_VRRP_POLL_ACTIVE_S 30.0
#define SNMP_VRRP_POLL_TIMEOUT_S 5.0

struct snmp_vrrp_poll;

/* fresh: the complete set (the callback may swap its contents out; it is cleared after) */
typedef void (*snmp_vrrp_poll_cb)(void *arg, struct snmp_vrrp_set *fresh);

struct snmp_vrrp_poll *snmp_vrrp_poll_start(struct ev_loop *loop, snmp_vrrp_poll_cb cb,
                                            void *arg);
/* the control socket's path (from the status the feed carries); NULL/"" = unknown */
void snmp_vrrp_poll_set_path(struct snmp_vrrp_poll *p, const char *path);
/* poll now (after a vrrp.state event, so walks show fresh values soon) */
void snmp_vrrp_poll_now(struct snmp_vrrp_poll *p);
/* an SNMP request used the facts: poll every SNMP_VRRP_POLL_S for a while, and now if the
 * last poll is older than that */
void snmp_vrrp_poll_touch(struct snmp_vrrp_poll *p);
void snmp_vrrp_poll_stop(struct snmp_vrrp_poll *p);

#endif
