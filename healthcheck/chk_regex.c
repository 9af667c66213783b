/* healthcheck/chk_regex.c - PCRE2 matching of an HTTP_GET / SSL_GET url's `regex` (see
 * chk_regex.h). PCRE2 rather than POSIX <regex.h> because keepalived's `regex` is PCRE2: its
 * patterns use Perl syntax (\d, \s, lazy quantifiers, lookarounds, (?i)) and its
 * `regex_options` are PCRE2 compile options, so a keepalived config must match the same bodies
 * here. A compiled pattern is shared by the checks of an engine that use the same one (made on
 * the first url attempt that needs it, freed with its last user); the
 * subject is the url's body, kept up to the body limit (1 MiB) as it streams in, so a match
 * may span any number of received chunks. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "healthcheck/chk_regex.h"

struct chk_rx {
	pcre2_code *code;
	pcre2_match_data *md;
	pcre2_match_context *mctx;  /* only with regex_stack or use_offset_limit */
	pcre2_jit_stack *stack;
	uint32_t opts;
	/* cache (chk_rx_get/put) */
	char *key;
	uint32_t hash;
	size_t refs;
	struct chk_rx *next;
};

struct chk_rx_cache {
	struct chk_rx **b;
	size_t nb, n;
};

static const struct { const char *name; uint32_t bit; } rx_opts[] = {
	{ "allow_empty_class", PCRE2_ALLOW_EMPTY_CLASS }, { "alt_bsux", PCRE2_ALT_BSUX },
	{ "auto_callout", PCRE2_AUTO_CALLOUT }, { "caseless", PCRE2_CASELESS },
	{ "dollar_endonly", PCRE2_DOLLAR_ENDONLY }, { "dotall", PCRE2_DOTALL },
	{ "dupnames", PCRE2_DUPNAMES }, { "extended", PCRE2_EXTENDED },
	{ "firstline", PCRE2_FIRSTLINE }, { "match_unset_backref", PCRE2_MATCH_UNSET_BACKREF },
	{ "multiline", PCRE2_MULTILINE }, { "never_ucp", PCRE2_NEVER_UCP },
	{ "never_utf", PCRE2_NEVER_UTF }, { "no_auto_capture", PCRE2_NO_AUTO_CAPTURE },
	{ "no_auto_possess", PCRE2_NO_AUTO_POSSESS },
	{ "no_dotstar_anchor", PCRE2_NO_DOTSTAR_ANCHOR },
	{ "no_start_optimize", PCRE2_NO_START_OPTIMIZE }, { "ucp", PCRE2_UCP },
	{ "ungreedy", PCRE2_UNGREEDY }, { "utf", PCRE2_UTF },
	{ "never_backslash_c", PCRE2_NEVER_BACKSLASH_C },
	{ "alt_circumflex", PCRE2_ALT_CIRCUMFLEX }, { "alt_verbnames", PCRE2_ALT_VERBNAMES },
	{ "use_offset_limit", PCRE2_USE_OFFSET_LIMIT },
};

int chk_rx_options(const struct tdm_cnode *url, uint32_t *opts, char *err, size_t len)
{
	*opts = 0;
	for (const struct tdm_cnode *n = url ? url->child : NULL; n; n = n->next) {
		if (strcmp(n->kw, "regex_options"))
			continue;
		for (uint32_t i = 0; i < n->argc; i++) {
			size_t j;
			for (j = 0; j < sizeof(rx_opts) / sizeof(rx_opts[0]); j++)
				if (!strcmp(rx_opts[j].name, n->argv[i]))
					break;
			if (j == sizeof(rx_opts) / sizeof(rx_opts[0])) {
				snprintf(err, len, "unknown regex option '%s'", n->argv[i]);
				return -1;
			}
			*opts |= rx_opts[j].bit;
		}
	}
	return 0;
}

struct chk_rx *chk_rx_new(const char *pattern, const struct tdm_cnode *url, char *err,
                          size_t len)
{
	struct chk_rx *rx = calloc(1, sizeof(*rx));
	const struct tdm_cnode *st = url ? tdm_cnode_find(url, "regex_stack") : NULL;
	int ec;
	PCRE2_SIZE eo;

	if (!rx) {
		snprintf(err, len, "out of memory");
		return NULL;
	}
	if (chk_rx_options(url, &rx->opts, err, len))
		goto fail;
	rx->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, rx->opts, &ec, &eo,
	                         NULL);
	if (!rx->code) {
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(ec, msg, sizeof(msg));
		snprintf(err, len, "%s at offset %zu", (const char *)msg, (size_t)eo);
		goto fail;
	}
	/* JIT when the library has it; the interpreter otherwise (same results) */
	pcre2_jit_compile(rx->code, PCRE2_JIT_COMPLETE);
	rx->md = pcre2_match_data_create(1, NULL);
	if (!rx->md)
		goto oom;
	if (st && st->argc == 2 && st->vals[1].i > 0) {
		size_t lo = (size_t)st->vals[0].i, hi = (size_t)st->vals[1].i;
		if (lo > hi)
			lo = hi;
		if (!(rx->mctx = pcre2_match_context_create(NULL)) ||
		    !(rx->stack = pcre2_jit_stack_create(lo ? lo : 1, hi, NULL)))
			goto oom;
		pcre2_jit_stack_assign(rx->mctx, NULL, rx->stack);
	}
	if ((rx->opts & PCRE2_USE_OFFSET_LIMIT) && !rx->mctx &&
	    !(rx->mctx = pcre2_match_context_create(NULL)))
		goto oom;
	return rx;
oom:
	snprintf(err, len, "out of memory");
fail:
	chk_rx_free(rx);
	return NULL;
}

int chk_rx_match(struct chk_rx *rx, const char *subject, size_t len, long long min_off,
                 long long max_off, char *err, size_t elen)
{
	PCRE2_SIZE *ov;
	int r;

	if (min_off < 0)
		min_off = 0;
	if ((size_t)min_off > len)
		return 0;
	/* use_offset_limit: PCRE2 itself stops trying start positions after regex_max_offset */
	if ((rx->opts & PCRE2_USE_OFFSET_LIMIT) && rx->mctx)
		pcre2_set_offset_limit(rx->mctx, max_off >= 0 ? (PCRE2_SIZE)max_off :
		                       PCRE2_UNSET);
	r = pcre2_match(rx->code, (PCRE2_SPTR)(subject ? subject : ""), len, (PCRE2_SIZE)min_off,
	                0, rx->md, rx->mctx);
	if (r == PCRE2_ERROR_NOMATCH)
		return 0;
	if (r < 0) {
		PCRE2_UCHAR msg[120];
		pcre2_get_error_message(r, msg, sizeof(msg));
		snprintf(err, elen, "%s%s", (const char *)msg,
		         r == PCRE2_ERROR_JIT_STACKLIMIT ? " (raise regex_stack)" : "");
		return -1;
	}
	/* the leftmost match is found first: none starts earlier than it */
	ov = pcre2_get_ovector_pointer(rx->md);
	return max_off < 0 || (long long)ov[0] <= max_off;
}

void chk_rx_free(struct chk_rx *rx)
{
	if (!rx)
		return;
	pcre2_match_context_free(rx->mctx);
	pcre2_jit_stack_free(rx->stack);
	pcre2_match_data_free(rx->md);
	pcre2_code_free(rx->code);
	free(rx->key);
	free(rx);
}

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* the cache key: options, JIT stack sizes and the pattern */
static char *rx_key(const char *pattern, const struct tdm_cnode *url, char *err, size_t len)
{
	const struct tdm_cnode *st = url ? tdm_cnode_find(url, "regex_stack") : NULL;
	uint32_t opts;
	char *k = NULL;

	if (chk_rx_options(url, &opts, err, len))
		return NULL;
	if (asprintf(&k, "%x|%lld,%lld|%s", opts, st && st->argc == 2 ? st->vals[0].i : -1,
	             st && st->argc == 2 ? st->vals[1].i : -1, pattern) < 0) {
		snprintf(err, len, "out of memory");
		return NULL;
	}
	return k;
}

static int cache_grow(struct chk_rx_cache *c)
{
	size_t nb = c->nb ? c->nb * 4 : 64;
	struct chk_rx **b = calloc(nb, sizeof(*b));

	if (!b)
		return -1;
	for (size_t i = 0; i < c->nb; i++)
		for (struct chk_rx *r = c->b[i], *nx; r; r = nx) {
			nx = r->next;
			r->next = b[r->hash & (nb - 1)];
			b[r->hash & (nb - 1)] = r;
		}
	free(c->b);
	c->b = b;
	c->nb = nb;
	return 0;
}

struct chk_rx *chk_rx_get(struct chk_rx_cache **cache, const char *pattern,
                          const struct tdm_cnode *url, char *err, size_t len)
{
	struct chk_rx_cache *c = *cache;
	struct chk_rx *rx;
	char *key = rx_key(pattern, url, err, len);
	uint32_t h;

	if (!key)
		return NULL;
	if (!c && !(c = *cache = calloc(1, sizeof(*c))))
		goto oom;
	if ((c->n + 1 > c->nb * 2 || !c->nb) && cache_grow(c))
		goto oom;
	h = hash_str(key);
	for (rx = c->b[h & (c->nb - 1)]; rx; rx = rx->next)
		if (rx->hash == h && !strcmp(rx->key, key)) {
			free(key);
			rx->refs++;
			return rx;
		}
	rx = chk_rx_new(pattern, url, err, len);
	if (!rx) {
		free(key);
		return NULL;
	}
	rx->key = key;
	rx->hash = h;
	rx->refs = 1;
	rx->next = c->b[h & (c->nb - 1)];
	c->b[h & (c->nb - 1)] = rx;
	c->n++;
	return rx;
oom:
	free(key);
	snprintf(err, len, "out of memory");
	return NULL;
}

void chk_rx_put(struct chk_rx_cache **cache, struct chk_rx *rx)
{
	struct chk_rx_cache *c = *cache;
	struct chk_rx **pp;

	if (!rx)
		return;
	if (--rx->refs > 0)
		return;
	for (pp = c && c->nb ? &c->b[rx->hash & (c->nb - 1)] : NULL; pp && *pp; pp = &(*pp)->next)
		if (*pp == rx) {
			*pp = rx->next;
			c->n--;
			break;
		}
	chk_rx_free(rx);
}

size_t chk_rx_cache_count(const struct chk_rx_cache *cache)
{
	return cache ? cache->n : 0;
}

void chk_rx_cache_free(struct chk_rx_cache **cache)
{
	struct chk_rx_cache *c = *cache;

	if (!c)
		return;
	for (size_t i = 0; i < c->nb; i++)
		for (struct chk_rx *r = c->b[i], *nx; r; r = nx) {
			nx = r->next;
			chk_rx_free(r);
		}
	free(c->b);
	free(c);
	*cache = NULL;
}
