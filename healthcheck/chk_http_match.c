/* healthcheck/chk_http_match.c - the verdict on one url's complete response, shared by HTTP_GET
 * and SSL_GET (both on libcurl, chk_http.c): status_code (default 200-299), digest
 * (MD5 of the body), regex / regex_no_match (PCRE2 with keepalived's regex_options and
 * regex_stack, chk_regex.c; limited by regex_min_offset and regex_max_offset) and expect_body. */
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "healthcheck/chk_http_match.h"

static const char *kw_str(const struct tdm_cnode *blk, const char *kw)
{
	const struct tdm_cnode *n = blk ? tdm_cnode_find(blk, kw) : NULL;

	return n && n->argc ? n->argv[0] : NULL;
}

const struct tdm_cnode *chk_http_url_node(const struct check_checker_conf *k, size_t i)
{
	for (const struct tdm_cnode *n = k->node ? k->node->child : NULL; n; n = n->next)
		if (!strcmp(n->kw, "url") && i-- == 0)
			return n;
	return NULL;
}

const char *chk_http_expect_body(const struct check_checker_conf *k, size_t i)
{
	const char *e = kw_str(chk_http_url_node(k, i), "expect_body");

	return e ? e : kw_str(k->node, "expect_body");
}

static long long url_int(const struct tdm_cnode *u, const char *kw, long long def)
{
	const struct tdm_cnode *n = u ? tdm_cnode_find(u, kw) : NULL;

	return n && n->argc ? n->vals[0].i : def;
}

int chk_http_verdict(const struct chk_spec *s, size_t url, const char *kind, long code,
                     EVP_MD_CTX *md5, const char *body, size_t blen, struct chk_rx_cache **cache,
                     struct chk_rx **re, uint8_t *re_state, char *why, size_t len)
{
	const struct check_url *u = &s->conf->u.http.urls[url];
	const char *path = u->path ? u->path : "/";
	const char *want = chk_http_expect_body(s->conf, url);
	int ok = !u->nstatus && code >= 200 && code <= 299;

	for (size_t i = 0; i < u->nstatus; i++)
		if (code >= u->status[i].lo && code <= u->status[i].hi)
			ok = 1;
	if (!ok) {
		snprintf(why, len, "%s %ld from %s for %s", kind, code, s->target, path);
		return 0;
	}
	if (u->digest && md5) {
		unsigned char d[EVP_MAX_MD_SIZE];
		unsigned dl = 0;
		char hex[2 * EVP_MAX_MD_SIZE + 1] = "";
		EVP_DigestFinal_ex(md5, d, &dl);
		for (unsigned i = 0; i < dl; i++)
			snprintf(hex + 2 * i, 3, "%02x", d[i]);
		if (strcasecmp(hex, u->digest)) {
			snprintf(why, len, "%s %ld from %s for %s: body MD5 %s, expected %s", kind, code,
			         s->target, path, hex, u->digest);
			return 0;
		}
	}
	if (u->regex) {
		const struct tdm_cnode *un = chk_http_url_node(s->conf, url);
		char err[160];
		int m;
		if (re_state[url] == 0) {
			re[url] = chk_rx_get(cache, u->regex, un, err, sizeof(err));
			re_state[url] = re[url] ? 1 : 2;
		}
		if (re_state[url] == 2) {
			snprintf(why, len, "%s %s: regex '%s' does not compile", kind, path, u->regex);
			return 0;
		}
		m = chk_rx_match(re[url], body, body ? blen : 0, url_int(un, "regex_min_offset", 0),
		                 url_int(un, "regex_max_offset", -1), err, sizeof(err));
		if (m < 0) {
			snprintf(why, len, "%s %ld from %s for %s: regex '%s': %s", kind, code, s->target,
			         path, u->regex, err);
			return 0;
		}
		if (m == (int)u->regex_no_match) {
			snprintf(why, len, "%s %ld from %s for %s: body %s regex '%s'", kind, code,
			         s->target, path, m ? "matches" : "does not match", u->regex);
			return 0;
		}
	}
	if (want && !(body && memmem(body, blen, want, strlen(want)))) {
		snprintf(why, len, "%s %ld from %s for %s: body lacks '%s'", kind, code, s->target, path,
		         want);
		return 0;
	}
	snprintf(why, len, "%s %ld from %s for %s", kind, code, s->target, path);
	return 1;
}
