/* lib/conf_rsv.h - private to the resolve stage (conf_resolve.c, conf_source.c): the line
 * sources (files read in blocks, multi-line parameter values), the resolver's state, and the
 * functions the two files share. */
#ifndef TDM_CONF_RSV_H
#define TDM_CONF_RSV_H

#include <sys/stat.h>
#include <sys/types.h>
#include "lib/conf_int.h"

#define MAX_EXPAND_DEPTH 64

/* a source of lines: a file's text, or the lines of a multi-line parameter value */
struct lsrc {
	const char *p, *end;
	uint32_t file;
	uint32_t line;      /* line number of the last line returned (files count up) */
	int is_file;
	const char *dir;    /* directory for relative includes and ${_PWD}; NULL = cwd */
	dev_t dev;
	ino_t ino;
	struct lsrc *up;
	/* files are read in blocks: p..end is the unread part of buf */
	int fd;             /* -1: the whole text is in memory */
	char *buf;
	size_t cap;
	int eof;
};

#define READ_BLOCK (256u * 1024u)

struct openblk {
	char kw[48];
	uint32_t file, line, col;
};

struct rsv {
	struct tdm_conf_opts opts;
	char conf_id[256];
	struct tdm_diags *diags;
	struct tdm_buf text;
	struct tdm_origin *origin;
	size_t nlines, ocap;
	uint32_t **tcols;       /* per line: offset into cols (as a pointer value until the end) */
	uint32_t *cols;
	size_t ncols, colcap;
	char **files;
	size_t nfiles, fcap;
	struct tdm_params params;
	struct openblk stack[TDM_CONF_MAX_DEPTH];
	int depth;
	int pending_ok;
	struct openblk last;    /* the last plain statement, for "{" on the next line */
	int fatal;
	int inc_depth;
	size_t gen_iters;       /* generator iterations so far (bounded by max_lines) */
	size_t exp_lines;       /* lines read from multi-line parameter values (same bound) */
	size_t subst_bytes;     /* bytes produced by substitution (bounded by 256 x max_lines) */
	struct lsrc *top;
	char *cwd;
	struct tdm_toks toks;
};

void tdm_rsv_diag(struct rsv *r, enum tdm_sev sev, uint32_t file, uint32_t line, uint32_t col,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
uint32_t tdm_rsv_add_file(struct rsv *r, const char *name);
/* conf_resolve.c: process every line of a source */
void tdm_rsv_run_source(struct rsv *r, struct lsrc *s);

/* conf_source.c */
/* next raw line of s (comments stripped for files); 0 at the end. The line stays valid until
 * the next call on s. */
int tdm_rsv_next_raw(struct rsv *r, struct lsrc *s, const char **line, size_t *n);
/* offset of an unescaped '\' ending s[0..n) (before trailing blanks), or -1 */
long tdm_rsv_trailing_backslash(const char *s, size_t n);
/* directory of the innermost file source (relative includes, ${_PWD}); NULL = cwd */
const char *tdm_rsv_src_dir(const struct lsrc *s);
/* open a config file (regular files only); fd or -1 with errno (EINVAL: not a regular file) */
int tdm_rsv_open(const char *path, struct stat *st);
/* read a whole file as a source; returns its last line number */
uint32_t tdm_rsv_run_file(struct rsv *r, uint32_t fidx, const char *path, int fd,
                          const struct stat *st);
/* does the line start with include/includer/...? (its pattern keeps braces) */
int tdm_rsv_starts_with_include(const char *s, size_t n);
/* the include statement lexed in r->toks, found on line `line` of s */
void tdm_rsv_include(struct rsv *r, struct lsrc *s, uint32_t line);

#endif
