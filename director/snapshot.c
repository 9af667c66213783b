/* director/snapshot.c - the config snapshot handed to children: a memfd holding the canonical
 * text and a terminating NUL, then the origin map (which file:line each canonical line came
 * from, so that children name the operator's file in their messages), sealed against any
 * change (shrink, grow, write, further seals). The child maps it read-only after checking the
 * seals, so what it parses is exactly what the parent validated.
 *
 * Origin section (after the NUL, at a 4-byte boundary): "TDMO", u32 nfiles, u32 nlines,
 * nlines x struct tdm_origin (file index, line, column; the same binary writes and reads
 * it), then nfiles NUL-terminated file names. */
#include "director/daemon.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "lib/log.h"

#define SNAP_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL)

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int dir_snapshot_create(const char *text, size_t len, const struct tdm_canon *canon)
{
	static const char zeros[4];
	uint32_t hdr[3];
	int fd;

	fd = memfd_create("tandem-config", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		goto fail;
	if (write_all(fd, text, len) < 0 || write_all(fd, zeros, 1) < 0)
		goto fail;
	if (canon && canon->origin && canon->nlines) {
		memcpy(&hdr[0], "TDMO", 4);
		hdr[1] = (uint32_t)canon->nfiles;
		hdr[2] = (uint32_t)canon->nlines;
		if (write_all(fd, zeros, (4 - (len + 1) % 4) % 4) < 0 ||
		    write_all(fd, hdr, sizeof(hdr)) < 0 ||
		    write_all(fd, canon->origin, canon->nlines * sizeof(*canon->origin)) < 0)
			goto fail;
		for (size_t i = 0; i < canon->nfiles; i++)
			if (write_all(fd, canon->files[i], strlen(canon->files[i]) + 1) < 0)
				goto fail;
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

/* The origin section after the text (bounds-checked: a bad section is ignored, the text
 * still parses, messages then name canonical lines). */
static void read_origin(const char *p, size_t size, size_t len, struct tdm_canon *o)
{
	size_t off = (len + 1 + 3) & ~(size_t)3, need;
	uint32_t hdr[3];

	if (off + sizeof(hdr) > size)
		return;
	memcpy(hdr, p + off, sizeof(hdr));
	if (memcmp(&hdr[0], "TDMO", 4) || !hdr[1] || !hdr[2])
		return;
	off += sizeof(hdr);
	need = (size_t)hdr[2] * sizeof(struct tdm_origin);
	if (need / sizeof(struct tdm_origin) != hdr[2] || off + need > size)
		return;
	o->origin = malloc(need);
	o->files = calloc(hdr[1], sizeof(*o->files));
	if (!o->origin || !o->files)
		goto bad;
	memcpy(o->origin, p + off, need);
	off += need;
	for (uint32_t i = 0; i < hdr[1]; i++) {
		const char *end = off < size ? memchr(p + off, '\0', size - off) : NULL;

		if (!end)
			goto bad;
		o->files[i] = strdup(p + off);
		if (!o->files[i])
			goto bad;
		o->nfiles = i + 1;
		off = (size_t)(end - p) + 1;
	}
	o->nlines = hdr[2];
	for (size_t i = 0; i < o->nlines; i++)
		if (o->origin[i].file >= o->nfiles)
			goto bad;
	return;
bad:
	dir_origin_free(o);
}

void dir_origin_free(struct tdm_canon *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->nfiles; i++)
		free(o->files[i]);
	free(o->files);
	free(o->origin);
	memset(o, 0, sizeof(*o));
}

void dir_origin_where(const struct tdm_canon *o, uint32_t line, char *buf, size_t cap)
{
	if (o && line >= 1 && line <= o->nlines && o->origin[line - 1].file < o->nfiles)
		snprintf(buf, cap, "%s:%u", o->files[o->origin[line - 1].file],
		         o->origin[line - 1].line);
	else
		snprintf(buf, cap, "config line %u", line);
}

int dir_snapshot_map(int fd, const char **text, size_t *len, struct tdm_canon *origin)
{
	struct stat st;
	const char *nul;
	int seals;
	char *p;

	if (origin)
		memset(origin, 0, sizeof(*origin));
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
	nul = memchr(p, '\0', (size_t)st.st_size);
	if (!nul) {
		tdm_log_err("config snapshot: not NUL-terminated");
		munmap(p, (size_t)st.st_size);
		return -1;
	}
	*text = p;
	*len = (size_t)(nul - p);
	if (origin)
		read_origin(p, (size_t)st.st_size, *len, origin);
	return 0;
}

void dir_snapshot_unmap(int fd, const char *text)
{
	struct stat st;

	if (text && fstat(fd, &st) == 0)
		munmap((void *)text, (size_t)st.st_size);
}
