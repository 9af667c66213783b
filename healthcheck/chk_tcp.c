/* healthcheck/chk_tcp.c - TCP_CHECK: a non-blocking connect to the target (connect_ip,
 * connect_port, bindto, bind_port, bind_if, fwmark); passes when the connection is established,
 * which is then closed at once with a reset (no TIME_WAIT on the director). Bounded by connect_timeout. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "healthcheck/check_int.h"

static void tcp_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct chk_inst *c = w->data;
	struct chk_sock *k = c->priv;
	int err = 0;
	socklen_t l = sizeof(err);
	char msg[160];

	/* watched for both: writable alone is an established connection; an error (or data
	 * already sent by the server) also makes it readable, and only then is SO_ERROR read */
	if ((revents & EV_READ) && getsockopt(k->fd, SOL_SOCKET, SO_ERROR, &err, &l))
		err = errno;
	if (!err) {
		/* close with a reset: no TIME_WAIT left on the director per check (10,000 checks a
		 * second would otherwise hold 600,000 sockets in TIME_WAIT) */
		struct linger lg = { 1, 0 };
		setsockopt(k->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	chk_sock_close(c);
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

	chk_sock_close(c);
	snprintf(msg, sizeof(msg), "TCP connect to %s: timeout after %.3g s", c->spec.target,
	         (double)c->spec.connect_timeout_us / 1e6);
	chk_done(c, 0, msg);
}

static int tcp_start(struct chk_inst *c, char *why, size_t len)
{
	int fd;

	if (!c->spec.port) {
		snprintf(why, len, "TCP connect to %s: no port (set connect_port)", c->spec.target);
		return -1;
	}
	if (!chk_sock_priv(c, sizeof(struct chk_sock), why, len))
		return -1;
	fd = chk_socket(&c->spec, SOCK_STREAM, why, len);
	if (fd < 0)
		return -1;
	if (chk_sock_start(c, fd, &c->spec.addr, NULL, 0, EV_READ | EV_WRITE, tcp_io_cb, tcp_to_cb)) {
		snprintf(why, len, "TCP connect to %s: %s", c->spec.target, strerror(errno));
		return -1;
	}
	return 0;
}

/* no .same: everything is in the engine's key */
const struct chk_ops chk_tcp_ops = {
	.name = "TCP_CHECK", .start = tcp_start, .stop = chk_sock_close, .free = chk_sock_free,
};
