/* tests/unit/test_conf_resolve.c - stage 1 of the config front end: comments, quoting, braces,
 * @id conditionals, $PARAMETERS, ~SEQ/~LST generators, includes, the origin map, and the
 * errors and limits of bad input (with their file:line:col). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "lib/conf.h"

struct res {
	struct tdm_diags d;
	struct tdm_canon c;
	int rc;
};

static void run_opts(struct res *r, const char *src, const struct tdm_conf_opts *o)
{
	tdm_diags_init(&r->d);
	r->rc = tdm_conf_resolve_mem("t.conf", src, strlen(src), o, &r->c, &r->d);
}

static void run(struct res *r, const char *src)
{
	struct tdm_conf_opts o = { 0 };

	o.conf_id = "main";
	run_opts(r, src, &o);
}

static void done(struct res *r)
{
	tdm_canon_free(&r->c);
	tdm_diags_free(&r->d);
}

/* resolve src and compare the canonical text; no diagnostics expected */
static void expect(const char *src, const char *canon)
{
	struct res r;

	run(&r, src);
	if (r.d.n)
		tdm_diags_print(&r.d, stderr);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.d.n, 0);
	assert_string_equal(r.c.text, canon);
	done(&r);
}

/* resolve src and expect (at least) one diagnostic "t.conf:line:col: sev: ...msg..." */
static void expect_diag(const char *src, int line, int col, enum tdm_sev sev, const char *msg)
{
	struct res r;
	size_t i;
	int found = 0;

	run(&r, src);
	for (i = 0; i < r.d.n; i++)
		if (r.d.v[i].line == line && r.d.v[i].col == col && r.d.v[i].sev == sev &&
		    strstr(r.d.v[i].msg, msg))
			found = 1;
	if (!found) {
		fprintf(stderr, "expected %d:%d '%s', got:\n", line, col, msg);
		tdm_diags_print(&r.d, stderr);
	}
	assert_true(found);
	done(&r);
}

static void test_comments(void **state)
{
	expect("a 1 # c\nb 2 ! c\n# full\n   ! full\nc \"x#y\" 'p!q'\nd e#f\n",
	       "a 1\nb 2\nc \"x#y\" \"p!q\"\nd e\n");
	expect("a b\\#c\n", "a \"b#c\"\n");
}

static void test_quoting(void **state)
{
	expect("k \"a b\" 'c d' q\"w e\"r \"t\\tu\" \"\\x41\\102\" \"\" '\\\"'\n",
	       "k \"a b\" \"c d\" \"qw er\" \"t\\tu\" AB \"\" \"\\\"\"\n");
	/* a lone apostrophe is an ordinary character (with a warning); a lone " is an error */
	expect_diag("k it's # c\n", 1, 5, TDM_SEV_WARN, "taken literally");
	{
		struct res r;

		run(&r, "k it's x # c\n");
		assert_string_equal(r.c.text, "k \"it's\" x\n");
		done(&r);
	}
	/* a backslash outside quotes escapes only special characters */
	expect("k a\\ b c\\d\n", "k \"a b\" \"c\\\\d\"\n");
	/* $, @, ~ inside resolved tokens stay as they are */
	expect("k \"$UNDEF\" @x ~y\n", "k \"\\$UNDEF\" @x ~y\n");
	/* first tokens that would read as directives are quoted; \$ is a literal $ */
	expect("\"$X=1\" a\n\"@a\" b\n'~SEQ(a,1)' c\n\"include\" d\nk \\$_PWD \"\\${_PWD}\"\n",
	       "\"\\$X=1\" a\n\"@a\" b\n\"~SEQ(a,1)\" c\n\"include\" d\n"
	       "k \"\\$_PWD\" \"\\${_PWD}\"\n");
}

static void test_braces(void **state)
{
	expect("a { b 1 }\n", "a {\n\tb 1\n}\n");
	expect("a{b 1}c 2\n", "a {\n\tb 1\n}\nc 2\n");
	expect("a x\n{\n  b\n}\n", "a x {\n\tb\n}\n");
	expect("a {\n b {\n c\n }\n}\n", "a {\n\tb {\n\t\tc\n\t}\n}\n");
	expect("a { } b\n", "a {\n}\nb\n");
}

static void test_origin_map(void **state)
{
	struct res r;

	run(&r, "# head\n\nvrrp_instance  VI_1 {\n    priority  300\n}\n");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.c.nlines, 3);
	assert_int_equal(r.c.origin[0].line, 3);
	assert_int_equal(r.c.origin[0].col, 1);
	assert_int_equal(r.c.tok_cols[0][1], 16);
	assert_int_equal(r.c.tok_cols[0][2], 21);
	assert_int_equal(r.c.origin[1].line, 4);
	assert_int_equal(r.c.origin[1].col, 5);
	assert_int_equal(r.c.tok_cols[1][1], 15);
	assert_int_equal(r.c.origin[2].line, 5);
	assert_string_equal(r.c.files[r.c.origin[1].file], "t.conf");
	done(&r);
}

static void test_conditionals(void **state)
{
	expect("@main a\n@^main b\n@other c\n@^other d\n  @main   e 1\n", "a\nd\ne 1\n");
	expect("$IF_MAIN=@main\n$IF_MAIN priority 240\n$IF_NOT=@other\n$IF_NOT x\n",
	       "priority 240\n");
	expect("@main $P=240\n@backup $P=200\nk $P\n", "k 240\n");
}

static void test_params(void **state)
{
	expect("$X=1\nk $X\nk ${X}y\nk $X.z\nk $UNDEF ${UNDEF}\n",
	       "k 1\nk 1y\nk \"\\$X.z\"\nk \"\\$UNDEF\" \"\\${UNDEF}\"\n");
	/* substitution happens at use time and is recursive */
	expect("$ADDRESS_BASE=10.2.${ADDRESS_BASE_SUB}\n$ADDRESS_BASE_SUB=0\n"
	       "${ADDRESS_BASE}.100/32\n$ADDRESS_BASE_SUB=10\n${ADDRESS_BASE}.100/32\n",
	       "10.2.0.100/32\n10.2.10.100/32\n");
	expect("$E=\nk a$E b\nk ${E}\n", "k a b\nk\n");
	expect("$Q=\"a b\"\nk $Q\n", "k \"a b\"\n");
	expect("k ${_HASH} ${_BANG} ${_INSTANCE} ${_RANDOM 7 7}\n", "k \"#\" \"!\" main 7\n");
}

/* the canonical text of src (caller frees) */
static char *canon_of(const char *src)
{
	struct res r;
	char *s;

	run(&r, src);
	assert_int_equal(r.rc, 0);
	s = strdup(r.c.text);
	done(&r);
	return s;
}

/* random_seed N: the ${_RANDOM} values after it depend on N only */
static void test_random_seed(void **state)
{
	const char *body = "k ${_RANDOM} ${_RANDOM} ${_RANDOM}\n";
	char src[256];
	char *a1, *a2, *b, *none, *before;

	(void)state;
	snprintf(src, sizeof(src), "global_defs {\nrandom_seed 1\n}\n%s", body);
	a1 = canon_of(src);
	a2 = canon_of(src);
	snprintf(src, sizeof(src), "global_defs {\nrandom_seed 2\n}\n%s", body);
	b = canon_of(src);
	snprintf(src, sizeof(src), "global_defs {\n}\n%s", body);
	none = canon_of(src);
	/* a seed only changes what follows it */
	snprintf(src, sizeof(src), "%sglobal_defs {\nrandom_seed 2\n}\n", body);
	before = canon_of(src);
	assert_string_equal(a1, a2);
	assert_string_not_equal(a1, b);
	assert_string_not_equal(strstr(a1, "k "), strstr(none, "k "));
	{
		const char *k = strstr(none, "k ");

		assert_memory_equal(before, k, strcspn(k, "\n") + 1);
	}
	free(a1);
	free(a2);
	free(b);
	free(none);
	free(before);
}

static void test_multiline_params(void **state)
{
	expect("$INSTANCE= \\\n"
	       "vrrp_instance VI_${NUM} { \\\n"
	       "    interface eth0.${NUM} \\\n"
	       "    @high priority 130 \\\n"
	       "    @main priority 120 \\\n"
	       "}\n"
	       "$NUM=0\n$INSTANCE\n$NUM=1\n$INSTANCE\n",
	       "vrrp_instance VI_0 {\n\tinterface eth0.0\n\tpriority 120\n}\n"
	       "vrrp_instance VI_1 {\n\tinterface eth0.1\n\tpriority 120\n}\n");
	/* nested use: a definition inside a multi-line value takes effect line by line */
	expect("$RS= \\\nreal_server 10.0.${V}.${R} 80 { \\\n weight 1 \\\n}\n"
	       "$VS= \\\nvirtual_server 10.0.${V}.4 80 { \\\n"
	       "  $R=1 \\\n  $RS \\\n  $R=2 \\\n  $RS \\\n}\n"
	       "$V=7\n$VS\n",
	       "virtual_server 10.0.7.4 80 {\n\treal_server 10.0.7.1 80 {\n\t\tweight 1\n\t}\n"
	       "\treal_server 10.0.7.2 80 {\n\t\tweight 1\n\t}\n}\n");
}

static void test_continuation(void **state)
{
	expect("k a \\\n  b \\\n  c\nz\n", "k a b c\nz\n");
}

static void test_generators(void **state)
{
	expect("~SEQ(SUBNET, 0, 3) ip_address 10.0.${SUBNET}.1\n",
	       "ip_address 10.0.0.1\nip_address 10.0.1.1\nip_address 10.0.2.1\n"
	       "ip_address 10.0.3.1\n");
	expect("~SEQ(N, 2) a${N}\n", "a1\na2\n");
	expect("~SEQ(N, 0) a${N}\n", "a1\na0\n");
	expect("~SEQ(N, 3, 1) a${N}\n", "a3\na2\na1\n");
	expect("~SEQ(N, 1, 2, 6) a${N}\n", "a1\na3\na5\n");
	expect("~SEQ(N, 5, 1, 4) a${N}\n", "");
	expect("~SEQx(S, 0x90, 0x10, 0xc0) fe80::20:${S}:1\n",
	       "fe80::20:90:1\nfe80::20:a0:1\nfe80::20:b0:1\nfe80::20:c0:1\n");
	expect("~LST(L, a, b, c) x_${L}\n", "x_a\nx_b\nx_c\n");
	expect("~LST({IP, IP1}, {10,1},{20,4}) 192.168.${IP}.${IP1}\n",
	       "192.168.10.1\n192.168.20.4\n");
	expect("~SEQ(A,1,2) ~SEQ(B,1,2) v${A}.${B}\n", "v1.1\nv1.2\nv2.1\nv2.2\n");
	expect("$T=t${I}\n~SEQ(I,1,2) $T\n", "t1\nt2\n");
	expect_diag("~SEQ(N, 1, 0, 5) a\n", 1, 1, TDM_SEV_ERROR, "step must not be 0");
	expect_diag("~LST(L) a\n", 1, 1, TDM_SEV_ERROR, "at least one value");
	expect_diag("x\n  ~SEQ(N a\n", 2, 3, TDM_SEV_ERROR, "generator variable");
	expect_diag("~SEQ(N, 1, 2 a\n", 1, 1, TDM_SEV_ERROR, "generator syntax");
}

static void test_lex_errors(void **state)
{
	expect_diag("k \"abc\n", 1, 3, TDM_SEV_ERROR, "unterminated \"quoted\" string");
	expect_diag("a\n  }\n", 2, 3, TDM_SEV_ERROR, "'}' without a matching '{'");
	expect_diag("a {\n b\n", 1, 1, TDM_SEV_ERROR, "block 'a' is not closed");
	expect_diag("{ b }\n", 1, 1, TDM_SEV_ERROR, "'{' without a keyword");
	expect_diag("k \"a\\0b\"\n", 1, 5, TDM_SEV_ERROR, "NUL character");
	expect_diag("@ a\n", 1, 1, TDM_SEV_ERROR, "'@' without a config id");
}

static void test_unclosed_block_is_balanced(void **state)
{
	struct res r;

	run(&r, "a {\n b {\n c\n");
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.c.text, "a {\n\tb {\n\t\tc\n\t}\n}\n");
	assert_int_equal(r.d.nerr, 2);
	done(&r);
}

static void test_nul_and_long_lines(void **state)
{
	struct tdm_conf_opts o = { 0 };
	struct res r;
	const char src[] = "a 1\nb \0 2\nc 3\n";
	char *big;

	tdm_diags_init(&r.d);
	r.rc = tdm_conf_resolve_mem("t.conf", src, sizeof(src) - 1, NULL, &r.c, &r.d);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.c.text, "a 1\nc 3\n");
	assert_int_equal(r.d.nerr, 1);
	assert_int_equal(r.d.v[0].line, 2);
	assert_int_equal(r.d.v[0].col, 3);
	assert_non_null(strstr(r.d.v[0].msg, "NUL byte"));
	done(&r);

	big = malloc(200);
	memset(big, 'x', 199);
	big[199] = '\0';
	big[0] = 'k';
	big[1] = ' ';
	o.max_line_len = 100;
	run_opts(&r, big, &o);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.d.nerr, 1);
	assert_non_null(strstr(r.d.v[0].msg, "longer than 100 bytes"));
	done(&r);
	free(big);
}

static void test_limits(void **state)
{
	struct tdm_conf_opts o = { 0 };
	struct res r;

	/* a generator that would exceed the line limit is refused before it runs */
	o.max_lines = 1000;
	run_opts(&r, "~SEQ(N, 1, 100000) a${N}\n", &o);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.d.nerr, 1);
	assert_non_null(strstr(r.d.v[0].msg, "more than the limit of 1000"));
	done(&r);
	/* nested generators hit the line limit while running: fatal, no text */
	run_opts(&r, "~SEQ(A, 1, 100) ~SEQ(B, 1, 100) a${A}${B}\n", &o);
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.d.nfatal, 1);
	assert_non_null(strstr(r.d.v[0].msg, "(the line limit)"));
	assert_null(r.c.text);
	done(&r);
	/* generators that emit nothing are bounded too */
	run_opts(&r, "~SEQ(A, 1, 900) ~SEQ(B, 1, 900) @nomatch a\n", &o);
	assert_int_equal(r.rc, -1);
	assert_non_null(strstr(r.d.v[0].msg, "generators run more than 1000 times"));
	done(&r);
	/* a multi-line parameter that uses itself twice would double 64 times */
	run_opts(&r, "$A= \\\n$A \\\n$A\n$A\n", &o);
	assert_int_equal(r.rc, -1);
	assert_non_null(strstr(r.d.v[r.d.n - 1].msg, "expand to more than 1000 lines"));
	done(&r);
	/* many substitutions on one long line stay linear */
	{
		size_t k, len = 60000;
		char *src = malloc(len + 16);

		strcpy(src, "$E=\nk");
		for (k = strlen(src); k + 3 < len; k += 3)
			memcpy(src + k, " $E", 3);
		strcpy(src + k, "\n");
		run(&r, src);
		assert_int_equal(r.d.n, 0);
		assert_string_equal(r.c.text, "k\n");
		done(&r);
		free(src);
	}
	/* runaway recursion */
	expect_diag("$A=${A}x\nk $A\n", 2, 1, TDM_SEV_ERROR, "");
	expect_diag("$A=$B\n$B=$A\nk $A\n", 3, 1, TDM_SEV_ERROR, "does not end");
	/* deep nesting */
	{
		char src[4096] = "";
		int i;

		for (i = 0; i < 100; i++)
			strcat(src, "a {\n");
		run(&r, src);
		assert_int_equal(r.rc, -1);
		assert_non_null(strstr(r.d.v[0].msg, "nested deeper than 64"));
		done(&r);
	}
}

/* ---- includes, in a temporary directory ---- */

static char tmpdir[64];

static void put(const char *rel, const char *content)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static int setup_dir(void **state)
{
	char path[128];

	strcpy(tmpdir, "/tmp/tdm_conf_test_XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(path, sizeof(path), "%s/sub", tmpdir);
	mkdir(path, 0700);
	return 0;
}

static int teardown_dir(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void resolve_file(struct res *r, const char *rel, const struct tdm_conf_opts *o)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	tdm_diags_init(&r->d);
	r->rc = tdm_conf_resolve(path, o, &r->c, &r->d);
}

static void test_include(void **state)
{
	struct res r;

	put("main.conf", "top 1\ninclude sub/a.conf\nblk {\n  include sub/{b,c}.conf\n}\n"
	                 "include sub/*.inc\ninclude sub/none*.conf\nk ${_PWD}\n");
	put("sub/a.conf", "from_a 1\ninclude c.conf\n");
	put("sub/b.conf", "from_b 2\n");
	put("sub/c.conf", "from_c 3\n");
	put("sub/x.inc", "x_inc\n");
	put("sub/y.inc", "y_inc\n");
	resolve_file(&r, "main.conf", NULL);
	if (r.d.n)
		tdm_diags_print(&r.d, stderr);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.d.n, 0);
	{
		char want[512];

		snprintf(want, sizeof(want), "top 1\nfrom_a 1\nfrom_c 3\nblk {\n\tfrom_b 2\n"
		         "\tfrom_c 3\n}\nx_inc\ny_inc\nk %s\n", tmpdir);
		assert_string_equal(r.c.text, want);
	}
	/* origins point into the included files */
	assert_non_null(strstr(r.c.files[r.c.origin[1].file], "sub/a.conf"));
	assert_int_equal(r.c.origin[1].line, 1);
	assert_non_null(strstr(r.c.files[r.c.origin[2].file], "sub/c.conf"));
	done(&r);
}

static void test_include_errors(void **state)
{
	struct tdm_conf_opts o = { 0 };
	struct res r;

	put("missing.conf", "a\ninclude nothere.conf\n");
	resolve_file(&r, "missing.conf", NULL);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.d.nerr, 1);
	assert_int_equal(r.d.v[0].line, 2);
	assert_int_equal(r.d.v[0].col, 9);
	assert_non_null(strstr(r.d.v[0].msg, "No such file"));
	done(&r);

	put("wild.conf", "includew nothing*.conf\n");
	resolve_file(&r, "wild.conf", NULL);
	assert_int_equal(r.d.nerr, 1);
	done(&r);

	put("loop1.conf", "l1\ninclude loop2.conf\n");
	put("loop2.conf", "l2\ninclude loop1.conf\n");
	resolve_file(&r, "loop1.conf", NULL);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.d.nerr, 1);
	assert_non_null(strstr(r.d.v[0].msg, "include loop"));
	assert_string_equal(r.c.text, "l1\nl2\n");
	done(&r);

	put("self.conf", "include self.conf\n");
	resolve_file(&r, "self.conf", NULL);
	assert_int_equal(r.d.nerr, 1);
	done(&r);

	put("d0.conf", "include d1.conf\n");
	put("d1.conf", "include d2.conf\n");
	put("d2.conf", "include d3.conf\n");
	put("d3.conf", "deep\n");
	o.max_include_depth = 2;
	resolve_file(&r, "d0.conf", &o);
	assert_int_equal(r.d.nerr, 1);
	assert_non_null(strstr(r.d.v[0].msg, "nested deeper than 2"));
	done(&r);

	o.max_include_depth = 0;
	o.no_include = 1;
	resolve_file(&r, "d0.conf", &o);
	assert_int_equal(r.d.nerr, 1);
	assert_non_null(strstr(r.d.v[0].msg, "disabled"));
	done(&r);

	/* devices and FIFOs are refused, never read (or waited on) */
	put("dev.conf", "a\ninclude /dev/zero\n");
	resolve_file(&r, "dev.conf", NULL);
	assert_int_equal(r.d.nerr, 1);
	assert_non_null(strstr(r.d.v[0].msg, "not a regular file"));
	done(&r);
	{
		char fifo[256];

		snprintf(fifo, sizeof(fifo), "%s/fifo.conf", tmpdir);
		assert_int_equal(mkfifo(fifo, 0600), 0);
		resolve_file(&r, "fifo.conf", NULL);
		assert_int_equal(r.rc, -1);
		assert_non_null(strstr(r.d.v[0].msg, "not a regular file"));
		done(&r);
	}

	resolve_file(&r, "does-not-exist.conf", NULL);
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.d.nfatal, 1);
	assert_int_equal(tdm_diags_status(&r.d), 3);
	done(&r);
}

/* a file read in blocks gives the same result as the same text in memory, also with lines
 * across block boundaries and a line far longer than the limit */
static void test_file_blocks(void **state)
{
	struct tdm_conf_opts o = { 0 };
	struct res a, b;
	struct tdm_buf_s { char *p; size_t n; } t = { NULL, 0 };
	FILE *f = open_memstream(&t.p, &t.n);
	char path[256];
	int i;

	for (i = 0; i < 30000; i++) {
		fprintf(f, "stmt_%d arg%d \"quoted %d\" # comment\n", i, i * 7, i);
		if (i == 12345) {
			int k;

			fputs("long ", f);
			for (k = 0; k < 300000; k++)
				fputc('x', f);
			fputs(" end\n", f);
		}
		if (i == 20000)
			fputs("$M= \\\n  ml_a \\\n  ml_b\n$M\n", f);
	}
	fputs("last_line_without_newline", f);
	fclose(f);
	put("blocks.conf", t.p);
	o.max_line_len = 100000;
	resolve_file(&a, "blocks.conf", &o);
	snprintf(path, sizeof(path), "%s/blocks.conf", tmpdir);
	tdm_diags_init(&b.d);
	b.rc = tdm_conf_resolve_mem(path, t.p, t.n, &o, &b.c, &b.d);
	assert_int_equal(a.rc, 0);
	assert_int_equal(b.rc, 0);
	assert_int_equal(a.d.nerr, 1);
	assert_int_equal(b.d.nerr, 1);
	assert_int_equal(a.d.v[0].line, 12347);
	assert_non_null(strstr(a.d.v[0].msg, "longer than 100000 bytes"));
	assert_int_equal(a.c.nlines, 30003);
	assert_string_equal(a.c.text, b.c.text);
	assert_memory_equal(a.c.origin, b.c.origin, a.c.nlines * sizeof(*a.c.origin));
	assert_non_null(strstr(a.c.text, "\nml_a\nml_b\n"));
	assert_non_null(strstr(a.c.text, "\nlast_line_without_newline\n"));
	done(&a);
	done(&b);
	free(t.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_braces),
		cmocka_unit_test(test_origin_map),
		cmocka_unit_test(test_conditionals),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_random_seed),
		cmocka_unit_test(test_multiline_params),
		cmocka_unit_test(test_continuation),
		cmocka_unit_test(test_generators),
		cmocka_unit_test(test_lex_errors),
		cmocka_unit_test(test_unclosed_block_is_balanced),
		cmocka_unit_test(test_nul_and_long_lines),
		cmocka_unit_test(test_limits),
		cmocka_unit_test_setup_teardown(test_include, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_include_errors, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_file_blocks, setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
