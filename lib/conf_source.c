/* lib/conf_source.c - where the resolve stage gets its lines: config files read in blocks
 * (comments stripped, overlong lines and NUL bytes refused), multi-line parameter values, and
 * `include` with globs and braces, relative to the including file, with loop and depth checks. */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/conf_rsv.h"

/* ---- line sources ---- */

/* read more of a streamed file into s->buf; 0 ok, -1 at the end (or on a read error) */
static int refill(struct rsv *r, struct lsrc *s)
{
	size_t keep = (size_t)(s->end - s->p);
	ssize_t k;

	if (s->fd < 0 || s->eof)
		return -1;
	if (s->p != s->buf) {
		memmove(s->buf, s->p, keep);
		s->p = s->buf;
		s->end = s->buf + keep;
	}
	if (keep + READ_BLOCK / 2 > s->cap) {
		s->cap = s->cap ? s->cap * 2 : READ_BLOCK;
		s->buf = tdm_xrealloc(s->buf, s->cap);
		s->p = s->buf;
		s->end = s->buf + keep;
	}
	do
		k = read(s->fd, s->buf + keep, s->cap - keep);
	while (k < 0 && errno == EINTR);
	if (k <= 0) {
		if (k < 0)
			tdm_rsv_diag(r, TDM_SEV_ERROR, s->file, s->line + 1, 0, "read error: %s",
			      strerror(errno));
		s->eof = 1;
		return -1;
	}
	s->end += k;
	return 0;
}

/* next raw line of s (comments stripped for files); 0 at the end. The line stays valid until
 * the next call on s. */
int tdm_rsv_next_raw(struct rsv *r, struct lsrc *s, const char **line, size_t *n)
{
	const char *nl, *p;
	size_t len, scanned = 0, dropped = 0;

	for (;;) {
		nl = s->end > s->p + scanned ?
		     memchr(s->p + scanned, '\n', (size_t)(s->end - s->p) - scanned) : NULL;
		if (nl)
			break;
		scanned = (size_t)(s->end - s->p);
		if (s->fd >= 0 && scanned > r->opts.max_line_len) {
			/* far too long: drop what we have, keep looking for its end */
			dropped += scanned;
			s->p = s->end;
			scanned = 0;
		}
		if (refill(r, s) < 0)
			break;
	}
	if (s->p >= s->end && !dropped)
		return 0;
	p = s->p;
	len = nl ? (size_t)(nl - p) : (size_t)(s->end - p);
	s->p = nl ? nl + 1 : s->end;
	if (!s->is_file) {
		*line = p;
		*n = len;
		return 1;
	}
	s->line++;
	if (len + dropped > r->opts.max_line_len) {
		tdm_rsv_diag(r, TDM_SEV_ERROR, s->file, s->line, 1,
		      "line longer than %zu bytes (the line length limit); line ignored",
		      r->opts.max_line_len);
		len = 0;
	} else if (memchr(p, '\0', len)) {
		tdm_rsv_diag(r, TDM_SEV_ERROR, s->file, s->line,
		      (uint32_t)((const char *)memchr(p, '\0', len) - p) + 1,
		      "NUL byte in the configuration; line ignored");
		len = 0;
	}
	if (len && p[len - 1] == '\r')
		len--;
	*line = p;
	*n = tdm_lex_strip_comment(p, len);
	return 1;
}

/* does s[0..n) end with an unescaped '\' (after trailing blanks)? returns its offset or -1 */
long tdm_rsv_trailing_backslash(const char *s, size_t n)
{
	size_t k = 0;

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (!n || s[n - 1] != '\\')
		return -1;
	while (k < n && s[n - 1 - k] == '\\')
		k++;
	return (k % 2) ? (long)(n - 1) : -1;
}

const char *tdm_rsv_src_dir(const struct lsrc *s)
{
	for (; s; s = s->up)
		if (s->is_file)
			return s->dir;
	return NULL;
}


/* ---- include ---- */

/* open a config file for reading: a regular file (or anything but a directory) */
int tdm_rsv_open(const char *path, struct stat *st)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return -1;
	if (fstat(fd, st) < 0) {
		close(fd);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		/* directories, FIFOs, devices (/dev/zero would never end) */
		errno = S_ISDIR(st->st_mode) ? EISDIR : EINVAL;
		close(fd);
		return -1;
	}
	return fd;
}

static char *dir_of(const char *path)
{
	char *real = realpath(path, NULL), *slash;

	if (!real) {
		real = strdup(path);
		if (!real)
			tdm_conf_oom();
	}
	slash = strrchr(real, '/');
	if (slash == real)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		strcpy(real, ".");
	return real;
}

uint32_t tdm_rsv_run_file(struct rsv *r, uint32_t fidx, const char *path, int fd,
                         const struct stat *st)
{
	struct lsrc s = { 0 };
	char *dir = dir_of(path);

	s.fd = fd;
	s.file = fidx;
	s.is_file = 1;
	s.dir = dir;
	s.dev = st->st_dev;
	s.ino = st->st_ino;
	s.up = r->top;
	r->top = &s;
	tdm_rsv_run_source(r, &s);
	r->top = s.up;
	free(s.buf);
	free(dir);
	return s.line ? s.line : 1;
}

static int has_wildcard(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

void tdm_rsv_include(struct rsv *r, struct lsrc *s, uint32_t line)
{
	struct tdm_toks *t = &r->toks;
	const char *kw = t->store.p + t->v[0].off;
	const char *dir = tdm_rsv_src_dir(s);
	char *pattern = NULL;
	glob_t g;
	size_t i;
	int rc, strict_wild = !strcmp(kw, "includew") || !strcmp(kw, "includea");

	if (t->n != 2 || t->v[1].kind != TDM_TOK_WORD) {
		tdm_rsv_diag(r, TDM_SEV_ERROR, s->file, line, t->v[0].col,
		      "'%s' takes exactly one file name or pattern", kw);
		return;
	}
	if (r->opts.no_include) {
		tdm_rsv_diag(r, TDM_SEV_ERROR, s->file, line, t->v[0].col, "'%s' is disabled here", kw);
		return;
	}
	{
		const char *pat = t->store.p + t->v[1].off;

		if (pat[0] != '/' && dir) {
			if (asprintf(&pattern, "%s/%s", dir, pat) < 0)
				tdm_conf_oom();
		} else {
			pattern = strdup(pat);
			if (!pattern)
				tdm_conf_oom();
		}
	}
	rc = glob(pattern, GLOB_BRACE | GLOB_NOCHECK, NULL, &g);
	if (rc != 0) {
		tdm_rsv_diag(r, TDM_SEV_ERROR, s->file, line, t->v[1].col, "'%s %s': cannot expand",
		      kw, pattern);
		free(pattern);
		return;
	}
	for (i = 0; i < g.gl_pathc && !r->fatal; i++) {
		const char *path = g.gl_pathv[i];
		struct stat st;
		struct lsrc *up;
		uint32_t fidx;
		int loop = 0, fd = tdm_rsv_open(path, &st);

		if (fd < 0) {
			int e = errno;

			if (e == ENOENT && has_wildcard(path) && !strict_wild)
				continue;   /* a pattern that matched nothing */
			tdm_rsv_diag(r, TDM_SEV_ERROR, s->file, line, t->v[1].col,
			      "cannot read include file '%s': %s", path,
			      e == EINVAL ? "not a regular file" : strerror(e));
			continue;
		}
		for (up = r->top; up; up = up->up)
			if (up->is_file && up->dev == st.st_dev && up->ino == st.st_ino)
				loop = 1;
		if (loop) {
			tdm_rsv_diag(r, TDM_SEV_ERROR, s->file, line, t->v[1].col,
			      "include loop: '%s' is already being read", path);
			close(fd);
			continue;
		}
		if (r->inc_depth >= r->opts.max_include_depth) {
			tdm_rsv_diag(r, TDM_SEV_ERROR, s->file, line, t->v[1].col,
			      "includes nested deeper than %d levels", r->opts.max_include_depth);
			close(fd);
			continue;
		}
		fidx = tdm_rsv_add_file(r, path);
		r->inc_depth++;
		tdm_rsv_run_file(r, fidx, path, fd, &st);
		r->inc_depth--;
		close(fd);
	}
	globfree(&g);
	free(pattern);
}

/* ---- the line pipeline ---- */

static int is_include_kw(const char *s)
{
	return !strcmp(s, "include") || !strcmp(s, "includer") || !strcmp(s, "includem") ||
	       !strcmp(s, "includew") || !strcmp(s, "includeb") || !strcmp(s, "includea");
}

/* include lines keep '{' '}' in their pattern (brace expansion) */
int tdm_rsv_starts_with_include(const char *s, size_t n)
{
	size_t w = 0;
	char kw[10];

	while (w < n && w < 9 && s[w] != ' ' && s[w] != '\t')
		w++;
	if (w == n || w > 8)
		return 0;
	memcpy(kw, s, w);
	kw[w] = '\0';
	return is_include_kw(kw);
}
