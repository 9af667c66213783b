/* vrrp/vrrp_garp.h - gratuitous ARP (IPv4, AF_PACKET broadcast frame) and unsolicited
 * Neighbour Advertisement (IPv6, ICMPv6 raw socket to ff02::1, Override set, target
 * link-layer option) announcing a VIP with the interface's MAC. The frame builders are pure. */
#ifndef VRRP_GARP_H
#define VRRP_GARP_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define VRRP_GARP_ARP_LEN 42     /* Ethernet header + ARP for IPv4 */
#define VRRP_GARP_NA_LEN  32     /* ICMPv6 NA + target link-layer option */

struct vrrp_garp {
	int arp_fd;                  /* AF_PACKET, -1 until first use */
	int na_fd;                   /* ICMPv6 raw, -1 until first use */
};

void vrrp_garp_init(struct vrrp_garp *g);
void vrrp_garp_close(struct vrrp_garp *g);

/* broadcast ARP request who-has ip tell ip from mac (sender = target = ip) */
size_t vrrp_garp_build_arp(uint8_t buf[VRRP_GARP_ARP_LEN], const uint8_t mac[6],
                           struct in_addr ip);
/* NA for target with Override set (the kernel fills the ICMPv6 checksum) */
size_t vrrp_garp_build_na(uint8_t buf[VRRP_GARP_NA_LEN], const uint8_t mac[6],
                          const struct in6_addr *target);

/* send one; src6 is the link-local source for NA (NULL: the kernel picks). 0 ok, -1 error */
int vrrp_garp_send_arp(struct vrrp_garp *g, int ifindex, const uint8_t mac[6],
                       struct in_addr ip);
int vrrp_garp_send_na(struct vrrp_garp *g, int ifindex, const uint8_t mac[6],
                      const struct in6_addr *target, const struct in6_addr *src6);

#endif
