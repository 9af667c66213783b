/* vrrp/vrrp_auth.h - VRRP v2 authentication helpers for the codec (vrrp_pkt.c): the ICV of
 * keepalived's IPsec-AH variant (HMAC-MD5-96, OpenSSL) and a constant-time compare. Pure. */
#ifndef VRRP_AUTH_H
#define VRRP_AUTH_H

#include <stddef.h>
#include <stdint.h>

/* ICV of an IPv4 AH-protected advert: pkt is the whole packet (IPv4 header of ihl bytes, the
 * 24-byte AH header, the VRRP message), len its length. The MAC input is the packet with the
 * header's TOS, fragment field and header checksum zeroed, the TTL zeroed too when zero_ttl
 * (unicast), and the 12 ICV bytes zeroed; the key is the 8-byte zero-padded password.
 * Writes the first 12 bytes of HMAC-MD5 to icv. 0 ok, -1 on bad lengths or an OpenSSL
 * failure. */
int vrrp_auth_ah_icv(const uint8_t *pkt, size_t len, size_t ihl, int zero_ttl,
                     const uint8_t key[8], uint8_t icv[12]);

/* 1 when the n bytes of a and b are equal; time independent of where they differ */
int vrrp_auth_equal(const uint8_t *a, const uint8_t *b, size_t n);

#endif
