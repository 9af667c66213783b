/* sync/relay_run.c - the relay at run time (relay_run.h): opens the tap, injector and peer
 * sockets, feeds relay_core from libev watchers and drives its timer, turns its events into
 * "sync.peer" / "sync.resync" bus events (and "sync.stats" every 5 s while the counters move,
 * for the SNMP view); the status reply is relay_status.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <linux/ip_vs.h>
#include "director/global_conf.h"
#include "director/ipvs_desired.h"
#include "lib/log.h"
#include "sync/relay_core.h"
#include "sync/relay_os.h"
#include "sync/relay_resync.h"
#include "sync/relay_run.h"
#include "sync/relay_run_int.h"
#include "sync/sync_conf.h"

#define READ_BATCH   256
#define REOPEN_S     5.0
#define PKT_MAX      65536
#define STATS_S      5.0

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

double relay_run_unix(const struct relay_run *r, uint64_t us)
{
	return us ? r->unix0 + ((double)us - (double)r->mono0) / 1e6 : 0;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

/* the key: auth_key, or the file's contents without trailing newlines. 0 / -1 with err */
static int load_key(const struct sync_relay_conf *c, uint8_t *key, size_t *len, char *err,
                    size_t errlen)
{
	size_t n = 0;

	if (c->auth_key) {
		n = strlen(c->auth_key);
		if (n > RELAY_KEY_MAX)
			n = RELAY_KEY_MAX;
		memcpy(key, c->auth_key, n);
	} else if (c->auth_key_file) {
		int fd = open(c->auth_key_file, O_RDONLY | O_CLOEXEC);
		ssize_t got;

		if (fd < 0) {
			snprintf(err, errlen, "auth_key_file %s: %s", c->auth_key_file, strerror(errno));
			return -1;
		}
		got = read(fd, key, RELAY_KEY_MAX + 1);
		close(fd);
		if (got < 0) {
			snprintf(err, errlen, "auth_key_file %s: %s", c->auth_key_file, strerror(errno));
			return -1;
		}
		n = (size_t)got;
		while (n && (key[n - 1] == '\n' || key[n - 1] == '\r'))
			n--;
	}
	if (n < RELAY_KEY_MIN || n > RELAY_KEY_MAX) {
		snprintf(err, errlen, "the relay key must be %d..%d bytes (it has %zu)", RELAY_KEY_MIN,
		         RELAY_KEY_MAX, n);
		return -1;
	}
	*len = n;
	return 0;
}

static uint64_t fingerprint_of(const struct tdm_config *cfg, const struct relay_local *l)
{
	const struct sync_relay_conf *c = &cfg->sync->relay;
	uint8_t key[RELAY_KEY_MAX + 1];
	size_t kl = 0;
	char err[8];
	uint64_t h = 0xcbf29ce484222325ull;
	const char *s[] = { c->instance, c->interface, c->local_interface };
	int v[] = { c->port, c->syncid, c->ttl, c->resend_queue, c->replay_window,
	            c->max_frame_size, c->resync_rate, c->has_group, c->resync_mirror };

	for (size_t i = 0; i < 3; i++)
		h = fnv(h, s[i] ? s[i] : "", s[i] ? strlen(s[i]) + 1 : 1);
	h = fnv(h, v, sizeof(v));
	h = fnv(h, &c->sender_id, sizeof(c->sender_id));
	h = fnv(h, &c->ack_interval_us, sizeof(c->ack_interval_us));
	h = fnv(h, &c->resend_timeout_us, sizeof(c->resend_timeout_us));
	h = fnv(h, &c->group, sizeof(c->group));
	h = fnv(h, c->peers, c->npeers * sizeof(*c->peers));
	h = fnv(h, l, sizeof(*l));
	if (load_key(c, key, &kl, err, sizeof(err)) == 0)
		h = fnv(h, key, kl);
	return h;
}

/* router_id (or the host name) and the peer interface's MAC address: distinct per director
 * even where two share a router_id */
static uint32_t default_sender(const struct tdm_config *cfg, const char *ifname)
{
	char host[256] = "";
	const char *id = cfg->global && cfg->global->router_id ? cfg->global->router_id : NULL;
	struct ifreq ifr;
	uint64_t h;
	int fd;

	if (!id) {
		gethostname(host, sizeof(host) - 1);
		id = host;
	}
	h = fnv(0xcbf29ce484222325ull, id, strlen(id));
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && ioctl(fd, SIOCGIFHWADDR, &ifr) == 0)
		h = fnv(h, ifr.ifr_hwaddr.sa_data, 6);
	if (fd >= 0)
		close(fd);
	h = (uint32_t)(h ^ (h >> 32));
	return h ? (uint32_t)h : 1;
}

/* ---- forwarding methods of the configured services, for resync answers ---- */

static uint32_t fwd_of(void *arg, int af, uint8_t protocol, const union sync_addr *vaddr,
                       uint16_t vport, const union sync_addr *daddr, uint16_t dport)
{
	struct relay_run *r = arg;
	struct dir_ipvs_svc_key k;
	struct dir_ipvs_dest_key dk;
	const struct dir_ipvs_svc *s;
	const struct dir_ipvs_dest *d;

	if (!r->have_svcs)
		return IP_VS_CONN_F_MASQ;
	dir_ipvs_svc_key_inet(&k, af, protocol, vaddr, vport);
	s = dir_ipvs_svc_find(&r->svcs.table, &k);
	if (!s)
		return IP_VS_CONN_F_MASQ;
	dir_ipvs_dest_key_set(&dk, af, daddr, dport);
	d = dir_ipvs_dest_find(s, &dk);
	if (!d && s->ndests)
		d = &s->dests[0];        /* a template's real server may have gone: same service */
	return d ? d->fwd : IP_VS_CONN_F_MASQ;
}

void relay_run_reconfig(struct relay_run *r, const struct tdm_config *cfg)
{
	if (r->have_svcs)
		dir_ipvs_desired_free(&r->svcs);
	dir_ipvs_desired_init(&r->svcs);
	r->have_svcs = dir_ipvs_desired_build(&r->svcs, cfg, NULL, NULL, NULL) == 0;
}

/* ---- io for the core ---- */

static int io_send(void *ud, int peer, const uint8_t *f, size_t len)
{
	struct relay_run *r = ud;
	const struct sockaddr *to;
	socklen_t tl;

	if (r->peer_fd < 0)
		return -1;
	if (peer == RELAY_DEST_GROUP) {
		to = (const struct sockaddr *)&r->gaddr;
		tl = r->glen;
	} else {
		to = (const struct sockaddr *)&r->core.peers[peer].addr;
		tl = r->core.peers[peer].alen;
	}
	return sendto(r->peer_fd, f, len, 0, to, tl) == (ssize_t)len ? 0 : -1;
}

static int io_inject(void *ud, const uint8_t *msg, size_t len)
{
	struct relay_run *r = ud;

	return relay_inject_send(&r->inj, msg, len);
}

void relay_run_peer_addr(const struct relay_run *r, int i, char *buf, size_t n)
{
	const struct sockaddr_storage *a = &r->core.peers[i].addr;

	buf[0] = 0;
	if (a->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)a)->sin_addr, buf, (socklen_t)n);
	else if (a->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)a)->sin6_addr, buf, (socklen_t)n);
}

static void io_event(void *ud, const struct relay_event *ev)
{
	struct relay_run *r = ud;
	json_object *o = json_object_new_object();
	char addr[INET6_ADDRSTRLEN];

	if (ev->kind == RELAY_EV_RESYNC) {
		if (!strcmp(ev->phase, "done"))
			r->resyncs_done++;
		json_object_object_add(o, "type", json_object_new_string("sync.resync"));
		json_object_object_add(o, "side", json_object_new_string(ev->side));
		json_object_object_add(o, "phase", json_object_new_string(ev->phase));
		json_object_object_add(o, "peer", json_object_new_uint64(ev->sender));
		json_object_object_add(o, "entries", json_object_new_uint64(ev->entries));
		json_object_object_add(o, "duration", json_object_new_double(ev->duration));
		tdm_log_notice("sync relay: resync %s (%s, peer %u, %llu entries, %.3f s)", ev->phase,
		               ev->side, ev->sender, (unsigned long long)ev->entries, ev->duration);
	} else {
		relay_run_peer_addr(r, ev->peer, addr, sizeof(addr));
		json_object_object_add(o, "type", json_object_new_string("sync.peer"));
		json_object_object_add(o, "peer", json_object_new_string(addr));
		json_object_object_add(o, "sender_id", json_object_new_uint64(ev->sender));
		json_object_object_add(o, "state", json_object_new_string(
			ev->kind == RELAY_EV_PEER_UP ? "up" : "down"));
		json_object_object_add(o, "epoch", json_object_new_uint64(ev->epoch));
		json_object_object_add(o, "reason", json_object_new_string(ev->reason));
		tdm_log_notice("sync relay: peer %s (id %u) %s (%s)", addr, ev->sender,
		               ev->kind == RELAY_EV_PEER_UP ? "up" : "down", ev->reason);
	}
	if (r->emit)
		r->emit(r->emit_arg, o);
	else
		json_object_put(o);
}

/* ---- libev ---- */

static void rearm(struct relay_run *r)
{
	uint64_t now = mono_us(), next = relay_core_next(&r->core, now);

	if (r->tap_paused && relay_core_can_take(&r->core) && r->tap_fd >= 0) {
		r->tap_paused = 0;
		ev_io_start(r->loop, &r->tap_w);
	}
	ev_timer_stop(r->loop, &r->tick);
	ev_timer_set(&r->tick, next > now ? (double)(next - now) / 1e6 : 0., 0.);
	ev_timer_start(r->loop, &r->tick);
}

static void on_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct relay_run *r = w->data;

	(void)loop;
	(void)revents;
	relay_core_tick(&r->core, mono_us());
	rearm(r);
}

/* Pacing the hand-over to the kernel backup thread: it reads its socket slower than a bulk
 * resync arrives (a slow or single CPU), and what overflows that socket is lost. Every
 * PACE_CHECK messages handed over, the socket's backlog is read; above PACE_BACKLOG bytes the
 * core holds the next messages in its queue (acknowledged already: the queue's free room is
 * the receive window its ACKs announce, which holds the sender back) and the hand-over
 * resumes after PACE_S. Frames keep being read meanwhile, so ACKs are not delayed. */
#define PACE_CHECK   32
#define PACE_BACKLOG (64 * 1024)
#define PACE_S       0.002

static void on_pace(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct relay_run *r = w->data;

	(void)revents;
	ev_timer_stop(loop, w);
	relay_core_kq_pump(&r->core, mono_us());
	rearm(r);
}

/* io.kernel_busy: 1 while the kernel backup thread's socket holds too much (the core keeps
 * the next messages and on_pace hands them over later) */
static int io_kernel_busy(void *ud)
{
	struct relay_run *r = ud;

	if (ev_is_active(&r->pace))
		return 1;
	if (r->core.c.kmsg_out - r->pace_mark < PACE_CHECK)
		return 0;
	r->pace_mark = r->core.c.kmsg_out;
	if (relay_inject_backlog(r->local.port) <= PACE_BACKLOG)
		return 0;
	r->inject_paused++;
	ev_timer_set(&r->pace, PACE_S, 0.);
	ev_timer_start(r->loop, &r->pace);
	return 1;
}

static void on_peer(struct ev_loop *loop, ev_io *w, int revents)
{
	struct relay_run *r = w->data;

	(void)loop;
	(void)revents;
	for (int i = 0; i < READ_BATCH; i++) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(r->peer_fd, r->pkt, PKT_MAX, MSG_TRUNC,
		                     (struct sockaddr *)&from, &fl);

		if (n < 0) {
			relay_core_rx_idle(&r->core, mono_us());    /* drained: acknowledge now */
			break;
		}
		if (n > PKT_MAX)
			n = PKT_MAX;        /* truncated: the length check rejects it */
		relay_core_frame(&r->core, r->pkt, (size_t)n, (struct sockaddr *)&from, fl, mono_us());
	}
	relay_core_flush(&r->core, mono_us());
	rearm(r);
}

static void on_tap(struct ev_loop *loop, ev_io *w, int revents)
{
	struct relay_run *r = w->data;
	uint64_t now = mono_us();

	(void)revents;
	for (int i = 0; i < READ_BATCH && relay_core_can_take(&r->core); i++) {
		uint16_t et;
		int out, k;
		const uint8_t *pl;
		size_t plen;
		ssize_t n = relay_tap_recv(r->tap_fd, r->pkt, PKT_MAX, &et, &out);

		if (n <= 0)
			break;
		if (!out)
			continue;
		k = relay_tap_parse(r->pkt, (size_t)n, et, &r->filter, &pl, &plen);
		if (k < 0)
			r->core.c.kmsg_malformed++;
		else if (k > 0)
			relay_core_kernel_msg(&r->core, pl, plen, now);
	}
	relay_core_flush(&r->core, mono_us());
	if (!relay_core_can_take(&r->core)) {
		ev_io_stop(loop, &r->tap_w);
		r->tap_paused = 1;
	}
	rearm(r);
}

/* the counters for the SNMP view, when they moved */
static void on_stats(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct relay_run *r = w->data;
	const struct relay_counters *c = &r->core.c;
	json_object *o, *k, *ps;
	uint64_t rej = 0, sig;
	char addr[INET6_ADDRSTRLEN];

	(void)loop;
	(void)revents;
	for (int i = 0; i < RELAY_REJ__COUNT; i++)
		rej += c->rejected[i];
	sig = c->sent * 31 + c->received * 17 + c->resent * 7 + rej * 3 + r->resyncs_done;
	for (size_t i = 0; i < r->core.npeers; i++)
		sig = sig * 3 + (uint64_t)r->core.peers[i].up;
	if (sig == r->stats_sig || !r->emit)
		return;
	r->stats_sig = sig;
	o = json_object_new_object();
	k = json_object_new_object();
	ps = json_object_new_array();
	json_object_object_add(o, "type", json_object_new_string("sync.stats"));
	json_object_object_add(k, "sent", json_object_new_uint64(c->sent));
	json_object_object_add(k, "received", json_object_new_uint64(c->received));
	json_object_object_add(k, "resent", json_object_new_uint64(c->resent));
	json_object_object_add(k, "rejected", json_object_new_uint64(rej));
	json_object_object_add(k, "resyncs", json_object_new_uint64(r->resyncs_done));
	json_object_object_add(o, "counters", k);
	for (size_t i = 0; i < r->core.npeers; i++) {
		json_object *p = json_object_new_object();

		relay_run_peer_addr(r, (int)i, addr, sizeof(addr));
		json_object_object_add(p, "peer", json_object_new_string(addr));
		json_object_object_add(p, "state", json_object_new_string(
			r->core.peers[i].up ? "up" : "down"));
		json_object_array_add(ps, p);
	}
	json_object_object_add(o, "peers", ps);
	r->emit(r->emit_arg, o);
}

/* the kernel's table into the mirror, a few hundred entries per step: each read() of the
 * /proc file walks the kernel's hash table from the start, so the loop must not block */
#define PRIME_STEP 400
static void on_prime(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct relay_run *r = w->data;
	uint64_t now = mono_us();

	(void)revents;
	for (int i = 0; i < PRIME_STEP; i++) {
		struct sync_entry e;
		int k = relay_conn_next(&r->conns, r->prime_h, &e);

		if (k <= 0) {
			relay_conn_close(&r->conns, r->prime_h);
			r->prime_h = NULL;
			r->prime_done = 1;
			r->core.mirror_ready = 1;
			ev_timer_stop(loop, w);
			tdm_log_info("sync relay: %llu connection(s) of the kernel's table read for resyncs%s",
			             (unsigned long long)r->primed, k < 0 ? " (read error)" : "");
			return;
		}
		if (relay_core_mirror_prime(&r->core, &e, now) == 0)
			r->primed++;
	}
}

/* io.reread: a resync request with a small mirror reads the kernel's table again, in the
 * same paced steps (connections the kernel master never sent are only there) */
static int io_reread(void *ud)
{
	struct relay_run *r = ud;

	if (r->prime_h)
		return 0;                /* already reading */
	if (!(r->prime_h = relay_conn_open(&r->conns)))
		return -1;
	r->prime_done = 0;
	ev_timer_start(r->loop, &r->prime);
	return 0;
}

static void open_local(struct relay_run *r)
{
	if (r->inj.fd < 0 &&
	    relay_inject_open(&r->inj, r->local.ifname, r->local.af, &r->local.group,
	                      r->local.port, r->inj_err, sizeof(r->inj_err)) == 0) {
		r->inj_err[0] = 0;
		r->filter.own_port = r->inj.src_port;
	}
	if (r->tap_fd < 0 && (r->tap_fd = relay_tap_open(r->local.ifname, r->tap_err,
	                                                 sizeof(r->tap_err))) >= 0) {
		r->tap_err[0] = 0;
		ev_io_init(&r->tap_w, on_tap, r->tap_fd, EV_READ);
		r->tap_w.data = r;
		ev_io_start(r->loop, &r->tap_w);
	}
	if (r->peer_fd < 0 &&
	    (r->peer_fd = relay_peer_open(r->af, r->ifname, r->port,
	                                  r->multicast ? &r->group : NULL, r->ttl, r->peer_err,
	                                  sizeof(r->peer_err))) >= 0) {
		r->peer_err[0] = 0;
		ev_io_init(&r->peer_w, on_peer, r->peer_fd, EV_READ);
		r->peer_w.data = r;
		ev_io_start(r->loop, &r->peer_w);
	}
}

static void on_reopen(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct relay_run *r = w->data;

	(void)revents;
	open_local(r);
	if (r->inj.fd >= 0 && r->tap_fd >= 0 && r->peer_fd >= 0) {
		ev_timer_stop(loop, w);
		tdm_log_notice("sync relay: every socket is open now");
	}
}

static void set_sockaddr(struct sockaddr_storage *ss, socklen_t *len, int af,
                         const void *addr, uint16_t port, unsigned scope)
{
	memset(ss, 0, sizeof(*ss));
	if (af == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)ss;

		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		memcpy(&s->sin_addr, addr, 4);
		*len = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)ss;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons(port);
		memcpy(&s->sin6_addr, addr, 16);
		if (IN6_IS_ADDR_LINKLOCAL(&s->sin6_addr) || IN6_IS_ADDR_MC_LINKLOCAL(&s->sin6_addr))
			s->sin6_scope_id = scope;
		*len = sizeof(*s);
	}
}

struct relay_run *relay_run_start(struct ev_loop *loop, const struct tdm_config *cfg,
                                  const struct relay_local *local, relay_emit_fn emit,
                                  void *arg, char *err, size_t errlen)
{
	const struct sync_relay_conf *c = &cfg->sync->relay;
	struct relay_run *r = calloc(1, sizeof(*r));
	struct relay_core_conf cc = { 0 };
	struct relay_io io = { 0 };
	uint8_t key[RELAY_KEY_MAX + 1];
	size_t kl = 0;
	struct timespec ts;
	const char *env;
	unsigned scope;

	if (!r || !(r->pkt = malloc(PKT_MAX))) {
		snprintf(err, errlen, "out of memory");
		free(r);
		return NULL;
	}
	if (load_key(c, key, &kl, err, errlen) < 0) {
		free(r->pkt);
		free(r);
		return NULL;
	}
	r->loop = loop;
	r->local = *local;
	r->emit = emit;
	r->emit_arg = arg;
	r->peer_fd = r->tap_fd = -1;
	r->inj.fd = -1;
	r->role = SYNC_ROLE_UNKNOWN;
	snprintf(r->ifname, sizeof(r->ifname), "%s", c->interface ? c->interface : "");
	snprintf(r->instance, sizeof(r->instance), "%s", c->instance ? c->instance : "");
	r->port = (uint16_t)c->port;
	r->multicast = c->has_group;
	r->af = c->has_group ? c->group.family : c->npeers ? c->peers[0].family : AF_INET;
	r->ttl = c->ttl ? c->ttl : c->has_group ? 1 : 64;
	scope = if_nametoindex(r->ifname);
	if (c->has_group) {
		memcpy(r->group.b, &c->group.u, c->group.family == AF_INET ? 4 : 16);
		set_sockaddr(&r->gaddr, &r->glen, r->af, &c->group.u, r->port, scope);
	}
	r->filter.af = local->af;
	r->filter.group = local->group;
	r->filter.port = local->port;
	r->fingerprint = fingerprint_of(cfg, local);
	env = getenv("TANDEM_RELAY_CONN_TABLE");     /* tests: a file in the /proc format */
	snprintf(r->conn_path, sizeof(r->conn_path), "%s", env && *env ? env : RELAY_CONN_SYNC_PATH);
	r->conns.path = r->conn_path;
	r->conns.fwd = fwd_of;
	r->conns.arg = r;
	relay_run_reconfig(r, cfg);
	clock_gettime(CLOCK_REALTIME, &ts);
	r->unix0 = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	r->mono0 = mono_us();

	cc.sender = c->sender_id ? c->sender_id : default_sender(cfg, r->ifname);
	cc.epoch = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	cc.multicast = r->multicast;
	cc.npeers = r->multicast ? 0 : c->npeers;
	cc.key = key;
	cc.keylen = kl;
	cc.max_frame = (uint32_t)c->max_frame_size;
	cc.window = (uint32_t)c->replay_window;
	cc.resend_queue = (uint32_t)c->resend_queue;
	cc.ack_interval_us = c->ack_interval_us;
	cc.resend_timeout_us = c->resend_timeout_us;
	cc.resync_rate = (uint32_t)c->resync_rate;
	cc.syncid = local->syncid;
	cc.local_maxlen = local->maxlen;
	cc.mirror_max = (size_t)c->resync_mirror;
	io.ud = r;
	io.send_peer = io_send;
	io.inject = io_inject;
	io.kernel_busy = io_kernel_busy;
	io.event = io_event;
	io.reread = io_reread;
	io.table.open = relay_conn_open;
	io.table.next = relay_conn_next;
	io.table.close = relay_conn_close;
	io.table.ud = &r->conns;
	if (relay_core_init(&r->core, &cc, &io, r->mono0) < 0) {
		snprintf(err, errlen, "relay state: out of memory or bad settings");
		if (r->have_svcs)
			dir_ipvs_desired_free(&r->svcs);
		free(r->pkt);
		free(r);
		return NULL;
	}
	memset(key, 0, sizeof(key));
	for (size_t i = 0; i < cc.npeers; i++) {
		struct sockaddr_storage ss;
		socklen_t sl;

		set_sockaddr(&ss, &sl, c->peers[i].family, &c->peers[i].u, r->port, scope);
		relay_core_set_peer_addr(&r->core, i, (struct sockaddr *)&ss, sl);
	}
	ev_timer_init(&r->tick, on_tick, 0., 0.);
	r->tick.data = r;
	ev_timer_init(&r->reopen, on_reopen, REOPEN_S, REOPEN_S);
	r->reopen.data = r;
	ev_timer_init(&r->stats, on_stats, STATS_S, STATS_S);
	r->stats.data = r;
	ev_timer_start(loop, &r->stats);
	ev_timer_init(&r->prime, on_prime, 0., 0.01);
	r->prime.data = r;
	ev_timer_init(&r->pace, on_pace, PACE_S, 0.);
	r->pace.data = r;
	r->conns.one_pass = r->core.mirror_on;     /* the mirror orders its answers itself */
	if (r->core.mirror_on && (r->prime_h = relay_conn_open(&r->conns))) {
		r->core.mirror_ready = 0;
		ev_timer_start(loop, &r->prime);
	} else
		r->prime_done = 1;
	open_local(r);
	if (r->inj.fd < 0 || r->tap_fd < 0 || r->peer_fd < 0) {
		tdm_log_warn("sync relay: %s%s%s%s%s (retried every %.0f s)", r->peer_err,
		             r->peer_err[0] && (r->tap_err[0] || r->inj_err[0]) ? "; " : "", r->tap_err,
		             r->tap_err[0] && r->inj_err[0] ? "; " : "", r->inj_err, REOPEN_S);
		ev_timer_start(loop, &r->reopen);
	}
	tdm_log_notice("sync relay: sender id %u, epoch %llu, %s on %s port %u, kernel side on %s",
	               cc.sender, (unsigned long long)cc.epoch, r->multicast ? "multicast" : "unicast",
	               r->ifname, r->port, local->ifname);
	rearm(r);
	return r;
}

void relay_run_stop(struct relay_run *r)
{
	if (!r)
		return;
	ev_timer_stop(r->loop, &r->tick);
	ev_timer_stop(r->loop, &r->reopen);
	ev_timer_stop(r->loop, &r->stats);
	ev_timer_stop(r->loop, &r->prime);
	ev_timer_stop(r->loop, &r->pace);
	if (r->prime_h)
		relay_conn_close(&r->conns, r->prime_h);
	if (r->peer_fd >= 0) {
		ev_io_stop(r->loop, &r->peer_w);
		close(r->peer_fd);
	}
	if (r->tap_fd >= 0) {
		ev_io_stop(r->loop, &r->tap_w);
		close(r->tap_fd);
	}
	relay_inject_close(&r->inj);
	relay_core_free(&r->core);
	if (r->have_svcs)
		dir_ipvs_desired_free(&r->svcs);
	free(r->pkt);
	free(r);
}

int relay_run_same(const struct relay_run *r, const struct tdm_config *cfg,
                   const struct relay_local *local)
{
	return r && cfg->sync && cfg->sync->relay.set && r->fingerprint == fingerprint_of(cfg, local);
}

void relay_run_set_role(struct relay_run *r, enum sync_role role)
{
	uint8_t rr = role == SYNC_ROLE_MASTER ? RELAY_ROLE_MASTER :
	             role == SYNC_ROLE_UNKNOWN || role == SYNC_ROLE_STOP ? RELAY_ROLE_UNKNOWN :
	             RELAY_ROLE_BACKUP;

	r->role = role;
	relay_core_set_role(&r->core, rr, mono_us());
	rearm(r);
}

void relay_run_resync(struct relay_run *r)
{
	relay_core_request_resync(&r->core, mono_us());
	rearm(r);
}
