/* vrrp/vrrp_inst.h - the runtime of one VRRP instance: its state machine (vrrp_fsm) with the
 * parameters taken from struct vrrp_instance_conf, the receive path (codec parse + validate,
 * drop counters by reason, every peer heard), and the execution of the FSM's actions through
 * the OS table (vrrp_os.h): adverts, VIPs, GARP/NA pacing, the one FSM timer.
 *
 * No event loop and no clock here: the caller passes `now` (CLOCK_MONOTONIC ns) and calls
 * vrrp_inst_timer() when the deadline it was asked to arm is reached. Hooks for the parts
 * that come later: an effective-priority input (tracking), the sync-group name, and a
 * transition callback (events, notify scripts). */
#ifndef VRRP_INST_H
#define VRRP_INST_H

#include <stddef.h>
#include <stdint.h>
#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_fsm.h"
#include "vrrp/vrrp_os.h"
#include "vrrp/vrrp_pkt.h"

#define VRRP_INST_MAX_PEERS 16

/* a router heard on this instance (valid adverts only) */
struct vrrp_inst_peer {
	union vrrp_pkt_ip addr;
	uint8_t priority;           /* last advertised */
	uint16_t int_cs;            /* last advertised interval (centiseconds) */
	uint64_t last_ns;           /* receive time of the last one */
	uint64_t adverts;
};

struct vrrp_inst;
typedef void (*vrrp_inst_trans_fn)(void *arg, struct vrrp_inst *vi, enum vrrp_fsm_state from,
                                   enum vrrp_fsm_state to, enum vrrp_fsm_reason reason);

/* called after every event fed to the FSM (sync groups need it: fault flags change without
 * transitions); from = the state before the event */
typedef void (*vrrp_inst_step_fn)(void *arg, struct vrrp_inst *vi, enum vrrp_fsm_state from);
/* a master (still master after it) accepted an advert of a lower priority (or an equal one
 * from a lower address): a split brain being repaired */
typedef void (*vrrp_inst_lower_fn)(struct vrrp_inst *vi, int prio, const union vrrp_pkt_ip *src,
                                   uint64_t now);

struct vrrp_inst_counters {
	uint64_t rx, rx_other_vrid, rx_own, tx, tx_err, vip_err, garp, garp_err, learn_interval;
	uint64_t route_err;         /* virtual_routes / virtual_rules lines that failed */
	uint64_t not_peer;          /* unicast: source not a configured peer (check_unicast_src) */
	uint64_t peer_ttl;          /* unicast: TTL outside the peer's min_ttl..max_ttl */
	uint64_t drops[VRRP_DROP__COUNT];
	/* for VRRP-MIB / VRRPv3-MIB (vrrp_mibfeed.c) */
	uint64_t prio0_rx, prio0_tx, become_master;
	uint8_t master_reason;      /* enum vrrp_fsm_reason of the last transition to MASTER */
	uint8_t last_drop;          /* enum vrrp_drop of the last refused advert */
	union vrrp_pkt_ip last_drop_src;    /* its source (refused after parsing only) */
};

/* GARP pacing */
enum vrrp_garp_phase { VRRP_GARP_IDLE = 0, VRRP_GARP_DELAYED, VRRP_GARP_REFRESH,
                       VRRP_GARP_LOWER /* garp_lower_prio_delay running */ };

struct vrrp_inst {
	const struct vrrp_instance_conf *conf;  /* the current config (rebound on reload) */
	const struct vrrp_os *os;
	struct vrrp_fsm_params p;
	struct vrrp_fsm st;
	int family;
	uint8_t unicast;            /* unicast_peer instance */
	uint8_t check_addrs;        /* compare advert address lists (not with skip_check_adv_addr) */
	uint8_t check_unicast_src;  /* unicast: accept only configured peers (global option) */
	union vrrp_pkt_ip mcast;    /* 224.0.0.18 / ff02::12 (or as configured) */
	/* interface and source */
	int ifindex;
	int tx_ifindex;             /* the device the socket is bound to when not ifindex (VMAC
	                             * with vmac_xmit_base: the base); 0 = ifindex */
	uint8_t mac[6];
	uint8_t has_src, src_fixed; /* src_fixed: mcast_src_ip / unicast_src_ip configured */
	union vrrp_pkt_ip src;
	/* packed VIPs for the adverts */
	uint8_t naddr;
	uint8_t addrs[VRRP_PKT_MAX_ADDRS * 16];
	uint8_t key[VRRP_PKT_AUTH_LEN];
	uint16_t ip_id;
	uint32_t ah_seq_tx, ah_last_rx;
	uint8_t ah_seen;            /* an AH sequence number was accepted */
	/* GARP */
	enum vrrp_garp_phase garp_phase;
	/* tracking hook: added to the configured priority (clamped 1..254; 255 stays for an
	 * owner with no delta) */
	int prio_delta;
	const char *group;          /* sync group name (hook; groups are driven later) */
	vrrp_inst_trans_fn on_trans;
	vrrp_inst_step_fn on_step;  /* hook for the sync-group driver (NULL: none) */
	vrrp_inst_lower_fn on_lower_prio;   /* notify_master_rx_lower_pri (NULL: none) */
	void *cb_arg;
	struct vrrp_inst_counters c;
	struct vrrp_inst_peer peers[VRRP_INST_MAX_PEERS];
	size_t npeers;
	uint64_t started_at, state_since;
	uint8_t vips_on;            /* VIPS_ADD executed and not yet removed */
	/* owned by the caller (the child): descriptors the real OS table uses; -1 in tests */
	int fd, tfd, garp_tfd;
	void *user;
};

/* Fill vi from the config (params, keys, packed VIPs). mcast4/mcast6: global groups (NULL =
 * the RFC ones). 0 ok, -1 unusable parameters (logged). */
int vrrp_inst_init(struct vrrp_inst *vi, const struct vrrp_instance_conf *conf,
                   const struct vrrp_os *os, const struct tdm_addr *mcast_global,
                   uint8_t skip_check_adv_addr);
/* Interface facts (index, MAC, source when not configured). Call before start and when the
 * interface changes. */
void vrrp_inst_set_if(struct vrrp_inst *vi, const struct vrrp_os_ifinfo *info);

void vrrp_inst_start(struct vrrp_inst *vi, uint64_t now);
/* graceful stop: a master sends priority 0 and removes its VIPs */
void vrrp_inst_stop(struct vrrp_inst *vi, uint64_t now);
/* feed one FSM event (DEMOTE, PROMOTE, FAULT_ON/OFF, GROUP_*); 1 if the state changed */
int vrrp_inst_event(struct vrrp_inst *vi, enum vrrp_fsm_event_type type, uint64_t now);
/* the deadline armed through os->arm was reached (or any time: only due timers run) */
void vrrp_inst_timer(struct vrrp_inst *vi, uint64_t now);
/* one received packet (rx as vrrp_pkt_parse wants it), received at now */
void vrrp_inst_rx(struct vrrp_inst *vi, const struct vrrp_pkt_rx *rx, uint64_t now);
/* the GARP pacing timer fired */
void vrrp_inst_garp_timer(struct vrrp_inst *vi, uint64_t now);
/* admin: one GARP/NA round now (if master); -1 if not master */
int vrrp_inst_garp_now(struct vrrp_inst *vi);
/* tracking hook: effective priority = configured + delta (PRIO_CHANGE when it moves) */
void vrrp_inst_set_prio_delta(struct vrrp_inst *vi, int delta, uint64_t now);
/* reload: a new configured priority, applied in place (PRIO_CHANGE) */
void vrrp_inst_set_priority(struct vrrp_inst *vi, int priority, uint64_t now);
/* reload: the VIP, route or rule list changed; a master removes what went and adds what
 * came (what stayed is not touched: adding it again is a no-op) */
void vrrp_inst_update_vips(struct vrrp_inst *vi, const struct vrrp_instance_conf *new_conf);
/* two config lines (routes, rules) say the same */
int vrrp_inst_line_same(const struct tdm_cnode *a, const struct tdm_cnode *b);
/* the effective priority the instance would run with */
uint8_t vrrp_inst_eff_prio(const struct vrrp_inst *vi);

/* address as text */
const char *vrrp_inst_addr_str(int family, const union vrrp_pkt_ip *a, char *buf, size_t len);

#endif
