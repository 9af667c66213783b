/* healthcheck/check_role.h - the role-aware option of the check child: with global_defs
 * `checks_follow_vrrp INSTANCE`, health checks (and IPVS changes) run only while that VRRP
 * instance is MASTER. The state is learnt from the event feed (vrrp.state events and the
 * feed.state view). Pure: no I/O. */
#ifndef CHECK_ROLE_H
#define CHECK_ROLE_H

#include <json-c/json.h>
#include "lib/conf.h"

struct check_role {
	char instance[64];          /* "" = the option is off */
	char state[16];             /* last known state of the instance, "" = unknown */
	int active;                 /* 1 = checks run (off, or the instance is MASTER) */
};

/* (re)read the option from cfg; keeps the known state when the instance is the same.
 * Returns 1 when active changed. */
int check_role_config(struct check_role *r, const struct tdm_config *cfg);
/* one event of the feed; returns 1 when active changed */
int check_role_event(struct check_role *r, json_object *ev);
/* {"follow":INSTANCE,"vrrp_state":S,"paused":B}, or NULL when the option is off */
json_object *check_role_json(const struct check_role *r);

#endif
