/* director/notify_fifo.c - the notify FIFO hooks (see notify_fifo.h): global_defs
 * notify_fifo gets the VRRP and LVS lines, lvs_notify_fifo the LVS lines, in keepalived's
 * format (director/notify_line.h) or, with notify_fifo_format json, one JSON event per line.
 * A FIFO is created if missing and opened read-write, so writing never fails for want of a
 * reader; when the pipe is full the line is dropped and counted. */
#include "director/notify_fifo.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "director/daemon.h"
#include "director/notify_line.h"
#include "lib/log.h"

struct fifo_end {
	char *path;
	int fd;
	uint64_t dropped;
};

struct dir_fifo {
	struct fifo_end main, lvs;      /* notify_fifo, lvs_notify_fifo (path NULL: none) */
	int json;                       /* notify_fifo_format json */
	struct dir_notify_lines *st;
	struct dir_evbus *bus;
};

static void put(struct fifo_end *e, const char *buf, size_t len)
{
	ssize_t n;

	if (!e->path || !len)
		return;
	if (len > PIPE_BUF) {       /* writes above PIPE_BUF could interleave partially */
		e->dropped++;
		return;
	}
	do
		n = write(e->fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)len)
		e->dropped++;
}

static void fifo_hook(void *arg, uint64_t seq, const char *line, size_t len, json_object *ev)
{
	struct dir_fifo *f = arg;
	json_object *tv;
	const char *type = json_object_object_get_ex(ev, "type", &tv) ?
	                   json_object_get_string(tv) : "";
	int lvs = !strcmp(type, "rs.state") || !strcmp(type, "vs.quorum");
	char buf[PIPE_BUF];
	size_t n;

	(void)seq;
	if (f->json) {
		if (len + 1 > sizeof(buf)) {
			f->main.dropped += f->main.path != NULL;
			f->lvs.dropped += f->lvs.path && lvs;
			return;
		}
		memcpy(buf, line, len);
		buf[len] = '\n';
		put(&f->main, buf, len + 1);
		if (lvs)
			put(&f->lvs, buf, len + 1);
		return;
	}
	n = dir_notify_line(f->st, ev, DIR_NOTIFY_VRRP | DIR_NOTIFY_LVS, buf, sizeof(buf));
	put(&f->main, buf, n);
	if (lvs)
		put(&f->lvs, buf, n);
}

static int end_open(struct fifo_end *e, const char *path, const char *kw)
{
	struct stat st;

	e->fd = -1;
	if (stat(path, &st) < 0) {
		if (mkfifo(path, 0600) < 0) {
			tdm_log_err("%s %s: cannot create: %s", kw, path, strerror(errno));
			return -1;
		}
	} else if (!S_ISFIFO(st.st_mode)) {
		tdm_log_err("%s %s: exists and is not a FIFO", kw, path);
		return -1;
	}
	e->fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (e->fd < 0) {
		tdm_log_err("%s %s: cannot open: %s", kw, path, strerror(errno));
		return -1;
	}
	e->path = strdup(path);
	if (!e->path) {
		close(e->fd);
		e->fd = -1;
		return -1;
	}
	e->dropped = 0;
	return 0;
}

static void end_close(struct fifo_end *e)
{
	if (!e->path)
		return;
	close(e->fd);
	free(e->path);
	e->path = NULL;
	e->fd = -1;
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void end_apply(struct fifo_end *e, const char *path, const char *kw, const char *fmt)
{
	if (same(e->path, path))
		return;
	end_close(e);
	if (path && end_open(e, path, kw) == 0)
		tdm_log_info("%s: writing %s lines to %s", kw, fmt, path);
}

struct dir_fifo *dir_fifo_apply(struct dir_fifo *f, const struct tdm_config *cfg,
                                struct dir_evbus *bus)
{
	const char *main = dir_global_str(cfg, "notify_fifo");
	const char *lvs = dir_global_str(cfg, "lvs_notify_fifo");
	const char *fmt = dir_global_str(cfg, "notify_fifo_format");
	int json = fmt && !strcmp(fmt, "json");

	if (!main && !lvs) {
		dir_fifo_close(f, bus);
		return NULL;
	}
	if (!f) {
		f = calloc(1, sizeof(*f));
		if (!f || !(f->st = dir_notify_lines_new())) {
			free(f);
			return NULL;
		}
		f->main.fd = f->lvs.fd = -1;
		f->bus = bus;
		dir_evbus_add_hook(bus, fifo_hook, f);
	}
	f->json = json;
	end_apply(&f->main, main, "notify_fifo", json ? "JSON event" : "keepalived");
	end_apply(&f->lvs, lvs, "lvs_notify_fifo", json ? "JSON event" : "keepalived");
	return f;
}

void dir_fifo_close(struct dir_fifo *f, struct dir_evbus *bus)
{
	if (!f)
		return;
	if (bus)
		dir_evbus_del_hook(bus, fifo_hook, f);
	end_close(&f->main);
	end_close(&f->lvs);
	dir_notify_lines_free(f->st);
	free(f);
}

const char *dir_fifo_path(const struct dir_fifo *f)
{
	return !f ? NULL : f->main.path ? f->main.path : f->lvs.path;
}

uint64_t dir_fifo_dropped(const struct dir_fifo *f)
{
	return f ? f->main.dropped + f->lvs.dropped : 0;
}
