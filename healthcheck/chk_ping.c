/* healthcheck/chk_ping.c - PING_CHECK: one ICMP (IPv4) or ICMPv6 echo request per attempt;
 * passes on the matching echo reply within connect_timeout. Uses an unprivileged ping socket
 * (SOCK_DGRAM, the kernel matches replies to it) when ping_group_range allows, else a raw socket
 * connected to the target (the kernel hands it only that host's ICMP) with an echo-reply filter;
 * replies are matched by id and sequence (chk_icmp_echo_match). */
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "healthcheck/check_int.h"
#include "healthcheck/chk_parse.h"

#define PING_LEN 32

struct ping_priv {
	struct chk_sock k;          /* first: the socket, its watcher and timer */
	int raw;                    /* raw socket (IPv4 replies carry the IP header) */
	uint16_t id, seq;
};

static int ping_socket(struct chk_inst *c, char *why, size_t len)
{
	struct ping_priv *p = c->priv;
	int v6 = c->spec.addr.ss_family == AF_INET6;
	int proto = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	int fd = socket(c->spec.addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);

	p->raw = 0;
	if (fd < 0) {
		fd = socket(c->spec.addr.ss_family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
		if (fd < 0) {
			snprintf(why, len, "PING %s: socket: %s", c->spec.host, strerror(errno));
			return -1;
		}
		p->raw = 1;
		if (v6) {
			struct icmp6_filter f;
			ICMP6_FILTER_SETBLOCKALL(&f);
			ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
			setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
		} else {
			/* linux/icmp.h's ICMP_FILTER (that header clashes with netinet's) */
			uint32_t f = ~(1u << ICMP_ECHOREPLY);
			setsockopt(fd, SOL_RAW, 1, &f, sizeof(f));
		}
	}
	if (c->spec.fwmark >= 0) {
		unsigned mark = (unsigned)c->spec.fwmark;
		setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark));
	}
	if (c->spec.bind_if)
		setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, c->spec.bind_if,
		           (socklen_t)strlen(c->spec.bind_if) + 1);
	if (c->spec.blen && c->spec.conf->has_bindto) {
		union chk_sa b = c->spec.bind;
		if (b.ss_family == AF_INET)
			((struct sockaddr_in *)&b)->sin_port = 0;
		else
			((struct sockaddr_in6 *)&b)->sin6_port = 0;
		if (bind(fd, (struct sockaddr *)&b, c->spec.blen)) {
			snprintf(why, len, "PING %s: bind: %s", c->spec.host, strerror(errno));
			close(fd);
			return -1;
		}
	}
	return fd;
}

static void ping_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct chk_inst *c = w->data;
	struct ping_priv *p = c->priv;
	uint8_t buf[1500];
	int v6 = c->spec.addr.ss_family == AF_INET6;
	char msg[160];

	for (int i = 0; i < 16; i++) {      /* bounded per wake-up */
		ssize_t r = recv(p->k.fd, buf, sizeof(buf), 0);
		if (r < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			chk_sock_close(c);
			snprintf(msg, sizeof(msg), "PING %s: %s", c->spec.host, strerror(errno));
			chk_done(c, 0, msg);
			return;
		}
		if (chk_icmp_echo_match(buf, (size_t)r, v6, p->raw && !v6, p->id, !p->raw, p->seq)) {
			chk_sock_close(c);
			snprintf(msg, sizeof(msg), "PING %s: echo reply", c->spec.host);
			chk_done(c, 1, msg);
			return;
		}
	}
}

static void ping_to_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct chk_inst *c = w->data;
	char msg[160];

	chk_sock_close(c);
	snprintf(msg, sizeof(msg), "PING %s: no echo reply within %.3g s", c->spec.host,
	         (double)c->spec.connect_timeout_us / 1e6);
	chk_done(c, 0, msg);
}

static int ping_start(struct chk_inst *c, char *why, size_t len)
{
	struct ping_priv *p = c->priv;
	union chk_sa to = c->spec.addr;
	uint8_t pkt[PING_LEN];
	int v6 = to.ss_family == AF_INET6, fd;

	if (!p) {
		p = chk_sock_priv(c, sizeof(*p), why, len);
		if (!p)
			return -1;
		p->id = (uint16_t)random();
	}
	fd = ping_socket(c, why, len);
	if (fd < 0)
		return -1;
	if (v6)
		((struct sockaddr_in6 *)&to)->sin6_port = 0;
	else
		((struct sockaddr_in *)&to)->sin_port = 0;
	p->seq++;
	chk_icmp_echo_build(pkt, sizeof(pkt), v6, p->id, p->seq);
	if (chk_sock_start(c, fd, &to, pkt, sizeof(pkt), EV_READ, ping_io_cb, ping_to_cb)) {
		snprintf(why, len, "PING %s: %s", c->spec.host, strerror(errno));
		return -1;
	}
	return 0;
}

const struct chk_ops chk_ping_ops = {
	.name = "PING_CHECK", .start = ping_start, .stop = chk_sock_close, .free = chk_sock_free,
};
