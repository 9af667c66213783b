/* tests/unit/keywords_helpers.h - shared helpers of the test_keywords_*.c tests: parse a config
 * text through both stages (resolve + parse with the real tables, tdm_conf_top) and look up
 * diagnostics by position and text. Header-only so each test binary stays one file. */
#ifndef TEST_KEYWORDS_HELPERS_H
#define TEST_KEYWORDS_HELPERS_H

#include <stdio.h>
#include <string.h>
#include "lib/conf.h"

struct kt {
	struct tdm_canon canon;
	struct tdm_diags d;
	struct tdm_config *cfg;
	int have_canon;
};

static inline void kt_parse_opts(struct kt *t, const char *text, int lenient, int check_if)
{
	struct tdm_conf_opts o;

	memset(t, 0, sizeof(*t));
	memset(&o, 0, sizeof(o));
	o.lenient = lenient;
	o.conf_id = "test";
	o.check_interfaces = check_if;
	tdm_diags_init(&t->d);
	if (tdm_conf_resolve_mem("t.conf", text, strlen(text), &o, &t->canon, &t->d) == 0) {
		t->have_canon = 1;
		t->cfg = tdm_conf_parse(t->canon.text, t->canon.len, &t->canon, &o, &t->d);
	}
}

static inline void kt_parse(struct kt *t, const char *text)
{
	kt_parse_opts(t, text, 0, 0);
}

static inline void kt_free(struct kt *t)
{
	if (t->cfg)
		tdm_config_free(t->cfg);
	if (t->have_canon)
		tdm_canon_free(&t->canon);
	tdm_diags_free(&t->d);
}

static inline void kt_dump(const struct kt *t)
{
	tdm_diags_print(&t->d, stderr);
}

/* index of the diagnostic of severity sev at line:col (col 0 = any) whose message contains
 * sub, or -1 */
static inline int kt_find(const struct kt *t, enum tdm_sev sev, int line, int col, const char *sub)
{
	for (size_t i = 0; i < t->d.n; i++) {
		const struct tdm_diag *g = &t->d.v[i];
		if (g->sev == sev && g->line == line && (!col || g->col == col) &&
		    (!sub || strstr(g->msg, sub)))
			return (int)i;
	}
	return -1;
}

#define KT_EXPECT(t, sev, line, col, sub) do { \
	if (kt_find((t), (sev), (line), (col), (sub)) < 0) { \
		kt_dump(t); \
		fail_msg("no %s at %d:%d containing '%s'", (sev) >= TDM_SEV_ERROR ? "error" : "warning", \
		         (line), (col), (sub)); \
	} } while (0)

/* warnings other than "not implemented yet" (those only say a keyword has no effect) */
static inline size_t kt_nwarn(const struct kt *t)
{
	size_t n = t->d.nwarn;

	for (size_t i = 0; i < t->d.n; i++)
		if (t->d.v[i].sev == TDM_SEV_WARN && strstr(t->d.v[i].msg, "not implemented by tandem"))
			n--;
	return n;
}

#define KT_CLEAN(t) do { \
	if ((t)->d.nerr || (t)->d.nfatal || kt_nwarn(t)) { \
		kt_dump(t); \
		fail_msg("expected no diagnostics"); \
	} } while (0)

static inline const struct tdm_obj *kt_obj(const struct kt *t, enum tdm_obj_kind k, const char *id)
{
	for (size_t i = 0; t->cfg && i < t->cfg->nobjs; i++)
		if (t->cfg->objs[i].kind == k && !strcmp(t->cfg->objs[i].id, id))
			return &t->cfg->objs[i];
	return NULL;
}

#endif
