/* tests/unit/test_keywords_check.c - the check part's keyword tables (healthcheck/check_conf*.c)
 * through the real config front end: virtual server / real server / checker identities,
 * duplicates, group references, virtual_server_group lines, forwarding methods, keepalived's
 * old spellings (lb_algo, lb_kind, nb_get_retry), refused BFD_CHECK, the built struct
 * check_conf and cfg->parts, SMTP_CHECK's host blocks (confs, specs and identity keys). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include "tests/unit/keywords_helpers.h"
#include "healthcheck/check_conf.h"
#include "healthcheck/check_spec.h"

static const char *vs_text =
	"virtual_server 10.1.1.1 80 {\n"
	"    delay_loop 6\n"
	"    lb_algo rr\n"
	"    lb_kind NAT\n"
	"    persistence_timeout 50\n"
	"    protocol TCP\n"
	"    sorry_server 10.9.9.9 8080\n"
	"    real_server 10.2.2.2 80 {\n"
	"        weight 3\n"
	"        inhibit_on_failure\n"
	"        TCP_CHECK {\n"
	"            connect_timeout 3\n"
	"        }\n"
	"        TCP_CHECK {\n"
	"            connect_port 81\n"
	"        }\n"
	"        HTTP_GET {\n"
	"            url {\n"
	"                path /health\n"
	"                digest 640205b7b0fc66c1ea91c463fac6334d\n"
	"                status_code 200-299 503\n"
	"            }\n"
	"            nb_get_retry 3\n"
	"        }\n"
	"    }\n"
	"}\n"
	"virtual_server fwmark 5 {\n"
	"    lvs_sched wlc\n"
	"    lvs_method TUN type gue port 6080 csum\n"
	"    real_server 10.3.3.3 {\n"
	"        MISC_CHECK {\n"
	"            misc_path \"/bin/check arg\"\n"
	"            misc_timeout 5\n"
	"            misc_dynamic\n"
	"        }\n"
	"    }\n"
	"}\n"
	"virtual_server_group G {\n"
	"    10.0.0.1 8080\n"
	"    192.168.200.3-10 80\n"
	"    ae00::2-9 80\n"
	"    10.8.0.0/29 443\n"
	"    fwmark 7 inet6\n"
	"}\n"
	"virtual_server group G {\n"
	"    protocol UDP\n"
	"    real_server 10.4.4.4 53 {\n"
	"        DNS_CHECK {\n"
	"            type AAAA\n"
	"            name example.org\n"
	"        }\n"
	"        UDP_CHECK {\n"
	"            payload 0a0b 0c\n"
	"            require_reply 0aXx\n"
	"        }\n"
	"    }\n"
	"}\n";

static void test_build_and_identities(void **state)
{
	struct kt t;
	const struct check_conf *cc;
	const struct check_vs_conf *vs;

	(void)state;
	kt_parse(&t, vs_text);
	KT_EXPECT(&t, TDM_SEV_WARN, 23, 13, "'nb_get_retry' is deprecated");
	assert_int_equal(t.d.nerr, 0);
	assert_int_equal(kt_nwarn(&t), 1);
	assert_non_null(t.cfg);
	cc = t.cfg->check;
	assert_non_null(cc);
	assert_int_equal(cc->nvs, 3);
	assert_int_equal(cc->nvsg, 1);
	vs = cc->vs[0];
	assert_int_equal(vs->type, CHECK_VS_ADDR);
	assert_int_equal(vs->port, 80);
	assert_string_equal(vs->sched, "rr");
	assert_int_equal(vs->fwd.method, CHECK_FWD_NAT);
	assert_int_equal(vs->persistence_timeout, 50);
	assert_int_equal(vs->t.delay_loop_us, 6000000);
	assert_true(vs->has_sorry);
	assert_int_equal(vs->nrs, 1);
	assert_int_equal(vs->rs[0]->weight, 3);
	assert_int_equal(vs->rs[0]->ncheckers, 3);
	assert_int_equal(vs->rs[0]->checkers[1]->index, 1);
	assert_int_equal(vs->rs[0]->checkers[1]->connect_port, 81);
	assert_int_equal(vs->rs[0]->checkers[2]->kind, CHECK_HTTP);
	assert_int_equal(vs->rs[0]->checkers[2]->u.http.nurls, 1);
	assert_int_equal(vs->rs[0]->checkers[2]->u.http.urls[0].nstatus, 2);
	assert_int_equal(vs->rs[0]->checkers[2]->u.http.urls[0].status[1].lo, 503);
	assert_int_equal(vs->rs[0]->checkers[2]->t.retry, 3);
	vs = cc->vs[1];
	assert_int_equal(vs->type, CHECK_VS_FWMARK);
	assert_int_equal(vs->fwmark, 5);
	assert_int_equal(vs->fwd.method, CHECK_FWD_TUN);
	assert_int_equal(vs->fwd.tun_type, 1);
	assert_int_equal(vs->fwd.tun_port, 6080);
	assert_int_equal(vs->fwd.tun_csum, 2);
	assert_true(vs->rs[0]->checkers[0]->u.misc.dynamic);
	vs = cc->vs[2];
	assert_int_equal(vs->type, CHECK_VS_GROUP);
	assert_int_equal(vs->protocol, IPPROTO_UDP);
	assert_int_equal(cc->vsg[0]->n, 5);
	assert_true(cc->vsg[0]->v[4].is_fwmark);
	assert_int_equal(cc->vsg[0]->v[4].family, AF_INET6);

	assert_true(t.cfg->parts & TDM_PART_CHECK);
	assert_false(t.cfg->parts & TDM_PART_VRRP);
	assert_non_null(kt_obj(&t, TDM_OBJ_VIRTUAL_SERVER, "tcp 10.1.1.1:80"));
	assert_non_null(kt_obj(&t, TDM_OBJ_REAL_SERVER, "tcp 10.1.1.1:80/10.2.2.2:80"));
	assert_non_null(kt_obj(&t, TDM_OBJ_CHECKER, "tcp 10.1.1.1:80/10.2.2.2:80/TCP_CHECK#0"));
	assert_non_null(kt_obj(&t, TDM_OBJ_CHECKER, "tcp 10.1.1.1:80/10.2.2.2:80/TCP_CHECK#1"));
	assert_non_null(kt_obj(&t, TDM_OBJ_CHECKER, "tcp 10.1.1.1:80/10.2.2.2:80/HTTP_GET#0"));
	assert_non_null(kt_obj(&t, TDM_OBJ_VIRTUAL_SERVER, "fwmark 5"));
	assert_non_null(kt_obj(&t, TDM_OBJ_REAL_SERVER, "fwmark 5/10.3.3.3"));
	assert_non_null(kt_obj(&t, TDM_OBJ_VIRTUAL_SERVER, "udp group G"));
	assert_non_null(kt_obj(&t, TDM_OBJ_VS_GROUP, "G"));
	kt_free(&t);
}

static void test_errors(void **state)
{
	struct kt t;

	(void)state;
	kt_parse(&t,
	         "virtual_server 10.1.1.1 80 {\n"
	         "    lb_algo rrr\n"
	         "    lvs_method TUN type vxlan\n"
	         "    protocol ICMP\n"
	         "    real_server 10.2.2.2 80 {\n"
	         "        weight -1\n"
	         "        BFD_CHECK {\n"
	         "            name b\n"
	         "        }\n"
	         "        HTTP_GET {\n"
	         "            url {\n"
	         "                digest xyz\n"
	         "                status_code 99\n"
	         "            }\n"
	         "        }\n"
	         "        UDP_CHECK {\n"
	         "            payload 0g\n"
	         "        }\n"
	         "    }\n"
	         "    real_server 10.2.2.2 80 {\n"
	         "    }\n"
	         "}\n"
	         "virtual_server 10.1.1.1 80 {\n"
	         "}\n"
	         "virtual_server group NOPE {\n"
	         "}\n"
	         "virtual_server 10.1.1.300 80 {\n"
	         "}\n"
	         "virtual_server 10.1.1.2 {\n"
	         "}\n"
	         "virtual_server_group G2 {\n"
	         "    10.0.0.9-3 80\n"
	         "    10.0.0.1 99999\n"
	         "    fwmark 0\n"
	         "}\n");
	KT_EXPECT(&t, TDM_SEV_ERROR, 2, 13, "expected <scheduler> rr|wrr|lc|wlc|lblc|sh|mh|dh|fo|ovf|lblcr|sed|nq|twos, got 'rrr'");
	KT_EXPECT(&t, TDM_SEV_ERROR, 3, 25, "expected NAT|DR|TUN");
	KT_EXPECT(&t, TDM_SEV_ERROR, 4, 14, "TCP|UDP|SCTP");
	KT_EXPECT(&t, TDM_SEV_ERROR, 6, 16, "expected <weight> 0..2147483647, got '-1'");
	KT_EXPECT(&t, TDM_SEV_ERROR, 7, 9, "'BFD_CHECK' is not supported by tandem");
	KT_EXPECT(&t, TDM_SEV_ERROR, 11, 13, "missing required 'path' in url");
	KT_EXPECT(&t, TDM_SEV_ERROR, 12, 24, "32..32 characters");
	KT_EXPECT(&t, TDM_SEV_ERROR, 13, 29, "within 100..999");
	KT_EXPECT(&t, TDM_SEV_ERROR, 17, 21, "expected hex digits");
	KT_EXPECT(&t, TDM_SEV_ERROR, 20, 17, "duplicate real_server 10.2.2.2 80 in this virtual_server (first at t.conf:5)");
	KT_EXPECT(&t, TDM_SEV_ERROR, 23, 16, "duplicate virtual_server udp 10.1.1.1:80 (first at t.conf:1)");
	KT_EXPECT(&t, TDM_SEV_WARN, 23, 1, "virtual_server 10.1.1.1: no protocol given: UDP is used");
	KT_EXPECT(&t, TDM_SEV_WARN, 25, 1, "virtual_server group NOPE: no protocol given");
	KT_EXPECT(&t, TDM_SEV_ERROR, 25, 22, "no virtual_server_group of that name");
	KT_EXPECT(&t, TDM_SEV_ERROR, 27, 16, "expected 'virtual_server <address> [<port>]'");
	KT_EXPECT(&t, TDM_SEV_WARN, 29, 16, "without a port is only valid when persistent: made persistent (360 s)");
	KT_EXPECT(&t, TDM_SEV_ERROR, 32, 5, "<first>-<last>");
	KT_EXPECT(&t, TDM_SEV_ERROR, 33, 14, "expected <port> 0..65535");
	KT_EXPECT(&t, TDM_SEV_ERROR, 34, 12, "expected fwmark <1..4294967295>");
	kt_free(&t);
}

static void test_fwmark_protocol_and_families(void **state)
{
	struct kt t;

	(void)state;
	kt_parse(&t,
	         "virtual_server fwmark 1 {\n"
	         "    protocol TCP\n"
	         "    real_server 192.168.201.100 {\n"
	         "        TCP_CHECK {\n"
	         "            connect_port 80\n"
	         "        }\n"
	         "    }\n"
	         "}\n"
	         "virtual_server 10.0.0.1 80 {\n"
	         "    real_server 2001:db8::1 80 {\n"
	         "    }\n"
	         "    real_server 2001:db8::2 80 {\n"
	         "        lvs_method TUN\n"
	         "    }\n"
	         "}\n");
	KT_EXPECT(&t, TDM_SEV_WARN, 2, 5, "protocol is ignored for fwmark services");
	KT_EXPECT(&t, TDM_SEV_ERROR, 10, 17, "only tunnelled real servers may differ");
	assert_int_equal(t.d.nerr, 1);
	kt_free(&t);
}

/* keepalived 2.2.7's virtual server weight: the default weight of the real servers that give
 * none, wherever it stands; snmp_name kept; ha_suspend refused (warned) on a fwmark service;
 * a regex that PCRE2 cannot compile (with its regex_options) is an error at load */
static void test_vs_weight_snmp_name_regex(void **state)
{
	struct kt t;
	const struct check_vs_conf *vs;

	(void)state;
	kt_parse(&t,
	         "virtual_server 10.0.0.1 80 {\n"
	         "    protocol TCP\n"
	         "    snmp_name web\n"
	         "    ha_suspend\n"
	         "    real_server 10.0.0.2 80 {\n"
	         "        snmp_name web-a\n"
	         "    }\n"
	         "    real_server 10.0.0.3 80 {\n"
	         "        weight 7\n"
	         "    }\n"
	         "    weight 5\n"
	         "}\n"
	         "virtual_server fwmark 3 {\n"
	         "    ha_suspend\n"
	         "    real_server 10.0.0.4 80 {\n"
	         "    }\n"
	         "}\n");
	KT_EXPECT(&t, TDM_SEV_WARN, 14, 5, "ha_suspend needs an address");
	assert_int_equal(t.d.nerr, 0);
	assert_non_null(t.cfg);
	vs = t.cfg->check->vs[0];
	assert_int_equal(vs->weight, 5);
	assert_int_equal(vs->rs[0]->weight, 5);
	assert_int_equal(vs->rs[1]->weight, 7);
	assert_string_equal(vs->snmp_name, "web");
	assert_string_equal(vs->rs[0]->snmp_name, "web-a");
	assert_true(vs->ha_suspend);
	assert_int_equal(t.cfg->check->vs[1]->rs[0]->weight, 1);
	assert_false(t.cfg->check->vs[1]->ha_suspend);
	kt_free(&t);

	kt_parse(&t,
	         "virtual_server 10.0.0.1 80 {\n"
	         "    protocol TCP\n"
	         "    real_server 10.0.0.2 80 {\n"
	         "        HTTP_GET {\n"
	         "            url {\n"
	         "                path /\n"
	         "                regex \"a(b\"\n"
	         "            }\n"
	         "            url {\n"
	         "                path /\n"
	         "                regex \"(?<x>a)(?<x>b)\"\n"
	         "                regex_options dupnames caseless\n"
	         "                regex_stack 32768 1048576\n"
	         "            }\n"
	         "            url {\n"
	         "                path /\n"
	         "                regex \"(?<x>a)(?<x>b)\"\n"
	         "            }\n"
	         "        }\n"
	         "    }\n"
	         "}\n");
	KT_EXPECT(&t, TDM_SEV_ERROR, 7, 0, "does not compile: missing closing parenthesis");
	KT_EXPECT(&t, TDM_SEV_ERROR, 17, 0, "does not compile: two named subpatterns have the same name");
	assert_int_equal(t.d.nerr, 2);
	kt_free(&t);
}

/* reuse_connection: built into the checker's config; beside http_protocol, an error at the
 * http_protocol line; "reuse_connection off" allows it */
static void test_reuse_connection(void **state)
{
	struct kt t;

	(void)state;
	kt_parse(&t,
	         "virtual_server 10.0.0.1 80 {\n"
	         "    protocol TCP\n"
	         "    real_server 10.0.0.2 80 {\n"
	         "        HTTP_GET {\n"
	         "            url { path / }\n"
	         "            reuse_connection\n"
	         "        }\n"
	         "        SSL_GET {\n"
	         "            url { path / }\n"
	         "            reuse_connection off\n"
	         "            http_protocol 1.1\n"
	         "        }\n"
	         "    }\n"
	         "}\n");
	assert_int_equal(t.d.nerr, 0);
	assert_int_equal(t.cfg->check->vs[0]->rs[0]->checkers[0]->u.http.reuse, 1);
	assert_int_equal(t.cfg->check->vs[0]->rs[0]->checkers[1]->u.http.reuse, 0);
	kt_free(&t);

	kt_parse(&t,
	         "virtual_server 10.0.0.1 80 {\n"
	         "    protocol TCP\n"
	         "    real_server 10.0.0.2 80 {\n"
	         "        HTTP_GET {\n"
	         "            url { path / }\n"
	         "            reuse_connection\n"
	         "            http_protocol 1.0\n"
	         "        }\n"
	         "    }\n"
	         "}\n");
	KT_EXPECT(&t, TDM_SEV_ERROR, 7, 0, "http_protocol beside reuse_connection: a reused "
	          "connection is HTTP/1.1 with keep-alive");
	assert_int_equal(t.d.nerr, 1);
	kt_free(&t);
}

/* SMTP_CHECK's host blocks: one checker conf per host (the SMTP_CHECK's own target unchecked),
 * connection keywords host -> SMTP_CHECK -> real server, the SMTP_CHECK's timing, rise and
 * helo_name for each; a check object per host; deprecated but no longer "not implemented".
 * Keys: different hosts differ, an identical host shares its key (one check), adding a host
 * leaves the keys of the others (their running checks survive a reload), a change of the
 * SMTP_CHECK's own keywords changes them. */
static const char *smtp_hosts_fmt =
	"virtual_server 10.0.0.1 25 {\n"
	"    protocol TCP\n"
	"    real_server 10.0.0.2 25 {\n"
	"        connect_timeout 7\n"
	"        SMTP_CHECK {\n"
	"            connect_port 2525\n"
	"            connect_timeout 3\n"
	"            delay_loop 2\n"
	"            retry 4\n"
	"            rise 2\n"
	"            helo_name mx.test\n"
	"            host {\n"
	"                connect_ip 10.0.0.3\n"
	"            }\n"
	"            host {\n"
	"                connect_port 2526\n"
	"                connect_timeout 1\n"
	"                bindto 10.0.0.9\n"
	"            }\n"
	"%s"
	"        }\n"
	"        SMTP_CHECK {\n"
	"            helo_name plain\n"
	"        }\n"
	"    }\n"
	"}\n";

/* the identity keys of the first real server's checkers (n of them) */
static void smtp_keys(const struct kt *t, struct chk_spec *sp, char **keys, size_t n)
{
	const struct check_vs_conf *vs = t->cfg->check->vs[0];
	struct check_text ti;

	assert_int_equal(check_text_index(&ti, t->cfg), 0);
	assert_int_equal(vs->rs[0]->ncheckers, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(check_spec_build(t->cfg, vs, vs->rs[0], vs->rs[0]->checkers[i], &ti,
		                                  &sp[i], &keys[i]), 0);
	check_text_free(&ti);
}

static void test_smtp_hosts(void **state)
{
	char text[2048];
	struct kt t;
	const struct check_checker_conf *const *k;
	struct chk_spec sp[4];
	char *keys[3], *keys2[4];
	char a[INET_ADDRSTRLEN];

	(void)state;
	snprintf(text, sizeof(text), smtp_hosts_fmt, "");
	kt_parse(&t, text);
	KT_EXPECT(&t, TDM_SEV_WARN, 12, 13, "'host' is deprecated: each host is checked as a separate check");
	KT_EXPECT(&t, TDM_SEV_WARN, 15, 13, "'host' is deprecated");
	for (size_t i = 0; i < t.d.n; i++)
		assert_null(strstr(t.d.v[i].msg, "not implemented"));
	assert_int_equal(t.d.nerr, 0);
	assert_int_equal(kt_nwarn(&t), 2);
	assert_non_null(kt_obj(&t, TDM_OBJ_CHECKER, "tcp 10.0.0.1:25/10.0.0.2:25/SMTP_CHECK#0/host#0"));
	assert_non_null(kt_obj(&t, TDM_OBJ_CHECKER, "tcp 10.0.0.1:25/10.0.0.2:25/SMTP_CHECK#0/host#1"));
	assert_non_null(kt_obj(&t, TDM_OBJ_CHECKER, "tcp 10.0.0.1:25/10.0.0.2:25/SMTP_CHECK#1"));

	k = (const struct check_checker_conf *const *)t.cfg->check->vs[0]->rs[0]->checkers;
	assert_int_equal(t.cfg->check->vs[0]->rs[0]->ncheckers, 3);
	/* host 0: its connect_ip; the SMTP_CHECK's port, timeout, timing and helo_name */
	assert_int_equal(k[0]->kind, CHECK_SMTP);
	assert_string_equal(k[0]->node->kw, "host");
	assert_int_equal(k[0]->index, 0);
	assert_true(k[0]->has_connect_ip);
	inet_ntop(AF_INET, &k[0]->connect_ip.u.v4, a, sizeof(a));
	assert_string_equal(a, "10.0.0.3");
	assert_int_equal(k[0]->connect_port, 2525);
	assert_false(k[0]->has_bindto);
	assert_int_equal(k[0]->t.connect_timeout_us, 3000000);
	assert_int_equal(k[0]->t.delay_loop_us, 2000000);
	assert_int_equal(k[0]->t.retry, 4);
	assert_string_equal(k[0]->u.smtp.helo_name, "mx.test");
	/* host 1: its port, timeout and bindto; the real server's address */
	assert_string_equal(k[1]->node->kw, "host");
	assert_int_equal(k[1]->index, 0);
	assert_false(k[1]->has_connect_ip);
	assert_int_equal(k[1]->connect_port, 2526);
	assert_int_equal(k[1]->t.connect_timeout_us, 1000000);
	assert_true(k[1]->has_bindto);
	assert_int_equal(k[1]->t.delay_loop_us, 2000000);
	assert_int_equal(k[1]->t.retry, 4);
	assert_string_equal(k[1]->u.smtp.helo_name, "mx.test");
	/* an SMTP_CHECK without hosts checks its own target as before */
	assert_string_equal(k[2]->node->kw, "SMTP_CHECK");
	assert_int_equal(k[2]->index, 1);
	assert_int_equal(k[2]->connect_port, -1);
	assert_string_equal(k[2]->u.smtp.helo_name, "plain");

	smtp_keys(&t, sp, keys, 3);
	assert_string_equal(sp[0].target, "10.0.0.3:2525");
	assert_int_equal(sp[0].connect_timeout_us, 3000000);
	assert_int_equal(sp[0].delay_loop_us, 2000000);
	assert_int_equal(sp[0].fall, 5);
	assert_int_equal(sp[0].rise, 2);
	assert_string_equal(sp[1].target, "10.0.0.2:2526");
	assert_int_equal(sp[1].connect_timeout_us, 1000000);
	assert_int_equal(sp[1].rise, 2);
	assert_string_equal(sp[2].target, "10.0.0.2:25");
	assert_int_equal(sp[2].connect_timeout_us, 7000000);
	assert_int_equal(sp[2].rise, 1);
	assert_string_not_equal(keys[0], keys[1]);
	assert_string_not_equal(keys[0], keys[2]);
	kt_free(&t);

	/* a third host, the same as the first */
	snprintf(text, sizeof(text), smtp_hosts_fmt,
	         "            host {\n                connect_ip 10.0.0.3\n            }\n");
	kt_parse(&t, text);
	assert_int_equal(t.d.nerr, 0);
	smtp_keys(&t, sp, keys2, 4);
	assert_string_equal(keys2[0], keys[0]);
	assert_string_equal(keys2[1], keys[1]);
	assert_string_equal(keys2[2], keys[0]);
	assert_string_equal(keys2[3], keys[2]);
	for (size_t i = 0; i < 4; i++)
		free(keys2[i]);
	kt_free(&t);

	/* the SMTP_CHECK's own keywords (helo_name) are part of every host's identity */
	snprintf(text, sizeof(text), smtp_hosts_fmt, "");
	memcpy(strstr(text, "mx.test"), "mx.tset", 7);
	kt_parse(&t, text);
	assert_int_equal(t.d.nerr, 0);
	smtp_keys(&t, sp, keys2, 3);
	assert_string_equal(t.cfg->check->vs[0]->rs[0]->checkers[0]->u.smtp.helo_name, "mx.tset");
	assert_string_not_equal(keys2[0], keys[0]);
	assert_string_not_equal(keys2[1], keys[1]);
	assert_string_equal(keys2[2], keys[2]);
	for (size_t i = 0; i < 3; i++) {
		free(keys[i]);
		free(keys2[i]);
	}
	kt_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_and_identities),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_fwmark_protocol_and_families),
		cmocka_unit_test(test_vs_weight_snmp_name_regex),
		cmocka_unit_test(test_reuse_connection),
		cmocka_unit_test(test_smtp_hosts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
