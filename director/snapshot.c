/* director/snapshot.c - the config snapshot handed to children: a memfd holding the canonical
 * text and a terminating NUL, sealed against any change (shrink, grow, write, further seals).
 * The child maps it read-only after checking the seals, so what it parses is exactly what the
 * parent validated. */
#include "director/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "lib/log.h"

#define SNAP_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL)

int dir_snapshot_create(const char *text, size_t len)
{
	size_t off = 0;
	int fd;

	fd = memfd_create("tandem-config", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		goto fail;
	while (off < len + 1) {
		ssize_t n = off < len ? write(fd, text + off, len - off) : write(fd, "", 1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)n;
	}
	if (fcntl(fd, F_ADD_SEALS, SNAP_SEALS) < 0)
		goto fail;
	return fd;
fail:
	tdm_log_err("config snapshot: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

int dir_snapshot_map(int fd, const char **text, size_t *len)
{
	struct stat st;
	int seals;
	char *p;

	seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0 || (seals & SNAP_SEALS) != SNAP_SEALS) {
		tdm_log_err("config snapshot: not sealed (seals 0x%x)", seals);
		return -1;
	}
	if (fstat(fd, &st) < 0 || st.st_size < 1) {
		tdm_log_err("config snapshot: bad size");
		return -1;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		tdm_log_err("config snapshot: mmap: %s", strerror(errno));
		return -1;
	}
	if (p[st.st_size - 1] != '\0') {
		tdm_log_err("config snapshot: not NUL-terminated");
		munmap(p, (size_t)st.st_size);
		return -1;
	}
	*text = p;
	*len = (size_t)st.st_size - 1;
	return 0;
}

void dir_snapshot_unmap(const char *text, size_t len)
{
	if (text)
		munmap((void *)text, len + 1);
}
