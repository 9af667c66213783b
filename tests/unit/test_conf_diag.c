/* tests/unit/test_conf_diag.c - diagnostics come out in source order (tdm_conf_load sorts
 * them): file of first appearance, then line, then column; the sort is stable. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "lib/conf.h"

static void test_sort_order(void **state)
{
	struct tdm_diags d;

	(void)state;
	tdm_diags_init(&d);
	tdm_diags_add(&d, TDM_SEV_ERROR, "a.conf", 9, 3, "a9");
	tdm_diags_add(&d, TDM_SEV_ERROR, "b.conf", 1, 1, "b1");
	tdm_diags_add(&d, TDM_SEV_WARN, "a.conf", 4, 7, "a4c7");
	tdm_diags_add(&d, TDM_SEV_ERROR, "a.conf", 4, 2, "a4c2");
	tdm_diags_add(&d, TDM_SEV_ERROR, "a.conf", 4, 2, "a4c2-second");
	tdm_diags_sort(&d);
	assert_int_equal(d.n, 5);
	assert_string_equal(d.v[0].msg, "a4c2");
	assert_string_equal(d.v[1].msg, "a4c2-second");
	assert_string_equal(d.v[2].msg, "a4c7");
	assert_string_equal(d.v[3].msg, "a9");
	assert_string_equal(d.v[4].msg, "b1");
	tdm_diags_free(&d);
}

static void test_load_reports_in_source_order(void **state)
{
	char path[] = "/tmp/tdm-diag-XXXXXX";
	const char *text = "vrrp_instance VI_1 {\n  interface lo\n  virtual_router_id 51\n"
	                   "  priority 300\n  priorty 5\n}\n";
	struct tdm_conf_opts opts = { 0 };
	struct tdm_canon canon = { 0 };
	struct tdm_config *cfg = NULL;
	struct tdm_diags d;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	tdm_diags_init(&d);
	assert_int_equal(tdm_conf_load(path, &opts, &canon, &cfg, &d), 4);
	assert_int_equal(d.nerr, 2);
	/* the range error (line 4) is found after the unknown keyword (line 5) but printed first
	 * (warnings, e.g. for keywords not implemented yet, may sit between them) */
	{
		const struct tdm_diag *e[2] = { NULL, NULL };
		size_t k = 0;

		for (size_t i = 0; i < d.n && k < 2; i++)
			if (d.v[i].sev == TDM_SEV_ERROR)
				e[k++] = &d.v[i];
		assert_int_equal(k, 2);
		assert_int_equal(e[0]->line, 4);
		assert_int_equal(e[0]->col, 12);
		assert_int_equal(e[1]->line, 5);
		assert_non_null(strstr(e[1]->msg, "did you mean 'priority'"));
	}
	tdm_config_free(cfg);
	tdm_canon_free(&canon);
	tdm_diags_free(&d);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sort_order),
		cmocka_unit_test(test_load_reports_in_source_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
