/* healthcheck/check_spec.h - configured checker -> resolved spec and identity key
 * (check_spec.c). Internal to healthcheck/. */
#ifndef CHECK_SPEC_H
#define CHECK_SPEC_H

#include "healthcheck/check_int.h"

/* line offsets of a config's canonical text (a checker's identity includes its own lines) */
struct check_text {
	const char *text;
	size_t len;
	size_t *off;                /* off[i] = start of line i + 1 */
	size_t nlines;
};

int check_text_index(struct check_text *ti, const struct tdm_config *cfg);
void check_text_free(struct check_text *ti);

/* fills *s and a malloc'd identity key (a digest of the resolved values and the checker's
 * canonical text); 0 / -1 */
int check_spec_build(const struct tdm_config *cfg, const struct check_vs_conf *vs,
                     const struct check_rs_conf *rs, const struct check_checker_conf *k,
                     const struct check_text *ti, struct chk_spec *s, char **key);
/* weight, inhibit_on_failure and slowstart of a real server */
void check_rs_params(const struct check_vs_conf *vs, const struct check_rs_conf *rs,
                     struct rs_conf *rc);

#endif
