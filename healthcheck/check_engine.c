/* healthcheck/check_engine.c - the health-check engine: builds one check instance per distinct
 * check of the config (identical checks of several virtual servers share one instance and fan
 * out), schedules attempts on one libev loop, counts rise/fall and weights through rs_fsm,
 * reports real-server and quorum changes, keeps unchanged checks across reloads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "healthcheck/check_int.h"
#include "healthcheck/check_map.h"
#include "healthcheck/check_script.h"
#include "healthcheck/check_spec.h"
#include "lib/log.h"

struct eng_vs {
	char *id;
	const struct check_vs_conf *conf;
	long long quorum, hyst, live;
	int watched;                /* has quorum/hysteresis/sorry_server: reported */
	struct vs_quorum q;
	uint8_t reported;
	uint8_t suspended;          /* ha_suspend: its address is not configured here */
	struct eng_rs **rs;         /* its real servers (this generation) */
	size_t nrs, caprs;
};

struct eng_rs {
	char *id;
	struct eng_vs *vs;
	const struct check_rs_conf *conf;   /* in the current config */
	struct rs_conf rc;
	int base_weight;            /* configured weight (rc.weight may be a check's dynamic one) */
	struct rs_state st;
	struct chk_inst **chk;
	size_t nchk;
	ev_timer ramp;
	struct check_engine *eng;
	uint8_t reported, claimed;
	char reason[256];
};

struct check_engine {
	struct ev_loop *loop;
	check_rs_cb cb;
	void *cb_arg;
	check_vs_cb vs_cb;
	void *vs_arg;
	void (*emit)(void *arg, json_object *ev);
	void *emit_arg;
	struct chk_inst **chk;
	size_t nchk;
	struct eng_rs **rs;
	size_t nrs;
	struct eng_vs **vs;
	size_t nvs;
	ev_timer kick;              /* initial reports from the loop */
	void *kctx[CHECK__N];
	int paused;
};

static const struct chk_ops *ops_of(enum check_kind k)
{
	switch (k) {
	case CHECK_TCP:
		return &chk_tcp_ops;
	case CHECK_HTTP:
		return &chk_http_ops;
	case CHECK_SSL:
		return &chk_http_ops;
	case CHECK_UDP:
		return &chk_udp_ops;
	case CHECK_SMTP:
		return &chk_smtp_ops;
	case CHECK_MISC:
		return &chk_misc_ops;
	case CHECK_PING:
		return &chk_ping_ops;
	case CHECK_DNS:
		return &chk_dns_ops;
	case CHECK_FILE:
		return &chk_file_ops;
	default:
		return NULL;
	}
}

struct ev_loop *chk_loop(const struct chk_inst *c)
{
	return c->eng->loop;
}

void **chk_kctx(const struct chk_inst *c)
{
	return &c->eng->kctx[c->spec.kind];
}

static int64_t now_us(struct check_engine *e)
{
	return (int64_t)(ev_now(e->loop) * 1e6);
}

/* ---- events ---- */

static void emit(struct check_engine *e, json_object *ev)
{
	if (e->emit)
		e->emit(e->emit_arg, ev);
	else
		json_object_put(ev);
}

static void report_rs(struct check_engine *e, struct eng_rs *r, const char *reason)
{
	json_object *ev;

	snprintf(r->reason, sizeof(r->reason), "%s", reason);
	r->reported = 1;
	tdm_log_info("real server %s %s weight %d: %s", r->id, r->st.up ? "up" : "down",
	             r->st.weight, reason);
	if (e->cb)
		e->cb(e->cb_arg, r->id, r->st.up, r->st.weight, reason);
	ev = json_object_new_object();
	json_object_object_add(ev, "type", json_object_new_string("rs.state"));
	json_object_object_add(ev, "vs", json_object_new_string(r->vs->id));
	json_object_object_add(ev, "rs", json_object_new_string(r->id));
	json_object_object_add(ev, "up", json_object_new_boolean(r->st.up));
	json_object_object_add(ev, "weight", json_object_new_int(r->st.weight));
	json_object_object_add(ev, "cfg_weight", json_object_new_int(r->base_weight));
	json_object_object_add(ev, "reason", json_object_new_string(reason));
	/* the configured names, for TANDEM-MIB's real and virtual server rows */
	if (r->conf && r->conf->snmp_name)
		json_object_object_add(ev, "snmp_name", json_object_new_string(r->conf->snmp_name));
	if (r->vs->conf && r->vs->conf->snmp_name)
		json_object_object_add(ev, "vs_snmp_name", json_object_new_string(r->vs->conf->snmp_name));
	emit(e, ev);
}

static void vs_eval(struct check_engine *e, struct eng_vs *v)
{
	long long live = 0;
	json_object *ev;

	for (size_t i = 0; i < v->nrs; i++)
		if (v->rs[i]->st.up && v->rs[i]->st.weight > 0)
			live += v->rs[i]->st.weight;
	v->live = live;
	if (!vs_quorum_update(&v->q, v->quorum, v->hyst, live) && v->reported)
		return;
	if (v->reported)            /* a change, not the first evaluation */
		check_script_run(v->q.up ? v->conf->quorum_up : v->conf->quorum_down);
	v->reported = 1;
	if (!v->watched)
		return;
	tdm_log_info("virtual server %s quorum %s (live weight %lld, quorum %lld)", v->id,
	             v->q.up ? "gained" : "lost", live, v->quorum);
	if (e->vs_cb)
		e->vs_cb(e->vs_arg, v->id, v->q.up, live);
	ev = json_object_new_object();
	json_object_object_add(ev, "type", json_object_new_string("vs.quorum"));
	json_object_object_add(ev, "vs", json_object_new_string(v->id));
	json_object_object_add(ev, "up", json_object_new_boolean(v->q.up));
	json_object_object_add(ev, "live_weight", json_object_new_int64(live));
	json_object_object_add(ev, "sorry", json_object_new_boolean(!v->q.up && v->conf->has_sorry));
	if (v->conf->snmp_name)
		json_object_object_add(ev, "snmp_name", json_object_new_string(v->conf->snmp_name));
	emit(e, ev);
}

static int rs_healthy(const struct eng_rs *r)
{
	for (size_t i = 0; i < r->nchk; i++)
		if (!r->chk[i]->fs.up)
			return 0;
	return 1;
}

static void ramp_arm(struct check_engine *e, struct eng_rs *r)
{
	int64_t d = rs_next_change(&r->st, &r->rc, now_us(e));

	ev_timer_stop(e->loop, &r->ramp);
	if (d < 0)
		return;
	ev_timer_set(&r->ramp, (double)d / 1e6, 0.);
	ev_timer_start(e->loop, &r->ramp);
}

/* re-evaluate a real server; report when its state or weight changed (or never reported) */
static void rs_eval(struct check_engine *e, struct eng_rs *r, const char *reason)
{
	int changed;
	char buf[256];

	r->rc.weight = r->base_weight;
	for (size_t i = 0; i < r->nchk; i++)
		if (r->chk[i]->dyn_weight >= 0)
			r->rc.weight = r->chk[i]->dyn_weight;
	if (!r->reported) {         /* first state: no slowstart ramp at start */
		rs_init(&r->st, &r->rc, rs_healthy(r), now_us(e));
		changed = 1;
	} else {
		int was_up = r->st.up;
		changed = rs_update(&r->st, &r->rc, rs_healthy(r), now_us(e));
		if (was_up != r->st.up && r->conf)
			check_script_run(r->st.up ? r->conf->notify_up : r->conf->notify_down);
	}

	if (changed || !r->reported) {
		if (!r->st.ramping && !strcmp(reason, "ramp"))
			reason = "slowstart done";
		if (r->st.up && r->st.ramping && r->rc.weight > 0) {
			snprintf(buf, sizeof(buf), "%s, slowstart %d/%d", reason, r->st.weight, r->rc.weight);
			reason = buf;
		}
		report_rs(e, r, reason);
		if (r->vs->reported)    /* the first evaluation waits for all its servers (kick) */
			vs_eval(e, r->vs);
	}
	ramp_arm(e, r);
}

static void ramp_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct eng_rs *r = w->data;

	rs_eval(r->eng, r, "ramp");
}

/* ---- attempts ---- */

static void attempt_cb(struct ev_loop *loop, ev_timer *w, int revents);

static void schedule(struct chk_inst *c, double delay)
{
	ev_timer_stop(c->eng->loop, &c->timer);
	ev_timer_set(&c->timer, delay < 0 ? 0 : delay, 0.);
	ev_timer_start(c->eng->loop, &c->timer);
}

static void result_event(struct chk_inst *c, int ok, const char *what)
{
	json_object *ev = json_object_new_object();

	json_object_object_add(ev, "type", json_object_new_string("check.result"));
	json_object_object_add(ev, "check", json_object_new_string(c->id));
	json_object_object_add(ev, "kind", json_object_new_string(check_kind_names[c->spec.kind]));
	json_object_object_add(ev, "target", json_object_new_string(c->spec.target));
	json_object_object_add(ev, "ok", json_object_new_boolean(ok));
	json_object_object_add(ev, "reason", json_object_new_string(what));
	json_object_object_add(ev, "latency_ms", json_object_new_double(c->last_ms));
	json_object_object_add(ev, "refs", json_object_new_int((int)c->nrefs));
	emit(c->eng, ev);
}

void chk_done(struct chk_inst *c, int ok, const char *reason)
{
	chk_done_weight(c, ok, -1, reason);
}

void chk_done_weight(struct chk_inst *c, int ok, int weight, const char *reason)
{
	struct check_engine *e = c->eng;
	int wchange = ok && weight != c->dyn_weight && (weight >= 0 || c->dyn_weight >= 0);
	enum rs_chk_change ch;
	int64_t next;
	char what[192], why[256];

	ev_timer_stop(e->loop, &c->timer);
	c->running = 0;
	c->last_ms = (ev_time() - c->started) * 1e3;
	if (c->last_ms < 0)
		c->last_ms = 0;
	c->n_total++;
	if (ok)
		c->n_ok++;
	else
		c->n_fail++;
	snprintf(what, sizeof(what), "%s", reason);
	if (!c->have_result || c->last_ok != ok || strcmp(c->last, what))
		result_event(c, ok, what);
	c->have_result = 1;
	c->last_ok = ok;
	snprintf(c->last, sizeof(c->last), "%s", what);
	if (ok)
		c->dyn_weight = weight;
	ch = rs_chk_result(&c->fs, &c->fc, ok, &next);
	if (!ok && c->spec.log_all)
		tdm_log_info("check %s failed: %s (%s, fall %d/%d)", c->id, what,
		             c->fs.up ? "up" : "down", c->fs.fail_run, c->fc.fall);
	else if (!ok && c->fs.up)
		tdm_log_debug("check %s: %s, fall %d/%d, retrying", c->id, what, c->fs.fail_run, c->fc.fall);
	if (ch != RS_CHK_SAME) {
		if (ch == RS_CHK_WENT_DOWN)
			snprintf(why, sizeof(why), "%s, fall %d/%d", what, c->fs.fail_run, c->fc.fall);
		else
			snprintf(why, sizeof(why), "%s, rise %d/%d", what, c->fs.ok_run, c->fc.rise);
		for (size_t i = 0; i < c->nrefs; i++)
			rs_eval(e, c->refs[i], why);
	} else if (wchange) {
		snprintf(why, sizeof(why), "%s, weight %d", what, weight);
		for (size_t i = 0; i < c->nrefs; i++)
			rs_eval(e, c->refs[i], why);
	}
	schedule(c, (double)next / 1e6);
}

void chk_kick(struct chk_inst *c)
{
	if (!c->running)
		schedule(c, 0.);
}

/* ha_suspend: a check runs unless every real server referencing it belongs to a suspended
 * virtual server */
static int inst_suspended(const struct chk_inst *c)
{
	for (size_t i = 0; i < c->nrefs; i++)
		if (!c->refs[i]->vs->suspended)
			return 0;
	return c->nrefs > 0;
}

static void attempt_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct chk_inst *c = w->data;
	char why[160] = "";

	if (c->running) {           /* the deadline passed */
		char msg[96];
		c->ops->stop(c);
		snprintf(msg, sizeof(msg), "no answer within %.3g s", (double)(c->ops->deadline_us ?
		         c->ops->deadline_us(c) : c->spec.connect_timeout_us) / 1e6);
		chk_done(c, 0, msg);
		return;
	}
	if (c->eng->paused || inst_suspended(c)) {
		/* idle: what the type keeps between attempts (a TCP_CHECK's socket) is let go */
		c->ops->stop(c);
		schedule(c, (double)c->fc.delay_loop_us / 1e6);
		return;
	}
	c->started = ev_time();
	if (c->ops->start(c, why, sizeof(why))) {
		chk_done(c, 0, why[0] ? why : "cannot start");
		return;
	}
	c->running = 1;
	/* backstop deadline: the types bound themselves by connect_timeout (per URL for HTTP);
	 * this catches the rest */
	{
		size_t n = 1;
		if ((c->spec.kind == CHECK_HTTP || c->spec.kind == CHECK_SSL) &&
		    c->spec.conf->u.http.nurls > 1)
			n = c->spec.conf->u.http.nurls;
		if (c->ops->deadline_us)
			schedule(c, (double)c->ops->deadline_us(c) / 1e6 + 0.5);
		else
			schedule(c, (double)c->spec.connect_timeout_us / 1e6 * (double)n + 0.5);
	}
}

/* ---- building / reload ---- */

static void inst_free(struct check_engine *e, struct chk_inst *c)
{
	ev_timer_stop(e->loop, &c->timer);
	if (c->ops) {
		if (c->running)
			c->ops->stop(c);
		if (c->ops->free)
			c->ops->free(c);
	}
	free(c->key);
	free(c->id);
	free(c->refs);
	free(c);
}

static void rs_free(struct check_engine *e, struct eng_rs *r)
{
	ev_timer_stop(e->loop, &r->ramp);
	free(r->chk);
	free(r->id);
	free(r);
}

static void vs_free(struct eng_vs *v)
{
	free(v->rs);
	free(v->id);
	free(v);
}

static int add_ref(struct chk_inst *c, struct eng_rs *r)
{
	if (c->nrefs == c->caprefs) {
		size_t cap = c->caprefs ? c->caprefs * 2 : 1;
		struct eng_rs **p = realloc(c->refs, cap * sizeof(*p));
		if (!p)
			return -1;
		c->refs = p;
		c->caprefs = cap;
	}
	c->refs[c->nrefs++] = r;
	return 0;
}

/* object ids of the config by node (real servers and checkers) */
struct node_id {
	const struct tdm_cnode *node;
	const char *id;
};

static int cmp_node(const void *a, const void *b)
{
	const struct node_id *x = a, *y = b;

	return x->node < y->node ? -1 : x->node > y->node;
}

static const char *id_of(const struct node_id *v, size_t n, const struct tdm_cnode *node)
{
	struct node_id k = { node, NULL }, *f = bsearch(&k, v, n, sizeof(*v), cmp_node);

	return f ? f->id : NULL;
}

struct gen {                    /* the state being built / replaced */
	struct check_map chk, rs, vs;
};

static void *grow_arr(void *arr, size_t n, size_t *cap, size_t el)
{
	if (n < *cap)
		return arr;
	size_t c = *cap ? *cap * 2 : 16;
	void *p = realloc(arr, c * el);
	if (p)
		*cap = c;
	return p;
}

/* build the engine's checks/servers for cfg, reusing old ones by identity (old maps may be
 * empty). Fills e->chk/rs/vs; unclaimed old objects are left to the caller. */
static int build(struct check_engine *e, const struct tdm_config *cfg, struct gen *old)
{
	const struct check_conf *cc = cfg->check;
	struct node_id *ids = NULL;
	size_t nids = 0, capc = 0, capr = 0, capv = 0;
	struct check_text ti;
	struct check_map kmap;
	int rc = -1;

	check_map_init(&kmap);
	e->chk = NULL;
	e->rs = NULL;
	e->vs = NULL;
	e->nchk = e->nrs = e->nvs = 0;
	if (check_text_index(&ti, cfg))
		return -1;
	ids = calloc(cfg->nobjs ? cfg->nobjs : 1, sizeof(*ids));
	if (!ids)
		goto cleanup;
	for (size_t i = 0; i < cfg->nobjs; i++)
		if (cfg->objs[i].kind == TDM_OBJ_REAL_SERVER || cfg->objs[i].kind == TDM_OBJ_CHECKER) {
			ids[nids].node = cfg->objs[i].node;
			ids[nids++].id = cfg->objs[i].id;
		}
	qsort(ids, nids, sizeof(*ids), cmp_node);
	for (size_t vi = 0; cc && vi < cc->nvs; vi++) {
		const struct check_vs_conf *vc = cc->vs[vi];
		struct eng_vs *v = check_map_get(&old->vs, vc->id ? vc->id : "?");
		if (v) {
			check_map_put(&old->vs, v->id, NULL);   /* claimed */
		} else {
			v = calloc(1, sizeof(*v));
			if (!v || !(v->id = strdup(vc->id ? vc->id : "?"))) {
				free(v);
				goto cleanup;
			}
		}
		v->conf = vc;
		v->nrs = 0;
		v->quorum = vc->quorum > 0 ? vc->quorum : 1;
		v->hyst = vc->hysteresis > 0 ? vc->hysteresis : 0;
		v->watched = vc->quorum > 1 || vc->hysteresis > 0 || vc->has_sorry;
		if (!(e->vs = grow_arr(e->vs, e->nvs, &capv, sizeof(*e->vs))))
			goto cleanup;
		e->vs[e->nvs++] = v;
		for (size_t ri = 0; ri < vc->nrs; ri++) {
			const struct check_rs_conf *rsc = vc->rs[ri];
			const char *rid = id_of(ids, nids, rsc->node);
			struct eng_rs *r;
			if (!rid)
				continue;
			r = check_map_get(&old->rs, rid);
			if (r) {
				check_map_put(&old->rs, rid, NULL);     /* claimed; keeps its id */
				free(r->chk);
				r->chk = NULL;
				r->nchk = 0;
			} else {
				r = calloc(1, sizeof(*r));
				if (!r)
					goto cleanup;
				r->eng = e;
				ev_timer_init(&r->ramp, ramp_cb, 0., 0.);
				r->ramp.data = r;
				r->id = strdup(rid);
			}
			r->vs = v;
			r->conf = rsc;
			check_rs_params(vc, rsc, &r->rc);
			r->base_weight = r->rc.weight;
			if (!(e->rs = grow_arr(e->rs, e->nrs, &capr, sizeof(*e->rs))) || !r->id) {
				rs_free(e, r);
				goto cleanup;
			}
			e->rs[e->nrs++] = r;
			{
				struct eng_rs **vr = grow_arr(v->rs, v->nrs, &v->caprs, sizeof(*v->rs));
				if (!vr)
					goto cleanup;
				v->rs = vr;
				v->rs[v->nrs++] = r;
			}
			r->chk = rsc->ncheckers ? calloc(rsc->ncheckers, sizeof(*r->chk)) : NULL;
			for (size_t ki = 0; ki < rsc->ncheckers; ki++) {
				struct chk_spec sp;
				char *key = NULL;
				struct chk_inst *c;
				if (check_spec_build(cfg, vc, rsc, rsc->checkers[ki], &ti, &sp, &key))
					goto cleanup;
				c = check_map_get(&kmap, key);          /* shared in this config */
				if (!c) {
					c = check_map_get(&old->chk, key);  /* kept across the reload */
					if (c && c->ops && c->ops->same && !c->ops->same(&c->spec, &sp))
						c = NULL;
					if (c) {
						check_map_put(&old->chk, c->key, NULL);
						c->nrefs = 0;
						c->spec = sp;
						free(c->id);
						c->id = NULL;
					} else {
						c = calloc(1, sizeof(*c));
						if (!c) {
							free(key);
							goto cleanup;
						}
						c->eng = e;
						c->spec = sp;
						c->key = key;
						key = NULL;
						c->ops = ops_of(sp.kind);
						c->fc.rise = sp.rise;
						c->fc.fall = sp.fall;
						c->fc.delay_loop_us = sp.delay_loop_us;
						c->fc.retry_delay_us = sp.retry_delay_us;
						c->fc.alpha = sp.alpha;
						c->dyn_weight = -1;
						rs_chk_init(&c->fs, &c->fc);
						if (!c->ops) {
							c->fs.up = 1;
							snprintf(c->last, sizeof(c->last), "%s is not implemented yet",
							         check_kind_names[sp.kind]);
						}
						ev_timer_init(&c->timer, attempt_cb, 0., 0.);
						c->timer.data = c;
						c->claimed = 2;         /* new: start below */
					}
					if (!c->id) {
						const char *kid = id_of(ids, nids, rsc->checkers[ki]->node);
						c->id = strdup(kid ? kid : c->spec.target);
					}
					if (!(e->chk = grow_arr(e->chk, e->nchk, &capc, sizeof(*e->chk))) || !c->id) {
						free(key);
						goto cleanup;
					}
					e->chk[e->nchk++] = c;
					check_map_put(&kmap, c->key, c);
				}
				free(key);
				if (add_ref(c, r))
					goto cleanup;
				if (r->chk)
					r->chk[r->nchk++] = c;
			}
		}
	}
	rc = 0;
cleanup:
	check_map_free(&kmap);
	check_text_free(&ti);
	free(ids);
	return rc;
}

static void start_new(struct check_engine *e)
{
	for (size_t i = 0; i < e->nchk; i++) {
		struct chk_inst *c = e->chk[i];
		double d;
		if (c->claimed != 2)
			continue;
		c->claimed = 0;
		if (!c->ops)
			continue;
		/* warmup: a random start within [0, warmup] spreads the first checks */
		d = c->spec.warmup_us > 0 ? (double)(random() % (c->spec.warmup_us + 1)) / 1e6 : 0.;
		schedule(c, d);
	}
}

static void kick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct check_engine *e = w->data;

	for (size_t i = 0; i < e->nrs; i++)
		if (!e->rs[i]->reported)
			rs_eval(e, e->rs[i], "start");
	for (size_t i = 0; i < e->nvs; i++)
		if (!e->vs[i]->reported)
			vs_eval(e, e->vs[i]);
}

static void arm_kick(struct check_engine *e)
{
	ev_timer_stop(e->loop, &e->kick);
	ev_timer_set(&e->kick, 0., 0.);
	ev_timer_start(e->loop, &e->kick);
}

static void gen_from_engine(struct check_engine *e, struct gen *g)
{
	check_map_init(&g->chk);
	check_map_init(&g->rs);
	check_map_init(&g->vs);
	for (size_t i = 0; i < e->nchk; i++)
		check_map_put(&g->chk, e->chk[i]->key, e->chk[i]);
	for (size_t i = 0; i < e->nrs; i++)
		check_map_put(&g->rs, e->rs[i]->id, e->rs[i]);
	for (size_t i = 0; i < e->nvs; i++)
		check_map_put(&g->vs, e->vs[i]->id, e->vs[i]);
}

/* free whatever of the old generation was not claimed (map values still set) */
static void gen_release(struct check_engine *e, struct gen *g, struct chk_inst **oc, size_t noc,
                        struct eng_rs **orr, size_t nor, struct eng_vs **ov, size_t nov)
{
	for (size_t i = 0; i < noc; i++)
		if (check_map_get(&g->chk, oc[i]->key) == oc[i])
			inst_free(e, oc[i]);
	for (size_t i = 0; i < nor; i++)
		if (check_map_get(&g->rs, orr[i]->id) == orr[i])
			rs_free(e, orr[i]);
	for (size_t i = 0; i < nov; i++)
		if (check_map_get(&g->vs, ov[i]->id) == ov[i])
			vs_free(ov[i]);
	check_map_free(&g->chk);
	check_map_free(&g->rs);
	check_map_free(&g->vs);
}

struct check_engine *check_engine_new(struct ev_loop *loop, const struct tdm_config *cfg,
                                      check_rs_cb cb, void *arg)
{
	struct check_engine *e = calloc(1, sizeof(*e));
	struct gen g;

	if (!e)
		return NULL;
	e->loop = loop;
	e->cb = cb;
	e->cb_arg = arg;
	ev_timer_init(&e->kick, kick_cb, 0., 0.);
	e->kick.data = e;
	ev_now_update(loop);        /* the config may have taken a while to parse */
	gen_from_engine(e, &g);
	if (build(e, cfg, &g)) {
		check_map_free(&g.chk);
		check_map_free(&g.rs);
		check_map_free(&g.vs);
		check_engine_free(e);
		return NULL;
	}
	check_map_free(&g.chk);
	check_map_free(&g.rs);
	check_map_free(&g.vs);
	start_new(e);
	arm_kick(e);
	tdm_log_info("check engine: %zu check(s) for %zu real server(s)", e->nchk, e->nrs);
	return e;
}

int check_engine_reload(struct check_engine *e, const struct tdm_config *old_cfg,
                        const struct tdm_config *new_cfg)
{
	struct chk_inst **oc = e->chk;
	struct eng_rs **orr = e->rs;
	struct eng_vs **ov = e->vs;
	size_t noc = e->nchk, nor = e->nrs, nov = e->nvs;
	size_t kept = 0;
	struct gen g;
	int rc;

	ev_now_update(e->loop);
	gen_from_engine(e, &g);
	rc = build(e, new_cfg, &g);
	if (rc) {
		/* keep running the old set: put it back */
		tdm_log_err("check engine: reload failed (out of memory?), keeping the old checks");
		free(e->chk);
		free(e->rs);
		free(e->vs);
		e->chk = oc;
		e->rs = orr;
		e->vs = ov;
		e->nchk = noc;
		e->nrs = nor;
		e->nvs = nov;
		check_map_free(&g.chk);
		check_map_free(&g.rs);
		check_map_free(&g.vs);
		return -1;
	}
	for (size_t i = 0; i < e->nchk; i++)
		kept += e->chk[i]->claimed != 2;
	gen_release(e, &g, oc, noc, orr, nor, ov, nov);
	free(oc);
	free(orr);
	free(ov);
	start_new(e);
	/* kept real servers whose checker set or weight changed */
	for (size_t i = 0; i < e->nrs; i++)
		if (e->rs[i]->reported)
			rs_eval(e, e->rs[i], "reload");
	for (size_t i = 0; i < e->nvs; i++)
		if (e->vs[i]->reported)
			vs_eval(e, e->vs[i]);
	arm_kick(e);
	tdm_log_info("check engine reloaded: %zu check(s) (%zu kept), %zu real server(s)",
	             e->nchk, kept, e->nrs);
	return 0;
}

void check_engine_free(struct check_engine *e)
{
	if (!e)
		return;
	/* omega: at shutdown the live servers' notify_down and the quorum_down run */
	for (size_t i = 0; i < e->nvs; i++) {
		struct eng_vs *v = e->vs[i];
		if (!v->conf || !v->conf->omega)
			continue;
		for (size_t k = 0; k < v->nrs; k++)
			if (v->rs[k]->st.up && v->rs[k]->conf)
				check_script_run(v->rs[k]->conf->notify_down);
		if (v->q.up)
			check_script_run(v->conf->quorum_down);
	}
	ev_timer_stop(e->loop, &e->kick);
	for (size_t i = 0; i < e->nchk; i++)
		inst_free(e, e->chk[i]);
	for (size_t i = 0; i < e->nrs; i++)
		rs_free(e, e->rs[i]);
	for (size_t i = 0; i < e->nvs; i++)
		vs_free(e->vs[i]);
	for (int k = 0; k < CHECK__N; k++) {
		const struct chk_ops *o = ops_of((enum check_kind)k);
		if (o && o->fini && e->kctx[k])
			o->fini(&e->kctx[k]);
	}
	free(e->chk);
	free(e->rs);
	free(e->vs);
	free(e);
}

void check_engine_set_emit(struct check_engine *e, void (*fn)(void *arg, json_object *ev),
                           void *arg)
{
	e->emit = fn;
	e->emit_arg = arg;
}

void check_engine_set_vs_cb(struct check_engine *e, check_vs_cb cb, void *arg)
{
	e->vs_cb = cb;
	e->vs_arg = arg;
}

void check_engine_pause(struct check_engine *e, int paused)
{
	int was = e->paused;

	e->paused = paused ? 1 : 0;
	if (was && !e->paused) {
		/* resume: every idle check runs again soon, spread over min(delay_loop, 1 s) */
		for (size_t i = 0; i < e->nchk; i++) {
			struct chk_inst *c = e->chk[i];
			double spread = (double)c->fc.delay_loop_us / 1e6;
			if (!c->ops || c->running)
				continue;
			if (spread > 1.)
				spread = 1.;
			schedule(c, spread * (double)i / (double)e->nchk);
		}
	}
}

int check_engine_paused(const struct check_engine *e)
{
	return e->paused;
}

int check_engine_vs_suspend(struct check_engine *e, const char *vs_id, int suspended)
{
	struct eng_vs *v = NULL;

	for (size_t i = 0; i < e->nvs && !v; i++)
		if (!strcmp(e->vs[i]->id, vs_id))
			v = e->vs[i];
	if (!v)
		return -1;
	if (v->suspended == !!suspended)
		return 0;
	v->suspended = suspended ? 1 : 0;
	tdm_log_info("checks of virtual server %s %s", v->id, suspended ?
	             "suspended (ha_suspend: its address is not configured here)" :
	             "resumed (its address is configured here)");
	if (suspended || e->paused)
		return 1;
	/* resumed: its idle checks run again soon, spread over min(delay_loop, 1 s) */
	{
		size_t n = 0, k = 0;
		for (size_t i = 0; i < v->nrs; i++)
			n += v->rs[i]->nchk;
		for (size_t i = 0; i < v->nrs; i++)
			for (size_t j = 0; j < v->rs[i]->nchk; j++, k++) {
				struct chk_inst *c = v->rs[i]->chk[j];
				double spread = (double)c->fc.delay_loop_us / 1e6;
				if (!c->ops || c->running)
					continue;
				if (spread > 1.)
					spread = 1.;
				schedule(c, spread * (double)k / (double)n);
			}
	}
	return 1;
}

/* ---- status ---- */

json_object *check_engine_status(struct check_engine *e)
{
	return check_engine_status_sel(e, NULL, (size_t)-1);
}

static int sel(const char *filter, const char *a, const char *b)
{
	return !filter || !filter[0] || (a && strstr(a, filter)) || (b && strstr(b, filter));
}

json_object *check_engine_status_sel(struct check_engine *e, const char *filter, size_t limit)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	json_object *ra = json_object_new_array(), *va = json_object_new_array();
	size_t nc = 0, nr = 0, up = 0, shown_c = 0, shown_r = 0;

	json_object_object_add(o, "ok", json_object_new_boolean(1));
	json_object_object_add(o, "paused", json_object_new_boolean(e->paused));
	for (size_t i = 0; i < e->nchk; i++) {
		struct chk_inst *c = e->chk[i];
		json_object *j, *refs;
		const char *state = !c->ops ? "unsupported" : c->fs.up ? "up" : "down";
		if (!sel(filter, c->id, c->spec.target))
			continue;
		nc++;
		up += c->ops && c->fs.up;
		if (shown_c >= limit)
			continue;
		shown_c++;
		j = json_object_new_object();
		refs = json_object_new_array();
		json_object_object_add(j, "id", json_object_new_string(c->id));
		json_object_object_add(j, "kind", json_object_new_string(check_kind_names[c->spec.kind]));
		json_object_object_add(j, "target", json_object_new_string(c->spec.target));
		json_object_object_add(j, "state", json_object_new_string(state));
		json_object_object_add(j, "last", json_object_new_string(c->last));
		json_object_object_add(j, "last_ok", c->have_result ? json_object_new_boolean(c->last_ok) : NULL);
		json_object_object_add(j, "latency_ms", json_object_new_double(c->last_ms));
		json_object_object_add(j, "ok", json_object_new_int64((int64_t)c->n_ok));
		json_object_object_add(j, "fail", json_object_new_int64((int64_t)c->n_fail));
		json_object_object_add(j, "total", json_object_new_int64((int64_t)c->n_total));
		json_object_object_add(j, "ok_run", json_object_new_int(c->fs.ok_run));
		json_object_object_add(j, "fail_run", json_object_new_int(c->fs.fail_run));
		json_object_object_add(j, "merged", json_object_new_int((int)c->nrefs));
		if (inst_suspended(c))
			json_object_object_add(j, "suspended", json_object_new_boolean(1));
		for (size_t k = 0; k < c->nrefs; k++)
			json_object_array_add(refs, json_object_new_string(c->refs[k]->id));
		json_object_object_add(j, "rs", refs);
		json_object_array_add(a, j);
	}
	for (size_t i = 0; i < e->nrs; i++) {
		struct eng_rs *r = e->rs[i];
		json_object *j;
		if (!sel(filter, r->id, NULL))
			continue;
		nr++;
		if (shown_r >= limit)
			continue;
		shown_r++;
		j = json_object_new_object();
		json_object_object_add(j, "rs", json_object_new_string(r->id));
		json_object_object_add(j, "vs", json_object_new_string(r->vs->id));
		json_object_object_add(j, "up", json_object_new_boolean(r->st.up));
		json_object_object_add(j, "weight", json_object_new_int(r->st.weight));
		json_object_object_add(j, "reason", json_object_new_string(r->reason));
		if (r->conf && r->conf->snmp_name)
			json_object_object_add(j, "snmp_name", json_object_new_string(r->conf->snmp_name));
		json_object_array_add(ra, j);
	}
	for (size_t i = 0; i < e->nvs; i++) {
		struct eng_vs *v = e->vs[i];
		json_object *j = json_object_new_object();
		json_object_object_add(j, "vs", json_object_new_string(v->id));
		json_object_object_add(j, "quorum_up", json_object_new_boolean(v->q.up));
		json_object_object_add(j, "live_weight", json_object_new_int64(v->live));
		if (v->conf && v->conf->ha_suspend)
			json_object_object_add(j, "suspended", json_object_new_boolean(v->suspended));
		if (v->conf && v->conf->snmp_name)
			json_object_object_add(j, "snmp_name", json_object_new_string(v->conf->snmp_name));
		json_object_array_add(va, j);
	}
	json_object_object_add(o, "checks", a);
	json_object_object_add(o, "checks_total", json_object_new_int64((int64_t)nc));
	json_object_object_add(o, "checks_up", json_object_new_int64((int64_t)up));
	json_object_object_add(o, "rs_total", json_object_new_int64((int64_t)nr));
	json_object_object_add(o, "truncated", json_object_new_boolean(shown_c < nc || shown_r < nr));
	json_object_object_add(o, "rs", ra);
	json_object_object_add(o, "vs", va);
	return o;
}
