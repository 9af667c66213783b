/* vrrp/vrrp_auth.c - keepalived-compatible AH ICV (HMAC-MD5-96 over the packet with the
 * mutable IPv4 fields zeroed) and a constant-time compare, for vrrp_pkt.c. See
 * docs/vrrp-wire.md for the exact MAC input. */
#include <string.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include "vrrp/vrrp_auth.h"
#include "vrrp/vrrp_pkt.h"

/* offsets in the IPv4 header and the AH header */
#define IP4_TOS     1
#define IP4_FRAG    6
#define IP4_TTL     8
#define IP4_CSUM    10
#define AH_ICV      12
/* the longest packet the codec accepts: IPv4 header with options, AH, v2 with 255 addresses */
#define ICV_MAX_IN  (60 + VRRP_PKT_AH_LEN + VRRP_PKT_HDR_LEN + VRRP_PKT_AUTH_LEN + 255 * 4)

int vrrp_auth_ah_icv(const uint8_t *pkt, size_t len, size_t ihl, int zero_ttl,
                     const uint8_t key[8], uint8_t icv[12])
{
	uint8_t buf[ICV_MAX_IN];
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (ihl < 20 || ihl > 60 || len < ihl + VRRP_PKT_AH_LEN || len > sizeof buf)
		return -1;
	memcpy(buf, pkt, len);
	buf[IP4_TOS] = 0;
	buf[IP4_FRAG] = buf[IP4_FRAG + 1] = 0;
	buf[IP4_CSUM] = buf[IP4_CSUM + 1] = 0;
	if (zero_ttl)
		buf[IP4_TTL] = 0;
	memset(buf + ihl + AH_ICV, 0, VRRP_PKT_ICV_LEN);
	if (!HMAC(EVP_md5(), key, VRRP_PKT_AUTH_LEN, buf, len, md, &mdlen) ||
	    mdlen < VRRP_PKT_ICV_LEN)
		return -1;
	memcpy(icv, md, VRRP_PKT_ICV_LEN);
	return 0;
}

int vrrp_auth_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint8_t diff = 0;

	for (size_t i = 0; i < n; i++)
		diff |= (uint8_t)(a[i] ^ b[i]);
	return diff == 0;
}
