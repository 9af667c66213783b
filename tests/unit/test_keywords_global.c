/* tests/unit/test_keywords_global.c - global_defs (director/global_conf.c), the top level
 * (director/conf_top.c), lvs_sync_daemon and sync_relay (sync/sync_conf.c), the SNMP keywords
 * (snmp/snmp_conf.c) and the keyword reference (lib/conf_doc.c), through the real front end. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <sys/socket.h>
#include "tests/unit/keywords_helpers.h"
#include "director/global_conf.h"
#include "lib/conf_doc.h"
#include "snmp/snmp_conf.h"
#include "sync/sync_conf.h"

static void test_global_defs(void **state)
{
	struct kt t;
	const struct tdm_global_conf *g;

	(void)state;
	kt_parse(&t,
	         "global_defs {\n"
	         "    router_id LVS_DEVEL\n"
	         "    notification_email {\n"
	         "        a@example.org\n"
	         "        b@example.org\n"
	         "    }\n"
	         "    notification_email_from lvs@example.org\n"
	         "    smtp_server 192.168.200.1 2525\n"
	         "    smtp_connect_timeout 30\n"
	         "    control_socket /run/t/ctl.sock\n"
	         "    control_socket_group tandem\n"
	         "    metrics_listen 127.0.0.1:9101\n"
	         "    script_user nobody nogroup\n"
	         "    enable_script_security\n"
	         "    vrrp_mcast_group4 224.0.0.19\n"
	         "    vrrp_version 3\n"
	         "    vrrp_strict\n"
	         "    lvs_flush\n"
	         "    lvs_timeouts tcp 900 tcpfin 120 udp 300\n"
	         "    vrrp_garp_master_delay 10\n"
	         "    vrrp_garp_interval 0.001\n"
	         "    umask IWGRP|IWOTH\n"
	         "    notify_fifo /run/t/fifo root\n"
	         "}\n"
	         "net_namespace blue\n");
	KT_CLEAN(&t);
	g = t.cfg->global;
	assert_non_null(g);
	assert_string_equal(g->router_id, "LVS_DEVEL");
	assert_int_equal(g->n_notification_email, 2);
	assert_string_equal(g->notification_email[1], "b@example.org");
	assert_string_equal(g->smtp_server, "192.168.200.1");
	assert_int_equal(g->smtp_port, 2525);
	assert_string_equal(g->control_socket, "/run/t/ctl.sock");
	assert_string_equal(g->control_socket_group, "tandem");
	assert_string_equal(g->metrics_listen, "127.0.0.1:9101");
	assert_string_equal(g->script_user, "nobody");
	assert_string_equal(g->script_group, "nogroup");
	assert_true(g->enable_script_security);
	assert_true(g->has_mcast_group4);
	assert_int_equal(g->vrrp_version, 3);
	assert_true(g->vrrp_strict);
	assert_true(g->lvs_flush);
	assert_string_equal(g->notify_fifo.cmd, "/run/t/fifo");
	assert_string_equal(g->notify_fifo.user, "root");
	assert_string_equal(g->net_namespace, "blue");
	assert_int_equal(t.cfg->parts, 0);
	assert_non_null(kt_obj(&t, TDM_OBJ_GLOBAL, "global_defs"));
	kt_free(&t);
}

static void test_global_errors(void **state)
{
	struct kt t;

	(void)state;
	kt_parse(&t,
	         "global_defs {\n"
	         "    router_id\n"
	         "    vrrp_priority -21\n"
	         "    vrrp_mcast_group4 ff02::12\n"
	         "    smtp_server bad/host\n"
	         "    lvs_timeouts tcp 0\n"
	         "    metrics_listen nowhere\n"
	         "    enable_dbus\n"
	         "    process_names\n"
	         "    enable_snmp_keepalived\n"
	         "    umask 0x1ff0\n"
	         "    router_id twice\n"
	         "    router_id again\n"
	         "}\n"
	         "bfd_instance b1 {\n"
	         "    neighbor_ip 10.0.0.1\n"
	         "}\n"
	         "frobnicate 1\n");
	KT_EXPECT(&t, TDM_SEV_ERROR, 2, 5, "'router_id' expects 1 argument or more: missing <string>");
	KT_EXPECT(&t, TDM_SEV_ERROR, 3, 19, "expected <nice> -20..19, got '-21'");
	KT_EXPECT(&t, TDM_SEV_ERROR, 4, 23, "an IPv4 address");
	KT_EXPECT(&t, TDM_SEV_ERROR, 5, 17, "IP address or host name");
	KT_EXPECT(&t, TDM_SEV_ERROR, 6, 22, "expected <seconds> 1..2678400");
	KT_EXPECT(&t, TDM_SEV_ERROR, 7, 20, "expected [<address>:]<port>");
	KT_EXPECT(&t, TDM_SEV_ERROR, 8, 5, "'enable_dbus' is not supported by tandem: tandem has no D-Bus interface");
	KT_EXPECT(&t, TDM_SEV_WARN, 9, 5, "'process_names' is ignored");
	KT_EXPECT(&t, TDM_SEV_WARN, 10, 5, "'enable_snmp_keepalived' is deprecated");
	KT_EXPECT(&t, TDM_SEV_ERROR, 11, 11, "umask");
	KT_EXPECT(&t, TDM_SEV_ERROR, 13, 5, "duplicate 'router_id' in global_defs");
	KT_EXPECT(&t, TDM_SEV_ERROR, 15, 1, "'bfd_instance' is not supported by tandem");
	KT_EXPECT(&t, TDM_SEV_ERROR, 18, 1, "unknown keyword 'frobnicate' in the top level");
	assert_int_equal(tdm_diags_status(&t.d), 4);
	kt_free(&t);
}

static const char *inst =
	"vrrp_instance VI_1 {\n"
	"    interface eth0\n"
	"    virtual_router_id 51\n"
	"}\n";

static void test_lvs_sync_daemon(void **state)
{
	struct kt t;
	char buf[1024];
	const struct sync_conf *s;

	(void)state;
	snprintf(buf, sizeof(buf),
	         "global_defs {\n"
	         "    lvs_sync_daemon eth1 inst VI_1 id 7 maxlen 1400 port 8850 ttl 2 group 224.0.0.82\n"
	         "}\n%s", inst);
	kt_parse(&t, buf);
	KT_CLEAN(&t);
	s = t.cfg->sync;
	assert_non_null(s);
	assert_true(s->lvs.set);
	assert_string_equal(s->lvs.ifname, "eth1");
	assert_string_equal(s->lvs.instance, "VI_1");
	assert_int_equal(s->lvs.syncid, 7);
	assert_int_equal(s->lvs.maxlen, 1400);
	assert_int_equal(s->lvs.port, 8850);
	assert_int_equal(s->lvs.ttl, 2);
	assert_true(s->lvs.has_group);
	assert_true(t.cfg->parts & TDM_PART_SYNC);
	assert_true(t.cfg->parts & TDM_PART_VRRP);
	kt_free(&t);

	/* keepalived's older form: interface instance [syncid] */
	snprintf(buf, sizeof(buf), "global_defs {\n    lvs_sync_daemon eth1 VI_1 9\n}\n%s", inst);
	kt_parse(&t, buf);
	KT_CLEAN(&t);
	assert_int_equal(t.cfg->sync->lvs.syncid, 9);
	kt_free(&t);

	kt_parse(&t,
	         "global_defs {\n"
	         "    lvs_sync_daemon eth1 VI_9 id 300\n"
	         "}\n");
	KT_EXPECT(&t, TDM_SEV_ERROR, 2, 34, "lvs_sync_daemon id: expected 0..255");
	kt_free(&t);
	kt_parse(&t,
	         "global_defs {\n"
	         "    lvs_sync_daemon eth1 VI_9\n"
	         "}\n");
	KT_EXPECT(&t, TDM_SEV_ERROR, 2, 26, "no vrrp_instance or vrrp_sync_group named VI_9");
	kt_free(&t);
}

static void test_sync_relay(void **state)
{
	struct kt t;
	char buf[1024];
	const struct sync_relay_conf *r;

	(void)state;
	snprintf(buf, sizeof(buf),
	         "%ssync_relay {\n"
	         "    instance VI_1\n"
	         "    interface eth0\n"
	         "    peer 10.0.2.12\n"
	         "    peer 10.0.2.13\n"
	         "    port 8849\n"
	         "    auth_key_file /etc/tandem/sync.key\n"
	         "    resend_queue 1024\n"
	         "    ack_interval 0.02\n"
	         "}\n", inst);
	kt_parse(&t, buf);
	KT_CLEAN(&t);
	r = &t.cfg->sync->relay;
	assert_true(r->set);
	assert_int_equal(r->npeers, 2);
	assert_int_equal(r->port, 8849);
	assert_int_equal(r->resend_queue, 1024);
	assert_int_equal(r->ack_interval_us, 20000);
	assert_string_equal(r->auth_key_file, "/etc/tandem/sync.key");
	assert_true(t.cfg->parts & TDM_PART_SYNC);
	assert_non_null(kt_obj(&t, TDM_OBJ_SYNC, "sync"));
	kt_free(&t);

	kt_parse(&t,
	         "sync_relay {\n"
	         "    instance VI_X\n"
	         "    interface eth0\n"
	         "    group 10.0.0.1\n"
	         "    auth_key short\n"
	         "}\n");
	KT_EXPECT(&t, TDM_SEV_ERROR, 4, 11, "is not a multicast address");
	KT_EXPECT(&t, TDM_SEV_ERROR, 5, 14, "16..1024 characters");
	KT_EXPECT(&t, TDM_SEV_ERROR, 2, 14, "sync_relay: no vrrp_instance or vrrp_sync_group named VI_X");
	kt_free(&t);
	kt_parse(&t, "sync_relay {\n    interface eth0\n}\n");
	KT_EXPECT(&t, TDM_SEV_ERROR, 1, 1, "missing required 'instance' in sync_relay");
	KT_EXPECT(&t, TDM_SEV_ERROR, 1, 1, "needs at least one 'peer' or a 'group'");
	KT_EXPECT(&t, TDM_SEV_ERROR, 1, 1, "exactly one of 'auth_key' or 'auth_key_file'");
	kt_free(&t);
}

static void test_snmp(void **state)
{
	struct kt t;

	(void)state;
	kt_parse(&t, "global_defs {\n    snmp_socket tcp:localhost:705\n}\n");
	KT_CLEAN(&t);
	assert_false(t.cfg->parts & TDM_PART_SNMP);
	kt_free(&t);
	kt_parse(&t, "global_defs {\n    enable_snmp_rfcv3\n    enable_traps\n}\n");
	KT_CLEAN(&t);
	assert_true(t.cfg->parts & TDM_PART_SNMP);
	assert_true(t.cfg->snmp->enable_rfcv3);
	assert_false(t.cfg->snmp->enable_rfcv2);
	kt_free(&t);
	kt_parse(&t, "global_defs {\n    enable_snmp_tandem\n}\n");
	KT_CLEAN(&t);
	assert_true(t.cfg->parts & TDM_PART_SNMP);
	kt_free(&t);
}

static void test_doc(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	tdm_conf_doc_markdown(f);
	fclose(f);
	assert_non_null(strstr(buf, "## global_defs"));
	assert_non_null(strstr(buf, "## virtual_server > real_server > HTTP_GET > url"));
	assert_non_null(strstr(buf, "| `priority` | `<priority 1..255>` | "));
	assert_non_null(strstr(buf, "| `bfd_priority` | `<nice -20..19>` | ignored |"));
	assert_non_null(strstr(buf, "| `bfd_instance` |"));
	assert_non_null(strstr(buf, "not supported"));
	assert_non_null(strstr(buf, "| `lb_algo` |"));
	assert_non_null(strstr(buf, "## sync_relay"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_global_defs),
		cmocka_unit_test(test_global_errors),
		cmocka_unit_test(test_lvs_sync_daemon),
		cmocka_unit_test(test_sync_relay),
		cmocka_unit_test(test_snmp),
		cmocka_unit_test(test_doc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
