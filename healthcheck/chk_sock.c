/* healthcheck/chk_sock.c - socket setup shared by the checker types: a non-blocking socket of
 * the target's family with the spec's source address/port, interface and fwmark. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
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

void chk_watch(struct chk_inst *c, ev_io *io, void (*io_cb)(struct ev_loop *, ev_io *, int),
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
