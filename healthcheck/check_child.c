/* healthcheck/check_child.c - the check part's child: runs the health-check engine and the
 * IPVS reconcile engine on one libev loop, feeds checker verdicts into the desired IPVS
 * table, and answers the control commands "ipvs" (the kernel's table with stats and
 * tandem's view), "rs" (drain|enable|weight VS RS [N]), "checks" (the engine's status) and
 * "doctor" (director sysctls and real-server setup for the configured methods).
 * A kernel without IPVS is reported (log, event, `tandemctl ipvs`) and the child keeps
 * running its checks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "director/child_parts.h"
#include "director/ipvs_ctl.h"
#include "director/ipvs_doctor.h"
#include "director/ipvs_nl.h"
#include "director/ipvs_stats_ev.h"
#include "healthcheck/check_addr.h"
#include "healthcheck/check_engine.h"
#include "healthcheck/check_role.h"
#include "lib/log.h"
#include "lib/mono.h"

#define K(kind) (1u << (kind))
#define STATUS_MAX_BYTES 60000      /* a reply must fit one IPC frame (TDM_IPC_MAX) */
#define RETRY_OPEN_S 30.

struct check_child {
	struct dir_part_ctx *ctx;
	const struct tdm_config *cfg;
	struct check_engine *eng;
	struct dir_ipvs_nl *nl;
	struct dir_ipvs_ctl *ctl;
	char noipvs[256];
	ev_timer sync_timer;        /* coalesces the verdicts of one loop iteration */
	ev_timer drain_timer;
	ev_timer open_timer;        /* retries opening IPVS */
	ev_timer stats_timer;       /* ipvs.stats events (director/ipvs_stats_ev.h) */
	struct dir_ipvs_stats_ev *stats;
	int pending;
	struct check_role role;     /* checks_follow_vrrp (check_role.c) */
	int held;                   /* an IPVS sync waits for the role to become active */
	struct check_addr *addr;    /* local addresses, while a virtual server has ha_suspend */
};

static void ha_suspend_config(struct check_child *cc);

static void emit_ev(void *arg, json_object *ev)
{
	struct check_child *cc = arg;

	dir_part_emit(cc->ctx, ev);
}

static void arm_drain(struct check_child *cc)
{
	uint64_t next = 0, now = tdm_mono_ns();

	if (!cc->ctl)
		return;
	dir_ipvs_ctl_tick(cc->ctl, now, &next);
	ev_timer_stop(cc->ctx->loop, &cc->drain_timer);
	if (next) {
		double s = next > now ? (double)(next - now) / 1e9 : 0.;

		ev_timer_set(&cc->drain_timer, s, 0.);
		ev_timer_start(cc->ctx->loop, &cc->drain_timer);
	}
}

static void on_drain(struct ev_loop *loop, ev_timer *w, int revents)
{
	arm_drain(w->data);
}

static void on_sync(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct check_child *cc = w->data;

	cc->pending = 0;
	if (!cc->role.active) {
		cc->held = 1;
		return;
	}
	if (cc->ctl) {
		dir_ipvs_ctl_sync(cc->ctl, "rs", tdm_mono_ns());
		arm_drain(cc);
	}
}

static void schedule_sync(struct check_child *cc)
{
	if (cc->pending)
		return;
	cc->pending = 1;
	ev_timer_set(&cc->sync_timer, 0., 0.);
	ev_timer_start(cc->ctx->loop, &cc->sync_timer);
}

static void on_rs(void *arg, const char *rs_id, int up, int weight, const char *reason)
{
	struct check_child *cc = arg;

	if (!cc->ctl)
		return;
	dir_ipvs_ctl_rs_state_set(cc->ctl, rs_id, up, weight);
	schedule_sync(cc);
}

static void on_vs(void *arg, const char *vs_id, int quorum_up, long long live_weight)
{
	struct check_child *cc = arg;

	if (!cc->ctl)
		return;
	dir_ipvs_ctl_sorry_set(cc->ctl, vs_id, !quorum_up);
	schedule_sync(cc);
}

/* IPVS errors name the operator's file:line (the origin map came with the snapshot) */
static void where_cb(void *arg, uint32_t line, char *buf, size_t len)
{
	struct check_child *cc = arg;

	dir_part_where(cc->ctx, line, buf, len);
}

static int ipvs_open(struct check_child *cc)
{
	struct dir_ipvs_ctl_opts o;
	struct dir_ipvs_io io;
	int rc = dir_ipvs_nl_open(&cc->nl, cc->noipvs, sizeof(cc->noipvs));

	if (rc < 0) {
		tdm_log_err("ipvs: %s; health checks keep running", cc->noipvs);
		return -1;
	}
	cc->noipvs[0] = '\0';
	dir_ipvs_nl_io(cc->nl, &io);
	dir_ipvs_ctl_opts_from_config(cc->cfg, &o);
	cc->ctl = dir_ipvs_ctl_new(&io, &o);
	if (!cc->ctl) {
		snprintf(cc->noipvs, sizeof(cc->noipvs), "out of memory");
		dir_ipvs_nl_close(cc->nl);
		cc->nl = NULL;
		return -1;
	}
	dir_ipvs_ctl_set_emit(cc->ctl, emit_ev, cc);
	dir_ipvs_ctl_set_where(cc->ctl, where_cb, cc);
	dir_ipvs_ctl_start(cc->ctl, cc->cfg, tdm_mono_ns());
	arm_drain(cc);
	return 0;
}

static void on_stats(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct check_child *cc = w->data;

	if (cc->ctl)
		dir_ipvs_stats_ev_publish(cc->stats, cc->ctl, emit_ev, cc);
}

static void on_open(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct check_child *cc = w->data;

	if (!cc->ctl && ipvs_open(cc) == 0)
		ev_timer_stop(loop, w);
}

/* a socket per in-flight check, and per frequent TCP_CHECK between attempts (chk_tcp.c):
 * the soft limit on open files goes up to the hard one (1,024 by default under a shell) */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		tdm_log_warn("open files limit stays at its soft limit: %s", strerror(errno));
}

static int check_start(struct dir_part_ctx *ctx, const struct tdm_config *cfg)
{
	struct check_child *cc = calloc(1, sizeof(*cc));

	if (!cc)
		return -1;
	raise_nofile();
	ctx->priv = cc;
	cc->ctx = ctx;
	cc->cfg = cfg;
	ev_timer_init(&cc->sync_timer, on_sync, 0., 0.);
	cc->sync_timer.data = cc;
	ev_timer_init(&cc->drain_timer, on_drain, 0., 0.);
	cc->drain_timer.data = cc;
	ev_timer_init(&cc->open_timer, on_open, RETRY_OPEN_S, RETRY_OPEN_S);
	cc->open_timer.data = cc;
	cc->stats = dir_ipvs_stats_ev_new();
	ev_timer_init(&cc->stats_timer, on_stats, DIR_IPVS_STATS_EV_S, DIR_IPVS_STATS_EV_S);
	cc->stats_timer.data = cc;
	ev_timer_start(ctx->loop, &cc->stats_timer);
	if (ipvs_open(cc) < 0) {
		json_object *ev = json_object_new_object();

		json_object_object_add(ev, "type", json_object_new_string("ipvs.unavailable"));
		json_object_object_add(ev, "error", json_object_new_string(cc->noipvs));
		dir_part_emit(ctx, ev);
		ev_timer_start(ctx->loop, &cc->open_timer);
	}
	cc->eng = check_engine_new(ctx->loop, cfg, on_rs, cc);
	check_role_config(&cc->role, cfg);
	if (cc->eng) {
		check_engine_set_emit(cc->eng, emit_ev, cc);
		check_engine_set_vs_cb(cc->eng, on_vs, cc);
		check_engine_pause(cc->eng, !cc->role.active);
		ha_suspend_config(cc);
	} else {
		tdm_log_err("the health-check engine did not start");
	}
	return 0;
}

static int uses_ha_suspend(const struct tdm_config *cfg)
{
	for (size_t i = 0; cfg->check && i < cfg->check->nvs; i++)
		if (cfg->check->vs[i]->ha_suspend)
			return 1;
	return 0;
}

/* ha_suspend: the checks of a virtual server run only while its address is configured on
 * this director (e.g. the VRRP master holds the VIP) */
static void ha_suspend_apply(struct check_child *cc)
{
	const struct check_conf *k = cc->cfg->check;

	for (size_t i = 0; cc->eng && k && i < k->nvs; i++) {
		const struct check_vs_conf *vs = k->vs[i];
		int off = vs->ha_suspend && cc->addr && !check_addr_vs_local(cc->addr, k, vs);

		if (vs->id)
			check_engine_vs_suspend(cc->eng, vs->id, off);
	}
}

static void on_addr(void *arg)
{
	ha_suspend_apply(arg);
}

/* (re)open the address watch when the config uses ha_suspend, close it otherwise */
static void ha_suspend_config(struct check_child *cc)
{
	if (uses_ha_suspend(cc->cfg) && !cc->addr) {
		cc->addr = check_addr_new(cc->ctx->loop, on_addr, cc);
		if (!cc->addr)
			tdm_log_err("ha_suspend: cannot watch the local addresses (%s): checks run always",
			            strerror(errno));
	} else if (!uses_ha_suspend(cc->cfg) && cc->addr) {
		check_addr_free(cc->addr);
		cc->addr = NULL;
	}
	ha_suspend_apply(cc);
}

/* the role-aware option: pause or resume the checks and release a held IPVS sync */
static void check_role_apply(struct check_child *cc)
{
	if (cc->eng && check_engine_paused(cc->eng) != !cc->role.active) {
		tdm_log_info("checks %s (vrrp_instance %s is %s)", cc->role.active ? "resumed" : "paused",
			     cc->role.instance, cc->role.state[0] ? cc->role.state : "unknown");
		check_engine_pause(cc->eng, !cc->role.active);
	}
	if (cc->role.active && cc->held) {
		cc->held = 0;
		schedule_sync(cc);
	}
}

static void check_on_event(struct dir_part_ctx *ctx, json_object *ev)
{
	struct check_child *cc = ctx->priv;

	if (cc && check_role_event(&cc->role, ev))
		check_role_apply(cc);
}

static int check_reload(struct dir_part_ctx *ctx, const struct tdm_config *old_cfg,
			const struct tdm_config *new_cfg, const struct dir_diff_counts *diff)
{
	struct check_child *cc = ctx->priv;

	if (!cc)
		return -1;
	cc->cfg = new_cfg;
	if (cc->eng)
		check_engine_reload(cc->eng, old_cfg, new_cfg);
	check_role_config(&cc->role, new_cfg);
	check_role_apply(cc);
	ha_suspend_config(cc);
	if (cc->ctl) {
		dir_ipvs_ctl_reload(cc->ctl, new_cfg, tdm_mono_ns());
		arm_drain(cc);
	}
	return 0;
}

static void check_stop(struct dir_part_ctx *ctx)
{
	struct check_child *cc = ctx->priv;

	if (!cc)
		return;
	ev_timer_stop(ctx->loop, &cc->sync_timer);
	ev_timer_stop(ctx->loop, &cc->drain_timer);
	ev_timer_stop(ctx->loop, &cc->open_timer);
	ev_timer_stop(ctx->loop, &cc->stats_timer);
	dir_ipvs_stats_ev_free(cc->stats);
	check_addr_free(cc->addr);
	if (cc->eng)
		check_engine_free(cc->eng);
	if (cc->ctl) {
		dir_ipvs_ctl_stop(cc->ctl);
		dir_ipvs_ctl_free(cc->ctl);
	}
	dir_ipvs_nl_close(cc->nl);
	free(cc);
	ctx->priv = NULL;
}

static json_object *error_reply(const char *msg)
{
	json_object *r = json_object_new_object();

	json_object_object_add(r, "ok", json_object_new_boolean(0));
	json_object_object_add(r, "error", json_object_new_string(msg));
	return r;
}

static const char *req_str(json_object *req, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(req, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static json_object *cmd_ipvs(struct check_child *cc, json_object *req)
{
	json_object *v, *r;
	size_t limit = 100;

	if (!cc->ctl)
		return error_reply(cc->noipvs[0] ? cc->noipvs : "IPVS is not available");
	if (json_object_object_get_ex(req, "limit", &v) && json_object_get_int64(v) > 0)
		limit = (size_t)json_object_get_int64(v);
	for (int tries = 0; tries < 12; tries++) {
		r = dir_ipvs_ctl_status(cc->ctl, limit, tdm_mono_ns());
		if (strlen(json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN)) <=
		    STATUS_MAX_BYTES || limit <= 1)
			return r;
		json_object_put(r);
		limit /= 2;
	}
	return error_reply("the IPVS table does not fit one reply");
}

static json_object *cmd_rs(struct check_child *cc, json_object *req)
{
	const char *action = req_str(req, "action"), *vs = req_str(req, "vs"),
		   *rs = req_str(req, "rs");
	enum dir_ipvs_override kind;
	json_object *v, *r;
	char msg[512];
	int weight = 0;

	if (!cc->ctl)
		return error_reply(cc->noipvs[0] ? cc->noipvs : "IPVS is not available");
	if (!action || !vs || !rs)
		return error_reply("rs: expected \"action\", \"vs\" and \"rs\"");
	if (!strcmp(action, "drain"))
		kind = DIR_IPVS_OV_DRAIN;
	else if (!strcmp(action, "enable"))
		kind = DIR_IPVS_OV_NONE;
	else if (!strcmp(action, "weight")) {
		kind = DIR_IPVS_OV_WEIGHT;
		if (!json_object_object_get_ex(req, "weight", &v) ||
		    !json_object_is_type(v, json_type_int))
			return error_reply("rs weight: expected a \"weight\" number");
		weight = json_object_get_int(v);
	} else {
		return error_reply("rs: action must be drain, enable or weight");
	}
	if (dir_ipvs_ctl_override(cc->ctl, vs, rs, kind, weight, tdm_mono_ns(), msg,
				  sizeof(msg)) < 0)
		return error_reply(msg);
	arm_drain(cc);
	r = json_object_new_object();
	json_object_object_add(r, "ok", json_object_new_boolean(1));
	json_object_object_add(r, "rs", json_object_new_string(msg));
	json_object_object_add(r, "action", json_object_new_string(action));
	if (kind == DIR_IPVS_OV_WEIGHT)
		json_object_object_add(r, "weight", json_object_new_int(weight));
	return r;
}

/* the engine's status, filtered, halved until it fits one reply */
static json_object *cmd_checks(struct check_child *cc, json_object *req)
{
	json_object *v, *r;
	size_t limit = 1000;

	if (json_object_object_get_ex(req, "limit", &v) && json_object_get_int64(v) > 0)
		limit = (size_t)json_object_get_int64(v);
	for (int tries = 0; tries < 16; tries++) {
		r = check_engine_status_sel(cc->eng, req_str(req, "filter"), limit);
		if (strlen(json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN)) <=
		    STATUS_MAX_BYTES - 512 || limit <= 1)
			return r;
		json_object_put(r);
		limit /= 2;
	}
	return error_reply("the health checks do not fit one reply");
}

static int check_command(struct dir_part_ctx *ctx, json_object *req, json_object **reply)
{
	struct check_child *cc = ctx->priv;
	const char *cmd = req_str(req, "cmd");

	if (!cc || !cmd)
		return -1;
	if (!strcmp(cmd, "ipvs"))
		*reply = cmd_ipvs(cc, req);
	else if (!strcmp(cmd, "rs"))
		*reply = cmd_rs(cc, req);
	else if (!strcmp(cmd, "doctor")) {
		struct dir_doctor_env env;

		dir_doctor_env_system(&env);
		*reply = dir_ipvs_doctor(cc->cfg, &env);
	} else if (!strcmp(cmd, "checks")) {
		*reply = cc->eng ? cmd_checks(cc, req) :
			 error_reply("the health-check engine is not running");
		json_object *role = cc->eng ? check_role_json(&cc->role) : NULL;
		if (role)
			json_object_object_add(*reply, "role", role);
	}
	else
		return -1;
	return 0;
}

static const char *const check_commands[] = { "ipvs", "rs", "checks", "doctor", NULL };
static const char *const check_event_types[] = { "vrrp.state", NULL };

const struct dir_part_ops check_part_ops = {
	.name = "check", .part = TDM_PART_CHECK,
	.kinds = K(TDM_OBJ_VS_GROUP) | K(TDM_OBJ_VIRTUAL_SERVER) | K(TDM_OBJ_REAL_SERVER) |
	         K(TDM_OBJ_CHECKER),
	.start = check_start, .reload = check_reload, .stop = check_stop,
	.commands = check_commands, .command = check_command,
	.event_types = check_event_types, .on_event = check_on_event,
};
