/* director/child_feed.c - the child's side of the event feed (director/evfeed.h): reads the
 * feed socket the parent passed with TDM_IPC_FEED, splits each packet into event lines and
 * hands every event, in order, to the part's on_event hook. */
#include "director/child_feed.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/ipc.h"
#include "lib/log.h"

#define FEED_JSON_DEPTH 64

struct dir_child_feed {
	struct dir_part_ctx *ctx;
	int fd;
	ev_io io;
	struct tdm_ipc_msg *msg;
	json_tokener *tok;
};

static void deliver(struct dir_child_feed *f, const char *line, size_t len)
{
	json_object *ev;

	json_tokener_reset(f->tok);
	ev = json_tokener_parse_ex(f->tok, line, (int)len);
	if (!ev || !json_object_is_type(ev, json_type_object)) {
		tdm_log_warn("event feed: malformed event dropped");
		json_object_put(ev);
		return;
	}
	f->ctx->ops->on_event(f->ctx, ev);
	json_object_put(ev);
}

static void on_feed(struct ev_loop *loop, ev_io *w, int revents)
{
	struct dir_child_feed *f = w->data;

	for (int i = 0; i < 64; i++) {
		int rc = tdm_ipc_recv(f->fd, f->msg);
		char *p, *end;

		if (rc < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (rc <= 0) {
			/* the parent closes the feed only when it is going away or restarting us */
			tdm_log_warn("event feed closed");
			ev_io_stop(loop, &f->io);
			return;
		}
		if (f->msg->fd >= 0) {
			close(f->msg->fd);
			f->msg->fd = -1;
		}
		if (f->msg->hdr.type != TDM_IPC_EVENT)
			continue;
		p = f->msg->data;
		end = p + f->msg->hdr.len;
		while (p < end) {
			char *nl = memchr(p, '\n', (size_t)(end - p));
			char *stop = nl ? nl : end;

			if (stop > p)
				deliver(f, p, (size_t)(stop - p));
			p = stop + 1;
		}
	}
}

struct dir_child_feed *dir_child_feed_attach(struct dir_part_ctx *ctx, int fd)
{
	struct dir_child_feed *f;

	if (!ctx->ops->on_event) {
		close(fd);
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		goto fail;
	f->msg = malloc(sizeof(*f->msg));
	f->tok = json_tokener_new_ex(FEED_JSON_DEPTH);
	if (!f->msg || !f->tok)
		goto fail;
	f->msg->fd = -1;
	f->ctx = ctx;
	f->fd = fd;
	ev_io_init(&f->io, on_feed, fd, EV_READ);
	f->io.data = f;
	ev_io_start(ctx->loop, &f->io);
	return f;
fail:
	if (f) {
		free(f->msg);
		if (f->tok)
			json_tokener_free(f->tok);
		free(f);
	}
	close(fd);
	tdm_log_err("event feed: out of memory");
	return NULL;
}

void dir_child_feed_close(struct dir_child_feed *f)
{
	if (!f)
		return;
	ev_io_stop(f->ctx->loop, &f->io);
	close(f->fd);
	json_tokener_free(f->tok);
	free(f->msg);
	free(f);
}
