/* director/ctl_forward.c - control commands served by a child part. A request whose "cmd" a
 * part declares (struct dir_part_ops.commands) goes to that part's child over the socketpair
 * as TDM_IPC_COMMAND with a fresh request id; the client is held (its further request lines
 * wait) until the child's TDM_IPC_REPLY with the same id, a timeout, or the child's exit,
 * and gets exactly one reply line in every case. The loop never blocks on a child. */
#include "director/ctl_forward.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <ev.h>
#include "director/child_parts.h"
#include "director/ctl_server.h"
#include "director/daemon.h"
#include "lib/ipc.h"
#include "lib/log.h"

#define REPLY_JSON_DEPTH 64

struct dir_fwd_req {
	struct dir_fwd_req *next;
	struct dir_daemon *d;
	struct dir_child *ch;
	struct dir_ctl_client *cl;
	uint64_t id;
	double timeout_s;
	ev_timer timer;
	char cmd[64];
};

static double fwd_timeout(const struct dir_daemon *d)
{
	const char *s = d->opts->test_hooks ? getenv(DIR_FWD_TIMEOUT_ENV) : NULL;
	char *end;
	long ms;

	if (!s || !*s)
		return DIR_FWD_TIMEOUT_S;
	ms = strtol(s, &end, 10);
	if (*end || ms <= 0 || ms > 600000)
		return DIR_FWD_TIMEOUT_S;
	return ms / 1000.0;
}

/* take r off the pending list (it must be on it) */
static void unlink_req(struct dir_fwd_req *r)
{
	struct dir_fwd_req **pp = &r->d->fwd_reqs;

	while (*pp && *pp != r)
		pp = &(*pp)->next;
	if (*pp)
		*pp = r->next;
	r->next = NULL;
	ev_timer_stop(r->d->loop, &r->timer);
}

/* r is unlinked: give its client the reply (owned) and let the client go on */
static void finish(struct dir_fwd_req *r, json_object *reply)
{
	dir_ctl_reply(r->cl, reply);
	dir_ctl_release(r->cl);
	free(r);
}

static void finish_error(struct dir_fwd_req *r, const char *why)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "error", json_object_new_string(why));
	finish(r, o);
}

static void on_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct dir_fwd_req *r = w->data;
	char why[192];

	unlink_req(r);
	tdm_log_warn("control command %s: no answer from the %s part within %.3g s",
	             r->cmd, r->ch->ops->name, r->timeout_s);
	snprintf(why, sizeof(why), "the %s part did not answer %s: timed out", r->ch->ops->name,
	         r->cmd);
	finish_error(r, why);
}

static struct dir_child *find_child(struct dir_daemon *d, const char *name)
{
	for (int i = 0; i < DIR_NPARTS; i++)
		if (!strcmp(d->children[i].ops->name, name))
			return &d->children[i];
	return NULL;
}

/* the child a test command goes to: "part" if given, else the first part the config uses */
static struct dir_child *test_target(struct dir_daemon *d, struct dir_ctl_client *cl,
                                     json_object *req)
{
	json_object *v;
	struct dir_child *ch;

	if (json_object_object_get_ex(req, "part", &v)) {
		char safe[32];

		if (!json_object_is_type(v, json_type_string)) {
			dir_ctl_reply_error(cl, "\"part\" must be a string");
			return NULL;
		}
		ch = find_child(d, json_object_get_string(v));
		if (!ch) {
			snprintf(safe, sizeof(safe), "%s", json_object_get_string(v));
			dir_ctl_reply_error(cl, "no part named %s", safe);
		}
		return ch;
	}
	for (int i = 0; i < DIR_NPARTS; i++)
		if (d->children[i].wanted)
			return &d->children[i];
	dir_ctl_reply_error(cl, "no part is configured");
	return NULL;
}

int dir_fwd_dispatch(struct dir_daemon *d, struct dir_ctl_client *cl, json_object *req,
                     const char *cmd)
{
	struct dir_child *ch = NULL;
	struct dir_fwd_req *r;
	const char *s;
	size_t len;

	if (d->opts->test_hooks && dir_part_is_test_command(cmd)) {
		ch = test_target(d, cl, req);
		if (!ch)
			return 0;
	} else {
		for (int i = 0; i < DIR_NPARTS && !ch; i++)
			if (dir_part_declares(d->children[i].ops, cmd))
				ch = &d->children[i];
		if (!ch)
			return -1;
	}
	if (d->stopping) {
		dir_ctl_reply_error(cl, "the daemon is stopping");
		return 0;
	}
	if (ch->pid <= 0 || ch->sock < 0) {
		dir_ctl_reply_error(cl, "the %s part is not running", ch->ops->name);
		return 0;
	}
	s = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN |
	                                   JSON_C_TO_STRING_NOSLASHESCAPE);
	len = strlen(s);
	if (len > TDM_IPC_MAX) {
		dir_ctl_reply_error(cl, "request too large to forward to the %s part (%zu bytes, "
		                    "limit %d)", ch->ops->name, len, TDM_IPC_MAX);
		return 0;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		dir_ctl_reply_error(cl, "out of memory");
		return 0;
	}
	r->d = d;
	r->ch = ch;
	r->cl = cl;
	r->id = ++d->fwd_next_id;
	snprintf(r->cmd, sizeof(r->cmd), "%s", cmd);
	if (tdm_ipc_send(ch->sock, TDM_IPC_COMMAND, r->id, s, len, -1, MSG_DONTWAIT) < 0) {
		int err = errno;

		dir_ctl_reply_error(cl, "cannot forward %s to the %s part: %s", r->cmd,
		                    ch->ops->name, err == EAGAIN || err == EWOULDBLOCK ?
		                    "its queue is full" : strerror(err));
		free(r);
		return 0;
	}
	r->timeout_s = fwd_timeout(d);
	ev_timer_init(&r->timer, on_timeout, r->timeout_s, 0.);
	r->timer.data = r;
	ev_timer_start(d->loop, &r->timer);
	r->next = d->fwd_reqs;
	d->fwd_reqs = r;
	dir_ctl_hold(cl);
	return 0;
}

void dir_fwd_reply(struct dir_child *ch, uint64_t id, const char *text, size_t len)
{
	struct dir_daemon *d = ch->d;
	struct dir_fwd_req *r;
	json_tokener *tok;
	json_object *reply = NULL, *ok;

	for (r = d->fwd_reqs; r; r = r->next)
		if (r->id == id && r->ch == ch)
			break;
	if (!r) {
		tdm_log_debug("child %s: reply to request %llu, which is no longer pending",
		              ch->ops->name, (unsigned long long)id);
		return;
	}
	unlink_req(r);
	tok = json_tokener_new_ex(REPLY_JSON_DEPTH);
	if (tok) {
		reply = json_tokener_parse_ex(tok, text, (int)len);
		if (json_tokener_get_error(tok) != json_tokener_success) {
			json_object_put(reply);
			reply = NULL;
		}
		json_tokener_free(tok);
	}
	if (!reply || !json_object_is_type(reply, json_type_object) ||
	    !json_object_object_get_ex(reply, "ok", &ok) ||
	    !json_object_is_type(ok, json_type_boolean)) {
		char why[192];

		tdm_log_warn("child %s: malformed reply to %s", ch->ops->name, r->cmd);
		json_object_put(reply);
		snprintf(why, sizeof(why), "the %s part sent a malformed reply to %s",
		         ch->ops->name, r->cmd);
		finish_error(r, why);
		return;
	}
	finish(r, reply);
}

/* move the requests matching (ch or cl) from the pending list to a private one */
static struct dir_fwd_req *take(struct dir_daemon *d, const struct dir_child *ch,
                                const struct dir_ctl_client *cl)
{
	struct dir_fwd_req **pp = &d->fwd_reqs, *taken = NULL;

	while (*pp) {
		struct dir_fwd_req *r = *pp;

		if ((ch && r->ch == ch) || (cl && r->cl == cl) || (!ch && !cl)) {
			*pp = r->next;
			ev_timer_stop(d->loop, &r->timer);
			r->next = taken;
			taken = r;
		} else {
			pp = &r->next;
		}
	}
	return taken;
}

void dir_fwd_child_gone(struct dir_child *ch)
{
	struct dir_fwd_req *r = take(ch->d, ch, NULL);

	/* replying may drop a client, which calls back into dir_fwd_client_gone: the list
	 * being answered is no longer reachable from there */
	while (r) {
		struct dir_fwd_req *next = r->next;
		char why[192];

		snprintf(why, sizeof(why), "the %s part exited before answering %s",
		         ch->ops->name, r->cmd);
		finish_error(r, why);
		r = next;
	}
}

void dir_fwd_client_gone(struct dir_daemon *d, struct dir_ctl_client *cl)
{
	struct dir_fwd_req *r = take(d, NULL, cl);

	while (r) {
		struct dir_fwd_req *next = r->next;

		tdm_log_debug("control client left while %s was pending", r->cmd);
		free(r);
		r = next;
	}
}

void dir_fwd_free_all(struct dir_daemon *d)
{
	struct dir_fwd_req *r = d->loop ? take(d, NULL, NULL) : d->fwd_reqs;

	d->fwd_reqs = NULL;
	while (r) {
		struct dir_fwd_req *next = r->next;

		free(r);
		r = next;
	}
}
