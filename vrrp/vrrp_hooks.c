/* vrrp/vrrp_hooks.c - glue between the VRRP child and tracking, sync groups and notify
 * scripts (see vrrp_hooks.h). */
#include "vrrp/vrrp_hooks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/log.h"
#include "lib/mono.h"
#include "vrrp/vrrp_sgroup.h"
#include "vrrp/vrrp_track.h"

void vrrp_hooks_start(struct vrrp_child *vc)
{
	struct vrrp_hooks *x = calloc(1, sizeof(*x));

	if (!x) {
		tdm_log_err("out of memory: no tracking, sync groups or notify scripts");
		return;
	}
	vc->ext = x;
	vrrp_notify_env_init(&x->nenv, vc->ctx->loop, vc->cfg ? vc->cfg->global : NULL);
	x->sg = vrrp_sgroups_new(vc);
	x->trk = vrrp_track_new(vc);
}

void vrrp_hooks_reload(struct vrrp_child *vc)
{
	if (!vc->ext)
		return;
	vc->ext->nenv.g = vc->cfg ? vc->cfg->global : NULL;
	vrrp_notify_env_close(&vc->ext->nenv);  /* the FIFO path may have changed */
	if (vc->ext->trk)
		vrrp_track_rebuild(vc->ext->trk);
}

void vrrp_hooks_reeval(struct vrrp_child *vc, uint64_t now)
{
	if (vc->ext)
		vrrp_track_eval_all(vc, now);
}

void vrrp_hooks_stop(struct vrrp_child *vc)
{
	struct vrrp_hooks *x = vc->ext;

	if (!x)
		return;
	vrrp_track_free(x->trk);
	vrrp_sgroups_free(x->sg);
	vrrp_notify_env_close(&x->nenv);
	free(x);
	vc->ext = NULL;
}

void vrrp_hooks_inst_init(struct vrrp_child *vc, struct vrrp_child_inst *ci, uint64_t now)
{
	struct vrrp_hooks_inst *h;

	if (!vc->ext)
		return;
	h = calloc(1, sizeof(*h));
	if (!h)
		return;
	ci->ext = h;
	snprintf(h->what, sizeof(h->what), "vrrp_instance %s", ci->vi.conf->name);
	vrrp_notify_q_init(&h->nq, &vc->ext->nenv, h->what, vrrp_notify_timeout(ci->vi.conf->node));
	ci->vi.on_step = vrrp_sgroup_on_step;
	vrrp_track_eval(vc, ci, now);
}

void vrrp_hooks_inst_free(struct vrrp_child *vc, struct vrrp_child_inst *ci)
{
	struct vrrp_hooks_inst *h = ci->ext;

	if (!h)
		return;
	vrrp_notify_q_free(&h->nq);
	free(h->ref_ok);
	free(h->ref_delta);
	free(h);
	ci->ext = NULL;
}

void vrrp_hooks_apply_fault(struct vrrp_child_inst *ci, uint64_t now)
{
	int fault = ci->if_fault || ci->track_fault;

	if (fault != ci->vi.st.fault)
		vrrp_inst_event(&ci->vi, fault ? VRRP_FSM_EV_FAULT_ON : VRRP_FSM_EV_FAULT_OFF, now);
}

void vrrp_hooks_trans(struct vrrp_child *vc, struct vrrp_inst *vi, enum vrrp_fsm_state from,
                      enum vrrp_fsm_state to, enum vrrp_fsm_reason reason)
{
	struct vrrp_child_inst *ci = vi->user;
	struct vrrp_hooks_inst *h = ci ? ci->ext : NULL;
	const struct vrrp_instance_conf *c = vi->conf;
	const struct vrrp_notify *spec;

	if (!h)
		return;
	h->last_reason = reason;
	switch (to) {
	case VRRP_FSM_MASTER: spec = &c->notify_master; break;
	case VRRP_FSM_BACKUP: spec = &c->notify_backup; break;
	case VRRP_FSM_FAULT: spec = &c->notify_fault; break;
	case VRRP_FSM_STOP: spec = &c->notify_stop; break;
	default: return;            /* INIT is not notified */
	}
	h->nq.timeout_us = vrrp_notify_timeout(c->node);
	vrrp_notify_state(&h->nq, "INSTANCE", c->name, vrrp_fsm_state_name(to), vi->st.eff_prio,
	                  spec, &c->notify);
}

void vrrp_hooks_inst_json(const struct vrrp_inst *vi, json_object *o)
{
	const struct vrrp_child_inst *ci = vi->user;
	const struct vrrp_hooks_inst *h = ci ? ci->ext : NULL;
	json_object *n;

	if (!h || !ci->vc)
		return;
	json_object_object_add(o, "tracking", vrrp_track_json(ci->vc, ci));
	n = json_object_new_object();
	json_object_object_add(n, "queued", json_object_new_uint64(h->nq.n));
	json_object_object_add(n, "running", json_object_new_boolean(h->nq.running != NULL));
	json_object_object_add(n, "runs", json_object_new_uint64(h->nq.runs));
	json_object_object_add(n, "failures", json_object_new_uint64(h->nq.failures));
	json_object_object_add(n, "timeouts", json_object_new_uint64(h->nq.timeouts));
	json_object_object_add(n, "dropped", json_object_new_uint64(h->nq.dropped));
	json_object_object_add(o, "notify", n);
}
