/* healthcheck/chk_http.c - HTTP_GET / SSL_GET (placeholder until the libcurl checker lands). */
#include <stdio.h>
#include "healthcheck/check_int.h"

static int http_start(struct chk_inst *c, char *why, size_t len)
{
	snprintf(why, len, "%s is not implemented yet", check_kind_names[c->spec.kind]);
	return -1;
}

static void http_stop(struct chk_inst *c)
{
}

const struct chk_ops chk_http_ops = { .name = "HTTP_GET", .start = http_start, .stop = http_stop };
