/* healthcheck/chk_tcp.c - TCP_CHECK: a non-blocking connect to the target (connect_ip,
 * connect_port, bindto, bind_port, bind_if, fwmark); passes when the connection is established,
 * which is then ended at once with a reset (no TIME_WAIT on the director). Bounded by
 * connect_timeout. When checks are frequent (chk_keeps_socket) the socket is kept between
 * attempts: an attempt ends with a disconnect (a reset when established, an abort when still
 * connecting) and the next one connects the same socket again. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "healthcheck/check_int.h"

/* end an attempt: watcher and timer stopped, the connection reset or aborted and the socket
 * kept for the next attempt when that comes soon; otherwise (or if the disconnect fails)
 * closed, with a reset when established */
static void tcp_end(struct chk_inst *c, int established)
{
	struct chk_sock *k = c->priv;

	ev_io_stop(chk_loop(c), &k->io);
	ev_timer_stop(chk_loop(c), &k->to);
	if (chk_keeps_socket(c) && !chk_sock_disconnect(k->fd))
		return;
	if (established) {
		/* no TIME_WAIT left on the director per check (10,000 checks a second would
		 * otherwise hold 600,000 sockets in TIME_WAIT) */
		struct linger lg = { 1, 0 };
		setsockopt(k->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	chk_sock_close(c);
}

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
	tcp_end(c, !err);
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

	tcp_end(c, 0);
	snprintf(msg, sizeof(msg), "TCP connect to %s: timeout after %.3g s", c->spec.target,
	         (double)c->spec.connect_timeout_us / 1e6);
	chk_done(c, 0, msg);
}

static int tcp_start(struct chk_inst *c, char *why, size_t len)
{
	struct chk_sock *k;
	int fd;

	if (!c->spec.port) {
		snprintf(why, len, "TCP connect to %s: no port (set connect_port)", c->spec.target);
		return -1;
	}
	k = chk_sock_priv(c, sizeof(struct chk_sock), why, len);
	if (!k)
		return -1;
	/* the kept socket first; a new one when there is none or it cannot connect again */
	if (k->fd >= 0 && !chk_sock_start(c, k->fd, &c->spec.addr, NULL, 0, EV_READ | EV_WRITE,
	                                  tcp_io_cb, tcp_to_cb))
		return 0;
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
