/* director/ctl_server.c - control socket server: listening socket, per-client buffers, line
 * framing, JSON parsing with a depth limit, peer-credential checks, event streaming, and
 * holding a client whose request was forwarded to a child (one request in flight per
 * client, so replies keep the order of the requests). */
#include "director/ctl_server.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <ev.h>
#include "director/ctl_forward.h"
#include "director/daemon.h"
#include "director/evbus.h"
#include "lib/log.h"

struct dir_ctl_client {
	struct dir_ctl *srv;
	int fd;
	ev_io rio, wio;
	char *in;
	size_t inlen;
	char *out;
	size_t outlen, outoff, outcap;
	int subscribed;
	int replaying;              /* sending retained events; live hook added when caught up */
	uint64_t cursor;            /* last seq sent while replaying */
	char *prefix;
	int closing;                /* close once the output is flushed */
	int held;                   /* waiting for a forwarded request's reply */
	int resume;                 /* released: handle buffered lines at the next prepare */
	int dead;                   /* freed at the next prepare */
	uid_t uid;
	pid_t pid;
	struct dir_ctl_client *next;
};

struct dir_ctl {
	struct dir_daemon *d;
	char *path;
	int fd;
	gid_t gid;
	int have_gid;
	ev_io accept_io;
	ev_prepare reaper;
	struct dir_ctl_client *clients;
	unsigned nclients;
	uint64_t dropped;
};

static void client_kill(struct dir_ctl_client *cl, const char *why);
static void process_input(struct dir_ctl_client *cl);

static void on_event(void *arg, uint64_t seq, const char *line, size_t len, json_object *ev);
static void replay_pump(struct dir_ctl_client *cl);

static void client_free(struct dir_ctl_client *cl)
{
	free(cl->in);
	free(cl->out);
	free(cl->prefix);
	free(cl);
}

static void on_prepare(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct dir_ctl *srv = w->data;
	struct dir_ctl_client **pp = &srv->clients;

	/* clients released after a forwarded reply go on with the lines they sent meanwhile
	 * (here rather than inside the child's reply callback: no re-entry) */
	for (struct dir_ctl_client *cl = srv->clients; cl; cl = cl->next) {
		if (cl->resume && !cl->dead && !cl->held) {
			cl->resume = 0;
			process_input(cl);
		}
	}
	while (*pp) {
		struct dir_ctl_client *cl = *pp;

		if (cl->dead) {
			*pp = cl->next;
			client_free(cl);
		} else {
			pp = &cl->next;
		}
	}
}

static void client_kill(struct dir_ctl_client *cl, const char *why)
{
	struct dir_ctl *srv = cl->srv;

	if (cl->dead)
		return;
	if (why)
		tdm_log_info("control client (pid %d uid %d): %s", (int)cl->pid, (int)cl->uid, why);
	cl->dead = 1;
	if (cl->held) {
		cl->held = 0;
		dir_fwd_client_gone(srv->d, cl);
	}
	ev_io_stop(srv->d->loop, &cl->rio);
	ev_io_stop(srv->d->loop, &cl->wio);
	if (cl->subscribed && !cl->replaying)
		dir_evbus_del_hook(srv->d->bus, on_event, cl);
	close(cl->fd);
	cl->fd = -1;
	srv->nclients--;
}

static void client_flush(struct dir_ctl_client *cl)
{
	while (cl->outoff < cl->outlen) {
		ssize_t n = send(cl->fd, cl->out + cl->outoff, cl->outlen - cl->outoff,
		                 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			client_kill(cl, "write error");
			return;
		}
		cl->outoff += (size_t)n;
	}
	if (cl->outoff == cl->outlen) {
		cl->outoff = cl->outlen = 0;
		ev_io_stop(cl->srv->d->loop, &cl->wio);
		if (cl->closing)
			client_kill(cl, NULL);
		return;
	}
	if (cl->outoff > cl->outcap / 2) {
		memmove(cl->out, cl->out + cl->outoff, cl->outlen - cl->outoff);
		cl->outlen -= cl->outoff;
		cl->outoff = 0;
	}
	ev_io_start(cl->srv->d->loop, &cl->wio);
}

/* queue line + "\n"; drops the client when its backlog would exceed DIR_CTL_OUT_MAX */
static void client_send(struct dir_ctl_client *cl, const char *line, size_t len)
{
	size_t need;

	if (cl->dead)
		return;
	need = cl->outlen - cl->outoff + len + 1;
	if (need > DIR_CTL_OUT_MAX) {
		cl->srv->dropped++;
		tdm_log_warn("control client (pid %d) dropped: %zu bytes unread (slow reader)",
		             (int)cl->pid, cl->outlen - cl->outoff);
		client_kill(cl, NULL);
		return;
	}
	if (cl->outlen + len + 1 > cl->outcap) {
		size_t ncap = cl->outcap ? cl->outcap : 4096;
		char *nb;

		if (cl->outoff) {
			memmove(cl->out, cl->out + cl->outoff, cl->outlen - cl->outoff);
			cl->outlen -= cl->outoff;
			cl->outoff = 0;
		}
		while (ncap < cl->outlen + len + 1)
			ncap *= 2;
		if (ncap != cl->outcap) {
			nb = realloc(cl->out, ncap);
			if (!nb) {
				client_kill(cl, "out of memory");
				return;
			}
			cl->out = nb;
			cl->outcap = ncap;
		}
	}
	memcpy(cl->out + cl->outlen, line, len);
	cl->out[cl->outlen + len] = '\n';
	cl->outlen += len + 1;
	if (!ev_is_active(&cl->wio))
		client_flush(cl);
}

void dir_ctl_reply(struct dir_ctl_client *cl, json_object *obj)
{
	const char *s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);

	client_send(cl, s, strlen(s));
	json_object_put(obj);
}

void dir_ctl_reply_error(struct dir_ctl_client *cl, const char *fmt, ...)
{
	json_object *r = json_object_new_object();
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_object_object_add(r, "ok", json_object_new_boolean(0));
	json_object_object_add(r, "error", json_object_new_string(buf));
	dir_ctl_reply(cl, r);
}

static int type_matches(const char *prefix, const char *line)
{
	const char *t;

	if (!prefix || !*prefix)
		return 1;
	t = strstr(line, "\"type\":\"");
	return t && !strncmp(t + 8, prefix, strlen(prefix));
}

static void on_event(void *arg, uint64_t seq, const char *line, size_t len, json_object *ev)
{
	struct dir_ctl_client *cl = arg;

	if (!cl->dead && type_matches(cl->prefix, line))
		client_send(cl, line, len);
}

/* Send retained events after cl->cursor while the client keeps up (at most half the output
 * bound queued at once; on_write calls back for more), then switch to live events. */
static void replay_pump(struct dir_ctl_client *cl)
{
	struct dir_evbus *bus = cl->srv->d->bus;

	while (cl->replaying && !cl->dead) {
		uint64_t next = cl->cursor + 1;
		const char *line;
		size_t len;

		if (cl->outlen - cl->outoff > DIR_CTL_OUT_MAX / 2)
			return;
		if (next > dir_evbus_last_seq(bus)) {
			cl->replaying = 0;
			dir_evbus_add_hook(bus, on_event, cl);
			return;
		}
		if (next < dir_evbus_oldest(bus))
			next = dir_evbus_oldest(bus);   /* the ring moved on: a gap */
		line = dir_evbus_get(bus, next, &len);
		cl->cursor = next;
		if (line && type_matches(cl->prefix, line))
			client_send(cl, line, len);
	}
}

void dir_ctl_subscribe(struct dir_ctl_client *cl, int has_since, uint64_t since,
                       const char *type_prefix)
{
	struct dir_evbus *bus = cl->srv->d->bus;
	json_object *r = json_object_new_object();

	json_object_object_add(r, "ok", json_object_new_boolean(1));
	json_object_object_add(r, "streaming", json_object_new_boolean(1));
	json_object_object_add(r, "last_seq", json_object_new_uint64(dir_evbus_last_seq(bus)));
	dir_ctl_reply(cl, r);
	if (cl->dead)
		return;
	free(cl->prefix);
	cl->prefix = type_prefix ? strdup(type_prefix) : NULL;
	cl->subscribed = 1;
	cl->replaying = 1;
	cl->cursor = has_since ? since : dir_evbus_last_seq(bus);
	replay_pump(cl);
}

static void handle_line(struct dir_ctl_client *cl, char *line, size_t len)
{
	json_tokener *tok;
	json_object *req;
	enum json_tokener_error jerr;

	while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (!len)
		return;
	if (cl->subscribed)             /* a streaming client has nothing more to ask */
		return;
	tok = json_tokener_new_ex(DIR_CTL_JSON_DEPTH);
	if (!tok) {
		dir_ctl_reply_error(cl, "out of memory");
		return;
	}
	req = json_tokener_parse_ex(tok, line, (int)len);
	jerr = json_tokener_get_error(tok);
	if (!req || jerr != json_tokener_success || (size_t)json_tokener_get_parse_end(tok) != len) {
		dir_ctl_reply_error(cl, "malformed request: %s",
		                    jerr != json_tokener_success ? json_tokener_error_desc(jerr)
		                                                 : "trailing data after the object");
		json_object_put(req);
		json_tokener_free(tok);
		return;
	}
	json_tokener_free(tok);
	if (!json_object_is_type(req, json_type_object)) {
		dir_ctl_reply_error(cl, "malformed request: not a JSON object");
		json_object_put(req);
		return;
	}
	dir_ctl_dispatch(cl->srv->d, cl, req);
	json_object_put(req);
}

/* handle the complete request lines in the input buffer, in order, until one is forwarded
 * to a child (the client is then held; the rest waits for dir_ctl_release) */
static void process_input(struct dir_ctl_client *cl)
{
	struct ev_loop *loop = cl->srv->d->loop;
	size_t start = 0;

	for (size_t i = 0; i < cl->inlen && !cl->dead && !cl->closing && !cl->held; i++) {
		if (cl->in[i] != '\n')
			continue;
		cl->in[i] = '\0';
		handle_line(cl, cl->in + start, i - start);
		start = i + 1;
	}
	if (cl->dead)
		return;
	if (start) {
		memmove(cl->in, cl->in + start, cl->inlen - start);
		cl->inlen -= start;
	}
	if (cl->closing)
		return;
	if (cl->held) {
		/* go on reading (to notice a close) while there is room; full: wait */
		if (cl->inlen > DIR_CTL_LINE_MAX)
			ev_io_stop(loop, &cl->rio);
		return;
	}
	if (cl->inlen > DIR_CTL_LINE_MAX) {
		dir_ctl_reply_error(cl, "request line longer than %d bytes", DIR_CTL_LINE_MAX);
		cl->closing = 1;
		cl->inlen = 0;
		ev_io_stop(loop, &cl->rio);
		if (!cl->dead && cl->outoff == cl->outlen)
			client_kill(cl, "oversize line");
		else
			tdm_log_info("control client (pid %d): oversize line, closing", (int)cl->pid);
		return;
	}
	if (!ev_is_active(&cl->rio))
		ev_io_start(loop, &cl->rio);
}

static void on_read(struct ev_loop *loop, ev_io *w, int revents)
{
	struct dir_ctl_client *cl = w->data;
	ssize_t n;

	if (cl->dead)
		return;
	if (cl->inlen > DIR_CTL_LINE_MAX) {     /* held with a full buffer */
		ev_io_stop(loop, &cl->rio);
		return;
	}
	n = recv(cl->fd, cl->in + cl->inlen, DIR_CTL_LINE_MAX + 1 - cl->inlen, MSG_DONTWAIT);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		client_kill(cl, "read error");
		return;
	}
	if (n == 0) {
		client_kill(cl, cl->subscribed ? "event subscriber closed" :
		            cl->held ? "closed while its request was pending" : NULL);
		return;
	}
	if (cl->closing)                /* discard input while we flush a final reply */
		return;
	cl->inlen += (size_t)n;
	if (!cl->held)
		process_input(cl);
	else if (cl->inlen > DIR_CTL_LINE_MAX)
		ev_io_stop(loop, &cl->rio);
}

void dir_ctl_hold(struct dir_ctl_client *cl)
{
	cl->held = 1;
}

void dir_ctl_release(struct dir_ctl_client *cl)
{
	if (!cl->held)
		return;
	cl->held = 0;
	if (!cl->dead)
		cl->resume = 1;
}

static void on_write(struct ev_loop *loop, ev_io *w, int revents)
{
	struct dir_ctl_client *cl = w->data;

	if (!cl->dead)
		client_flush(cl);
	if (!cl->dead && cl->replaying)
		replay_pump(cl);
}

static int peer_allowed(struct dir_ctl *srv, int fd, struct ucred *uc)
{
	socklen_t len = sizeof(*uc);
	gid_t groups[256];
	socklen_t glen = sizeof(groups);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, uc, &len) < 0)
		return 0;
	if (uc->uid == 0 || uc->uid == geteuid())
		return 1;
	if (!srv->have_gid || srv->gid == 0)
		return 0;
	if (uc->gid == srv->gid)
		return 1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &glen) == 0) {
		for (size_t i = 0; i < glen / sizeof(gid_t); i++)
			if (groups[i] == srv->gid)
				return 1;
	}
	return 0;
}

static void on_accept(struct ev_loop *loop, ev_io *w, int revents)
{
	struct dir_ctl *srv = w->data;

	for (int i = 0; i < 16; i++) {
		struct dir_ctl_client *cl;
		struct ucred uc = { .pid = 0, .uid = (uid_t)-1, .gid = (gid_t)-1 };
		int fd = accept4(srv->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				tdm_log_warn("control socket accept: %s", strerror(errno));
			return;
		}
		if (srv->nclients >= DIR_CTL_MAX_CLIENTS) {
			static const char busy[] = "{\"ok\":false,\"error\":\"too many clients\"}\n";

			if (send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
				tdm_log_debug("control socket: %s", strerror(errno));
			close(fd);
			continue;
		}
		cl = calloc(1, sizeof(*cl));
		if (cl)
			cl->in = malloc(DIR_CTL_LINE_MAX + 1);
		if (!cl || !cl->in) {
			if (cl)
				free(cl);
			close(fd);
			continue;
		}
		cl->srv = srv;
		cl->fd = fd;
		ev_io_init(&cl->rio, on_read, fd, EV_READ);
		ev_io_init(&cl->wio, on_write, fd, EV_WRITE);
		cl->rio.data = cl->wio.data = cl;
		cl->next = srv->clients;
		srv->clients = cl;
		srv->nclients++;
		if (!peer_allowed(srv, fd, &uc)) {
			cl->uid = uc.uid;
			cl->pid = uc.pid;
			tdm_log_warn("control client pid %d uid %d: permission denied", (int)uc.pid,
			             (int)uc.uid);
			cl->closing = 1;
			dir_ctl_reply_error(cl, "permission denied");
			if (!cl->dead)
				ev_io_start(loop, &cl->rio);   /* to notice the close */
			continue;
		}
		cl->uid = uc.uid;
		cl->pid = uc.pid;
		ev_io_start(loop, &cl->rio);
	}
}

static void make_parent_dir(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		tdm_log_debug("mkdir %s: %s", dir, strerror(errno));
}

struct dir_ctl *dir_ctl_open(struct dir_daemon *d, const char *path, const char *group)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct dir_ctl *srv;
	struct stat st;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		tdm_log_err("control socket path too long: %s", path);
		return NULL;
	}
	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return NULL;
	srv->d = d;
	srv->fd = -1;
	srv->path = strdup(path);
	memcpy(sa.sun_path, path, strlen(path));
	if (group && *group) {
		struct group *gr = getgrnam(group);

		if (!gr) {
			tdm_log_err("control_socket_group %s: no such group", group);
			goto fail;
		}
		srv->gid = gr->gr_gid;
		srv->have_gid = 1;
	}
	make_parent_dir(path);
	if (lstat(path, &st) == 0) {
		int probe;

		if (!S_ISSOCK(st.st_mode)) {
			tdm_log_err("control socket %s: exists and is not a socket", path);
			goto fail;
		}
		probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			close(probe);
			tdm_log_err("control socket %s is in use by another daemon", path);
			goto fail;
		}
		if (probe >= 0)
			close(probe);
		unlink(path);
	}
	srv->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (srv->fd < 0 || bind(srv->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		tdm_log_err("control socket %s: %s", path, strerror(errno));
		goto fail;
	}
	if (chmod(path, 0660) < 0 || (srv->have_gid && chown(path, (uid_t)-1, srv->gid) < 0)) {
		int err = errno;

		tdm_log_err("control socket %s: cannot set its mode or group: %s", srv->path,
		            strerror(err));
		unlink(path);
		goto fail;
	}
	if (listen(srv->fd, 64) < 0) {
		tdm_log_err("control socket %s: listen: %s", path, strerror(errno));
		unlink(path);
		goto fail;
	}
	ev_io_init(&srv->accept_io, on_accept, srv->fd, EV_READ);
	srv->accept_io.data = srv;
	ev_io_start(d->loop, &srv->accept_io);
	ev_prepare_init(&srv->reaper, on_prepare);
	srv->reaper.data = srv;
	ev_prepare_start(d->loop, &srv->reaper);
	tdm_log_info("control socket %s", path);
	return srv;
fail:
	if (srv->fd >= 0)
		close(srv->fd);
	free(srv->path);
	free(srv);
	return NULL;
}

void dir_ctl_close(struct dir_ctl *srv, int unlink_path)
{
	if (!srv)
		return;
	while (srv->clients) {
		struct dir_ctl_client *cl = srv->clients;

		srv->clients = cl->next;
		if (!cl->dead) {
			if (unlink_path) {
				/* last words (e.g. daemon.stop to subscribers), without waiting */
				if (cl->outlen > cl->outoff &&
				    send(cl->fd, cl->out + cl->outoff, cl->outlen - cl->outoff,
				         MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
					tdm_log_debug("control client: final flush: %s",
					              strerror(errno));
				ev_io_stop(srv->d->loop, &cl->rio);
				ev_io_stop(srv->d->loop, &cl->wio);
				if (cl->subscribed && srv->d->bus)
					dir_evbus_del_hook(srv->d->bus, on_event, cl);
			}
			close(cl->fd);
		}
		client_free(cl);
	}
	if (unlink_path) {
		ev_io_stop(srv->d->loop, &srv->accept_io);
		ev_prepare_stop(srv->d->loop, &srv->reaper);
		unlink(srv->path);
	}
	close(srv->fd);
	free(srv->path);
	free(srv);
}

const char *dir_ctl_path(const struct dir_ctl *c)
{
	return c ? c->path : NULL;
}

uint64_t dir_ctl_dropped(const struct dir_ctl *c)
{
	return c ? c->dropped : 0;
}

unsigned dir_ctl_nclients(const struct dir_ctl *c)
{
	return c ? c->nclients : 0;
}
