/* tests/unit/test_ipvs_doctor.c - `tandemctl doctor`'s checks (director/ipvs_doctor) with a
 * fake /proc and fake local addresses: which director settings each method needs, their
 * verdicts and fixes, the ARP checks only when the director is itself a DR/TUN real server,
 * and the real-server steps per service and method (VIPs of groups and fwmarks). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include "tests/unit/ipvs_fake.h"
#include "director/ipvs_doctor.h"

struct fake_proc {
	const char *path[8], *val[8];
	int n;
	const char *local;          /* the one local IPv4 address, or NULL */
};

static int fp_read(void *arg, const char *path, char *buf, size_t len)
{
	struct fake_proc *p = arg;

	for (int i = 0; i < p->n; i++) {
		if (!strcmp(p->path[i], path)) {
			snprintf(buf, len, "%s", p->val[i]);
			return 0;
		}
	}
	return -1;
}

static int fp_local(void *arg, const struct tdm_addr *a)
{
	struct fake_proc *p = arg;
	struct in_addr x;

	return p->local && a->family == AF_INET && inet_pton(AF_INET, p->local, &x) == 1 &&
	       x.s_addr == a->u.v4.s_addr;
}

static json_object *check_named(json_object *r, const char *name)
{
	json_object *c = NULL, *v;

	json_object_object_get_ex(r, "checks", &c);
	for (size_t i = 0; c && i < json_object_array_length(c); i++) {
		json_object *o = json_object_array_get_idx(c, i);

		if (json_object_object_get_ex(o, "check", &v) &&
		    !strcmp(json_object_get_string(v), name))
			return o;
	}
	return NULL;
}

static int ok_of(json_object *o)
{
	json_object *v;

	return o && json_object_object_get_ex(o, "ok", &v) && json_object_get_boolean(v);
}

static const char *conf =
	"virtual_server_group web {\n"
	"    10.0.0.10-12 80\n"
	"    fwmark 5\n"
	"}\n"
	"virtual_server group web {\n"
	"    protocol TCP\n"
	"    lb_kind DR\n"
	"    real_server 10.1.0.1 80 {\n"
	"    }\n"
	"    real_server 10.1.0.2 80 {\n"
	"        lvs_method TUN\n"
	"    }\n"
	"}\n"
	"virtual_server 10.0.0.1 80 {\n"
	"    protocol TCP\n"
	"    real_server 10.2.0.1 80 {\n"
	"    }\n"
	"}\n";

static void test_doctor(void **state)
{
	struct fake_proc p = { .n = 2,
		.path = { "/proc/net/ip_vs", "/proc/sys/net/ipv4/ip_forward" },
		.val = { "IP Virtual Server version 1.2.1 (size=4096)", "0" } };
	struct dir_doctor_env env = { fp_read, fp_local, &p };
	struct test_cfg t;
	json_object *r, *c, *rs, *v;
	const char *txt;

	assert_int_equal(test_cfg_load(&t, "t.conf", conf), 0);
	r = dir_ipvs_doctor(t.cfg, &env);
	assert_true(ok_of(check_named(r, "IPVS in the kernel")));
	c = check_named(r, "IPv4 forwarding (NAT)");
	assert_false(ok_of(c));
	assert_true(json_object_object_get_ex(c, "fix", &v));
	assert_string_equal(json_object_get_string(v), "sysctl -w net.ipv4.ip_forward=1");
	assert_null(check_named(r, "arp_ignore (the director is also a real server)"));
	assert_true(json_object_object_get_ex(r, "problems", &v));
	assert_int_equal(json_object_get_int(v), 1);
	assert_true(json_object_object_get_ex(r, "real_servers", &rs));
	assert_int_equal(json_object_array_length(rs), 3);     /* DR, TUN, NAT */
	txt = json_object_to_json_string_ext(rs, JSON_C_TO_STRING_PLAIN |
					     JSON_C_TO_STRING_NOSLASHESCAPE);
	assert_non_null(strstr(txt, "\"vips\":[\"10.0.0.10-10.0.0.12\",\"(the addresses your "
			       "fwmark 5 rule marks)\"]"));
	assert_non_null(strstr(txt, "\"method\":\"TUN\""));
	assert_non_null(strstr(txt, "ip addr add <VIP>/32 dev tunl0"));
	json_object_put(r);

	/* forwarding on; the director holds 10.1.0.1 (a DR real server): ARP checks appear */
	p.val[1] = "1";
	p.local = "10.1.0.1";
	p.path[2] = "/proc/sys/net/ipv4/conf/all/arp_ignore";
	p.val[2] = "1";
	p.path[3] = "/proc/sys/net/ipv4/conf/all/arp_announce";
	p.val[3] = "0";
	p.n = 4;
	r = dir_ipvs_doctor(t.cfg, &env);
	assert_true(ok_of(check_named(r, "IPv4 forwarding (NAT)")));
	assert_true(ok_of(check_named(r, "arp_ignore (the director is also a real server)")));
	assert_false(ok_of(check_named(r, "arp_announce (the director is also a real server)")));
	json_object_put(r);

	/* no IPVS */
	p.n = 0;
	r = dir_ipvs_doctor(t.cfg, &env);
	assert_false(ok_of(check_named(r, "IPVS in the kernel")));
	json_object_put(r);
	test_cfg_free(&t);
}

/* FNAT: forwarding and net.ipv4.vs.conntrack checked; the real servers need nothing */
static void test_doctor_fnat(void **state)
{
	struct fake_proc p = { .n = 3,
		.path = { "/proc/net/ip_vs", "/proc/sys/net/ipv4/ip_forward",
			  "/proc/sys/net/ipv4/vs/conntrack" },
		.val = { "IP Virtual Server version 1.2.1 (size=4096)", "1", "0" } };
	struct dir_doctor_env env = { fp_read, fp_local, &p };
	struct test_cfg t;
	json_object *r, *c, *v;
	const char *txt;

	assert_int_equal(test_cfg_load(&t, "t.conf",
		"virtual_server 10.0.0.1 80 {\n"
		"    protocol TCP\n"
		"    lb_kind FNAT\n"
		"    real_server 10.2.0.1 80 {\n"
		"    }\n"
		"}\n"), 0);
	r = dir_ipvs_doctor(t.cfg, &env);
	assert_true(ok_of(check_named(r, "IPv4 forwarding (NAT)")));
	c = check_named(r, "IPVS connection tracking (FNAT)");
	assert_false(ok_of(c));
	assert_true(json_object_object_get_ex(c, "fix", &v));
	assert_string_equal(json_object_get_string(v), "sysctl -w net.ipv4.vs.conntrack=1");
	txt = json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN);
	assert_non_null(strstr(txt, "\"method\":\"FNAT\""));
	assert_non_null(strstr(txt, "need no route back to the clients"));
	json_object_put(r);
	p.val[2] = "1";
	r = dir_ipvs_doctor(t.cfg, &env);
	assert_true(ok_of(check_named(r, "IPVS connection tracking (FNAT)")));
	assert_true(json_object_object_get_ex(r, "problems", &v));
	assert_int_equal(json_object_get_int(v), 0);
	json_object_put(r);
	test_cfg_free(&t);

	/* no FNAT: no conntrack check */
	assert_int_equal(test_cfg_load(&t, "t.conf", conf), 0);
	r = dir_ipvs_doctor(t.cfg, &env);
	assert_null(check_named(r, "IPVS connection tracking (FNAT)"));
	json_object_put(r);
	test_cfg_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doctor),
		cmocka_unit_test(test_doctor_fnat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
