/* tests/unit/test_conf_parse.c - stage 2 of the config front end against test keyword tables:
 * argument conversion and range checks for every argument type, keyword flags, callbacks,
 * diagnostics positions (with and without the origin map), objects and the reload diff, and
 * the canonical text giving the same tree in a child as in the parent. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include <json-c/json.h>
#include "lib/conf.h"

/* ---- test tables ---- */
static int n_finish_rs, n_items, n_checks;

static int rs_finish(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	int *w = tdm_conf_alloc(ctx, sizeof(*w));

	n_finish_rs++;
	assert_int_equal(*w, 0);
	if (!tdm_cnode_find(node, "weight") && node->argc && !strcmp(node->argv[0], "10.9.9.9"))
		tdm_conf_err(ctx, node, 0, "real server %s needs a weight", node->argv[0]);
	return 0;
}

static int vip_item(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	struct tdm_addr a;

	n_items++;
	if (inet_pton(AF_INET, node->kw, &a.u.v4) != 1 && !strchr(node->kw, '/')) {
		tdm_conf_err(ctx, node, -1, "bad VIP '%s'", node->kw);
		return -1;
	}
	return 0;
}

static int any_check(struct tdm_conf_ctx *ctx, struct tdm_cnode *node)
{
	n_checks++;
	if (node->argc && !strcmp(node->argv[0], "stop"))
		tdm_conf_fatal(ctx, node, 0, "cannot run with 'stop'");
	return 0;
}

static const char *rs_ident(struct tdm_conf_ctx *ctx, const struct tdm_cnode *node)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "%s:%s", node->argv[0], node->argc > 1 ? node->argv[1] : "0");
	return tdm_conf_strdup(ctx, buf);
}

static const char *const lb_algos[] = { "rr", "wrr", "lc", NULL };
static const struct tdm_arg a_prio[] = { { "priority", TDM_A_INT, 1, 255, NULL } };
static const struct tdm_arg a_bool[] = { { "bool", TDM_A_BOOL, 0, 0, NULL } };
static const struct tdm_arg a_timer[] = { { "delay", TDM_A_TIMER, 0, 10000000, NULL } };
static const struct tdm_arg a_float[] = { { "ratio", TDM_A_FLOAT, 0, 2, NULL } };
static const struct tdm_arg a_ip[] = { { "addr", TDM_A_IP, 0, 0, NULL } };
static const struct tdm_arg a_ip4[] = { { "addr4", TDM_A_IP4, 0, 0, NULL } };
static const struct tdm_arg a_ip6[] = { { "addr6", TDM_A_IP6, 0, 0, NULL } };
static const struct tdm_arg a_pfx[] = { { "prefix", TDM_A_PREFIX, 0, 0, NULL } };
static const struct tdm_arg a_port[] = { { "port", TDM_A_PORT, 0, 0, NULL } };
static const struct tdm_arg a_enum[] = { { "lb_algo", TDM_A_ENUM, 0, 0, lb_algos } };
static const struct tdm_arg a_if[] = { { "interface", TDM_A_IFNAME, 0, 0, NULL } };
static const struct tdm_arg a_path[] = { { "script", TDM_A_PATH, 0, 0, NULL } };
static const struct tdm_arg a_host[] = { { "host", TDM_A_IP_OR_HOST, 0, 0, NULL } };
static const struct tdm_arg a_str[] = { { "name", TDM_A_STR, 1, 8, NULL } };
static const struct tdm_arg a_rs[] = { { "ip", TDM_A_IP, 0, 0, NULL },
                                       { "port", TDM_A_PORT, 0, 0, NULL } };
static const struct tdm_arg a_weight[] = { { "weight", TDM_A_INT, 0, 65535, NULL } };

static const struct tdm_kw chk_kws[] = {
	{ "connect_timeout", 0, 1, 1, a_timer, 1, NULL, NULL, NULL, NULL },
	{ "later", TDM_KW_NOTYET | TDM_KW_MULTI, 0, 1, a_prio, 1, NULL, NULL, NULL, NULL },
};
static const struct tdm_block chk_blk = { "TCP_CHECK", chk_kws, TDM_NELEM(chk_kws), NULL,
                                          1, TDM_OBJ_CHECKER, NULL };
static const struct tdm_kw rs_kws[] = {
	{ "weight", 0, 1, 1, a_weight, 1, NULL, NULL, NULL, NULL },
	{ "TCP_CHECK", TDM_KW_BLOCK | TDM_KW_MULTI, 0, 0, NULL, 0, &chk_blk, NULL, NULL, NULL },
};
static const struct tdm_block rs_blk = { "real_server", rs_kws, TDM_NELEM(rs_kws), rs_finish,
                                         1, TDM_OBJ_REAL_SERVER, rs_ident };
static const struct tdm_kw vs_kws[] = {
	{ "lb_algo", 0, 1, 1, a_enum, 1, NULL, NULL, NULL, NULL },
	{ "real_server", TDM_KW_BLOCK | TDM_KW_MULTI, 2, 2, a_rs, 2, &rs_blk, NULL, NULL, NULL },
};
static const struct tdm_block vs_blk = { "virtual_server", vs_kws, TDM_NELEM(vs_kws), NULL,
                                         1, TDM_OBJ_VIRTUAL_SERVER, NULL };
static const struct tdm_block plain_blk = { "plain", chk_kws, TDM_NELEM(chk_kws), NULL, 0, 0,
                                            NULL };
static const struct tdm_kw t_kws[] = {
	{ "plain", TDM_KW_BLOCK | TDM_KW_MULTI, 0, 2, NULL, 0, &plain_blk, NULL, NULL, NULL },
	{ "priority", 0, 1, 1, a_prio, 1, NULL, NULL, NULL, NULL },
	{ "interface", TDM_KW_REQUIRED, 1, 1, a_if, 1, NULL, NULL, NULL, NULL },
	{ "flag", 0, 0, 1, a_bool, 1, NULL, NULL, NULL, NULL },
	{ "delay", 0, 1, 1, a_timer, 1, NULL, NULL, NULL, NULL },
	{ "ratio", 0, 1, 1, a_float, 1, NULL, NULL, NULL, NULL },
	{ "addr", TDM_KW_MULTI, 1, 1, a_ip, 1, NULL, NULL, NULL, NULL },
	{ "addr4", 0, 1, 1, a_ip4, 1, NULL, NULL, NULL, NULL },
	{ "addr6", 0, 1, 1, a_ip6, 1, NULL, NULL, NULL, NULL },
	{ "prefix", 0, 1, 1, a_pfx, 1, NULL, NULL, NULL, NULL },
	{ "port", 0, 1, 1, a_port, 1, NULL, NULL, NULL, NULL },
	{ "lb_algo", 0, 1, 1, a_enum, 1, NULL, NULL, NULL, NULL },
	{ "script", 0, 1, 1, a_path, 1, NULL, NULL, NULL, NULL },
	{ "host", 0, 1, 1, a_host, 1, NULL, NULL, NULL, NULL },
	{ "name", 0, 1, 1, a_str, 1, NULL, NULL, NULL, NULL },
	{ "many", TDM_KW_MULTI, 1, TDM_ARGS_MANY, a_prio, 1, NULL, NULL, NULL, NULL },
	{ "words", 0, 0, 3, NULL, 0, NULL, NULL, NULL, NULL },
	{ "anything", TDM_KW_ANYARGS | TDM_KW_MULTI, 0, TDM_ARGS_MANY, NULL, 0, NULL, any_check,
	  NULL, NULL },
	{ "virtual_ipaddress", TDM_KW_LIST, 0, 0, NULL, 0, NULL, NULL, vip_item, NULL },
	{ "old_thing", TDM_KW_DEPRECATED, 0, 1, NULL, 0, NULL, NULL, NULL, "use new_thing" },
	{ "noop", TDM_KW_IGNORED, 0, TDM_ARGS_MANY, NULL, 0, NULL, NULL, NULL, "not needed" },
	{ "later", TDM_KW_NOTYET | TDM_KW_MULTI, 0, 1, a_prio, 1, NULL, NULL, NULL, NULL },
	{ "old_later", TDM_KW_NOTYET | TDM_KW_DEPRECATED, 0, 0, NULL, 0, NULL, NULL, NULL,
	  "use later" },
	{ "opt", TDM_KW_OPTBLOCK | TDM_KW_BLOCK, 0, 0, NULL, 0, &chk_blk, NULL, NULL, NULL },
	{ "virtual_server", TDM_KW_BLOCK | TDM_KW_MULTI, 1, 3, NULL, 0, &vs_blk, NULL, NULL, NULL },
	{ "bfd_instance", TDM_KW_UNSUPPORTED | TDM_KW_BLOCK, 0, 1, NULL, 0, NULL, NULL, NULL,
	  "BFD is not part of tandem" },
	{ "group", TDM_KW_BLOCK | TDM_KW_MULTI, 1, 1, NULL, 0, &chk_blk, NULL, NULL, NULL },
};
static const struct tdm_block t_top = { "(top)", t_kws, TDM_NELEM(t_kws), NULL, 0, 0, NULL };

/* ---- helpers ---- */
struct res {
	struct tdm_diags d;
	struct tdm_canon c;
	struct tdm_config *cfg;
};

static void load(struct res *r, const char *src, int lenient)
{
	struct tdm_conf_opts o = { 0 };

	o.lenient = lenient;
	o.conf_id = "main";
	tdm_diags_init(&r->d);
	assert_int_equal(tdm_conf_resolve_mem("t.conf", src, strlen(src), &o, &r->c, &r->d), 0);
	r->cfg = tdm_conf_parse_with(&t_top, r->c.text, r->c.len, &r->c, &o, &r->d);
}

static void done(struct res *r)
{
	tdm_config_free(r->cfg);
	tdm_canon_free(&r->c);
	tdm_diags_free(&r->d);
}

/* exactly one diagnostic, with this position and text */
static void one_diag(const char *src, enum tdm_sev sev, int line, int col, const char *msg)
{
	struct res r;

	load(&r, src, 0);
	if (r.d.n != 1 || r.d.v[0].sev != sev || r.d.v[0].line != line || r.d.v[0].col != col ||
	    strcmp(r.d.v[0].msg, msg)) {
		fprintf(stderr, "want %d:%d %s\n", line, col, msg);
		tdm_diags_print(&r.d, stderr);
		fail();
	}
	done(&r);
}

static void clean(const char *src)
{
	struct res r;

	load(&r, src, 0);
	if (r.d.n)
		tdm_diags_print(&r.d, stderr);
	assert_int_equal(r.d.n, 0);
	assert_non_null(r.cfg);
	done(&r);
}

#define IF "interface eth0\n"

/* ---- tests ---- */
static void test_int(void **state)
{
	struct res r;

	clean(IF "priority 255\n");
	one_diag(IF "vrrp x\n", TDM_SEV_ERROR, 2, 1, "unknown keyword 'vrrp' in the top level");
	one_diag(IF "priorty 5\n", TDM_SEV_ERROR, 2, 1,
	         "unknown keyword 'priorty' in the top level; did you mean 'priority'?");
	one_diag(IF "priority  300\n", TDM_SEV_ERROR, 2, 11, "expected <priority> 1..255, got '300'");
	one_diag(IF "priority 0x10x\n", TDM_SEV_ERROR, 2, 10, "expected <priority> 1..255, got '0x10x'");
	load(&r, IF "priority 0x10\nmany 1 2 3 4\n", 0);
	assert_int_equal(r.d.n, 0);
	assert_int_equal(r.cfg->root->child->next->vals[0].i, 16);
	assert_int_equal(r.cfg->root->child->next->next->vals[3].i, 4);
	done(&r);
	one_diag(IF "many 1 2 0\n", TDM_SEV_ERROR, 2, 10, "expected <priority> 1..255, got '0'");
}

static void test_types(void **state)
{
	struct res r;
	const struct tdm_cnode *n;

	load(&r, IF "flag YES\ndelay 1.5\nratio 0.25\naddr 10.0.0.1\naddr fe80::1\naddr4 1.2.3.4\n"
	     "addr6 ::1\nprefix 10.1.0.0/16\nport 8080\nlb_algo WRR\nscript \"/bin/x -y\"\n"
	     "host www.example.com\nname abc\nflag\n", 0);
	/* the second "flag" is a duplicate */
	assert_int_equal(r.d.nerr, 1);
	n = tdm_cnode_find(r.cfg->root, "flag");
	assert_int_equal(n->vals[0].i, 1);
	n = tdm_cnode_find(r.cfg->root, "delay");
	assert_int_equal(n->vals[0].us, 1500000);
	n = tdm_cnode_find(r.cfg->root, "ratio");
	assert_true(n->vals[0].d == 0.25);
	n = tdm_cnode_find(r.cfg->root, "addr");
	assert_int_equal(n->vals[0].addr.family, AF_INET);
	assert_int_equal(n->next->vals[0].addr.family, AF_INET6);
	n = tdm_cnode_find(r.cfg->root, "prefix");
	assert_int_equal(n->vals[0].addr.plen, 16);
	n = tdm_cnode_find(r.cfg->root, "port");
	assert_int_equal(n->vals[0].i, 8080);
	n = tdm_cnode_find(r.cfg->root, "lb_algo");
	assert_int_equal(n->vals[0].i, 1);
	n = tdm_cnode_find(r.cfg->root, "script");
	assert_string_equal(n->argv[0], "/bin/x -y");
	done(&r);

	one_diag(IF "flag maybe\n", TDM_SEV_ERROR, 2, 6,
	         "expected <bool> on|off|true|false|yes|no, got 'maybe'");
	one_diag(IF "delay 11\n", TDM_SEV_ERROR, 2, 7, "expected <delay> 0..10 seconds, got '11'");
	one_diag(IF "delay 1.x\n", TDM_SEV_ERROR, 2, 7, "expected <delay> 0..10 seconds, got '1.x'");
	one_diag(IF "ratio 3\n", TDM_SEV_ERROR, 2, 7, "expected <ratio> 0..2, got '3'");
	one_diag(IF "addr 10.0.0.300\n", TDM_SEV_ERROR, 2, 6,
	         "expected <addr> (an IP address), got '10.0.0.300'");
	one_diag(IF "addr4 ::1\n", TDM_SEV_ERROR, 2, 7, "expected <addr4> (an IPv4 address), got '::1'");
	one_diag(IF "addr6 1.2.3.4\n", TDM_SEV_ERROR, 2, 7,
	         "expected <addr6> (an IPv6 address), got '1.2.3.4'");
	one_diag(IF "prefix 10.0.0.0/33\n", TDM_SEV_ERROR, 2, 8,
	         "expected <prefix> (an IP address with optional /prefix), got '10.0.0.0/33'");
	one_diag(IF "port 65536\n", TDM_SEV_ERROR, 2, 6, "expected <port> 0..65535, got '65536'");
	one_diag(IF "lb_algo sh\n", TDM_SEV_ERROR, 2, 9, "expected <lb_algo> rr|wrr|lc, got 'sh'");
	one_diag("interface eth0/1\n", TDM_SEV_ERROR, 1, 11,
	         "expected <interface> (an interface name of 1..15 characters, no '/'), got 'eth0/1'");
	one_diag(IF "script \"\"\n", TDM_SEV_ERROR, 2, 8,
	         "expected <script> (a path), got an empty string");
	one_diag(IF "host a*b\n", TDM_SEV_ERROR, 2, 6,
	         "expected <host> (an IP address or host name), got 'a*b'");
	one_diag(IF "host \"a b\"\n", TDM_SEV_ERROR, 2, 6,
	         "expected <host> (an IP address or host name), got 'a b'");
	one_diag(IF "name abcdefghi\n", TDM_SEV_ERROR, 2, 6,
	         "expected <name> of 1..8 characters, got 'abcdefghi'");
}

static void test_arg_counts(void **state)
{
	one_diag(IF "priority\n", TDM_SEV_ERROR, 2, 1,
	         "'priority' expects 1 argument or more: missing <priority>");
	one_diag(IF "words a b c d\n", TDM_SEV_ERROR, 2, 13,
	         "unexpected argument 'd': 'words' takes at most 3");
	clean(IF "words a b\n");
}

static void test_flags(void **state)
{
	struct res r;

	one_diag("priority 1\n", TDM_SEV_ERROR, 0, 0, "missing required 'interface' in the configuration");
	one_diag(IF "interface eth1\n", TDM_SEV_ERROR, 2, 1,
	         "duplicate 'interface' in the top level (first at t.conf:1)");
	one_diag(IF "bfd_instance x {\n  anything\n}\n", TDM_SEV_ERROR, 2, 1,
	         "'bfd_instance' is not supported by tandem: BFD is not part of tandem");
	one_diag(IF "old_thing\n", TDM_SEV_WARN, 2, 1, "'old_thing' is deprecated: use new_thing");
	one_diag(IF "noop 1 2 {\n x\n}\n", TDM_SEV_WARN, 2, 1, "'noop' is ignored: not needed");
	one_diag(IF "priority 1 {\n}\n", TDM_SEV_ERROR, 2, 1, "'priority' does not take a '{' block");
	one_diag(IF "virtual_server 1.2.3.4\n", TDM_SEV_ERROR, 2, 1,
	         "'virtual_server' needs a block: expected '{' after it");
	clean(IF "opt\n");
	clean(IF "opt {\n connect_timeout 3\n}\n");
	/* LIST: items go to the item callback */
	n_items = 0;
	one_diag(IF "virtual_ipaddress {\n 10.0.0.1\n 10.0.0.2/24 dev eth0\n bogus\n}\n",
	         TDM_SEV_ERROR, 5, 2, "bad VIP 'bogus'");
	assert_int_equal(n_items, 3);
	/* ANYARGS: no conversion, the check callback runs; fatal -> no config */
	n_checks = 0;
	clean(IF "anything 1 two \"3 4\"\nanything\n");
	assert_int_equal(n_checks, 2);
	load(&r, IF "anything stop\n", 0);
	assert_null(r.cfg);
	assert_int_equal(tdm_diags_status(&r.d), 3);
	done(&r);
	/* nested blocks, finish callbacks, unknown keywords inside */
	n_finish_rs = 0;
	one_diag(IF "virtual_server 10.0.0.1 80 {\n lb_algo rr\n real_server 10.0.0.2 80 {\n"
	         "  weight 1\n  TCP_CHECK {\n   connect_timeout 3\n   retry 2\n  }\n }\n}\n",
	         TDM_SEV_ERROR, 8, 4, "unknown keyword 'retry' in TCP_CHECK");
	assert_int_equal(n_finish_rs, 1);
	one_diag(IF "virtual_server 10.0.0.1 80 {\n real_server 10.9.9.9 80 {\n }\n}\n",
	         TDM_SEV_ERROR, 3, 14, "real server 10.9.9.9 needs a weight");
}

#define NOTYET_MSG "' is accepted for compatibility but not implemented by tandem yet; " \
	"it has no effect"

/* keywords flagged TDM_KW_NOTYET: a warning at the keyword for each use, exit status 0, the
 * value still checked; the count per keyword is bounded */
static void test_notyet(void **state)
{
	struct res r;
	char src[1024];
	size_t i, len, nlater = 0, nfurther = 0;

	(void)state;
	one_diag(IF "   later 7\n", TDM_SEV_WARN, 2, 4, "'later" NOTYET_MSG);
	one_diag(IF "plain {\n  connect_timeout 1\n    later\n}\n", TDM_SEV_WARN, 4, 5,
	         "'later" NOTYET_MSG);
	/* a bad value is still an error (and the warning comes too) */
	load(&r, IF "later 300\n", 0);
	assert_int_equal(r.d.nerr, 1);
	assert_int_equal(r.d.nwarn, 1);
	assert_int_equal(tdm_diags_status(&r.d), 4);
	done(&r);
	/* deprecated and not implemented: both said */
	load(&r, IF "old_later\n", 0);
	assert_int_equal(r.d.nwarn, 2);
	assert_int_equal(tdm_diags_status(&r.d), 0);
	assert_non_null(strstr(r.d.v[0].msg, "'old_later' is deprecated: use later"));
	assert_non_null(strstr(r.d.v[1].msg, "'old_later" NOTYET_MSG));
	done(&r);
	/* 50 uses: the first 20 are reported, then one line says the rest are not */
	len = (size_t)snprintf(src, sizeof(src), "%s", IF);
	for (i = 0; i < 50; i++)
		len += (size_t)snprintf(src + len, sizeof(src) - len, "later 1\n");
	load(&r, src, 0);
	for (i = 0; i < r.d.n; i++) {
		if (strstr(r.d.v[i].msg, NOTYET_MSG)) {
			assert_int_equal(r.d.v[i].line, (int)(2 + nlater));
			nlater++;
		} else if (strstr(r.d.v[i].msg, "further uses in top-level blocks are not reported")) {
			assert_int_equal(r.d.v[i].line, 22);
			nfurther++;
		}
	}
	assert_int_equal(nlater, 20);
	assert_int_equal(nfurther, 1);
	assert_int_equal(r.d.n, 21);
	assert_int_equal(tdm_diags_status(&r.d), 0);
	done(&r);
}

static void test_lenient(void **state)
{
	struct res r;

	load(&r, IF "unknown_kw 1 2\nvirtual_server 1.1.1.1 {\n  what 1\n}\n", 1);
	assert_int_equal(r.d.nwarn, 2);
	assert_int_equal(r.d.nerr, 0);
	assert_int_equal(tdm_diags_status(&r.d), 0);
	assert_non_null(r.cfg);
	done(&r);
	load(&r, IF "unknown_kw 1 2\n", 0);
	assert_int_equal(tdm_diags_status(&r.d), 4);
	assert_non_null(r.cfg);
	done(&r);
}

static void test_positions_without_canon(void **state)
{
	struct tdm_diags d;
	struct tdm_config *cfg;
	const char *text = "interface eth0\nvirtual_server 1.1.1.1 {\n\tlb_algo \"x y\"\n}\n";

	tdm_diags_init(&d);
	cfg = tdm_conf_parse_with(&t_top, text, strlen(text), NULL, NULL, &d);
	assert_non_null(cfg);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].file, "<config>");
	assert_int_equal(d.v[0].line, 3);
	assert_int_equal(d.v[0].col, 10);
	tdm_config_free(cfg);
	tdm_diags_free(&d);
}

static void test_bad_canonical_text(void **state)
{
	static const char *const bad[] = {
		"a \"unterminated\n", "a \"x\"y\n", "a { b\n", "}\n", "a {\n", "{\n", "a \"\\q\"\n",
		"a \"\\x00\"\n", "a } b\n", "\n\n\t\n",
	};
	size_t i;

	for (i = 0; i < TDM_NELEM(bad); i++) {
		struct tdm_diags d;
		struct tdm_config *cfg;

		tdm_diags_init(&d);
		cfg = tdm_conf_parse_with(&t_top, bad[i], strlen(bad[i]), NULL, NULL, &d);
		assert_true(d.nerr > 0 || d.nfatal > 0);
		tdm_config_free(cfg);
		tdm_diags_free(&d);
	}
	{
		struct tdm_diags d;
		const char t[] = "interface a\0b\n";

		tdm_diags_init(&d);
		assert_null(tdm_conf_parse_with(&t_top, t, sizeof(t) - 1, NULL, NULL, &d));
		assert_int_equal(d.nfatal, 1);
		tdm_diags_free(&d);
	}
}

/* print a tree for comparisons */
static void dump(const struct tdm_cnode *b, FILE *f, int depth)
{
	const struct tdm_cnode *n;
	uint32_t i;

	for (n = b->child; n; n = n->next) {
		fprintf(f, "%d[%s]", depth, n->kw);
		for (i = 0; i < n->argc; i++)
			fprintf(f, " [%s]", n->argv[i]);
		fprintf(f, " %u-%u %s\n", n->line, n->end_line, n->def ? n->def->name : "-");
		dump(n, f, depth + 1);
	}
}

static char *dump_str(const struct tdm_config *cfg)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);
	size_t i;

	dump(cfg->root, f, 0);
	for (i = 0; i < cfg->nobjs; i++)
		fprintf(f, "obj %d %s %llx\n", cfg->objs[i].kind, cfg->objs[i].id,
		        (unsigned long long)cfg->objs[i].hash);
	fclose(f);
	return s;
}

static void test_child_gets_same_tree(void **state)
{
	const char *src =
		"$X=\"a b\"\n" IF "anything $X '$Y' \"${Z}\" @id ~SEQ \"#!{}\" \"\\t\\\\\" \"\"\n"
		"virtual_server 10.0.0.1 80 { real_server 10.0.0.2 80 { weight 1 } }\n"
		"~SEQ(I,1,3) group g$I { connect_timeout 1.$I }\n";
	struct res r;
	struct tdm_diags d2;
	struct tdm_config *child;
	struct tdm_canon c2;
	char *a, *b;

	load(&r, src, 0);
	assert_int_equal(r.d.n, 0);
	tdm_diags_init(&d2);
	child = tdm_conf_parse_with(&t_top, r.c.text, r.c.len, NULL, NULL, &d2);
	assert_int_equal(d2.n, 0);
	a = dump_str(r.cfg);
	b = dump_str(child);
	assert_string_equal(a, b);
	assert_non_null(strstr(a, "[anything] [a b] [$Y] [${Z}] [@id] [~SEQ] [#!{}] [\t\\] []"));
	/* the canonical text resolves to itself */
	assert_int_equal(tdm_conf_resolve_mem("c", r.c.text, r.c.len, NULL, &c2, &d2), 0);
	assert_string_equal(c2.text, r.c.text);
	tdm_canon_free(&c2);
	free(a);
	free(b);
	tdm_config_free(child);
	tdm_diags_free(&d2);
	done(&r);
}

struct diffrec {
	char log[2048];
};

static void diff_cb(void *arg, enum tdm_diff_op op, const struct tdm_obj *o, const struct tdm_obj *n)
{
	static const char *const names[] = { "added", "removed", "changed", "same" };
	struct diffrec *d = arg;
	size_t l = strlen(d->log);

	snprintf(d->log + l, sizeof(d->log) - l, "%s %s\n", names[op], (n ? n : o)->id);
}

static void test_objects_and_diff(void **state)
{
	const char *v1 = IF
		"virtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 { weight 1 }\n"
		" real_server 10.0.0.3 80 { weight 1\n TCP_CHECK { }\n TCP_CHECK { } }\n}\n"
		"virtual_server 10.0.0.9 80 {\n}\n"
		"plain a b {\n}\n";
	const char *v2 = IF
		"virtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 { weight 2 }\n"
		" real_server 10.0.0.3 80 { weight 1\n TCP_CHECK { }\n TCP_CHECK { } }\n}\n"
		"plain a b {\n}\nvirtual_server 10.0.0.8 80 {\n}\n";
	struct res a, b;
	struct diffrec rec = { "" };
	char *s;

	load(&a, v1, 0);
	load(&b, v2, 0);
	assert_int_equal(a.d.n, 0);
	assert_int_equal(b.d.n, 0);
	s = dump_str(a.cfg);
	assert_non_null(strstr(s, "obj 5 10.0.0.1 80 "));
	assert_non_null(strstr(s, "obj 6 10.0.0.1 80/10.0.0.2:80 "));
	assert_non_null(strstr(s, "obj 7 10.0.0.1 80/10.0.0.3:80/TCP_CHECK "));
	assert_non_null(strstr(s, "obj 7 10.0.0.1 80/10.0.0.3:80/TCP_CHECK#2 "));
	assert_non_null(strstr(s, "obj 9 plain a b "));
	free(s);
	tdm_conf_diff(a.cfg, b.cfg, diff_cb, &rec);
	assert_string_equal(rec.log,
	                    "changed 10.0.0.1 80\n"
	                    "changed 10.0.0.1 80/10.0.0.2:80\n"
	                    "same 10.0.0.1 80/10.0.0.3:80\n"
	                    "same 10.0.0.1 80/10.0.0.3:80/TCP_CHECK\n"
	                    "same 10.0.0.1 80/10.0.0.3:80/TCP_CHECK#2\n"
	                    "same plain a b\n"
	                    "added 10.0.0.8 80\n"
	                    "removed 10.0.0.9 80\n");
	done(&a);
	done(&b);
	/* a repeated object is numbered, and its children carry the numbered identity */
	load(&a, IF "virtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 { weight 1 }\n}\n"
	         "virtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 { weight 1 }\n}\n", 0);
	s = dump_str(a.cfg);
	assert_non_null(strstr(s, "obj 5 10.0.0.1 80 "));
	assert_non_null(strstr(s, "obj 5 10.0.0.1 80#2 "));
	assert_non_null(strstr(s, "obj 6 10.0.0.1 80/10.0.0.2:80 "));
	assert_non_null(strstr(s, "obj 6 10.0.0.1 80#2/10.0.0.2:80 "));
	free(s);
	done(&a);
}

static void test_diags_json_and_status(void **state)
{
	struct tdm_diags d;
	struct json_object *j, *e;
	char *s;

	tdm_diags_init(&d);
	assert_int_equal(tdm_diags_status(&d), 0);
	tdm_diags_add(&d, TDM_SEV_WARN, "f.conf", 3, 7, "careful %d", 1);
	assert_int_equal(tdm_diags_status(&d), 0);
	tdm_diags_add(&d, TDM_SEV_ERROR, NULL, 0, 0, "bad \"%s\"", "x");
	assert_int_equal(tdm_diags_status(&d), 4);
	s = tdm_diags_json(&d);
	j = json_tokener_parse(s);
	assert_non_null(j);
	assert_int_equal(json_object_array_length(j), 2);
	e = json_object_array_get_idx(j, 0);
	assert_string_equal(json_object_get_string(json_object_object_get(e, "severity")), "warning");
	assert_string_equal(json_object_get_string(json_object_object_get(e, "file")), "f.conf");
	assert_int_equal(json_object_get_int(json_object_object_get(e, "line")), 3);
	assert_int_equal(json_object_get_int(json_object_object_get(e, "col")), 7);
	assert_string_equal(json_object_get_string(json_object_object_get(e, "message")), "careful 1");
	e = json_object_array_get_idx(j, 1);
	assert_string_equal(json_object_get_string(json_object_object_get(e, "message")), "bad \"x\"");
	json_object_put(j);
	free(s);
	tdm_diags_add(&d, TDM_SEV_FATAL, "f.conf", 1, 1, "dead");
	assert_int_equal(tdm_diags_status(&d), 3);
	{
		char *out = NULL;
		size_t n = 0;
		FILE *f = open_memstream(&out, &n);

		tdm_diags_print(&d, f);
		fclose(f);
		assert_string_equal(out, "f.conf:3:7: warning: careful 1\nerror: bad \"x\"\n"
		                         "f.conf:1:1: fatal: dead\n");
		free(out);
	}
	tdm_diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_arg_counts),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_notyet),
		cmocka_unit_test(test_lenient),
		cmocka_unit_test(test_positions_without_canon),
		cmocka_unit_test(test_bad_canonical_text),
		cmocka_unit_test(test_child_gets_same_tree),
		cmocka_unit_test(test_objects_and_diff),
		cmocka_unit_test(test_diags_json_and_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
