/* director/ipvs_ctl.c - the IPVS reconcile engine: desired table (config + checker verdicts +
 * runtime overrides + destinations being drained) against a cached kernel view, diffed and
 * applied in one batch; re-dump on overrun or on an error that shows the cache was stale;
 * FULLNAT's nftables table, draining, stop. The verdicts and overrides it builds from are
 * kept in ipvs_ctl_runtime.c. See ipvs_ctl.h. */
#include "director/ipvs_ctl_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "director/global_conf.h"
#include "director/ipvs_fnat.h"
#include "healthcheck/check_conf.h"
#include "lib/log.h"
#include "lib/mono.h"

#define SYNC_ROUNDS 8             /* re-dumps after lost acks or stale entries */
#define DRAIN_POLL_NS 1000000000ull

/* ---- options ---- */

void dir_ipvs_ctl_opts_from_config(const struct tdm_config *cfg, struct dir_ipvs_ctl_opts *o)
{
	const struct tdm_global_conf *g = cfg ? cfg->global : NULL;
	const struct tdm_cnode *n;

	memset(o, 0, sizeof(*o));
	o->drain_ns = DIR_IPVS_DRAIN_DEFAULT_NS;
	if (!g)
		return;
	o->flush_on_start = g->lvs_flush;
	o->flush_on_stop = g->lvs_flush_on_stop;
	if (!g->node)
		return;
	n = tdm_cnode_find(g->node, "ipvs_drain_time");
	if (n && n->argc && n->vals)
		o->drain_ns = n->vals[0].us * 1000ull;
	if (tdm_cnode_find(g->node, "ipvs_keep_on_stop"))
		o->keep_on_stop = 1;
	n = tdm_cnode_find(g->node, "lvs_netlink_cmd_rcv_bufs");
	if (n && n->argc && n->vals && n->vals[0].i > 0)
		o->cmd_rcvbuf = n->vals[0].i > INT32_MAX ? INT32_MAX : (int)n->vals[0].i;
	n = tdm_cnode_find(g->node, "lvs_netlink_cmd_rcv_bufs_force");
	if (n)
		o->cmd_rcvbuf_force = !n->argc || !n->vals || n->vals[0].i != 0;
	n = tdm_cnode_find(g->node, "lvs_timeouts");
	if (n) {
		for (uint32_t i = 0; i + 1 < n->argc; i += 2) {
			uint32_t v = (uint32_t)strtoul(n->argv[i + 1], NULL, 10);

			if (!strcmp(n->argv[i], "tcp"))
				o->timeouts.tcp = v;
			else if (!strcmp(n->argv[i], "tcpfin"))
				o->timeouts.tcp_fin = v;
			else if (!strcmp(n->argv[i], "udp"))
				o->timeouts.udp = v;
		}
		o->has_timeouts = 1;
	}
}

/* ---- life cycle ---- */

struct dir_ipvs_ctl *dir_ipvs_ctl_new(const struct dir_ipvs_io *io,
				      const struct dir_ipvs_ctl_opts *opts)
{
	struct dir_ipvs_ctl *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->io = *io;
	if (opts)
		c->o = *opts;
	dir_ipvs_table_init(&c->kernel);
	dir_ipvs_desired_init(&c->cur);
	return c;
}

static void errs_clear(struct dir_ipvs_ctl *c)
{
	for (size_t i = 0; i < c->nerrs; i++)
		free(c->errs[i]);
	c->nerrs = 0;
}

void dir_ipvs_ctl_free(struct dir_ipvs_ctl *c)
{
	if (!c)
		return;
	dir_ipvs_table_free(&c->kernel);
	dir_ipvs_desired_free(&c->cur);
	dir_ipvs_strmap_free(&c->rs);
	dir_ipvs_strmap_free(&c->sorry);
	free(c->gh);
	free(c->fnat_rules);
	errs_clear(c);
	free(c);
}

void dir_ipvs_ctl_set_where(struct dir_ipvs_ctl *c,
			    void (*where)(void *arg, uint32_t line, char *buf, size_t len),
			    void *arg)
{
	c->where = where;
	c->where_arg = arg;
}

void dir_ipvs_ctl_set_emit(struct dir_ipvs_ctl *c, void (*emit)(void *arg, json_object *ev),
			   void *arg)
{
	c->emit = emit;
	c->emit_arg = arg;
}

const struct dir_ipvs_table *dir_ipvs_ctl_kernel(const struct dir_ipvs_ctl *c)
{
	return &c->kernel;
}

size_t dir_ipvs_ctl_draining(const struct dir_ipvs_ctl *c)
{
	return c->ngh;
}

size_t dir_ipvs_ctl_nerrors(const struct dir_ipvs_ctl *c)
{
	return c->nerrs;
}

const char *dir_ipvs_ctl_error(const struct dir_ipvs_ctl *c, size_t i)
{
	return i < c->nerrs ? c->errs[i] : NULL;
}

static void emit(struct dir_ipvs_ctl *c, json_object *ev)
{
	if (c->emit)
		c->emit(c->emit_arg, ev);
	else
		json_object_put(ev);
}

static void add_error(struct dir_ipvs_ctl *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add_error(struct dir_ipvs_ctl *c, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tdm_log_err("ipvs: %s", buf);
	c->nerrs_total++;
	if (c->nerrs < DIR_IPVS_MAX_ERRS)
		c->errs[c->nerrs++] = strdup(buf);
}

static void where_str(struct dir_ipvs_ctl *c, uint32_t line, char *buf, size_t len)
{
	if (c->where)
		c->where(c->where_arg, line, buf, len);
	else
		snprintf(buf, len, "config line %u", line);
}

/* ---- desired table ---- */

const struct dir_ipvs_ghost *dir_ipvs_ctl_ghost(const struct dir_ipvs_ctl *c,
						const struct dir_ipvs_svc_key *sk,
						const struct dir_ipvs_dest_key *dk)
{
	for (size_t i = 0; i < c->ngh; i++)
		if (dir_ipvs_svc_key_eq(&c->gh[i].svc.key, sk) &&
		    dir_ipvs_dest_key_eq(&c->gh[i].dest.key, dk))
			return &c->gh[i];
	return NULL;
}

static void ghost_del(struct dir_ipvs_ctl *c, size_t i)
{
	c->gh[i] = c->gh[--c->ngh];
}

static int ghost_add(struct dir_ipvs_ctl *c, const struct dir_ipvs_svc *s,
		     const struct dir_ipvs_dest *d, const char *id, uint64_t now)
{
	struct dir_ipvs_ghost *g;

	if (c->ngh == c->ghcap) {
		size_t cap = c->ghcap ? c->ghcap * 2 : 16;
		struct dir_ipvs_ghost *v = realloc(c->gh, cap * sizeof(*v));

		if (!v)
			return -1;
		c->gh = v;
		c->ghcap = cap;
	}
	g = &c->gh[c->ngh++];
	memset(g, 0, sizeof(*g));
	g->svc.key = s->key;
	dir_ipvs_svc_attrs_copy(&g->svc, s);
	g->dest = *d;
	g->dest.weight = 0;
	g->dest.tag = 0;
	g->since = now;
	g->deadline = now + c->o.drain_ns;
	snprintf(g->id, sizeof(g->id), "%s", id ? id : "?");
	tdm_log_info("ipvs: draining %s (weight 0 for up to %llu s)", g->id,
		     (unsigned long long)(c->o.drain_ns / 1000000000ull));
	if (c->emit) {
		json_object *ev = json_object_new_object();

		json_object_object_add(ev, "type", json_object_new_string("rs.drain"));
		json_object_object_add(ev, "rs", json_object_new_string(g->id));
		json_object_object_add(ev, "drain_s",
				       json_object_new_double((double)c->o.drain_ns / 1e9));
		emit(c, ev);
	}
	return 0;
}

/* New ghosts for tandem's destinations that leave the table; ghosts whose destination came
 * back are dropped; the rest are merged into d with weight 0. */
static int ghosts_merge(struct dir_ipvs_ctl *c, struct dir_ipvs_desired *d, uint64_t now)
{
	for (size_t i = 0; i < c->ngh;) {
		struct dir_ipvs_svc *s = dir_ipvs_svc_find(&d->table, &c->gh[i].svc.key);

		if (s && dir_ipvs_dest_find(s, &c->gh[i].dest.key))
			ghost_del(c, i);
		else
			i++;
	}
	if (c->o.drain_ns) {
		for (size_t i = 0; i < c->cur.table.nsvcs; i++) {
			const struct dir_ipvs_svc *os = c->cur.table.svcs[i];
			const struct dir_ipvs_svc *ks = dir_ipvs_svc_find(&c->kernel, &os->key);
			const struct dir_ipvs_svc *ns = dir_ipvs_svc_find(&d->table, &os->key);

			if (!ks)
				continue;
			for (size_t j = 0; j < os->ndests; j++) {
				const struct dir_ipvs_dest *od = &os->dests[j];
				const struct dir_ipvs_origin *o;

				if ((ns && dir_ipvs_dest_find(ns, &od->key)) ||
				    !dir_ipvs_dest_find(ks, &od->key) ||
				    dir_ipvs_ctl_ghost(c, &os->key, &od->key))
					continue;
				o = dir_ipvs_desired_origin(&c->cur, od->tag);
				if (ghost_add(c, os, od, o ? o->id : NULL, now) < 0)
					return -1;
			}
		}
	}
	for (size_t i = 0; i < c->ngh; i++) {
		struct dir_ipvs_svc *s = dir_ipvs_svc_find(&d->table, &c->gh[i].svc.key);
		struct dir_ipvs_dest *dup = NULL;

		if (c->gh[i].expired)
			continue;
		if (!s && !(s = dir_ipvs_svc_add(&d->table, &c->gh[i].svc, NULL)))
			return -1;
		if (!dir_ipvs_dest_add(s, &c->gh[i].dest, &dup) && !dup)
			return -1;
	}
	return 0;
}

/* ---- applying ---- */

static bool owned_fn(void *arg, const struct dir_ipvs_svc *svc, const struct dir_ipvs_dest *dest)
{
	const struct dir_ipvs_ctl *c = arg;
	const struct dir_ipvs_svc *s = dir_ipvs_svc_find(&c->cur.table, &svc->key);

	if (!s)
		return false;
	return !dest || dir_ipvs_dest_find(s, &dest->key) != NULL;
}

static const char *hint(const struct dir_ipvs_op *op, int err)
{
	switch (err) {
	case EEXIST: return " (an entry made by someone else: adopting it)";
	case ESRCH: return " (the service is gone from the kernel)";
	case ENOENT:
		if (op->kind == DIR_IPVS_OP_NEW_SVC || op->kind == DIR_IPVS_OP_SET_SVC)
			return " (scheduler or persistence engine not available in this kernel)";
		return " (the destination is gone from the kernel)";
	default: return "";
	}
}

static void op_error(struct dir_ipvs_ctl *c, const struct dir_ipvs_desired *d,
		     const struct dir_ipvs_op *op, int err)
{
	const struct dir_ipvs_origin *o = NULL;
	char ops[256], where[200];

	dir_ipvs_op_str(op, ops, sizeof(ops));
	if (op->kind == DIR_IPVS_OP_DEL_DEST || op->kind == DIR_IPVS_OP_DEL_SVC) {
		/* the entry came from the previous config: its origin is there */
		const struct dir_ipvs_svc *s = dir_ipvs_svc_find(&c->cur.table, &op->svc->key);
		const struct dir_ipvs_dest *dd = s && op->dest ?
			dir_ipvs_dest_find(s, &op->dest->key) : NULL;

		if (s)
			o = dir_ipvs_desired_origin(&c->cur, dd ? dd->tag : s->tag);
	} else {
		o = dir_ipvs_desired_origin(d, op->dest ? op->dest->tag : op->svc->tag);
	}
	if (!o) {
		add_error(c, "%s: %s%s", ops, strerror(err), hint(op, err));
		return;
	}
	where_str(c, o->line, where, sizeof(where));
	add_error(c, "%s: %s %s: %s: %s%s", where,
		  o->is_rs ? "real_server" : o->is_sorry ? "sorry_server of" : "virtual_server",
		  o->id, ops, strerror(err), hint(op, err));
}

/* apply a successful op to the cached kernel view (DEL ops point into it: copy first) */
static void cache_apply(struct dir_ipvs_ctl *c, const struct dir_ipvs_op *op)
{
	struct dir_ipvs_op cp = *op;
	struct dir_ipvs_svc s;
	struct dir_ipvs_dest d;

	if (op->kind == DIR_IPVS_OP_DEL_DEST || op->kind == DIR_IPVS_OP_DEL_SVC) {
		memset(&s, 0, sizeof(s));
		s.key = op->svc->key;
		cp.svc = &s;
		if (op->dest) {
			d = *op->dest;
			cp.dest = &d;
		}
	}
	if (dir_ipvs_op_apply(&c->kernel, &cp) < 0)
		c->kernel_valid = 0;
}

static int refresh_kernel(struct dir_ipvs_ctl *c)
{
	int rc = c->io.dump(c->io.arg, &c->kernel);

	c->kernel_valid = rc == 0;
	if (rc < 0)
		add_error(c, "reading the kernel's IPVS table: %s", strerror(-rc));
	return rc;
}

/* one reconcile: desired d against the kernel. 1 = retry after a re-dump, 0 done, -1 failed */
static int apply_round(struct dir_ipvs_ctl *c, struct dir_ipvs_desired *d, size_t *nops,
		       size_t *nfail, int last)
{
	struct dir_ipvs_ops ops = { 0 };
	const struct dir_ipvs_svc *bad[64];
	size_t nbad = 0, fails = 0;
	int *errs = NULL, rc, redump = 0;

	if (dir_ipvs_diff(&d->table, &c->kernel, owned_fn, c, 0, &ops) < 0)
		return -1;
	*nops += ops.n;
	if (!ops.n) {
		dir_ipvs_ops_free(&ops);
		return 0;
	}
	errs = calloc(ops.n, sizeof(*errs));
	if (!errs) {
		dir_ipvs_ops_free(&ops);
		return -1;
	}
	rc = c->io.apply(c->io.arg, ops.v, ops.n, errs);
	for (size_t i = 0; i < ops.n; i++) {
		const struct dir_ipvs_op *op = &ops.v[i];
		int svc_failed = 0;

		if (errs[i] == 0) {
			cache_apply(c, op);
			continue;
		}
		if (errs[i] < 0) {      /* not sent, or its ack was lost */
			redump = 1;
			continue;
		}
		fails++;
		/* a destination of a service the kernel just refused: that error said it */
		for (size_t k = 0; op->dest && k < nbad && !svc_failed; k++)
			svc_failed = bad[k] == op->svc;
		if (svc_failed)
			continue;
		if (!op->dest && nbad < sizeof(bad) / sizeof(bad[0]))
			bad[nbad++] = op->svc;
		if (errs[i] == EEXIST || errs[i] == ESRCH || (errs[i] == ENOENT && op->dest)) {
			redump = 1;
			if (!last)
				continue;       /* the re-dump adopts or re-creates it */
		}
		op_error(c, d, op, errs[i]);
	}
	if (rc == -ENOBUFS)
		tdm_log_warn("ipvs: netlink receive queue overrun: re-reading the kernel table");
	else if (rc < 0)
		add_error(c, "sending to the kernel: %s", strerror(-rc));
	dir_ipvs_ops_free(&ops);
	free(errs);
	if (redump || rc == -ENOBUFS) {
		c->kernel_valid = 0;
		return last ? -1 : 1;
	}
	*nfail += fails;
	return rc < 0 || fails ? -1 : 0;
}

int dir_ipvs_ctl_sync(struct dir_ipvs_ctl *c, const char *reason, uint64_t now)
{
	struct dir_ipvs_desired d;
	size_t nops = 0, nfail = 0;
	uint64_t t0 = tdm_mono_ns();
	int rc = -1, round;

	errs_clear(c);
	dir_ipvs_desired_init(&d);
	if (dir_ipvs_desired_build(&d, c->cfg, dir_ipvs_ctl_weight_fn, dir_ipvs_ctl_sorry_fn,
				   c) < 0 ||
	    ghosts_merge(c, &d, now) < 0) {
		add_error(c, "building the desired table: out of memory");
		dir_ipvs_desired_free(&d);
		return -1;
	}
	for (size_t i = 0; i < d.nproblems; i++) {
		const struct dir_ipvs_origin *o = dir_ipvs_desired_origin(&d, d.problems[i].tag);
		char where[200];

		where_str(c, o ? o->line : 0, where, sizeof(where));
		add_error(c, "%s: %s: %s", where, o ? o->id : "?", d.problems[i].what);
	}
	for (round = 0; round < SYNC_ROUNDS; round++) {
		if (!c->kernel_valid && refresh_kernel(c) < 0)
			break;
		rc = apply_round(c, &d, &nops, &nfail, round == SYNC_ROUNDS - 1);
		if (rc <= 0)
			break;
	}
	/* what was asked for is tandem's now, applied or not (a later sync retries) */
	dir_ipvs_desired_free(&c->cur);
	c->cur = d;
	c->applies++;
	c->ops_total += nops;
	if (c->emit && (nops || rc < 0 || d.nproblems || !strcmp(reason, "start"))) {
		json_object *ev = json_object_new_object();

		json_object_object_add(ev, "type", json_object_new_string("ipvs.apply"));
		json_object_object_add(ev, "reason", json_object_new_string(reason));
		json_object_object_add(ev, "ok", json_object_new_boolean(rc == 0 && !d.nproblems));
		json_object_object_add(ev, "ops", json_object_new_uint64(nops));
		json_object_object_add(ev, "errors", json_object_new_uint64(c->nerrs_total ?
				       c->nerrs : 0));
		json_object_object_add(ev, "rounds", json_object_new_int(round + 1));
		json_object_object_add(ev, "elapsed_ns", json_object_new_uint64(tdm_mono_ns() - t0));
		if (c->nerrs)
			json_object_object_add(ev, "error", json_object_new_string(c->errs[0]));
		emit(c, ev);
	}
	return rc == 0 && !d.nproblems ? 0 : -1;
}

static int fnat_sync(struct dir_ipvs_ctl *c, int force);
static void fnat_report(struct dir_ipvs_ctl *c);

int dir_ipvs_ctl_start(struct dir_ipvs_ctl *c, const struct tdm_config *cfg, uint64_t now)
{
	int rc, frc;

	c->cfg = cfg;
	if (c->o.cmd_rcvbuf && c->io.rcvbuf &&
	    (rc = c->io.rcvbuf(c->io.arg, c->o.cmd_rcvbuf, c->o.cmd_rcvbuf_force)) < 0)
		tdm_log_err("ipvs: lvs_netlink_cmd_rcv_bufs %d: %s", c->o.cmd_rcvbuf, strerror(-rc));
	if (c->o.flush_on_start && c->io.flush && (rc = c->io.flush(c->io.arg)) < 0)
		tdm_log_err("ipvs: lvs_flush: %s", strerror(-rc));
	if (c->o.has_timeouts && c->io.timeouts &&
	    (rc = c->io.timeouts(c->io.arg, &c->o.timeouts)) < 0)
		tdm_log_err("ipvs: lvs_timeouts: %s", strerror(-rc));
	c->kernel_valid = 0;
	frc = fnat_sync(c, 1);
	rc = dir_ipvs_ctl_sync(c, "start", now);
	fnat_report(c);
	return rc < 0 || frc < 0 ? -1 : 0;
}

/* ---- FULLNAT ---- */

static int fwd_is_fnat(const struct check_fwd *f)
{
	return f->method == CHECK_FWD_FNAT;
}

static int cfg_has_fnat(const struct tdm_config *cfg)
{
	const struct check_conf *cc = cfg ? cfg->check : NULL;

	for (size_t i = 0; cc && i < cc->nvs; i++) {
		const struct check_vs_conf *vs = cc->vs[i];

		if (!vs)
			continue;
		if (fwd_is_fnat(&vs->fwd) || (vs->has_sorry && fwd_is_fnat(&vs->sorry_fwd)))
			return 1;
		for (size_t j = 0; j < vs->nrs; j++)
			if (fwd_is_fnat(&vs->rs[j]->fwd))
				return 1;
	}
	return 0;
}

static int sorry_always(void *arg, const char *vs_id)
{
	return 1;
}

/* Put tandem's nftables table in line with the config: the source NAT of every configured
 * FNAT real server (and sorry server), whatever its health, so that checker verdicts never
 * rewrite the ruleset. Done only when the rules changed, unless force (start: replaces
 * whatever an earlier run left). Before the IPVS table, so a new FNAT destination never
 * takes a connection without its source NAT. 0, or -1 (c->fnat_err says why). */
static int fnat_sync(struct dir_ipvs_ctl *c, int force)
{
	struct dir_ipvs_desired all;
	char *rules = NULL, *script = NULL, err[256];
	size_t n = 0;
	int rc = 0, had;

	c->fnat_err[0] = '\0';
	if (!c->io.nft)
		return 0;
	dir_ipvs_desired_init(&all);
	if (cfg_has_fnat(c->cfg) &&
	    dir_ipvs_desired_build(&all, c->cfg, NULL, sorry_always, NULL) < 0)
		goto oom;
	rules = dir_ipvs_fnat_rules(&all.table, &n);
	dir_ipvs_desired_free(&all);
	if (!rules)
		goto oom;
	had = c->fnat_rules && *c->fnat_rules;
	if (!force && c->fnat_rules && !strcmp(rules, c->fnat_rules)) {
		free(rules);
		return 0;
	}
	if (*rules && c->io.conntrack) {
		int v = c->io.conntrack(c->io.arg, 0);

		if (v == 0) {
			v = c->io.conntrack(c->io.arg, 1);
			if (v == 1)
				tdm_log_info("ipvs: FNAT: set net.ipv4.vs.conntrack=1 (the source NAT "
					     "needs IPVS connections tracked)");
		}
		c->fnat_conntrack = v;
		if (v != 1)
			snprintf(c->fnat_err, sizeof(c->fnat_err), "FNAT: net.ipv4.vs.conntrack "
				 "is not 1 and could not be set (%s): the real servers' replies "
				 "will not come back", v < 0 ? strerror(-v) : "still 0");
	}
	if (!(script = dir_ipvs_fnat_script(rules)))
		goto oom;
	if (c->io.nft(c->io.arg, script, err, sizeof(err)) < 0) {
		free(c->fnat_rules);
		c->fnat_rules = NULL;   /* unknown: try again next time */
		if (*rules || had) {
			snprintf(c->fnat_err, sizeof(c->fnat_err), "FNAT: nftables table inet "
				 DIR_IPVS_FNAT_TABLE ": %s", err);
			rc = -1;
			free(rules);
		} else {
			/* no FNAT wanted and nothing of ours known: nftables may well be absent */
			tdm_log_debug("ipvs: FNAT: no table to remove (%s)", err);
			c->fnat_rules = rules;
			c->fnat_nrules = 0;
		}
	} else {
		if (n || had)
			tdm_log_info("ipvs: FNAT: %zu rule(s) in nftables table inet "
				     DIR_IPVS_FNAT_TABLE, n);
		free(c->fnat_rules);
		c->fnat_rules = rules;
		c->fnat_nrules = n;
	}
	free(script);
	return c->fnat_err[0] ? -1 : rc;
oom:
	dir_ipvs_desired_free(&all);
	free(rules);
	snprintf(c->fnat_err, sizeof(c->fnat_err), "FNAT: out of memory");
	return -1;
}

/* after a sync (which clears the errors): FNAT's error joins them */
static void fnat_report(struct dir_ipvs_ctl *c)
{
	if (c->fnat_err[0])
		add_error(c, "%s", c->fnat_err);
}

/* stop: remove tandem's table (nothing else) */
static void fnat_remove(struct dir_ipvs_ctl *c)
{
	char *script, err[256];

	if (!c->io.nft || (c->fnat_rules && !*c->fnat_rules))
		return;
	script = dir_ipvs_fnat_script("");
	if (script && c->io.nft(c->io.arg, script, err, sizeof(err)) < 0)
		tdm_log_err("ipvs: FNAT: removing nftables table inet " DIR_IPVS_FNAT_TABLE
			    ": %s", err);
	else if (script)
		tdm_log_info("ipvs: FNAT: nftables table inet " DIR_IPVS_FNAT_TABLE " removed");
	free(script);
	free(c->fnat_rules);
	c->fnat_rules = strdup("");
	c->fnat_nrules = 0;
}

int dir_ipvs_ctl_reload(struct dir_ipvs_ctl *c, const struct tdm_config *new_cfg,
			uint64_t now)
{
	int rc, frc;

	dir_ipvs_ctl_rs_records_reload(c, new_cfg);
	c->cfg = new_cfg;
	frc = fnat_sync(c, 0);
	rc = dir_ipvs_ctl_sync(c, "reload", now);
	fnat_report(c);
	return rc < 0 || frc < 0 ? -1 : 0;
}

/* ---- draining and stop ---- */

int dir_ipvs_ctl_tick(struct dir_ipvs_ctl *c, uint64_t now, uint64_t *next_ns)
{
	size_t dropped = 0;
	uint64_t next = 0;

	*next_ns = 0;
	if (!c->ngh)
		return 0;
	if (now >= c->last_drain_dump + DRAIN_POLL_NS && refresh_kernel(c) == 0)
		c->last_drain_dump = now;
	for (size_t i = 0; i < c->ngh;) {
		struct dir_ipvs_ghost *g = &c->gh[i];
		const struct dir_ipvs_svc *s = dir_ipvs_svc_find(&c->kernel, &g->svc.key);
		const struct dir_ipvs_dest *d = s ? dir_ipvs_dest_find(s, &g->dest.key) : NULL;
		const char *why = NULL;

		if (now >= g->deadline)
			why = "drain time over";
		else if (!d)
			why = "gone from the kernel";
		else if (c->kernel_valid && d->weight == 0 && d->active_conns == 0 &&
			 now >= g->since + DRAIN_POLL_NS)
			why = "no active connection";
		i++;
		if (!why || g->expired)
			continue;
		tdm_log_info("ipvs: %s drained (%s): deleting it", g->id, why);
		g->expired = 1;
		dropped++;
	}
	if (dropped)
		dir_ipvs_ctl_sync(c, "drain", now);
	/* the expired ones are out of the desired table now: forget them */
	for (size_t i = 0; i < c->ngh;) {
		if (c->gh[i].expired)
			ghost_del(c, i);
		else
			i++;
	}
	for (size_t i = 0; i < c->ngh; i++)
		if (!next || c->gh[i].deadline < next)
			next = c->gh[i].deadline;
	if (c->ngh && (!next || next > now + DRAIN_POLL_NS))
		next = now + DRAIN_POLL_NS;
	*next_ns = next;
	return 0;
}

int dir_ipvs_ctl_stop(struct dir_ipvs_ctl *c)
{
	struct dir_ipvs_desired empty;
	size_t nops = 0, nfail = 0;
	int rc = 0;

	if (c->o.keep_on_stop) {
		tdm_log_info("ipvs: leaving tandem's entries in the kernel (ipvs_keep_on_stop)%s",
			     c->fnat_nrules ? ", and the FNAT rules that serve them" : "");
		return 0;
	}
	if (c->o.flush_on_stop == 1 && c->io.flush) {
		rc = c->io.flush(c->io.arg);
		fnat_remove(c);
		if (rc < 0)
			tdm_log_err("ipvs: lvs_flush_on_stop: %s", strerror(-rc));
		return rc < 0 ? -1 : 0;
	}
	errs_clear(c);
	c->ngh = 0;
	dir_ipvs_desired_init(&empty);
	for (int round = 0; round < SYNC_ROUNDS; round++) {
		if (!c->kernel_valid && refresh_kernel(c) < 0) {
			rc = -1;
			break;
		}
		rc = apply_round(c, &empty, &nops, &nfail, round == SYNC_ROUNDS - 1);
		if (rc <= 0)
			break;
	}
	tdm_log_info("ipvs: stop: %zu operation(s) removed tandem's entries%s", nops,
		     rc ? " (with errors)" : "");
	fnat_remove(c);
	dir_ipvs_desired_free(&empty);
	dir_ipvs_desired_free(&c->cur);
	dir_ipvs_desired_init(&c->cur);
	return rc ? -1 : 0;
}
