/* sync/relay_mirror.c - the relay's copy of the connection table (relay_mirror.h): a chained
 * hash table of encoded v1 entries keyed by the connection's identity bytes, growing by
 * doubling, with expiry by each entry's timeout and a bucket-at-a-time walk for resyncs. */
#include <stdlib.h>
#include <string.h>
#include <linux/ip_vs.h>
#include "sync/relay_mirror.h"

#define MIN_BUCKETS 1024
#define MAX_BUCKETS (1u << 22)

struct relay_mirror_ent {
	struct relay_mirror_ent *next;
	uint64_t expires;           /* us */
	uint32_t hash;
	uint16_t len;
	uint8_t raw[];
};

/* identity bytes of an encoded v1 entry: type, protocol, template bit, ports, fwmark,
 * addresses (the state, timeout, other flags and options are the value) */
static size_t alen(const uint8_t *raw)
{
	return (raw[0] & SYNC_TYPE_F_INET6) ? 48 : 12;
}

static int is_tpl(const uint8_t *raw)
{
	return (raw[6] & (IP_VS_CONN_F_TEMPLATE >> 8)) != 0;
}

static uint32_t hash_of(const uint8_t *raw)
{
	uint32_t h = 2166136261u;
	uint8_t head[3] = { raw[0], raw[1], (uint8_t)is_tpl(raw) };
	size_t i;

	for (i = 0; i < 3; i++)
		h = (h ^ head[i]) * 16777619u;
	for (i = 10; i < 20; i++)
		h = (h ^ raw[i]) * 16777619u;
	for (i = 24; i < 24 + alen(raw); i++)
		h = (h ^ raw[i]) * 16777619u;
	return h ^ (h >> 15);
}

static int key_eq(const uint8_t *a, const uint8_t *b)
{
	return a[0] == b[0] && a[1] == b[1] && is_tpl(a) == is_tpl(b) &&
	       !memcmp(a + 10, b + 10, 10) && !memcmp(a + 24, b + 24, alen(a));
}

int relay_mirror_init(struct relay_mirror *m, size_t max)
{
	memset(m, 0, sizeof(*m));
	m->max = max;
	m->nb = MIN_BUCKETS;
	m->b = calloc(m->nb, sizeof(*m->b));
	return m->b ? 0 : -1;
}

void relay_mirror_free(struct relay_mirror *m)
{
	for (size_t i = 0; m->b && i < m->nb; i++) {
		struct relay_mirror_ent *e = m->b[i], *nx;

		for (; e; e = nx) {
			nx = e->next;
			free(e);
		}
	}
	free(m->b);
	memset(m, 0, sizeof(*m));
}

static void grow(struct relay_mirror *m)
{
	size_t nb = m->nb * 2;
	struct relay_mirror_ent **b;

	if (nb > MAX_BUCKETS || !(b = calloc(nb, sizeof(*b))))
		return;                  /* longer chains, still correct */
	for (size_t i = 0; i < m->nb; i++) {
		struct relay_mirror_ent *e = m->b[i], *nx;

		for (; e; e = nx) {
			nx = e->next;
			e->next = b[e->hash & (nb - 1)];
			b[e->hash & (nb - 1)] = e;
		}
	}
	free(m->b);
	m->b = b;
	m->nb = nb;
	m->sweep_pos = 0;
}

static uint64_t expiry(const uint8_t *raw, uint64_t now)
{
	uint32_t t = ((uint32_t)raw[20] << 24) | ((uint32_t)raw[21] << 16) |
	             ((uint32_t)raw[22] << 8) | raw[23];

	return now + (uint64_t)(t ? t : RELAY_MIRROR_DEFAULT_TIMEOUT_S) * 1000000u;
}

int relay_mirror_put(struct relay_mirror *m, const uint8_t *raw, size_t len, uint64_t now,
                     int only_new)
{
	struct relay_mirror_ent **pp, *x;
	uint32_t h;

	/* callers hand entries that parsed already (kernel messages, DATA bodies, our own
	 * encoding): only what the key and the walk rely on is checked again */
	if (len < SYNC_V1_V4_LEN || len > SYNC_V1_ENTRY_MAX || (raw[2] >> 4) ||
	    (raw[0] && !(raw[0] & SYNC_TYPE_F_INET6)) ||
	    (size_t)(((raw[2] & 0x0f) << 8) | raw[3]) != len ||
	    len < ((raw[0] & SYNC_TYPE_F_INET6) ? SYNC_V1_V6_LEN : SYNC_V1_V4_LEN)) {
		m->refused++;
		return -1;
	}
	h = hash_of(raw);
	for (pp = &m->b[h & (m->nb - 1)]; *pp; pp = &(*pp)->next) {
		if ((*pp)->hash != h || !key_eq((*pp)->raw, raw))
			continue;
		if (only_new)
			return 0;
		if ((*pp)->len != len) {
			x = realloc(*pp, sizeof(*x) + len);
			if (!x) {
				m->refused++;
				return -1;
			}
			*pp = x;
		}
		memcpy((*pp)->raw, raw, len);
		(*pp)->len = (uint16_t)len;
		(*pp)->expires = expiry(raw, now);
		m->updated++;
		return 0;
	}
	if (m->n >= m->max || !(x = malloc(sizeof(*x) + len))) {
		m->refused++;
		return -1;
	}
	memcpy(x->raw, raw, len);
	x->len = (uint16_t)len;
	x->hash = h;
	x->expires = expiry(raw, now);
	x->next = m->b[h & (m->nb - 1)];
	m->b[h & (m->nb - 1)] = x;
	m->n++;
	m->inserted++;
	if (m->n > m->nb)
		grow(m);
	return 1;
}

void relay_mirror_sweep(struct relay_mirror *m, uint64_t now, size_t buckets)
{
	for (size_t k = 0; k < buckets && k < m->nb; k++) {
		struct relay_mirror_ent **pp = &m->b[m->sweep_pos];

		while (*pp) {
			if ((*pp)->expires <= now) {
				struct relay_mirror_ent *x = *pp;

				*pp = x->next;
				free(x);
				m->n--;
				m->expired++;
			} else {
				pp = &(*pp)->next;
			}
		}
		m->sweep_pos = (m->sweep_pos + 1) & (m->nb - 1);
	}
}

void relay_mirror_iter_init(struct relay_mirror_iter *it)
{
	it->pass = 0;
	it->bucket = 0;
	it->i = it->n = 0;
}

/* copy the live entries of this pass from bucket it->bucket */
static void fill(struct relay_mirror *m, struct relay_mirror_iter *it, uint64_t now)
{
	const struct relay_mirror_ent *x;

	it->i = it->n = 0;
	for (x = m->b[it->bucket]; x && it->n < RELAY_MIRROR_ITER_BUF; x = x->next) {
		if (x->expires <= now || is_tpl(x->raw) != (it->pass == 0))
			continue;
		memcpy(it->buf[it->n], x->raw, x->len);
		it->len[it->n] = x->len;
		it->left[it->n] = (uint32_t)((x->expires - now + 999999) / 1000000);
		it->n++;
	}
}

int relay_mirror_next(struct relay_mirror *m, struct relay_mirror_iter *it, uint64_t now,
                      struct sync_entry *e)
{
	while (it->pass < 2) {
		if (it->i < it->n) {
			unsigned n = 0;
			size_t end;
			size_t k = it->i++;

			if (sync_v1_entries_parse(it->buf[k], it->len[k], 1, e, 1, &n, &end) != SYNC_OK ||
			    n != 1)
				continue;
			e->timeout = it->left[k] ? it->left[k] : 1;
			return 1;
		}
		/* the table may have grown since the walk began: the bucket index is taken modulo
		 * its current size, so some entries may come twice across a growth, none is lost
		 * that was there when the walk began */
		if (it->bucket >= m->nb) {
			it->pass++;
			it->bucket = 0;
			it->i = it->n = 0;
			continue;
		}
		fill(m, it, now);
		it->bucket++;
	}
	return 0;
}
