/* healthcheck/chk_udp.c - UDP_CHECK: sends the payload (hex; 8 random bytes by default) on a
 * connected UDP socket. With require_reply a reply must come within connect_timeout, its length
 * within min/max_reply_length and its bytes matching the require_reply pattern (x = any digit);
 * without it the check passes unless an ICMP error (port/host unreachable) comes back in that
 * time. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "healthcheck/check_int.h"
#include "healthcheck/chk_parse.h"

#define UDP_MAX_PATTERN 1024

static int hex_of(const struct chk_inst *c, const char *kw, uint8_t *out, uint8_t *mask, int *n)
{
	const struct tdm_cnode *nd = tdm_cnode_find(c->spec.conf->node, kw);

	*n = 0;
	if (!nd)
		return 0;
	*n = chk_hex_parse((const char *const *)nd->argv, nd->argc, out, mask, UDP_MAX_PATTERN);
	return 1;
}

static int int_of(const struct chk_inst *c, const char *kw, int dflt)
{
	const struct tdm_cnode *nd = tdm_cnode_find(c->spec.conf->node, kw);

	return nd && nd->argc ? (int)nd->vals[0].i : dflt;
}

static void udp_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct chk_inst *c = w->data;
	struct chk_sock *k = c->priv;
	static uint8_t buf[65536];
	uint8_t want[UDP_MAX_PATTERN], mask[UDP_MAX_PATTERN];
	char why[128], msg[192];
	ssize_t r = recv(k->fd, buf, sizeof(buf), MSG_TRUNC);
	int wn = 0, ok;

	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	chk_sock_close(c);
	if (r < 0) {
		snprintf(msg, sizeof(msg), "UDP to %s: %s%s", c->spec.target, strerror(errno),
		         errno == ECONNREFUSED ? " (ICMP port unreachable)" : "");
		chk_done(c, 0, msg);
		return;
	}
	hex_of(c, "require_reply", want, mask, &wn);
	ok = chk_udp_reply_ok(buf, (size_t)r < sizeof(buf) ? (size_t)r : sizeof(buf), want, mask,
	                      wn > 0 ? (size_t)wn : 0, int_of(c, "min_reply_length", 0),
	                      int_of(c, "max_reply_length", 255), why, sizeof(why));
	snprintf(msg, sizeof(msg), "UDP %s: %.100s", c->spec.target, why);
	chk_done(c, ok, msg);
}

static void udp_to_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct chk_inst *c = w->data;
	int need = tdm_cnode_find(c->spec.conf->node, "require_reply") != NULL;
	char msg[160];

	chk_sock_close(c);
	if (need)
		snprintf(msg, sizeof(msg), "UDP %s: no reply within %.3g s", c->spec.target,
		         (double)c->spec.connect_timeout_us / 1e6);
	else
		snprintf(msg, sizeof(msg), "UDP %s: no ICMP error within %.3g s", c->spec.target,
		         (double)c->spec.connect_timeout_us / 1e6);
	chk_done(c, !need, msg);
}

static int udp_start(struct chk_inst *c, char *why, size_t len)
{
	uint8_t pay[UDP_MAX_PATTERN];
	int n, fd;

	if (!c->spec.port) {
		snprintf(why, len, "UDP to %s: no port (set connect_port)", c->spec.target);
		return -1;
	}
	if (!chk_sock_priv(c, sizeof(struct chk_sock), why, len))
		return -1;
	if (!hex_of(c, "payload", pay, NULL, &n)) {
		for (n = 0; n < 8; n++)
			pay[n] = (uint8_t)random();
	} else if (n < 0) {
		snprintf(why, len, "UDP_CHECK: bad payload");
		return -1;
	}
	fd = chk_socket(&c->spec, SOCK_DGRAM, why, len);
	if (fd < 0)
		return -1;
	if (chk_sock_start(c, fd, &c->spec.addr, pay, (size_t)n, EV_READ, udp_io_cb, udp_to_cb)) {
		snprintf(why, len, "UDP to %s: %s", c->spec.target, strerror(errno));
		return -1;
	}
	return 0;
}

/* no .same: payload and reply rules are in the checker text (the engine's key) */
const struct chk_ops chk_udp_ops = {
	.name = "UDP_CHECK", .start = udp_start, .stop = chk_sock_close, .free = chk_sock_free,
};
