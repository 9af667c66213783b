/* healthcheck/chk_parse.h - pure parsing of what checkers send and receive (no I/O): keepalived's
 * HEX_STR with x wildcards (UDP_CHECK payload / require_reply), the UDP reply verdict, SMTP
 * replies. Unit-tested in tests/unit/test_chk_parse.c. */
#ifndef CHK_PARSE_H
#define CHK_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* HEX_STR groups ("Ab12f 3 456" -> AB 12 0F 03 45 06: pairs from the left, a lone last digit
 * is the low nibble). With mask != NULL an x/X digit matches anything (its mask nibble is 0).
 * Returns the byte count, or -1 for a bad digit or more than cap bytes. */
int chk_hex_parse(const char *const *groups, size_t ngroups, uint8_t *out, uint8_t *mask,
                  size_t cap);

/* UDP_CHECK reply verdict: length within [min_len, max_len], and when want_len > 0 the first
 * min(len, want_len) bytes equal want under mask. 1 pass, 0 fail (why set). */
int chk_udp_reply_ok(const uint8_t *reply, size_t len, const uint8_t *want, const uint8_t *mask,
                     size_t want_len, int min_len, int max_len, char *why, size_t why_len);

/* One SMTP reply at the start of buf (lines "ddd-text" ... ending with "ddd text" or "ddd").
 * Returns the number of bytes the complete reply takes (code in *code), 0 when more input is
 * needed, -1 when it is not an SMTP reply (mixed codes, no digits, a line over 1000 bytes). */
int chk_smtp_reply(const char *buf, size_t len, int *code);

/* ICMP / ICMPv6 echo request of len bytes (>= 8) into buf: id, seq, a payload pattern; the
 * IPv4 checksum is computed (the kernel does ICMPv6's). Returns len or -1. */
int chk_icmp_echo_build(uint8_t *buf, size_t len, int v6, uint16_t id, uint16_t seq);
/* 1 when buf (an IPv4 packet with its header when ip_hdr, else the ICMP message) is the echo
 * reply to id/seq (id_any: the kernel rewrote the id, as ping sockets do), 0 otherwise */
int chk_icmp_echo_match(const uint8_t *buf, size_t len, int v6, int ip_hdr, uint16_t id,
                        int id_any, uint16_t seq);

/* DNS reply header: RCODE and ANCOUNT; 0, or -1 when shorter than a header or not a response */
int chk_dns_reply(const uint8_t *buf, size_t len, int *rcode, int *ancount);

#endif
