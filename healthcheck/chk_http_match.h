/* healthcheck/chk_http_match.h - the verdict on one url's response, shared by HTTP_GET
 * and SSL_GET (chk_http.c, libcurl). Internal to healthcheck/. */
#ifndef CHK_HTTP_MATCH_H
#define CHK_HTTP_MATCH_H

#include <openssl/evp.h>
#include <stdint.h>
#include "healthcheck/check_int.h"
#include "healthcheck/chk_regex.h"

/* the i-th url block of a checker; NULL when absent */
const struct tdm_cnode *chk_http_url_node(const struct check_checker_conf *k, size_t i);
/* expect_body of url i (the url's own, else the checker's); NULL = none */
const char *chk_http_expect_body(const struct check_checker_conf *k, size_t i);
/* status code, digest (md5 may be NULL when the url has none), regex and expect_body of url
 * `url` (re/re_state: the check's per-url compiled PCRE2 regexes (chk_regex.h), taken from
 * the engine's cache here on first use; 0 not compiled, 1 ok, 2 bad).
 * 1 = pass, 0 = fail; why gets "KIND CODE from TARGET for PATH[: what failed]". */
int chk_http_verdict(const struct chk_spec *s, size_t url, const char *kind, long code,
                     EVP_MD_CTX *md5, const char *body, size_t blen, struct chk_rx_cache **cache,
                     struct chk_rx **re, uint8_t *re_state, char *why, size_t len);

#endif
