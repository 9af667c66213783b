/* healthcheck/chk_http.c - HTTP_GET and SSL_GET on libcurl's multi interface driven by the
 * engine's libev loop (CURLMOPT_SOCKETFUNCTION/TIMERFUNCTION, curl_multi_socket_action for the
 * ready fd only): each url { path, digest, status_code, regex, regex_no_match, virtualhost } is
 * fetched in turn on a fresh connection and all must pass (verdict in chk_http_match.c).
 * Headers and body are bounded in the header/write callbacks, the exchange by connect_timeout
 * (CURLOPT_TIMEOUT_MS). Easy handles come from a small per-engine pool (an idle check holds
 * none) with the common options set once; IP-literal URLs (CONNECT_TO for a name) so libcurl
 * starts no resolver thread; a connection serves one check and is closed with a reset
 * (SO_LINGER 0) so no TIME_WAIT stays on the director, unless the checker says
 * reuse_connection (HTTP/1.1 keep-alive, the connection kept in the multi's cache). SSL_GET
 * verifies the peer only when asked (verify_peer, ca_file/ca_path, sni_name,
 * client_cert/client_key with the SSL block's password for an encrypted key) and can limit the
 * TLS versions (tls_min_version/tls_max_version). tandem's request keywords: method, header
 * (repeatable), body, and expect_body (text the response body must contain). */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "healthcheck/check_int.h"
#include "healthcheck/chk_http_match.h"

#define HTTP_MAX_BODY    (1024 * 1024)
#define HTTP_MAX_HEADERS (64 * 1024)
/* idle easy handles kept per engine; more are freed when their exchange ends */
#define HTTP_POOL_MAX    64
/* Checks are spread over HTTP_SHARDS multi handles: libcurl's per-multi caches (host names,
 * connection bundles) are walked in full on some operations, which costs O(targets) per
 * transfer with one multi for 10,000 targets. */
#define HTTP_SHARDS      64

struct http_glob {              /* one multi handle */
	CURLM *multi;
	struct ev_loop *loop;
	ev_timer timer;
	int n_in;                   /* easy handles added and not yet removed */
	int n_chk;                  /* checks that use this multi */
	unsigned idx;               /* in http_shards.g */
	struct http_sock *free_socks;
};

struct http_sock {              /* one socket libcurl asked us to watch */
	ev_io io;
	struct http_glob *g;
	curl_socket_t fd;
	struct http_sock *next;     /* free list */
};

/* one exchange: a pooled easy handle and the state of the url it fetches */
struct http_ex {
	CURL *easy;
	struct http_ex *next;       /* pool free list */
	struct chk_inst *c;
	struct http_glob *g;        /* the multi it is on (NULL = none) */
	struct curl_slist *hdrs, *connect_to;
	EVP_MD_CTX *md5;
	char *body;                 /* kept only when the url has a regex or expect_body */
	size_t body_len, body_cap, total, hdr_bytes;
	int keep;
	int dirty;                  /* options beyond the common set were used: reset on release */
	uint8_t reuse;              /* FORBID_REUSE and FRESH_CONNECT are off on this handle */
	char abort_why[64];
	char err[CURL_ERROR_SIZE];
};

struct http_shards {            /* per engine (kctx) */
	struct http_glob *g[HTTP_SHARDS];
	unsigned next;
	struct http_ex *pool;
	int npool;
	struct chk_rx_cache *rx;    /* compiled regexes shared by identical url regexes */
};

/* per check: what stays between attempts (about 40 bytes) */
struct http_priv {
	struct http_ex *ex;         /* the exchange in progress, NULL when idle */
	struct http_glob *g;
	uint32_t url, nre;          /* url in progress; regex slots (0 = no url has a regex) */
	struct chk_rx **re;         /* PCRE2, from the engine's cache on first use (chk_regex.c) */
	uint8_t *re_state;          /* 0 not compiled, 1 ok, 2 bad */
};

static void check_done_msgs(struct http_glob *g);

__attribute__((format(printf, 3, 4)))
static void say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

/* ---- libev <-> curl multi ---- */

/* completed transfers wait in the multi: read them only when curl runs fewer than we added */
static void after_action(struct http_glob *g, int running)
{
	if (running < g->n_in)
		check_done_msgs(g);
}

static void sock_cb_ev(struct ev_loop *loop, ev_io *w, int revents)
{
	struct http_sock *s = w->data;
	struct http_glob *g = s->g;
	int running = g->n_in, flags = (revents & EV_READ ? CURL_CSELECT_IN : 0) |
	                               (revents & EV_WRITE ? CURL_CSELECT_OUT : 0);

	curl_multi_socket_action(g->multi, s->fd, flags, &running);
	after_action(g, running);
}

static int curl_sock_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
	struct http_glob *g = userp;
	struct http_sock *s = socketp;
	int ev = (what & CURL_POLL_IN ? EV_READ : 0) | (what & CURL_POLL_OUT ? EV_WRITE : 0);

	if (what == CURL_POLL_REMOVE) {
		if (s) {
			ev_io_stop(g->loop, &s->io);
			s->next = g->free_socks;
			g->free_socks = s;
			curl_multi_assign(g->multi, fd, NULL);
		}
		return 0;
	}
	if (!s) {
		if (g->free_socks) {
			s = g->free_socks;
			g->free_socks = s->next;
		} else if (!(s = calloc(1, sizeof(*s)))) {
			return -1;
		}
		s->g = g;
		s->fd = fd;
		ev_io_init(&s->io, sock_cb_ev, fd, ev);
		s->io.data = s;
		curl_multi_assign(g->multi, fd, s);
	} else if ((s->io.events & (EV_READ | EV_WRITE)) == ev && ev_is_active(&s->io)) {
		return 0;               /* unchanged: no epoll_ctl */
	} else {
		ev_io_stop(g->loop, &s->io);
		ev_io_set(&s->io, fd, ev);
	}
	ev_io_start(g->loop, &s->io);
	return 0;
}

static void timer_cb_ev(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct http_glob *g = w->data;
	int running = g->n_in;

	curl_multi_socket_action(g->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	after_action(g, running);
}

static int curl_timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct http_glob *g = userp;

	ev_timer_stop(g->loop, &g->timer);
	if (timeout_ms >= 0) {
		/* milliseconds -> seconds as a double (never an integer division) */
		ev_timer_set(&g->timer, (double)timeout_ms / 1000.0, 0.);
		ev_timer_start(g->loop, &g->timer);
	}
	return 0;
}

static struct http_glob *glob_new(struct ev_loop *loop)
{
	struct http_glob *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->multi = curl_multi_init();
	if (!g->multi) {
		free(g);
		return NULL;
	}
	g->loop = loop;
	ev_timer_init(&g->timer, timer_cb_ev, 0., 0.);
	g->timer.data = g;
	curl_multi_setopt(g->multi, CURLMOPT_SOCKETFUNCTION, curl_sock_cb);
	curl_multi_setopt(g->multi, CURLMOPT_SOCKETDATA, g);
	curl_multi_setopt(g->multi, CURLMOPT_TIMERFUNCTION, curl_timer_cb);
	curl_multi_setopt(g->multi, CURLMOPT_TIMERDATA, g);
	/* reuse_connection keeps one idle connection per such check in its multi's cache (the
	 * others are never cached): no count limit; libcurl closes one idle for 118 s, and all of
	 * them when the multi's last check is freed (http_free) */
	curl_multi_setopt(g->multi, CURLMOPT_MAXCONNECTS, 1L << 20);
	return g;
}

static struct http_shards *shards_of(struct chk_inst *c)
{
	void **slot = chk_kctx(c);
	static int curl_ready;

	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT))
			return NULL;
		curl_ready = 1;
	}
	if (!*slot)
		*slot = calloc(1, sizeof(struct http_shards));
	return *slot;
}

static struct http_glob *glob_get(struct chk_inst *c)
{
	struct http_shards *sh = shards_of(c);
	unsigned i;

	if (!sh)
		return NULL;
	i = sh->next++ % HTTP_SHARDS;
	if (!sh->g[i] && (sh->g[i] = glob_new(chk_loop(c))))
		sh->g[i]->idx = i;
	if (sh->g[i])
		sh->g[i]->n_chk++;
	return sh->g[i];
}

/* the multi, its cached connections and its socket watchers */
static void glob_free(struct http_glob *g)
{
	ev_timer_stop(g->loop, &g->timer);
	curl_multi_cleanup(g->multi);
	while (g->free_socks) {
		struct http_sock *s = g->free_socks;
		g->free_socks = s->next;
		free(s);
	}
	free(g);
}

static void http_fini(void **kctx)
{
	struct http_shards *sh = *kctx;

	if (!sh)
		return;
	while (sh->pool) {
		struct http_ex *x = sh->pool;
		sh->pool = x->next;
		curl_easy_cleanup(x->easy);
		free(x);
	}
	for (int i = 0; i < HTTP_SHARDS; i++)
		if (sh->g[i])
			glob_free(sh->g[i]);
	chk_rx_cache_free(&sh->rx);
	free(sh);
	*kctx = NULL;
}

/* ---- callbacks ---- */

static size_t write_cb(char *data, size_t sz, size_t n, void *arg)
{
	struct http_ex *x = arg;
	size_t len = sz * n;

	x->total += len;
	if (x->total > HTTP_MAX_BODY) {
		snprintf(x->abort_why, sizeof(x->abort_why), "body longer than %d bytes", HTTP_MAX_BODY);
		return 0;               /* short: libcurl aborts the transfer */
	}
	if (x->md5)
		EVP_DigestUpdate(x->md5, data, len);
	if (x->keep) {
		if (x->body_len + len + 1 > x->body_cap) {
			size_t cap = x->body_cap ? x->body_cap : 4096;
			while (cap < x->body_len + len + 1)
				cap *= 2;
			char *b = realloc(x->body, cap);
			if (!b) {
				snprintf(x->abort_why, sizeof(x->abort_why), "out of memory");
				return 0;
			}
			x->body = b;
			x->body_cap = cap;
		}
		memcpy(x->body + x->body_len, data, len);
		x->body_len += len;
		x->body[x->body_len] = '\0';
	}
	return len;
}

static size_t header_cb(char *data, size_t sz, size_t n, void *arg)
{
	struct http_ex *x = arg;

	x->hdr_bytes += sz * n;
	if (x->hdr_bytes > HTTP_MAX_HEADERS) {
		snprintf(x->abort_why, sizeof(x->abort_why), "headers longer than %d bytes",
		         HTTP_MAX_HEADERS);
		return 0;
	}
	return sz * n;
}

static int sockopt_cb(void *arg, curl_socket_t fd, curlsocktype purpose)
{
	struct http_ex *x = arg;
	const struct chk_spec *s = x->c ? &x->c->spec : NULL;

	if (s && s->fwmark >= 0) {
		unsigned mark = (unsigned)s->fwmark;
		if (setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)))
			return CURL_SOCKOPT_ERROR;
	}
	return CURL_SOCKOPT_OK;
}

/* every connection is closed with a reset: no TIME_WAIT socket per check on the director */
static int closesock_cb(void *arg, curl_socket_t fd)
{
	struct linger lg = { 1, 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	return close(fd);
}

/* ---- the easy handle pool ---- */

/* the options every exchange shares, set once per handle */
static void easy_prime(struct http_ex *x)
{
	CURL *e = x->easy;

	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->err);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
	curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_DNS_CACHE_TIMEOUT, 0L);
	curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
	/* checks go straight to the real server: no proxy, nor its environment lookups */
	curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(e, CURLOPT_USERAGENT, "tandem-check");
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE, (long)HTTP_MAX_BODY);
	/* check answers are small: a 4 KiB receive buffer instead of 16 KiB per handle */
	curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 4096L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_SOCKOPTFUNCTION, sockopt_cb);
	curl_easy_setopt(e, CURLOPT_SOCKOPTDATA, x);
	curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, closesock_cb);
	curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, x);
}

static struct http_ex *ex_get(struct http_shards *sh)
{
	struct http_ex *x = sh->pool;

	if (x) {
		sh->pool = x->next;
		sh->npool--;
		x->next = NULL;
		return x;
	}
	x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	x->easy = curl_easy_init();
	if (!x->easy) {
		free(x);
		return NULL;
	}
	easy_prime(x);
	return x;
}

/* end of an exchange: off the multi, per-url state freed, the handle back to the pool */
static void ex_put(struct http_shards *sh, struct http_ex *x)
{
	if (x->g) {
		curl_multi_remove_handle(x->g->multi, x->easy);
		x->g->n_in--;
		x->g = NULL;
	}
	curl_slist_free_all(x->hdrs);
	curl_slist_free_all(x->connect_to);
	x->hdrs = x->connect_to = NULL;
	EVP_MD_CTX_free(x->md5);
	x->md5 = NULL;
	free(x->body);
	x->body = NULL;
	x->body_len = x->body_cap = x->total = x->hdr_bytes = 0;
	x->c = NULL;
	if (!sh || sh->npool >= HTTP_POOL_MAX) {
		curl_easy_cleanup(x->easy);
		free(x);
		return;
	}
	if (x->dirty) {
		curl_easy_reset(x->easy);
		easy_prime(x);
		x->dirty = 0;
		x->reuse = 0;
	}
	x->next = sh->pool;
	sh->pool = x;
	sh->npool++;
}

/* ---- one URL ---- */

static const char *kw_str(const struct tdm_cnode *blk, const char *kw)
{
	const struct tdm_cnode *n = blk ? tdm_cnode_find(blk, kw) : NULL;

	return n && n->argc ? n->argv[0] : NULL;
}

/* tls_min_version / tls_max_version -> CURLOPT_SSLVERSION (0 = libcurl's default) */
static long tls_versions(const struct check_checker_conf *k)
{
	static const long lo[] = { CURL_SSLVERSION_TLSv1_0, CURL_SSLVERSION_TLSv1_1,
	                           CURL_SSLVERSION_TLSv1_2, CURL_SSLVERSION_TLSv1_3 };
	static const long hi[] = { CURL_SSLVERSION_MAX_TLSv1_0, CURL_SSLVERSION_MAX_TLSv1_1,
	                           CURL_SSLVERSION_MAX_TLSv1_2, CURL_SSLVERSION_MAX_TLSv1_3 };
	const struct tdm_cnode *a = k->node ? tdm_cnode_find(k->node, "tls_min_version") : NULL;
	const struct tdm_cnode *b = k->node ? tdm_cnode_find(k->node, "tls_max_version") : NULL;
	long v = 0;

	if (a && a->argc && a->vals[0].i >= 0 && a->vals[0].i < 4)
		v |= lo[a->vals[0].i];
	else if (b)
		v |= CURL_SSLVERSION_TLSv1;
	if (b && b->argc && b->vals[0].i >= 0 && b->vals[0].i < 4)
		v |= hi[b->vals[0].i];
	return v;
}

/* " (TLS 1.2 to 1.3 required)" text of the limits, "" without */
static void tls_text(const struct check_checker_conf *k, char *buf, size_t len)
{
	const char *a = kw_str(k->node, "tls_min_version"), *b = kw_str(k->node, "tls_max_version");

	buf[0] = '\0';
	if (a || b)
		snprintf(buf, len, " (TLS %s to %s required)", a ? a : "1.0", b ? b : "1.3");
}

static void easy_end(struct chk_inst *c)
{
	struct http_priv *p = c->priv;

	if (p && p->ex) {
		ex_put(*chk_kctx(c), p->ex);
		p->ex = NULL;
	}
}

/* the request options of this check's url; the common ones are already set */
static int url_opts(struct chk_inst *c, struct http_ex *x, char *why, size_t len)
{
	struct http_priv *p = c->priv;
	const struct chk_spec *s = &c->spec;
	const struct check_url *u = &s->conf->u.http.urls[p->url];
	const char *proto = s->conf->u.http.http_protocol;
	const char *vhost = u->virtualhost ? u->virtualhost : s->virtualhost;
	const char *name = s->sni_name ? s->sni_name :
	                   (s->conf->u.http.enable_sni && vhost ? vhost : NULL);
	const char *method = kw_str(s->conf->node, "method");
	const char *body = kw_str(s->conf->node, "body");
	int ssl = s->kind == CHECK_SSL, v6 = s->addr.ss_family == AF_INET6;
	char url[1024], buf[512];
	CURL *e = x->easy;

	/* an IP literal in the URL (or CONNECT_TO the literal for a name): no resolver runs */
	snprintf(url, sizeof(url), "%s://%s%s%s:%d%s%s", ssl ? "https" : "http",
	         name || !v6 ? "" : "[", name ? name : s->host, name || !v6 ? "" : "]", s->port,
	         u->path && u->path[0] == '/' ? "" : "/", u->path ? u->path : "");
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, ssl ? "https" : "http");
	if (name) {
		snprintf(buf, sizeof(buf), "%s:%d:%s%s%s:%d", name, s->port, v6 ? "[" : "", s->host,
		         v6 ? "]" : "", s->port);
		x->connect_to = curl_slist_append(NULL, buf);
		if (!x->connect_to)
			goto oom;
		curl_easy_setopt(e, CURLOPT_CONNECT_TO, x->connect_to);
		x->dirty = 1;
	}
	if (vhost) {
		snprintf(buf, sizeof(buf), "Host: %s", vhost);
		if (!(x->hdrs = curl_slist_append(x->hdrs, buf)))
			goto oom;
	}
	/* 1.0C and 1.1 ask the server to close after its answer */
	if (proto && (!strcmp(proto, "1.0C") || !strcmp(proto, "1.1")))
		if (!(x->hdrs = curl_slist_append(x->hdrs, "Connection: close")))
			goto oom;
	for (const struct tdm_cnode *h = s->conf->node ? s->conf->node->child : NULL; h; h = h->next) {
		char line[1024];
		size_t o = 0;
		struct curl_slist *l;
		if (strcmp(h->kw, "header"))
			continue;
		line[0] = '\0';
		for (uint32_t i = 0; i < h->argc && o < sizeof(line) - 1; i++)
			o += (size_t)snprintf(line + o, sizeof(line) - o, "%s%s", i ? " " : "", h->argv[i]);
		if (!(l = curl_slist_append(x->hdrs, line)))
			goto oom;
		x->hdrs = l;
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->hdrs);
	/* reuse_connection: HTTP/1.1 keep-alive, the connection waits in the multi's cache
	 * (http_protocol is refused beside it) */
	if (s->conf->u.http.reuse != x->reuse) {
		x->reuse = s->conf->u.http.reuse;
		curl_easy_setopt(e, CURLOPT_FORBID_REUSE, x->reuse ? 0L : 1L);
		curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, x->reuse ? 0L : 1L);
	}
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, x->reuse || (proto && !strcmp(proto, "1.1")) ?
	                 CURL_HTTP_VERSION_1_1 : CURL_HTTP_VERSION_1_0);
	if (body) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
		x->dirty = 1;
	}
	if (method && !strcmp(method, "HEAD")) {
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
		x->dirty = 1;
	} else if (method && strcmp(method, body ? "POST" : "GET")) {
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
		x->dirty = 1;
	}
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(s->connect_timeout_us / 1000));
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)(s->connect_timeout_us / 1000));
	if (s->blen && s->conf->has_bindto) {
		char a[64];
		const struct tdm_addr *b = &s->conf->bindto;
		inet_ntop(b->family, &b->u, a, sizeof(a));
		snprintf(buf, sizeof(buf), "host!%s", a);
		curl_easy_setopt(e, CURLOPT_INTERFACE, buf);
		x->dirty = 1;
	} else if (s->bind_if) {
		snprintf(buf, sizeof(buf), "if!%s", s->bind_if);
		curl_easy_setopt(e, CURLOPT_INTERFACE, buf);
		x->dirty = 1;
	}
	if (s->conf->bind_port > 0) {
		curl_easy_setopt(e, CURLOPT_LOCALPORT, (long)s->conf->bind_port);
		x->dirty = 1;
	}
	if (ssl) {
		x->dirty = 1;
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, s->verify_peer ? 1L : 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, s->verify_peer ? 2L : 0L);
		if (s->ca_file)
			curl_easy_setopt(e, CURLOPT_CAINFO, s->ca_file);
		if (s->ca_path)
			curl_easy_setopt(e, CURLOPT_CAPATH, s->ca_path);
		if (s->client_cert)
			curl_easy_setopt(e, CURLOPT_SSLCERT, s->client_cert);
		if (s->client_key)
			curl_easy_setopt(e, CURLOPT_SSLKEY, s->client_key);
		if (s->key_passwd && (s->client_key || s->client_cert))
			curl_easy_setopt(e, CURLOPT_KEYPASSWD, s->key_passwd);
		if (tls_versions(s->conf))
			curl_easy_setopt(e, CURLOPT_SSLVERSION, tls_versions(s->conf));
	}
	return 0;
oom:
	say(why, len, "out of memory");
	return -1;
}

static int url_start(struct chk_inst *c, char *why, size_t len)
{
	struct http_priv *p = c->priv;
	struct http_shards *sh = *chk_kctx(c);
	const struct check_url *u = &c->spec.conf->u.http.urls[p->url];
	struct http_ex *x = ex_get(sh);

	if (!x) {
		say(why, len, "curl_easy_init failed");
		return -1;
	}
	p->ex = x;
	x->c = c;
	x->abort_why[0] = x->err[0] = '\0';
	x->keep = u->regex || chk_http_expect_body(c->spec.conf, p->url);
	if (url_opts(c, x, why, len))
		goto fail;
	if (u->digest) {
		x->md5 = EVP_MD_CTX_new();
		if (!x->md5 || !EVP_DigestInit_ex(x->md5, EVP_md5(), NULL)) {
			say(why, len, "MD5 unavailable");
			goto fail;
		}
	}
	if (curl_multi_add_handle(p->g->multi, x->easy) != CURLM_OK) {
		say(why, len, "curl_multi_add_handle failed");
		goto fail;
	}
	x->g = p->g;
	p->g->n_in++;
	return 0;
fail:
	easy_end(c);
	return -1;
}

/* verdict of one finished URL: 1 pass, 0 fail (text in why) */
static int url_verdict(struct chk_inst *c, CURLcode res, char *why, size_t len)
{
	struct http_priv *p = c->priv;
	struct http_ex *x = p->ex;
	const struct chk_spec *s = &c->spec;
	const struct check_url *u = &s->conf->u.http.urls[p->url];
	const char *kind = s->kind == CHECK_SSL ? "HTTPS" : "HTTP";
	const char *path = u->path ? u->path : "/";
	const char *method = kw_str(s->conf->node, "method");
	long code = 0;

	if (!method)
		method = kw_str(s->conf->node, "body") ? "POST" : "GET";
	if (res != CURLE_OK) {
		char tls[64] = "";
		const char *what = x->abort_why[0] ? x->abort_why : x->err[0] ? x->err :
		                   curl_easy_strerror(res);
		if (s->kind == CHECK_SSL && (res == CURLE_SSL_CONNECT_ERROR || res == CURLE_RECV_ERROR ||
		                             res == CURLE_SEND_ERROR))
			tls_text(s->conf, tls, sizeof(tls));
		if (res == CURLE_FILESIZE_EXCEEDED)
			what = "body longer than 1048576 bytes";
		if (res == CURLE_UNSUPPORTED_PROTOCOL || res == CURLE_WEIRD_SERVER_REPLY)
			say(why, len, "%s %s %s from %s: not an HTTP response (%s)", kind, method, path,
			    s->target, what);
		else
			say(why, len, "%s %s %s from %s: %s%s", kind, method, path, s->target, what, tls);
		return 0;
	}
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
	return chk_http_verdict(s, p->url, kind, code, x->md5, x->body, x->body_len,
	                        &((struct http_shards *)*chk_kctx(c))->rx, p->re, p->re_state, why,
	                        len);
}

static void check_done_msgs(struct http_glob *g)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(g->multi, &left))) {
		struct http_ex *x = NULL;
		struct chk_inst *c;
		struct http_priv *p;
		char why[192];
		int ok;
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		if (!x || !(c = x->c) || !(p = c->priv) || p->ex != x)
			continue;
		ok = url_verdict(c, m->data.result, why, sizeof(why));
		easy_end(c);
		if (ok && p->url + 1 < c->spec.conf->u.http.nurls) {
			p->url++;
			if (url_start(c, why, sizeof(why)) == 0)
				continue;
			ok = 0;
		}
		chk_done(c, ok, why);
	}
}

/* ---- checker ops ---- */

static int http_start(struct chk_inst *c, char *why, size_t len)
{
	struct http_priv *p = c->priv;
	size_t nu = c->spec.conf->u.http.nurls;

	if (!nu) {
		say(why, len, "%s: no url", check_kind_names[c->spec.kind]);
		return -1;
	}
	if (!p) {
		int re = 0;
		for (size_t i = 0; i < nu; i++)
			re |= c->spec.conf->u.http.urls[i].regex != NULL;
		p = calloc(1, sizeof(*p));
		if (!p || (re && (!(p->re = calloc(nu, sizeof(*p->re))) ||
		                  !(p->re_state = calloc(nu, 1))))) {
			if (p)
				free(p->re);
			free(p);
			say(why, len, "out of memory");
			return -1;
		}
		p->nre = re ? (uint32_t)nu : 0;
		c->priv = p;
	}
	if (!p->g)
		p->g = glob_get(c);
	if (!p->g) {
		say(why, len, "libcurl multi unavailable");
		return -1;
	}
	p->url = 0;
	return url_start(c, why, len);
}

static void http_stop(struct chk_inst *c)
{
	easy_end(c);
}

static int http_same(const struct chk_spec *a, const struct chk_spec *b)
{
	return a->conf->u.http.nurls == b->conf->u.http.nurls;   /* the rest is in the key */
}

static void http_free(struct chk_inst *c)
{
	struct http_priv *p = c->priv;

	if (!p)
		return;
	easy_end(c);
	for (size_t i = 0; i < p->nre; i++)
		if (p->re[i])
			chk_rx_put(&((struct http_shards *)*chk_kctx(c))->rx, p->re[i]);
	free(p->re);
	free(p->re_state);
	/* the multi's last check: its cached connections (reuse_connection) close now */
	if (p->g && --p->g->n_chk == 0 && p->g->n_in == 0) {
		struct http_shards *sh = *chk_kctx(c);
		sh->g[p->g->idx] = NULL;
		glob_free(p->g);
	}
	free(p);
	c->priv = NULL;
}

const struct chk_ops chk_http_ops = {
	.name = "HTTP_GET", .start = http_start, .stop = http_stop, .same = http_same,
	.free = http_free, .fini = http_fini,
};
