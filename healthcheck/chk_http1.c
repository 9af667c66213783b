/* healthcheck/chk_http1.c - HTTP_GET on tandem's own HTTP/1.x client, straight on the engine's
 * libev loop: per url { path, digest, status_code, regex, regex_no_match, virtualhost }, one
 * fresh connection (non-blocking connect, the request in one send, the response read with
 * chk_http_resp), and all urls must pass. Same keywords and verdicts as the libcurl client
 * that SSL_GET uses (chk_http.c), at less than half of its CPU per check: no per-check
 * handle, one small allocation per exchange, 7-8 system calls. Bounded: head 64 KiB, body
 * 1 MiB, the whole exchange of one url by connect_timeout. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "healthcheck/check_int.h"
#include "healthcheck/chk_http_match.h"
#include "healthcheck/chk_http_resp.h"

#define H1_MAX_BODY    (1024 * 1024)
#define H1_MAX_HEADERS (64 * 1024)

enum { PH_SEND, PH_READ };

/* the url in progress (allocated for the exchange only: an idle check holds none) */
struct h1_att {
	struct http_resp resp;
	EVP_MD_CTX *md5;
	char *body;                 /* kept only when the url has a regex or expect_body */
	size_t body_len, body_cap, total;
	char abort_why[64];
};

struct h1_req {                 /* the request text of one url, made on first use */
	char *s;
	size_t len;
};

struct h1_priv {
	ev_io io;
	ev_timer to;
	int fd, phase, eof;
	int keep;                   /* the url in progress needs the body text (regex, expect_body) */
	int head;                   /* the method is HEAD (made once: -1 = not yet) */
	size_t url, sent;
	struct h1_att *a;
	struct h1_req *req;
	regex_t *re;                /* per url, only when a url has a regex */
	uint8_t *re_state;          /* 0 not compiled, 1 ok, 2 bad */
	size_t nurls;
};

static const char *kw_str(const struct tdm_cnode *blk, const char *kw)
{
	const struct tdm_cnode *n = blk ? tdm_cnode_find(blk, kw) : NULL;

	return n && n->argc ? n->argv[0] : NULL;
}

static const char *method_of(const struct check_checker_conf *k)
{
	const char *m = kw_str(k->node, "method");

	return m ? m : kw_str(k->node, "body") ? "POST" : "GET";
}

/* a configured `header` named like "Name:" (case-insensitive) */
static int has_header(const struct check_checker_conf *k, const char *name)
{
	size_t nl = strlen(name);

	for (const struct tdm_cnode *h = k->node ? k->node->child : NULL; h; h = h->next)
		if (!strcmp(h->kw, "header") && h->argc && !strncasecmp(h->argv[0], name, nl))
			return 1;
	return 0;
}

struct sbuf {
	char *p;
	size_t len, cap;
	int oom;
};

__attribute__((format(printf, 2, 3)))
static void sb_add(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (int pass = 0; pass < 2 && !b->oom; pass++) {
		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = 1;
			return;
		}
		if (b->p && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = b->cap ? b->cap : 256;
		while (cap <= b->len + (size_t)n)
			cap *= 2;
		char *q = realloc(b->p, cap);
		if (!q) {
			b->oom = 1;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
}

/* the request text of url i (made once, kept with the check) */
static int build_req(struct chk_inst *c, size_t i)
{
	struct h1_priv *p = c->priv;
	const struct chk_spec *s = &c->spec;
	const struct check_checker_conf *k = s->conf;
	const struct check_url *u = &k->u.http.urls[i];
	const char *proto = k->u.http.http_protocol;
	const char *vhost = u->virtualhost ? u->virtualhost : s->virtualhost;
	const char *body = kw_str(k->node, "body");
	int v6 = s->addr.ss_family == AF_INET6;
	struct sbuf b = { 0 };

	sb_add(&b, "%s %s%s HTTP/1.%c\r\n", method_of(k), u->path && u->path[0] == '/' ? "" : "/",
	       u->path ? u->path : "", proto && !strcmp(proto, "1.1") ? '1' : '0');
	if (!has_header(k, "Host:")) {
		if (vhost)
			sb_add(&b, "Host: %s\r\n", vhost);
		else if (s->port == 80)
			sb_add(&b, "Host: %s%s%s\r\n", v6 ? "[" : "", s->host, v6 ? "]" : "");
		else
			sb_add(&b, "Host: %s%s%s:%d\r\n", v6 ? "[" : "", s->host, v6 ? "]" : "", s->port);
	}
	if (!has_header(k, "User-Agent:"))
		sb_add(&b, "User-Agent: tandem-check\r\n");
	if (!has_header(k, "Accept:"))
		sb_add(&b, "Accept: */*\r\n");
	if (proto && (!strcmp(proto, "1.0C") || !strcmp(proto, "1.1")))
		sb_add(&b, "Connection: close\r\n");
	for (const struct tdm_cnode *h = k->node ? k->node->child : NULL; h; h = h->next) {
		if (strcmp(h->kw, "header"))
			continue;
		for (uint32_t a = 0; a < h->argc; a++)
			sb_add(&b, "%s%s", a ? " " : "", h->argv[a]);
		sb_add(&b, "\r\n");
	}
	if (body) {
		if (!has_header(k, "Content-Type:"))
			sb_add(&b, "Content-Type: application/x-www-form-urlencoded\r\n");
		sb_add(&b, "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
	} else {
		sb_add(&b, "\r\n");
	}
	if (b.oom) {
		free(b.p);
		return -1;
	}
	p->req[i].s = b.p;
	p->req[i].len = b.len;
	return 0;
}

/* ---- one url ---- */

static void conn_close(struct chk_inst *c)
{
	struct h1_priv *p = c->priv;

	ev_io_stop(chk_loop(c), &p->io);
	ev_timer_stop(chk_loop(c), &p->to);
	if (p->fd >= 0) {
		if (!p->eof) {
			/* we end first: a reset leaves no TIME_WAIT socket on the director */
			struct linger lg = { 1, 0 };
			setsockopt(p->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		}
		close(p->fd);
	}
	p->fd = -1;
}

static void body_end(struct h1_priv *p)
{
	if (!p->a)
		return;
	EVP_MD_CTX_free(p->a->md5);
	free(p->a->body);
	free(p->a);
	p->a = NULL;
}

static int body_cb(void *arg, const char *data, size_t len)
{
	struct chk_inst *c = arg;
	struct h1_att *p = ((struct h1_priv *)c->priv)->a;

	p->total += len;
	if (p->total > H1_MAX_BODY) {
		snprintf(p->abort_why, sizeof(p->abort_why), "body longer than %d bytes", H1_MAX_BODY);
		return -1;
	}
	if (p->md5)
		EVP_DigestUpdate(p->md5, data, len);
	if (((struct h1_priv *)c->priv)->keep) {
		if (p->body_len + len + 1 > p->body_cap) {
			size_t cap = p->body_cap ? p->body_cap : 4096;
			while (cap < p->body_len + len + 1)
				cap *= 2;
			char *b = realloc(p->body, cap);
			if (!b) {
				snprintf(p->abort_why, sizeof(p->abort_why), "out of memory");
				return -1;
			}
			p->body = b;
			p->body_cap = cap;
		}
		memcpy(p->body + p->body_len, data, len);
		p->body_len += len;
		p->body[p->body_len] = '\0';
	}
	return 0;
}

static int url_begin(struct chk_inst *c, char *why, size_t len);

/* the url ended: ok = the response is complete (verdict to make), else fail with `err` */
static void url_end(struct chk_inst *c, int complete, const char *err)
{
	struct h1_priv *p = c->priv;
	const struct check_url *u = &c->spec.conf->u.http.urls[p->url];
	char why[192];
	int ok = 0;

	conn_close(c);
	if (complete)
		ok = chk_http_verdict(&c->spec, p->url, "HTTP", p->a->resp.code, p->a->md5, p->a->body,
		                      p->a->body_len, p->re, p->re_state, why, sizeof(why));
	else
		snprintf(why, sizeof(why), "HTTP %s %s from %s: %s", method_of(c->spec.conf),
		         u->path ? u->path : "/", c->spec.target, err);
	body_end(p);
	if (ok && p->url + 1 < p->nurls) {
		p->url++;
		if (url_begin(c, why, sizeof(why)) == 0)
			return;
		ok = 0;
	}
	chk_done(c, ok, why);
}

static void h1_read(struct chk_inst *c)
{
	struct h1_priv *p = c->priv;
	char buf[16384];

	for (int i = 0; i < 64; i++) {
		ssize_t n = recv(p->fd, buf, sizeof(buf), 0);
		int r;
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			url_end(c, 0, strerror(errno));
			return;
		}
		if (n == 0) {
			p->eof = 1;
			r = http_resp_eof(&p->a->resp);
			url_end(c, r == 1, p->a->resp.err);
			return;
		}
		r = http_resp_feed(&p->a->resp, buf, (size_t)n, body_cb, c);
		if (r) {
			url_end(c, r == 1, p->a->resp.err[0] ? p->a->resp.err : p->a->abort_why);
			return;
		}
		if ((size_t)n < sizeof(buf))
			return;             /* drained for now: the loop says when more comes */
	}
}

static void h1_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct chk_inst *c = w->data;
	struct h1_priv *p = c->priv;

	if (p->phase == PH_READ) {
		h1_read(c);
		return;
	}
	/* connected (or failed: send reports the connect error) */
	while (p->sent < p->req[p->url].len) {
		ssize_t n = send(p->fd, p->req[p->url].s + p->sent, p->req[p->url].len - p->sent,
		                 MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			url_end(c, 0, strerror(errno));
			return;
		}
		p->sent += (size_t)n;
	}
	p->phase = PH_READ;
	ev_io_stop(loop, &p->io);
	ev_io_set(&p->io, p->fd, EV_READ);
	ev_io_start(loop, &p->io);
}

static void h1_to_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct chk_inst *c = w->data;
	struct h1_priv *p = c->priv;
	char msg[96];

	snprintf(msg, sizeof(msg), "timed out after %.3g s %s", (double)c->spec.connect_timeout_us / 1e6,
	         p->phase == PH_SEND ? (p->sent ? "sending the request" : "connecting") :
	         p->a->resp.code ? "reading the body" : "waiting for the response");
	url_end(c, 0, msg);
}

static int url_begin(struct chk_inst *c, char *why, size_t len)
{
	struct h1_priv *p = c->priv;
	const struct check_url *u = &c->spec.conf->u.http.urls[p->url];

	if ((!p->req[p->url].s && build_req(c, p->url)) || !(p->a = calloc(1, sizeof(*p->a)))) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	if (u->digest) {
		p->a->md5 = EVP_MD_CTX_new();
		if (!p->a->md5 || !EVP_DigestInit_ex(p->a->md5, EVP_md5(), NULL)) {
			body_end(p);
			snprintf(why, len, "MD5 unavailable");
			return -1;
		}
	}
	if (p->head < 0)
		p->head = !strcmp(method_of(c->spec.conf), "HEAD");
	p->keep = u->regex || chk_http_expect_body(c->spec.conf, p->url);
	http_resp_init(&p->a->resp, p->head, H1_MAX_HEADERS);
	p->sent = 0;
	p->eof = 0;
	p->phase = PH_SEND;
	p->fd = chk_socket(&c->spec, SOCK_STREAM, why, len);
	if (p->fd < 0) {
		body_end(p);
		return -1;
	}
	if (connect(p->fd, (const struct sockaddr *)&c->spec.addr, c->spec.alen) && errno != EINPROGRESS) {
		snprintf(why, len, "HTTP %s %s from %s: %s", method_of(c->spec.conf),
		         u->path ? u->path : "/", c->spec.target, strerror(errno));
		p->eof = 1;
		conn_close(c);
		body_end(p);
		return -1;
	}
	chk_watch(c, &p->io, h1_io_cb, p->fd, EV_WRITE, &p->to, h1_to_cb);
	return 0;
}

/* ---- checker ops ---- */

static int h1_start(struct chk_inst *c, char *why, size_t len)
{
	struct h1_priv *p = c->priv;
	size_t nu = c->spec.conf->u.http.nurls;

	if (!nu) {
		snprintf(why, len, "HTTP_GET: no url");
		return -1;
	}
	if (!p) {
		p = calloc(1, sizeof(*p));
		int re = 0;
		for (size_t i = 0; i < nu; i++)
			re |= c->spec.conf->u.http.urls[i].regex != NULL;
		if (!p || !(p->req = calloc(nu, sizeof(*p->req))) ||
		    (re && (!(p->re = calloc(nu, sizeof(*p->re))) || !(p->re_state = calloc(nu, 1))))) {
			if (p) {
				free(p->req);
				free(p->re);
			}
			free(p);
			snprintf(why, len, "out of memory");
			return -1;
		}
		p->nurls = nu;
		p->fd = -1;
		p->head = -1;
		c->priv = p;
	}
	p->url = 0;
	return url_begin(c, why, len);
}

static void h1_stop(struct chk_inst *c)
{
	struct h1_priv *p = c->priv;

	if (!p)
		return;
	conn_close(c);
	body_end(p);
}

static int h1_same(const struct chk_spec *a, const struct chk_spec *b)
{
	return a->conf->u.http.nurls == b->conf->u.http.nurls;   /* the rest is in the key */
}

static void h1_free(struct chk_inst *c)
{
	struct h1_priv *p = c->priv;

	if (!p)
		return;
	h1_stop(c);
	for (size_t i = 0; i < p->nurls; i++) {
		free(p->req[i].s);
		if (p->re_state && p->re_state[i] == 1)
			regfree(&p->re[i]);
	}
	free(p->req);
	free(p->re);
	free(p->re_state);
	free(p);
	c->priv = NULL;
}

const struct chk_ops chk_http1_ops = {
	.name = "HTTP_GET", .start = h1_start, .stop = h1_stop, .same = h1_same,
	.free = h1_free,
};
