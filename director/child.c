/* director/child.c - the main loop of a child process (one per part). It receives config
 * snapshots (sealed memfds) from the parent, parses them, diffs old against new restricted to
 * the part's object kinds, answers heartbeats, forwarded control commands (child_cmd.c) and
 * sends events to the parent. */
#include "director/child_parts.h"
#include "director/child_feed.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include "director/daemon.h"
#include "director/evbus.h"
#include "lib/ipc.h"
#include "lib/log.h"
#include "lib/mono.h"

struct child_state {
	struct dir_part_ctx ctx;
	struct tdm_config *cfg;
	struct tdm_canon origin;        /* origin map of cfg's canonical lines */
	uint64_t generation;
	int started;
	int test_hooks;
	int exit_code;
	ev_io io;
	ev_signal sig_term;
	struct tdm_ipc_msg *msg;
	struct dir_child_feed *feed;    /* event feed (parts with on_event) */
};

struct diff_acc {
	const struct dir_part_ops *ops;
	struct dir_diff_counts n;
};

static const char *const op_names[] = { "added", "removed", "changed", "unchanged" };

static void diff_cb(void *arg, enum tdm_diff_op op, const struct tdm_obj *old_obj,
                    const struct tdm_obj *new_obj)
{
	struct diff_acc *acc = arg;
	const struct tdm_obj *o = new_obj ? new_obj : old_obj;

	if (!o || !(acc->ops->kinds & (1u << o->kind)))
		return;
	switch (op) {
	case TDM_DIFF_ADDED: acc->n.added++; break;
	case TDM_DIFF_REMOVED: acc->n.removed++; break;
	case TDM_DIFF_CHANGED: acc->n.changed++; break;
	default: acc->n.unchanged++; return;
	}
	tdm_log_info("config: %s %s", op_names[op], o->id ? o->id : "?");
}

int dir_part_emit(struct dir_part_ctx *ctx, json_object *ev)
{
	const char *s = json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	int rc = tdm_ipc_send(ctx->sock, TDM_IPC_EVENT, 0, s, strlen(s), -1, 0);

	if (rc < 0)
		tdm_log_warn("event to parent: %s", strerror(errno));
	json_object_put(ev);
	return rc;
}

void dir_part_where(const struct dir_part_ctx *ctx, uint32_t line, char *buf, size_t cap)
{
	dir_origin_where(ctx->origin, line, buf, cap);
}

/* A real-time child (vrrp) handles a new snapshot at normal priority: parsing and diffing a
 * big config runs for a long time without blocking, which RLIMIT_RTTIME would end with SIGXCPU
 * and which must not starve the machine; the policy is restored afterwards. */
struct rt_saved {
	int policy;
	struct sched_param param;
};

static void rt_pause(struct rt_saved *r)
{
	struct sched_param normal = { 0 };

	r->policy = sched_getscheduler(0);
	if (r->policy < 0 || !((r->policy & ~SCHED_RESET_ON_FORK) == SCHED_RR ||
	                       (r->policy & ~SCHED_RESET_ON_FORK) == SCHED_FIFO) ||
	    sched_getparam(0, &r->param) < 0 || sched_setscheduler(0, SCHED_OTHER, &normal) < 0)
		r->policy = -1;
}

static void rt_resume(const struct rt_saved *r)
{
	if (r->policy >= 0 && sched_setscheduler(0, r->policy, &r->param) < 0)
		tdm_log_warn("cannot restore real-time priority: %s", strerror(errno));
}

static void handle_config_inner(struct child_state *cs, int fd);

static void handle_config(struct child_state *cs, int fd)
{
	struct rt_saved rt;

	rt_pause(&rt);
	handle_config_inner(cs, fd);
	rt_resume(&rt);
}

static void handle_config_inner(struct child_state *cs, int fd)
{
	struct tdm_canon origin, old_origin;
	struct tdm_conf_opts copts = { 0 };
	struct tdm_diags diags;
	struct tdm_config *cfg;
	json_object *meta = NULL, *v;
	uint64_t gen = 0, t0 = 0;
	const char *text;
	size_t len;

	if (fd < 0) {
		tdm_log_err("config message without a descriptor");
		return;
	}
	meta = json_tokener_parse(cs->msg->data);
	if (meta && json_object_object_get_ex(meta, "generation", &v))
		gen = json_object_get_uint64(v);
	if (meta && json_object_object_get_ex(meta, "t0_ns", &v))
		t0 = json_object_get_uint64(v);
	if (meta && json_object_object_get_ex(meta, "lenient", &v))
		copts.lenient = json_object_get_boolean(v);
	json_object_put(meta);

	if (dir_snapshot_map(fd, &text, &len, &origin) < 0) {
		close(fd);
		cs->exit_code = 78;
		ev_break(cs->ctx.loop, EVBREAK_ALL);
		return;
	}
	tdm_diags_init(&diags);
	cfg = tdm_conf_parse(text, len, origin.nlines ? &origin : NULL, &copts, &diags);
	dir_snapshot_unmap(fd, text);
	close(fd);
	if (!cfg || diags.nerr || diags.nfatal) {
		/* the parent validated this very text: failing here is a bug */
		tdm_log_err("config generation %llu does not parse in the child",
		            (unsigned long long)gen);
		dir_diags_log(&diags);
		tdm_diags_free(&diags);
		tdm_config_free(cfg);
		dir_origin_free(&origin);
		cs->exit_code = 78;
		ev_break(cs->ctx.loop, EVBREAK_ALL);
		return;
	}
	tdm_diags_free(&diags);
	/* the parts see the new origin map from now on (their start/reload hooks name the new
	 * config's lines); the old one goes with the old config */
	old_origin = cs->origin;
	cs->origin = origin;
	cs->ctx.origin = &cs->origin;

	if (!cs->started) {
		cs->ctx.ops->start(&cs->ctx, cfg);
		cs->started = 1;
		tdm_log_info("started with config generation %llu", (unsigned long long)gen);
	} else {
		struct diff_acc acc = { .ops = cs->ctx.ops };
		json_object *ev;
		uint64_t now;

		tdm_conf_diff(cs->cfg, cfg, diff_cb, &acc);
		cs->ctx.ops->reload(&cs->ctx, cs->cfg, cfg, &acc.n);
		now = tdm_mono_ns();
		tdm_log_info("config generation %llu: %u added, %u removed, %u changed, "
		             "%u unchanged", (unsigned long long)gen, acc.n.added, acc.n.removed,
		             acc.n.changed, acc.n.unchanged);
		ev = dir_event_new("child.config");
		json_object_object_add(ev, "child", json_object_new_string(cs->ctx.ops->name));
		json_object_object_add(ev, "generation", json_object_new_uint64(gen));
		json_object_object_add(ev, "added", json_object_new_int(acc.n.added));
		json_object_object_add(ev, "removed", json_object_new_int(acc.n.removed));
		json_object_object_add(ev, "changed", json_object_new_int(acc.n.changed));
		json_object_object_add(ev, "unchanged", json_object_new_int(acc.n.unchanged));
		json_object_object_add(ev, "elapsed_ns",
		                       json_object_new_uint64(t0 && now > t0 ? now - t0 : 0));
		dir_part_emit(&cs->ctx, ev);
	}
	tdm_config_free(cs->cfg);
	dir_origin_free(&old_origin);
	cs->cfg = cfg;
	cs->generation = gen;
	tdm_ipc_send(cs->ctx.sock, TDM_IPC_READY, gen, NULL, 0, -1, 0);
}

static void on_parent(struct ev_loop *loop, ev_io *w, int revents)
{
	struct child_state *cs = w->data;

	for (int i = 0; i < 64; i++) {
		int rc = tdm_ipc_recv(cs->ctx.sock, cs->msg);

		if (rc < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (rc <= 0) {
			tdm_log_err("parent %s; exiting", rc == 0 ? "went away" : "sent garbage");
			cs->exit_code = 1;
			ev_break(loop, EVBREAK_ALL);
			return;
		}
		switch (cs->msg->hdr.type) {
		case TDM_IPC_PING:
			tdm_ipc_send(cs->ctx.sock, TDM_IPC_PONG, cs->msg->hdr.arg, NULL, 0, -1, 0);
			break;
		case TDM_IPC_CONFIG:
			handle_config(cs, cs->msg->fd);
			cs->msg->fd = -1;
			break;
		case TDM_IPC_COMMAND:
			dir_child_command(&cs->ctx, cs->started, cs->test_hooks, cs->msg->hdr.arg,
			                  cs->msg->data, cs->msg->hdr.len);
			break;
		case TDM_IPC_FEED:
			if (cs->msg->fd >= 0 && cs->started && !cs->feed)
				cs->feed = dir_child_feed_attach(&cs->ctx, cs->msg->fd);
			else if (cs->msg->fd >= 0)
				close(cs->msg->fd);
			cs->msg->fd = -1;
			break;
		case TDM_IPC_STOP:
			tdm_log_info("stopping on the parent's request");
			cs->exit_code = 0;
			ev_break(loop, EVBREAK_ALL);
			return;
		default:
			tdm_log_warn("unknown message type %u from parent", cs->msg->hdr.type);
			break;
		}
		if (cs->msg->fd >= 0) {
			close(cs->msg->fd);
			cs->msg->fd = -1;
		}
	}
}

static void on_term(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct child_state *cs = w->data;

	tdm_log_info("SIGTERM: stopping");
	cs->exit_code = 0;
	ev_break(loop, EVBREAK_ALL);
}

void dir_child_main(const struct dir_part_ops *ops, int sock, unsigned log_flags,
                    int test_hooks)
{
	struct child_state cs = { .exit_code = 1, .test_hooks = test_hooks };
	struct ev_loop *loop;

	tdm_log_open("tandemd", log_flags);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	{
		char comm[16];

		snprintf(comm, sizeof(comm), "tandemd-%s", ops->name);
		prctl(PR_SET_NAME, comm);
	}
	tdm_log_set_tag(ops->name);
	signal(SIGINT, SIG_IGN);    /* the parent coordinates the stop */
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (getppid() == 1) {       /* the parent died before PDEATHSIG was set */
		_exit(1);
	}

	loop = ev_default_loop(EVFLAG_AUTO);
	cs.ctx.loop = loop;
	cs.ctx.ops = ops;
	cs.ctx.sock = sock;
	cs.msg = malloc(sizeof(*cs.msg));
	if (!cs.msg)
		_exit(1);
	cs.msg->fd = -1;
	ev_io_init(&cs.io, on_parent, sock, EV_READ);
	cs.io.data = &cs;
	ev_io_start(loop, &cs.io);
	ev_signal_init(&cs.sig_term, on_term, SIGTERM);
	cs.sig_term.data = &cs;
	ev_signal_start(loop, &cs.sig_term);

	ev_run(loop, 0);

	dir_child_feed_close(cs.feed);
	if (cs.started)
		ops->stop(&cs.ctx);
	tdm_config_free(cs.cfg);
	dir_origin_free(&cs.origin);
	free(cs.msg);
	ev_io_stop(loop, &cs.io);
	ev_signal_stop(loop, &cs.sig_term);
	ev_loop_destroy(loop);
	close(sock);
	tdm_log_close();
	exit(cs.exit_code);
}
