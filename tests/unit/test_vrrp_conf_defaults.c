/* tests/unit/test_vrrp_conf_defaults.c - VRRP config values resolved beyond the keyword
 * tables: global_defs defaults of per-instance settings (vrrp_garp_*, vrrp_down_timer_adverts,
 * vrrp_lower_prio_no_advert) and the MAC of use_vmac, through the real config front end. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/socket.h>
#include "tests/unit/keywords_helpers.h"
#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_vmac.h"

static const struct vrrp_instance_conf *inst(const struct kt *t, const char *name)
{
	for (size_t i = 0; t->cfg && t->cfg->vrrp && i < t->cfg->vrrp->ninstances; i++)
		if (!strcmp(t->cfg->vrrp->instances[i]->name, name))
			return t->cfg->vrrp->instances[i];
	return NULL;
}

static void test_global_defaults(void **state)
{
	struct kt t;
	const struct vrrp_instance_conf *a, *b;

	(void)state;
	kt_parse(&t,
	         "global_defs {\n"
	         "    vrrp_garp_master_delay 2\n"
	         "    vrrp_garp_master_repeat 3\n"
	         "    vrrp_garp_master_refresh 60\n"
	         "    vrrp_garp_master_refresh_repeat 2\n"
	         "    vrrp_garp_lower_prio_repeat 0\n"
	         "    vrrp_garp_lower_prio_delay 4\n"
	         "    vrrp_down_timer_adverts 5\n"
	         "    vrrp_lower_prio_no_advert\n"
	         "    vrrp_higher_prio_send_advert\n"
	         "}\n"
	         "vrrp_instance A {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 1\n"
	         "    virtual_ipaddress {\n        10.0.0.1\n    }\n"
	         "}\n"
	         "vrrp_instance B {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 2\n"
	         "    garp_master_delay 0\n"
	         "    garp_master_repeat 1\n"
	         "    down_timer_adverts 3\n"
	         "    lower_prio_no_advert false\n"
	         "    virtual_ipaddress {\n        10.0.0.2\n    }\n"
	         "}\n");
	KT_CLEAN(&t);
	a = inst(&t, "A");
	b = inst(&t, "B");
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->garp_master_delay, 2);
	assert_int_equal(a->garp_master_repeat, 3);
	assert_int_equal(a->garp_master_refresh, 60);
	assert_int_equal(a->garp_master_refresh_repeat, 2);
	assert_int_equal(a->garp_lower_prio_repeat, 0);
	assert_int_equal(a->garp_lower_prio_delay, 4);
	assert_int_equal(a->down_timer_adverts, 5);
	assert_int_equal(a->lower_prio_no_advert, 1);
	assert_int_equal(a->higher_prio_send_advert, 1);
	/* the instance's own values win */
	assert_int_equal(b->garp_master_delay, 0);
	assert_int_equal(b->garp_master_repeat, 1);
	assert_int_equal(b->down_timer_adverts, 3);
	assert_int_equal(b->lower_prio_no_advert, 0);
	assert_int_equal(b->garp_master_refresh, 60);
	kt_free(&t);
}

static void test_no_global_defaults(void **state)
{
	struct kt t;
	const struct vrrp_instance_conf *a;

	(void)state;
	kt_parse(&t,
	         "vrrp_instance A {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 1\n"
	         "    virtual_ipaddress {\n        10.0.0.1\n    }\n"
	         "}\n");
	KT_CLEAN(&t);
	a = inst(&t, "A");
	assert_non_null(a);
	assert_int_equal(a->garp_master_delay, -1);
	assert_int_equal(a->down_timer_adverts, -1);
	assert_int_equal(a->lower_prio_no_advert, -1);
	assert_false(a->has_vmac_mac);
	kt_free(&t);
}

static void test_use_vmac_mac(void **state)
{
	struct kt t;
	const struct vrrp_instance_conf *a, *b, *c;

	(void)state;
	kt_parse(&t,
	         "vrrp_instance A {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 7\n"
	         "    use_vmac vm7 02:11:22:33:44:55\n"
	         "    virtual_ipaddress {\n        10.0.0.1\n    }\n"
	         "}\n"
	         "vrrp_instance B {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 9\n"
	         "    use_vmac 02:aa:bb:cc:dd\n"
	         "    virtual_ipaddress {\n        10.0.0.2\n    }\n"
	         "}\n"
	         "vrrp_instance C {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 10\n"
	         "    use_vmac\n"
	         "    virtual_ipaddress {\n        2001:db8::1\n    }\n"
	         "}\n");
	KT_CLEAN(&t);
	a = inst(&t, "A");
	b = inst(&t, "B");
	c = inst(&t, "C");
	assert_non_null(a);
	assert_string_equal(a->vmac_name, "vm7");
	assert_int_equal(a->has_vmac_mac, 6);
	assert_memory_equal(a->vmac_mac, "\x02\x11\x22\x33\x44\x55", 6);
	assert_null(b->vmac_name);
	assert_int_equal(b->has_vmac_mac, 5);
	assert_memory_equal(b->vmac_mac, "\x02\xaa\xbb\xcc\xdd", 5);
	assert_false(c->has_vmac_mac);
	assert_int_equal(c->family, AF_INET6);
	kt_free(&t);
}

static void test_bad_vmac_mac(void **state)
{
	struct kt t;

	(void)state;
	kt_parse(&t,
	         "vrrp_instance A {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 7\n"
	         "    use_vmac 02:11:22:33\n"
	         "    virtual_ipaddress {\n        10.0.0.1\n    }\n"
	         "}\n");
	assert_true(kt_find(&t, TDM_SEV_ERROR, 4, 0, "MAC") >= 0);
	kt_free(&t);
}

static void test_min_garp_and_vmac_prefix(void **state)
{
	struct kt t;
	const struct vrrp_instance_conf *a, *b, *c;

	(void)state;
	kt_parse(&t,
	         "global_defs {\n"
	         "    vrrp_min_garp\n"
	         "    vrrp_garp_master_refresh 30\n"
	         "    vmac_prefix vm\n"
	         "}\n"
	         "vrrp_instance A {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 7\n"
	         "    use_vmac\n"
	         "    virtual_ipaddress {\n        10.0.0.1\n    }\n"
	         "}\n"
	         "vrrp_instance B {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 8\n"
	         "    use_vmac mine\n"
	         "    garp_master_repeat 3\n"
	         "    virtual_ipaddress {\n        10.0.0.2\n    }\n"
	         "}\n"
	         "vrrp_instance C {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 9\n"
	         "    virtual_ipaddress {\n        10.0.0.3\n    }\n"
	         "}\n");
	KT_CLEAN(&t);
	a = inst(&t, "A");
	b = inst(&t, "B");
	c = inst(&t, "C");
	/* vrrp_min_garp: one announcement, no second round; explicit settings win */
	assert_int_equal(a->garp_master_repeat, 1);
	assert_int_equal(a->garp_master_delay, 0);
	assert_int_equal(a->garp_lower_prio_repeat, 1);
	assert_int_equal(a->garp_master_refresh, 30);
	assert_int_equal(b->garp_master_repeat, 3);
	/* vmac_prefix: PREFIX.VRID unless named */
	assert_string_equal(a->vmac_name, "vm.7");
	assert_string_equal(b->vmac_name, "mine");
	assert_null(c->vmac_name);
	kt_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_global_defaults),
		cmocka_unit_test(test_no_global_defaults),
		cmocka_unit_test(test_use_vmac_mac),
		cmocka_unit_test(test_bad_vmac_mac),
		cmocka_unit_test(test_min_garp_and_vmac_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
