/* healthcheck/chk_file.c - FILE_CHECK: the number in a track_file's file decides. Without a
 * `weight` in the checker, 0 passes and any other value fails (keepalived's "fault" default).
 * With `weight W [reverse]` the value times W (negated with reverse) is x: without `dynamic`
 * x >= 0 passes; with `dynamic` the real server's weight becomes its configured weight + x and
 * the check fails when that is <= 0. The file is read at each attempt (delay_loop) and at once
 * when inotify reports it written, replaced or removed; a missing or unreadable file reads as 0
 * (as keepalived does). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>
#include "healthcheck/check_int.h"

struct file_priv {
	ev_timer now;               /* delivers the result from the loop */
	ev_io ino;                  /* inotify on the file's directory */
	int ifd;
	char dir[PATH_MAX], base[256];
	int ok, weight;
	char why[160];
};

static long long read_value(const char *path, int *found)
{
	char buf[64];
	FILE *f = fopen(path, "r");
	size_t n;
	long long v = 0;

	*found = 0;
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (sscanf(buf, "%lld", &v) == 1)
		*found = 1;
	return v;
}

static void verdict(struct chk_inst *c)
{
	struct file_priv *p = c->priv;
	const struct check_checker_conf *k = c->spec.conf;
	const struct tdm_cnode *wn = tdm_cnode_find(k->node, "weight");
	int found;
	long long v = read_value(c->spec.file_path, &found), x;

	p->weight = -1;
	if (!wn) {
		p->ok = v == 0;
		snprintf(p->why, sizeof(p->why), "FILE %.100s: %lld%s", c->spec.file_path, v,
		         found ? "" : " (unreadable)");
		return;
	}
	x = v * k->u.file.weight;
	if (k->u.file.reverse)
		x = -x;
	if (!k->u.file.dynamic) {
		p->ok = x >= 0;
		snprintf(p->why, sizeof(p->why), "FILE %.100s: %lld x %lld = %lld", c->spec.file_path, v,
		         k->u.file.weight, x);
		return;
	}
	{
		long long w = (long long)c->spec.base_weight + x;
		p->ok = w > 0;
		if (w > 2147483647LL)
			w = 2147483647LL;
		p->weight = p->ok ? (int)w : -1;
		snprintf(p->why, sizeof(p->why), "FILE %.100s: %lld, weight %lld", c->spec.file_path, v, w);
	}
}

static void now_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct chk_inst *c = w->data;
	struct file_priv *p = c->priv;

	verdict(c);
	if (p->weight >= 0)
		chk_done_weight(c, p->ok, p->weight, p->why);
	else
		chk_done(c, p->ok, p->why);
}

/* the file changed: check again now (unless an attempt is already under way) */
static void ino_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct chk_inst *c = w->data;
	struct file_priv *p = c->priv;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;
	int hit = 0;

	while ((n = read(p->ifd, buf, sizeof(buf))) > 0) {
		for (char *q = buf; q < buf + n;) {
			struct inotify_event *e = (struct inotify_event *)q;
			if (e->len && !strcmp(e->name, p->base))
				hit = 1;
			q += sizeof(*e) + e->len;
		}
	}
	if (hit && !c->running)
		chk_kick(c);
}

static void watch(struct chk_inst *c)
{
	struct file_priv *p = c->priv;
	const char *path = c->spec.file_path, *slash = strrchr(path, '/');

	if (p->ifd >= 0 || !slash)
		return;
	snprintf(p->dir, sizeof(p->dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	snprintf(p->base, sizeof(p->base), "%s", slash + 1);
	p->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (p->ifd < 0)
		return;
	if (inotify_add_watch(p->ifd, p->dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE |
	                      IN_MOVED_FROM) < 0) {
		close(p->ifd);
		p->ifd = -1;            /* polled at delay_loop only */
		return;
	}
	ev_io_init(&p->ino, ino_cb, p->ifd, EV_READ);
	p->ino.data = c;
	ev_io_start(chk_loop(c), &p->ino);
}

static int file_start(struct chk_inst *c, char *why, size_t len)
{
	struct file_priv *p = c->priv;

	if (!c->spec.file_path) {
		snprintf(why, len, "FILE_CHECK: track_file %s not defined",
		         c->spec.conf->u.file.track_file ? c->spec.conf->u.file.track_file : "?");
		return -1;
	}
	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p) {
			snprintf(why, len, "out of memory");
			return -1;
		}
		p->ifd = -1;
		ev_timer_init(&p->now, now_cb, 0., 0.);
		p->now.data = c;
		c->priv = p;
	}
	watch(c);
	ev_timer_set(&p->now, 0., 0.);
	ev_timer_start(chk_loop(c), &p->now);
	return 0;
}

static void file_stop(struct chk_inst *c)
{
	struct file_priv *p = c->priv;

	if (p)
		ev_timer_stop(chk_loop(c), &p->now);
}

static int file_same(const struct chk_spec *a, const struct chk_spec *b)
{
	return a->file_path && b->file_path && !strcmp(a->file_path, b->file_path) &&
	       a->base_weight == b->base_weight;
}

static void file_free(struct chk_inst *c)
{
	struct file_priv *p = c->priv;

	if (!p)
		return;
	ev_timer_stop(chk_loop(c), &p->now);
	if (p->ifd >= 0) {
		ev_io_stop(chk_loop(c), &p->ino);
		close(p->ifd);
	}
	free(p);
	c->priv = NULL;
}

const struct chk_ops chk_file_ops = {
	.name = "FILE_CHECK", .start = file_start, .stop = file_stop, .same = file_same,
	.free = file_free,
};
