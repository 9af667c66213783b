/* healthcheck/chk_misc.c - MISC_CHECK: runs misc_path with /bin/sh -c in its own process group,
 * as `user` [group] when given, stdin/stdout/stderr on /dev/null, no inherited fds. Exit 0
 * passes, 1 fails; with misc_dynamic 2..255 passes and sets the real server's weight to
 * status - 2 (0 keeps the weight it has). misc_timeout (default delay_loop) kills the whole
 * group. On the default loop the child is watched with ev_child (libev reaps every child there);
 * on another loop through a pidfd. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "healthcheck/check_int.h"

struct misc_priv {
	ev_child cw;                /* default loop */
	ev_io pio;                  /* other loops: the pidfd */
	ev_timer to;
	pid_t pid;
	int pidfd;
};

static int64_t misc_timeout_us(const struct chk_inst *c)
{
	uint64_t t = c->spec.conf->u.misc.timeout_us;

	return t ? (int64_t)t : c->spec.delay_loop_us;
}

static void misc_unwatch(struct chk_inst *c)
{
	struct misc_priv *p = c->priv;

	ev_child_stop(chk_loop(c), &p->cw);
	ev_io_stop(chk_loop(c), &p->pio);
	ev_timer_stop(chk_loop(c), &p->to);
	if (p->pidfd >= 0)
		close(p->pidfd);
	p->pidfd = -1;
}

/* kill the group and reap (bounded: SIGKILL cannot be ignored) */
static void misc_kill(struct chk_inst *c)
{
	struct misc_priv *p = c->priv;
	int st;

	if (!p || p->pid <= 0)
		return;
	kill(-p->pid, SIGKILL);
	misc_unwatch(c);
	if (!ev_is_default_loop(chk_loop(c)))
		waitpid(p->pid, &st, 0);
	/* on the default loop libev's SIGCHLD handler reaps it */
	p->pid = 0;
}

static void misc_status(struct chk_inst *c, int st)
{
	struct misc_priv *p = c->priv;
	char msg[192];
	const char *path = c->spec.conf->u.misc.path;

	kill(-p->pid, SIGKILL);     /* anything the script left behind in its group */
	p->pid = 0;
	misc_unwatch(c);
	if (WIFSIGNALED(st)) {
		snprintf(msg, sizeof(msg), "MISC %.80s: killed by signal %d", path, WTERMSIG(st));
		chk_done(c, 0, msg);
		return;
	}
	st = WEXITSTATUS(st);
	if (st == 0) {
		snprintf(msg, sizeof(msg), "MISC %.80s: exit 0", path);
		chk_done_weight(c, 1, c->dyn_weight, msg);
	} else if (st >= 2 && c->spec.conf->u.misc.dynamic) {
		snprintf(msg, sizeof(msg), "MISC %.80s: exit %d", path, st);
		chk_done_weight(c, 1, st - 2, msg);
	} else {
		snprintf(msg, sizeof(msg), "MISC %.80s: exit %d", path, st);
		chk_done(c, 0, msg);
	}
}

static void child_cb(struct ev_loop *loop, ev_child *w, int revents)
{
	struct chk_inst *c = w->data;

	misc_status(c, w->rstatus);
}

static void pidfd_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct chk_inst *c = w->data;
	struct misc_priv *p = c->priv;
	int st = 0;
	pid_t r = waitpid(p->pid, &st, WNOHANG);

	if (r == 0)
		return;
	if (r < 0)
		st = 0xff00;            /* lost (someone else reaped it): exit 255 */
	misc_status(c, st);
}

static void to_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct chk_inst *c = w->data;
	char msg[192];

	misc_kill(c);
	snprintf(msg, sizeof(msg), "MISC %.80s: timeout after %.3g s, killed", c->spec.conf->u.misc.path,
	         (double)misc_timeout_us(c) / 1e6);
	chk_done(c, 0, msg);
}

/* the command line: misc_path's arguments joined */
static char *command(const struct chk_inst *c)
{
	const struct tdm_cnode *n = tdm_cnode_find(c->spec.conf->node, "misc_path");
	size_t len = 1;
	char *s;

	if (!n || !n->argc)
		return NULL;
	for (uint32_t i = 0; i < n->argc; i++)
		len += strlen(n->argv[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (uint32_t i = 0; i < n->argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, n->argv[i]);
	}
	return s;
}

static int misc_start(struct chk_inst *c, char *why, size_t len)
{
	struct misc_priv *p = c->priv;
	const char *user = c->spec.conf->u.misc.user, *group = c->spec.conf->u.misc.group;
	uid_t uid = 0;
	gid_t gid = 0;
	char *cmd;
	sigset_t all, old;
	pid_t pid;

	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p) {
			snprintf(why, len, "out of memory");
			return -1;
		}
		p->pidfd = -1;
		c->priv = p;
	}
	if (user) {
		struct passwd *pw = getpwnam(user);
		if (!pw) {
			snprintf(why, len, "MISC_CHECK: no user %s", user);
			return -1;
		}
		uid = pw->pw_uid;
		gid = pw->pw_gid;
		if (group) {
			struct group *gr = getgrnam(group);
			if (!gr) {
				snprintf(why, len, "MISC_CHECK: no group %s", group);
				return -1;
			}
			gid = gr->gr_gid;
		}
	}
	cmd = command(c);
	if (!cmd) {
		snprintf(why, len, "MISC_CHECK: no misc_path");
		return -1;
	}
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);
		setpgid(0, 0);
		for (int s = 1; s < NSIG; s++)
			signal(s, SIG_DFL);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		syscall(SYS_close_range, 3u, ~0u, 0u);
		if (user && (setgroups(0, NULL) || setgid(gid) || setuid(uid)))
			_exit(1);
		sigprocmask(SIG_SETMASK, &old, NULL);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(cmd);
	if (pid < 0) {
		snprintf(why, len, "MISC_CHECK: fork: %s", strerror(errno));
		return -1;
	}
	setpgid(pid, pid);          /* also from here: no race with the kill at timeout */
	p->pid = pid;
	if (ev_is_default_loop(chk_loop(c))) {
		ev_child_init(&p->cw, child_cb, pid, 0);
		p->cw.data = c;
		ev_child_start(chk_loop(c), &p->cw);
	} else {
		p->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
		if (p->pidfd < 0) {
			snprintf(why, len, "MISC_CHECK: pidfd_open: %s", strerror(errno));
			misc_kill(c);
			return -1;
		}
		ev_io_init(&p->pio, pidfd_cb, p->pidfd, EV_READ);
		p->pio.data = c;
		ev_io_start(chk_loop(c), &p->pio);
	}
	ev_timer_init(&p->to, to_cb, (double)misc_timeout_us(c) / 1e6, 0.);
	p->to.data = c;
	ev_timer_start(chk_loop(c), &p->to);
	return 0;
}

static void misc_stop(struct chk_inst *c)
{
	misc_kill(c);
}

static void misc_free(struct chk_inst *c)
{
	if (!c->priv)
		return;
	misc_kill(c);
	free(c->priv);
	c->priv = NULL;
}

/* no .same: the command, timeout and user are in the checker text (the engine's key) */
const struct chk_ops chk_misc_ops = {
	.name = "MISC_CHECK", .start = misc_start, .stop = misc_stop,
	.free = misc_free, .deadline_us = misc_timeout_us,
};
