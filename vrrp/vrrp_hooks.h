/* vrrp/vrrp_hooks.h - the glue between the VRRP child (vrrp_child.c) and tracking
 * (vrrp_track.c), sync groups (vrrp_sgroup.c) and notify scripts (vrrp_notify.c): a few calls
 * from the child's start/reload/stop, instance create/free, link events and transitions. */
#ifndef VRRP_HOOKS_H
#define VRRP_HOOKS_H

#include "vrrp/vrrp_child.h"
#include "vrrp/vrrp_notify.h"

struct vrrp_track;
struct vrrp_sgroups;

/* per instance */
struct vrrp_hooks_inst {
	struct vrrp_notify_q nq;
	char what[96];              /* "vrrp_instance NAME" for logs */
	enum vrrp_fsm_reason last_reason;
	/* tracking (vrrp_track.c): the state of each reference at the last evaluation */
	const struct vrrp_instance_conf *refs_for;
	size_t nrefs;
	int8_t *ref_ok;             /* -1 not evaluated yet */
	int *ref_delta;
	int delta;
	/* notify_deleted, notify_master_rx_lower_pri, notify_priority_changes */
	uint8_t deleting;           /* removed by a reload: its STOP is reported as DELETED */
	uint64_t last_lower_ns;     /* last lower-priority advert heard as master */
	int last_prio;              /* effective priority last reported (0: none yet) */
	struct vrrp_garp_extra *gx; /* garp_extra_if (vrrp_garp_extra.h), NULL when off */
};

/* per child */
struct vrrp_hooks {
	struct vrrp_notify_env nenv;
	struct vrrp_track *trk;
	struct vrrp_sgroups *sg;
};

void vrrp_hooks_start(struct vrrp_child *vc);
void vrrp_hooks_reload(struct vrrp_child *vc);          /* vc->cfg is the new config */
void vrrp_hooks_reeval(struct vrrp_child *vc, uint64_t now);   /* after a reload / links */
void vrrp_hooks_stop(struct vrrp_child *vc);
/* before vrrp_inst_start: notify queue, hooks, first tracking evaluation */
void vrrp_hooks_inst_init(struct vrrp_child *vc, struct vrrp_child_inst *ci, uint64_t now);
void vrrp_hooks_inst_free(struct vrrp_child *vc, struct vrrp_child_inst *ci);
/* every transition (after the vrrp.state event) */
void vrrp_hooks_trans(struct vrrp_child *vc, struct vrrp_inst *vi, enum vrrp_fsm_state from,
                      enum vrrp_fsm_state to, enum vrrp_fsm_reason reason);
/* status of tracking and the notify queue, added to the instance's status object o as
 * "tracking" and "notify" (nothing when vi is not one of the child's instances) */
void vrrp_hooks_inst_json(const struct vrrp_inst *vi, json_object *o);
/* the instance's FAULT input changed (if_fault / track_fault): feed FAULT_ON/OFF */
void vrrp_hooks_apply_fault(struct vrrp_child_inst *ci, uint64_t now);
/* the instance is being removed by a reload (before it is stopped): with notify_deleted its
 * STOP is reported as DELETED and notify_deleted's script runs instead of notify_stop */
void vrrp_hooks_mark_deleted(struct vrrp_child_inst *ci);
/* after tracking or a reload: the effective priority, reported on the vrrp_notify_fifo as
 * MASTER_PRIORITY / BACKUP_PRIORITY when it changed and notify_priority_changes is on */
void vrrp_hooks_prio(struct vrrp_child *vc, struct vrrp_child_inst *ci);

#endif
