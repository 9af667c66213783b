/* healthcheck/check_spec.c - resolves one configured checker into the spec the engine runs:
 * target and source addresses, timing inherited checker -> real server -> virtual server ->
 * defaults, tandem's extra keywords read from the tree (rise, slowstart, verify_peer, ca_file,
 * ca_path, sni_name, client_cert, client_key), and the identity key that makes two checks
 * "the same" for de-duplication and reload. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "healthcheck/check_int.h"
#include "healthcheck/check_spec.h"
#include "vrrp/vrrp_conf.h"

#define DEF_CONNECT_TIMEOUT_US 5000000
#define DEF_DELAY_LOOP_US      60000000
#define DEF_RETRY_DELAY_US     1000000

int check_text_index(struct check_text *ti, const struct tdm_config *cfg)
{
	size_t n = 1, cap = 1024;
	const char *t = cfg->text;

	memset(ti, 0, sizeof(*ti));
	ti->text = t;
	ti->len = cfg->text_len;
	ti->off = malloc(cap * sizeof(*ti->off));
	if (!ti->off)
		return -1;
	ti->off[0] = 0;
	for (size_t i = 0; t && i < cfg->text_len; i++) {
		if (t[i] != '\n')
			continue;
		if (n == cap) {
			size_t *p = realloc(ti->off, cap * 2 * sizeof(*p));
			if (!p)
				return -1;
			ti->off = p;
			cap *= 2;
		}
		ti->off[n++] = i + 1;
	}
	ti->nlines = n;
	return 0;
}

void check_text_free(struct check_text *ti)
{
	free(ti->off);
	memset(ti, 0, sizeof(*ti));
}

/* canonical text of lines [a, b] (1-based) */
static void span(const struct check_text *ti, uint32_t a, uint32_t b, const char **p, size_t *n)
{
	*p = "";
	*n = 0;
	if (!ti->text || a < 1 || a > ti->nlines || b < a)
		return;
	size_t s = ti->off[a - 1];
	size_t e = b < ti->nlines ? ti->off[b] : ti->len;
	*p = ti->text + s;
	*n = e - s;
}

static const struct tdm_cnode *find_up(const struct tdm_cnode *a, const struct tdm_cnode *b,
                                       const struct tdm_cnode *c, const char *kw)
{
	const struct tdm_cnode *n = tdm_cnode_find(a, kw);

	if (!n && b)
		n = tdm_cnode_find(b, kw);
	if (!n && c)
		n = tdm_cnode_find(c, kw);
	return n;
}

static int64_t pick(int64_t a, int64_t b, int64_t c, int64_t def)
{
	return a >= 0 ? a : b >= 0 ? b : c >= 0 ? c : def;
}

static socklen_t to_sockaddr(const struct tdm_addr *a, int port, union chk_sa *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *s = &ss->in;
		s->sin_family = AF_INET;
		s->sin_addr = a->u.v4;
		s->sin_port = htons((uint16_t)port);
		return sizeof(*s);
	}
	if (a->family == AF_INET6) {
		struct sockaddr_in6 *s = &ss->in6;
		s->sin6_family = AF_INET6;
		s->sin6_addr = a->u.v6;
		s->sin6_port = htons((uint16_t)port);
		return sizeof(*s);
	}
	return 0;
}

static const char *str_kw(const struct tdm_cnode *blk, const char *kw)
{
	const struct tdm_cnode *n = tdm_cnode_find(blk, kw);

	return n && n->argc ? n->argv[0] : NULL;
}

/* an SMTP_CHECK host block built as a check of its own (check_conf_build.c): k->node is the
 * host, its parent the SMTP_CHECK with the check's other keywords */
static int is_smtp_host(const struct check_checker_conf *k)
{
	return k->kind == CHECK_SMTP && k->node && check_conf_is_smtp_host(k->node);
}

/* the canonical text of a check into its key: its block; for an SMTP_CHECK host, the
 * SMTP_CHECK without any of its host blocks, then the host's own, so that adding, removing or
 * changing one host leaves the keys of the others (and their running checks) as they were */
static void key_text(FILE *f, const struct check_text *ti, const struct check_checker_conf *k)
{
	const struct tdm_cnode *n = k->node, *p, *c;
	const char *txt;
	size_t tlen;
	uint32_t from;

	if (!is_smtp_host(k)) {
		span(ti, n ? n->line : 0, n ? n->end_line : 0, &txt, &tlen);
		fwrite(txt, 1, tlen, f);
		return;
	}
	p = n->parent;
	from = p->line;
	for (c = p->child; c; c = c->next) {
		if (strcmp(c->kw, "host") || c->end_line == c->line)
			continue;
		span(ti, from, c->line - 1, &txt, &tlen);
		fwrite(txt, 1, tlen, f);
		from = c->end_line + 1;
	}
	span(ti, from, p->end_line, &txt, &tlen);
	fwrite(txt, 1, tlen, f);
	fputs("|host|", f);
	span(ti, n->line, n->end_line, &txt, &tlen);
	fwrite(txt, 1, tlen, f);
}

int check_spec_build(const struct tdm_config *cfg, const struct check_vs_conf *vs,
                     const struct check_rs_conf *rs, const struct check_checker_conf *k,
                     const struct check_text *ti, struct chk_spec *s, char **key)
{
	const struct tdm_cnode *n, *kn = is_smtp_host(k) ? k->node->parent : k->node;
	const struct tdm_addr *ta = k->has_connect_ip ? &k->connect_ip : &rs->addr;
	char bind[INET6_ADDRSTRLEN] = "", *buf = NULL;
	size_t sz = 0;
	int retry;
	FILE *f;

	memset(s, 0, sizeof(*s));
	s->kind = k->kind;
	s->conf = k;
	s->port = k->connect_port >= 0 ? k->connect_port : rs->port;
	if (!s->port && k->kind == CHECK_HTTP)
		s->port = 80;
	if (!s->port && k->kind == CHECK_SSL)
		s->port = 443;
	s->alen = to_sockaddr(ta, s->port, &s->addr);
	inet_ntop(ta->family, &ta->u, s->host, sizeof(s->host));
	if (ta->family == AF_INET6)
		snprintf(s->target, sizeof(s->target), "[%s]:%d", s->host, s->port);
	else
		snprintf(s->target, sizeof(s->target), "%s:%d", s->host, s->port);
	if (k->has_bindto || k->bind_port > 0) {
		struct tdm_addr any = { .family = ta->family };
		s->blen = to_sockaddr(k->has_bindto ? &k->bindto : &any, k->bind_port > 0 ? k->bind_port : 0,
		                      &s->bind);
		if (k->has_bindto)
			inet_ntop(k->bindto.family, &k->bindto.u, bind, sizeof(bind));
	}
	s->bind_if = k->bind_if;
	s->fwmark = k->fwmark;
	s->connect_timeout_us = pick(k->t.connect_timeout_us, rs->t.connect_timeout_us,
	                             vs->t.connect_timeout_us, DEF_CONNECT_TIMEOUT_US);
	s->delay_loop_us = pick(k->t.delay_loop_us, rs->t.delay_loop_us, vs->t.delay_loop_us,
	                        DEF_DELAY_LOOP_US);
	s->retry_delay_us = pick(k->t.delay_before_retry_us, rs->t.delay_before_retry_us,
	                         vs->t.delay_before_retry_us, DEF_RETRY_DELAY_US);
	s->warmup_us = pick(k->t.warmup_us, rs->t.warmup_us, vs->t.warmup_us, 0);
	retry = (int)pick(k->t.retry, rs->t.retry, vs->t.retry,
	                  k->kind == CHECK_DNS ? 3 : k->kind == CHECK_MISC ? 0 : 1);
	s->fall = retry + 1;
	s->alpha = (int)pick(k->t.alpha, rs->t.alpha, vs->alpha, 0);
	n = find_up(kn, rs->node, vs->node, "rise");
	s->rise = n && n->argc ? (int)n->vals[0].i : 1;
	if (s->rise < 1)
		s->rise = 1;
	n = find_up(kn, rs->node, vs->node, "log_all_failures");
	s->log_all = n ? (n->argc ? (int)n->vals[0].i : 1) : 0;
	s->virtualhost = k->kind == CHECK_HTTP || k->kind == CHECK_SSL ? k->u.http.virtualhost : NULL;
	if (!s->virtualhost)
		s->virtualhost = rs->virtualhost ? rs->virtualhost : vs->virtualhost;
	if (k->kind == CHECK_SSL || k->kind == CHECK_HTTP) {
		const struct check_ssl_conf *g = cfg->check ? &cfg->check->ssl : NULL;
		n = tdm_cnode_find(k->node, "verify_peer");
		s->verify_peer = n ? (n->argc ? (int)n->vals[0].i : 1) : 0;
		s->ca_file = str_kw(k->node, "ca_file");
		if (!s->ca_file && g)
			s->ca_file = g->ca;
		s->ca_path = str_kw(k->node, "ca_path");
		s->sni_name = str_kw(k->node, "sni_name");
		s->client_cert = str_kw(k->node, "client_cert");
		if (!s->client_cert && g)
			s->client_cert = g->certificate;
		s->client_key = str_kw(k->node, "client_key");
		if (!s->client_key && g)
			s->client_key = g->key;
		s->key_passwd = g ? g->password : NULL;
	}
	if (k->kind == CHECK_FILE) {
		const struct vrrp_named *t = cfg->vrrp ? cfg->vrrp->track_files : NULL;
		for (; t && k->u.file.track_file; t = t->next)
			if (t->name && !strcmp(t->name, k->u.file.track_file)) {
				const struct tdm_cnode *fn = tdm_cnode_find(t->node, "file");
				s->file_path = fn && fn->argc ? fn->argv[0] : NULL;
				break;
			}
		s->base_weight = rs->weight;
	}
	f = open_memstream(&buf, &sz);
	if (!f)
		return -1;
	fprintf(f, "%d|%s|%s:%d|%s|%lld|%lld,%lld,%lld,%lld|%d,%d,%d|%s|%d,%s,%s,%s,%s,%s,%s|",
	        (int)s->kind, s->target, bind, k->bind_port, s->bind_if ? s->bind_if : "",
	        s->fwmark, (long long)s->connect_timeout_us, (long long)s->delay_loop_us,
	        (long long)s->retry_delay_us, (long long)s->warmup_us, s->rise, s->fall, s->alpha,
	        s->virtualhost ? s->virtualhost : "", s->verify_peer, s->ca_file ? s->ca_file : "",
	        s->ca_path ? s->ca_path : "", s->sni_name ? s->sni_name : "",
	        s->client_cert ? s->client_cert : "", s->client_key ? s->client_key : "",
	        s->key_passwd ? s->key_passwd : "");
	if (k->kind == CHECK_FILE)
		fprintf(f, "file=%s,w=%d|", s->file_path ? s->file_path : "", s->base_weight);
	key_text(f, ti, k);
	if (fclose(f) || !buf) {
		free(buf);
		return -1;
	}
	/* kept as a 128-bit digest of that text (32 hex digits) instead of the text itself: a
	 * few hundred bytes less per check */
	{
		unsigned char d[EVP_MAX_MD_SIZE];
		unsigned dl = 0;
		char *hex = NULL;
		if (EVP_Digest(buf, sz, d, &dl, EVP_sha256(), NULL) && dl >= 16 && (hex = malloc(33)))
			for (int i = 0; i < 16; i++)
				snprintf(hex + 2 * i, 3, "%02x", d[i]);
		free(buf);
		if (!hex)
			return -1;
		*key = hex;
	}
	return 0;
}

void check_rs_params(const struct check_vs_conf *vs, const struct check_rs_conf *rs,
                     struct rs_conf *rc)
{
	const struct tdm_cnode *n = find_up(rs->node, vs->node, NULL, "slowstart");

	rc->weight = rs->weight;
	rc->inhibit = rs->inhibit_on_failure >= 0 ? rs->inhibit_on_failure : vs->inhibit_on_failure;
	rc->slowstart_us = n && n->argc ? (int64_t)n->vals[0].us : 0;
}
