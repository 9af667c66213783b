/* healthcheck/chk_dns.c - DNS_CHECK: one query (type A, NS, CNAME, SOA (default), MX, TXT or
 * AAAA for name, default ".") to the target over UDP with c-ares driven by the loop (a channel
 * per attempt, its sockets on ev_io, its timeouts on an ev_timer); passes on an answer with
 * RCODE NOERROR and at least one answer record. retry defaults to 3 for this type. */
#include <ares.h>
#include <arpa/nameser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "healthcheck/check_int.h"
#include "healthcheck/chk_parse.h"

#define DNS_MAX_FDS 4

struct dns_priv {
	ares_channel ch;
	ev_io io[DNS_MAX_FDS];
	int nio;
	ev_timer to;
	int done, ok;
	char why[160];
	struct chk_inst *c;
};

static void dns_arm_timer(struct dns_priv *p);

static void dns_process(struct dns_priv *p, int rfd, int wfd)
{
	struct chk_inst *c = p->c;
	char msg[192];

	ares_process_fd(p->ch, rfd, wfd);
	if (!p->done) {
		dns_arm_timer(p);
		return;
	}
	snprintf(msg, sizeof(msg), "DNS %s: %.120s", c->spec.target, p->why);
	ev_timer_stop(chk_loop(c), &p->to);
	ares_destroy(p->ch);        /* closes its sockets: the state callback stops the watchers */
	p->ch = NULL;
	for (int i = 0; i < p->nio; i++)
		ev_io_stop(chk_loop(c), &p->io[i]);
	p->nio = 0;
	chk_done(c, p->ok, msg);
}

static void io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct dns_priv *p = w->data;

	dns_process(p, revents & EV_READ ? w->fd : ARES_SOCKET_BAD,
	            revents & EV_WRITE ? w->fd : ARES_SOCKET_BAD);
}

static void to_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	dns_process(w->data, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
}

static void dns_arm_timer(struct dns_priv *p)
{
	struct timeval tv, *t = ares_timeout(p->ch, NULL, &tv);

	ev_timer_stop(chk_loop(p->c), &p->to);
	if (!t)
		return;
	ev_timer_set(&p->to, (double)t->tv_sec + (double)t->tv_usec / 1e6, 0.);
	ev_timer_start(chk_loop(p->c), &p->to);
}

static void sock_state_cb(void *data, ares_socket_t fd, int readable, int writable)
{
	struct dns_priv *p = data;
	struct ev_loop *loop = chk_loop(p->c);
	int i, ev = (readable ? EV_READ : 0) | (writable ? EV_WRITE : 0);

	for (i = 0; i < p->nio && p->io[i].fd != fd; i++)
		;
	if (i < p->nio) {
		ev_io_stop(loop, &p->io[i]);
		if (!ev) {              /* closed: move the last watcher into this slot */
			int last = p->nio - 1;
			if (i != last) {
				int lfd = p->io[last].fd, lev = p->io[last].events & (EV_READ | EV_WRITE);
				ev_io_stop(loop, &p->io[last]);
				ev_io_init(&p->io[i], io_cb, lfd, lev);
				p->io[i].data = p;
				ev_io_start(loop, &p->io[i]);
			}
			p->nio--;
			return;
		}
		ev_io_set(&p->io[i], fd, ev);
		ev_io_start(loop, &p->io[i]);
		return;
	}
	if (!ev || p->nio == DNS_MAX_FDS)
		return;
	ev_io_init(&p->io[p->nio], io_cb, fd, ev);
	p->io[p->nio].data = p;
	ev_io_start(loop, &p->io[p->nio]);
	p->nio++;
}

static void query_cb(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct dns_priv *p = arg;
	int rcode = -1, an = 0;

	if (status == ARES_EDESTRUCTION)
		return;
	p->done = 1;
	if (status != ARES_SUCCESS) {
		p->ok = 0;
		snprintf(p->why, sizeof(p->why), "%s", ares_strerror(status));
		return;
	}
	if (chk_dns_reply(abuf, (size_t)alen, &rcode, &an) < 0) {
		p->ok = 0;
		snprintf(p->why, sizeof(p->why), "malformed reply");
		return;
	}
	p->ok = rcode == 0 && an > 0;
	snprintf(p->why, sizeof(p->why), "rcode %d, %d answer(s)", rcode, an);
}

static int dns_type(const char *t)
{
	static const struct { const char *n; int v; } m[] = {
		{ "A", ns_t_a }, { "NS", ns_t_ns }, { "CNAME", ns_t_cname }, { "SOA", ns_t_soa },
		{ "MX", ns_t_mx }, { "TXT", ns_t_txt }, { "AAAA", ns_t_aaaa } };

	for (size_t i = 0; t && i < sizeof(m) / sizeof(m[0]); i++)
		if (!strcasecmp(t, m[i].n))
			return m[i].v;
	return ns_t_soa;
}

static int dns_start(struct chk_inst *c, char *why, size_t len)
{
	struct dns_priv *p = c->priv;
	struct ares_options o;
	char server[80];
	static int lib_ready;
	int r;

	if (!lib_ready) {
		if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) {
			snprintf(why, len, "c-ares unavailable");
			return -1;
		}
		lib_ready = 1;
	}
	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p) {
			snprintf(why, len, "out of memory");
			return -1;
		}
		p->c = c;
		ev_timer_init(&p->to, to_cb, 0., 0.);
		p->to.data = p;
		c->priv = p;
	}
	memset(&o, 0, sizeof(o));
	o.timeout = (int)(c->spec.connect_timeout_us / 1000);
	o.tries = 1;
	o.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES;
	o.sock_state_cb = sock_state_cb;
	o.sock_state_cb_data = p;
	o.lookups = (char *)"b";
	r = ares_init_options(&p->ch, &o, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS |
	                      ARES_OPT_SOCK_STATE_CB | ARES_OPT_LOOKUPS);
	if (r != ARES_SUCCESS) {
		snprintf(why, len, "DNS %s: %s", c->spec.target, ares_strerror(r));
		p->ch = NULL;
		return -1;
	}
	snprintf(server, sizeof(server), c->spec.addr.ss_family == AF_INET6 ? "[%s]:%d" : "%s:%d",
	         c->spec.host, c->spec.port ? c->spec.port : 53);
	r = ares_set_servers_ports_csv(p->ch, server);
	if (r != ARES_SUCCESS) {
		snprintf(why, len, "DNS %s: %s", server, ares_strerror(r));
		ares_destroy(p->ch);
		p->ch = NULL;
		return -1;
	}
	p->done = p->ok = 0;
	ares_query(p->ch, c->spec.conf->u.dns.name ? c->spec.conf->u.dns.name : ".", ns_c_in,
	           dns_type(c->spec.conf->u.dns.type), query_cb, p);
	if (p->done) {              /* failed at once */
		snprintf(why, len, "DNS %s: %s", c->spec.target, p->why);
		ares_destroy(p->ch);
		p->ch = NULL;
		return -1;
	}
	dns_arm_timer(p);
	return 0;
}

static void dns_stop(struct chk_inst *c)
{
	struct dns_priv *p = c->priv;

	if (!p || !p->ch)
		return;
	ev_timer_stop(chk_loop(c), &p->to);
	ares_destroy(p->ch);
	p->ch = NULL;
	for (int i = 0; i < p->nio; i++)
		ev_io_stop(chk_loop(c), &p->io[i]);
	p->nio = 0;
}

static void dns_free(struct chk_inst *c)
{
	dns_stop(c);
	free(c->priv);
	c->priv = NULL;
}

/* no .same: type and name are in the checker text (the engine's key) */
const struct chk_ops chk_dns_ops = {
	.name = "DNS_CHECK", .start = dns_start, .stop = dns_stop,
	.free = dns_free,
};
