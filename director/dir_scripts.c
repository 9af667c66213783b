/* director/dir_scripts.c - startup_script, shutdown_script and the notify FIFO readers, run
 * by the parent with vrrp/vrrp_exec (see dir_scripts.h). */
#include "director/dir_scripts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "director/global_conf.h"
#include "lib/log.h"
#include "vrrp/vrrp_exec.h"

#define NFIFO 3

struct fifo_reader {
	const char *kw;             /* "notify_fifo_script" ... */
	char *fifo, *cmd, *user, *group;
	int hold_fd;                /* the FIFO held open for writing: the reader never sees EOF
	                             * while a writing child restarts */
	struct vrrp_exec x;
};

struct dir_scripts {
	struct ev_loop *loop;
	struct vrrp_exec startup, shutdown;
	void (*startup_done)(void *arg);
	void *startup_arg;
	int shutdown_running;
	struct fifo_reader fifo[NFIFO];
};

static const char *const fifo_kw[NFIFO] = {
	"notify_fifo_script", "vrrp_notify_fifo_script", "lvs_notify_fifo_script" };

struct dir_scripts *dir_scripts_new(struct ev_loop *loop)
{
	struct dir_scripts *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->loop = loop;
	for (int i = 0; i < NFIFO; i++) {
		s->fifo[i].kw = fifo_kw[i];
		s->fifo[i].hold_fd = -1;
	}
	return s;
}

/* who runs r; -1 (logged) for an unknown user or group, or a root script that
 * enable_script_security refuses */
static int cred_for(const struct tdm_global_conf *g, const struct tdm_script_ref *r,
                    struct vrrp_exec_cred *cred)
{
	char why[PATH_MAX + 64];

	if (vrrp_exec_cred(r->user, r->group, g->script_user, g->script_group, cred) < 0)
		return -1;
	if (g->enable_script_security && cred->uid == 0 &&
	    vrrp_exec_secure(r->cmd, why, sizeof(why)) < 0) {
		tdm_log_err("script '%s' not run as root (enable_script_security): %s", r->cmd, why);
		return -1;
	}
	return 0;
}

static void describe(char *buf, size_t cap, int status, int timed_out)
{
	if (timed_out)
		snprintf(buf, cap, "killed at its timeout");
	else if (WIFEXITED(status))
		snprintf(buf, cap, "exited %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, cap, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, cap, "status 0x%x", status);
}

/* ---- startup and shutdown ---- */

static void startup_done(void *arg, struct vrrp_exec *x, int status, int timed_out)
{
	struct dir_scripts *s = arg;
	char how[48];

	describe(how, sizeof(how), status, timed_out);
	if (timed_out || !WIFEXITED(status) || WEXITSTATUS(status))
		tdm_log_warn("startup_script %s; starting the children anyway", how);
	else
		tdm_log_notice("startup_script %s", how);
	if (s->startup_done)
		s->startup_done(s->startup_arg);
}

static int run_once(struct dir_scripts *s, struct vrrp_exec *x, const struct tdm_config *cfg,
                    const struct tdm_script_ref *r, int timeout_s, const char *what,
                    vrrp_exec_done_fn done)
{
	struct vrrp_exec_cred cred;

	if (!r->cmd)
		return 0;
	if (cred_for(cfg->global, r, &cred) < 0) {
		tdm_log_err("%s %s: not run", what, r->cmd);
		return 0;
	}
	tdm_log_notice("%s: running %s as %s (timeout %d s)", what, r->cmd, cred.user, timeout_s);
	if (vrrp_exec_start(x, s->loop, r->cmd, NULL, 0, &cred, (uint64_t)timeout_s * 1000000u,
	                    done, s) < 0)
		return 0;
	return 1;
}

int dir_scripts_startup(struct dir_scripts *s, const struct tdm_config *cfg,
                        void (*done)(void *arg), void *arg)
{
	const struct tdm_global_conf *g = cfg ? cfg->global : NULL;

	if (!s || !g)
		return 0;
	s->startup_done = done;
	s->startup_arg = arg;
	return run_once(s, &s->startup, cfg, &g->startup_script, g->startup_script_timeout,
	                "startup_script", startup_done);
}

static void shutdown_done(void *arg, struct vrrp_exec *x, int status, int timed_out)
{
	struct dir_scripts *s = arg;
	char how[48];

	describe(how, sizeof(how), status, timed_out);
	if (timed_out || !WIFEXITED(status) || WEXITSTATUS(status))
		tdm_log_warn("shutdown_script %s", how);
	else
		tdm_log_notice("shutdown_script %s", how);
	s->shutdown_running = 0;
	ev_break(s->loop, EVBREAK_ALL);
}

/* ---- FIFO readers ---- */

static void reader_exit(void *arg, struct vrrp_exec *x, int status, int timed_out)
{
	struct fifo_reader *f = (struct fifo_reader *)((char *)x - offsetof(struct fifo_reader, x));
	char how[48];

	describe(how, sizeof(how), status, timed_out);
	tdm_log_warn("%s %s %s (started again at the next reload)", f->kw, f->cmd, how);
}

static void reader_stop(struct fifo_reader *f)
{
	if (f->x.pid > 0) {
		tdm_log_info("%s %s: stopping (SIGTERM)", f->kw, f->cmd);
		kill(-f->x.pid, SIGTERM);
		vrrp_exec_cancel(&f->x, 0);     /* libev reaps it */
	}
	if (f->hold_fd >= 0)
		close(f->hold_fd);
	f->hold_fd = -1;
	free(f->fifo);
	free(f->cmd);
	free(f->user);
	free(f->group);
	f->fifo = f->cmd = f->user = f->group = NULL;
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static char *dup_or_null(const char *p)
{
	return p ? strdup(p) : NULL;
}

static void reader_start(struct dir_scripts *s, struct fifo_reader *f,
                         const struct tdm_global_conf *g, const char *fifo,
                         const struct tdm_script_ref *r)
{
	struct vrrp_exec_cred cred;
	const char *args[1] = { fifo };
	struct stat st;

	if (stat(fifo, &st) < 0) {
		if (mkfifo(fifo, 0600) < 0) {
			tdm_log_err("%s: cannot create the FIFO %s: %s", f->kw, fifo, strerror(errno));
			return;
		}
	} else if (!S_ISFIFO(st.st_mode)) {
		tdm_log_err("%s: %s is not a FIFO", f->kw, fifo);
		return;
	}
	f->hold_fd = open(fifo, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	f->fifo = strdup(fifo);
	f->cmd = strdup(r->cmd);
	f->user = dup_or_null(r->user);
	f->group = dup_or_null(r->group);
	if (cred_for(g, r, &cred) < 0) {
		tdm_log_err("%s %s: not run", f->kw, r->cmd);
		return;
	}
	if (vrrp_exec_start(&f->x, s->loop, r->cmd, args, 1, &cred, 0, reader_exit, s) == 0)
		tdm_log_info("%s: started %s %s as %s, pid %d", f->kw, r->cmd, fifo, cred.user,
		             (int)f->x.pid);
}

void dir_scripts_fifos(struct dir_scripts *s, const struct tdm_config *cfg)
{
	const struct tdm_global_conf *g = cfg ? cfg->global : NULL;

	if (!s)
		return;
	for (int i = 0; i < NFIFO; i++) {
		struct fifo_reader *f = &s->fifo[i];
		const struct tdm_script_ref *fifo = NULL, *r = NULL;

		if (g) {
			fifo = i == 0 ? &g->notify_fifo : i == 1 ? &g->vrrp_notify_fifo :
			       &g->lvs_notify_fifo;
			r = i == 0 ? &g->notify_fifo_script : i == 1 ? &g->vrrp_notify_fifo_script :
			    &g->lvs_notify_fifo_script;
			if (!fifo->cmd || !r->cmd)
				fifo = r = NULL;
		}
		if (r && f->cmd && f->x.pid > 0 && same(f->fifo, fifo->cmd) &&
		    same(f->cmd, r->cmd) && same(f->user, r->user) && same(f->group, r->group))
			continue;               /* unchanged and running */
		reader_stop(f);
		if (r)
			reader_start(s, f, g, fifo->cmd, r);
	}
}

void dir_scripts_shutdown(struct dir_scripts *s, const struct tdm_config *cfg)
{
	const struct tdm_global_conf *g = cfg ? cfg->global : NULL;

	if (!s)
		return;
	for (int i = 0; i < NFIFO; i++)
		reader_stop(&s->fifo[i]);
	if (s->startup.pid > 0) {
		tdm_log_warn("startup_script still running at shutdown: killing it");
		vrrp_exec_cancel(&s->startup, 1);
	}
	if (!g || !run_once(s, &s->shutdown, cfg, &g->shutdown_script,
	                    g->shutdown_script_timeout, "shutdown_script", shutdown_done))
		return;
	s->shutdown_running = 1;
	/* bounded by the script's timeout: its timer kills it and ends the wait */
	while (s->shutdown_running)
		ev_run(s->loop, EVRUN_ONCE);
}

void dir_scripts_forget(struct dir_scripts *s)
{
	if (!s)
		return;
	for (int i = 0; i < NFIFO; i++) {
		struct fifo_reader *f = &s->fifo[i];

		if (f->hold_fd >= 0)
			close(f->hold_fd);
		free(f->fifo);
		free(f->cmd);
		free(f->user);
		free(f->group);
	}
	free(s);
}

void dir_scripts_free(struct dir_scripts *s)
{
	if (!s)
		return;
	for (int i = 0; i < NFIFO; i++)
		reader_stop(&s->fifo[i]);
	if (s->startup.pid > 0)
		vrrp_exec_cancel(&s->startup, 1);
	free(s);
}
