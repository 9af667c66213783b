/* healthcheck/chk_parse.c - pure parsers of the checkers (see chk_parse.h). */
#include <stdio.h>
#include <string.h>
#include "healthcheck/chk_parse.h"

static int nibble(char c, int wild, int *any)
{
	*any = 0;
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (wild && (c == 'x' || c == 'X')) {
		*any = 1;
		return 0;
	}
	return -1;
}

int chk_hex_parse(const char *const *groups, size_t ngroups, uint8_t *out, uint8_t *mask,
                  size_t cap)
{
	size_t n = 0;

	for (size_t g = 0; g < ngroups; g++) {
		const char *s = groups[g];
		size_t len = strlen(s);
		for (size_t i = 0; i < len; i += 2) {
			int a1, a2 = 0, hi, lo;
			if (n >= cap)
				return -1;
			if (i + 1 < len) {
				hi = nibble(s[i], mask != NULL, &a1);
				lo = nibble(s[i + 1], mask != NULL, &a2);
			} else {            /* a lone last digit: the low nibble */
				hi = 0;
				a1 = 0;
				lo = nibble(s[i], mask != NULL, &a2);
			}
			if (hi < 0 || lo < 0)
				return -1;
			out[n] = (uint8_t)(hi << 4 | lo);
			if (mask)
				mask[n] = (uint8_t)((a1 ? 0 : 0xf0) | (a2 ? 0 : 0x0f));
			n++;
		}
	}
	return (int)n;
}

int chk_udp_reply_ok(const uint8_t *reply, size_t len, const uint8_t *want, const uint8_t *mask,
                     size_t want_len, int min_len, int max_len, char *why, size_t why_len)
{
	size_t n = len < want_len ? len : want_len;

	if ((int)len < min_len) {
		snprintf(why, why_len, "reply of %zu bytes, shorter than %d", len, min_len);
		return 0;
	}
	if (max_len >= 0 && (int)len > max_len) {
		snprintf(why, why_len, "reply of %zu bytes, longer than %d", len, max_len);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t m = mask ? mask[i] : 0xff;
		if ((reply[i] & m) != (want[i] & m)) {
			snprintf(why, why_len, "reply byte %zu is %02x, expected %02x", i, reply[i], want[i]);
			return 0;
		}
	}
	snprintf(why, why_len, "reply of %zu bytes", len);
	return 1;
}

int chk_smtp_reply(const char *buf, size_t len, int *code)
{
	size_t pos = 0;
	int first = -1;

	for (;;) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		int c;
		if (ll > 1000)
			return -1;
		if (!nl) {
			/* partial line: garbage can be told early */
			for (size_t i = 0; i < ll && i < 3; i++)
				if (buf[pos + i] < '0' || buf[pos + i] > '9')
					return -1;
			return 0;
		}
		if (ll < 3 || buf[pos] < '1' || buf[pos] > '5' || buf[pos + 1] < '0' ||
		    buf[pos + 1] > '9' || buf[pos + 2] < '0' || buf[pos + 2] > '9')
			return -1;
		c = (buf[pos] - '0') * 100 + (buf[pos + 1] - '0') * 10 + (buf[pos + 2] - '0');
		if (first >= 0 && c != first)
			return -1;
		first = c;
		if (ll > 3 && buf[pos + 3] == '-') {
			pos += ll + 1;
			continue;
		}
		if (ll > 3 && buf[pos + 3] != ' ' && buf[pos + 3] != '\r')
			return -1;
		*code = c;
		return (int)(pos + ll + 1);
	}
}

static uint16_t csum16(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)(p[n - 1] << 8);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

int chk_icmp_echo_build(uint8_t *buf, size_t len, int v6, uint16_t id, uint16_t seq)
{
	uint16_t c;

	if (len < 8)
		return -1;
	memset(buf, 0, len);
	buf[0] = v6 ? 128 : 8;      /* echo request */
	buf[4] = (uint8_t)(id >> 8);
	buf[5] = (uint8_t)id;
	buf[6] = (uint8_t)(seq >> 8);
	buf[7] = (uint8_t)seq;
	for (size_t i = 8; i < len; i++)
		buf[i] = (uint8_t)("tandem-check"[(i - 8) % 12]);
	if (!v6) {
		c = csum16(buf, len);
		buf[2] = (uint8_t)(c >> 8);
		buf[3] = (uint8_t)c;
	}
	return (int)len;
}

int chk_icmp_echo_match(const uint8_t *buf, size_t len, int v6, int ip_hdr, uint16_t id,
                        int id_any, uint16_t seq)
{
	if (ip_hdr && !v6) {
		size_t hl;
		if (len < 20 || (buf[0] >> 4) != 4)
			return 0;
		hl = (size_t)(buf[0] & 0x0f) * 4;
		if (hl < 20 || len < hl)
			return 0;
		buf += hl;
		len -= hl;
	}
	if (len < 8 || buf[0] != (v6 ? 129 : 0) || buf[1] != 0)
		return 0;
	if (!id_any && (uint16_t)(buf[4] << 8 | buf[5]) != id)
		return 0;
	return (uint16_t)(buf[6] << 8 | buf[7]) == seq;
}

int chk_dns_reply(const uint8_t *buf, size_t len, int *rcode, int *ancount)
{
	if (len < 12 || !(buf[2] & 0x80))
		return -1;
	*rcode = buf[3] & 0x0f;
	*ancount = buf[6] << 8 | buf[7];
	return 0;
}
