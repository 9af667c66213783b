/* tests/unit/relay_test.h - what the relay tests (test_relay_core*.c, test_relay_flow.c)
 * share: the key, the simulated address of node `id`, the xorshift step of their seeded
 * pseudo-random numbers (each file keeps its own seed) and their one connection entry. */
#ifndef TESTS_UNIT_RELAY_TEST_H
#define TESTS_UNIT_RELAY_TEST_H

#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "sync/sync_msg.h"

#define KEY "unit-test-relay-key-0123456789"

static inline struct sockaddr_in addr_of(int id)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(8849) };

	a.sin_addr.s_addr = htonl(0x0a000001 + (uint32_t)id);
	return a;
}

/* the next number of the xorshift64 sequence in *state */
static inline uint64_t xorshift64(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/* a TCP connection 10.77.0.1:cport -> 10.9.0.100:80 -> 10.9.1.10:80 with these flags */
static inline void entry(struct sync_entry *e, uint16_t cport, uint32_t flags)
{
	memset(e, 0, sizeof(*e));
	e->af = AF_INET;
	e->protocol = IPPROTO_TCP;
	e->flags = flags;
	e->state = 1;
	e->cport = cport;
	e->vport = 80;
	e->dport = 80;
	e->timeout = 900;
	e->caddr.v4.s_addr = htonl(0x0a4d0001);
	e->vaddr.v4.s_addr = htonl(0x0a090064);
	e->daddr.v4.s_addr = htonl(0x0a09010a);
}

#endif
