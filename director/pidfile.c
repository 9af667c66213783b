/* director/pidfile.c - the parent's pidfile, locked with flock() so that a second tandemd on
 * the same pidfile refuses to start. */
#include "director/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include "lib/log.h"

static void make_parent_dir(const char *path)
{
	char dir[4096];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		tdm_log_debug("mkdir %s: %s", dir, strerror(errno));
}

int dir_pidfile_lock(const char *path, int *fd_out)
{
	char buf[32] = "";
	ssize_t n;
	int fd;

	make_parent_dir(path);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		tdm_log_err("pidfile %s: %s", path, strerror(errno));
		fprintf(stderr, "tandemd: cannot open pidfile %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno;

		n = pread(fd, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		if (err == EWOULDBLOCK) {
			tdm_log_err("another tandemd (pid %s) is already running with pidfile %s",
			            buf[0] ? buf : "?", path);
			fprintf(stderr, "tandemd: another tandemd (pid %s) is already running with "
			        "pidfile %s\n", buf[0] ? buf : "?", path);
		} else {
			tdm_log_err("pidfile %s: lock: %s", path, strerror(err));
			fprintf(stderr, "tandemd: cannot lock pidfile %s: %s\n", path, strerror(err));
		}
		close(fd);
		return -1;
	}
	*fd_out = fd;
	return 0;
}

int dir_pidfile_write(int fd)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());

	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)len, 0) != len) {
		tdm_log_err("pidfile: write: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void dir_pidfile_remove(const char *path, int fd)
{
	if (fd < 0)
		return;
	if (unlink(path) < 0 && errno != ENOENT)
		tdm_log_warn("pidfile %s: unlink: %s", path, strerror(errno));
	close(fd);
}
