/* director/supervisor.c - the parent's side of the children: fork one per part, hand each the
 * config snapshot, heartbeat them, reap them, and restart a dead or wedged child with
 * exponential back-off (reset after a long healthy run). */
#include "director/daemon.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "director/child_parts.h"
#include "director/ctl_forward.h"
#include "director/evbus.h"
#include "director/evfeed.h"
#include "director/globals.h"
#include "lib/ipc.h"
#include "lib/log.h"
#include "lib/mono.h"

static struct tdm_ipc_msg ipc_buf;

static void on_child_exit(struct ev_loop *loop, ev_child *w, int revents);   /* parent is single-threaded: one receive buffer */

const char *dir_child_state_name(enum dir_child_state s)
{
	switch (s) {
	case DIR_CHILD_STARTING: return "starting";
	case DIR_CHILD_RUNNING: return "running";
	case DIR_CHILD_RESTARTING: return "restarting";
	default: return "stopped";
	}
}

static void child_closed(struct dir_child *ch)
{
	if (ch->sock < 0)
		return;
	ev_io_stop(ch->d->loop, &ch->io);
	close(ch->sock);
	ch->sock = -1;
	dir_fwd_child_gone(ch);         /* its pending control requests fail now */
	dir_feed_child_gone(ch);
}

static void child_event(struct dir_child *ch, const char *text)
{
	json_tokener *tok = json_tokener_new_ex(16);
	json_object *ev, *type;

	if (!tok)
		return;
	ev = json_tokener_parse_ex(tok, text, (int)strlen(text));
	json_tokener_free(tok);
	if (!ev || !json_object_is_type(ev, json_type_object) ||
	    !json_object_object_get_ex(ev, "type", &type) ||
	    !json_object_is_type(type, json_type_string)) {
		tdm_log_warn("child %s sent a malformed event", ch->ops->name);
		json_object_put(ev);
		return;
	}
	if (!json_object_object_get_ex(ev, "child", NULL))
		json_object_object_add(ev, "child", json_object_new_string(ch->ops->name));
	dir_evbus_emit(ch->d->bus, ev);
}

static void on_child_io(struct ev_loop *loop, ev_io *w, int revents)
{
	struct dir_child *ch = w->data;

	for (int i = 0; i < 256 && ch->sock >= 0; i++) {
		int rc = tdm_ipc_recv(ch->sock, &ipc_buf);

		if (rc < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (rc <= 0) {
			if (rc < 0)
				tdm_log_warn("child %s: bad message: %s", ch->ops->name,
				             strerror(errno));
			child_closed(ch);
			return;
		}
		if (ipc_buf.fd >= 0) {
			close(ipc_buf.fd);
			ipc_buf.fd = -1;
		}
		/* any message proves the child's loop is running: a child that is busy sending a
		 * burst of events (100,000 real servers starting) has its PONG queued behind them,
		 * and must not be taken for wedged */
		ch->last_pong_mono = tdm_mono_ns();
		switch (ipc_buf.hdr.type) {
		case TDM_IPC_PONG:
			break;
		case TDM_IPC_READY:
			ch->last_pong_mono = tdm_mono_ns();
			ch->generation = ipc_buf.hdr.arg;
			if (ch->state == DIR_CHILD_STARTING)
				ch->state = DIR_CHILD_RUNNING;
			dir_feed_state_changed(ch->d);  /* state or generation moved */
			break;
		case TDM_IPC_EVENT:
			child_event(ch, ipc_buf.data);
			break;
		case TDM_IPC_REPLY:
			dir_fwd_reply(ch, ipc_buf.hdr.arg, ipc_buf.data, ipc_buf.hdr.len);
			break;
		default:
			tdm_log_warn("child %s: unknown message type %u", ch->ops->name,
			             ipc_buf.hdr.type);
			break;
		}
	}
}

void dir_sup_send_config(struct dir_child *ch)
{
	struct dir_daemon *d = ch->d;
	char meta[128];
	int len;

	if (ch->sock < 0 || d->snap_fd < 0)
		return;
	len = snprintf(meta, sizeof(meta), "{\"generation\":%llu,\"t0_ns\":%llu,\"lenient\":%s}",
	               (unsigned long long)d->generation, (unsigned long long)d->reload_t0_ns,
	               d->copts.lenient ? "true" : "false");
	if (tdm_ipc_send(ch->sock, TDM_IPC_CONFIG, d->generation, meta, (size_t)len, d->snap_fd,
	                 MSG_DONTWAIT) < 0) {
		tdm_log_err("child %s: cannot send config (%s): killing it to restart it with the "
		            "current config", ch->ops->name, strerror(errno));
		if (ch->pid > 0)
			kill(ch->pid, SIGKILL);
	}
}

int dir_sup_start(struct dir_child *ch)
{
	struct dir_daemon *d = ch->d;
	const struct dir_part_ops *ops = ch->ops;
	unsigned log_flags = d->opts->log_flags;
	int test_hooks = d->opts->test_hooks;
	json_object *ev;
	int sv[2];
	pid_t pid;

	if (tdm_ipc_pair(sv) < 0) {
		tdm_log_err("child %s: socketpair: %s", ops->name, strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		tdm_log_err("child %s: fork: %s", ops->name, strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		int sock = sv[1];
		sigset_t all;
		struct dir_tune tune;

		close(sv[0]);
		/* nice, CPU affinity, real-time priority, RLIMIT_RTTIME, locked memory of this
		 * part (global_defs), while the parent's config is still here */
		dir_tune_get(d->cfg, ops->part, &tune);
		dir_tune_self(&tune, ops->name);
		dir_daemon_forget(d);
		if (sock > 3)
			close_range(3, (unsigned)sock - 1, 0);
		close_range((unsigned)sock + 1, ~0u, 0);
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		for (int s = 1; s < NSIG; s++)
			if (s != SIGKILL && s != SIGSTOP)
				signal(s, SIG_DFL);
		dir_child_main(ops, sock, log_flags, test_hooks);
	}
	close(sv[1]);
	ch->pid = pid;
	ch->sock = sv[0];
	ch->state = DIR_CHILD_STARTING;
	ch->started_mono = tdm_mono_ns();
	ch->last_pong_mono = ch->started_mono;
	ch->hb_killed = 0;
	ev_io_init(&ch->io, on_child_io, ch->sock, EV_READ);
	ch->io.data = ch;
	ev_io_start(d->loop, &ch->io);
	ev_child_init(&ch->cw, on_child_exit, pid, 0);
	ch->cw.data = ch;
	ev_child_start(d->loop, &ch->cw);
	tdm_log_info("child %s started, pid %d", ops->name, (int)pid);
	ev = dir_event_new("child.start");
	json_object_object_add(ev, "child", json_object_new_string(ops->name));
	json_object_object_add(ev, "pid", json_object_new_int(pid));
	dir_evbus_emit(d->bus, ev);
	dir_sup_send_config(ch);
	dir_feed_child_start(ch);
	return 0;
}

static void on_restart_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct dir_child *ch = w->data;

	if (!ch->wanted || ch->d->stopping || ch->pid > 0)
		return;
	if (dir_sup_start(ch) < 0)
		ev_timer_start(loop, w);    /* same delay again */
}

static void schedule_restart(struct dir_child *ch, uint64_t now)
{
	struct dir_daemon *d = ch->d;
	json_object *ev;
	unsigned delay;

	if (now - ch->started_mono >= (uint64_t)(DIR_HEALTHY_RESET_S * 1e9))
		ch->backoff_ms = DIR_BACKOFF_MIN_MS;
	delay = ch->backoff_ms ? ch->backoff_ms : DIR_BACKOFF_MIN_MS;
	ch->backoff_ms = delay * 2 > DIR_BACKOFF_MAX_MS ? DIR_BACKOFF_MAX_MS : delay * 2;
	ch->restarts++;
	ch->state = DIR_CHILD_RESTARTING;
	tdm_log_warn("child %s: restarting in %u ms (restart #%u)", ch->ops->name, delay,
	             ch->restarts);
	ev = dir_event_new("child.restart");
	json_object_object_add(ev, "child", json_object_new_string(ch->ops->name));
	json_object_object_add(ev, "delay_ms", json_object_new_int(delay));
	json_object_object_add(ev, "restarts", json_object_new_int(ch->restarts));
	dir_evbus_emit(d->bus, ev);
	ev_timer_stop(d->loop, &ch->restart_timer);
	ev_timer_set(&ch->restart_timer, delay / 1000.0, 0.);
	ev_timer_start(d->loop, &ch->restart_timer);
}

static void on_child_exit(struct ev_loop *loop, ev_child *w, int revents)
{
	struct dir_child *ch = w->data;
	struct dir_daemon *d = ch->d;
	int status = w->rstatus;
	pid_t pid = w->rpid;
	uint64_t now = tdm_mono_ns();
	json_object *ev;
	char how[48];

	ev_child_stop(loop, w);
	if (WIFEXITED(status))
		snprintf(how, sizeof(how), "exited %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(how, sizeof(how), "killed by signal %d", WTERMSIG(status));
	else
		snprintf(how, sizeof(how), "status 0x%x", status);
	snprintf(ch->last_exit, sizeof(ch->last_exit), "%s",
	         ch->hb_killed ? "heartbeat timeout" : how);
	child_closed(ch);
	ch->pid = 0;
	ch->generation = 0;
	if (d->stopping || !ch->wanted)
		tdm_log_info("child %s (pid %d) %s", ch->ops->name, (int)pid, how);
	else
		tdm_log_warn("child %s (pid %d) %s%s", ch->ops->name, (int)pid, how,
		             ch->hb_killed ? " after missing heartbeats" : "");
	ev = dir_event_new("child.exit");
	json_object_object_add(ev, "child", json_object_new_string(ch->ops->name));
	json_object_object_add(ev, "pid", json_object_new_int(pid));
	json_object_object_add(ev, "status", json_object_new_string(how));
	dir_evbus_emit(d->bus, ev);
	if (d->stopping || !ch->wanted)
		ch->state = DIR_CHILD_STOPPED;
	else
		schedule_restart(ch, now);
	if (d->stopping && dir_sup_all_stopped(d))
		ev_break(d->loop, EVBREAK_ALL);
}

static void on_heartbeat(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct dir_daemon *d = w->data;
	uint64_t now = tdm_mono_ns();
	uint64_t hb_ns = (uint64_t)d->opts->heartbeat_ms * 1000000ull;
	uint64_t limit = hb_ns * DIR_HB_MISSES;

	/* if the parent itself was not scheduled for a while, the children's silence proves
	 * nothing: restart their clocks rather than kill them */
	if (d->last_hb_tick && now - d->last_hb_tick > 2 * hb_ns) {
		tdm_log_warn("heartbeat timer %llu ms late: giving the children grace",
		             (unsigned long long)((now - d->last_hb_tick - hb_ns) / 1000000ull));
		dir_sup_grace(d);
	}
	d->last_hb_tick = now;

	for (int i = 0; i < DIR_NPARTS; i++) {
		struct dir_child *ch = &d->children[i];

		if (ch->pid <= 0 || ch->hb_killed)
			continue;
		/* last_pong_mono can be later than now (set by a message or a grace after now
		 * was read): that is a fresh answer, never an unsigned underflow */
		if (ch->last_pong_mono < now && now - ch->last_pong_mono > limit) {
			json_object *ev;

			tdm_log_err("child %s (pid %d): no heartbeat answer for %llu ms: killing it",
			            ch->ops->name, (int)ch->pid,
			            (unsigned long long)((now - ch->last_pong_mono) / 1000000ull));
			ch->hb_killed = 1;
			ev = dir_event_new("child.heartbeat_timeout");
			json_object_object_add(ev, "child", json_object_new_string(ch->ops->name));
			json_object_object_add(ev, "pid", json_object_new_int(ch->pid));
			dir_evbus_emit(d->bus, ev);
			kill(ch->pid, SIGKILL);
			continue;
		}
		if (ch->sock >= 0)
			tdm_ipc_send(ch->sock, TDM_IPC_PING, ++ch->ping_seq, NULL, 0, -1,
			             MSG_DONTWAIT);
	}
}

void dir_sup_grace(struct dir_daemon *d)
{
	uint64_t now = tdm_mono_ns();

	for (int i = 0; i < DIR_NPARTS; i++)
		if (d->children[i].pid > 0 && d->children[i].last_pong_mono < now)
			d->children[i].last_pong_mono = now;
}

void dir_sup_init(struct dir_daemon *d)
{
	double hb = d->opts->heartbeat_ms / 1000.0;

	for (int i = 0; i < DIR_NPARTS; i++) {
		struct dir_child *ch = &d->children[i];

		memset(ch, 0, sizeof(*ch));
		ch->d = d;
		ch->ops = dir_parts[i];
		ch->sock = -1;
		ch->backoff_ms = DIR_BACKOFF_MIN_MS;
		ev_init(&ch->restart_timer, on_restart_timer);
		ch->restart_timer.data = ch;
	}
	if (dir_feed_init(d) < 0)
		tdm_log_err("event feed: out of memory; children get no events");
	ev_timer_init(&d->hb_timer, on_heartbeat, hb, hb);
	d->last_hb_tick = tdm_mono_ns();    /* a stall before the first tick gets grace too */
	d->hb_timer.data = d;
	ev_timer_start(d->loop, &d->hb_timer);
}

static void stop_child(struct dir_child *ch)
{
	ev_timer_stop(ch->d->loop, &ch->restart_timer);
	if (ch->pid <= 0) {
		ch->state = DIR_CHILD_STOPPED;
		return;
	}
	if (ch->sock < 0 || tdm_ipc_send(ch->sock, TDM_IPC_STOP, 0, NULL, 0, -1, MSG_DONTWAIT) < 0)
		kill(ch->pid, SIGTERM);
}

void dir_sup_apply_parts(struct dir_daemon *d, unsigned parts)
{
	if (d->startup_pending)
		return;     /* startup_script runs: its end applies the config's parts */
	for (int i = 0; i < DIR_NPARTS; i++) {
		struct dir_child *ch = &d->children[i];
		int want = (parts & ch->ops->part) != 0;

		if (want && !ch->wanted) {
			ch->wanted = 1;
			ch->restarts = 0;
			ch->backoff_ms = DIR_BACKOFF_MIN_MS;
			ch->last_exit[0] = '\0';
			if (ch->pid <= 0)
				dir_sup_start(ch);
		} else if (!want && ch->wanted) {
			tdm_log_info("part %s is no longer configured: stopping its child",
			             ch->ops->name);
			ch->wanted = 0;
			stop_child(ch);
		}
	}
}

void dir_sup_stop_all(struct dir_daemon *d)
{
	ev_timer_stop(d->loop, &d->hb_timer);
	for (int i = 0; i < DIR_NPARTS; i++)
		stop_child(&d->children[i]);
}

int dir_sup_all_stopped(const struct dir_daemon *d)
{
	for (int i = 0; i < DIR_NPARTS; i++)
		if (d->children[i].pid > 0)
			return 0;
	return 1;
}
