/* healthcheck/check_map.c - string -> pointer map with linear probing (no deletion: the engine
 * rebuilds its maps on reload). */
#include <stdlib.h>
#include <string.h>
#include "healthcheck/check_map.h"

uint32_t check_map_hash(const char *key)
{
	uint32_t h = 2166136261u;

	while (*key)
		h = (h ^ (unsigned char)*key++) * 16777619u;
	return h ? h : 1;
}

void check_map_init(struct check_map *m)
{
	memset(m, 0, sizeof(*m));
}

void check_map_free(struct check_map *m)
{
	free(m->k);
	free(m->v);
	free(m->h);
	memset(m, 0, sizeof(*m));
}

static size_t slot(const struct check_map *m, const char *key, uint32_t h)
{
	size_t i = h & (m->cap - 1);

	while (m->h[i] && !(m->h[i] == h && !strcmp(m->k[i], key)))
		i = (i + 1) & (m->cap - 1);
	return i;
}

void *check_map_get(const struct check_map *m, const char *key)
{
	size_t i;

	if (!m->cap)
		return NULL;
	i = slot(m, key, check_map_hash(key));
	return m->h[i] ? m->v[i] : NULL;
}

static int grow(struct check_map *m)
{
	struct check_map n;
	size_t cap = m->cap ? m->cap * 2 : 16;

	n.k = calloc(cap, sizeof(*n.k));
	n.v = calloc(cap, sizeof(*n.v));
	n.h = calloc(cap, sizeof(*n.h));
	n.cap = cap;
	n.n = m->n;
	if (!n.k || !n.v || !n.h) {
		free(n.k);
		free(n.v);
		free(n.h);
		return -1;
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->h[i])
			continue;
		size_t j = slot(&n, m->k[i], m->h[i]);
		n.h[j] = m->h[i];
		n.k[j] = m->k[i];
		n.v[j] = m->v[i];
	}
	free(m->k);
	free(m->v);
	free(m->h);
	*m = n;
	return 0;
}

int check_map_put(struct check_map *m, const char *key, void *val)
{
	uint32_t h = check_map_hash(key);
	size_t i;

	if ((m->n + 1) * 4 > m->cap * 3 && grow(m))
		return -1;
	i = slot(m, key, h);
	if (!m->h[i]) {
		m->h[i] = h;
		m->k[i] = key;
		m->n++;
	}
	m->v[i] = val;
	return 0;
}
