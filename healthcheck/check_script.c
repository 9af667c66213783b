/* healthcheck/check_script.c - fire-and-forget scripts of the check part (notify_up,
 * notify_down, quorum_up, quorum_down): run with /bin/sh -c, detached (double fork, so no
 * zombie is left whatever the loop), in a new session, stdin/stdout/stderr on /dev/null, no
 * inherited fds. */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "healthcheck/check_script.h"
#include "lib/log.h"

int check_script_run(const char *cmd)
{
	sigset_t all, old;
	pid_t pid;
	int st;

	if (!cmd || !*cmd)
		return 0;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid = fork();
	if (pid == 0) {
		if (fork() != 0)
			_exit(0);
		int fd = open("/dev/null", O_RDWR);
		setsid();
		for (int s = 1; s < NSIG; s++)
			signal(s, SIG_DFL);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		syscall(SYS_close_range, 3u, ~0u, 0u);
		sigprocmask(SIG_SETMASK, &old, NULL);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		tdm_log_err("cannot run '%s': fork failed", cmd);
		return -1;
	}
	waitpid(pid, &st, 0);       /* the intermediate child exits at once */
	tdm_log_info("ran '%s'", cmd);
	return 0;
}
