/* vrrp/vrrp_notify.c - ordered notify queues and the vrrp_notify_fifo (see vrrp_notify.h). */
#include "vrrp/vrrp_notify.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lib/log.h"

struct vrrp_notify_item {
	char *cmd;
	char *args[4];
	int nargs;
	struct vrrp_exec_cred cred;
	struct vrrp_notify_item *next;
};

static void item_free(struct vrrp_notify_item *it)
{
	if (!it)
		return;
	free(it->cmd);
	for (int i = 0; i < it->nargs; i++)
		free(it->args[i]);
	free(it);
}

void vrrp_notify_env_init(struct vrrp_notify_env *env, struct ev_loop *loop,
                          const struct tdm_global_conf *g)
{
	memset(env, 0, sizeof(*env));
	env->loop = loop;
	env->g = g;
	env->fifo_fd = -1;
}

void vrrp_notify_env_close(struct vrrp_notify_env *env)
{
	if (env->fifo_fd >= 0)
		close(env->fifo_fd);
	env->fifo_fd = -1;
}

uint64_t vrrp_notify_timeout(const struct tdm_cnode *block)
{
	const struct tdm_cnode *n = block ? tdm_cnode_find(block, "notify_timeout") : NULL;

	if (n && n->argc && n->vals[0].us)
		return n->vals[0].us;
	return VRRP_NOTIFY_TIMEOUT_US;
}

static void run_next(struct vrrp_notify_q *q);

static void on_kick(struct ev_loop *loop, ev_timer *w, int revents)
{
	run_next(w->data);
}

void vrrp_notify_q_init(struct vrrp_notify_q *q, struct vrrp_notify_env *env, const char *what,
                        uint64_t timeout_us)
{
	memset(q, 0, sizeof(*q));
	q->env = env;
	q->what = what;
	q->timeout_us = timeout_us;
	ev_timer_init(&q->kick, on_kick, 0., 0.);
	q->kick.data = q;
}

static void on_done(void *arg, struct vrrp_exec *x, int status, int timed_out)
{
	struct vrrp_notify_q *q = arg;
	struct vrrp_notify_item *it = q->running;

	q->running = NULL;
	if (timed_out) {
		q->timeouts++;
		tdm_log_warn("%s: notify script '%s' killed after its timeout (%.3f s)", q->what,
		             it ? it->cmd : "?", (double)q->timeout_us / 1e6);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		q->failures++;
		tdm_log_warn("%s: notify script '%s' %s %d", q->what, it ? it->cmd : "?",
		             WIFEXITED(status) ? "exited with" : "killed by signal",
		             WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	}
	item_free(it);
	run_next(q);
}

/* start queued scripts until one is running (a script that cannot start is skipped) */
static void run_next(struct vrrp_notify_q *q)
{
	for (size_t guard = 0; guard <= VRRP_NOTIFY_QMAX && !q->running && q->head; guard++) {
		struct vrrp_notify_item *it = q->head;

		q->head = it->next;
		if (!q->head)
			q->tail = NULL;
		q->n--;
		q->runs++;
		q->running = it;
		if (vrrp_exec_start(&q->x, q->env->loop, it->cmd, (const char *const *)it->args,
		                    it->nargs, &it->cred, q->timeout_us, on_done, q) < 0) {
			q->failures++;
			q->running = NULL;
			item_free(it);
		}
	}
}

void vrrp_notify_q_free(struct vrrp_notify_q *q)
{
	struct vrrp_exec_job jobs[VRRP_NOTIFY_QMAX];
	struct vrrp_notify_item *it;
	pid_t running = 0;
	size_t n = 0;

	ev_timer_stop(q->env->loop, &q->kick);
	if (q->running) {
		running = q->x.pid;
		vrrp_exec_cancel(&q->x, 0);
		item_free(q->running);
		q->running = NULL;
	}
	/* The owner goes away (stop, reload removing it) and so may the child: the scripts still
	 * queued run in order, after the running one, each with its timeout, from a detached
	 * process that outlives the child. */
	for (it = q->head; it && n < VRRP_NOTIFY_QMAX; it = it->next, n++)
		jobs[n] = (struct vrrp_exec_job){ it->cmd, (const char *const *)it->args, it->nargs,
		                                  it->cred };
	if (n && vrrp_exec_chain_detached(jobs, n, running, q->timeout_us) < 0)
		tdm_log_err("%s: %zu queued notify scripts not run", q->what, n);
	while ((it = q->head)) {
		q->head = it->next;
		item_free(it);
	}
	q->tail = NULL;
	q->n = 0;
}

static void enqueue(struct vrrp_notify_q *q, const struct vrrp_notify *s, const char *const *args,
                    int nargs)
{
	const struct tdm_global_conf *g = q->env->g;
	struct vrrp_notify_item *it;

	if (!s || !s->cmd)
		return;
	if (q->n >= VRRP_NOTIFY_QMAX) {
		q->dropped++;
		tdm_log_err("%s: notify queue full, '%s' not run", q->what, s->cmd);
		return;
	}
	it = calloc(1, sizeof(*it));
	if (!it)
		return;
	if (vrrp_exec_cred(s->user, s->group, g ? g->script_user : NULL, g ? g->script_group : NULL,
	                   &it->cred) < 0) {
		free(it);
		return;
	}
	if (g && g->enable_script_security && it->cred.uid == 0) {
		char why[PATH_MAX + 64];

		if (vrrp_exec_secure(s->cmd, why, sizeof(why)) < 0) {
			q->failures++;
			tdm_log_err("%s: notify script '%s' not run as root (enable_script_security): %s",
			            q->what, s->cmd, why);
			free(it);
			return;
		}
	}
	it->cmd = strdup(s->cmd);
	for (int i = 0; i < nargs && i < 4; i++)
		it->args[it->nargs++] = strdup(args[i]);
	if (!it->cmd) {
		item_free(it);
		return;
	}
	if (q->tail)
		q->tail->next = it;
	else
		q->head = it;
	q->tail = it;
	q->n++;
}

size_t vrrp_notify_fifo_line(char *buf, size_t len, const char *kind, const char *name,
                             const char *state, int prio)
{
	int n = prio >= 0 ? snprintf(buf, len, "%s \"%s\" %s %d\n", kind, name, state, prio)
	                  : snprintf(buf, len, "%s \"%s\" %s\n", kind, name, state);

	if (n < 0 || (size_t)n >= len)
		return 0;
	return (size_t)n;
}

static void fifo_write(struct vrrp_notify_env *env, const char *line, size_t n)
{
	const char *path = env->g ? env->g->vrrp_notify_fifo.cmd : NULL;

	if (!path || !n)
		return;
	if (env->fifo_fd < 0) {
		struct stat sb;

		if (stat(path, &sb) < 0 && errno == ENOENT && mkfifo(path, 0600) < 0)
			tdm_log_warn("vrrp_notify_fifo %s: mkfifo: %s", path, strerror(errno));
		/* no reader yet: ENXIO; the line is dropped and the open retried next time */
		env->fifo_fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	}
	if (env->fifo_fd < 0 || write(env->fifo_fd, line, n) != (ssize_t)n) {
		env->fifo_dropped++;
		if (env->fifo_fd >= 0 && errno == EPIPE) {
			close(env->fifo_fd);
			env->fifo_fd = -1;
		}
	}
}

void vrrp_notify_state(struct vrrp_notify_q *q, const char *kind, const char *name,
                       const char *state, int prio, const struct vrrp_notify *specific,
                       const struct vrrp_notify *generic)
{
	char pr[16], line[512];
	const char *args[4] = { kind, name, state, pr };

	snprintf(pr, sizeof(pr), "%d", prio);
	enqueue(q, specific, NULL, 0);
	enqueue(q, generic, args, prio >= 0 ? 4 : 3);
	/* keepalived writes a priority on every line, 0 for a sync group */
	fifo_write(q->env, line, vrrp_notify_fifo_line(line, sizeof(line), kind, name, state,
	                                               prio < 0 ? 0 : prio));
	/* fork later, from the loop: not in the middle of the transition's actions */
	if (!q->running && q->head && !ev_is_active(&q->kick))
		ev_timer_start(q->env->loop, &q->kick);
}
