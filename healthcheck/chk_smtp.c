/* healthcheck/chk_smtp.c - SMTP_CHECK: connects (as TCP_CHECK does), expects a 220 banner,
 * sends "HELO <helo_name>" (default: localhost), expects 250, sends QUIT and passes. Replies are
 * parsed by chk_smtp_reply (multi-line aware, bounded); garbage, another code, a closed
 * connection or connect_timeout for the whole exchange fail with that reason. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "healthcheck/check_int.h"
#include "healthcheck/chk_parse.h"

enum smtp_state { SMTP_CONNECT = 0, SMTP_BANNER, SMTP_HELO };

struct smtp_priv {
	struct chk_sock k;          /* first: the socket, its watcher and timer */
	enum smtp_state st;
	char buf[4096];
	size_t n;
};

static void smtp_end(struct chk_inst *c, int ok, const char *what)
{
	char msg[256];

	chk_sock_close(c);
	snprintf(msg, sizeof(msg), "SMTP %s: %.150s", c->spec.target, what);
	chk_done(c, ok, msg);
}

static void smtp_endc(struct chk_inst *c, int ok, const char *what, int code)
{
	char buf[96];

	snprintf(buf, sizeof(buf), "%s %d", what, code);
	smtp_end(c, ok, buf);
}

static int smtp_send(struct smtp_priv *p, const char *line)
{
	size_t l = strlen(line);

	return send(p->k.fd, line, l, MSG_NOSIGNAL) == (ssize_t)l ? 0 : -1;
}

static void smtp_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct chk_inst *c = w->data;
	struct smtp_priv *p = c->priv;
	const char *helo = c->spec.conf->u.smtp.helo_name ? c->spec.conf->u.smtp.helo_name : "localhost";
	char line[300];
	int code = 0, used;
	ssize_t r;

	if (p->st == SMTP_CONNECT) {
		int err = 0;
		socklen_t l = sizeof(err);
		getsockopt(p->k.fd, SOL_SOCKET, SO_ERROR, &err, &l);
		if (err) {
			smtp_end(c, 0, strerror(err));
			return;
		}
		p->st = SMTP_BANNER;
		ev_io_stop(loop, w);
		ev_io_set(w, p->k.fd, EV_READ);
		ev_io_start(loop, w);
		return;
	}
	r = recv(p->k.fd, p->buf + p->n, sizeof(p->buf) - 1 - p->n, 0);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		smtp_end(c, 0, r < 0 ? strerror(errno) : "connection closed before a reply");
		return;
	}
	p->n += (size_t)r;
	used = chk_smtp_reply(p->buf, p->n, &code);
	if (used < 0) {
		smtp_end(c, 0, "not an SMTP reply");
		return;
	}
	if (used == 0) {
		if (p->n >= sizeof(p->buf) - 1)
			smtp_end(c, 0, "reply longer than 4 KiB");
		return;
	}
	memmove(p->buf, p->buf + used, p->n - (size_t)used);
	p->n -= (size_t)used;
	if (p->st == SMTP_BANNER) {
		if (code != 220) {
			smtp_endc(c, 0, "banner", code);
			return;
		}
		snprintf(line, sizeof(line), "HELO %s\r\n", helo);
		if (smtp_send(p, line)) {
			smtp_end(c, 0, strerror(errno));
			return;
		}
		p->st = SMTP_HELO;
		return;
	}
	if (code != 250) {
		smtp_endc(c, 0, "HELO answered", code);
		return;
	}
	smtp_send(p, "QUIT\r\n");
	smtp_endc(c, 1, "banner 220, HELO", code);
}

static void smtp_to_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct chk_inst *c = w->data;
	struct smtp_priv *p = c->priv;

	smtp_end(c, 0, p->st == SMTP_CONNECT ? "connect timeout" : p->st == SMTP_BANNER ?
	         "no banner in time" : "no answer to HELO in time");
}

static int smtp_start(struct chk_inst *c, char *why, size_t len)
{
	struct smtp_priv *p;
	int fd;

	if (!c->spec.port) {
		snprintf(why, len, "SMTP %s: no port (set connect_port)", c->spec.target);
		return -1;
	}
	p = chk_sock_priv(c, sizeof(*p), why, len);
	if (!p)
		return -1;
	p->n = 0;
	p->st = SMTP_CONNECT;
	fd = chk_socket(&c->spec, SOCK_STREAM, why, len);
	if (fd < 0)
		return -1;
	if (chk_sock_start(c, fd, &c->spec.addr, NULL, 0, EV_WRITE, smtp_io_cb, smtp_to_cb)) {
		snprintf(why, len, "SMTP %s: connect: %s", c->spec.target, strerror(errno));
		return -1;
	}
	return 0;
}

/* no .same: the HELO name is in the checker text (the engine's key) */
const struct chk_ops chk_smtp_ops = {
	.name = "SMTP_CHECK", .start = smtp_start, .stop = chk_sock_close, .free = chk_sock_free,
};
