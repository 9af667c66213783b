/* vrrp/vrrp_exec.c - one script run for the VRRP child: fork, own process group, scheduling
 * and memory locks reset (the child may run real-time with locked memory), credentials
 * dropped, /bin/sh -c; ev_child for the exit, an ev_timer for the timeout (SIGKILL to the
 * whole group). See vrrp_exec.h. */
#include "vrrp/vrrp_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lib/log.h"

int vrrp_exec_cred(const char *user, const char *group, const char *g_user, const char *g_group,
                   struct vrrp_exec_cred *out)
{
	struct passwd *pw;

	if (!user) {
		user = g_user;
		group = g_group;
	}
	if (!user) {
		group = NULL;
		user = getpwnam("keepalived_script") ? "keepalived_script" : "nobody";
	}
	pw = getpwnam(user);
	if (!pw) {
		tdm_log_err("script user %s does not exist", user);
		return -1;
	}
	out->uid = pw->pw_uid;
	out->gid = pw->pw_gid;
	out->user = user;
	if (group) {
		struct group *gr = getgrnam(group);

		if (!gr) {
			tdm_log_err("script group %s does not exist", group);
			return -1;
		}
		out->gid = gr->gr_gid;
	}
	return 0;
}

static void child_cb(struct ev_loop *loop, ev_child *w, int revents)
{
	struct vrrp_exec *x = w->data;

	ev_child_stop(loop, w);
	ev_timer_stop(loop, &x->to);
	x->pid = 0;
	if (x->done)
		x->done(x->arg, x, w->rstatus, 0);
}

static void to_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct vrrp_exec *x = w->data;

	vrrp_exec_cancel(x, 1);
	if (x->done)
		x->done(x->arg, x, 0, 1);
}

void vrrp_exec_cancel(struct vrrp_exec *x, int kill_it)
{
	if (!x->pid)
		return;
	if (kill_it)
		kill(-x->pid, SIGKILL);
	ev_child_stop(x->loop, &x->cw);
	ev_timer_stop(x->loop, &x->to);
	/* libev's SIGCHLD handler on the default loop reaps it */
	x->pid = 0;
}

static void child_exec(const char *cmdline, const char *const *args, int nargs,
                       const struct vrrp_exec_cred *cred, const sigset_t *old)
{
	const char *argv[16];
	struct sched_param sp = { .sched_priority = 0 };
	int fd = open("/dev/null", O_RDWR), n = 0;

	setpgid(0, 0);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	syscall(SYS_close_range, 3u, ~0u, 0u);
	sched_setscheduler(0, SCHED_OTHER, &sp);
	munlockall();
	if (setgroups(0, NULL) || setgid(cred->gid) || setuid(cred->uid))
		_exit(126);
	sigprocmask(SIG_SETMASK, old, NULL);
	argv[n++] = "sh";
	argv[n++] = "-c";
	argv[n++] = cmdline;
	argv[n++] = "sh";
	for (int i = 0; i < nargs && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	execv("/bin/sh", (char *const *)argv);
	_exit(127);
}

int vrrp_exec_start(struct vrrp_exec *x, struct ev_loop *loop, const char *cmd,
                    const char *const *args, int nargs, const struct vrrp_exec_cred *cred,
                    uint64_t timeout_us, vrrp_exec_done_fn done, void *arg)
{
	sigset_t all, old;
	char *cmdline;
	size_t len = strlen(cmd) + 8;
	pid_t pid;

	cmdline = malloc(len);
	if (!cmdline)
		return -1;
	/* the extra arguments follow the configured ones */
	snprintf(cmdline, len, nargs ? "%s \"$@\"" : "%s", cmd);
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid = fork();
	if (pid == 0)
		child_exec(cmdline, args, nargs, cred, &old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(cmdline);
	if (pid < 0) {
		tdm_log_err("script %s: fork: %s", cmd, strerror(errno));
		return -1;
	}
	setpgid(pid, pid);          /* also here: no race with a kill at timeout */
	x->loop = loop;
	x->pid = pid;
	x->done = done;
	x->arg = arg;
	ev_child_init(&x->cw, child_cb, pid, 0);
	x->cw.data = x;
	ev_child_start(loop, &x->cw);
	ev_timer_init(&x->to, to_cb, (double)timeout_us / 1e6, 0.);
	x->to.data = x;
	if (timeout_us)
		ev_timer_start(loop, &x->to);
	return 0;
}

/* ---- a detached chain (see vrrp_exec.h) ---- */

/* wait for pid (a process of ours or not) to end, at most timeout_us (0: no limit); then
 * kill its process group. Reaps it when it is our child. */
static void chain_wait(pid_t pid, uint64_t timeout_us, int ours)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0), status;
	int ms = timeout_us ? (int)((timeout_us + 999) / 1000) : -1;

	if (pfd >= 0) {
		struct pollfd p = { .fd = pfd, .events = POLLIN };
		int r;

		do
			r = poll(&p, 1, ms);
		while (r < 0 && errno == EINTR);
		if (r == 0)
			kill(-pid, SIGKILL);        /* its timeout ran out */
		close(pfd);
	} else if (ours && timeout_us) {
		/* no pidfd (old kernel): poll the exit with waitpid, 10 ms steps */
		for (uint64_t t = 0; t < timeout_us; t += 10000) {
			if (waitpid(pid, &status, WNOHANG) == pid)
				return;
			usleep(10000);
		}
		kill(-pid, SIGKILL);
	}
	if (ours)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
}

static void chain_run(const struct vrrp_exec_job *jobs, size_t n, pid_t after,
                      uint64_t timeout_us)
{
	struct sched_param sp = { .sched_priority = 0 };
	sigset_t none;

	int fd = open("/dev/null", O_RDWR);

	setsid();
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	syscall(SYS_close_range, 3u, ~0u, 0u);      /* nothing of the child's stays open */
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	sigemptyset(&none);
	sched_setscheduler(0, SCHED_OTHER, &sp);
	munlockall();
	if (after > 0)
		chain_wait(after, timeout_us, 0);
	for (size_t i = 0; i < n; i++) {
		char *cmdline;
		size_t len = strlen(jobs[i].cmd) + 8;
		pid_t pid;

		cmdline = malloc(len);
		if (!cmdline)
			continue;
		snprintf(cmdline, len, jobs[i].nargs ? "%s \"$@\"" : "%s", jobs[i].cmd);
		pid = fork();
		if (pid == 0)
			child_exec(cmdline, jobs[i].args, jobs[i].nargs, &jobs[i].cred, &none);
		free(cmdline);
		if (pid < 0)
			continue;
		setpgid(pid, pid);
		chain_wait(pid, timeout_us, 1);
	}
}

int vrrp_exec_chain_detached(const struct vrrp_exec_job *jobs, size_t n, pid_t after,
                             uint64_t timeout_us)
{
	sigset_t all, old;
	pid_t pid;

	if (!n && after <= 0)
		return 0;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid = fork();
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		chain_run(jobs, n, after, timeout_us);
		_exit(0);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		tdm_log_err("notify scripts: fork: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- enable_script_security (see vrrp_exec.h) ---- */

static int first_word_path(const char *cmd, char *out, size_t len)
{
	static const char *const path[] = { "/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
		"/usr/bin", "/sbin", "/bin" };
	size_t n;

	while (*cmd == ' ' || *cmd == '\t')
		cmd++;
	n = strcspn(cmd, " \t");
	if (!n || n >= len)
		return -1;
	if (memchr(cmd, '/', n)) {
		memcpy(out, cmd, n);
		out[n] = '\0';
		return 0;
	}
	for (size_t i = 0; i < sizeof(path) / sizeof(path[0]); i++) {
		snprintf(out, len, "%s/%.*s", path[i], (int)n, cmd);
		if (access(out, X_OK) == 0)
			return 0;
	}
	return -1;
}

static int others_write(const struct stat *st)
{
	return st->st_uid != 0 || (st->st_gid != 0 && (st->st_mode & S_IWGRP)) ||
	       (st->st_mode & S_IWOTH);
}

int vrrp_exec_secure(const char *cmd, char *why, size_t wlen)
{
	char word[PATH_MAX], real[PATH_MAX], part[PATH_MAX];
	struct stat st, up;
	size_t k;

	if (first_word_path(cmd, word, sizeof(word)) < 0 || !realpath(word, real)) {
		snprintf(why, wlen, "its program cannot be found");
		return -1;
	}
	if (stat(real, &st) < 0 || others_write(&st)) {
		snprintf(why, wlen, "%s is %s", real, st.st_uid ? "not owned by root" :
		         "writable by others than root");
		return -1;
	}
	/* every directory from / down; the entry below a sticky directory must be root's */
	for (k = 1; real[k]; k++) {
		if (real[k] != '/')
			continue;
		memcpy(part, real, k);
		part[k] = '\0';
		if (stat(part, &up) < 0)
			return -1;
		if (others_write(&up) && !((up.st_mode & S_ISVTX) && up.st_uid == 0)) {
			snprintf(why, wlen, "directory %s is writable by others than root", part);
			return -1;
		}
	}
	if (stat("/", &up) == 0 && others_write(&up) && !(up.st_mode & S_ISVTX)) {
		snprintf(why, wlen, "directory / is writable by others than root");
		return -1;
	}
	return 0;
}
