/* vrrp/vrrp_fsm_group.c - pure sync-group decisions: given the states of a group's members
 * after one member's transition, which members must be moved (GROUP_* events) so that the
 * group moves together. A member with a fault of its own puts the whole group in fault. */
#include "vrrp/vrrp_fsm.h"

static size_t add_move(struct vrrp_fsm_group_move *out, size_t cap, size_t k, size_t member,
                       enum vrrp_fsm_event_type ev)
{
	if (k < cap) {
		out[k].member = member;
		out[k].event = ev;
	}
	return k + 1;
}

static int live(enum vrrp_fsm_state s)
{
	return s == VRRP_FSM_BACKUP || s == VRRP_FSM_MASTER || s == VRRP_FSM_FAULT;
}

size_t vrrp_fsm_group_decide(const struct vrrp_fsm_group_member *m, size_t n,
                             size_t trigger, enum vrrp_fsm_state from,
                             struct vrrp_fsm_group_move *out, size_t cap)
{
	size_t i, k = 0;
	int any_own_fault = 0, any_fault = 0, any_master = 0;
	enum vrrp_fsm_state to;

	if (trigger >= n)
		return 0;
	for (i = 0; i < n; i++) {
		if (!live(m[i].state))
			continue;
		any_own_fault |= m[i].own_fault;
		any_fault |= m[i].state == VRRP_FSM_FAULT;
		any_master |= i != trigger && m[i].state == VRRP_FSM_MASTER;
	}
	/* 1. someone has a fault of its own: everyone else joins the fault */
	if (any_own_fault) {
		for (i = 0; i < n; i++)
			if (live(m[i].state) && m[i].state != VRRP_FSM_FAULT)
				k = add_move(out, cap, k, i, VRRP_FSM_EV_GROUP_FAULT);
		return k < cap ? k : cap;
	}
	/* 2. faults are over: members held in fault by the group leave it */
	if (any_fault) {
		for (i = 0; i < n; i++)
			if (m[i].state == VRRP_FSM_FAULT)
				k = add_move(out, cap, k, i, VRRP_FSM_EV_GROUP_FAULT_OFF);
		return k < cap ? k : cap;
	}
	to = m[trigger].state;
	if (to == from)
		return 0;   /* an event without a transition only matters for the fault rules */
	if (to == VRRP_FSM_MASTER) {
		/* 3. one became master: the backups follow */
		for (i = 0; i < n; i++)
			if (i != trigger && m[i].state == VRRP_FSM_BACKUP)
				k = add_move(out, cap, k, i, VRRP_FSM_EV_GROUP_MASTER);
	} else if (to == VRRP_FSM_BACKUP && from == VRRP_FSM_MASTER) {
		/* 4. one left master: the other masters follow */
		for (i = 0; i < n; i++)
			if (i != trigger && m[i].state == VRRP_FSM_MASTER)
				k = add_move(out, cap, k, i, VRRP_FSM_EV_GROUP_BACKUP);
	} else if (to == VRRP_FSM_BACKUP && any_master) {
		/* 5. one came (back) up as backup while the group is master: it joins them */
		k = add_move(out, cap, k, trigger, VRRP_FSM_EV_GROUP_MASTER);
	}
	return k < cap ? k : cap;
}
