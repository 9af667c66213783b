/* lib/conf_resolve.c - stage 1 of the config front end: read the config file and its includes,
 * apply @id conditionals, $PARAMETER definitions and substitution, ~SEQ/~LST generators,
 * comments, quoting and line continuations, and write the flat canonical text (one statement
 * per line) with its origin map (file, line and the column of each token). Where the lines
 * come from (files, includes) is conf_source.c. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/conf_rsv.h"

void tdm_rsv_diag(struct rsv *r, enum tdm_sev sev, uint32_t file, uint32_t line, uint32_t col,
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

uint32_t tdm_rsv_add_file(struct rsv *r, const char *name)
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
		tdm_rsv_diag(r, TDM_SEV_FATAL, file, line, col,
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
		tdm_rsv_diag(r, TDM_SEV_FATAL, b->file, b->line, b->col,
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
	/* random_seed N: the ${_RANDOM} values of the lines that follow depend on N only (the
	 * keyword table checks N; here a bad one is just not used) */
	if (to - from == 2 && !open && !strcmp(t->store.p + t->v[from].off, "random_seed")) {
		const char *v = t->store.p + t->v[from + 1].off;
		char *end;
		unsigned long long seed;

		errno = 0;
		seed = strtoull(v, &end, 0);
		if (*v >= '0' && *v <= '9' && !*end && !errno)
			tdm_params_seed(&r->params, seed);
	}
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
				tdm_rsv_diag(r, TDM_SEV_ERROR, file, line, k->col,
				      "'{' without a keyword before it");
			}
		} else {
			if (i > start)
				emit_stmt(r, start, i, 0, 0, file, line);
			if (r->depth == 0)
				tdm_rsv_diag(r, TDM_SEV_ERROR, file, line, k->col,
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

static void process(struct rsv *r, struct lsrc *s, const char *text, size_t n, uint32_t col0,
                    int depth);

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
	bs = tdm_rsv_trailing_backslash(v, vlen);
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

		if (!tdm_rsv_next_raw(r, s, &ln, &ll)) {
			tdm_rsv_diag(r, TDM_SEV_ERROR, s->file, s->line, 1,
			      "multi-line definition of $%s ends with '\\' at the end of input", name);
			break;
		}
		bs = tdm_rsv_trailing_backslash(ln, ll);
		if (val.len)
			tdm_buf_putc(&val, '\n');
		tdm_buf_put(&val, ln, bs < 0 ? ll : (size_t)bs);
		if (val.len > r->opts.max_line_len * 64) {
			tdm_rsv_diag(r, TDM_SEV_ERROR, s->file, s->line, 1, "definition of $%s is too long", name);
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
		tdm_rsv_diag(r, TDM_SEV_ERROR, s->file, line, col0, "%s", err);
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
		tdm_rsv_diag(r, TDM_SEV_ERROR, s->file, line, col0,
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
			tdm_rsv_diag(r, TDM_SEV_FATAL, s->file, line, col0,
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
		tdm_rsv_diag(r, TDM_SEV_ERROR, s->file, line, col0,
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
			tdm_rsv_diag(r, TDM_SEV_ERROR, s->file, line, col0, "'@' without a config id");
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
		long bs = tdm_rsv_trailing_backslash(text, n);

		if (bs >= 0) {
			/* a statement continued on the next line(s) */
			const char *ln;
			size_t ll;

			tdm_buf_put(&joined, text, (size_t)bs);
			while (tdm_rsv_next_raw(r, s, &ln, &ll)) {
				bs = tdm_rsv_trailing_backslash(ln, ll);
				tdm_buf_putc(&joined, ' ');
				tdm_buf_put(&joined, ln, bs < 0 ? ll : (size_t)bs);
				if (joined.len > r->opts.max_line_len) {
					tdm_rsv_diag(r, TDM_SEV_ERROR, s->file, s->line, 1,
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

		env.pwd = tdm_rsv_src_dir(s);
		env.instance = r->conf_id;
		env.max_len = r->opts.max_line_len * 64;
		rc = tdm_params_subst(&r->params, &env, text, n, &sub, &err);
		if (rc < 0) {
			tdm_rsv_diag(r, TDM_SEV_ERROR, s->file, line, col0, "%s", err);
			goto out;
		}
		if (rc > 0) {
			r->subst_bytes += sub.len;
			if (r->subst_bytes / 256 > r->opts.max_lines) {
				tdm_rsv_diag(r, TDM_SEV_FATAL, s->file, line, col0,
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
			vs.dir = tdm_rsv_src_dir(s);
			vs.up = s;
			while (!r->fatal && tdm_rsv_next_raw(r, &vs, &ln, &ll)) {
				if (++r->exp_lines > r->opts.max_lines) {
					tdm_rsv_diag(r, TDM_SEV_FATAL, s->file, line, col0,
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
	inc = tdm_rsv_starts_with_include(text, n);
	if (tdm_lex_line(text, n, col0, !inc, &r->toks, &lerr) < 0) {
		tdm_rsv_diag(r, TDM_SEV_ERROR, s->file, line, lerr.col, "%s", lerr.msg);
		goto out;
	}
	if (lerr.warn)
		tdm_rsv_diag(r, TDM_SEV_WARN, s->file, line, lerr.warn_col, "%s", lerr.warn);
	if (inc && r->toks.n) {
		tdm_rsv_include(r, s, line);
		goto out;
	}
	feed(r, s->file, line);
out:
	tdm_buf_free(&sub);
	tdm_buf_free(&joined);
}

void tdm_rsv_run_source(struct rsv *r, struct lsrc *s)
{
	const char *ln;
	size_t ll;

	while (!r->fatal && tdm_rsv_next_raw(r, s, &ln, &ll))
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

		tdm_rsv_diag(r, TDM_SEV_ERROR, b->file, b->line, b->col,
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
	tdm_rsv_add_file(&r, name ? name : "<config>");
	s.p = text;
	s.end = text + len;
	s.file = 0;
	s.is_file = 1;
	s.dir = r.cwd;
	s.dev = (dev_t)-1;
	s.ino = (ino_t)-1;
	s.fd = -1;
	r.top = &s;
	tdm_rsv_run_source(&r, &s);
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
	tdm_rsv_add_file(&r, path);
	fd = tdm_rsv_open(path, &st);
	if (fd < 0) {
		tdm_rsv_diag(&r, TDM_SEV_FATAL, 0, 0, 0, "cannot read configuration file: %s",
		      errno == EINVAL ? "not a regular file" : strerror(errno));
		return rsv_finish(&r, out, 1);
	}
	eof = tdm_rsv_run_file(&r, 0, path, fd, &st);
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
