/* tests/unit/test_chk_parse.c - the checkers' pure parsers: keepalived's HEX_STR (pairs from
 * the left, lone last digit, x wildcards, bounds), the UDP reply verdict (lengths, pattern up to
 * the shorter length), SMTP replies (single and multi-line, partial input, garbage). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include "healthcheck/chk_parse.h"

static void test_hex(void **st)
{
	const char *g[] = { "Ab12f", "3", "456", "546443123" };
	const uint8_t want[] = { 0xab, 0x12, 0x0f, 0x03, 0x45, 0x06, 0x54, 0x64, 0x43, 0x12, 0x03 };
	uint8_t out[32], mask[32];
	const char *w[] = { "1x", "X2" };
	const char *bad[] = { "12g4" };
	const char *nowild[] = { "1x" };

	assert_int_equal(chk_hex_parse(g, 4, out, NULL, sizeof(out)), (int)sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	assert_int_equal(chk_hex_parse(w, 2, out, mask, sizeof(out)), 2);
	assert_int_equal(out[0], 0x10);
	assert_int_equal(mask[0], 0xf0);
	assert_int_equal(out[1], 0x02);
	assert_int_equal(mask[1], 0x0f);
	assert_int_equal(chk_hex_parse(bad, 1, out, NULL, sizeof(out)), -1);
	assert_int_equal(chk_hex_parse(nowild, 1, out, NULL, sizeof(out)), -1);   /* x only in patterns */
	assert_int_equal(chk_hex_parse(g, 4, out, NULL, 5), -1);                  /* bounded */
	assert_int_equal(chk_hex_parse(g, 0, out, NULL, sizeof(out)), 0);
}

static void test_udp_reply(void **st)
{
	const uint8_t want[] = { 0x10, 0x02, 0xff };
	const uint8_t mask[] = { 0xf0, 0x0f, 0xff };
	const uint8_t r1[] = { 0x1a, 0xb2, 0xff, 0x00 };
	const uint8_t r2[] = { 0x2a, 0xb2 };
	const uint8_t r3[] = { 0x1a };
	char why[128];

	assert_int_equal(chk_udp_reply_ok(r1, sizeof(r1), want, mask, 3, 0, 255, why, sizeof(why)), 1);
	assert_int_equal(chk_udp_reply_ok(r2, sizeof(r2), want, mask, 3, 0, 255, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "byte 0"));
	/* the pattern is compared up to the shorter length */
	assert_int_equal(chk_udp_reply_ok(r3, sizeof(r3), want, mask, 3, 0, 255, why, sizeof(why)), 1);
	assert_int_equal(chk_udp_reply_ok(r3, sizeof(r3), want, mask, 3, 2, 255, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "shorter than 2"));
	assert_int_equal(chk_udp_reply_ok(r1, sizeof(r1), NULL, NULL, 0, 0, 3, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "longer than 3"));
	assert_int_equal(chk_udp_reply_ok(r1, 0, NULL, NULL, 0, 0, 255, why, sizeof(why)), 1);
}

static void test_smtp(void **st)
{
	const char *one = "220 mail.example ESMTP\r\n";
	const char *multi = "250-mail.example\r\n250-SIZE 100\r\n250 HELP\r\nnext";
	int code = 0;

	assert_int_equal(chk_smtp_reply(one, strlen(one), &code), (int)strlen(one));
	assert_int_equal(code, 220);
	assert_int_equal(chk_smtp_reply(multi, strlen(multi), &code), (int)strlen(multi) - 4);
	assert_int_equal(code, 250);
	assert_int_equal(chk_smtp_reply("220\n", 4, &code), 4);                 /* code alone */
	assert_int_equal(chk_smtp_reply("250-a\r\n250 b", 12, &code), 0);       /* incomplete */
	assert_int_equal(chk_smtp_reply("22", 2, &code), 0);
	assert_int_equal(chk_smtp_reply("HTTP/1.0 400\r\n", 14, &code), -1);  /* garbage */
	assert_int_equal(chk_smtp_reply("HT", 2, &code), -1);                  /* told early */
	assert_int_equal(chk_smtp_reply("250-a\r\n220 b\r\n", 14, &code), -1); /* mixed codes */
	assert_int_equal(chk_smtp_reply("220x\r\n", 6, &code), -1);
	assert_int_equal(chk_smtp_reply("620 no\r\n", 8, &code), -1);
	{
		static char longline[1100];
		memset(longline, 'a', sizeof(longline));
		memcpy(longline, "220 ", 4);
		assert_int_equal(chk_smtp_reply(longline, sizeof(longline), &code), -1);
	}
}

static void test_icmp(void **st)
{
	uint8_t req[32], rep[20 + 32];
	uint32_t sum = 0;

	assert_int_equal(chk_icmp_echo_build(req, sizeof(req), 0, 0x1234, 7), (int)sizeof(req));
	assert_int_equal(req[0], 8);
	/* the checksum makes the one's complement sum all ones */
	for (size_t i = 0; i < sizeof(req); i += 2)
		sum += (uint32_t)(req[i] << 8 | req[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	assert_int_equal(sum, 0xffff);
	assert_int_equal(chk_icmp_echo_build(req, 4, 0, 1, 1), -1);
	/* a reply with an IPv4 header (raw socket) */
	memset(rep, 0, sizeof(rep));
	rep[0] = 0x45;
	memcpy(rep + 20, req, sizeof(req));
	rep[20] = 0;                                    /* echo reply */
	assert_int_equal(chk_icmp_echo_match(rep, sizeof(rep), 0, 1, 0x1234, 0, 7), 1);
	assert_int_equal(chk_icmp_echo_match(rep, sizeof(rep), 0, 1, 0x1234, 0, 8), 0);
	assert_int_equal(chk_icmp_echo_match(rep, sizeof(rep), 0, 1, 0x9999, 0, 7), 0);
	assert_int_equal(chk_icmp_echo_match(rep, sizeof(rep), 0, 1, 0x9999, 1, 7), 1);
	assert_int_equal(chk_icmp_echo_match(rep + 20, sizeof(req), 0, 0, 0x1234, 0, 7), 1);
	assert_int_equal(chk_icmp_echo_match(rep, 10, 0, 1, 0x1234, 0, 7), 0);     /* short */
	rep[20] = 8;                                    /* our own request looped back */
	assert_int_equal(chk_icmp_echo_match(rep, sizeof(rep), 0, 1, 0x1234, 0, 7), 0);
	/* ICMPv6 */
	assert_int_equal(chk_icmp_echo_build(req, sizeof(req), 1, 5, 6), (int)sizeof(req));
	assert_int_equal(req[0], 128);
	req[0] = 129;
	assert_int_equal(chk_icmp_echo_match(req, sizeof(req), 1, 0, 5, 0, 6), 1);
	req[1] = 1;
	assert_int_equal(chk_icmp_echo_match(req, sizeof(req), 1, 0, 5, 0, 6), 0);
}

static void test_dns(void **st)
{
	uint8_t r[12] = { 0x12, 0x34, 0x81, 0x83, 0, 1, 0, 2, 0, 0, 0, 0 };
	int rcode = -1, an = -1;

	assert_int_equal(chk_dns_reply(r, sizeof(r), &rcode, &an), 0);
	assert_int_equal(rcode, 3);
	assert_int_equal(an, 2);
	assert_int_equal(chk_dns_reply(r, 11, &rcode, &an), -1);      /* shorter than a header */
	r[2] = 0x01;                                                   /* a query, not a reply */
	assert_int_equal(chk_dns_reply(r, sizeof(r), &rcode, &an), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_udp_reply),
		cmocka_unit_test(test_smtp),
		cmocka_unit_test(test_icmp),
		cmocka_unit_test(test_dns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
