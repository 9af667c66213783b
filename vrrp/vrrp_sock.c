/* vrrp/vrrp_sock.c - raw VRRP sockets for IPv4 and IPv6: open (HDRINCL / hop limits /
 * ancillary data / group join / device binding), send, and receive with metadata. */
#include "vrrp/vrrp_sock.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>
#include "lib/log.h"
#include "lib/mono.h"

#define SET(fd, lvl, opt, val) setsockopt(fd, lvl, opt, &(val), sizeof(val))

static int open4(int fd, const struct vrrp_sock_opts *o)
{
	int one = 1, zero = 0, ttl = 255;

	if (SET(fd, IPPROTO_IP, IP_HDRINCL, one) < 0 ||
	    SET(fd, IPPROTO_IP, IP_MULTICAST_LOOP, zero) < 0 ||
	    SET(fd, IPPROTO_IP, IP_MULTICAST_TTL, ttl) < 0)
		return -1;
	if (o->ifindex > 0) {
		struct ip_mreqn mr = { .imr_ifindex = o->ifindex };

		if (SET(fd, IPPROTO_IP, IP_MULTICAST_IF, mr) < 0)
			return -1;
		if (o->join) {
			memcpy(&mr.imr_multiaddr, o->group.b, 4);
			if (SET(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, mr) < 0)
				return -1;
		}
	}
	return 0;
}

static int open6(int fd, const struct vrrp_sock_opts *o)
{
	int one = 1, zero = 0, hops = 255, tclass = VRRP_PKT_TOS;

	if (SET(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, zero) < 0 ||
	    SET(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, hops) < 0 ||
	    SET(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, hops) < 0 ||
	    SET(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, one) < 0 ||
	    SET(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, one) < 0 ||
	    SET(fd, IPPROTO_IPV6, IPV6_TCLASS, tclass) < 0)
		return -1;
	if (o->ifindex > 0) {
		struct ipv6_mreq mr = { .ipv6mr_interface = (unsigned)o->ifindex };

		if (SET(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, o->ifindex) < 0)
			return -1;
		if (o->join) {
			memcpy(&mr.ipv6mr_multiaddr, o->group.b, 16);
			if (SET(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, mr) < 0)
				return -1;
		}
	}
	return 0;
}

int vrrp_sock_open(const struct vrrp_sock_opts *o)
{
	int one = 1, rcvbuf = 256 * 1024;
	int fd = socket(o->family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, o->proto);

	if (fd < 0) {
		tdm_log_err("vrrp socket (family %d, proto %d): %s", o->family, o->proto,
		            strerror(errno));
		return -1;
	}
	if (o->ifname && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, o->ifname,
	                            (socklen_t)strlen(o->ifname)) < 0)
		goto fail;
	if (SET(fd, SOL_SOCKET, SO_TIMESTAMPNS, one) < 0)
		goto fail;
	SET(fd, SOL_SOCKET, SO_RCVBUF, rcvbuf);
	if ((o->family == AF_INET ? open4(fd, o) : open6(fd, o)) < 0)
		goto fail;
	return fd;
fail:
	tdm_log_err("vrrp socket on %s: %s", o->ifname ? o->ifname : "(any)", strerror(errno));
	close(fd);
	return -1;
}

int vrrp_sock_send(int fd, int family, int ifindex, const uint8_t *buf, size_t len,
                   const union vrrp_pkt_ip *src, const union vrrp_pkt_ip *dst)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	union { char b[CMSG_SPACE(sizeof(struct in6_pktinfo))]; struct cmsghdr align; } cbuf;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	ssize_t n;

	if (family == AF_INET) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		memcpy(&sin.sin_addr, dst->b, 4);
		mh.msg_name = &sin;
		mh.msg_namelen = sizeof(sin);
	} else {
		struct cmsghdr *cm;
		struct in6_pktinfo pi;

		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		memcpy(&sin6.sin6_addr, dst->b, 16);
		if (IN6_IS_ADDR_LINKLOCAL(&sin6.sin6_addr) || IN6_IS_ADDR_MULTICAST(&sin6.sin6_addr))
			sin6.sin6_scope_id = (uint32_t)ifindex;
		mh.msg_name = &sin6;
		mh.msg_namelen = sizeof(sin6);
		memset(&cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf.b;
		mh.msg_controllen = sizeof(cbuf.b);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memset(&pi, 0, sizeof(pi));
		memcpy(&pi.ipi6_addr, src->b, 16);
		pi.ipi6_ifindex = (unsigned)ifindex;
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	}
	n = sendmsg(fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return -1;
	return (size_t)n == len ? 0 : -1;
}

/* kernel receive stamp (CLOCK_REALTIME) -> CLOCK_MONOTONIC; the read time when the stamp is
 * missing or in the future */
static uint64_t stamp_to_mono(const struct timespec *ts)
{
	uint64_t mono = tdm_mono_ns(), wall = tdm_wall_ns();
	uint64_t rx = (uint64_t)ts->tv_sec * 1000000000ULL + (uint64_t)ts->tv_nsec;

	if (!rx || rx > wall || wall - rx > mono)
		return mono;
	return mono - (wall - rx);
}

int vrrp_sock_recv(int fd, int family, uint8_t *buf, size_t size, struct vrrp_pkt_rx *rx,
                   uint64_t *rx_ns)
{
	union { struct sockaddr_in v4; struct sockaddr_in6 v6; } from;
	union { char b[512]; struct cmsghdr align; } cbuf;
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
	                     .msg_iovlen = 1, .msg_control = cbuf.b,
	                     .msg_controllen = sizeof(cbuf.b) };
	struct cmsghdr *cm;
	struct timespec ts = { 0, 0 };
	ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
	memset(rx, 0, sizeof(*rx));
	rx->family = family;
	rx->data = buf;
	rx->len = (size_t)n;
	rx->hop_limit = -1;
	if (family == AF_INET6)
		rx->src = from.v6.sin6_addr;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS)
			memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
		else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_HOPLIMIT)
			memcpy(&rx->hop_limit, CMSG_DATA(cm), sizeof(int));
		else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			rx->dst = pi.ipi6_addr;
		}
	}
	*rx_ns = stamp_to_mono(&ts);
	return 1;
}
