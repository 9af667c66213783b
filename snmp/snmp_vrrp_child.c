/* snmp/snmp_vrrp_child.c - VRRP-MIB and VRRPv3-MIB in the snmp child (see snmp_vrrp_child.h):
 * the tables are rebuilt from the last poll and the monitoring view when a request comes
 * and either changed; notifications follow the RFCs' OBJECTS clauses. */
#include "snmp/snmp_vrrp_child.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lib/log.h"
#include "lib/mono.h"
#include "snmp/snmp_vrrp_poll.h"

#define MAX_PENDING 64

struct snmp_vrrp {
	struct snmp_agent *agent;
	const struct snmp_view *view;
	uint8_t v2, v3, traps;
	struct snmp_vrrp_poll *poll;
	struct snmp_vrrp_set set;   /* the last complete poll */
	int have_set;
	double polled_unix;         /* when it arrived */
	uint64_t set_gen;
	struct snmp_oidtab v2tab, v3tab;
	uint64_t v2_gen, v3_gen, v2_changes, v3_changes;
	int v2_built, v3_built;
	/* new masters seen before their instance was in a poll */
	char pending[MAX_PENDING][SNMP_VIEW_NAME];
	unsigned npending;
};

static double now_unix(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void refresh_v2(void *arg, struct snmp_oidtab *tab)
{
	struct snmp_vrrp *sv = arg;
	double base = sv->view->started > 0 ? sv->polled_unix - sv->view->started : 0;

	snmp_vrrp_poll_touch(sv->poll);

	if (sv->v2_built && sv->v2_gen == sv->set_gen && sv->v2_changes == sv->view->changes)
		return;
	if (snmp_vrrp_build_v2(tab, &sv->set, sv->view, sv->traps, base) < 0)
		tdm_log_warn("VRRP-MIB: out of memory, the table is incomplete");
	sv->v2_built = 1;
	sv->v2_gen = sv->set_gen;
	sv->v2_changes = sv->view->changes;
}

static void refresh_v3(void *arg, struct snmp_oidtab *tab)
{
	struct snmp_vrrp *sv = arg;

	snmp_vrrp_poll_touch(sv->poll);

	if (sv->v3_built && sv->v3_gen == sv->set_gen && sv->v3_changes == sv->view->changes)
		return;
	if (snmp_vrrp_build_v3(tab, &sv->set, sv->view) < 0)
		tdm_log_warn("VRRPv3-MIB: out of memory, the table is incomplete");
	sv->v3_built = 1;
	sv->v3_gen = sv->set_gen;
	sv->v3_changes = sv->view->changes;
}

/* ---- notifications ---- */

static void trap_new_master(struct snmp_vrrp *sv, const struct snmp_vrrp_row *r)
{
	snmp_subid o[SNMP_OID_MAX];
	struct snmp_trap *t;
	const uint8_t zero[16] = { 0 };
	const uint8_t *self = r->has_primary ? r->primary : zero;
	size_t n;

	if (sv->v2 && snmp_vrrp_in_v2(r)) {
		const snmp_subid trap[] = { SNMP_VRRP_MIB_OID, 0, 1 };

		t = snmp_trap_new(trap, sizeof(trap) / sizeof(trap[0]));
		n = snmp_vrrp_v2_oper_oid(o, 7, r);
		snmp_trap_add_raw(t, o, n, SNMP_T_IPADDRESS, self, 4);
		snmp_trap_send(sv->agent, t);
		tdm_log_info("vrrp_instance %s: vrrpTrapNewMaster sent", r->name);
	}
	if (sv->v3 && snmp_vrrp_in_v3(r)) {
		const snmp_subid trap[] = { SNMP_VRRPV3_MIB_OID, 0, 1 };

		t = snmp_trap_new(trap, sizeof(trap) / sizeof(trap[0]));
		n = snmp_vrrp_v3_oper_oid(o, 3, r);
		snmp_trap_add_str(t, o, n, self, r->family == 6 ? 16 : 4);
		n = snmp_vrrp_v3_stats_oid(o, 2, r);
		snmp_trap_add_int(t, o, n, snmp_vrrp_master_reason(r, sv->view));
		snmp_trap_send(sv->agent, t);
		tdm_log_info("vrrp_instance %s: vrrpv3NewMaster sent (reason %d)", r->name,
		             snmp_vrrp_master_reason(r, sv->view));
	}
}

static void trap_auth_failure(struct snmp_vrrp *sv, const struct snmp_vrrp_row *r)
{
	const snmp_subid trap[] = { SNMP_VRRP_MIB_OID, 0, 2 };
	const snmp_subid src[] = { SNMP_VRRP_MIB_OID, 1, 5, 0 };
	const snmp_subid type[] = { SNMP_VRRP_MIB_OID, 1, 6, 0 };
	int why = snmp_vrrp_auth_err(r);
	struct snmp_trap *t = snmp_trap_new(trap, sizeof(trap) / sizeof(trap[0]));

	snmp_trap_add_raw(t, src, sizeof(src) / sizeof(src[0]), SNMP_T_IPADDRESS,
	                  r->last_err_src, 4);
	snmp_trap_add_int(t, type, sizeof(type) / sizeof(type[0]),
	                  why ? why : SNMP_V2AUTH_FAILURE);
	snmp_trap_send(sv->agent, t);
	tdm_log_info("vrrp_instance %s: vrrpTrapAuthFailure sent", r->name);
}

static void trap_proto_error(struct snmp_vrrp *sv, const struct snmp_vrrp_row *r)
{
	const snmp_subid trap[] = { SNMP_VRRPV3_MIB_OID, 0, 2 };
	snmp_subid o[SNMP_OID_MAX];
	struct snmp_trap *t = snmp_trap_new(trap, sizeof(trap) / sizeof(trap[0]));
	size_t n = snmp_vrrp_v3_stats_oid(o, 6, r);

	snmp_trap_add_int(t, o, n, snmp_vrrp_proto_err(r));
	snmp_trap_send(sv->agent, t);
	tdm_log_info("vrrp_instance %s: vrrpv3ProtoError sent", r->name);
}

static uint64_t auth_errs(const struct snmp_vrrp_row *r)
{
	return r->c.auth_fail + r->c.inv_auth_type + r->c.auth_mismatch;
}

static uint64_t proto_errs(const struct snmp_vrrp_row *r)
{
	return r->c.ttl_err + r->c.ver_err + r->c.csum_err;
}

static void on_poll(void *arg, struct snmp_vrrp_set *fresh)
{
	struct snmp_vrrp *sv = arg;
	struct snmp_vrrp_set old = sv->set;

	sv->set = *fresh;
	*fresh = old;               /* the poller clears the old rows */
	sv->polled_unix = now_unix();
	sv->set_gen++;
	if (sv->traps && sv->have_set)
		for (size_t i = 0; i < sv->set.n; i++) {
			const struct snmp_vrrp_row *r = &sv->set.rows[i];
			const struct snmp_vrrp_row *was = snmp_vrrp_set_find(&old, r->name);

			if (!was)
				continue;
			if (sv->v2 && snmp_vrrp_in_v2(r) && auth_errs(r) > auth_errs(was))
				trap_auth_failure(sv, r);
			if (sv->v3 && snmp_vrrp_in_v3(r) && proto_errs(r) > proto_errs(was) &&
			    snmp_vrrp_proto_err(r))
				trap_proto_error(sv, r);
		}
	sv->have_set = 1;
	for (unsigned i = 0; i < sv->npending; i++) {
		const struct snmp_vrrp_row *r = snmp_vrrp_set_find(&sv->set, sv->pending[i]);

		if (r && sv->traps)
			trap_new_master(sv, r);
	}
	sv->npending = 0;
}

void snmp_vrrp_event(struct snmp_vrrp *sv, json_object *ev, int live)
{
	json_object *v;
	const char *type, *to, *name;
	const struct snmp_vrrp_row *r;

	if (!sv || !live || !json_object_object_get_ex(ev, "type", &v))
		return;
	type = json_object_get_string(v);
	if (strcmp(type, "vrrp.state"))
		return;
	snmp_vrrp_poll_now(sv->poll);   /* refresh addresses and counters soon */
	to = json_object_object_get_ex(ev, "to", &v) ? json_object_get_string(v) : NULL;
	name = json_object_object_get_ex(ev, "instance", &v) ? json_object_get_string(v) : NULL;
	if (!sv->traps || !to || !name || strcmp(to, "MASTER"))
		return;
	r = snmp_vrrp_set_find(&sv->set, name);
	if (r)
		trap_new_master(sv, r);
	else if (sv->npending < MAX_PENDING && strlen(name) < SNMP_VIEW_NAME)
		strcpy(sv->pending[sv->npending++], name);
}

void snmp_vrrp_status(struct snmp_vrrp *sv, json_object *status)
{
	json_object *d, *p;

	if (sv && json_object_object_get_ex(status, "daemon", &d) &&
	    json_object_object_get_ex(d, "control_socket", &p) &&
	    json_object_is_type(p, json_type_string))
		snmp_vrrp_poll_set_path(sv->poll, json_object_get_string(p));
}

void snmp_vrrp_set_traps(struct snmp_vrrp *sv, int on)
{
	if (sv) {
		sv->traps = (uint8_t)on;
		sv->v2_built = 0;       /* vrrpNotificationCntl follows */
	}
}

struct snmp_vrrp *snmp_vrrp_start(struct ev_loop *loop, struct snmp_agent *agent,
                                  const struct snmp_conf *conf, const struct snmp_view *view)
{
	struct snmp_vrrp *sv;

	if (!conf->enable_rfcv2 && !conf->enable_rfcv3)
		return NULL;
	sv = calloc(1, sizeof(*sv));
	if (!sv)
		return NULL;
	sv->agent = agent;
	sv->view = view;
	sv->v2 = conf->enable_rfcv2;
	sv->v3 = conf->enable_rfcv3;
	sv->traps = conf->enable_traps;
	snmp_vrrp_set_init(&sv->set);
	snmp_oidtab_init(&sv->v2tab);
	snmp_oidtab_init(&sv->v3tab);
	sv->poll = snmp_vrrp_poll_start(loop, on_poll, sv);
	if (!sv->poll) {
		free(sv);
		return NULL;
	}
	if (sv->v2 && snmp_agent_register(agent, "vrrpMIB", snmp_vrrp_mib_oid, SNMP_VRRP_MIB_LEN,
	                                  &sv->v2tab, refresh_v2, sv) < 0)
		tdm_log_err("VRRP-MIB could not be registered");
	if (sv->v3 && snmp_agent_register(agent, "vrrpv3MIB", snmp_vrrpv3_mib_oid,
	                                  SNMP_VRRP_MIB_LEN, &sv->v3tab, refresh_v3, sv) < 0)
		tdm_log_err("VRRPv3-MIB could not be registered");
	return sv;
}

void snmp_vrrp_stop(struct snmp_vrrp *sv)
{
	if (!sv)
		return;
	snmp_vrrp_poll_stop(sv->poll);
	snmp_vrrp_set_free(&sv->set);
	snmp_oidtab_free(&sv->v2tab);
	snmp_oidtab_free(&sv->v3tab);
	free(sv);
}
