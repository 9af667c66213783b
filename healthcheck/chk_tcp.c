/* healthcheck/chk_tcp.c - TCP_CHECK: a non-blocking connect to the target (connect_ip,
 * connect_port, bindto, bind_port, bind_if, fwmark); passes when the connection is established,
 * which is then closed at once with a reset (no TIME_WAIT on the director). Bounded by connect_timeout. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "healthcheck/check_int.h"

struct tcp_priv {
	ev_io io;
	ev_timer to;
	int fd;
};

static void tcp_close(struct chk_inst *c)
{
	struct tcp_priv *p = c->priv;

	if (!p)
		return;
	ev_io_stop(chk_loop(c), &p->io);
	ev_timer_stop(chk_loop(c), &p->to);
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

static void tcp_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct chk_inst *c = w->data;
	struct tcp_priv *p = c->priv;
	int err = 0;
	socklen_t l = sizeof(err);
	char msg[160];

	/* watched for both: writable alone is an established connection; an error (or data
	 * already sent by the server) also makes it readable, and only then is SO_ERROR read */
	if ((revents & EV_READ) && getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &l))
		err = errno;
	if (!err) {
		/* close with a reset: no TIME_WAIT left on the director per check (10,000 checks a
		 * second would otherwise hold 600,000 sockets in TIME_WAIT) */
		struct linger lg = { 1, 0 };
		setsockopt(p->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	tcp_close(c);
	if (err) {
		snprintf(msg, sizeof(msg), "TCP connect to %s: %s", c->spec.target, strerror(err));
		chk_done(c, 0, msg);
	} else {
		snprintf(msg, sizeof(msg), "TCP connect to %s succeeded", c->spec.target);
		chk_done(c, 1, msg);
	}
}

static void tcp_to_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct chk_inst *c = w->data;
	char msg[160];

	tcp_close(c);
	snprintf(msg, sizeof(msg), "TCP connect to %s: timeout after %.3g s", c->spec.target,
	         (double)c->spec.connect_timeout_us / 1e6);
	chk_done(c, 0, msg);
}

static int tcp_start(struct chk_inst *c, char *why, size_t len)
{
	struct tcp_priv *p = c->priv;

	if (!c->spec.port) {
		snprintf(why, len, "TCP connect to %s: no port (set connect_port)", c->spec.target);
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
	p->fd = chk_socket(&c->spec, SOCK_STREAM, why, len);
	if (p->fd < 0)
		return -1;
	if (connect(p->fd, (const struct sockaddr *)&c->spec.addr, c->spec.alen) && errno != EINPROGRESS) {
		snprintf(why, len, "TCP connect to %s: %s", c->spec.target, strerror(errno));
		tcp_close(c);
		return -1;
	}
	chk_watch(c, &p->io, tcp_io_cb, p->fd, EV_READ | EV_WRITE, &p->to, tcp_to_cb);
	return 0;
}

static void tcp_stop(struct chk_inst *c)
{
	tcp_close(c);
}

static int tcp_same(const struct chk_spec *a, const struct chk_spec *b)
{
	return 1;                   /* everything is in the engine's key */
}

static void tcp_free(struct chk_inst *c)
{
	tcp_close(c);
	free(c->priv);
	c->priv = NULL;
}

const struct chk_ops chk_tcp_ops = {
	.name = "TCP_CHECK", .start = tcp_start, .stop = tcp_stop, .same = tcp_same,
	.free = tcp_free,
};
