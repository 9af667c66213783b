/* director/ipvs_ctl_runtime.c - the reconcile engine's runtime inputs: the records of what
 * the checker said of each real server (up, weight) and which virtual servers are on their
 * sorry server, the operator's overrides (drain, weight, enable) matched against the config,
 * and their fate on a reload; the weight and sorry callbacks through which they reach the
 * desired table. The engine itself is ipvs_ctl.c. */
#include "director/ipvs_ctl_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "healthcheck/check_conf.h"
#include "lib/log.h"

/* ---- string map of real server records ---- */

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return h;
}

struct dir_ipvs_rs_rec *dir_ipvs_strmap_get(const struct dir_ipvs_strmap *m, const char *id)
{
	if (!m->cap || !id)
		return NULL;
	for (size_t h = str_hash(id) & (m->cap - 1), k = 0; k < m->cap;
	     h = (h + 1) & (m->cap - 1), k++) {
		if (!m->slot[h])
			return NULL;
		if (!strcmp(m->slot[h]->id, id))
			return m->slot[h];
	}
	return NULL;
}

static void strmap_put_rec(struct dir_ipvs_strmap *m, struct dir_ipvs_rs_rec *r)
{
	size_t h = str_hash(r->id) & (m->cap - 1);

	while (m->slot[h])
		h = (h + 1) & (m->cap - 1);
	m->slot[h] = r;
	m->n++;
}

static int strmap_grow(struct dir_ipvs_strmap *m)
{
	struct dir_ipvs_strmap nm = { .cap = m->cap ? m->cap * 2 : 64 };

	nm.slot = calloc(nm.cap, sizeof(*nm.slot));
	if (!nm.slot)
		return -1;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slot[i])
			strmap_put_rec(&nm, m->slot[i]);
	free(m->slot);
	*m = nm;
	return 0;
}

static struct dir_ipvs_rs_rec *strmap_add(struct dir_ipvs_strmap *m, const char *id)
{
	struct dir_ipvs_rs_rec *r = dir_ipvs_strmap_get(m, id);

	if (r)
		return r;
	if ((m->n + 1) * 2 > m->cap && strmap_grow(m) < 0)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (!r || !(r->id = strdup(id))) {
		free(r);
		return NULL;
	}
	r->up = -1;
	strmap_put_rec(m, r);
	return r;
}

void dir_ipvs_strmap_free(struct dir_ipvs_strmap *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		if (m->slot[i]) {
			free(m->slot[i]->id);
			free(m->slot[i]);
		}
	}
	free(m->slot);
	memset(m, 0, sizeof(*m));
}

/* keep only the records marked seen */
static void strmap_prune(struct dir_ipvs_strmap *m)
{
	struct dir_ipvs_strmap nm = { .cap = m->cap };

	if (!m->cap)
		return;
	nm.slot = calloc(nm.cap, sizeof(*nm.slot));
	if (!nm.slot)
		return;
	for (size_t i = 0; i < m->cap; i++) {
		struct dir_ipvs_rs_rec *r = m->slot[i];

		if (!r)
			continue;
		if (r->seen) {
			r->seen = 0;
			strmap_put_rec(&nm, r);
		} else {
			free(r->id);
			free(r);
		}
	}
	free(m->slot);
	*m = nm;
}

/* ---- the desired table's callbacks ---- */

int dir_ipvs_ctl_weight_fn(void *arg, const char *rs_id, const struct check_vs_conf *vs,
			   const struct check_rs_conf *rs)
{
	struct dir_ipvs_ctl *c = arg;
	struct dir_ipvs_rs_rec *r = dir_ipvs_strmap_get(&c->rs, rs_id);
	int base;

	if (!r || r->up < 0)
		base = vs->alpha ? -1 : rs->weight;
	else if (r->up && r->cfg_changed)
		base = rs->weight;      /* until the checker reports on the new entry */
	else
		base = r->weight;
	if (base < 0)
		return -1;
	if (r && r->ov == DIR_IPVS_OV_DRAIN)
		return 0;
	if (r && r->ov == DIR_IPVS_OV_WEIGHT && r->up != 0)
		return r->ov_weight;
	return base;
}

int dir_ipvs_ctl_sorry_fn(void *arg, const char *vs_id)
{
	struct dir_ipvs_ctl *c = arg;

	return dir_ipvs_strmap_get(&c->sorry, vs_id) != NULL;
}

/* ---- checker verdicts, sorry state, reload ---- */

/* drop overrides whose config entry changed, and records of real servers that are gone */
void dir_ipvs_ctl_rs_records_reload(struct dir_ipvs_ctl *c, const struct tdm_config *cfg)
{
	for (size_t i = 0; c->cfg && i < c->cfg->nobjs; i++) {
		const struct tdm_obj *o = &c->cfg->objs[i];
		struct dir_ipvs_rs_rec *r;

		if (o->kind == TDM_OBJ_REAL_SERVER && (r = dir_ipvs_strmap_get(&c->rs, o->id)) &&
		    !r->cfg_hash)
			r->cfg_hash = o->hash;
	}
	for (size_t i = 0; i < cfg->nobjs; i++) {
		const struct tdm_obj *o = &cfg->objs[i];
		struct dir_ipvs_rs_rec *r;

		if (o->kind != TDM_OBJ_REAL_SERVER || !(r = dir_ipvs_strmap_get(&c->rs, o->id)))
			continue;
		r->seen = 1;
		if (r->cfg_hash && r->cfg_hash != o->hash)
			r->cfg_changed = 1;
		r->cfg_hash = o->hash;
		if (r->ov && r->ov_hash != o->hash) {
			tdm_log_info("ipvs: %s: its config changed: the runtime %s is dropped",
				     r->id, r->ov == DIR_IPVS_OV_DRAIN ? "drain" : "weight");
			r->ov = DIR_IPVS_OV_NONE;
		}
	}
	strmap_prune(&c->rs);
}

void dir_ipvs_ctl_rs_state_set(struct dir_ipvs_ctl *c, const char *rs_id, int up, int weight)
{
	struct dir_ipvs_rs_rec *r = strmap_add(&c->rs, rs_id);

	if (!r)
		return;
	r->up = up ? 1 : 0;
	r->weight = weight < 0 ? -1 : weight;
	r->cfg_changed = 0;
}

int dir_ipvs_ctl_rs_state(struct dir_ipvs_ctl *c, const char *rs_id, int up, int weight,
			  uint64_t now)
{
	dir_ipvs_ctl_rs_state_set(c, rs_id, up, weight);
	return dir_ipvs_ctl_sync(c, "rs", now);
}

void dir_ipvs_ctl_sorry_set(struct dir_ipvs_ctl *c, const char *vs_id, int in)
{
	struct dir_ipvs_rs_rec *r = dir_ipvs_strmap_get(&c->sorry, vs_id);

	if (in && !r)
		strmap_add(&c->sorry, vs_id);
	else if (!in && r) {
		for (size_t i = 0; i < c->sorry.cap; i++)
			if (c->sorry.slot[i])
				c->sorry.slot[i]->seen = c->sorry.slot[i] != r;
		strmap_prune(&c->sorry);
	}
}

/* ---- overrides ---- */

static int vs_matches(const struct check_vs_conf *vs, const char *want)
{
	const char *sp;

	if (!vs->id)
		return 0;
	if (!strcasecmp(vs->id, want))
		return 1;
	sp = strchr(vs->id, ' ');       /* "tcp 10.0.0.1:80" given as "10.0.0.1:80" */
	return sp && !strcmp(sp + 1, want);
}

static int rs_matches(const char *rs_id, const char *vs_id, const char *want)
{
	size_t n = strlen(vs_id), w = strlen(want);
	const char *tail;

	if (strncmp(rs_id, vs_id, n) || rs_id[n] != '/')
		return 0;
	tail = rs_id + n + 1;
	if (!strcmp(tail, want))
		return 1;
	/* the address alone: "10.0.0.2" for "10.0.0.2:80", "fd00::2" for "[fd00::2]:80" */
	if (tail[0] == '[')
		return !strncmp(tail + 1, want, w) && tail[1 + w] == ']';
	return !strncmp(tail, want, w) && tail[w] == ':';
}

int dir_ipvs_ctl_override(struct dir_ipvs_ctl *c, const char *vs, const char *rs,
			  enum dir_ipvs_override kind, int weight, uint64_t now, char *err,
			  size_t errlen)
{
	const struct check_conf *cc = c->cfg ? c->cfg->check : NULL;
	const struct check_vs_conf *v = NULL;
	const struct tdm_obj *hit = NULL;
	struct dir_ipvs_rs_rec *r;
	size_t nhit = 0;

	for (size_t i = 0; cc && i < cc->nvs; i++) {
		if (cc->vs[i] && vs_matches(cc->vs[i], vs)) {
			v = cc->vs[i];
			break;
		}
	}
	if (!v) {
		snprintf(err, errlen, "no virtual server '%s' in the config", vs);
		return -1;
	}
	for (size_t i = 0; i < c->cfg->nobjs; i++) {
		const struct tdm_obj *o = &c->cfg->objs[i];

		if (o->kind == TDM_OBJ_REAL_SERVER && rs_matches(o->id, v->id, rs)) {
			hit = o;
			nhit++;
		}
	}
	if (nhit > 1) {
		snprintf(err, errlen, "'%s' matches %zu real servers of %s: give the port", rs,
			 nhit, v->id);
		return -1;
	}
	if (!nhit) {
		snprintf(err, errlen, "no real server '%s' in virtual server %s", rs, v->id);
		return -1;
	}
	if (kind == DIR_IPVS_OV_WEIGHT && (weight < 0 || weight > 65535)) {
		snprintf(err, errlen, "weight %d out of range 0..65535", weight);
		return -1;
	}
	r = strmap_add(&c->rs, hit->id);
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r->ov = kind;
	r->ov_weight = weight;
	r->ov_hash = hit->hash;
	tdm_log_info("ipvs: %s: %s", hit->id, kind == DIR_IPVS_OV_DRAIN ? "drained by the operator" :
		     kind == DIR_IPVS_OV_WEIGHT ? "weight set by the operator" :
		     "enabled by the operator");
	if (dir_ipvs_ctl_sync(c, "override", now) < 0) {
		snprintf(err, errlen, "%s", c->nerrs ? c->errs[0] : "the kernel refused the change");
		return -1;
	}
	snprintf(err, errlen, "%s", hit->id);
	return 0;
}
