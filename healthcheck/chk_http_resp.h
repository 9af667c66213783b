/* healthcheck/chk_http_resp.h - incremental reader of one HTTP/1.x response for HTTP_GET: the
 * status line, the headers that frame the body (Content-Length, Transfer-Encoding: chunked),
 * interim 1xx responses skipped, and the body handed out in pieces. The head is bounded in
 * size; the body is bounded by the caller's callback. Pure: no I/O, no allocation. */
#ifndef CHK_HTTP_RESP_H
#define CHK_HTTP_RESP_H

#include <stddef.h>

struct http_resp {
	int state;
	int code;                   /* status code of the final response, 0 until read */
	int head_only;              /* the request was HEAD: the response has no body */
	int chunked;
	long long clen;             /* Content-Length, -1 = not given */
	unsigned long long left;    /* bytes left in the body (Content-Length) or the chunk */
	size_t head_bytes, max_head, got;
	size_t llen;                /* bytes of the current line (kept up to sizeof(line) - 1) */
	char line[256];
	char err[96];               /* why the response is refused (-1 returns) */
};

/* body piece callback: 0 = go on, else stop (the caller keeps its own reason) */
typedef int (*http_body_fn)(void *arg, const char *data, size_t len);

void http_resp_init(struct http_resp *r, int head_only, size_t max_head);
/* feed received bytes: 1 = the response is complete, 0 = more needed, -1 = bad response
 * (r->err) or the body callback stopped it (r->err empty) */
int http_resp_feed(struct http_resp *r, const char *d, size_t n, http_body_fn body, void *arg);
/* the peer closed the connection: 1 = complete (a body that ends with the connection),
 * -1 = cut short (r->err) */
int http_resp_eof(struct http_resp *r);

#endif
