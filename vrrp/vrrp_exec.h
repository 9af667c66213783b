/* vrrp/vrrp_exec.h - runs one script for the VRRP child (track scripts, notify scripts):
 * /bin/sh -c in its own process group, unprivileged (a resolved uid/gid), stdio on /dev/null,
 * no inherited descriptors; watched with an ev_child on the child's default loop (never
 * waited for), killed with its whole process group when its timeout runs out. */
#ifndef VRRP_EXEC_H
#define VRRP_EXEC_H

#include <ev.h>
#include <stdint.h>
#include <sys/types.h>

struct vrrp_exec;
/* status: waitpid status (valid when !timed_out) */
typedef void (*vrrp_exec_done_fn)(void *arg, struct vrrp_exec *x, int status, int timed_out);

struct vrrp_exec {
	struct ev_loop *loop;
	ev_child cw;
	ev_timer to;
	pid_t pid;                  /* 0: not running */
	vrrp_exec_done_fn done;
	void *arg;
};

/* who a script runs as */
struct vrrp_exec_cred {
	uid_t uid;
	gid_t gid;
	const char *user;           /* for logs */
};

/* Resolve user [group]: the script's own, else global script_user [script_group], else the
 * user keepalived_script if it exists, else nobody. 0 ok, -1 unknown user/group (logged). */
int vrrp_exec_cred(const char *user, const char *group, const char *g_user, const char *g_group,
                   struct vrrp_exec_cred *out);

/* Start `cmd` (a shell command line) with extra positional arguments args[0..nargs-1]
 * (appended to the command as "$@"). timeout_us 0 = none. 0 started, -1 not (logged). */
int vrrp_exec_start(struct vrrp_exec *x, struct ev_loop *loop, const char *cmd,
                    const char *const *args, int nargs, const struct vrrp_exec_cred *cred,
                    uint64_t timeout_us, vrrp_exec_done_fn done, void *arg);
/* stop watching; kill the process group when kill_it (else it runs on, reaped by libev) */
void vrrp_exec_cancel(struct vrrp_exec *x, int kill_it);

/* enable_script_security: may `cmd` run as root? Its executable (the first word, searched in
 * PATH when it has no '/') and every directory above it (symlinks resolved) must be owned by
 * root and writable by no one else (group-writable only with group 0); a world-writable
 * directory with the sticky bit (/tmp) is fine when the entry in it is root's. 0 secure,
 * -1 not (the reason in why). */
int vrrp_exec_secure(const char *cmd, char *why, size_t wlen);

/* one script of a detached chain */
struct vrrp_exec_job {
	const char *cmd;
	const char *const *args;
	int nargs;
	struct vrrp_exec_cred cred;
};

/* Run jobs[0..n-1] one after the other, in that order, in a detached process (its own
 * session) that outlives the caller: first it waits for `after` (a script already running,
 * 0 = none) to end, then starts each job when the previous one ended; each gets timeout_us
 * (0 = none) before its process group is killed. For an owner going away (the child's
 * shutdown) with scripts still queued. 0 started, -1 not (logged). */
int vrrp_exec_chain_detached(const struct vrrp_exec_job *jobs, size_t n, pid_t after,
                             uint64_t timeout_us);

#endif
