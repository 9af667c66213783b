/* lib/conf_obj.c - config objects with an identity (VRRP instances, virtual servers, real
 * servers, checkers, ...) and their content hashes, and the object diff used on reload. All
 * linear: identities go through hash tables, span hashes come from per-line prefix hashes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/conf_int.h"

#define HASH_MUL 0x100000001b3ull

uint64_t tdm_conf_hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w;

	while (n >= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
		s += 8;
		n -= 8;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 29;
	return h;
}

static uint64_t pow_mul(uint64_t e)
{
	uint64_t r = 1, b = HASH_MUL;

	while (e) {
		if (e & 1)
			r *= b;
		b *= b;
		e >>= 1;
	}
	return r;
}

/* hash of canonical lines a..b (1-based, inclusive) */
static uint64_t span_hash(const struct tdm_conf_ctx *ctx, size_t a, size_t b)
{
	if (b > ctx->nlines)
		b = ctx->nlines;
	if (a < 1 || a > b)
		return 0;
	return ctx->line_hash[b] - ctx->line_hash[a - 1] * pow_mul(b - a + 1);
}

static uint32_t id_hash(unsigned kind, const char *id)
{
	uint64_t h = 1469598103934665603ull ^ kind;

	while (*id)
		h = (h ^ (unsigned char)*id++) * 1099511628211ull;
	h ^= h >> 29;
	return (uint32_t)h ? (uint32_t)h : 1;
}

/* open-addressing set of object indexes by (kind, id): per slot a 32-bit hash tag (0 = empty)
 * and a 32-bit index side by side, so a probe touches one cache line */
struct idslot {
	uint32_t h;
	uint32_t idx;
};

struct idset {
	struct idslot *v;
	size_t cap;
};

static void idset_init(struct idset *s, size_t n)
{
	s->cap = 16;
	while (s->cap < n + n / 2 + 2)
		s->cap *= 2;
	s->v = calloc(s->cap, sizeof(*s->v));
	if (!s->v)
		tdm_conf_oom();
}

static void idset_free(struct idset *s)
{
	free(s->v);
}

/* find (kind,id) among objs; returns its slot (empty if absent) */
static size_t idset_slot(const struct idset *s, const struct tdm_obj *objs, unsigned kind,
                         const char *id, uint32_t h)
{
	size_t i;

	for (i = h & (s->cap - 1); s->v[i].h; i = (i + 1) & (s->cap - 1))
		if (s->v[i].h == h && objs[s->v[i].idx].kind == kind &&
		    !strcmp(objs[s->v[i].idx].id, id))
			return i;
	return i;
}

struct objvec {
	struct tdm_obj *v;
	size_t n, cap;
};

static void add_obj(struct tdm_conf_ctx *ctx, struct objvec *ov, unsigned kind, const char *id,
                    const struct tdm_cnode *n)
{
	struct tdm_obj *o;

	if (ov->n == ov->cap) {
		ov->cap = ov->cap ? ov->cap * 2 : 256;
		ov->v = tdm_xrealloc(ov->v, ov->cap * sizeof(*ov->v));
	}
	o = &ov->v[ov->n++];
	o->kind = (enum tdm_obj_kind)kind;
	o->id = id;
	o->node = n;
	o->hash = span_hash(ctx, n->line, n->end_line);
}

static char *join_args(struct tdm_conf_ctx *ctx, const struct tdm_cnode *n, int with_kw)
{
	size_t len = with_kw ? strlen(n->kw) + 1 : 0, i;
	char *s, *p;

	for (i = 0; i < n->argc; i++)
		len += strlen(n->argv[i]) + 1;
	if (!with_kw && !n->argc)
		return tdm_arena_strdup(ctx->arena, n->kw);
	p = s = tdm_arena_alloc_raw(ctx->arena, len + 1);
	if (with_kw)
		p = stpcpy(p, n->kw);
	for (i = 0; i < n->argc; i++) {
		if (p != s)
			*p++ = ' ';
		p = stpcpy(p, n->argv[i]);
	}
	*p = '\0';
	return s;
}

/* Sibling sets: two objects can only share an identity when they have the same enclosing
 * object (a nested identity starts with its parent's), so uniqueness is checked among
 * siblings, one small table per nesting level, reset for each new parent. */
struct lset {
	struct idslot *v;
	size_t cap, n;
	uint32_t *used;     /* occupied slots, to reset cheaply */
};

static void lset_reset(struct lset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		s->v[s->used[i]].h = 0;
	s->n = 0;
}

static size_t lset_slot(const struct lset *s, const struct objvec *ov, unsigned kind,
                        const char *id, uint32_t h)
{
	size_t i;

	for (i = h & (s->cap - 1); s->v[i].h; i = (i + 1) & (s->cap - 1))
		if (s->v[i].h == h && ov->v[s->v[i].idx].kind == kind &&
		    !strcmp(ov->v[s->v[i].idx].id, id))
			return i;
	return i;
}

static void lset_add(struct lset *s, const struct objvec *ov, uint32_t h, uint32_t idx)
{
	size_t slot;

	if ((s->n + 1) * 2 > s->cap) {
		struct idslot *old = s->v;
		size_t ocap = s->cap, i;

		s->cap = ocap ? ocap * 2 : 16;
		s->v = calloc(s->cap, sizeof(*s->v));
		s->used = tdm_xrealloc(s->used, s->cap * sizeof(*s->used));
		if (!s->v)
			tdm_conf_oom();
		s->n = 0;
		for (i = 0; i < ocap; i++)
			if (old[i].h) {
				slot = old[i].h & (s->cap - 1);
				while (s->v[slot].h)
					slot = (slot + 1) & (s->cap - 1);
				s->v[slot] = old[i];
				s->used[s->n++] = (uint32_t)slot;
			}
		free(old);
	}
	slot = lset_slot(s, ov, ov->v[idx].kind, ov->v[idx].id, h);
	s->v[slot].h = h;
	s->v[slot].idx = idx;
	s->used[s->n++] = (uint32_t)slot;
}

/* add an object with a unique identity among its siblings ("#2", "#3", ... for repeats) */
static const char *add_unique(struct tdm_conf_ctx *ctx, struct objvec *ov, struct lset *set,
                              unsigned kind, const char *id, const struct tdm_cnode *n)
{
	uint32_t h = id_hash(kind, id);
	unsigned k;

	if (set->n && set->v[lset_slot(set, ov, kind, id, h)].h) {
		const char *base = id;
		char *cand = NULL;

		for (k = 2; k < 100000; k++) {
			free(cand);
			if (asprintf(&cand, "%s#%u", base, k) < 0)
				tdm_conf_oom();
			h = id_hash(kind, cand);
			if (!set->v[lset_slot(set, ov, kind, cand, h)].h)
				break;
		}
		id = tdm_arena_strdup(ctx->arena, cand);
		free(cand);
	}
	add_obj(ctx, ov, kind, id, n);
	lset_add(set, ov, h, (uint32_t)(ov->n - 1));
	return id;
}

static void collect(struct tdm_conf_ctx *ctx, struct objvec *ov, const struct tdm_cnode *blk,
                    const char *prefix, int top, struct lset *sets, int level)
{
	const struct tdm_cnode *n;

	for (n = blk->child; n; n = n->next) {
		const struct tdm_block *sub;

		if (!n->def || n->end_line == n->line)
			continue;
		if (n->def->flags & (TDM_KW_UNSUPPORTED | TDM_KW_IGNORED | TDM_KW_LIST))
			continue;
		sub = n->def->sub;
		if (sub && sub->is_obj) {
			const char *id = sub->ident ? sub->ident(ctx, n) : NULL;
			const char *full;

			if (!id)
				id = join_args(ctx, n, 0);
			if (prefix) {
				size_t a = strlen(prefix), b = strlen(id);
				char *f = tdm_arena_alloc_raw(ctx->arena, a + b + 2);

				memcpy(f, prefix, a);
				f[a] = '/';
				memcpy(f + a + 1, id, b + 1);
				full = f;
			} else {
				full = id;      /* ident() and join_args() results live in the arena */
			}
			full = add_unique(ctx, ov, &sets[level], sub->obj_kind, full, n);
			if (level + 1 <= TDM_CONF_MAX_DEPTH) {
				lset_reset(&sets[level + 1]);
				collect(ctx, ov, n, full, 0, sets, level + 1);
			}
		} else {
			if (top)
				add_unique(ctx, ov, &sets[level], TDM_OBJ_OTHER, join_args(ctx, n, 1), n);
			collect(ctx, ov, n, prefix, 0, sets, level);
		}
	}
}

void tdm_conf_collect_objs(struct tdm_conf_ctx *ctx)
{
	struct lset sets[TDM_CONF_MAX_DEPTH + 1];
	struct objvec ov = { 0 };
	size_t i;

	memset(sets, 0, sizeof(sets));
	collect(ctx, &ov, ctx->cfg->root, NULL, 1, sets, 0);
	for (i = 0; i <= TDM_CONF_MAX_DEPTH; i++) {
		free(sets[i].v);
		free(sets[i].used);
	}
	/* owned by the config (freed by tdm_config_free), not copied into the arena */
	ctx->cfg->objs = ov.n ? tdm_xrealloc(ov.v, ov.n * sizeof(*ov.v)) : NULL;
	if (!ov.n)
		free(ov.v);
	ctx->cfg->nobjs = ov.n;
}

void tdm_conf_diff(const struct tdm_config *old_cfg, const struct tdm_config *new_cfg,
                   tdm_diff_cb cb, void *arg)
{
	size_t nold = old_cfg ? old_cfg->nobjs : 0, nnew = new_cfg ? new_cfg->nobjs : 0, i;
	const struct tdm_obj *ov = nold ? old_cfg->objs : NULL;
	struct idset set;
	char *seen;

	idset_init(&set, nold);
	seen = calloc(nold + 1, 1);
	if (!seen)
		tdm_conf_oom();
	for (i = 0; i < nold; i++) {
		uint32_t h = id_hash(ov[i].kind, ov[i].id);
		size_t slot = idset_slot(&set, ov, ov[i].kind, ov[i].id, h);

		if (set.v[slot].h)
			continue;   /* duplicate identity: cannot happen after collection */
		set.v[slot].h = h;
		set.v[slot].idx = (uint32_t)i;
	}
	for (i = 0; i < nnew; i++) {
		const struct tdm_obj *no = &new_cfg->objs[i];
		size_t slot;

		if (!nold) {
			cb(arg, TDM_DIFF_ADDED, NULL, no);
			continue;
		}
		slot = idset_slot(&set, ov, no->kind, no->id, id_hash(no->kind, no->id));
		if (!set.v[slot].h) {
			cb(arg, TDM_DIFF_ADDED, NULL, no);
			continue;
		}
		seen[set.v[slot].idx] = 1;
		cb(arg, ov[set.v[slot].idx].hash == no->hash ? TDM_DIFF_SAME : TDM_DIFF_CHANGED,
		   &ov[set.v[slot].idx], no);
	}
	for (i = 0; i < nold; i++)
		if (!seen[i])
			cb(arg, TDM_DIFF_REMOVED, &ov[i], NULL);
	free(seen);
	idset_free(&set);
}
