/* vrrp/vrrp_hooks.c - glue between the VRRP child and tracking, sync groups and notify
 * scripts (see vrrp_hooks.h). */
#include "vrrp/vrrp_hooks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/log.h"
#include "lib/mono.h"
#include "vrrp/vrrp_garp_extra.h"
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

/* the lowest time between two notify_master_rx_lower_pri runs of one split brain: the
 * instance's Master_Down interval (a lower master keeps sending until it hears us) */
static uint64_t lower_quiet_ns(const struct vrrp_inst *vi)
{
	return 3ull * vi->p.advert_int_cs * 10000000ull + 1000000000ull;
}

static void on_lower_prio(struct vrrp_inst *vi, int prio, const union vrrp_pkt_ip *src,
                          uint64_t now)
{
	struct vrrp_child_inst *ci = vi->user;
	struct vrrp_hooks_inst *h = ci ? ci->ext : NULL;
	const struct vrrp_instance_conf *c = vi->conf;
	int first;

	if (!h)
		return;
	first = !h->last_lower_ns || now - h->last_lower_ns > lower_quiet_ns(vi);
	h->last_lower_ns = now;
	if (!first)
		return;                 /* the same split brain: one report */
	(void)src;
	tdm_log_notice("%s: MASTER heard a lower priority (%d)", h->what, prio);
	vrrp_notify_state(&h->nq, "INSTANCE", c->name, "MASTER_RX_LOWER_PRI", vi->st.eff_prio,
	                  &c->notify_master_rx_lower_pri, NULL);
}

void vrrp_hooks_mark_deleted(struct vrrp_child_inst *ci)
{
	struct vrrp_hooks_inst *h = ci->ext;

	if (h)
		h->deleting = 1;
}

static int prio_changes_on(const struct vrrp_child *vc, const struct vrrp_child_inst *ci)
{
	const struct vrrp_conf *vcf = vc->cfg ? vc->cfg->vrrp : NULL;
	const struct tdm_cnode *n = tdm_cnode_find(ci->vi.conf->node, "notify_priority_changes");
	const struct tdm_global_conf *g = vc->cfg ? vc->cfg->global : NULL;

	if (n)
		return n->argc ? n->vals[0].i != 0 : 1;
	for (size_t i = 0; vcf && ci->vi.group && i < vcf->ngroups; i++)
		if (!strcmp(vcf->groups[i]->name, ci->vi.group) &&
		    vcf->groups[i]->notify_priority_changes)
			return 1;
	if (g && g->node && (n = tdm_cnode_find(g->node, "vrrp_notify_priority_changes")))
		return n->argc ? n->vals[0].i != 0 : 1;
	return 0;
}

void vrrp_hooks_prio(struct vrrp_child *vc, struct vrrp_child_inst *ci)
{
	struct vrrp_hooks_inst *h = ci->ext;
	int prio = ci->vi.st.eff_prio, was;
	const char *state;

	if (!h)
		return;
	was = h->last_prio;
	h->last_prio = prio;
	if (!was || was == prio || !prio_changes_on(vc, ci))
		return;
	state = ci->vi.st.state == VRRP_FSM_MASTER ? "MASTER_PRIORITY" :
	        ci->vi.st.state == VRRP_FSM_BACKUP ? "BACKUP_PRIORITY" : NULL;
	if (state)
		vrrp_notify_state(&h->nq, "INSTANCE", ci->vi.conf->name, state, prio, NULL, NULL);
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
	ci->vi.on_lower_prio = on_lower_prio;
	h->gx = vrrp_garp_extra_start(vc, ci);
	vrrp_track_eval(vc, ci, now);
}

void vrrp_hooks_inst_free(struct vrrp_child *vc, struct vrrp_child_inst *ci)
{
	struct vrrp_hooks_inst *h = ci->ext;

	if (!h)
		return;
	vrrp_notify_q_free(&h->nq);
	vrrp_garp_extra_stop(h->gx);
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
	const char *state = vrrp_fsm_state_name(to);

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
	if (to == VRRP_FSM_STOP && h->deleting && tdm_cnode_find(c->node, "notify_deleted")) {
		state = "DELETED";      /* notify_deleted: its script (if any) replaces notify_stop */
		spec = &c->notify_deleted;
	}
	h->nq.timeout_us = vrrp_notify_timeout(c->node);
	vrrp_notify_state(&h->nq, "INSTANCE", c->name, state, vi->st.eff_prio, spec, &c->notify);
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
	if (h->gx) {
		uint64_t sent, errors;

		vrrp_garp_extra_counts(h->gx, &sent, &errors);
		n = json_object_new_object();
		json_object_object_add(n, "sent", json_object_new_uint64(sent));
		json_object_object_add(n, "errors", json_object_new_uint64(errors));
		json_object_object_add(o, "garp_extra_if", n);
	}
}
