/* snmp/snmp_view_ext.c - the monitoring view's VRRP extras and checkers: instance counters,
 * peers and drops by reason from "vrrp.stats", sync groups from "vrrp.group", checker
 * instances from "check.result"; and their part of the view snapshot. */
#include "snmp/snmp_view_int.h"

#include <stdio.h>
#include <string.h>

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

static double event_time(json_object *ev)
{
	double t = snmp_iso_to_unix(snmp_view_get_str(ev, "ts")), num;

	if (t <= 0 && snmp_view_get_num(ev, "last_change", &num) == 0)
		t = num;
	return t > 0 ? t : -1;      /* -1: seen, time unknown */
}

/* the index of a drop reason in v->drop_names (added when new); -1 when full */
static int drop_index(struct snmp_view *v, const char *name)
{
	for (unsigned i = 0; i < v->ndrop_names; i++)
		if (!strcmp(v->drop_names[i], name))
			return (int)i;
	if (v->ndrop_names >= SNMP_VIEW_DROPS || strlen(name) >= sizeof(v->drop_names[0]))
		return -1;
	copy(v->drop_names[v->ndrop_names], sizeof(v->drop_names[0]), name);
	return (int)v->ndrop_names++;
}

static int vrrp_stats_one(struct snmp_view *v, json_object *e)
{
	const char *name = snmp_view_get_str(e, "instance");
	struct snmp_view_vrrp *vi = name ? (struct snmp_view_vrrp *)snmp_view_vrrp_find(v, name)
	                                 : NULL;
	json_object *cnt = snmp_view_get(e, "counters"), *drops = snmp_view_get(cnt, "drops");
	double num;

	if (!vi)
		return 0;           /* rows come from vrrp.state; stats only fill them in */
	vi->have_stats = 1;
	if (snmp_view_get_num(e, "peers", &num) == 0 && num >= 0)
		vi->peers = (unsigned)num;
	vi->rx = snmp_view_get_u64(cnt, "rx", vi->rx);
	vi->tx = snmp_view_get_u64(cnt, "tx", vi->tx);
	if (drops && json_object_is_type(drops, json_type_object)) {
		json_object_object_foreach(drops, reason, val) {
			int k = drop_index(v, reason);

			if (k >= 0 && json_object_is_type(val, json_type_int))
				vi->drops[k] = json_object_get_uint64(val);
		}
	}
	return 1;
}

int snmp_view_vrrp_stats_event(struct snmp_view *v, json_object *ev)
{
	json_object *arr = snmp_view_get(ev, "instances");
	int changed = 0;

	if (!arr || !json_object_is_type(arr, json_type_array))
		return 0;
	for (size_t i = 0; i < json_object_array_length(arr); i++)
		changed |= vrrp_stats_one(v, json_object_array_get_idx(arr, i));
	return changed;
}

int snmp_view_group_event(struct snmp_view *v, json_object *ev)
{
	const char *name = snmp_view_get_str(ev, "group"), *s;
	json_object *to = snmp_view_get(ev, "to");
	struct snmp_view_group *g;
	int state = 0;

	if (!name)
		return 0;
	if (to && json_object_is_type(to, json_type_string))
		state = snmp_vrrp_state_parse(json_object_get_string(to));
	else if (to && json_object_is_type(to, json_type_int))
		state = json_object_get_int(to);
	if (state < SNMP_VRRP_INIT || state > SNMP_VRRP_STOP)
		return 0;
	g = snmp_sorted_get((void **)&v->grp, &v->ngrp, &v->grp_cap, sizeof(*g), name,
	                    sizeof(g->name), SNMP_VIEW_VRRP_MAX);
	if (!g)
		return 0;
	if (g->last_change != 0 && g->state != state)
		g->transitions++;
	g->state = state;
	if ((s = snmp_view_get_str(ev, "trigger")))
		copy(g->trigger, sizeof(g->trigger), s);
	if ((s = snmp_view_get_str(ev, "reason")))
		copy(g->reason, sizeof(g->reason), s);
	g->last_change = event_time(ev);
	return 1;
}

int snmp_view_chk_event(struct snmp_view *v, json_object *ev)
{
	const char *name = snmp_view_get_str(ev, "check"), *s;
	json_object *okv = snmp_view_get(ev, "ok");
	struct snmp_view_chk *c;
	double num;
	int ok;

	if (!name || !okv || !json_object_is_type(okv, json_type_boolean))
		return 0;
	ok = json_object_get_boolean(okv);
	c = snmp_sorted_get((void **)&v->chk, &v->nchk, &v->chk_cap, sizeof(*c), name,
	                    sizeof(c->name), SNMP_VIEW_SRV_MAX);
	if (!c)
		return 0;
	if (c->last_change != 0 && c->ok != ok)
		c->transitions++;
	c->ok = ok;
	if ((s = snmp_view_get_str(ev, "kind")))
		copy(c->kind, sizeof(c->kind), s);
	if ((s = snmp_view_get_str(ev, "target")))
		copy(c->target, sizeof(c->target), s);
	copy(c->reason, sizeof(c->reason), snmp_view_get_str(ev, "reason"));
	if (snmp_view_get_num(ev, "latency_ms", &num) == 0 && num >= 0)
		c->latency_ms = num;
	if (snmp_view_get_num(ev, "refs", &num) == 0 && num >= 0)
		c->refs = (unsigned)num;
	c->last_change = event_time(ev);
	return 1;
}

const struct snmp_view_chk *snmp_view_chk_find(const struct snmp_view *v, const char *name)
{
	return snmp_sorted_find(v->chk, v->nchk, sizeof(*v->chk), name, NULL);
}

const struct snmp_view_group *snmp_view_group_find(const struct snmp_view *v, const char *name)
{
	return snmp_sorted_find(v->grp, v->ngrp, sizeof(*v->grp), name, NULL);
}

void snmp_view_ext_json(const struct snmp_view *v, json_object *o)
{
	json_object *st = json_object_new_array(), *grp = json_object_new_array();
	json_object *chk = json_object_new_array(), *dn = json_object_new_array();

	for (unsigned i = 0; i < v->ndrop_names; i++)
		json_object_array_add(dn, json_object_new_string(v->drop_names[i]));
	for (size_t i = 0; i < v->nvrrp; i++) {
		const struct snmp_view_vrrp *vi = &v->vrrp[i];
		json_object *e, *cnt, *d;

		if (!vi->have_stats)
			continue;
		e = json_object_new_object();
		cnt = json_object_new_object();
		d = json_object_new_object();
		json_object_object_add(e, "instance", json_object_new_string(vi->name));
		json_object_object_add(e, "peers", json_object_new_int((int)vi->peers));
		json_object_object_add(cnt, "rx", json_object_new_uint64(vi->rx));
		json_object_object_add(cnt, "tx", json_object_new_uint64(vi->tx));
		for (unsigned k = 0; k < v->ndrop_names; k++)
			json_object_object_add(d, v->drop_names[k], json_object_new_uint64(vi->drops[k]));
		json_object_object_add(cnt, "drops", d);
		json_object_object_add(e, "counters", cnt);
		json_object_array_add(st, e);
	}
	for (size_t i = 0; i < v->ngrp; i++) {
		const struct snmp_view_group *g = &v->grp[i];
		json_object *e = json_object_new_object();

		json_object_object_add(e, "group", json_object_new_string(g->name));
		json_object_object_add(e, "to", json_object_new_string(snmp_vrrp_state_name(g->state)));
		json_object_object_add(e, "trigger", json_object_new_string(g->trigger));
		json_object_object_add(e, "reason", json_object_new_string(g->reason));
		json_object_object_add(e, "transitions", json_object_new_uint64(g->transitions));
		json_object_object_add(e, "last_change", json_object_new_double(g->last_change));
		json_object_array_add(grp, e);
	}
	for (size_t i = 0; i < v->nchk; i++) {
		const struct snmp_view_chk *c = &v->chk[i];
		json_object *e = json_object_new_object();

		json_object_object_add(e, "check", json_object_new_string(c->name));
		json_object_object_add(e, "kind", json_object_new_string(c->kind));
		json_object_object_add(e, "target", json_object_new_string(c->target));
		json_object_object_add(e, "ok", json_object_new_boolean(c->ok));
		json_object_object_add(e, "reason", json_object_new_string(c->reason));
		json_object_object_add(e, "latency_ms", json_object_new_double(c->latency_ms));
		json_object_object_add(e, "refs", json_object_new_int((int)c->refs));
		json_object_object_add(e, "transitions", json_object_new_uint64(c->transitions));
		json_object_object_add(e, "last_change", json_object_new_double(c->last_change));
		json_object_array_add(chk, e);
	}
	json_object_object_add(o, "drop_names", dn);
	json_object_object_add(o, "vrrp_stats", st);
	json_object_object_add(o, "groups", grp);
	json_object_object_add(o, "checks", chk);
}

void snmp_view_ext_load(struct snmp_view *v, json_object *o)
{
	json_object *dn = snmp_view_get(o, "drop_names"), *st = snmp_view_get(o, "vrrp_stats");
	json_object *grp = snmp_view_get(o, "groups"), *chk = snmp_view_get(o, "checks");

	v->ngrp = v->nchk = 0;
	v->ndrop_names = 0;
	for (size_t i = 0; dn && json_object_is_type(dn, json_type_array) &&
	     i < json_object_array_length(dn); i++) {
		json_object *s = json_object_array_get_idx(dn, i);

		if (json_object_is_type(s, json_type_string))
			drop_index(v, json_object_get_string(s));
	}
	for (size_t i = 0; st && json_object_is_type(st, json_type_array) &&
	     i < json_object_array_length(st); i++)
		vrrp_stats_one(v, json_object_array_get_idx(st, i));
	for (size_t i = 0; grp && json_object_is_type(grp, json_type_array) &&
	     i < json_object_array_length(grp); i++) {
		json_object *e = json_object_array_get_idx(grp, i);
		struct snmp_view_group *g;

		if (snmp_view_group_event(v, e) &&
		    (g = (struct snmp_view_group *)snmp_view_group_find(
		             v, snmp_view_get_str(e, "group"))))
			g->transitions = snmp_view_get_u64(e, "transitions", 0);
	}
	for (size_t i = 0; chk && json_object_is_type(chk, json_type_array) &&
	     i < json_object_array_length(chk); i++) {
		json_object *e = json_object_array_get_idx(chk, i);
		struct snmp_view_chk *c;

		if (snmp_view_chk_event(v, e) &&
		    (c = (struct snmp_view_chk *)snmp_view_chk_find(v, snmp_view_get_str(e, "check"))))
			c->transitions = snmp_view_get_u64(e, "transitions", 0);
	}
}
