/* sync/relay_inject.c - handing sync v1 messages to the local kernel backup thread
 * (relay_os.h): a UDP socket sends them to the sync group and port out of the local interface
 * with multicast loop on. The kernel's backup socket is bound to that group and port, tied to
 * the interface and joined to the group there, so the looped-back copy (ip_mc_output ->
 * dev_loopback_xmit, since the interface is a member of the group) is delivered to it. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "sync/relay_os.h"

int relay_inject_open(struct relay_inject *in, const char *ifname, int af,
                      const union sync_addr *group, uint16_t port, char *err, size_t errlen)
{
	unsigned idx = if_nametoindex(ifname);
	int one = 1, ttl = 1;
	struct sockaddr_storage me;
	socklen_t ml = sizeof(me);

	memset(in, 0, sizeof(*in));
	in->fd = -1;
	if (!idx) {
		snprintf(err, errlen, "local interface %s: %s", ifname, strerror(errno));
		return -1;
	}
	in->fd = socket(af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (in->fd < 0) {
		snprintf(err, errlen, "inject socket: %s", strerror(errno));
		return -1;
	}
	if (af == AF_INET) {
		struct ip_mreqn mr = { .imr_ifindex = (int)idx };
		struct sockaddr_in *d = (struct sockaddr_in *)&in->dst;

		if (setsockopt(in->fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0 ||
		    setsockopt(in->fd, IPPROTO_IP, IP_MULTICAST_LOOP, &one, sizeof(one)) < 0 ||
		    setsockopt(in->fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) < 0)
			goto fail;
		d->sin_family = AF_INET;
		d->sin_port = htons(port);
		d->sin_addr = group->v4;
		in->dlen = sizeof(*d);
	} else {
		int i = (int)idx;
		struct sockaddr_in6 *d = (struct sockaddr_in6 *)&in->dst;

		if (setsockopt(in->fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &i, sizeof(i)) < 0 ||
		    setsockopt(in->fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &one, sizeof(one)) < 0 ||
		    setsockopt(in->fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &ttl, sizeof(ttl)) < 0)
			goto fail;
		d->sin6_family = AF_INET6;
		d->sin6_port = htons(port);
		d->sin6_addr = group->v6;
		d->sin6_scope_id = idx;
		in->dlen = sizeof(*d);
	}
	/* a fixed source port, so the tap can tell our datagrams from the kernel's */
	memset(&me, 0, sizeof(me));
	me.ss_family = (sa_family_t)af;
	if (bind(in->fd, (struct sockaddr *)&me, af == AF_INET ? sizeof(struct sockaddr_in) :
	         sizeof(struct sockaddr_in6)) < 0 ||
	    getsockname(in->fd, (struct sockaddr *)&me, &ml) < 0)
		goto fail;
	in->src_port = ntohs(af == AF_INET ? ((struct sockaddr_in *)&me)->sin_port :
	                                     ((struct sockaddr_in6 *)&me)->sin6_port);
	return 0;
fail:
	snprintf(err, errlen, "inject socket on %s: %s", ifname, strerror(errno));
	close(in->fd);
	in->fd = -1;
	return -1;
}

int relay_inject_send(struct relay_inject *in, const uint8_t *msg, size_t len)
{
	if (in->fd < 0)
		return -1;
	return sendto(in->fd, msg, len, 0, (struct sockaddr *)&in->dst, in->dlen) == (ssize_t)len
	       ? 0 : -1;
}

void relay_inject_close(struct relay_inject *in)
{
	if (in->fd >= 0)
		close(in->fd);
	in->fd = -1;
}

/* Sum over the /proc/net/udp[6] rows bound to local port PORT of their rx_queue (drops 0) or
 * of their drops column, the last one (drops 1); -1 when neither file is readable. */
static long long udp_port_sum(uint16_t port, int drops)
{
	static const char *const files[] = { "/proc/net/udp", "/proc/net/udp6" };
	long long sum = -1;
	char line[512], want[8];

	snprintf(want, sizeof(want), ":%04X", port);
	for (size_t i = 0; i < 2; i++) {
		FILE *f = fopen(files[i], "re");

		if (!f)
			continue;
		if (sum < 0)
			sum = 0;
		while (fgets(line, sizeof(line), f)) {
			char local[64], *p;
			unsigned long long tx, v;

			/* sl local_address rem_address st tx_queue:rx_queue ... drops */
			if (sscanf(line, "%*s %63s", local) != 1 || !(p = strstr(local, want)) ||
			    strcmp(p, want))
				continue;
			if (!drops) {
				if (sscanf(line, "%*s %*s %*s %*s %llx:%llx", &tx, &v) == 2)
					sum += (long long)v;
				continue;
			}
			/* the kernel pads each line with spaces after the drops column */
			p = line + strlen(line);
			while (p > line && (p[-1] == ' ' || p[-1] == '\n'))
				*--p = '\0';
			p = strrchr(line, ' ');
			if (p && sscanf(p, "%llu", &v) == 1)
				sum += (long long)v;
		}
		fclose(f);
	}
	return sum;
}

long long relay_inject_backlog(uint16_t port)
{
	return udp_port_sum(port, 0);
}

long long relay_inject_drops(uint16_t port)
{
	return udp_port_sum(port, 1);
}
