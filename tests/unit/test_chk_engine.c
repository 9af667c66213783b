/* tests/unit/test_chk_engine.c - the check engine on a real libev loop against loopback
 * servers run by the test itself (a TCP listener and a tiny HTTP responder on the same loop):
 * TCP and HTTP verdicts and reasons (status, digest, PCRE2 regex, endless body), de-duplication,
 * reload keeping/restarting/stopping checks, a shared check under ha_suspend (per virtual
 * server suspension), slowstart callbacks, no fd left behind. Every wait
 * is bounded. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <ev.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "healthcheck/check_engine.h"
#include "healthcheck/check_conf.h"
#include "healthcheck/chk_regex.h"
#include "lib/log.h"
#include "keywords_helpers.h"

/* ---- a loopback HTTP responder on the test's loop ---- */
struct srv {
	struct ev_loop *loop;
	int lfd, port;
	ev_io acc;
	int status;                 /* 0 = close at once; -1 = endless body */
	const char *body;
	int conns;
	int open;                   /* accepted connections still open */
};

struct conn {
	ev_io io;
	struct srv *s;
	char buf[2048];
	size_t n;
	int sent;                   /* endless: bytes sent */
	size_t off;                 /* long body: bytes of it sent */
	int longbody;
};

static void conn_free(struct conn *c)
{
	c->s->open--;
	ev_io_stop(c->s->loop, &c->io);
	close(c->io.fd);
	free(c);
}

static void conn_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct conn *c = (struct conn *)w;
	char out[512];

	if (revents & EV_READ) {
		ssize_t r = read(w->fd, c->buf + c->n, sizeof(c->buf) - 1 - c->n);
		if (r <= 0) {
			conn_free(c);
			return;
		}
		c->n += (size_t)r;
		c->buf[c->n] = '\0';
		if (!strstr(c->buf, "\r\n\r\n"))
			return;
		if (c->s->status == -1) {
			const char *h = "HTTP/1.0 200 OK\r\n\r\n";
			if (write(w->fd, h, strlen(h)) < 0) {
				conn_free(c);
				return;
			}
			ev_io_stop(loop, w);
			ev_io_set(w, w->fd, EV_WRITE);
			ev_io_start(loop, w);
			return;
		}
		if (strlen(c->s->body) > 256) {     /* a long body: sent as the socket takes it */
			snprintf(out, sizeof(out), "HTTP/1.0 %d X\r\nContent-Length: %zu\r\n\r\n",
			         c->s->status, strlen(c->s->body));
			if (write(w->fd, out, strlen(out)) < 0) {
				conn_free(c);
				return;
			}
			c->longbody = 1;
			ev_io_stop(loop, w);
			ev_io_set(w, w->fd, EV_WRITE);
			ev_io_start(loop, w);
			return;
		}
		snprintf(out, sizeof(out), "HTTP/1.0 %d X\r\nContent-Length: %zu\r\n\r\n%s",
		         c->s->status, strlen(c->s->body), c->s->body);
		if (write(w->fd, out, strlen(out)) < 0)
			c->sent = -1;
		conn_free(c);
		return;
	}
	if ((revents & EV_WRITE) && c->longbody) {
		size_t len = strlen(c->s->body);
		ssize_t r = write(w->fd, c->s->body + c->off, len - c->off);
		if (r < 0 || (c->off += (size_t)r) >= len)
			conn_free(c);
		return;
	}
	if (revents & EV_WRITE) {           /* endless body */
		static char junk[16384];
		memset(junk, 'z', sizeof(junk));
		if (write(w->fd, junk, sizeof(junk)) < 0 || (c->sent += (int)sizeof(junk)) > (64 << 20))
			conn_free(c);
	}
}

static void acc_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct srv *s = w->data;
	int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct conn *c;

	if (fd < 0)
		return;
	s->conns++;
	s->open++;
	c = calloc(1, sizeof(*c));
	c->s = s;
	ev_io_init(&c->io, conn_cb, fd, EV_READ);
	ev_io_start(loop, &c->io);
}

static void srv_open(struct srv *s, struct ev_loop *loop, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	                         .sin_port = htons((uint16_t)port) };
	socklen_t l = sizeof(a);
	int one = 1;

	s->loop = loop;
	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s->lfd, 64), 0);
	getsockname(s->lfd, (struct sockaddr *)&a, &l);
	s->port = ntohs(a.sin_port);
	ev_io_init(&s->acc, acc_cb, s->lfd, EV_READ);
	s->acc.data = s;
	ev_io_start(loop, &s->acc);
}

static int run_until(struct ev_loop *loop, int (*pred)(void *), void *arg, double secs);

static int srv_idle(void *p)
{
	return ((struct srv *)p)->open == 0;
}

/* stop listening; the accepted connections end when their clients close (bounded wait) */
static void srv_close(struct srv *s)
{
	assert_true(run_until(s->loop, srv_idle, s, 3));
	ev_io_stop(s->loop, &s->acc);
	close(s->lfd);
	s->lfd = -1;
}

/* ---- recording the engine's callbacks ---- */
struct rec {
	int n;
	char rs[64][96];
	int up[64], weight[64];
	char reason[64][256];
	int nres;                   /* check.result events */
	char last_res[256];
};

static void on_rs(void *arg, const char *rs_id, int up, int weight, const char *reason)
{
	struct rec *r = arg;

	if (r->n >= 64)
		return;
	snprintf(r->rs[r->n], sizeof(r->rs[0]), "%s", rs_id);
	r->up[r->n] = up;
	r->weight[r->n] = weight;
	snprintf(r->reason[r->n], sizeof(r->reason[0]), "%s", reason);
	r->n++;
}

static void on_emit(void *arg, json_object *ev)
{
	struct rec *r = arg;
	json_object *t, *re;

	if (json_object_object_get_ex(ev, "type", &t) &&
	    !strcmp(json_object_get_string(t), "check.result")) {
		r->nres++;
		if (json_object_object_get_ex(ev, "reason", &re))
			snprintf(r->last_res, sizeof(r->last_res), "%s", json_object_get_string(re));
	}
	json_object_put(ev);
}

/* run the loop until pred(arg) or secs pass; returns pred's last value */
static int run_until(struct ev_loop *loop, int (*pred)(void *), void *arg, double secs)
{
	double end = ev_time() + secs;

	while (!pred(arg) && ev_time() < end)
		ev_run(loop, EVRUN_ONCE);
	return pred(arg);
}

struct want {
	struct rec *r;
	int from, up;
};

static int has_state(void *p)
{
	struct want *w = p;

	for (int i = w->from; i < w->r->n; i++)
		if (w->r->up[i] == w->up)
			return 1;
	return 0;
}

static int last_state(struct rec *r, int up, int from)
{
	for (int i = r->n - 1; i >= from; i--)
		if (r->up[i] == up)
			return i;
	return -1;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n++;
	if (d)
		closedir(d);
	return n;
}

static char *conf_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *conf_text(const char *fmt, ...)
{
	static char buf[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return buf;
}

static json_object *check_of(struct check_engine *e, int idx)
{
	json_object *st = check_engine_status(e), *a, *c;

	json_object_object_get_ex(st, "checks", &a);
	c = json_object_get(json_object_array_get_idx(a, (size_t)idx));
	json_object_put(st);
	return c;
}

static int64_t jint(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : -1;
}

/* ---- tests ---- */

static void test_tcp_down_up(void **st)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct srv s = { .status = 200, .body = "ok" };
	struct rec r = { 0 };
	struct kt t;
	struct check_engine *e;
	int fds = count_fds(), port;

	srv_open(&s, loop, 0);
	port = s.port;
	kt_parse(&t, conf_text(
		"virtual_server 127.0.0.1 80 {\n protocol TCP\n delay_loop 0.1\n"
		" real_server 127.0.0.1 %d {\n weight 4\n TCP_CHECK {\n connect_timeout 1\n retry 1\n"
		" delay_before_retry 0.05\n }\n }\n}\n", port));
	assert_non_null(t.cfg);
	e = check_engine_new(loop, t.cfg, on_rs, &r);
	assert_non_null(e);
	check_engine_set_emit(e, on_emit, &r);
	struct want up = { &r, 0, 1 };
	assert_true(run_until(loop, has_state, &up, 3));
	assert_int_equal(r.weight[0], 4);
	assert_string_equal(r.rs[0], conf_text("tcp 127.0.0.1:80/127.0.0.1:%d", port));
	srv_close(&s);
	struct want down = { &r, r.n, 0 };
	assert_true(run_until(loop, has_state, &down, 3));
	int i = last_state(&r, 0, 0);
	assert_int_equal(r.weight[i], -1);
	assert_non_null(strstr(r.reason[i], "Connection refused"));
	assert_non_null(strstr(r.reason[i], "fall 2/2"));
	srv_open(&s, loop, port);
	struct want back = { &r, r.n, 1 };
	assert_true(run_until(loop, has_state, &back, 3));
	check_engine_free(e);
	srv_close(&s);
	kt_free(&t);
	assert_int_equal(count_fds(), fds);     /* the loop's own fds are still open */
	ev_loop_destroy(loop);
}

struct res_wait {
	struct rec *r;
	int n;
};

static int results_at_least(void *p)
{
	struct res_wait *w = p;

	return w->r->nres >= w->n;
}

static char last_reason[256];     /* of the last http_case */

static void http_case(struct ev_loop *loop, struct srv *s, const char *url_opts, int status,
                      const char *body, int want_up, const char *want_reason)
{
	struct rec r = { 0 };
	struct kt t;
	struct check_engine *e;
	struct res_wait w = { &r, 1 };

	s->status = status;
	s->body = body;
	kt_parse(&t, conf_text(
		"virtual_server 127.0.0.1 80 {\n protocol TCP\n delay_loop 0.2\n alpha\n"
		" real_server 127.0.0.1 %d {\n HTTP_GET {\n url {\n path /x\n %s\n }\n"
		" connect_timeout 1\n retry 0\n }\n }\n}\n", s->port, url_opts));
	if (!t.cfg)
		kt_dump(&t);
	assert_non_null(t.cfg);
	e = check_engine_new(loop, t.cfg, on_rs, &r);
	check_engine_set_emit(e, on_emit, &r);
	assert_true(run_until(loop, results_at_least, &w, 3));
	json_object *c = check_of(e, 0);
	json_object *stv;
	json_object_object_get_ex(c, "state", &stv);
	if (!strstr(r.last_res, want_reason) ||
	    strcmp(json_object_get_string(stv), want_up ? "up" : "down"))
		fprintf(stderr, "case '%s': reason: %s\n", url_opts, r.last_res);
	assert_string_equal(json_object_get_string(stv), want_up ? "up" : "down");
	assert_non_null(strstr(r.last_res, want_reason));
	snprintf(last_reason, sizeof(last_reason), "%s", r.last_res);
	json_object_put(c);
	check_engine_free(e);
	kt_free(&t);
}

static void test_http_verdicts(void **st)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct srv s = { 0 };
	int fds = count_fds();

	srv_open(&s, loop, 0);
	http_case(loop, &s, "", 200, "hello", 1, "HTTP 200 from 127.0.0.1:");
	http_case(loop, &s, "", 503, "busy", 0, "HTTP 503 from 127.0.0.1:");
	http_case(loop, &s, "status_code 500-599", 503, "busy", 1, "HTTP 503");
	/* md5("hello") */
	http_case(loop, &s, "digest 5d41402abc4b2a76b9719d911017c592", 200, "hello", 1, "HTTP 200");
	http_case(loop, &s, "digest 5d41402abc4b2a76b9719d911017c592", 200, "hellO", 0,
	          "body MD5 ");
	http_case(loop, &s, "regex \"ok|hel+o\"", 200, "xx hello", 1, "HTTP 200");
	http_case(loop, &s, "regex \"^fine$\"", 200, "xx hello", 0, "does not match regex");
	http_case(loop, &s, "regex hello\n regex_no_match", 200, "hello", 0, "matches regex");
	http_case(loop, &s, "", -1, "", 0, "body longer than");
	/* regex_min_offset / regex_max_offset bound where the match may start */
	http_case(loop, &s, "regex hello\n regex_min_offset 3", 200, "hello, hello", 1, "HTTP 200");
	http_case(loop, &s, "regex hello\n regex_min_offset 3", 200, "hello", 0, "does not match regex");
	http_case(loop, &s, "regex hello\n regex_max_offset 1", 200, "xhello", 1, "HTTP 200");
	http_case(loop, &s, "regex hello\n regex_max_offset 1", 200, "xx hello", 0, "does not match regex");
	http_case(loop, &s, "regex hello\n regex_max_offset 1\n regex_no_match", 200, "xx hello", 1,
	          "HTTP 200");
	/* PCRE2 (as keepalived): Perl syntax, regex_options, use_offset_limit, regex_stack */
	/* in a quoted token \\ is one backslash (escapes are read inside quotes, as keepalived does) */
	http_case(loop, &s, "regex \"status=\\\\d{3}\\\\b\"", 200, "x status=204 y", 1, "HTTP 200");
	http_case(loop, &s, "regex \"<b>.*?</b>$\"", 200, "<b>1</b><b>2</b>", 1, "HTTP 200");
	http_case(loop, &s, "regex \"hello(?= world)\"", 200, "hello there", 0, "does not match regex");
	http_case(loop, &s, "regex HELLO", 200, "xx hello", 0, "does not match regex");
	http_case(loop, &s, "regex HELLO\n regex_options caseless", 200, "xx hello", 1, "HTTP 200");
	http_case(loop, &s, "regex \"^b$\"\n regex_options multiline dotall", 200, "a\nb\nc", 1,
	          "HTTP 200");
	http_case(loop, &s, "regex hello\n regex_options use_offset_limit\n regex_max_offset 1", 200,
	          "xx hello", 0, "does not match regex");
	http_case(loop, &s, "regex hello\n regex_options use_offset_limit\n regex_max_offset 3", 200,
	          "xx hello", 1, "HTTP 200");
	{
		/* 200,000 bytes (many receive chunks) through a pattern that needs a large JIT stack */
		size_t n = 200000;
		char *big = malloc(n + 2);
		assert_non_null(big);
		memset(big, 'a', n);
		big[n] = 'c';
		big[n + 1] = '\0';
		http_case(loop, &s, "regex \"(a|b)*c\"", 200, big, 0, "(raise regex_stack)");
		http_case(loop, &s, "regex \"(a|b)*c\"\n regex_stack 32768 67108864", 200, big, 1,
		          "HTTP 200");
		free(big);
	}
	/* two urls (fast_recovery): both fetched in the first attempt, the result names the last */
	http_case(loop, &s, "}\n fast_recovery\n url {\n path /y", 200, "ok", 1, "HTTP 200 from 127.0.0.1:");
	assert_non_null(strstr(last_reason, "for /y"));
	srv_close(&s);
	assert_int_equal(count_fds(), fds);
	ev_loop_destroy(loop);
}

static int total_at_least(void *p)
{
	void **a = p;
	json_object *c = check_of(a[0], 0);
	int ok = jint(c, "total") >= (int64_t)(intptr_t)a[1];

	json_object_put(c);
	return ok;
}

static void test_dedup_and_reload(void **st)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct srv s = { .status = 200, .body = "ok" };
	struct rec r = { 0 };
	struct kt t1, t2, t3, t4;
	struct check_engine *e;
	int fds;
	const char *vs =
		"virtual_server 127.0.0.%d 80 {\n protocol TCP\n delay_loop %s\n"
		" real_server 127.0.0.1 %d {\n TCP_CHECK {\n connect_timeout 1\n }\n }\n}\n";
	char a[1024], b[1024], c[1024];

	srv_open(&s, loop, 0);
	fds = count_fds();
	snprintf(a, sizeof(a), vs, 1, "0.05", s.port);
	snprintf(b, sizeof(b), vs, 2, "0.05", s.port);
	snprintf(c, sizeof(c), vs, 3, "0.07", s.port);
	kt_parse(&t1, conf_text("%s%s%s", a, b, c));
	assert_non_null(t1.cfg);
	e = check_engine_new(loop, t1.cfg, on_rs, &r);
	json_object *st1 = check_engine_status(e), *arr;
	json_object_object_get_ex(st1, "checks", &arr);
	assert_int_equal(json_object_array_length(arr), 2);
	assert_int_equal(jint(json_object_array_get_idx(arr, 0), "merged"), 2);
	assert_int_equal(jint(json_object_array_get_idx(arr, 1), "merged"), 1);
	json_object_put(st1);
	void *arg[2] = { e, (void *)(intptr_t)5 };
	assert_true(run_until(loop, total_at_least, arg, 3));
	json_object *before = check_of(e, 0), *before2 = check_of(e, 1);
	/* reload: a unchanged, b dropped, c changed (timing) */
	snprintf(c, sizeof(c), vs, 3, "0.09", s.port);
	kt_parse(&t2, conf_text("%s%s", a, c));
	assert_non_null(t2.cfg);
	int nrep = r.n;
	assert_int_equal(check_engine_reload(e, t1.cfg, t2.cfg), 0);
	kt_free(&t1);
	json_object *after = check_of(e, 0), *after2 = check_of(e, 1);
	assert_true(jint(after, "total") >= jint(before, "total"));     /* kept, counters too */
	assert_int_equal(jint(after, "merged"), 1);
	assert_int_equal(jint(after2, "total"), 0);                      /* restarted */
	assert_true(jint(before2, "total") > 0);
	json_object_put(before);
	json_object_put(before2);
	json_object_put(after);
	json_object_put(after2);
	ev_run(loop, EVRUN_NOWAIT);
	assert_int_equal(r.n, nrep);         /* no state reported again for unchanged servers */
	/* reload to a config without virtual servers: everything stops, no fd left */
	kt_parse(&t3, "global_defs {\n router_id x\n}\n");
	assert_non_null(t3.cfg);
	assert_int_equal(check_engine_reload(e, t2.cfg, t3.cfg), 0);
	kt_free(&t2);
	json_object *st3 = check_engine_status(e);
	json_object_object_get_ex(st3, "checks", &arr);
	assert_int_equal(json_object_array_length(arr), 0);
	json_object_put(st3);
	/* and back: a fresh start reports the real server again */
	kt_parse(&t4, a);
	assert_int_equal(check_engine_reload(e, t3.cfg, t4.cfg), 0);
	kt_free(&t3);
	struct want w = { &r, r.n, 1 };
	assert_true(run_until(loop, has_state, &w, 3));
	check_engine_free(e);
	kt_free(&t4);
	assert_true(run_until(loop, srv_idle, &s, 2));      /* the server saw every close */
	assert_int_equal(count_fds(), fds);
	srv_close(&s);
	ev_loop_destroy(loop);
}

/* identical url regexes share one compiled pattern; options and JIT stack are part of the
 * identity; the last put frees it */
static void test_regex_cache(void **st)
{
	struct chk_rx_cache *cache = NULL;
	struct kt t;
	char err[200];
	const struct tdm_cnode *u[3];
	struct chk_rx *a, *b, *c, *d;
	size_t nu = 0;

	kt_parse(&t, "virtual_server 127.0.0.1 80 {\n protocol TCP\n real_server 127.0.0.1 1 {\n"
	         " HTTP_GET {\n url {\n path /a\n regex x+\n }\n url {\n path /b\n regex x+\n"
	         " regex_options caseless\n }\n url {\n path /c\n regex x+\n"
	         " regex_stack 1024 65536\n }\n }\n }\n}\n");
	assert_non_null(t.cfg);
	for (const struct tdm_cnode *n = t.cfg->check->vs[0]->rs[0]->checkers[0]->node->child; n;
	     n = n->next)
		if (!strcmp(n->kw, "url") && nu < 3)
			u[nu++] = n;
	assert_int_equal(nu, 3);
	a = chk_rx_get(&cache, "x+", u[0], err, sizeof(err));
	b = chk_rx_get(&cache, "x+", u[0], err, sizeof(err));
	c = chk_rx_get(&cache, "x+", u[1], err, sizeof(err));
	d = chk_rx_get(&cache, "x+", u[2], err, sizeof(err));
	assert_non_null(a);
	assert_ptr_equal(a, b);
	assert_true(c != a && d != a && d != c);
	assert_int_equal(chk_rx_cache_count(cache), 3);
	assert_null(chk_rx_get(&cache, "a(b", NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "missing closing parenthesis"));
	assert_int_equal(chk_rx_match(c, "xX", 2, 0, -1, err, sizeof(err)), 1);
	assert_int_equal(chk_rx_match(a, "X", 1, 0, -1, err, sizeof(err)), 0);
	chk_rx_put(&cache, a);
	assert_int_equal(chk_rx_cache_count(cache), 3);
	chk_rx_put(&cache, b);
	chk_rx_put(&cache, c);
	chk_rx_put(&cache, d);
	assert_int_equal(chk_rx_cache_count(cache), 0);
	chk_rx_cache_free(&cache);
	assert_null(cache);
	kt_free(&t);
}

static int never(void *p)
{
	(void)p;
	return 0;
}

/* ha_suspend's engine side: a check shared by two virtual servers runs while either is not
 * suspended, stops when both are, and runs again on resume */
static void test_vs_suspend(void **st)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct srv s = { .status = 200, .body = "ok" };
	struct rec r = { 0 };
	struct kt t;
	struct check_engine *e;
	const char *vs =
		"virtual_server 127.0.0.%d 80 {\n protocol TCP\n delay_loop 0.05\n ha_suspend\n"
		" real_server 127.0.0.1 %d {\n TCP_CHECK {\n connect_timeout 1\n }\n }\n}\n";
	char a[512], b[512];
	int64_t n;

	srv_open(&s, loop, 0);
	snprintf(a, sizeof(a), vs, 1, s.port);
	snprintf(b, sizeof(b), vs, 2, s.port);
	kt_parse(&t, conf_text("%s%s", a, b));
	assert_non_null(t.cfg);
	e = check_engine_new(loop, t.cfg, on_rs, &r);
	assert_int_equal(check_engine_vs_suspend(e, "tcp 127.0.0.9:80", 1), -1);
	assert_int_equal(check_engine_vs_suspend(e, "tcp 127.0.0.1:80", 1), 1);
	assert_int_equal(check_engine_vs_suspend(e, "tcp 127.0.0.1:80", 1), 0);
	void *arg[2] = { e, (void *)(intptr_t)3 };
	assert_true(run_until(loop, total_at_least, arg, 3));   /* shared: still runs */
	assert_int_equal(check_engine_vs_suspend(e, "tcp 127.0.0.2:80", 1), 1);
	json_object *c = check_of(e, 0), *v;
	assert_true(json_object_object_get_ex(c, "suspended", &v) && json_object_get_boolean(v));
	n = jint(c, "total");
	json_object_put(c);
	run_until(loop, never, NULL, 0.4);
	c = check_of(e, 0);
	assert_true(jint(c, "total") <= n + 1);                  /* at most the one in flight */
	n = jint(c, "total");
	json_object_put(c);
	assert_int_equal(check_engine_vs_suspend(e, "tcp 127.0.0.2:80", 0), 1);
	arg[1] = (void *)(intptr_t)(n + 3);
	assert_true(run_until(loop, total_at_least, arg, 3));   /* resumed */
	c = check_of(e, 0);
	assert_false(json_object_object_get_ex(c, "suspended", &v));
	json_object_put(c);
	check_engine_free(e);
	kt_free(&t);
	srv_close(&s);
	ev_loop_destroy(loop);
}

static int reached_weight(void *p)
{
	struct rec *r = p;

	return r->n > 0 && r->up[r->n - 1] && r->weight[r->n - 1] == 10 && r->n > 3;
}

static void test_slowstart_callbacks(void **st)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct srv s = { .status = 200, .body = "ok" };
	struct rec r = { 0 };
	struct kt t;
	struct check_engine *e;

	srv_open(&s, loop, 0);
	kt_parse(&t, conf_text(
		"virtual_server 127.0.0.1 80 {\n protocol TCP\n delay_loop 0.1\n alpha\n"
		" real_server 127.0.0.1 %d {\n weight 10\n slowstart 0.6\n inhibit_on_failure\n"
		" TCP_CHECK {\n connect_timeout 1\n }\n }\n}\n", s.port));
	assert_non_null(t.cfg);
	e = check_engine_new(loop, t.cfg, on_rs, &r);
	assert_true(run_until(loop, reached_weight, &r, 3));
	/* start (down, inhibited: weight 0), then up at 1 and rising to 10 */
	assert_int_equal(r.up[0], 0);
	assert_int_equal(r.weight[0], 0);
	assert_int_equal(r.up[1], 1);
	assert_int_equal(r.weight[1], 1);
	for (int i = 2; i < r.n; i++)
		assert_true(r.weight[i] > r.weight[i - 1]);
	assert_true(r.n <= 12);
	assert_non_null(strstr(r.reason[1], "slowstart 1/10"));
	check_engine_free(e);
	kt_free(&t);
	srv_close(&s);
	ev_loop_destroy(loop);
}

static int last_weight_is(void *p)
{
	void **a = p;
	struct rec *r = a[0];

	return r->n > 0 && r->weight[r->n - 1] == (int)(intptr_t)a[1];
}

static int proc_dead(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	f = fopen(path, "r");
	if (!f)
		return 1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

/* MISC_CHECK on a non-default loop (pidfd): exit codes, misc_dynamic weights, the timeout
 * killing the script's whole process group */
static void test_misc(void **st)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct rec r = { 0 };
	struct kt t;
	struct check_engine *e;
	char dir[] = "/tmp/tdm-misc-XXXXXX", mode[128], pidf[128], conf[2048];
	FILE *f;
	int fds = count_fds();

	assert_non_null(mkdtemp(dir));
	snprintf(mode, sizeof(mode), "%s/mode", dir);
	snprintf(pidf, sizeof(pidf), "%s/pid", dir);
	f = fopen(mode, "w");
	fputs("0", f);
	fclose(f);
	/* the script: "sleep" starts a grandchild and hangs, otherwise exits with the mode */
	snprintf(conf, sizeof(conf),
	         "virtual_server 127.0.0.1 80 {\n protocol TCP\n delay_loop 0.1\n alpha\n"
	         " real_server 127.0.0.1 80 {\n weight 5\n MISC_CHECK {\n"
	         " misc_path \"m=$(cat %s); if [ $m = sleep ]; then sleep 30 & echo $! > %s; wait; fi;"
	         " exit $m\"\n misc_timeout 1\n misc_dynamic\n }\n }\n}\n", mode, pidf);
	kt_parse(&t, conf);
	if (!t.cfg)
		kt_dump(&t);
	assert_non_null(t.cfg);
	e = check_engine_new(loop, t.cfg, on_rs, &r);
	check_engine_set_emit(e, on_emit, &r);
	struct want up = { &r, 0, 1 };
	assert_true(run_until(loop, has_state, &up, 5));
	assert_int_equal(r.weight[r.n - 1], 5);
	/* exit 12 with misc_dynamic: weight 10 */
	f = fopen(mode, "w");
	fputs("12", f);
	fclose(f);
	void *w10[2] = { &r, (void *)(intptr_t)10 };
	assert_true(run_until(loop, last_weight_is, w10, 5));
	assert_non_null(strstr(r.reason[r.n - 1], "exit 12"));
	/* exit 0 keeps the dynamic weight; exit 1 fails */
	f = fopen(mode, "w");
	fputs("1", f);
	fclose(f);
	struct want down = { &r, r.n, 0 };
	assert_true(run_until(loop, has_state, &down, 5));
	assert_non_null(strstr(r.reason[r.n - 1], "exit 1"));
	/* a hanging script: killed at misc_timeout with its background child */
	f = fopen(mode, "w");
	fputs("sleep", f);
	fclose(f);
	struct res_wait rw = { &r, r.nres + 1 };
	(void)rw;
	double t0 = ev_time();
	int seen = 0;
	while (ev_time() - t0 < 5 && !(seen = strstr(r.last_res, "timeout after 1 s") != NULL))
		ev_run(loop, EVRUN_ONCE);
	assert_true(seen);
	{
		long gpid = 0;
		FILE *pf = fopen(pidf, "r");
		assert_non_null(pf);
		assert_int_equal(fscanf(pf, "%ld", &gpid), 1);
		fclose(pf);
		/* the grandchild is dead (killed with the group): gone, or a zombie waiting for
		 * whoever reaps orphans here */
		int dead = 0;
		for (int i = 0; i < 100 && !(dead = proc_dead((pid_t)gpid)); i++)
			usleep(10000);
		assert_true(dead);
	}
	check_engine_free(e);
	kt_free(&t);
	assert_int_equal(count_fds(), fds);
	ev_loop_destroy(loop);
	unlink(mode);
	unlink(pidf);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_down_up),
		cmocka_unit_test(test_http_verdicts),
		cmocka_unit_test(test_dedup_and_reload),
		cmocka_unit_test(test_vs_suspend),
		cmocka_unit_test(test_regex_cache),
		cmocka_unit_test(test_slowstart_callbacks),
		cmocka_unit_test(test_misc),
	};

	tdm_log_open("test", 0);
	signal(SIGPIPE, SIG_IGN);       /* the test's server writes to closed checks */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
