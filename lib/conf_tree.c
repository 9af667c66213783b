/* lib/conf_tree.c - stage 2, first step: canonical text -> statement tree. Each statement is
 * one arena allocation holding its node, vals, argv and token strings (no per-token malloc);
 * arrays come from the config's arena. Also records the per-line prefix hashes used for the
 * objects' content hashes, and a sparse line index for diagnostic columns. */
#include <stdlib.h>
#include <string.h>
#include "lib/conf_int.h"

#define HASH_MUL 0x100000001b3ull

static struct tdm_cnode *new_node(struct tdm_conf_ctx *ctx, const char *line,
                                  const struct tdm_ctok *tok, size_t ntok, uint32_t line_no)
{
	size_t argc = ntok - 1, bytes = 0, i;
	struct tdm_cnode *n;
	char *mem, *str;

	for (i = 0; i < ntok; i++)
		bytes += tok[i].len + 1;
	/* node, vals, argv and the token strings in one allocation */
	mem = tdm_arena_alloc_aligned(ctx->arena, sizeof(*n) + argc * (sizeof(union tdm_val) +
	                              sizeof(char *)) + bytes, 8);
	n = (struct tdm_cnode *)mem;
	memset(n, 0, sizeof(*n));
	str = mem + sizeof(*n) + argc * (sizeof(union tdm_val) + sizeof(char *));
	n->kw = str;
	str = tdm_canon_copy_token(line, &tok[0], str);
	n->argc = (uint32_t)argc;
	if (argc) {
		n->vals = (union tdm_val *)(mem + sizeof(*n));
		memset(n->vals, 0, argc * sizeof(*n->vals));
		n->argv = (char **)(mem + sizeof(*n) + argc * sizeof(*n->vals));
		for (i = 0; i < argc; i++) {
			n->argv[i] = str;
			str = tdm_canon_copy_token(line, &tok[i + 1], str);
		}
	}
	n->line = n->end_line = line_no;
	return n;
}

int tdm_conf_build_tree(struct tdm_conf_ctx *ctx)
{
	struct tdm_config *cfg = ctx->cfg;
	const char *text = cfg->text;
	size_t len = cfg->text_len, pos = 0, nl = 0, cap = 0, i;
	struct tdm_cnode *stack[TDM_CONF_MAX_DEPTH + 1], *tail[TDM_CONF_MAX_DEPTH + 1];
	struct tdm_ctok *toks = NULL;
	int depth = 0;
	const char *p;

	/* count lines */
	for (p = text; (p = memchr(p, '\n', len - (size_t)(p - text))); p++)
		nl++;
	if (len && text[len - 1] != '\n')
		nl++;
	ctx->line_hash = malloc((nl + 1) * sizeof(*ctx->line_hash));
	ctx->sparse = malloc((nl / 32 + 1) * sizeof(*ctx->sparse));
	if (!ctx->line_hash || !ctx->sparse)
		tdm_conf_oom();
	ctx->line_hash[0] = 0;
	cfg->root = tdm_arena_alloc(ctx->arena, sizeof(*cfg->root));
	cfg->root->kw = "";
	stack[0] = cfg->root;
	tail[0] = NULL;
	for (i = 0; pos < len; i++) {
		const char *eol = memchr(text + pos, '\n', len - pos);
		size_t n = eol ? (size_t)(eol - text) - pos : len - pos, errcol = 0;
		uint32_t line = (uint32_t)(i + 1);
		const char *errmsg = NULL, *ltext = text + pos;
		int opens, closes, ntok;

		if (!(i & 31))
			ctx->sparse[i >> 5] = pos;
		ctx->line_hash[i + 1] = ctx->line_hash[i] * HASH_MUL + tdm_conf_hash_bytes(ltext, n);
		ntok = tdm_canon_lex(ltext, n, &toks, &cap, &opens, &closes, &errcol, &errmsg);
		pos += n + 1;
		if (ntok < 0) {
			tdm_conf_diag_line(ctx, TDM_SEV_ERROR, line, errcol, "%s", errmsg);
			continue;
		}
		if (closes) {
			if (depth == 0) {
				tdm_conf_diag_line(ctx, TDM_SEV_ERROR, line, 1,
				                   "'}' without a matching '{'");
				continue;
			}
			stack[depth]->end_line = line;
			depth--;
			continue;
		}
		if (ntok == 0)
			continue;
		{
			struct tdm_cnode *node = new_node(ctx, ltext, toks, (size_t)ntok, line);

			node->parent = stack[depth];
			if (tail[depth])
				tail[depth]->next = node;
			else
				stack[depth]->child = node;
			tail[depth] = node;
			if (opens) {
				if (depth >= TDM_CONF_MAX_DEPTH) {
					tdm_conf_diag_line(ctx, TDM_SEV_FATAL, line, 1,
					                   "blocks nested deeper than %d levels",
					                   TDM_CONF_MAX_DEPTH);
					free(toks);
					ctx->nlines = i + 1;
					return -1;
				}
				node->end_line = 0;    /* set by its "}" */
				stack[++depth] = node;
				tail[depth] = NULL;
			}
		}
	}
	ctx->nlines = i;
	free(toks);
	while (depth > 0) {
		tdm_conf_diag_at(ctx, TDM_SEV_ERROR, stack[depth], -1,
		                 "block '%s' is not closed: expected '}'", stack[depth]->kw);
		stack[depth]->end_line = (uint32_t)ctx->nlines;
		if (stack[depth]->end_line <= stack[depth]->line)
			stack[depth]->end_line = stack[depth]->line + 1;
		depth--;
	}
	cfg->root->end_line = (uint32_t)ctx->nlines;
	return 0;
}

size_t tdm_conf_token_col(struct tdm_conf_ctx *ctx, size_t line, int argi)
{
	const char *text = ctx->cfg->text, *end = text + ctx->cfg->text_len, *p, *eol;
	struct tdm_ctok *toks = NULL;
	size_t cap = 0, k, errcol, col = 0;
	const char *errmsg;
	int opens, closes, ntok;

	if (!ctx->sparse || line < 1 || line > ctx->nlines)
		return 0;
	p = text + ctx->sparse[(line - 1) >> 5];
	for (k = (line - 1) & ~(size_t)31; k < line - 1 && p < end; k++) {
		eol = memchr(p, '\n', (size_t)(end - p));
		p = eol ? eol + 1 : end;
	}
	eol = memchr(p, '\n', (size_t)(end - p));
	ntok = tdm_canon_lex(p, eol ? (size_t)(eol - p) : (size_t)(end - p), &toks, &cap, &opens,
	                     &closes, &errcol, &errmsg);
	if (ntok > 0 && argi + 1 < ntok)
		col = toks[argi + 1].off + 1;
	free(toks);
	return col;
}
