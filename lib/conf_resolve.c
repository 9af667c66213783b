/* lib/conf_resolve.c - stage 1 of the config front end: read the config file and its includes,
 * apply @id conditionals, $PARAMETER definitions and substitution, ~SEQ/~LST generators,
 * comments, quoting and line continuations, and write the flat canonical text (one statement
 * per line) with its origin map (file, line and the column of each token). */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
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

static void rdiag(struct rsv *r, enum tdm_sev sev, uint32_t file, uint32_t line, uint32_t col,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void rdiag(struct rsv *r, enum tdm_sev sev, uint32_t file, uint32_t line, uint32_t col,
                  const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	tdm_diags_add(r->diags, sev, file < r->nfiles ? r->files[file] : NULL, (int)line, (int)col,
	              "%s", msg ? msg : "(out of memory)");
	free(msg);
	if (sev == TDM_SEV_FATAL)
		r->fatal = 1;
}

static uint32_t add_file(struct rsv *r, const char *name)
{
	if (r->nfiles == r->fcap) {
		r->fcap = r->fcap ? r->fcap * 2 : 8;
		r->files = tdm_xrealloc(r->files, r->fcap * sizeof(*r->files));
	}
	r->files[r->nfiles] = strdup(name);
	if (!r->files[r->nfiles])
		tdm_conf_oom();
	return (uint32_t)r->nfiles++;
}

/* ---- output ---- */

static int new_line(struct rsv *r, uint32_t file, uint32_t line, uint32_t col)
{
	if (r->nlines >= r->opts.max_lines) {
		rdiag(r, TDM_SEV_FATAL, file, line, col,
		      "the configuration expands to more than %zu lines (the line limit)",
		      r->opts.max_lines);
		return -1;
	}
	if (r->nlines == r->ocap) {
		r->ocap = r->ocap ? r->ocap * 2 : 1024;
		r->origin = tdm_xrealloc(r->origin, r->ocap * sizeof(*r->origin));
		r->tcols = tdm_xrealloc(r->tcols, r->ocap * sizeof(*r->tcols));
	}
	r->origin[r->nlines].file = file;
	r->origin[r->nlines].line = line;
	r->origin[r->nlines].col = col;
	r->tcols[r->nlines] = (uint32_t *)(uintptr_t)r->ncols;
	r->nlines++;
	return 0;
}

static void push_col(struct rsv *r, uint32_t col)
{
	if (r->ncols == r->colcap) {
		r->colcap = r->colcap ? r->colcap * 2 : 4096;
		r->cols = tdm_xrealloc(r->cols, r->colcap * sizeof(*r->cols));
	}
	r->cols[r->ncols++] = col;
}

static void copy_kw(struct openblk *b, const char *kw, uint32_t file, uint32_t line,
                    uint32_t col)
{
	size_t n = strlen(kw);

	if (n >= sizeof(b->kw))
		n = sizeof(b->kw) - 1;
	memcpy(b->kw, kw, n);
	b->kw[n] = '\0';
	b->file = file;
	b->line = line;
	b->col = col;
}

static void push_block(struct rsv *r, const struct openblk *b)
{
	if (r->depth >= TDM_CONF_MAX_DEPTH) {
		rdiag(r, TDM_SEV_FATAL, b->file, b->line, b->col,
		      "blocks nested deeper than %d levels", TDM_CONF_MAX_DEPTH);
		return;
	}
	r->stack[r->depth++] = *b;
}

/* one tab per nesting level: for people reading --dump-config; the parser skips it */
static void indent(struct rsv *r, int depth)
{
	static const char tabs[] = "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t";

	while (depth > 0) {
		int k = depth > 16 ? 16 : depth;

		tdm_buf_put(&r->text, tabs, (size_t)k);
		depth -= k;
	}
}

/* a first token that resolving again would read as a directive is written quoted */
static int directive_like(const char *s, size_t n)
{
	return n && (s[0] == '@' || s[0] == '~' || s[0] == '$' ||
	             (n >= 7 && !memcmp(s, "include", 7) && n <= 8));
}

/* emit toks[from..to) as one statement; open: it ends with "{" at column bcol */
static void emit_stmt(struct rsv *r, size_t from, size_t to, int open, uint32_t bcol,
                      uint32_t file, uint32_t line)
{
	struct tdm_toks *t = &r->toks;
	size_t i;

	if (new_line(r, file, line, t->v[from].col) < 0)
		return;
	indent(r, r->depth);
	for (i = from; i < to; i++) {
		const char *tok = t->store.p + t->v[i].off;

		if (i > from)
			tdm_buf_putc(&r->text, ' ');
		if (i == from && directive_like(tok, t->v[i].len))
			tdm_canon_put_quoted(&r->text, tok, t->v[i].len);
		else
			tdm_canon_put_token(&r->text, tok, t->v[i].len);
		push_col(r, t->v[i].col);
	}
	copy_kw(&r->last, t->store.p + t->v[from].off, file, line, t->v[from].col);
	if (open) {
		tdm_buf_put(&r->text, " {", 2);
		push_col(r, bcol);
		push_block(r, &r->last);
	}
	tdm_buf_putc(&r->text, '\n');
	r->pending_ok = 0;
}

static void emit_close(struct rsv *r, uint32_t file, uint32_t line, uint32_t col)
{
	if (new_line(r, file, line, col) < 0)
		return;
	push_col(r, col);
	indent(r, r->depth - 1);
	tdm_buf_put(&r->text, "}\n", 2);
	r->depth--;
	r->pending_ok = 0;
}

/* statements of one resolved line */
static void feed(struct rsv *r, uint32_t file, uint32_t line)
{
	struct tdm_toks *t = &r->toks;
	size_t i, start = 0;

	for (i = 0; i < t->n && !r->fatal; i++) {
		struct tdm_tok *k = &t->v[i];

		if (k->kind == TDM_TOK_WORD)
			continue;
		if (k->kind == TDM_TOK_LBRACE) {
			if (i > start) {
				emit_stmt(r, start, i, 1, k->col, file, line);
			} else if (i == 0 && r->pending_ok) {
				/* "keyword" on one line, "{" on the next: reopen the last line */
				r->text.len--;  /* its '\n' */
				tdm_buf_put(&r->text, " {\n", 3);
				push_col(r, k->col);
				push_block(r, &r->last);
				r->pending_ok = 0;
			} else {
				rdiag(r, TDM_SEV_ERROR, file, line, k->col,
				      "'{' without a keyword before it");
			}
		} else {
			if (i > start)
				emit_stmt(r, start, i, 0, 0, file, line);
			if (r->depth == 0)
				rdiag(r, TDM_SEV_ERROR, file, line, k->col,
				      "'}' without a matching '{'");
			else
				emit_close(r, file, line, k->col);
		}
		start = i + 1;
	}
	if (start < t->n && !r->fatal) {
		emit_stmt(r, start, t->n, 0, 0, file, line);
		r->pending_ok = 1;
	}
}

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
			rdiag(r, TDM_SEV_ERROR, s->file, s->line + 1, 0, "read error: %s",
			      strerror(errno));
		s->eof = 1;
		return -1;
	}
	s->end += k;
	return 0;
}

/* next raw line of s (comments stripped for files); 0 at the end. The line stays valid until
 * the next call on s. */
static int next_raw(struct rsv *r, struct lsrc *s, const char **line, size_t *n)
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
		rdiag(r, TDM_SEV_ERROR, s->file, s->line, 1,
		      "line longer than %zu bytes (the line length limit); line ignored",
		      r->opts.max_line_len);
		len = 0;
	} else if (memchr(p, '\0', len)) {
		rdiag(r, TDM_SEV_ERROR, s->file, s->line,
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
static long trailing_backslash(const char *s, size_t n)
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

static const char *src_dir(const struct lsrc *s)
{
	for (; s; s = s->up)
		if (s->is_file)
			return s->dir;
	return NULL;
}

static void run_source(struct rsv *r, struct lsrc *s);
static void process(struct rsv *r, struct lsrc *s, const char *text, size_t n, uint32_t col0,
                    int depth);

/* ---- include ---- */

/* open a config file for reading: a regular file (or anything but a directory) */
static int open_conf(const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, st) < 0 || S_ISDIR(st->st_mode)) {
		if (S_ISDIR(st->st_mode))
			errno = EISDIR;
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

static uint32_t run_file(struct rsv *r, uint32_t fidx, const char *path, int fd,
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
	run_source(r, &s);
	r->top = s.up;
	free(s.buf);
	free(dir);
	return s.line ? s.line : 1;
}

static int has_wildcard(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static void do_include(struct rsv *r, struct lsrc *s, uint32_t line)
{
	struct tdm_toks *t = &r->toks;
	const char *kw = t->store.p + t->v[0].off;
	const char *dir = src_dir(s);
	char *pattern = NULL;
	glob_t g;
	size_t i;
	int rc, strict_wild = !strcmp(kw, "includew") || !strcmp(kw, "includea");

	if (t->n != 2 || t->v[1].kind != TDM_TOK_WORD) {
		rdiag(r, TDM_SEV_ERROR, s->file, line, t->v[0].col,
		      "'%s' takes exactly one file name or pattern", kw);
		return;
	}
	if (r->opts.no_include) {
		rdiag(r, TDM_SEV_ERROR, s->file, line, t->v[0].col, "'%s' is disabled here", kw);
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
		rdiag(r, TDM_SEV_ERROR, s->file, line, t->v[1].col, "'%s %s': cannot expand",
		      kw, pattern);
		free(pattern);
		return;
	}
	for (i = 0; i < g.gl_pathc && !r->fatal; i++) {
		const char *path = g.gl_pathv[i];
		struct stat st;
		struct lsrc *up;
		uint32_t fidx;
		int loop = 0, fd = open_conf(path, &st);

		if (fd < 0) {
			int e = errno;

			if (e == ENOENT && has_wildcard(path) && !strict_wild)
				continue;   /* a pattern that matched nothing */
			rdiag(r, TDM_SEV_ERROR, s->file, line, t->v[1].col,
			      "cannot read include file '%s': %s", path, strerror(e));
			continue;
		}
		for (up = r->top; up; up = up->up)
			if (up->is_file && up->dev == st.st_dev && up->ino == st.st_ino)
				loop = 1;
		if (loop) {
			rdiag(r, TDM_SEV_ERROR, s->file, line, t->v[1].col,
			      "include loop: '%s' is already being read", path);
			close(fd);
			continue;
		}
		if (r->inc_depth >= r->opts.max_include_depth) {
			rdiag(r, TDM_SEV_ERROR, s->file, line, t->v[1].col,
			      "includes nested deeper than %d levels", r->opts.max_include_depth);
			close(fd);
			continue;
		}
		fidx = add_file(r, path);
		r->inc_depth++;
		run_file(r, fidx, path, fd, &st);
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
static int starts_with_include(const char *s, size_t n)
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

/* $NAME=value [\ continued lines] */
static void define(struct rsv *r, struct lsrc *s, const char *text, size_t n, size_t nl)
{
	const char *v = text + 2 + nl;
	size_t vlen = n - 2 - nl;
	struct tdm_buf val = { 0 };
	char *name;
	long bs;

	while (vlen && (*v == ' ' || *v == '\t'))
		v++, vlen--;
	while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t' || v[vlen - 1] == '\r'))
		vlen--;
	bs = trailing_backslash(v, vlen);
	if (bs < 0) {
		tdm_params_set(&r->params, text + 1, nl, v, vlen);
		return;
	}
	/* the following lines may overwrite this one in the read buffer: copy the name */
	name = strndup(text + 1, nl);
	if (!name)
		tdm_conf_oom();
	tdm_buf_put(&val, v, (size_t)bs);
	for (;;) {
		const char *ln;
		size_t ll;

		if (!next_raw(r, s, &ln, &ll)) {
			rdiag(r, TDM_SEV_ERROR, s->file, s->line, 1,
			      "multi-line definition of $%s ends with '\\' at the end of input", name);
			break;
		}
		bs = trailing_backslash(ln, ll);
		if (val.len)
			tdm_buf_putc(&val, '\n');
		tdm_buf_put(&val, ln, bs < 0 ? ll : (size_t)bs);
		if (val.len > r->opts.max_line_len * 64) {
			rdiag(r, TDM_SEV_ERROR, s->file, s->line, 1, "definition of $%s is too long", name);
			break;
		}
		if (bs < 0)
			break;
	}
	tdm_params_set(&r->params, name, nl, val.p ? val.p : "", val.len);
	tdm_buf_free(&val);
	free(name);
}

static void generate(struct rsv *r, struct lsrc *s, const char *text, size_t n, uint32_t col0,
                     int depth)
{
	struct tdm_gen g;
	const char *err = NULL;
	char **saved, *copy;
	size_t i, k;
	uint32_t line = s->line;

	if (tdm_gen_parse(text, n, &g, &err) < 0) {
		rdiag(r, TDM_SEV_ERROR, s->file, line, col0, "%s", err);
		return;
	}
	/* each round may read further lines of s (a definition continued with '\'), which can
	 * move this line in the read buffer: work on a copy */
	copy = malloc(n + 1);
	if (!copy)
		tdm_conf_oom();
	memcpy(copy, text, n);
	text = copy;
	if (g.nrows > r->opts.max_lines) {
		rdiag(r, TDM_SEV_ERROR, s->file, line, col0,
		      "generator would produce %zu lines, more than the limit of %zu", g.nrows,
		      r->opts.max_lines);
		tdm_gen_free(&g);
		free(copy);
		return;
	}
	saved = calloc(g.nvars, sizeof(*saved));
	if (!saved)
		tdm_conf_oom();
	for (k = 0; k < g.nvars; k++) {
		size_t vl;
		const char *v = tdm_params_get(&r->params, g.vars[k], strlen(g.vars[k]), &vl);

		saved[k] = v ? strndup(v, vl) : NULL;
	}
	for (i = 0; i < g.nrows && !r->fatal; i++) {
		if (++r->gen_iters > r->opts.max_lines) {
			rdiag(r, TDM_SEV_FATAL, s->file, line, col0,
			      "generators run more than %zu times (the line limit)", r->opts.max_lines);
			break;
		}
		for (k = 0; k < g.nvars; k++) {
			char num[32];
			const char *v;

			if (g.type == TDM_GEN_LST) {
				v = g.vals[i * g.nvars + k];
			} else {
				tdm_gen_seq_value(&g, i, num);
				v = num;
			}
			tdm_params_set(&r->params, g.vars[k], strlen(g.vars[k]), v, strlen(v));
		}
		process(r, s, text + g.rest, n - g.rest, col0 + (uint32_t)g.rest, depth + 1);
	}
	for (k = 0; k < g.nvars; k++) {
		tdm_params_set(&r->params, g.vars[k], strlen(g.vars[k]), saved[k],
		               saved[k] ? strlen(saved[k]) : 0);
		free(saved[k]);
	}
	free(saved);
	tdm_gen_free(&g);
	free(copy);
}

static void process(struct rsv *r, struct lsrc *s, const char *text, size_t n, uint32_t col0,
                    int depth)
{
	struct tdm_buf sub = { 0 }, joined = { 0 };
	struct tdm_lex_err lerr;
	struct tdm_subst_env env;
	uint32_t line = s->line;
	int substituted = 0, inc;
	const char *err = NULL;

	if (depth > MAX_EXPAND_DEPTH) {
		rdiag(r, TDM_SEV_ERROR, s->file, line, col0,
		      "parameters or generators nested deeper than %d levels", MAX_EXPAND_DEPTH);
		return;
	}
again:
	while (n && (*text == ' ' || *text == '\t' || *text == '\r')) {
		text++;
		n--;
		col0++;
	}
	if (!n)
		goto out;
	if (*text == '@') {
		size_t w = 1, ws;
		int neg = 0, match;

		if (w < n && text[w] == '^') {
			neg = 1;
			w++;
		}
		ws = w;
		while (w < n && text[w] != ' ' && text[w] != '\t')
			w++;
		if (w == ws) {
			rdiag(r, TDM_SEV_ERROR, s->file, line, col0, "'@' without a config id");
			goto out;
		}
		match = strlen(r->conf_id) == w - ws && !memcmp(text + ws, r->conf_id, w - ws);
		if (match == neg)
			goto out;
		text += w;
		n -= w;
		col0 += (uint32_t)w;
		goto again;
	}
	if (*text == '$' && !substituted) {
		size_t nl = tdm_param_name_len(text + 1, n - 1);

		if (nl && 1 + nl < n && text[1 + nl] == '=') {
			define(r, s, text, n, nl);
			goto out;
		}
	}
	if (s->is_file && depth == 0 && !substituted && !joined.p) {
		long bs = trailing_backslash(text, n);

		if (bs >= 0) {
			/* a statement continued on the next line(s) */
			const char *ln;
			size_t ll;

			tdm_buf_put(&joined, text, (size_t)bs);
			while (next_raw(r, s, &ln, &ll)) {
				bs = trailing_backslash(ln, ll);
				tdm_buf_putc(&joined, ' ');
				tdm_buf_put(&joined, ln, bs < 0 ? ll : (size_t)bs);
				if (joined.len > r->opts.max_line_len) {
					rdiag(r, TDM_SEV_ERROR, s->file, s->line, 1,
					      "continued line longer than %zu bytes",
					      r->opts.max_line_len);
					goto out;
				}
				if (bs < 0)
					break;
			}
			text = joined.p;
			n = joined.len;
		}
	}
	if (*text == '~' && (n >= 5 && (!memcmp(text, "~SEQ(", 5) || !memcmp(text, "~LST(", 5) ||
	                                (n >= 6 && !memcmp(text, "~SEQx(", 6))))) {
		generate(r, s, text, n, col0, depth);
		goto out;
	}
	if (!substituted) {
		int rc;

		env.pwd = src_dir(s);
		env.instance = r->conf_id;
		env.max_len = r->opts.max_line_len * 64;
		rc = tdm_params_subst(&r->params, &env, text, n, &sub, &err);
		if (rc < 0) {
			rdiag(r, TDM_SEV_ERROR, s->file, line, col0, "%s", err);
			goto out;
		}
		if (rc > 0) {
			r->subst_bytes += sub.len;
			if (r->subst_bytes / 256 > r->opts.max_lines) {
				rdiag(r, TDM_SEV_FATAL, s->file, line, col0,
				      "parameter substitution produced more than %zu bytes in all",
				      r->opts.max_lines * 256);
				goto out;
			}
		}
		if (rc == 2) {
			/* a multi-line value: each of its lines is a line of its own */
			struct lsrc vs = { 0 };
			const char *ln;
			size_t ll;

			vs.p = sub.p;
			vs.end = sub.p + sub.len;
			vs.fd = -1;
			vs.file = s->file;
			vs.line = line;
			vs.dir = src_dir(s);
			vs.up = s;
			while (!r->fatal && next_raw(r, &vs, &ln, &ll)) {
				if (++r->exp_lines > r->opts.max_lines) {
					rdiag(r, TDM_SEV_FATAL, s->file, line, col0,
					      "multi-line parameters expand to more than %zu lines",
					      r->opts.max_lines);
					break;
				}
				process(r, &vs, ln, ll, col0, depth + 1);
			}
			goto out;
		}
		if (rc == 1) {
			substituted = 1;
			text = sub.p;
			n = sub.len;
			goto again;
		}
	}
	inc = starts_with_include(text, n);
	if (tdm_lex_line(text, n, col0, !inc, &r->toks, &lerr) < 0) {
		rdiag(r, TDM_SEV_ERROR, s->file, line, lerr.col, "%s", lerr.msg);
		goto out;
	}
	if (lerr.warn)
		rdiag(r, TDM_SEV_WARN, s->file, line, lerr.warn_col, "%s", lerr.warn);
	if (inc && r->toks.n) {
		do_include(r, s, line);
		goto out;
	}
	feed(r, s->file, line);
out:
	tdm_buf_free(&sub);
	tdm_buf_free(&joined);
}

static void run_source(struct rsv *r, struct lsrc *s)
{
	const char *ln;
	size_t ll;

	while (!r->fatal && next_raw(r, s, &ln, &ll))
		process(r, s, ln, ll, 1, 0);
}

/* ---- entry points ---- */

void tdm_conf_opts_defaults(struct tdm_conf_opts *o, const struct tdm_conf_opts *in)
{
	if (in)
		*o = *in;
	else
		memset(o, 0, sizeof(*o));
	if (!o->max_lines)
		o->max_lines = TDM_CONF_DEF_MAX_LINES;
	if (o->max_include_depth <= 0)
		o->max_include_depth = TDM_CONF_DEF_MAX_INCLUDE;
	if (!o->max_line_len)
		o->max_line_len = TDM_CONF_DEF_MAX_LINE_LEN;
}

static void rsv_init(struct rsv *r, const struct tdm_conf_opts *opts, struct tdm_diags *diags)
{
	memset(r, 0, sizeof(*r));
	tdm_conf_opts_defaults(&r->opts, opts);
	r->diags = diags;
	if (r->opts.conf_id) {
		snprintf(r->conf_id, sizeof(r->conf_id), "%s", r->opts.conf_id);
	} else {
		char *dot;

		if (gethostname(r->conf_id, sizeof(r->conf_id) - 1) < 0)
			r->conf_id[0] = '\0';
		r->conf_id[sizeof(r->conf_id) - 1] = '\0';
		dot = strchr(r->conf_id, '.');
		if (dot)
			*dot = '\0';
	}
	r->cwd = getcwd(NULL, 0);
	tdm_params_init(&r->params);
}

static int rsv_finish(struct rsv *r, struct tdm_canon *out, uint32_t eof_line)
{
	size_t i;

	/* close what was left open, so the canonical text is always balanced */
	while (!r->fatal && r->depth > 0) {
		struct openblk *b = &r->stack[r->depth - 1];

		rdiag(r, TDM_SEV_ERROR, b->file, b->line, b->col,
		      "block '%s' is not closed: expected '}' before the end of the configuration",
		      b->kw);
		emit_close(r, 0, eof_line, 1);
	}
	tdm_params_free(&r->params);
	tdm_toks_free(&r->toks);
	free(r->cwd);
	if (r->fatal) {
		tdm_buf_free(&r->text);
		free(r->origin);
		free(r->tcols);
		free(r->cols);
		for (i = 0; i < r->nfiles; i++)
			free(r->files[i]);
		free(r->files);
		return -1;
	}
	tdm_buf_reserve(&r->text, 1);
	r->text.p[r->text.len] = '\0';
	out->text = r->text.p;
	out->len = r->text.len;
	out->nlines = r->nlines;
	out->origin = r->origin;
	out->files = r->files;
	out->nfiles = r->nfiles;
	if (r->nlines) {
		out->tok_cols = r->tcols;
		for (i = 0; i < r->nlines; i++)
			out->tok_cols[i] = r->cols + (uintptr_t)r->tcols[i];
	} else {
		free(r->cols);
		free(r->tcols);
	}
	return 0;
}

int tdm_conf_resolve_mem(const char *name, const char *text, size_t len,
                         const struct tdm_conf_opts *opts, struct tdm_canon *out,
                         struct tdm_diags *diags)
{
	struct rsv r;
	struct lsrc s = { 0 };

	memset(out, 0, sizeof(*out));
	rsv_init(&r, opts, diags);
	add_file(&r, name ? name : "<config>");
	s.p = text;
	s.end = text + len;
	s.file = 0;
	s.is_file = 1;
	s.dir = r.cwd;
	s.dev = (dev_t)-1;
	s.ino = (ino_t)-1;
	s.fd = -1;
	r.top = &s;
	run_source(&r, &s);
	r.top = NULL;
	return rsv_finish(&r, out, s.line ? s.line : 1);
}

int tdm_conf_resolve(const char *path, const struct tdm_conf_opts *opts, struct tdm_canon *out,
                     struct tdm_diags *diags)
{
	struct rsv r;
	struct stat st;
	uint32_t eof;
	int fd;

	memset(out, 0, sizeof(*out));
	rsv_init(&r, opts, diags);
	add_file(&r, path);
	fd = open_conf(path, &st);
	if (fd < 0) {
		rdiag(&r, TDM_SEV_FATAL, 0, 0, 0, "cannot read configuration file: %s",
		      strerror(errno));
		return rsv_finish(&r, out, 1);
	}
	eof = run_file(&r, 0, path, fd, &st);
	close(fd);
	return rsv_finish(&r, out, eof);
}

void tdm_canon_free(struct tdm_canon *c)
{
	size_t i;

	if (!c)
		return;
	free(c->text);
	free(c->origin);
	if (c->tok_cols) {
		free(c->tok_cols[0]);
		free(c->tok_cols);
	}
	for (i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	memset(c, 0, sizeof(*c));
}
