/* vrrp/vrrp_sock.h - raw VRRP sockets (IP protocol 112, or 51 for AH instances): IPv4 with
 * IP_HDRINCL (the codec writes the IPv4 header), IPv6 with hop limit 255 and IPV6_PKTINFO for
 * the link-local source; multicast group join per interface, bound to the device, no
 * multicast loop; receive with the kernel's timestamp (converted to CLOCK_MONOTONIC), the
 * hop limit and the destination. */
#ifndef VRRP_SOCK_H
#define VRRP_SOCK_H

#include <stddef.h>
#include <stdint.h>
#include "vrrp/vrrp_pkt.h"

struct vrrp_sock_opts {
	int family;                 /* AF_INET / AF_INET6 */
	int proto;                  /* 112, or 51 (AH) */
	const char *ifname;         /* bind to it (NULL: unicast without interface) */
	int ifindex;
	int join;                   /* join the multicast group on ifindex */
	union vrrp_pkt_ip group;    /* 224.0.0.18 / ff02::12 or as configured */
};

/* a non-blocking, close-on-exec socket; -1 on error (logged) */
int vrrp_sock_open(const struct vrrp_sock_opts *o);

/* IPv4: buf is the whole packet (header included) and goes to dst; IPv6: buf is the VRRP
 * message, sent from src (IPV6_PKTINFO, on ifindex) to dst. 0 ok, -1 error (errno). */
int vrrp_sock_send(int fd, int family, int ifindex, const uint8_t *buf, size_t len,
                   const union vrrp_pkt_ip *src, const union vrrp_pkt_ip *dst);

/* one packet into buf; fills rx (pointing into buf) and *rx_ns (receive time, monotonic).
 * 1 = a packet, 0 = nothing to read, -1 error. */
int vrrp_sock_recv(int fd, int family, uint8_t *buf, size_t size, struct vrrp_pkt_rx *rx,
                   uint64_t *rx_ns);

#endif
