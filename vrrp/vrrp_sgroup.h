/* vrrp/vrrp_sgroup.h - vrrp_sync_group driver for the VRRP child: after every FSM event of a
 * member (the instance's on_step hook) it asks vrrp_fsm_group_decide for the moves that bring
 * the members together and feeds them back (bounded work queue, no recursion); when the group
 * as a whole reaches a new state (every live member MASTER, every one BACKUP, any in FAULT, all
 * stopped) it emits a "vrrp.group" event and runs the group's notify scripts (own queue). */
#ifndef VRRP_SGROUP_H
#define VRRP_SGROUP_H

#include "vrrp/vrrp_child.h"

/* pure: the group's state from its members' states (VRRP_FSM_INIT = not settled / mixed) */
enum vrrp_fsm_state vrrp_sgroup_state(const enum vrrp_fsm_state *st, size_t n);

struct vrrp_sgroups *vrrp_sgroups_new(struct vrrp_child *vc);
void vrrp_sgroups_free(struct vrrp_sgroups *sg);
/* the on_step hook (cb_arg = the child) */
void vrrp_sgroup_on_step(void *arg, struct vrrp_inst *vi, enum vrrp_fsm_state from);

#endif
