/* tests/bench/sync/sync_inject.c - fill a director's IPVS connection table cheaply, for the
 * bulk-resync benchmark: sends sync v1 messages (built with sync_builder, 40 IPv4 entries per
 * 1472-byte message) to a kernel backup thread on this host, multicast loop on, the way the
 * relay feeds it (docs/sync-protocol.md section 1). Each entry is a TCP NAT connection
 * ESTABLISHED, client 172.16.0.0/12 + i (port 1024 + i % 60000), virtual 10.0.7.100:9000, real
 * server 10.0.8.10:9000 (environment SI_VADDR, SI_VPORT, SI_DADDR, SI_DPORT change them), with
 * TIMEOUT seconds to live. SI_LOOP=0 turns multicast loop off (the datagrams then reach only
 * AF_PACKET readers of the interface, such as the relay's tap of the kernel master thread).
 *
 *   sync_inject IFADDR GROUP PORT SYNCID N [RATE [FIRST [TIMEOUT]]]
 *
 * RATE: entries per second (0 = as fast as the socket takes them; the kernel thread then drops
 * what overflows its receive buffer, so the caller counts and sends again). FIRST: index of
 * the first connection (default 0). Prints the messages and entries sent and the seconds. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/ip_vs.h>
#include "sync/sync_msg.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int send_msg(int s, struct sync_builder *b, uint8_t *buf, const struct sockaddr_in *dst)
{
	size_t len = sync_builder_finish(b);

	while (sendto(s, buf, len, 0, (const struct sockaddr *)dst, sizeof(*dst)) < 0) {
		if (errno != ENOBUFS && errno != EAGAIN) {
			perror("sendto");
			return -1;
		}
		usleep(1000);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	struct in_addr ifaddr;
	uint8_t buf[1472];
	struct sync_builder b;
	struct sync_entry e;
	unsigned long n, first = 0, i, msgs = 0, sent = 0;
	double rate = 0, t0;
	unsigned char loop = 1, ttl = 1;
	const char *ev;
	int s, syncid, timeout = 3600;

	if (argc < 6) {
		fprintf(stderr, "usage: %s IFADDR GROUP PORT SYNCID N [RATE [FIRST [TIMEOUT]]]\n", argv[0]);
		return 2;
	}
	if (inet_pton(AF_INET, argv[1], &ifaddr) != 1 || inet_pton(AF_INET, argv[2], &dst.sin_addr) != 1) {
		fprintf(stderr, "bad address\n");
		return 2;
	}
	dst.sin_port = htons(atoi(argv[3]));
	syncid = atoi(argv[4]);
	n = strtoul(argv[5], NULL, 0);
	if (argc > 6)
		rate = atof(argv[6]);
	if (argc > 7)
		first = strtoul(argv[7], NULL, 0);
	if (argc > 8)
		timeout = atoi(argv[8]);
	if ((ev = getenv("SI_LOOP")))
		loop = (unsigned char)atoi(ev);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0 || setsockopt(s, IPPROTO_IP, IP_MULTICAST_IF, &ifaddr, sizeof(ifaddr)) < 0 ||
	    setsockopt(s, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, 1) < 0 ||
	    setsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, 1) < 0) {
		perror("socket");
		return 1;
	}
	memset(&e, 0, sizeof(e));
	e.af = AF_INET;
	e.protocol = IPPROTO_TCP;
	e.flags = IP_VS_CONN_F_MASQ;
	e.state = 1;                                   /* ESTABLISHED */
	e.timeout = timeout;
	e.vport = (ev = getenv("SI_VPORT")) ? atoi(ev) : 9000;
	e.dport = (ev = getenv("SI_DPORT")) ? atoi(ev) : 9000;
	if (inet_pton(AF_INET, (ev = getenv("SI_VADDR")) ? ev : "10.0.7.100", &e.vaddr.v4) != 1 ||
	    inet_pton(AF_INET, (ev = getenv("SI_DADDR")) ? ev : "10.0.8.10", &e.daddr.v4) != 1) {
		fprintf(stderr, "bad SI_VADDR / SI_DADDR\n");
		return 2;
	}
	t0 = now_s();
	sync_builder_init(&b, buf, sizeof(buf), syncid);
	for (i = first; i < first + n || b.nr; i++) {
		int rc = 1;

		if (i < first + n) {
			e.caddr.v4.s_addr = htonl((172u << 24 | 16u << 16) + (uint32_t)(i / 60000));
			e.cport = 1024 + i % 60000;
			rc = sync_builder_add(&b, &e);
			if (rc < 0) {
				fprintf(stderr, "entry cannot be encoded\n");
				return 1;
			}
		}
		if (rc == 0)
			continue;
		if (!b.nr) {
			fprintf(stderr, "entry does not fit an empty message\n");
			return 1;
		}
		/* message full (the entry was not added) or no entries left: send it */
		if (send_msg(s, &b, buf, &dst) < 0)
			return 1;
		msgs++;
		sent += b.nr;
		if (rate > 0) {
			double ahead = sent / rate - (now_s() - t0);

			if (ahead > 0)
				usleep((useconds_t)(ahead * 1e6));
		}
		sync_builder_init(&b, buf, sizeof(buf), syncid);
		if (i < first + n)
			i--;                           /* add the entry that did not fit again */
	}
	printf("sync_inject: %lu messages, %lu entries, %.3f s\n", msgs, sent, now_s() - t0);
	return 0;
}
