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
	ev_io io;
	ev_timer to;
	int fd;
	enum smtp_state st;
	char buf[4096];
	size_t n;
};

static void smtp_close(struct chk_inst *c)
{
	struct smtp_priv *p = c->priv;

	if (!p)
		return;
	ev_io_stop(chk_loop(c), &p->io);
	ev_timer_stop(chk_loop(c), &p->to);
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

static void smtp_end(struct chk_inst *c, int ok, const char *what)
{
	char msg[256];

	smtp_close(c);
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

	return send(p->fd, line, l, MSG_NOSIGNAL) == (ssize_t)l ? 0 : -1;
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
		getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &l);
		if (err) {
			smtp_end(c, 0, strerror(err));
			return;
		}
		p->st = SMTP_BANNER;
		ev_io_stop(loop, w);
		ev_io_set(w, p->fd, EV_READ);
		ev_io_start(loop, w);
		return;
	}
	r = recv(p->fd, p->buf + p->n, sizeof(p->buf) - 1 - p->n, 0);
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
	struct smtp_priv *p = c->priv;

	if (!c->spec.port) {
		snprintf(why, len, "SMTP %s: no port (set connect_port)", c->spec.target);
		return -1;
	}
	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p) {
			snprintf(why, len, "out of memory");
			return -1;
		}
		p->fd = -1;
		c->priv = p;
	}
	p->n = 0;
	p->st = SMTP_CONNECT;
	p->fd = chk_socket(&c->spec, SOCK_STREAM, why, len);
	if (p->fd < 0)
		return -1;
	if (connect(p->fd, (const struct sockaddr *)&c->spec.addr, c->spec.alen) && errno != EINPROGRESS) {
		snprintf(why, len, "SMTP %s: connect: %s", c->spec.target, strerror(errno));
		smtp_close(c);
		return -1;
	}
	chk_watch(c, &p->io, smtp_io_cb, p->fd, EV_WRITE, &p->to, smtp_to_cb);
	return 0;
}

static void smtp_stop(struct chk_inst *c)
{
	smtp_close(c);
}

static int smtp_same(const struct chk_spec *a, const struct chk_spec *b)
{
	return 1;
}

static void smtp_free(struct chk_inst *c)
{
	smtp_close(c);
	free(c->priv);
	c->priv = NULL;
}

const struct chk_ops chk_smtp_ops = {
	.name = "SMTP_CHECK", .start = smtp_start, .stop = smtp_stop, .same = smtp_same,
	.free = smtp_free,
};
