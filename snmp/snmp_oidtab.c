/* snmp/snmp_oidtab.c - sorted (OID, value) table with exact and next lookups. */
#include "snmp/snmp_oidtab.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define POOL_BLOCK (256u * 1024u)

struct snmp_oid_pool {
	struct snmp_oid_pool *next;
	size_t used, cap;
	max_align_t data[];
};

void snmp_oidtab_init(struct snmp_oidtab *t)
{
	memset(t, 0, sizeof(*t));
	t->sorted = 1;
}

/* bytes from the pool (8-byte aligned); blocks are kept by clear() and reused */
static void *pool_alloc(struct snmp_oidtab *t, size_t bytes)
{
	struct snmp_oid_pool *b = t->cur, **link;
	void *p;

	bytes = (bytes + 7) & ~(size_t)7;
	while (b && b->cap - b->used < bytes) {
		b = b->next;
		if (b)
			b->used = 0;
	}
	if (!b) {
		size_t cap = bytes > POOL_BLOCK ? bytes : POOL_BLOCK;

		b = malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->next = NULL;
		b->used = 0;
		b->cap = cap;
		for (link = &t->pool; *link; link = &(*link)->next)
			;
		*link = b;
	}
	t->cur = b;
	p = (char *)b->data + b->used;
	b->used += bytes;
	return p;
}

void snmp_oidtab_clear(struct snmp_oidtab *t)
{
	t->n = 0;
	t->sorted = 1;
	t->cur = t->pool;
	if (t->pool)
		t->pool->used = 0;
}

void snmp_oidtab_free(struct snmp_oidtab *t)
{
	struct snmp_oid_pool *b = t->pool;

	while (b) {
		struct snmp_oid_pool *next = b->next;

		free(b);
		b = next;
	}
	free(t->ents);
	snmp_oidtab_init(t);
}

int snmp_oid_cmp(const snmp_subid *a, size_t alen, const snmp_subid *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;

	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

static struct snmp_oid_ent *new_ent(struct snmp_oidtab *t, const snmp_subid *base, size_t blen,
                                    const snmp_subid *suffix, size_t slen)
{
	struct snmp_oid_ent *e;

	if (blen + slen > SNMP_OID_MAX)
		return NULL;
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 64;
		struct snmp_oid_ent *ne = realloc(t->ents, ncap * sizeof(*ne));

		if (!ne)
			return NULL;
		t->ents = ne;
		t->cap = ncap;
	}
	e = &t->ents[t->n];
	memset(e, 0, sizeof(*e));
	e->name = pool_alloc(t, (blen + slen) * sizeof(*e->name));
	if (!e->name)
		return NULL;
	memcpy(e->name, base, blen * sizeof(*base));
	if (slen)
		memcpy(e->name + blen, suffix, slen * sizeof(*suffix));
	e->len = blen + slen;
	if (t->n && t->sorted &&
	    snmp_oid_cmp(t->ents[t->n - 1].name, t->ents[t->n - 1].len, e->name, e->len) >= 0)
		t->sorted = 0;
	t->n++;
	return e;
}

int snmp_oidtab_add_int(struct snmp_oidtab *t, const snmp_subid *base, size_t blen,
                        const snmp_subid *suffix, size_t slen, int64_t v)
{
	struct snmp_oid_ent *e = new_ent(t, base, blen, suffix, slen);

	if (!e)
		return -1;
	e->type = SNMP_T_INTEGER;
	e->i = v;
	return 0;
}

int snmp_oidtab_add_uns(struct snmp_oidtab *t, const snmp_subid *base, size_t blen,
                        const snmp_subid *suffix, size_t slen, uint8_t type, uint64_t v)
{
	struct snmp_oid_ent *e = new_ent(t, base, blen, suffix, slen);

	if (!e)
		return -1;
	e->type = type;
	if (type == SNMP_T_COUNTER32 || type == SNMP_T_GAUGE32 || type == SNMP_T_TIMETICKS)
		v = type == SNMP_T_COUNTER32 ? (uint32_t)v : (v > UINT32_MAX ? UINT32_MAX : v);
	e->u = v;
	return 0;
}

int snmp_oidtab_add_str(struct snmp_oidtab *t, const snmp_subid *base, size_t blen,
                        const snmp_subid *suffix, size_t slen, const void *s, size_t len)
{
	struct snmp_oid_ent *e = new_ent(t, base, blen, suffix, slen);

	if (!e)
		return -1;
	e->type = SNMP_T_OCTETS;
	e->s = pool_alloc(t, len + 1);
	if (!e->s) {
		t->n--;
		return -1;
	}
	if (len)
		memcpy(e->s, s, len);
	e->s[len] = '\0';
	e->slen = len;
	return 0;
}

static int ent_cmp(const void *a, const void *b)
{
	const struct snmp_oid_ent *x = a, *y = b;

	return snmp_oid_cmp(x->name, x->len, y->name, y->len);
}

void snmp_oidtab_group(struct snmp_oidtab *t, size_t from, size_t depth)
{
	size_t n = t->n > from ? t->n - from : 0, max = 0, *count, pos = 0;
	struct snmp_oid_ent *tmp, *e = t->ents + from;

	for (size_t i = 0; i < n; i++) {
		size_t k = e[i].len > depth ? e[i].name[depth] + 1 : 0;

		if (k > max)
			max = k;
	}
	if (n < 2 || max > 4096)
		return;                 /* nothing to do, or not a column number: sort() copes */
	count = calloc(max + 1, sizeof(*count));
	tmp = malloc(n * sizeof(*tmp));
	if (!count || !tmp) {
		free(count);
		free(tmp);
		return;
	}
	for (size_t i = 0; i < n; i++)
		count[e[i].len > depth ? e[i].name[depth] + 1 : 0]++;
	for (size_t k = 0; k <= max; k++) {
		size_t c = count[k];

		count[k] = pos;
		pos += c;
	}
	for (size_t i = 0; i < n; i++)
		tmp[count[e[i].len > depth ? e[i].name[depth] + 1 : 0]++] = e[i];
	memcpy(e, tmp, n * sizeof(*tmp));
	free(tmp);
	free(count);
}

void snmp_oidtab_sort(struct snmp_oidtab *t)
{
	if (!t->sorted && t->n) {
		size_t i = 1;

		while (i < t->n && snmp_oid_cmp(t->ents[i - 1].name, t->ents[i - 1].len,
		                                t->ents[i].name, t->ents[i].len) < 0)
			i++;
		if (i < t->n)
			qsort(t->ents, t->n, sizeof(*t->ents), ent_cmp);
	}
	t->sorted = 1;
}

/* index of the first entry >= name */
static size_t lower_bound(struct snmp_oidtab *t, const snmp_subid *name, size_t len)
{
	size_t lo = 0, hi = t->n;

	snmp_oidtab_sort(t);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (snmp_oid_cmp(t->ents[mid].name, t->ents[mid].len, name, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct snmp_oid_ent *snmp_oidtab_get(struct snmp_oidtab *t, const snmp_subid *name,
                                           size_t len)
{
	size_t i = lower_bound(t, name, len);

	if (i < t->n && !snmp_oid_cmp(t->ents[i].name, t->ents[i].len, name, len))
		return &t->ents[i];
	return NULL;
}

int snmp_oidtab_set_int(struct snmp_oidtab *t, const snmp_subid *name, size_t len, int64_t v)
{
	struct snmp_oid_ent *e = (struct snmp_oid_ent *)snmp_oidtab_get(t, name, len);

	if (!e || e->type != SNMP_T_INTEGER)
		return -1;
	e->i = v;
	return 0;
}

int snmp_oidtab_set_uns(struct snmp_oidtab *t, const snmp_subid *name, size_t len, uint64_t v)
{
	struct snmp_oid_ent *e = (struct snmp_oid_ent *)snmp_oidtab_get(t, name, len);

	if (!e || e->type == SNMP_T_INTEGER || e->type == SNMP_T_OCTETS)
		return -1;
	if (e->type == SNMP_T_COUNTER32 || e->type == SNMP_T_GAUGE32 || e->type == SNMP_T_TIMETICKS)
		v = e->type == SNMP_T_COUNTER32 ? (uint32_t)v : (v > UINT32_MAX ? UINT32_MAX : v);
	e->u = v;
	return 0;
}

const struct snmp_oid_ent *snmp_oidtab_next(struct snmp_oidtab *t, const snmp_subid *name,
                                            size_t len)
{
	size_t i = lower_bound(t, name, len);

	if (i < t->n && !snmp_oid_cmp(t->ents[i].name, t->ents[i].len, name, len))
		i++;
	return i < t->n ? &t->ents[i] : NULL;
}
