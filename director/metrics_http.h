/* director/metrics_http.h - the optional Prometheus HTTP endpoint (global_defs
 * metrics_listen ADDR:PORT): libmicrohttpd in external-loop mode (its epoll descriptor and
 * timeout driven by the parent's libev loop, no thread), GET /metrics only, serving the
 * same text as `tandemctl metrics`. See docs/monitoring.md. */
#ifndef DIR_METRICS_HTTP_H
#define DIR_METRICS_HTTP_H

#define DIR_METRICS_HTTP_MAX_CONN   16
#define DIR_METRICS_HTTP_TIMEOUT_S  10

struct dir_daemon;
struct dir_metrics_http;

/* open, close or move the endpoint so that it listens on listen ("ADDR:PORT",
 * "[V6ADDR]:PORT"; NULL = off). Failures are logged; the daemon runs on without it. */
void dir_metrics_http_apply(struct dir_daemon *d, const char *listen);
/* teardown; in_child: a freshly forked child only drops its copy (no socket shutdowns
 * that would hit the parent's connections) */
void dir_metrics_http_close(struct dir_daemon *d, int in_child);

#endif
