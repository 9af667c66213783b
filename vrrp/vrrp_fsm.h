/* vrrp/vrrp_fsm.h - the pure VRRP state machine (RFC 9568 v3, RFC 3768 v2) of one instance,
 * plus the sync-group helper. No sockets, clocks, globals or logging: the caller passes
 * (params, state, event, now) and executes the returned actions in order. Time is CLOCK_MONOTONIC
 * in nanoseconds; every deadline is exact (no rounding to milliseconds). See docs/vrrp-fsm.md. */
#ifndef VRRP_FSM_H
#define VRRP_FSM_H

#include <stddef.h>
#include <stdint.h>

#define VRRP_FSM_NEVER       UINT64_MAX   /* "timer not armed" / "no deadline" */
#define VRRP_FSM_MAX_ACTIONS 12
#define VRRP_FSM_NS_PER_CS   10000000ULL  /* one centisecond */

enum vrrp_fsm_state {
	VRRP_FSM_INIT = 0,   /* Initialize: configured, not started */
	VRRP_FSM_BACKUP,
	VRRP_FSM_MASTER,
	VRRP_FSM_FAULT,      /* interface down / tracking failed / group fault: silent, no VIPs */
	VRRP_FSM_STOP,       /* stopped by a shutdown event; STARTUP restarts it */
};

enum vrrp_fsm_event_type {
	VRRP_FSM_EV_NONE = 0,
	VRRP_FSM_EV_STARTUP,
	VRRP_FSM_EV_SHUTDOWN,        /* graceful stop: a master sends priority 0 */
	VRRP_FSM_EV_ADVERT,          /* a valid advert (priority 0 included), see struct below */
	VRRP_FSM_EV_MASTER_DOWN,     /* Master_Down_Timer deadline reached */
	VRRP_FSM_EV_ADVER_TIMER,     /* Adver_Timer deadline reached */
	VRRP_FSM_EV_PREEMPT_TIMER,   /* preempt_delay deadline reached */
	VRRP_FSM_EV_PRIO_CHANGE,     /* tracking changed the effective priority (ev.priority) */
	VRRP_FSM_EV_FAULT_ON,        /* the instance has at least one fault (level, not a count) */
	VRRP_FSM_EV_FAULT_OFF,       /* the instance has no fault any more */
	VRRP_FSM_EV_DEMOTE,          /* admin drill: give up mastership, stop preempting */
	VRRP_FSM_EV_PROMOTE,         /* admin drill: undo demote, take over now if we would win */
	VRRP_FSM_EV_GROUP_MASTER,    /* sync group: another member became master */
	VRRP_FSM_EV_GROUP_BACKUP,    /* sync group: another member left master for backup */
	VRRP_FSM_EV_GROUP_FAULT,     /* sync group: another member is in fault */
	VRRP_FSM_EV_GROUP_FAULT_OFF, /* sync group: no member has a fault of its own any more */
	VRRP_FSM_EV_COUNT
};

enum vrrp_fsm_reason {
	VRRP_FSM_R_NONE = 0,
	VRRP_FSM_R_STARTUP,          /* Initialize -> Backup */
	VRRP_FSM_R_OWNER,            /* priority 255 at startup / fault recovery -> Master */
	VRRP_FSM_R_MASTER_DOWN,      /* Master_Down_Timer expired (master silent) */
	VRRP_FSM_R_MASTER_LEFT,      /* Master_Down expired after a priority 0 advert (skew time) */
	VRRP_FSM_R_PREEMPT_DELAY,    /* startup wait of preempt_delay done, no master heard */
	VRRP_FSM_R_HIGHER_PRIO,      /* master heard a higher priority */
	VRRP_FSM_R_EQUAL_PRIO_HIGHER_ADDR, /* master heard its priority from a higher address */
	VRRP_FSM_R_SHUTDOWN,
	VRRP_FSM_R_FAULT,
	VRRP_FSM_R_FAULT_CLEARED,
	VRRP_FSM_R_ADMIN_DEMOTE,
	VRRP_FSM_R_ADMIN_PROMOTE,
	VRRP_FSM_R_GROUP_MASTER,
	VRRP_FSM_R_GROUP_BACKUP,
	VRRP_FSM_R_GROUP_FAULT,
	VRRP_FSM_R_GROUP_FAULT_CLEARED,
	VRRP_FSM_R_COUNT
};

enum vrrp_fsm_timer { VRRP_FSM_T_ADVER = 0, VRRP_FSM_T_MASTER_DOWN, VRRP_FSM_T_PREEMPT };

enum vrrp_fsm_garp_why {
	VRRP_FSM_GARP_BECOME_MASTER = 0,  /* new master: announce the VIPs */
	VRRP_FSM_GARP_SPLIT_BRAIN,        /* master heard a lower priority: re-announce */
};

enum vrrp_fsm_act_kind {
	VRRP_FSM_ACT_SEND_ADVERT = 0, /* u.advert: priority (0 = leaving), interval in cs */
	VRRP_FSM_ACT_TIMER,           /* u.timer: which, absolute deadline (VRRP_FSM_NEVER = stop) */
	VRRP_FSM_ACT_VIPS_ADD,        /* install the VIPs (and routes/rules) */
	VRRP_FSM_ACT_VIPS_DEL,        /* remove them */
	VRRP_FSM_ACT_GARP,            /* gratuitous ARP / unsolicited NA for the VIPs (u.garp) */
	VRRP_FSM_ACT_LEARN_INTERVAL,  /* v3 backup adopted the master's interval (u.learn) */
	VRRP_FSM_ACT_TRANSITION,      /* u.trans: from, to, reason (always the last action) */
};

struct vrrp_fsm_action {
	enum vrrp_fsm_act_kind kind;
	union {
		struct { uint8_t priority; uint16_t int_cs; } advert;
		struct { enum vrrp_fsm_timer which; uint64_t at; } timer;
		struct { enum vrrp_fsm_garp_why why; } garp;
		struct { uint16_t int_cs; } learn;
		struct { enum vrrp_fsm_state from, to; enum vrrp_fsm_reason reason; } trans;
	} u;
};

struct vrrp_fsm_actions {
	struct vrrp_fsm_action a[VRRP_FSM_MAX_ACTIONS];
	size_t n;
};

/* Plain parameters of one instance (filled from struct vrrp_instance_conf by the child). */
struct vrrp_fsm_params {
	uint8_t version;            /* 2 or 3 */
	uint8_t priority;           /* configured priority 1..255 (255 = address owner) */
	uint16_t advert_int_cs;     /* Advertisement_Interval in centiseconds: v3 1..4095,
	                             * v2 whole seconds (100, 200, ... 25500) */
	uint8_t nopreempt;          /* keepalived nopreempt (ignored when want_master) */
	uint8_t want_master;        /* keepalived `state MASTER` (disables nopreempt, preempt_delay) */
	uint8_t accept_mode;        /* v3 Accept_Mode */
	uint8_t lower_prio_no_advert; /* master: do not answer a lower priority with an advert */
	uint8_t lower_prio_no_garp;   /* master: do not re-send GARP/NA on a lower priority */
	uint8_t higher_prio_send_advert; /* master: one advert of its own before yielding */
	uint8_t down_timer_adverts; /* adverts in Master_Down_Interval; 0 = 3 (the RFC value) */
	uint64_t preempt_delay_ns;  /* 0 = none */
	uint8_t addr_len;           /* 4 or 16: length of local_addr and advert source addresses */
	uint8_t local_addr[16];     /* our primary address (network order), for the tie-break */
};

/* Runtime state of one instance; plain data, the caller owns it. */
struct vrrp_fsm {
	enum vrrp_fsm_state state;
	uint8_t eff_prio;           /* effective priority (tracking), advertised when master */
	uint16_t master_adver_int_cs; /* Master_Adver_Interval (v3 learned; v2 = configured) */
	uint64_t adver_at, master_down_at, preempt_at; /* deadlines, VRRP_FSM_NEVER = not armed */
	uint8_t fault;              /* own fault (FAULT_ON/OFF) */
	uint8_t group_fault;        /* fault forced by the sync group */
	uint8_t demoted;            /* admin demote in force */
	uint8_t preempt_ok;         /* preempt_delay has run out: lower adverts are discarded */
	uint8_t startup_wait;       /* in Backup since startup/recovery, no master heard yet */
	uint8_t prio0_pending;      /* Master_Down armed from a priority 0 advert */
	uint8_t master_known;       /* master_prio/master_addr hold the last accepted master */
	uint8_t master_prio;
	uint8_t master_addr[16];
	uint64_t master_seen_at;    /* now of the last accepted advert */
	uint64_t transitions;       /* count of state changes */
};

struct vrrp_fsm_event {
	enum vrrp_fsm_event_type type;
	uint8_t priority;           /* ADVERT: sender's priority; PRIO_CHANGE: new effective one */
	uint16_t int_cs;            /* ADVERT: Max Adver Int of the packet (v3; ignored for v2) */
	uint8_t addr[16];           /* ADVERT: sender's primary address, params.addr_len bytes */
};

/* 0 if the parameters are usable, -1 otherwise (version, priority, interval, addr_len). */
int vrrp_fsm_params_check(const struct vrrp_fsm_params *p);
/* Fill p with the RFC defaults: v3, priority 100, 1 s, preempt, IPv4 0.0.0.0. */
void vrrp_fsm_params_default(struct vrrp_fsm_params *p);
/* State INIT, no timer, effective priority = configured. */
void vrrp_fsm_init(struct vrrp_fsm *st, const struct vrrp_fsm_params *p);

/* Apply one event at time now. Actions are appended to out (out->n reset first).
 * Returns 1 if the state changed, 0 if not (ignored or handled in place), -1 on a bad event.
 * Timer events whose deadline is not armed or not reached are ignored. For ADVERT events pass
 * the packet's receive time as now (Master_Down starts from it). */
int vrrp_fsm_step(const struct vrrp_fsm_params *p, struct vrrp_fsm *st,
                  const struct vrrp_fsm_event *ev, uint64_t now, struct vrrp_fsm_actions *out);

/* The earliest armed deadline (VRRP_FSM_NEVER if none): arm one timer at it. */
uint64_t vrrp_fsm_next_deadline(const struct vrrp_fsm *st);
/* The timer event due at now (earliest deadline <= now), or VRRP_FSM_EV_NONE. */
enum vrrp_fsm_event_type vrrp_fsm_due(const struct vrrp_fsm *st, uint64_t now);

/* Timer formulas, in ns. v3: skew = (256 - prio) * Master_Adver_Interval / 256; v2 (RFC 3768):
 * skew = (256 - prio) / 256 s. Master_Down = down_timer_adverts x interval + skew. */
uint64_t vrrp_fsm_skew_ns(const struct vrrp_fsm_params *p, uint8_t prio, uint16_t int_cs);
uint64_t vrrp_fsm_master_down_ns(const struct vrrp_fsm_params *p, uint8_t prio, uint16_t int_cs);
/* 1 if packets to the VIPs are to be accepted now (owner, or master with accept_mode). */
int vrrp_fsm_accepts_vip_traffic(const struct vrrp_fsm_params *p, const struct vrrp_fsm *st);

const char *vrrp_fsm_state_name(enum vrrp_fsm_state s);
const char *vrrp_fsm_event_name(enum vrrp_fsm_event_type e);
const char *vrrp_fsm_reason_name(enum vrrp_fsm_reason r);
/* One action as text for debug logs, e.g. "timer master_down 36093750",
 * "transition BACKUP->MASTER master_down". Returns buf (always NUL-terminated). */
char *vrrp_fsm_action_str(const struct vrrp_fsm_action *a, char *buf, size_t len);

/* ---- sync groups (vrrp_fsm_group.c) ---- */
struct vrrp_fsm_group_member {
	enum vrrp_fsm_state state;  /* current state (after the trigger's transition) */
	uint8_t own_fault;          /* struct vrrp_fsm.fault of that member */
};

struct vrrp_fsm_group_move {
	size_t member;              /* index into the members array */
	enum vrrp_fsm_event_type event; /* VRRP_FSM_EV_GROUP_* to feed to that member's FSM */
};

/* Call after every event fed to a member's FSM (fault flags change without transitions):
 * member `trigger` went from `from` to members[trigger].state (from == state when it did not
 * move). Writes up to cap moves that bring the group together (members move together; a member
 * with its own fault puts the whole group in fault) and returns how many. Feed each move to its
 * member's FSM and call again for it; this converges (no moves once the group agrees). */
size_t vrrp_fsm_group_decide(const struct vrrp_fsm_group_member *members, size_t n,
                             size_t trigger, enum vrrp_fsm_state from,
                             struct vrrp_fsm_group_move *out, size_t cap);

#endif
