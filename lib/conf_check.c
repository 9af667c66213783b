/* lib/conf_check.c - stage 2, second step: validate the statement tree against the keyword
 * tables (conf_schema.h). Keyword lookup by a hash per block built once per parse, duplicate
 * and required checks in O(statements) with per-keyword stamps, argument conversion and range
 * checks for every tdm_argt, then the tables' check/item/finish callbacks. */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "lib/conf_int.h"

struct tdm_bidx {
	const struct tdm_block *b;
	uint32_t mask;
	int32_t *slot;              /* index into b->kws, -1 = empty */
	uint32_t *stamp;            /* per keyword: the block instance it was last seen in */
	struct tdm_cnode **first;   /* per keyword: its first statement in that instance */
	uint32_t *notyet;           /* per keyword: "not implemented" warnings given so far */
	uint32_t *req;              /* indexes of REQUIRED keywords */
	size_t nreq;
};

static uint32_t str_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static struct tdm_bidx *build_index(const struct tdm_block *b)
{
	struct tdm_bidx *x = calloc(1, sizeof(*x));
	size_t cap = 8, i;

	if (!x)
		tdm_conf_oom();
	while (cap < b->nkws * 2 + 2)
		cap *= 2;
	x->b = b;
	x->mask = (uint32_t)cap - 1;
	x->slot = malloc(cap * sizeof(*x->slot));
	x->stamp = calloc(b->nkws + 1, sizeof(*x->stamp));
	x->first = calloc(b->nkws + 1, sizeof(*x->first));
	x->req = calloc(b->nkws + 1, sizeof(*x->req));
	x->notyet = calloc(b->nkws + 1, sizeof(*x->notyet));
	if (!x->slot || !x->stamp || !x->first || !x->req || !x->notyet)
		tdm_conf_oom();
	memset(x->slot, 0xff, cap * sizeof(*x->slot));
	for (i = 0; i < b->nkws; i++) {
		const char *name = b->kws[i].name;
		uint32_t h;

		if (!name)
			continue;
		for (h = str_hash(name) & x->mask; x->slot[h] >= 0; h = (h + 1) & x->mask)
			if (!strcmp(b->kws[x->slot[h]].name, name))
				break;
		if (x->slot[h] >= 0)
			continue;   /* a duplicate entry in the table: the first one wins */
		x->slot[h] = (int32_t)i;
		if (b->kws[i].flags & TDM_KW_REQUIRED)
			x->req[x->nreq++] = (uint32_t)i;
	}
	return x;
}

static struct tdm_bidx *get_index(struct tdm_conf_ctx *ctx, const struct tdm_block *b)
{
	size_t h, i;

	if ((ctx->bmap_n + 1) * 2 > ctx->bmap_cap) {
		struct tdm_bidx **old = ctx->bmap;
		size_t ocap = ctx->bmap_cap;

		ctx->bmap_cap = ocap ? ocap * 2 : 64;
		ctx->bmap = calloc(ctx->bmap_cap, sizeof(*ctx->bmap));
		if (!ctx->bmap)
			tdm_conf_oom();
		for (i = 0; i < ocap; i++) {
			if (!old[i])
				continue;
			h = ((uintptr_t)old[i]->b >> 4) & (ctx->bmap_cap - 1);
			while (ctx->bmap[h])
				h = (h + 1) & (ctx->bmap_cap - 1);
			ctx->bmap[h] = old[i];
		}
		free(old);
	}
	h = ((uintptr_t)b >> 4) & (ctx->bmap_cap - 1);
	while (ctx->bmap[h]) {
		if (ctx->bmap[h]->b == b)
			return ctx->bmap[h];
		h = (h + 1) & (ctx->bmap_cap - 1);
	}
	ctx->bmap[h] = build_index(b);
	ctx->bmap_n++;
	return ctx->bmap[h];
}

void tdm_conf_check_free(struct tdm_conf_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->bmap_cap; i++) {
		struct tdm_bidx *x = ctx->bmap[i];

		if (!x)
			continue;
		free(x->slot);
		free(x->stamp);
		free(x->first);
		free(x->req);
		free(x->notyet);
		free(x);
	}
	free(ctx->bmap);
	ctx->bmap = NULL;
	ctx->bmap_cap = ctx->bmap_n = 0;
}

static int kw_lookup1(const struct tdm_bidx *x, const char *kw)
{
	uint32_t h;

	for (h = str_hash(kw) & x->mask; x->slot[h] >= 0; h = (h + 1) & x->mask)
		if (!strcmp(x->b->kws[x->slot[h]].name, kw))
			return x->slot[h];
	return -1;
}

/* a table entry named "*" matches any keyword the block does not list (conf_schema.h) */
static int kw_lookup(const struct tdm_bidx *x, const char *kw)
{
	int k = kw_lookup1(x, kw);

	return k >= 0 ? k : kw_lookup1(x, "*");
}

/* ---- argument conversion ---- */

static int parse_int(const char *s, long long *v)
{
	char *end;
	const char *d = s;
	int base = 10;

	if (*d == '-' || *d == '+')
		d++;
	if (d[0] == '0' && (d[1] == 'x' || d[1] == 'X'))
		base = 16;
	if (!*d || *d == ' ')
		return -1;
	errno = 0;
	*v = strtoll(s, &end, base);
	return (*end || errno || end == s) ? -1 : 0;
}

/* seconds with up to 6 decimals -> microseconds */
static int parse_timer(const char *s, uint64_t *us)
{
	uint64_t whole = 0, frac = 0;
	int nd = 0, any = 0;

	while (*s >= '0' && *s <= '9') {
		if (whole > (UINT64_MAX / 1000000u - 9) / 10)
			return -1;
		whole = whole * 10 + (uint64_t)(*s++ - '0');
		any = 1;
	}
	if (*s == '.') {
		s++;
		while (*s >= '0' && *s <= '9') {
			if (nd < 6) {
				frac = frac * 10 + (uint64_t)(*s - '0');
				nd++;
			}
			s++;
			any = 1;
		}
	}
	if (*s || !any)
		return -1;
	while (nd++ < 6)
		frac *= 10;
	*us = whole * 1000000u + frac;
	return 0;
}

static int parse_addr(const char *s, int fam_ok, struct tdm_addr *a)
{
	memset(a, 0, sizeof(*a));
	if ((fam_ok & 1) && inet_pton(AF_INET, s, &a->u.v4) == 1) {
		a->family = AF_INET;
		a->plen = 32;
		return 0;
	}
	if ((fam_ok & 2) && inet_pton(AF_INET6, s, &a->u.v6) == 1) {
		a->family = AF_INET6;
		a->plen = 128;
		return 0;
	}
	return -1;
}

int tdm_addr_parse(const char *s, struct tdm_addr *a)
{
	return parse_addr(s, 3, a);
}

static int parse_prefix(const char *s, struct tdm_addr *a)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	long long plen;

	if (!slash)
		return parse_addr(s, 3, a);
	if ((size_t)(slash - s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	if (parse_addr(buf, 3, a) < 0)
		return -1;
	if (slash[1] < '0' || slash[1] > '9' || parse_int(slash + 1, &plen) < 0 || plen < 0 ||
	    plen > (a->family == AF_INET ? 32 : 128))
		return -1;
	a->plen = (uint8_t)plen;
	return 0;
}

static int is_hostname(const char *s)
{
	size_t n = strlen(s), i;

	if (!n || n > 253)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.' || c == '_'))
			return 0;
	}
	return 1;
}

static void enum_list(const char *const *e, char *buf, size_t cap)
{
	size_t used = 0;

	buf[0] = '\0';
	for (; e && *e && used + 2 < cap; e++) {
		int k = snprintf(buf + used, cap - used, "%s%s", used ? "|" : "", *e);

		if (k < 0)
			break;
		used += (size_t)k;
	}
	if (used >= cap)
		strcpy(buf + cap - 4, "...");
}

static int convert_one(struct tdm_conf_ctx *ctx, struct tdm_cnode *n, int i,
                       const struct tdm_arg *a)
{
	const char *s = n->argv[i];
	const char *name = a && a->name ? a->name : "value";
	union tdm_val *v = &n->vals[i];
	int bounded = a && (a->min || a->max);
	long long x;
	char buf[256];
	size_t k;

	switch (a ? a->type : TDM_A_STR) {
	case TDM_A_STR:
		if (a && a->max > 0 && ((long long)strlen(s) < a->min ||
		                        (long long)strlen(s) > a->max)) {
			tdm_conf_err(ctx, n, i, "expected <%s> of %lld..%lld characters, got '%s'",
			             name, a->min, a->max, s);
			return -1;
		}
		return 0;
	case TDM_A_INT:
		if (parse_int(s, &x) < 0 || (bounded && (x < a->min || x > a->max))) {
			if (bounded)
				tdm_conf_err(ctx, n, i, "expected <%s> %lld..%lld, got '%s'", name,
				             a->min, a->max, s);
			else
				tdm_conf_err(ctx, n, i, "expected <%s> (an integer), got '%s'", name, s);
			return -1;
		}
		v->i = x;
		return 0;
	case TDM_A_BOOL: {
		static const char *const t[] = { "on", "true", "yes", "off", "false", "no" };

		for (k = 0; k < 6; k++)
			if (!strcasecmp(s, t[k])) {
				v->i = k < 3;
				return 0;
			}
		tdm_conf_err(ctx, n, i, "expected <%s> on|off|true|false|yes|no, got '%s'", name, s);
		return -1;
	}
	case TDM_A_TIMER:
		if (parse_timer(s, &v->us) < 0 ||
		    (bounded && ((long long)v->us < a->min || (long long)v->us > a->max))) {
			if (bounded)
				tdm_conf_err(ctx, n, i, "expected <%s> %g..%g seconds, got '%s'", name,
				             (double)a->min / 1e6, (double)a->max / 1e6, s);
			else
				tdm_conf_err(ctx, n, i, "expected <%s> in seconds, got '%s'", name, s);
			return -1;
		}
		return 0;
	case TDM_A_FLOAT: {
		char *end;

		errno = 0;
		v->d = strtod(s, &end);
		if (*end || end == s || errno || !isfinite(v->d) ||
		    (bounded && (v->d < (double)a->min || v->d > (double)a->max))) {
			if (bounded)
				tdm_conf_err(ctx, n, i, "expected <%s> %lld..%lld, got '%s'", name,
				             a->min, a->max, s);
			else
				tdm_conf_err(ctx, n, i, "expected <%s> (a number), got '%s'", name, s);
			return -1;
		}
		return 0;
	}
	case TDM_A_IP:
	case TDM_A_IP4:
	case TDM_A_IP6: {
		int t = a->type;
		int fam = t == TDM_A_IP4 ? 1 : t == TDM_A_IP6 ? 2 : 3;

		if (parse_addr(s, fam, &v->addr) < 0) {
			tdm_conf_err(ctx, n, i, "expected <%s> (an %s address), got '%s'", name,
			             fam == 1 ? "IPv4" : fam == 2 ? "IPv6" : "IP", s);
			return -1;
		}
		return 0;
	}
	case TDM_A_PREFIX:
		if (parse_prefix(s, &v->addr) < 0) {
			tdm_conf_err(ctx, n, i, "expected <%s> (an IP address with optional /prefix), "
			             "got '%s'", name, s);
			return -1;
		}
		return 0;
	case TDM_A_PORT: {
		long long lo = bounded ? a->min : 0, hi = bounded ? a->max : 65535;

		if (s[0] < '0' || s[0] > '9' || parse_int(s, &x) < 0 || x < lo || x > hi ||
		    x > 65535) {
			tdm_conf_err(ctx, n, i, "expected <%s> %lld..%lld, got '%s'", name, lo, hi, s);
			return -1;
		}
		v->i = x;
		return 0;
	}
	case TDM_A_ENUM:
		for (k = 0; a->enums && a->enums[k]; k++)
			if (!strcasecmp(s, a->enums[k])) {
				v->i = (long long)k;
				return 0;
			}
		enum_list(a->enums, buf, sizeof(buf));
		tdm_conf_err(ctx, n, i, "expected <%s> %s, got '%s'", name, buf, s);
		return -1;
	case TDM_A_IFNAME:
		k = strlen(s);
		if (k < 1 || k > 15 || strpbrk(s, "/ \t\n")) {
			tdm_conf_err(ctx, n, i, "expected <%s> (an interface name of 1..15 characters, "
			             "no '/'), got '%s'", name, s);
			return -1;
		}
		return 0;
	case TDM_A_PATH:
		if (!*s) {
			tdm_conf_err(ctx, n, i, "expected <%s> (a path), got an empty string", name);
			return -1;
		}
		return 0;
	case TDM_A_IP_OR_HOST:
		if (parse_addr(s, 3, &v->addr) == 0)
			return 0;
		if (!is_hostname(s)) {
			tdm_conf_err(ctx, n, i, "expected <%s> (an IP address or host name), got '%s'",
			             name, s);
			return -1;
		}
		return 0;
	}
	return 0;
}

static const struct tdm_arg *arg_spec(const struct tdm_kw *d, uint32_t i)
{
	if (!d->args || !d->nargs)
		return NULL;
	return &d->args[i < d->nargs ? i : (uint32_t)d->nargs - 1];
}

/* 0 ok, -1 errors were reported */
static int convert_args(struct tdm_conf_ctx *ctx, struct tdm_cnode *n)
{
	const struct tdm_kw *d = n->def;
	uint32_t i;
	int rc = 0;

	if (n->argc < d->min_args) {
		const struct tdm_arg *a = arg_spec(d, n->argc);

		if (a && a->name)
			tdm_conf_err(ctx, n, -1, "'%s' expects %u argument%s or more: missing <%s>",
			             n->kw, d->min_args, d->min_args == 1 ? "" : "s", a->name);
		else
			tdm_conf_err(ctx, n, -1, "'%s' expects %u argument%s or more, got %u", n->kw,
			             d->min_args, d->min_args == 1 ? "" : "s", n->argc);
		return -1;
	}
	if (d->max_args != TDM_ARGS_MANY && n->argc > d->max_args) {
		tdm_conf_err(ctx, n, d->max_args, "unexpected argument '%s': '%s' takes at most %u",
		             n->argv[d->max_args], n->kw, d->max_args);
		return -1;
	}
	if (d->flags & TDM_KW_ANYARGS)
		return 0;
	for (i = 0; i < n->argc; i++)
		if (convert_one(ctx, n, (int)i, arg_spec(d, i)) < 0)
			rc = -1;
	return rc;
}

static void check_block(struct tdm_conf_ctx *ctx, const struct tdm_block *b,
                        struct tdm_cnode *blk, int depth);

static int is_block(const struct tdm_cnode *n)
{
	return n->end_line != n->line;
}

/* A keyword whose feature tandem does not have (TDM_KW_NOTYET) is accepted, so that a
 * keepalived config still loads, but the operator is told at file:line:col that it has no
 * effect. The first TDM_CONF_NOTYET_MAX uses of each keyword of a block table are reported,
 * then one line says the rest are not: a big config must not bury its errors under these. */
static void warn_notyet(struct tdm_conf_ctx *ctx, struct tdm_bidx *x, struct tdm_cnode *n)
{
	size_t k = (size_t)(n->def - x->b->kws);
	uint32_t c = x->notyet[k];

	if (c > TDM_CONF_NOTYET_MAX)
		return;
	x->notyet[k] = c + 1;
	if (c < TDM_CONF_NOTYET_MAX)
		tdm_conf_warn(ctx, n, -1, "'%s' is accepted for compatibility but not implemented "
		              "by tandem yet; it has no effect", n->kw);
	else
		tdm_conf_warn(ctx, n, -1, "'%s' is not implemented by tandem yet: further uses "
		              "in %s blocks are not reported", n->kw,
		              n->parent && n->parent->parent ? n->parent->kw : "top-level");
}

static void check_stmt(struct tdm_conf_ctx *ctx, struct tdm_bidx *x, struct tdm_cnode *n,
                       int depth)
{
	const struct tdm_kw *d = n->def;
	unsigned f = d->flags;
	int blk = is_block(n), ok;

	if (f & TDM_KW_UNSUPPORTED) {
		tdm_conf_err(ctx, n, -1, "'%s' is not supported by tandem%s%s", n->kw,
		             d->help ? ": " : "", d->help ? d->help : "");
		return;
	}
	if (f & TDM_KW_IGNORED) {
		tdm_conf_warn(ctx, n, -1, "'%s' is ignored%s%s", n->kw, d->help ? ": " : "",
		              d->help ? d->help : "");
		return;
	}
	if (f & TDM_KW_DEPRECATED)
		tdm_conf_warn(ctx, n, -1, "'%s' is deprecated%s%s", n->kw, d->help ? ": " : "",
		              d->help ? d->help : "");
	if (f & TDM_KW_NOTYET)
		warn_notyet(ctx, x, n);
	if (blk && !(f & (TDM_KW_BLOCK | TDM_KW_LIST | TDM_KW_OPTBLOCK))) {
		tdm_conf_err(ctx, n, -1, "'%s' does not take a '{' block", n->kw);
		return;
	}
	if (!blk && (f & (TDM_KW_BLOCK | TDM_KW_LIST)) && !(f & TDM_KW_OPTBLOCK))
		tdm_conf_err(ctx, n, -1, "'%s' needs a block: expected '{' after it", n->kw);
	ok = convert_args(ctx, n) == 0;
	if (ok && d->check)
		d->check(ctx, n);
	if (!blk)
		return;
	if (f & TDM_KW_LIST) {
		struct tdm_cnode *it;

		for (it = n->child; it; it = it->next) {
			it->def = NULL;
			if (is_block(it)) {
				tdm_conf_err(ctx, it, -1, "unexpected block in the list '%s'", n->kw);
				continue;
			}
			if (d->item)
				d->item(ctx, it);
		}
		return;
	}
	if (d->sub && depth < TDM_CONF_MAX_DEPTH)
		check_block(ctx, d->sub, n, depth + 1);
}

/* edit distance, bounded: names longer than 63 characters are not compared */
static unsigned edit_distance(const char *a, const char *b)
{
	unsigned row[64], i, j, la = (unsigned)strlen(a), lb = (unsigned)strlen(b);

	if (la > 63 || lb > 63)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		unsigned diag = row[0], tmp;

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			unsigned best = diag + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			diag = tmp;
		}
	}
	return row[lb];
}

/* the block's keyword closest to an unknown one, if it is close (a typo) */
static const char *suggest(const struct tdm_block *b, const char *kw)
{
	const char *best = NULL;
	unsigned bestd = 99, limit = (unsigned)strlen(kw) / 4 + 1;
	size_t i;

	if (limit > 3)
		limit = 3;
	for (i = 0; i < b->nkws; i++) {
		const char *name = b->kws[i].name;
		unsigned d;

		if (!name || !strcmp(name, "*"))
			continue;
		d = edit_distance(kw, name);
		if (d < bestd) {
			bestd = d;
			best = name;
		}
	}
	return bestd <= limit ? best : NULL;
}

static void check_block(struct tdm_conf_ctx *ctx, const struct tdm_block *b,
                        struct tdm_cnode *blk, int depth)
{
	struct tdm_bidx *x = get_index(ctx, b);
	uint32_t inst = ++ctx->stamp;
	struct tdm_cnode *n;
	size_t r;
	const char *bname = blk->parent ? blk->kw : (b->name ? b->name : "top level");

	/* pass 1: resolve keywords, duplicates */
	for (n = blk->child; n; n = n->next) {
		int k = kw_lookup(x, n->kw);

		if (k < 0) {
			const char *near = ctx->nunknown++ < 1000 ? suggest(b, n->kw) : NULL;
			char hint[128] = "";

			if (near)
				snprintf(hint, sizeof(hint), "; did you mean '%s'?", near);
			n->def = NULL;
			if (ctx->opts.lenient)
				tdm_conf_warn(ctx, n, -1, "unknown keyword '%s' in %s (ignored)%s", n->kw,
				              blk->parent ? bname : "the top level", hint);
			else
				tdm_conf_err(ctx, n, -1, "unknown keyword '%s' in %s%s", n->kw,
				             blk->parent ? bname : "the top level", hint);
			continue;
		}
		n->def = &b->kws[k];
		if (x->stamp[k] == inst) {
			if (!(n->def->flags & TDM_KW_MULTI)) {
				char where[300];

				tdm_conf_where(ctx, x->first[k], where, sizeof(where));
				tdm_conf_err(ctx, n, -1, "duplicate '%s' in %s (first at %s)", n->kw,
				             blk->parent ? bname : "the top level", where);
			}
			continue;
		}
		x->stamp[k] = inst;
		x->first[k] = n;
	}
	for (r = 0; r < x->nreq; r++)
		if (x->stamp[x->req[r]] != inst)
			tdm_conf_err(ctx, blk, -1, "missing required '%s' in %s",
			             b->kws[x->req[r]].name, blk->parent ? bname : "the configuration");
	/* pass 2: arguments, callbacks, nested blocks */
	for (n = blk->child; n; n = n->next)
		if (n->def)
			check_stmt(ctx, x, n, depth);
	if (b->finish)
		b->finish(ctx, blk);
}

void tdm_conf_check_tree(struct tdm_conf_ctx *ctx, const struct tdm_block *top)
{
	check_block(ctx, top, ctx->cfg->root, 0);
}
