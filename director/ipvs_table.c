/* director/ipvs_table.c - plain-data IPVS service/destination tables with hashed lookup,
 * attribute comparison, and the names of schedulers, flags, methods and protocols. */
#include "director/ipvs_table.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdio.h>
#include <arpa/inet.h>
#include <sys/socket.h>

/* ---- hashing ----------------------------------------------------------------------- */

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static uint64_t addr_hash(uint64_t h, const union dir_ipvs_addr *a)
{
	h = mix64(h ^ (((uint64_t)a->w[0] << 32) | a->w[1]));
	return mix64(h ^ (((uint64_t)a->w[2] << 32) | a->w[3]));
}

static uint64_t svc_key_hash(const struct dir_ipvs_svc_key *k)
{
	uint64_t h = mix64(((uint64_t)k->af << 48) ^ ((uint64_t)k->protocol << 32) ^ k->fwmark);
	return addr_hash(h ^ k->port, &k->addr);
}

static uint64_t dest_key_hash(const struct dir_ipvs_dest_key *k)
{
	return addr_hash(mix64(((uint64_t)k->af << 32) ^ k->port ^ 0x9e3779b97f4a7c15ULL),
			 &k->addr);
}

bool dir_ipvs_svc_key_eq(const struct dir_ipvs_svc_key *a, const struct dir_ipvs_svc_key *b)
{
	return a->af == b->af && a->protocol == b->protocol && a->fwmark == b->fwmark &&
	       a->port == b->port && !memcmp(a->addr.b, b->addr.b, 16);
}

bool dir_ipvs_dest_key_eq(const struct dir_ipvs_dest_key *a, const struct dir_ipvs_dest_key *b)
{
	return a->af == b->af && a->port == b->port && !memcmp(a->addr.b, b->addr.b, 16);
}

static void addr_set(union dir_ipvs_addr *a, int af, const void *src)
{
	memset(a, 0, sizeof(*a));
	if (src)
		memcpy(a->b, src, af == AF_INET6 ? 16 : 4);
}

void dir_ipvs_svc_key_inet(struct dir_ipvs_svc_key *k, int af, int protocol,
			   const void *addr, uint16_t port)
{
	memset(k, 0, sizeof(*k));
	k->af = (uint16_t)af;
	k->protocol = (uint16_t)protocol;
	addr_set(&k->addr, af, addr);
	k->port = port;
}

void dir_ipvs_svc_key_fwmark(struct dir_ipvs_svc_key *k, int af, uint32_t fwmark)
{
	memset(k, 0, sizeof(*k));
	k->af = (uint16_t)af;
	k->fwmark = fwmark;
}

void dir_ipvs_dest_key_set(struct dir_ipvs_dest_key *k, int af, const void *addr, uint16_t port)
{
	memset(k, 0, sizeof(*k));
	k->af = (uint16_t)af;
	addr_set(&k->addr, af, addr);
	k->port = port;
}

/* ---- open-addressing index: slot value = entry index + 1, 0 = empty ---------------- */

struct idx_ops {
	uint64_t (*hash_at)(const void *ctx, uint32_t i);
	bool (*eq_at)(const void *ctx, uint32_t i, const void *key);
	const void *ctx;
};

static uint64_t svc_hash_at(const void *ctx, uint32_t i)
{
	return svc_key_hash(&((const struct dir_ipvs_table *)ctx)->svcs[i]->key);
}

static bool svc_eq_at(const void *ctx, uint32_t i, const void *key)
{
	return dir_ipvs_svc_key_eq(&((const struct dir_ipvs_table *)ctx)->svcs[i]->key, key);
}

static uint64_t dest_hash_at(const void *ctx, uint32_t i)
{
	return dest_key_hash(&((const struct dir_ipvs_svc *)ctx)->dests[i].key);
}

static bool dest_eq_at(const void *ctx, uint32_t i, const void *key)
{
	return dir_ipvs_dest_key_eq(&((const struct dir_ipvs_svc *)ctx)->dests[i].key, key);
}

/* position of the slot holding key (or -1) */
static long idx_find(const uint32_t *slot, size_t cap, uint64_t h, const void *key,
		     const struct idx_ops *ops)
{
	if (!cap)
		return -1;
	size_t mask = cap - 1;
	for (size_t n = 0, p = h & mask; n < cap; n++, p = (p + 1) & mask) {
		if (!slot[p])
			return -1;
		if (ops->eq_at(ops->ctx, slot[p] - 1, key))
			return (long)p;
	}
	return -1;
}

static void idx_put(uint32_t *slot, size_t cap, uint64_t h, uint32_t i)
{
	size_t mask = cap - 1, p = h & mask;
	while (slot[p])
		p = (p + 1) & mask;
	slot[p] = i + 1;
}

/* make room for n entries at load <= 1/2 */
static int idx_reserve(uint32_t **slot, size_t *cap, size_t n, const struct idx_ops *ops)
{
	if (*cap >= 2 * n && *cap)
		return 0;
	size_t nc = *cap ? *cap : 16;
	while (nc < 2 * n)
		nc *= 2;
	uint32_t *ns = calloc(nc, sizeof(*ns));
	if (!ns)
		return -1;
	for (size_t p = 0; p < *cap; p++)
		if ((*slot)[p])
			idx_put(ns, nc, ops->hash_at(ops->ctx, (*slot)[p] - 1), (*slot)[p] - 1);
	free(*slot);
	*slot = ns;
	*cap = nc;
	return 0;
}

/* empty slot p, shifting later entries of the probe run back (no tombstones) */
static void idx_erase(uint32_t *slot, size_t cap, size_t p, const struct idx_ops *ops)
{
	size_t mask = cap - 1, q = p;
	slot[p] = 0;
	for (size_t n = 0; n < cap; n++) {
		q = (q + 1) & mask;
		if (!slot[q])
			return;
		size_t home = ops->hash_at(ops->ctx, slot[q] - 1) & mask;
		/* move slot[q] into the hole at p unless its home lies cyclically in (p, q] */
		bool stay = p <= q ? (home > p && home <= q) : (home > p || home <= q);
		if (!stay) {
			slot[p] = slot[q];
			slot[q] = 0;
			p = q;
		}
	}
}

/* after moving entry `from` to index `to` in the array, repoint its slot */
static void idx_repoint(uint32_t *slot, size_t cap, uint64_t h, uint32_t from, uint32_t to)
{
	size_t mask = cap - 1;
	for (size_t n = 0, p = h & mask; n < cap; n++, p = (p + 1) & mask)
		if (slot[p] == from + 1) {
			slot[p] = to + 1;
			return;
		}
}

/* ---- table ------------------------------------------------------------------------- */

void dir_ipvs_table_init(struct dir_ipvs_table *t)
{
	memset(t, 0, sizeof(*t));
}

static void svc_free(struct dir_ipvs_svc *s)
{
	if (!s)
		return;
	free(s->dests);
	free(s->dslot);
	free(s);
}

void dir_ipvs_table_free(struct dir_ipvs_table *t)
{
	for (size_t i = 0; i < t->nsvcs; i++)
		svc_free(t->svcs[i]);
	free(t->svcs);
	free(t->sslot);
	memset(t, 0, sizeof(*t));
}

size_t dir_ipvs_table_ndests(const struct dir_ipvs_table *t)
{
	size_t n = 0;
	for (size_t i = 0; i < t->nsvcs; i++)
		n += t->svcs[i]->ndests;
	return n;
}

struct dir_ipvs_svc *dir_ipvs_svc_find(const struct dir_ipvs_table *t,
				       const struct dir_ipvs_svc_key *k)
{
	struct idx_ops ops = { svc_hash_at, svc_eq_at, t };
	long p = idx_find(t->sslot, t->sslot_cap, svc_key_hash(k), k, &ops);
	return p < 0 ? NULL : t->svcs[t->sslot[p] - 1];
}

struct dir_ipvs_svc *dir_ipvs_svc_add(struct dir_ipvs_table *t, const struct dir_ipvs_svc *s,
				      struct dir_ipvs_svc **dup)
{
	struct idx_ops ops = { svc_hash_at, svc_eq_at, t };
	struct dir_ipvs_svc *old = dir_ipvs_svc_find(t, &s->key), *n;

	if (dup)
		*dup = old;
	if (old || t->nsvcs >= UINT32_MAX - 1)
		return NULL;
	if (t->nsvcs == t->svcs_cap) {
		size_t nc = t->svcs_cap ? t->svcs_cap * 2 : 16;
		struct dir_ipvs_svc **a = realloc(t->svcs, nc * sizeof(*a));
		if (!a)
			return NULL;
		t->svcs = a;
		t->svcs_cap = nc;
	}
	if (idx_reserve(&t->sslot, &t->sslot_cap, t->nsvcs + 1, &ops) < 0)
		return NULL;
	n = malloc(sizeof(*n));
	if (!n)
		return NULL;
	*n = *s;
	n->dests = NULL;
	n->ndests = n->dests_cap = 0;
	n->dslot = NULL;
	n->dslot_cap = 0;
	n->sched[sizeof(n->sched) - 1] = 0;
	n->pe[sizeof(n->pe) - 1] = 0;
	t->svcs[t->nsvcs] = n;
	idx_put(t->sslot, t->sslot_cap, svc_key_hash(&n->key), (uint32_t)t->nsvcs);
	t->nsvcs++;
	return n;
}

int dir_ipvs_svc_del(struct dir_ipvs_table *t, const struct dir_ipvs_svc_key *k)
{
	struct idx_ops ops = { svc_hash_at, svc_eq_at, t };
	long p = idx_find(t->sslot, t->sslot_cap, svc_key_hash(k), k, &ops);
	if (p < 0)
		return -1;
	uint32_t i = t->sslot[p] - 1, last = (uint32_t)t->nsvcs - 1;
	idx_erase(t->sslot, t->sslot_cap, (size_t)p, &ops);
	svc_free(t->svcs[i]);
	if (i != last) {
		t->svcs[i] = t->svcs[last];
		idx_repoint(t->sslot, t->sslot_cap, svc_key_hash(&t->svcs[i]->key), last, i);
	}
	t->nsvcs--;
	return 0;
}

struct dir_ipvs_dest *dir_ipvs_dest_find(const struct dir_ipvs_svc *s,
					 const struct dir_ipvs_dest_key *k)
{
	struct idx_ops ops = { dest_hash_at, dest_eq_at, s };
	long p = idx_find(s->dslot, s->dslot_cap, dest_key_hash(k), k, &ops);
	return p < 0 ? NULL : &s->dests[s->dslot[p] - 1];
}

struct dir_ipvs_dest *dir_ipvs_dest_add(struct dir_ipvs_svc *s, const struct dir_ipvs_dest *d,
					struct dir_ipvs_dest **dup)
{
	struct idx_ops ops = { dest_hash_at, dest_eq_at, s };
	struct dir_ipvs_dest *old = dir_ipvs_dest_find(s, &d->key);

	if (dup)
		*dup = old;
	if (old || s->ndests >= UINT32_MAX - 1)
		return NULL;
	if (s->ndests == s->dests_cap) {
		size_t nc = s->dests_cap ? s->dests_cap * 2 : 8;
		struct dir_ipvs_dest *a = realloc(s->dests, nc * sizeof(*a));
		if (!a)
			return NULL;
		s->dests = a;
		s->dests_cap = nc;
	}
	if (idx_reserve(&s->dslot, &s->dslot_cap, s->ndests + 1, &ops) < 0)
		return NULL;
	s->dests[s->ndests] = *d;
	idx_put(s->dslot, s->dslot_cap, dest_key_hash(&d->key), (uint32_t)s->ndests);
	return &s->dests[s->ndests++];
}

int dir_ipvs_dest_del(struct dir_ipvs_svc *s, const struct dir_ipvs_dest_key *k)
{
	struct idx_ops ops = { dest_hash_at, dest_eq_at, s };
	long p = idx_find(s->dslot, s->dslot_cap, dest_key_hash(k), k, &ops);
	if (p < 0)
		return -1;
	uint32_t i = s->dslot[p] - 1, last = (uint32_t)s->ndests - 1;
	idx_erase(s->dslot, s->dslot_cap, (size_t)p, &ops);
	if (i != last) {
		s->dests[i] = s->dests[last];
		idx_repoint(s->dslot, s->dslot_cap, dest_key_hash(&s->dests[i].key), last, i);
	}
	s->ndests--;
	return 0;
}

int dir_ipvs_table_copy(struct dir_ipvs_table *dst, const struct dir_ipvs_table *src)
{
	dir_ipvs_table_init(dst);
	for (size_t i = 0; i < src->nsvcs; i++) {
		const struct dir_ipvs_svc *s = src->svcs[i];
		struct dir_ipvs_svc *n = dir_ipvs_svc_add(dst, s, NULL);
		if (!n)
			goto fail;
		for (size_t j = 0; j < s->ndests; j++)
			if (!dir_ipvs_dest_add(n, &s->dests[j], NULL))
				goto fail;
	}
	return 0;
fail:
	dir_ipvs_table_free(dst);
	return -1;
}

/* ---- attributes -------------------------------------------------------------------- */

bool dir_ipvs_svc_attrs_eq(const struct dir_ipvs_svc *a, const struct dir_ipvs_svc *b)
{
	return !strncmp(a->sched, b->sched, sizeof(a->sched)) &&
	       !strncmp(a->pe, b->pe, sizeof(a->pe)) &&
	       (a->flags & ~IP_VS_SVC_F_HASHED) == (b->flags & ~IP_VS_SVC_F_HASHED) &&
	       a->timeout == b->timeout && a->netmask == b->netmask;
}

bool dir_ipvs_dest_attrs_eq(const struct dir_ipvs_dest *a, const struct dir_ipvs_dest *b)
{
	uint32_t fa = a->fwd & IP_VS_CONN_F_FWD_MASK, fb = b->fwd & IP_VS_CONN_F_FWD_MASK;
	if (fa != fb || a->weight != b->weight || a->u_thresh != b->u_thresh ||
	    a->l_thresh != b->l_thresh)
		return false;
	if (fa != IP_VS_CONN_F_TUNNEL)
		return true;
	return a->tun_type == b->tun_type && a->tun_port == b->tun_port &&
	       a->tun_flags == b->tun_flags;
}

void dir_ipvs_svc_attrs_copy(struct dir_ipvs_svc *dst, const struct dir_ipvs_svc *src)
{
	memcpy(dst->sched, src->sched, sizeof(dst->sched));
	memcpy(dst->pe, src->pe, sizeof(dst->pe));
	dst->flags = src->flags & ~IP_VS_SVC_F_HASHED;
	dst->timeout = src->timeout;
	dst->netmask = src->netmask;
}

void dir_ipvs_dest_attrs_copy(struct dir_ipvs_dest *dst, const struct dir_ipvs_dest *src)
{
	dst->fwd = src->fwd & IP_VS_CONN_F_FWD_MASK;
	dst->weight = src->weight;
	dst->u_thresh = src->u_thresh;
	dst->l_thresh = src->l_thresh;
	dst->tun_type = src->tun_type;
	dst->tun_port = src->tun_port;
	dst->tun_flags = src->tun_flags;
}

int dir_ipvs_netmask(int af, unsigned plen, uint32_t *out)
{
	if (af == AF_INET6) {
		if (plen < 1 || plen > 128)
			return -1;
		*out = plen;
		return 0;
	}
	if (af != AF_INET || plen > 32)
		return -1;
	*out = htonl(plen ? ~0u << (32 - plen) : 0);
	return 0;
}

/* ---- the kernel's acceptance rules --------------------------------------------------- */

#define REFUSE(reason) do { *why = (reason); return -1; } while (0)

int dir_ipvs_svc_check(const struct dir_ipvs_svc *s, const char **why)
{
	const struct dir_ipvs_svc_key *k = &s->key;

	if (k->af != AF_INET && k->af != AF_INET6)
		REFUSE("address family neither IPv4 nor IPv6");
	if (!k->fwmark && k->protocol != IPPROTO_TCP && k->protocol != IPPROTO_UDP &&
	    k->protocol != IPPROTO_SCTP)
		REFUSE("protocol neither TCP, UDP nor SCTP");
	if (!memchr(s->sched, 0, sizeof(s->sched)) || !dir_ipvs_sched_known(s->sched))
		REFUSE("unknown scheduler");
	if (!memchr(s->pe, 0, sizeof(s->pe)))
		REFUSE("persistence engine name too long");
	if (s->flags & ~DIR_IPVS_SVC_F_USER)
		REFUSE("unknown service flags");
	/* flag-1/flag-2 on a scheduler other than sh/mh: the kernel ignores them; allowed */
	if (k->af == AF_INET6) {
		if (s->netmask < 1 || s->netmask > 128)
			REFUSE("IPv6 persistence prefix length not in 1..128");
	} else {
		uint32_t m = ntohl(s->netmask);
		if (m & (~m >> 1))
			REFUSE("IPv4 persistence netmask not contiguous");
	}
	return 0;
}

static bool addr_unicast(uint16_t af, const union dir_ipvs_addr *a)
{
	if (af == AF_INET) {
		uint32_t ip = ntohl(a->w[0]);
		return ip && ip != 0xffffffffu && (ip >> 28) != 0xe;
	}
	static const uint8_t zero[16];
	if (!memcmp(a->b, zero, 16) || a->b[0] == 0xff)
		return false;
	return !(a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80);     /* fe80::/10 */
}

int dir_ipvs_dest_check(const struct dir_ipvs_svc *s, const struct dir_ipvs_dest *d,
			const char **why)
{
	uint32_t fwd = d->fwd;

	if (d->key.af != AF_INET && d->key.af != AF_INET6)
		REFUSE("real server address family neither IPv4 nor IPv6");
	if (fwd & ~IP_VS_CONN_F_FWD_MASK || fwd > IP_VS_CONN_F_DROUTE)
		REFUSE("unknown forwarding method");
	if (d->key.af != s->key.af && fwd != IP_VS_CONN_F_TUNNEL)
		REFUSE("real server of another address family than its service (only TUN can)");
	if (!addr_unicast(d->key.af, &d->key.addr))
		REFUSE("real server address not unicast");
	if (d->weight < 0)
		REFUSE("negative weight");
	if (d->l_thresh > d->u_thresh)
		REFUSE("lower connection threshold above the upper one");
	if (fwd == IP_VS_CONN_F_TUNNEL) {
		if (d->tun_type >= IP_VS_CONN_F_TUNNEL_TYPE_MAX)
			REFUSE("unknown tunnel type");
		if (d->tun_type == IP_VS_CONN_F_TUNNEL_TYPE_GUE && !d->tun_port)
			REFUSE("gue tunnel without a port");
		if (d->tun_flags & ~(IP_VS_TUNNEL_ENCAP_FLAG_CSUM | IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM))
			REFUSE("unknown tunnel flags");
	}
	return 0;
}

/* ---- keys as text -------------------------------------------------------------------- */

static void addr_port_str(uint16_t af, const union dir_ipvs_addr *a, uint16_t port, char *buf,
			  size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (!len)
		return;
	if (af == AF_INET || af == AF_INET6)
		inet_ntop(af, a->b, ip, sizeof(ip));
	snprintf(buf, len, af == AF_INET6 ? "[%s]:%u" : "%s:%u", ip, (unsigned)port);
}

void dir_ipvs_svc_key_str(const struct dir_ipvs_svc_key *k, char *buf, size_t len)
{
	char ap[DIR_IPVS_KEY_STRLEN], proto[8];
	size_t i;

	if (!len)
		return;
	if (k->fwmark) {
		snprintf(buf, len, "FWM %u%s", (unsigned)k->fwmark, k->af == AF_INET6 ? " IPv6" : "");
		return;
	}
	snprintf(proto, sizeof(proto), "%s", dir_ipvs_proto_name(k->protocol));
	for (i = 0; proto[i]; i++)
		proto[i] = (char)(proto[i] >= 'a' && proto[i] <= 'z' ? proto[i] - 32 : proto[i]);
	addr_port_str(k->af, &k->addr, k->port, ap, sizeof(ap));
	snprintf(buf, len, "%s %s", proto, ap);
}

void dir_ipvs_dest_key_str(const struct dir_ipvs_dest_key *k, char *buf, size_t len)
{
	addr_port_str(k->af, &k->addr, k->port, buf, len);
}

/* ---- names ------------------------------------------------------------------------- */

static const char *const scheds[] = {
	"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh",
	"twos",
};

bool dir_ipvs_sched_known(const char *name)
{
	for (size_t i = 0; i < sizeof(scheds) / sizeof(scheds[0]); i++)
		if (!strcmp(name, scheds[i]))
			return true;
	return false;
}

static const struct {
	const char *name, *sched;     /* sched NULL: any scheduler */
	uint32_t bit;
} sched_flags[] = {
	{ "sh-fallback", "sh", IP_VS_SVC_F_SCHED_SH_FALLBACK },
	{ "sh-port", "sh", IP_VS_SVC_F_SCHED_SH_PORT },
	{ "mh-fallback", "mh", DIR_IPVS_SVC_F_MH_FALLBACK },
	{ "mh-port", "mh", DIR_IPVS_SVC_F_MH_PORT },
	{ "flag-1", NULL, IP_VS_SVC_F_SCHED1 },
	{ "flag-2", NULL, IP_VS_SVC_F_SCHED2 },
	{ "flag-3", NULL, IP_VS_SVC_F_SCHED3 },
};
#define NSCHED_FLAGS (sizeof(sched_flags) / sizeof(sched_flags[0]))

int dir_ipvs_sched_flag(const char *sched, const char *flag, uint32_t *bit)
{
	for (size_t i = 0; i < NSCHED_FLAGS; i++)
		if (!strcmp(flag, sched_flags[i].name)) {
			if (sched_flags[i].sched && (!sched || strcmp(sched, sched_flags[i].sched)))
				return -1;
			*bit = sched_flags[i].bit;
			return 0;
		}
	return -1;
}

void dir_ipvs_sched_flags_str(const char *sched, uint32_t flags, char *buf, size_t len)
{
	size_t off = 0;
	if (!len)
		return;
	buf[0] = 0;
	for (uint32_t bit = IP_VS_SVC_F_SCHED1; bit <= IP_VS_SVC_F_SCHED3; bit <<= 1) {
		const char *name = NULL;
		if (!(flags & bit))
			continue;
		for (size_t i = 0; i < NSCHED_FLAGS && !name; i++)
			if (sched_flags[i].bit == bit && sched_flags[i].sched && sched &&
			    !strcmp(sched, sched_flags[i].sched))
				name = sched_flags[i].name;
		for (size_t i = 0; i < NSCHED_FLAGS && !name; i++)
			if (sched_flags[i].bit == bit && !sched_flags[i].sched)
				name = sched_flags[i].name;
		int n = snprintf(buf + off, len - off, "%s%s", off ? "," : "", name);
		if (n < 0 || (size_t)n >= len - off)
			return;
		off += (size_t)n;
	}
}

static const struct { const char *name; uint32_t fwd; } fwds[] = {
	{ "NAT", IP_VS_CONN_F_MASQ }, { "DR", IP_VS_CONN_F_DROUTE },
	{ "TUN", IP_VS_CONN_F_TUNNEL }, { "LOCAL", IP_VS_CONN_F_LOCALNODE },
};

int dir_ipvs_fwd_from_name(const char *name, uint32_t *fwd)
{
	for (size_t i = 0; i < sizeof(fwds) / sizeof(fwds[0]); i++)
		if (!strcasecmp(name, fwds[i].name)) {
			*fwd = fwds[i].fwd;
			return 0;
		}
	return -1;
}

const char *dir_ipvs_fwd_name(uint32_t fwd)
{
	for (size_t i = 0; i < sizeof(fwds) / sizeof(fwds[0]); i++)
		if ((fwd & IP_VS_CONN_F_FWD_MASK) == fwds[i].fwd)
			return fwds[i].name;
	return "?";
}

static const char *const tuns[] = { "ipip", "gue", "gre" };

int dir_ipvs_tun_from_name(const char *name, uint8_t *type)
{
	for (size_t i = 0; i < sizeof(tuns) / sizeof(tuns[0]); i++)
		if (!strcasecmp(name, tuns[i])) {
			*type = (uint8_t)i;
			return 0;
		}
	return -1;
}

const char *dir_ipvs_tun_name(uint8_t type)
{
	return type < sizeof(tuns) / sizeof(tuns[0]) ? tuns[type] : "?";
}

static const struct { const char *name; uint16_t proto; } protos[] = {
	{ "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP }, { "sctp", IPPROTO_SCTP },
};

int dir_ipvs_proto_from_name(const char *name, uint16_t *proto)
{
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (!strcasecmp(name, protos[i].name)) {
			*proto = protos[i].proto;
			return 0;
		}
	return -1;
}

const char *dir_ipvs_proto_name(uint16_t proto)
{
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (proto == protos[i].proto)
			return protos[i].name;
	return "?";
}
