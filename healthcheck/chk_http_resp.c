/* healthcheck/chk_http_resp.c - incremental HTTP/1.x response reader (see chk_http_resp.h):
 * a small state machine over the received bytes, lines kept only as far as the framing needs
 * them (status line, Content-Length, Transfer-Encoding, chunk sizes). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "healthcheck/chk_http_resp.h"

enum {
	ST_STATUS, ST_HEADER, ST_BODY_LEN, ST_BODY_EOF, ST_CHUNK_SIZE, ST_CHUNK_DATA,
	ST_CHUNK_END, ST_TRAILER, ST_DONE,
};

#define CHUNK_LINE_MAX 4096     /* a chunk-size line with its extensions */

void http_resp_init(struct http_resp *r, int head_only, size_t max_head)
{
	memset(r, 0, sizeof(*r));
	r->state = ST_STATUS;
	r->clen = -1;
	r->head_only = head_only;
	r->max_head = max_head;
}

static int bad(struct http_resp *r, const char *what)
{
	snprintf(r->err, sizeof(r->err), "%s", what);
	return -1;
}

/* "HTTP/d.d ddd ..." -> code, else -1 */
static int status_code(const char *l)
{
	if (strncmp(l, "HTTP/", 5) || !isdigit((unsigned char)l[5]) || l[6] != '.' ||
	    !isdigit((unsigned char)l[7]) || l[8] != ' ')
		return -1;
	for (int i = 9; i < 12; i++)
		if (!isdigit((unsigned char)l[i]))
			return -1;
	if (l[12] && l[12] != ' ' && l[12] != '\r')
		return -1;
	return (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
}

/* one header line of the head (not empty) */
static int header(struct http_resp *r, const char *l)
{
	const char *v = strchr(l, ':');
	size_t nl;

	if (l[0] == ' ' || l[0] == '\t')
		return 0;               /* a folded continuation: nothing we read */
	if (!v)
		return bad(r, "malformed header line");
	nl = (size_t)(v - l);
	for (v++; *v == ' ' || *v == '\t'; v++)
		;
	if (nl == 14 && !strncasecmp(l, "Content-Length", 14)) {
		long long n = 0;
		const char *p = v;
		if (!isdigit((unsigned char)*p))
			return bad(r, "bad Content-Length");
		for (; isdigit((unsigned char)*p); p++) {
			if (n > (1LL << 50))
				return bad(r, "bad Content-Length");
			n = n * 10 + (*p - '0');
		}
		if (r->clen >= 0 && r->clen != n)
			return bad(r, "conflicting Content-Length headers");
		r->clen = n;
	} else if (nl == 17 && !strncasecmp(l, "Transfer-Encoding", 17)) {
		for (const char *p = v; *p; p++)
			if (!strncasecmp(p, "chunked", 7))
				r->chunked = 1;
	}
	return 0;
}

/* the empty line ending a head: choose how the body ends */
static int head_end(struct http_resp *r)
{
	if (r->code >= 100 && r->code < 200) {  /* interim (100 Continue ...): another head follows */
		r->code = 0;
		r->clen = -1;
		r->chunked = 0;
		r->state = ST_STATUS;
		return 0;
	}
	if (r->head_only || r->code == 204 || r->code == 304)
		r->state = ST_DONE;
	else if (r->chunked)
		r->state = ST_CHUNK_SIZE;
	else if (r->clen == 0)
		r->state = ST_DONE;
	else if (r->clen > 0) {
		r->left = (unsigned long long)r->clen;
		r->state = ST_BODY_LEN;
	} else
		r->state = ST_BODY_EOF;
	return 0;
}

static int chunk_size(struct http_resp *r, const char *l)
{
	unsigned long long n = 0;
	int digits = 0;

	for (; isxdigit((unsigned char)*l); l++, digits++) {
		if (digits >= 15)
			return bad(r, "chunk size too large");
		n = n * 16 + (unsigned)(isdigit((unsigned char)*l) ? *l - '0' : (tolower((unsigned char)*l) - 'a' + 10));
	}
	while (*l == ' ' || *l == '\t')
		l++;
	if (!digits || (*l && *l != ';'))
		return bad(r, "bad chunk size line");
	if (n == 0) {
		r->state = ST_TRAILER;
	} else {
		r->left = n;
		r->state = ST_CHUNK_DATA;
	}
	return 0;
}

/* a complete line in r->line (CR stripped) */
static int line_done(struct http_resp *r)
{
	const char *l = r->line;

	switch (r->state) {
	case ST_STATUS:
		r->code = status_code(l);
		if (r->code < 0) {
			r->code = 0;
			return bad(r, "not an HTTP response");
		}
		r->state = ST_HEADER;
		return 0;
	case ST_HEADER:
		return l[0] ? header(r, l) : head_end(r);
	case ST_CHUNK_SIZE:
		return chunk_size(r, l);
	case ST_CHUNK_END:
		if (l[0])
			return bad(r, "chunk not followed by CRLF");
		r->state = ST_CHUNK_SIZE;
		return 0;
	case ST_TRAILER:
		if (!l[0])
			r->state = ST_DONE;
		return 0;
	}
	return 0;
}

static int in_head(const struct http_resp *r)
{
	return r->state == ST_STATUS || r->state == ST_HEADER || r->state == ST_TRAILER;
}

int http_resp_feed(struct http_resp *r, const char *d, size_t n, http_body_fn body, void *arg)
{
	size_t i = 0;

	r->got += n;
	while (i < n && r->state != ST_DONE) {
		if (r->state == ST_BODY_LEN || r->state == ST_CHUNK_DATA || r->state == ST_BODY_EOF) {
			size_t take = n - i;
			if (r->state != ST_BODY_EOF && take > r->left)
				take = (size_t)r->left;
			if (body && body(arg, d + i, take)) {
				r->err[0] = '\0';
				return -1;
			}
			i += take;
			if (r->state == ST_BODY_EOF)
				continue;
			r->left -= take;
			if (!r->left)
				r->state = r->state == ST_BODY_LEN ? ST_DONE : ST_CHUNK_END;
			continue;
		}
		/* line states: one byte at a time up to the newline */
		char ch = d[i++];
		if (in_head(r) && ++r->head_bytes > r->max_head) {
			snprintf(r->err, sizeof(r->err), "headers longer than %zu bytes", r->max_head);
			return -1;
		}
		if (ch == '\n') {
			size_t k = r->llen < sizeof(r->line) - 1 ? r->llen : sizeof(r->line) - 1;
			if (k && r->line[k - 1] == '\r')
				k--;
			r->line[k] = '\0';
			r->llen = 0;
			if (line_done(r))
				return -1;
			continue;
		}
		if (r->llen < sizeof(r->line) - 1)
			r->line[r->llen] = ch;
		else if (!in_head(r) && r->llen >= CHUNK_LINE_MAX)
			return bad(r, "chunk size line too long");
		r->llen++;
	}
	return r->state == ST_DONE ? 1 : 0;
}

int http_resp_eof(struct http_resp *r)
{
	switch (r->state) {
	case ST_DONE:
	case ST_BODY_EOF:
		r->state = ST_DONE;
		return 1;
	case ST_STATUS:
		return bad(r, r->got ? "connection closed in the response head" :
		                       "connection closed without a response");
	case ST_HEADER:
		return bad(r, "connection closed in the response head");
	case ST_BODY_LEN:
		snprintf(r->err, sizeof(r->err), "connection closed after %llu of %lld body bytes",
		         (unsigned long long)r->clen - r->left, r->clen);
		return -1;
	default:
		return bad(r, "connection closed in a chunked body");
	}
}
