/* tools/ctl_client.c - control socket client I/O for tandemctl (see ctl_client.h). */
#include "tools/ctl_client.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int ctl_connect(struct ctl_conn *c, const char *path, int timeout_ms)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "tandemctl: socket path too long: %s\n", path);
		return CTL_EXIT_USAGE;
	}
	memcpy(sa.sun_path, path, strlen(path));
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		fprintf(stderr, "tandemctl: socket: %s\n", strerror(errno));
		return CTL_EXIT_CONNECT;
	}
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = errno;

		close(c->fd);
		c->fd = -1;
		if (err == EACCES || err == EPERM) {
			fprintf(stderr, "tandemctl: %s: permission denied\n", path);
			return CTL_EXIT_PERM;
		}
		fprintf(stderr, "tandemctl: cannot connect to %s: %s (is tandemd running?)\n",
		        path, strerror(err));
		return CTL_EXIT_CONNECT;
	}
	(void)timeout_ms;
	return CTL_EXIT_OK;
}

int ctl_send(struct ctl_conn *c, json_object *req)
{
	const char *s = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t len = strlen(s), off = 0;
	char *line = malloc(len + 1);

	if (!line)
		return -1;
	memcpy(line, s, len);
	line[len] = '\n';
	while (off < len + 1) {
		ssize_t n = send(c->fd, line + off, len + 1 - off, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			free(line);
			return -1;
		}
		off += (size_t)n;
	}
	free(line);
	return 0;
}

int ctl_read_line(struct ctl_conn *c, int timeout_ms, char **line)
{
	long long deadline = timeout_ms >= 0 ? now_ms() + timeout_ms : -1;

	/* drop the line returned by the previous call */
	if (c->consumed) {
		memmove(c->buf, c->buf + c->consumed, c->len - c->consumed);
		c->len -= c->consumed;
		c->consumed = 0;
	}
	for (;;) {
		char *nl = c->len ? memchr(c->buf, '\n', c->len) : NULL;
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		int wait = -1, rc;
		ssize_t n;

		if (nl) {
			*nl = '\0';
			*line = c->buf;
			c->consumed = (size_t)(nl - c->buf) + 1;
			return 1;
		}
		if (c->len >= CTL_REPLY_MAX) {
			errno = EMSGSIZE;
			return -1;
		}
		if (c->cap - c->len < 4096) {
			size_t ncap = c->cap ? c->cap * 2 : 65536;
			char *nb = realloc(c->buf, ncap);

			if (!nb)
				return -1;
			c->buf = nb;
			c->cap = ncap;
		}
		if (deadline >= 0) {
			long long left = deadline - now_ms();

			if (left <= 0) {
				errno = ETIMEDOUT;
				return -1;
			}
			wait = (int)left;
		}
		rc = poll(&pfd, 1, wait);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (rc == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECONNRESET)
				return 0;
			return -1;
		}
		if (n == 0)
			return 0;
		c->len += (size_t)n;
	}
}

void ctl_close(struct ctl_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}
