/* sync/relay_os.h - the relay's three kinds of sockets, each in its own file:
 *  - relay_tap.c: an AF_PACKET socket on the local interface that sees the datagrams the
 *    kernel master sync thread transmits there (its multicast loop is off, so no UDP socket on
 *    the box ever receives them), with the pure filter/parser relay_tap_parse;
 *  - relay_inject.c: a UDP socket sending plain sync v1 messages to the group on the local
 *    interface with multicast loop on, which is how they reach the local kernel backup thread;
 *  - relay_peer.c: the UDP socket to the other relays (unicast peers or a multicast group,
 *    IPv4 or IPv6), bound to the peer interface.
 * docs/sync-protocol.md section 6 names the kernel code that makes the local ends work. */
#ifndef SYNC_RELAY_OS_H
#define SYNC_RELAY_OS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include "sync/sync_msg.h"

struct relay_tap_filter {
	int af;                     /* AF_INET or AF_INET6: the group's family */
	union sync_addr group;      /* destination the kernel master sends to */
	uint16_t port;              /* its UDP port (host order) */
	uint16_t own_port;          /* our injector's source port: its datagrams are not taken */
};

/* A packet as an AF_PACKET SOCK_DGRAM socket returns it (network header first), with the
 * ethertype (host order). 1: a sync datagram for us (payload and plen set); 0: other traffic;
 * -1: addressed to the group and port but malformed (truncated, fragmented, bad lengths). */
int relay_tap_parse(const uint8_t *pkt, size_t len, uint16_t ethertype,
                    const struct relay_tap_filter *f, const uint8_t **payload, size_t *plen);
/* AF_PACKET socket on ifname, non-blocking. fd, or -1 with err. */
int relay_tap_open(const char *ifname, char *err, size_t errlen);
/* One packet: length (0: nothing to read), -1 on error. *outgoing: sent by this host. */
ssize_t relay_tap_recv(int fd, uint8_t *buf, size_t cap, uint16_t *ethertype, int *outgoing);

struct relay_inject {
	int fd;
	struct sockaddr_storage dst;
	socklen_t dlen;
	uint16_t src_port;          /* host order, for the tap filter */
};
/* UDP socket sending to group:port out of ifname with multicast loop on, TTL 1. 0 / -1. */
int relay_inject_open(struct relay_inject *in, const char *ifname, int af,
                      const union sync_addr *group, uint16_t port, char *err, size_t errlen);
int relay_inject_send(struct relay_inject *in, const uint8_t *msg, size_t len);
void relay_inject_close(struct relay_inject *in);
/* bytes waiting in the receive queues of the UDP sockets bound to `port` (the kernel backup
 * thread's): the rx_queue column of /proc/net/udp[6]; -1 when unreadable */
long long relay_inject_backlog(uint16_t port);
/* datagrams the kernel dropped at UDP sockets bound to local port PORT (the backup thread's
 * socket when its receive buffer overflows); -1 when /proc/net/udp[6] is unreadable */
long long relay_inject_drops(uint16_t port);

/* The peer socket: bound to port on ifname (SO_BINDTODEVICE); with a group it joins it there
 * and sends to it out of ifname (loop off). ttl: unicast TTL / multicast hops. fd or -1. */
int relay_peer_open(int af, const char *ifname, uint16_t port, const union sync_addr *group,
                    int ttl, char *err, size_t errlen);

#endif
