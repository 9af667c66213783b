/* sync/sync_child.c - the sync part of tandemd (sync_part_ops): `lvs_sync_daemon` runs the
 * kernel's master sync thread while the followed VRRP instance (or sync group) is MASTER and
 * the backup thread otherwise (sync_daemon.h has the rule). Roles come from the parent's
 * event bus ("vrrp." events; the feed starts with a snapshot of every instance's state, so a
 * restarted child resumes without touching threads that are already right); the threads are
 * switched with NEW_DAEMON / DEL_DAEMON over director/ipvs_nl. Each switch goes to the bus as
 * "sync.daemon"; the "sync" control command reports it all. Without IPVS in the kernel the
 * child keeps running and says why nothing is applied. With sync_relay the relay
 * (sync/relay_run.c) runs here too: it follows its own instance's role, and without
 * lvs_sync_daemon the kernel threads are driven on the relay's local interface. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include "director/child_parts.h"
#include "director/ipvs_nl.h"
#include "lib/log.h"
#include "sync/sync_conf.h"
#include "sync/sync_daemon.h"
#include "sync/relay_run.h"
#include "lib/json_get.h"

#define K(kind) (1u << (kind))
#define RETRY_S 5.0
#define FEED_WAIT_S 3.0

struct sync_child {
	struct dir_part_ctx *ctx;
	int configured;             /* lvs_sync_daemon given */
	int relay_configured;
	struct sync_lvs_daemon_conf conf;   /* strings point into the copies below */
	char ifname[IP_VS_IFNAME_MAXLEN], instance[SYNC_NAME_MAX];
	struct sync_follow follow;
	struct dir_ipvs_daemon params;
	json_object *roles;         /* every instance's latest state seen: {"VI_1":"MASTER"} */
	struct dir_ipvs_nl *nl;
	char ipvs_err[256];         /* why there is no IPVS socket */
	int have_feed;
	uint64_t feed_seq;
	int decided;                /* a first decision was made */
	unsigned want;              /* threads wanted by the last decision */
	unsigned running;           /* as read back after the last apply */
	int applied;                /* the kernel runs what the last decision wants */
	char error[320];            /* the last apply's failure */
	uint64_t switches;
	double last_at;
	char last_state[16], last_reason[160];
	ev_timer retry, feed_wait;
	/* the relay */
	struct relay_run *relay;
	struct sync_follow rfollow;
	char rinstance[SYNC_NAME_MAX];
	enum sync_role rrole;
	char relay_err[320];
};

static double now_unix(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void emit(struct sync_child *sc, const char *reason)
{
	json_object *ev = json_object_new_object();

	json_object_object_add(ev, "type", json_object_new_string("sync.daemon"));
	json_object_object_add(ev, "state", json_object_new_string(sync_daemon_set_name(sc->want)));
	json_object_object_add(ev, "reason", json_object_new_string(reason));
	json_object_object_add(ev, "role", json_object_new_string(
		sync_role_name(sync_follow_role(&sc->follow))));
	json_object_object_add(ev, "applied", json_object_new_boolean(sc->applied));
	if (sc->error[0])
		json_object_object_add(ev, "error", json_object_new_string(sc->error));
	dir_part_emit(sc->ctx, ev);
}

/* bring the kernel to sc->want; 0 when it runs what is wanted */
static int apply(struct sync_child *sc)
{
	int rc;

	if (!sc->nl) {
		snprintf(sc->error, sizeof(sc->error), "not applied: %s", sc->ipvs_err);
		sc->applied = 0;
		return -1;
	}
	rc = sync_daemon_apply(sc->nl, sc->want, &sc->params, &sc->running, sc->error,
	                       sizeof(sc->error));
	sc->applied = rc == 0 && sc->running == sc->want;
	if (rc == 0 && !sc->applied)
		snprintf(sc->error, sizeof(sc->error), "the kernel runs %s instead of %s",
		         sync_daemon_set_name(sc->running), sync_daemon_set_name(sc->want));
	if (sc->applied)
		sc->error[0] = 0;
	return sc->applied ? 0 : -1;
}

/* decide from the followed role; apply when the decision changed (or force) */
static void evaluate(struct sync_child *sc, const char *reason, int force)
{
	enum sync_role role = sync_follow_role(&sc->follow);
	unsigned want = sync_daemon_want(sc->follow.name[0] != 0, role);
	int changed = !sc->decided || want != sc->want;

	if (!sc->configured)
		return;
	ev_timer_stop(sc->ctx->loop, &sc->feed_wait);
	if (!changed && !force && sc->applied)
		return;
	sc->decided = 1;
	sc->want = want;
	if (apply(sc) < 0 && sc->nl)
		ev_timer_again(sc->ctx->loop, &sc->retry);
	else
		ev_timer_stop(sc->ctx->loop, &sc->retry);
	if (changed || force) {
		sc->switches += changed;
		sc->last_at = now_unix();
		snprintf(sc->last_state, sizeof(sc->last_state), "%s", sync_daemon_set_name(want));
		snprintf(sc->last_reason, sizeof(sc->last_reason), "%s", reason);
		if (sc->applied)
			tdm_log_notice("kernel sync daemon: %s (%s)", sync_daemon_set_name(want), reason);
		else
			tdm_log_warn("kernel sync daemon: %s wanted (%s): %s",
			             sync_daemon_set_name(want), reason, sc->error);
		emit(sc, reason);
	}
}

static void on_retry(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sync_child *sc = w->data;

	(void)loop;
	(void)revents;
	if (apply(sc) == 0) {
		ev_timer_stop(sc->ctx->loop, &sc->retry);
		tdm_log_notice("kernel sync daemon: %s (retried)", sync_daemon_set_name(sc->want));
		emit(sc, "retry");
	}
}

static void on_feed_wait(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sync_child *sc = w->data;

	(void)loop;
	(void)revents;
	if (!sc->decided)
		evaluate(sc, "no event feed: role unknown", 0);
}

/* the kernel threads to drive: lvs_sync_daemon, or for a relay without it the threads on the
 * relay's local interface following the relay's instance */
static void effective_lvs(const struct tdm_config *cfg, struct sync_lvs_daemon_conf *o)
{
	const struct sync_conf *s = cfg->sync;

	if (s->lvs.set) {
		*o = s->lvs;
		return;
	}
	memset(o, 0, sizeof(*o));
	o->set = s->relay.set;
	o->ifname = s->relay.local_interface ? s->relay.local_interface : "lo";
	o->instance = s->relay.instance;
	o->syncid = s->relay.syncid;
}

static int drives_kernel(const struct tdm_config *cfg)
{
	return cfg->sync && (cfg->sync->lvs.set || cfg->sync->relay.set);
}

/* the followed roles again from sc->roles (after a reload changed what is followed) */
static void refollow(struct sync_child *sc, const struct tdm_config *cfg)
{
	struct sync_lvs_daemon_conf eff;
	const struct sync_lvs_daemon_conf *c = &eff;

	effective_lvs(cfg, &eff);

	sc->conf = *c;
	snprintf(sc->ifname, sizeof(sc->ifname), "%s", c->ifname ? c->ifname : "");
	snprintf(sc->instance, sizeof(sc->instance), "%s", c->instance ? c->instance : "");
	sc->conf.ifname = sc->ifname;
	sc->conf.instance = c->instance ? sc->instance : NULL;
	sc->conf.node = NULL;
	if (sync_follow_init(&sc->follow, sc->conf.instance, cfg->vrrp) < 0)
		tdm_log_err("lvs_sync_daemon: instance name too long");
	sync_daemon_params(&sc->conf, cfg->vrrp, &sc->params);
	json_object_object_foreach(sc->roles, name, val)
		sync_follow_set(&sc->follow, name, sync_role_parse(json_object_get_string(val)));
}

/* ---- the relay ---- */

static void relay_emit(void *arg, json_object *ev)
{
	struct sync_child *sc = arg;

	dir_part_emit(sc->ctx, ev);
}

/* where the relay meets the kernel threads: their interface, group, port and sync id */
static void relay_local_of(const struct sync_child *sc, const struct tdm_config *cfg,
                           struct relay_local *l)
{
	const struct sync_relay_conf *r = &cfg->sync->relay;

	memset(l, 0, sizeof(*l));
	snprintf(l->ifname, sizeof(l->ifname), "%s",
	         r->local_interface ? r->local_interface : sc->params.ifname);
	l->af = sc->params.mcast_af ? sc->params.mcast_af : AF_INET;
	if (sc->params.mcast_af)
		memcpy(l->group.b, sc->params.mcast_group.b, l->af == AF_INET ? 4 : 16);
	else
		l->group.v4.s_addr = htonl(0xe0000051);   /* 224.0.0.81 */
	l->port = sc->params.mcast_port ? sc->params.mcast_port : 8848;
	l->syncid = (uint8_t)(r->syncid >= 0 ? (uint32_t)r->syncid : sc->params.syncid);
	l->maxlen = sc->params.maxlen ? sc->params.maxlen : 1472;
}

static void relay_role_update(struct sync_child *sc)
{
	enum sync_role role = sync_follow_role(&sc->rfollow);

	if (sc->relay && role != sc->rrole) {
		sc->rrole = role;
		relay_run_set_role(sc->relay, role);
	}
}

static void relay_setup(struct sync_child *sc, const struct tdm_config *cfg)
{
	const struct sync_relay_conf *r = cfg->sync ? &cfg->sync->relay : NULL;
	struct relay_local l;

	if (!r || !r->set) {
		if (sc->relay)
			tdm_log_notice("sync_relay removed: relay stopped");
		relay_run_stop(sc->relay);
		sc->relay = NULL;
		sc->relay_err[0] = 0;
		return;
	}
	relay_local_of(sc, cfg, &l);
	if (cfg->sync->lvs.set && r->local_interface &&
	    strcmp(r->local_interface, cfg->sync->lvs.ifname))
		tdm_log_warn("sync_relay local_interface %s differs from lvs_sync_daemon's %s: the relay "
		             "does not see the kernel threads", r->local_interface, cfg->sync->lvs.ifname);
	snprintf(sc->rinstance, sizeof(sc->rinstance), "%s", r->instance ? r->instance : "");
	if (sync_follow_init(&sc->rfollow, r->instance ? sc->rinstance : NULL, cfg->vrrp) < 0)
		tdm_log_err("sync_relay: instance name too long");
	json_object_object_foreach(sc->roles, name, val)
		sync_follow_set(&sc->rfollow, name, sync_role_parse(json_object_get_string(val)));
	if (sc->relay && relay_run_same(sc->relay, cfg, &l)) {
		relay_run_reconfig(sc->relay, cfg);
	} else {
		relay_run_stop(sc->relay);
		sc->relay = relay_run_start(sc->ctx->loop, cfg, &l, relay_emit, sc, sc->relay_err,
		                            sizeof(sc->relay_err));
		if (!sc->relay)
			tdm_log_err("sync_relay: %s", sc->relay_err);
		else
			sc->relay_err[0] = 0;
		sc->rrole = SYNC_ROLE_UNKNOWN;
	}
	if (sc->have_feed)
		relay_role_update(sc);
}

static int sync_start(struct dir_part_ctx *ctx, const struct tdm_config *cfg)
{
	struct sync_child *sc = calloc(1, sizeof(*sc));
	int rc;

	if (!sc)
		return -1;
	ctx->priv = sc;
	sc->ctx = ctx;
	sc->roles = json_object_new_object();
	ev_timer_init(&sc->retry, on_retry, RETRY_S, RETRY_S);
	sc->retry.data = sc;
	ev_timer_init(&sc->feed_wait, on_feed_wait, FEED_WAIT_S, 0.);
	sc->feed_wait.data = sc;
	sc->configured = drives_kernel(cfg);
	sc->relay_configured = cfg->sync && cfg->sync->relay.set;
	if (!sc->configured)
		return 0;
	refollow(sc, cfg);
	relay_setup(sc, cfg);
	rc = dir_ipvs_nl_open(&sc->nl, sc->ipvs_err, sizeof(sc->ipvs_err));
	if (rc < 0) {
		sc->nl = NULL;
		tdm_log_warn("lvs_sync_daemon: %s; the kernel sync daemon is not driven",
		             sc->ipvs_err);
	}
	tdm_log_info("lvs_sync_daemon on %s following %s (sync id %u)", sc->ifname,
	             sc->follow.name[0] ? sc->follow.name : "nothing", sc->params.syncid);
	/* the first decision waits for the feed's snapshot (a restarted child must not stop a
	 * master thread that is right), or FEED_WAIT_S */
	ev_timer_start(ctx->loop, &sc->feed_wait);
	return 0;
}

static int sync_reload(struct dir_part_ctx *ctx, const struct tdm_config *old_cfg,
                       const struct tdm_config *new_cfg, const struct dir_diff_counts *diff)
{
	struct sync_child *sc = ctx->priv;
	int was = sc->configured;

	(void)old_cfg;
	(void)diff;
	sc->configured = drives_kernel(new_cfg);
	sc->relay_configured = new_cfg->sync && new_cfg->sync->relay.set;
	if (!sc->configured) {
		relay_setup(sc, new_cfg);
		if (was && sc->nl) {
			sc->want = 0;
			apply(sc);
			tdm_log_notice("lvs_sync_daemon removed: kernel sync threads stopped");
		}
		ev_timer_stop(ctx->loop, &sc->retry);
		sc->decided = 0;
		return 0;
	}
	refollow(sc, new_cfg);
	relay_setup(sc, new_cfg);
	if (!sc->nl && dir_ipvs_nl_open(&sc->nl, sc->ipvs_err, sizeof(sc->ipvs_err)) < 0)
		sc->nl = NULL;
	if (sc->have_feed || sc->decided)
		evaluate(sc, "reload", 1);
	else
		ev_timer_again(ctx->loop, &sc->feed_wait);
	return 0;
}

static void sync_stop(struct dir_part_ctx *ctx)
{
	struct sync_child *sc = ctx->priv;

	if (!sc)
		return;
	ev_timer_stop(ctx->loop, &sc->retry);
	ev_timer_stop(ctx->loop, &sc->feed_wait);
	relay_run_stop(sc->relay);
	sc->relay = NULL;
	if (sc->configured && sc->nl) {
		sc->want = 0;
		if (apply(sc) == 0)
			tdm_log_notice("kernel sync threads stopped");
	}
	if (sc->nl)
		dir_ipvs_nl_close(sc->nl);
	json_object_put(sc->roles);
	free(sc);
	ctx->priv = NULL;
}

static uint64_t u64_of(json_object *o, const char *key)
{
	return tdm_json_u64(o, key);
}

static void learn(struct sync_child *sc, const char *inst, const char *state)
{
	if (!inst || !*inst || !state || strlen(inst) >= SYNC_NAME_MAX)
		return;
	if (json_object_object_length(sc->roles) >= 4096 &&
	    !json_object_object_get_ex(sc->roles, inst, NULL))
		return;
	json_object_object_add(sc->roles, inst, json_object_new_string(state));
	sync_follow_set(&sc->follow, inst, sync_role_parse(state));
	if (sc->relay && sync_follow_set(&sc->rfollow, inst, sync_role_parse(state)) &&
	    sc->have_feed)
		relay_role_update(sc);
}

static void snapshot(struct sync_child *sc, json_object *ev)
{
	json_object *view, *arr;

	sc->have_feed = 1;
	sc->feed_seq = u64_of(ev, "last_seq");
	if (json_object_object_get_ex(ev, "view", &view) &&
	    json_object_object_get_ex(view, "vrrp", &arr) &&
	    json_object_is_type(arr, json_type_array))
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			json_object *e = json_object_array_get_idx(arr, i);

			learn(sc, tdm_json_str(e, "instance"), tdm_json_str(e, "to"));
		}
	relay_role_update(sc);
	evaluate(sc, "event feed snapshot", 0);
}

static void sync_on_event(struct dir_part_ctx *ctx, json_object *ev)
{
	struct sync_child *sc = ctx->priv;
	const char *type = tdm_json_str(ev, "type"), *inst, *to;
	json_object *rp;
	char reason[160];

	if (!sc || !type)
		return;
	if (!strcmp(type, "feed.state")) {
		if (json_object_object_get_ex(ev, "replay", &rp) && json_object_get_boolean(rp))
			snapshot(sc, ev);
		return;
	}
	if (strcmp(type, "vrrp.state"))
		return;
	/* replayed events are older than (or as old as) the snapshot's view */
	if (sc->have_feed && u64_of(ev, "seq") <= sc->feed_seq)
		return;
	inst = tdm_json_str(ev, "instance");
	to = tdm_json_str(ev, "to");
	if (!inst || !to)
		return;
	learn(sc, inst, to);
	if (!sc->configured || !sync_follow_set(&sc->follow, inst, sync_role_parse(to)))
		return;
	snprintf(reason, sizeof(reason), "vrrp %s %s->%s%s%s", inst,
	         tdm_json_str(ev, "from") ? tdm_json_str(ev, "from") : "?", to,
	         sc->follow.is_group ? " in group " : "", sc->follow.is_group ? sc->follow.name : "");
	evaluate(sc, reason, 0);
}

static json_object *daemon_json(const struct dir_ipvs_daemon *d, int with_state)
{
	json_object *o = json_object_new_object();
	char grp[64] = "";

	if (with_state)
		json_object_object_add(o, "state", json_object_new_string(
			d->state == IP_VS_STATE_MASTER ? "master" : "backup"));
	json_object_object_add(o, "interface", json_object_new_string(d->ifname));
	json_object_object_add(o, "syncid", json_object_new_int((int)d->syncid));
	json_object_object_add(o, "maxlen", json_object_new_int(d->maxlen));
	json_object_object_add(o, "port", json_object_new_int(d->mcast_port));
	json_object_object_add(o, "ttl", json_object_new_int(d->mcast_ttl));
	if (d->mcast_af)
		inet_ntop(d->mcast_af, &d->mcast_group, grp, sizeof(grp));
	json_object_object_add(o, "group", json_object_new_string(grp));
	return o;
}

static int sync_command(struct dir_part_ctx *ctx, json_object *req, json_object **reply)
{
	struct sync_child *sc = ctx->priv;
	json_object *r = json_object_new_object(), *d, *k, *m;
	struct dir_ipvs_daemon have[2];
	size_t nhave = 0;
	int rc = 0;

	json_object *rs;

	if (req && json_object_object_get_ex(req, "resync", &rs) && json_object_get_boolean(rs)) {
		if (!sc || !sc->relay) {
			json_object_object_add(r, "ok", json_object_new_boolean(0));
			json_object_object_add(r, "error", json_object_new_string(
				"no sync relay runs here (sync_relay is not configured or did not start)"));
			*reply = r;
			return 0;
		}
		relay_run_resync(sc->relay);
	}
	json_object_object_add(r, "ok", json_object_new_boolean(1));
	json_object_object_add(r, "configured", json_object_new_boolean(sc && sc->configured));
	if (sc && sc->relay)
		json_object_object_add(r, "relay", relay_run_status(sc->relay));
	else
		json_object_object_add(r, "relay", NULL);
	if (sc && sc->relay_configured && !sc->relay)
		json_object_object_add(r, "relay_error", json_object_new_string(sc->relay_err));
	if (!sc || !sc->configured) {
		*reply = r;
		return 0;
	}
	d = daemon_json(&sc->params, 0);
	json_object_object_add(d, "instance", json_object_new_string(sc->follow.name));
	json_object_object_add(d, "sync_group", json_object_new_boolean(sc->follow.is_group));
	json_object_object_add(r, "daemon", d);
	json_object_object_add(r, "role", json_object_new_string(
		sc->follow.name[0] ? sync_role_name(sync_follow_role(&sc->follow)) : "none"));
	if (sc->follow.is_group) {
		m = json_object_new_array();
		for (size_t i = 0; i < sc->follow.nmembers; i++) {
			json_object *e = json_object_new_object();

			json_object_object_add(e, "instance", json_object_new_string(sc->follow.members[i]));
			json_object_object_add(e, "role", json_object_new_string(
				sync_role_name(sc->follow.roles[i])));
			json_object_array_add(m, e);
		}
		json_object_object_add(r, "members", m);
	}
	json_object_object_add(r, "want", json_object_new_string(
		sc->decided ? sync_daemon_set_name(sc->want) : "undecided"));
	json_object_object_add(r, "ipvs", json_object_new_boolean(sc->nl != NULL));
	if (sc->nl && (rc = sync_daemon_get(sc->nl, have, &nhave)) == 0) {
		k = json_object_new_array();
		for (size_t i = 0; i < nhave; i++)
			json_object_array_add(k, daemon_json(&have[i], 1));
		json_object_object_add(r, "kernel", json_object_new_string(
			sync_daemon_set_name(sync_daemon_running(have, nhave))));
		json_object_object_add(r, "kernel_daemons", k);
	} else {
		char why[300];

		if (sc->nl)
			snprintf(why, sizeof(why), "reading the kernel: %s", strerror(-rc));
		else
			snprintf(why, sizeof(why), "%s", sc->ipvs_err);
		json_object_object_add(r, "kernel", NULL);
		json_object_object_add(r, "kernel_error", json_object_new_string(why));
	}
	json_object_object_add(r, "applied", json_object_new_boolean(sc->applied));
	if (sc->error[0])
		json_object_object_add(r, "error", json_object_new_string(sc->error));
	json_object_object_add(r, "switches", json_object_new_uint64(sc->switches));
	if (sc->last_at > 0) {
		json_object *l = json_object_new_object();

		json_object_object_add(l, "at", json_object_new_double(sc->last_at));
		json_object_object_add(l, "state", json_object_new_string(sc->last_state));
		json_object_object_add(l, "reason", json_object_new_string(sc->last_reason));
		json_object_object_add(r, "last_switch", l);
	}
	*reply = r;
	return 0;
}

static const char *const sync_commands[] = { "sync", NULL };
static const char *const sync_event_types[] = { "vrrp.", NULL };

const struct dir_part_ops sync_part_ops = {
	.name = "sync", .part = TDM_PART_SYNC,
	.kinds = K(TDM_OBJ_SYNC),
	.start = sync_start, .reload = sync_reload, .stop = sync_stop,
	.commands = sync_commands, .command = sync_command,
	.event_types = sync_event_types, .on_event = sync_on_event,
};
