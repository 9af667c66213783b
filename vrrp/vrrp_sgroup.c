/* vrrp/vrrp_sgroup.c - sync groups of the VRRP child (see vrrp_sgroup.h). */
#include "vrrp/vrrp_sgroup.h"

#include <stdlib.h>
#include <string.h>
#include "lib/log.h"
#include "lib/mono.h"
#include "vrrp/vrrp_hooks.h"
#include "vrrp/vrrp_notify.h"

#define SG_MAX_MEMBERS 32
#define SG_MAX_PENDING 64

struct sg_group {
	char *name;
	char what[96];
	enum vrrp_fsm_state state;      /* last settled group state (INIT: none yet) */
	struct vrrp_notify_q nq;
	struct sg_group *next;
};

struct sg_pending {
	struct vrrp_inst *vi;
	enum vrrp_fsm_state from;
};

struct vrrp_sgroups {
	struct vrrp_child *vc;
	struct sg_group *groups;
	int busy;
	struct sg_pending pend[SG_MAX_PENDING];
	size_t npend;
};

enum vrrp_fsm_state vrrp_sgroup_state(const enum vrrp_fsm_state *st, size_t n)
{
	size_t live = 0, master = 0, backup = 0, stop = 0;

	for (size_t i = 0; i < n; i++) {
		if (st[i] == VRRP_FSM_FAULT)
			return VRRP_FSM_FAULT;
		if (st[i] == VRRP_FSM_STOP)
			stop++;
		if (st[i] == VRRP_FSM_INIT || st[i] == VRRP_FSM_STOP)
			continue;
		live++;
		master += st[i] == VRRP_FSM_MASTER;
		backup += st[i] == VRRP_FSM_BACKUP;
	}
	if (n && stop == n)
		return VRRP_FSM_STOP;
	if (live && master == live)
		return VRRP_FSM_MASTER;
	if (live && backup == live)
		return VRRP_FSM_BACKUP;
	return VRRP_FSM_INIT;
}

struct vrrp_sgroups *vrrp_sgroups_new(struct vrrp_child *vc)
{
	struct vrrp_sgroups *sg = calloc(1, sizeof(*sg));

	if (sg)
		sg->vc = vc;
	return sg;
}

void vrrp_sgroups_free(struct vrrp_sgroups *sg)
{
	struct sg_group *g;

	if (!sg)
		return;
	while ((g = sg->groups)) {
		sg->groups = g->next;
		vrrp_notify_q_free(&g->nq);
		free(g->name);
		free(g);
	}
	free(sg);
}

static struct sg_group *group_get(struct vrrp_sgroups *sg, const char *name)
{
	struct sg_group *g;

	for (g = sg->groups; g; g = g->next)
		if (!strcmp(g->name, name))
			return g;
	g = calloc(1, sizeof(*g));
	if (!g || !(g->name = strdup(name))) {
		free(g);
		return NULL;
	}
	snprintf(g->what, sizeof(g->what), "vrrp_sync_group %s", name);
	vrrp_notify_q_init(&g->nq, &sg->vc->ext->nenv, g->what, VRRP_NOTIFY_TIMEOUT_US);
	g->next = sg->groups;
	sg->groups = g;
	return g;
}

static const struct vrrp_sync_group_conf *group_conf(const struct vrrp_child *vc, const char *name)
{
	const struct vrrp_conf *c = vc->cfg ? vc->cfg->vrrp : NULL;

	for (size_t i = 0; c && i < c->ngroups; i++)
		if (!strcmp(c->groups[i]->name, name))
			return c->groups[i];
	return NULL;
}

static size_t members_of(struct vrrp_child *vc, const char *group, struct vrrp_inst **mv)
{
	size_t n = 0;

	for (struct vrrp_child_inst *ci = vc->head; ci && n < SG_MAX_MEMBERS; ci = ci->next)
		if (ci->vi.group && !strcmp(ci->vi.group, group))
			mv[n++] = &ci->vi;
	return n;
}

/* the group reached a new settled state: event and notify */
static void group_settle(struct vrrp_sgroups *sg, const char *name, struct vrrp_inst *trigger)
{
	struct vrrp_inst *mv[SG_MAX_MEMBERS];
	enum vrrp_fsm_state st[SG_MAX_MEMBERS], gs;
	size_t n = members_of(sg->vc, name, mv);
	struct sg_group *g = group_get(sg, name);
	const struct vrrp_sync_group_conf *gc = group_conf(sg->vc, name);
	const struct vrrp_notify *spec = NULL;
	struct vrrp_hooks_inst *h = trigger->user ? ((struct vrrp_child_inst *)trigger->user)->ext
	                                          : NULL;
	json_object *ev;

	for (size_t i = 0; i < n; i++)
		st[i] = mv[i]->st.state;
	gs = vrrp_sgroup_state(st, n);
	if (!g || gs == VRRP_FSM_INIT || gs == g->state)
		return;
	ev = json_object_new_object();
	json_object_object_add(ev, "type", json_object_new_string("vrrp.group"));
	json_object_object_add(ev, "group", json_object_new_string(name));
	json_object_object_add(ev, "from", json_object_new_string(vrrp_fsm_state_name(g->state)));
	json_object_object_add(ev, "to", json_object_new_string(vrrp_fsm_state_name(gs)));
	json_object_object_add(ev, "trigger", json_object_new_string(trigger->conf->name));
	if (h)
		json_object_object_add(ev, "reason",
		                       json_object_new_string(vrrp_fsm_reason_name(h->last_reason)));
	dir_part_emit(sg->vc->ctx, ev);
	tdm_log_notice("%s: %s -> %s", g->what, vrrp_fsm_state_name(g->state),
	               vrrp_fsm_state_name(gs));
	g->state = gs;
	if (!gc)
		return;
	switch (gs) {
	case VRRP_FSM_MASTER: spec = &gc->notify_master; break;
	case VRRP_FSM_BACKUP: spec = &gc->notify_backup; break;
	case VRRP_FSM_FAULT: spec = &gc->notify_fault; break;
	case VRRP_FSM_STOP: spec = &gc->notify_stop; break;
	default: break;
	}
	g->nq.timeout_us = vrrp_notify_timeout(gc->node);
	vrrp_notify_state(&g->nq, "GROUP", name, vrrp_fsm_state_name(gs), -1, spec, &gc->notify);
}

static void drive_one(struct vrrp_sgroups *sg, struct vrrp_inst *vi, enum vrrp_fsm_state from,
                      uint64_t now)
{
	struct vrrp_inst *mv[SG_MAX_MEMBERS];
	struct vrrp_fsm_group_member m[SG_MAX_MEMBERS];
	struct vrrp_fsm_group_move mo[SG_MAX_MEMBERS];
	size_t n = members_of(sg->vc, vi->group, mv), trig = n, nm;

	for (size_t i = 0; i < n; i++) {
		m[i].state = mv[i]->st.state;
		m[i].own_fault = mv[i]->st.fault;
		if (mv[i] == vi)
			trig = i;
	}
	if (trig == n)
		return;
	nm = vrrp_fsm_group_decide(m, n, trig, from, mo, SG_MAX_MEMBERS);
	for (size_t i = 0; i < nm; i++)
		vrrp_inst_event(mv[mo[i].member], mo[i].event, now);   /* queues their steps */
}

void vrrp_sgroup_on_step(void *arg, struct vrrp_inst *vi, enum vrrp_fsm_state from)
{
	struct vrrp_child *vc = arg;
	struct vrrp_sgroups *sg = vc->ext ? vc->ext->sg : NULL;
	uint64_t now = tdm_mono_ns();

	if (!sg || !vi->group)
		return;
	if (sg->npend < SG_MAX_PENDING)
		sg->pend[sg->npend++] = (struct sg_pending){ vi, from };
	else
		tdm_log_err("vrrp_sync_group %s: too many moves at once", vi->group);
	if (sg->busy)
		return;
	sg->busy = 1;
	for (size_t k = 0; k < sg->npend && k < 4 * SG_MAX_PENDING; k++)
		drive_one(sg, sg->pend[k].vi, sg->pend[k].from, now);
	for (size_t k = 0; k < sg->npend; k++)
		if (sg->pend[k].vi->group)
			group_settle(sg, sg->pend[k].vi->group, sg->pend[k].vi);
	sg->npend = 0;
	sg->busy = 0;
}
