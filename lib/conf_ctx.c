/* lib/conf_ctx.c - stage 2 driver: tdm_conf_parse_with (canonical text -> tree -> validation ->
 * objects), the parse context API the keyword tables use (diagnostics mapped to file:line:col,
 * arena allocation), tdm_config_free and tree helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/conf_int.h"

static void vdiag(struct tdm_conf_ctx *ctx, enum tdm_sev sev, const char *file, size_t line,
                  size_t col, const char *fmt, va_list ap)
{
	char *msg = NULL;

	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	tdm_diags_add(ctx->diags, sev, file, (int)line, (int)col, "%s",
	              msg ? msg : "(out of memory)");
	free(msg);
}

void tdm_conf_diag_line(struct tdm_conf_ctx *ctx, enum tdm_sev sev, size_t line, size_t col,
                        const char *fmt, ...)
{
	const struct tdm_canon *c = ctx->canon;
	va_list ap;

	va_start(ap, fmt);
	if (c && line >= 1 && line <= c->nlines && c->origin[line - 1].file < c->nfiles)
		vdiag(ctx, sev, c->files[c->origin[line - 1].file], c->origin[line - 1].line,
		      c->origin[line - 1].col, fmt, ap);
	else
		vdiag(ctx, sev, "<config>", line, col, fmt, ap);
	va_end(ap);
}

static void vdiag_at(struct tdm_conf_ctx *ctx, enum tdm_sev sev, const struct tdm_cnode *node,
                     int argi, const char *fmt, va_list ap)
{
	const struct tdm_canon *c = ctx->canon;
	size_t line = node ? node->line : 0, col = 0;

	if (!node || argi < -1 || argi >= (int)node->argc)
		argi = -1;
	if (c && line >= 1 && line <= c->nlines && c->origin[line - 1].file < c->nfiles) {
		const struct tdm_origin *o = &c->origin[line - 1];

		col = o->col;
		if (c->tok_cols && c->tok_cols[line - 1])
			col = c->tok_cols[line - 1][argi + 1];
		vdiag(ctx, sev, c->files[o->file], o->line, col, fmt, ap);
		return;
	}
	if (c && line == 0 && c->nfiles) {
		vdiag(ctx, sev, c->files[0], 0, 0, fmt, ap);
		return;
	}
	if (line >= 1 && node)
		col = tdm_conf_token_col(ctx, line, argi);
	vdiag(ctx, sev, "<config>", line, col, fmt, ap);
}

void tdm_conf_diag_at(struct tdm_conf_ctx *ctx, enum tdm_sev sev, const struct tdm_cnode *node,
                      int argi, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag_at(ctx, sev, node, argi, fmt, ap);
	va_end(ap);
}

void tdm_conf_err(struct tdm_conf_ctx *ctx, const struct tdm_cnode *node, int argi,
                  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag_at(ctx, TDM_SEV_ERROR, node, argi, fmt, ap);
	va_end(ap);
}

void tdm_conf_warn(struct tdm_conf_ctx *ctx, const struct tdm_cnode *node, int argi,
                   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag_at(ctx, TDM_SEV_WARN, node, argi, fmt, ap);
	va_end(ap);
}

void tdm_conf_fatal(struct tdm_conf_ctx *ctx, const struct tdm_cnode *node, int argi,
                    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag_at(ctx, TDM_SEV_FATAL, node, argi, fmt, ap);
	va_end(ap);
}

void tdm_conf_where(struct tdm_conf_ctx *ctx, const struct tdm_cnode *node, char *buf,
                    size_t cap)
{
	const struct tdm_canon *c = ctx->canon;
	size_t line = node->line;

	if (c && line >= 1 && line <= c->nlines && c->origin[line - 1].file < c->nfiles)
		snprintf(buf, cap, "%s:%u", c->files[c->origin[line - 1].file],
		         c->origin[line - 1].line);
	else
		snprintf(buf, cap, "<config>:%zu", line);
}

struct tdm_config *tdm_conf_ctx_config(struct tdm_conf_ctx *ctx)
{
	return ctx->cfg;
}

const struct tdm_conf_opts *tdm_conf_ctx_opts(struct tdm_conf_ctx *ctx)
{
	return &ctx->opts;
}

void *tdm_conf_alloc(struct tdm_conf_ctx *ctx, size_t size)
{
	return tdm_arena_alloc(ctx->arena, size);
}

char *tdm_conf_strdup(struct tdm_conf_ctx *ctx, const char *s)
{
	return s ? tdm_arena_strdup(ctx->arena, s) : NULL;
}

struct tdm_config *tdm_conf_parse_with(const struct tdm_block *top, const char *text, size_t len,
                                       const struct tdm_canon *canon,
                                       const struct tdm_conf_opts *opts, struct tdm_diags *diags)
{
	struct tdm_conf_ctx ctx;
	struct tdm_config *cfg = calloc(1, sizeof(*cfg));
	char *copy;

	if (!cfg)
		tdm_conf_oom();
	memset(&ctx, 0, sizeof(ctx));
	tdm_conf_opts_defaults(&ctx.opts, opts);
	ctx.diags = diags;
	ctx.canon = canon;
	ctx.cfg = cfg;
	ctx.nfatal0 = diags->nfatal;
	/* about 8 bytes of tree per byte of text: big texts get big (huge-page) chunks */
	cfg->arena = ctx.arena = tdm_arena_new(len > (4u << 20) ? (8u << 20) : (256u << 10));
	if (!ctx.arena)
		tdm_conf_oom();
	if (!text)
		len = 0;
	copy = tdm_arena_alloc_raw(ctx.arena, len + 1);
	memcpy(copy, text ? text : "", len);
	copy[len] = '\0';
	cfg->text = copy;
	cfg->text_len = len;
	if (memchr(copy, '\0', len)) {
		tdm_conf_diag_line(&ctx, TDM_SEV_FATAL, 0, 0, "NUL byte in the configuration text");
		goto out;
	}
	if (tdm_conf_build_tree(&ctx) < 0)
		goto out;
	if (top)
		tdm_conf_check_tree(&ctx, top);
	if (!ctx.opts.no_objects)
		tdm_conf_collect_objs(&ctx);
out:
	tdm_conf_check_free(&ctx);
	free(ctx.line_hash);
	free(ctx.sparse);
	if (diags->nfatal > ctx.nfatal0) {
		tdm_config_free(cfg);
		return NULL;
	}
	return cfg;
}

void tdm_config_free(struct tdm_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->objs);
	tdm_arena_free(cfg->arena);
	free(cfg);
}

const struct tdm_cnode *tdm_cnode_find(const struct tdm_cnode *block, const char *kw)
{
	const struct tdm_cnode *n;

	if (!block)
		return NULL;
	for (n = block->child; n; n = n->next)
		if (!strcmp(n->kw, kw))
			return n;
	return NULL;
}
