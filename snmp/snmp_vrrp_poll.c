/* snmp/snmp_vrrp_poll.c - the control socket client that fetches the VRRP MIB facts (see
 * snmp_vrrp_poll.h). One request in flight at a time; a reply is one JSON line. */
#include "snmp/snmp_vrrp_poll.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "lib/log.h"
#include "lib/mono.h"

#define MAX_REPLY (4u << 20)

struct snmp_vrrp_poll {
	struct ev_loop *loop;
	snmp_vrrp_poll_cb cb;
	void *arg;
	char *path;
	int fd;
	ev_io rw;
	ev_timer tick;
	char *buf;
	size_t len, cap;
	int in_flight;
	uint64_t sent_mono;
	uint64_t started_mono;      /* the last poll's first request */
	uint64_t used_mono;         /* the last snmp_vrrp_poll_touch */
	struct snmp_vrrp_set building;
	int warned;
};

static void disconnect(struct snmp_vrrp_poll *p)
{
	if (p->fd >= 0) {
		ev_io_stop(p->loop, &p->rw);
		close(p->fd);
	}
	p->fd = -1;
	p->len = 0;
	p->in_flight = 0;
	snmp_vrrp_set_clear(&p->building);
}

static int send_req(struct snmp_vrrp_poll *p, long long from)
{
	char req[96];
	int n = snprintf(req, sizeof(req), "{\"cmd\":\"vrrp\",\"op\":\"mib\",\"from\":%lld}\n",
	                 from);

	if (send(p->fd, req, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) != n) {
		disconnect(p);
		return -1;
	}
	p->in_flight = 1;
	p->sent_mono = tdm_mono_ns();
	return 0;
}

/* one reply line */
static void on_reply(struct snmp_vrrp_poll *p, const char *line)
{
	json_object *r = json_tokener_parse(line), *v;

	p->in_flight = 0;
	if (!r || !json_object_object_get_ex(r, "ok", &v) || !json_object_get_boolean(v)) {
		/* no vrrp child (yet): keep the last set */
		if (!p->warned && r && json_object_object_get_ex(r, "error", &v))
			tdm_log_debug("VRRP MIB facts: %s", json_object_get_string(v));
		p->warned = 1;
		snmp_vrrp_set_clear(&p->building);
		json_object_put(r);
		return;
	}
	p->warned = 0;
	if (snmp_vrrp_set_add_page(&p->building, r) < 0) {
		snmp_vrrp_set_clear(&p->building);
		json_object_put(r);
		return;
	}
	if (json_object_object_get_ex(r, "next", &v) && v && json_object_get_int64(v) > 0) {
		send_req(p, json_object_get_int64(v));
		json_object_put(r);
		return;
	}
	json_object_put(r);
	p->cb(p->arg, &p->building);
	snmp_vrrp_set_clear(&p->building);
}

static void on_io(struct ev_loop *loop, ev_io *w, int revents)
{
	struct snmp_vrrp_poll *p = w->data;
	ssize_t n;
	char *nl;

	(void)loop;
	(void)revents;
	for (int rounds = 0; rounds < 64; rounds++) {
		if (p->cap - p->len < 4096) {
			size_t nc = p->cap ? p->cap * 2 : 65536;
			char *nb;

			if (nc > MAX_REPLY || !(nb = realloc(p->buf, nc))) {
				tdm_log_warn("VRRP MIB facts: reply too large, reconnecting");
				disconnect(p);
				return;
			}
			p->buf = nb;
			p->cap = nc;
		}
		n = recv(p->fd, p->buf + p->len, p->cap - p->len - 1, MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			disconnect(p);
			return;
		}
		if (n < 0)
			return;
		p->len += (size_t)n;
		p->buf[p->len] = '\0';
		while ((nl = memchr(p->buf, '\n', p->len))) {
			size_t used = (size_t)(nl - p->buf) + 1;

			*nl = '\0';
			on_reply(p, p->buf);
			if (p->fd < 0)
				return;
			memmove(p->buf, p->buf + used, p->len - used);
			p->len -= used;
		}
	}
}

static int connect_ctl(struct snmp_vrrp_poll *p)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (!p->path || !*p->path || strlen(p->path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, p->path);
	p->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p->fd < 0)
		return -1;
	if (connect(p->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(p->fd);
		p->fd = -1;
		return -1;
	}
	ev_io_init(&p->rw, on_io, p->fd, EV_READ);
	p->rw.data = p;
	ev_io_start(p->loop, &p->rw);
	return 0;
}

static void poll_once(struct snmp_vrrp_poll *p)
{
	if (p->in_flight) {
		if (tdm_mono_ns() - p->sent_mono > (uint64_t)(SNMP_VRRP_POLL_TIMEOUT_S * 1e9))
			disconnect(p);      /* the parent did not answer: start over */
		return;
	}
	if (p->fd < 0 && connect_ctl(p) < 0)
		return;
	snmp_vrrp_set_clear(&p->building);
	p->started_mono = tdm_mono_ns();
	send_req(p, 0);
}

static void on_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct snmp_vrrp_poll *p = w->data;
	uint64_t now = tdm_mono_ns();

	(void)loop;
	(void)revents;
	if (now - p->used_mono > (uint64_t)(SNMP_VRRP_POLL_ACTIVE_S * 1e9) &&
	    now - p->started_mono < (uint64_t)((SNMP_VRRP_POLL_IDLE_S - 0.5) * 1e9) &&
	    !p->in_flight)
		return;                 /* nobody walks: every SNMP_VRRP_POLL_IDLE_S */
	poll_once(p);
}

void snmp_vrrp_poll_touch(struct snmp_vrrp_poll *p)
{
	uint64_t now;

	if (!p)
		return;
	now = tdm_mono_ns();
	p->used_mono = now;
	if (now - p->started_mono > (uint64_t)(SNMP_VRRP_POLL_S * 1e9))
		poll_once(p);
}

struct snmp_vrrp_poll *snmp_vrrp_poll_start(struct ev_loop *loop, snmp_vrrp_poll_cb cb,
                                            void *arg)
{
	struct snmp_vrrp_poll *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->loop = loop;
	p->cb = cb;
	p->arg = arg;
	p->fd = -1;
	snmp_vrrp_set_init(&p->building);
	ev_timer_init(&p->tick, on_tick, SNMP_VRRP_POLL_S, SNMP_VRRP_POLL_S);
	p->tick.data = p;
	ev_timer_start(loop, &p->tick);
	return p;
}

void snmp_vrrp_poll_set_path(struct snmp_vrrp_poll *p, const char *path)
{
	if (!p || !path || (p->path && !strcmp(p->path, path)))
		return;
	free(p->path);
	p->path = strdup(path);
	disconnect(p);
	poll_once(p);
}

void snmp_vrrp_poll_now(struct snmp_vrrp_poll *p)
{
	if (p)
		poll_once(p);
}

void snmp_vrrp_poll_stop(struct snmp_vrrp_poll *p)
{
	if (!p)
		return;
	ev_timer_stop(p->loop, &p->tick);
	disconnect(p);
	snmp_vrrp_set_free(&p->building);
	free(p->buf);
	free(p->path);
	free(p);
}
