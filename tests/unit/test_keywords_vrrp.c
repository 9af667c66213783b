/* tests/unit/test_keywords_vrrp.c - the VRRP keyword tables (vrrp/vrrp_conf*.c) through the
 * real config front end: ranges and types with exact file:line:col, required keywords,
 * duplicate VRIDs, sync group members, track_script references, per-version advert_int,
 * virtual address / route / rule item lines, keepalived's old spellings, lenient mode, the
 * built struct vrrp_conf, cfg->parts and object identities. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/socket.h>
#include "tests/unit/keywords_helpers.h"
#include "vrrp/vrrp_conf.h"

static void test_minimal_instance(void **state)
{
	struct kt t;
	const struct vrrp_instance_conf *vi;

	(void)state;
	kt_parse(&t,
	         "vrrp_instance VI_1 {\n"
	         "    state MASTER\n"
	         "    interface eth0\n"
	         "    virtual_router_id 51\n"
	         "    priority 150\n"
	         "    advert_int 2\n"
	         "    authentication {\n"
	         "        auth_type PASS\n"
	         "        auth_pass secret\n"
	         "    }\n"
	         "    virtual_ipaddress {\n"
	         "        192.168.200.16/24 dev eth0 label eth0:1 scope link brd 192.168.200.255\n"
	         "        192.168.200.17\n"
	         "    }\n"
	         "    virtual_ipaddress_excluded {\n"
	         "        2001:db8::1/64\n"
	         "    }\n"
	         "}\n");
	KT_CLEAN(&t);
	assert_non_null(t.cfg);
	assert_non_null(t.cfg->vrrp);
	assert_int_equal(t.cfg->vrrp->ninstances, 1);
	vi = t.cfg->vrrp->instances[0];
	assert_string_equal(vi->name, "VI_1");
	assert_string_equal(vi->interface, "eth0");
	assert_int_equal(vi->vrid, 51);
	assert_int_equal(vi->priority, 150);
	assert_int_equal(vi->state, VRRP_WANT_MASTER);
	assert_int_equal(vi->advert_int_us, 2000000);
	assert_int_equal(vi->version, 2);
	assert_int_equal(vi->family, AF_INET);
	assert_int_equal(vi->auth_type, VRRP_AUTH_PASS);
	assert_string_equal(vi->auth_pass, "secret");
	assert_int_equal(vi->vips.n, 2);
	assert_int_equal(vi->vips.v[0].addr.plen, 24);
	assert_string_equal(vi->vips.v[0].dev, "eth0");
	assert_string_equal(vi->vips.v[0].label, "eth0:1");
	assert_true(vi->vips.v[0].has_brd);
	assert_int_equal(vi->evips.n, 1);
	assert_true(t.cfg->parts & TDM_PART_VRRP);
	assert_false(t.cfg->parts & TDM_PART_CHECK);
	assert_non_null(kt_obj(&t, TDM_OBJ_VRRP_INSTANCE, "VI_1"));
	kt_free(&t);
}

static void test_ranges(void **state)
{
	struct kt t;

	(void)state;
	kt_parse(&t,
	         "vrrp_instance VI_1 {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 256\n"
	         "    priority 0\n"
	         "    state SLAVE\n"
	         "    advert_int 0.001\n"
	         "    version 4\n"
	         "    unicast_ttl 300\n"
	         "}\n");
	KT_EXPECT(&t, TDM_SEV_ERROR, 3, 23, "expected <vrid> 1..255, got '256'");
	KT_EXPECT(&t, TDM_SEV_ERROR, 4, 14, "expected <priority> 1..255, got '0'");
	KT_EXPECT(&t, TDM_SEV_ERROR, 5, 11, "MASTER|BACKUP");
	KT_EXPECT(&t, TDM_SEV_ERROR, 6, 16, "0.01..255 seconds");
	KT_EXPECT(&t, TDM_SEV_ERROR, 7, 13, "2..3");
	KT_EXPECT(&t, TDM_SEV_ERROR, 8, 17, "0..255");
	assert_int_equal(tdm_diags_status(&t.d), 4);
	kt_free(&t);
}

static void test_required(void **state)
{
	struct kt t;

	(void)state;
	kt_parse(&t,
	         "vrrp_instance VI_1 {\n"
	         "    priority 100\n"
	         "}\n");
	KT_EXPECT(&t, TDM_SEV_ERROR, 1, 1, "missing required 'virtual_router_id' in vrrp_instance");
	KT_EXPECT(&t, TDM_SEV_ERROR, 1, 1, "missing 'interface'");
	kt_free(&t);

	/* unicast without an interface is allowed */
	kt_parse(&t,
	         "vrrp_instance VI_1 {\n"
	         "    virtual_router_id 7\n"
	         "    unicast_src_ip 10.0.0.1\n"
	         "    unicast_peer {\n"
	         "        10.0.0.2 min_ttl 1 max_ttl 255\n"
	         "    }\n"
	         "    virtual_ipaddress {\n"
	         "        10.0.0.100/24 dev eth1\n"
	         "    }\n"
	         "}\n");
	KT_CLEAN(&t);
	assert_int_equal(t.cfg->vrrp->instances[0]->npeers, 1);
	assert_null(t.cfg->vrrp->instances[0]->interface);
	kt_free(&t);
}

static void test_duplicate_vrid(void **state)
{
	struct kt t;

	(void)state;
	kt_parse(&t,
	         "vrrp_instance A {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 51\n"
	         "}\n"
	         "vrrp_instance B {\n"
	         "    interface eth1\n"
	         "    virtual_router_id 51\n"
	         "}\n"
	         "vrrp_instance C {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 51\n"
	         "}\n"
	         "vrrp_instance D {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 51\n"
	         "    virtual_ipaddress {\n"
	         "        2001:db8::5\n"
	         "    }\n"
	         "}\n");
	/* same interface and family: error at the second, naming the first's position */
	KT_EXPECT(&t, TDM_SEV_ERROR, 11, 23, "duplicate virtual_router_id 51 on interface eth0 (IPv4): already used by vrrp_instance A at t.conf:3");
	assert_int_equal(t.d.nerr, 1);   /* B: other interface; D: other family */
	kt_free(&t);

	/* unicast instances with disjoint peers may share a VRID */
	kt_parse(&t,
	         "vrrp_instance A {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 9\n"
	         "    unicast_peer {\n"
	         "        10.0.0.2\n"
	         "    }\n"
	         "}\n"
	         "vrrp_instance B {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 9\n"
	         "    unicast_peer {\n"
	         "        10.0.0.3\n"
	         "    }\n"
	         "}\n");
	KT_CLEAN(&t);
	kt_free(&t);
}

static void test_advert_int_versions(void **state)
{
	struct kt t;

	(void)state;
	kt_parse(&t,
	         "vrrp_instance V2 {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 1\n"
	         "    advert_int 0.5\n"
	         "}\n"
	         "vrrp_instance V3 {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 2\n"
	         "    version 3\n"
	         "    advert_int 0.5\n"
	         "}\n"
	         "vrrp_instance V3B {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 3\n"
	         "    version 3\n"
	         "    advert_int 41\n"
	         "}\n"
	         "vrrp_instance V6 {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 4\n"
	         "    version 2\n"
	         "    virtual_ipaddress {\n"
	         "        fe80::1\n"
	         "    }\n"
	         "}\n");
	KT_EXPECT(&t, TDM_SEV_ERROR, 4, 16, "advert_int for VRRPv2 must be whole seconds 1..255");
	KT_EXPECT(&t, TDM_SEV_ERROR, 16, 16, "advert_int for VRRPv3 must be 0.01..40.95 seconds");
	KT_EXPECT(&t, TDM_SEV_ERROR, 21, 13, "VRRP version 2 cannot carry IPv6");
	assert_int_equal(t.d.nerr, 3);
	assert_int_equal(t.cfg->vrrp->instances[1]->advert_int_us, 500000);
	kt_free(&t);

	/* global vrrp_version 3 makes fractional intervals valid; IPv6 implies v3 */
	kt_parse(&t,
	         "global_defs {\n"
	         "    vrrp_version 3\n"
	         "}\n"
	         "vrrp_instance A {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 1\n"
	         "    advert_int 0.25\n"
	         "}\n");
	KT_CLEAN(&t);
	assert_int_equal(t.cfg->vrrp->instances[0]->version, 3);
	kt_free(&t);
}

static void test_sync_group_and_tracking(void **state)
{
	struct kt t;

	(void)state;
	kt_parse(&t,
	         "vrrp_script chk_ok {\n"
	         "    script \"/bin/true\"\n"
	         "    interval 2\n"
	         "    weight -4 reverse\n"
	         "    rise 2\n"
	         "    fall 3\n"
	         "}\n"
	         "vrrp_script chk_empty {\n"
	         "    interval 1\n"
	         "}\n"
	         "vrrp_sync_group G1 {\n"
	         "    group {\n"
	         "        VI_1\n"
	         "        VI_X\n"
	         "    }\n"
	         "    notify_master \"/bin/echo master\" root\n"
	         "}\n"
	         "vrrp_instance VI_1 {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 1\n"
	         "    track_script {\n"
	         "        chk_ok weight 10\n"
	         "        chk_empty\n"
	         "        chk_missing\n"
	         "        chk_ok weight 999\n"
	         "    }\n"
	         "    track_interface {\n"
	         "        eth1 weight -2 reverse\n"
	         "        eth2 heavy 3\n"
	         "    }\n"
	         "}\n");
	KT_EXPECT(&t, TDM_SEV_WARN, 8, 1, "vrrp_script chk_empty has no 'script': it is ignored");
	KT_EXPECT(&t, TDM_SEV_ERROR, 14, 9, "vrrp_sync_group G1: no vrrp_instance named VI_X");
	KT_EXPECT(&t, TDM_SEV_WARN, 23, 9, "has no script and is ignored");
	KT_EXPECT(&t, TDM_SEV_ERROR, 24, 9, "no vrrp_script named chk_missing");
	KT_EXPECT(&t, TDM_SEV_ERROR, 25, 23, "weight must be -253..253");
	KT_EXPECT(&t, TDM_SEV_ERROR, 29, 14, "expected 'weight <-253..253> [reverse]'");
	assert_int_equal(t.cfg->vrrp->nscripts, 2);
	assert_int_equal(t.cfg->vrrp->scripts[0]->weight, -4);
	assert_true(t.cfg->vrrp->scripts[0]->reverse);
	assert_int_equal(t.cfg->vrrp->scripts[0]->fall, 3);
	assert_int_equal(t.cfg->vrrp->ngroups, 1);
	assert_string_equal(t.cfg->vrrp->instances[0]->sync_group, "G1");
	assert_string_equal(t.cfg->vrrp->groups[0]->notify_master.cmd, "/bin/echo master");
	assert_string_equal(t.cfg->vrrp->groups[0]->notify_master.user, "root");
	assert_non_null(kt_obj(&t, TDM_OBJ_VRRP_SYNC_GROUP, "G1"));
	assert_non_null(kt_obj(&t, TDM_OBJ_VRRP_SCRIPT, "chk_ok"));
	kt_free(&t);
}

static void test_keepalived_sample_quirks(void **state)
{
	struct kt t;

	(void)state;
	/* Debian's keepalived.conf.vrrp.lvs_syncd lists members without group { }: keepalived
	 * ignores them with a message and drops the group; so does tandem, with warnings */
	kt_parse(&t,
	         "vrrp_sync_group VG1 {\n"
	         "  VI_2\n"
	         "}\n"
	         "vrrp_instance VI_2 {\n"
	         "    interface eth0\n"
	         "    lvs_sync_daemon_interface eth1\n"
	         "    virtual_router_id 52\n"
	         "    native_ipv6\n"
	         "    virtual_routes {\n"
	         "        src 192.168.100.1 192.168.109.0/24 via 192.168.200.254 dev eth1\n"
	         "        192.168.113.0/24 via 192.168.100.252 or 192.168.100.253\n"
	         "        0.0.0.0/0 gw 192.168.0.1 table 100\n"
	         "        blackhole 192.168.113.1/32\n"
	         "        192.168.1.0/24 frobnicate 3\n"
	         "    }\n"
	         "    virtual_rules {\n"
	         "        from 192.168.200.0/24 table 2\n"
	         "        to 192.168.200./24 table 2\n"
	         "    }\n"
	         "}\n");
	KT_EXPECT(&t, TDM_SEV_WARN, 2, 3, "'VI_2' in vrrp_sync_group: instance names belong in a 'group { }' block");
	KT_EXPECT(&t, TDM_SEV_WARN, 1, 1, "vrrp_sync_group VG1 has no members");
	KT_EXPECT(&t, TDM_SEV_WARN, 6, 5, "'lvs_sync_daemon_interface' is deprecated");
	KT_EXPECT(&t, TDM_SEV_WARN, 8, 5, "'native_ipv6' is deprecated");
	KT_EXPECT(&t, TDM_SEV_WARN, 11, 46, "\"or\" is deprecated");
	KT_EXPECT(&t, TDM_SEV_WARN, 12, 19, "\"gw\" is deprecated");
	KT_EXPECT(&t, TDM_SEV_ERROR, 14, 24, "unknown route option 'frobnicate'");
	KT_EXPECT(&t, TDM_SEV_WARN, 18, 12, "invalid address '192.168.200./24' for 'to': rule ignored");
	assert_int_equal(t.d.nerr, 1);
	/* the per-instance sync interface became the global lvs_sync_daemon */
	assert_true(t.cfg->parts & TDM_PART_SYNC);
	kt_free(&t);
}

static void test_vip_items(void **state)
{
	struct kt t;

	(void)state;
	kt_parse(&t,
	         "static_ipaddress {\n"
	         "    10.9.9.9/24 dev eth0 track_group TG scope 300\n"
	         "}\n"
	         "vrrp_instance VI_1 {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 1\n"
	         "    virtual_ipaddress {\n"
	         "        10.0.0.5\n"
	         "        10.0.0.1/33\n"
	         "        10.0.0.2 brd 2001:db8::1\n"
	         "        10.0.0.3 track_group X\n"
	         "        2001:db8::9\n"
	         "        10.0.0.4 preferred_lft forever no_track -nodad use_vmac\n"
	         "    }\n"
	         "}\n");
	KT_EXPECT(&t, TDM_SEV_ERROR, 2, 47, "expected scope global|site|link|host|nowhere|0..255");
	KT_EXPECT(&t, TDM_SEV_ERROR, 9, 9, "expected <address>[/<prefix length>], got '10.0.0.1/33'");
	KT_EXPECT(&t, TDM_SEV_ERROR, 10, 22, "broadcast <address> of the same family");
	KT_EXPECT(&t, TDM_SEV_ERROR, 11, 18, "track_group applies only to static addresses");
	KT_EXPECT(&t, TDM_SEV_ERROR, 12, 9, "virtual_ipaddress 2001:db8::9 is not of the instance's family (IPv4)");
	assert_int_equal(t.d.nerr, 5);
	kt_free(&t);
}

static void test_lenient_and_unknown(void **state)
{
	struct kt t;
	const char *text =
	         "vrrp_instance VI_1 {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 1\n"
	         "    no_such_keyword 3\n"
	         "}\n";

	(void)state;
	kt_parse(&t, text);
	KT_EXPECT(&t, TDM_SEV_ERROR, 4, 5, "unknown keyword 'no_such_keyword' in vrrp_instance");
	assert_int_equal(tdm_diags_status(&t.d), 4);
	kt_free(&t);
	kt_parse_opts(&t, text, 1, 0);
	KT_EXPECT(&t, TDM_SEV_WARN, 4, 5, "unknown keyword 'no_such_keyword'");
	assert_int_equal(t.d.nerr, 0);
	assert_int_equal(tdm_diags_status(&t.d), 0);
	kt_free(&t);
}

static void test_interfaces_warn(void **state)
{
	struct kt t;

	(void)state;
	kt_parse_opts(&t,
	         "vrrp_instance VI_1 {\n"
	         "    interface tdmnoif0\n"
	         "    virtual_router_id 1\n"
	         "    track_interface {\n"
	         "        lo\n"
	         "        tdmnoif1\n"
	         "    }\n"
	         "}\n", 0, 1);
	KT_EXPECT(&t, TDM_SEV_WARN, 2, 15, "interface tdmnoif0 does not exist");
	KT_EXPECT(&t, TDM_SEV_WARN, 6, 9, "tracked interface tdmnoif1 does not exist");
	assert_int_equal(t.d.nerr, 0);
	assert_int_equal(kt_nwarn(&t), 2);
	assert_int_equal(tdm_diags_status(&t.d), 0);
	kt_free(&t);
}

static void test_duplicate_names_and_track_objects(void **state)
{
	struct kt t;

	(void)state;
	kt_parse(&t,
	         "track_file tf {\n"
	         "    file /run/x\n"
	         "    weight -3 reverse\n"
	         "}\n"
	         "vrrp_track_file tf2 {\n"
	         "    file /run/y\n"
	         "}\n"
	         "vrrp_track_process tp {\n"
	         "    process haproxy -f /etc/haproxy.cfg\n"
	         "    param_match partial\n"
	         "    quorum 2\n"
	         "    delay 0.5\n"
	         "}\n"
	         "vrrp_instance VI_1 {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 1\n"
	         "    track_file {\n"
	         "        tf weight 254\n"
	         "        nofile\n"
	         "    }\n"
	         "    track_process {\n"
	         "        tp\n"
	         "    }\n"
	         "}\n"
	         "vrrp_instance VI_1 {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 2\n"
	         "}\n");
	KT_EXPECT(&t, TDM_SEV_WARN, 5, 1, "'vrrp_track_file' is deprecated");
	KT_EXPECT(&t, TDM_SEV_ERROR, 19, 9, "no track_file named nofile");
	KT_EXPECT(&t, TDM_SEV_ERROR, 25, 15, "vrrp_instance VI_1 is defined twice (first at t.conf:14)");
	assert_int_equal(t.d.nerr, 2);
	kt_free(&t);
}

static void test_unicast_vmac_auth_rules(void **state)
{
	struct kt t;

	(void)state;
	kt_parse(&t,
	         "vrrp_instance LL {\n"
	         "    virtual_router_id 1\n"
	         "    unicast_peer {\n"
	         "        fe80::2\n"
	         "    }\n"
	         "}\n"
	         "vrrp_instance VM {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 2\n"
	         "    use_vmac\n"
	         "    unicast_peer {\n"
	         "        10.0.0.2\n"
	         "    }\n"
	         "}\n"
	         "vrrp_instance V3 {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 3\n"
	         "    version 3\n"
	         "    authentication {\n"
	         "        auth_type AH\n"
	         "        auth_pass abc\n"
	         "    }\n"
	         "}\n");
	KT_EXPECT(&t, TDM_SEV_ERROR, 1, 1, "link-local unicast peers need 'interface'");
	KT_EXPECT(&t, TDM_SEV_WARN, 10, 5, "use_vmac with unicast peers needs vmac_xmit_base");
	KT_EXPECT(&t, TDM_SEV_WARN, 19, 5, "VRRPv3 has no authentication");
	assert_int_equal(t.d.nerr, 1);
	assert_true(t.cfg->vrrp->instances[1]->vmac_xmit_base);
	assert_int_equal(t.cfg->vrrp->instances[2]->auth_type, VRRP_AUTH_NONE);
	kt_free(&t);
}

static void test_sync_group_typo(void **state)
{
	struct kt t;
	const char *text =
	         "vrrp_instance VI_1 {\n"
	         "    interface eth0\n"
	         "    virtual_router_id 1\n"
	         "}\n"
	         "vrrp_sync_group G {\n"
	         "    group {\n"
	         "        VI_1\n"
	         "    }\n"
	         "    notify_mastr /bin/true\n"
	         "    VI_7\n"
	         "}\n";

	(void)state;
	kt_parse(&t, text);
	KT_EXPECT(&t, TDM_SEV_ERROR, 9, 5, "unknown keyword 'notify_mastr' in vrrp_sync_group");
	KT_EXPECT(&t, TDM_SEV_ERROR, 10, 5, "unknown keyword 'VI_7' in vrrp_sync_group");
	assert_int_equal(t.d.nerr, 2);
	kt_free(&t);
	kt_parse_opts(&t, text, 1, 0);
	KT_EXPECT(&t, TDM_SEV_WARN, 9, 5, "unknown keyword 'notify_mastr' in vrrp_sync_group (ignored)");
	assert_int_equal(t.d.nerr, 0);
	kt_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal_instance),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_required),
		cmocka_unit_test(test_duplicate_vrid),
		cmocka_unit_test(test_advert_int_versions),
		cmocka_unit_test(test_sync_group_and_tracking),
		cmocka_unit_test(test_keepalived_sample_quirks),
		cmocka_unit_test(test_vip_items),
		cmocka_unit_test(test_lenient_and_unknown),
		cmocka_unit_test(test_interfaces_warn),
		cmocka_unit_test(test_duplicate_names_and_track_objects),
		cmocka_unit_test(test_unicast_vmac_auth_rules),
		cmocka_unit_test(test_sync_group_typo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
