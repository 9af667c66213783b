/* director/notify_fifo.c - the notify FIFO hook (see notify_fifo.h). The FIFO is created if
 * missing and opened read-write, so writing never fails for want of a reader; when the pipe
 * is full the event is dropped and counted. */
#include "director/notify_fifo.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "lib/log.h"

struct dir_fifo {
	char *path;
	int fd;
	uint64_t dropped;
};

static void fifo_hook(void *arg, uint64_t seq, const char *line, size_t len, json_object *ev)
{
	struct dir_fifo *f = arg;
	char buf[PIPE_BUF];
	ssize_t n;

	if (len + 1 > sizeof(buf)) {     /* writes above PIPE_BUF could interleave partially */
		f->dropped++;
		return;
	}
	memcpy(buf, line, len);
	buf[len] = '\n';
	do
		n = write(f->fd, buf, len + 1);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)(len + 1))
		f->dropped++;
}

struct dir_fifo *dir_fifo_open(const char *path, struct dir_evbus *bus)
{
	struct dir_fifo *f;
	struct stat st;

	if (stat(path, &st) < 0) {
		if (mkfifo(path, 0600) < 0) {
			tdm_log_err("notify_fifo %s: cannot create: %s", path, strerror(errno));
			return NULL;
		}
	} else if (!S_ISFIFO(st.st_mode)) {
		tdm_log_err("notify_fifo %s: exists and is not a FIFO", path);
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (f->fd < 0) {
		tdm_log_err("notify_fifo %s: cannot open: %s", path, strerror(errno));
		free(f);
		return NULL;
	}
	f->path = strdup(path);
	dir_evbus_add_hook(bus, fifo_hook, f);
	tdm_log_info("notify_fifo: writing events to %s", path);
	return f;
}

void dir_fifo_close(struct dir_fifo *f, struct dir_evbus *bus)
{
	if (!f)
		return;
	if (bus)
		dir_evbus_del_hook(bus, fifo_hook, f);
	close(f->fd);
	free(f->path);
	free(f);
}

const char *dir_fifo_path(const struct dir_fifo *f)
{
	return f ? f->path : NULL;
}

uint64_t dir_fifo_dropped(const struct dir_fifo *f)
{
	return f ? f->dropped : 0;
}
