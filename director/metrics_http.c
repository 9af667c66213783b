/* director/metrics_http.c - metrics_listen: a small HTTP server (libmicrohttpd, epoll mode,
 * driven by the parent's libev loop) answering GET /metrics with the Prometheus text of the
 * parent's monitoring view. Bounded: 16 connections, 10 s idle timeout, no request bodies. */
#include "director/metrics_http.h"

#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include "director/daemon.h"
#include "director/evfeed.h"
#include "lib/log.h"
#include "snmp/snmp_prom.h"

/* a forked child's copy of the parent's MHD daemon, kept reachable (see close) */
static struct MHD_Daemon *volatile dropped_in_child;

struct dir_metrics_http {
	struct dir_daemon *d;
	struct MHD_Daemon *mhd;
	char *listen;
	ev_io io;
	ev_timer timer;
};

static void rearm(struct dir_metrics_http *h)
{
	MHD_UNSIGNED_LONG_LONG ms;

	ev_timer_stop(h->d->loop, &h->timer);
	if (MHD_get_timeout(h->mhd, &ms) == MHD_YES) {
		ev_timer_set(&h->timer, ms / 1000.0, 0.);
		ev_timer_start(h->d->loop, &h->timer);
	}
}

static void on_ready(struct ev_loop *loop, ev_io *w, int revents)
{
	struct dir_metrics_http *h = w->data;

	MHD_run(h->mhd);
	rearm(h);
}

static void on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct dir_metrics_http *h = w->data;

	MHD_run(h->mhd);
	rearm(h);
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type,
                             char *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result rc;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
	struct dir_metrics_http *h = cls;
	static const char text_type[] = "text/plain; charset=utf-8";
	const struct snmp_view *v;
	size_t len = 0;
	char *text;

	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, text_type, (char *)"GET only\n", 9,
		             MHD_RESPMEM_PERSISTENT);
	if (*upload_data_size)
		return MHD_NO;          /* a GET with a body: drop the connection */
	if (strcmp(url, "/metrics"))
		return reply(c, MHD_HTTP_NOT_FOUND, text_type, (char *)"see /metrics\n", 13,
		             MHD_RESPMEM_PERSISTENT);
	v = dir_feed_view(h->d);
	text = v ? snmp_prom_render(v, &len) : NULL;
	if (!text)
		return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, text_type, (char *)"error\n", 6,
		             MHD_RESPMEM_PERSISTENT);
	return reply(c, MHD_HTTP_OK, SNMP_PROM_CONTENT_TYPE, text, len, MHD_RESPMEM_MUST_FREE);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[256];
	size_t n;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	tdm_log_warn("metrics_listen: %s", buf);
}

/* "ADDR:PORT" or "[ADDR]:PORT" -> a bindable address; 0 / -1 */
static int parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *sl)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
	                          .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	char host[128];
	const char *port;
	size_t hl;

	if (s[0] == '[') {
		const char *e = strchr(s, ']');

		if (!e || e[1] != ':')
			return -1;
		hl = (size_t)(e - s - 1);
		port = e + 2;
		s++;
	} else {
		const char *e = strrchr(s, ':');

		if (!e)
			return -1;
		hl = (size_t)(e - s);
		port = e + 1;
	}
	if (hl == 0 || hl >= sizeof(host) || !*port)
		return -1;
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (getaddrinfo(host, port, &hints, &res) != 0 || !res)
		return -1;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sl = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static struct dir_metrics_http *open_http(struct dir_daemon *d, const char *listen)
{
	struct dir_metrics_http *h;
	struct sockaddr_storage ss;
	socklen_t sl;
	const union MHD_DaemonInfo *info;
	unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;

	if (parse_listen(listen, &ss, &sl) < 0) {
		tdm_log_err("metrics_listen %s: not a numeric ADDR:PORT", listen);
		return NULL;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->d = d;
	h->listen = strdup(listen);
	h->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h,
	                          MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	                          MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	                          MHD_OPTION_CONNECTION_LIMIT, (unsigned)DIR_METRICS_HTTP_MAX_CONN,
	                          MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)DIR_METRICS_HTTP_TIMEOUT_S,
	                          MHD_OPTION_END);
	info = h->mhd ? MHD_get_daemon_info(h->mhd, MHD_DAEMON_INFO_EPOLL_FD) : NULL;
	if (!h->listen || !info) {
		tdm_log_err("metrics_listen %s: cannot listen (see above)", listen);
		if (h->mhd)
			MHD_stop_daemon(h->mhd);
		free(h->listen);
		free(h);
		return NULL;
	}
	ev_io_init(&h->io, on_ready, info->epoll_fd, EV_READ);
	h->io.data = h;
	ev_io_start(d->loop, &h->io);
	ev_init(&h->timer, on_timer);
	h->timer.data = h;
	rearm(h);
	tdm_log_info("metrics_listen: serving /metrics on %s", listen);
	return h;
}

void dir_metrics_http_close(struct dir_daemon *d, int in_child)
{
	struct dir_metrics_http *h = d->metrics_http;

	if (!h)
		return;
	d->metrics_http = NULL;
	if (in_child) {
		/* close_range() drops the descriptors; MHD_stop_daemon() would shutdown() the
		 * parent's connections. Its memory stays reachable (no leak report). */
		dropped_in_child = h->mhd;
		free(h->listen);
		free(h);
		return;
	}
	if (d->loop) {
		ev_io_stop(d->loop, &h->io);
		ev_timer_stop(d->loop, &h->timer);
	}
	MHD_stop_daemon(h->mhd);
	free(h->listen);
	free(h);
}

void dir_metrics_http_apply(struct dir_daemon *d, const char *listen)
{
	struct dir_metrics_http *h = d->metrics_http;

	if (h && listen && !strcmp(h->listen, listen))
		return;
	dir_metrics_http_close(d, 0);
	if (listen)
		d->metrics_http = open_http(d, listen);
}
