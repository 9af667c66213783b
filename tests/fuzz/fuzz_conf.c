/* tests/fuzz/fuzz_conf.c - libFuzzer target for the whole config front end: resolve (with
 * includes disabled, so no file outside the input is read) and parse against tandem's real
 * keyword tables. Besides crashes, leaks and hangs it checks two properties of the canonical
 * text: it always lexes cleanly into a tree, and resolving it again gives the same text. The
 * raw input is also parsed as if it were canonical text (what a child does with its snapshot). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond, const char *what, const struct tdm_diags *d)
{
	if (cond)
		return;
	fprintf(stderr, "fuzz_conf: property violated: %s\n", what);
	tdm_diags_print(d, stderr);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdm_conf_opts o = { 0 };
	struct tdm_diags d, d2;
	struct tdm_canon c, c2;
	struct tdm_config *cfg;

	if (size > 64 * 1024)
		return 0;
	o.conf_id = "fuzz";
	o.no_include = 1;
	o.max_lines = 20000;
	o.max_line_len = 4096;
	tdm_diags_init(&d);
	if (tdm_conf_resolve_mem("fuzz.conf", (const char *)data, size, &o, &c, &d) == 0) {
		cfg = tdm_conf_parse(c.text, c.len, &c, &o, &d);
		tdm_config_free(cfg);

		/* the canonical text is always well-formed */
		tdm_diags_init(&d2);
		cfg = tdm_conf_parse_with(NULL, c.text, c.len, NULL, &o, &d2);
		check(cfg != NULL && d2.n == 0, "canonical text does not lex cleanly", &d2);
		tdm_config_free(cfg);
		tdm_diags_free(&d2);

		/* and resolves to itself */
		o.max_line_len = 64 * 4096 + 64;
		tdm_diags_init(&d2);
		check(tdm_conf_resolve_mem("canon", c.text, c.len, &o, &c2, &d2) == 0 && d2.n == 0,
		      "canonical text does not resolve cleanly", &d2);
		if (c2.len != c.len || memcmp(c2.text, c.text, c.len)) {
			fprintf(stderr, "--- first:\n%s--- second:\n%s", c.text, c2.text);
			check(0, "canonical text does not resolve to itself", &d2);
		}
		tdm_canon_free(&c2);
		tdm_diags_free(&d2);
		tdm_canon_free(&c);
	}
	tdm_diags_free(&d);

	/* a child parses whatever text it receives: the raw input as canonical text */
	tdm_diags_init(&d);
	o.max_line_len = 4096;
	cfg = tdm_conf_parse((const char *)data, size, NULL, &o, &d);
	tdm_config_free(cfg);
	tdm_diags_free(&d);
	return 0;
}
