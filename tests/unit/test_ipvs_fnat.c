/* tests/unit/test_ipvs_fnat.c - FULLNAT (lb_kind FNAT): the nftables rules built from the
 * desired table (which real servers, match on the conntrack original tuple or the fwmark,
 * snat to fnat_source or masquerade, IPv4 and IPv6, groups), the atomic replace script, and
 * the reconcile engine's use of them over the recording fake: applied before the IPVS table
 * at start, untouched by reloads and checker verdicts that do not change them, rewritten
 * when an FNAT real server comes or goes, conntrack set, removed at stop (kept with
 * ipvs_keep_on_stop), a leftover table removed at start without FNAT, nft failures reported
 * and retried. The scripts are also checked by libnftables itself (dry run) where the
 * kernel has nf_tables. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <nftables/libnftables.h>
#include "director/ipvs_desired.h"
#include "director/ipvs_fnat.h"
#include "tests/unit/ipvs_fake.h"

#define SEC 1000000000ull

static const char *const fnat_conf =
	"virtual_server 10.0.1.100 80 {\n"
	"    lb_algo rr\n"
	"    lb_kind FNAT\n"
	"    fnat_source 10.0.2.1\n"
	"    protocol TCP\n"
	"    real_server 10.0.2.2 80 {\n"
	"    }\n"
	"    real_server 10.0.2.3 8080 {\n"
	"        weight 2\n"
	"    }\n"
	"    real_server 10.0.2.4 80 {\n"
	"        lvs_method NAT\n"
	"    }\n"
	"}\n"
	"virtual_server 10.0.1.101 53 {\n"
	"    lb_kind NAT\n"
	"    protocol UDP\n"
	"    real_server 10.0.3.2 53 {\n"
	"        lvs_method FNAT\n"
	"    }\n"
	"    real_server 10.0.3.3 53 {\n"
	"    }\n"
	"}\n"
	"virtual_server fwmark 7 {\n"
	"    lb_kind FNAT\n"
	"    real_server 10.0.4.2 0 {\n"
	"    }\n"
	"}\n"
	"virtual_server fd00::100 443 {\n"
	"    lb_kind FNAT\n"
	"    protocol TCP\n"
	"    fnat_source fd00:2::1\n"
	"    real_server fd00:2::2 443 {\n"
	"    }\n"
	"}\n"
	"virtual_server 10.0.5.100 80 {\n"
	"    lb_kind DR\n"
	"    protocol TCP\n"
	"    real_server 10.0.5.2 80 {\n"
	"    }\n"
	"}\n";

static char *replace(const char *text, const char *from, const char *to)
{
	const char *p = strstr(text, from);
	size_t a, b, c;
	char *out;

	assert_non_null(p);
	a = (size_t)(p - text);
	b = strlen(to);
	c = strlen(p + strlen(from));
	out = malloc(a + b + c + 1);
	assert_non_null(out);
	memcpy(out, text, a);
	memcpy(out + a, to, b);
	memcpy(out + a + b, p + strlen(from), c + 1);
	return out;
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

/* libnftables parses and (dry run) checks the script against the kernel; 1 ok, 0 refused,
 * -1 not checkable here (no nf_tables, no permission) */
static int nft_dry_run(const char *script, char *err, size_t len)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	int rc;

	if (!ctx)
		return -1;
	nft_ctx_buffer_output(ctx);
	nft_ctx_buffer_error(ctx);
	nft_ctx_set_dry_run(ctx, true);
	rc = nft_run_cmd_from_buffer(ctx, script);
	snprintf(err, len, "%s", nft_ctx_get_error_buffer(ctx));
	nft_ctx_free(ctx);
	if (rc == 0)
		return 1;
	if (strstr(err, "Operation not permitted") || strstr(err, "Protocol not supported") ||
	    strstr(err, "No such file or directory"))
		return -1;
	return 0;
}

static void test_rules_text(void **state)
{
	struct test_cfg t;
	struct dir_ipvs_desired d;
	size_t n = 0;
	char *rules, *script, err[1024];
	int dry;

	assert_int_equal(test_cfg_load(&t, "/etc/tandem/fnat.conf", fnat_conf), 0);
	dir_ipvs_desired_init(&d);
	assert_int_equal(dir_ipvs_desired_build(&d, t.cfg, NULL, NULL, NULL), 0);
	assert_int_equal(d.nproblems, 0);
	assert_true(dir_ipvs_fnat_any(&d.table));
	rules = dir_ipvs_fnat_rules(&d.table, &n);
	assert_non_null(rules);
	printf("%s", rules);
	assert_int_equal(n, 4);
	/* the TCP service: its two FNAT real servers, not the NAT one, snat to the source */
	assert_non_null(strstr(rules, "meta l4proto tcp ct original ip daddr 10.0.1.100 "
			       "ct original proto-dst 80 ip daddr . th dport {\n"
			       "\t\t\t10.0.2.2 . 80,\n\t\t\t10.0.2.3 . 8080 } "
			       "snat ip to 10.0.2.1 comment \"TCP 10.0.1.100:80\"\n"));
	assert_null(strstr(rules, "10.0.2.4"));
	/* an FNAT real server of a NAT service, masqueraded (no fnat_source) */
	assert_non_null(strstr(rules, "meta l4proto udp ct original ip daddr 10.0.1.101 "
			       "ct original proto-dst 53 ip daddr . th dport {\n"
			       "\t\t\t10.0.3.2 . 53 } masquerade comment \"UDP 10.0.1.101:53\"\n"));
	assert_null(strstr(rules, "10.0.3.3"));
	/* fwmark: by mark, real server without port: by address */
	assert_non_null(strstr(rules, "meta mark 0x7 ip daddr {\n\t\t\t10.0.4.2 } masquerade "
			       "comment \"FWM 7\"\n"));
	/* IPv6 */
	assert_non_null(strstr(rules, "meta l4proto tcp ct original ip6 daddr fd00::100 "
			       "ct original proto-dst 443 ip6 daddr . th dport {\n"
			       "\t\t\tfd00:2::2 . 443 } snat ip6 to fd00:2::1 comment "
			       "\"TCP [fd00::100]:443\"\n"));
	assert_null(strstr(rules, "10.0.5."));

	script = dir_ipvs_fnat_script(rules);
	assert_non_null(script);
	assert_non_null(strstr(script, "add table inet tandem_fnat\n"
			       "delete table inet tandem_fnat\n"
			       "table inet tandem_fnat {\n\tchain postrouting {\n"
			       "\t\ttype nat hook postrouting priority srcnat; policy accept;\n"));
	dry = nft_dry_run(script, err, sizeof(err));
	if (dry < 0)
		printf("(nft dry run not possible here: %s)\n", err);
	else
		assert_true(dry == 1 || (printf("nft: %s\n", err), 0));
	free(script);
	free(rules);

	/* nothing FNAT: no rules, and the script only removes the table */
	rules = dir_ipvs_fnat_rules(&(struct dir_ipvs_table){ 0 }, &n);
	assert_string_equal(rules, "");
	assert_int_equal(n, 0);
	script = dir_ipvs_fnat_script(rules);
	assert_string_equal(script, "add table inet tandem_fnat\ndelete table inet tandem_fnat\n");
	free(script);
	free(rules);
	dir_ipvs_desired_free(&d);
	test_cfg_free(&t);
}

static void test_source_family_mismatch(void **state)
{
	struct test_cfg t;
	struct dir_ipvs_desired d;
	char *rules;

	assert_int_equal(test_cfg_load(&t, "/etc/tandem/fnat.conf",
		"virtual_server fd00::100 80 {\n"
		"    lb_kind FNAT\n"
		"    protocol TCP\n"
		"    fnat_source 10.0.0.1\n"
		"    real_server fd00::2 80 {\n"
		"    }\n"
		"}\n"), 0);
	dir_ipvs_desired_init(&d);
	assert_int_equal(dir_ipvs_desired_build(&d, t.cfg, NULL, NULL, NULL), 0);
	assert_int_equal(d.nproblems, 1);
	assert_non_null(strstr(d.problems[0].what, "fnat_source is not of the family"));
	rules = dir_ipvs_fnat_rules(&d.table, NULL);
	assert_non_null(strstr(rules, "masquerade"));
	free(rules);
	/* IPVS itself sees plain NAT */
	assert_int_equal(d.table.svcs[0]->dests[0].fwd, IP_VS_CONN_F_MASQ);
	dir_ipvs_desired_free(&d);
	test_cfg_free(&t);
}

struct env {
	struct fake_kernel f;
	struct dir_ipvs_io io;
	struct dir_ipvs_ctl *c;
	struct test_cfg t;
};

static void env_start(struct env *e, const char *text, int keep)
{
	struct dir_ipvs_ctl_opts o;

	fake_init(&e->f, &e->io);
	assert_int_equal(test_cfg_load(&e->t, "/etc/tandem/fnat.conf", text), 0);
	dir_ipvs_ctl_opts_from_config(e->t.cfg, &o);
	o.drain_ns = 0;
	o.keep_on_stop = keep;
	e->c = dir_ipvs_ctl_new(&e->io, &o);
	assert_non_null(e->c);
}

static int env_reload(struct env *e, const char *text)
{
	struct test_cfg nt;
	int rc;

	assert_int_equal(test_cfg_load(&nt, "/etc/tandem/fnat.conf", text), 0);
	rc = dir_ipvs_ctl_reload(e->c, nt.cfg, 5 * SEC);
	test_cfg_free(&e->t);
	e->t = nt;
	return rc;
}

static void env_free(struct env *e)
{
	dir_ipvs_ctl_free(e->c);
	test_cfg_free(&e->t);
	fake_free(&e->f);
}

static void test_engine_life_cycle(void **state)
{
	struct env e;
	char *conf2, *conf3;
	json_object *st, *v;

	env_start(&e, fnat_conf, 0);
	assert_int_equal(dir_ipvs_ctl_start(e.c, e.t.cfg, 0), 0);
	/* one transaction with every rule, conntrack switched on */
	assert_int_equal(e.f.nft_calls, 1);
	assert_int_equal(count(e.f.nft_last, "comment"), 4);
	assert_int_equal(e.f.ct_sets, 1);
	assert_int_equal(e.f.ct_val, 1);
	/* IPVS got plain NAT for the FNAT real servers */
	assert_int_equal(dir_ipvs_table_ndests(&e.f.k), 8);
	st = dir_ipvs_ctl_status(e.c, 0, 0);
	assert_true(json_object_object_get_ex(st, "fnat", &v));
	assert_int_equal(json_object_get_int(json_object_object_get(v, "rules")), 4);
	assert_int_equal(json_object_get_int(json_object_object_get(v, "conntrack")), 1);
	assert_non_null(strstr(json_object_to_json_string_ext(st, JSON_C_TO_STRING_PLAIN), "\"fnat\":true"));
	json_object_put(st);

	/* the same config again, a weight change, a checker verdict: no nft call */
	assert_int_equal(env_reload(&e, fnat_conf), 0);
	conf2 = replace(fnat_conf, "weight 2", "weight 5");
	assert_int_equal(env_reload(&e, conf2), 0);
	assert_int_equal(dir_ipvs_ctl_rs_state(e.c, "tcp 10.0.1.100:80/10.0.2.2:80", 0, -1, 6 * SEC), 0);
	assert_int_equal(e.f.nft_calls, 1);
	/* a new FNAT real server: one nft call with it in */
	conf3 = replace(conf2, "    real_server 10.0.2.4 80 {\n        lvs_method NAT\n",
			"    real_server 10.0.2.5 80 {\n    }\n    real_server 10.0.2.4 80 {\n"
			"        lvs_method NAT\n");
	assert_int_equal(env_reload(&e, conf3), 0);
	assert_int_equal(e.f.nft_calls, 2);
	assert_non_null(strstr(e.f.nft_last, "10.0.2.5 . 80"));
	assert_non_null(strstr(e.f.nft_last, "10.0.2.2 . 80"));  /* down, still in the rules */
	assert_int_equal(e.f.ct_sets, 1);

	/* stop: IPVS entries gone, the table removed */
	assert_int_equal(dir_ipvs_ctl_stop(e.c), 0);
	assert_int_equal(e.f.nft_calls, 3);
	assert_string_equal(e.f.nft_last, "add table inet tandem_fnat\ndelete table inet tandem_fnat\n");
	assert_int_equal(dir_ipvs_table_ndests(&e.f.k), 0);
	free(conf2);
	free(conf3);
	env_free(&e);
}

static void test_keep_on_stop_and_leftover(void **state)
{
	struct env e;

	env_start(&e, fnat_conf, 1);
	assert_int_equal(dir_ipvs_ctl_start(e.c, e.t.cfg, 0), 0);
	assert_int_equal(dir_ipvs_ctl_stop(e.c), 0);
	assert_int_equal(e.f.nft_calls, 1);     /* kept with the IPVS entries it serves */
	env_free(&e);

	/* a config without FNAT removes what an earlier run left; conntrack untouched */
	env_start(&e, "virtual_server 10.0.5.100 80 {\n    lb_kind NAT\n    protocol TCP\n"
		  "    real_server 10.0.5.2 80 {\n    }\n}\n", 0);
	assert_int_equal(dir_ipvs_ctl_start(e.c, e.t.cfg, 0), 0);
	assert_int_equal(e.f.nft_calls, 1);
	assert_string_equal(e.f.nft_last, "add table inet tandem_fnat\ndelete table inet tandem_fnat\n");
	assert_int_equal(e.f.ct_sets, 0);
	/* ... and never again: reloads and stop leave nftables alone */
	assert_int_equal(dir_ipvs_ctl_stop(e.c), 0);
	assert_int_equal(e.f.nft_calls, 1);
	env_free(&e);

	/* no FNAT and nftables unusable: no error (there is nothing to remove) */
	env_start(&e, "virtual_server 10.0.5.100 80 {\n    lb_kind NAT\n    protocol TCP\n"
		  "    real_server 10.0.5.2 80 {\n    }\n}\n", 0);
	e.f.nft_fail = "Could not process rule: Operation not supported";
	assert_int_equal(dir_ipvs_ctl_start(e.c, e.t.cfg, 0), 0);
	assert_int_equal(dir_ipvs_ctl_nerrors(e.c), 0);
	env_free(&e);
}

static void test_failures_reported_and_retried(void **state)
{
	struct env e;
	json_object *st, *v;

	env_start(&e, fnat_conf, 0);
	e.f.nft_fail = "Error: Could not process rule: No such file or directory";
	e.f.ct_locked = 1;
	assert_int_equal(dir_ipvs_ctl_start(e.c, e.t.cfg, 0), -1);
	assert_int_equal(dir_ipvs_ctl_nerrors(e.c), 1);
	assert_non_null(strstr(dir_ipvs_ctl_error(e.c, 0), "FNAT: nftables table inet "
			       "tandem_fnat: Error: Could not process rule"));
	/* IPVS itself was programmed */
	assert_int_equal(dir_ipvs_table_ndests(&e.f.k), 8);
	st = dir_ipvs_ctl_status(e.c, 0, 0);
	assert_true(json_object_object_get_ex(st, "fnat", &v));
	assert_true(json_object_object_get_ex(v, "error", NULL));
	json_object_put(st);
	/* the same config on reload: tried again (the state is unknown), conntrack reported */
	e.f.nft_fail = NULL;
	assert_int_equal(env_reload(&e, fnat_conf), -1);
	assert_int_equal(e.f.nft_calls, 2);
	assert_non_null(strstr(dir_ipvs_ctl_error(e.c, 0), "net.ipv4.vs.conntrack is not 1"));
	/* conntrack fixed by hand: the next reload with a change is clean */
	e.f.ct_locked = 0;
	e.f.ct_val = 1;
	{
		char *c2 = replace(fnat_conf, "10.0.2.3 8080", "10.0.2.3 8081");

		assert_int_equal(env_reload(&e, c2), 0);
		assert_int_equal(e.f.nft_calls, 3);
		assert_int_equal(dir_ipvs_ctl_nerrors(e.c), 0);
		free(c2);
	}
	env_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_text),
		cmocka_unit_test(test_source_family_mismatch),
		cmocka_unit_test(test_engine_life_cycle),
		cmocka_unit_test(test_keep_on_stop_and_leftover),
		cmocka_unit_test(test_failures_reported_and_retried),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
