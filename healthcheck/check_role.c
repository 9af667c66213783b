/* healthcheck/check_role.c - the role-aware option (global_defs checks_follow_vrrp INSTANCE):
 * follows one VRRP instance's state from the event feed and says whether health checks and
 * IPVS changes may run (only while it is MASTER). Until the instance's state is known the
 * checks are paused. */
#include <stdio.h>
#include <string.h>
#include "healthcheck/check_role.h"
#include "lib/json_get.h"

static int set_active(struct check_role *r)
{
	int was = r->active;

	r->active = !r->instance[0] || !strcmp(r->state, "MASTER");
	return was != r->active;
}

int check_role_config(struct check_role *r, const struct tdm_config *cfg)
{
	const struct tdm_cnode *g = NULL, *n = NULL;
	char name[sizeof(r->instance)] = "";

	for (const struct tdm_cnode *t = cfg && cfg->root ? cfg->root->child : NULL; t; t = t->next)
		if (!strcmp(t->kw, "global_defs"))
			g = t;
	if (g)
		n = tdm_cnode_find(g, "checks_follow_vrrp");
	if (n && n->argc)
		snprintf(name, sizeof(name), "%s", n->argv[0]);
	if (strcmp(name, r->instance)) {
		snprintf(r->instance, sizeof(r->instance), "%s", name);
		r->state[0] = '\0';
	}
	return set_active(r);
}

static void take(struct check_role *r, json_object *e)
{
	const char *inst = tdm_json_str(e, "instance"), *to = tdm_json_str(e, "to");

	if (inst && to && !strcmp(inst, r->instance))
		snprintf(r->state, sizeof(r->state), "%s", to);
}

int check_role_event(struct check_role *r, json_object *ev)
{
	const char *type = tdm_json_str(ev, "type");
	json_object *view, *arr;

	if (!r->instance[0] || !type)
		return 0;
	if (!strcmp(type, "vrrp.state")) {
		take(r, ev);
	} else if (!strcmp(type, "feed.state") && json_object_object_get_ex(ev, "view", &view) &&
		   json_object_object_get_ex(view, "vrrp", &arr) &&
		   json_object_is_type(arr, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(arr); i++)
			take(r, json_object_array_get_idx(arr, i));
	}
	return set_active(r);
}

json_object *check_role_json(const struct check_role *r)
{
	json_object *o;

	if (!r->instance[0])
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "follow", json_object_new_string(r->instance));
	json_object_object_add(o, "vrrp_state", json_object_new_string(r->state[0] ? r->state : "unknown"));
	json_object_object_add(o, "paused", json_object_new_boolean(!r->active));
	return o;
}
