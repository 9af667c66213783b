/* vrrp/vrrp_fsm.c - the pure VRRP state machine of one instance: RFC 9568 section 6.4 (v3) and
 * RFC 3768 section 6.4 (v2), with Fault and Stop states, preempt_delay, sync-group and admin
 * (drill) events. Pure: the result depends only on (params, state, event, now). */
#include <stdio.h>
#include <string.h>

#include "vrrp/vrrp_fsm.h"

#define NS_PER_S 1000000000ULL

/* ---- small helpers ---- */

static void push(struct vrrp_fsm_actions *out, const struct vrrp_fsm_action *a)
{
	if (out->n < VRRP_FSM_MAX_ACTIONS)
		out->a[out->n++] = *a;
}

static void act_advert(struct vrrp_fsm_actions *out, uint8_t prio, uint16_t int_cs)
{
	struct vrrp_fsm_action a = { .kind = VRRP_FSM_ACT_SEND_ADVERT };
	a.u.advert.priority = prio;
	a.u.advert.int_cs = int_cs;
	push(out, &a);
}

static void act_simple(struct vrrp_fsm_actions *out, enum vrrp_fsm_act_kind kind)
{
	struct vrrp_fsm_action a = { .kind = kind };
	push(out, &a);
}

static void act_garp(struct vrrp_fsm_actions *out, enum vrrp_fsm_garp_why why)
{
	struct vrrp_fsm_action a = { .kind = VRRP_FSM_ACT_GARP };
	a.u.garp.why = why;
	push(out, &a);
}

static void act_learn(struct vrrp_fsm_actions *out, uint16_t int_cs)
{
	struct vrrp_fsm_action a = { .kind = VRRP_FSM_ACT_LEARN_INTERVAL };
	a.u.learn.int_cs = int_cs;
	push(out, &a);
}

/* Set a deadline in the state and report it (only when it changes). */
static void set_timer(struct vrrp_fsm *st, struct vrrp_fsm_actions *out,
                      enum vrrp_fsm_timer which, uint64_t at)
{
	uint64_t *slot = which == VRRP_FSM_T_ADVER ? &st->adver_at
	               : which == VRRP_FSM_T_MASTER_DOWN ? &st->master_down_at : &st->preempt_at;
	struct vrrp_fsm_action a = { .kind = VRRP_FSM_ACT_TIMER };

	if (*slot == at)
		return;
	*slot = at;
	a.u.timer.which = which;
	a.u.timer.at = at;
	push(out, &a);
}

static void stop_all_timers(struct vrrp_fsm *st, struct vrrp_fsm_actions *out)
{
	set_timer(st, out, VRRP_FSM_T_ADVER, VRRP_FSM_NEVER);
	set_timer(st, out, VRRP_FSM_T_MASTER_DOWN, VRRP_FSM_NEVER);
	set_timer(st, out, VRRP_FSM_T_PREEMPT, VRRP_FSM_NEVER);
}

static int transition(struct vrrp_fsm *st, struct vrrp_fsm_actions *out,
                      enum vrrp_fsm_state to, enum vrrp_fsm_reason reason)
{
	struct vrrp_fsm_action a = { .kind = VRRP_FSM_ACT_TRANSITION };

	a.u.trans.from = st->state;
	a.u.trans.to = to;
	a.u.trans.reason = reason;
	st->state = to;
	st->transitions++;
	push(out, &a);
	return 1;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > VRRP_FSM_NEVER - 1 - b ? VRRP_FSM_NEVER - 1 : a + b;
}

static uint8_t clamp_prio(const struct vrrp_fsm_params *p, unsigned v)
{
	unsigned max = p->priority == 255 ? 255 : 254;

	if (v < 1)
		return 1;
	return (uint8_t)(v > max ? max : v);
}

/* Preempt_Mode as configured: `state MASTER` always preempts (keepalived ignores nopreempt
 * and preempt_delay then). A demoted instance never preempts. */
static int preempting(const struct vrrp_fsm_params *p, const struct vrrp_fsm *st)
{
	if (st->demoted)
		return 0;
	return p->want_master || !p->nopreempt;
}

static int uses_preempt_delay(const struct vrrp_fsm_params *p, const struct vrrp_fsm *st)
{
	return p->preempt_delay_ns > 0 && !p->want_master && preempting(p, st);
}

/* 1 if an advert (prio, addr) beats us: higher priority, or equal with a higher address. */
static int beats_us(const struct vrrp_fsm_params *p, const struct vrrp_fsm *st,
                    uint8_t prio, const uint8_t *addr)
{
	if (prio != st->eff_prio)
		return prio > st->eff_prio;
	return memcmp(addr, p->local_addr, p->addr_len) > 0;
}

/* ---- formulas ---- */

uint64_t vrrp_fsm_skew_ns(const struct vrrp_fsm_params *p, uint8_t prio, uint16_t int_cs)
{
	if (p->version == 2)
		return (256 - (uint64_t)prio) * NS_PER_S / 256;
	return (256 - (uint64_t)prio) * int_cs * VRRP_FSM_NS_PER_CS / 256;
}

uint64_t vrrp_fsm_master_down_ns(const struct vrrp_fsm_params *p, uint8_t prio, uint16_t int_cs)
{
	uint64_t n = p->down_timer_adverts ? p->down_timer_adverts : 3;

	return n * int_cs * VRRP_FSM_NS_PER_CS + vrrp_fsm_skew_ns(p, prio, int_cs);
}

/* ---- entering states ---- */

static int become_master(const struct vrrp_fsm_params *p, struct vrrp_fsm *st,
                         uint64_t now, struct vrrp_fsm_actions *out, enum vrrp_fsm_reason why)
{
	act_simple(out, VRRP_FSM_ACT_VIPS_ADD);
	act_advert(out, st->eff_prio, p->advert_int_cs);
	act_garp(out, VRRP_FSM_GARP_BECOME_MASTER);
	set_timer(st, out, VRRP_FSM_T_MASTER_DOWN, VRRP_FSM_NEVER);
	set_timer(st, out, VRRP_FSM_T_PREEMPT, VRRP_FSM_NEVER);
	set_timer(st, out, VRRP_FSM_T_ADVER, add_sat(now, p->advert_int_cs * VRRP_FSM_NS_PER_CS));
	st->master_adver_int_cs = p->advert_int_cs;
	st->startup_wait = 0;
	st->prio0_pending = 0;
	st->preempt_ok = 0;
	st->master_known = 0;
	return transition(st, out, VRRP_FSM_MASTER, why);
}

/* Leave Master for Backup (or Fault/Stop) with the VIPs removed; prio0 sends priority 0 first. */
static void leave_master(const struct vrrp_fsm_params *p, struct vrrp_fsm *st,
                         struct vrrp_fsm_actions *out, int prio0)
{
	if (prio0)
		act_advert(out, 0, p->advert_int_cs);
	act_simple(out, VRRP_FSM_ACT_VIPS_DEL);
	set_timer(st, out, VRRP_FSM_T_ADVER, VRRP_FSM_NEVER);
}

/* Initialize's Startup rule (also used when a fault clears): the owner goes to Master, anyone
 * else to Backup with Master_Adver_Interval = Advertisement_Interval and the Master_Down timer. */
static int start_up(const struct vrrp_fsm_params *p, struct vrrp_fsm *st, uint64_t now,
                    struct vrrp_fsm_actions *out, enum vrrp_fsm_reason backup_why)
{
	if (st->eff_prio == 255)
		return become_master(p, st, now, out, VRRP_FSM_R_OWNER);
	st->master_adver_int_cs = p->advert_int_cs;
	st->startup_wait = 1;
	st->prio0_pending = 0;
	st->preempt_ok = 0;
	st->master_known = 0;
	set_timer(st, out, VRRP_FSM_T_PREEMPT, VRRP_FSM_NEVER);
	set_timer(st, out, VRRP_FSM_T_ADVER, VRRP_FSM_NEVER);
	set_timer(st, out, VRRP_FSM_T_MASTER_DOWN,
	          add_sat(now, vrrp_fsm_master_down_ns(p, st->eff_prio, st->master_adver_int_cs)));
	return transition(st, out, VRRP_FSM_BACKUP, backup_why);
}

static int enter_fault(const struct vrrp_fsm_params *p, struct vrrp_fsm *st,
                       struct vrrp_fsm_actions *out, enum vrrp_fsm_reason why)
{
	if (st->state == VRRP_FSM_MASTER)
		leave_master(p, st, out, 1);
	stop_all_timers(st, out);
	st->master_known = 0;
	return transition(st, out, VRRP_FSM_FAULT, why);
}

/* ---- per-state advert handling ---- */

static int master_rx_advert(const struct vrrp_fsm_params *p, struct vrrp_fsm *st,
                            const struct vrrp_fsm_event *ev, uint64_t now,
                            struct vrrp_fsm_actions *out)
{
	if (ev->priority == 0) {
		/* another master left: answer at once so backups keep us, restart Adver_Timer */
		act_advert(out, st->eff_prio, p->advert_int_cs);
		set_timer(st, out, VRRP_FSM_T_ADVER, add_sat(now, p->advert_int_cs * VRRP_FSM_NS_PER_CS));
		return 0;
	}
	if (beats_us(p, st, ev->priority, ev->addr)) {
		enum vrrp_fsm_reason why = ev->priority > st->eff_prio
		        ? VRRP_FSM_R_HIGHER_PRIO : VRRP_FSM_R_EQUAL_PRIO_HIGHER_ADDR;
		uint16_t mai = p->version == 3 && ev->int_cs ? ev->int_cs : p->advert_int_cs;

		if (p->higher_prio_send_advert)
			act_advert(out, st->eff_prio, p->advert_int_cs);
		leave_master(p, st, out, 0);
		if (mai != st->master_adver_int_cs) {
			st->master_adver_int_cs = mai;
			act_learn(out, mai);
		}
		set_timer(st, out, VRRP_FSM_T_MASTER_DOWN,
		          add_sat(now, vrrp_fsm_master_down_ns(p, st->eff_prio, mai)));
		st->master_known = 1;
		st->master_prio = ev->priority;
		memcpy(st->master_addr, ev->addr, p->addr_len);
		st->master_seen_at = now;
		return transition(st, out, VRRP_FSM_BACKUP, why);
	}
	if (ev->priority == st->eff_prio && !memcmp(ev->addr, p->local_addr, p->addr_len))
		return 0;   /* our own advert looped back */
	/* lower priority (or equal, lower address): discard, and repair a split brain */
	if (!p->lower_prio_no_advert) {
		act_advert(out, st->eff_prio, p->advert_int_cs);
		set_timer(st, out, VRRP_FSM_T_ADVER, add_sat(now, p->advert_int_cs * VRRP_FSM_NS_PER_CS));
	}
	if (!p->lower_prio_no_garp)
		act_garp(out, VRRP_FSM_GARP_SPLIT_BRAIN);
	return 0;
}

static int backup_rx_advert(const struct vrrp_fsm_params *p, struct vrrp_fsm *st,
                            const struct vrrp_fsm_event *ev, uint64_t now,
                            struct vrrp_fsm_actions *out)
{
	int accept;

	if (ev->priority == 0) {
		/* the master left: take over after Skew_Time unless someone else does first */
		st->startup_wait = 0;
		st->prio0_pending = 1;
		set_timer(st, out, VRRP_FSM_T_MASTER_DOWN,
		          add_sat(now, vrrp_fsm_skew_ns(p, st->eff_prio, st->master_adver_int_cs)));
		return 0;
	}
	accept = !preempting(p, st) || ev->priority >= st->eff_prio;
	if (ev->priority >= st->eff_prio) {
		/* a legitimate master: a later lower one restarts the preempt_delay window */
		st->preempt_ok = 0;
		set_timer(st, out, VRRP_FSM_T_PREEMPT, VRRP_FSM_NEVER);
	} else if (!accept && uses_preempt_delay(p, st) && !st->preempt_ok) {
		/* a lower priority master: keep following it for preempt_delay */
		if (st->preempt_at == VRRP_FSM_NEVER)
			set_timer(st, out, VRRP_FSM_T_PREEMPT, add_sat(now, p->preempt_delay_ns));
		accept = 1;
	}
	if (!accept)
		return 0;   /* RFC: discard, Master_Down runs out and we preempt */
	if (p->version == 3 && ev->int_cs && ev->int_cs != st->master_adver_int_cs) {
		st->master_adver_int_cs = ev->int_cs;
		act_learn(out, ev->int_cs);
	}
	st->startup_wait = 0;
	st->prio0_pending = 0;
	st->master_known = 1;
	st->master_prio = ev->priority;
	memcpy(st->master_addr, ev->addr, p->addr_len);
	st->master_seen_at = now;
	set_timer(st, out, VRRP_FSM_T_MASTER_DOWN,
	          add_sat(now, vrrp_fsm_master_down_ns(p, st->eff_prio, st->master_adver_int_cs)));
	return 0;
}

/* ---- timers ---- */

static int on_master_down(const struct vrrp_fsm_params *p, struct vrrp_fsm *st, uint64_t now,
                          struct vrrp_fsm_actions *out)
{
	if (st->state != VRRP_FSM_BACKUP || st->master_down_at == VRRP_FSM_NEVER
	    || now < st->master_down_at)
		return 0;
	if (st->startup_wait && uses_preempt_delay(p, st)) {
		/* nobody heard since startup: wait preempt_delay more before taking over */
		set_timer(st, out, VRRP_FSM_T_MASTER_DOWN, VRRP_FSM_NEVER);
		if (st->preempt_at == VRRP_FSM_NEVER)
			set_timer(st, out, VRRP_FSM_T_PREEMPT, add_sat(now, p->preempt_delay_ns));
		return 0;
	}
	return become_master(p, st, now, out,
	                     st->prio0_pending ? VRRP_FSM_R_MASTER_LEFT : VRRP_FSM_R_MASTER_DOWN);
}

static int on_adver_timer(const struct vrrp_fsm_params *p, struct vrrp_fsm *st, uint64_t now,
                          struct vrrp_fsm_actions *out)
{
	uint64_t step = p->advert_int_cs * VRRP_FSM_NS_PER_CS, next;

	if (st->state != VRRP_FSM_MASTER || st->adver_at == VRRP_FSM_NEVER || now < st->adver_at)
		return 0;
	act_advert(out, st->eff_prio, p->advert_int_cs);
	/* keep the cadence of the deadlines; after a stall restart from now (no burst) */
	next = add_sat(st->adver_at, step);
	if (next <= now)
		next = add_sat(now, step);
	set_timer(st, out, VRRP_FSM_T_ADVER, next);
	return 0;
}

static int on_preempt_timer(const struct vrrp_fsm_params *p, struct vrrp_fsm *st, uint64_t now,
                            struct vrrp_fsm_actions *out)
{
	if (st->state != VRRP_FSM_BACKUP || st->preempt_at == VRRP_FSM_NEVER || now < st->preempt_at)
		return 0;
	if (st->master_down_at == VRRP_FSM_NEVER)   /* startup wait over, still no master */
		return become_master(p, st, now, out, VRRP_FSM_R_PREEMPT_DELAY);
	set_timer(st, out, VRRP_FSM_T_PREEMPT, VRRP_FSM_NEVER);
	st->preempt_ok = 1;   /* from now on a lower master's adverts are discarded */
	return 0;
}

/* ---- other events ---- */

static int on_prio_change(const struct vrrp_fsm_params *p, struct vrrp_fsm *st, uint64_t now,
                          uint8_t prio, struct vrrp_fsm_actions *out)
{
	uint8_t np = clamp_prio(p, prio);

	if (np == st->eff_prio)
		return 0;
	st->eff_prio = np;
	if (st->state == VRRP_FSM_MASTER) {
		/* tell the peers now rather than at the next Adver_Timer */
		act_advert(out, np, p->advert_int_cs);
		set_timer(st, out, VRRP_FSM_T_ADVER, add_sat(now, p->advert_int_cs * VRRP_FSM_NS_PER_CS));
	}
	return 0;
}

static int on_promote(const struct vrrp_fsm_params *p, struct vrrp_fsm *st, uint64_t now,
                      struct vrrp_fsm_actions *out)
{
	st->demoted = 0;
	if (st->state != VRRP_FSM_BACKUP)
		return 0;
	if (st->master_known && st->master_prio != 0 && beats_us(p, st, st->master_prio, st->master_addr))
		return 0;   /* the master would win anyway: just stop being demoted */
	return become_master(p, st, now, out, VRRP_FSM_R_ADMIN_PROMOTE);
}

/* MASTER -> BACKUP for a reason other than a higher-priority advert (an admin demotion, the
 * sync group): leave master, forget the master we knew, wait Master_Down with our own
 * Advertisement_Interval. 0 when not MASTER. */
static int master_to_backup(const struct vrrp_fsm_params *p, struct vrrp_fsm *st, uint64_t now,
                            struct vrrp_fsm_actions *out, enum vrrp_fsm_reason reason)
{
	if (st->state != VRRP_FSM_MASTER)
		return 0;
	leave_master(p, st, out, 1);
	st->master_adver_int_cs = p->advert_int_cs;
	st->master_known = 0;
	st->startup_wait = 0;
	st->prio0_pending = 0;
	set_timer(st, out, VRRP_FSM_T_MASTER_DOWN,
	          add_sat(now, vrrp_fsm_master_down_ns(p, st->eff_prio, st->master_adver_int_cs)));
	return transition(st, out, VRRP_FSM_BACKUP, reason);
}

static int on_demote(const struct vrrp_fsm_params *p, struct vrrp_fsm *st, uint64_t now,
                     struct vrrp_fsm_actions *out)
{
	st->demoted = 1;
	st->preempt_ok = 0;
	if (st->state == VRRP_FSM_BACKUP) {
		set_timer(st, out, VRRP_FSM_T_PREEMPT, VRRP_FSM_NEVER);
		/* in the startup wait past Master_Down: wait one more Master_Down, not forever */
		if (st->master_down_at == VRRP_FSM_NEVER)
			set_timer(st, out, VRRP_FSM_T_MASTER_DOWN,
			          add_sat(now, vrrp_fsm_master_down_ns(p, st->eff_prio,
			                                               st->master_adver_int_cs)));
	}
	return master_to_backup(p, st, now, out, VRRP_FSM_R_ADMIN_DEMOTE);
}

static int to_backup_by_group(const struct vrrp_fsm_params *p, struct vrrp_fsm *st, uint64_t now,
                              struct vrrp_fsm_actions *out)
{
	return master_to_backup(p, st, now, out, VRRP_FSM_R_GROUP_BACKUP);
}

static int running(const struct vrrp_fsm *st)
{
	return st->state == VRRP_FSM_BACKUP || st->state == VRRP_FSM_MASTER
	    || st->state == VRRP_FSM_FAULT;
}

static int on_fault(const struct vrrp_fsm_params *p, struct vrrp_fsm *st, uint64_t now,
                    int group, int on, struct vrrp_fsm_actions *out)
{
	uint8_t *flag = group ? &st->group_fault : &st->fault;
	int was = st->fault || st->group_fault;

	*flag = (uint8_t)on;
	if (!running(st))
		return 0;   /* remembered for STARTUP */
	if (on && !was)
		return enter_fault(p, st, out, group ? VRRP_FSM_R_GROUP_FAULT : VRRP_FSM_R_FAULT);
	if (!on && was && !st->fault && !st->group_fault && st->state == VRRP_FSM_FAULT)
		return start_up(p, st, now, out,
		                group ? VRRP_FSM_R_GROUP_FAULT_CLEARED : VRRP_FSM_R_FAULT_CLEARED);
	return 0;
}

static int on_startup(const struct vrrp_fsm_params *p, struct vrrp_fsm *st, uint64_t now,
                      struct vrrp_fsm_actions *out)
{
	if (running(st))
		return 0;
	if (st->fault || st->group_fault)
		return enter_fault(p, st, out, st->fault ? VRRP_FSM_R_FAULT : VRRP_FSM_R_GROUP_FAULT);
	return start_up(p, st, now, out, VRRP_FSM_R_STARTUP);
}

static int on_shutdown(const struct vrrp_fsm_params *p, struct vrrp_fsm *st,
                       struct vrrp_fsm_actions *out)
{
	if (!running(st))
		return 0;
	if (st->state == VRRP_FSM_MASTER)
		leave_master(p, st, out, 1);
	stop_all_timers(st, out);
	st->master_known = 0;
	return transition(st, out, VRRP_FSM_STOP, VRRP_FSM_R_SHUTDOWN);
}

/* ---- public ---- */

void vrrp_fsm_params_default(struct vrrp_fsm_params *p)
{
	memset(p, 0, sizeof(*p));
	p->version = 3;
	p->priority = 100;
	p->advert_int_cs = 100;
	p->down_timer_adverts = 3;
	p->addr_len = 4;
}

int vrrp_fsm_params_check(const struct vrrp_fsm_params *p)
{
	if (p->version != 2 && p->version != 3)
		return -1;
	if (p->priority < 1)
		return -1;
	if (p->version == 3 && (p->advert_int_cs < 1 || p->advert_int_cs > 4095))
		return -1;
	if (p->version == 2 && (p->advert_int_cs < 100 || p->advert_int_cs % 100
	                        || p->advert_int_cs > 25500))
		return -1;
	if (p->addr_len != 4 && p->addr_len != 16)
		return -1;
	if (p->down_timer_adverts > 100)
		return -1;
	return 0;
}

void vrrp_fsm_init(struct vrrp_fsm *st, const struct vrrp_fsm_params *p)
{
	memset(st, 0, sizeof(*st));
	st->state = VRRP_FSM_INIT;
	st->eff_prio = p->priority ? p->priority : 1;
	st->master_adver_int_cs = p->advert_int_cs;
	st->adver_at = st->master_down_at = st->preempt_at = VRRP_FSM_NEVER;
}

int vrrp_fsm_step(const struct vrrp_fsm_params *p, struct vrrp_fsm *st,
                  const struct vrrp_fsm_event *ev, uint64_t now, struct vrrp_fsm_actions *out)
{
	out->n = 0;
	switch (ev->type) {
	case VRRP_FSM_EV_STARTUP:
		return on_startup(p, st, now, out);
	case VRRP_FSM_EV_SHUTDOWN:
		return on_shutdown(p, st, out);
	case VRRP_FSM_EV_ADVERT:
		if (st->state == VRRP_FSM_MASTER)
			return master_rx_advert(p, st, ev, now, out);
		if (st->state == VRRP_FSM_BACKUP)
			return backup_rx_advert(p, st, ev, now, out);
		return 0;   /* Init, Fault, Stop: adverts are not processed */
	case VRRP_FSM_EV_MASTER_DOWN:
		return on_master_down(p, st, now, out);
	case VRRP_FSM_EV_ADVER_TIMER:
		return on_adver_timer(p, st, now, out);
	case VRRP_FSM_EV_PREEMPT_TIMER:
		return on_preempt_timer(p, st, now, out);
	case VRRP_FSM_EV_PRIO_CHANGE:
		return on_prio_change(p, st, now, ev->priority, out);
	case VRRP_FSM_EV_FAULT_ON:
	case VRRP_FSM_EV_FAULT_OFF:
		return on_fault(p, st, now, 0, ev->type == VRRP_FSM_EV_FAULT_ON, out);
	case VRRP_FSM_EV_GROUP_FAULT:
	case VRRP_FSM_EV_GROUP_FAULT_OFF:
		return on_fault(p, st, now, 1, ev->type == VRRP_FSM_EV_GROUP_FAULT, out);
	case VRRP_FSM_EV_DEMOTE:
		return on_demote(p, st, now, out);
	case VRRP_FSM_EV_PROMOTE:
		return on_promote(p, st, now, out);
	case VRRP_FSM_EV_GROUP_MASTER:
		if (st->state != VRRP_FSM_BACKUP)
			return 0;
		return become_master(p, st, now, out, VRRP_FSM_R_GROUP_MASTER);
	case VRRP_FSM_EV_GROUP_BACKUP:
		return to_backup_by_group(p, st, now, out);
	default:
		return -1;
	}
}

uint64_t vrrp_fsm_next_deadline(const struct vrrp_fsm *st)
{
	uint64_t t = st->adver_at;

	if (st->master_down_at < t)
		t = st->master_down_at;
	if (st->preempt_at < t)
		t = st->preempt_at;
	return t;
}

enum vrrp_fsm_event_type vrrp_fsm_due(const struct vrrp_fsm *st, uint64_t now)
{
	uint64_t t = vrrp_fsm_next_deadline(st);

	if (t == VRRP_FSM_NEVER || now < t)
		return VRRP_FSM_EV_NONE;
	if (st->master_down_at == t)
		return VRRP_FSM_EV_MASTER_DOWN;
	if (st->adver_at == t)
		return VRRP_FSM_EV_ADVER_TIMER;
	return VRRP_FSM_EV_PREEMPT_TIMER;
}

int vrrp_fsm_accepts_vip_traffic(const struct vrrp_fsm_params *p, const struct vrrp_fsm *st)
{
	if (st->state != VRRP_FSM_MASTER)
		return 0;
	return p->priority == 255 || p->accept_mode;
}

const char *vrrp_fsm_state_name(enum vrrp_fsm_state s)
{
	static const char *const n[] = { "INIT", "BACKUP", "MASTER", "FAULT", "STOP" };

	return (unsigned)s < sizeof(n) / sizeof(n[0]) ? n[s] : "?";
}

const char *vrrp_fsm_event_name(enum vrrp_fsm_event_type e)
{
	static const char *const n[VRRP_FSM_EV_COUNT] = {
		"none", "startup", "shutdown", "advert", "master_down", "adver_timer",
		"preempt_timer", "prio_change", "fault_on", "fault_off", "demote", "promote",
		"group_master", "group_backup", "group_fault", "group_fault_off",
	};

	return (unsigned)e < VRRP_FSM_EV_COUNT ? n[e] : "?";
}

const char *vrrp_fsm_reason_name(enum vrrp_fsm_reason r)
{
	static const char *const n[VRRP_FSM_R_COUNT] = {
		"none", "startup", "owner", "master_down", "master_left", "preempt_delay",
		"higher_priority", "equal_priority_higher_address", "shutdown", "fault",
		"fault_cleared", "admin_demote", "admin_promote", "group_master", "group_backup",
		"group_fault", "group_fault_cleared",
	};

	return (unsigned)r < VRRP_FSM_R_COUNT ? n[r] : "?";
}

char *vrrp_fsm_action_str(const struct vrrp_fsm_action *a, char *buf, size_t len)
{
	static const char *const timers[] = { "adver", "master_down", "preempt" };

	if (!len)
		return buf;
	switch (a->kind) {
	case VRRP_FSM_ACT_SEND_ADVERT:
		snprintf(buf, len, "send_advert prio %u int %ucs", a->u.advert.priority,
		         a->u.advert.int_cs);
		break;
	case VRRP_FSM_ACT_TIMER:
		if (a->u.timer.at == VRRP_FSM_NEVER)
			snprintf(buf, len, "timer %s stop", timers[a->u.timer.which % 3]);
		else
			snprintf(buf, len, "timer %s %llu", timers[a->u.timer.which % 3],
			         (unsigned long long)a->u.timer.at);
		break;
	case VRRP_FSM_ACT_VIPS_ADD:
		snprintf(buf, len, "vips_add");
		break;
	case VRRP_FSM_ACT_VIPS_DEL:
		snprintf(buf, len, "vips_del");
		break;
	case VRRP_FSM_ACT_GARP:
		snprintf(buf, len, "garp %s",
		         a->u.garp.why == VRRP_FSM_GARP_SPLIT_BRAIN ? "split_brain" : "become_master");
		break;
	case VRRP_FSM_ACT_LEARN_INTERVAL:
		snprintf(buf, len, "learn_interval %ucs", a->u.learn.int_cs);
		break;
	case VRRP_FSM_ACT_TRANSITION:
		snprintf(buf, len, "transition %s->%s %s", vrrp_fsm_state_name(a->u.trans.from),
		         vrrp_fsm_state_name(a->u.trans.to), vrrp_fsm_reason_name(a->u.trans.reason));
		break;
	default:
		snprintf(buf, len, "?");
		break;
	}
	return buf;
}
