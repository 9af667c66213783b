/* healthcheck/chk_regex.h - the `regex` of an HTTP_GET / SSL_GET url on PCRE2 (8-bit), as
 * keepalived matches it: keepalived's `regex_options` names (PCRE2 compile options), JIT
 * compiled when the library can (`regex_stack START MAX` sizes the JIT stack), the match
 * starting no earlier than regex_min_offset and no later than regex_max_offset. Internal to
 * healthcheck/. */
#ifndef CHK_REGEX_H
#define CHK_REGEX_H

#include <stddef.h>
#include <stdint.h>
#include "lib/conf.h"

struct chk_rx;

/* the PCRE2 option bits of a url block's regex_options statements; 0 / -1 (an unknown name,
 * text in err) */
int chk_rx_options(const struct tdm_cnode *url, uint32_t *opts, char *err, size_t len);
/* compile pattern with the url block's regex_options and regex_stack (url may be NULL);
 * NULL on error with PCRE2's message and offset in err */
struct chk_rx *chk_rx_new(const char *pattern, const struct tdm_cnode *url, char *err,
                          size_t len);
/* 1 match (starting at min_off or later and, with max_off >= 0, at max_off or earlier),
 * 0 none, -1 the match failed (err: "JIT stack limit reached (raise regex_stack)", ...) */
int chk_rx_match(struct chk_rx *rx, const char *subject, size_t len, long long min_off,
                 long long max_off, char *err, size_t elen);
void chk_rx_free(struct chk_rx *rx);

/* Identical regexes (pattern, regex_options, regex_stack) of the checks of one engine share
 * one compiled pattern, as keepalived shares them: get compiles on first use and counts
 * references, put drops one (the last frees it). *cache starts NULL. */
struct chk_rx_cache;
struct chk_rx *chk_rx_get(struct chk_rx_cache **cache, const char *pattern,
                          const struct tdm_cnode *url, char *err, size_t len);
void chk_rx_put(struct chk_rx_cache **cache, struct chk_rx *rx);
/* patterns in the cache (tests) */
size_t chk_rx_cache_count(const struct chk_rx_cache *cache);
/* frees the cache (every pattern should have been put) */
void chk_rx_cache_free(struct chk_rx_cache **cache);

#endif
