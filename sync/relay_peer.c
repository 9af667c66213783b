/* sync/relay_peer.c - the UDP socket between relays (relay_os.h): bound to the relay port on
 * the peer interface; in multicast mode it joins the group on that interface and sends to it
 * with loop off (our own frames would come back otherwise). IPv4 or IPv6. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "sync/relay_os.h"

/* receive (and send) buffer of the peer socket: a bulk resync streams up to a replay window of
 * frames (1024 by default, 4096 at most in the resend queue) faster than a slow receiver reads
 * them; each ~1.4 KB frame costs 2-4 KiB of buffer, so 16 MiB holds a whole queue. Forced as
 * root (SO_RCVBUFFORCE), else capped by net.core.rmem_max. */
#define RELAY_PEER_BUF (16 << 20)

int relay_peer_open(int af, const char *ifname, uint16_t port, const union sync_addr *group,
                    int ttl, char *err, size_t errlen)
{
	unsigned idx = if_nametoindex(ifname);
	int fd, one = 1, zero = 0, bufsz = RELAY_PEER_BUF;
	struct sockaddr_storage me;
	const char *what = "socket";

	if (!idx) {
		snprintf(err, errlen, "interface %s: %s", ifname, strerror(errno));
		return -1;
	}
	fd = socket(af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufsz, sizeof(bufsz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bufsz, sizeof(bufsz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof(bufsz));
	what = "SO_BINDTODEVICE";
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0)
		goto fail;
	memset(&me, 0, sizeof(me));
	what = "bind";
	if (af == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&me;

		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		if (bind(fd, (struct sockaddr *)s, sizeof(*s)) < 0)
			goto fail;
		what = "TTL";
		if (setsockopt(fd, IPPROTO_IP, group ? IP_MULTICAST_TTL : IP_TTL, &ttl, sizeof(ttl)) < 0)
			goto fail;
		if (group) {
			struct ip_mreqn mr = { .imr_multiaddr = group->v4, .imr_ifindex = (int)idx };

			what = "joining the group";
			if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0 ||
			    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0 ||
			    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &zero, sizeof(zero)) < 0)
				goto fail;
		}
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&me;
		int i = (int)idx;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons(port);
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)s, sizeof(*s)) < 0)
			goto fail;
		what = "hop limit";
		if (setsockopt(fd, IPPROTO_IPV6, group ? IPV6_MULTICAST_HOPS : IPV6_UNICAST_HOPS,
		               &ttl, sizeof(ttl)) < 0)
			goto fail;
		if (group) {
			struct ipv6_mreq mr = { .ipv6mr_multiaddr = group->v6, .ipv6mr_interface = idx };

			what = "joining the group";
			if (setsockopt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0 ||
			    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &i, sizeof(i)) < 0 ||
			    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero, sizeof(zero)) < 0)
				goto fail;
		}
	}
	return fd;
fail:
	snprintf(err, errlen, "relay socket on %s port %u: %s: %s", ifname, port, what,
	         strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}
