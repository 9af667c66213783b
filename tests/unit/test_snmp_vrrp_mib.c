/* tests/unit/test_snmp_vrrp_mib.c - VRRP-MIB and VRRPv3-MIB built from a "mib" op reply and
 * a monitoring view: which instances make rows, the index encodings (ifIndex.vrid,
 * ifIndex.vrid.addrtype, the address indexes), value types, master addresses by state, the
 * new-master and protocol-error reasons, paging of replies. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <json-c/json.h>
#include "snmp/snmp_vrrp_mib.h"

static const char *const page1 =
	"{\"ok\":true,\"total\":3,\"from\":0,\"next\":2,\"instances\":["
	"{\"name\":\"V2\",\"vrid\":51,\"version\":2,\"family\":4,\"ifindex\":7,"
	"\"mac\":\"0a0b0c0d0e0f\",\"state\":\"BACKUP\",\"prio\":150,"
	"\"vips\":[\"10.9.0.101\",\"10.9.0.100\"],\"primary\":\"10.9.0.1\",\"master\":\"10.9.0.2\","
	"\"last_heard\":\"10.9.0.2\",\"adv_cs\":100,\"preempt\":false,\"accept\":true,\"auth\":1,"
	"\"up_s\":12.5,\"master_reason\":\"preempt_delay\","
	"\"c\":{\"rx\":9,\"auth_fail\":2,\"csum_err\":1,\"ver_err\":4},"
	"\"last_err\":\"auth_pass\",\"last_err_src\":\"10.9.0.3\"},"
	"{\"name\":\"V6\",\"vrid\":53,\"version\":3,\"family\":6,\"ifindex\":7,"
	"\"mac\":\"0a0b0c0d0e0f\",\"state\":\"MASTER\",\"prio\":90,\"vips\":[\"fd00:9::100\"],"
	"\"primary\":\"fe80::1\",\"master\":null,\"last_heard\":null,\"adv_cs\":50,"
	"\"preempt\":true,\"accept\":false,\"auth\":0,\"up_s\":3,\"c\":{\"ttl_err\":1},"
	"\"last_err\":\"ttl\",\"last_err_src\":\"fe80::9\"}]}";
static const char *const page2 =
	"{\"ok\":true,\"total\":3,\"from\":2,\"next\":null,\"instances\":["
	"{\"name\":\"NOVIP\",\"vrid\":9,\"version\":2,\"family\":4,\"ifindex\":7,"
	"\"mac\":\"0a0b0c0d0e0f\",\"state\":\"BACKUP\",\"prio\":100,\"vips\":[]}]}";

static void load(struct snmp_vrrp_set *s)
{
	json_object *p1 = json_tokener_parse(page1), *p2 = json_tokener_parse(page2);

	assert_non_null(p1);
	assert_non_null(p2);
	snmp_vrrp_set_init(s);
	assert_int_equal(snmp_vrrp_set_add_page(s, p1), 0);
	assert_int_equal(snmp_vrrp_set_add_page(s, p2), 0);
	json_object_put(p1);
	json_object_put(p2);
}

static const struct snmp_oid_ent *get(struct snmp_oidtab *t, const snmp_subid *o, size_t n)
{
	return snmp_oidtab_get(t, o, n);
}

/* an OID literal as (pointer, length) arguments */
#define O(...) (const snmp_subid[]){ __VA_ARGS__ }, \
	sizeof((const snmp_subid[]){ __VA_ARGS__ }) / sizeof(snmp_subid)

static void test_parse(void **state)
{
	struct snmp_vrrp_set s;
	const struct snmp_vrrp_row *r;

	(void)state;
	load(&s);
	assert_int_equal(s.n, 3);
	r = snmp_vrrp_set_find(&s, "V2");
	assert_non_null(r);
	assert_int_equal(r->nvips, 2);
	assert_int_equal(r->mac[0], 0x0a);
	assert_int_equal(r->mac[5], 0x0f);
	assert_true(r->has_master && r->has_last_heard && r->has_primary);
	assert_int_equal(r->preempt, 0);
	assert_int_equal(r->c.auth_fail, 2);
	assert_int_equal(snmp_vrrp_auth_err(r), SNMP_V2AUTH_FAILURE);
	assert_int_equal(snmp_vrrp_proto_err(r), SNMP_V3ERR_NONE);
	assert_true(snmp_vrrp_in_v2(r) && snmp_vrrp_in_v3(r));
	r = snmp_vrrp_set_find(&s, "V6");
	assert_false(snmp_vrrp_in_v2(r));
	assert_true(snmp_vrrp_in_v3(r));
	assert_int_equal(snmp_vrrp_proto_err(r), SNMP_V3ERR_TTL);
	assert_int_equal(r->last_err_src[0], 0xfe);
	r = snmp_vrrp_set_find(&s, "NOVIP");
	assert_false(snmp_vrrp_in_v2(r) || snmp_vrrp_in_v3(r));
	assert_null(snmp_vrrp_set_find(&s, "nope"));
	snmp_vrrp_set_free(&s);
}

static void test_v2_tree(void **state)
{
	struct snmp_vrrp_set s;
	struct snmp_oidtab t;
	struct snmp_view v;
	const struct snmp_oid_ent *e;
	size_t rows = 0;

	(void)state;
	load(&s);
	snmp_view_init(&v);
	snmp_oidtab_init(&t);
	assert_int_equal(snmp_vrrp_build_v2(&t, &s, &v, 0, 100.0), 0);
	e = get(&t, O(1, 3, 6, 1, 2, 1, 68, 1, 2, 0));          /* notifications disabled */
	assert_int_equal(e->i, 2);
	e = get(&t, O(1, 3, 6, 1, 2, 1, 68, 1, 3, 1, 2, 7, 51)); /* MAC */
	assert_int_equal(e->type, SNMP_T_OCTETS);
	assert_int_equal(e->slen, 6);
	e = get(&t, O(1, 3, 6, 1, 2, 1, 68, 1, 3, 1, 3, 7, 51)); /* backup */
	assert_int_equal(e->i, 2);
	e = get(&t, O(1, 3, 6, 1, 2, 1, 68, 1, 3, 1, 7, 7, 51)); /* last heard, IpAddress */
	assert_int_equal(e->type, SNMP_T_IPADDRESS);
	assert_memory_equal(e->s, "\x0a\x09\x00\x02", 4);
	e = get(&t, O(1, 3, 6, 1, 2, 1, 68, 1, 3, 1, 9, 7, 51)); /* simple password */
	assert_int_equal(e->i, 2);
	e = get(&t, O(1, 3, 6, 1, 2, 1, 68, 1, 3, 1, 12, 7, 51)); /* nopreempt: false */
	assert_int_equal(e->i, 2);
	e = get(&t, O(1, 3, 6, 1, 2, 1, 68, 1, 3, 1, 13, 7, 51)); /* TimeStamp since start */
	assert_int_equal(e->type, SNMP_T_TIMETICKS);
	assert_int_equal(e->u, 8750);
	assert_null(get(&t, O(1, 3, 6, 1, 2, 1, 68, 1, 3, 1, 10, 7, 51)));   /* key unreadable */
	assert_non_null(get(&t, O(1, 3, 6, 1, 2, 1, 68, 1, 4, 1, 2, 7, 51, 10, 9, 0, 100)));
	assert_non_null(get(&t, O(1, 3, 6, 1, 2, 1, 68, 1, 4, 1, 2, 7, 51, 10, 9, 0, 101)));
	e = get(&t, O(1, 3, 6, 1, 2, 1, 68, 2, 4, 1, 4, 7, 51));  /* auth failures */
	assert_int_equal(e->type, SNMP_T_COUNTER32);
	assert_int_equal(e->u, 2);
	e = get(&t, O(1, 3, 6, 1, 2, 1, 68, 2, 1, 0));            /* checksum errors */
	assert_int_equal(e->u, 1);
	/* one row only: the v3 and the address-less instances are not in VRRP-MIB */
	for (size_t i = 0; i < t.n; i++)
		if (t.ents[i].len == 13 && t.ents[i].name[7] == 1 && t.ents[i].name[8] == 3 &&
		    t.ents[i].name[10] == 3)
			rows++;
	assert_int_equal(rows, 1);
	snmp_oidtab_free(&t);
	snmp_view_free(&v);
	snmp_vrrp_set_free(&s);
}

static void test_v3_tree(void **state)
{
	struct snmp_vrrp_set s;
	struct snmp_oidtab t;
	struct snmp_view v;
	const struct snmp_oid_ent *e;
	json_object *ev;
	/* vrrpv3AssociatedIpAddrRowStatus.7.53.2.16.<fd00:9::100> */
	snmp_subid asso[32] = { 1, 3, 6, 1, 2, 1, 207, 1, 1, 2, 1, 2, 7, 53, 2, 16,
	                        0xfd, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0 };

	(void)state;
	load(&s);
	snmp_view_init(&v);
	snmp_oidtab_init(&t);
	assert_int_equal(snmp_vrrp_build_v3(&t, &s, &v), 0);
	/* the v2 instance is there too (index type ipv4), its interval in centiseconds */
	e = get(&t, O(1, 3, 6, 1, 2, 1, 207, 1, 1, 1, 1, 9, 7, 51, 1));
	assert_int_equal(e->i, 100);
	/* backup: master address = the master followed */
	e = get(&t, O(1, 3, 6, 1, 2, 1, 207, 1, 1, 1, 1, 3, 7, 51, 1));
	assert_int_equal(e->type, SNMP_T_OCTETS);
	assert_memory_equal(e->s, "\x0a\x09\x00\x02", 4);
	/* master (IPv6): master address = its own primary, 16 octets */
	e = get(&t, O(1, 3, 6, 1, 2, 1, 207, 1, 1, 1, 1, 3, 7, 53, 2));
	assert_int_equal(e->slen, 16);
	assert_int_equal((uint8_t)e->s[0], 0xfe);
	e = get(&t, O(1, 3, 6, 1, 2, 1, 207, 1, 1, 1, 1, 7, 7, 53, 2));   /* priority */
	assert_int_equal(e->type, SNMP_T_GAUGE32);
	assert_int_equal(e->u, 90);
	e = get(&t, O(1, 3, 6, 1, 2, 1, 207, 1, 1, 1, 1, 11, 7, 53, 2));  /* accept false */
	assert_int_equal(e->i, 2);
	/* InetAddress index: length 16 then the octets */
	assert_non_null(snmp_oidtab_get(&t, asso, 32));
	/* reasons: a backup keeps the one of its last time as master (preempted, 2); a master
	 * without a known transition: no response (3) */
	e = get(&t, O(1, 3, 6, 1, 2, 1, 207, 1, 2, 5, 1, 2, 7, 51, 1));
	assert_int_equal(e->i, 2);
	e = get(&t, O(1, 3, 6, 1, 2, 1, 207, 1, 2, 5, 1, 2, 7, 53, 2));
	assert_int_equal(e->i, 3);
	e = get(&t, O(1, 3, 6, 1, 2, 1, 207, 1, 2, 5, 1, 6, 7, 53, 2));   /* ipTtlError */
	assert_int_equal(e->i, SNMP_V3ERR_TTL);
	e = get(&t, O(1, 3, 6, 1, 2, 1, 207, 1, 2, 5, 1, 13, 7, 53, 2));  /* refresh, ms */
	assert_int_equal(e->u, 500);
	e = get(&t, O(1, 3, 6, 1, 2, 1, 207, 1, 2, 2, 0));              /* version errors */
	assert_int_equal(e->type, SNMP_T_COUNTER64);
	assert_int_equal(e->u, 4);
	/* the view's state wins over the poll's, and its reason gives the new-master reason */
	ev = json_tokener_parse("{\"type\":\"vrrp.state\",\"instance\":\"V2\",\"vrid\":51,"
	                        "\"from\":\"BACKUP\",\"to\":\"MASTER\",\"reason\":\"master_left\","
	                        "\"prio\":150}");
	snmp_view_event(&v, ev, 1);
	json_object_put(ev);
	assert_int_equal(snmp_vrrp_build_v3(&t, &s, &v), 0);
	e = get(&t, O(1, 3, 6, 1, 2, 1, 207, 1, 1, 1, 1, 6, 7, 51, 1));
	assert_int_equal(e->i, 3);
	e = get(&t, O(1, 3, 6, 1, 2, 1, 207, 1, 2, 5, 1, 2, 7, 51, 1));
	assert_int_equal(e->i, 1);                                       /* priority */
	e = get(&t, O(1, 3, 6, 1, 2, 1, 207, 1, 1, 1, 1, 3, 7, 51, 1));  /* now itself */
	assert_memory_equal(e->s, "\x0a\x09\x00\x01", 4);
	ev = json_tokener_parse("{\"type\":\"vrrp.state\",\"instance\":\"V2\",\"vrid\":51,"
	                        "\"from\":\"BACKUP\",\"to\":\"MASTER\","
	                        "\"reason\":\"higher_priority\","
	                        "\"prio\":150}");
	snmp_view_event(&v, ev, 1);
	json_object_put(ev);
	assert_int_equal(snmp_vrrp_build_v3(&t, &s, &v), 0);
	e = get(&t, O(1, 3, 6, 1, 2, 1, 207, 1, 2, 5, 1, 2, 7, 51, 1));
	assert_int_equal(e->i, 2);                                       /* preempted */
	snmp_oidtab_free(&t);
	snmp_view_free(&v);
	snmp_vrrp_set_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_v2_tree),
		cmocka_unit_test(test_v3_tree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
