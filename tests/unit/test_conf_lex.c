/* tests/unit/test_conf_lex.c - the token level of the config front end: source-line lexing
 * (quotes, escapes, braces, columns), comment stripping, and the canonical quoting, checked by
 * a round trip of random tokens through tdm_canon_put_token and tdm_canon_lex. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "lib/conf_int.h"

static void lex_expect(const char *line, const char *const *words, const uint32_t *cols,
                       size_t n)
{
	struct tdm_toks t = { 0 };
	struct tdm_lex_err e;
	size_t i;

	assert_int_equal(tdm_lex_line(line, strlen(line), 1, 1, &t, &e), 0);
	assert_int_equal(t.n, n);
	for (i = 0; i < n; i++) {
		/* braces are tokens of their own kind, without bytes */
		if (!strcmp(words[i], "{"))
			assert_int_equal(t.v[i].kind, TDM_TOK_LBRACE);
		else if (!strcmp(words[i], "}"))
			assert_int_equal(t.v[i].kind, TDM_TOK_RBRACE);
		else
			assert_string_equal(t.store.p + t.v[i].off, words[i]);
		assert_int_equal(t.v[i].col, cols[i]);
	}
	tdm_toks_free(&t);
}

static void test_lex_line(void **state)
{
	static const char *const w1[] = { "vrrp_instance", "VI 1", "{" };
	static const uint32_t c1[] = { 3, 17, 24 };
	static const char *const w2[] = { "a", "{", "b", "}", "c" };
	static const uint32_t c2[] = { 1, 2, 3, 4, 5 };
	static const char *const w3[] = { "x\ty\n", "AB\x01", "${U}", "", "it's" };
	static const uint32_t c3[] = { 1, 10, 24, 29, 32 };

	lex_expect("  vrrp_instance \"VI 1\" {", w1, c1, 3);
	lex_expect("a{b}c", w2, c2, 5);
	lex_expect("\"x\\ty\\n\" \"\\x41\\102\\cA\" ${U} '' it's", w3, c3, 5);
}

static void test_lex_errors(void **state)
{
	struct tdm_toks t = { 0 };
	struct tdm_lex_err e;

	assert_int_equal(tdm_lex_line("a \"bc", 5, 1, 1, &t, &e), -1);
	assert_int_equal(e.col, 3);
	assert_int_equal(tdm_lex_line("a '\\000'", 8, 1, 1, &t, &e), -1);
	assert_int_equal(e.col, 4);
	assert_non_null(strstr(e.msg, "NUL"));
	tdm_toks_free(&t);
}

static void test_strip_comment(void **state)
{
	static const struct { const char *in; size_t keep; } c[] = {
		{ "a b", 3 }, { "a # b", 2 }, { "a!b", 1 }, { "\"a#b\" # c", 6 },
		{ "'a!b' ! c", 6 }, { "a\\#b # c", 5 }, { "it's # c", 5 }, { "\"a # b", 6 },
	};
	size_t i;

	for (i = 0; i < TDM_NELEM(c); i++)
		assert_int_equal(tdm_lex_strip_comment(c[i].in, strlen(c[i].in)), c[i].keep);
}

static void test_canon_round_trip(void **state)
{
	struct tdm_buf b = { 0 };
	struct tdm_ctok *toks = NULL;
	size_t cap = 0, k, errcol;
	const char *errmsg;
	unsigned seed = 12345;
	int round;

	for (round = 0; round < 20000; round++) {
		char tok[3][16], out[16];
		size_t len[3];
		int opens, closes, n, j;

		b.len = 0;
		for (j = 0; j < 3; j++) {
			len[j] = (size_t)(rand_r(&seed) % 8);
			for (k = 0; k < len[j]; k++) {
				/* bytes 1..255, favouring the special ones */
				static const char sp[] = " \t\"'\\{}#!$\n\r\x7f";
				int r = rand_r(&seed);

				tok[j][k] = (r & 1) ? sp[(r >> 1) % (sizeof(sp) - 1)]
				                    : (char)(1 + (r >> 1) % 255);
			}
			if (j)
				tdm_buf_putc(&b, ' ');
			tdm_canon_put_token(&b, tok[j], len[j]);
		}
		n = tdm_canon_lex(b.p, b.len, &toks, &cap, &opens, &closes, &errcol, &errmsg);
		if (n != 3) {
			fprintf(stderr, "round %d: [%.*s] -> %d (%s)\n", round, (int)b.len, b.p, n,
			        n < 0 ? errmsg : "");
			fail();
		}
		assert_false(opens || closes);
		for (j = 0; j < 3; j++) {
			assert_int_equal(toks[j].len, len[j]);
			tdm_canon_copy_token(b.p, &toks[j], out);
			assert_memory_equal(out, tok[j], len[j]);
		}
	}
	free(toks);
	tdm_buf_free(&b);
}

static void test_canon_lex_lines(void **state)
{
	struct tdm_ctok *toks = NULL;
	size_t cap = 0, errcol;
	const char *errmsg;
	int opens, closes;

	assert_int_equal(tdm_canon_lex("\tkw a \"b c\" {", 13, &toks, &cap, &opens, &closes,
	                               &errcol, &errmsg), 3);
	assert_true(opens);
	assert_int_equal(toks[2].off, 6);
	assert_int_equal(tdm_canon_lex("\t}", 2, &toks, &cap, &opens, &closes, &errcol, &errmsg),
	                 0);
	assert_true(closes);
	assert_int_equal(tdm_canon_lex("a { b", 5, &toks, &cap, &opens, &closes, &errcol,
	                               &errmsg), -1);
	assert_int_equal(tdm_canon_lex("a \"\\q\"", 6, &toks, &cap, &opens, &closes, &errcol,
	                               &errmsg), -1);
	assert_int_equal(tdm_canon_lex("a \"x\"y", 6, &toks, &cap, &opens, &closes, &errcol,
	                               &errmsg), -1);
	assert_int_equal(errcol, 6);
	free(toks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lex_line),
		cmocka_unit_test(test_lex_errors),
		cmocka_unit_test(test_strip_comment),
		cmocka_unit_test(test_canon_round_trip),
		cmocka_unit_test(test_canon_lex_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
