/* healthcheck/chk_sock.c - socket plumbing shared by the socket checker types (TCP, SMTP, UDP,
 * PING): a non-blocking socket of the target's family with the spec's source address/port,
 * interface and fwmark; the per-check state that begins with a struct chk_sock (allocated once,
 * closed after each attempt, freed with the check); the connect (+ optional first datagram) and
 * the arming of the I/O watcher and the connect_timeout timer that start every attempt. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "healthcheck/check_int.h"

int chk_socket(const struct chk_spec *s, int type, char *why, size_t len)
{
	int fd, one = 1;

	fd = socket(s->addr.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(why, len, "socket: %s", strerror(errno));
		return -1;
	}
	if (s->fwmark >= 0) {
		unsigned mark = (unsigned)s->fwmark;
		if (setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark))) {
			snprintf(why, len, "fwmark %u: %s", mark, strerror(errno));
			goto fail;
		}
	}
	if (s->bind_if && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, s->bind_if,
	                             (socklen_t)strlen(s->bind_if) + 1)) {
		snprintf(why, len, "bind_if %s: %s", s->bind_if, strerror(errno));
		goto fail;
	}
	if (s->blen) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (const struct sockaddr *)&s->bind, s->blen)) {
			snprintf(why, len, "bind: %s", strerror(errno));
			goto fail;
		}
	}
	return fd;
fail:
	close(fd);
	return -1;
}

int chk_keeps_socket(const struct chk_inst *c)
{
	return c->fc.delay_loop_us <= CHK_KEEP_SOCKET_US && c->fc.retry_delay_us <= CHK_KEEP_SOCKET_US;
}

int chk_sock_disconnect(int fd)
{
	struct sockaddr un = { .sa_family = AF_UNSPEC };

	return connect(fd, &un, sizeof(un));
}

void *chk_sock_priv(struct chk_inst *c, size_t size, char *why, size_t len)
{
	struct chk_sock *k = c->priv;

	if (k)
		return k;
	k = calloc(1, size);
	if (!k) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	k->fd = -1;
	c->priv = k;
	return k;
}

void chk_sock_close(struct chk_inst *c)
{
	struct chk_sock *k = c->priv;

	if (!k)
		return;
	ev_io_stop(chk_loop(c), &k->io);
	ev_timer_stop(chk_loop(c), &k->to);
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}

void chk_sock_free(struct chk_inst *c)
{
	chk_sock_close(c);
	free(c->priv);
	c->priv = NULL;
}

static void sock_watch(struct chk_inst *c, ev_io *io, void (*io_cb)(struct ev_loop *, ev_io *, int),
                       int fd, int events, ev_timer *to,
                       void (*to_cb)(struct ev_loop *, ev_timer *, int))
{
	ev_io_init(io, io_cb, fd, events);
	io->data = c;
	ev_io_start(chk_loop(c), io);
	ev_timer_init(to, to_cb, (double)c->spec.connect_timeout_us / 1e6, 0.);
	to->data = c;
	ev_timer_start(chk_loop(c), to);
}

int chk_sock_start(struct chk_inst *c, int fd, const union chk_sa *to, const void *pay,
                   size_t n, int events, void (*io_cb)(struct ev_loop *, ev_io *, int),
                   void (*to_cb)(struct ev_loop *, ev_timer *, int))
{
	struct chk_sock *k = c->priv;
	int err;

	k->fd = fd;
	if (connect(fd, &to->sa, c->spec.alen) && errno != EINPROGRESS)
		goto fail;
	if (pay && send(fd, pay, n, 0) < 0)
		goto fail;
	sock_watch(c, &k->io, io_cb, fd, events, &k->to, to_cb);
	return 0;
fail:
	err = errno;
	chk_sock_close(c);
	errno = err;
	return -1;
}
