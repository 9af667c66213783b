/* vrrp/vrrp_garp.c - gratuitous ARP and unsolicited NA for VIPs. */
#include "vrrp/vrrp_garp.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/icmp6.h>
#include <sys/socket.h>
#include "lib/log.h"

void vrrp_garp_init(struct vrrp_garp *g)
{
	g->arp_fd = g->na_fd = -1;
}

void vrrp_garp_close(struct vrrp_garp *g)
{
	if (g->arp_fd >= 0)
		close(g->arp_fd);
	if (g->na_fd >= 0)
		close(g->na_fd);
	vrrp_garp_init(g);
}

size_t vrrp_garp_build_arp(uint8_t b[VRRP_GARP_ARP_LEN], const uint8_t mac[6], struct in_addr ip)
{
	memset(b, 0xff, 6);                 /* broadcast */
	memcpy(b + 6, mac, 6);
	b[12] = 0x08; b[13] = 0x06;         /* ARP */
	b[14] = 0x00; b[15] = 0x01;         /* Ethernet */
	b[16] = 0x08; b[17] = 0x00;         /* IPv4 */
	b[18] = 6; b[19] = 4;
	b[20] = 0x00; b[21] = 0x01;         /* request */
	memcpy(b + 22, mac, 6);             /* sender MAC */
	memcpy(b + 28, &ip, 4);             /* sender IP */
	memset(b + 32, 0xff, 6);            /* target MAC: broadcast */
	memcpy(b + 38, &ip, 4);             /* target IP = sender IP */
	return VRRP_GARP_ARP_LEN;
}

size_t vrrp_garp_build_na(uint8_t b[VRRP_GARP_NA_LEN], const uint8_t mac[6],
                          const struct in6_addr *target)
{
	memset(b, 0, VRRP_GARP_NA_LEN);
	b[0] = ND_NEIGHBOR_ADVERT;          /* 136 */
	b[4] = 0x20;                        /* Override (not solicited, not router) */
	memcpy(b + 8, target, 16);
	b[24] = ND_OPT_TARGET_LINKADDR;     /* 2 */
	b[25] = 1;                          /* 8 bytes */
	memcpy(b + 26, mac, 6);
	return VRRP_GARP_NA_LEN;
}

int vrrp_garp_send_arp(struct vrrp_garp *g, int ifindex, const uint8_t mac[6], struct in_addr ip)
{
	uint8_t frame[VRRP_GARP_ARP_LEN];
	struct sockaddr_ll sll;

	if (g->arp_fd < 0) {
		g->arp_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (g->arp_fd < 0) {
			tdm_log_err("gratuitous ARP socket: %s", strerror(errno));
			return -1;
		}
	}
	vrrp_garp_build_arp(frame, mac, ip);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ARP);
	sll.sll_ifindex = ifindex;
	sll.sll_halen = 6;
	memset(sll.sll_addr, 0xff, 6);
	if (sendto(g->arp_fd, frame, sizeof(frame), 0, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -1;
	return 0;
}

int vrrp_garp_send_na(struct vrrp_garp *g, int ifindex, const uint8_t mac[6],
                      const struct in6_addr *target, const struct in6_addr *src6)
{
	uint8_t msg[VRRP_GARP_NA_LEN];
	struct sockaddr_in6 dst;
	struct iovec iov = { .iov_base = msg, .iov_len = sizeof(msg) };
	struct msghdr mh = { .msg_name = &dst, .msg_namelen = sizeof(dst), .msg_iov = &iov,
	                     .msg_iovlen = 1 };
	union { char b[CMSG_SPACE(sizeof(struct in6_pktinfo))]; struct cmsghdr align; } cbuf;
	struct in6_pktinfo pi;
	struct cmsghdr *cm;

	if (g->na_fd < 0) {
		int hops = 255;

		g->na_fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMPV6);
		if (g->na_fd < 0) {
			tdm_log_err("unsolicited NA socket: %s", strerror(errno));
			return -1;
		}
		setsockopt(g->na_fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops));
		setsockopt(g->na_fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops));
	}
	vrrp_garp_build_na(msg, mac, target);
	memset(&dst, 0, sizeof(dst));
	dst.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "ff02::1", &dst.sin6_addr);
	dst.sin6_scope_id = (uint32_t)ifindex;
	memset(&cbuf, 0, sizeof(cbuf));
	mh.msg_control = cbuf.b;
	mh.msg_controllen = sizeof(cbuf.b);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = IPV6_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memset(&pi, 0, sizeof(pi));
	if (src6)
		pi.ipi6_addr = *src6;
	pi.ipi6_ifindex = (unsigned)ifindex;
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	if (sendmsg(g->na_fd, &mh, 0) < 0)
		return -1;
	return 0;
}
