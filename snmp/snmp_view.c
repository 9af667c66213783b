/* snmp/snmp_view.c - builds the monitoring view from the parent's status object and events
 * (daemon, children, reloads, event counts, VRRP instances from "vrrp.state"). */
#include "snmp/snmp_view.h"
#include "snmp/snmp_view_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char *const child_states[] = {
	[SNMP_CHILD_STOPPED] = "stopped", [SNMP_CHILD_STARTING] = "starting",
	[SNMP_CHILD_RUNNING] = "running", [SNMP_CHILD_RESTARTING] = "restarting",
};

static const char *const vrrp_states[] = {
	[SNMP_VRRP_INIT] = "INIT", [SNMP_VRRP_BACKUP] = "BACKUP", [SNMP_VRRP_MASTER] = "MASTER",
	[SNMP_VRRP_FAULT] = "FAULT", [SNMP_VRRP_STOP] = "STOP",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const char *snmp_child_state_name(int state)
{
	return state > 0 && (size_t)state < NELEM(child_states) ? child_states[state] : "unknown";
}

const char *snmp_vrrp_state_name(int state)
{
	return state > 0 && (size_t)state < NELEM(vrrp_states) ? vrrp_states[state] : "unknown";
}

int snmp_child_state_parse(const char *s)
{
	for (size_t i = 1; s && i < NELEM(child_states); i++)
		if (!strcasecmp(s, child_states[i]))
			return (int)i;
	return 0;
}

int snmp_vrrp_state_parse(const char *s)
{
	if (!s)
		return 0;
	for (size_t i = 1; i < NELEM(vrrp_states); i++)
		if (!strcasecmp(s, vrrp_states[i]))
			return (int)i;
	if (!strcasecmp(s, "STOPPED"))
		return SNMP_VRRP_STOP;
	if (!strcasecmp(s, "INITIALIZE"))
		return SNMP_VRRP_INIT;
	return 0;
}

double snmp_iso_to_unix(const char *s)
{
	struct tm tm;
	const char *p;
	double frac = 0;
	time_t t;

	if (!s)
		return -1;
	memset(&tm, 0, sizeof(tm));
	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return -1;
	if (*p == '.') {
		double scale = 0.1;

		for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
			frac += (*p - '0') * scale;
	}
	if (*p != 'Z' || p[1])
		return -1;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	return (double)t + frac;
}

void snmp_view_init(struct snmp_view *v)
{
	memset(v, 0, sizeof(*v));
}

void snmp_view_free(struct snmp_view *v)
{
	free(v->vrrp);
	free(v->rs);
	free(v->vs);
	free(v->grp);
	free(v->chk);
	free(v->peer);
	memset(v, 0, sizeof(*v));
}

void snmp_view_reset_events(struct snmp_view *v)
{
	v->nvrrp = 0;
	v->nrs = v->nvs = 0;
	v->ngrp = v->nchk = v->npeer = 0;
	v->have_relay = 0;
	v->relay_sent = v->relay_received = v->relay_resends = 0;
	v->relay_rejects = v->relay_resyncs = 0;
	v->reloads_ok = v->reloads_failed = 0;
	v->nevtypes = 0;
	v->events_other = 0;
	v->changes++;
}

json_object *snmp_view_get(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

const char *snmp_view_get_str(json_object *o, const char *key)
{
	json_object *v = snmp_view_get(o, key);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

int snmp_view_get_num(json_object *o, const char *key, double *out)
{
	json_object *v = snmp_view_get(o, key);

	if (!v || !(json_object_is_type(v, json_type_int) ||
	            json_object_is_type(v, json_type_double)))
		return -1;
	*out = json_object_get_double(v);
	return 0;
}

uint64_t snmp_view_get_u64(json_object *o, const char *key, uint64_t dflt)
{
	json_object *v = snmp_view_get(o, key);

	if (!v || !json_object_is_type(v, json_type_int))
		return dflt;
	return json_object_get_uint64(v);
}

#define get snmp_view_get
#define get_str snmp_view_get_str
#define get_num snmp_view_get_num
#define get_u64 snmp_view_get_u64

void *snmp_sorted_find(void *arr, size_t n, size_t esz, const char *name, size_t *pos)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp((const char *)arr + mid * esz, name);

		if (!c) {
			if (pos)
				*pos = mid;
			return (char *)arr + mid * esz;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (pos)
		*pos = lo;
	return NULL;
}

void *snmp_sorted_get(void **arr, size_t *n, size_t *cap, size_t esz, const char *name,
                      size_t name_cap, size_t max)
{
	size_t pos;
	char *e = snmp_sorted_find(*arr, *n, esz, name, &pos);

	if (e)
		return e;
	if (!*name || strlen(name) >= name_cap || *n >= max)
		return NULL;
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		void *na = realloc(*arr, ncap * esz);

		if (!na)
			return NULL;
		*arr = na;
		*cap = ncap;
	}
	e = (char *)*arr + pos * esz;
	memmove(e + esz, e, (*n - pos) * esz);
	memset(e, 0, esz);
	memcpy(e, name, strlen(name) + 1);
	(*n)++;
	return e;
}

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

int snmp_view_set_status(struct snmp_view *v, json_object *status)
{
	json_object *dm = get(status, "daemon"), *kids = get(status, "children");
	json_object *lr = get(dm, "last_reload");
	double num;

	if (!dm || !json_object_is_type(dm, json_type_object))
		return -1;
	copy(v->version, sizeof(v->version), get_str(dm, "version"));
	v->pid = (int)get_u64(dm, "pid", 0);
	v->generation = get_u64(dm, "generation", 0);
	v->started = snmp_iso_to_unix(get_str(dm, "started"));
	if (v->started < 0)
		v->started = 0;
	v->uptime_s = get_num(dm, "uptime_s", &num) == 0 ? num : 0;
	if (get_u64(dm, "event_seq", 0) > v->event_seq)
		v->event_seq = get_u64(dm, "event_seq", 0);
	if (lr) {
		json_object *ok = get(lr, "ok");

		v->reload_ok = ok && json_object_get_boolean(ok);
		v->reload_generation = get_u64(lr, "generation", 0);
		v->reload_time = snmp_iso_to_unix(get_str(lr, "time"));
		if (v->reload_time < 0)
			v->reload_time = 0;
		copy(v->reload_error, sizeof(v->reload_error), get_str(lr, "error"));
	}
	v->nchildren = 0;
	if (kids && json_object_is_type(kids, json_type_array)) {
		size_t n = json_object_array_length(kids);

		for (size_t i = 0; i < n && v->nchildren < SNMP_VIEW_CHILDREN; i++) {
			json_object *c = json_object_array_get_idx(kids, i);
			struct snmp_view_child *vc = &v->children[v->nchildren];

			if (!get_str(c, "name"))
				continue;
			copy(vc->name, sizeof(vc->name), get_str(c, "name"));
			vc->pid = (int)get_u64(c, "pid", 0);
			vc->state = snmp_child_state_parse(get_str(c, "state"));
			if (!vc->state)
				vc->state = SNMP_CHILD_STOPPED;
			vc->restarts = (unsigned)get_u64(c, "restarts", 0);
			vc->generation = get_u64(c, "generation", 0);
			vc->uptime_s = get_num(c, "uptime_s", &num) == 0 ? num : 0;
			v->nchildren++;
		}
	}
	v->have_status = 1;
	v->changes++;
	return 0;
}

static void count_type(struct snmp_view *v, const char *type)
{
	for (unsigned i = 0; i < v->nevtypes; i++)
		if (!strcmp(v->evtypes[i].type, type)) {
			v->evtypes[i].count++;
			return;
		}
	if (v->nevtypes < SNMP_VIEW_EVTYPES && strlen(type) < sizeof(v->evtypes[0].type)) {
		copy(v->evtypes[v->nevtypes].type, sizeof(v->evtypes[0].type), type);
		v->evtypes[v->nevtypes++].count = 1;
		return;
	}
	v->events_other++;
}

static struct snmp_view_vrrp *vrrp_lookup(const struct snmp_view *v, const char *name)
{
	return snmp_sorted_find(v->vrrp, v->nvrrp, sizeof(*v->vrrp), name, NULL);
}

const struct snmp_view_vrrp *snmp_view_vrrp_find(const struct snmp_view *v, const char *name)
{
	return vrrp_lookup(v, name);
}

static int vrrp_event(struct snmp_view *v, json_object *ev)
{
	const char *name = get_str(ev, "instance"), *st, *ifn;
	struct snmp_view_vrrp *vi;
	json_object *sv;
	double num;
	size_t n;
	int state = 0;

	if (!name || !*name || strlen(name) >= SNMP_VIEW_NAME)
		return 0;
	/* the VRRP part sends "to" (and "from"); "state" is accepted too */
	sv = get(ev, "to") ? get(ev, "to") : get(ev, "state");
	if (sv && json_object_is_type(sv, json_type_int))
		state = json_object_get_int(sv);
	else if (sv && json_object_is_type(sv, json_type_string))
		state = snmp_vrrp_state_parse(json_object_get_string(sv));
	if (state < SNMP_VRRP_INIT || state > SNMP_VRRP_STOP)
		return 0;
	n = v->nvrrp;
	vi = snmp_sorted_get((void **)&v->vrrp, &v->nvrrp, &v->vrrp_cap, sizeof(*vi), name,
	                     sizeof(vi->name), SNMP_VIEW_VRRP_MAX);
	if (!vi)
		return 0;
	if (v->nvrrp != n)             /* new */
		vi->priority = vi->vrid = -1;
	if (vi->state != state)
		vi->transitions++;
	vi->state = state;
	if (get_num(ev, "prio", &num) == 0 || get_num(ev, "priority", &num) == 0)
		vi->priority = (int)num;
	if ((st = get_str(ev, "reason")))
		copy(vi->reason, sizeof(vi->reason), st);
	if ((st = get_str(ev, "group")))
		copy(vi->group, sizeof(vi->group), st);
	if (get_num(ev, "vrid", &num) == 0)
		vi->vrid = (int)num;
	if ((ifn = get_str(ev, "interface")))
		copy(vi->iface, sizeof(vi->iface), ifn);
	num = snmp_iso_to_unix(get_str(ev, "ts"));
	if (num > 0)
		vi->last_change = num;
	return 1;
}

int snmp_view_event(struct snmp_view *v, json_object *ev, int live)
{
	const char *type = get_str(ev, "type");
	uint64_t seq = get_u64(ev, "seq", 0);
	int changed = 0;

	if (!type)
		return 0;
	if (seq > v->event_seq) {
		v->event_seq = seq;
		changed = 1;
	}
	if (live) {
		count_type(v, type);
		changed = 1;
	}
	if (!strcmp(type, "config.reload") && live) {
		json_object *ok = get(ev, "ok");

		if (ok && json_object_get_boolean(ok))
			v->reloads_ok++;
		else
			v->reloads_failed++;
	} else if (!strcmp(type, "vrrp.state")) {
		changed |= vrrp_event(v, ev);
	} else if (!strcmp(type, "rs.state")) {
		changed |= snmp_view_rs_event(v, ev);
	} else if (!strcmp(type, "vs.quorum")) {
		changed |= snmp_view_vs_event(v, ev);
	} else if (!strcmp(type, "ipvs.stats")) {
		changed |= snmp_view_ipvs_event(v, ev);
	} else if (!strcmp(type, "vrrp.stats")) {
		changed |= snmp_view_vrrp_stats_event(v, ev);
	} else if (!strcmp(type, "vrrp.group")) {
		changed |= snmp_view_group_event(v, ev);
	} else if (!strcmp(type, "check.result")) {
		changed |= snmp_view_chk_event(v, ev);
	} else if (!strncmp(type, "sync.", 5)) {
		changed |= snmp_view_sync_event(v, type, ev);
	}
	if (changed)
		v->changes++;
	return changed;
}

json_object *snmp_view_events_json(const struct snmp_view *v)
{
	json_object *o = json_object_new_object(), *arr = json_object_new_array();

	for (size_t i = 0; i < v->nvrrp; i++) {
		const struct snmp_view_vrrp *vi = &v->vrrp[i];
		json_object *e = json_object_new_object();

		json_object_object_add(e, "instance", json_object_new_string(vi->name));
		json_object_object_add(e, "to", json_object_new_string(
			snmp_vrrp_state_name(vi->state)));
		json_object_object_add(e, "prio", json_object_new_int(vi->priority));
		json_object_object_add(e, "vrid", json_object_new_int(vi->vrid));
		json_object_object_add(e, "interface", json_object_new_string(vi->iface));
		json_object_object_add(e, "reason", json_object_new_string(vi->reason));
		json_object_object_add(e, "group", json_object_new_string(vi->group));
		json_object_object_add(e, "transitions", json_object_new_uint64(vi->transitions));
		json_object_object_add(e, "last_change", json_object_new_double(vi->last_change));
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "vrrp", arr);
	snmp_view_lvs_json(v, o);
	snmp_view_ext_json(v, o);
	snmp_view_sync_json(v, o);
	return o;
}

int snmp_view_load_events(struct snmp_view *v, json_object *o)
{
	json_object *arr = get(o, "vrrp");
	size_t n;

	if (!arr || !json_object_is_type(arr, json_type_array))
		return -1;
	v->nvrrp = 0;
	n = json_object_array_length(arr);
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(arr, i);
		const char *name = get_str(e, "instance");
		struct snmp_view_vrrp *vi;
		double num;

		if (!vrrp_event(v, e) || !name || !(vi = vrrp_lookup(v, name)))
			continue;
		if (get_num(e, "prio", &num) == 0 && num < 0)
			vi->priority = -1;
		if (get_num(e, "vrid", &num) == 0 && num < 0)
			vi->vrid = -1;
		vi->transitions = get_u64(e, "transitions", vi->transitions);
		if (get_num(e, "last_change", &num) == 0)
			vi->last_change = num;
	}
	snmp_view_lvs_load(v, o);
	snmp_view_ext_load(v, o);
	snmp_view_sync_load(v, o);
	v->changes++;
	return 0;
}
