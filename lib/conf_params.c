/* lib/conf_params.c - keepalived-style $PARAMETERS (definition table, $NAME / ${NAME}
 * substitution with bounded recursion, the predefined ${_PWD} ${_INSTANCE} ${_RANDOM}
 * ${_HASH} ${_BANG}) and the ~SEQ / ~SEQx / ~LST generator headers. Used by conf_resolve.c. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/conf_int.h"

struct tdm_pentry {
	const char *name;           /* NULL = empty slot */
	size_t nlen;
	const char *val;            /* NULL = undefined (tombstone) */
	size_t vlen;
	uint64_t h;
};

static uint64_t name_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

void tdm_params_init(struct tdm_params *p)
{
	memset(p, 0, sizeof(*p));
	p->arena = tdm_arena_new(64 * 1024);
	if (!p->arena)
		tdm_conf_oom();
	p->rnd = 0x9e3779b97f4a7c15ull;
}

void tdm_params_seed(struct tdm_params *p, uint64_t seed)
{
	/* splitmix64 of the seed: nearby seeds give unrelated sequences; never 0 (xorshift) */
	uint64_t z = seed + 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	p->rnd = z ? z : 0x9e3779b97f4a7c15ull;
}

void tdm_params_free(struct tdm_params *p)
{
	free(p->v);
	tdm_arena_free(p->arena);
	memset(p, 0, sizeof(*p));
}

static struct tdm_pentry *lookup(const struct tdm_params *p, const char *name, size_t nlen,
                                 uint64_t h)
{
	size_t i;

	if (!p->cap)
		return NULL;
	for (i = h & (p->cap - 1);; i = (i + 1) & (p->cap - 1)) {
		struct tdm_pentry *e = &p->v[i];

		if (!e->name)
			return e;
		if (e->h == h && e->nlen == nlen && !memcmp(e->name, name, nlen))
			return e;
	}
}

static void grow(struct tdm_params *p)
{
	struct tdm_pentry *old = p->v;
	size_t ocap = p->cap, i;

	p->cap = ocap ? ocap * 2 : 64;
	p->v = calloc(p->cap, sizeof(*p->v));
	if (!p->v)
		tdm_conf_oom();
	for (i = 0; i < ocap; i++)
		if (old[i].name)
			*lookup(p, old[i].name, old[i].nlen, old[i].h) = old[i];
	free(old);
}

void tdm_params_set(struct tdm_params *p, const char *name, size_t nlen, const char *val,
                    size_t vlen)
{
	uint64_t h = name_hash(name, nlen);
	struct tdm_pentry *e;

	if ((p->n + 1) * 2 > p->cap)
		grow(p);
	e = lookup(p, name, nlen, h);
	if (!e->name) {
		e->name = tdm_arena_strndup(p->arena, name, nlen);
		e->nlen = nlen;
		e->h = h;
		p->n++;
	}
	if (!val) {
		e->val = NULL;
		e->vlen = 0;
		return;
	}
	/* reuse the old storage when the new value fits (generators redefine often) */
	if (e->val && e->vlen >= vlen) {
		memcpy((char *)e->val, val, vlen);
		((char *)e->val)[vlen] = '\0';
	} else {
		e->val = tdm_arena_strndup(p->arena, val, vlen);
	}
	e->vlen = vlen;
}

const char *tdm_params_get(const struct tdm_params *p, const char *name, size_t nlen,
                           size_t *vlen)
{
	struct tdm_pentry *e = lookup(p, name, nlen, name_hash(name, nlen));

	if (!e || !e->name || !e->val)
		return NULL;
	*vlen = e->vlen;
	return e->val;
}

size_t tdm_param_name_len(const char *s, size_t n)
{
	size_t i;

	if (!n || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	for (i = 1; i < n && (isalnum((unsigned char)s[i]) || s[i] == '_'); i++)
		;
	return i;
}

static unsigned long next_rand(struct tdm_params *p)
{
	/* xorshift64*: only for ${_RANDOM}; the resolved value lands in the canonical text */
	p->rnd ^= p->rnd >> 12;
	p->rnd ^= p->rnd << 25;
	p->rnd ^= p->rnd >> 27;
	return (unsigned long)((p->rnd * 2685821657736338717ull) >> 33);
}

/* ${_RANDOM [MIN [MAX]]}: inner is the text between the braces */
static int random_value(struct tdm_params *p, const char *inner, size_t n, char *buf)
{
	unsigned long lo = 0, hi = 32767;
	char tmp[64];
	char *end;

	if (n < 7 || memcmp(inner, "_RANDOM", 7) || (n > 7 && inner[7] != ' ' && inner[7] != '\t'))
		return -1;
	if (n - 7 >= sizeof(tmp))
		return -1;
	memcpy(tmp, inner + 7, n - 7);
	tmp[n - 7] = '\0';
	end = tmp;
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end) {
		lo = strtoul(end, &end, 10);
		while (*end == ' ' || *end == '\t')
			end++;
		if (*end) {
			hi = strtoul(end, &end, 10);
			while (*end == ' ' || *end == '\t')
				end++;
		}
		if (*end)
			return -1;
	}
	if (hi < lo)
		hi = lo;
	snprintf(buf, 32, "%lu", lo + next_rand(p) % (hi - lo + 1));
	return 0;
}

#define SUBST_MAX 100000
#define SUBST_DEPTH 32

struct subst {
	struct tdm_params *p;
	const struct tdm_subst_env *env;
	struct tdm_buf *out;
	size_t nsub;
	const char **err;
};

static int is_blank_end(const char *s, size_t n, size_t j)
{
	return j == n || s[j] == ' ' || s[j] == '\t' || s[j] == '\r';
}

/* the value of the reference at in[i] == '$'; *j is set past the reference */
static const char *ref_value(struct subst *st, const char *in, size_t n, size_t i, size_t *j,
                             size_t *vlen, char *numbuf)
{
	const struct tdm_subst_env *env = st->env;
	const char *val = NULL;
	size_t nl;

	if (i + 1 < n && in[i + 1] == '{') {
		const char *close = memchr(in + i + 2, '}', n - i - 2);
		const char *name = in + i + 2;

		if (!close)
			return NULL;
		nl = (size_t)(close - name);
		*j = (size_t)(close - in) + 1;
		if (tdm_param_name_len(name, nl) == nl)
			val = tdm_params_get(st->p, name, nl, vlen);
		if (val)
			return val;
		if (nl == 4 && !memcmp(name, "_PWD", 4) && env->pwd)
			val = env->pwd;
		else if (nl == 9 && !memcmp(name, "_INSTANCE", 9) && env->instance)
			val = env->instance;
		else if (nl == 5 && !memcmp(name, "_HASH", 5))
			val = "#";
		else if (nl == 5 && !memcmp(name, "_BANG", 5))
			val = "!";
		else if (random_value(st->p, name, nl, numbuf) == 0)
			val = numbuf;
		if (val)
			*vlen = strlen(val);
		return val;
	}
	nl = tdm_param_name_len(in + i + 1, n - i - 1);
	*j = i + 1 + nl;
	if (!nl || !is_blank_end(in, n, *j))
		return NULL;
	val = tdm_params_get(st->p, in + i + 1, nl, vlen);
	if (!val && nl == 4 && !memcmp(in + i + 1, "_PWD", 4) && env->pwd) {
		val = env->pwd;
		*vlen = strlen(val);
	}
	return val;
}

/* expand in[0..n) onto st->out: 0 done, 2 a multi-line value was inserted (the rest of the
 * text follows it unexpanded), -1 error */
static int expand(struct subst *st, const char *in, size_t n, int depth)
{
	size_t pos = 0;

	for (;;) {
		const char *d = memchr(in + pos, '$', n - pos);
		const char *val;
		size_t i, j = 0, vlen = 0;
		char numbuf[32];
		int rc;

		if (!d) {
			tdm_buf_put(st->out, in + pos, n - pos);
			return 0;
		}
		i = (size_t)(d - in);
		tdm_buf_put(st->out, in + pos, i - pos);
		val = (i > 0 && in[i - 1] == '\\') ? NULL   /* \$ is a literal '$' */
		                                    : ref_value(st, in, n, i, &j, &vlen, numbuf);
		if (!val) {
			tdm_buf_putc(st->out, '$');
			pos = i + 1;
			continue;
		}
		if (++st->nsub > SUBST_MAX) {
			*st->err = "parameter substitution does not end (a recursive definition?)";
			return -1;
		}
		if (memchr(val, '\n', vlen)) {
			tdm_buf_put(st->out, val, vlen);
			tdm_buf_put(st->out, in + j, n - j);
			return 2;
		}
		if (depth >= SUBST_DEPTH) {
			*st->err = "parameter substitution does not end (a recursive definition?)";
			return -1;
		}
		rc = expand(st, val, vlen, depth + 1);
		if (rc == 2)
			tdm_buf_put(st->out, in + j, n - j);
		if (rc)
			return rc;
		if (st->out->len > st->env->max_len) {
			*st->err = "line too long after parameter substitution";
			return -1;
		}
		pos = j;
	}
}

int tdm_params_subst(struct tdm_params *p, const struct tdm_subst_env *env, const char *in,
                     size_t n, struct tdm_buf *out, const char **err)
{
	struct subst st = { p, env, out, 0, err };
	int rc;

	if (!memchr(in, '$', n))
		return 0;
	out->len = 0;
	rc = expand(&st, in, n, 0);
	if (rc < 0)
		return -1;
	if (rc == 0 && st.nsub == 0)
		return 0;
	return rc == 2 ? 2 : 1;
}

/* ---- generators ---- */

void tdm_gen_free(struct tdm_gen *g)
{
	size_t i;

	for (i = 0; i < g->nvars; i++)
		free(g->vars[i]);
	for (i = 0; g->vals && i < g->nrows * g->nvars; i++)
		free(g->vals[i]);
	free(g->vars);
	free(g->vals);
	memset(g, 0, sizeof(*g));
}

static size_t skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/* one item up to ',' ')' or '}' (trimmed); returns malloc'd copy, advances *i */
static char *gen_item(const char *s, size_t n, size_t *i)
{
	size_t a = skip_ws(s, n, *i), b;
	char *r;

	b = a;
	while (b < n && s[b] != ',' && s[b] != ')' && s[b] != '}' && s[b] != '{')
		b++;
	*i = b;
	while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
		b--;
	r = malloc(b - a + 1);
	if (!r)
		tdm_conf_oom();
	memcpy(r, s + a, b - a);
	r[b - a] = '\0';
	return r;
}

/* a group: "{a, b, c}" or a single item; appends to *arr */
static int gen_group(const char *s, size_t n, size_t *i, char ***arr, size_t *cnt, size_t *cap)
{
	size_t k = skip_ws(s, n, *i);
	int braced = k < n && s[k] == '{';
	size_t got = 0;

	if (braced)
		k++;
	for (;;) {
		char *it = gen_item(s, n, &k);

		if (*cnt == *cap) {
			*cap = *cap ? *cap * 2 : 8;
			*arr = tdm_xrealloc(*arr, *cap * sizeof(**arr));
		}
		(*arr)[(*cnt)++] = it;
		got++;
		if (!braced)
			break;
		if (k < n && s[k] == ',') {
			k++;
			continue;
		}
		if (k < n && s[k] == '}') {
			k++;
			break;
		}
		return -1;
	}
	*i = skip_ws(s, n, k);
	return (int)got;
}

static int parse_ll(const char *s, long long *v)
{
	char *end;

	if (!*s)
		return -1;
	errno = 0;
	*v = strtoll(s, &end, 0);
	return (*end || errno) ? -1 : 0;
}

int tdm_gen_parse(const char *s, size_t n, struct tdm_gen *g, const char **err)
{
	size_t i, nitems = 0, cap = 0, k;
	char **items = NULL;
	int r;

	memset(g, 0, sizeof(*g));
	if (n >= 6 && !memcmp(s, "~SEQx(", 6)) {
		g->type = TDM_GEN_SEQX;
		i = 6;
	} else if (n >= 5 && !memcmp(s, "~SEQ(", 5)) {
		g->type = TDM_GEN_SEQ;
		i = 5;
	} else if (n >= 5 && !memcmp(s, "~LST(", 5)) {
		g->type = TDM_GEN_LST;
		i = 5;
	} else {
		*err = "unknown generator (expected ~SEQ(, ~SEQx( or ~LST()";
		return -1;
	}
	/* first group: the variable name(s) */
	r = gen_group(s, n, &i, &g->vars, &g->nvars, &cap);
	if (r <= 0)
		goto syntax;
	for (k = 0; k < g->nvars; k++)
		if (!*g->vars[k] || tdm_param_name_len(g->vars[k], strlen(g->vars[k])) !=
		                         strlen(g->vars[k])) {
			*err = "bad generator variable name";
			goto fail;
		}
	cap = 0;
	while (i < n && s[i] == ',') {
		i++;
		r = gen_group(s, n, &i, &items, &nitems, &cap);
		if (r < 0 || (g->type == TDM_GEN_LST && (size_t)r != g->nvars))
			goto syntax;
	}
	if (i >= n || s[i] != ')')
		goto syntax;
	g->rest = i + 1;
	if (g->type == TDM_GEN_LST) {
		if (!nitems) {
			*err = "~LST needs at least one value";
			goto fail;
		}
		g->vals = items;
		g->nrows = nitems / g->nvars;
		return 0;
	}
	/* SEQ: (var, end) | (var, start, end) | (var, start, step, end) */
	if (g->nvars != 1 || nitems < 1 || nitems > 3) {
		*err = "~SEQ takes (var, [start, [step,]] end)";
		goto fail;
	}
	{
		long long v[3];
		__int128 cnt;

		for (k = 0; k < nitems; k++)
			if (parse_ll(items[k], &v[k]) < 0) {
				*err = "~SEQ values must be integers";
				goto fail;
			}
		if (nitems == 1) {
			g->end = v[0];
			g->start = g->end < 0 ? -1 : 1;
			g->step = g->end >= g->start ? 1 : -1;
		} else if (nitems == 2) {
			g->start = v[0];
			g->end = v[1];
			g->step = g->end >= g->start ? 1 : -1;
		} else {
			g->start = v[0];
			g->step = v[1];
			g->end = v[2];
		}
		if (g->step == 0) {
			*err = "~SEQ step must not be 0";
			goto fail;
		}
		if ((g->step > 0 && g->end < g->start) || (g->step < 0 && g->end > g->start))
			cnt = 0;
		else
			cnt = ((__int128)g->end - g->start) / g->step + 1;
		g->nrows = cnt > (__int128)SIZE_MAX / 2 ? SIZE_MAX / 2 : (size_t)cnt;
	}
	for (k = 0; k < nitems; k++)
		free(items[k]);
	free(items);
	return 0;
syntax:
	*err = "generator syntax: ~SEQ(var, start, step, end) or ~LST(var, v1, v2, ...)";
fail:
	for (k = 0; k < nitems; k++)
		free(items[k]);
	free(items);
	tdm_gen_free(g);
	return -1;
}

void tdm_gen_seq_value(const struct tdm_gen *g, size_t i, char *buf)
{
	long long v = (long long)((__int128)g->start + (__int128)g->step * (__int128)i);

	if (g->type == TDM_GEN_SEQX) {
		if (v < 0)
			snprintf(buf, 32, "-%llx", (unsigned long long)-(v + 1) + 1);
		else
			snprintf(buf, 32, "%llx", (unsigned long long)v);
	} else {
		snprintf(buf, 32, "%lld", v);
	}
}
