/* healthcheck/chk_http_match.c - the verdict on one url's complete response, shared by HTTP_GET
 * and SSL_GET (both on libcurl, chk_http.c): status_code (default 200-299), digest
 * (MD5 of the body), regex / regex_no_match (POSIX extended, limited by regex_min_offset and
 * regex_max_offset) and expect_body. */
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

int chk_http_regex_match(const regex_t *re, const char *body, size_t len, long long min_off,
                         long long max_off)
{
	regmatch_t m[1];

	if (min_off < 0)
		min_off = 0;
	if ((size_t)min_off > len)
		return 0;
	m[0].rm_so = (regoff_t)min_off;
	m[0].rm_eo = (regoff_t)len;
	if (regexec(re, body ? body : "", 1, m, REG_STARTEND))
		return 0;
	/* the leftmost match starts first: none starts earlier than it */
	return max_off < 0 || (long long)m[0].rm_so <= max_off;
}

int chk_http_verdict(const struct chk_spec *s, size_t url, const char *kind, long code,
                     EVP_MD_CTX *md5, const char *body, size_t blen, regex_t *re,
                     uint8_t *re_state, char *why, size_t len)
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
		int m;
		if (re_state[url] == 0)
			re_state[url] = regcomp(&re[url], u->regex, REG_EXTENDED) ? 2 : 1;
		if (re_state[url] == 2) {
			snprintf(why, len, "%s %s: regex '%s' does not compile", kind, path, u->regex);
			return 0;
		}
		m = chk_http_regex_match(&re[url], body, body ? blen : 0,
		                         url_int(un, "regex_min_offset", 0),
		                         url_int(un, "regex_max_offset", -1));
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
