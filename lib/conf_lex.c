/* lib/conf_lex.c - the token level of the config front end: comment stripping and tokenizing
 * of resolved source lines (quotes, escapes, braces), the canonical quoting of a token, and
 * the in-place tokenizer of canonical lines used by tdm_conf_parse. Also the small growable
 * buffer used throughout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/conf_int.h"

void tdm_conf_oom(void)
{
	fputs("tandem: out of memory while reading the configuration\n", stderr);
	abort();
}

void *tdm_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		tdm_conf_oom();
	return q;
}

void tdm_buf_reserve(struct tdm_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1, ncap;

	if (need <= b->cap)
		return;
	ncap = b->cap ? b->cap : 256;
	while (ncap < need)
		ncap *= 2;
	b->p = tdm_xrealloc(b->p, ncap);
	b->cap = ncap;
}

void tdm_buf_put(struct tdm_buf *b, const char *s, size_t n)
{
	tdm_buf_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

void tdm_buf_free(struct tdm_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void tdm_toks_free(struct tdm_toks *t)
{
	free(t->v);
	tdm_buf_free(&t->store);
	memset(t, 0, sizeof(*t));
}

/* character classes, for the fast paths of the scanners */
#define CL_PLAIN 1u     /* an ordinary word character: copied as it is */
#define CL_QUOTE 2u     /* needs quoting in canonical text */
#define CL_COMMENT 4u   /* matters to comment stripping: # ! " ' \\ */
static unsigned char cls[256];

static void init_classes(void)
{
	unsigned c;

	if (cls['a'])
		return;
	for (c = 0; c < 256; c++) {
		int ws = c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
		int special = c == '{' || c == '}' || c == '"' || c == '\'' || c == '\\' || c == '$';
		unsigned v = 0;

		if (!ws && !special && c != 0)
			v |= CL_PLAIN;
		if (c <= ' ' || c == 0x7f || c == '"' || c == '\'' || c == '\\' || c == '{' ||
		    c == '}' || c == '#' || c == '!' || c == '$')
			v |= CL_QUOTE;
		if (c == '#' || c == '!' || c == '"' || c == '\'' || c == '\\')
			v |= CL_COMMENT;
		cls[c] = (unsigned char)v;
	}
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* characters a backslash escapes outside quotes; elsewhere a backslash is an ordinary char */
static int is_plain_escapable(char c)
{
	return c && strchr(" \t\"'\\#!{}$", c) != NULL;
}

/* does the quote at s[i] have a closing quote on the line (escapes honoured)? */
static int quote_closes(const char *s, size_t n, size_t i)
{
	char q = s[i];

	for (i++; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == q)
			return 1;
	}
	return 0;
}

size_t tdm_lex_strip_comment(const char *s, size_t n)
{
	char q = 0;
	size_t i = 0;

	init_classes();
	while (i < n && !(cls[(unsigned char)s[i]] & CL_COMMENT))
		i++;
	for (; i < n; i++) {
		char c = s[i];

		if (q) {
			if (c == '\\' && i + 1 < n)
				i++;
			else if (c == q)
				q = 0;
		} else if (c == '\\' && i + 1 < n && is_plain_escapable(s[i + 1])) {
			i++;
		} else if (c == '"' || (c == '\'' && quote_closes(s, n, i))) {
			/* an apostrophe without a partner is an ordinary character */
			q = c;
		} else if (c == '#' || c == '!') {
			return i;
		}
	}
	return n;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* one escape inside quotes at s[*i] == '\\'; returns the byte or -1 (NUL), advances *i past */
static int quoted_escape(const char *s, size_t n, size_t *i)
{
	size_t j = *i + 1;
	int v, k;
	char c;

	if (j >= n) {
		*i = j;
		return '\\';
	}
	c = s[j++];
	switch (c) {
	case 'a': v = '\a'; break;
	case 'b': v = '\b'; break;
	case 'E': case 'e': v = 033; break;
	case 'f': v = '\f'; break;
	case 'n': v = '\n'; break;
	case 'r': v = '\r'; break;
	case 't': v = '\t'; break;
	case 'v': v = '\v'; break;
	case 'x':
		v = 0;
		for (k = 0; k < 2 && j < n && hexval(s[j]) >= 0; k++)
			v = v * 16 + hexval(s[j++]);
		if (k == 0)
			v = 'x';
		break;
	case 'c':
		if (j < n)
			v = s[j++] & 0x1f;
		else
			v = 'c';
		break;
	default:
		if (c >= '0' && c <= '7') {
			v = c - '0';
			for (k = 1; k < 3 && j < n && s[j] >= '0' && s[j] <= '7'; k++)
				v = v * 8 + (s[j++] - '0');
			v &= 0xff;
		} else {
			v = (unsigned char)c;
		}
	}
	*i = j;
	return v ? v : -1;
}

static void tok_push(struct tdm_toks *out, uint32_t off, uint32_t col, int kind)
{
	struct tdm_tok *t;

	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 16;
		out->v = tdm_xrealloc(out->v, out->cap * sizeof(*out->v));
	}
	t = &out->v[out->n++];
	t->off = off;
	t->len = (uint32_t)(out->store.len - off);
	t->col = col;
	t->kind = (uint8_t)kind;
	tdm_buf_putc(&out->store, '\0');
}

int tdm_lex_line(const char *s, size_t n, uint32_t col0, int braces, struct tdm_toks *out,
                 struct tdm_lex_err *err)
{
	size_t i = 0;

	init_classes();
	err->warn = NULL;
	out->n = 0;
	out->store.len = 0;
	tdm_buf_reserve(&out->store, n + 2);
	while (i < n) {
		uint32_t off, col;

		while (i < n && is_ws(s[i]))
			i++;
		if (i >= n)
			break;
		col = col0 + (uint32_t)i;
		off = (uint32_t)out->store.len;
		if (braces && (s[i] == '{' || s[i] == '}')) {
			tok_push(out, off, col, s[i] == '{' ? TDM_TOK_LBRACE : TDM_TOK_RBRACE);
			i++;
			continue;
		}
		while (i < n && !is_ws(s[i]) && (!braces || (s[i] != '{' && s[i] != '}'))) {
			char c = s[i];

			if (cls[(unsigned char)c] & CL_PLAIN) {
				size_t k = i + 1;

				while (k < n && (cls[(unsigned char)s[k]] & CL_PLAIN))
					k++;
				tdm_buf_put(&out->store, s + i, k - i);
				i = k;
				continue;
			}
			if (c == '$' && i + 1 < n && s[i + 1] == '{' && memchr(s + i, '}', n - i)) {
				/* an undefined ${NAME} stays one literal word */
				const char *close = memchr(s + i, '}', n - i);
				size_t k = (size_t)(close - (s + i)) + 1;

				tdm_buf_put(&out->store, s + i, k);
				i += k;
				continue;
			}
			if (c == '\'' && !quote_closes(s, n, i)) {
				/* a lone apostrophe (it's) is an ordinary character */
				if (!err->warn) {
					err->warn = "a ' without a closing ' is taken literally";
					err->warn_col = col0 + (uint32_t)i;
				}
				tdm_buf_putc(&out->store, c);
				i++;
			} else if (c == '"' || c == '\'') {
				size_t qstart = i++;

				while (i < n && s[i] != c) {
					if (s[i] == '\\') {
						size_t at = i;
						int v = quoted_escape(s, n, &i);

						if (v < 0) {
							err->col = col0 + (uint32_t)at;
							err->msg = "NUL character in quoted string";
							return -1;
						}
						tdm_buf_putc(&out->store, (char)v);
					} else {
						tdm_buf_putc(&out->store, s[i++]);
					}
				}
				if (i >= n) {
					err->col = col0 + (uint32_t)qstart;
					err->msg = c == '"' ? "unterminated \"quoted\" string"
					                    : "unterminated 'quoted' string";
					return -1;
				}
				i++;
			} else if (c == '\\' && i + 1 < n && is_plain_escapable(s[i + 1])) {
				tdm_buf_putc(&out->store, s[i + 1]);
				i += 2;
			} else {
				tdm_buf_putc(&out->store, c);
				i++;
			}
		}
		tok_push(out, off, col, TDM_TOK_WORD);
	}
	return 0;
}

static int needs_quote(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 1;
	init_classes();
	for (i = 0; i < n; i++)
		if (cls[(unsigned char)s[i]] & CL_QUOTE)
			return 1;
	return 0;
}

void tdm_canon_put_token(struct tdm_buf *b, const char *s, size_t n)
{
	if (!needs_quote(s, n))
		tdm_buf_put(b, s, n);
	else
		tdm_canon_put_quoted(b, s, n);
}

void tdm_canon_put_quoted(struct tdm_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	tdm_buf_reserve(b, n * 4 + 2);
	b->p[b->len++] = '"';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\' || c == '$') {
			b->p[b->len++] = '\\';
			b->p[b->len++] = (char)c;
		} else if (c == '\n') {
			b->p[b->len++] = '\\';
			b->p[b->len++] = 'n';
		} else if (c == '\t') {
			b->p[b->len++] = '\\';
			b->p[b->len++] = 't';
		} else if (c == '\r') {
			b->p[b->len++] = '\\';
			b->p[b->len++] = 'r';
		} else if (c < ' ' || c == 0x7f) {
			b->p[b->len++] = '\\';
			b->p[b->len++] = 'x';
			b->p[b->len++] = hex[c >> 4];
			b->p[b->len++] = hex[c & 15];
		} else {
			b->p[b->len++] = (char)c;
		}
	}
	b->p[b->len++] = '"';
}

/* one escape of a canonical quoted token at line[*i] (after the backslash); -1 if invalid */
static int canon_escape(const char *line, size_t n, size_t *i)
{
	int h1, h2;
	char c;

	if (*i >= n)
		return -1;
	c = line[(*i)++];
	switch (c) {
	case 'n': return '\n';
	case 't': return '\t';
	case 'r': return '\r';
	case '"': case '\\': case '$': return (unsigned char)c;
	case 'x':
		h1 = *i < n ? hexval(line[*i]) : -1;
		h2 = *i + 1 < n ? hexval(line[*i + 1]) : -1;
		if (h1 < 0 || h2 < 0 || (h1 | h2) == 0)
			return -1;
		*i += 2;
		return h1 * 16 + h2;
	default:
		return -1;
	}
}

int tdm_canon_lex(const char *line, size_t n, struct tdm_ctok **toks, size_t *cap, int *opens,
                  int *closes, size_t *errcol, const char **errmsg)
{
	size_t i = 0, ntok = 0;
	int last_brace = 0;

	*opens = *closes = 0;
	while (i < n) {
		struct tdm_ctok t;

		while (i < n && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i >= n)
			break;
		if (last_brace) {
			*errcol = i + 1;
			*errmsg = "text after '{' on a canonical line";
			return -1;
		}
		t.off = (uint32_t)i;
		t.quoted = line[i] == '"';
		if (t.quoted) {
			uint32_t out = 0;

			i++;
			for (;;) {
				char c;

				if (i >= n) {
					*errcol = t.off + 1;
					*errmsg = "unterminated quoted string";
					return -1;
				}
				c = line[i++];
				if (c == '"')
					break;
				if (c == '\\' && canon_escape(line, n, &i) < 0) {
					*errcol = i;
					*errmsg = "bad escape in quoted string";
					return -1;
				}
				out++;
			}
			if (i < n && line[i] != ' ' && line[i] != '\t') {
				*errcol = i + 1;
				*errmsg = "text directly after a quoted string";
				return -1;
			}
			t.raw = (uint32_t)i - t.off;
			t.len = out;
		} else {
			while (i < n && line[i] != ' ' && line[i] != '\t')
				i++;
			t.raw = t.len = (uint32_t)i - t.off;
			if (t.len == 1 && line[t.off] == '}') {
				while (i < n && (line[i] == ' ' || line[i] == '\t'))
					i++;
				if (ntok || i < n) {
					*errcol = t.off + 1;
					*errmsg = "'}' must be alone on a canonical line";
					return -1;
				}
				*closes = 1;
				return 0;
			}
			if (t.len == 1 && line[t.off] == '{') {
				if (ntok == 0) {
					*errcol = t.off + 1;
					*errmsg = "'{' without a keyword";
					return -1;
				}
				last_brace = 1;
				*opens = 1;
				continue;
			}
		}
		if (ntok == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			*toks = tdm_xrealloc(*toks, *cap * sizeof(**toks));
		}
		(*toks)[ntok++] = t;
	}
	return (int)ntok;
}

char *tdm_canon_copy_token(const char *line, const struct tdm_ctok *t, char *dst)
{
	const char *s = line + t->off;
	size_t i, n;

	if (!t->quoted) {
		memcpy(dst, s, t->len);
		dst[t->len] = '\0';
		return dst + t->len + 1;
	}
	n = t->raw - 1;     /* without the closing quote */
	for (i = 1; i < n;) {
		char c = s[i++];

		if (c == '\\')
			c = (char)canon_escape(s, n, &i);
		*dst++ = c;
	}
	*dst = '\0';
	return dst + 1;
}
