/* snmp/snmp_child.c - the snmp part (snmp_part_ops): an AgentX subagent serving TANDEM-MIB
 * from a monitoring view that it builds only from the parent's event feed (status snapshots
 * and events), and notifications for failed reloads, VRRP state changes, real servers going
 * up or down and virtual servers gaining or losing quorum. A crash here
 * costs nothing but this child: the parent restarts it and the feed's snapshot and replay
 * rebuild the view. See docs/monitoring.md. */
#include "snmp/snmp_child.h"

#include <stdlib.h>
#include <string.h>
#include "lib/log.h"
#include "lib/mono.h"
#include "snmp/snmp_agent.h"
#include "snmp/snmp_conf.h"
#include "snmp/snmp_oidtab.h"
#include "snmp/snmp_tandem_mib.h"
#include "snmp/snmp_tandem_trap.h"
#include "snmp/snmp_view.h"
#include "snmp/snmp_vrrp_child.h"
#include "lib/json_get.h"

#define REBUILD_AFTER_NS 1000000000ull     /* rebuild at most once a second */

struct snmp_child {
	struct dir_part_ctx *ctx;
	struct snmp_conf conf;      /* what the agent was started with */
	char *socket;               /* copy of conf.socket */
	struct snmp_agent *agent;
	struct snmp_view view;
	uint64_t status_mono;       /* when the last status arrived */
	uint64_t history_until;     /* events with seq <= this are replays */
	int have_snapshot;          /* the replaying feed.state carried the parent's view */
	struct snmp_view_parts vparts;  /* or the feed.view lines after it (a big view) */
	struct snmp_oidtab tandem_tab;
	uint64_t built_changes, built_mono;
	int built;
	struct snmp_vrrp *vrrp_mibs;    /* VRRP-MIB / VRRPv3-MIB (snmp_vrrp_child.c) */
};

static const char *const snmp_event_types[] = { "config.", "vrrp.", "rs.state", "vs.quorum",
                                                 "check.result", "ipvs.stats", "sync.",
                                                 NULL };

static const struct snmp_conf *conf_of(const struct tdm_config *cfg)
{
	static const struct snmp_conf none;

	return cfg && cfg->snmp ? cfg->snmp : &none;
}

static void refresh_tandem(void *arg, struct snmp_oidtab *tab)
{
	struct snmp_child *sc = arg;
	uint64_t now = tdm_mono_ns();

	/* a rebuild costs about 15 ms per 1,000 real servers: only when the view changed, at
	 * most once a second; in between the uptimes are advanced in place */
	if (sc->built && (sc->built_changes == sc->view.changes ||
	                  now - sc->built_mono < REBUILD_AFTER_NS)) {
		snmp_tandem_refresh_times(tab, &sc->view, sc->status_mono ?
		                          (now - sc->status_mono) / 1e9 : 0);
		return;
	}
	if (snmp_tandem_build(tab, &sc->view, sc->status_mono ?
	                      (now - sc->status_mono) / 1e9 : 0) < 0)
		tdm_log_warn("TANDEM-MIB: out of memory, the table is incomplete");
	sc->built = 1;
	sc->built_changes = sc->view.changes;
	sc->built_mono = now;
}

static int snmp_start(struct dir_part_ctx *ctx, const struct tdm_config *cfg)
{
	struct snmp_child *sc = calloc(1, sizeof(*sc));
	const struct snmp_conf *c = conf_of(cfg);

	if (!sc)
		return -1;
	ctx->priv = sc;
	sc->ctx = ctx;
	sc->conf = *c;
	sc->socket = c->socket ? strdup(c->socket) : NULL;
	sc->conf.socket = sc->socket;
	snmp_view_init(&sc->view);
	snmp_oidtab_init(&sc->tandem_tab);
	sc->agent = snmp_agent_start(ctx->loop, sc->socket);
	if (!sc->agent) {
		tdm_log_err("the AgentX subagent could not start: exiting to be restarted");
		ev_break(ctx->loop, EVBREAK_ALL);
		return -1;
	}
	/* keepalived's enable_snmp_vrrp / enable_snmp_checker ask for its own MIB's VRRP and checker
	 * parts: tandem serves those facts in TANDEM-MIB, so either keyword turns it on */
	if ((c->enable_tandem || c->enable_vrrp || c->enable_checker) &&
	    snmp_agent_register(sc->agent, "tandemMIB", snmp_tandem_mib_oid, SNMP_TANDEM_MIB_LEN,
	                        &sc->tandem_tab, refresh_tandem, sc) < 0)
		tdm_log_err("TANDEM-MIB could not be registered");
	sc->vrrp_mibs = snmp_vrrp_start(ctx->loop, sc->agent, c, &sc->view);
	if (c->enable_vrrp || c->enable_checker)
		tdm_log_notice("KEEPALIVED-MIB is not served: its VRRP and checker facts are in "
		               "TANDEM-MIB, served instead (VRRP-MIB, VRRPv3-MIB: enable_snmp_rfc)");
	snmp_agent_connect(sc->agent);
	tdm_log_info("AgentX subagent started (master %s)%s%s",
	             sc->socket ? sc->socket : SNMP_AGENT_DEFAULT_SOCKET,
	             (c->enable_tandem || c->enable_vrrp || c->enable_checker) ? ", TANDEM-MIB" : "",
	             c->enable_traps ? ", traps" : "");
	return 0;
}

static int same_conf(const struct snmp_conf *a, const struct snmp_conf *b)
{
	const char *sa = a->socket ? a->socket : "", *sb = b->socket ? b->socket : "";

	return !strcmp(sa, sb) && a->enable_tandem == b->enable_tandem &&
	       a->enable_vrrp == b->enable_vrrp && a->enable_checker == b->enable_checker &&
	       a->enable_rfcv2 == b->enable_rfcv2 && a->enable_rfcv3 == b->enable_rfcv3;
}

static int snmp_reload(struct dir_part_ctx *ctx, const struct tdm_config *old_cfg,
                       const struct tdm_config *new_cfg, const struct dir_diff_counts *diff)
{
	struct snmp_child *sc = ctx->priv;
	const struct snmp_conf *c = conf_of(new_cfg);

	if (!sc)
		return 0;
	sc->conf.enable_traps = c->enable_traps;     /* takes effect at once */
	snmp_vrrp_set_traps(sc->vrrp_mibs, c->enable_traps);
	if (!same_conf(&sc->conf, c)) {
		/* net-snmp cannot be re-initialised in a process: start over in a new child */
		tdm_log_notice("the AgentX socket or the MIB set changed: restarting the snmp child");
		ev_break(ctx->loop, EVBREAK_ALL);
	}
	return 0;
}

static void snmp_stop(struct dir_part_ctx *ctx)
{
	struct snmp_child *sc = ctx->priv;

	if (!sc)
		return;
	snmp_agent_stop(sc->agent);
	snmp_vrrp_stop(sc->vrrp_mibs);
	snmp_oidtab_free(&sc->tandem_tab);
	snmp_view_free(&sc->view);
	snmp_view_parts_free(&sc->vparts);
	free(sc->socket);
	free(sc);
	ctx->priv = NULL;
}

static void trap_reload_failed(struct snmp_child *sc, json_object *ev)
{
	const snmp_subid trap[] = { SNMP_TANDEM_MIB_OID, SNMP_TANDEM_NOTIFICATIONS,
	                            SNMP_TANDEM_TRAP_RELOAD_FAILED };
	const snmp_subid gen[] = { SNMP_TANDEM_MIB_OID, SNMP_TANDEM_OBJECTS, SNMP_TANDEM_DAEMON,
	                           SNMP_TANDEM_CONFIG_GENERATION, 0 };
	const snmp_subid err[] = { SNMP_TANDEM_MIB_OID, SNMP_TANDEM_OBJECTS, SNMP_TANDEM_DAEMON,
	                           SNMP_TANDEM_LAST_RELOAD_ERROR, 0 };
	const char *e = tdm_json_str(ev, "error");
	json_object *v;
	unsigned long g = 0;
	struct snmp_trap *t;

	if (json_object_object_get_ex(ev, "generation", &v))
		g = (unsigned long)json_object_get_uint64(v);
	if (!e)
		e = "";
	t = snmp_trap_new(trap, sizeof(trap) / sizeof(trap[0]));
	snmp_trap_add_uns(t, gen, sizeof(gen) / sizeof(gen[0]), SNMP_T_GAUGE32, g);
	snmp_trap_add_str(t, err, sizeof(err) / sizeof(err[0]), e, strlen(e) > 255 ? 255 :
	                  strlen(e));
	snmp_trap_send(sc->agent, t);
	tdm_log_info("trap tandemReloadFailed sent (generation %lu)", g);
}

static void trap_vrrp_state(struct snmp_child *sc, json_object *ev)
{
	const snmp_subid trap[] = { SNMP_TANDEM_MIB_OID, SNMP_TANDEM_NOTIFICATIONS,
	                            SNMP_TANDEM_TRAP_VRRP_STATE };
	const char *name = tdm_json_str(ev, "instance");
	const struct snmp_view_vrrp *vi = name ? snmp_view_vrrp_find(&sc->view, name) : NULL;
	snmp_subid o[SNMP_OID_MAX];
	struct snmp_trap *t;
	size_t n;

	if (!vi)
		return;
	t = snmp_trap_new(trap, sizeof(trap) / sizeof(trap[0]));
	if ((n = snmp_tandem_vrrp_oid(o, SNMP_TANDEM_VRRP_STATE, name)))
		snmp_trap_add_int(t, o, n, vi->state);
	if ((n = snmp_tandem_vrrp_oid(o, SNMP_TANDEM_VRRP_PRIORITY, name)))
		snmp_trap_add_int(t, o, n, vi->priority >= 0 ? vi->priority : 0);
	if ((n = snmp_tandem_vrrp_oid(o, SNMP_TANDEM_VRRP_REASON, name)))
		snmp_trap_add_str(t, o, n, vi->reason, strlen(vi->reason));
	snmp_trap_send(sc->agent, t);
}

static void trap_rs_state(struct snmp_child *sc, json_object *ev)
{
	const snmp_subid trap[] = { SNMP_TANDEM_MIB_OID, SNMP_TANDEM_NOTIFICATIONS,
	                            SNMP_TANDEM_TRAP_RS_STATE };
	const char *name = tdm_json_str(ev, "rs");
	const struct snmp_view_rs *r = name ? snmp_view_rs_find(&sc->view, name) : NULL;
	snmp_subid o[SNMP_OID_MAX];
	struct snmp_trap *t;
	size_t n, rl;

	if (!r)
		return;
	rl = strlen(r->reason) > 255 ? 255 : strlen(r->reason);
	t = snmp_trap_new(trap, sizeof(trap) / sizeof(trap[0]));
	if ((n = snmp_tandem_row_oid(o, SNMP_TANDEM_RS_TABLE, SNMP_TANDEM_RS_STATE, name)))
		snmp_trap_add_int(t, o, n, r->up ? SNMP_UP : SNMP_DOWN);
	if ((n = snmp_tandem_row_oid(o, SNMP_TANDEM_RS_TABLE, SNMP_TANDEM_RS_WEIGHT, name)))
		snmp_trap_add_int(t, o, n, r->weight);
	if ((n = snmp_tandem_row_oid(o, SNMP_TANDEM_RS_TABLE, SNMP_TANDEM_RS_REASON, name)))
		snmp_trap_add_str(t, o, n, r->reason, rl);
	snmp_trap_send(sc->agent, t);
}

static void trap_quorum(struct snmp_child *sc, json_object *ev)
{
	const snmp_subid trap[] = { SNMP_TANDEM_MIB_OID, SNMP_TANDEM_NOTIFICATIONS,
	                            SNMP_TANDEM_TRAP_QUORUM };
	const char *name = tdm_json_str(ev, "vs");
	const struct snmp_view_vs *q = name ? snmp_view_vs_find(&sc->view, name) : NULL;
	snmp_subid o[SNMP_OID_MAX];
	struct snmp_trap *t;
	size_t n;

	if (!q)
		return;
	t = snmp_trap_new(trap, sizeof(trap) / sizeof(trap[0]));
	if ((n = snmp_tandem_row_oid(o, SNMP_TANDEM_VS_TABLE, SNMP_TANDEM_VS_QUORUM, name)))
		snmp_trap_add_int(t, o, n, q->quorum_up ? SNMP_UP : SNMP_DOWN);
	if ((n = snmp_tandem_row_oid(o, SNMP_TANDEM_VS_TABLE, SNMP_TANDEM_VS_LIVE_WEIGHT, name)))
		snmp_trap_add_uns(t, o, n, SNMP_T_GAUGE32,
		                  q->live_weight > 0 ? (unsigned long)q->live_weight : 0);
	snmp_trap_send(sc->agent, t);
}

static void snmp_on_event(struct dir_part_ctx *ctx, json_object *ev)
{
	struct snmp_child *sc = ctx->priv;
	const char *type = tdm_json_str(ev, "type");
	json_object *v;
	uint64_t seq = 0;
	int live;

	if (!sc || !sc->agent || !type)
		return;
	if (!strcmp(type, "feed.state")) {
		if (json_object_object_get_ex(ev, "replay", &v) && json_object_get_boolean(v)) {
			snmp_view_reset_events(&sc->view);
			if (json_object_object_get_ex(ev, "last_seq", &v))
				sc->history_until = json_object_get_uint64(v);
			/* the parent's view covers every event since it started: take it, and
			 * then only the replayed events it lacks would matter (none) */
			sc->have_snapshot = json_object_object_get_ex(ev, "view", &v) &&
			                    snmp_view_load_events(&sc->view, v) == 0;
			if (json_object_object_get_ex(ev, "view_parts", &v))
				snmp_view_parts_begin(&sc->vparts, json_object_get_uint64(v));
		}
		if (json_object_object_get_ex(ev, "status", &v) &&
		    snmp_view_set_status(&sc->view, v) == 0)
			sc->status_mono = tdm_mono_ns();
		if (json_object_object_get_ex(ev, "status", &v))
			snmp_vrrp_status(sc->vrrp_mibs, v);
		return;
	}
	if (!strcmp(type, "feed.view")) {   /* a part of a big view snapshot */
		if (snmp_view_parts_add(&sc->vparts, ev, &sc->view) == 1)
			sc->have_snapshot = 1;
		return;
	}
	if (json_object_object_get_ex(ev, "seq", &v))
		seq = json_object_get_uint64(v);
	live = seq > sc->history_until;
	if (live || !sc->have_snapshot)
		snmp_view_event(&sc->view, ev, live);
	snmp_vrrp_event(sc->vrrp_mibs, ev, live);
	if (!live || !sc->conf.enable_traps || !sc->conf.enable_tandem)
		return;
	if (!strcmp(type, "config.reload") && json_object_object_get_ex(ev, "ok", &v) &&
	    !json_object_get_boolean(v))
		trap_reload_failed(sc, ev);
	else if (!strcmp(type, "vrrp.state"))
		trap_vrrp_state(sc, ev);
	else if (!strcmp(type, "rs.state"))
		trap_rs_state(sc, ev);
	else if (!strcmp(type, "vs.quorum"))
		trap_quorum(sc, ev);
	else if (!strncmp(type, "sync.", 5))
		snmp_tandem_trap_sync(sc->agent, &sc->view, ev);
}

const struct dir_part_ops snmp_part_ops = {
	.name = "snmp", .part = TDM_PART_SNMP,
	.kinds = 1u << TDM_OBJ_GLOBAL,
	.start = snmp_start, .reload = snmp_reload, .stop = snmp_stop,
	.event_types = snmp_event_types, .on_event = snmp_on_event,
};
