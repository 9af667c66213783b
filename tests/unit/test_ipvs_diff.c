/* tests/unit/test_ipvs_diff.c - the IPVS tables and the desired-vs-kernel diff: hashed
 * add/find/delete at scale, op order (services before their destinations on add, after on
 * delete), SET_SERVICE / SET_DEST per attribute, ownership (foreign entries untouched), a
 * property test on generated tables (apply(kernel, diff(desired, kernel)) equals desired on
 * the owned part, foreign entries unchanged, a second diff is empty), one weight change in
 * 100,000 destinations = one SET_DEST, and the diff's speed (printed, and bounded). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include "director/ipvs_diff.h"
#include "director/ipvs_msg.h"

#if defined(__SANITIZE_ADDRESS__)
#define SLOW 10            /* sanitizers: allow 10x the time */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLOW 10
#endif
#endif
#ifndef SLOW
#define SLOW 1
#endif

/* ---- helpers ------------------------------------------------------------------------- */

static uint64_t rng_state;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

static uint32_t below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* tag bit 0: tandem owns the entry */
static bool owned_by_tag(void *arg, const struct dir_ipvs_svc *s, const struct dir_ipvs_dest *d)
{
	(void)arg;
	return (d ? d->tag : s->tag) & 1;
}

static struct dir_ipvs_svc mk_svc(int af, int proto, uint32_t ip, uint16_t port, uint32_t tag)
{
	struct dir_ipvs_svc s;
	union dir_ipvs_addr a = { 0 };

	memset(&s, 0, sizeof(s));
	a.w[0] = htonl(ip);
	if (af == AF_INET6)
		a.w[3] = htonl(ip), a.w[0] = htonl(0x20010db8);
	dir_ipvs_svc_key_inet(&s.key, af, proto, a.b, port);
	strcpy(s.sched, "wlc");
	assert_int_equal(dir_ipvs_netmask(af, af == AF_INET ? 32 : 128, &s.netmask), 0);
	s.tag = tag;
	return s;
}

static struct dir_ipvs_dest mk_dest(int af, uint32_t ip, uint16_t port, int32_t w, uint32_t tag)
{
	struct dir_ipvs_dest d;
	union dir_ipvs_addr a = { 0 };

	memset(&d, 0, sizeof(d));
	a.w[0] = htonl(ip);
	if (af == AF_INET6)
		a.w[3] = htonl(ip), a.w[0] = htonl(0xfd000000);
	dir_ipvs_dest_key_set(&d.key, af, a.b, port);
	d.fwd = IP_VS_CONN_F_DROUTE;
	d.weight = w;
	d.tag = tag;
	return d;
}

static size_t count(const struct dir_ipvs_ops *ops, enum dir_ipvs_op_kind k)
{
	size_t n = 0;
	for (size_t i = 0; i < ops->n; i++)
		n += ops->v[i].kind == k;
	return n;
}

/* the order rule, checked on the list itself */
static void check_order(const struct dir_ipvs_ops *ops)
{
	int phase = 0;
	for (size_t i = 0; i < ops->n; i++) {
		int p;
		switch (ops->v[i].kind) {
		case DIR_IPVS_OP_DEL_DEST: p = 0; break;
		case DIR_IPVS_OP_DEL_SVC: p = 1; break;
		case DIR_IPVS_OP_NEW_SVC: case DIR_IPVS_OP_SET_SVC: p = 2; break;
		default: p = 3; break;
		}
		assert_true(p >= phase);
		phase = p;
	}
}

/* apply ops to a copy of kernel; every op must be one the kernel accepts */
static void apply_all(struct dir_ipvs_table *out, const struct dir_ipvs_table *kernel,
		      const struct dir_ipvs_ops *ops)
{
	assert_int_equal(dir_ipvs_table_copy(out, kernel), 0);
	for (size_t i = 0; i < ops->n; i++)
		assert_int_equal(dir_ipvs_op_apply(out, &ops->v[i]), 0);
}

/* ---- table ------------------------------------------------------------------------- */

static void test_table_hashing(void **state)
{
	struct dir_ipvs_table t;
	struct dir_ipvs_svc s = mk_svc(AF_INET, IPPROTO_TCP, 0x0a000001, 80, 1), *sp;
	const uint32_t n = 20000;

	dir_ipvs_table_init(&t);
	sp = dir_ipvs_svc_add(&t, &s, NULL);
	assert_non_null(sp);
	struct dir_ipvs_svc *dup = NULL;
	assert_null(dir_ipvs_svc_add(&t, &s, &dup));
	assert_ptr_equal(dup, sp);
	for (uint32_t i = 0; i < n; i++) {
		struct dir_ipvs_dest d = mk_dest(AF_INET, 0x0b000000 + i, 80, (int32_t)i, 1);
		assert_non_null(dir_ipvs_dest_add(sp, &d, NULL));
	}
	struct dir_ipvs_dest d0 = mk_dest(AF_INET, 0x0b000000, 80, 0, 1);
	assert_null(dir_ipvs_dest_add(sp, &d0, NULL));
	/* delete every third, in a scattered order, then check all lookups */
	for (uint32_t i = 0; i < n; i += 3) {
		uint32_t k = (i * 7919u) % n;
		k -= k % 3;
		struct dir_ipvs_dest d = mk_dest(AF_INET, 0x0b000000 + k, 80, 0, 1);
		dir_ipvs_dest_del(sp, &d.key);    /* may already be gone: fine */
	}
	size_t present = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct dir_ipvs_dest d = mk_dest(AF_INET, 0x0b000000 + i, 80, 0, 1);
		struct dir_ipvs_dest *f = dir_ipvs_dest_find(sp, &d.key);
		if (i % 3 == 0) {
			if (f)
				assert_int_equal(dir_ipvs_dest_del(sp, &d.key), 0);
			assert_null(dir_ipvs_dest_find(sp, &d.key));
			assert_int_equal(dir_ipvs_dest_del(sp, &d.key), -1);
		} else {
			assert_non_null(f);
			assert_int_equal(f->weight, (int32_t)i);
			present++;
		}
	}
	assert_int_equal(sp->ndests, present);
	/* same address, other port / other family: distinct keys */
	struct dir_ipvs_dest p2 = mk_dest(AF_INET, 0x0b000001, 81, 0, 1);
	assert_null(dir_ipvs_dest_find(sp, &p2.key));
	/* services: add many, delete some, find the rest */
	for (uint32_t i = 0; i < 3000; i++) {
		struct dir_ipvs_svc x = mk_svc(i & 1 ? AF_INET6 : AF_INET, i % 3 == 0 ? IPPROTO_UDP :
					       IPPROTO_TCP, 0x0c000000 + i, (uint16_t)i, 1);
		if (i % 10 == 9)
			dir_ipvs_svc_key_fwmark(&x.key, AF_INET, i);
		assert_non_null(dir_ipvs_svc_add(&t, &x, NULL));
	}
	for (uint32_t i = 0; i < 3000; i += 2) {
		struct dir_ipvs_svc x = mk_svc(AF_INET, i % 3 == 0 ? IPPROTO_UDP : IPPROTO_TCP,
					       0x0c000000 + i, (uint16_t)i, 1);
		assert_int_equal(dir_ipvs_svc_del(&t, &x.key), 0);
	}
	assert_non_null(dir_ipvs_svc_find(&t, &s.key));
	assert_ptr_equal(dir_ipvs_svc_find(&t, &s.key), sp);   /* services never move */
	assert_int_equal(t.nsvcs, 1 + 1500);
	for (uint32_t i = 1; i < 3000; i += 2) {
		struct dir_ipvs_svc x = mk_svc(AF_INET6, i % 3 == 0 ? IPPROTO_UDP : IPPROTO_TCP,
					       0x0c000000 + i, (uint16_t)i, 1);
		if (i % 10 == 9)
			dir_ipvs_svc_key_fwmark(&x.key, AF_INET, i);
		assert_non_null(dir_ipvs_svc_find(&t, &x.key));
	}
	struct dir_ipvs_table c;
	assert_int_equal(dir_ipvs_table_copy(&c, &t), 0);
	assert_int_equal(dir_ipvs_table_ndests(&c), present);
	dir_ipvs_table_free(&c);
	dir_ipvs_table_free(&t);
}

/* ---- diff: fixed cases --------------------------------------------------------------- */

static void test_add_from_empty_and_delete(void **state)
{
	struct dir_ipvs_table want, kern, res;
	struct dir_ipvs_ops ops = { 0 };

	dir_ipvs_table_init(&want);
	dir_ipvs_table_init(&kern);
	for (int i = 0; i < 2; i++) {
		struct dir_ipvs_svc s = mk_svc(AF_INET, IPPROTO_TCP, 0x0a000001 + i, 80, 1);
		struct dir_ipvs_svc *sp = dir_ipvs_svc_add(&want, &s, NULL);
		for (int j = 0; j < 3; j++) {
			struct dir_ipvs_dest d = mk_dest(AF_INET, 0x0b000000 + j, 80, 1, 1);
			dir_ipvs_dest_add(sp, &d, NULL);
		}
	}
	assert_int_equal(dir_ipvs_diff(&want, &kern, owned_by_tag, NULL, 0, &ops), 0);
	assert_int_equal(ops.n, 8);
	assert_int_equal(ops.v[0].kind, DIR_IPVS_OP_NEW_SVC);
	assert_int_equal(ops.v[1].kind, DIR_IPVS_OP_NEW_SVC);
	assert_int_equal(count(&ops, DIR_IPVS_OP_NEW_DEST), 6);
	check_order(&ops);
	apply_all(&res, &kern, &ops);
	dir_ipvs_ops_free(&ops);

	/* now the other way: the kernel has them (owned), nothing desired */
	assert_int_equal(dir_ipvs_diff(&kern, &res, owned_by_tag, NULL, 0, &ops), 0);
	assert_int_equal(ops.n, 2);     /* one DEL_SERVICE each; the kernel drops the dests */
	assert_int_equal(count(&ops, DIR_IPVS_OP_DEL_SVC), 2);
	dir_ipvs_ops_free(&ops);
	assert_int_equal(dir_ipvs_diff(&kern, &res, owned_by_tag, NULL, DIR_IPVS_DIFF_DEST_DELS,
				       &ops), 0);
	assert_int_equal(ops.n, 8);
	assert_int_equal(ops.v[0].kind, DIR_IPVS_OP_DEL_DEST);
	assert_int_equal(ops.v[6].kind, DIR_IPVS_OP_DEL_SVC);
	assert_int_equal(ops.v[7].kind, DIR_IPVS_OP_DEL_SVC);
	check_order(&ops);
	struct dir_ipvs_table res2;
	apply_all(&res2, &res, &ops);
	assert_int_equal(res2.nsvcs, 0);
	dir_ipvs_ops_free(&ops);
	/* no predicate: nothing undesired is ever deleted */
	assert_int_equal(dir_ipvs_diff(&kern, &res, NULL, NULL, 0, &ops), 0);
	assert_int_equal(ops.n, 0);
	dir_ipvs_ops_free(&ops);
	dir_ipvs_table_free(&res2);
	dir_ipvs_table_free(&res);
	dir_ipvs_table_free(&want);
	dir_ipvs_table_free(&kern);
}

static void test_set_per_attribute(void **state)
{
	struct dir_ipvs_table want, kern;
	struct dir_ipvs_svc s = mk_svc(AF_INET, IPPROTO_TCP, 0x0a000001, 443, 1), *ws, *ks;
	struct dir_ipvs_dest d = mk_dest(AF_INET, 0x0b000001, 443, 5, 1), *wd;
	struct dir_ipvs_ops ops = { 0 };

	dir_ipvs_table_init(&want);
	dir_ipvs_table_init(&kern);
	ws = dir_ipvs_svc_add(&want, &s, NULL);
	ks = dir_ipvs_svc_add(&kern, &s, NULL);
	wd = dir_ipvs_dest_add(ws, &d, NULL);
	dir_ipvs_dest_add(ks, &d, NULL);
	/* kernel-only bits and read-back fields do not count */
	ks->flags |= IP_VS_SVC_F_HASHED;
	ks->has_stats = true;
	ks->stats.conns = 99;
	ks->dests[0].active_conns = 7;
	ks->dests[0].tun_port = 1234;          /* DR: tunnel fields ignored */
	ks->tag = 0;
	assert_int_equal(dir_ipvs_diff(&want, &kern, owned_by_tag, NULL, 0, &ops), 0);
	assert_int_equal(ops.n, 0);

	for (int attr = 0; attr < 5; attr++) {
		struct dir_ipvs_svc save = *ws;
		switch (attr) {
		case 0: strcpy(ws->sched, "sh"); break;
		case 1: ws->flags |= IP_VS_SVC_F_PERSISTENT; break;
		case 2: ws->timeout = 60; break;
		case 3: dir_ipvs_netmask(AF_INET, 24, &ws->netmask); break;
		case 4: strcpy(ws->pe, "sip"); break;
		}
		ops.n = 0;
		assert_int_equal(dir_ipvs_diff(&want, &kern, owned_by_tag, NULL, 0, &ops), 0);
		assert_int_equal(ops.n, 1);
		assert_int_equal(ops.v[0].kind, DIR_IPVS_OP_SET_SVC);
		assert_ptr_equal(ops.v[0].svc, ws);
		memcpy(ws->sched, save.sched, sizeof(ws->sched));
		memcpy(ws->pe, save.pe, sizeof(ws->pe));
		ws->flags = save.flags;
		ws->timeout = save.timeout;
		ws->netmask = save.netmask;
	}
	for (int attr = 0; attr < 7; attr++) {
		struct dir_ipvs_dest save = *wd;
		size_t expect = 1;
		switch (attr) {
		case 0: wd->weight = 0; break;
		case 1: wd->u_thresh = 100; break;
		case 2: wd->l_thresh = 10; break;
		case 3: wd->fwd = IP_VS_CONN_F_MASQ; break;
		case 4: wd->tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GRE; expect = 0; break;
		case 5: wd->fwd = IP_VS_CONN_F_TUNNEL; ks->dests[0].fwd = IP_VS_CONN_F_TUNNEL;
			ks->dests[0].tun_port = 0; wd->tun_port = 6080; break;
		case 6: wd->tag = 0; expect = 0; break;   /* tags are not attributes */
		}
		ops.n = 0;
		assert_int_equal(dir_ipvs_diff(&want, &kern, owned_by_tag, NULL, 0, &ops), 0);
		assert_int_equal(ops.n, expect);
		if (expect) {
			assert_int_equal(ops.v[0].kind, DIR_IPVS_OP_SET_DEST);
			assert_ptr_equal(ops.v[0].dest, wd);
		}
		*wd = save;
		ks->dests[0].fwd = IP_VS_CONN_F_DROUTE;
	}
	dir_ipvs_ops_free(&ops);
	dir_ipvs_table_free(&want);
	dir_ipvs_table_free(&kern);
}

static void test_foreign_entries(void **state)
{
	struct dir_ipvs_table want, kern, res;
	struct dir_ipvs_ops ops = { 0 };
	struct dir_ipvs_svc a = mk_svc(AF_INET, IPPROTO_TCP, 0x0a000001, 80, 1);
	struct dir_ipvs_svc f = mk_svc(AF_INET, IPPROTO_UDP, 0x0a000002, 53, 0);     /* foreign */
	struct dir_ipvs_svc o = mk_svc(AF_INET6, IPPROTO_TCP, 0x0a000003, 80, 1);    /* owned */
	struct dir_ipvs_svc *ka, *kf, *ko;
	struct dir_ipvs_dest own = mk_dest(AF_INET, 1, 80, 1, 1), frn = mk_dest(AF_INET, 2, 80, 1, 0);

	dir_ipvs_table_init(&want);
	dir_ipvs_table_init(&kern);
	dir_ipvs_svc_add(&want, &a, NULL);
	ka = dir_ipvs_svc_add(&kern, &a, NULL);
	kf = dir_ipvs_svc_add(&kern, &f, NULL);
	ko = dir_ipvs_svc_add(&kern, &o, NULL);
	/* desired service a: kernel has an owned stale dest and a foreign one */
	dir_ipvs_dest_add(ka, &own, NULL);
	dir_ipvs_dest_add(ka, &frn, NULL);
	/* foreign service f holds an owned stale dest and a foreign one */
	dir_ipvs_dest_add(kf, &own, NULL);
	dir_ipvs_dest_add(kf, &frn, NULL);
	/* owned undesired service o holds a foreign dest: it stays, its owned dest goes */
	dir_ipvs_dest_add(ko, &own, NULL);
	dir_ipvs_dest_add(ko, &frn, NULL);

	assert_int_equal(dir_ipvs_diff(&want, &kern, owned_by_tag, NULL, 0, &ops), 0);
	assert_int_equal(ops.n, 3);
	assert_int_equal(count(&ops, DIR_IPVS_OP_DEL_DEST), 3);
	for (size_t i = 0; i < ops.n; i++)
		assert_true(dir_ipvs_dest_key_eq(&ops.v[i].dest->key, &own.key));
	apply_all(&res, &kern, &ops);
	assert_int_equal(res.nsvcs, 3);
	for (size_t i = 0; i < res.nsvcs; i++) {
		assert_int_equal(res.svcs[i]->ndests, 1);
		assert_true(dir_ipvs_dest_key_eq(&res.svcs[i]->dests[0].key, &frn.key));
	}
	dir_ipvs_ops_free(&ops);
	/* once the foreign dest is gone, the owned service o is deleted */
	dir_ipvs_dest_del(dir_ipvs_svc_find(&res, &o.key), &frn.key);
	assert_int_equal(dir_ipvs_diff(&want, &res, owned_by_tag, NULL, 0, &ops), 0);
	assert_int_equal(ops.n, 1);
	assert_int_equal(ops.v[0].kind, DIR_IPVS_OP_DEL_SVC);
	assert_true(dir_ipvs_svc_key_eq(&ops.v[0].svc->key, &o.key));
	dir_ipvs_ops_free(&ops);
	dir_ipvs_table_free(&res);
	dir_ipvs_table_free(&want);
	dir_ipvs_table_free(&kern);
}

static void test_key_and_op_strings(void **state)
{
	struct dir_ipvs_svc s = mk_svc(AF_INET, IPPROTO_TCP, 0x0a000001, 80, 1);
	struct dir_ipvs_svc s6 = mk_svc(AF_INET6, IPPROTO_UDP, 1, 53, 1);
	struct dir_ipvs_dest d = mk_dest(AF_INET, 0x0a000102, 8080, 0, 1);
	struct dir_ipvs_dest d6 = mk_dest(AF_INET6, 1, 80, 3, 1);
	char buf[128], tiny[6];

	dir_ipvs_svc_key_str(&s.key, buf, sizeof(buf));
	assert_string_equal(buf, "TCP 10.0.0.1:80");
	dir_ipvs_svc_key_str(&s6.key, buf, sizeof(buf));
	assert_string_equal(buf, "UDP [2001:db8::1]:53");
	dir_ipvs_dest_key_str(&d6.key, buf, sizeof(buf));
	assert_string_equal(buf, "[fd00::1]:80");
	dir_ipvs_svc_key_fwmark(&s6.key, AF_INET6, 7);
	dir_ipvs_svc_key_str(&s6.key, buf, sizeof(buf));
	assert_string_equal(buf, "FWM 7 IPv6");
	dir_ipvs_svc_key_str(&s.key, tiny, sizeof(tiny));
	assert_string_equal(tiny, "TCP 1");

	struct dir_ipvs_op op = { DIR_IPVS_OP_SET_DEST, &s, &d };
	dir_ipvs_op_str(&op, buf, sizeof(buf));
	assert_string_equal(buf, "SET_DEST TCP 10.0.0.1:80 -> 10.0.1.2:8080 DR weight 0");
	op.kind = DIR_IPVS_OP_DEL_DEST;
	dir_ipvs_op_str(&op, buf, sizeof(buf));
	assert_string_equal(buf, "DEL_DEST TCP 10.0.0.1:80 -> 10.0.1.2:8080");
	op.kind = DIR_IPVS_OP_NEW_SVC;
	op.dest = NULL;
	dir_ipvs_op_str(&op, buf, sizeof(buf));
	assert_string_equal(buf, "NEW_SERVICE TCP 10.0.0.1:80 wlc");
	op.kind = DIR_IPVS_OP_DEL_SVC;
	dir_ipvs_op_str(&op, buf, sizeof(buf));
	assert_string_equal(buf, "DEL_SERVICE TCP 10.0.0.1:80");
}

/* ---- property test --------------------------------------------------------------------- */

static void random_svc_key(struct dir_ipvs_svc *s)
{
	static const int protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP };
	int af = below(2) ? AF_INET6 : AF_INET;

	*s = mk_svc(af, protos[below(3)], 0x0a000000 + below(6), (uint16_t)(80 + below(3)), 0);
	if (!below(5))
		dir_ipvs_svc_key_fwmark(&s->key, af, 1 + below(4));
}

static void random_svc_attrs(struct dir_ipvs_svc *s)
{
	static const char *const sch[] = { "rr", "wrr", "sh", "mh" };
	strcpy(s->sched, sch[below(4)]);
	s->flags = below(2) ? IP_VS_SVC_F_PERSISTENT : 0;
	if (!below(3))
		s->flags |= IP_VS_SVC_F_SCHED1;
	s->timeout = below(2) ? 300 : 0;
	strcpy(s->pe, below(6) ? "" : "sip");
}

static void random_dest(struct dir_ipvs_dest *d, int af)
{
	*d = mk_dest(below(8) ? af : (af == AF_INET ? AF_INET6 : AF_INET), 0x0b000000 + below(12),
		     (uint16_t)(80 + below(2)), (int32_t)below(4), 0);
	d->fwd = below(3) == 0 ? IP_VS_CONN_F_TUNNEL : below(2) ? IP_VS_CONN_F_DROUTE :
		 IP_VS_CONN_F_MASQ;
	d->tun_type = (uint8_t)below(3);
	d->u_thresh = below(2) * 100;
}

/* the kernel: random services and dests, each owned or foreign at random */
static void gen_kernel(struct dir_ipvs_table *k)
{
	unsigned n = below(7);
	dir_ipvs_table_init(k);
	for (unsigned i = 0; i < n; i++) {
		struct dir_ipvs_svc s, *sp;
		random_svc_key(&s);
		random_svc_attrs(&s);
		s.tag = below(3) ? 1 : 0;
		if (!(sp = dir_ipvs_svc_add(k, &s, NULL)))
			continue;
		for (unsigned j = below(10); j > 0; j--) {
			struct dir_ipvs_dest d;
			random_dest(&d, s.key.af);
			d.tag = below(4) ? 1 : 0;
			dir_ipvs_dest_add(sp, &d, NULL);
		}
	}
}

/* desired: the kernel's owned entries, then mutated; sometimes adopting foreign keys */
static void gen_desired(struct dir_ipvs_table *w, const struct dir_ipvs_table *k)
{
	dir_ipvs_table_init(w);
	for (size_t i = 0; i < k->nsvcs; i++) {
		const struct dir_ipvs_svc *ks = k->svcs[i];
		struct dir_ipvs_svc *sp;
		if ((!ks->tag && below(4)) || !below(5))
			continue;                               /* dropped */
		sp = dir_ipvs_svc_add(w, ks, NULL);
		sp->tag = 1;
		if (!below(3))
			random_svc_attrs(sp);                   /* changed */
		for (size_t j = 0; j < ks->ndests; j++) {
			struct dir_ipvs_dest d = ks->dests[j];
			if ((!d.tag && below(3)) || !below(4))
				continue;
			d.tag = 1;
			if (!below(3))
				d.weight = (int32_t)below(5);
			if (!below(6))
				d.fwd = IP_VS_CONN_F_TUNNEL, d.tun_port = (uint16_t)below(3);
			dir_ipvs_dest_add(sp, &d, NULL);
		}
	}
	for (unsigned n = below(4); n > 0; n--) {                  /* new services */
		struct dir_ipvs_svc s, *sp;
		random_svc_key(&s);
		random_svc_attrs(&s);
		s.tag = 1;
		if (!(sp = dir_ipvs_svc_add(w, &s, NULL)))
			sp = dir_ipvs_svc_find(w, &s.key);
		for (unsigned j = below(6); j > 0; j--) {           /* new dests */
			struct dir_ipvs_dest d;
			random_dest(&d, sp->key.af);
			d.tag = 1;
			dir_ipvs_dest_add(sp, &d, NULL);
		}
	}
}

static void check_result(const struct dir_ipvs_table *want, const struct dir_ipvs_table *kern,
			 const struct dir_ipvs_table *res)
{
	/* everything desired is there, as desired */
	for (size_t i = 0; i < want->nsvcs; i++) {
		const struct dir_ipvs_svc *ws = want->svcs[i], *rs = dir_ipvs_svc_find(res, &ws->key);
		assert_non_null(rs);
		assert_true(dir_ipvs_svc_attrs_eq(ws, rs));
		for (size_t j = 0; j < ws->ndests; j++) {
			const struct dir_ipvs_dest *rd = dir_ipvs_dest_find(rs, &ws->dests[j].key);
			assert_non_null(rd);
			assert_true(dir_ipvs_dest_attrs_eq(&ws->dests[j], rd));
		}
	}
	/* everything else is an untouched foreign entry of the kernel, or an owned service
	 * that had to stay for a foreign destination */
	for (size_t i = 0; i < res->nsvcs; i++) {
		const struct dir_ipvs_svc *rs = res->svcs[i];
		const struct dir_ipvs_svc *ws = dir_ipvs_svc_find(want, &rs->key);
		const struct dir_ipvs_svc *ks = dir_ipvs_svc_find(kern, &rs->key);
		if (!ws) {
			assert_non_null(ks);
			assert_true(dir_ipvs_svc_attrs_eq(ks, rs));
			if (ks->tag & 1) {
				bool foreign_dest = false;
				for (size_t j = 0; j < ks->ndests; j++)
					foreign_dest |= !(ks->dests[j].tag & 1);
				assert_true(foreign_dest);
			}
		}
		for (size_t j = 0; j < rs->ndests; j++) {
			const struct dir_ipvs_dest *rd = &rs->dests[j];
			if (ws && dir_ipvs_dest_find(ws, &rd->key))
				continue;
			assert_non_null(ks);
			const struct dir_ipvs_dest *kd = dir_ipvs_dest_find(ks, &rd->key);
			assert_non_null(kd);
			assert_false(kd->tag & 1);
			assert_true(dir_ipvs_dest_attrs_eq(kd, rd));
		}
	}
	/* every foreign kernel entry whose key is not desired survives */
	for (size_t i = 0; i < kern->nsvcs; i++) {
		const struct dir_ipvs_svc *ks = kern->svcs[i];
		const struct dir_ipvs_svc *rs = dir_ipvs_svc_find(res, &ks->key);
		const struct dir_ipvs_svc *ws = dir_ipvs_svc_find(want, &ks->key);
		if (!(ks->tag & 1) && !ws)
			assert_non_null(rs);
		for (size_t j = 0; j < ks->ndests; j++) {
			const struct dir_ipvs_dest *kd = &ks->dests[j];
			if (kd->tag & 1 || (ws && dir_ipvs_dest_find(ws, &kd->key)))
				continue;
			assert_non_null(rs);
			assert_non_null(dir_ipvs_dest_find(rs, &kd->key));
		}
	}
}

static void test_property_random_tables(void **state)
{
	const unsigned rounds = 3000;
	size_t total_ops = 0;

	for (unsigned r = 0; r < rounds; r++) {
		struct dir_ipvs_table kern, want, res, res2;
		struct dir_ipvs_ops ops = { 0 }, again = { 0 };
		unsigned flags = r & 1 ? DIR_IPVS_DIFF_DEST_DELS : 0;

		rng_state = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)r * 0x100000001b3ULL);
		gen_kernel(&kern);
		gen_desired(&want, &kern);
		assert_int_equal(dir_ipvs_diff(&want, &kern, owned_by_tag, NULL, flags, &ops), 0);
		check_order(&ops);
		apply_all(&res, &kern, &ops);
		check_result(&want, &kern, &res);
		/* converged: nothing more to do */
		assert_int_equal(dir_ipvs_diff(&want, &res, owned_by_tag, NULL, flags, &again), 0);
		assert_int_equal(again.n, 0);
		/* and from an empty kernel the desired table is built exactly */
		dir_ipvs_ops_free(&ops);
		dir_ipvs_table_init(&res2);
		assert_int_equal(dir_ipvs_diff(&want, &res2, owned_by_tag, NULL, flags, &ops), 0);
		struct dir_ipvs_table built;
		apply_all(&built, &res2, &ops);
		assert_int_equal(built.nsvcs, want.nsvcs);
		assert_int_equal(dir_ipvs_table_ndests(&built), dir_ipvs_table_ndests(&want));
		check_result(&want, &res2, &built);
		total_ops += ops.n;
		dir_ipvs_table_free(&built);
		dir_ipvs_ops_free(&ops);
		dir_ipvs_ops_free(&again);
		dir_ipvs_table_free(&res);
		dir_ipvs_table_free(&want);
		dir_ipvs_table_free(&kern);
	}
	printf("property: %u random table pairs, %zu ops from empty\n", rounds, total_ops);
}

/* ---- scale ----------------------------------------------------------------------------- */

/* nsvc services x per dests, IPv4 DR */
static void build_big(struct dir_ipvs_table *t, unsigned nsvc, unsigned per)
{
	dir_ipvs_table_init(t);
	for (unsigned i = 0; i < nsvc; i++) {
		struct dir_ipvs_svc s = mk_svc(AF_INET, IPPROTO_TCP, 0x0a000000 + i, 80, 1);
		struct dir_ipvs_svc *sp = dir_ipvs_svc_add(t, &s, NULL);
		assert_non_null(sp);
		for (unsigned j = 0; j < per; j++) {
			struct dir_ipvs_dest d = mk_dest(AF_INET, 0x0b000000 + j, 8080, 10, 1);
			assert_non_null(dir_ipvs_dest_add(sp, &d, NULL));
		}
	}
}

static void one_weight_change(unsigned nsvc, unsigned per)
{
	struct dir_ipvs_table want, kern;
	struct dir_ipvs_ops ops = { 0 };
	double t0, t_build, t_same, t_one, t_full;

	t0 = now_ms();
	build_big(&want, nsvc, per);
	t_build = now_ms() - t0;
	assert_int_equal(dir_ipvs_table_copy(&kern, &want), 0);
	assert_int_equal(dir_ipvs_table_ndests(&kern), 100000);

	/* best of three runs: the figure is about the algorithm, not a busy shared host */
	t_same = t_one = 1e9;
	struct dir_ipvs_svc *s = want.svcs[nsvc / 2];
	for (int run = 0; run < 3; run++) {
		s->dests[per / 3].weight = 10;
		t0 = now_ms();
		assert_int_equal(dir_ipvs_diff(&want, &kern, owned_by_tag, NULL, 0, &ops), 0);
		t0 = now_ms() - t0;
		t_same = t0 < t_same ? t0 : t_same;
		assert_int_equal(ops.n, 0);

		s->dests[per / 3].weight = 0;
		t0 = now_ms();
		assert_int_equal(dir_ipvs_diff(&want, &kern, owned_by_tag, NULL, 0, &ops), 0);
		t0 = now_ms() - t0;
		t_one = t0 < t_one ? t0 : t_one;
		assert_int_equal(ops.n, 1);
		assert_int_equal(ops.v[0].kind, DIR_IPVS_OP_SET_DEST);
		assert_ptr_equal(ops.v[0].dest, &s->dests[per / 3]);
		dir_ipvs_ops_free(&ops);
	}

	struct dir_ipvs_table empty;
	dir_ipvs_table_init(&empty);
	t0 = now_ms();
	assert_int_equal(dir_ipvs_diff(&want, &empty, owned_by_tag, NULL, 0, &ops), 0);
	t_full = now_ms() - t0;
	assert_int_equal(ops.n, nsvc + 100000);
	/* what loading it costs on our side: one message per op */
	size_t bytes = 0;
	t0 = now_ms();
	for (size_t i = 0; i < ops.n; i++) {
		struct nl_msg *m = dir_ipvs_msg_op(32, &ops.v[i]);
		assert_non_null(m);
		bytes += nlmsg_hdr(m)->nlmsg_len;
		nlmsg_free(m);
	}
	double t_msgs = now_ms() - t0;
	dir_ipvs_ops_free(&ops);

	printf("ipvs_diff %u services x %u dests: build %.1f ms, diff equal %.2f ms, "
	       "one weight %.2f ms (1 SET_DEST), from empty %.2f ms (%u ops)\n",
	       nsvc, per, t_build, t_same, t_one, t_full, nsvc + 100000);
	printf("ipvs_msg  %u messages built and freed: %.1f ms, %zu bytes\n", nsvc + 100000,
	       t_msgs, bytes);
	assert_true(t_same < 100.0 * SLOW);
	assert_true(t_one < 100.0 * SLOW);
	assert_true(t_full < 100.0 * SLOW);
	dir_ipvs_table_free(&want);
	dir_ipvs_table_free(&kern);
}

static void test_one_weight_in_100k(void **state)
{
	one_weight_change(1, 100000);
	one_weight_change(100, 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_hashing),
		cmocka_unit_test(test_add_from_empty_and_delete),
		cmocka_unit_test(test_set_per_attribute),
		cmocka_unit_test(test_foreign_entries),
		cmocka_unit_test(test_key_and_op_strings),
		cmocka_unit_test(test_property_random_tables),
		cmocka_unit_test(test_one_weight_in_100k),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
