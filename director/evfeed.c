/* director/evfeed.c - the parent's side of the event feed to children (see evfeed.h): a bus
 * hook that keeps the parent's monitoring view and queues each event for the children that
 * want its type, per-child queues flushed with non-blocking sends and an EV_WRITE watcher,
 * state snapshots with a ring replay at child start and on overflow. */
#include "director/evfeed.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include "director/child_parts.h"
#include "director/daemon.h"
#include "director/evbus.h"
#include "lib/ipc.h"
#include "lib/log.h"
#include "snmp/snmp_view.h"

struct feed_line {
	struct feed_line *next;
	size_t len;
	char text[];
};

struct feed_q {
	struct dir_feed *feed;
	struct dir_child *ch;
	int fd;                     /* parent's end, -1 when the child has no feed */
	ev_io wio;
	struct feed_line *head, *tail;
	size_t n;
	uint64_t dropped;
};

struct dir_feed {
	struct dir_daemon *d;
	struct feed_q q[DIR_NPARTS];
	struct snmp_view view;
	ev_timer state_timer;       /* coalesces feed.state refreshes */
	char *pkt;                  /* TDM_IPC_MAX packing buffer */
};

int dir_feed_wants(const struct dir_part_ops *ops, const char *type)
{
	if (!ops || !ops->on_event || !ops->event_types || !type)
		return 0;
	for (size_t i = 0; ops->event_types[i]; i++)
		if (!strncmp(type, ops->event_types[i], strlen(ops->event_types[i])))
			return 1;
	return 0;
}

static void q_clear(struct feed_q *q)
{
	while (q->head) {
		struct feed_line *l = q->head;

		q->head = l->next;
		free(l);
	}
	q->tail = NULL;
	q->n = 0;
}

static void q_close(struct feed_q *q)
{
	if (q->fd >= 0) {
		ev_io_stop(q->feed->d->loop, &q->wio);
		close(q->fd);
		q->fd = -1;
	}
	q_clear(q);
}

static void q_push(struct feed_q *q, const char *text, size_t len)
{
	struct feed_line *l;

	if (len >= TDM_IPC_MAX)
		return;                 /* cannot be sent; such events do not exist today */
	l = malloc(sizeof(*l) + len + 1);
	if (!l)
		return;
	l->next = NULL;
	l->len = len;
	memcpy(l->text, text, len);
	l->text[len] = '\0';
	if (q->tail)
		q->tail->next = l;
	else
		q->head = l;
	q->tail = l;
	q->n++;
}

/* send as many packets as the socket takes; arm EV_WRITE when it is full */
static void q_flush(struct feed_q *q)
{
	struct dir_feed *f = q->feed;

	while (q->fd >= 0 && q->head) {
		size_t len = 0, nl = 0;
		struct feed_line *l = q->head;

		while (l && len + l->len + (len ? 1 : 0) <= TDM_IPC_MAX) {
			if (len)
				f->pkt[len++] = '\n';
			memcpy(f->pkt + len, l->text, l->len);
			len += l->len;
			nl++;
			l = l->next;
		}
		if (tdm_ipc_send(q->fd, TDM_IPC_EVENT, nl, f->pkt, len, -1, MSG_DONTWAIT) < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				ev_io_start(f->d->loop, &q->wio);
				return;
			}
			/* EPIPE/ECONNRESET: the child is going away; its exit is reported */
			tdm_log(errno == EPIPE || errno == ECONNRESET ? TDM_LOG_DEBUG : TDM_LOG_WARN,
			        "event feed to %s: %s", q->ch->ops->name, strerror(errno));
			q_close(q);
			return;
		}
		while (nl--) {
			l = q->head;
			q->head = l->next;
			free(l);
			q->n--;
		}
		if (!q->head)
			q->tail = NULL;
	}
	ev_io_stop(f->d->loop, &q->wio);
}

static void on_writable(struct ev_loop *loop, ev_io *w, int revents)
{
	q_flush(w->data);
}

#define VIEW_PART 24576         /* view text per feed.view line (escaped, it stays < TDM_IPC_MAX) */

/* the view as "feed.view" lines of VIEW_PART bytes of its JSON text each; their count */
static size_t push_view_parts(struct feed_q *q, const char *text, size_t len)
{
	size_t n = 0;

	for (size_t off = 0; off < len; off += VIEW_PART, n++) {
		json_object *p = json_object_new_object();
		const char *s;

		json_object_object_add(p, "type", json_object_new_string("feed.view"));
		json_object_object_add(p, "part", json_object_new_uint64(n));
		json_object_object_add(p, "last", json_object_new_boolean(off + VIEW_PART >= len));
		json_object_object_add(p, "text", json_object_new_string_len(
			text + off, (int)(len - off < VIEW_PART ? len - off : VIEW_PART)));
		s = json_object_to_json_string_ext(p, JSON_C_TO_STRING_PLAIN |
		                                   JSON_C_TO_STRING_NOSLASHESCAPE);
		q_push(q, s, strlen(s));
		json_object_put(p);
	}
	return n;
}

static void push_state(struct feed_q *q, int replay)
{
	struct dir_daemon *d = q->feed->d;
	json_object *st = json_object_new_object(), *view = NULL;
	const char *s, *vt = NULL;
	size_t vlen = 0;

	json_object_object_add(st, "type", json_object_new_string("feed.state"));
	json_object_object_add(st, "replay", json_object_new_boolean(replay));
	json_object_object_add(st, "last_seq", json_object_new_uint64(dir_evbus_last_seq(d->bus)));
	json_object_object_add(st, "status", dir_status_json(d));
	if (replay) {               /* what the parent learnt from all events since its start */
		view = snmp_view_events_json(&q->feed->view);
		vt = json_object_to_json_string_ext(view, JSON_C_TO_STRING_PLAIN |
		                                    JSON_C_TO_STRING_NOSLASHESCAPE);
		vlen = strlen(vt);
		if (vlen < VIEW_PART) {
			json_object_object_add(st, "view", view);
			view = NULL;
		} else {
			/* too big for one packet (many real servers): the text follows in parts,
			 * before the ring replay */
			json_object_object_add(st, "view_parts", json_object_new_uint64(
				(vlen + VIEW_PART - 1) / VIEW_PART));
		}
	}
	s = json_object_to_json_string_ext(st, JSON_C_TO_STRING_PLAIN |
	                                   JSON_C_TO_STRING_NOSLASHESCAPE);
	q_push(q, s, strlen(s));
	if (view)
		push_view_parts(q, vt, vlen);
	json_object_put(view);
	json_object_put(st);
}

struct replay_arg {
	struct feed_q *q;
};

static void replay_one(void *arg, uint64_t seq, const char *line, size_t len,
                       json_object *unused)
{
	struct feed_q *q = ((struct replay_arg *)arg)->q;
	json_object *ev = json_tokener_parse(line), *t;

	if (ev && json_object_object_get_ex(ev, "type", &t) &&
	    dir_feed_wants(q->ch->ops, json_object_get_string(t)))
		q_push(q, line, len);
	json_object_put(ev);
}

/* queue a snapshot and the ring replay (start, or resync after an overflow) */
static void start_over(struct feed_q *q)
{
	struct replay_arg ra = { q };

	q_clear(q);
	push_state(q, 1);
	dir_evbus_replay(q->feed->d->bus, 0, replay_one, &ra);
}

static void on_state_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct dir_feed *f = w->data;

	for (int i = 0; i < DIR_NPARTS; i++)
		if (f->q[i].fd >= 0) {
			push_state(&f->q[i], 0);
			q_flush(&f->q[i]);
		}
}

void dir_feed_state_changed(struct dir_daemon *d)
{
	struct dir_feed *f = d->feed;

	if (f && !ev_is_active(&f->state_timer)) {
		ev_timer_set(&f->state_timer, 0., 0.);
		ev_timer_start(d->loop, &f->state_timer);
	}
}

static int is_state_type(const char *type)
{
	return !strncmp(type, "daemon.", 7) || !strncmp(type, "child.", 6) ||
	       !strncmp(type, "config.", 7);
}

static void on_bus_event(void *arg, uint64_t seq, const char *line, size_t len,
                         json_object *ev)
{
	struct dir_feed *f = arg;
	json_object *t;
	const char *type;

	if (!ev || !json_object_object_get_ex(ev, "type", &t))
		return;
	type = json_object_get_string(t);
	snmp_view_event(&f->view, ev, 1);
	for (int i = 0; i < DIR_NPARTS; i++) {
		struct feed_q *q = &f->q[i];

		if (q->fd < 0 || !dir_feed_wants(q->ch->ops, type))
			continue;
		if (q->n >= DIR_FEED_MAX_QUEUED) {
			tdm_log_warn("event feed to %s: %zu events behind, resynchronising",
			             q->ch->ops->name, q->n);
			q->dropped += q->n;
			start_over(q);
		} else {
			q_push(q, line, len);
		}
		q_flush(q);
	}
	if (is_state_type(type))
		dir_feed_state_changed(f->d);
}

int dir_feed_init(struct dir_daemon *d)
{
	struct dir_feed *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->pkt = malloc(TDM_IPC_MAX);
	if (!f->pkt || dir_evbus_add_hook(d->bus, on_bus_event, f) < 0) {
		free(f->pkt);
		free(f);
		return -1;
	}
	f->d = d;
	snmp_view_init(&f->view);
	for (int i = 0; i < DIR_NPARTS; i++) {
		f->q[i].feed = f;
		f->q[i].ch = &d->children[i];
		f->q[i].fd = -1;
		ev_init(&f->q[i].wio, on_writable);
		f->q[i].wio.data = &f->q[i];
	}
	ev_init(&f->state_timer, on_state_timer);
	f->state_timer.data = f;
	d->feed = f;
	return 0;
}

void dir_feed_free(struct dir_daemon *d)
{
	struct dir_feed *f = d->feed;

	if (!f)
		return;
	if (d->bus)
		dir_evbus_del_hook(d->bus, on_bus_event, f);
	for (int i = 0; i < DIR_NPARTS; i++)
		q_close(&f->q[i]);
	if (d->loop)
		ev_timer_stop(d->loop, &f->state_timer);
	snmp_view_free(&f->view);
	free(f->pkt);
	free(f);
	d->feed = NULL;
}

void dir_feed_child_start(struct dir_child *ch)
{
	struct dir_feed *f = ch->d->feed;
	struct feed_q *q;
	int sv[2];

	if (!f || !ch->ops->on_event || !ch->ops->event_types || ch->sock < 0)
		return;
	q = &f->q[ch - ch->d->children];
	q_close(q);
	if (tdm_ipc_pair(sv) < 0) {
		tdm_log_err("event feed to %s: socketpair: %s", ch->ops->name, strerror(errno));
		return;
	}
	if (tdm_ipc_send(ch->sock, TDM_IPC_FEED, 0, NULL, 0, sv[1], MSG_DONTWAIT) < 0) {
		tdm_log_err("event feed to %s: cannot pass the socket: %s", ch->ops->name,
		            strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return;
	}
	close(sv[1]);
	fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
	q->fd = sv[0];
	ev_io_set(&q->wio, q->fd, EV_WRITE);
	start_over(q);
	q_flush(q);
}

void dir_feed_child_gone(struct dir_child *ch)
{
	struct dir_feed *f = ch->d->feed;

	if (f)
		q_close(&f->q[ch - ch->d->children]);
}

const struct snmp_view *dir_feed_view(struct dir_daemon *d)
{
	json_object *st;

	if (!d->feed)
		return NULL;
	st = dir_status_json(d);
	snmp_view_set_status(&d->feed->view, st);
	json_object_put(st);
	return &d->feed->view;
}

uint64_t dir_feed_dropped(const struct dir_daemon *d)
{
	uint64_t n = 0;

	for (int i = 0; d->feed && i < DIR_NPARTS; i++)
		n += d->feed->q[i].dropped;
	return n;
}
