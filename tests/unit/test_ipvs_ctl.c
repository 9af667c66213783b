/* tests/unit/test_ipvs_ctl.c - the IPVS reconcile engine (director/ipvs_ctl) over a recording
 * fake of the netlink layer: the desired table from config (schedulers, flags, persistence,
 * methods, groups, fwmarks), adopting an existing table on start without a message, a reload
 * changing one weight in a 100,000-destination table sends exactly one message, stop removes
 * only tandem's entries, the drain sequence (weight 0, deletion on no active connection or at
 * the deadline, return before deletion), overrides across reloads, errors mapped to
 * file:line, EEXIST adoption and an overrun that forces a re-dump. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <time.h>
#include <sys/socket.h>
#include "tests/unit/ipvs_fake.h"

#define SEC 1000000000ull

static const char *const base_conf =
	"global_defs {\n"
	"    ipvs_drain_time 10\n"
	"}\n"
	"virtual_server 10.0.0.1 80 {\n"            /* line 4 */
	"    lb_algo wrr\n"
	"    lb_kind NAT\n"
	"    protocol TCP\n"
	"    persistence_timeout 300\n"
	"    persistence_granularity 255.255.255.0\n"
	"    real_server 10.1.0.1 8080 {\n"         /* line 10 */
	"        weight 3\n"
	"    }\n"
	"    real_server 10.1.0.2 8080 {\n"         /* line 13 */
	"        weight 1\n"
	"    }\n"
	"}\n"
	"virtual_server 10.0.0.2 53 {\n"
	"    lb_algo sh\n"
	"    sh-port\n"
	"    sh-fallback\n"
	"    ops\n"
	"    lb_kind DR\n"
	"    protocol UDP\n"
	"    real_server 10.1.0.3 53 {\n"
	"    }\n"
	"}\n"
	"virtual_server fwmark 7 {\n"
	"    lb_algo lc\n"
	"    lb_kind TUN\n"
	"    real_server 10.1.0.4 0 {\n"
	"        weight 2\n"
	"    }\n"
	"}\n";

struct env {
	struct fake_kernel f;
	struct dir_ipvs_io io;
	struct dir_ipvs_ctl *c;
	struct test_cfg t;
};

static void env_start(struct env *e, const char *text, int drain_s)
{
	struct dir_ipvs_ctl_opts o;

	fake_init(&e->f, &e->io);
	assert_int_equal(test_cfg_load(&e->t, "/etc/tandem/test.conf", text), 0);
	dir_ipvs_ctl_opts_from_config(e->t.cfg, &o);
	if (drain_s >= 0)
		o.drain_ns = (uint64_t)drain_s * SEC;
	e->c = dir_ipvs_ctl_new(&e->io, &o);
	assert_non_null(e->c);
	dir_ipvs_ctl_set_where(e->c, canon_where, &e->t.canon);
}

static void env_reload(struct env *e, const char *text, uint64_t now, struct test_cfg *keep)
{
	struct test_cfg nt;

	assert_int_equal(test_cfg_load(&nt, "/etc/tandem/test.conf", text), 0);
	dir_ipvs_ctl_set_where(e->c, canon_where, &nt.canon);
	dir_ipvs_ctl_reload(e->c, nt.cfg, now);
	*keep = e->t;           /* the old config dies after the reload, as in the child */
	test_cfg_free(keep);
	e->t = nt;
}

static void env_free(struct env *e)
{
	dir_ipvs_ctl_free(e->c);
	test_cfg_free(&e->t);
	fake_free(&e->f);
}

static struct dir_ipvs_svc *ksvc(struct env *e, int proto, const char *addr, int port)
{
	struct dir_ipvs_svc_key k;
	struct in_addr a;

	inet_pton(AF_INET, addr, &a);
	dir_ipvs_svc_key_inet(&k, AF_INET, proto, &a, (uint16_t)port);
	return dir_ipvs_svc_find(&e->f.k, &k);
}

static struct dir_ipvs_dest *kdest(struct dir_ipvs_svc *s, const char *addr, int port)
{
	struct dir_ipvs_dest_key k;
	struct in_addr a;

	if (!s)
		return NULL;
	inet_pton(AF_INET, addr, &a);
	dir_ipvs_dest_key_set(&k, AF_INET, &a, (uint16_t)port);
	return dir_ipvs_dest_find(s, &k);
}

static char *replace(const char *text, const char *from, const char *to)
{
	const char *p = strstr(text, from);
	size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
	char *out = malloc(n);

	assert_non_null(p);
	snprintf(out, n, "%.*s%s%s", (int)(p - text), text, to, p + strlen(from));
	return out;
}

/* ---- the table from config ---- */

static void test_start_builds_table(void **state)
{
	struct env e;
	struct dir_ipvs_svc *s;
	struct dir_ipvs_svc_key fk;
	struct dir_ipvs_dest *d;

	env_start(&e, base_conf, -1);
	assert_int_equal(dir_ipvs_ctl_start(e.c, e.t.cfg, 0), 0);
	assert_int_equal(e.f.msgs, 7);       /* 3 services + 4 destinations */
	s = ksvc(&e, IPPROTO_TCP, "10.0.0.1", 80);
	assert_non_null(s);
	assert_string_equal(s->sched, "wrr");
	assert_int_equal(s->flags, IP_VS_SVC_F_PERSISTENT);
	assert_int_equal(s->timeout, 300);
	assert_int_equal(s->netmask, htonl(0xffffff00));
	d = kdest(s, "10.1.0.1", 8080);
	assert_non_null(d);
	assert_int_equal(d->weight, 3);
	assert_int_equal(d->fwd, IP_VS_CONN_F_MASQ);
	s = ksvc(&e, IPPROTO_UDP, "10.0.0.2", 53);
	assert_non_null(s);
	assert_string_equal(s->sched, "sh");
	assert_int_equal(s->flags, IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED2 | IP_VS_SVC_F_ONEPACKET);
	d = kdest(s, "10.1.0.3", 53);
	assert_non_null(d);
	assert_int_equal(d->fwd, IP_VS_CONN_F_DROUTE);
	assert_int_equal(d->weight, 1);
	dir_ipvs_svc_key_fwmark(&fk, AF_INET, 7);
	s = dir_ipvs_svc_find(&e.f.k, &fk);
	assert_non_null(s);
	assert_int_equal(s->ndests, 1);
	assert_int_equal(s->dests[0].fwd, IP_VS_CONN_F_TUNNEL);
	/* a second sync has nothing to do */
	e.f.msgs = 0;
	assert_int_equal(dir_ipvs_ctl_sync(e.c, "again", 1), 0);
	assert_int_equal(e.f.msgs, 0);
	env_free(&e);
}

static void test_group_expansion(void **state)
{
	static const char *conf =
		"virtual_server_group web {\n"
		"    10.0.0.10-12 80\n"
		"    fwmark 9\n"
		"}\n"
		"virtual_server group web {\n"
		"    protocol TCP\n"
		"    lb_algo rr\n"
		"    real_server 10.1.0.1 80 {\n"
		"    }\n"
		"}\n";
	struct env e;

	env_start(&e, conf, -1);
	assert_int_equal(dir_ipvs_ctl_start(e.c, e.t.cfg, 0), 0);
	assert_int_equal(e.f.k.nsvcs, 4);
	assert_non_null(kdest(ksvc(&e, IPPROTO_TCP, "10.0.0.11", 80), "10.1.0.1", 80));
	assert_non_null(kdest(ksvc(&e, IPPROTO_TCP, "10.0.0.12", 80), "10.1.0.1", 80));
	assert_null(ksvc(&e, IPPROTO_TCP, "10.0.0.13", 80));
	env_free(&e);
}

/* ---- adopting on start, stop ---- */

static void test_adopt_on_start(void **state)
{
	struct env e, e2;
	struct dir_ipvs_svc foreign = { 0 };
	struct in_addr a;
	char *changed;

	/* a first instance programs the kernel and "dies" without removing anything */
	env_start(&e, base_conf, -1);
	assert_int_equal(dir_ipvs_ctl_start(e.c, e.t.cfg, 0), 0);
	inet_pton(AF_INET, "192.0.2.1", &a);
	dir_ipvs_svc_key_inet(&foreign.key, AF_INET, IPPROTO_TCP, &a, 443);
	strcpy(foreign.sched, "rr");
	assert_non_null(dir_ipvs_svc_add(&e.f.k, &foreign, NULL));
	kdest(ksvc(&e, IPPROTO_TCP, "10.0.0.1", 80), "10.1.0.1", 8080)->active_conns = 5;

	/* the next one starts on that table: not one message, no entry re-created */
	env_start(&e2, base_conf, -1);
	dir_ipvs_table_copy(&e2.f.k, &e.f.k);
	assert_int_equal(dir_ipvs_ctl_start(e2.c, e2.t.cfg, 0), 0);
	assert_int_equal(e2.f.msgs, 0);
	assert_int_equal(e2.f.dumps, 1);
	assert_int_equal(kdest(ksvc(&e2, IPPROTO_TCP, "10.0.0.1", 80), "10.1.0.1", 8080)->active_conns, 5);
	env_free(&e2);

	/* a table that differs in one weight: one SET_DEST */
	changed = replace(base_conf, "weight 3", "weight 4");
	env_start(&e2, changed, -1);
	dir_ipvs_table_copy(&e2.f.k, &e.f.k);
	assert_int_equal(dir_ipvs_ctl_start(e2.c, e2.t.cfg, 0), 0);
	assert_int_equal(e2.f.msgs, 1);
	assert_non_null(strstr(e2.f.last_op, "SET_DEST"));
	assert_int_equal(kdest(ksvc(&e2, IPPROTO_TCP, "10.0.0.1", 80), "10.1.0.1", 8080)->active_conns, 5);

	/* stop: tandem's three services go, the foreign one stays */
	e2.f.msgs = 0;
	assert_int_equal(dir_ipvs_ctl_stop(e2.c), 0);
	assert_int_equal(e2.f.msgs, 3);
	assert_int_equal(e2.f.k.nsvcs, 1);
	assert_non_null(ksvc(&e2, IPPROTO_TCP, "192.0.2.1", 443));
	free(changed);
	env_free(&e2);
	env_free(&e);
}

static void test_keep_on_stop(void **state)
{
	char *conf = replace(base_conf, "ipvs_drain_time 10\n", "ipvs_keep_on_stop\n");
	struct env e;

	env_start(&e, conf, -1);
	assert_int_equal(dir_ipvs_ctl_start(e.c, e.t.cfg, 0), 0);
	e.f.msgs = 0;
	assert_int_equal(dir_ipvs_ctl_stop(e.c), 0);
	assert_int_equal(e.f.msgs, 0);
	assert_int_equal(e.f.k.nsvcs, 3);
	free(conf);
	env_free(&e);
}

/* ---- reload: one weight in 100,000 destinations ---- */

/* 100 virtual servers x 1,000 real servers = 100,000 destinations (one virtual server with
 * 100,000 real servers costs the config's duplicate check quadratic time) */
static char *big_conf(int changed_weight)
{
	size_t cap = 100000 * 64 + 100 * 128, off = 0;
	char *s = malloc(cap);

	assert_non_null(s);
	for (int v = 0; v < 100; v++) {
		off += (size_t)snprintf(s + off, cap - off, "virtual_server 10.0.%d.1 80 {\n"
					"    protocol TCP\n    lb_algo wrr\n    lb_kind DR\n", v);
		for (int i = 0; i < 1000; i++)
			off += (size_t)snprintf(s + off, cap - off,
						"    real_server 10.%d.%d.%d 80 {\n"
						"        weight %d\n    }\n",
						1 + v, i / 256, i % 256,
						v == 54 && i == 321 ? changed_weight : 1);
		off += (size_t)snprintf(s + off, cap - off, "}\n");
	}
	return s;
}

static double secs(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void test_reload_one_weight_100k(void **state)
{
	char *c1 = big_conf(1), *c2 = big_conf(7);
	struct test_cfg nt;
	struct timespec t0, t1;
	struct env e;
	struct dir_ipvs_svc *s;

	env_start(&e, c1, 0);
	assert_int_equal(dir_ipvs_ctl_start(e.c, e.t.cfg, 0), 0);
	assert_int_equal(e.f.msgs, 100100);
	assert_int_equal(dir_ipvs_table_ndests(&e.f.k), 100000);
	e.f.msgs = 0;
	assert_int_equal(test_cfg_load(&nt, "/etc/tandem/test.conf", c2), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	dir_ipvs_ctl_reload(e.c, nt.cfg, SEC);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	test_cfg_free(&e.t);
	e.t = nt;
	assert_int_equal(e.f.msgs, 1);          /* exactly one netlink message */
	assert_int_equal(e.f.batches, 2);
	assert_non_null(strstr(e.f.last_op, "SET_DEST TCP 10.0.54.1:80 -> 10.55.1.65:80"));
	assert_int_equal(e.f.dumps, 1);         /* the cached view served the reload */
	s = ksvc(&e, IPPROTO_TCP, "10.0.54.1", 80);
	assert_int_equal(kdest(s, "10.55.1.65", 80)->weight, 7);
	printf("# reload of 100,000 real servers, one weight changed: %zu message, "
	       "%.1f ms (desired table + diff + apply)\n", (size_t)e.f.last_msgs,
	       secs(&t0, &t1) * 1e3);
	assert_true(secs(&t0, &t1) < 2.0);
	free(c1);
	free(c2);
	env_free(&e);
}

/* ---- drain ---- */

static void test_drain_sequence(void **state)
{
	char *removed = replace(base_conf, "    real_server 10.1.0.2 8080 {\n        weight 1\n    }\n", "");
	struct test_cfg old;
	struct env e;
	struct dir_ipvs_svc *s;
	struct dir_ipvs_dest *d;
	uint64_t next;

	env_start(&e, base_conf, -1);            /* ipvs_drain_time 10 from the config */
	assert_int_equal(dir_ipvs_ctl_start(e.c, e.t.cfg, 0), 0);
	s = ksvc(&e, IPPROTO_TCP, "10.0.0.1", 80);
	kdest(s, "10.1.0.2", 8080)->active_conns = 2;

	/* removed from the config: weight 0 first (one SET_DEST), still in the kernel */
	e.f.msgs = 0;
	env_reload(&e, removed, 1 * SEC, &old);
	assert_int_equal(e.f.msgs, 1);
	assert_non_null(strstr(e.f.last_op, "SET_DEST"));
	d = kdest(s, "10.1.0.2", 8080);
	assert_non_null(d);
	assert_int_equal(d->weight, 0);
	assert_int_equal(dir_ipvs_ctl_draining(e.c), 1);

	/* connections still active: it stays */
	e.f.msgs = 0;
	dir_ipvs_ctl_tick(e.c, 2 * SEC, &next);
	assert_int_equal(e.f.msgs, 0);
	assert_true(next > 2 * SEC && next <= 3 * SEC);
	/* other syncs meanwhile keep it at weight 0 */
	dir_ipvs_ctl_sync(e.c, "test", 2 * SEC);
	assert_int_equal(e.f.msgs, 0);

	/* no active connection any more: deleted at the next tick */
	kdest(s, "10.1.0.2", 8080)->active_conns = 0;
	dir_ipvs_ctl_tick(e.c, 3 * SEC, &next);
	assert_int_equal(e.f.msgs, 1);
	assert_non_null(strstr(e.f.last_op, "DEL_DEST"));
	assert_null(kdest(s, "10.1.0.2", 8080));
	assert_int_equal(dir_ipvs_ctl_draining(e.c), 0);
	assert_int_equal(next, 0);
	free(removed);
	env_free(&e);
}

static void test_drain_deadline_and_return(void **state)
{
	struct env e;
	struct dir_ipvs_svc *s;
	uint64_t next;

	env_start(&e, base_conf, 5);
	assert_int_equal(dir_ipvs_ctl_start(e.c, e.t.cfg, 0), 0);
	s = ksvc(&e, IPPROTO_TCP, "10.0.0.1", 80);
	kdest(s, "10.1.0.1", 8080)->active_conns = 9;

	/* the checker removes it (-1): weight 0, not deleted */
	e.f.msgs = 0;
	dir_ipvs_ctl_rs_state(e.c, "tcp 10.0.0.1:80/10.1.0.1:8080", 0, -1, 1 * SEC);
	assert_int_equal(e.f.msgs, 1);
	assert_int_equal(kdest(s, "10.1.0.1", 8080)->weight, 0);
	/* it comes back before the deadline: its weight returns, nothing deleted */
	dir_ipvs_ctl_rs_state(e.c, "tcp 10.0.0.1:80/10.1.0.1:8080", 1, 3, 2 * SEC);
	assert_int_equal(e.f.msgs, 2);
	assert_int_equal(kdest(s, "10.1.0.1", 8080)->weight, 3);
	assert_int_equal(dir_ipvs_ctl_draining(e.c), 0);

	/* fails again; connections never end: deleted at the deadline (5 s) */
	dir_ipvs_ctl_rs_state(e.c, "tcp 10.0.0.1:80/10.1.0.1:8080", 0, -1, 3 * SEC);
	dir_ipvs_ctl_tick(e.c, 5 * SEC, &next);
	assert_non_null(kdest(s, "10.1.0.1", 8080));
	dir_ipvs_ctl_tick(e.c, 8 * SEC, &next);
	assert_null(kdest(s, "10.1.0.1", 8080));
	/* inhibit_on_failure (up 0, weight 0): stays at weight 0, no drain */
	dir_ipvs_ctl_rs_state(e.c, "tcp 10.0.0.1:80/10.1.0.2:8080", 0, 0, 9 * SEC);
	assert_int_equal(kdest(s, "10.1.0.2", 8080)->weight, 0);
	assert_int_equal(dir_ipvs_ctl_draining(e.c), 0);
	env_free(&e);
}

/* ---- runtime overrides ---- */

static void test_overrides_across_reload(void **state)
{
	char *other = replace(base_conf, "weight 1\n", "weight 6\n");   /* 10.1.0.2 */
	char *own = replace(other, "weight 3\n", "weight 5\n");         /* 10.1.0.1 itself */
	struct test_cfg old;
	struct env e;
	struct dir_ipvs_svc *s;
	char err[256];

	env_start(&e, base_conf, -1);
	assert_int_equal(dir_ipvs_ctl_start(e.c, e.t.cfg, 0), 0);
	s = ksvc(&e, IPPROTO_TCP, "10.0.0.1", 80);
	e.f.msgs = 0;
	assert_int_equal(dir_ipvs_ctl_override(e.c, "10.0.0.1:80", "10.1.0.1:8080",
					       DIR_IPVS_OV_DRAIN, 0, SEC, err, sizeof(err)), 0);
	assert_string_equal(err, "tcp 10.0.0.1:80/10.1.0.1:8080");
	assert_int_equal(e.f.msgs, 1);
	assert_int_equal(kdest(s, "10.1.0.1", 8080)->weight, 0);
	assert_int_equal(dir_ipvs_ctl_draining(e.c), 0);    /* an operator drain is not deleted */

	/* a reload that changes another real server keeps the drain */
	env_reload(&e, other, 2 * SEC, &old);
	assert_int_equal(kdest(s, "10.1.0.1", 8080)->weight, 0);
	assert_int_equal(kdest(s, "10.1.0.2", 8080)->weight, 6);

	/* a checker verdict does not undo it either */
	dir_ipvs_ctl_rs_state(e.c, "tcp 10.0.0.1:80/10.1.0.1:8080", 1, 3, 3 * SEC);
	assert_int_equal(kdest(s, "10.1.0.1", 8080)->weight, 0);

	/* weight override, then a reload that changes that real server's own entry */
	assert_int_equal(dir_ipvs_ctl_override(e.c, "tcp 10.0.0.1:80", "10.1.0.1",
					       DIR_IPVS_OV_WEIGHT, 42, 4 * SEC, err, sizeof(err)), 0);
	assert_int_equal(kdest(s, "10.1.0.1", 8080)->weight, 42);
	env_reload(&e, own, 5 * SEC, &old);
	assert_int_equal(kdest(s, "10.1.0.1", 8080)->weight, 5);

	/* enable clears an override */
	dir_ipvs_ctl_override(e.c, "10.0.0.1:80", "10.1.0.2:8080", DIR_IPVS_OV_DRAIN, 0,
			      6 * SEC, err, sizeof(err));
	assert_int_equal(kdest(s, "10.1.0.2", 8080)->weight, 0);
	dir_ipvs_ctl_override(e.c, "10.0.0.1:80", "10.1.0.2:8080", DIR_IPVS_OV_NONE, 0,
			      7 * SEC, err, sizeof(err));
	assert_int_equal(kdest(s, "10.1.0.2", 8080)->weight, 6);

	/* unknown names */
	assert_int_equal(dir_ipvs_ctl_override(e.c, "10.9.9.9:80", "10.1.0.1", DIR_IPVS_OV_DRAIN,
					       0, 8 * SEC, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no virtual server"));
	assert_int_equal(dir_ipvs_ctl_override(e.c, "10.0.0.1:80", "10.1.0.9", DIR_IPVS_OV_DRAIN,
					       0, 8 * SEC, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no real server"));
	free(other);
	free(own);
	env_free(&e);
}

/* ---- errors ---- */

static void test_error_mapping(void **state)
{
	struct env e;
	const char *msg;

	env_start(&e, base_conf, -1);
	e.f.fail_match = "NEW_DEST TCP 10.0.0.1:80 -> 10.1.0.2:8080";
	e.f.fail_errno = EINVAL;
	assert_int_equal(dir_ipvs_ctl_start(e.c, e.t.cfg, 0), -1);
	assert_int_equal(dir_ipvs_ctl_nerrors(e.c), 1);
	msg = dir_ipvs_ctl_error(e.c, 0);
	print_message("# %s\n", msg);
	assert_non_null(strstr(msg, "/etc/tandem/test.conf:13: real_server "
			       "tcp 10.0.0.1:80/10.1.0.2:8080: NEW_DEST TCP 10.0.0.1:80 -> "
			       "10.1.0.2:8080"));
	assert_non_null(strstr(msg, "Invalid argument"));
	/* everything else went in */
	assert_int_equal(dir_ipvs_table_ndests(&e.f.k), 3);

	/* a missing scheduler names the virtual server and its line */
	e.f.fail_match = "NEW_SERVICE";
	e.f.fail_errno = ENOENT;
	dir_ipvs_table_free(&e.f.k);
	dir_ipvs_table_init(&e.f.k);
	dir_ipvs_ctl_free(e.c);
	e.c = dir_ipvs_ctl_new(&e.io, NULL);
	dir_ipvs_ctl_set_where(e.c, canon_where, &e.t.canon);
	assert_int_equal(dir_ipvs_ctl_start(e.c, e.t.cfg, 0), -1);
	msg = dir_ipvs_ctl_error(e.c, 0);
	print_message("# %s\n", msg);
	assert_non_null(strstr(msg, "/etc/tandem/test.conf:4: virtual_server tcp 10.0.0.1:80: "
			       "NEW_SERVICE"));
	assert_non_null(strstr(msg, "scheduler"));
	env_free(&e);
}

static void test_eexist_adopts(void **state)
{
	struct env e;
	struct dir_ipvs_svc s = { 0 };
	struct in_addr a;

	env_start(&e, base_conf, -1);
	/* the dump sees an empty kernel; someone adds the service just before the batch */
	inet_pton(AF_INET, "10.0.0.1", &a);
	dir_ipvs_svc_key_inet(&s.key, AF_INET, IPPROTO_TCP, &a, 80);
	strcpy(s.sched, "rr");
	e.f.inject = &s;
	assert_int_equal(dir_ipvs_ctl_start(e.c, e.t.cfg, 0), 0);
	assert_int_equal(e.f.dumps, 2);
	/* adopted and set to the config's values, no error left */
	assert_string_equal(ksvc(&e, IPPROTO_TCP, "10.0.0.1", 80)->sched, "wrr");
	assert_int_equal(dir_ipvs_table_ndests(&e.f.k), 4);
	assert_int_equal(dir_ipvs_ctl_nerrors(e.c), 0);
	env_free(&e);
}

static void test_overrun_redump(void **state)
{
	struct env e;

	env_start(&e, base_conf, -1);
	e.f.overrun_after = 3;
	assert_int_equal(dir_ipvs_ctl_start(e.c, e.t.cfg, 0), 0);
	assert_int_equal(e.f.dumps, 2);         /* the start, then after the lost acks */
	assert_int_equal(e.f.msgs, 7);          /* nothing sent twice: the re-dump saw it */
	assert_int_equal(dir_ipvs_table_ndests(&e.f.k), 4);
	e.f.msgs = 0;
	assert_int_equal(dir_ipvs_ctl_sync(e.c, "again", 1), 0);
	assert_int_equal(e.f.msgs, 0);
	env_free(&e);
}

/* lvs_netlink_cmd_rcv_bufs[_force] reach the socket layer at start */
static void test_netlink_rcvbuf(void **state)
{
	struct env e;
	char *text = replace(base_conf, "    ipvs_drain_time 10\n",
			     "    ipvs_drain_time 10\n    lvs_netlink_cmd_rcv_bufs 65536\n"
			     "    lvs_netlink_cmd_rcv_bufs_force\n");

	env_start(&e, text, -1);
	assert_int_equal(dir_ipvs_ctl_start(e.c, e.t.cfg, 0), 0);
	assert_int_equal(e.f.rcvbuf, 65536);
	assert_int_equal(e.f.rcvbuf_force, 1);
	env_free(&e);
	free(text);
	env_start(&e, base_conf, -1);
	assert_int_equal(dir_ipvs_ctl_start(e.c, e.t.cfg, 0), 0);
	assert_int_equal(e.f.rcvbuf, 0);        /* not configured: the layer's own default */
	env_free(&e);
}

static void test_status_json(void **state)
{
	struct env e;
	json_object *r, *svcs, *v;
	const char *txt;
	char err[128];

	env_start(&e, base_conf, -1);
	assert_int_equal(dir_ipvs_ctl_start(e.c, e.t.cfg, 0), 0);
	dir_ipvs_ctl_override(e.c, "10.0.0.1:80", "10.1.0.2:8080", DIR_IPVS_OV_DRAIN, 0, SEC,
			      err, sizeof(err));
	r = dir_ipvs_ctl_status(e.c, 0, 2 * SEC);
	assert_true(json_object_object_get_ex(r, "services", &svcs));
	assert_int_equal(json_object_array_length(svcs), 3);
	txt = json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN |
					     JSON_C_TO_STRING_NOSLASHESCAPE);
	assert_non_null(strstr(txt, "\"override\":\"drain\""));
	assert_non_null(strstr(txt, "\"config\":\"tcp 10.0.0.1:80/10.1.0.1:8080\""));
	assert_true(json_object_object_get_ex(r, "truncated", &v));
	assert_false(json_object_get_boolean(v));
	json_object_put(r);
	r = dir_ipvs_ctl_status(e.c, 2, 2 * SEC);
	assert_true(json_object_object_get_ex(r, "truncated", &v));
	assert_true(json_object_get_boolean(v));
	json_object_put(r);
	env_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_builds_table),
		cmocka_unit_test(test_group_expansion),
		cmocka_unit_test(test_adopt_on_start),
		cmocka_unit_test(test_keep_on_stop),
		cmocka_unit_test(test_reload_one_weight_100k),
		cmocka_unit_test(test_drain_sequence),
		cmocka_unit_test(test_drain_deadline_and_return),
		cmocka_unit_test(test_overrides_across_reload),
		cmocka_unit_test(test_error_mapping),
		cmocka_unit_test(test_eexist_adopts),
		cmocka_unit_test(test_overrun_redump),
		cmocka_unit_test(test_status_json),
		cmocka_unit_test(test_netlink_rcvbuf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
