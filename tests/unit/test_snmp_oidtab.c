/* tests/unit/test_snmp_oidtab.c - the sorted OID table (OID order, exact and next lookups
 * against a brute-force model) and the TANDEM-MIB subtree built from a monitoring view
 * (OIDs, types, string indexes, DateAndTime). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include "snmp/snmp_oidtab.h"
#include "snmp/snmp_tandem_mib.h"
#include "snmp/snmp_view.h"

static void test_order_and_lookup(void **state)
{
	struct snmp_oidtab t;
	const snmp_subid base[] = { 1, 3, 6 };
	const struct snmp_oid_ent *e;
	snmp_subid q[8];
	unsigned seed = 7;

	snmp_oidtab_init(&t);
	/* random 1..3-subid suffixes; compare next() with a linear scan for the minimum */
	for (int i = 0; i < 300; i++) {
		snmp_subid sfx[3];
		size_t n = 1 + rand_r(&seed) % 3;

		for (size_t k = 0; k < n; k++)
			sfx[k] = rand_r(&seed) % 5;
		if (!snmp_oidtab_get(&t, (snmp_subid[]){ 1, 3, 6, sfx[0], sfx[1], sfx[2] }, 3 + n))
			assert_int_equal(snmp_oidtab_add_int(&t, base, 3, sfx, n, i), 0);
	}
	for (size_t i = 1; i < t.n; i++)
		assert_true(snmp_oid_cmp(t.ents[i - 1].name, t.ents[i - 1].len, t.ents[i].name,
		                         t.ents[i].len) < 0);
	for (int i = 0; i < 500; i++) {
		size_t n = 1 + rand_r(&seed) % 6;
		const struct snmp_oid_ent *best = NULL;

		for (size_t k = 0; k < n; k++)
			q[k] = k < 3 && rand_r(&seed) % 4 ? base[k] : (snmp_subid)(rand_r(&seed) % 7);
		for (size_t k = 0; k < t.n; k++)
			if (snmp_oid_cmp(t.ents[k].name, t.ents[k].len, q, n) > 0 &&
			    (!best || snmp_oid_cmp(t.ents[k].name, t.ents[k].len, best->name,
			                           best->len) < 0))
				best = &t.ents[k];
		assert_ptr_equal(snmp_oidtab_next(&t, q, n), best);
	}
	e = snmp_oidtab_get(&t, t.ents[5].name, t.ents[5].len);
	assert_ptr_equal(e, &t.ents[5]);
	assert_null(snmp_oidtab_next(&t, (snmp_subid[]){ 2 }, 1));
	assert_int_equal(snmp_oid_cmp((snmp_subid[]){ 1, 2 }, 2, (snmp_subid[]){ 1, 2, 0 }, 3), -1);
	snmp_oidtab_free(&t);
}

static void test_values(void **state)
{
	struct snmp_oidtab t;
	const snmp_subid b[] = { 1 };
	const struct snmp_oid_ent *e;

	snmp_oidtab_init(&t);
	snmp_oidtab_add_uns(&t, b, 1, (snmp_subid[]){ 1 }, 1, SNMP_T_COUNTER32, 0x1ffffffffull);
	snmp_oidtab_add_uns(&t, b, 1, (snmp_subid[]){ 2 }, 1, SNMP_T_GAUGE32, 0x1ffffffffull);
	snmp_oidtab_add_uns(&t, b, 1, (snmp_subid[]){ 3 }, 1, SNMP_T_COUNTER64, 0x1ffffffffull);
	snmp_oidtab_add_str(&t, b, 1, (snmp_subid[]){ 4 }, 1, "ab\0c", 4);
	e = snmp_oidtab_get(&t, (snmp_subid[]){ 1, 1 }, 2);
	assert_int_equal(e->u, 0xffffffffu);     /* Counter32 wraps */
	e = snmp_oidtab_get(&t, (snmp_subid[]){ 1, 2 }, 2);
	assert_int_equal(e->u, 0xffffffffu);     /* Gauge32 sticks at the top */
	e = snmp_oidtab_get(&t, (snmp_subid[]){ 1, 3 }, 2);
	assert_int_equal(e->u, 0x1ffffffffull);
	e = snmp_oidtab_get(&t, (snmp_subid[]){ 1, 4 }, 2);
	assert_int_equal(e->slen, 4);
	assert_memory_equal(e->s, "ab\0c", 4);
	snmp_subid big[SNMP_OID_MAX + 1] = { 0 };
	assert_int_equal(snmp_oidtab_add_int(&t, big, SNMP_OID_MAX, big, 1, 0), -1);
	snmp_oidtab_free(&t);
}

static void test_date_and_time(void **state)
{
	unsigned char dt[11];

	assert_int_equal(snmp_date_and_time(1795849204.5, dt), 11);
	assert_memory_equal(dt, ((unsigned char[]){ 0x07, 0xea, 11, 28, 7, 0, 4, 5, '+', 0, 0 }),
	                    11);
	assert_int_equal(snmp_date_and_time(0, dt), 8);
	assert_memory_equal(dt, ((unsigned char[8]){ 0 }), 8);
}

static void test_tandem_build(void **state)
{
	struct snmp_view v;
	struct snmp_oidtab t;
	json_object *st = json_tokener_parse(
		"{\"daemon\":{\"pid\":9,\"version\":\"0.1.0\",\"generation\":4,"
		"\"started\":\"2026-11-28T07:00:00Z\",\"uptime_s\":2.5,"
		"\"last_reload\":{\"ok\":true,\"time\":\"2026-11-28T07:00:00Z\",\"generation\":4,"
		"\"error\":null},\"event_seq\":12},"
		"\"children\":[{\"name\":\"snmp\",\"pid\":11,\"state\":\"running\",\"uptime_s\":1,"
		"\"restarts\":3,\"generation\":4},{\"name\":\"zzz\",\"pid\":1,\"state\":\"running\"}]}");
	json_object *ev = json_tokener_parse(
		"{\"type\":\"vrrp.state\",\"instance\":\"AB\",\"vrid\":9,\"to\":\"BACKUP\",\"prio\":50}");
	const struct snmp_oid_ent *e;
	snmp_subid o[SNMP_OID_MAX];
	size_t n;

	snmp_view_init(&v);
	snmp_oidtab_init(&t);
	snmp_view_set_status(&v, st);
	snmp_view_event(&v, ev, 1);
	assert_int_equal(snmp_tandem_build(&t, &v, 0.5), 0);
	/* tandemConfigGeneration.0 */
	e = snmp_oidtab_get(&t, (snmp_subid[]){ SNMP_TANDEM_MIB_OID, 1, 1, 5, 0 }, 12);
	assert_non_null(e);
	assert_int_equal(e->type, SNMP_T_GAUGE32);
	assert_int_equal(e->u, 4);
	/* tandemUptime.0 = status uptime + age */
	e = snmp_oidtab_get(&t, (snmp_subid[]){ SNMP_TANDEM_MIB_OID, 1, 1, 4, 0 }, 12);
	assert_int_equal(e->type, SNMP_T_TIMETICKS);
	assert_int_equal(e->u, 300);
	/* tandemChildRestarts.4 (snmp), nothing for the unknown part */
	e = snmp_oidtab_get(&t, (snmp_subid[]){ SNMP_TANDEM_MIB_OID, 1, 2, 1, 5, 4 }, 13);
	assert_int_equal(e->type, SNMP_T_COUNTER32);
	assert_int_equal(e->u, 3);
	e = snmp_oidtab_next(&t, (snmp_subid[]){ SNMP_TANDEM_MIB_OID, 1, 2, 1, 2, 4 }, 13);
	assert_int_equal(e->name[11], SNMP_TANDEM_CHILD_PID);    /* only row 4 exists */
	assert_int_equal(e->name[12], 4);
	/* tandemVrrpInstanceState."AB" */
	n = snmp_tandem_vrrp_oid(o, SNMP_TANDEM_VRRP_STATE, "AB");
	assert_int_equal(n, 15);
	assert_int_equal(o[11], SNMP_TANDEM_VRRP_STATE);
	assert_int_equal(o[12], 2);
	assert_int_equal(o[13], 'A');
	assert_int_equal(o[14], 'B');
	e = snmp_oidtab_get(&t, o, n);
	assert_non_null(e);
	assert_int_equal(e->i, SNMP_VRRP_BACKUP);
	/* last object of the subtree: the sync group column of the last row */
	assert_int_equal(t.ents[t.n - 1].name[11], SNMP_TANDEM_VRRP_SYNC_GROUP);
	json_object_put(st);
	json_object_put(ev);
	snmp_oidtab_free(&t);
	snmp_view_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_lookup),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_date_and_time),
		cmocka_unit_test(test_tandem_build),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
