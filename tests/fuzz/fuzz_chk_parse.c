/* tests/fuzz/fuzz_chk_parse.c - libFuzzer target for what the checkers parse from real servers
 * (healthcheck/chk_parse.c): SMTP replies, DNS reply headers, ICMP/ICMPv6 echo replies with and
 * without an IPv4 header, UDP reply verdicts, and HEX_STR groups. Any bytes: nothing reads
 * outside the input, an accepted SMTP reply's length is within the input and its code is a
 * 3-digit number, verdicts are 0/1 with a terminated reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "healthcheck/chk_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_chk_parse: property violated: %s\n", what);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy, so ASan sees any read past the end */
	uint8_t *buf = malloc(size ? size : 1);
	int code = -1, rcode = -1, an = -1, n;
	char why[64];

	if (!buf)
		return 0;
	memcpy(buf, data, size);

	n = chk_smtp_reply((const char *)buf, size, &code);
	check(n >= -1 && (size_t)(n > 0 ? n : 0) <= size, "smtp length");
	if (n > 0)
		check(code >= 100 && code <= 999, "smtp code");

	if (chk_dns_reply(buf, size, &rcode, &an) == 0)
		check(size >= 12 && rcode >= 0 && rcode <= 15 && an >= 0 && an <= 65535, "dns header");

	for (int v6 = 0; v6 <= 1; v6++)
		for (int hdr = 0; hdr <= 1; hdr++) {
			n = chk_icmp_echo_match(buf, size, v6, hdr, 0x1234, hdr, 7);
			check(n == 0 || n == 1, "icmp verdict");
		}

	/* the first half is the expected reply (mask from the second byte on), the rest the reply */
	size_t half = size / 2;
	why[0] = 0;
	n = chk_udp_reply_ok(buf + half, size - half, buf, buf, half, 0, (int)size, why, sizeof(why));
	check((n == 0 || n == 1) && memchr(why, 0, sizeof(why)), "udp verdict");

	/* the bytes as HEX_STR groups split at spaces */
	char *s = malloc(size + 1);
	if (s) {
		const char *groups[16];
		size_t ng = 0;
		uint8_t out[64], mask[64];
		char *save = NULL;

		memcpy(s, data, size);
		s[size] = 0;
		for (char *t = strtok_r(s, " ", &save); t && ng < 16; t = strtok_r(NULL, " ", &save))
			groups[ng++] = t;
		n = chk_hex_parse(groups, ng, out, mask, sizeof(out));
		check(n >= -1 && n <= (int)sizeof(out), "hex length");
		free(s);
	}
	free(buf);
	return 0;
}
