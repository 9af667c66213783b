/* lib/conf_int.h - private declarations shared by the config front end's files (lib/conf_*.c):
 * growable buffers, the token lexers of both stages, the parse context. Not for other parts. */
#ifndef TDM_CONF_INT_H
#define TDM_CONF_INT_H

#include <stddef.h>
#include <stdint.h>
#include "lib/arena.h"
#include "lib/conf.h"

/* ---- growable byte buffer (malloc'd) ---- */
struct tdm_buf {
	char *p;
	size_t len, cap;
};
void tdm_buf_reserve(struct tdm_buf *b, size_t extra);
void tdm_buf_put(struct tdm_buf *b, const char *s, size_t n);
static inline void tdm_buf_putc(struct tdm_buf *b, char c)
{
	if (b->len + 1 >= b->cap)
		tdm_buf_reserve(b, 1);
	b->p[b->len++] = c;
}
void tdm_buf_free(struct tdm_buf *b);
/* abort with a message: out of memory while reading a config */
void tdm_conf_oom(void) __attribute__((noreturn));
void *tdm_xrealloc(void *p, size_t n);

/* ---- stage 1 lexer: one resolved source line -> tokens ---- */
enum tdm_tok_kind { TDM_TOK_WORD = 0, TDM_TOK_LBRACE, TDM_TOK_RBRACE };

struct tdm_tok {
	uint32_t off;       /* offset of the token's bytes in tdm_toks.store */
	uint32_t len;
	uint32_t col;       /* 1-based source column */
	uint8_t kind;       /* enum tdm_tok_kind */
};

struct tdm_toks {
	struct tdm_tok *v;
	size_t n, cap;
	struct tdm_buf store;   /* unescaped token bytes, each NUL-terminated */
};

struct tdm_lex_err {
	uint32_t col;
	const char *msg;    /* static text */
	uint32_t warn_col;  /* a warning (even when the line lexed fine), NULL if none */
	const char *warn;
};

/* Split s[0..n) into tokens (quotes, escapes, braces). col0 is the column of s[0]; braces = 0
 * makes '{' and '}' ordinary characters (include patterns). On a lexical error returns -1 with
 * err set; the tokens before the error are kept in out. */
int tdm_lex_line(const char *s, size_t n, uint32_t col0, int braces, struct tdm_toks *out,
                 struct tdm_lex_err *err);
void tdm_toks_free(struct tdm_toks *t);
/* Length of s[0..n) without a '#' or '!' comment (outside quotes). */
size_t tdm_lex_strip_comment(const char *s, size_t n);
/* Append one token in canonical form (quoted and escaped only when needed). */
void tdm_canon_put_token(struct tdm_buf *b, const char *s, size_t n);
/* the same, always quoted */
void tdm_canon_put_quoted(struct tdm_buf *b, const char *s, size_t n);

/* ---- stage 2 lexer: one canonical line ---- */
struct tdm_ctok {
	uint32_t off;       /* offset in the line (of the opening quote for quoted tokens) */
	uint32_t raw;       /* bytes in the line, quotes included */
	uint32_t len;       /* length of the token's value */
	uint8_t quoted;
};
/* Splits line[0..n) (no '\n') into tokens. *opens is set when the line ends with an unquoted
 * "{" (not returned as a token), *closes when the line is "}". Returns the token count, or -1
 * on a syntax error (*errcol and *errmsg set). */
int tdm_canon_lex(const char *line, size_t n, struct tdm_ctok **toks, size_t *cap, int *opens,
                  int *closes, size_t *errcol, const char **errmsg);
/* write the token's value, NUL-terminated, at dst (t->len + 1 bytes); returns the byte after */
char *tdm_canon_copy_token(const char *line, const struct tdm_ctok *t, char *dst);

/* ---- stage 1: $PARAMETERS and ~SEQ/~LST generators (conf_params.c) ---- */
struct tdm_pentry;
struct tdm_params {
	struct tdm_pentry *v;
	size_t cap, n;
	struct tdm_arena *arena;
	uint64_t rnd;               /* ${_RANDOM} state */
};
void tdm_params_init(struct tdm_params *p);
void tdm_params_free(struct tdm_params *p);
/* random_seed: restart the ${_RANDOM} sequence from this seed */
void tdm_params_seed(struct tdm_params *p, uint64_t seed);
/* val NULL = undefine */
void tdm_params_set(struct tdm_params *p, const char *name, size_t nlen, const char *val,
                    size_t vlen);
const char *tdm_params_get(const struct tdm_params *p, const char *name, size_t nlen,
                           size_t *vlen);
/* the predefined names that depend on where the line is */
struct tdm_subst_env {
	const char *pwd;            /* ${_PWD} */
	const char *instance;       /* ${_INSTANCE} */
	size_t max_len;             /* limit on the expanded length */
};
/* Substitute $NAME / ${NAME} in in[0..n) into out (reset first). Returns 0 when nothing was
 * replaced (out untouched), 1 when out holds the result, 2 when a multi-line value was inserted
 * (substitution stopped after it: the caller splits out into lines and processes each), -1 on
 * runaway recursion or length (*err set). */
int tdm_params_subst(struct tdm_params *p, const struct tdm_subst_env *env, const char *in,
                     size_t n, struct tdm_buf *out, const char **err);
/* name chars: [A-Za-z_][A-Za-z0-9_]* ; returns its length at s (0 if none) */
size_t tdm_param_name_len(const char *s, size_t n);

enum tdm_gen_type { TDM_GEN_SEQ = 0, TDM_GEN_SEQX, TDM_GEN_LST };
struct tdm_gen {
	enum tdm_gen_type type;
	size_t nvars;               /* LST: variables per row; SEQ: 1 */
	size_t nrows;               /* LST: rows; SEQ: iteration count */
	char **vars;                /* nvars names */
	char **vals;                /* LST: nrows * nvars values */
	long long start, step, end; /* SEQ */
	size_t rest;                /* offset of the text after ')' */
};
/* s starts with "~SEQ(", "~SEQx(" or "~LST(". 0 ok, -1 syntax error (*err set) */
int tdm_gen_parse(const char *s, size_t n, struct tdm_gen *g, const char **err);
void tdm_gen_free(struct tdm_gen *g);
/* the value of variable 0 at iteration i (SEQ) written into buf[32] */
void tdm_gen_seq_value(const struct tdm_gen *g, size_t i, char *buf);

/* ---- the parse context ---- */
struct tdm_bidx;

struct tdm_conf_ctx {
	struct tdm_config *cfg;
	struct tdm_arena *arena;
	struct tdm_conf_opts opts;
	struct tdm_diags *diags;
	const struct tdm_canon *canon;
	size_t *sparse;             /* offset of every 32nd canonical line (diagnostic columns) */
	size_t nlines;
	uint64_t *line_hash;        /* prefix hashes over lines, nlines + 1 entries */
	struct tdm_bidx **bmap;     /* block -> keyword index (open addressing on the pointer) */
	size_t bmap_cap, bmap_n;
	uint32_t stamp;
	size_t nfatal0;
	size_t nunknown;            /* unknown keywords so far (suggestions for the first ones) */
};

/* the diagnostic position of a node's token (argi -1 = keyword) */
void tdm_conf_diag_at(struct tdm_conf_ctx *ctx, enum tdm_sev sev, const struct tdm_cnode *node,
                      int argi, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* a diagnostic at a canonical line and 1-based canonical column (0 = line's start) */
void tdm_conf_diag_line(struct tdm_conf_ctx *ctx, enum tdm_sev sev, size_t line, size_t col,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* "file:line" of a node, for messages that point at a second place */
void tdm_conf_where(struct tdm_conf_ctx *ctx, const struct tdm_cnode *node, char *buf,
                    size_t cap);

/* conf_tree.c: canonical text -> statement tree (ctx->cfg->root) */
int tdm_conf_build_tree(struct tdm_conf_ctx *ctx);
/* 1-based column of token argi + 1 (argi -1 = keyword) on canonical line `line`; 0 unknown */
size_t tdm_conf_token_col(struct tdm_conf_ctx *ctx, size_t line, int argi);
/* conf_check.c: validate the tree against the tables, call the callbacks */
void tdm_conf_check_tree(struct tdm_conf_ctx *ctx, const struct tdm_block *top);
void tdm_conf_check_free(struct tdm_conf_ctx *ctx);
/* conf_obj.c: collect the identity objects, content hashes */
void tdm_conf_collect_objs(struct tdm_conf_ctx *ctx);
uint64_t tdm_conf_hash_bytes(const char *s, size_t n);

/* limits */
#define TDM_CONF_MAX_DEPTH 64           /* block nesting */
#define TDM_CONF_DEF_MAX_LINES 10000000u
#define TDM_CONF_DEF_MAX_INCLUDE 32
#define TDM_CONF_DEF_MAX_LINE_LEN (64u * 1024u)
#define TDM_CONF_NOTYET_MAX 20          /* "not implemented" warnings per keyword and table */

void tdm_conf_opts_defaults(struct tdm_conf_opts *o, const struct tdm_conf_opts *in);

#endif
