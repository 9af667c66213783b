/* tests/unit/test_check_http_resp.c - HTTP_GET's response reader (healthcheck/chk_http_resp.c):
 * Content-Length, body until close, chunked bodies (fed whole and one byte at a time, every
 * split), interim 1xx heads, HEAD/204 without body, the head size bound, garbage and cut-short
 * responses, and a body callback that stops the read. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include "healthcheck/chk_http_resp.h"

struct sink {
	char buf[4096];
	size_t len, stop_after;
};

static int sink_cb(void *arg, const char *d, size_t n)
{
	struct sink *s = arg;

	if (s->len + n >= sizeof(s->buf))
		return -1;
	memcpy(s->buf + s->len, d, n);
	s->len += n;
	s->buf[s->len] = '\0';
	return s->stop_after && s->len >= s->stop_after ? -1 : 0;
}

/* feed text in pieces of `step` bytes (0 = whole); result of the last call, eof applied if
 * the feed did not complete and `eof` is set */
static int feed(struct http_resp *r, struct sink *s, const char *t, size_t step, int head, int eof)
{
	size_t n = strlen(t), i = 0;
	int rc = 0;

	memset(s, 0, sizeof(*s));
	http_resp_init(r, head, 1024);
	if (!step)
		step = n ? n : 1;
	while (i < n && rc == 0) {
		size_t k = n - i < step ? n - i : step;
		rc = http_resp_feed(r, t + i, k, sink_cb, s);
		i += k;
	}
	if (rc == 0 && eof)
		rc = http_resp_eof(r);
	return rc;
}

static void test_content_length(void **st)
{
	struct http_resp r;
	struct sink s;
	const char *t = "HTTP/1.0 200 OK\r\nContent-Length: 5\r\nX: y\r\n\r\nhello";

	for (size_t step = 0; step < 8; step++) {
		assert_int_equal(feed(&r, &s, t, step, 0, 0), 1);
		assert_int_equal(r.code, 200);
		assert_string_equal(s.buf, "hello");
	}
	/* bytes after the body are not body */
	assert_int_equal(feed(&r, &s, "HTTP/1.1 503 Busy\r\ncontent-length: 2\r\n\r\nokEXTRA", 0, 0, 0), 1);
	assert_int_equal(r.code, 503);
	assert_string_equal(s.buf, "ok");
	/* bare LF line ends */
	assert_int_equal(feed(&r, &s, "HTTP/1.0 404 No\nContent-Length: 1\n\nx", 0, 0, 0), 1);
	assert_int_equal(r.code, 404);
	/* cut short */
	assert_int_equal(feed(&r, &s, "HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nabc", 0, 0, 1), -1);
	assert_non_null(strstr(r.err, "3 of 10"));
	assert_int_equal(feed(&r, &s, "HTTP/1.0 200 OK\r\nContent-Length: x\r\n\r\n", 0, 0, 0), -1);
	assert_string_equal(r.err, "bad Content-Length");
}

static void test_until_close(void **st)
{
	struct http_resp r;
	struct sink s;

	assert_int_equal(feed(&r, &s, "HTTP/1.0 200 OK\r\n\r\nall of it", 3, 0, 0), 0);
	assert_int_equal(http_resp_eof(&r), 1);
	assert_string_equal(s.buf, "all of it");
	assert_int_equal(feed(&r, &s, "", 0, 0, 1), -1);
	assert_string_equal(r.err, "connection closed without a response");
	assert_int_equal(feed(&r, &s, "HTTP/1.0 200 OK\r\nA: b", 0, 0, 1), -1);
	assert_string_equal(r.err, "connection closed in the response head");
}

static void test_chunked(void **st)
{
	struct http_resp r;
	struct sink s;
	const char *t = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
	                "5;ext=1\r\nhello\r\n1A\r\n abcdefghijklmnopqrstuvwxy\r\n0\r\nTrailer: x\r\n\r\n";

	for (size_t step = 0; step < 12; step++) {
		assert_int_equal(feed(&r, &s, t, step, 0, 0), 1);
		assert_string_equal(s.buf, "hello abcdefghijklmnopqrstuvwxy");
	}
	assert_int_equal(feed(&r, &s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0, 0, 0), -1);
	assert_string_equal(r.err, "bad chunk size line");
	assert_int_equal(feed(&r, &s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n", 0, 0, 0), -1);
	assert_string_equal(r.err, "chunk not followed by CRLF");
	assert_int_equal(feed(&r, &s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", 0, 0, 1), -1);
	assert_string_equal(r.err, "connection closed in a chunked body");
	assert_int_equal(feed(&r, &s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	                     "ffffffffffffffff\r\n", 0, 0, 0), -1);
	assert_string_equal(r.err, "chunk size too large");
}

static void test_interim_and_no_body(void **st)
{
	struct http_resp r;
	struct sink s;

	assert_int_equal(feed(&r, &s, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Made\r\n"
	                     "Content-Length: 2\r\n\r\nok", 1, 0, 0), 1);
	assert_int_equal(r.code, 201);
	assert_string_equal(s.buf, "ok");
	/* HEAD: Content-Length describes a body that is not sent */
	assert_int_equal(feed(&r, &s, "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", 0, 1, 0), 1);
	assert_int_equal(feed(&r, &s, "HTTP/1.1 204 None\r\n\r\n", 0, 0, 0), 1);
	assert_int_equal(r.code, 204);
}

static void test_garbage_and_bounds(void **st)
{
	struct http_resp r;
	struct sink s;
	char big[2048];
	const char *junk[] = { "SSH-2.0-OpenSSH\r\n", "HTTP/1.0 20 OK\r\n", "HTTP/x.0 200 OK\r\n",
	                       "HTTP/1.0 2000 OK\r\n", "220 smtp ready\r\n" };

	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		assert_int_equal(feed(&r, &s, junk[i], 0, 0, 0), -1);
		assert_string_equal(r.err, "not an HTTP response");
	}
	assert_int_equal(feed(&r, &s, "HTTP/1.0 200 OK\r\nno colon here\r\n\r\n", 0, 0, 0), -1);
	assert_string_equal(r.err, "malformed header line");
	/* endless headers stop at the bound (1024 in feed()), long lines included */
	snprintf(big, sizeof(big), "HTTP/1.0 200 OK\r\nX: ");
	memset(big + strlen(big), 'a', sizeof(big) - strlen(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(feed(&r, &s, big, 7, 0, 0), -1);
	assert_string_equal(r.err, "headers longer than 1024 bytes");
	/* the body callback stops the read: no reader error text */
	memset(&s, 0, sizeof(s));
	http_resp_init(&r, 0, 1024);
	s.stop_after = 4;
	assert_int_equal(http_resp_feed(&r, "HTTP/1.0 200 OK\r\n\r\n0123456789", 29, sink_cb, &s), -1);
	assert_string_equal(r.err, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_content_length),
		cmocka_unit_test(test_until_close),
		cmocka_unit_test(test_chunked),
		cmocka_unit_test(test_interim_and_no_body),
		cmocka_unit_test(test_garbage_and_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
