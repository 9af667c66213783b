/* sync/relay_tap.c - reading the kernel master sync thread's datagrams off the local
 * interface with AF_PACKET (relay_os.h). The kernel's master socket has multicast loop off,
 * so only a packet tap sees what it transmits: dev_queue_xmit hands every outgoing frame to
 * the taps (dev_queue_xmit_nit, pkttype PACKET_OUTGOING) before the driver (a dummy interface
 * then frees it). Only outgoing UDP to the sync group and port is taken, and never what our
 * own injector sent (its source port). */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include "sync/relay_os.h"

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

/* the UDP part: 1 ours, 0 other, -1 malformed */
static int udp_part(const uint8_t *u, size_t ulen, const struct relay_tap_filter *f,
                    const uint8_t **payload, size_t *plen)
{
	size_t l;

	if (ulen < 8)
		return -1;
	if (be16(u + 2) != f->port)
		return 0;
	if (f->own_port && be16(u) == f->own_port)
		return 0;
	l = be16(u + 4);
	if (l < 8 || l > ulen)
		return -1;
	*payload = u + 8;
	*plen = l - 8;
	return 1;
}

int relay_tap_parse(const uint8_t *pkt, size_t len, uint16_t ethertype,
                    const struct relay_tap_filter *f, const uint8_t **payload, size_t *plen)
{
	if (ethertype == ETH_P_IP && f->af == AF_INET) {
		size_t ihl, tot;

		if (len < 20 || (pkt[0] >> 4) != 4)
			return 0;
		if (pkt[9] != IPPROTO_UDP || memcmp(pkt + 16, &f->group.v4, 4))
			return 0;
		ihl = (size_t)(pkt[0] & 15) * 4;
		tot = be16(pkt + 2);
		if (ihl < 20 || tot < ihl || tot > len)
			return -1;
		if (be16(pkt + 6) & 0x3fff)          /* MF or a fragment offset */
			return -1;
		return udp_part(pkt + ihl, tot - ihl, f, payload, plen);
	}
	if (ethertype == ETH_P_IPV6 && f->af == AF_INET6) {
		size_t pl;

		if (len < 40 || (pkt[0] >> 4) != 6)
			return 0;
		if (pkt[6] != IPPROTO_UDP || memcmp(pkt + 24, &f->group.v6, 16))
			return 0;
		pl = be16(pkt + 4);
		if (40 + pl > len)
			return -1;
		return udp_part(pkt + 40, pl, f, payload, plen);
	}
	return 0;
}

int relay_tap_open(const char *ifname, char *err, size_t errlen)
{
	struct sockaddr_ll sll;
	int fd, bufsz = 4 << 20;
	unsigned idx = if_nametoindex(ifname);

	if (!idx) {
		snprintf(err, errlen, "local interface %s: %s", ifname, strerror(errno));
		return -1;
	}
	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd < 0) {
		snprintf(err, errlen, "AF_PACKET socket: %s", strerror(errno));
		return -1;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)idx;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		snprintf(err, errlen, "AF_PACKET bind to %s: %s", ifname, strerror(errno));
		close(fd);
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufsz, sizeof(bufsz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	return fd;
}

ssize_t relay_tap_recv(int fd, uint8_t *buf, size_t cap, uint16_t *ethertype, int *outgoing)
{
	struct sockaddr_ll sll;
	socklen_t sl = sizeof(sll);
	ssize_t n = recvfrom(fd, buf, cap, MSG_TRUNC, (struct sockaddr *)&sll, &sl);

	if (n < 0)
		return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -1;
	if ((size_t)n > cap)
		n = (ssize_t)cap;   /* truncated: the parser sees the lengths disagree */
	*ethertype = ntohs(sll.sll_protocol);
	*outgoing = sll.sll_pkttype == PACKET_OUTGOING;
	return n;
}
