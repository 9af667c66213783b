/* tests/unit/test_ipvs_desired.c - the desired IPVS table from config (director/ipvs_desired):
 * keys and attributes of address, fwmark and group services (IPv4 and IPv6 ranges, fwmark
 * entries with their family), real server ports and methods (TUN type, port, checksum
 * flags), the weight callback leaving servers out, the sorry server, thresholds, and the
 * problems: a service configured twice, an unknown group, origins with object and line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <sys/socket.h>
#include "tests/unit/ipvs_fake.h"
#include "director/ipvs_desired.h"
#include "healthcheck/check_conf.h"

static struct dir_ipvs_svc *svc4(struct dir_ipvs_desired *d, int proto, const char *a, int port)
{
	struct dir_ipvs_svc_key k;
	struct in_addr x;

	inet_pton(AF_INET, a, &x);
	dir_ipvs_svc_key_inet(&k, AF_INET, proto, &x, (uint16_t)port);
	return dir_ipvs_svc_find(&d->table, &k);
}

static struct dir_ipvs_dest *dest(struct dir_ipvs_svc *s, int af, const char *a, int port)
{
	struct dir_ipvs_dest_key k;
	union dir_ipvs_addr x;

	if (!s)
		return NULL;
	memset(&x, 0, sizeof(x));
	inet_pton(af, a, &x);
	dir_ipvs_dest_key_set(&k, af, &x, (uint16_t)port);
	return dir_ipvs_dest_find(s, &k);
}

static const char *conf =
	"virtual_server_group g6 {\n"
	"    2001:db8::10-12 443\n"
	"    fwmark 3 inet6\n"
	"}\n"
	"virtual_server group g6 {\n"                 /* line 5 */
	"    protocol TCP\n"
	"    lb_algo mh\n"
	"    mh-port\n"
	"    lb_kind TUN type gue port 6080 csum\n"
	"    real_server 10.2.0.1 443 {\n"           /* an IPv4 real server in IPv6 services */
	"        weight 7\n"
	"    }\n"
	"}\n"
	"virtual_server 10.0.0.1 80 {\n"              /* line 14 */
	"    protocol TCP\n"
	"    lb_kind DR\n"
	"    persistence_timeout 60\n"
	"    persistence_granularity 24\n"
	"    sorry_server 10.3.0.1 8080\n"
	"    real_server 10.1.0.1 {\n"                /* no port: the service's */
	"        uthreshold 100\n"
	"        lthreshold 10\n"
	"    }\n"
	"    real_server 10.1.0.2 80 {\n"
	"        lvs_method NAT\n"
	"    }\n"
	"}\n"
	"virtual_server_group dup {\n"
	"    10.0.0.1 80\n"
	"}\n"
	"virtual_server group dup {\n"                /* line 31: 10.0.0.1:80 again */
	"    protocol TCP\n"
	"    real_server 10.1.0.9 80 {\n"
	"    }\n"
	"}\n";

static int weight_cb(void *arg, const char *rs_id, const struct check_vs_conf *vs,
		     const struct check_rs_conf *rs)
{
	return strstr(rs_id, "10.1.0.2") ? -1 : rs->weight;   /* 10.1.0.2 is down */
}

static int sorry_cb(void *arg, const char *vs_id)
{
	return !strcmp(vs_id, "tcp 10.0.0.1:80");
}

static void test_build(void **state)
{
	struct test_cfg t;
	struct dir_ipvs_desired d;
	struct dir_ipvs_svc_key k;
	struct dir_ipvs_svc *s;
	struct dir_ipvs_dest *x;
	union dir_ipvs_addr a6;
	const struct dir_ipvs_origin *o;

	assert_int_equal(test_cfg_load(&t, "t.conf", conf), 0);
	dir_ipvs_desired_init(&d);
	assert_int_equal(dir_ipvs_desired_build(&d, t.cfg, weight_cb, sorry_cb, NULL), 0);

	/* the IPv6 range: three services + the IPv6 fwmark, each with the IPv4 TUN server */
	memset(&a6, 0, sizeof(a6));
	inet_pton(AF_INET6, "2001:db8::11", &a6);
	dir_ipvs_svc_key_inet(&k, AF_INET6, IPPROTO_TCP, &a6, 443);
	s = dir_ipvs_svc_find(&d.table, &k);
	assert_non_null(s);
	assert_string_equal(s->sched, "mh");
	assert_int_equal(s->flags, IP_VS_SVC_F_SCHED2);
	assert_int_equal(s->netmask, 128);
	x = dest(s, AF_INET, "10.2.0.1", 443);
	assert_non_null(x);
	assert_int_equal(x->fwd, IP_VS_CONN_F_TUNNEL);
	assert_int_equal(x->tun_type, IP_VS_CONN_F_TUNNEL_TYPE_GUE);
	assert_int_equal(x->tun_port, 6080);
	assert_int_equal(x->tun_flags, IP_VS_TUNNEL_ENCAP_FLAG_CSUM);
	assert_int_equal(x->weight, 7);
	inet_pton(AF_INET6, "2001:db8::13", &a6);
	dir_ipvs_svc_key_inet(&k, AF_INET6, IPPROTO_TCP, &a6, 443);
	assert_null(dir_ipvs_svc_find(&d.table, &k));
	dir_ipvs_svc_key_fwmark(&k, AF_INET6, 3);
	s = dir_ipvs_svc_find(&d.table, &k);
	assert_non_null(s);
	assert_non_null(dest(s, AF_INET, "10.2.0.1", 443));

	/* the address service: persistence /24, DR, thresholds, port inherited, NAT override,
	 * 10.1.0.2 left out by the callback, the sorry server in */
	s = svc4(&d, IPPROTO_TCP, "10.0.0.1", 80);
	assert_non_null(s);
	assert_int_equal(s->flags, IP_VS_SVC_F_PERSISTENT);
	assert_int_equal(s->timeout, 60);
	assert_int_equal(s->netmask, htonl(0xffffff00));
	x = dest(s, AF_INET, "10.1.0.1", 80);
	assert_non_null(x);
	assert_int_equal(x->fwd, IP_VS_CONN_F_DROUTE);
	assert_int_equal(x->u_thresh, 100);
	assert_int_equal(x->l_thresh, 10);
	assert_null(dest(s, AF_INET, "10.1.0.2", 80));
	x = dest(s, AF_INET, "10.3.0.1", 8080);
	assert_non_null(x);
	o = dir_ipvs_desired_origin(&d, x->tag);
	assert_non_null(o);
	assert_true(o->is_sorry);
	o = dir_ipvs_desired_origin(&d, dest(s, AF_INET, "10.1.0.1", 80)->tag);
	assert_string_equal(o->id, "tcp 10.0.0.1:80/10.1.0.1");
	assert_true(o->is_rs);
	assert_int_equal(o->line, 20);
	o = dir_ipvs_desired_origin(&d, s->tag);
	assert_string_equal(o->id, "tcp 10.0.0.1:80");
	assert_int_equal(o->line, 14);

	/* the group dup asks for 10.0.0.1:80 again: a problem naming both */
	assert_int_equal(d.nproblems, 1);
	o = dir_ipvs_desired_origin(&d, d.problems[0].tag);
	assert_string_equal(o->id, "tcp group dup");
	assert_int_equal(o->line, 31);
	assert_non_null(strstr(d.problems[0].what, "TCP 10.0.0.1:80 is also configured by tcp 10.0.0.1:80"));
	assert_null(dest(s, AF_INET, "10.1.0.9", 80));

	dir_ipvs_desired_free(&d);
	test_cfg_free(&t);
}

static void test_defaults(void **state)
{
	static const char *c2 =
		"virtual_server fwmark 9 {\n"
		"    real_server 10.1.0.1 0 {\n"
		"    }\n"
		"}\n";
	struct test_cfg t;
	struct dir_ipvs_desired d;
	struct dir_ipvs_svc_key k;
	struct dir_ipvs_svc *s;

	assert_int_equal(test_cfg_load(&t, "t.conf", c2), 0);
	dir_ipvs_desired_init(&d);
	assert_int_equal(dir_ipvs_desired_build(&d, t.cfg, NULL, NULL, NULL), 0);
	dir_ipvs_svc_key_fwmark(&k, AF_INET, 9);
	s = dir_ipvs_svc_find(&d.table, &k);
	assert_non_null(s);
	assert_string_equal(s->sched, "wlc");           /* keepalived's default */
	assert_int_equal(s->ndests, 1);
	assert_int_equal(s->dests[0].fwd, IP_VS_CONN_F_MASQ);
	assert_int_equal(s->dests[0].weight, 1);
	assert_int_equal(d.nproblems, 0);
	dir_ipvs_desired_free(&d);
	test_cfg_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_defaults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
