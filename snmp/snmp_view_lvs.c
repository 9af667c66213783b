/* snmp/snmp_view_lvs.c - the LVS side of the monitoring view: real servers from "rs.state"
 * ({vs, rs, up, weight, cfg_weight, reason, snmp_name, vs_snmp_name}), virtual-server quorum
 * from "vs.quorum" ({vs, up, live_weight, sorry, snmp_name}), connections and traffic from
 * "ipvs.stats" ({vs:[..], rs:[..]}) events of the check part, and their part of the view
 * snapshot. */
#include "snmp/snmp_view_int.h"

#include <stdio.h>
#include <string.h>

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

static int get_bool(json_object *ev, const char *key, int *out)
{
	json_object *b = snmp_view_get(ev, key);

	if (!b || !json_object_is_type(b, json_type_boolean))
		return -1;
	*out = json_object_get_boolean(b);
	return 0;
}

static double event_time(json_object *ev)
{
	double t = snmp_iso_to_unix(snmp_view_get_str(ev, "ts")), num;

	if (t <= 0 && snmp_view_get_num(ev, "last_change", &num) == 0)
		t = num;
	return t > 0 ? t : 0;
}

int snmp_view_rs_event(struct snmp_view *v, json_object *ev)
{
	const char *name = snmp_view_get_str(ev, "rs"), *s;
	struct snmp_view_rs *r;
	double num;
	int up;

	if (!name || get_bool(ev, "up", &up) < 0)
		return 0;
	r = snmp_sorted_get((void **)&v->rs, &v->nrs, &v->rs_cap, sizeof(*r), name,
	                    sizeof(r->name), SNMP_VIEW_SRV_MAX);
	if (!r)
		return 0;
	if (r->last_change != 0 && r->up != up)
		r->transitions++;
	r->up = up;
	r->weight = snmp_view_get_num(ev, "weight", &num) == 0 ? (int)num : -1;
	r->cfg_weight = snmp_view_get_num(ev, "cfg_weight", &num) == 0 ? (int)num : -1;
	copy(r->snmp_name, sizeof(r->snmp_name), snmp_view_get_str(ev, "snmp_name"));
	if ((s = snmp_view_get_str(ev, "vs"))) {
		struct snmp_view_vs *q;

		copy(r->vs, sizeof(r->vs), s);
		/* every virtual server gets a row, with or without quorum settings */
		q = snmp_sorted_get((void **)&v->vs, &v->nvs, &v->vs_cap, sizeof(*v->vs), s,
		                    sizeof(v->vs->name), SNMP_VIEW_SRV_MAX);
		if (q)
			copy(q->snmp_name, sizeof(q->snmp_name), snmp_view_get_str(ev, "vs_snmp_name"));
	}
	copy(r->reason, sizeof(r->reason), snmp_view_get_str(ev, "reason"));
	r->last_change = event_time(ev);
	if (!r->last_change)
		r->last_change = -1;    /* seen, time unknown */
	return 1;
}

int snmp_view_vs_event(struct snmp_view *v, json_object *ev)
{
	const char *name = snmp_view_get_str(ev, "vs");
	struct snmp_view_vs *q;
	double num;
	int up, sorry = 0;

	if (!name || get_bool(ev, "up", &up) < 0)
		return 0;
	q = snmp_sorted_get((void **)&v->vs, &v->nvs, &v->vs_cap, sizeof(*q), name,
	                    sizeof(q->name), SNMP_VIEW_SRV_MAX);
	if (!q)
		return 0;
	if (q->last_change != 0 && q->quorum_up != up)
		q->transitions++;
	q->quorum_up = up;
	q->reported = 1;
	q->live_weight = snmp_view_get_num(ev, "live_weight", &num) == 0 ? (int64_t)num : 0;
	get_bool(ev, "sorry", &sorry);
	q->sorry = sorry;
	copy(q->snmp_name, sizeof(q->snmp_name), snmp_view_get_str(ev, "snmp_name"));
	q->last_change = event_time(ev);
	if (!q->last_change)
		q->last_change = -1;
	return 1;
}

static void get_stats(json_object *e, uint64_t *conns, uint64_t *inpkts, uint64_t *outpkts,
                      uint64_t *inbytes, uint64_t *outbytes)
{
	*conns = snmp_view_get_u64(e, "conns", *conns);
	*inpkts = snmp_view_get_u64(e, "inpkts", *inpkts);
	*outpkts = snmp_view_get_u64(e, "outpkts", *outpkts);
	*inbytes = snmp_view_get_u64(e, "inbytes", *inbytes);
	*outbytes = snmp_view_get_u64(e, "outbytes", *outbytes);
}

static void put_stats(json_object *e, uint64_t conns, uint64_t inpkts, uint64_t outpkts,
                      uint64_t inbytes, uint64_t outbytes)
{
	json_object_object_add(e, "conns", json_object_new_uint64(conns));
	json_object_object_add(e, "inpkts", json_object_new_uint64(inpkts));
	json_object_object_add(e, "outpkts", json_object_new_uint64(outpkts));
	json_object_object_add(e, "inbytes", json_object_new_uint64(inbytes));
	json_object_object_add(e, "outbytes", json_object_new_uint64(outbytes));
}

static int ipvs_rs(struct snmp_view *v, json_object *e)
{
	const char *name = snmp_view_get_str(e, "rs");
	struct snmp_view_rs *r = name ? snmp_sorted_find(v->rs, v->nrs, sizeof(*v->rs), name,
	                                                 NULL) : NULL;
	double num;

	if (!r)
		return 0;           /* rows come from rs.state */
	r->have_ipvs = 1;
	if (snmp_view_get_num(e, "weight", &num) == 0)
		r->ipvs_weight = (int)num;
	r->active = snmp_view_get_u64(e, "active", r->active);
	r->inactive = snmp_view_get_u64(e, "inactive", r->inactive);
	get_stats(e, &r->conns, &r->inpkts, &r->outpkts, &r->inbytes, &r->outbytes);
	return 1;
}

static int ipvs_vs(struct snmp_view *v, json_object *e)
{
	const char *name = snmp_view_get_str(e, "vs");
	struct snmp_view_vs *q;

	if (!name)
		return 0;
	q = snmp_sorted_get((void **)&v->vs, &v->nvs, &v->vs_cap, sizeof(*q), name,
	                    sizeof(q->name), SNMP_VIEW_SRV_MAX);
	if (!q)
		return 0;
	q->have_ipvs = 1;
	get_stats(e, &q->conns, &q->inpkts, &q->outpkts, &q->inbytes, &q->outbytes);
	return 1;
}

int snmp_view_ipvs_event(struct snmp_view *v, json_object *ev)
{
	json_object *rs = snmp_view_get(ev, "rs"), *vs = snmp_view_get(ev, "vs");
	int changed = 0;

	for (size_t i = 0; vs && json_object_is_type(vs, json_type_array) &&
	     i < json_object_array_length(vs); i++)
		changed |= ipvs_vs(v, json_object_array_get_idx(vs, i));
	for (size_t i = 0; rs && json_object_is_type(rs, json_type_array) &&
	     i < json_object_array_length(rs); i++)
		changed |= ipvs_rs(v, json_object_array_get_idx(rs, i));
	return changed;
}

void snmp_view_vs_quorum(const struct snmp_view *v, const struct snmp_view_vs *q,
                         int64_t *live_weight, int *up)
{
	int64_t live = 0;

	if (q->reported) {
		*live_weight = q->live_weight;
		*up = q->quorum_up;
		return;
	}
	for (size_t i = 0; i < v->nrs; i++)
		if (v->rs[i].up && v->rs[i].weight > 0 && !strcmp(v->rs[i].vs, q->name))
			live += v->rs[i].weight;
	*live_weight = live;
	*up = live >= 1;
}

const struct snmp_view_rs *snmp_view_rs_find(const struct snmp_view *v, const char *name)
{
	return snmp_sorted_find(v->rs, v->nrs, sizeof(*v->rs), name, NULL);
}

const struct snmp_view_vs *snmp_view_vs_find(const struct snmp_view *v, const char *name)
{
	return snmp_sorted_find(v->vs, v->nvs, sizeof(*v->vs), name, NULL);
}

void snmp_view_lvs_json(const struct snmp_view *v, json_object *o)
{
	json_object *rs = json_object_new_array(), *vs = json_object_new_array();

	for (size_t i = 0; i < v->nrs; i++) {
		const struct snmp_view_rs *r = &v->rs[i];
		json_object *e = json_object_new_object();

		json_object_object_add(e, "rs", json_object_new_string(r->name));
		json_object_object_add(e, "vs", json_object_new_string(r->vs));
		json_object_object_add(e, "up", json_object_new_boolean(r->up));
		json_object_object_add(e, "weight", json_object_new_int(r->weight));
		json_object_object_add(e, "reason", json_object_new_string(r->reason));
		json_object_object_add(e, "transitions", json_object_new_uint64(r->transitions));
		json_object_object_add(e, "last_change", json_object_new_double(r->last_change));
		json_object_object_add(e, "cfg_weight", json_object_new_int(r->cfg_weight));
		if (r->snmp_name[0])
			json_object_object_add(e, "snmp_name", json_object_new_string(r->snmp_name));
		if (r->have_ipvs) {
			json_object *st = json_object_new_object();

			json_object_object_add(st, "rs", json_object_new_string(r->name));
			json_object_object_add(st, "weight", json_object_new_int(r->ipvs_weight));
			json_object_object_add(st, "active", json_object_new_uint64(r->active));
			json_object_object_add(st, "inactive", json_object_new_uint64(r->inactive));
			put_stats(st, r->conns, r->inpkts, r->outpkts, r->inbytes, r->outbytes);
			json_object_object_add(e, "ipvs", st);
		}
		json_object_array_add(rs, e);
	}
	for (size_t i = 0; i < v->nvs; i++) {
		const struct snmp_view_vs *q = &v->vs[i];
		json_object *e = json_object_new_object();

		json_object_object_add(e, "vs", json_object_new_string(q->name));
		json_object_object_add(e, "up", json_object_new_boolean(q->quorum_up));
		json_object_object_add(e, "live_weight", json_object_new_int64(q->live_weight));
		json_object_object_add(e, "sorry", json_object_new_boolean(q->sorry));
		json_object_object_add(e, "transitions", json_object_new_uint64(q->transitions));
		json_object_object_add(e, "last_change", json_object_new_double(q->last_change));
		json_object_object_add(e, "reported", json_object_new_boolean(q->reported));
		if (q->snmp_name[0])
			json_object_object_add(e, "snmp_name", json_object_new_string(q->snmp_name));
		if (q->have_ipvs) {
			json_object *st = json_object_new_object();

			json_object_object_add(st, "vs", json_object_new_string(q->name));
			put_stats(st, q->conns, q->inpkts, q->outpkts, q->inbytes, q->outbytes);
			json_object_object_add(e, "ipvs", st);
		}
		json_object_array_add(vs, e);
	}
	json_object_object_add(o, "rs", rs);
	json_object_object_add(o, "vs", vs);
}

void snmp_view_lvs_load(struct snmp_view *v, json_object *o)
{
	json_object *rs = snmp_view_get(o, "rs"), *vs = snmp_view_get(o, "vs");

	v->nrs = v->nvs = 0;
	for (size_t i = 0; rs && json_object_is_type(rs, json_type_array) &&
	     i < json_object_array_length(rs); i++) {
		json_object *e = json_object_array_get_idx(rs, i);
		struct snmp_view_rs *r;

		if (snmp_view_rs_event(v, e) &&
		    (r = (struct snmp_view_rs *)snmp_view_rs_find(v, snmp_view_get_str(e, "rs")))) {
			r->transitions = snmp_view_get_u64(e, "transitions", 0);
			if (snmp_view_get(e, "ipvs"))
				ipvs_rs(v, snmp_view_get(e, "ipvs"));
		}
	}
	for (size_t i = 0; vs && json_object_is_type(vs, json_type_array) &&
	     i < json_object_array_length(vs); i++) {
		json_object *e = json_object_array_get_idx(vs, i);
		struct snmp_view_vs *q;

		const char *name = snmp_view_get_str(e, "vs");
		json_object *rep = snmp_view_get(e, "reported");

		if (rep && !json_object_get_boolean(rep)) {
			/* a row without quorum settings: only its name and its IPVS figures */
			if (name && (q = snmp_sorted_get((void **)&v->vs, &v->nvs, &v->vs_cap,
			                                 sizeof(*q), name, sizeof(q->name),
			                                 SNMP_VIEW_SRV_MAX)))
				copy(q->snmp_name, sizeof(q->snmp_name), snmp_view_get_str(e, "snmp_name"));
		} else if (snmp_view_vs_event(v, e) &&
		           (q = (struct snmp_view_vs *)snmp_view_vs_find(v, name))) {
			q->transitions = snmp_view_get_u64(e, "transitions", 0);
		}
		if (snmp_view_get(e, "ipvs"))
			ipvs_vs(v, snmp_view_get(e, "ipvs"));
	}
}
